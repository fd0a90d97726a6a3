"""Prometheus metrics: requests served (a middleware), and the gauges apps register (queues,
heartbeats), read from the database when scraped so that every process reports the same.

prometheus_client does the bookkeeping and the text format. Under gunicorn's several processes,
set PROMETHEUS_MULTIPROC_DIR (deploy/gunicorn.conf.py does): request counts are then summed
across processes."""

import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from django.http import HttpRequest, HttpResponse
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from .registry import registry

if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):  # (gunicorn's start hook makes it; be sure)
    Path(os.environ["PROMETHEUS_MULTIPROC_DIR"]).mkdir(parents=True, exist_ok=True)

REQUESTS = Counter(
    "tongyou_http_requests", "HTTP requests answered, by method and status class", ["method", "status"]
)
LATENCY = Histogram(
    "tongyou_http_request_seconds",
    "Time to answer a request",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


class RequestMetricsMiddleware:
    """Counts every answer by method and status class (2xx, 4xx…) and times it. Paths are not
    labelled: a label per URL would hold ids, and ids of children do not go into metrics."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        LATENCY.observe(time.perf_counter() - started)
        method = request.method if request.method in {"GET", "POST", "HEAD", "PUT", "DELETE"} else "other"
        REQUESTS.labels(method, f"{response.status_code // 100}xx").inc()
        return response


class RegisteredGauges(Collector):
    """The apps' gauges (core/registry.py `registry.metric`), read at scrape time."""

    def collect(self) -> Iterator[Metric]:
        for metric in sorted(registry.metrics.values(), key=lambda m: m.name):
            value = metric.read()
            if isinstance(value, dict):
                family = GaugeMetricFamily(metric.name, metric.help, labels=[metric.label])
                for label, number in sorted(value.items()):
                    family.add_metric([label], float(number))
            else:
                family = GaugeMetricFamily(metric.name, metric.help, value=float(value))
            yield family


def exposition() -> bytes:
    """Everything, in the Prometheus text format."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        scraped = CollectorRegistry()
        MultiProcessCollector(scraped)
    else:
        scraped = CollectorRegistry()
        for collector in (REQUESTS, LATENCY):
            scraped.register(collector)
    scraped.register(RegisteredGauges())
    return generate_latest(scraped)

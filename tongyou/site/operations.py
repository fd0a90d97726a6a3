"""Endpoints for the people who run Tongyou: liveness, readiness and metrics.

`/healthz` answers while the process can answer at all (for the service manager); `/readyz` says
whether it can serve pages (the database answers) and what is degraded (cache, broker, a silent
worker or scheduler), in JSON; `/metrics` is for Prometheus, open to the host itself or to a
scraper presenting TONGYOU_METRICS_TOKEN. None of them says anything about a child."""

import hmac
import ipaddress

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from tongyou.core import health
from tongyou.core.clientip import request_address
from tongyou.core.metrics import exposition


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


def _database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except DatabaseError:
        return False


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    if not _database_answers():
        return JsonResponse({"database": "down"}, status=503)
    ages = health.heartbeat_ages()
    report: dict[str, str] = {"database": "ok"}
    # The broker as the scheduler last found it; the cache as it answers now (read-only: a probe
    # every few seconds must not write a row each time).
    report.update({name: "ok" if up else "down" for name, up in health.services_up().items()})
    report[health.CACHE] = "ok" if health.cache_answers() else "down"
    for process in (health.WORKER, health.SCHEDULER):
        report[process] = health.process_state(process, ages)
    return JsonResponse(report)


def _may_scrape(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    offered = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if token and offered:
        return hmac.compare_digest(offered.encode(), token.encode())
    address = request_address(request)
    try:
        return address is not None and ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    if not _may_scrape(request):
        return HttpResponse("forbidden", status=403, content_type="text/plain")
    return HttpResponse(exposition(), content_type="text/plain; version=0.0.4; charset=utf-8")

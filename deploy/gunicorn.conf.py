"""gunicorn settings for Tongyou (`gunicorn -c deploy/gunicorn.conf.py tongyou.wsgi`).

Every value can be overridden from the environment (docs/deployment.md)."""

import os
import shutil
import sys
import tempfile
from pathlib import Path

bind = os.environ.get("TONGYOU_BIND", "127.0.0.1:8000")
# Pages are mostly database-bound: two processes per core, a few threads each.
workers = int(os.environ.get("TONGYOU_WEB_WORKERS", str(2 * (os.cpu_count() or 1))))
threads = int(os.environ.get("TONGYOU_WEB_THREADS", "4"))
# Large imports are checked and written in the background (datahub); a page that takes this long
# is stuck, and its process is replaced.
timeout = int(os.environ.get("TONGYOU_WEB_TIMEOUT", "120"))
graceful_timeout = 30
max_requests = 2000  # a slow leak in any library cannot grow without bound
max_requests_jitter = 200
forwarded_allow_ips = os.environ.get("TONGYOU_TRUSTED_PROXIES", "127.0.0.1")
# The access log names the path, never the query string: a search can carry a name.
accesslog = "-"
access_log_format = (
    '{"time": "%(t)s", "method": "%(m)s", "path": "%(U)s", "status": %(s)s, "bytes": %(B)s, "seconds": %(L)s}'
)
errorlog = "-"
loglevel = os.environ.get("TONGYOU_LOG_LEVEL", "info").lower()
# The web processes add up their request counts in files here (prometheus_client's multiprocess
# mode); set before any process imports the client. systemd gives the unit /run/tongyou.
os.environ.setdefault(
    "PROMETHEUS_MULTIPROC_DIR",
    os.path.join(
        os.environ.get("RUNTIME_DIRECTORY", tempfile.gettempdir()),
        f"tongyou-metrics-{bind.rsplit(':', 1)[-1]}",
    ),
)


def on_starting(server):
    """Refuse to start on a broken configuration (no key file, say), with Django's own checks;
    and start the metrics directory empty, so no dead process's counts linger."""
    metrics_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if metrics_dir:
        shutil.rmtree(metrics_dir, ignore_errors=True)
        Path(metrics_dir).mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongyou.settings.production")
    import django
    from django.core import checks

    django.setup()
    errors = [m for m in checks.run_checks() if m.is_serious()]
    if errors:
        for message in errors:
            server.log.error("%s", message)
        sys.exit(1)


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)

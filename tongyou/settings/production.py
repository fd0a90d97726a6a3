"""Production: HTTPS only, secure cookies, HSTS, no debug, and nothing guessed.

What a real install must be told is required here: a missing value stops the process at start
with a message that names it (docs/deployment.md lists every variable), rather than running on a
demo key or an embedded database."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASES, MIDDLEWARE


def required(name: str, purpose: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(
            f"生产环境缺少环境变量 {name}（{purpose}）。"
            f" The production settings need {name}; see docs/deployment.md."
        )
    return value


DEBUG = False
SECRET_KEY = required("DJANGO_SECRET_KEY", "会话与表单签名密钥，至少 50 个随机字符")
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("tongyou-demo"):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY 过短或是演示密钥：请用至少 50 个随机字符"
        "（python -c 'import secrets; print(secrets.token_urlsafe(64))'）。"
    )
ALLOWED_HOSTS = required("DJANGO_ALLOWED_HOSTS", "对外服务的域名，逗号分隔").split(",")
ALLOWED_HOSTS += ["127.0.0.1", "localhost"]  # the host's own health checks and metrics scraper
required("DATABASE_URL", "PostgreSQL 连接，如 postgres://tongyou@127.0.0.1/tongyou")
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    raise ImproperlyConfigured("生产环境使用 PostgreSQL：DATABASE_URL 不能指向 SQLite。")
required("TONGYOU_CACHE_URL", "Redis，多个进程共享限流计数和导入进度，如 redis://127.0.0.1:6379/0")
# A missing key file stops every start through the system check tongyou.E001 (core/checks.py),
# run by the worker, migrate and gunicorn's start hook (deploy/gunicorn.conf.py).
# The demo (twelve accounts with a published password, fake facilities) never enters a real
# install: setup_demo and the demo accounts refuse under these settings.
DEMO_ALLOWED = False

# Static files from the app server itself, compressed and with far-future names (WhiteNoise),
# so a district needs no separate file server; a reverse proxy may still cache them.
MIDDLEWARE = [
    *MIDDLEWARE[: MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1],
    "whitenoise.middleware.WhiteNoiseMiddleware",
    *MIDDLEWARE[MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1 :],
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SECURE_SSL_REDIRECT = os.environ.get("TONGYOU_SSL_REDIRECT", "1") == "1"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The service manager and the scraper talk to the app server directly, over loopback HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = False
LANGUAGE_COOKIE_SECURE = True
TONGYOU_REQUIRE_OTP = os.environ.get("TONGYOU_REQUIRE_OTP", "1") == "1"
SILENCED_SYSTEM_CHECKS = [
    # django-ratelimit lists the cache backends it knows; Django's own Redis backend increments
    # with Redis INCR, atomically across processes, which is what the counters need.
    "django_ratelimit.W001",
    # HSTS preload is a promise to browser vendors for a public domain and every subdomain; a
    # district's intranet name cannot make it. HSTS itself is on (a year).
    "security.W021",
]
# Logs as one JSON object a line, for the district's log collector; messages never carry
# personal data (core/logs.py masks ID and phone numbers that slip into one).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_personal_data": {"()": "tongyou.core.logs.MaskPersonalData"}},
    "formatters": {"json": {"()": "tongyou.core.logs.JsonFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "json", "filters": ["no_personal_data"]}
    },
    "root": {"handlers": ["console"], "level": os.environ.get("TONGYOU_LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}

"""Settings shared by every environment.

Everything a deployment changes comes from the environment (see docs/security.md
for the keys and docs/architecture.md for the rest); the defaults are for the
embedded demo that `make run` starts.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("TONGYOU_VAR_DIR", BASE_DIR / "var"))

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "tongyou-demo-only-not-secret")
DEBUG = os.environ.get("DJANGO_DEBUG", "1") == "1"
ALLOWED_HOSTS = os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")

INSTALLED_APPS = [
    # Shared rules first: every domain app depends on them.
    "tongyou.core",
    "tongyou.regions",
    "tongyou.accounts",
    "tongyou.privacy",
    "tongyou.audit",
    # Domains of the plan.
    "tongyou.datahub",
    "tongyou.monitoring",
    "tongyou.welfare",
    "tongyou.alerts",
    "tongyou.spaces",
    "tongyou.participation",
    "tongyou.reading",
    "tongyou.community",
    "tongyou.rehabilitation",
    "tongyou.intervention",
    "tongyou.readiness",
    "tongyou.guidance",
    # The site shell: collects what every app registers (menu, worklists, jobs, demo data).
    "tongyou.site",
    # Django and well-kept third-party apps.
    "tongyou.accounts.admin_site.AdminConfig",  # django.contrib.admin, with its site narrowed
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "ninja",
    "django_ratelimit",
]

MIDDLEWARE = [
    # First: every later layer (lockout, rate limits, audit) keys on the address it settles.
    "tongyou.core.clientip.TrustedProxyMiddleware",
    # Counts and times every answer for /metrics (no paths, no ids).
    "tongyou.core.metrics.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "tongyou.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "tongyou.audit.context.AuditUserMiddleware",
    "tongyou.core.middleware.PrivateResponseMiddleware",
    "tongyou.accounts.middleware.RequireOTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so that it sees the final response of a refused login.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tongyou.urls"
WSGI_APPLICATION = "tongyou.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tongyou.site.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'tongyou.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out login before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    # Then password spraying: many accounts failing from one address (accounts/lockout.py).
    "tongyou.accounts.lockout.SprayGuardBackend",
    "rules.permissions.ObjectPermissionBackend",
    # Passwords only: permissions come from `rules`, never from Django's tables or a superuser flag.
    "tongyou.accounts.backends.PasswordBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "site:home"
LOGOUT_REDIRECT_URL = "site:home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # 12 characters: OWASP ASVS 4.0 V2.1.1; no composition rules and no forced rotation (V2.1.9, V2.1.10).
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login throttling and lockout (django-axes): 5 failures for one username from
# one address lock that pair for 30 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("TONGYOU_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "tongyou.core.clientip.request_address"
# Password spraying: this many different accounts failing from one address within the cool-off
# pause every login from that address (accounts/lockout.py).
LOGIN_SPRAY_LIMIT = int(os.environ.get("TONGYOU_LOGIN_SPRAY_LIMIT", "10"))

# Reverse proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated):
# without them the whole district would share one address behind the proxy (core/clientip.py).
TRUSTED_PROXIES = [p for p in os.environ.get("TONGYOU_TRUSTED_PROXIES", "").split(",") if p.strip()]

# Sessions end after 30 idle minutes and with the browser.
SESSION_COOKIE_AGE = int(os.environ.get("TONGYOU_SESSION_SECONDS", str(30 * 60)))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy: only our own origin, no inline script (nonces for
# the few inline blocks), map tiles from the configured tile server.
# A Leaflet URL template ({z}/{x}/{y}); empty: maps draw boundaries only. See the administrator's
# guide for 天地图 (WMTS, with the district's key) and an offline tile package served in-house.
TILE_URL = os.environ.get("TONGYOU_TILE_URL", "")
# A Prometheus scraper on another host presents this as a Bearer token; without one, /metrics
# answers only the host itself.
METRICS_TOKEN = os.environ.get("TONGYOU_METRICS_TOKEN", "")
# The demo (setup_demo, demo accounts with a published password) may load; production says no.
DEMO_ALLOWED = True
TILE_ORIGIN = "{0.scheme}://{0.netloc}".format(urlsplit(TILE_URL)) if TILE_URL.startswith("http") else ""
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"] + ([TILE_ORIGIN] if TILE_ORIGIN else []),
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# Chinese first; English through Django's i18n.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "tongyou" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("TONGYOU_STATIC_ROOT", VAR_DIR / "static"))
# ECharts and Leaflet come from npm at build time and are served from here:
# district intranets have no CDN.
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
    ("vendor/leaflet", NODE_MODULES / "leaflet" / "dist"),
    # The public alert app computes its H3 cells and talks MQTT over WebSockets in the browser.
    ("vendor/h3", NODE_MODULES / "h3-js" / "dist"),
    ("vendor/mqtt", NODE_MODULES / "mqtt" / "dist"),
]
# Uploads are bounded while they stream (core/uploads.py): a file beyond its view's limit (this by
# default) is counted, not stored. The reverse proxy should cap request bodies too.
UPLOAD_MAX_BYTES = 10 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "tongyou.core.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
DATA_UPLOAD_MAX_NUMBER_FILES = 10
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"

# Field encryption and blind index keys: a key file outside the database, or
# the TONGYOU_KEYS environment variable (docs/security.md).
TONGYOU_KEY_FILE = os.environ.get("TONGYOU_KEY_FILE", str(VAR_DIR / "keys.json"))

# The audit chain's head is signed and appended here every AUDIT_ANCHOR_HOURS (audit/anchors.py).
# Production: a file on another machine's share or on write-once storage, not beside the database.
AUDIT_ANCHOR_FILE = os.environ.get("TONGYOU_AUDIT_ANCHOR_FILE", str(VAR_DIR / "audit-anchors.jsonl"))
AUDIT_ANCHOR_HOURS = float(os.environ.get("TONGYOU_AUDIT_ANCHOR_HOURS", "24"))

# Refused access (audit/refusals.py): each refusal is logged up to this many per user (or address)
# in ten minutes, then only milestones; the security administrators are told at REFUSALS_NOTIFY.
REFUSALS_LOGGED_PER_WINDOW = int(os.environ.get("TONGYOU_REFUSALS_LOGGED", "20"))
REFUSALS_NOTIFY = int(os.environ.get("TONGYOU_REFUSALS_NOTIFY", "10"))

# Audit entries younger than this may never be pruned.
AUDIT_RETENTION_DAYS = max(180, int(os.environ.get("TONGYOU_AUDIT_RETENTION_DAYS", "180")))

# Roles that must confirm a TOTP device once they have one; set
# TONGYOU_REQUIRE_OTP=1 to refuse them until they enrol.
OTP_ROLES = ("admin", "security_admin", "audit_admin", "coordinator")
TONGYOU_REQUIRE_OTP = os.environ.get("TONGYOU_REQUIRE_OTP", "0") == "1"
OTP_TOTP_ISSUER = "Tongyou 童友"

# Imports commit in a background thread so the page can show progress; tests run them inline.
IMPORT_IN_BACKGROUND = os.environ.get("TONGYOU_IMPORT_IN_BACKGROUND", "1") == "1"
# A commit of at least this many rows prepares its next chunk in a helper process on another core
# while it writes (tongyou/core/parallel.py); a smaller one is not worth starting a process for.
IMPORT_HELPER_ROWS = int(os.environ.get("TONGYOU_IMPORT_HELPER_ROWS", "20000"))
# A check of at least this many rows shares its blocks with a helper process; the helper sets up
# Django first (2-3 s of one core), so a smaller file is checked here.
IMPORT_CHECK_HELPER_ROWS = int(os.environ.get("TONGYOU_IMPORT_CHECK_HELPER_ROWS", "100000"))

# The public harm-report form is rate-limited per address (django-ratelimit). It needs a cache
# shared by all server processes in production (Redis: TONGYOU_CACHE_URL); the embedded demo
# runs in one process, where the local-memory cache is enough.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if os.environ.get("TONGYOU_CACHE_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["TONGYOU_CACHE_URL"],
        }
    }
# A cache outage lets requests through (core/ratelimit.py records it for staff): a report about a
# child in danger is never refused because Redis is down.
RATELIMIT_FAIL_OPEN = True
SILENCED_SYSTEM_CHECKS = (
    [] if os.environ.get("TONGYOU_CACHE_URL") else ["django_ratelimit.E003", "django_ratelimit.W001"]
)

# What aggregates about persons show to whom is decided in tongyou/core/disclosure.py.
# Statistics count over the children's columns held in memory (datahub/services/columns.py),
# read again whenever children or their facts change; False counts in the database each time.
DATAHUB_STATISTICS_IN_MEMORY = os.environ.get("TONGYOU_STATISTICS_IN_MEMORY", "1") == "1"
# After a change, the columns are read again in a background thread while pages count in the
# database; the tests read them at once.
DATAHUB_STATISTICS_READ_IN_BACKGROUND = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("TONGYOU_LOG_LEVEL", "WARNING")},
    # Django's own messages once, through the console handler above: its default configuration
    # would also pass them on to the root logger and print each twice.
    "loggers": {
        "django": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},  # one line a request
    },
}

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Writers take the lock when their transaction starts, so the audit chain's
    # read-last-then-append cannot interleave.
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"
    # A long import holds the single SQLite writer lock; other writers (audit entries) wait
    # for it rather than fail. Production runs PostgreSQL, where this does not arise.
    DATABASES["default"]["OPTIONS"]["timeout"] = 60
    # A page cache of up to 256 MB instead of SQLite's 2 MB: a large import inserts into indexes
    # keyed by random blind-index values, and misses in a small cache dominate
    # (docs/performance.md).
    DATABASES["default"]["OPTIONS"]["init_command"] = "PRAGMA cache_size=-262144;"

# Missing-child alerts (docs/architecture.md, "Alerts"). The radius grows with the time since the
# child was last seen, as 团圆 does: (minutes since, km); None is "beyond".
ALERT_RADIUS_STEPS = [(60, 100), (120, 200), (180, 300), (None, 500)]
# H3 resolution of the MQTT topics for a radius: finer cells for small circles (less overshoot).
ALERT_CELL_RESOLUTIONS = [(100, 6), (300, 5), (None, 4)]
# The server's recipient index: a latitude–longitude grid of this many degrees (about 5.5 km
# north–south); chosen by measurement at 2.5–10 million locations (docs/performance.md).
ALERT_INDEX_CELL_DEGREES = 0.05
ALERT_REQUIRE_CONFIRMATION = os.environ.get("TONGYOU_ALERT_CONFIRMATION", "") == "1"
ALERT_RETENTION_DAYS = int(os.environ.get("TONGYOU_ALERT_RETENTION_DAYS", "7"))
# Every CAP Alert/Update expires this many hours after it was sent; an active alert is re-issued
# (an Update) once its latest message is two thirds of the way there. The Atom feed keeps each
# ended alert's Cancel for ALERT_RETENTION_DAYS, so a poller that missed the push still sees it.
ALERT_CAP_EXPIRES_HOURS = int(os.environ.get("TONGYOU_ALERT_CAP_EXPIRES_HOURS", "72"))
ALERT_SENDER = os.environ.get("TONGYOU_ALERT_SENDER", "tongyou@yuquan.hohhot")
PUBLIC_URL = os.environ.get("TONGYOU_PUBLIC_URL", "http://127.0.0.1:8000")
MQTT_URL = os.environ.get("TONGYOU_MQTT_URL", "mqtt://127.0.0.1:1883")
# Where browsers reach the same broker over WebSockets (the public alert app, /alerts/app/).
MQTT_WS_URL = os.environ.get("TONGYOU_MQTT_WS_URL", "ws://127.0.0.1:9001/")
MQTT_TOPIC_PREFIX = "tongyou/alerts/cell"
# Drills publish here: only apps and recipients that take part in drills follow these topics.
MQTT_DRILL_TOPIC_PREFIX = "tongyou/drills/cell"
# Outbound requests reach public addresses only (core/outbound.py); networks listed here (for an
# SMS gateway on the district intranet, say) are let through on purpose.
OUTBOUND_ALLOWED_NETWORKS = [
    n for n in os.environ.get("TONGYOU_OUTBOUND_ALLOWED_NETWORKS", "").split(",") if n.strip()
]
SMS_GATEWAY_URL = os.environ.get("TONGYOU_SMS_GATEWAY_URL", "")
# Web Push (RFC 8030/8291/8292): the VAPID private key (base64url, as `vapid --gen` writes it) and
# the contact the push services see.
VAPID_PRIVATE_KEY = os.environ.get("TONGYOU_VAPID_PRIVATE_KEY", "")
VAPID_SUBJECT = os.environ.get("TONGYOU_VAPID_SUBJECT", "mailto:alerts@yuquan.hohhot")
CODE_ADAM_MINUTES = 10

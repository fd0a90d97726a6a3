"""Production: HTTPS only, secure cookies, HSTS, no debug, real secret key."""

import os

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
SECURE_SSL_REDIRECT = os.environ.get("TONGYOU_SSL_REDIRECT", "1") == "1"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = False
LANGUAGE_COOKIE_SECURE = True
TONGYOU_REQUIRE_OTP = os.environ.get("TONGYOU_REQUIRE_OTP", "1") == "1"
# Several server processes must share the rate-limit counters: production needs TONGYOU_CACHE_URL
# (Redis); without it the ratelimit system check stops the server.
SILENCED_SYSTEM_CHECKS = []

"""The application an app server runs (gunicorn tongyou.wsgi). Production settings unless told
otherwise: an app server is a real install; `manage.py runserver` (the demo) sets its own."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongyou.settings.production")
application = get_wsgi_application()

# Load every URL and the views behind them now, when the server starts (runserver imports this
# too), not on the first request: the first officer publishing an alert must not wait for it.
from django.urls import get_resolver  # noqa: E402

get_resolver().url_patterns  # noqa: B018

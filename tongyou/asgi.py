"""The application for an ASGI server (uvicorn tongyou.asgi:application). Production settings
unless told otherwise, as for wsgi.py."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongyou.settings.production")
application = get_asgi_application()

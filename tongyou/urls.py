from typing import Any

from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import JavaScriptCatalog
from ninja import NinjaAPI
from ninja.errors import ValidationError
from ninja.security import django_auth

from tongyou.alerts.api import router as alerts_router
from tongyou.core.errors import Refusal
from tongyou.core.workflow import StaleState
from tongyou.datahub.api import router as datahub_router
from tongyou.welfare.harm_views import public_report

api = NinjaAPI(
    title="Tongyou API",
    version="1",
    description="Scoped, audited access to Tongyou data for other departments' systems.",
    auth=django_auth,
    urls_namespace="api",
    # The schema and its browser are for signed-in staff and partner systems, not for anyone.
    docs_decorator=login_required,
)


@api.exception_handler(ValidationError)
def _invalid_request(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    # Bad parameters are the caller's mistake: 400 with what was wrong, never a 500 or a 422
    # the callers' systems do not expect.
    problems = "; ".join(
        f"{'.'.join(str(p) for p in error.get('loc', ()))}: {error.get('msg', '')}" for error in exc.errors
    )
    return api.create_response(request, {"detail": _("Invalid request: %s") % problems}, status=400)


@api.exception_handler(Refusal)
def _refused(request: HttpRequest, exc: BaseException) -> Any:
    # A service's refusal reaches a partner system as it reaches a person: its reason, with 409
    # when someone else changed the record first and 400 otherwise.
    return api.create_response(
        request, {"detail": str(exc)}, status=409 if isinstance(exc, StaleState) else 400
    )


api.add_router("/", datahub_router)
api.add_router("/", alerts_router)

admin.site.site_header = _("Tongyou administration")
admin.site.site_title = _("Tongyou administration")

urlpatterns = [
    path("", include("tongyou.site.urls")),
    path("", include("tongyou.core.urls")),
    path("accounts/", include("tongyou.accounts.urls")),
    path("datahub/", include("tongyou.datahub.urls")),
    path("monitoring/", include("tongyou.monitoring.urls")),
    path("regions/", include("tongyou.regions.urls")),
    path("welfare/", include("tongyou.welfare.urls")),
    path("alerts/", include("tongyou.alerts.urls")),
    path("spaces/", include("tongyou.spaces.urls")),
    path("participation/", include("tongyou.participation.urls")),
    path("reading/", include("tongyou.reading.urls")),
    path("community/", include("tongyou.community.urls")),
    path("rehabilitation/", include("tongyou.rehabilitation.urls")),
    path("intervention/", include("tongyou.intervention.urls")),
    path("readiness/", include("tongyou.readiness.urls")),
    path("guidance/", include("tongyou.guidance.urls")),
    path("report/", public_report, name="public_report"),
    path("audit/", include("tongyou.audit.urls")),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
]

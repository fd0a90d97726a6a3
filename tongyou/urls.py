from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import JavaScriptCatalog
from ninja import NinjaAPI
from ninja.security import django_auth

from tongyou.alerts.api import router as alerts_router
from tongyou.datahub.api import router as datahub_router
from tongyou.welfare.harm_views import public_report

api = NinjaAPI(
    title="Tongyou API",
    version="1",
    description="Scoped, audited access to Tongyou data for other departments' systems.",
    auth=django_auth,
    urls_namespace="api",
)
api.add_router("/", datahub_router)
api.add_router("/", alerts_router)

admin.site.site_header = _("Tongyou administration")
admin.site.site_title = _("Tongyou administration")

urlpatterns = [
    path("", include("tongyou.core.urls")),
    path("accounts/", include("tongyou.accounts.urls")),
    path("datahub/", include("tongyou.datahub.urls")),
    path("monitoring/", include("tongyou.monitoring.urls")),
    path("regions/", include("tongyou.regions.urls")),
    path("welfare/", include("tongyou.welfare.urls")),
    path("alerts/", include("tongyou.alerts.urls")),
    path("spaces/", include("tongyou.spaces.urls")),
    path("report/", public_report, name="public_report"),
    path("audit/", include("tongyou.audit.urls")),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
]

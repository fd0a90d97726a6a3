from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReadinessConfig(AppConfig):
    name = "tongyou.readiness"
    verbose_name = _("Disaster readiness for children")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "tongyou.monitoring"
    verbose_name = _("Plan monitoring")

    def ready(self) -> None:
        from . import staleness

        staleness.connect()

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DatahubConfig(AppConfig):
    name = "tongyou.datahub"
    verbose_name = _("Child data hub")

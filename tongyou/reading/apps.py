from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReadingConfig(AppConfig):
    name = "tongyou.reading"
    verbose_name = _("Early reading (萌阅)")

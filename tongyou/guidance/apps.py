from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuidanceConfig(AppConfig):
    name = "tongyou.guidance"
    verbose_name = _("Family-education guidance")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RehabilitationConfig(AppConfig):
    name = "tongyou.rehabilitation"
    verbose_name = _("Rehabilitation assistance for disabled children")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InterventionConfig(AppConfig):
    name = "tongyou.intervention"
    verbose_name = _("Graded intervention for minors' misbehaviour")

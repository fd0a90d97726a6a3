from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpacesConfig(AppConfig):
    name = "tongyou.spaces"
    verbose_name = _("Child-friendly spaces")

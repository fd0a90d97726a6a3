from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class SiteConfig(AppConfig):
    """The site shell: the frame every page sits in, the home page, the menu, the worker and the
    demo. It lists no app by name: each app's `registrations.py` says what it brings
    (core/registry.py), and the shell imports them all at start."""

    name = "tongyou.site"
    label = "site"
    verbose_name = _("Site")

    def ready(self) -> None:
        autodiscover_modules("registrations")

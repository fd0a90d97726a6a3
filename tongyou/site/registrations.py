"""The shell's own menu headings: what the public may open, and the system's administration."""

from django.utils.translation import gettext_lazy as _

from tongyou.core.registry import registry

registry.menu_group("public", _("Public information"), order=10)
registry.menu_group("system", _("System"), order=90)

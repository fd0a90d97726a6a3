from django.utils.translation import gettext_lazy as _

from tongyou.core.registry import NavItem, registry

from .services import load_regions

registry.menu(NavItem("regions.map", _("Map"), "regions:map", group="public", order=40, public=True))
registry.reference_data("regions", load_regions, order=10, description="Regions")

"""The administrative tree (行政区划): district → street/town → community/village → grid.

Codes are the 12-digit statistical division codes (统计用区划代码): the first six
digits are the GB/T 2260 county code, then three for the street or town and
three for the community or village. Grids (网格) are local: community code plus
three digits. `path` holds the codes from the root down, so that a jurisdiction
(a subtree) is one indexed prefix match.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    class Level(models.IntegerChoices):
        DISTRICT = 1, _("District")
        STREET = 2, _("Street or town")
        COMMUNITY = 3, _("Community or village")
        GRID = 4, _("Grid")

    class Kind(models.TextChoices):
        DISTRICT = "district", _("District (区)")
        STREET = "street", _("Street (街道)")
        TOWN = "town", _("Town (镇)")
        ZONE = "zone", _("Development zone (园区)")
        COMMUNITY = "community", _("Community (社区)")
        VILLAGE = "village", _("Village (村)")
        GRID = "grid", _("Grid (网格)")

    code = models.CharField(_("division code"), max_length=15, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(_("path"), max_length=80, db_index=True, editable=False)
    centroid_lat = models.DecimalField(_("centroid latitude"), max_digits=9, decimal_places=6, null=True)
    centroid_lng = models.DecimalField(_("centroid longitude"), max_digits=9, decimal_places=6, null=True)
    boundary = models.JSONField(_("boundary (GeoJSON geometry)"), null=True, blank=True)
    location_is_approximate = models.BooleanField(_("centroid and boundary are approximate"), default=True)
    name_is_official = models.BooleanField(
        _("name is the official one"),
        default=True,
        help_text=_("False for placeholder communities awaiting the official list."),
    )
    source = models.CharField(_("source"), max_length=300, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.path = (self.parent.path if self.parent else "/") + self.code + "/"
        super().save(*args, **kwargs)

    def clean(self) -> None:
        digits = 15 if self.level == self.Level.GRID else 12
        if not (self.code.isdigit() and len(self.code) == digits):
            raise ValidationError({"code": _("A %(n)s-digit division code is required.") % {"n": digits}})
        if self.parent and not self.code.startswith(self.parent.code[: self._own_prefix_length()]):
            raise ValidationError({"code": _("The code does not lie under its parent's code.")})

    def _own_prefix_length(self) -> int:
        lengths: dict[int, int] = {self.Level.STREET: 6, self.Level.COMMUNITY: 9, self.Level.GRID: 12}
        return lengths.get(self.level, 0)

    @property
    def centre(self) -> tuple[float, float]:
        """(lat, lng) of the centroid; every loaded district, street and community has one."""
        if self.centroid_lat is None or self.centroid_lng is None:
            raise ValueError(f"region {self.code} has no centroid")
        return float(self.centroid_lat), float(self.centroid_lng)

    def contains(self, other: Any) -> bool:
        """True if `other` (a Region) lies in this region's subtree, itself included."""
        return other is not None and other.path.startswith(self.path)

    def subtree(self) -> QuerySet[Region]:
        return Region.objects.filter(path__startswith=self.path)

    @property
    def community(self) -> Region:
        """The community or village a grid or community belongs to (itself for a community)."""
        return (self.parent or self) if self.level == self.Level.GRID else self

    @property
    def community_code(self) -> Any:
        """The community-level code from the path, without a query; None above that level."""
        codes = self.path.strip("/").split("/")
        return codes[2] if len(codes) > 2 else None

    def ancestor_at(self, level: int) -> Region | None:
        """The ancestor (or self) at `level`, found from the path without a query per level."""
        codes = self.path.strip("/").split("/")
        if level > len(codes):
            return None
        code = codes[level - 1]
        return self if code == self.code else Region.objects.get(code=code)

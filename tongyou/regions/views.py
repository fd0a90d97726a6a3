"""The district map: boundaries are public information, so no login is needed."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import services
from .models import Region


@require_GET
def region_map(request: HttpRequest) -> Any:
    """The district's map; signed-in staff see it zoomed to their own jurisdiction."""
    jurisdiction = getattr(request.user, "jurisdiction", None) if request.user.is_authenticated else None
    focus = jurisdiction if jurisdiction is not None and jurisdiction.level > Region.Level.DISTRICT else None
    return render(request, "regions/map.html", {"tile_url": settings.TILE_URL, "focus": focus})


@require_GET
def boundaries(request: HttpRequest) -> Any:
    """GeoJSON FeatureCollection of the regions at one level (default: streets and towns)."""
    try:
        level = int(request.GET.get("level", Region.Level.STREET))
    except ValueError:
        level = Region.Level.STREET
    regions = Region.objects.filter(level=level, boundary__isnull=False)
    features = [
        {
            "type": "Feature",
            "geometry": r.boundary,
            "properties": {
                "code": r.code,
                "name": r.name,
                "kind": r.kind,
                "approximate": r.location_is_approximate,
                "official_name": r.name_is_official,
            },
        }
        for r in regions
    ]
    return JsonResponse({"type": "FeatureCollection", "features": features})


@require_GET
def locate(request: HttpRequest) -> Any:
    """The community (or village) holding a point: the alert form fills its community from a click
    on the map. Public, as the boundaries are."""
    try:
        lat, lng = float(request.GET["lat"]), float(request.GET["lng"])
    except (KeyError, ValueError):
        return JsonResponse({"error": "lat and lng are numbers"}, status=400)
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        return JsonResponse({"error": "lat and lng are numbers"}, status=400)
    region = services.locate(lat, lng)
    if region is None:
        return JsonResponse({"found": False})
    return JsonResponse(
        {
            "found": True,
            "id": region.pk,
            "code": region.code,
            "name": region.name,
            "street": region.parent.name if region.parent else "",
        }
    )

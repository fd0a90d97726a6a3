"""Loading a walkable street network from an OpenStreetMap extract (.osm, .osm.pbf, .osm.bz2),
read with pyosmium: every way tagged `highway` that people may walk along, split into segments
between consecutive nodes, both directions (pedestrians ignore one-way streets)."""

from __future__ import annotations

from typing import Any

import osmium
from django.db import transaction
from django.utils.translation import gettext as _

from tongyou.core.errors import Refusal
from tongyou.core.geo import distance_km

from .models import StreetNetwork, StreetNode, StreetSegment

# Highways a pedestrian may not use, or that are not built yet.
NOT_WALKABLE = {"motorway", "motorway_link", "trunk", "trunk_link", "construction", "proposed", "raceway"}


def walkable(tags: Any) -> bool:
    return tags.get("highway") not in NOT_WALKABLE and tags.get("foot") != "no" and tags.get("access") != "no"


def read_osm(path: str) -> tuple[dict, dict]:
    """({osm node id: (lat, lng)}, {(node id, node id): metres}) of the walkable ways in `path`."""
    nodes: dict = {}
    segments: dict = {}
    processor = (
        osmium.FileProcessor(str(path)).with_locations().with_filter(osmium.filter.KeyFilter("highway"))
    )
    for way in processor:
        if not isinstance(way, osmium.osm.Way) or not walkable(way.tags):
            continue
        refs = []
        for node in way.nodes:
            if not node.location.valid():
                continue  # a node outside the extract: the way is cut where the extract ends
            nodes[node.ref] = (node.location.lat, node.location.lon)
            refs.append(node.ref)
        for start, end in zip(refs, refs[1:], strict=False):
            if start == end:
                continue
            pair = (min(start, end), max(start, end))
            (lat1, lng1), (lat2, lng2) = nodes[start], nodes[end]
            metres = distance_km(lat1, lng1, lat2, lng2) * 1000
            # Two ways between the same nodes: the shorter one is the way people walk.
            segments[pair] = min(metres, segments.get(pair, metres))
    return nodes, segments


@transaction.atomic
def load_street_network(path: str, name: str = "", loaded_by: Any = "") -> tuple:
    """Replace the street network with the walkable streets of an OpenStreetMap extract."""
    try:
        nodes, segments = read_osm(path)
    except RuntimeError as exc:  # pyosmium reports unreadable files this way
        raise Refusal(
            _("The file could not be read as OpenStreetMap data: %(error)s") % {"error": exc}
        ) from None
    if not segments:
        raise Refusal(_("The file has no walkable streets (ways tagged highway)."))
    StreetNetwork.objects.all().delete()
    network = StreetNetwork.objects.create(name=name or str(path).rsplit("/", 1)[-1], loaded_by=loaded_by)
    used = {ref for pair in segments for ref in pair}
    StreetNode.objects.bulk_create(
        (
            StreetNode(network=network, osm_id=ref, latitude=nodes[ref][0], longitude=nodes[ref][1])
            for ref in used
        ),
        batch_size=5000,
    )
    StreetSegment.objects.bulk_create(
        (
            StreetSegment(network=network, start_osm_id=start, end_osm_id=end, length_m=metres)
            for (start, end), metres in segments.items()
        ),
        batch_size=5000,
    )
    return network, len(used), len(segments)


def clear_street_network() -> int:
    """Back to straight line × detour factor."""
    return StreetNetwork.objects.all().delete()[0]

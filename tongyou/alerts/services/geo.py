"""Distances, the radius policy, and the H3 cells that cover a circle.

Topics are H3 cells at the resolution the radius calls for (ALERT_CELL_RESOLUTIONS); an app
subscribes to its own cell at each of those resolutions, so the server never learns where it is.
A circle is covered by every cell that may reach into it: a subscriber just outside the circle
but in a boundary cell receives the message too, and the app drops it by its own position, which
the payload's circle lets it check."""

import math

import h3
from django.conf import settings

EARTH_RADIUS_KM = 6371.0088


def distance_km(lat1, lng1, lat2, lng2):
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def radius_for(minutes_since_last_seen):
    for limit, km in settings.ALERT_RADIUS_STEPS:
        if limit is None or minutes_since_last_seen <= limit:
            return km
    return settings.ALERT_RADIUS_STEPS[-1][1]


def resolution_for(radius_km):
    for limit, resolution in settings.ALERT_CELL_RESOLUTIONS:
        if limit is None or radius_km <= limit:
            return resolution
    return settings.ALERT_CELL_RESOLUTIONS[-1][1]


def subscription_resolutions():
    return sorted({resolution for _limit, resolution in settings.ALERT_CELL_RESOLUTIONS})


def covering_cells(lat, lng, radius_km, resolution=None):
    """The cells at `resolution` that reach into the circle."""
    resolution = resolution if resolution is not None else resolution_for(radius_km)
    edge = h3.average_hexagon_edge_length(resolution, unit="km")
    # Neighbouring centres are √3 edges apart; the ring count errs on the generous side.
    rings = math.ceil(radius_km / (edge * 1.5)) + 2
    reach = radius_km + edge * 1.15  # a cell's farthest vertex is about one edge from its centre
    cells = set()
    for cell in h3.grid_disk(h3.latlng_to_cell(lat, lng, resolution), rings):
        c_lat, c_lng = h3.cell_to_latlng(cell)
        if distance_km(lat, lng, c_lat, c_lng) <= reach:
            cells.add(cell)
    return cells


def cells_of(lat, lng):
    """{resolution: cell} for a point, at every resolution topics use."""
    return {resolution: h3.latlng_to_cell(lat, lng, resolution) for resolution in subscription_resolutions()}


def topic(cell):
    return f"{settings.MQTT_TOPIC_PREFIX}/{cell}"

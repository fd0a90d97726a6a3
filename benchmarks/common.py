"""Shared set-up: the region tree and a synthetic district, built once per run."""

from tongyou.datahub.models import Child
from tongyou.datahub.services.synthetic import generate
from tongyou.regions.services import load_regions


def ensure_district(children):
    load_regions()
    if not Child.objects.exists():
        generate(children, seed=1)

"""`make run`'s demo, loaded as `make run` loads it: every app's demo loader, in the registry's
order, on a small district. A loader that needs what another makes (the demo accounts, the
children) and is ordered before it fails here, not on a newcomer's first `make run`."""

import io

import pytest
from django.core.management import call_command

from tongyou.core.registry import registry

pytestmark = pytest.mark.django_db


def test_setup_demo_loads_every_apps_demo_in_order_on_a_small_district():
    out = io.StringIO()
    call_command("setup_demo", "--children", "400", stdout=out)
    text = out.getvalue()
    assert text.rstrip().endswith("Demo ready.")
    for loader in registry.demo.values():
        assert f"{loader.description or loader.key}:" in text

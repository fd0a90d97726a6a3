from tongyou.core.registry import registry

from .entitlements import run_sync

registry.job(
    "reading.entitlements",
    run_sync,
    every=6 * 3600,
    description="Entitle registered children of a reading-pack age (萌阅); mark packs whose age has passed",
)

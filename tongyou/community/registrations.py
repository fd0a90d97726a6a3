from tongyou.core.registry import registry

from .people import run_notify_expiring_checks

registry.job(
    "community.checks",
    run_notify_expiring_checks,
    every=24 * 3600,
    description="Tell the pool's keepers about background checks expiring within 30 days",
)

"""The kernel's own background work: probing the services every page warns about."""

from tongyou.core.registry import registry

from . import health

registry.job("core.health", health.run_checks, every=30, description="probe the cache and the broker")

"""The kernel's own background work: probing the services every page warns about."""

from tongyou.core.registry import registry

from . import health

registry.job("core.health", health.run_checks, every=30, description="probe the cache and the broker")
registry.metric(
    "tongyou_heartbeat_age_seconds",
    "Seconds since the worker or the scheduler last beat",
    health.heartbeat_ages,
    "process",
)
registry.metric(
    "tongyou_service_up", "Whether the cache and the broker answered", health.services_up, "service"
)

"""Jurisdiction scoping: the one place that decides which records a user may see.

Every queryset a view, API endpoint, export or statistic shows goes through
`scoped()`. A model takes part by naming the path of its region field:

    class Child(models.Model):
        jurisdiction_field = "residence_region"

A user sees a record when their role holds the permission asked for (checked
through `rules` by `can()`, see each app's rules.py) and the record's region lies in the
user's jurisdiction subtree. Anyone else gets an empty queryset, so a refused
user learns nothing, not even that a record exists.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import rules
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404

from tongyou.audit.refusals import record_refusal

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from tongyou.accounts.models import User
    from tongyou.regions.models import Region


def _region_lookup(model: type[Model]) -> str:
    field = getattr(model, "jurisdiction_field", None)
    if not field:
        raise ImproperlyConfigured(f"{model.__name__} has no jurisdiction_field: it cannot be scoped.")
    return f"{field}__in"


def _subtree(path: str) -> QuerySet[Region, Any]:
    # A subquery over the small regions table; the records are then matched on their
    # indexed region foreign key (benchmarks/scoping.py measures this against alternatives).
    from tongyou.regions.models import Region

    return Region.objects.filter(path__startswith=path).values("pk")


def perm_name(model: type[Model], action: str) -> str:
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


def can(user: User | AnonymousUser, permission: str, obj: Any = None) -> bool:
    """Whether the user's role grants `permission` (on `obj`). Decided by the `rules` registry
    alone: being a Django superuser grants no access to children's data."""
    return rules.has_perm(permission, user, obj)


def jurisdiction_path(user: User | AnonymousUser) -> str | None:
    """The path prefix of the user's jurisdiction, or None when they have none."""
    if not user.is_authenticated or getattr(user, "jurisdiction_id", None) is None:
        return None
    return user.jurisdiction.path if user.jurisdiction else None


def scoped(queryset: QuerySet[Any], user: User, action: str = "view") -> Any:
    """`queryset` narrowed to what `user` may `action` ('view', 'export', 'aggregate'…)."""
    model = queryset.model
    lookup = _region_lookup(model)
    path = jurisdiction_path(user)
    if path is None or not can(user, perm_name(model, action)):
        return queryset.none()
    return queryset.filter(**{lookup: _subtree(path)})


def scoped_region_path(model: type[Model], user: User, action: str = "view") -> str | None:
    """The path prefix of the regions whose `model` records `user` may `action`, or None for
    none: the same rule as `scoped()`, for code that holds the region tree in memory (the
    statistics columns) and needs no query for it."""
    _region_lookup(model)
    path = jurisdiction_path(user)
    if path is None or not can(user, perm_name(model, action)):
        return None
    return path


def scoped_region_ids(model: type[Model], user: User, action: str = "view") -> list:
    """The ids of the regions whose `model` records `user` may `action`: the same rule as
    `scoped()`, for code that counts in memory rather than through a queryset."""
    from tongyou.regions.models import Region

    path = scoped_region_path(model, user, action)
    if path is None:
        return []
    return list(Region.objects.filter(path__startswith=path).values_list("pk", flat=True))


def get_scoped_or_404(queryset: QuerySet[Any], user: User, action: str = "view", **lookup: Any) -> Any:
    """One record the user may see, or 404 — the same answer whether it exists elsewhere or not."""
    try:
        return scoped(queryset, user, action).get(**lookup)
    except queryset.model.DoesNotExist as exc:
        record_refusal(
            status=404,
            reason=f"{action}: not found or not in jurisdiction",
            object_type=queryset.model._meta.label,
            object_id=",".join(str(v) for v in lookup.values()),
        )
        raise Http404 from exc


def region_of(obj: Any) -> Region | None:
    """The region a scoped object belongs to."""
    value = obj
    for part in type(obj).jurisdiction_field.split("__"):
        value = getattr(value, part)
        if value is None:
            return None
    return value


def in_jurisdiction(user: User, obj: Any) -> Any:
    """Object-level check with the same rule as scoped(); used by `rules` predicates."""
    path = jurisdiction_path(user)
    region = region_of(obj)
    return path is not None and region is not None and region.path.startswith(path)


def require(user: User, permission: str, obj: Any = None) -> None:
    """Raise PermissionDenied unless the user holds `permission` (on `obj`, if given)."""
    if not can(user, permission, obj):
        record_refusal(
            status=403,
            reason=permission,
            object_type=obj._meta.label if obj is not None and hasattr(obj, "_meta") else "",
            object_id=getattr(obj, "pk", "") or "",
        )
        raise PermissionDenied

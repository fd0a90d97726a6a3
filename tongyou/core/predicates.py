"""`rules` predicates shared by every app's rules.py."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import rules

from tongyou.accounts.roles import AGGREGATE_READERS, PERSON_EXPORTERS, PERSON_READERS, Role

from . import scoping

if TYPE_CHECKING:
    from tongyou.accounts.models import User


def has_role(*roles: Any) -> bool:
    names = frozenset(str(r) for r in roles)

    @rules.predicate(name=f"has_role({','.join(sorted(names))})")
    def predicate(user: User) -> Any:
        # A role acts only as a security administrator approved it (accounts/access.py).
        return (
            user.is_authenticated
            and user.is_active
            and getattr(user, "role", None) in names
            and getattr(user, "access_approved", False)
        )

    return predicate


@rules.predicate
def in_jurisdiction(user: User, obj: Any = None) -> bool:
    """Without an object: 'some records'; with one: that record's region is in the user's subtree."""
    if obj is None:
        return scoping.jurisdiction_path(user) is not None
    return scoping.in_jurisdiction(user, obj)


is_admin = has_role(Role.ADMIN)
is_security_admin = has_role(Role.SECURITY_ADMIN)
is_audit_admin = has_role(Role.AUDIT_ADMIN)
is_coordinator = has_role(Role.COORDINATOR)
reads_persons = has_role(*PERSON_READERS)
exports_persons = has_role(*PERSON_EXPORTERS)
reads_aggregates = has_role(*AGGREGATE_READERS)


def of_unit(*codes: str) -> Any:
    """A unit officer of one of the units `codes` (the disability federation, the procuratorate…):
    where a unit, not a role, leads a service. The unit is part of the approved grant, so moving an
    account to another unit suspends it until approved again (accounts/access.py)."""
    names = frozenset(codes)

    @rules.predicate(name=f"of_unit({','.join(sorted(names))})")
    def predicate(user: User) -> Any:
        unit = getattr(user, "unit", None)
        return unit is not None and unit.code in names

    return has_role(Role.UNIT_OFFICER) & predicate


def of_unit_kind(*kinds: str) -> Any:
    """A unit officer of a unit of one of `kinds` (a school: its own staff act for its pupils)."""
    names = frozenset(kinds)

    @rules.predicate(name=f"of_unit_kind({','.join(sorted(names))})")
    def predicate(user: User) -> Any:
        unit = getattr(user, "unit", None)
        return unit is not None and unit.kind in names

    return has_role(Role.UNIT_OFFICER) & predicate

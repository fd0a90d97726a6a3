"""What an aggregate about persons may show, decided here and nowhere else.

Every statistic, pivot, chart, density grid, coverage table, dashboard cell, indicator value,
export and API answer that counts persons goes through this module. Counts of things
(facilities, tasks, reports, communities) go through `things()`: exact for everyone who may see
them, and marked as not about persons so that a reader of the code (and the test that scans for
aggregate paths) can tell the two apart.

Who gets what (docs/security.md, "Disclosure control"):

* Roles entitled to the records themselves (`datahub.view_child`: caseworkers, street officers,
  community child directors, police) see exact counts: hiding from them what they may open
  one by one protects nobody.
* Every other role (researchers, the district office, unit officers, the public column) sees
  counts protected three ways:

  1. **Cell-key perturbation** (after the Australian Bureau of Statistics' TableBuilder): a
     count is shown as its true value plus a bounded noise (at most ±5, σ ≈ 2) drawn from a
     keyed pseudo-random function of the *set of contributors* (their number and the sum of
     their ids). The same set always gets the same noise, however it is asked for (a cell of
     one table, the total of another, a filter on a third), so repeating or rephrasing a query
     averages nothing away; two sets that differ by one child get independent noise, so
     subtracting them leaves the child's presence hidden in noise of σ ≈ 2.8.
  2. **Small values**: a perturbed value under 5, a true zero included, is shown as "<5", so a
     cell that would say "the one Manchu boy of 15–17 here is not insured" (a zero) says nothing.
  3. **A restricted query space** (after the averaging attacks on TableBuilder, Asghar &
     Kaafar, PETS 2020): ages only in the plan's bands (0–2, 3–5, 6–11, 12–14, 15–17), and no
     more attributes combined than the area allows (three for a street or the district, two for
     a community, one for a grid). Isolating one child takes several attributes; learning
     something about him takes one more; within these limits the two do not fit in one
     question, and every question that could be subtracted from another is noisy.

Totals are protected as their own cells (the sum of the shown cells need not equal the shown
total: that is the point). Exact figures stay exact for those entitled to them.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import struct
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.utils.translation import gettext as _

from tongyou.privacy.keys import keyring

from .errors import Refusal

if TYPE_CHECKING:
    from tongyou.accounts.models import User

THRESHOLD = 5  # perturbed values below it are shown as "<5"
MAX_NOISE = 5
NOISE_SIGMA = 2.0
AGE_BAND_EDGES = ((0, 2), (3, 5), (6, 11), (12, 14), (15, 17))
# How many attributes (dimensions and filters other than the area itself) a protected question
# may combine, by the finest area it names.
MAX_ATTRIBUTES = {"district": 3, "street": 3, "community": 2, "grid": 1}


@dataclass(frozen=True)
class Policy:
    """How counts of persons are shown to one user."""

    exact: bool

    @classmethod
    def for_user(cls, user: User) -> Policy:
        from tongyou.core.scoping import can  # scoping imports nothing of this module

        return cls(exact=bool(user and user.is_authenticated and can(user, "datahub.view_child")))

    @property
    def protected(self) -> bool:
        return not self.exact


EXACT = Policy(exact=True)
PROTECTED = Policy(exact=False)


@dataclass(frozen=True)
class Signature:
    """A set of contributing persons, summarised: how many, and the sum of their ids. Additive,
    so a total's signature is the sum of its cells'. Two different sets share one only by a
    coincidence of both sums."""

    n: int = 0
    id_sum: int = 0

    def __post_init__(self) -> None:
        # Databases sum bigints as decimals (PostgreSQL), NumPy as floats: one type, one key.
        object.__setattr__(self, "n", int(self.n))
        object.__setattr__(self, "id_sum", int(self.id_sum or 0))

    def __add__(self, other: Signature) -> Signature:
        return Signature(self.n + other.n, self.id_sum + other.id_sum)

    def __sub__(self, other: Signature) -> Signature:
        """The set less a subset of it (children of an area less those covered)."""
        return Signature(self.n - other.n, self.id_sum - other.id_sum)

    @classmethod
    def of(cls, ids: Iterable[int]) -> Signature:
        ids = list(ids)
        return cls(len(ids), sum(ids))


def total(signatures: Iterable[Signature]) -> Signature:
    result = Signature()
    for signature in signatures:
        result = result + signature
    return result


def _noise_table() -> tuple:
    weights = [math.exp(-(k * k) / (2 * NOISE_SIGMA**2)) for k in range(-MAX_NOISE, MAX_NOISE + 1)]
    return list(range(-MAX_NOISE, MAX_NOISE + 1)), weights


NOISES, WEIGHTS = _noise_table()


def _uniform(signature: Signature) -> float:
    """A number in [0, 1) fixed by the contributor set and a secret the attacker never sees."""
    secret = hmac.new(keyring().blind_index_key, b"tongyou-cell-key", hashlib.sha256).digest()
    message = struct.pack(">qq", signature.n, signature.id_sum % (1 << 63))
    digest = hmac.new(secret, message, hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def perturbed(signature: Signature) -> int:
    """The count plus the set's own noise, never below zero (for small counts the noise is drawn
    from the values that keep it so)."""
    n = signature.n
    allowed = [(k, w) for k, w in zip(NOISES, WEIGHTS, strict=True) if n + k >= 0]
    point = _uniform(signature) * sum(w for _k, w in allowed)
    for k, w in allowed:
        point -= w
        if point < 0:
            return n + k
    return n + allowed[-1][0]


def persons(signature: Signature | int, policy: Policy) -> int | None:
    """A count of persons as `policy` may see it: exact, or perturbed, with None for "<5".
    A bare int (a count with no contributor set behind it: a reported figure) is shown exactly
    when at least THRESHOLD, else None, for protected policies."""
    if isinstance(signature, int):
        n = signature
        return n if policy.exact or n >= THRESHOLD else None
    if policy.exact:
        return signature.n
    value = perturbed(signature)
    return value if value >= THRESHOLD else None


def reported_hidden(policy: Policy, counts_persons: bool, *figures: int | None) -> bool:
    """Whether a reported figure (an indicator value: numerator and denominator a unit reported,
    with no contributor set behind them) is hidden: from protected policies, when it counts
    persons and any of its counts is between 1 and THRESHOLD − 1. Things are never hidden."""
    if policy.exact or not counts_persons:
        return False
    return any(f is not None and 0 < f < THRESHOLD for f in figures)


def small_figures(*fields: str) -> Q:
    """A Q matching rows where any of `fields` is between 1 and THRESHOLD − 1 (for querysets of
    reported figures: exclude them for protected policies)."""
    from django.db.models import Q

    query = Q(pk__in=[])
    for name in fields:
        query |= Q(**{f"{name}__gt": 0, f"{name}__lt": THRESHOLD})
    return query


def things(n: int | None) -> int | None:
    """A count of things (facilities, tasks, reports, areas): shown as it is."""
    return n


def share(part: int | None, whole: int | None, digits: int = 1) -> float | None:
    """A percentage of two shown figures (None when either is hidden)."""
    if part is None or not whole:
        return None
    return round(100 * part / whole, digits)


# ---------------------------------------------------------------- what may be asked


def check_question(
    policy: Policy,
    *,
    area: str,
    attributes: Iterable[str],
    age_min: int | None = None,
    age_max: int | None = None,
) -> None:
    """Refuse, with the reason, a question a protected role may not ask. `area` is the finest
    area the question names ("district", "street", "community" or "grid"); `attributes` the
    dimensions and filters other than the area."""
    if policy.exact:
        return
    if age_min is not None and age_min not in {lo for lo, _hi in AGE_BAND_EDGES}:
        raise Refusal(_age_message())
    if age_max is not None and age_max not in {hi for _lo, hi in AGE_BAND_EDGES}:
        raise Refusal(_age_message())
    attributes = sorted(set(attributes))
    allowed = MAX_ATTRIBUTES[area]
    if len(attributes) > allowed:
        raise Refusal(
            _(
                "Aggregate figures for a %(area)s may combine at most %(n)d attributes besides the "
                "area (this question combines %(m)d). Ask for a larger area or fewer attributes."
            )
            % {"area": _area_name(area), "n": allowed, "m": len(attributes)}
        )


def _age_message() -> str:
    bands = "、".join(f"{lo}–{hi}" for lo, hi in AGE_BAND_EDGES)
    return _(
        "Aggregate figures are given by age band (%(bands)s years); choose ages that start and end a band."
    ) % {"bands": bands}


def _area_name(area: Any) -> str:
    return {
        "district": _("the district"),
        "street": _("a street or town"),
        "community": _("a community or village"),
        "grid": _("a grid"),
    }[area]


def reported_persons(shown: int | None, unit: str = "人", share: float | None = None, of: str = "") -> str:
    """A protected count (and its share) as the annual report words it — 约N人，占…X%（经隐私保护处理）,
    不足5 for a count held back. The report is a Chinese official document (GB/T 9704)."""
    text = "约" + ("不足5" if shown is None else str(shown)) + unit
    if share is not None:
        text += f"，占{of}{share}%"
    return text + "（经隐私保护处理）"


def note() -> str:
    """The sentence under every protected table."""
    return _(
        "To protect children, each count is shown with a small fixed random adjustment (at most ±5) "
        "and counts under 5 are shown as <5; totals are adjusted on their own, so they need not "
        "equal the sum of the cells."
    )

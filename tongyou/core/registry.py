"""What each app brings to the site, declared by the app itself.

Every app lists, in its own `registrations.py`, its menu entries, its home-page worklist, its
background jobs with their schedule, its reference data (what a real install loads), its demo data
and the indicators it computes. The site shell (`tongyou.site`) imports those modules at start and
collects them from here; the kernel names no app, and adding an app touches no other app's files.

The pattern is Wagtail's hooks, made explicit and typed: a registration is a small frozen record,
and registering the same name twice is an error (two apps claiming one job would run it twice).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.utils.functional import Promise

type Label = str | Promise  # a translated string, evaluated in the user's language


class Permission(Protocol):
    def __call__(self, user: Any) -> bool: ...


@dataclass(frozen=True)
class MenuGroup:
    """A heading of the main menu; items are listed under the group they name."""

    key: str
    label: Label
    order: int


@dataclass(frozen=True)
class NavItem:
    """One menu entry. `visible(user)` decides; anonymous users see only `public` items."""

    key: str
    label: Label
    url_name: str
    group: str
    order: int = 100
    visible: Callable[[Any], bool] | None = None
    public: bool = False  # shown to everyone, signed in or not
    anonymous_only: bool = False  # shown only to those not signed in (the public harm report)
    badge: Callable[[], int] | None = None  # a public figure shown beside the link where it is listed


@dataclass(frozen=True)
class WorkItem:
    """A line of someone's home page: what waits for them, how many, how late, and where.

    `count` is how many items wait; `overdue` how many of them are past their clock. A worklist
    counts the user's own work inside their jurisdiction: it is never a statistic about children."""

    label: Label
    url: str
    count: int
    overdue: int = 0
    detail: Label = ""


@dataclass(frozen=True)
class Worklist:
    """A source of home-page items: `items(user)` returns what waits for the user (or nothing)."""

    key: str
    items: Callable[[Any], Iterable[WorkItem]]
    order: int = 100


@dataclass(frozen=True)
class Job:
    """Background work the worker runs every `every` seconds.

    A job keeps no state of its own: it reads what is due from the database, so a restart or two
    workers lose and repeat nothing. It returns how much it did (a number or a collection)."""

    key: str
    run: Callable[[], Any]
    every: float
    description: str = ""


@dataclass(frozen=True)
class Loader:
    """Data an app loads: reference data for every install, or the synthetic demo.

    Loaders run in `order` (regions before units before anything placed in them); each is
    idempotent and returns a short account of what it did."""

    key: str
    run: Callable[..., Any]
    order: int = 100
    description: str = ""


@dataclass(frozen=True)
class DemoOptions:
    """What `setup_demo` was asked for; demo loaders read what concerns them."""

    children: int = 75_000
    seed: int = 2023
    as_of: str | None = None  # YYYY-MM-DD the ages are counted at (default today)
    force: bool = False  # add children even if some exist
    stdout: Any = None  # where long loaders report progress


# An indicator's values by region id, and the denominators behind them where it is a share.
type IndicatorResult = tuple[Mapping[int, float], Mapping[int, float] | None]
type IndicatorCalculator = Callable[..., IndicatorResult]


@dataclass(frozen=True)
class Metric:
    """A gauge the operations endpoint (`/metrics`, Prometheus text format) reads when scraped:
    how much waits in an app's queue, say. `read()` returns one value, or values by one label."""

    name: str
    help: str
    read: Callable[[], float | dict[str, float]]
    label: str = ""  # the label's name when read() returns values by label


@dataclass(frozen=True)
class MapLayer:
    """A public layer an app adds to the map of child-friendly places: `url_name` answers GeoJSON
    points whose properties carry a `name` (shown as text) and, optionally, a `url`."""

    key: str
    label: Label
    url_name: str
    order: int = 100


@dataclass(frozen=True)
class PanelLine:
    text: str
    detail: str = ""
    url: str = ""


@dataclass(frozen=True)
class Panel:
    """Lines an app adds to another app's record page, without the two importing each other: a
    facility's page lists the children's proposals about it. `lines(obj, user)` decides what the
    user may see."""

    key: str
    model: str  # the record's app label and model name, "spaces.Facility"
    label: Label
    lines: Callable[[Any, Any], Sequence[PanelLine]]
    order: int = 100


@dataclass
class Registry:
    groups: dict[str, MenuGroup] = field(default_factory=dict)
    nav: dict[str, NavItem] = field(default_factory=dict)
    worklists: dict[str, Worklist] = field(default_factory=dict)
    jobs: dict[str, Job] = field(default_factory=dict)
    reference: dict[str, Loader] = field(default_factory=dict)
    demo: dict[str, Loader] = field(default_factory=dict)
    indicators: dict[str, IndicatorCalculator] = field(default_factory=dict)
    indicator_reads: dict[str, tuple[type, ...]] = field(default_factory=dict)
    metrics: dict[str, Metric] = field(default_factory=dict)
    map_layers: dict[str, MapLayer] = field(default_factory=dict)
    # What the registries show for a task of the plan ("1.3"), for the annual report: each
    # function takes the year and returns sentences (counts of things, or persons through
    # core.disclosure).
    task_facts: dict[str, list[Callable[[int], Sequence[str]]]] = field(default_factory=dict)
    panels: dict[str, Panel] = field(default_factory=dict)

    @staticmethod
    def _add[T](table: dict[str, T], key: str, entry: T) -> T:
        if key in table and table[key] is not entry:
            raise ValueError(f"{key!r} is registered twice")
        table[key] = entry
        return entry

    def menu_group(self, key: str, label: Label, order: int) -> MenuGroup:
        return self._add(self.groups, key, MenuGroup(key, label, order))

    def menu(self, *items: NavItem) -> None:
        for item in items:
            self._add(self.nav, item.key, item)

    def worklist(self, key: str, items: Callable[[Any], Iterable[WorkItem]], order: int = 100) -> None:
        self._add(self.worklists, key, Worklist(key, items, order))

    def job(self, key: str, run: Callable[[], Any], every: float, description: str = "") -> None:
        self._add(self.jobs, key, Job(key, run, every, description))

    def reference_data(
        self, key: str, run: Callable[..., Any], order: int = 100, description: str = ""
    ) -> None:
        self._add(self.reference, key, Loader(key, run, order, description))

    def demo_data(self, key: str, run: Callable[..., Any], order: int = 100, description: str = "") -> None:
        self._add(self.demo, key, Loader(key, run, order, description))

    def indicator(
        self, code: str, reads: Iterable[type] = ()
    ) -> Callable[[IndicatorCalculator], IndicatorCalculator]:
        """Decorator: the function computes the indicator `code` (see monitoring) from the records
        of the models it `reads`; a change to any of them marks the indicator for recomputing."""

        def register(function: IndicatorCalculator) -> IndicatorCalculator:
            self.indicator_reads[code] = tuple(reads)
            return self._add(self.indicators, code, function)

        return register

    def metric(
        self, name: str, help: str, read: Callable[[], float | dict[str, float]], label: str = ""
    ) -> None:
        """A gauge for `/metrics`; `name` follows Prometheus' conventions (tongyou_…)."""
        self._add(self.metrics, name, Metric(name, help, read, label))

    def map_layer(self, key: str, label: Label, url_name: str, order: int = 100) -> None:
        self._add(self.map_layers, key, MapLayer(key, label, url_name, order))

    def panel(
        self,
        key: str,
        model: str,
        label: Label,
        lines: Callable[[Any, Any], Sequence[PanelLine]],
        order: int = 100,
    ) -> None:
        self._add(self.panels, key, Panel(key, model, label, lines, order))

    def task_fact(self, task: str, facts: Callable[[int], Sequence[str]]) -> None:
        """`facts(year)` says what the app's records show for plan task `task` ("1.3")."""
        self.task_facts.setdefault(task, []).append(facts)

    def facts_for(self, task: str, year: int) -> list[str]:
        return [sentence for facts in self.task_facts.get(task, []) for sentence in facts(year)]

    # Reading, for the shell, the worker and the apps' pages.

    def panels_for(self, obj: Any, user: Any) -> list[tuple[Label, Sequence[PanelLine]]]:
        """The other apps' panels for `obj`'s page, each with the lines `user` may see (empty
        panels left out)."""
        label = obj._meta.label
        found = []
        for panel in sorted(self.panels.values(), key=lambda p: (p.order, p.key)):
            if panel.model == label:
                lines = panel.lines(obj, user)
                if lines:
                    found.append((panel.label, lines))
        return found

    def indicators_reading(self, model: type) -> set[str]:
        """The indicator codes computed from `model`'s records."""
        return {code for code, models in self.indicator_reads.items() if model in models}

    def menu_for(self, user: Any) -> list[tuple[MenuGroup, list[NavItem]]]:
        signed_in = bool(getattr(user, "is_authenticated", False))
        shown: dict[str, list[NavItem]] = {}
        for item in sorted(self.nav.values(), key=lambda i: (i.order, i.key)):
            if item.anonymous_only and signed_in:
                continue
            if not signed_in and not (item.public or item.anonymous_only):
                continue
            if item.visible is not None and not item.visible(user):
                continue
            shown.setdefault(item.group, []).append(item)
        groups = sorted((self.groups[key] for key in shown), key=lambda g: (g.order, g.key))
        return [(group, shown[group.key]) for group in groups]

    def public_links(self, exclude_prefix: str = "") -> list[tuple[NavItem, int]]:
        """The pages everyone may open, with their badges (a public page's "see also")."""
        items = sorted(
            (i for i in self.nav.values() if i.public or i.anonymous_only),
            key=lambda i: (self.groups[i.group].order, i.order, i.key),
        )
        return [
            (item, item.badge() if item.badge else 0)
            for item in items
            if not (exclude_prefix and item.key.startswith(exclude_prefix))
        ]

    def work_for(self, user: Any) -> list[WorkItem]:
        items: list[WorkItem] = []
        for worklist in sorted(self.worklists.values(), key=lambda w: (w.order, w.key)):
            items.extend(item for item in worklist.items(user) if item.count)
        return items

    def ordered(self, table: dict[str, Loader]) -> Sequence[Loader]:
        return sorted(table.values(), key=lambda loader: (loader.order, loader.key))


registry = Registry()

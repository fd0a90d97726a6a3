"""Indicators computed from Tongyou's own registries.

Each calculator takes the day the period ends (or today, for the period under way) and returns
(numerators, denominators): counts by region id for the district, every street and every
community, or by the district alone where the figure has no geography (reports, tasks).
Children count where they live (`residence_region`, a grid), rolled up the region tree.
"""

import datetime
from collections import Counter

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone

from tongyou.datahub.codes import ChildStatus, InstitutionKind, Ownership
from tongyou.datahub.models import Child, Disability, Enrolment, InsuranceEnrolment, StatusPeriod
from tongyou.datahub.services.filters import current, years_before
from tongyou.regions.models import Region
from tongyou.spaces import coverage
from tongyou.spaces.inspections import found_in_latest_inspection, monitored_in_year, share_meeting_standard
from tongyou.spaces.models import Facility, Population
from tongyou.welfare import harm, ledger
from tongyou.welfare.eligibility import allowance_categories
from tongyou.welfare.models import AllowanceApplication, Category, HarmReport, Status

from .reports import owed_reports

CALCULATORS = {}


def calculator(name):
    def register(function):
        CALCULATORS[name] = function
        return function

    return register


class RegionTree:
    """Region ids by code and the codes above each region, read once."""

    def __init__(self):
        self.paths = dict(Region.objects.values_list("pk", "path"))
        self.by_code = dict(Region.objects.values_list("code", "pk"))
        self.district = Region.objects.get(level=Region.Level.DISTRICT).pk

    def roll_up(self, counts):
        """{grid or region id: n} → {district, street and community id: total}."""
        totals = Counter()
        for region_id, n in counts.items():
            for code in self.paths[region_id].strip("/").split("/")[:3]:
                totals[self.by_code[code]] += n
        return dict(totals)


def children_aged(as_of, youngest=0, oldest=17):
    return Child.objects.filter(
        birth_date__gt=years_before(as_of, oldest + 1), birth_date__lte=years_before(as_of, youngest)
    )


def by_residence(children):
    return dict(
        children.values_list("residence_region").annotate(n=Count("pk")).values_list("residence_region", "n")
    )


def shares(tree, numerator_children, denominator_children):
    return tree.roll_up(by_residence(numerator_children)), tree.roll_up(by_residence(denominator_children))


@calculator("child_population")
def child_population(as_of, tree, reporting_round=None):
    return tree.roll_up(by_residence(children_aged(as_of))), None


@calculator("insurance_coverage")
def insurance_coverage(as_of, tree, reporting_round=None):
    children = children_aged(as_of)
    return shares(tree, children.filter(Exists(current(InsuranceEnrolment, as_of))), children)


def _kindergarten_share(as_of, tree, ownerships):
    kindergarten = {"institution_kind": InstitutionKind.KINDERGARTEN}
    enrolled = Child.objects.filter(Exists(current(Enrolment, as_of, **kindergarten)))
    counted = enrolled.filter(Exists(current(Enrolment, as_of, ownership__in=ownerships, **kindergarten)))
    return shares(tree, counted, enrolled)


@calculator("public_kindergarten_share")
def public_kindergarten_share(as_of, tree, reporting_round=None):
    return _kindergarten_share(as_of, tree, [Ownership.PUBLIC])


@calculator("inclusive_kindergarten_share")
def inclusive_kindergarten_share(as_of, tree, reporting_round=None):
    return _kindergarten_share(as_of, tree, [Ownership.PUBLIC, Ownership.INCLUSIVE])


@calculator("disabled_enrolment")
def disabled_enrolment(as_of, tree, reporting_round=None):
    """Disabled children of compulsory-school age (6–15) in primary, junior or special school."""
    disabled = children_aged(as_of, 6, 15).filter(Exists(current(Disability, as_of)))
    schools = [InstitutionKind.PRIMARY, InstitutionKind.JUNIOR, InstitutionKind.SPECIAL]
    return shares(
        tree, disabled.filter(Exists(current(Enrolment, as_of, institution_kind__in=schools))), disabled
    )


def _with_allowance(categories):
    return Exists(
        AllowanceApplication.objects.filter(
            child=OuterRef("pk"), category__in=categories, status__in=(Status.ACTIVE, Status.SUSPENDED)
        )
    )


@calculator("allowance_coverage")
def allowance_coverage(as_of, tree, reporting_round=None):
    """Children identified as orphans or de-facto unsupported who receive the allowance."""
    statuses = [ChildStatus.ORPHAN, ChildStatus.DE_FACTO_UNSUPPORTED]
    identified = children_aged(as_of).filter(Exists(current(StatusPeriod, as_of, status__in=statuses)))
    return shares(tree, identified.filter(_with_allowance(allowance_categories())), identified)


@calculator("orphan_agreements")
def orphan_agreements(as_of, tree, reporting_round=None):
    """Orphans whose allowance is in force: the agreement step comes before payment starts."""
    orphans = children_aged(as_of).filter(Exists(current(StatusPeriod, as_of, status=ChildStatus.ORPHAN)))
    covered = orphans.filter(_with_allowance([Category.ORPHAN, Category.ORPHAN_INSTITUTION]))
    return shares(tree, covered, orphans)


@calculator("ledger_freshness")
def ledger_freshness(as_of, tree, reporting_round=None):
    """Children in the registers visited within the review interval (a quarter by default)."""
    registered = ledger.in_registers(Child.objects.all(), as_of)
    fresh = registered.filter(last_visit__gte=as_of - datetime.timedelta(days=ledger.review_days()))
    return shares(tree, fresh, registered)


@calculator("harm_response")
def harm_response(as_of, tree, reporting_round=None):
    """Harm reports of the year to date triaged within the triage clock."""
    start = datetime.date(as_of.year, 1, 1)
    reports = HarmReport.objects.filter(received_at__date__gte=start, received_at__date__lte=as_of)
    received, answered = Counter(), Counter()
    limit = harm.clock("triage")
    for report in reports.prefetch_related("actions"):
        received[report.region_id] += 1
        triaged = [a.at for a in report.actions.all() if a.kind == "triage"]
        if triaged and min(triaged) - report.received_at <= limit:
            answered[report.region_id] += 1
    return tree.roll_up(answered), tree.roll_up(received)


@calculator("reports_on_time")
def reports_on_time(as_of, tree, reporting_round=None):
    """Units that submitted every report they owe by the round's deadline."""
    if reporting_round is None:
        return {}, {}
    deadline = timezone.make_aware(datetime.datetime.combine(reporting_round.deadline, datetime.time.max))
    owed = owed_reports(reporting_round)
    submitted = set(
        reporting_round.reports.filter(submitted_at__lte=deadline).values_list("unit_id", "task_id")
    )
    units = {unit_id for unit_id, _task in owed}
    late = {unit_id for unit_id, task_id in owed if (unit_id, task_id) not in submitted}
    return {tree.district: len(units - late)}, {tree.district: len(units)}


@calculator("tasks_on_schedule")
def tasks_on_schedule(as_of, tree, reporting_round=None):
    """Tasks whose accepted reports all say on track or completed (and at least one does)."""
    if reporting_round is None:
        return {}, {}
    tasks = reporting_round.plan.areas.values_list("tasks", flat=True)
    accepted = reporting_round.reports.filter(state="accepted")
    on_track = accepted.filter(progress__in=["on_track", "completed"]).values_list("task", flat=True)
    behind = accepted.filter(~Q(progress__in=["on_track", "completed"])).values_list("task", flat=True)
    good = set(on_track) - set(behind)
    return {tree.district: len(good)}, {tree.district: len(set(tasks))}


@calculator("bus_hub_standard")
def bus_hub_standard(as_of, tree, reporting_round=None):
    """Bus hubs whose latest inspection found the mother-baby room, child toilet and child basin."""
    meeting, hubs = share_meeting_standard("bus_hub")
    return {tree.district: meeting}, {tree.district: hubs}


def _by_region(facilities):
    return dict(facilities.values_list("region").annotate(n=Count("pk")).values_list("region", "n"))


def _facilities(tree, kind):
    return tree.roll_up(_by_region(Facility.objects.filter(kind=kind)))


@calculator("venues_monitored")
def venues_monitored(as_of, tree, reporting_round=None):
    """Play areas, training institutions and sports venues inspected in the year (plan task 四.5)."""
    inspected, monitored = monitored_in_year(Facility.objects.all(), as_of.year)
    return tree.roll_up(_by_region(inspected)), tree.roll_up(_by_region(monitored))


@calculator("mother_baby_rooms_built")
def mother_baby_rooms_built(as_of, tree, reporting_round=None):
    """Large public places whose latest inspection found an independent mother-baby room."""
    places = Facility.objects.filter(kind="public_place")
    built = found_in_latest_inspection(places, "mother_baby_room")
    return tree.roll_up(_by_region(built)), tree.roll_up(_by_region(places))


def _designated(kind, as_of):
    return Facility.objects.filter(designations__kind=kind, designations__designated_on__lte=as_of).distinct()


@calculator("child_friendly_streets")
def child_friendly_streets(as_of, tree, reporting_round=None):
    """Streets (or road sections) designated child-friendly by the end of the period."""
    return tree.roll_up(
        _by_region(Facility.objects.filter(pk__in=_designated("street", as_of).values("pk")))
    ), None


def _areas_having(region_ids, level):
    """For each area of `level` (streets or communities): 1 if one of `region_ids` lies in it,
    else 0."""
    paths = list(Region.objects.filter(pk__in=region_ids).values_list("path", flat=True))
    return {
        pk: int(any(p.startswith(path) for p in paths))
        for pk, path in Region.objects.filter(level=level).values_list("pk", "path")
    }


def _share_of_areas(tree, having):
    return tree.roll_up(having), tree.roll_up(dict.fromkeys(having, 1))


@calculator("streets_with_child_friendly_community")
def streets_with_child_friendly_community(as_of, tree, reporting_round=None):
    """Streets and towns with at least one community designated child-friendly."""
    communities = _designated("community", as_of).values_list("region", flat=True)
    return _share_of_areas(tree, _areas_having(set(communities), Region.Level.STREET))


@calculator("childrens_home_coverage")
def childrens_home_coverage(as_of, tree, reporting_round=None):
    """Communities and villages with a children's home (儿童之家), by street and district."""
    homes = set(Facility.objects.filter(kind="childrens_home").values_list("region", flat=True))
    return _share_of_areas(tree, _areas_having(homes, Region.Level.COMMUNITY))


@calculator("play_space_reach")
def play_space_reach(as_of, tree, reporting_round=None):
    """Children 0–12 whose grid is within walking distance of a play area or park (300 m by
    default), from the facility registry as it stands today."""
    counts = coverage.grid_counts("play", as_of)
    covered = coverage.covered_grids("play", coverage.grid_centres(counts))
    return tree.roll_up({g: n for g, n in counts.items() if g in covered}), tree.roll_up(counts)


@calculator("public_nurseries")
def public_nurseries(as_of, tree, reporting_round=None):
    return _facilities(tree, "nursery_public"), None


@calculator("community_nurseries")
def community_nurseries(as_of, tree, reporting_round=None):
    return _facilities(tree, "nursery_community"), None


@calculator("nursery_places")
def nursery_places(as_of, tree, reporting_round=None):
    """Nursery places (the capacity of every nursery) per 1,000 residents, where the statistics
    bureau's population for the year (or the latest before it) is recorded."""
    nurseries = Facility.objects.filter(
        kind__in=["nursery_public", "nursery_community", "nursery_private"], capacity__isnull=False
    )
    places = tree.roll_up(
        dict(nurseries.values_list("region").annotate(n=Sum("capacity")).values_list("region", "n"))
    )
    population = {}
    for region_id, _year, people in (
        Population.objects.filter(year__lte=as_of.year)
        .order_by("year")
        .values_list("region", "year", "population")
    ):
        population[region_id] = people  # later years overwrite earlier ones
    return {r: places.get(r, 0) or 0 for r in population}, population

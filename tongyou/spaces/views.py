"""The facility map (public) and walking-distance coverage (planners, aggregates only)."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Max, Q
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tongyou.audit.models import AuditEntry
from tongyou.audit.services import record
from tongyou.core import disclosure
from tongyou.core.errors import Refusal
from tongyou.core.registry import registry
from tongyou.core.scoping import can, require, scoped
from tongyou.core.uploads import upload_limit
from tongyou.regions.models import Region

from . import coverage, inspections
from .distance import current_measure
from .models import ChecklistItem, Facility, FacilityKind, FacilityPhoto, Finding


def facility_map(request):
    return render(
        request,
        "spaces/map.html",
        {
            "kinds": FacilityKind.choices,
            "tile_url": settings.TILE_URL,
            # layers other apps add (children's proposals with a place), each its own GeoJSON
            "layers": [
                (layer.key, layer.label, reverse(layer.url_name))
                for layer in sorted(registry.map_layers.values(), key=lambda layer: (layer.order, layer.key))
            ],
        },
    )


def facilities_geojson(request):
    """Every facility, or those of ?kind=…, as GeoJSON points (public information)."""
    facilities = Facility.objects.all()
    if request.GET.get("kind"):
        facilities = facilities.filter(kind=request.GET["kind"])
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [f.longitude, f.latitude]},
            "properties": {
                "id": f.pk,
                "name": f.name,
                "kind": f.kind,
                "kind_label": f.get_kind_display(),
                "capacity": f.capacity,
                "approximate": f.location_is_approximate,
            },
        }
        for f in facilities
    ]
    return JsonResponse({"type": "FeatureCollection", "features": features})


@login_required
def coverage_view(request):
    require(request.user, "spaces.aggregate_facility")
    group = coverage.group_or_default(request.GET.get("group"))
    level = Region.Level.COMMUNITY if request.GET.get("level") == "community" else Region.Level.STREET
    table = coverage.coverage_table(timezone.localdate(), levels=(level,), signatures=True)
    allowed = set(request.user.jurisdiction.subtree().values_list("code", flat=True))
    policy = disclosure.Policy.for_user(request.user)
    shown = {key: _shown(spec_areas[level], allowed, policy) for key, spec_areas in table.items()}
    rows, _total = shown[group]
    summary = [(key, spec, coverage.radius_m(key), shown[key][1]) for key, spec in coverage.GROUPS.items()]
    record(
        AuditEntry.Action.STATISTICS, request=request, object_type="spaces.Coverage", details={"group": group}
    )
    measure = current_measure()
    return render(
        request,
        "spaces/coverage.html",
        {
            "rows": rows,
            "summary": summary,
            "group": group,
            "spec": coverage.GROUPS[group],
            "groups": coverage.GROUPS,
            "level": "community" if level == Region.Level.COMMUNITY else "street",
            "radius": coverage.radius_m(group),
            "measure": measure,
            "suppressed": policy.protected,
            "disclosure_note": disclosure.note(),
            "uncovered_areas": sum(1 for r in rows if r["uncovered"] != 0),
        },
    )


def _shown(areas, allowed, policy):
    """The areas of the user's jurisdiction as display rows, and their total, each count of
    children shown as the disclosure policy allows (core/disclosure.py): every figure is its
    own contributor set, so no total gives a hidden count away. A hidden figure is None."""
    areas = [a for a in areas if a.code in allowed]
    rows = []
    for a in areas:
        children = disclosure.persons(a.children_set, policy)
        covered = disclosure.persons(a.covered_set, policy)
        uncovered = disclosure.persons(a.uncovered_set, policy)
        rows.append(
            {
                "code": a.code,
                "name": a.name,
                "children": children,
                "covered": covered,
                "uncovered": uncovered,
                "share": disclosure.share(covered, children),
                "figures": [children, covered, uncovered],
            }
        )
    everyone = disclosure.total(a.children_set for a in areas)
    reached = disclosure.total(a.covered_set for a in areas)
    children = disclosure.persons(everyone, policy)
    covered = disclosure.persons(reached, policy)
    total = {
        "children": children,
        "covered": covered,
        "uncovered": disclosure.persons(everyone - reached, policy),
        "share": disclosure.share(covered, children),
    }
    total["figures"] = [total["children"], total["covered"]]
    return rows, total


@login_required
def facility_list(request):
    """The facilities in the user's area, by type, with their last inspection and open
    rectifications: where an inspector starts."""
    require(request.user, "spaces.view_facility")
    facilities = (
        scoped(Facility.objects.all(), request.user)
        .select_related("region__parent")
        .annotate(
            last=Max("inspections__inspected_on"),
            open=Count(
                "inspections__findings",
                filter=Q(
                    inspections__findings__passed=False, inspections__findings__rectified_on__isnull=True
                ),
            ),
        )
    )
    facilities = facilities.order_by("kind", "name", "pk")
    kind = request.GET.get("kind", "")
    if kind:
        facilities = facilities.filter(kind=kind)
    name = request.GET.get("q", "").strip()
    if name:
        facilities = facilities.filter(name__contains=name)
    page = Paginator(facilities, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "spaces/facility_list.html",
        {
            "page": page,
            "kinds": FacilityKind.choices,
            "kind": kind,
            "q": name,
            "params": urlencode({"kind": kind, "q": name}),
        },
    )


@upload_limit(5 * 1024 * 1024)
def facility_detail(request, pk):
    """A facility as the public sees it (type, place, capacity, hours, access, designations,
    photos); staff of the area also see its inspections and record new ones and photos."""
    facility = get_object_or_404(Facility.objects.select_related("region__parent", "owner"), pk=pk)
    may_inspect = can(request.user, "spaces.inspect_facility", facility)
    if request.method == "POST":
        if not may_inspect:
            raise PermissionDenied
        try:
            if "photo" in request.FILES:
                inspections.add_photo(
                    facility, request.user, request.FILES["photo"], request.POST.get("caption", "")
                )
                messages.success(request, _("Photo added."))
            else:
                inspections.record_inspection(
                    facility,
                    request.user,
                    set(request.POST.getlist("passed")),
                    notes=request.POST.get("notes", ""),
                )
                messages.success(request, _("Inspection recorded."))
        except Refusal as exc:
            messages.error(request, str(exc))
        return redirect("spaces:facility", pk=facility.pk)
    staff = can(request.user, "spaces.view_finding", facility)
    return render(
        request,
        "spaces/facility.html",
        {
            "facility": facility,
            "items": ChecklistItem.objects.filter(kind=facility.kind),
            "may_inspect": may_inspect,
            "staff": staff,
            "photos": facility.photos.only("pk", "caption"),
            "designations": facility.designations.all(),
            "inspections": facility.inspections.prefetch_related("findings__item").select_related(
                "inspector"
            )[:10]
            if staff
            else [],
            "meets": inspections.meets_standard(facility) if staff else None,
            "panels": registry.panels_for(facility, request.user),
        },
    )


def facility_photo(request, pk, photo_pk):
    photo = get_object_or_404(FacilityPhoto, pk=photo_pk, facility_id=pk)
    response = HttpResponse(bytes(photo.image), content_type=photo.content_type)
    response["Cache-Control"] = "public, max-age=86400"
    return response


@login_required
def rectifications(request):
    """Open rectifications (overdue first) and facilities due for periodic monitoring, in the area."""
    require(request.user, "spaces.view_finding")
    today = timezone.localdate()
    findings = inspections.open_rectifications(scoped(Finding.objects.all(), request.user)).order_by(
        "rectify_by"
    )
    if request.method == "POST":
        finding = get_object_or_404(findings, pk=request.POST.get("finding"))
        inspections.rectify(finding, request.user)
        return redirect("spaces:rectifications")
    area = scoped(Facility.objects.all(), request.user)
    return render(
        request,
        "spaces/rectifications.html",
        {"findings": findings, "today": today, "monitoring": inspections.overdue_monitoring(area, today)},
    )


@login_required
def suggest_sites(request):
    """The best N new sites for a facility type within the user's jurisdiction, as a table, CSV or
    GeoJSON (for a map)."""
    require(request.user, "spaces.aggregate_facility")
    group = coverage.group_or_default(request.GET.get("group"))
    try:
        count = max(1, min(int(request.GET.get("n", 3)), 20))
    except ValueError:
        count = 3
    sites = coverage.best_sites(group, count, timezone.localdate(), within=request.user.jurisdiction)
    policy = disclosure.Policy.for_user(request.user)
    for site in sites:  # children newly reached: persons, shown as the policy allows
        site.newly_covered = disclosure.persons(site.newly_covered_set, policy)
    record(
        AuditEntry.Action.STATISTICS,
        request=request,
        object_type="spaces.SiteSuggestion",
        details={"group": group, "n": count},
    )
    fmt = request.GET.get("format")
    if fmt == "geojson":
        features = [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [s.longitude, s.latitude]},
                "properties": {
                    "rank": n,
                    "grid": s.code,
                    "name": s.name,
                    "newly_covered": s.newly_covered if s.newly_covered is not None else "<5",
                },
            }
            for n, s in enumerate(sites, start=1)
        ]
        response = JsonResponse(
            {"type": "FeatureCollection", "features": features}, json_dumps_params={"ensure_ascii": False}
        )
        response["Content-Disposition"] = f'attachment; filename="sites-{group}.geojson"'
        return response
    if fmt == "csv":
        lines = ["序号,网格,位置,纬度,经度,新增覆盖儿童"] + [
            f"{n},{s.code},{s.name},{s.latitude:.6f},{s.longitude:.6f},"
            f"{s.newly_covered if s.newly_covered is not None else '<5'}"
            for n, s in enumerate(sites, start=1)
        ]
        response = HttpResponse(("\ufeff" + "\n".join(lines) + "\n").encode("utf-8"), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="sites-{group}.csv"'
        return response
    return render(
        request,
        "spaces/sites.html",
        {
            "sites": sites,
            "group": group,
            "groups": coverage.GROUPS,
            "n": count,
            "radius": coverage.radius_m(group),
            "points": [
                {
                    "lat": s.latitude,
                    "lng": s.longitude,
                    "radius_km": coverage.radius_m(group) / 1000,
                    "title": s.name,
                }
                for s in sites
            ],
        },
    )


@login_required
def density(request):
    """Children of a facility's age group by grid (never a child's own point), with whether the grid
    is within walking distance: the map's density and uncovered-area layer. Counts under the
    small-cell threshold are left out for roles without access to persons."""
    require(request.user, "spaces.aggregate_facility")
    group = coverage.group_or_default(request.GET.get("group"))
    counts = coverage.grid_counts(group, timezone.localdate(), signatures=True)
    grids = coverage.grid_centres(counts, within=request.user.jurisdiction)
    covered = coverage.covered_grids(group, grids)
    policy = disclosure.Policy.for_user(request.user)
    shown = {pk: disclosure.persons(counts[pk], policy) for pk in grids}
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [lng, lat]},
            "properties": {"children": shown[pk], "covered": pk in covered},
        }
        for pk, (lat, lng) in grids.items()
        if shown[pk] is not None
    ]
    record(
        AuditEntry.Action.STATISTICS, request=request, object_type="spaces.Density", details={"group": group}
    )
    return JsonResponse({"type": "FeatureCollection", "features": features})

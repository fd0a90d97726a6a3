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
from django.utils import timezone
from django.utils.translation import gettext as _

from tongyou.audit.models import AuditEntry
from tongyou.audit.services import record
from tongyou.core.scoping import can, require, scoped
from tongyou.datahub.services.suppression import suppress
from tongyou.regions.models import Region

from . import coverage, inspections
from .distance import current_measure
from .models import ChecklistItem, Facility, FacilityKind, FacilityPhoto, Finding


def facility_map(request):
    return render(
        request,
        "spaces/map.html",
        {"kinds": FacilityKind.choices, "tile_url": settings.TILE_URL},
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
    table = coverage.coverage_table(timezone.localdate(), levels=(level,))
    allowed = set(request.user.jurisdiction.subtree().values_list("code", flat=True))
    hide = not can(request.user, "datahub.view_child")
    shown = {key: _shown(spec_areas[level], allowed, hide) for key, spec_areas in table.items()}
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
            "suppressed": hide,
            "uncovered_areas": sum(1 for r in rows if r["uncovered"] != 0),
        },
    )


def _shown(areas, allowed, hide):
    """The areas of the user's jurisdiction as display rows, and their total. For roles without
    access to persons, small counts are hidden with complementary suppression (the data hub's
    rule), so that no total gives a hidden count away. A hidden figure is None."""
    areas = [a for a in areas if a.code in allowed]
    cells = {}
    for a in areas:
        cells[(a.code, "covered")], cells[(a.code, "uncovered")] = a.covered, a.uncovered
    columns = ["covered", "uncovered"]
    hidden = (
        suppress(cells, [a.code for a in areas], columns, settings.SMALL_CELL_THRESHOLD) if hide else set()
    )

    def figure(key, value):
        return None if key in hidden else value

    rows = []
    for a in areas:
        covered, uncovered = (
            figure((a.code, "covered"), a.covered),
            figure((a.code, "uncovered"), a.uncovered),
        )
        children = figure((a.code, None), a.children)
        share = a.share if None not in (covered, children) else None
        rows.append(
            {
                "code": a.code,
                "name": a.name,
                "children": children,
                "covered": covered,
                "uncovered": uncovered,
                "share": share,
                "figures": [children, covered, uncovered],
            }
        )
    children = sum(a.children for a in areas)
    covered = figure((None, "covered"), sum(a.covered for a in areas))
    total_hidden = hide and 0 < children < settings.SMALL_CELL_THRESHOLD
    total = {
        "children": None if total_hidden else children,
        "covered": None if total_hidden else covered,
        "uncovered": None
        if total_hidden
        else figure((None, "uncovered"), children - sum(a.covered for a in areas)),
        "share": round(100 * covered / children, 1)
        if children and covered is not None and not total_hidden
        else None,
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
        except inspections.InspectionRefused as exc:
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
                "properties": {"rank": n, "grid": s.code, "name": s.name, "newly_covered": s.newly_covered},
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
            f"{n},{s.code},{s.name},{s.latitude:.6f},{s.longitude:.6f},{s.newly_covered}"
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
    counts = coverage.grid_counts(group, timezone.localdate())
    grids = coverage.grid_centres(counts, within=request.user.jurisdiction)
    covered = coverage.covered_grids(group, grids)
    hide = not can(request.user, "datahub.view_child")
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [lng, lat]},
            "properties": {"children": counts[pk], "covered": pk in covered},
        }
        for pk, (lat, lng) in grids.items()
        if not (hide and counts[pk] < settings.SMALL_CELL_THRESHOLD)
    ]
    record(
        AuditEntry.Action.STATISTICS, request=request, object_type="spaces.Density", details={"group": group}
    )
    return JsonResponse({"type": "FeatureCollection", "features": features})

"""REST API over the same scoped data (OpenAPI schema at /api/openapi.json)."""

import datetime

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema
from ninja.errors import HttpError

from tongyou.audit.models import AuditEntry
from tongyou.audit.services import record
from tongyou.core.errors import Refusal
from tongyou.core.scoping import get_scoped_or_404, require
from tongyou.privacy import masking

from .forms import ChildQueryForm
from .models import Child
from .services.search import ID_LIKE, loggable_query, search_children
from .services.statistics import child_pivot
from .services.timeline import timeline

router = Router(tags=["children"])
MAX_ID = 2**63 - 1  # the largest key the database holds: a larger one is a 400, not a 500


class ChildOut(Schema):
    id: int
    name_masked: str
    sex: str
    birth_date: datetime.date
    id_number_masked: str
    ethnicity: str
    residence_region_code: str


class CellOut(Schema):
    row: str
    row_label: str
    col: str
    col_label: str
    count: int | None


class PivotOut(Schema):
    rows: str
    cols: str
    suppressed: bool
    total: int | None
    cells: list[CellOut]


class FactOut(Schema):
    kind: str
    summary: str
    valid_from: datetime.date
    valid_to: datetime.date | None
    unit: str
    batch: int | None
    row: int | None


def _require(request, permission):
    """scoping.require (which audits the refusal), answered as the API answers."""
    try:
        require(request.user, permission)
    except PermissionDenied:
        raise HttpError(403, _("Your role may not do this.")) from None


def _out(child):
    return ChildOut(
        id=child.pk,
        name_masked=masking.mask_name(child.name),
        sex=child.sex,
        birth_date=child.birth_date,
        id_number_masked=masking.mask_id_number(child.id_number),
        ethnicity=child.ethnicity,
        residence_region_code=child.residence_region.code,
    )


@router.get("/children", response=list[ChildOut], summary="Children in your jurisdiction (masked)")
def list_children(
    request,
    q: str = Query("", max_length=100),
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0, le=10_000_000),
):
    _require(request, "datahub.view_child")
    if ID_LIKE.match(q.strip()):
        # An ID number in a URL lands in access logs and proxies: POST /api/children/search.
        raise HttpError(400, _("Search for an ID number with POST /api/children/search, not in the URL."))
    return _list(request, q, limit, offset)


class SearchIn(Schema):
    q: str = Field("", max_length=100)
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=10_000_000)


@router.post("/children/search", response=list[ChildOut], summary="Search by name or ID number (in the body)")
def search_children_api(request, search: SearchIn):
    _require(request, "datahub.view_child")
    return _list(request, search.q, search.limit, search.offset)


def _list(request, q, limit, offset):
    children = list(search_children(request.user, q)[offset : offset + limit])
    record(
        AuditEntry.Action.LIST,
        request=request,
        object_type="datahub.Child",
        details={
            "api": True,
            "query": loggable_query(q),
            "shown": [c.pk for c in children],
        },
    )
    return [_out(c) for c in children]


@router.get("/children/{child_id}", response=ChildOut, summary="One child (masked); the read is audited")
def get_child(request, child_id: int = Path(..., ge=1, le=MAX_ID)):
    child = get_scoped_or_404(Child.objects.select_related("residence_region"), request.user, pk=child_id)
    record(AuditEntry.Action.READ, request=request, obj=child, details={"api": True})
    return _out(child)


@router.get(
    "/children/{child_id}/facts", response=list[FactOut], summary="A child's timeline with provenance"
)
def get_child_facts(request, child_id: int = Path(..., ge=1, le=MAX_ID)):
    child = get_scoped_or_404(Child.objects.all(), request.user, pk=child_id)
    record(AuditEntry.Action.READ, request=request, obj=child, details={"api": True, "facts": True})
    return [
        FactOut(
            kind=str(e["kind"]),
            summary=e["summary"],
            valid_from=e["valid_from"],
            valid_to=e["valid_to"],
            unit=e["unit"],
            batch=e["batch"],
            row=e["row"],
        )
        for e in timeline(child)
    ]


@router.get(
    "/statistics/children",
    response=PivotOut,
    summary="Counts by two dimensions with optional filters, protected for aggregate-only roles",
    description="Filters: region, age_min, age_max, sex, ethnicity, status, insured, enrolled, disability "
    "(the same as the statistics page).",
)
def child_statistics(request, rows: str = "street", cols: str = "sex"):
    _require(request, "datahub.aggregate_child")
    form = ChildQueryForm(request.GET, user=request.user)
    if not form.is_valid():
        raise HttpError(400, "; ".join(f"{k}: {' '.join(str(e) for e in v)}" for k, v in form.errors.items()))
    rows, cols = form.dimensions()
    child_filter = form.child_filter()
    try:
        pivot = child_pivot(request.user, rows, cols, filters=child_filter)
    except Refusal as exc:
        raise HttpError(400, str(exc)) from None
    record(
        AuditEntry.Action.STATISTICS,
        request=request,
        object_type="datahub.Child",
        details={
            "api": True,
            "rows": rows,
            "cols": cols,
            "filters": child_filter.describe(),
            "suppressed": pivot.suppressed,
        },
    )
    cells = [
        CellOut(
            row=str(r),
            row_label=str(pivot.row_labels.get(r, r)),
            col=str(c),
            col_label=str(pivot.col_labels.get(c, c)),
            count=pivot.cell(r, c),
        )
        for r in pivot.rows
        for c in pivot.cols
    ]
    return PivotOut(
        rows=rows, cols=cols, suppressed=pivot.suppressed, total=pivot.grand_total_shown, cells=cells
    )

"""REST API over the same scoped data (OpenAPI schema at /api/openapi.json)."""

import datetime

from ninja import Router, Schema
from ninja.errors import HttpError

from tongyou.audit.models import AuditEntry
from tongyou.audit.services import record
from tongyou.core.scoping import can, get_scoped_or_404
from tongyou.privacy import masking

from .models import Child
from .services.search import loggable_query, search_children
from .services.statistics import DIMENSIONS, child_pivot

router = Router(tags=["children"])


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
    cells: list[CellOut]


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
def list_children(request, q: str = "", limit: int = 50, offset: int = 0):
    if not can(request.user, "datahub.view_child"):
        raise HttpError(403, "Your role may not do this.")
    limit = max(1, min(limit, 500))
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
def get_child(request, child_id: int):
    child = get_scoped_or_404(Child.objects.select_related("residence_region"), request.user, pk=child_id)
    record(AuditEntry.Action.READ, request=request, obj=child, details={"api": True})
    return _out(child)


@router.get(
    "/statistics/children",
    response=PivotOut,
    summary="Counts by two dimensions, suppressed for aggregate-only roles",
)
def child_statistics(request, rows: str = "street", cols: str = "sex"):
    if not can(request.user, "datahub.aggregate_child"):
        raise HttpError(403, "Your role may not do this.")
    if rows not in DIMENSIONS or cols not in DIMENSIONS or rows == cols:
        raise HttpError(400, f"rows and cols must be two different dimensions of: {', '.join(DIMENSIONS)}")
    pivot = child_pivot(request.user, rows, cols)
    record(
        AuditEntry.Action.STATISTICS,
        request=request,
        object_type="datahub.Child",
        details={"api": True, "rows": rows, "cols": cols, "suppressed": pivot.suppressed},
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
    return PivotOut(rows=rows, cols=cols, suppressed=pivot.suppressed, cells=cells)

"""The linkage review queue: records that may be a child already in the index."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongyou.audit.models import AuditEntry
from tongyou.audit.services import record
from tongyou.core.scoping import get_scoped_or_404, require
from tongyou.core.views import attempt
from tongyou.privacy.masking import mask_id_number

from .codes import Sex
from .models import LinkReview
from .services import reviews


def _reviews(user):
    return reviews.reviewable(user)


@login_required
def review_list(request):
    require(request.user, "datahub.view_linkreview")
    status = request.GET.get("status", LinkReview.Status.PENDING)
    queue = _reviews(request.user).select_related("candidate", "region", "batch__source")
    page = Paginator(queue.filter(status=status), 50).get_page(request.GET.get("page"))
    record(
        AuditEntry.Action.LIST,
        request=request,
        object_type="datahub.LinkReview",
        details={"status": status, "shown": [r.pk for r in page]},
    )
    return render(
        request,
        "datahub/review_list.html",
        {"page": page, "status": status, "statuses": LinkReview.Status.choices},
    )


@login_required
def review_detail(request, pk):
    review = get_scoped_or_404(
        _reviews(request.user).select_related(
            "candidate__residence_region__parent", "region", "batch__source__unit"
        ),
        request.user,
        pk=pk,
    )
    record(AuditEntry.Action.READ, request=request, obj=review)
    data = reviews.incoming(review)
    candidate = review.candidate
    mothers = [g.name for g in candidate.guardians.all() if g.relationship == "52"]
    rows = [
        (_("Name"), data["name"], candidate.name),
        (_("Sex"), Sex(data["sex"]).label, candidate.get_sex_display()),
        (_("Birth date"), data["birth_date"], candidate.birth_date),
        (_("Mother"), data["guardian"], "、".join(mothers)),
        (_("Residence"), _place(data["residence"]), _place(candidate.residence_region)),
    ]
    return render(
        request,
        "datahub/review_detail.html",
        {
            "review": review,
            "rows": rows,
            "candidate_id_number": mask_id_number(candidate.id_number),
            "percent": round(review.match_probability * 100, 1),
        },
    )


def _place(region):
    community = region.community
    return region.name if community == region else f"{community.name} {region.name}"


def _act(request, pk, action, done):
    review = get_scoped_or_404(_reviews(request.user), request.user, pk=pk)
    return attempt(request, lambda: action(review, request.user), done, "datahub:review_detail", pk=review.pk)


@login_required
@require_POST
def review_merge(request, pk):
    return _act(request, pk, reviews.merge, _("Merged: the records are one child now (undo is possible)."))


@login_required
@require_POST
def review_keep_apart(request, pk):
    return _act(request, pk, reviews.keep_apart, _("Kept apart: the incoming record is a child of its own."))


@login_required
@require_POST
def review_undo(request, pk):
    return _act(
        request, pk, reviews.undo, _("Undone: the decision is reversed; the record waits for review again.")
    )

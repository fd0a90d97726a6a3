"""Police pages: record and publish a case, watch its messages and sightings, end it; venue staff
pages for Code Adam."""

import datetime

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tongyou.audit.models import AuditEntry
from tongyou.audit.services import record
from tongyou.core import health, outbound, uploads
from tongyou.core.errors import Refusal
from tongyou.core.scoping import can, get_scoped_or_404, require, scoped
from tongyou.core.uploads import upload_limit
from tongyou.regions.models import Region

from .models import CodeAdam, MissingChildCase, Recipient, Sighting, Venue
from .services import delivery, publishing, venues

PHOTO_MAX_BYTES = 3 * 1024 * 1024


def read_photo(upload):
    """(bytes, content type) of an uploaded JPEG or PNG, or a ValidationError naming the fault."""
    if upload is None:
        return None, ""
    try:
        kind, content = uploads.accept(
            upload,
            uploads.IMAGES,
            PHOTO_MAX_BYTES,
            too_large=_("The photo is larger than 3 MB."),
            wrong_kind=_("The photo must be a JPEG or PNG."),
        )
    except Refusal as exc:
        raise forms.ValidationError(str(exc)) from None
    return content, kind


class ConfirmForm(forms.ModelForm):
    """What the confirming officer sees and may correct before the alert goes out."""

    class Meta:
        model = MissingChildCase
        fields = ["child_name", "sex", "age", "description", "clothing", "last_seen_place"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "clothing": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sex"].choices = [("", _("Not known")), *MissingChildCase.Sex.choices]
        self.fields["age"].widget.attrs.update({"min": 0, "max": 17})

    def clean_age(self):
        age = self.cleaned_data.get("age")
        if age is not None and age > 17:
            raise forms.ValidationError(_("A child's age is 0 to 17; leave it empty if not known."))
        return age


class CaseForm(forms.ModelForm):
    photo_file = forms.FileField(label=gettext_lazy("Photo (JPEG or PNG)"), required=False)

    class Meta:
        model = MissingChildCase
        fields = [
            "child_name",
            "sex",
            "age",
            "description",
            "clothing",
            "suspect",
            "vehicle",
            "last_seen_at",
            "last_seen_place",
            "latitude",
            "longitude",
            "region",
            "is_drill",
        ]
        widgets = {
            "last_seen_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "description": forms.Textarea(attrs={"rows": 2}),
            "clothing": forms.Textarea(attrs={"rows": 2}),
            "suspect": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.filter(
            level=Region.Level.COMMUNITY, path__startswith=user.jurisdiction.path
        ).select_related("parent")
        self.fields["region"].label_from_instance = lambda r: f"{r.parent.name} {r.name}"

    def clean_photo_file(self):
        return read_photo(self.cleaned_data.get("photo_file"))


@login_required
def case_list(request):
    require(request.user, "alerts.view_missingchildcase")
    cases = scoped(MissingChildCase.objects.select_related("region"), request.user)
    record(AuditEntry.Action.LIST, request=request, object_type="alerts.MissingChildCase")
    return render(request, "alerts/case_list.html", {"cases": cases[:100]})


@upload_limit(3 * 1024 * 1024)
@login_required
def case_new(request):
    require(request.user, "alerts.publish_missingchildcase")
    form = CaseForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        photo, photo_type = data.pop("photo_file")
        try:
            case = publishing.record_case(request.user, photo=photo, photo_type=photo_type, **data)
        except Refusal as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Published: %(ref)s, %(km)s km around the place last seen.")
                % {"ref": case.reference, "km": case.radius_km}
                if case.state == "active"
                else _("Recorded; a second police officer must confirm before it is published."),
            )
            return redirect("alerts:case_detail", pk=case.pk)
    return render(request, "alerts/case_new.html", {"form": form})


@login_required
def case_detail(request, pk):
    case = get_scoped_or_404(MissingChildCase.objects.select_related("region"), request.user, pk=pk)
    record(AuditEntry.Action.READ, request=request, obj=case)
    sightings = case.sightings.all()
    return render(
        request,
        "alerts/case_detail.html",
        {
            "case": case,
            "messages_sent": case.messages.all(),
            "sightings": sightings,
            "sightings_json": [
                {
                    "id": s.pk,
                    "lat": s.latitude,
                    "lng": s.longitude,
                    "seen": timezone.localtime(s.seen_at).strftime("%m-%d %H:%M"),
                    "credibility": s.credibility,
                }
                for s in sightings
            ],
            "circles": [
                {
                    "lat": case.latitude,
                    "lng": case.longitude,
                    "radius_km": case.radius_km,
                    "ref": case.reference,
                }
            ],
            "cameras": venues.cameras_for(case),
            "states": MissingChildCase.State,
            "confirm_form": ConfirmForm(instance=case)
            if case.state == MissingChildCase.State.AWAITING
            else None,
            "delivery": delivery.case_delivery(case),
            "broker_down": any(p["name"] == health.BROKER for p in health.problems()),
        },
    )


@login_required
@require_POST
def case_act(request, pk):
    case = get_scoped_or_404(MissingChildCase.objects.all(), request.user, pk=pk)
    action = request.POST.get("action")
    try:
        if action == "confirm":
            form = ConfirmForm(request.POST, instance=MissingChildCase.objects.get(pk=case.pk))
            if not form.is_valid():
                raise Refusal(" ".join(e for errors in form.errors.values() for e in errors))
            corrections = {f: form.cleaned_data[f] for f in publishing.CORRECTABLE}
            publishing.confirm(case, request.user, **corrections)
            messages.success(request, _("Published: the alert is going out."))
        elif action in ("found", "false_alarm"):
            publishing.end(case, request.user, action, request.POST.get("note", ""))
            messages.success(
                request, _("Ended: the cancellation is going out and the child is off every public page.")
            )
        elif action == "update":
            changes = {f: request.POST.get(f, "") for f in ("clothing", "vehicle", "suspect")}
            publishing.update(case, request.user, **changes)
            messages.success(request, _("The update is going out."))
        else:
            raise Refusal(_("Unknown action."))
    except Refusal as exc:
        messages.error(request, str(exc))
    return redirect("alerts:case_detail", pk=case.pk)


@login_required
def sighting_photo(request, pk):
    """A photo the public sent with a sighting: for the police of the case's area, logged."""
    sighting = get_scoped_or_404(Sighting.objects.select_related("case"), request.user, pk=pk)
    if not sighting.photo:
        raise Http404
    record(AuditEntry.Action.READ, request=request, obj=sighting, details={"photo": True})
    response = HttpResponse(bytes(sighting.photo), content_type=sighting.photo_type)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def sighting_review(request, pk):
    sighting = get_scoped_or_404(Sighting.objects.select_related("case"), request.user, pk=pk)
    venues.review_sighting(sighting, request.user, request.POST.get("credible") == "1")
    return redirect("alerts:case_detail", pk=sighting.case_id)


@login_required
def venue_list(request):
    require(request.user, "alerts.trigger_codeadam")
    return render(
        request,
        "alerts/venues.html",
        {
            "venues": request.user.venues.all(),
            "active": CodeAdam.objects.filter(venue__staff=request.user, state="searching"),
        },
    )


@login_required
@require_POST
def code_adam_trigger(request, pk):
    venue = get_object_or_404(Venue, pk=pk)  # venues.trigger() checks the user works there
    try:
        age = int(request.POST["age"]) if request.POST.get("age", "").strip() else None
    except ValueError:
        messages.error(request, _("A child's age is 0 to 17; leave it empty if not known."))
        return redirect("alerts:venues")
    try:
        page = venues.trigger(
            venue,
            request.user,
            request.POST.get("description", ""),
            request.POST.get("child_name", ""),
            age,
            request.POST.get("sex", ""),
            request.POST.get("clothing", ""),
        )
    except Refusal as exc:
        messages.error(request, str(exc))
        return redirect("alerts:venues")
    return redirect("alerts:code_adam", pk=page.pk)


@login_required
def code_adam(request, pk):
    page = get_scoped_or_404(CodeAdam.objects.select_related("venue", "case"), request.user, pk=pk)
    if not can(request.user, "alerts.view_codeadam", page):
        raise Http404  # staff of another venue in the same area
    if request.method == "POST":
        try:
            if request.POST.get("exit"):
                venues.check_exit(page, request.user, request.POST["exit"])
            elif request.POST.get("found"):
                venues.found(page, request.user)
        except Refusal as exc:
            messages.error(request, str(exc))
        return redirect("alerts:code_adam", pk=page.pk)
    deadline = page.started_at + datetime.timedelta(minutes=settings.CODE_ADAM_MINUTES)
    return render(
        request,
        "alerts/code_adam.html",
        {
            "page": page,
            "exits": [(name, page.exits_checked.get(name)) for name in page.venue.exits],
            "deadline": deadline,
            "seconds_left": max(0, int((deadline - timezone.now()).total_seconds())),
        },
    )


@login_required
def partner_list(request):
    """Partner webhooks waiting for approval, and those approved (their addresses are not shown:
    the host is enough to decide)."""
    require(request.user, "alerts.approve_recipient")
    webhooks = Recipient.objects.filter(channel=Recipient.Channel.WEBHOOK, is_active=True).order_by(
        "approved_at", "-opted_in_at"
    )
    rows = [{"recipient": r, "host": outbound.host_of(r.address)} for r in webhooks[:200]]
    return render(request, "alerts/partners.html", {"rows": rows})


@login_required
@require_POST
def partner_decide(request, pk):
    require(request.user, "alerts.approve_recipient")
    with transaction.atomic():
        recipient = get_object_or_404(
            Recipient.objects.select_for_update(), pk=pk, channel=Recipient.Channel.WEBHOOK, is_active=True
        )
        if request.POST.get("decision") == "approve":
            if recipient.approved_at is not None:
                messages.info(request, _("This webhook was already approved."))
                return redirect("alerts:partners")
            try:
                outbound.check(recipient.address)
            except outbound.OutboundRefused as exc:
                messages.error(request, _("Not approved: %(reason)s") % {"reason": exc})
                return redirect("alerts:partners")
            recipient.approved_by, recipient.approved_at = request.user, timezone.now()
            recipient.save(update_fields=["approved_by", "approved_at", "changed_at"])
            messages.success(
                request, _("Approved: %(name)s receives alerts from now on.") % {"name": recipient}
            )
        else:
            recipient.is_active = False
            recipient.approved_by, recipient.approved_at = None, None
            recipient.save(update_fields=["is_active", "approved_by", "approved_at", "changed_at"])
            messages.success(request, _("Refused: %(name)s receives nothing.") % {"name": recipient})
    record(
        AuditEntry.Action.UPDATE,
        request=request,
        obj=recipient,
        details={"webhook": "approved" if recipient.is_active else "refused"},
    )
    return redirect("alerts:partners")

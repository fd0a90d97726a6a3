from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tongyou.datahub.codes import GuardianRelationship
from tongyou.regions.models import Region

from .models import STAGE_ORDER, Process, Proposal

# The browser's date picker reads and writes ISO dates, whatever the page's language.
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProcessForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=80)
    summary = forms.CharField(
        label=_("What it is about, in words a child understands"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Process.Kind.choices)
    region = forms.ModelChoiceField(label=_("District, street or community"), queryset=Region.objects.none())
    age_min = forms.IntegerField(label=_("Youngest age"), min_value=1, max_value=17, initial=7)
    age_max = forms.IntegerField(label=_("Oldest age"), min_value=1, max_value=17, initial=15)
    reply_days = forms.IntegerField(
        label=_("Working days a unit has to answer"), min_value=1, max_value=60, initial=15
    )

    def __init__(self, *args: Any, regions: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions if regions is not None else Region.objects.none()  # type: ignore[attr-defined]
        today = dt.date.today()
        for number, stage in enumerate(STAGE_ORDER):
            start = today + dt.timedelta(days=30 * number)
            self.fields[f"{stage}_starts"] = forms.DateField(
                label=_("%(stage)s: starts") % {"stage": stage.label}, widget=DATE, initial=start
            )
            self.fields[f"{stage}_ends"] = forms.DateField(
                label=_("%(stage)s: ends") % {"stage": stage.label},
                widget=DATE,
                initial=start + dt.timedelta(days=29),
            )

    def dates(self) -> list[tuple[dt.date, dt.date]]:
        return [(self.cleaned_data[f"{s}_starts"], self.cleaned_data[f"{s}_ends"]) for s in STAGE_ORDER]


class ChildProposalForm(forms.Form):
    """What a child writes: big fields, few of them, nothing about themselves."""

    title = forms.CharField(label=_("My idea in a few words"), max_length=40)
    problem = forms.CharField(
        label=_("What is the problem?"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000
    )
    reason = forms.CharField(
        label=_("Why does it matter?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        required=False,
    )
    idea = forms.CharField(
        label=_("What could be done?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        required=False,
    )
    facility: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Is it about one of these places?"), queryset=None, required=False
    )
    place = forms.CharField(label=_("Or where is it?"), max_length=100, required=False)
    latitude = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-90, max_value=90)
    longitude = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-180, max_value=180)
    photo = forms.FileField(
        label=_("A photo of the place (optional; no people in it, please)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )

    def __init__(self, *args: Any, facilities: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = facilities  # type: ignore[attr-defined]


class GroupProposalForm(ChildProposalForm):
    author = forms.ChoiceField(
        label=_("Filed by"), choices=[c for c in Proposal.Author.choices if c[0] != Proposal.Author.CHILD]
    )
    group_name = forms.CharField(label=_("Council or class"), max_length=40)


class ConsentForm(forms.Form):
    guardian_name = forms.CharField(label=_("Guardian who signed"), max_length=50)
    relationship = forms.ChoiceField(label=_("Relationship"), choices=GuardianRelationship.choices)
    given_on = forms.DateField(label=_("Signed on"), widget=DATE)
    takes_part = forms.BooleanField(label=_("The child may take part"), required=False, initial=True)
    words_public = forms.BooleanField(
        label=_("The child's words may be published with a given name and grade"), required=False
    )
    photos = forms.BooleanField(label=_("Photos showing the child may be published"), required=False)


class IssueCodeForm(forms.Form):
    id_number = forms.CharField(label=_("The child's ID number"), max_length=18)
    display_name = forms.CharField(label=_("Given name shown (e.g. 小雨)"), max_length=4)
    grade = forms.CharField(label=_("Grade (e.g. 四年级)"), max_length=10, required=False)

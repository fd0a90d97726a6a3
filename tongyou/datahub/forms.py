"""The query form shared by the children list, the statistics page and their exports."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tongyou.regions.models import Region

from .codes import ChildStatus, Ethnicity, InstitutionKind, Sex
from .services.filters import ChildFilter
from .services.statistics import DIMENSIONS

ANY = [("", _("Any"))]
YES_NO = ANY + [("yes", _("Yes")), ("no", _("No"))]


class ChildQueryForm(forms.Form):
    rows = forms.ChoiceField(
        label=_("Rows"), choices=list(DIMENSIONS.items()), initial="street", required=False
    )
    cols = forms.ChoiceField(
        label=_("Columns"), choices=list(DIMENSIONS.items()), initial="sex", required=False
    )
    region = forms.ChoiceField(label=_("Region"), required=False)
    age_min = forms.IntegerField(label=_("Age from"), min_value=0, max_value=17, required=False)
    age_max = forms.IntegerField(label=_("Age to"), min_value=0, max_value=17, required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=ANY + list(Sex.choices), required=False)
    ethnicity = forms.ChoiceField(label=_("Ethnicity"), choices=ANY + list(Ethnicity.choices), required=False)
    status = forms.ChoiceField(
        label=_("Child category"), choices=ANY + list(ChildStatus.choices), required=False
    )
    insured = forms.ChoiceField(label=_("Medical insurance"), choices=YES_NO, required=False)
    enrolled = forms.ChoiceField(
        label=_("Enrolment"),
        choices=ANY + list(InstitutionKind.choices) + [("none", _("Not enrolled"))],
        required=False,
    )
    disability = forms.ChoiceField(label=_("Disability"), choices=YES_NO, required=False)

    def __init__(self, data=None, *, user):
        super().__init__(data)
        path = user.jurisdiction.path if user.jurisdiction_id else "/nowhere/"
        regions = Region.objects.filter(
            path__startswith=path, level__in=[Region.Level.STREET, Region.Level.COMMUNITY]
        )
        self.fields["region"].choices = ANY + [
            (r.code, ("— " if r.level == 3 else "") + r.name) for r in regions
        ]

    def clean(self):
        data = super().clean()
        if data.get("rows") and data.get("rows") == data.get("cols"):
            self.add_error("cols", _("Pick a column dimension different from the rows."))
        if (
            data.get("age_min") is not None
            and data.get("age_max") is not None
            and data["age_min"] > data["age_max"]
        ):
            self.add_error("age_max", _("The upper age is below the lower one."))
        return data

    def child_filter(self):
        data = self.cleaned_data if self.is_valid() else {}
        return ChildFilter(
            **{
                k: data.get(k) if k.startswith("age") else (data.get(k) or "")
                for k in ChildFilter.__dataclass_fields__
            }
        )

    def dimensions(self):
        data = self.cleaned_data if self.is_valid() else {}
        return data.get("rows") or "street", data.get("cols") or "sex"

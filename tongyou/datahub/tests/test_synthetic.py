import datetime
import hashlib
from collections import Counter

import pytest
from stdnum.cn import ric

from tongyou.datahub.codes import Ethnicity, Sex
from tongyou.datahub.models import Child, Guardian, Household
from tongyou.datahub.services.synthetic import generate

pytestmark = pytest.mark.django_db
AS_OF = datetime.date(2026, 11, 1)


def fingerprint():
    rows = Child.objects.order_by("id_number_index").values_list(
        "name", "sex", "birth_date", "id_number_index", "ethnicity", "residence_region__code"
    )
    return hashlib.sha256(repr(list(rows)).encode()).hexdigest()


def test_same_seed_same_district():
    generate(300, seed=7, as_of=AS_OF)
    first = fingerprint()
    Child.objects.all().delete()
    Household.objects.all().delete()
    generate(300, seed=7, as_of=AS_OF)
    assert fingerprint() == first
    Child.objects.all().delete()
    generate(300, seed=8, as_of=AS_OF)
    assert fingerprint() != first


def test_every_record_is_synthetic_and_every_id_number_valid():
    summary = generate(1500, seed=1, as_of=AS_OF)
    assert summary.children == Child.objects.count() == 1500
    assert not Child.objects.filter(is_synthetic=False).exists()
    assert not Guardian.objects.filter(is_synthetic=False).exists()
    assert not Household.objects.filter(is_synthetic=False).exists()
    numbers = [c.id_number for c in Child.objects.all()]
    assert len(set(numbers)) == len(numbers)
    for child in Child.objects.all():
        assert ric.is_valid(child.id_number)
        assert ric.get_birth_date(child.id_number) == child.birth_date
        assert (int(child.id_number[16]) % 2 == 1) == (child.sex == Sex.MALE)


def test_shape_is_census_like():
    generate(3000, seed=2, as_of=AS_OF)
    ages = Counter((AS_OF - c.birth_date).days // 366 for c in Child.objects.only("birth_date"))
    assert min(ages) >= 0 and max(ages) <= 17
    # Births fell after 2017: the youngest three cohorts are smaller than those aged 9-11.
    assert sum(ages[a] for a in (0, 1, 2)) < sum(ages[a] for a in (9, 10, 11))
    sexes = Counter(Child.objects.values_list("sex", flat=True))
    assert 1.0 < sexes[Sex.MALE] / sexes[Sex.FEMALE] < 1.3
    ethnicities = Counter(Child.objects.values_list("ethnicity", flat=True))
    assert ethnicities[Ethnicity.HAN] / 3000 > 0.8
    assert 0.05 < ethnicities[Ethnicity.MONGOL] / 3000 < 0.16


def test_children_live_in_grids_across_the_district():
    generate(1000, seed=3, as_of=AS_OF)
    streets = {
        c.residence_region.path.split("/")[2] for c in Child.objects.select_related("residence_region")
    }
    assert len(streets) == 9  # every street and the town; the industrial park has no residents
    assert not Child.objects.exclude(residence_region__level=4).exists()


def test_synthetic_facts_come_from_the_right_units_in_plausible_shares():
    from tongyou.datahub.models import Enrolment, InsuranceEnrolment, StatusPeriod
    from tongyou.datahub.services.synthetic import generate_facts

    generate(3000, seed=11, as_of=AS_OF)
    generate_facts(seed=11, as_of=AS_OF)
    children = Child.objects.count()
    assert 0.93 < InsuranceEnrolment.objects.count() / children < 0.99
    assert set(InsuranceEnrolment.objects.values_list("unit__code", flat=True)) == {"ybj"}
    kindergartens = Enrolment.objects.filter(institution_kind="kindergarten")
    public = kindergartens.filter(ownership="public").count() / kindergartens.count()
    assert 0.45 < public < 0.65
    assert StatusPeriod.objects.filter(
        status="left_behind", child__residence_region__parent__kind="village"
    ).count() == (StatusPeriod.objects.filter(status="left_behind").count())

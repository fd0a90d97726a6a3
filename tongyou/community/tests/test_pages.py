"""The talent pool's pages as a hurried clerk and an adversary meet them: every bad form gets a
Chinese message and writes nothing; another area's records answer 404."""

import pytest
from django.test import Client

from tongyou.accounts.roles import Role
from tongyou.community import people
from tongyou.community.models import Activity, BackgroundCheck, Organisation, Person

from .helpers import HERE, THERE, area, id_number, user

pytestmark = pytest.mark.django_db


def client(person):
    c = Client()
    c.force_login(person)
    return c


@pytest.mark.parametrize(
    "form",
    [
        {"kind": "volunteer", "name": "", "id_number": "x"},
        {"kind": "wizard", "name": "张三"},
        {"kind": "volunteer", "name": "张三", "id_number": "110101199001011234"},  # wrong check digit
        {"kind": "volunteer", "name": "张三", "guardian_consent_on": "31/12/2026"},
        {"kind": "volunteer", "name": "张三", "region": "abc"},
        {"kind": "volunteer", "name": "张三", "region": "999999"},
    ],
)
def test_a_bad_person_form_is_refused_in_chinese_and_writes_nothing(form):
    keeper = user()
    data = {"id_number": id_number(30), "region": area().pk} | form
    page = client(keeper).post("/community/people/new/", data, follow=True).content.decode()
    assert 'class="error"' in page
    assert not Person.objects.exists()


@pytest.mark.parametrize(
    "form",
    [
        {"starts_at": "tomorrow"},
        {"starts_at": "2026-12-05T11:00", "ends_at": "2026-12-05T09:00"},
        {"capacity": "-5"},
        {"capacity": "many"},
        {"age_min": "12", "age_max": "3"},
        {"kind": "rave"},
    ],
)
def test_a_bad_activity_form_is_refused_and_writes_nothing(form):
    keeper = user()
    data = {
        "title": "亲子共读",
        "kind": "reading",
        "region": area().pk,
        "place": "图书室",
        "starts_at": "2026-12-05T09:00",
        "ends_at": "2026-12-05T11:00",
        "capacity": "10",
    } | form
    page = client(keeper).post("/community/activities/new/", data, follow=True).content.decode()
    assert 'class="error"' in page
    assert not Activity.objects.exists()


def test_another_areas_people_and_activities_are_not_found():
    keeper = user()
    person = people.register_person(
        keeper, kind="volunteer", name="张志愿", id_number=id_number(30), region=area()
    )
    stranger = client(user(code=THERE))
    assert stranger.get(f"/community/people/{person.pk}/").status_code == 404
    assert stranger.get(f"/community/people/{person.pk}/certificate.pdf").status_code == 404
    response = stranger.post(
        f"/community/people/{person.pk}/act/", {"action": "check", "queried_by": "x", "result": "passed"}
    )
    assert response.status_code == 404 and not BackgroundCheck.objects.exists()
    assert "张志愿" not in stranger.get("/community/people/").content.decode()
    assert client(user(Role.RESEARCHER, "150104")).get("/community/people/").status_code == 403


def test_the_person_page_masks_nothing_it_should_not_and_the_list_masks_names():
    keeper = user()
    number = id_number(30)
    person = people.register_person(
        keeper, kind="volunteer", name="张志愿", id_number=number, region=area(), phone="13912345678"
    )
    listing = client(keeper).get("/community/people/").content.decode()
    assert "张*愿" in listing and "张志愿" not in listing
    page = client(keeper).get(f"/community/people/{person.pk}/").content.decode()
    assert number not in page and "13912345678" not in page


def test_organisations_are_registered_with_a_valid_code_only():
    keeper = user(Role.STREET_OFFICER, "150104001")
    c = client(keeper)
    base = {"name": "童心社工", "registered_with": "玉泉区民政局", "region": area(HERE).pk}
    c.post("/community/organisations/new/", base | {"credit_code": "91110000600037341X"})
    assert not Organisation.objects.exists()
    c.post("/community/organisations/new/", base | {"credit_code": "91110000600037341L"})
    assert Organisation.objects.get().credit_code == "91110000600037341L"


def test_the_overview_flags_who_needs_attention_and_the_export_has_the_national_items():
    import datetime
    import io

    from openpyxl import load_workbook

    keeper = user()
    idle = people.register_person(
        keeper, kind="volunteer", name="张志愿", id_number=id_number(30), region=area()
    )
    people.record_check(
        keeper,
        idle,
        checked_on=datetime.date.today() - datetime.timedelta(days=350),
        queried_by="公安分局",
        result="passed",
    )
    page = client(keeper).get("/community/people/overview/").content.decode()
    assert f'data-person="{idle.pk}"' in page
    assert "入职查询" in page and "近一年" in page
    response = client(keeper).get("/community/people/volunteers.xlsx")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1][:3] == ("姓名", "证件类型", "证件号码") and rows[2][0] == "张志愿"
    assert client(user(Role.RESEARCHER, "150104")).get("/community/people/volunteers.xlsx").status_code == 403

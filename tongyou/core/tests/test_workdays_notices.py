"""Working days beyond the installed calendar: provisional until an administrator enters the
year's official notice, then exact, make-up working days included."""

import datetime

import pytest

from tongyou.accounts.roles import Role
from tongyou.core.models import HolidayNotice
from tongyou.core.workdays import add_working_days, is_provisional, provisional_deadline

pytestmark = pytest.mark.django_db
SPRING_2027 = datetime.date(2027, 2, 5)  # a Friday before the Spring Festival of 2027


def test_a_year_the_package_does_not_cover_is_provisional_and_counts_weekdays():
    assert is_provisional(datetime.date(2027, 2, 10))
    assert provisional_deadline(SPRING_2027, add_working_days(SPRING_2027, 5))
    assert not provisional_deadline(datetime.date(2026, 3, 2), datetime.date(2026, 3, 16))


def test_the_entered_notice_makes_deadlines_exact_with_make_up_days(client_for):
    admin = client_for(Role.ADMIN)
    bad = admin.post(
        "/admin/core/holidaynotice/add/",
        {"year": 2027, "holidays": "2027-02-06~2027-02-13\n2027-13-01", "source": "国办发明电〔2026〕X号"},
    )
    assert "2027-13-01" in bad.content.decode() and not HolidayNotice.objects.exists()
    admin.post(
        "/admin/core/holidaynotice/add/",
        {
            "year": 2027,
            "holidays": "2027-02-06~2027-02-13",
            "working_weekends": "2027-02-14",
            "source": "国办发明电〔2026〕X号",
        },
    )
    assert HolidayNotice.objects.filter(year=2027).exists()
    assert not is_provisional(datetime.date(2027, 2, 10))
    # Friday 5 Feb + 1 working day: the festival week is off, Sunday 14 Feb is a make-up day.
    assert add_working_days(SPRING_2027, 1) == datetime.date(2027, 2, 14)
    assert not provisional_deadline(SPRING_2027, add_working_days(SPRING_2027, 5))


def test_a_provisional_deadline_is_marked_on_the_application_page(client_for, make_user, region):
    from tongyou.tests.factories import ChildFactory
    from tongyou.welfare.models import Category
    from tongyou.welfare.workflow import file_application, transition

    director = make_user(Role.CHILD_DIRECTOR, "150104001001")
    app = file_application(
        ChildFactory(residence_region=region("150104001001001")), Category.UNSUPPORTED, "祖父", director
    )
    transition(app, "submit", director, on=datetime.date(2027, 1, 20))
    page = client_for(Role.CASEWORKER).get(f"/welfare/applications/{app.pk}/").content.decode()
    assert "暂定" in page.split('id="step-due"')[1].split("</dd>")[0]

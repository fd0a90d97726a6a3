"""Browser leg: the police open a case of serious misbehaviour for a pupil by ID number; the school
reads its pupil's case and records its measure; the police refer the child to 12355, review and
close the case, which is then sealed out of every list; the procuratorate finds it only by a
lawful query with its basis (run with `make test-browser`)."""

import os

import pytest

from tongyou.accounts.models import Unit
from tongyou.core.tests.test_browser import browser, demo_site, log_in, nav  # noqa: F401 (fixtures)
from tongyou.intervention.models import Case, Measure, SealedQuery

from .helpers import teenager

pytestmark = pytest.mark.browser
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def test_a_case_is_opened_acted_on_by_police_and_school_closed_sealed_and_lawfully_queried(
    demo_site,  # noqa: F811
    browser,  # noqa: F811
):
    school = Unit.objects.get(code="school-demo")
    pupil = teenager(14, school=school, name="冯小宇")

    police = log_in(browser, demo_site, "police")
    nav(police, "分级干预案件")
    police.click("text=立案")
    police.fill("#open-form input[name=id_number]", pupil.id_number)
    police.select_option("#open-form select[name=grade]", "serious")
    police.check("#open-form input[value=affray]")
    police.select_option("#open-form select[name=school]", str(school.pk))
    police.fill("#open-form textarea[name=summary]", "放学路上拦截低年级同学索要零花钱")
    police.click("#open-form button[type=submit]")
    assert "已立案" in police.locator(".messages").inner_text()
    case = Case.objects.get(child=pupil)

    teacher = log_in(browser, demo_site, "school")
    nav(teacher, "分级干预案件")
    teacher.locator(f"#cases tr[data-case='{case.pk}'] a").click()
    assert "冯小宇" in teacher.locator("h1").inner_text()
    teacher.select_option("#measure-school select[name=kind]", "special_education")
    teacher.click("#measure-school button[type=submit]")
    assert "措施已登记" in teacher.locator(".messages").inner_text()
    assert teacher.locator("#close-form").count() == 0  # a school does not close a serious case

    police.goto(f"{demo_site}/intervention/cases/{case.pk}/")
    police.select_option("#measure-police select[name=kind]", "written_repentance")
    police.click("#measure-police button[type=submit]")
    police.select_option("#refer-form select[name=to]", "12355")
    police.click("#refer-form button[type=submit]")
    police.select_option("#review-form select[name=finding]", "improving")
    police.click("#review-form button[type=submit]")
    assert "复查已登记" in police.locator(".messages").inner_text()
    assert set(Measure.objects.filter(case=case).values_list("actor", flat=True)) == {"school", "police"}
    police.select_option("#close-form select[name=closure]", "corrected")
    police.click("#close-form button[type=submit]")
    assert "结案封存" in police.locator(".messages").inner_text()
    assert police.locator(f"#cases tr[data-case='{case.pk}']").count() == 0
    teacher.reload()
    assert "冯小宇" not in teacher.content()

    prosecutor = log_in(browser, demo_site, "procurator")
    nav(prosecutor, "封存记录依法查询")
    prosecutor.fill("#sealed-form input[name=id_number]", pupil.id_number)
    prosecutor.fill("#sealed-form input[name=basis]", "（2026）玉检未查字第7号 审查起诉需要")
    prosecutor.click("#sealed-form button[type=submit]")
    assert "冯*宇" in prosecutor.locator("#sealed-results").inner_text()
    assert SealedQuery.objects.get().basis.startswith("（2026）玉检未查字第7号")

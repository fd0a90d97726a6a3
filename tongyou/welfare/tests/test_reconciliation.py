"""Bank files, returned payments re-issued exactly once, and reproducible stratified spot checks."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from tongyou.accounts.roles import Role
from tongyou.audit.models import AuditEntry
from tongyou.core.errors import Refusal
from tongyou.tests.factories import ChildFactory, ready_to_pay
from tongyou.welfare import spotchecks
from tongyou.welfare.disbursement import approve_run, build_run, mark_paid, record_returns
from tongyou.welfare.models import AllowanceStandard, Category, Payment, SpotCheckItem
from tongyou.welfare.workflow import file_application

pytestmark = pytest.mark.django_db
MARCH, APRIL, MAY = datetime.date(2026, 3, 1), datetime.date(2026, 4, 1), datetime.date(2026, 5, 1)


@pytest.fixture
def district(make_user):
    AllowanceStandard.objects.create(
        category=Category.ORPHAN, monthly_amount=Decimal("1712.00"), effective_from=datetime.date(2026, 1, 1)
    )
    return make_user(Role.CASEWORKER)


def paid_child(district, region, grid="150104001001001", account="6228480012345678901"):
    app = file_application(ChildFactory(residence_region=region(grid)), Category.ORPHAN, "外祖母", district)
    app.status, app.payment_start = "active", datetime.date(2026, 1, 1)
    app.save()
    return ready_to_pay(app, account_number=account)


def test_the_bank_file_has_full_accounts_and_references_and_its_download_is_logged(
    client_for, region, district
):
    app = paid_child(district, region)
    run = build_run(MARCH, district)
    client = client_for(Role.CASEWORKER)
    draft = client.get(f"/welfare/payments/{run.pk}/bank.csv", follow=True).content.decode()
    assert "审核" in draft  # no bank file from a draft
    approve_run(run, district)
    response = client.get(f"/welfare/payments/{run.pk}/bank.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    payment = run.payments.get()
    assert rows[0] == ["序号", "户名", "身份证号码", "账号", "开户行", "金额", "摘要", "业务参考号"]
    assert rows[1] == [
        "1",
        "外祖母",
        app.account_holder_id_number,
        "6228480012345678901",
        app.bank_name,
        "1712.00",
        "2026-03生活补贴",
        payment.reference,
    ]
    assert rows[-1] == ["合计", "", "", "", "", "1712.00", "共1笔", ""]  # control totals
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT, details__format="bank-csv").exists()
    assert (
        client_for(Role.CASEWORKER, "150104001000").get(f"/welfare/payments/{run.pk}/bank.csv").status_code
        == 403
    )


def test_a_returned_payment_is_reissued_once_in_the_next_run(region, district):
    app = paid_child(district, region)
    march = mark_paid(approve_run(build_run(MARCH, district), district), district)
    payment = march.payments.get()
    record_returns(march, district, [(2, payment.reference, "账户已销户", MARCH)])
    app.account_number = "6228480099999999999"
    app.save()
    april = build_run(APRIL, district)
    april = build_run(APRIL, district)  # rebuilding the draft does not add a second re-issue
    assert sorted((p.amount, p.reissue_of_id or 0) for p in april.payments.all()) == [
        (Decimal("1712.00"), 0),
        (Decimal("1712.00"), payment.pk),
    ]
    mark_paid(approve_run(april, district), district)
    may = build_run(MAY, district)
    assert list(may.payments.values_list("reissue_of", flat=True)) == [None]


def test_a_return_file_with_one_bad_row_records_nothing_and_names_the_row(region, district):
    paid_child(district, region)
    march = mark_paid(approve_run(build_run(MARCH, district), district), district)
    good = march.payments.get().reference
    with pytest.raises(Refusal) as refused:
        record_returns(
            march, district, [(2, good, "户名不符", MARCH), (3, "TY202603XXXX", "户名不符", MARCH)]
        )
    assert refused.value.errors == ["第3行：2026-03没有编号为TY202603XXXX的发放记录。"]
    assert not Payment.objects.filter(state=Payment.State.RETURNED).exists()


def test_the_return_file_is_uploaded_on_the_run_page(client_for, region, district):
    paid_child(district, region)
    march = mark_paid(approve_run(build_run(MARCH, district), district), district)
    reference = march.payments.get().reference
    content = f"业务参考号,退回原因,退回日期\n{reference},账号不存在,2026年3月20日\n".encode("gbk")
    client = client_for(Role.CASEWORKER)
    page = client.post(
        f"/welfare/payments/{march.pk}/returns/",
        {"file": SimpleUploadedFile("退票.csv", content)},
        follow=True,
    ).content.decode()
    assert "已登记1笔退回款项" in page
    returned = Payment.objects.get()
    assert returned.state == "returned" and returned.returned_on == datetime.date(2026, 3, 20)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(script=st.lists(st.tuples(st.integers(3, 8), st.booleans(), st.booleans()), min_size=1, max_size=10))
def test_nothing_is_ever_paid_twice_even_with_returns(region, district, script):
    """Build, pay and return in any order: one regular payment per month, one re-issue per return."""
    app = paid_child(district, region)
    for month, pay, bounce in script:
        try:
            run = build_run(datetime.date(2026, month, 1), district)
        except Refusal:  # a paid month refuses a rebuild
            continue
        if pay:
            mark_paid(approve_run(run, district), district)
            if bounce:
                payment = run.payments.filter(reissue_of__isnull=True).first()
                if payment:
                    record_returns(run, district, [(1, payment.reference, "退回", run.month)])
    regular = list(
        Payment.objects.filter(application=app, reissue_of__isnull=True).values_list("run", flat=True)
    )
    assert len(regular) == len(set(regular))
    reissued = list(Payment.objects.filter(reissue_of__isnull=False).values_list("reissue_of", flat=True))
    assert len(reissued) == len(set(reissued))
    assert set(reissued) <= set(Payment.objects.filter(state="returned").values_list("pk", flat=True))


@pytest.fixture
def paid_march(region, district):
    for n, grid in enumerate(["150104001001001"] * 12 + ["150104002001001"] * 3 + ["150104100200001"]):
        paid_child(district, region, grid=grid, account=f"62284800123456{n:05d}")
    return mark_paid(approve_run(build_run(MARCH, district), district), district)


def test_a_spot_check_is_stratified_by_street_and_reproducible_from_its_seed(paid_march, district):
    first = spotchecks.draw(paid_march, district, rate="0.25", seed=20260301)
    again = spotchecks.draw(paid_march, district, rate="0.25", seed=20260301)
    picked = sorted(first.items.values_list("payment_id", flat=True))
    assert picked == sorted(again.items.values_list("payment_id", flat=True))
    per_street = {}
    for code in first.items.values_list("street__code", flat=True):
        per_street[code] = per_street.get(code, 0) + 1
    assert per_street == {"150104001000": 3, "150104002000": 1, "150104100000": 1}


def test_findings_are_recorded_by_the_streets_staff_and_problems_followed_up(paid_march, district, make_user):
    check = spotchecks.draw(paid_march, district, rate="1", seed=7)
    item = check.items.filter(street__code="150104001000").first()
    street = make_user(Role.STREET_OFFICER, "150104001000")
    other = make_user(Role.STREET_OFFICER, "150104002000")
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        spotchecks.record_finding(item, other, SpotCheckItem.Finding.CONFIRMED)
    with pytest.raises(Refusal, match="请说明发现的问题"):
        spotchecks.record_finding(item, street, SpotCheckItem.Finding.PROBLEM)
    spotchecks.record_finding(
        item, street, SpotCheckItem.Finding.PROBLEM, "补贴由亲属代领未用于儿童", on=datetime.date(2026, 9, 28)
    )
    # 20 working days from Monday 28 September skip the National Day holiday (1-7 October) and
    # count the make-up Saturday, 10 October.
    assert item.follow_up_due == datetime.date(2026, 10, 30)
    overdue = spotchecks.overdue_follow_ups(SpotCheckItem.objects.all(), today=datetime.date(2026, 11, 2))
    assert list(overdue) == [item]
    spotchecks.resolve(item, street, "已约谈监护人，改为直接转入儿童账户")
    assert not spotchecks.overdue_follow_ups(SpotCheckItem.objects.all(), today=datetime.date(2026, 11, 2))


def test_the_street_sees_only_its_own_items_to_check(paid_march, district, client_for):
    spotchecks.draw(paid_march, district, rate="1", seed=7)
    page = client_for(Role.STREET_OFFICER, "150104002000").get("/welfare/spot-checks/").content.decode()
    assert page.count("<tr>") - 1 == 3  # the header row, then its own three payments


def hostile_workbook():
    """A few kilobytes claiming a used range of a million rows by sixteen thousand columns."""
    book = Workbook()
    book.active.append(["业务参考号", "退回原因", "退回日期"])
    book.active["XFD1048576"] = "x"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("退票.xlsx", hostile_workbook(), "范围过大"),
        ("退票.xlsx", b"%PDF-1.4", "不是电子表格"),
        ("退票.csv", "说明\n请核对\n".encode(), "表头"),
    ],
)
def test_a_hostile_or_wrong_return_file_is_refused_and_records_nothing(
    client_for, region, district, name, content, words
):
    paid_child(district, region)
    march = mark_paid(approve_run(build_run(MARCH, district), district), district)
    page = client_for(Role.CASEWORKER).post(
        f"/welfare/payments/{march.pk}/returns/", {"file": SimpleUploadedFile(name, content)}, follow=True
    )
    assert page.status_code == 200 and words in page.content.decode()
    assert Payment.objects.get().state != "returned"


def test_a_banks_own_column_names_below_a_title_row_are_read(client_for, region, district):
    paid_child(district, region)
    march = mark_paid(approve_run(build_run(MARCH, district), district), district)
    reference = march.payments.get().reference
    content = f"代发退票明细\n流水号,失败原因,退票日期\n{reference},户名不符,2026-03-21 00:00:00\n".encode(
        "gbk"
    )
    page = client_for(Role.CASEWORKER).post(
        f"/welfare/payments/{march.pk}/returns/",
        {"file": SimpleUploadedFile("退票.csv", content)},
        follow=True,
    )
    assert "已登记1笔退回款项" in page.content.decode()

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tongyou.accounts.roles import Role
from tongyou.tests.factories import PDF_BYTES, ChildFactory
from tongyou.welfare.models import AllowanceApplication

pytestmark = pytest.mark.django_db


@pytest.fixture
def child(region):
    return ChildFactory(residence_region=region("150104001001001"), name="王小明")


def test_director_files_street_reviews_district_approves(client_for, child):
    director = client_for(Role.CHILD_DIRECTOR, "150104001001")
    assert 'id="apply-allowance"' in director.get(f"/datahub/children/{child.pk}/").content.decode()
    response = director.post(
        f"/welfare/applications/new/{child.pk}/", {"category": "unsupported", "applicant_name": "祖母"}
    )
    app = AllowanceApplication.objects.get()
    assert response.url == f"/welfare/applications/{app.pk}/"
    director.post(f"/welfare/applications/{app.pk}/act/", {"action": "submit"})
    street = client_for(Role.STREET_OFFICER, "150104001000")
    street.post(f"/welfare/applications/{app.pk}/act/", {"action": "town_approve"})
    district = client_for(Role.CASEWORKER)
    district.post(f"/welfare/applications/{app.pk}/act/", {"action": "county_approve"})
    district.post(f"/welfare/applications/{app.pk}/act/", {"action": "sign_agreement"})
    app.refresh_from_db()
    assert app.status == "approved", "no agreement and no bank account yet"
    agreement = SimpleUploadedFile("协议.pdf", PDF_BYTES, content_type="application/pdf")
    district.post(
        f"/welfare/applications/{app.pk}/evidence/", {"kind": "guardianship_agreement", "file": agreement}
    )
    saved = district.post(
        f"/welfare/applications/{app.pk}/details/",
        {
            "bank_name": "中国农业银行",
            "account_holder": "李桂兰",
            "account_holder_id_number": "150104198505041247",
            "account_number": "6228480012345678901",
        },
        follow=True,
    )
    assert "已保存" in saved.content.decode(), [m.message for m in saved.context["messages"]]
    signed = district.post(f"/welfare/applications/{app.pk}/act/", {"action": "sign_agreement"}, follow=True)
    app.refresh_from_db()
    assert app.status == "active" and app.payment_start is not None, signed.content.decode()[-3000:]
    page = district.get(f"/welfare/applications/{app.pk}/").content.decode()
    assert "王*明" in page and "王小明" not in page


def test_a_refused_step_is_explained_and_changes_nothing(client_for, child):
    director = client_for(Role.CHILD_DIRECTOR, "150104001001")
    director.post(
        f"/welfare/applications/new/{child.pk}/", {"category": "orphan", "applicant_name": "外祖母"}
    )
    app = AllowanceApplication.objects.get()
    response = director.post(f"/welfare/applications/{app.pk}/act/", {"action": "town_approve"}, follow=True)
    assert "角色" in response.content.decode()
    assert AllowanceApplication.objects.get().status == "draft"


def test_people_outside_the_jurisdiction_see_nothing(client_for, child):
    client_for(Role.CHILD_DIRECTOR, "150104001001").post(
        f"/welfare/applications/new/{child.pk}/", {"category": "orphan", "applicant_name": "外祖母"}
    )
    app = AllowanceApplication.objects.get()
    other = client_for(Role.CHILD_DIRECTOR, "150104002001")
    assert other.get(f"/welfare/applications/{app.pk}/").status_code == 404
    assert other.post(f"/welfare/applications/{app.pk}/act/", {"action": "submit"}).status_code == 404
    assert other.get(f"/welfare/applications/new/{child.pk}/").status_code == 404
    assert list(other.get("/welfare/applications/").context["rows"]) == []
    for role in (Role.RESEARCHER, Role.POLICE, Role.COORDINATOR):
        assert client_for(role).get("/welfare/applications/").status_code == 403

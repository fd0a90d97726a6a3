"""Evidence attachments: encrypted at rest, scoped and logged when read, refused when unfit."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from tongyou.accounts.roles import Role
from tongyou.audit.models import AuditEntry
from tongyou.tests.factories import PDF_BYTES, ChildFactory
from tongyou.welfare.models import Evidence
from tongyou.welfare.workflow import file_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def application(region, make_user):
    child = ChildFactory(residence_region=region("150104001001001"))
    return file_application(child, "orphan", "外祖母", make_user(Role.CHILD_DIRECTOR, "150104001001"))


def upload(client, application, content=PDF_BYTES, name="死亡证明.pdf", kind="death_certificate"):
    return client.post(
        f"/welfare/applications/{application.pk}/evidence/",
        {"kind": kind, "file": SimpleUploadedFile(name, content)},
        follow=True,
    )


def test_an_attachment_is_stored_encrypted_and_read_back_with_a_log_entry(client_for, application):
    director = client_for(Role.CHILD_DIRECTOR, "150104001001")
    upload(director, application)
    evidence = Evidence.objects.get()
    with connection.cursor() as cursor:
        cursor.execute("SELECT content FROM welfare_evidence")
        stored = cursor.fetchone()[0]
    assert stored.startswith("ty1$") and "JVBERi" not in stored  # base64 of "%PDF" is not there
    response = director.get(f"/welfare/evidence/{evidence.pk}/")
    assert response.content == PDF_BYTES and response["Content-Type"] == "application/pdf"
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.READ, object_type="welfare.Evidence", object_id=str(evidence.pk)
    ).exists()


def test_a_director_of_another_community_cannot_open_the_attachment(client_for, application):
    upload(client_for(Role.CHILD_DIRECTOR, "150104001001"), application)
    evidence = Evidence.objects.get()
    outsider = client_for(Role.CHILD_DIRECTOR, "150104002001")
    assert outsider.get(f"/welfare/evidence/{evidence.pk}/").status_code == 404
    assert upload(outsider, application).status_code == 404
    assert Evidence.objects.count() == 1


def test_a_file_that_is_not_a_pdf_or_image_is_refused_by_name(client_for, application):
    director = client_for(Role.CHILD_DIRECTOR, "150104001001")
    page = upload(director, application, content=b"MZ\x90\x00 not a document", name="证明.pdf")
    assert "请上传 PDF、JPEG 或 PNG 文件" in page.content.decode()
    big = b"%PDF" + b"0" * (5 * 1024 * 1024)
    assert "文件超过5 MB" in upload(director, application, content=big).content.decode()
    assert not Evidence.objects.exists()


def test_the_application_page_shows_the_criteria_and_the_evidence(client_for, application):
    director = client_for(Role.CHILD_DIRECTOR, "150104001001")
    upload(director, application)
    page = director.get(f"/welfare/applications/{application.pk}/").content.decode()
    assert 'id="criteria"' in page and "死亡证明.pdf" in page and "认定条件" in page


def test_the_bank_account_is_masked_on_the_page(client_for, application):
    district = client_for(Role.CASEWORKER)
    district.post(
        f"/welfare/applications/{application.pk}/details/",
        {"bank_name": "中国银行", "account_holder": "王桂英", "account_number": "6217850012345678"},
    )
    page = district.get(f"/welfare/applications/{application.pk}/").content.decode()
    assert "****5678" in page and "6217850012345678" not in page
    refused = district.post(
        f"/welfare/applications/{application.pk}/details/", {"account_number": "12AB"}, follow=True
    )
    assert "账号应为12至25位数字" in refused.content.decode()

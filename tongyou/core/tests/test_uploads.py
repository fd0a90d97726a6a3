"""Every upload path: bounded while streaming, judged by structure. Polyglots, bombs, active PDFs
and disguised archives are refused (or, for pictures, reduced to the picture alone)."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from PIL import Image

from tongyou.accounts.roles import Role
from tongyou.core import uploads
from tongyou.core.errors import Refusal
from tongyou.tests.factories import JPEG_BYTES, PDF_BYTES, PNG_BYTES, ChildFactory, active_case, image_bytes

PDF_TYPES = {**uploads.PDF, **uploads.IMAGES}
EVERYTHING = {**uploads.PDF, **uploads.IMAGES, **uploads.OFFICE}


def jpeg_with_gps():
    image = Image.new("RGB", (8, 8))
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (40.0, 46.0, 36.0)}  # GPSInfo: where the photo was taken
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def office(files):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


def test_a_jpeg_pdf_polyglot_keeps_only_the_picture():
    polyglot = JPEG_BYTES + PDF_BYTES  # a JPEG viewer and a PDF reader both open this
    kind, kept = uploads.inspect(polyglot, PDF_TYPES)
    assert kind == "image/jpeg" and b"%PDF" not in kept and b"%%EOF" not in kept
    assert Image.open(io.BytesIO(kept)).size == (8, 8)


def test_a_png_zip_polyglot_keeps_only_the_picture():
    kind, kept = uploads.inspect(PNG_BYTES + office({"a.txt": "x"}), uploads.IMAGES)
    assert kind == "image/png" and b"PK\x03\x04" not in kept


def test_the_location_in_a_photo_is_not_kept():
    kind, kept = uploads.inspect(jpeg_with_gps(), uploads.IMAGES)
    assert 0x8825 not in Image.open(io.BytesIO(kept)).getexif()


@pytest.mark.parametrize(
    "content",
    [
        b"\xff\xd8\xff\xe0 only a header",
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 64,
        image_bytes("PNG")[:40],  # truncated
    ],
)
def test_a_fake_or_damaged_picture_is_refused(content):
    with pytest.raises(Refusal):
        uploads.inspect(content, uploads.IMAGES)


def test_a_decompression_bomb_is_refused():
    # 12,000 × 12,000 pixels of one colour: a few hundred KB as PNG, 432 MB decoded.
    bomb = image_bytes("PNG", size=(12000, 12000))
    assert len(bomb) < 2_000_000
    with pytest.raises(Refusal):
        uploads.inspect(bomb, uploads.IMAGES)


@pytest.mark.parametrize(
    "content",
    [
        PDF_BYTES.replace(b"%%EOF", b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>\n%%EOF"),
        PDF_BYTES.replace(b"%%EOF", b"/Launch /F (cmd.exe)\n%%EOF"),
        PDF_BYTES + office({"payload.exe": "MZ"}),  # a PDF/ZIP polyglot: something after the end
        b"%PDF-1.4\n% not really a PDF\n%%EOF\n",
        b"%PDF-1.7 " + b"A" * 1000,
    ],
)
def test_active_broken_or_padded_pdfs_are_refused(content):
    with pytest.raises(Refusal):
        uploads.inspect(content, PDF_TYPES)


def test_a_plain_pdf_passes_unchanged():
    assert uploads.inspect(PDF_BYTES, PDF_TYPES) == ("application/pdf", PDF_BYTES)


@pytest.mark.parametrize(
    "content",
    [
        office({"a.txt": "just a zip"}),
        office({"[Content_Types].xml": "<Types/>", "xl/vbaProject.bin": "macro"}),
        office({"[Content_Types].xml": "<Types/>", "big.xml": "0" * (101 * 1024 * 1024)}),  # a zip bomb
        b"PK\x03\x04 damaged",
    ],
)
def test_disguised_or_dangerous_office_files_are_refused(content):
    with pytest.raises(Refusal):
        uploads.inspect(content, EVERYTHING)


def test_the_handler_stops_storing_past_the_limit(settings):
    settings.UPLOAD_MAX_BYTES = 1000
    handler = uploads.LimitedUploadHandler(RequestFactory().post("/"))
    handler.new_file("file", "big.pdf", "application/pdf", None)
    passed = [handler.receive_data_chunk(b"x" * 400, n * 400) for n in range(10)]
    assert [p is not None for p in passed] == [True, True] + [False] * 8  # 800 bytes, then nothing
    refused = handler.file_complete(4000)
    assert refused.size == 4000 and refused.read() == b""


@pytest.mark.django_db
def test_a_huge_evidence_upload_is_refused_in_chinese_without_being_stored(client_for, region):
    from tongyou.welfare.models import Evidence
    from tongyou.welfare.workflow import file_application

    child = ChildFactory(residence_region=region("150104001001001"))
    director = client_for(Role.CHILD_DIRECTOR, "150104001001")
    application = file_application(child, "orphan", "外祖母", director.user)
    huge = PDF_BYTES + b"\n" + b"0" * (30 * 1024 * 1024)
    page = director.post(
        f"/welfare/applications/{application.pk}/evidence/",
        {"kind": "death_certificate", "file": SimpleUploadedFile("大文件.pdf", huge)},
        follow=True,
    ).content.decode()
    assert "5 MB" in page and not Evidence.objects.exists()


@pytest.mark.django_db
def test_a_polyglot_evidence_file_is_stored_as_its_picture(client_for, region):
    from tongyou.welfare.models import Evidence
    from tongyou.welfare.workflow import evidence_bytes, file_application

    child = ChildFactory(residence_region=region("150104001001001"))
    director = client_for(Role.CHILD_DIRECTOR, "150104001001")
    application = file_application(child, "orphan", "外祖母", director.user)
    director.post(
        f"/welfare/applications/{application.pk}/evidence/",
        {"kind": "death_certificate", "file": SimpleUploadedFile("证明.jpg", JPEG_BYTES + PDF_BYTES)},
    )
    evidence = Evidence.objects.get()
    assert evidence.content_type == "image/jpeg" and b"%PDF" not in evidence_bytes(evidence)


@pytest.mark.django_db
def test_a_public_sighting_photo_that_is_a_polyglot_is_reduced_to_the_picture(new_case_for_uploads):
    from django.test import Client

    from tongyou.alerts.models import Sighting

    case = new_case_for_uploads
    Client().post(
        f"/alerts/a/{case.reference}/",
        {
            "seen_at": "2026-11-30 09:00",
            "latitude": 40.78,
            "longitude": 111.66,
            "description": "看到一个穿红衣服的孩子",
            "photo": SimpleUploadedFile("p.jpg", JPEG_BYTES + PDF_BYTES),
        },
    )
    sighting = Sighting.objects.get()
    assert bytes(sighting.photo).startswith(b"\xff\xd8") and b"%PDF" not in bytes(sighting.photo)


@pytest.fixture
def new_case_for_uploads(make_user):

    police = make_user(Role.POLICE)
    return active_case(police)

"""factory_boy factories for tests across apps."""

import base64
import datetime

import factory

from tongyou.accounts.models import User, grant_of
from tongyou.accounts.roles import Role
from tongyou.datahub.codes import Ethnicity, GuardianRelationship, Sex
from tongyou.datahub.models import Child, Guardian
from tongyou.privacy.idnumbers import make_id_number
from tongyou.regions.models import Region
from tongyou.welfare.models import Evidence, EvidenceKind


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.CASEWORKER
    password = factory.django.Password("correct-horse-battery-9")
    # Approved by a security administrator, as every working account is (accounts/access.py);
    # tests of the approval itself pass approved_grant="".
    approved_grant = factory.LazyAttribute(
        lambda o: grant_of(o.role, getattr(o.jurisdiction, "pk", None), getattr(o.unit, "pk", None))
    )
    jurisdiction = None
    unit = None


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    name = factory.Sequence(lambda n: f"测试{n}")
    sex = Sex.FEMALE
    birth_date = factory.Sequence(lambda n: datetime.date(2015, 1, 1) + datetime.timedelta(days=n % 3000))
    # Even sequence for girls; the factory sequence keeps numbers unique.
    id_number = factory.LazyAttributeSequence(
        lambda o, n: make_id_number("150104", o.birth_date, (2 * n) % 1000)
    )
    ethnicity = Ethnicity.HAN
    residence_region = factory.LazyFunction(lambda: Region.objects.get(code="150104001001001"))
    is_synthetic = True


class GuardianFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Guardian

    child = factory.SubFactory(ChildFactory)
    name = "王大明"
    relationship = GuardianRelationship.FATHER
    phone = "13812345678"
    is_synthetic = True


# The smallest valid PDF header is enough for the upload check, which reads the first bytes.
def _pdf():
    from fpdf import FPDF

    document = FPDF()
    document.add_page()
    document.set_font("helvetica", size=12)
    document.cell(text="Tongyou test document")
    return bytes(document.output())


def image_bytes(kind="PNG", size=(8, 8)):
    """A real, tiny picture (uploads are decoded and re-encoded: a fake one is refused)."""
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, kind)
    return out.getvalue()


PDF_BYTES = _pdf()
PNG_BYTES = image_bytes("PNG")
JPEG_BYTES = image_bytes("JPEG")


class EvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evidence

    kind = EvidenceKind.GUARDIANSHIP_AGREEMENT
    filename = "agreement.pdf"
    content_type = "application/pdf"
    size = len(PDF_BYTES)
    content = base64.b64encode(PDF_BYTES).decode()


def ready_to_pay(application, bank_name="中国农业银行呼和浩特玉泉支行", account_number="6228480012345678901"):
    """Give an application what the agreement step requires: the signed agreement attached and
    the bank account recorded."""
    EvidenceFactory(application=application, uploaded_by=application.filed_by)
    application.bank_name = bank_name
    application.account_holder = application.applicant_name
    application.account_holder_id_number = make_id_number("150104", datetime.date(1985, 5, 4), 124)
    application.account_number = account_number
    application.save()
    return application


def search_page(client, **criteria):
    """The children list for a search, as the page does it: POSTed, then answered at ?s=token."""
    return client.post("/datahub/children/", criteria, follow=True)


def export_children(client, full_names=False, reason="", **criteria):
    """The children export for a search (POSTed with the search's token)."""
    token = ""
    if criteria:
        redirect = client.post("/datahub/children/", criteria)
        token = redirect.url.split("s=")[-1] if redirect.status_code == 302 else ""
    data = {"s": token, "reason": reason}
    if full_names:
        data["full_names"] = "on"
    return client.post("/datahub/children/export.xlsx", data)


def active_case(police, **fields):
    """A published missing-child case (written directly: no messages, no outbox), for tests of
    what sits around alerts."""
    from django.utils import timezone

    from tongyou.alerts.models import MissingChildCase

    values = {
        "reference": f"T{MissingChildCase.objects.count() + 1}",
        "state": MissingChildCase.State.ACTIVE,
        "child_name": "王小明",
        "sex": "2",
        "age": 5,
        "last_seen_at": timezone.now(),
        "last_seen_place": "万达广场",
        "latitude": 40.78,
        "longitude": 111.66,
        "reported_by": police,
        "region": police.jurisdiction,
        "radius_km": 100,
        "published_at": timezone.now(),
        **fields,
    }
    return MissingChildCase.objects.create(**values)

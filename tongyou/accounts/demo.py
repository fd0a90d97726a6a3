"""Demo accounts: one per role, with the units and jurisdictions a real deployment would give them."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from tongyou.regions.models import Region

from .models import Unit, User
from .roles import Role

DEMO_PASSWORD = "Tongyou-demo-2026"  # noqa: S105 (printed by `make run`; demo only)
DISTRICT = "150104000000"

# username, role, unit code, jurisdiction code, family name, given name
DEMO_ACCOUNTS = [
    ("admin", Role.ADMIN, "dsj", DISTRICT, "管", "理员"),
    ("security", Role.SECURITY_ADMIN, "dsj", DISTRICT, "安", "全员"),
    ("auditor", Role.AUDIT_ADMIN, "dsj", DISTRICT, "审", "计员"),
    ("coordinator", Role.COORDINATOR, "fegw", DISTRICT, "王", "协调"),
    ("education", Role.UNIT_OFFICER, "jyj", DISTRICT, "李", "教育"),
    ("health", Role.UNIT_OFFICER, "wjw", DISTRICT, "赵", "卫健"),
    ("publicity", Role.UNIT_OFFICER, "xcb", DISTRICT, "吴", "宣传"),
    ("disability", Role.UNIT_OFFICER, "cl", DISTRICT, "钱", "残联"),
    ("procurator", Role.UNIT_OFFICER, "jcy", DISTRICT, "冯", "检察"),
    ("emergency", Role.UNIT_OFFICER, "yjj", DISTRICT, "韩", "应急"),
    ("women", Role.UNIT_OFFICER, "fl", DISTRICT, "林", "妇联"),
    ("school", Role.UNIT_OFFICER, "school-demo", DISTRICT, "蒋", "老师"),
    ("caseworker", Role.CASEWORKER, "mzj", DISTRICT, "张", "民政"),
    ("street", Role.STREET_OFFICER, "office-150104001", "150104001000", "刘", "街道"),
    ("director", Role.CHILD_DIRECTOR, "office-150104001", "150104001001", "陈", "主任"),
    ("director2", Role.CHILD_DIRECTOR, "office-150104002", "150104002001", "杨", "主任"),
    ("police", Role.POLICE, "gafj", DISTRICT, "孙", "警官"),
    ("researcher", Role.RESEARCHER, "dsj", DISTRICT, "周", "研究"),
    ("venue", Role.VENUE_STAFF, None, "150104001001", "郑", "保安"),
]
# Who is told when a user's steps are overdue: the street's reviewer answers to the district
# bureau, the bureau to the 妇儿工委 office; directors answer to their street.
DEMO_SUPERVISORS = {
    "director": "street",
    "street": "caseworker",
    "caseworker": "coordinator",
    "police": "coordinator",
}


# A school with its own accounts (graded intervention: a school acts for its own pupils). Its
# aliases are the names the synthetic district's primary-school enrolments carry.
DEMO_SCHOOL = ("school-demo", "玉泉区示范小学", ["示意小学", "示意Primary school"])


@transaction.atomic
def create_demo_accounts(password: str = DEMO_PASSWORD) -> list:
    """Create or reset the demo accounts. Returns [(username, role label, jurisdiction name)]."""
    if not settings.DEMO_ALLOWED:  # a published password never opens a real install
        raise ImproperlyConfigured("Demo accounts are refused under the production settings.")
    created = []
    code, name, aliases = DEMO_SCHOOL
    Unit.objects.update_or_create(
        code=code, defaults={"name": name, "kind": Unit.Kind.SCHOOL, "aliases": aliases}
    )
    for username, role, unit_code, region_code, family, given in DEMO_ACCOUNTS:
        user, _ = User.objects.get_or_create(username=username)
        user.role = role
        user.unit = Unit.objects.get(code=unit_code) if unit_code else None
        user.jurisdiction = Region.objects.get(code=region_code)
        user.last_name, user.first_name = family, given
        # The three administrators split the powers (accounts/access.py); none is a superuser and
        # none reads children's records. The demo's grants stand approved, as the demo security
        # administrator would have approved them.
        user.set_password(password)
        user.approved_grant = user.grant
        user.save()
        created.append((username, role.label, user.jurisdiction.name))
    for username, supervisor in DEMO_SUPERVISORS.items():
        User.objects.filter(username=username).update(supervisor=User.objects.get(username=supervisor))
    return created

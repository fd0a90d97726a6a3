"""三员分立: the system administrator cannot make themselves a reader of children's records, the
security administrator cannot log in as anyone, the audit administrator only reads the log, nobody
grants themselves anything, and the hash chain records every account change."""

import pytest
from django.test import Client

from tongyou.accounts.models import User
from tongyou.accounts.roles import Role
from tongyou.audit.models import AuditEntry
from tongyou.audit.services import verify_chain
from tongyou.core.models import Notification

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-9"


@pytest.fixture
def admins(client_for):
    return {
        "system": client_for(Role.ADMIN),
        "security": client_for(Role.SECURITY_ADMIN),
        "audit": client_for(Role.AUDIT_ADMIN),
    }


def account_entries(user):
    return list(AuditEntry.objects.filter(object_type="accounts.User", object_id=str(user.pk)).order_by("id"))


def add_account(client, username, **extra):
    return client.post(
        "/admin/accounts/user/add/",
        {
            "username": username,
            "usable_password": "true",
            "password1": "Another-long-pass-42",
            "password2": "Another-long-pass-42",
            "first_name": "小",
            "last_name": "黑",
            **extra,
        },
    )


def test_the_system_administrator_cannot_make_a_reader_of_records(admins, region, two_communities):
    here, _there = two_communities
    response = add_account(
        admins["system"], "mole", role=Role.CASEWORKER, jurisdiction=region("150104000000").pk
    )
    assert response.status_code == 302
    mole = User.objects.get(username="mole")
    assert mole.role == "" and mole.jurisdiction is None  # the grant fields are not theirs to set
    client = Client()
    client.post("/accounts/login/", {"username": "mole", "password": "Another-long-pass-42"})
    assert "_auth_user_id" in client.session
    assert client.get("/datahub/children/").status_code == 403
    assert client.post(f"/datahub/children/{here.pk}/reveal/", {"field": "id_number"}).status_code == 404
    # Nor can they change a grant on an existing account.
    caseworker = User.objects.create(username="cw", role=Role.CASEWORKER, jurisdiction=region("150104001000"))
    admins["system"].post(
        f"/admin/accounts/user/{caseworker.pk}/change/",
        {"username": "cw", "is_active": "on", "role": Role.POLICE, "jurisdiction": region("150104000000").pk},
    )
    caseworker.refresh_from_db()
    assert caseworker.role == Role.CASEWORKER and caseworker.jurisdiction.code == "150104001000"
    # Creation is in the chain, with who did it.
    created = account_entries(mole)[0]
    assert created.action == AuditEntry.Action.CREATE and created.actor_id == admins["system"].user.pk
    assert verify_chain().ok


def test_a_password_set_by_the_system_administrator_suspends_the_account(admins, make_user, two_communities):
    security_admin = admins["security"].user
    victim = make_user(Role.CASEWORKER, username="victim")
    assert victim.access_approved
    response = admins["system"].post(
        f"/admin/accounts/user/{victim.pk}/password/",
        {"usable_password": "true", "password1": "Taken-over-pass-77", "password2": "Taken-over-pass-77"},
    )
    assert response.status_code == 302
    victim.refresh_from_db()
    assert not victim.access_approved
    client = Client()
    client.post("/accounts/login/", {"username": "victim", "password": "Taken-over-pass-77"})
    assert client.get("/datahub/children/").status_code == 403  # logged in, but powerless
    entry = account_entries(victim)[-1]
    assert entry.details["password"] == "set by an administrator" and entry.details["approval"] == "withdrawn"
    assert Notification.objects.filter(recipient=security_admin, key__startswith="access-pending").exists()
    # The security administrator approves once the owner has the account back.
    admins["security"].post(
        "/admin/accounts/user/", {"action": "approve_access", "_selected_action": [victim.pk]}
    )
    victim.refresh_from_db()
    assert victim.access_approved and victim.access_approved_by == security_admin
    assert client.get("/datahub/children/").status_code == 200


def test_the_security_administrator_grants_but_cannot_log_in_as_anyone(admins, make_user, region):
    security = admins["security"]
    newcomer = make_user("", username="newcomer", approved_grant="")
    assert security.get("/admin/accounts/user/add/").status_code == 403
    assert security.get(f"/admin/accounts/user/{newcomer.pk}/password/").status_code == 403
    security.post(
        f"/admin/accounts/user/{newcomer.pk}/change/",
        {"role": Role.CHILD_DIRECTOR, "jurisdiction": region("150104001001").pk, "unit": ""},
    )
    newcomer.refresh_from_db()
    assert newcomer.role == Role.CHILD_DIRECTOR and newcomer.access_approved
    changes = [e.details for e in account_entries(newcomer)]
    assert any(d.get("approval") == "approved" for d in changes)
    assert any(d.get("grant_after", {}).get("role") == Role.CHILD_DIRECTOR for d in changes)


def test_nobody_grants_themselves_anything(admins, region):
    security = admins["security"]
    me = security.user
    security.post(
        f"/admin/accounts/user/{me.pk}/change/",
        {"role": Role.CASEWORKER, "jurisdiction": region("150104000000").pk},
    )
    me.refresh_from_db()
    assert me.role == Role.SECURITY_ADMIN
    security.post("/admin/accounts/user/", {"action": "approve_access", "_selected_action": [me.pk]})
    # A grant changed behind the admin site's back (a shell, the database) does not act.
    me.role = Role.CASEWORKER
    me.save()
    me.refresh_from_db()
    assert not me.access_approved
    client = Client()
    client.force_login(me)
    assert client.get("/datahub/children/").status_code == 403


def test_the_audit_administrator_alone_reads_the_audit_log(admins, client_for):
    assert admins["audit"].get("/audit/").status_code == 200
    for other in ("system", "security"):
        assert admins[other].get("/audit/").status_code == 403
    assert client_for(Role.COORDINATOR).get("/audit/").status_code == 403
    # The audit administrator has no admin site and no records.
    assert admins["audit"].get("/admin/").status_code == 302
    assert admins["audit"].get("/datahub/children/").status_code == 403


def test_administrators_read_no_childrens_records(admins, two_communities):
    here, _ = two_communities
    for client in admins.values():
        assert client.get("/datahub/children/").status_code == 403
        assert client.get(f"/datahub/children/{here.pk}/").status_code == 404
        assert client.get("/welfare/applications/").status_code == 403


def test_a_superuser_flag_grants_nothing(make_user, two_communities):
    here, _ = two_communities
    user = make_user("", username="root", approved_grant="")
    User.objects.filter(pk=user.pk).update(is_superuser=True, is_staff=True)
    client = Client()
    client.force_login(User.objects.get(pk=user.pk))
    assert client.get("/admin/accounts/user/").status_code in (302, 403)
    assert client.get(f"/datahub/children/{here.pk}/").status_code == 404


def test_second_factor_removal_is_in_the_chain(admins, make_user):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    owner = make_user(Role.COORDINATOR, username="owner")
    device = TOTPDevice.objects.create(user=owner, name="phone", confirmed=True)
    admins["security"].post(f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"})
    assert not TOTPDevice.objects.exists()
    entry = AuditEntry.objects.filter(details__second_factor="removed").get()
    assert entry.actor_id == admins["security"].user.pk and entry.details["user"] == owner.pk

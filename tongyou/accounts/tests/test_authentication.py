import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tongyou.accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, create_demo_accounts
from tongyou.accounts.roles import Role

pytestmark = pytest.mark.django_db


def login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_five_failures_lock_the_account_even_for_the_right_password(make_user):
    make_user(Role.CASEWORKER, username="li")
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "li", "not-the-password")
    response = login(client, "li", "correct-horse-battery-9")
    assert response.status_code == 429
    assert "账号已锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_weak_passwords_are_refused():
    for weak in ["123456789012", "short1!", "password123"]:
        with pytest.raises(ValidationError):
            validate_password(weak)


def test_sessions_expire():
    assert settings.SESSION_COOKIE_AGE <= 30 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE and settings.SESSION_COOKIE_HTTPONLY


def test_production_settings_are_hardened(tmp_path):
    from tongyou.site.tests.test_operations import PRODUCTION_ENV, _manage

    shown = _manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; print(s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.DEBUG, s.TONGYOU_REQUIRE_OTP, s.DEMO_ALLOWED)",
        TONGYOU_VAR_DIR=str(tmp_path),
        TONGYOU_KEYS="{}",
        **PRODUCTION_ENV,
    )
    hardened = ["31536000", "True", "True", "True", "False", "True", "False"]
    assert shown.stdout.split() == hardened, shown.stderr


@override_settings(OTP_TOTP_THROTTLE_FACTOR=0)  # the retry delay after a wrong code is django-otp's own
def test_coordinator_with_a_device_must_enter_a_code(make_user):
    user = make_user(Role.COORDINATOR, username="wang")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client = Client()
    login(client, "wang", "correct-horse-battery-9")
    response = client.get("/monitoring/plan/")
    assert response.status_code == 302 and response.url.startswith("/accounts/otp/verify/")
    client.post("/accounts/otp/verify/", {"token": "000000" if totp(device.bin_key) != 0 else "111111"})
    assert client.get("/monitoring/plan/").status_code == 302
    client.post(
        "/accounts/otp/verify/", {"token": f"{totp(device.bin_key):06d}", "next": "/monitoring/plan/"}
    )
    assert client.get("/monitoring/plan/").status_code == 200


@override_settings(TONGYOU_REQUIRE_OTP=True)
def test_required_second_factor_sends_coordinator_to_enrol(make_user):
    make_user(Role.COORDINATOR, username="zhao")
    client = Client()
    login(client, "zhao", "correct-horse-battery-9")
    assert client.get("/").url == "/accounts/otp/setup/"
    assert "otp-secret" in client.get("/accounts/otp/setup/").content.decode()
    assert client.get("/accounts/otp/setup/").status_code == 200
    assert not TOTPDevice.objects.exists()  # opening the page (twice) created nothing
    key = bytes.fromhex(client.session["otp_setup_key"])
    client.post("/accounts/otp/setup/", {"token": f"{(totp(key) + 1) % 1000000:06d}"})
    assert not TOTPDevice.objects.exists()
    client.post("/accounts/otp/setup/", {"token": f"{totp(key):06d}"})
    device = TOTPDevice.objects.get(user__username="zhao")
    assert device.confirmed and device.bin_key == key
    assert client.get("/").status_code == 200


def test_other_roles_are_not_asked_for_a_code(make_user):
    make_user(Role.CHILD_DIRECTOR, "150104001001", username="chen")
    client = Client()
    login(client, "chen", "correct-horse-battery-9")
    assert client.get("/").status_code == 200


def test_every_role_has_a_demo_account_that_logs_in():
    create_demo_accounts()
    assert {role for _, role, *_ in DEMO_ACCOUNTS} == set(Role)
    for username, role, *_ in DEMO_ACCOUNTS:
        client = Client()
        assert login(client, username, DEMO_PASSWORD).status_code == 302, username
        assert client.get("/").context["user"].role == role


def test_administrator_manages_accounts_in_the_admin_site_but_not_children(client_for):
    admin = client_for(Role.ADMIN)
    assert admin.get("/admin/").status_code == 200
    assert admin.get("/admin/accounts/user/").status_code == 200
    assert admin.get("/admin/accounts/unit/").status_code == 200
    assert admin.get("/admin/regions/region/").status_code == 200
    assert admin.get("/admin/axes/accessattempt/").status_code == 403  # lockouts: the security admin's
    assert "datahub" not in admin.get("/admin/").content.decode()
    security = client_for(Role.SECURITY_ADMIN)
    assert security.get("/admin/axes/accessattempt/").status_code == 200
    assert security.get("/admin/accounts/unit/").status_code == 403


def test_other_staff_cannot_enter_the_admin_site(client_for):
    caseworker = client_for(Role.CASEWORKER, is_staff=True)  # the flag is not theirs to keep
    assert caseworker.get("/admin/accounts/user/").status_code == 302
    assert not caseworker.user.is_staff


def test_password_spraying_from_one_address_is_locked_out(make_user, settings):
    settings.LOGIN_SPRAY_LIMIT = 10
    for n in range(12):
        make_user(Role.CASEWORKER, username=f"user{n}")
    sprayer = Client(REMOTE_ADDR="203.0.113.50")
    for n in range(10):  # one guess per account: under every per-account limit
        login(sprayer, f"user{n}", "Spring2026!")
    # The right password of an untried account is refused from that address now …
    response = login(sprayer, "user11", "correct-horse-battery-9")
    assert "_auth_user_id" not in sprayer.session
    assert "暂停" in response.content.decode()
    # … while the same person logs in from their own office.
    colleague = Client(REMOTE_ADDR="203.0.113.51")
    login(colleague, "user11", "correct-horse-battery-9")
    assert "_auth_user_id" in colleague.session


def test_a_few_typos_in_an_office_lock_nobody_out(make_user):
    for n in range(3):
        make_user(Role.CASEWORKER, username=f"clerk{n}")
    office = Client(REMOTE_ADDR="203.0.113.60")
    for n in range(3):
        login(office, f"clerk{n}", "typo-password-1")
    login(office, "clerk0", "correct-horse-battery-9")
    assert "_auth_user_id" in office.session


def test_administrators_cannot_read_second_factor_secrets(make_user):
    owner = make_user(Role.COORDINATOR, username="owner")
    device = TOTPDevice.objects.create(user=owner, name="phone", confirmed=True)
    admin = make_user(Role.SECURITY_ADMIN, username="secadmin")
    client = Client()
    client.force_login(admin)
    listing = client.get("/admin/otp_totp/totpdevice/")
    assert listing.status_code == 200 and "owner" in listing.content.decode()
    page = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/").content.decode()
    secret = device.key
    import base64

    b32 = base64.b32encode(device.bin_key).decode().rstrip("=")
    for shown in (listing.content.decode(), page):
        assert secret not in shown and b32 not in shown and "otpauth://" not in shown
    config = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/config/", follow=True).content.decode()
    assert b32 not in config and "otpauth://" not in config
    assert client.get("/admin/otp_totp/totpdevice/add/").status_code == 403


def test_users_change_their_own_password_and_other_sessions_end(make_user):
    make_user(Role.CASEWORKER, username="owner")
    here, elsewhere = Client(), Client()
    login(here, "owner", "correct-horse-battery-9")
    login(elsewhere, "owner", "correct-horse-battery-9")
    short = here.post(
        "/accounts/password/",
        {
            "old_password": "correct-horse-battery-9",
            "new_password1": "short-pw-1",
            "new_password2": "short-pw-1",
        },
    )
    assert "12" in short.content.decode()
    here.post(
        "/accounts/password/",
        {
            "old_password": "correct-horse-battery-9",
            "new_password1": "a-longer-pass-phrase",
            "new_password2": "a-longer-pass-phrase",
        },
    )
    assert here.get("/notifications/").status_code == 200
    assert elsewhere.get("/notifications/").status_code == 302  # logged out there
    from tongyou.accounts.models import User

    owner = User.objects.get(username="owner")
    assert owner.access_approved  # a password the owner sets keeps the approval


def test_logging_out_clears_what_the_browser_kept(client_for):
    client = client_for(Role.CASEWORKER)
    response = client.post("/accounts/logout/")
    assert "storage" in response["Clear-Site-Data"] and "cache" in response["Clear-Site-Data"]
    assert client.get("/notifications/").status_code == 302

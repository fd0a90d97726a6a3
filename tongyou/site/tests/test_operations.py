"""What the people who run Tongyou rely on: health endpoints, metrics a scraper may read (and
nobody else), logs without personal data, a production configuration that refuses to start
half-told, and a real install that cannot be given the demo."""

import io
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from tongyou.accounts.models import User
from tongyou.accounts.roles import Role
from tongyou.audit.models import AuditEntry
from tongyou.core import health
from tongyou.core.logs import JsonFormatter, MaskPersonalData
from tongyou.tests.factories import ChildFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]


def test_liveness_and_readiness_answer_without_signing_in(client):
    assert client.get("/healthz").content == b"ok"
    health.heartbeat(health.WORKER)
    ready = client.get("/readyz").json()
    assert ready["database"] == "ok" and ready["worker"] == "ok" and ready["scheduler"] == "never"


def test_a_readiness_probe_writes_nothing(client):
    from tongyou.core.models import ServiceStatus

    for _ in range(3):
        assert client.get("/readyz").json()["cache"] == "ok"
    assert not ServiceStatus.objects.exists()


def test_readiness_says_what_is_degraded(client):
    health.report_failure(health.BROKER, "connection refused")
    assert client.get("/readyz").json()["broker"] == "down"


def test_metrics_count_requests_and_read_the_apps_queues_without_naming_a_child(client):
    child = ChildFactory(name="王小明")
    client.get(f"/datahub/children/{child.pk}/")
    text = client.get("/metrics").content.decode()
    for name in (
        "tongyou_http_requests_total",
        "tongyou_http_request_seconds_bucket",
        'tongyou_alert_outbox_pending{channel="mqtt"}',
        'tongyou_import_batches{status="previewed"}',
    ):
        assert name in text
    assert "王小明" not in text and f"/{child.pk}/" not in text and "children" not in text


def test_metrics_are_refused_to_another_host_unless_it_presents_the_token(settings):
    outside = Client(REMOTE_ADDR="203.0.113.9")
    assert outside.get("/metrics").status_code == 403
    settings.METRICS_TOKEN = "scrape-token-of-the-district"  # noqa: S105
    assert outside.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 403
    answered = outside.get("/metrics", headers={"Authorization": "Bearer scrape-token-of-the-district"})
    assert answered.status_code == 200


def test_production_logs_are_json_lines_with_id_and_phone_numbers_masked():
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(MaskPersonalData())
    logger = logging.getLogger("tongyou.test.logs")
    logger.addHandler(handler)
    try:
        logger.warning("row for %s, phone %s", "150104201905011235", "13912345678")
        try:
            raise ValueError("bad 15010420190501123X")
        except ValueError:
            logger.exception("failed")
    finally:
        logger.removeHandler(handler)
    written = buffer.getvalue()
    assert "201905011235" not in written and "13912345678" not in written and "0501123X" not in written
    assert '"level": "WARNING"' in written and "150104************" in written and "139****5678" in written


def test_the_demo_is_refused_under_production_settings(settings):
    settings.DEMO_ALLOWED = False
    with pytest.raises(CommandError, match="生产环境不能装入演示数据"):
        call_command("setup_demo", "--children", "5", stdout=io.StringIO())
    from tongyou.accounts.demo import create_demo_accounts

    with pytest.raises(ImproperlyConfigured):
        create_demo_accounts()
    assert not User.objects.filter(username="coordinator").exists()


def test_the_first_security_administrator_is_made_once_with_a_strong_password(monkeypatch):
    monkeypatch.setenv("TONGYOU_ADMIN_PASSWORD", "short")
    with pytest.raises(CommandError, match="密码不符合要求"):
        call_command("create_security_admin", "--username", "anquan", "--no-input")
    monkeypatch.setenv("TONGYOU_ADMIN_PASSWORD", "Yuquan-first-admin-2026")
    call_command("create_security_admin", "--username", "anquan", "--no-input", stdout=io.StringIO())
    admin = User.objects.get(username="anquan")
    assert (
        admin.role == Role.SECURITY_ADMIN
        and admin.access_approved
        and admin.check_password("Yuquan-first-admin-2026")
    )
    assert AuditEntry.objects.filter(object_type="accounts.User", object_id=str(admin.pk)).exists()
    with pytest.raises(CommandError, match="已有安全管理员"):
        call_command("create_security_admin", "--username", "another", "--no-input")


PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "tongyou.settings.production",
    "DJANGO_SECRET_KEY": "k" * 20 + "Wq1vJ2f9Zk3pY8nR0xT5uL7cB4mH6dS9aE2gK1jN0q",
    "DJANGO_ALLOWED_HOSTS": "tongyou.example.gov.cn",
    "DATABASE_URL": "postgres://tongyou@127.0.0.1:5432/tongyou",
    "TONGYOU_CACHE_URL": "redis://127.0.0.1:6379/9",
    "TONGYOU_TRUSTED_PROXIES": "127.0.0.1",
}


def _manage(*args, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TONGYOU_", "DJANGO_", "DATABASE_"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL", "TONGYOU_CACHE_URL"]
)
def test_production_refuses_to_start_without_a_required_setting_and_names_it(missing, tmp_path):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = _manage("check", TONGYOU_VAR_DIR=str(tmp_path), TONGYOU_KEYS="{}", **env)
    assert result.returncode != 0 and missing in result.stderr and "生产环境缺少环境变量" in result.stderr


def test_production_refuses_a_demo_secret_key_and_a_missing_key_file(tmp_path):
    demo_key = {**PRODUCTION_ENV, "DJANGO_SECRET_KEY": "tongyou-demo-only-not-secret"}
    assert "演示密钥" in _manage("check", TONGYOU_VAR_DIR=str(tmp_path), **demo_key).stderr
    no_keys = _manage("check", TONGYOU_VAR_DIR=str(tmp_path), **PRODUCTION_ENV)
    assert no_keys.returncode != 0 and "tongyou.E001" in no_keys.stderr and "init_keys" in no_keys.stderr


def test_the_documented_production_environment_passes_check_deploy(tmp_path):
    assert _manage("init_keys", TONGYOU_VAR_DIR=str(tmp_path), **PRODUCTION_ENV).returncode == 0
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING", TONGYOU_VAR_DIR=str(tmp_path), **PRODUCTION_ENV
    )
    assert result.returncode == 0, result.stderr


def test_the_first_security_administrator_can_be_made_at_the_prompt(monkeypatch):
    answers = iter(["Yuquan-first-admin-2026", "Yuquan-first-admin-2026"])
    monkeypatch.setattr("builtins.input", lambda prompt: "anquan")
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    call_command("create_security_admin", stdout=io.StringIO())
    assert User.objects.get(username="anquan").check_password("Yuquan-first-admin-2026")


def test_a_mistyped_second_password_at_the_prompt_creates_nobody(monkeypatch):
    answers = iter(["Yuquan-first-admin-2026", "Yuquan-first-admin-2027"])
    monkeypatch.setattr("builtins.input", lambda prompt: "anquan")
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    with pytest.raises(CommandError, match="不一致"):
        call_command("create_security_admin")
    assert not User.objects.filter(username="anquan").exists()


def test_readiness_is_503_when_the_database_does_not_answer(client, monkeypatch):
    from tongyou.site import operations

    monkeypatch.setattr(operations, "_database_answers", lambda: False)
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json() == {"database": "down"}


def test_a_silent_scheduler_is_shown_to_staff_and_to_the_health_command(client_for):
    import datetime

    from django.utils import timezone

    health.heartbeat(health.WORKER, health.SCHEDULER)
    call_command("health", "scheduler", stdout=io.StringIO())
    later = timezone.now() + datetime.timedelta(minutes=10)
    assert {p["name"] for p in health.problems(now=later)} == {"worker", "scheduler"}
    from tongyou.core.models import ServiceStatus

    ServiceStatus.objects.filter(name="scheduler").update(
        checked_at=timezone.now() - datetime.timedelta(hours=1)
    )
    with pytest.raises(CommandError, match="scheduler silent"):
        call_command("health", "scheduler")
    page = client_for(Role.CASEWORKER).get("/").content.decode()
    assert "定时任务进程" in page

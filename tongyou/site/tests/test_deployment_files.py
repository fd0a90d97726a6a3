"""The deployment files describe one system: Compose runs the processes the systemd units run,
with the same commands, each with a health check; the units confine what they may write; and
every environment variable the example file sets is one the settings read. (No container daemon
here: CI runs the bare-metal path for real, deploy/smoke-test.sh, and checks Compose's structure.)"""

import configparser
import re
import shlex
from pathlib import Path

import yaml

from tongyou.site.management.commands.run_worker import PROCESSES

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "deploy"


def unit(name):
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(DEPLOY / "systemd" / f"{name}.service")
    return parser


def unit_command(name):
    """The unit's command line with the virtualenv's path dropped from the program."""
    program, *arguments = shlex.split(unit(name)["Service"]["ExecStart"])
    return [Path(program).name, *arguments]


def compose():
    return yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))


def test_compose_runs_what_the_systemd_units_run_with_the_same_commands():
    services = compose()["services"]
    assert {"postgres", "redis", "mosquitto", "setup", "web", "worker", "scheduler"} <= services.keys()
    for name in ("web", "worker", "scheduler"):
        assert services[name]["command"] == unit_command(f"tongyou-{name}")
    assert {
        c[-1] for c in (services["worker"]["command"], services["scheduler"]["command"])
    } <= PROCESSES.keys()


def test_every_long_running_service_has_a_health_check_and_restarts():
    for name, service in compose()["services"].items():
        if name == "setup":
            assert service["restart"] == "no"
            continue
        assert service.get("healthcheck", {}).get("test"), name
        assert service.get("restart") == "unless-stopped", name


def test_the_app_waits_for_its_database_migrations_and_reference_data():
    services = compose()["services"]
    assert "migrate" in " ".join(services["setup"]["command"]) and "load_reference" in " ".join(
        services["setup"]["command"]
    )
    for name in ("web", "worker", "scheduler"):
        assert services[name]["depends_on"]["setup"]["condition"] == "service_completed_successfully"


def test_units_run_unprivileged_and_write_only_their_own_state():
    for name in ("tongyou-web", "tongyou-worker", "tongyou-scheduler"):
        service = unit(name)["Service"]
        assert service["User"] == "tongyou" and service["NoNewPrivileges"] == "true"
        assert service["ProtectSystem"] == "strict" and "/etc/tongyou" in service["ReadOnlyPaths"]
        assert service["EnvironmentFile"] == "/etc/tongyou/tongyou.env"


def test_the_image_runs_as_an_unprivileged_user_and_collects_static_files_at_build():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "USER tongyou" in dockerfile and "collectstatic" in dockerfile
    assert dockerfile.rstrip().splitlines()[-1].startswith("CMD")
    assert not re.search(r"^FROM \S+:latest", dockerfile, re.M)


def test_every_variable_in_the_example_environment_is_read_by_the_settings_or_documented():
    example = (DEPLOY / "tongyou.env.example").read_text(encoding="utf-8")
    names = re.findall(r"^([A-Z_]+)=", example, re.M)
    code = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "tongyou" / "settings").glob("*.py"))
    code += (DEPLOY / "gunicorn.conf.py").read_text(encoding="utf-8")
    code += (ROOT / "tongyou" / "core" / "backups.py").read_text(encoding="utf-8")
    guide = (ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")
    extra = {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "TONGYOU_BACKUP_DIR"}
    for name in names:
        assert name in code or name in extra, f"{name} is set but nothing reads it"
        assert name in guide, f"{name} is not in docs/deployment.md"

"""The shell collects what each app registers; the kernel names no app; the worker runs every
app's jobs; each role's home page says what waits for it."""

import ast
import datetime
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tongyou.accounts.roles import Role
from tongyou.core.registry import NavItem, Registry, WorkItem, registry
from tongyou.tests.factories import ChildFactory
from tongyou.welfare import harm
from tongyou.welfare.models import Category, HarmReport, HarmSituation
from tongyou.welfare.workflow import file_application, transition

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
# The shared kernel: scoping, predicates, privacy, audit, regions, accounts, workdays, uploads.
KERNEL = {"core", "regions", "accounts", "privacy", "audit"}
COMMUNITY = "150104001001"
STREET = "150104001000"


def _tongyou_apps():
    return {
        config.name.split(".")[1] for config in apps.get_app_configs() if config.name.startswith("tongyou.")
    }


def _imported_apps(path):
    """The tongyou apps a module imports (absolute imports; relative ones stay in the package)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        found |= {name.split(".")[1] for name in names if name.startswith("tongyou.") and name.count(".")}
    return found


def _modules(app):
    return [p for p in (ROOT / app).rglob("*.py") if "tests" not in p.parts and "migrations" not in p.parts]


def test_the_kernel_imports_no_domain_app():
    domains = _tongyou_apps() - KERNEL
    assert {"datahub", "welfare", "alerts", "spaces", "monitoring", "site"} <= domains
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imported_apps(path) & domains)
        for app in KERNEL
        for path in _modules(app)
        if _imported_apps(path) & domains
    }
    assert offenders == {}


# The domains each app builds on: the child data hub is the registry of children the others
# count, visit and pay. Any other import between domains is a dependency to declare here first.
DOMAIN_DEPENDENCIES = {
    "datahub": set(),
    "monitoring": set(),
    "welfare": {"datahub"},
    "alerts": set(),
    "spaces": {"datahub"},
    "participation": {"datahub", "spaces"},
    "reading": {"datahub", "spaces"},
    "community": {"datahub"},
    "rehabilitation": {"datahub"},
    "intervention": {"datahub"},
    "readiness": {"datahub", "spaces", "community"},
    "guidance": {"datahub", "community"},
}


def test_domain_apps_depend_only_on_the_kernel_and_the_domains_they_declare():
    domains = _tongyou_apps() - KERNEL - {"site"}
    assert set(DOMAIN_DEPENDENCIES) == domains, "declare the new app's dependencies"
    offenders = {}
    for app, allowed in DOMAIN_DEPENDENCIES.items():
        for path in _modules(app):
            extra = (_imported_apps(path) & domains) - allowed - {app}
            if extra:
                offenders[str(path.relative_to(ROOT))] = sorted(extra)
    assert offenders == {}


def test_no_app_imports_the_shell_and_no_app_names_another_in_the_shell():
    for app in _tongyou_apps() - {"site"}:
        for path in _modules(app):
            assert "site" not in _imported_apps(path), path
    for path in _modules("site"):
        assert _imported_apps(path) <= {"core"}, path  # the shell reads the registry, nothing else


def _strictly_typed_patterns():
    import tomllib

    config = tomllib.loads((ROOT.parent / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = []
    for override in config["tool"]["mypy"]["overrides"]:
        if override.get("disallow_untyped_defs"):
            patterns += override["module"]
    return patterns


def _is_presentation(path):
    name = path.stem
    return (
        name in ("views", "forms", "admin", "api", "apps")
        or name.endswith("_views")
        or ("management" in path.parts)
    )


def test_every_apps_models_rules_and_services_are_annotated_in_full():
    """A new app's logic is typed from its first commit: its non-view modules must be in the
    strict list of pyproject.toml ([[tool.mypy.overrides]] with disallow_untyped_defs)."""
    patterns = _strictly_typed_patterns()

    def covered(module):
        return module in patterns or any(
            p.endswith(".*") and (module == p[:-2] or module.startswith(p[:-1])) for p in patterns
        )

    missing = []
    for app in sorted(_tongyou_apps()):
        for path in _modules(app):
            if _is_presentation(path) or not path.read_text(encoding="utf-8").strip():
                continue
            module = ".".join(path.relative_to(ROOT.parent).with_suffix("").parts).removesuffix(".__init__")
            if not covered(module):
                missing.append(module)
    assert not missing, f"add to the strict mypy list in pyproject.toml: {missing}"


def test_every_app_brings_its_menu_and_the_shell_shows_it_grouped():
    keys = set(registry.nav)
    assert {"datahub.children", "welfare.applications", "alerts.cases", "spaces.facilities"} <= keys
    for item in registry.nav.values():
        assert item.group in registry.groups, item
        reverse(item.url_name)  # every entry leads somewhere


def test_the_caseworkers_long_menu_is_a_few_headings(client_for):
    response = client_for(Role.CASEWORKER).get("/")
    headings = [str(group["label"]) for group in response.context["menu"]]
    entries = sum(len(group["items"]) for group in response.context["menu"])
    assert entries >= 15 and len(headings) <= 7
    assert "关爱保护" in headings
    assert response.content.decode().count('class="menu-group"') == len(headings)


def test_the_public_sees_a_flat_menu_of_public_pages(client):
    page = client.get("/").content.decode()
    assert 'class="menu-group"' not in page
    for label in ("工作方案", "失踪儿童", "儿童友好场所", "举报侵害儿童"):
        assert label in page


def test_registering_one_name_twice_is_refused():
    fresh = Registry()
    fresh.job("a", lambda: 0, every=1)
    with pytest.raises(ValueError, match="twice"):
        fresh.job("a", lambda: 1, every=1)
    item = NavItem("x", "X", "site:home", group="g")
    fresh.menu(item)
    with pytest.raises(ValueError):
        fresh.menu(NavItem("x", "Y", "site:home", group="g"))


def test_every_computed_indicator_has_a_registered_calculator():
    from tongyou.monitoring.models import Indicator

    wanted = set(Indicator.objects.exclude(calculator="").values_list("calculator", flat=True))
    assert wanted and wanted <= set(registry.indicators)


def test_reference_data_loads_through_the_registry_idempotently():
    call_command("load_reference", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("load_reference", stdout=open("/dev/null", "w"))  # noqa: SIM115
    from tongyou.regions.models import Region

    assert Region.objects.filter(code="150104000000").count() == 1


# ---------------------------------------------------------------- the worker


def test_the_worker_runs_every_registered_job_and_survives_one_that_fails(monkeypatch):
    ran = []

    def broken():
        raise RuntimeError("a bug in one app")

    jobs = {
        "test.broken": registry.jobs["core.health"].__class__("test.broken", broken, every=0),
        "test.fine": registry.jobs["core.health"].__class__("test.fine", lambda: ran.append(1) or 1, every=0),
    }
    monkeypatch.setattr(registry, "jobs", jobs)
    call_command("run_worker", "--once", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert ran == [1]


@pytest.mark.parametrize(
    ("only", "runs", "beats"),
    [
        ("realtime", ["test.now"], {"worker"}),
        ("scheduled", ["test.hourly"], {"scheduler"}),
        ("all", ["test.now", "test.hourly"], {"worker", "scheduler"}),
    ],
)
def test_the_worker_and_the_scheduler_split_the_jobs_and_each_beats_its_own_heart(
    monkeypatch, only, runs, beats
):
    from tongyou.core.models import ServiceStatus
    from tongyou.core.registry import Job

    ran = []
    jobs = {
        "test.now": Job("test.now", lambda: ran.append("test.now"), every=0),
        "test.hourly": Job("test.hourly", lambda: ran.append("test.hourly"), every=3600),
    }
    monkeypatch.setattr(registry, "jobs", jobs)
    call_command("run_worker", "--once", "--only", only, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert ran == runs
    assert set(ServiceStatus.objects.values_list("name", flat=True)) == beats


def test_the_worker_refuses_an_unknown_job():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="unknown"):
        call_command("run_worker", "--once", "--job", "no.such.job")


# ---------------------------------------------------------------- what needs me today


def _work(client):
    response = client.get("/")
    return {str(item.label): item for item in response.context["work"]}


def test_the_street_officer_sees_applications_waiting_at_the_step_with_the_overdue_ones(
    make_user, client_for, region
):
    director = make_user(Role.CHILD_DIRECTOR, COMMUNITY)
    late = file_application(
        ChildFactory(residence_region=region(COMMUNITY + "001")), Category.UNSUPPORTED, "祖父", director
    )
    transition(late, "submit", director, on=datetime.date(2024, 3, 1))  # long past its clock
    fresh = file_application(
        ChildFactory(residence_region=region(COMMUNITY + "001")), Category.UNSUPPORTED, "祖母", director
    )
    transition(fresh, "submit", director)
    street = client_for(Role.STREET_OFFICER, STREET)
    item = _work(street)["待本岗位处理的补贴申请"]
    assert (item.count, item.overdue) == (2, 1)
    listed = street.get(item.url).context["rows"]
    assert {row["app"].pk for row in listed} == {late.pk, fresh.pk}
    assert "1 项已逾期" in street.get("/").content.decode()


def test_work_from_another_street_is_not_counted(make_user, client_for, region):
    director = make_user(Role.CHILD_DIRECTOR, COMMUNITY)
    application = file_application(
        ChildFactory(residence_region=region(COMMUNITY + "001")), Category.UNSUPPORTED, "祖父", director
    )
    transition(application, "submit", director)
    other_street = client_for(Role.STREET_OFFICER, "150104002000")
    assert "待本岗位处理的补贴申请" not in _work(other_street)
    # and the filtered list shows nothing of the other street either
    assert other_street.get("/welfare/applications/?waiting=1").context["rows"] == []


def test_the_caseworker_sees_harm_reports_past_their_clock(client_for, region):
    report = harm.receive(
        situation=HarmSituation.ABANDONED, description="无人照看", region=region(COMMUNITY + "001")
    )
    HarmReport.objects.filter(pk=report.pk).update(due_at=timezone.now() - datetime.timedelta(minutes=1))
    item = _work(client_for(Role.CASEWORKER))["待分级或处置的侵害报告"]
    assert (item.count, item.overdue) == (1, 1)


def test_roles_without_the_work_see_nothing_of_it(client_for):
    researcher = _work(client_for(Role.RESEARCHER))
    assert researcher == {}
    assert "当前没有等待您处理的事项" in client_for(Role.RESEARCHER).get("/").content.decode()


def test_a_work_item_with_nothing_waiting_is_not_shown():
    fresh = Registry()
    fresh.worklist("x", lambda user: [WorkItem("nothing", "/", 0), WorkItem("something", "/", 2)])
    assert [item.label for item in fresh.work_for(None)] == ["something"]

import datetime

from django.core.management.base import BaseCommand

from tongyou.accounts.demo import DEMO_PASSWORD, create_demo_accounts
from tongyou.accounts.services import load_units
from tongyou.alerts.demo import load_demo_venue_and_cameras
from tongyou.datahub.models import Child
from tongyou.datahub.services.imports.sources import load_sources
from tongyou.datahub.services.synthetic import generate, generate_facts
from tongyou.monitoring.demo import open_demo_round
from tongyou.monitoring.services import load_indicators, load_plan
from tongyou.regions.services import load_regions
from tongyou.spaces.demo import load_demo_facilities
from tongyou.spaces.inspections import load_checklists
from tongyou.welfare.demo import load_demo_standards


class Command(BaseCommand):
    help = "Load the regions, units and plan, the demo accounts, and a synthetic district (once)."

    def add_arguments(self, parser):
        parser.add_argument("--children", type=int, default=75_000, help="synthetic children (default 75000)")
        parser.add_argument("--seed", type=int, default=2023)
        parser.add_argument(
            "--as-of", default=None, help="YYYY-MM-DD the ages are counted at (default today)"
        )
        parser.add_argument("--force", action="store_true", help="add children even if some exist")

    def handle(self, *args, **options):
        self.stdout.write(f"Regions: {load_regions()}")
        self.stdout.write(f"Units: {load_units()}")
        self.stdout.write(f"Plan tasks: {load_plan()}")
        self.stdout.write(f"Indicators: {load_indicators()}")
        self.stdout.write(f"Data sources: {load_sources()}")
        self.stdout.write(f"Facility checklist items: {load_checklists()}")
        self.stdout.write(f"Demo facilities: {load_demo_facilities()}")
        accounts = create_demo_accounts()
        self.stdout.write(f"Demo allowance standards added: {load_demo_standards()}")
        self.stdout.write(f"Demo venue for Code Adam: {load_demo_venue_and_cameras()}")
        if Child.objects.exists() and not options["force"]:
            self.stdout.write(f"Children already loaded ({Child.objects.count()}); not generating more.")
        else:
            as_of = datetime.date.fromisoformat(options["as_of"]) if options["as_of"] else None
            summary = generate(options["children"], seed=options["seed"], as_of=as_of, stdout=self.stdout)
            self.stdout.write(
                f"Synthetic district: {summary.children} children, {summary.households} households, "
                f"{summary.guardians} guardians (all flagged synthetic)."
            )
            facts = generate_facts(seed=options["seed"], as_of=as_of)
            self.stdout.write(
                f"Synthetic departmental facts (insurance, enrolment, categories, disability): {facts}"
            )
        self.stdout.write(f"Reporting round and computed indicators: {open_demo_round()}")
        self.stdout.write(self.style.SUCCESS("\nDemo accounts (password for all: " + DEMO_PASSWORD + "):"))
        for username, role, region in accounts:
            self.stdout.write(f"  {username:<12} {role} — {region}")

from django.core.management.base import BaseCommand, CommandError

from tongyou.core.errors import Refusal
from tongyou.spaces.streets import clear_street_network, load_street_network


class Command(BaseCommand):
    help = (
        "Load the walkable streets of an OpenStreetMap extract (.osm, .osm.pbf): coverage then measures "
        "walking distance along them. --clear goes back to straight line × detour factor."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", nargs="?")
        parser.add_argument("--name", default="")
        parser.add_argument("--clear", action="store_true")

    def handle(self, *args, **options):
        if options["clear"]:
            clear_street_network()
            self.stdout.write(self.style.SUCCESS("Street network removed: coverage uses straight lines."))
            return
        if not options["file"]:
            raise CommandError("Name an OpenStreetMap file, or --clear.")
        try:
            network, nodes, segments = load_street_network(options["file"], name=options["name"])
        except (Refusal, OSError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(f"{network}: {nodes} nodes, {segments} walkable segments loaded.")
        )

"""Run every benchmark: `make benchmark` (or `python -m benchmarks [--children N]`).

Each benchmark times Tongyou's way and a baseline on the same data in the same run
and prints the ratio; docs/performance.md records the latest figures."""

import argparse
import os
import platform
import tempfile
import time
from pathlib import Path


def best_of(fn, repeat=5):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--children", type=int, default=50_000)
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument("--alert-recipients", type=int, default=10_000_000)
    parser.add_argument("--alert-subscribers", type=int, default=10_000)
    parser.add_argument("--only", default="", help="comma-separated benchmark names")
    parser.add_argument(
        "--database",
        default="",
        help="an SQLite file to keep between runs (the synthetic district is built once; a new "
        "--children count needs a new file)",
    )
    args = parser.parse_args()
    database = (
        Path(args.database)
        if args.database
        else Path(tempfile.mkdtemp(prefix="tongyou-bench-")) / "bench.sqlite3"
    )
    os.environ["DATABASE_URL"] = f"sqlite:///{database.resolve()}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongyou.settings.test")
    import django

    django.setup()
    from django.core.management import call_command

    from . import (
        alert_fanout,
        alert_recipients,
        audit_append,
        datahub_import,
        field_crypto,
        scoping,
        spaces_coverage,
        statistics,
    )

    call_command("migrate", verbosity=0)
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.platform()}"
    )
    print(f"Database: SQLite file; synthetic children: {args.children}\n")
    modules = {
        "crypto": field_crypto,
        "scoping": scoping,
        "statistics": statistics,
        "audit": audit_append,
        "import": datahub_import,
        "recipients": alert_recipients,
        "fanout": alert_fanout,
        "coverage": spaces_coverage,
    }
    chosen = args.only.split(",") if args.only else list(modules)
    for name in chosen:
        options = {
            "children": args.children,
            "import_rows": args.import_rows,
            "alert_recipients": args.alert_recipients,
            "alert_subscribers": args.alert_subscribers,
        }
        for line in modules[name].run(best_of, **options):
            print(line, flush=True)


if __name__ == "__main__":
    main()

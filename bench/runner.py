"""Runs every bench/bench_*.py module against the database named by DATABASE_URL."""

import importlib
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ekonseling.settings")


def _fresh_database():
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("postgresql"):
        import psycopg

        with psycopg.connect(
            host=db["HOST"], port=db["PORT"] or 5432, user=db["USER"], dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{db["NAME"]}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{db["NAME"]}"')


def main():
    import django

    django.setup()
    _fresh_database()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from ekonseling.core import demo

    started = time.perf_counter()
    demo.load()
    print(f"  setup: demo school loaded in {time.perf_counter() - started:.2f} s")

    only = set(sys.argv[1:])
    for path in sorted((ROOT / "bench").glob("bench_*.py")):
        if only and path.stem not in only:
            continue
        module = importlib.import_module(f"bench.{path.stem}")
        print(f"-- {path.stem}: {(module.__doc__ or '').strip().splitlines()[0]}")
        module.run()


if __name__ == "__main__":
    main()

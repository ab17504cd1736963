"""`make bench`: every benchmark in bench/bench_*.py, on SQLite and, where they answer, on
PostgreSQL + Redis. Each backend runs in its own process on a fresh database; each figure is
printed with what it measured. Benchmarks print figures; they never pass or fail on speed.
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.services_up import services_up  # noqa: E402

PG_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/ekonseling_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/1")


def main():
    backends = []
    with tempfile.TemporaryDirectory() as tmp:
        backends.append(("SQLite + in-memory layer", {"DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3"}))
        if services_up([PG_URL, REDIS_URL]):
            backends.append(("PostgreSQL + Redis", {"DATABASE_URL": PG_URL, "REDIS_URL": REDIS_URL}))
        else:
            print("PostgreSQL or Redis not answering: benchmarking SQLite only.\n")
        status = 0
        for label, env in backends:
            print(f"== {label} ==", flush=True)
            child_env = {**os.environ, **env, "DEBUG": "1", "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost"}
            child_env.setdefault("EKONSELING_DATA_KEY_FILE", f"{tmp}/data.key")
            # The demo's and the benchmarks' alert e-mails are kept in memory, not printed among the figures.
            child_env.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
            result = subprocess.run([sys.executable, str(ROOT / "bench" / "runner.py"), *sys.argv[1:]], env=child_env)
            status = status or result.returncode
            print()
    sys.exit(status)


if __name__ == "__main__":
    main()

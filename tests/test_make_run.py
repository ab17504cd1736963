"""`make run` serves the demo on the port it is given, and the links in the demo's e-mails (printed to the
console) name that port: they said 8000 whatever PORT was."""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.once
@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_gives_the_demos_links_its_own_port():
    printed = subprocess.run(
        ["make", "-n", "run", "PORT=8765"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    lines = [line for line in printed.splitlines() if "load_demo" in line or "daphne " in line]
    assert len(lines) == 2, printed
    for line in lines:
        assert "SITE_URL=${SITE_URL:-http://127.0.0.1:8765}" in line, line

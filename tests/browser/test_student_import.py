"""The operator imports a Dapodik export in a real browser: upload, preview, confirm, list."""

import pytest

from ekonseling.students.models import Student
from tests.students import dapodik

from .helpers import data_page, path_of, submit_login

# What this page does in a browser does not depend on the database or the channel layer (its server
# side has tests on both): run in the SQLite half of make test only (tests/conftest.py).
pytestmark = pytest.mark.once


def test_the_operator_uploads_previews_confirms_and_sees_the_students(page, demo_school, tmp_path):
    rows = [dapodik.student(n) for n in range(1, 6)]
    rows.append(dapodik.student(6, **{"NISN": "12345"}))  # a bad row: the preview names it
    upload = tmp_path / "Daftar Peserta Didik.xlsx"
    upload.write_bytes(dapodik.dapodik_xlsx(rows))
    submit_login(page, "operator", "bk-demo-2026")

    page.goto("/siswa/")
    page.click("main a[href='/siswa/impor/']")
    assert data_page(page) == "student-import"
    page.set_input_files("input[type=file]", str(upload))
    page.click("button[type=submit].primary")

    assert data_page(page) == "student-import-preview"
    assert "NISN harus 10 digit" in page.locator("#errors").inner_text()
    assert page.locator("#creates tbody tr").count() == 5
    assert Student.objects.filter(nisn=rows[0]["NISN"]).count() == 0  # nothing written before confirming

    page.click("button[value=confirm]")

    assert path_of(page) == "/siswa/"
    page.fill("input[name=q]", rows[0]["NISN"])
    page.wait_for_selector(f"#student-table >> text={rows[0]['NISN']}")
    assert Student.objects.filter(school=demo_school, nisn__in=[r["NISN"] for r in rows]).count() == 5

"""The pages: the counselor's analysis and files, the student's sheet, the home card, the student
page; and that a student never learns who chose them, over any URL."""

import datetime
import json
import re
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from ekonseling.core.models import AuditEvent
from ekonseling.sociometry.models import Response
from ekonseling.students.models import Student

from .conftest import SevenClass, stored_picks


def test_the_analysis_page_shows_the_hand_worked_result(client, seven):
    client.force_login(seven.world.gurubk)
    response = client.get(reverse("sociometry:analysis", args=[seven.survey.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert re.search(r'data-testid="category-bintang">\s*1\. Ahmad', page)
    assert re.search(r'data-testid="category-ditolak">\s*6\. Fajar', page)
    assert re.search(r'data-testid="category-terisolir">\s*7\. Gita', page)
    assert 'data-testid="cohesion">0,286' in page or 'data-testid="cohesion">0.286' in page
    assert page.count('data-student="') >= 14  # seven nodes in the sociogram, seven rows of indices
    assert "<svg" in page and "style=" not in page.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert AuditEvent.objects.filter(action="read", detail="sociometry analysis").count() == 1


def test_the_sociomatrix_xlsx(client, seven):
    client.force_login(seven.world.koordinator)
    response = client.get(reverse("sociometry:sociomatrix_xlsx", args=[seven.survey.pk]))
    assert response.status_code == 200
    ws = load_workbook(BytesIO(response.content)).worksheets[0]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    header = next(i for i, r in enumerate(rows) if r[2] == 1)
    matrix = {r[0]: tuple(r[2:9]) for r in rows[header + 1 : header + 8]}
    assert matrix[1] == (None, 3, 2, 1, None, -1, None)  # Ahmad: Budi 3, Citra 2, Dewi 1, rejects Fajar
    assert matrix[6] == (None,) * 7  # Fajar did not answer
    totals = {r[1]: tuple(r[2:9]) for r in rows[header + 8 :] if len(r) > 1 and r[1]}
    scores = next(v for k, v in totals.items() if "(S)" in k)
    assert scores == (13, 10, 9, 3, 1, 0, 0)


def test_the_pdf_and_svg(client, seven):
    client.force_login(seven.world.gurubk)
    pdf = client.get(reverse("sociometry:report_pdf", args=[seven.survey.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    svg = client.get(reverse("sociometry:sociogram_svg", args=[seven.survey.pk]))
    assert svg["Content-Type"] == "image/svg+xml"
    assert svg.content.count(b"<g data-student=") == 7


def test_a_student_fills_in_on_a_phone(client, world):
    seven = SevenClass(world, answered=False)
    client.force_login(seven.account)
    url = reverse("sociometry:fill", args=[seven.survey.pk])
    page = client.get(url).content.decode()
    names = re.findall(r'<label for="k\d+_s(\d+)">', page)
    assert sorted(int(n) for n in names) == sorted(s.pk for s in seven.students[1:])  # not Ahmad
    k = seven.criterion.pk

    def field(letter):
        return f"k{k}_s{seven.s(letter).pk}"

    # The same rank twice: refused, nothing stored.
    response = client.post(url, {field("B"): "p1", field("C"): "p1", field("D"): "p2"})
    assert response.status_code == 400 and not Response.objects.exists()
    # Oneself is not a field; posting it anyway changes nothing.
    response = client.post(url, {field("A"): "p1", field("B"): "p2", field("C"): "p3"})
    assert response.status_code == 400 and not Response.objects.exists()
    response = client.post(url, {field("G"): "p1", field("B"): "p2", field("C"): "p3", field("F"): "t1"})
    assert response.status_code == 302
    assert [(Student.objects.get(pk=p[2]).name, p[3], p[4]) for p in stored_picks()] == [
        ("Gita", 1, True),
        ("Budi", 2, True),
        ("Citra", 3, True),
        ("Fajar", 1, False),
    ]
    assert client.post(url, {field("D"): "p1", field("B"): "p2", field("C"): "p3"}).status_code == 400
    assert len(stored_picks()) == 4
    page = client.get(url).content.decode()
    assert 'data-testid="answered"' in page and "Gita" in page


def test_a_closed_survey_takes_nothing(client, world):
    now = timezone.now()
    seven = SevenClass(
        world, answered=False, opens_at=now - datetime.timedelta(days=3), closes_at=now - datetime.timedelta(days=1)
    )
    client.force_login(seven.account)
    url = reverse("sociometry:fill", args=[seven.survey.pk])
    assert 'data-testid="closed"' in client.get(url).content.decode()
    k = seven.criterion.pk
    data = {f"k{k}_s{seven.s(c).pk}": f"p{i}" for i, c in enumerate("BCD", start=1)}
    assert client.post(url, data).status_code == 400
    assert not Response.objects.exists()


def test_paper_entry(client, world):
    seven = SevenClass(world, answered=False)
    client.force_login(world.gurubk)
    url = reverse("sociometry:paper_entry", args=[seven.survey.pk])
    k = seven.criterion.pk
    response = client.post(url, {"siswa": seven.s("D").pk, f"k{k}_s{seven.s('A').pk}": "p1"})
    assert response.status_code == 302
    assert Response.objects.get().source == "paper"


def test_the_import_view_stores_all_or_nothing(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    seven = SevenClass(world, answered=False)
    client.force_login(world.gurubk)
    url = reverse("sociometry:import", args=[seven.survey.pk])
    bad = b"No;K1 Pilihan 1;K1 Pilihan 2\n1;2;3\n2;2;\n"
    response = client.post(url, {"file": SimpleUploadedFile("a.csv", bad)})
    assert response.status_code == 400 and not Response.objects.exists()
    good = b"No;K1 Pilihan 1;K1 Pilihan 2\n1;2;3\n2;1;\n"
    response = client.post(url, {"file": SimpleUploadedFile("a.csv", good)})
    assert response.status_code == 302 and Response.objects.count() == 2


def test_the_counselor_home_card_and_student_section(client, seven):
    client.force_login(seven.world.gurubk)
    # While the survey is open nobody is flagged: the others may not have answered yet.
    home = client.get(reverse("core:home")).content.decode()
    assert 'data-testid="sociometry-flags"' not in home
    page = client.get(reverse("sociometry:analysis", args=[seven.survey.pk])).content.decode()
    assert 'data-testid="provisional"' in page
    seven.survey.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    seven.survey.save(update_fields=["closes_at"])
    home = client.get(reverse("core:home")).content.decode()
    assert 'data-testid="sociometry-flags"' in home and "Fajar" in home and "Gita" in home
    page = client.get(reverse("students:detail", args=[seven.s("G").pk])).content.decode()
    assert 'data-testid="sociometry-section"' in page and "terisolir" in page
    for user in (seven.world.walikelas, seven.world.kepsek, seven.world.operator):
        client.force_login(user)
        assert "sociometry" not in client.get(reverse("core:home")).content.decode()
    # A guru BK who does not serve X-S: no card entry, no section.
    client.force_login(seven.world.gurubk_other)
    assert "Fajar" not in client.get(reverse("core:home")).content.decode()


def _normalised(text: str) -> str:
    if text.startswith("{"):  # the personal-data file, without its time and the audit trail of our own reads
        data = json.loads(text)
        return json.dumps({k: v for k, v in data.items() if k != "generated_at" and "audit" not in k}, sort_keys=True)
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", text)


@pytest.mark.parametrize("letter", ["A", "G"])
def test_a_student_never_learns_who_chose_them(client, world, letter):
    """Every page and file a student can reach looks the same whether classmates chose them or
    not: Ahmad (chosen by five) and Gita (chosen by none) are compared before and after the others
    answer."""
    seven = SevenClass(world, answered=False)
    student = seven.s(letter)
    if letter != "A":
        student.user, seven.students[0].user = seven.account, None
        seven.students[0].save(update_fields=["user"])
        student.save(update_fields=["user"])
    seven.answer(letter, "BCD" if letter == "A" else "ACB")
    client.force_login(seven.account)
    urls = [
        reverse("sociometry:my"),
        reverse("sociometry:fill", args=[seven.survey.pk]),
        reverse("core:home"),
        reverse("students:detail", args=[student.pk]),
        reverse("students:personal_data", args=[student.pk]),
    ]
    before = {url: _normalised(client.get(url).content.decode()) for url in urls}
    seven.answer_all(skip=letter)
    seven.answer("F", "AGB")
    after = {url: _normalised(client.get(url).content.decode()) for url in urls}
    assert before == after
    # The counselor's pages stay closed to the student.
    for name in ("analysis", "sociomatrix_xlsx", "sociogram_svg", "report_pdf", "survey"):
        assert client.get(reverse(f"sociometry:{name}", args=[seven.survey.pk])).status_code == 403
    export = json.loads(client.get(reverse("students:personal_data", args=[student.pk])).content)
    assert [c["chosen"] for c in export["sociometric_choices"][0]["criteria"]] == [
        ["Budi", "Citra", "Dewi"] if letter == "A" else ["Ahmad", "Citra", "Budi"]
    ]


def test_classmates_photos_only_to_members_while_open(client, world):
    from django.core.files.base import ContentFile
    from PIL import Image

    seven = SevenClass(world, answered=False)
    out = BytesIO()
    Image.new("RGB", (8, 8)).save(out, "JPEG")
    seven.s("B").photo.save("b.jpg", ContentFile(out.getvalue()))
    client.force_login(seven.account)
    url = reverse("sociometry:photo", args=[seven.survey.pk, seven.s("B").pk])
    assert client.get(url).status_code == 200
    assert 'src="' + url in client.get(reverse("sociometry:fill", args=[seven.survey.pk])).content.decode()
    seven.survey.closes_at = timezone.now() - datetime.timedelta(minutes=1)
    seven.survey.save(update_fields=["closes_at"])
    assert client.get(url).status_code == 404


def test_compare_over_time_and_the_window(client, world):
    from ekonseling.sociometry import services

    first = SevenClass(world)
    later = services.open_survey(
        rombel=first.rombel,
        title="Later",
        criteria=[("belajar", "")],
        opens_at=timezone.now() - datetime.timedelta(minutes=30),
        closes_at=timezone.now() + datetime.timedelta(days=1),
        created_by=world.gurubk,
    )
    criterion = later.criteria.get()
    services.submit(
        later,
        first.s("F"),
        {criterion.pk: services.CriterionAnswer([first.s(c).pk for c in "GAB"])},
        by=world.gurubk,
        source="paper",
    )
    client.force_login(world.gurubk)
    url = reverse("sociometry:compare")
    page = client.get(url, {"a": later.pk, "b": first.survey.pk}).content.decode()  # order does not matter
    assert page.count('data-testid="over-time"') == 1 and "Gita" in page
    # Another rombel's survey cannot be compared with it (nor seen by gurubk at all).
    assert client.get(url, {"a": first.survey.pk, "b": 999999}).status_code == 404
    # Close now, then open again.
    window = reverse("sociometry:survey_window", args=[later.pk])
    client.post(window, {"action": "close"})
    later.refresh_from_db()
    assert not later.is_open()
    client.post(window, {"action": "reopen"})
    later.refresh_from_db()
    assert later.is_open()


def test_the_sheet_speaks_indonesian(client, world):
    seven = SevenClass(world, answered=False, rejections=1)
    client.force_login(seven.account)
    page = client.get(reverse("sociometry:fill", args=[seven.survey.pk])).content.decode()
    assert ">Pilihan 1</option>" in page and ">Tolak 1</option>" in page
    client.force_login(world.gurubk)
    page = client.get(reverse("sociometry:survey", args=[seven.survey.pk])).content.decode()
    assert ">No</th>" in page and "Tidak" not in page.split("<table", 1)[1].split("</thead>", 1)[0]

"""A student's pages: the list, filling with and without JavaScript, submitting, released results."""

import json
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ekonseling.instruments import services
from ekonseling.instruments.models import Assignment
from ekonseling.safety import actions as safety

SAMPLES = services.SAMPLES_DIR


def administration(world, name="aum-umum-contoh.json", **kwargs):
    instrument, _ = services.import_definition(world.school, (SAMPLES / name).read_bytes(), name, user=world.gurubk)
    now = timezone.now()
    kwargs.setdefault("opens_at", now - timedelta(hours=1))
    kwargs.setdefault("closes_at", now + timedelta(days=1))
    return services.open_administration(
        instrument=instrument, title=f"Uji {name}", created_by=world.gurubk, rombels=[world.rombel_a], **kwargs
    )


def sheet_of(world, name="aum-umum-contoh.json", student="student", **kwargs):
    return administration(world, name, **kwargs).assignments.get(student=getattr(world, student))


def autosave(client, sheet, changes):
    url = reverse("instruments:autosave", args=[sheet.pk])
    body = changes if isinstance(changes, str | bytes) else json.dumps(changes)
    return client.post(url, body, content_type="application/json")


def fresh(sheet):
    return Assignment.objects.get(pk=sheet.pk)


@pytest.fixture
def student_client(client, world):
    client.force_login(world.siswa)
    return client


def test_autosave_merges_a_change_and_answers_revision_and_progress(student_client, world):
    sheet = sheet_of(world)
    response = autosave(student_client, sheet, {"items": {"1": True, "2": True}, "heavy": {"2": True}})
    assert response.status_code == 200
    assert response.json() == {"revision": 1, "answered": 2, "total": 50}
    again = autosave(student_client, sheet, {"items": {"1": True, "2": True}, "heavy": {"2": True}})
    assert again.json()["answered"] == 2  # a resend is harmless
    assert fresh(sheet).answer_data() == {"items": {"1": True, "2": True}, "heavy": [2]}
    autosave(student_client, sheet, {"items": {"2": False}})
    assert fresh(sheet).answer_data() == {"items": {"1": True}, "heavy": []}
    assert fresh(sheet).status == Assignment.Status.IN_PROGRESS


def test_autosave_refuses_an_invalid_value_with_the_indonesian_message(student_client, world):
    sheet = sheet_of(world, "ptsdl-contoh.json")
    response = autosave(student_client, sheet, {"items": {"1": "X"}})
    assert response.status_code == 400
    assert "butir nomor 1: jawaban 'X' tidak dikenal" in response.json()["error"]
    assert response.json()["code"] == "instruments.answers_invalid"
    assert fresh(sheet).answers == ""
    unreadable = autosave(student_client, sheet, "{not json")
    assert unreadable.status_code == 400 and unreadable.json()["code"] == "instruments.unreadable"
    assert autosave(student_client, sheet, {"items": ["1"]}).status_code == 400
    assert autosave(student_client, sheet, {"items": {"1": {"J": 1}}}).status_code == 400  # not a 500
    long = {"open": {"masalah_lain": "x" * 5000}}
    response = autosave(student_client, sheet_of(world), long)
    assert response.status_code == 400 and "terlalu panjang" in response.json()["error"]


def test_an_empty_autosave_changes_nothing(student_client, world):
    sheet = sheet_of(world)
    response = student_client.post(reverse("instruments:autosave", args=[sheet.pk]))
    assert response.status_code == 200 and response.json()["revision"] == 0
    assert fresh(sheet).saved_at is None


def test_autosave_outside_the_window_is_refused_as_json(student_client, world):
    now = timezone.now()
    closed = sheet_of(world, opens_at=now - timedelta(days=2), closes_at=now - timedelta(days=1))
    response = autosave(student_client, closed, {"items": {"1": True}})
    assert response.status_code == 403
    assert response.json()["error"].startswith("Waktu pengisian sudah ditutup")
    assert response.json()["code"] == "instruments.window_closed"
    upcoming = sheet_of(world, "dcm-contoh.json", opens_at=now + timedelta(days=1), closes_at=now + timedelta(days=2))
    response = autosave(student_client, upcoming, {"items": {"1": True}})
    assert response.status_code == 403 and response.json()["error"] == "Pengisian belum dibuka."
    assert response.json()["code"] == "instruments.window_not_open"  # the same status, told apart by code
    assert fresh(closed).answers == "" and fresh(upcoming).answers == ""


def test_autosave_after_submitting_is_locked(student_client, world):
    sheet = sheet_of(world)
    services.submit(sheet, by=world.siswa)
    response = autosave(student_client, sheet, {"items": {"1": True}})
    assert response.status_code == 409
    assert response.json()["error"].startswith("Jawaban sudah dikirim dan terkunci")
    assert response.json()["code"] == "instruments.sheet_locked"


def test_another_students_sheet_is_not_found(student_client, world):
    theirs = sheet_of(world, student="classmate")
    assert autosave(student_client, theirs, {"items": {"1": True}}).status_code == 404
    assert student_client.get(reverse("instruments:fill", args=[theirs.pk])).status_code == 404
    assert student_client.post(reverse("instruments:fill", args=[theirs.pk]), {"page": "1"}).status_code == 404
    assert student_client.post(reverse("instruments:submit", args=[theirs.pk]), {"confirm": "1"}).status_code == 404
    assert fresh(theirs).answers == "" and fresh(theirs).status == Assignment.Status.PENDING


def item_numbers(response):
    return [int(n) for n in re.findall(r'data-item="(\d+)"', response.content.decode())]


def test_the_fill_page_shows_one_area_and_its_items(student_client, world):
    sheet = sheet_of(world)
    definition = sheet.administration.instrument.definition
    url = reverse("instruments:fill", args=[sheet.pk])
    response = student_client.get(url)
    assert response.status_code == 200
    assert item_numbers(response) == [i.number for i in definition.items if i.area == definition.areas[0].code]
    assert 'data-pages="12"' in response.content.decode()
    second = student_client.get(url + "?page=2").content.decode()
    assert f'data-area="{definition.areas[1].code}"' in second
    review = student_client.get(url + "?page=12")
    assert 'data-testid="review"' in review.content.decode() and item_numbers(review) == []
    assert 'data-testid="missing"' not in review.content.decode()  # a checklist demands no item


def test_a_page_posted_without_javascript_is_saved_and_moves_on(student_client, world):
    sheet = sheet_of(world)
    url = reverse("instruments:fill", args=[sheet.pk])
    services.save_answers(sheet, {"items": {"3": True}}, by=world.siswa)
    response = student_client.post(url, {"page": "1", "go": "2", "item-1": "1", "item-2": "1", "heavy-2": "1"})
    assert response.status_code == 302 and response["Location"] == url + "?page=2"
    assert fresh(sheet).answer_data() == {"items": {"1": True, "2": True}, "heavy": [2]}  # 3 was unticked
    response = student_client.post(url, {"page": "11", "go": "12", "open-bicara": ["guru_bk", "teman"]})
    assert response["Location"] == url + "?page=12"
    assert fresh(sheet).answer_data()["open"] == {"bicara": ["guru_bk", "teman"]}


def test_a_page_posted_with_an_invalid_value_is_shown_again_with_the_message(student_client, world):
    sheet = sheet_of(world, "ptsdl-contoh.json")
    response = student_client.post(
        reverse("instruments:fill", args=[sheet.pk]), {"page": "1", "go": "2", "item-1": "X"}
    )
    assert response.status_code == 400
    assert "jawaban &#x27;X&#x27; tidak dikenal" in response.content.decode()
    assert fresh(sheet).answers == ""


def test_submitting_an_incomplete_sheet_lists_what_is_missing(student_client, world):
    sheet = sheet_of(world, "ptsdl-contoh.json")
    definition = sheet.administration.instrument.definition
    services.save_answers(sheet, {"items": {"1": "L", "2": "J"}}, by=world.siswa)
    response = student_client.post(reverse("instruments:submit", args=[sheet.pk]), {"confirm": "1"}, follow=True)
    assert fresh(sheet).status == Assignment.Status.IN_PROGRESS
    page = response.content.decode()
    assert "butir berikut belum dijawab: 3," in page
    missing = [int(n) for n in re.findall(r'data-missing="(\d+)"', page)]
    assert missing == [i.number for i in definition.items if i.number not in (1, 2)]


def test_submitting_needs_the_confirmation_tick(student_client, world):
    sheet = sheet_of(world)
    student_client.post(reverse("instruments:submit", args=[sheet.pk]))
    assert fresh(sheet).status == Assignment.Status.PENDING


def test_a_submitted_sheet_is_read_only(student_client, world):
    sheet = sheet_of(world)
    services.save_answers(sheet, {"items": {"4": True}}, by=world.siswa)
    response = student_client.post(reverse("instruments:submit", args=[sheet.pk]), {"confirm": "1"})
    assert response.status_code == 302 and response["Location"] == reverse("instruments:my")
    assert fresh(sheet).status == Assignment.Status.SUBMITTED and fresh(sheet).submitted_at is not None
    url = reverse("instruments:fill", args=[sheet.pk])
    page = student_client.get(url).content.decode()
    assert (
        'data-testid="submitted"' in page
        and "data-autosave" not in page
        and '<fieldset class="plain" disabled>' in page
    )
    response = student_client.post(url, {"page": "1", "go": "2", "item-1": "1"})
    assert response.status_code == 302
    assert fresh(sheet).answer_data()["items"] == {"4": True}


def test_a_closed_window_is_a_message_not_an_error_page(student_client, world):
    now = timezone.now()
    sheet = sheet_of(world, opens_at=now - timedelta(days=2), closes_at=now - timedelta(days=1))
    response = student_client.get(reverse("instruments:fill", args=[sheet.pk]))
    assert response.status_code == 200
    assert "Waktu pengisian sudah ditutup" in response.content.decode()
    response = student_client.post(reverse("instruments:submit", args=[sheet.pk]), {"confirm": "1"}, follow=True)
    assert response.status_code == 200 and "Waktu pengisian sudah ditutup" in response.content.decode()
    assert fresh(sheet).status == Assignment.Status.PENDING


def test_my_instruments_groups_sheets_by_state(student_client, world):
    now = timezone.now()
    open_sheet = sheet_of(world)
    upcoming = sheet_of(world, "dcm-contoh.json", opens_at=now + timedelta(days=1), closes_at=now + timedelta(days=2))
    closed = sheet_of(world, "akpd-contoh.json", opens_at=now - timedelta(days=2), closes_at=now - timedelta(days=1))
    sent = sheet_of(world, "ptsdl-contoh.json")
    definition = sent.administration.instrument.definition
    services.save_answers(sent, {"items": {str(i.number): "L" for i in definition.items}}, by=world.siswa)
    services.submit(sent, by=world.siswa)
    page = student_client.get(reverse("instruments:my")).content.decode()

    def section(name):
        match = re.search(rf'data-testid="sheets-{name}">(.*?)</section>', page, re.S)
        return [int(n) for n in re.findall(r'data-sheet="(\d+)"', match.group(1))] if match else []

    assert section("open") == [open_sheet.pk]
    assert section("upcoming") == [upcoming.pk]
    assert section("closed") == [closed.pk]
    assert section("submitted") == [sent.pk]
    assert 'data-testid="result-link"' not in page  # not released yet
    services.release_results(sent.administration, by=world.gurubk)
    page = student_client.get(reverse("instruments:my")).content.decode()
    assert reverse("instruments:result", args=[sent.pk]) in page


def test_the_home_page_lists_instruments_open_now(student_client, world):
    open_sheet = sheet_of(world)
    page = student_client.get(reverse("core:home")).content.decode()
    card = re.search(r'data-testid="home-instruments">(.*?)</section>', page, re.S).group(1)
    assert reverse("instruments:fill", args=[open_sheet.pk]) in card


def test_results_are_shown_only_once_released(student_client, world):
    sheet = sheet_of(world)
    services.save_answers(sheet, {"items": {"1": True, "2": True}, "heavy": {"2": True}}, by=world.siswa)
    services.submit(sheet, by=world.siswa)
    url = reverse("instruments:result", args=[sheet.pk])
    assert student_client.get(url).status_code == 404
    services.release_results(sheet.administration, by=world.gurubk)
    response = student_client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('data-testid="result-row"') == 10
    assert re.findall(r'data-testid="result-figure">([^<]*)<', page)[:2] == ["40,00 %", "0,00 %"]
    assert 'width="40.00"' in page  # the bar, drawn by the server
    definition = sheet.administration.instrument.definition
    assert definition.items_by_number[1].text in page


def test_another_students_released_results_are_not_found(student_client, world):
    theirs = sheet_of(world, student="classmate")
    services.submit(theirs, by=world.gurubk)
    services.release_results(theirs.administration, by=world.gurubk)
    assert student_client.get(reverse("instruments:result", args=[theirs.pk])).status_code == 404


def test_critical_items_are_not_flagged_to_the_student(student_client, world):
    sheet = sheet_of(world, "dcm-contoh.json")
    definition = sheet.administration.instrument.definition
    critical = definition.critical_items[0]
    services.save_answers(sheet, {"items": {str(critical): True}}, by=world.siswa)
    services.submit(sheet, by=world.siswa)
    services.release_results(sheet.administration, by=world.gurubk)
    page = student_client.get(reverse("instruments:result", args=[sheet.pk])).content.decode().lower()
    assert definition.items_by_number[critical].text.lower() in page
    assert "kritis" not in page and "critical" not in page


def test_a_sheet_marking_a_critical_item_shows_the_crisis_contacts_after_sending(student_client, world):
    safety.set_crisis_contacts(world.school, "Layanan SEJIWA 119 ext 8")
    sheet = sheet_of(world, "dcm-contoh.json")
    critical = sheet.administration.instrument.definition.critical_items[0]
    services.save_answers(sheet, {"items": {str(critical): True}}, by=world.siswa)
    response = student_client.post(reverse("instruments:submit", args=[sheet.pk]), {"confirm": "1"}, follow=True)
    assert "Layanan SEJIWA 119 ext 8" in response.content.decode()


def test_a_sheet_without_critical_items_shows_no_crisis_contacts(student_client, world):
    safety.set_crisis_contacts(world.school, "Layanan SEJIWA 119 ext 8")
    sheet = sheet_of(world, "dcm-contoh.json")
    services.save_answers(sheet, {"items": {"1": True}}, by=world.siswa)
    response = student_client.post(reverse("instruments:submit", args=[sheet.pk]), {"confirm": "1"}, follow=True)
    assert "Layanan SEJIWA 119 ext 8" not in response.content.decode()

import base64
import re
import shutil
import subprocess
import zlib
from datetime import timedelta

import pytest
from django.conf import settings as live_settings
from django.contrib.sessions.models import Session

from ekonseling.accounts.models import Role, User
from ekonseling.core.models import AuditEvent
from ekonseling.students import student_accounts
from ekonseling.students.models import Student
from tests import factories

PASSWORD_SHAPE = re.compile(r"^[abcdefghjkmnpqrstuvwxyz23456789]{4}-[abcdefghjkmnpqrstuvwxyz23456789]{4}$")


def rombel_url(rombel):
    return f"/siswa/rombel/{rombel.pk}/akun/"


def cards_url(rombel):
    return f"/siswa/rombel/{rombel.pk}/kartu-login.pdf"


def _text_by_stream_decoding(data):
    """Enough of a PDF reader for reportlab's own output: ASCII85 + Flate page streams, `(...) Tj`."""
    texts = []
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        raw = match.group(1).strip()
        if raw.endswith(b"~>"):
            raw = base64.a85decode(raw[:-2])
        try:
            raw = zlib.decompress(raw)
        except zlib.error:
            continue
        for literal in re.findall(rb"\(((?:[^()\\]|\\.)*)\) Tj", raw):
            texts.append(re.sub(rb"\\(.)", rb"\1", literal).decode("cp1252"))
    return "\n".join(texts)


def pdf_text(data, *, use_pdftotext=True):
    if use_pdftotext and shutil.which("pdftotext", path="/usr/bin"):
        result = subprocess.run(["/usr/bin/pdftotext", "-", "-"], input=data, capture_output=True, check=True)
        return result.stdout.decode()
    return _text_by_stream_decoding(data)


def page_count(data):
    return len(re.findall(rb"/Type /Page(?!s)\b", data))


# --- creating accounts --------------------------------------------------------------------------------


def test_accounts_are_created_for_exactly_the_active_students_without_one(world):
    graduated = factories.student(world.school, rombel=world.rombel_a, status=Student.Status.GRADUATED)
    siswa_password_hash = world.siswa.password

    issued = student_accounts.create_accounts_for_rombel(world.rombel_a, world.koordinator)

    assert [login.student for login in issued] == [world.classmate]
    login = issued[0]
    user = User.objects.get(student=world.classmate)
    assert user.username == login.username == world.classmate.nisn
    assert user.role == Role.SISWA
    assert user.school == world.school
    assert user.full_name == world.classmate.name
    assert user.must_change_password
    assert user.check_password(login.password)
    assert PASSWORD_SHAPE.match(login.password)
    graduated.refresh_from_db()
    assert graduated.user is None
    world.siswa.refresh_from_db()
    assert world.siswa.password == siswa_password_hash
    assert not world.siswa.must_change_password
    world.other_student.refresh_from_db()
    assert world.other_student.user is None  # rombel_b was not asked for


def test_pressing_the_button_twice_changes_nothing_the_second_time(world):
    first = student_accounts.create_accounts_for_rombel(world.rombel_a, world.koordinator)
    hash_after_first = User.objects.get(student=world.classmate).password

    second = student_accounts.create_accounts_for_rombel(world.rombel_a, world.koordinator)

    assert len(first) == 1
    assert second == []
    assert User.objects.get(student=world.classmate).password == hash_after_first
    assert AuditEvent.objects.filter(action="create").count() == 1


def test_a_nisn_already_used_as_a_username_gets_the_school_slug(world, other_world):
    nisn = world.classmate.nisn
    moved = factories.user(other_world.school, Role.SISWA, username=nisn)
    factories.student(other_world.school, rombel=other_world.rombel_a, nisn=nisn, user=moved)
    factories.user(other_world.school, Role.SISWA, username=f"{nisn}-{world.school.slug}")

    issued = student_accounts.create_accounts_for_rombel(world.rombel_a, world.koordinator)

    assert [login.username for login in issued] == [f"{nisn}-{world.school.slug}-2"]
    assert User.objects.filter(username__startswith=nisn).count() == 3


def test_usernames_are_unique_across_the_deployment(world, other_world):
    for _ in range(3):
        factories.student(world.school, rombel=world.rombel_a)
    issued = student_accounts.create_accounts_for_rombel(world.rombel_a, world.koordinator)
    issued += student_accounts.create_accounts_for_rombel(other_world.rombel_a, other_world.koordinator)

    usernames = [login.username for login in issued]
    assert len(usernames) == len(set(usernames)) == 5
    assert len({login.password for login in issued}) == 5


def test_a_new_student_must_change_the_one_time_password_at_first_sign_in(client, world):
    (login,) = student_accounts.create_accounts_for_rombel(world.rombel_a, world.koordinator)

    response = client.post("/masuk/", {"username": login.username, "password": login.password}, follow=True)

    assert response.redirect_chain[-1][0] == "/akun/sandi/"
    assert client.get("/siswa/profil-saya/")["Location"] == "/akun/sandi/"
    response = client.post(
        "/akun/sandi/",
        {"old_password": login.password, "new_password1": "kopi-Susu-pagi-7", "new_password2": "kopi-Susu-pagi-7"},
    )
    assert response.status_code == 302
    user = User.objects.get(username=login.username)
    assert not user.must_change_password
    assert not user.check_password(login.password)
    assert client.get("/siswa/profil-saya/").status_code == 200


# --- the pages ----------------------------------------------------------------------------------------


def test_the_coordinator_creates_accounts_and_downloads_the_cards_once(client, world):
    client.force_login(world.koordinator)

    page = client.get(rombel_url(world.rombel_a))
    assert page.status_code == 200
    assert "Buat 1 akun" in page.content.decode()

    response = client.post(rombel_url(world.rombel_a))
    assert response.status_code == 302
    page = client.get(rombel_url(world.rombel_a))
    assert cards_url(world.rombel_a) in page.content.decode()
    assert page["Cache-Control"].count("no-store") == 1

    pdf = client.get(cards_url(world.rombel_a))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert "no-store" in pdf["Cache-Control"]
    assert pdf["Content-Disposition"] == 'attachment; filename="kartu-login-x-a.pdf"'
    assert pdf.content.startswith(b"%PDF")
    text = pdf_text(pdf.content)
    assert world.classmate.name in text
    assert world.classmate.nisn in text
    assert "Kartu Masuk E-Konseling" in text
    assert "X-A" in text
    assert "http://testserver/" in text
    assert world.student.name not in text  # already had an account: no card, no new password

    again = client.get(cards_url(world.rombel_a), follow=True)
    assert again.redirect_chain[-1][0] == rombel_url(world.rombel_a)
    assert "Sandi hanya ditampilkan sekali" in again.content.decode()

    created = AuditEvent.objects.get(action="create")
    assert created.actor == world.koordinator
    assert created.object_type == "students.Rombel"
    assert created.detail == "student accounts created: 1; already had an account: 1"
    exported = AuditEvent.objects.get(action="export")
    assert exported.object_id == str(world.rombel_a.pk)
    assert exported.detail == "login cards printed: 1"


def test_the_pending_passwords_are_kept_encrypted_in_the_session(client, world):
    client.force_login(world.koordinator)
    client.post(rombel_url(world.rombel_a))
    password = _pending_password(client, world.classmate)

    stored = Session.objects.get(session_key=client.session.session_key).session_data

    assert password not in stored
    assert password not in str(client.session.get(student_accounts.PENDING_SESSION_KEY))
    assert not AuditEvent.objects.filter(detail__contains=password).exists()


def _pending_password(client, student):
    (login,) = student_accounts.peek_pending(client.session, Student.objects.filter(pk=student.pk))
    return login.password


def test_pending_cards_expire(client, world, monkeypatch):
    client.force_login(world.koordinator)
    client.post(rombel_url(world.rombel_a))
    monkeypatch.setattr(student_accounts, "PENDING_TTL", timedelta(seconds=-1))

    response = client.get(cards_url(world.rombel_a))

    assert response.status_code == 302
    assert student_accounts.PENDING_SESSION_KEY not in client.session


def test_a_card_is_dropped_once_the_student_has_chosen_a_password(client, world):
    client.force_login(world.koordinator)
    client.post(rombel_url(world.rombel_a))
    user = User.objects.get(student=world.classmate)
    user.set_password("pilihan-Sendiri-9")
    user.must_change_password = False
    user.save()

    assert client.get(cards_url(world.rombel_a)).status_code == 302


def test_nine_cards_take_two_a4_pages(world):
    for _ in range(7):  # with the classmate and the long name: nine students without an account
        factories.student(world.school, rombel=world.rombel_a)
    long_name = "Muhammad Rizky Pratama Putra Ramadhan Nugroho Wicaksono Adiputra Hidayatullah"
    factories.student(world.school, rombel=world.rombel_a, name=long_name)
    issued = student_accounts.create_accounts_for_rombel(world.rombel_a, world.koordinator)
    assert len(issued) == 9

    data = student_accounts.login_cards_pdf(issued, world.school, "https://bk.contoh.sch.id/")

    assert data.startswith(b"%PDF")
    assert data.rstrip().endswith(b"%%EOF")
    assert page_count(data) == 2
    for use_pdftotext in (True, False):
        text = pdf_text(data, use_pdftotext=use_pdftotext)
        assert text.count("Kartu Masuk E-Konseling") == 9
        assert text.count("Ganti sandi saat pertama masuk.") == 9
        assert "https://bk.contoh.sch.id/" in text
        for login in issued:
            assert login.password in text
            assert login.username in text
    # The long name is shrunk or wrapped, never dropped: every word of it is on the card.
    flat = " ".join(pdf_text(data, use_pdftotext=False).split())
    assert "Muhammad Rizky Pratama" in flat
    assert "Hidayatullah" in flat


def test_fit_text_keeps_every_character_of_a_long_username():
    username = "0012345678-sma-negeri-1-contoh-kabupaten-yang-panjang-2"

    size, lines = student_accounts.fit_text(
        username, "Courier-Bold", 16, 9, student_accounts.TEXT_WIDTH, 2, one_line_min=9
    )

    assert "".join(lines) == username
    assert size >= 9


# --- who may -----------------------------------------------------------------------------------------


def test_a_guru_bk_manages_their_own_caseload_rombel_only(client, world):
    client.force_login(world.gurubk)

    assert client.get(rombel_url(world.rombel_a)).status_code == 200
    assert client.get(rombel_url(world.rombel_b)).status_code == 404
    assert client.post(rombel_url(world.rombel_b)).status_code == 404
    assert client.get(cards_url(world.rombel_b)).status_code == 404
    world.other_student.refresh_from_db()
    assert world.other_student.user is None
    assert client.post(rombel_url(world.rombel_a)).status_code == 302
    assert User.objects.filter(student=world.classmate).exists()


@pytest.mark.parametrize("role", ["walikelas", "kepsek", "siswa"])
def test_other_roles_are_refused(client, world, role):
    client.force_login(getattr(world, role))

    assert client.get(rombel_url(world.rombel_a)).status_code == 403
    assert client.post(rombel_url(world.rombel_a)).status_code == 403
    assert client.get(cards_url(world.rombel_a)).status_code == 403
    assert client.get("/siswa/rombel/akun/").status_code == 403
    assert not User.objects.filter(student=world.classmate).exists()


def test_another_schools_rombel_is_not_found(client, world, other_world):
    client.force_login(world.koordinator)

    assert client.get(rombel_url(other_world.rombel_a)).status_code == 404
    assert client.post(rombel_url(other_world.rombel_a)).status_code == 404
    assert client.get(cards_url(other_world.rombel_a)).status_code == 404
    assert not User.objects.filter(student=other_world.classmate).exists()


def test_anonymous_is_sent_to_sign_in(client, world):
    response = client.get(rombel_url(world.rombel_a))

    assert response.status_code == 302
    assert response["Location"].startswith("/masuk/")


def test_the_rombel_list_shows_the_rombel_one_may_manage(client, world, other_world):
    client.force_login(world.gurubk)

    rombels = list(client.get("/siswa/rombel/akun/").context["rombels"])

    assert rombels == [world.rombel_a]
    assert rombels[0].without_account == 1
    client.force_login(world.koordinator)
    assert set(client.get("/siswa/rombel/akun/").context["rombels"]) == {world.rombel_a, world.rombel_b}


# --- resetting a password --------------------------------------------------------------------------------


def reset_url(student):
    return f"/siswa/{student.pk}/reset-sandi/"


def test_the_counselor_resets_a_password_and_the_students_sessions_end(client, world):
    from django.test import Client

    student_browser = Client()
    student_browser.post("/masuk/", {"username": world.siswa.username, "password": factories.PASSWORD})
    assert student_browser.get("/siswa/profil-saya/").status_code == 200
    client.force_login(world.gurubk)

    confirm = client.get(reset_url(world.student))
    assert confirm.status_code == 200
    world.siswa.refresh_from_db()
    assert world.siswa.check_password(factories.PASSWORD)  # a GET only asks

    response = client.post(reset_url(world.student))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    login = response.context["login"]
    assert PASSWORD_SHAPE.match(login.password)
    assert login.password in response.content.decode()
    world.siswa.refresh_from_db()
    assert world.siswa.must_change_password
    assert world.siswa.check_password(login.password)
    assert student_browser.get("/siswa/profil-saya/")["Location"].startswith("/masuk/")
    event = AuditEvent.objects.get(action="password")
    assert event.actor == world.gurubk
    assert event.object_id == str(world.siswa.pk)
    assert event.detail == "reset by counselor"

    card = client.get(f"/siswa/{world.student.pk}/kartu-login.pdf")
    assert card.status_code == 200
    assert login.password in pdf_text(card.content)
    assert page_count(card.content) == 1
    assert client.get(f"/siswa/{world.student.pk}/kartu-login.pdf").status_code == 302


def test_a_reset_replaces_a_card_still_waiting_in_the_rombel_batch(client, world):
    client.force_login(world.koordinator)
    client.post(rombel_url(world.rombel_a))
    first = _pending_password(client, world.classmate)

    second = client.post(reset_url(world.classmate)).context["login"].password

    text = pdf_text(client.get(cards_url(world.rombel_a)).content)
    assert second in text
    assert first not in text


def test_a_reset_lifts_a_sign_in_lockout(client, world):
    for _ in range(live_settings.AXES_FAILURE_LIMIT):
        client.post("/masuk/", {"username": world.siswa.username, "password": "salah"})
    assert client.post("/masuk/", {"username": world.siswa.username, "password": factories.PASSWORD}).status_code == 429

    login = student_accounts.reset_password(world.student, world.gurubk)

    response = client.post("/masuk/", {"username": world.siswa.username, "password": login.password}, follow=True)
    assert response.redirect_chain[-1][0] == "/akun/sandi/"


def test_only_the_students_counselors_may_reset(client, world, other_world):
    for user, expected in [
        (world.gurubk_other, 404),
        (world.operator, 403),
        (world.walikelas, 403),
        (world.kepsek, 403),
        (world.siswa, 403),
        (other_world.koordinator, 404),
    ]:
        client.force_login(user)
        assert client.post(reset_url(world.student)).status_code == expected, user.role
    world.siswa.refresh_from_db()
    assert world.siswa.check_password(factories.PASSWORD)
    assert not AuditEvent.objects.filter(action="password").exists()


def test_a_student_without_an_account_cannot_be_reset(client, world):
    client.force_login(world.gurubk)

    assert "belum memiliki akun" in client.get(reset_url(world.classmate)).content.decode()
    response = client.post(reset_url(world.classmate))

    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action="password").exists()


def test_a_staff_account_linked_to_a_student_record_is_never_reset(world):
    world.classmate.user = world.walikelas
    world.classmate.save()

    with pytest.raises(student_accounts.NoAccountError):
        student_accounts.reset_password(world.classmate, world.gurubk)

    world.walikelas.refresh_from_db()
    assert world.walikelas.check_password(factories.PASSWORD)

import csv
import io

from django.db.models import Q

from ekonseling.core.models import AuditEvent


def test_a_counselor_reading_health_notes_is_audited_with_address(client, world):
    client.force_login(world.gurubk)

    response = client.get(f"/siswa/{world.student.pk}/", REMOTE_ADDR="10.1.2.3", HTTP_USER_AGENT="Tes/1.0")

    assert response.status_code == 200
    assert "Asma ringan." in response.content.decode()
    event = AuditEvent.objects.get(action="read")
    assert event.actor == world.gurubk
    assert event.school == world.school
    assert event.object_type == "students.Student"
    assert event.object_id == str(world.student.pk)
    assert event.detail == "health_notes, special_needs"
    assert event.ip_address == "10.1.2.3"
    assert event.user_agent == "Tes/1.0"


def test_a_wali_kelas_sees_basic_data_but_no_health_notes_and_no_read_is_logged(client, world):
    client.force_login(world.walikelas)

    response = client.get(f"/siswa/{world.student.pk}/")

    assert response.status_code == 200
    assert world.student.nisn in response.content.decode()
    assert "Asma" not in response.content.decode()
    assert not AuditEvent.objects.filter(action="read").exists()


def test_the_coordinator_sees_the_log_of_their_school_only(client, world, other_world):
    client.force_login(other_world.gurubk)
    client.get(f"/siswa/{other_world.student.pk}/")
    client.force_login(world.gurubk)
    client.get(f"/siswa/{world.student.pk}/")

    client.force_login(world.koordinator)
    response = client.get("/audit/?action=read")

    page = response.context["page"]
    assert [e.actor for e in page] == [world.gurubk]


def test_the_coordinator_exports_the_log_as_csv_and_the_export_is_logged(client, world):
    client.force_login(world.gurubk)
    client.get(f"/siswa/{world.student.pk}/")
    client.force_login(world.koordinator)

    response = client.get("/audit/ekspor/?action=read")

    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["waktu", "pengguna", "tindakan"]
    assert len(rows) == 2
    assert rows[1][1] == world.gurubk.username
    assert AuditEvent.objects.filter(action="export", actor=world.koordinator).exists()


def test_sign_ins_and_failures_are_logged(client, world, login):
    client.post("/masuk/", {"username": world.gurubk.username, "password": "salah"})
    login(world.gurubk)

    actions = list(AuditEvent.objects.filter(school=world.school).values_list("action", flat=True))
    assert sorted(actions) == ["login", "login_failed"]


def test_the_csv_export_neutralises_spreadsheet_formulas(client, world):
    client.post(
        "/masuk/",
        {"username": world.gurubk.username, "password": "salah"},
        HTTP_USER_AGENT='=HYPERLINK("http://evil.example","klik")',
    )
    client.force_login(world.koordinator)

    response = client.get("/audit/ekspor/?action=login_failed")

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][8] == '\'=HYPERLINK("http://evil.example","klik")'


def test_behind_a_trusted_proxy_the_forwarded_address_is_logged_and_locked_out(client, world, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            "/masuk/",
            {"username": world.gurubk.username, "password": "salah"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="6.6.6.6, 10.9.8.7",
        )

    from django.test import Client

    from_other_address = Client().post(
        "/masuk/",
        {"username": world.gurubk.username, "password": "test-Sandi-2026"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="10.1.1.1",
    )
    from_locked_address = Client().post(
        "/masuk/",
        {"username": world.koordinator.username, "password": "salah"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="10.9.8.7",
    )

    gurubk_failures = AuditEvent.objects.filter(action="login_failed", detail=f"username={world.gurubk.username}")
    assert set(gurubk_failures.values_list("ip_address", flat=True)) == {"10.9.8.7"}
    assert from_other_address.status_code == 302
    assert from_locked_address.status_code == 200  # another username from that address is not locked


def test_record_for_names_the_actor_without_a_request(world):
    from ekonseling.core import audit

    event = audit.record_for(world.gurubk, audit.Action.READ, world.student, "live", "10.0.0.9", "Tes/2.0")

    assert (event.actor, event.actor_name, event.school) == (world.gurubk, world.gurubk.get_username(), world.school)
    assert (event.object_type, event.detail, event.ip_address, event.user_agent) == (
        "students.Student",
        "live",
        "10.0.0.9",
        "Tes/2.0",
    )


def test_a_socket_is_audited_from_its_scope_by_the_same_proxy_rule_as_a_request(settings):
    from ekonseling.core import audit

    scope = {
        "client": ("10.0.0.1", 5000),
        "headers": [(b"user-agent", b"Tes/3.0"), (b"x-forwarded-for", b"6.6.6.6, 203.0.113.7")],
    }
    settings.TRUSTED_PROXY_COUNT = 0
    assert audit.scope_origin(scope) == {"ip": "10.0.0.1", "user_agent": "Tes/3.0"}
    settings.TRUSTED_PROXY_COUNT = 1
    assert audit.scope_origin(scope) == {"ip": "203.0.113.7", "user_agent": "Tes/3.0"}


def test_a_students_sign_ins_and_failed_sign_ins_are_shown_to_staff_by_date_only(world, client, login):
    """Issue 11 item 4: a student's sign-in second would name the asker of an anonymous question."""
    from ekonseling.core import audit as audit_module

    client.post("/masuk/", {"username": world.siswa.username, "password": "wrong password"})
    login(world.siswa)
    client.logout()
    login(world.gurubk)

    student_events = AuditEvent.objects.filter(Q(actor=world.siswa) | Q(detail=f"username={world.siswa.username}"))
    assert {e.action for e in student_events} >= {"login", "login_failed"}
    assert all(e.private_time for e in student_events)
    staff_login = AuditEvent.objects.get(actor=world.gurubk, action="login")
    assert not staff_login.private_time
    assert len(audit_module.shown_time(student_events.first())) == len("2026-12-02")
    assert "T" in audit_module.shown_time(staff_login)

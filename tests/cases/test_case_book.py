"""The case book: opening, status history, follow-ups, sharing, private notes (encrypted, audited),
referrals in from a wali kelas, the home cards, the student page's timeline, personal data."""

import datetime

import pytest
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from ekonseling.accounts.models import Role
from ekonseling.cases import actions, home
from ekonseling.cases.models import Case, CaseNote, FollowUp, Referral, StatusChange
from ekonseling.core import personal_data, policy, registry
from ekonseling.core.models import AuditEvent
from ekonseling.students import records
from tests import factories

NOTE = "Siswa bercerita dipukul kakaknya di rumah."


def open_case(world, student=None, by=None, **kwargs):
    kwargs.setdefault("title", "Perundungan di grup kelas")
    kwargs.setdefault("bidang", "sosial")
    return actions.open_case(student or world.student, by or world.gurubk, **kwargs)


def page(client, user, url):
    client.force_login(user)
    return client.get(url)


# --- opening and status ------------------------------------------------------------------------------------


def test_opening_a_case_makes_the_counselor_its_handler_and_starts_the_history(world):
    case = open_case(world)

    assert list(case.counselors.all()) == [world.gurubk]
    assert case.status == Case.Status.NEW
    assert [(c.from_status, c.to_status, c.by) for c in case.status_changes.all()] == [("", "baru", world.gurubk)]
    assert AuditEvent.objects.filter(action="create", object_type="cases.Case", object_id=str(case.pk)).exists()


def test_only_a_counselor_who_serves_the_student_opens_a_case(world):
    with pytest.raises(actions.NotAllowed):
        open_case(world, student=world.other_student)  # gurubk_other's student
    for user in (world.walikelas, world.kepsek, world.operator, world.siswa):
        with pytest.raises(actions.NotAllowed):
            open_case(world, by=user)
    assert open_case(world, student=world.other_student, by=world.koordinator).pk
    assert Case.objects.count() == 1


def test_every_status_change_is_kept_in_order_and_a_bad_one_is_refused(world):
    case = open_case(world)
    actions.set_status(case, world.gurubk, Case.Status.HANDLING, "Sesi pertama dijadwalkan.")
    actions.set_status(case, world.gurubk, Case.Status.REFERRED)
    actions.set_status(case, world.gurubk, Case.Status.CLOSED)
    case.refresh_from_db()
    assert case.status == "selesai" and case.closed_at is not None

    with pytest.raises(actions.BadTransition) as refused:
        actions.set_status(case, world.gurubk, Case.Status.REFERRED)  # a closed case is reopened first
    assert refused.value.code == "cases.bad_transition"

    actions.set_status(case, world.gurubk, Case.Status.HANDLING)  # reopened
    case.refresh_from_db()
    assert case.closed_at is None
    history = [(c.from_status, c.to_status) for c in StatusChange.objects.filter(case=case)]
    assert history == [
        ("", "baru"),
        ("baru", "ditangani"),
        ("ditangani", "dirujuk"),
        ("dirujuk", "selesai"),
        ("selesai", "ditangani"),
    ]
    assert (
        StatusChange.objects.get(case=case, to_status="ditangani", from_status="baru").note
        == "Sesi pertama dijadwalkan."
    )


def test_the_status_form_changes_the_status_and_the_page_shows_the_history(client, world):
    case = open_case(world)
    client.force_login(world.gurubk)
    response = client.post(reverse("cases:status", args=[case.pk]), {"status": "ditangani", "note": ""})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "ditangani"
    html = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert html.count('data-testid="status-change"') == 2


def test_the_problem_and_bidang_are_corrected_with_an_audit_line(client, world):
    case = open_case(world)
    client.force_login(world.gurubk)
    response = client.post(reverse("cases:edit", args=[case.pk]), {"title": "Konflik di rumah", "bidang": "pribadi"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.title, case.bidang) == ("Konflik di rumah", "pribadi")
    assert AuditEvent.objects.filter(object_id=str(case.pk), detail="changed: title, bidang").count() == 1
    client.post(reverse("cases:edit", args=[case.pk]), {"title": "   ", "bidang": "pribadi"})
    case.refresh_from_db()
    assert case.title == "Konflik di rumah"


def test_a_shared_counselor_reads_but_does_not_manage(world):
    case = open_case(world)
    actions.share(case, world.gurubk, world.gurubk_other)
    case = Case.objects.get(pk=case.pk)
    assert policy.can(world.gurubk_other, "case.read_notes", case)
    with pytest.raises(actions.NotAllowed):
        actions.set_status(case, world.gurubk_other, Case.Status.HANDLING)


def test_a_referral_out_moves_the_case_to_referred(world):
    from ekonseling.cases.models import ReferralOut

    case = open_case(world)
    actions.save_record(
        ReferralOut(case=case, to_kind="psychologist", to_name="Biro Psikologi Harapan", reason="Kecemasan berat"),
        world.gurubk,
    )
    case.refresh_from_db()
    assert case.status == "dirujuk"
    assert case.status_changes.last().to_status == "dirujuk"


# --- follow-ups ------------------------------------------------------------------------------------------


def test_a_follow_up_past_its_due_date_is_overdue_until_done(world):
    case = open_case(world)
    today = timezone.localdate()
    late = actions.add_follow_up(
        case, world.gurubk, description="Panggil orang tua", due_on=today - datetime.timedelta(days=1)
    )
    due_today = actions.add_follow_up(case, world.gurubk, description="Sesi 2", due_on=today)
    assert late.is_overdue() and not due_today.is_overdue()

    request = RequestFactory().get("/")
    request.user = world.gurubk
    assert home.counselor_card(request)["overdue"] == 1

    actions.complete_follow_up(late, world.gurubk)
    late.refresh_from_db()
    assert late.done_at is not None and late.done_by == world.gurubk and not late.is_overdue()
    assert home.counselor_card(request)["overdue"] == 0


def test_overdue_follow_ups_of_a_closed_case_no_longer_count(world):
    case = open_case(world)
    actions.add_follow_up(case, world.gurubk, description="x", due_on=timezone.localdate() - datetime.timedelta(days=3))
    request = RequestFactory().get("/")
    request.user = world.gurubk
    assert home.counselor_card(request)["overdue"] == 1
    actions.set_status(case, world.gurubk, Case.Status.CLOSED)
    assert home.counselor_card(request)["overdue"] == 0


def test_the_list_filters_the_cases_with_an_overdue_follow_up(client, world):
    late, on_time, closed = open_case(world), open_case(world), open_case(world)
    today = timezone.localdate()
    actions.add_follow_up(late, world.gurubk, description="x", due_on=today - datetime.timedelta(days=1))
    actions.add_follow_up(on_time, world.gurubk, description="x", due_on=today)
    actions.add_follow_up(closed, world.gurubk, description="x", due_on=today - datetime.timedelta(days=1))
    actions.set_status(closed, world.gurubk, Case.Status.CLOSED)
    html = page(client, world.gurubk, reverse("cases:list") + "?overdue=1").content.decode()
    assert f'data-case="{late.pk}"' in html
    assert f'data-case="{on_time.pk}"' not in html and f'data-case="{closed.pk}"' not in html


def test_the_case_page_marks_an_overdue_follow_up(client, world):
    case = open_case(world)
    actions.add_follow_up(case, world.gurubk, description="x", due_on=timezone.localdate() - datetime.timedelta(days=3))
    html = page(client, world.gurubk, reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'data-testid="overdue"' in html


# --- sharing and private notes ---------------------------------------------------------------------------------


def test_a_counselor_the_case_is_not_shared_with_cannot_open_it_and_sharing_grants_it(client, world):
    case = open_case(world, student=world.other_student, by=world.gurubk_other)
    actions.add_note(case, world.gurubk_other, NOTE)
    url = reverse("cases:detail", args=[case.pk])

    assert page(client, world.gurubk, url).status_code == 404
    assert case.pk not in [c.pk for c in policy.visible(world.gurubk, "case.list", Case.objects.all())]

    actions.share(case, world.gurubk_other, world.gurubk)
    response = page(client, world.gurubk, url)
    assert response.status_code == 200 and NOTE in response.content.decode()
    assert case.pk in [c.pk for c in policy.visible(world.gurubk, "case.list", Case.objects.all())]

    actions.unshare(case, world.gurubk_other, world.gurubk)
    assert page(client, world.gurubk, url).status_code == 404


def test_serving_the_student_is_not_enough_to_read_a_case(client, world):
    """The student is in gurubk's caseload, but the coordinator handles this case."""
    case = open_case(world, by=world.koordinator)
    assert page(client, world.gurubk, reverse("cases:detail", args=[case.pk])).status_code == 404


def test_the_coordinator_sees_every_case_but_reads_notes_only_once_shared(client, world):
    case = open_case(world)
    actions.add_note(case, world.gurubk, NOTE)
    url = reverse("cases:detail", args=[case.pk])

    html = page(client, world.koordinator, url).content.decode()
    assert NOTE not in html and 'data-testid="notes-withheld"' in html

    actions.share(case, world.koordinator, world.koordinator)  # an explicit, audited act
    assert NOTE in page(client, world.koordinator, url).content.decode()
    assert AuditEvent.objects.filter(
        object_id=str(case.pk), detail=f"shared with {world.koordinator.username}"
    ).exists()


def test_handling_passes_to_another_counselor_and_a_case_keeps_one(client, world):
    case = open_case(world)
    with pytest.raises(actions.BadCounselor) as refused:
        actions.remove_handler(case, world.koordinator, world.gurubk)
    assert refused.value.code == "cases.last_handler"

    client.force_login(world.koordinator)
    url = reverse("cases:access", args=[case.pk])
    client.post(url, {"action": "handle", "counselor": world.gurubk_other.pk})
    client.post(url, {"action": "release", "counselor": world.gurubk.pk})
    assert list(case.counselors.all()) == [world.gurubk_other]
    assert page(client, world.gurubk, reverse("cases:detail", args=[case.pk])).status_code == 404
    details = set(AuditEvent.objects.filter(object_id=str(case.pk), action="change").values_list("detail", flat=True))
    assert {f"handled by {world.gurubk_other.username}", f"no longer handled by {world.gurubk.username}"} <= details


def test_the_list_finds_a_student_by_name(client, world):
    world.classmate.name = "Kartika Sari"
    world.classmate.save(update_fields=["name"])
    mine, other = open_case(world), open_case(world, student=world.classmate)
    html = page(client, world.gurubk, reverse("cases:list") + "?q=kartika").content.decode()
    assert f'data-case="{other.pk}"' in html and f'data-case="{mine.pk}"' not in html


def test_sharing_is_only_with_an_active_counselor_of_the_school(world, other_world):
    case = open_case(world)
    for user in (world.walikelas, world.kepsek, world.siswa, other_world.gurubk):
        with pytest.raises(actions.BadCounselor):
            actions.share(case, world.gurubk, user)
    with pytest.raises(actions.BadCounselor):
        actions.share(case, world.gurubk, world.gurubk)  # already handles it
    assert not case.shares.exists()


def test_private_notes_are_encrypted_at_rest(world):
    case = open_case(world)
    note = actions.add_note(case, world.gurubk, NOTE)
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM cases_casenote WHERE id = %s", [note.pk])
        stored = cursor.fetchone()[0]
        cursor.execute("SELECT title FROM cases_case WHERE id = %s", [case.pk])
        title = cursor.fetchone()[0]
    assert NOTE not in stored and "dipukul" not in stored
    assert "Perundungan" not in title
    assert CaseNote.objects.get(pk=note.pk).body == NOTE


def test_every_reading_of_a_case_is_audited_and_names_the_notes(client, world):
    case = open_case(world)
    actions.add_note(case, world.gurubk, NOTE)
    page(client, world.gurubk, reverse("cases:detail", args=[case.pk]))
    page(client, world.koordinator, reverse("cases:detail", args=[case.pk]))

    reads = AuditEvent.objects.filter(action="read", object_type="cases.Case", object_id=str(case.pk))
    assert {(e.actor, e.detail) for e in reads} == {
        (world.gurubk, "title, private_notes"),
        (world.koordinator, "title"),
    }


def test_only_the_handling_and_shared_counselors_write_notes(client, world):
    case = open_case(world)
    with pytest.raises(actions.NotAllowed):
        actions.add_note(case, world.koordinator, "x")
    client.force_login(world.gurubk)
    response = client.post(reverse("cases:note", args=[case.pk]), {"body": NOTE})
    assert response.status_code == 302
    assert case.notes.get().body == NOTE


def test_the_principal_operator_wali_kelas_and_student_never_open_the_case_book(client, world):
    case = open_case(world)
    actions.add_note(case, world.gurubk, NOTE)
    for user in (world.kepsek, world.operator, world.walikelas, world.siswa):
        client.force_login(user)
        for url in (reverse("cases:list"), reverse("cases:detail", args=[case.pk])):
            assert client.get(url).status_code in (403, 404), (user.role, url)


def test_the_principal_home_has_no_case_book_names_or_notes(client, world):
    case = open_case(world)
    actions.add_note(case, world.gurubk, NOTE)
    actions.refer(world.classmate, world.walikelas, reason="Sering melamun")
    html = page(client, world.kepsek, reverse("core:home")).content.decode()
    for secret in (NOTE, world.student.name, world.classmate.name, "Perundungan"):
        assert secret not in html
    assert 'data-testid="case-book-card"' not in html


# --- referrals in ----------------------------------------------------------------------------------------------


def test_a_wali_kelas_refers_a_student_of_their_rombel_only(client, world):
    client.force_login(world.walikelas)
    response = client.post(reverse("cases:referral_new"), {"student": world.student.pk, "reason": "Sering melamun"})
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert (referral.source, referral.referred_by, referral.student) == ("wali_kelas", world.walikelas, world.student)

    response = client.post(reverse("cases:referral_new"), {"student": world.other_student.pk, "reason": "x"})
    assert response.status_code == 200  # not a choice: the form says so
    assert Referral.objects.count() == 1
    with pytest.raises(actions.NotAllowed):
        actions.refer(world.other_student, world.walikelas, reason="x")


def test_a_counselor_records_a_referral_from_someone_without_an_account(world):
    with pytest.raises(actions.CaseError) as refused:
        actions.refer(world.student, world.gurubk, reason="Orang tua menelepon", source="parent")
    assert refused.value.code == "cases.no_referrer"
    referral = actions.refer(
        world.student, world.gurubk, reason="Orang tua menelepon", source="parent", referrer_name="Ibu Sari"
    )
    assert (referral.source, referral.referrer_name) == ("parent", "Ibu Sari")


def test_the_wali_kelas_sees_the_referral_received_and_handled_but_never_the_notes(client, world):
    referral = actions.refer(world.student, world.walikelas, reason="Sering melamun di kelas")
    client.force_login(world.walikelas)
    url = reverse("cases:referral", args=[referral.pk])
    assert 'data-progress="waiting"' in client.get(url).content.decode()

    case = actions.accept_referral(referral, world.gurubk, title="Menarik diri", bidang="pribadi")
    actions.add_note(case, world.gurubk, NOTE)
    actions.add_follow_up(case, world.gurubk, description="Kunjungan rumah minggu depan", due_on=timezone.localdate())
    assert 'data-progress="received"' in client.get(url).content.decode()

    actions.set_status(case, world.gurubk, Case.Status.HANDLING)
    pages = [
        client.get(url),
        client.get(reverse("cases:referrals")),
        client.get(reverse("core:home")),
        client.get(reverse("students:detail", args=[world.student.pk])),
    ]
    for response in pages:
        html = response.content.decode()
        assert response.status_code == 200
        assert NOTE not in html and "Menarik diri" not in html and "Kunjungan rumah" not in html
        assert reverse("cases:detail", args=[case.pk]) not in html
    assert 'data-progress="handled"' in pages[0].content.decode()
    assert 'data-progress="handled"' in pages[2].content.decode()  # the home card
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 403


def test_another_wali_kelas_does_not_see_the_referral(client, world):
    referral = actions.refer(world.student, world.walikelas, reason="x")
    other = factories.user(world.school, Role.WALI_KELAS)
    client.force_login(other)
    assert client.get(reverse("cases:referral", args=[referral.pk])).status_code == 404


def test_the_counselor_receives_a_referral_into_a_new_or_an_open_case_once(client, world):
    first = actions.refer(world.student, world.walikelas, reason="Sering melamun")
    second = actions.refer(world.student, world.walikelas, reason="Tidur di kelas")
    client.force_login(world.gurubk)

    response = client.post(reverse("cases:referral", args=[first.pk]), {"title": "Menarik diri", "bidang": "pribadi"})
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("cases:detail", args=[case.pk])
    assert case.source == "wali_kelas"

    client.post(reverse("cases:referral", args=[second.pk]), {"case": case.pk})
    assert Case.objects.count() == 1
    assert set(case.referrals.values_list("pk", flat=True)) == {first.pk, second.pk}

    with pytest.raises(actions.AlreadyReceived):
        actions.accept_referral(first, world.gurubk, title="lagi", bidang="pribadi")


def test_a_counselor_who_does_not_serve_the_student_cannot_receive_the_referral(world):
    referral = actions.refer(world.student, world.walikelas, reason="x")
    with pytest.raises(actions.NotAllowed):
        actions.accept_referral(referral, world.gurubk_other, title="x", bidang="pribadi")
    assert Referral.objects.get().received_at is None


def test_a_case_opened_from_an_alert_links_to_it(client, world):
    from ekonseling.safety import actions as safety
    from ekonseling.safety.models import Alert

    alert, _ = safety.raise_alert(student=world.student, source=Alert.Source.SHEET, source_id=99, items=[4])
    other, _ = safety.raise_alert(student=world.classmate, source=Alert.Source.SHEET, source_id=98, items=[4])
    client.force_login(world.gurubk)
    url = reverse("cases:new", args=[world.student.pk]) + f"?alert={alert.pk}"
    form = client.get(url).content.decode()
    assert f'<option value="{alert.pk}" selected>' in form and f'value="{other.pk}"' not in form

    fields = {"title": "Butir kritis AUM", "bidang": "pribadi", "source": "alert"}
    response = client.post(url, {**fields, "alert": other.pk})  # the classmate's alert is not a choice
    assert response.status_code == 200 and not Case.objects.exists()
    response = client.post(url, {**fields, "alert": alert.pk})
    case = Case.objects.get()
    assert response.status_code == 302 and case.alert == alert
    html = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'data-testid="alert-link"' in html


# --- home cards, badge, query counts ------------------------------------------------------------------------------


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_the_counselor_card_counts_by_status_and_referrals_waiting(world):
    open_case(world)
    handled = open_case(world)
    actions.set_status(handled, world.gurubk, Case.Status.HANDLING)
    open_case(world, student=world.other_student, by=world.gurubk_other)  # not gurubk's
    actions.refer(world.student, world.walikelas, reason="x")
    actions.refer(world.other_student, world.koordinator, reason="x", source="teacher", referrer_name="Pak A")

    card = home.counselor_card(_request(world.gurubk))
    assert {value: count for value, _label, count in card["statuses"]} == {
        "baru": 1,
        "ditangani": 1,
        "dirujuk": 0,
        "selesai": 0,
    }
    assert card["waiting"] == 1
    assert home.counselor_card(_request(world.koordinator))["waiting"] == 2
    assert home.waiting_referrals(world.gurubk) == 1
    assert home.waiting_referrals(world.walikelas) == 0


def test_the_menu_entry_carries_the_referrals_waiting_as_its_badge(world):
    actions.refer(world.student, world.walikelas, reason="x")
    entries = {entry.url_name: entry for entry in registry.menu_for(world.gurubk)}
    assert entries["cases:referrals"].badge(world.gurubk) == 1
    assert entries["cases:referrals"].badge(world.walikelas) == 0
    assert "cases:list" not in {entry.url_name for entry in registry.menu_for(world.walikelas)}
    assert "cases:referrals" in {entry.url_name for entry in registry.menu_for(world.walikelas)}
    for user in (world.kepsek, world.operator, world.siswa):
        assert not {"cases:list", "cases:referrals"} & {entry.url_name for entry in registry.menu_for(user)}


def _many_cases(world, n):
    for i in range(n):
        student = factories.student(world.school, rombel=world.rombel_a)
        case = open_case(world, student=student, title=f"Kasus {i}")
        actions.add_follow_up(
            case, world.gurubk, description="x", due_on=timezone.localdate() - datetime.timedelta(days=1)
        )
        actions.refer(student, world.walikelas, reason="x")


def test_the_home_card_runs_two_queries_whatever_the_number_of_cases(world, django_assert_num_queries):
    # the cases by status with their overdue follow-ups (one aggregate), the referrals waiting
    _many_cases(world, 2)
    with django_assert_num_queries(2):
        home.counselor_card(_request(world.gurubk))
    _many_cases(world, 8)
    with django_assert_num_queries(2):
        card = home.counselor_card(_request(world.gurubk))
    assert card["overdue"] == 10 and card["waiting"] == 10


def test_the_home_card_counts_a_case_once_however_many_follow_ups_it_has(world):
    # The status counts and the overdue follow-ups come from one query joining the follow-ups: a
    # case with several follow-ups (overdue, done, not yet due) is still one case.
    case = open_case(world)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    for _ in range(3):
        actions.add_follow_up(case, world.gurubk, description="x", due_on=yesterday)
    actions.add_follow_up(case, world.gurubk, description="x", due_on=timezone.localdate() + datetime.timedelta(days=3))
    done = actions.add_follow_up(case, world.gurubk, description="x", due_on=yesterday)
    actions.complete_follow_up(done, world.gurubk)
    open_case(world, student=factories.student(world.school, rombel=world.rombel_a), title="Tanpa tindak lanjut")
    card = home.counselor_card(_request(world.gurubk))
    assert {value: count for value, _label, count in card["statuses"]}["baru"] == 2
    assert sum(count for _value, _label, count in card["statuses"]) == 2
    assert card["overdue"] == 3


def _count_queries(client, url):
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_case_list_runs_a_fixed_number_of_queries(client, world):
    client.force_login(world.gurubk)
    url = reverse("cases:list")
    client.get(url)  # the first page after signing in renews the session; the next, inside the window, does not
    _many_cases(world, 2)
    few = _count_queries(client, url)
    _many_cases(world, 10)
    assert _count_queries(client, url) == few
    # session, user+school, OTP device, the page count, the card (by status with overdue; the guru
    # BK's caseload assignments, read once for the request; waiting), the page of cases with students
    # and rombel, their counselors (no session save: the session was renewed less than
    # SESSION_RENEW_SECONDS ago, core.middleware.IdleSessionMiddleware; it was 3)
    assert few == 9, few


def test_the_wali_kelas_card_runs_one_query(world, django_assert_num_queries):
    _many_cases(world, 3)
    with django_assert_num_queries(1):
        card = home.wali_kelas_card(_request(world.walikelas))
    assert len(card["referrals"]) == 3


# --- the student page's timeline --------------------------------------------------------------------------------


def test_the_timeline_shows_each_viewer_only_what_they_may_see(client, world):
    referral = actions.refer(world.student, world.walikelas, reason="x")
    case = actions.accept_referral(referral, world.gurubk, title="Menarik diri", bidang="pribadi")
    actions.add_note(case, world.gurubk, NOTE)
    hidden = open_case(world, by=world.koordinator, title="Kasus koordinator")
    url = reverse("students:detail", args=[world.student.pk])

    html = page(client, world.gurubk, url).content.decode()
    assert 'id="counseling-timeline"' in html
    assert reverse("cases:detail", args=[case.pk]) in html
    assert reverse("cases:detail", args=[hidden.pk]) not in html  # not handled by, nor shared with, gurubk
    assert NOTE not in html

    html = page(client, world.koordinator, url).content.decode()
    assert reverse("cases:detail", args=[case.pk]) in html and reverse("cases:detail", args=[hidden.pk]) in html

    html = page(client, world.walikelas, url).content.decode()
    assert (
        'id="counseling-timeline"' in html
        and "cases/" not in html.split('id="counseling-timeline"')[1].split("</section>")[0]
    )

    html = page(client, world.siswa, url).content.decode()
    assert 'id="counseling-timeline"' not in html and "Menarik diri" not in html

    reads = AuditEvent.objects.filter(action="read", object_type="students.Student", detail__startswith="case timeline")
    assert {e.actor for e in reads} == {world.gurubk, world.koordinator}


def test_the_timeline_leaves_out_an_anonymous_question(client, world):
    import uuid

    from ekonseling.counseling import letters

    started = letters.start_question(world.student, world.siswa, body="Boleh tanya?", client_key=uuid.uuid4())
    html = page(client, world.gurubk, reverse("students:detail", args=[world.student.pk])).content.decode()
    timeline = html.split('id="counseling-timeline"')[1].split("</section>")[0]
    assert reverse("counseling:conversation", args=[started.conversation.pk]) not in timeline


# --- personal data -----------------------------------------------------------------------------------------


def test_the_export_lists_cases_without_their_contents(world):
    case = open_case(world)
    actions.add_note(case, world.gurubk, NOTE)
    actions.refer(world.student, world.walikelas, reason="Sering melamun")

    data = personal_data.export(world.student)
    book = data["case_book"]
    assert len(book["cases"]) == 1 and book["cases"][0]["status"] == "baru"
    assert len(book["referrals"]) == 1
    text = str(data)
    assert NOTE not in text and "Perundungan" not in text and "Sering melamun" not in text
    # The contents are a declared decision (counselor-side), not something left out of this copy.
    assert data["complete"] is True and data["omitted"] == []

    assert personal_data.export(world.classmate)["case_book"] == {"cases": [], "referrals": []}
    assert personal_data.export(world.student, world.koordinator)["case_book"] == book


def test_the_operators_copy_has_no_case_book_whether_or_not_there_are_cases(world):
    open_case(world)
    with_case = personal_data.export(world.student, world.operator)
    without = personal_data.export(world.classmate, world.operator)
    for data in (with_case, without):
        assert data["case_book"] is None and "case_book" in data["omitted"]


def test_erasing_a_student_erases_their_case_book(world):
    case = open_case(world)
    actions.add_note(case, world.gurubk, NOTE)
    actions.add_follow_up(case, world.gurubk, description="x", due_on=timezone.localdate())
    actions.refer(world.student, world.walikelas, reason="x")
    request = records.request_deletion(world.student, world.koordinator, "Permintaan orang tua")
    records.carry_out_deletion(request, world.operator)

    assert not Case.objects.exists() and not CaseNote.objects.exists()
    assert not FollowUp.objects.exists() and not Referral.objects.exists()


def test_the_student_page_timeline_runs_a_fixed_number_of_queries(client, world):
    from ekonseling.cases.models import HomeVisit

    client.force_login(world.gurubk)
    url = reverse("students:detail", args=[world.student.pk])

    def add_case():
        case = open_case(world)
        actions.add_follow_up(case, world.gurubk, description="x", due_on=timezone.localdate())
        actions.save_record(HomeVisit(case=case, visit_on=timezone.localdate(), address="x", purpose="x"), world.gurubk)
        actions.refer(world.student, world.walikelas, reason="x")

    add_case()
    client.get(url)  # the first page after signing in renews the session; the next, inside the window, does not
    one = _count_queries(client, url)
    for _ in range(4):
        add_case()
    assert _count_queries(client, url) == one

"""Every routed URL × every role and anonymous: each cell is asserted allowed or denied.

A URL that is routed but missing from MATRIX fails `test_every_url_is_in_the_matrix`, so a new
view cannot ship without deciding who may open it.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from ekonseling.accounts.models import Role
from ekonseling.core.admin_site import admin_site

ROLES = [Role.OPERATOR, Role.KOORDINATOR_BK, Role.GURU_BK, Role.WALI_KELAS, Role.KEPALA_SEKOLAH, Role.SISWA]
ALL = frozenset(ROLES)
PUBLIC = "public"  # anonymous may open it too
ANON = "anonymous"


def _own_student(world):
    return {"pk": world.student.pk}


def _other_caseload_student(world):
    return {"pk": world.other_student.pk}


def _photo_of(attr):
    def build(world):
        import io

        from django.core.files.base import ContentFile
        from PIL import Image

        student = getattr(world, attr)
        out = io.BytesIO()
        Image.new("RGB", (8, 8)).save(out, "JPEG")
        student.photo.save("p.jpg", ContentFile(out.getvalue()))
        return {"pk": student.pk}

    return build


def _pending_deletion_request(world):
    from ekonseling.students import records

    return {"pk": records.request_deletion(world.student, world.koordinator, "Permintaan orang tua").pk}


STAFF_EDITORS = {Role.OPERATOR, Role.KOORDINATOR_BK, Role.GURU_BK}
COUNSELORS = {Role.KOORDINATOR_BK, Role.GURU_BK}


def _import_batch(world):
    from ekonseling.students import imports

    csv = b"Nama,NISN,JK,Rombel\nAni,0012345678,P,X-A\n"
    return {"pk": imports.preview(world.school, csv, "a.csv", world.operator).pk}


def _chat_of(attr="student"):
    def build(world):
        from ekonseling.counseling import services

        return {"pk": services.start_conversation(getattr(world, attr)).pk}

    return build


def _question(world):
    import uuid

    from ekonseling.counseling import letters

    started = letters.start_question(world.student, world.siswa, body="Boleh tanya?", client_key=uuid.uuid4())
    return {"pk": started.conversation.pk}


def _letter(world, claimed_by=None):
    import uuid

    from ekonseling.counseling import letters, services

    conversation = letters.start_letter(
        world.student, world.siswa, subject="Tentang kelas", body="Bu, saya mau cerita.", client_key=uuid.uuid4()
    ).conversation
    if claimed_by is not None:
        services.claim(conversation, getattr(world, claimed_by))
    return conversation


def _attachment(world):
    import io
    import uuid

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from ekonseling.counseling import attachments, letters

    conversation = _letter(world)
    image = io.BytesIO()
    Image.new("RGB", (4, 4)).save(image, "PNG")
    upload = SimpleUploadedFile("foto.png", image.getvalue(), content_type="image/png")
    letters.reply(
        conversation, world.siswa, body="Ini fotonya.", client_key=uuid.uuid4(), prepared=attachments.prepare(upload)
    )
    return {"pk": conversation.messages.get(seq=2).attachment.pk}


def _alert(world):
    from ekonseling.counseling import services
    from ekonseling.counseling.models import Conversation
    from ekonseling.safety import actions
    from ekonseling.safety.models import Alert

    conversation = services.start_conversation(world.student)
    import uuid

    posted = services.post_messages([services.Draft(conversation.pk, world.siswa, uuid.uuid4(), "Halo")])[0]
    Conversation.objects.filter(pk=conversation.pk).update(urgent=True)
    alert, _ = actions.raise_alert(
        student=world.student, source=Alert.Source.MESSAGE, source_id=posted.message.pk, items=[], severity="high"
    )
    return {"pk": alert.pk}


CHAT_USERS = {Role.SISWA, Role.KOORDINATOR_BK, Role.GURU_BK}
COUNSELING_MATRIX = {
    "counseling:home": (CHAT_USERS, "get", None),
    "counseling:chat_new": ({Role.SISWA}, "get", None),
    "counseling:inbox": (COUNSELORS, "get", None),
    "counseling:office_hours": (COUNSELORS, "get", None),
    "counseling:risk_lexicon": ({Role.KOORDINATOR_BK}, "get", None),
    # An unclaimed chat of world.student: the student, the guru BK who serves them, the coordinator.
    "counseling:conversation": (CHAT_USERS, "get", _chat_of()),
    "counseling:messages": (CHAT_USERS, "get", _chat_of()),
    "counseling:mark_read": (CHAT_USERS, "post", _chat_of()),
    # An empty POST (no file) is refused as input (400 JSON) once access is granted.
    "counseling:chat_attachment": (CHAT_USERS, "post", _chat_of()),
    "counseling:claim": (COUNSELORS, "post", _chat_of()),
    # Handling an unclaimed conversation is the coordinator's until a guru BK claims it.
    "counseling:transfer": ({Role.KOORDINATOR_BK}, "post", _chat_of()),
    "counseling:set_status": ({Role.KOORDINATOR_BK}, "post", _chat_of()),
    "counseling:alert_decide": ({Role.KOORDINATOR_BK}, "post", _alert),
    "counseling:letter_new": ({Role.SISWA}, "get", None),
    "counseling:question_new": ({Role.SISWA}, "get", None),
    "counseling:reveal": ({Role.SISWA}, "post", _question),
    "counseling:reply": (CHAT_USERS, "post", lambda world: {"pk": _letter(world).pk}),
    "counseling:attachment": (CHAT_USERS, "get", _attachment),
    "counseling:export_pdf": ({Role.GURU_BK}, "get", lambda world: {"pk": _letter(world, "gurubk").pk}),
    # The handling counselor's summary for the export: conversation.manage, as the export.
    "counseling:summary": ({Role.GURU_BK}, "post", lambda world: {"pk": _letter(world, "gurubk").pk}),
    # A counselor reaches out to a student of their caseload (world.student is gurubk's).
    "counseling:start_for": (COUNSELORS, "get", _own_student),
    # An empty call-in is refused as input (400) once access is granted.
    "counseling:call_in_new": (COUNSELORS, "post", _own_student),
    "counseling:call_ins": (COUNSELORS, "get", None),
    # gurubk's call-in of world.student: the student acknowledges; its sender or the coordinator closes it.
    "counseling:call_in_acknowledge": ({Role.SISWA}, "post", lambda world: {"pk": _call_in(world)}),
    "counseling:call_in_status": (COUNSELORS, "post", lambda world: {"pk": _call_in(world)}),
}


def _call_in(world, counselor="gurubk", student="student"):
    from ekonseling.counseling import outreach

    sender = getattr(world, counselor)
    return outreach.send_call_in(getattr(world, student), sender, message="Datang ke ruang BK ya.").pk


def _home_card(name):
    return lambda world: {"name": name}


# The kernel's live parts of the home page: badges for everyone signed in; a live card only for
# those who see it on their home (404 for the others, so the page removes it).
HOME_MATRIX = {
    "core:badges": (ALL, "get", None),
    "core:home_card": (COUNSELORS, "get", _home_card("counseling.counselor")),
}
IMPORT_MATRIX = {
    "students:import": ({Role.OPERATOR}, "get", None),
    "students:import_preview": ({Role.OPERATOR}, "get", _import_batch),
}
# Student logins are issued by counselors only: a card holder can sign in as the student first, and
# the student's account reads health notes and results the operator may not (issue 11).
ACCOUNT_MATRIX = {
    "students:account_rombels": (COUNSELORS, "get", None),
    "students:rombel_accounts": (COUNSELORS, "get", lambda world: {"pk": world.rombel_a.pk}),
    # Nothing pending to print: allowed users are sent back with an explanation (302).
    "students:rombel_login_cards": (COUNSELORS, "get", lambda world: {"pk": world.rombel_a.pk}),
    "students:student_reset_password": (COUNSELORS, "get", _own_student),
    "students:student_login_card": (COUNSELORS, "get", _own_student),
    "students:student_changes": (COUNSELORS, "get", _own_student),
    "students:my_profile": ({Role.SISWA}, "get", None),
}
RECORD_MATRIX = {
    "students:edit": (STAFF_EDITORS, "get", _own_student),
    "students:photo": (
        {Role.OPERATOR, Role.KOORDINATOR_BK, Role.GURU_BK, Role.WALI_KELAS, Role.SISWA},
        "get",
        _photo_of("student"),
    ),
    "students:personal_data": ({Role.OPERATOR, Role.KOORDINATOR_BK, Role.SISWA}, "get", _own_student),
    "students:request_deletion": ({Role.OPERATOR, Role.KOORDINATOR_BK}, "get", _own_student),
    "students:deletion_requests": ({Role.OPERATOR}, "get", None),
    # Without a password the operator is sent back to the list (302); nothing is erased.
    "students:deletion_decide": ({Role.OPERATOR}, "post", _pending_deletion_request),
    "students:rombel_export": (STAFF_EDITORS, "get", lambda world: {"pk": world.rombel_a.pk}),
    "students:year_end": ({Role.OPERATOR}, "get", None),
    "students:caseload": ({Role.OPERATOR, Role.KOORDINATOR_BK}, "get", None),
}


def _instrument(world):
    from ekonseling.instruments import services

    raw = (services.SAMPLES_DIR / "dcm-contoh.json").read_bytes()
    return services.import_definition(world.school, raw, "dcm-contoh.json")[0]


def _instrument_administration(rombel="rombel_a", opened_by="gurubk"):
    def build(world):
        from datetime import timedelta

        from django.utils import timezone

        from ekonseling.instruments import services

        now = timezone.now()
        return services.open_administration(
            instrument=_instrument(world),
            title="DCM",
            opens_at=now - timedelta(hours=1),
            closes_at=now + timedelta(days=1),
            created_by=getattr(world, opened_by),
            rombels=[getattr(world, rombel)],
        )

    return build


def _administration_pk(rombel="rombel_a", opened_by="gurubk"):
    return lambda world: {"pk": _instrument_administration(rombel, opened_by)(world).pk}


def _own_sheet(world):
    return {"pk": _instrument_administration()(world).assignments.get(student=world.student).pk}


def _critical_alert(attr="student", rombel="rombel_a", opened_by="gurubk"):
    def build(world):
        from ekonseling.safety import actions
        from ekonseling.safety.models import Alert

        sheet = _instrument_administration(rombel, opened_by)(world).assignments.get(student=getattr(world, attr))
        alert, _ = actions.raise_alert(student=sheet.student, source=Alert.Source.SHEET, source_id=sheet.pk, items=[4])
        return {"pk": alert.pk}

    return build


# Instruments, the counselor's side: wali kelas, principal, operator and students see none of it.
INSTRUMENT_MANAGE_MATRIX = {
    "instruments:library": (COUNSELORS, "get", None),
    "instruments:install_samples": (COUNSELORS, "post", None),
    "instruments:import_definition": (COUNSELORS, "get", None),
    "instruments:instrument": (COUNSELORS, "get", lambda world: {"pk": _instrument(world).pk}),
    "instruments:export_definition": (COUNSELORS, "get", lambda world: {"pk": _instrument(world).pk}),
    "instruments:archive": (COUNSELORS, "post", lambda world: {"pk": _instrument(world).pk}),
    "instruments:definition_template": (COUNSELORS, "get", lambda world: {"kind": "checklist_topic"}),
    "instruments:export_definition_xlsx": (COUNSELORS, "get", lambda world: {"pk": _instrument(world).pk}),
    "instruments:edit_definition": (COUNSELORS, "get", lambda world: {"pk": _instrument(world).pk}),
    "instruments:administrations": (COUNSELORS, "get", None),
    "instruments:administration_new": (COUNSELORS, "get", None),
    # gurubk opened it for rombel_a, which gurubk serves.
    "instruments:administration": (COUNSELORS, "get", _administration_pk()),
    "instruments:administration_status": (COUNSELORS, "get", _administration_pk()),
    "instruments:administration_release": (COUNSELORS, "post", _administration_pk()),
    # An empty POST is refused with a message and a redirect (302); nothing changes.
    "instruments:assignment_extend": (COUNSELORS, "post", _own_sheet),
    "instruments:assignment_reopen": (COUNSELORS, "post", _own_sheet),
    "instruments:alert": (COUNSELORS, "get", _critical_alert()),
}


def _fill_sheet(attr="student", released=False):
    """An open AUM administration for rombel_a; the sheet of `attr`, submitted and released if asked."""

    def build(world):
        from datetime import timedelta

        from django.utils import timezone

        from ekonseling.instruments import services

        path = services.SAMPLES_DIR / "aum-umum-contoh.json"
        instrument, _ = services.import_definition(world.school, path.read_bytes(), path.name)
        now = timezone.now()
        administration = services.open_administration(
            instrument=instrument,
            title="AUM X-A",
            opens_at=now - timedelta(hours=1),
            closes_at=now + timedelta(days=1),
            created_by=world.gurubk,
            rombels=[world.rombel_a],
        )
        sheet = administration.assignments.get(student=getattr(world, attr))
        if released:
            services.submit(sheet, by=world.siswa)
            services.release_results(administration, by=world.gurubk)
        return {"pk": sheet.pk}

    return build


# A student fills their own sheets and reads their own released results; no staff role fills.
INSTRUMENT_FILL_MATRIX = {
    "instruments:my": ({Role.SISWA}, "get", None),
    "instruments:fill": ({Role.SISWA}, "get", _fill_sheet()),
    # An empty POST is "nothing to save": the sheet's revision comes back as JSON.
    "instruments:autosave": ({Role.SISWA}, "post", _fill_sheet()),
    # Without the confirmation tick the student is sent back to the review page (302).
    "instruments:submit": ({Role.SISWA}, "post", _fill_sheet()),
    "instruments:result": ({Role.SISWA}, "get", _fill_sheet(released=True)),
}
# The classmate's sheet (same rombel, same administration) is not the student's.
INSTRUMENT_FILL_OBJECT_CELLS = [
    ("instruments:fill", _fill_sheet("classmate"), set()),
    ("instruments:result", _fill_sheet("classmate", released=True), set()),
]


def _entry_administration(attr="gurubk", rombel="rombel_a"):
    """An AUM administration opened by `attr` for `rombel` (answers typed from paper or imported)."""

    def build(world):
        from datetime import timedelta

        from django.utils import timezone

        from ekonseling.instruments import services

        name = "aum-umum-contoh.json"
        instrument, _ = services.import_definition(world.school, (services.SAMPLES_DIR / name).read_bytes(), name)
        administration = services.open_administration(
            instrument=instrument,
            title="AUM",
            opens_at=timezone.now() - timedelta(hours=1),
            closes_at=timezone.now() + timedelta(days=1),
            created_by=getattr(world, attr),
            rombels=[getattr(world, rombel)],
        )
        return {"pk": administration.pk}

    return build


def _pending_answer_import(attr="gurubk", rombel="rombel_a"):
    def build(world):
        from ekonseling.instruments import answer_import
        from ekonseling.instruments.models import Administration

        administration = Administration.objects.get(pk=_entry_administration(attr, rombel)(world)["pk"])
        student = getattr(world, "student" if rombel == "rombel_a" else "other_student")
        csv = f"NISN,{','.join(str(n) for n in range(1, 51))},berat\n{student.nisn},ya\n".encode()
        return {"pk": answer_import.preview(administration, csv, "a.csv", getattr(world, attr)).pk}

    return build


# Answers typed from paper or imported: the counselors who manage the administration; a pending
# import its uploader (gurubk here) and the counselors allowed on the administration who serve
# every student it would write (the coordinator).
INSTRUMENT_ENTRY_MATRIX = {
    "instruments:paper_entry": (COUNSELORS, "get", _entry_administration()),
    "instruments:answer_import": (COUNSELORS, "get", _entry_administration()),
    "instruments:answer_import_preview": (COUNSELORS, "get", _pending_answer_import()),
}


def _report_administration(rombel="rombel_a", creator="gurubk"):
    """A DCM administration of one rombel with the first student's sheet submitted."""

    def build(world):
        from datetime import timedelta

        from django.utils import timezone

        from ekonseling.instruments import services

        name = "dcm-contoh.json"
        instrument, _ = services.import_definition(world.school, (services.SAMPLES_DIR / name).read_bytes(), name)
        now = timezone.now()
        administration = services.open_administration(
            instrument=instrument,
            title="DCM uji",
            opens_at=now - timedelta(hours=1),
            closes_at=now + timedelta(days=1),
            created_by=getattr(world, creator),
            rombels=[getattr(world, rombel)],
        )
        sheet = administration.assignments.order_by("pk").first()
        services.record_sheet(sheet, {"items": {"1": True}}, by=world.koordinator, source="paper")
        return {"administration": administration, "sheet": sheet}

    return build


def _report_of(rombel="rombel_a", creator="gurubk"):
    build = _report_administration(rombel, creator)
    return lambda world: {"pk": build(world)["administration"].pk}


def _sheet_report_of(rombel="rombel_a", creator="gurubk"):
    build = _report_administration(rombel, creator)
    return lambda world: {"pk": build(world)["sheet"].pk}


# Group reports: administration.manage (its creator, counselors of its rombel, the coordinator);
# one student's report: assignment.view (the counselors serving the student). Never wali kelas,
# principal, operator or the student here (the student's own result page is elsewhere).
INSTRUMENT_REPORTS_MATRIX = {
    "instruments:group_report": (COUNSELORS, "get", _report_of()),
    "instruments:group_report_xlsx": (COUNSELORS, "get", _report_of()),
    "instruments:group_report_pdf": (COUNSELORS, "get", _report_of()),
    "instruments:individual_report": (COUNSELORS, "get", _sheet_report_of()),
    "instruments:individual_report_pdf": (COUNSELORS, "get", _sheet_report_of()),
    "instruments:individual_report_xlsx": (COUNSELORS, "get", _sheet_report_of()),
    "instruments:compare": (COUNSELORS, "get", None),
    # Nothing chosen to compare: allowed users are sent back to the comparison page (302).
    "instruments:compare_xlsx": (COUNSELORS, "get", None),
    "instruments:compare_pdf": (COUNSELORS, "get", None),
    "instruments:cohort": (COUNSELORS, "get", None),
}


def _case_of(attr="student", opened_by="gurubk", shared_with=None):
    """A case of `attr` opened by `opened_by` (who serves the student), shared with `shared_with` if named."""

    def build(world):
        from ekonseling.cases import actions

        case = actions.open_case(
            getattr(world, attr), getattr(world, opened_by), title="Sering bolos", bidang="belajar"
        )
        if shared_with:
            actions.share(case, getattr(world, opened_by), getattr(world, shared_with))
        return case

    return build


def _case_pk(*args, **kwargs):
    build = _case_of(*args, **kwargs)
    return lambda world: {"pk": build(world).pk}


def _follow_up(world):
    import datetime

    from ekonseling.cases import actions

    case = _case_of()(world)
    return {"pk": actions.add_follow_up(case, world.gurubk, description="Panggil", due_on=datetime.date(2026, 1, 5)).pk}


def _case_record(kind, attr="student", opened_by="gurubk"):
    def build(world):
        import datetime

        from ekonseling.cases import actions, models

        case = _case_of(attr, opened_by)(world)
        day = datetime.date(2026, 12, 1)
        record = {
            "panggilan-ortu": lambda: models.ParentCallIn(
                case=case, parent_name="Ibu Ani", meet_on=day, meet_at=datetime.time(9), place="Ruang BK", purpose="x"
            ),
            "kunjungan-rumah": lambda: models.HomeVisit(case=case, visit_on=day, address="Jl. Mawar 1", purpose="x"),
            "konferensi": lambda: models.CaseConference(
                case=case, held_on=day, place="Ruang BK", participants="Guru BK\nWali kelas", agenda="x"
            ),
            "alih-tangan": lambda: models.ReferralOut(case=case, to_kind="psychologist", to_name="Biro", reason="x"),
        }[kind]()
        actions.save_record(record, getattr(world, opened_by))
        return {"kind": kind, "pk": record.pk}

    return build


def _referral_of(attr="student", by="walikelas"):
    def build(world):
        from ekonseling.cases import actions

        referral = actions.refer(
            getattr(world, attr),
            getattr(world, by),
            reason="Sering melamun",
            source="teacher",
            referrer_name="Pak Guru",
        )
        return {"pk": referral.pk}

    return build


# The case book: counselors only; a case is read by its handling counselors, those it is shared with
# and the coordinator; private notes by the handling and shared counselors only. The wali kelas
# refers students of their rombel and sees their own referrals (progress only).
CASES_MATRIX = {
    "cases:list": (COUNSELORS, "get", None),
    "cases:new": (COUNSELORS, "get", _own_student),
    "cases:detail": (COUNSELORS, "get", _case_pk()),
    "cases:edit": (COUNSELORS, "get", _case_pk()),
    # Empty POSTs are refused with a message and a redirect (302): nothing changes.
    "cases:status": (COUNSELORS, "post", _case_pk()),
    "cases:note": ({Role.GURU_BK}, "post", _case_pk()),
    "cases:access": (COUNSELORS, "post", _case_pk()),
    "cases:follow_up_new": (COUNSELORS, "post", _case_pk()),
    "cases:follow_up_done": (COUNSELORS, "post", _follow_up),
    "cases:record_new": (COUNSELORS, "get", lambda world: {"pk": _case_of()(world).pk, "kind": "kunjungan-rumah"}),
    "cases:record": (COUNSELORS, "get", _case_record("kunjungan-rumah")),
    "cases:record_letter": (COUNSELORS, "get", _case_record("panggilan-ortu")),
    "cases:referrals": ({*COUNSELORS, Role.WALI_KELAS}, "get", None),
    "cases:referral_new": ({*COUNSELORS, Role.WALI_KELAS}, "get", None),
    "cases:referral": ({*COUNSELORS, Role.WALI_KELAS}, "get", _referral_of()),
}
CASES_OBJECT_CELLS = [
    # other_student's case, handled by gurubk_other: gurubk may not open it (the coordinator may).
    ("cases:detail", _case_pk("other_student", "gurubk_other"), {Role.KOORDINATOR_BK}),
    ("cases:edit", _case_pk("other_student", "gurubk_other"), {Role.KOORDINATOR_BK}),
    # A shared counselor reads the case but does not edit it.
    ("cases:edit", _case_pk("other_student", "gurubk_other", shared_with="gurubk"), {Role.KOORDINATOR_BK}),
    ("cases:record", _case_record("konferensi", "other_student", "gurubk_other"), {Role.KOORDINATOR_BK}),
    ("cases:record_letter", _case_record("alih-tangan", "other_student", "gurubk_other"), {Role.KOORDINATOR_BK}),
    # ... until it is shared with gurubk.
    ("cases:detail", _case_pk("other_student", "gurubk_other", shared_with="gurubk"), COUNSELORS),
    # A case of gurubk's own student handled by someone else (the coordinator): not gurubk's either.
    ("cases:detail", _case_pk("student", "koordinator"), {Role.KOORDINATOR_BK}),
    ("cases:new", _other_caseload_student, {Role.KOORDINATOR_BK}),
    ("cases:record_letter", _case_record("kunjungan-rumah"), COUNSELORS),
    ("cases:record_letter", _case_record("konferensi"), COUNSELORS),
    ("cases:record_letter", _case_record("alih-tangan"), COUNSELORS),
    # A referral about other_student recorded by the coordinator: not gurubk's, not the wali kelas's.
    ("cases:referral", _referral_of("other_student", "koordinator"), {Role.KOORDINATOR_BK}),
]


def _service_record(attr="student", counselor="gurubk", ask_laiseg=False):
    """A record of one student's individual counseling, written by `counselor`."""

    def build(world):
        from django.utils import timezone

        from ekonseling.records import services

        data = services.RecordData(
            service_type="konseling_perorangan",
            bidang="pribadi",
            medium="tatap_muka",
            date=timezone.localdate(),
            duration_minutes=30,
            scope="student",
            topic="Sesi uji",
            description="Catatan rahasia",
            students=[getattr(world, attr)],
            ask_laiseg=ask_laiseg,
        )
        return services.create_record(getattr(world, counselor), data)

    return build


def _record_pk(attr="student", counselor="gurubk"):
    return lambda world: {"pk": _service_record(attr, counselor)(world).pk}


def _laiseg_of(attr="student"):
    def build(world):
        from ekonseling.records.models import Laiseg

        record = _service_record("student")(world)
        if attr != "student":  # the classmate has no account: their Laiseg is made directly
            record.participations.create(student=getattr(world, attr))
        laiseg, _ = Laiseg.objects.get_or_create(school=world.school, record=record, student=getattr(world, attr))
        return {"pk": laiseg.pk}

    return build


# Service records: counselors only; a record's notes never reach wali kelas, principal or operator.
# The principal's recap is aggregates only; a student answers only their own Laiseg.
RECORDS_MATRIX = {
    "records:list": (COUNSELORS, "get", None),
    "records:new": (COUNSELORS, "get", None),
    # gurubk's record of world.student: gurubk wrote it, the coordinator reads everything.
    "records:detail": (COUNSELORS, "get", _record_pk()),
    "records:edit": (COUNSELORS, "get", _record_pk()),
    "records:laiseg_request": (COUNSELORS, "post", _record_pk()),
    "records:laiseg_results": (COUNSELORS, "get", None),
    "records:laiseg_answer": ({Role.SISWA}, "get", _laiseg_of()),
    "records:report": (COUNSELORS, "get", None),
    "records:report_pdf": (COUNSELORS, "get", None),
    "records:report_xlsx": (COUNSELORS, "get", None),
    "records:dashboard": (COUNSELORS, "get", None),
    "records:principal": ({Role.KEPALA_SEKOLAH, Role.KOORDINATOR_BK}, "get", None),
}
RECORDS_OBJECT_CELLS = [
    # A colleague's record of a student outside gurubk's caseload: only the coordinator.
    ("records:detail", _record_pk("other_student", "gurubk_other"), {Role.KOORDINATOR_BK}),
    ("records:edit", _record_pk("other_student", "gurubk_other"), {Role.KOORDINATOR_BK}),
    # The coordinator's record of gurubk's student: gurubk reads it (their caseload) but may not change it.
    ("records:detail", _record_pk("student", "koordinator"), {Role.KOORDINATOR_BK, Role.GURU_BK}),
    ("records:edit", _record_pk("student", "koordinator"), {Role.KOORDINATOR_BK}),
    # The classmate's Laiseg is not the student's to answer.
    ("records:laiseg_answer", _laiseg_of("classmate"), set()),
]


def _sociometric_survey(rombel="rombel_a", opened_by="gurubk"):
    """An open survey of `rombel` (one criterion, one choice); in rombel_a the classmate chose the
    student. rombel_b gets a second student first (a survey needs two)."""

    def build(world):
        from datetime import timedelta

        from django.utils import timezone

        from ekonseling.sociometry import services
        from tests import factories

        if rombel == "rombel_b":
            factories.student(world.school, rombel=world.rombel_b)
        now = timezone.now()
        survey = services.open_survey(
            rombel=getattr(world, rombel),
            title="Sosiometri",
            criteria=[("belajar", "")],
            opens_at=now - timedelta(hours=1),
            closes_at=now + timedelta(days=1),
            created_by=getattr(world, opened_by),
            choices=1,
        )
        if rombel == "rombel_a":
            criterion = survey.criteria.get()
            answer = {criterion.pk: services.CriterionAnswer([world.student.pk])}
            services.submit(survey, world.classmate, answer, by=world.gurubk, source="paper")
        return survey

    return build


def _survey_pk(rombel="rombel_a", opened_by="gurubk"):
    return lambda world: {"pk": _sociometric_survey(rombel, opened_by)(world).pk}


def _classmate_photo(attr="classmate"):
    def build(world):
        survey = _sociometric_survey()(world)
        return {"pk": survey.pk, "student_pk": _photo_of(attr)(world)["pk"]}

    return build


def _sociometry_alert(rombel="rombel_a", opened_by="gurubk"):
    """A sociometry alert (a student the class rejects) on the first member of `rombel`'s survey."""

    def build(world):
        from ekonseling.safety import actions
        from ekonseling.safety.models import ATTENTION, Alert

        member = _sociometric_survey(rombel, opened_by)(world).members.select_related("student").first()
        alert, _ = actions.raise_alert(
            student=member.student,
            source=Alert.Source.SOCIOMETRY,
            source_id=member.pk,
            items=["ditolak"],
            severity=ATTENTION,
        )
        return {"pk": alert.pk}

    return build


# Sociometry: the counselors of the rombel and the coordinator; a student fills their own survey
# and sees classmates' photos on it. Wali kelas, principal and operator see none of it.
SOCIOMETRY_MATRIX = {
    "sociometry:surveys": (COUNSELORS, "get", None),
    "sociometry:survey_new": (COUNSELORS, "get", None),
    "sociometry:compare": (COUNSELORS, "get", None),
    "sociometry:survey": (COUNSELORS, "get", _survey_pk()),
    # An empty POST changes nothing: a message and a redirect (302).
    "sociometry:survey_window": (COUNSELORS, "post", _survey_pk()),
    "sociometry:analysis": (COUNSELORS, "get", _survey_pk()),
    "sociometry:sociomatrix_xlsx": (COUNSELORS, "get", _survey_pk()),
    "sociometry:sociogram_svg": (COUNSELORS, "get", _survey_pk()),
    "sociometry:report_pdf": (COUNSELORS, "get", _survey_pk()),
    "sociometry:template_xlsx": (COUNSELORS, "get", _survey_pk()),
    "sociometry:paper_entry": (COUNSELORS, "get", _survey_pk()),
    "sociometry:import": (COUNSELORS, "get", _survey_pk()),
    "sociometry:my": ({Role.SISWA}, "get", None),
    "sociometry:fill": ({Role.SISWA}, "get", _survey_pk()),
    "sociometry:photo": ({Role.SISWA}, "get", _classmate_photo()),
    "sociometry:alert": (COUNSELORS, "get", _sociometry_alert()),
}
# rombel_b's survey (gurubk_other's): not gurubk's, not the student's; a photo of someone outside
# the survey is nobody's through it.
SOCIOMETRY_OBJECT_CELLS = [
    *[
        (name, _survey_pk("rombel_b", "gurubk_other"), {Role.KOORDINATOR_BK})
        for name in (
            "sociometry:survey",
            "sociometry:analysis",
            "sociometry:sociomatrix_xlsx",
            "sociometry:sociogram_svg",
            "sociometry:report_pdf",
            "sociometry:template_xlsx",
            "sociometry:paper_entry",
            "sociometry:import",
        )
    ],
    ("sociometry:fill", _survey_pk("rombel_b", "gurubk_other"), set()),
    # rombel_b's alert: gurubk_other's class, not gurubk's.
    ("sociometry:alert", _sociometry_alert("rombel_b", "gurubk_other"), {Role.KOORDINATOR_BK}),
    ("sociometry:photo", _classmate_photo("other_student"), set()),
]


def _appointment_of(
    attr="student", counselor="gurubk", status="confirmed", hours=48, medium="tatap_muka", by_counselor=False
):
    """An appointment of `attr` with `counselor`, booked directly and put in `status`."""

    def build(world):
        import datetime

        from django.utils import timezone

        from ekonseling.appointments.models import Appointment

        start = timezone.now() + datetime.timedelta(hours=hours)
        appointment = Appointment.objects.create(
            school=world.school,
            counselor=getattr(world, counselor),
            student=getattr(world, attr),
            starts_at=start,
            ends_at=start + datetime.timedelta(minutes=30),
            status=status,
            medium=medium,
            booked_by_counselor=by_counselor,
        )
        return {"pk": appointment.pk}

    return build


def _feed_token(world):
    from ekonseling.appointments import actions

    return {"token": actions.regenerate_feed(world.gurubk)}


# Appointments: the student's own and their counselor's; the koordinator sees the school's. Never the
# wali kelas, the principal or the operator (that a student sees BK is confidential). The feed is
# public at its secret address (the token is the key).
APPOINTMENTS_MATRIX = {
    "appointments:index": ({Role.SISWA, *COUNSELORS}, "get", None),
    "appointments:request": ({Role.SISWA}, "get", None),
    "appointments:book": (COUNSELORS, "get", None),
    "appointments:availability": (COUNSELORS, "get", None),
    "appointments:holidays": ({Role.KOORDINATOR_BK, Role.OPERATOR}, "get", None),
    "appointments:feed_settings": (COUNSELORS, "get", None),
    "appointments:feed": (PUBLIC, "get", _feed_token),
    "appointments:detail": ({Role.SISWA, *COUNSELORS}, "get", _appointment_of()),
    "appointments:confirm": ({Role.GURU_BK}, "post", _appointment_of(status="requested")),
    "appointments:propose": ({Role.GURU_BK}, "post", _appointment_of()),
    "appointments:accept": ({Role.SISWA}, "post", _appointment_of(status="proposed")),
    "appointments:cancel": ({Role.SISWA, Role.GURU_BK}, "post", _appointment_of()),
    "appointments:outcome": ({Role.GURU_BK}, "post", _appointment_of(hours=-1)),
    # A call: only the appointment's participants (its student and counselor), not the koordinator
    # who reads every appointment.
    "appointments:call": ({Role.SISWA, Role.GURU_BK}, "get", _appointment_of(medium="video")),
    # A group session's members: only the counselor who booked it (not its student, not the
    # koordinator who reads it).
    "appointments:group_add": ({Role.GURU_BK}, "post", _appointment_of(medium="video", by_counselor=True)),
    "appointments:group_remove": ({Role.GURU_BK}, "post", _appointment_of(medium="video", by_counselor=True)),
}
APPOINTMENTS_OBJECT_CELLS = [
    # gurubk_other's appointment with other_student: only the koordinator sees it, nobody else.
    ("appointments:detail", _appointment_of("other_student", "gurubk_other"), {Role.KOORDINATOR_BK}),
    # Another pair's call: nobody of the world is in it.
    ("appointments:call", _appointment_of("other_student", "gurubk_other", medium="video"), set()),
    # A face-to-face appointment has no call, not even for its participants.
    ("appointments:call", _appointment_of(), set()),
    # A student's request is no group session; another counselor's session is not theirs to fill.
    ("appointments:group_add", _appointment_of(), set()),
    ("appointments:group_add", _appointment_of("other_student", "gurubk_other", by_counselor=True), set()),
    ("appointments:group_remove", _appointment_of("other_student", "gurubk_other", by_counselor=True), set()),
]


def _program_item(creator="gurubk"):
    """A program made by `creator` with one item (classical guidance for rombel_a in August)."""

    def build(world):
        from ekonseling.program import services
        from ekonseling.students.models import AcademicYear

        year = AcademicYear.objects.get(school=world.school, is_current=True)
        program = services.create_empty(getattr(world, creator), year, "Program uji")
        data = services.ItemData("belajar", "Cara belajar", "bimbingan_klasikal", 8, 1, None, world.rombel_a)
        return services.add_item(getattr(world, creator), program.current(), data)

    return build


def _program_pk(creator="gurubk"):
    return lambda world: {"pk": _program_item(creator)(world).version.program_id}


def _program_item_pk(creator="gurubk"):
    return lambda world: {"pk": _program_item(creator)(world).pk}


# The BK program: every counselor reads it, its author and the coordinator change it; the
# principal (and the coordinator) see the realisation recap, counts only.
PROGRAM_MATRIX = {
    "program:list": (COUNSELORS, "get", None),
    "program:draft": (COUNSELORS, "get", None),
    "program:new": (COUNSELORS, "get", None),
    "program:recap": ({Role.KEPALA_SEKOLAH, Role.KOORDINATOR_BK}, "get", None),
    "program:detail": (COUNSELORS, "get", _program_pk()),
    "program:save_version": (COUNSELORS, "post", _program_pk()),
    "program:calendar": (COUNSELORS, "get", _program_pk()),
    "program:realisation": (COUNSELORS, "get", _program_pk()),
    "program:item_new": (COUNSELORS, "get", _program_pk()),
    "program:item": (COUNSELORS, "get", _program_item_pk()),
    "program:item_delete": (COUNSELORS, "post", _program_item_pk()),
    "program:link": (COUNSELORS, "post", _program_item_pk()),
    "program:hold_session": (COUNSELORS, "post", _program_item_pk()),
    "program:rpl": (COUNSELORS, "get", _program_item_pk()),
    "program:rpl_pdf": (COUNSELORS, "get", _program_item_pk()),
}
PROGRAM_OBJECT_CELLS = [
    # A colleague's program: every counselor reads it (the school's plan); adding to it is its author's.
    ("program:detail", _program_pk("gurubk_other"), COUNSELORS),
    ("program:item", _program_item_pk("gurubk_other"), COUNSELORS),
    ("program:item_new", _program_pk("gurubk_other"), {Role.KOORDINATOR_BK}),
]


def _article(audience="rombel", author="gurubk"):
    """A live article by `author` for rombel_a (world.student's), or for rombel_b (not theirs)."""

    def build(world):
        from django.utils import timezone

        from ekonseling.information import services

        rombels = {"rombel": [world.rombel_a], "other": [world.rombel_b]}[audience]
        data = services.ArticleData(
            "Info", "Isi", "rombel", timezone.now() - timezone.timedelta(hours=1), None, None, rombels
        )
        return {"pk": services.publish(getattr(world, author), data).pk}

    return build


def _article_media(audience="rombel"):
    """An image of a live article (see `_article`)."""

    def build(world):
        import io

        from django.core.files.uploadedfile import SimpleUploadedFile
        from PIL import Image

        from ekonseling.information import services
        from ekonseling.information.models import Article

        out = io.BytesIO()
        Image.new("RGB", (8, 8)).save(out, "PNG")
        article = Article.objects.get(pk=_article(audience)(world)["pk"])
        return {"pk": services.add_media(world.gurubk, article, SimpleUploadedFile("a.png", out.getvalue())).pk}

    return build


def _poll(rombel="a"):
    """An open live poll run by the counselor of rombel_a (or of rombel_b, not world.student's)."""

    def build(world):
        from ekonseling.information import services

        runner, target = (world.gurubk, world.rombel_a) if rombel == "a" else (world.gurubk_other, world.rombel_b)
        return {"pk": services.open_poll(runner, target, "Q?", ["a", "b"]).pk}

    return build


# The information service: counselors write and see read counts; a student reads what is addressed to them.
INFORMATION_MATRIX = {
    "information:my": ({Role.SISWA}, "get", None),
    "information:read": ({Role.SISWA}, "get", _article()),
    "information:list": (COUNSELORS, "get", None),
    "information:new": (COUNSELORS, "get", None),
    "information:reads": (COUNSELORS, "get", _article()),
    "information:edit": (COUNSELORS, "get", _article()),
    "information:media_add": (COUNSELORS, "post", _article()),
    "information:media_delete": (COUNSELORS, "post", _article_media()),
    "information:media": ({Role.SISWA, *COUNSELORS}, "get", _article_media()),
    "information:present": (COUNSELORS, "get", _article()),
    "information:poll_new": (COUNSELORS, "post", _article()),
    "information:polls_my": ({Role.SISWA}, "get", None),
    "information:poll": ({Role.SISWA}, "get", _poll()),
    "information:poll_results": ({Role.SISWA, *COUNSELORS}, "get", _poll()),
    "information:poll_close": (COUNSELORS, "post", _poll()),
}
INFORMATION_OBJECT_CELLS = [
    ("information:media", _article_media("other"), COUNSELORS),  # an image of an article not for them
    # A poll of rombel_b: not world.student's class, not world.gurubk's rombel; the koordinator's.
    ("information:poll", _poll("b"), set()),
    ("information:poll_results", _poll("b"), {Role.KOORDINATOR_BK}),
    ("information:read", _article("other"), set()),  # for rombel_b: not world.student's
    ("information:edit", _article("rombel", "gurubk_other"), {Role.KOORDINATOR_BK}),
]


# url name -> (allowed roles or PUBLIC, method, kwargs builder)
MATRIX = {
    "core:index": (PUBLIC, "get", None),
    "core:home": (ALL, "get", None),
    "students:summary": ({Role.OPERATOR, Role.KOORDINATOR_BK, Role.KEPALA_SEKOLAH}, "get", None),
    "core:audit_log": ({Role.KOORDINATOR_BK}, "get", None),
    "core:audit_export": ({Role.KOORDINATOR_BK}, "get", None),
    "core:healthz": (PUBLIC, "get", None),
    "core:manifest": (PUBLIC, "get", None),
    "core:service_worker": (PUBLIC, "get", None),
    "core:offline": (PUBLIC, "get", None),
    "accounts:login": (PUBLIC, "get", None),
    "accounts:logout": (ALL, "post", None),
    "accounts:account": (ALL, "get", None),
    "accounts:password_change": (ALL, "get", None),
    "accounts:logout_everywhere": (ALL, "post", None),
    "accounts:otp_setup": (ALL, "get", None),
    "accounts:otp_verify": (ALL, "get", None),
    "accounts:otp_disable": (ALL, "get", None),
    "accounts:restore_counseling": (ALL, "get", None),
    # Counselor accounts nobody has signed in to yet are activated by the coordinator.
    "accounts:staff_activation": ({Role.KOORDINATOR_BK}, "get", None),
    "accounts:staff_issue_password": ({Role.KOORDINATOR_BK}, "post", lambda world: {"pk": world.gurubk_other.pk}),
    "students:list": ({Role.OPERATOR, Role.KOORDINATOR_BK, Role.GURU_BK, Role.WALI_KELAS}, "get", None),
    # world.student is in rombel_a: gurubk's caseload, walikelas's homeroom, and siswa's own record.
    "students:detail": (
        {Role.OPERATOR, Role.KOORDINATOR_BK, Role.GURU_BK, Role.WALI_KELAS, Role.SISWA},
        "get",
        _own_student,
    ),
    "set_language": (PUBLIC, "post", None),
    **RECORD_MATRIX,
    **ACCOUNT_MATRIX,
    **IMPORT_MATRIX,
    **COUNSELING_MATRIX,
    **HOME_MATRIX,
    **INSTRUMENT_MANAGE_MATRIX,
    **INSTRUMENT_FILL_MATRIX,
    **INSTRUMENT_ENTRY_MATRIX,
    **INSTRUMENT_REPORTS_MATRIX,
    **RECORDS_MATRIX,
    **CASES_MATRIX,
    **SOCIOMETRY_MATRIX,
    **PROGRAM_MATRIX,
    **INFORMATION_MATRIX,
    **APPOINTMENTS_MATRIX,
}

# Extra cells for the same URL with another object: who may open a student outside their reach.
OBJECT_CELLS = [
    ("students:detail", _other_caseload_student, {Role.OPERATOR, Role.KOORDINATOR_BK}),
    ("students:edit", _other_caseload_student, {Role.OPERATOR, Role.KOORDINATOR_BK}),
    # world.other_student is gurubk_other's: gurubk may not open or claim it; the coordinator may.
    ("counseling:conversation", _chat_of("other_student"), {Role.KOORDINATOR_BK}),
    ("counseling:messages", _chat_of("other_student"), {Role.KOORDINATOR_BK}),
    # other_student is gurubk_other's: gurubk may not reach out to them, nor see or close their call-in.
    ("counseling:start_for", _other_caseload_student, {Role.KOORDINATOR_BK}),
    ("core:home_card", _home_card("counseling.student"), {Role.SISWA}),
    ("core:home_card", _home_card("students.own_record"), set()),  # not a live card
    ("core:home_card", _home_card("no.such-card"), set()),
    ("students:rombel_accounts", lambda world: {"pk": world.rombel_b.pk}, {Role.KOORDINATOR_BK}),
    ("students:rombel_login_cards", lambda world: {"pk": world.rombel_b.pk}, {Role.KOORDINATOR_BK}),
    ("students:student_reset_password", _other_caseload_student, {Role.KOORDINATOR_BK}),
    ("students:student_login_card", _other_caseload_student, {Role.KOORDINATOR_BK}),
    ("students:student_changes", _other_caseload_student, {Role.KOORDINATOR_BK}),
    ("students:photo", _photo_of("other_student"), {Role.OPERATOR, Role.KOORDINATOR_BK}),
    ("students:personal_data", _other_caseload_student, {Role.OPERATOR, Role.KOORDINATOR_BK}),
    ("students:rombel_export", lambda world: {"pk": world.rombel_b.pk}, {Role.OPERATOR, Role.KOORDINATOR_BK}),
    # An administration of rombel_b opened by gurubk_other, and an alert on other_student: not gurubk's.
    ("instruments:administration", _administration_pk("rombel_b", "gurubk_other"), {Role.KOORDINATOR_BK}),
    ("instruments:administration_status", _administration_pk("rombel_b", "gurubk_other"), {Role.KOORDINATOR_BK}),
    ("instruments:alert", _critical_alert("other_student", "rombel_b", "gurubk_other"), {Role.KOORDINATOR_BK}),
    *INSTRUMENT_FILL_OBJECT_CELLS,
    # An administration of rombel_b opened by gurubk_other: gurubk may not enter or import its answers.
    ("instruments:paper_entry", _entry_administration("gurubk_other", "rombel_b"), {Role.KOORDINATOR_BK}),
    ("instruments:answer_import", _entry_administration("gurubk_other", "rombel_b"), {Role.KOORDINATOR_BK}),
    ("instruments:answer_import_preview", _pending_answer_import("gurubk_other", "rombel_b"), {Role.KOORDINATOR_BK}),
    # rombel_b's administration (opened by gurubk_other) and other_student's sheet: not gurubk's.
    ("instruments:group_report", _report_of("rombel_b", "gurubk_other"), {Role.KOORDINATOR_BK}),
    ("instruments:group_report_xlsx", _report_of("rombel_b", "gurubk_other"), {Role.KOORDINATOR_BK}),
    ("instruments:group_report_pdf", _report_of("rombel_b", "gurubk_other"), {Role.KOORDINATOR_BK}),
    ("instruments:individual_report", _sheet_report_of("rombel_b", "gurubk_other"), {Role.KOORDINATOR_BK}),
    ("instruments:individual_report_pdf", _sheet_report_of("rombel_b", "gurubk_other"), {Role.KOORDINATOR_BK}),
    ("instruments:individual_report_xlsx", _sheet_report_of("rombel_b", "gurubk_other"), {Role.KOORDINATOR_BK}),
    *RECORDS_OBJECT_CELLS,
    *CASES_OBJECT_CELLS,
    *SOCIOMETRY_OBJECT_CELLS,
    *PROGRAM_OBJECT_CELLS,
    *INFORMATION_OBJECT_CELLS,
    *APPOINTMENTS_OBJECT_CELLS,
]

ADMIN_ROLES = {Role.OPERATOR}


def routed_names():
    names = set()

    def walk(patterns, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = namespace
                if p.namespace:
                    ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
                walk(p.url_patterns, ns)
            elif isinstance(p, URLPattern) and p.name:
                names.add(f"{namespace}:{p.name}" if namespace else p.name)

    walk(get_resolver().url_patterns, "")
    return names


def admin_changelists():
    return [f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist" for model in admin_site._registry]


def test_every_url_is_in_the_matrix():
    routed = {name for name in routed_names() if not name.startswith("admin:")}
    assert routed - set(MATRIX) == set(), "routed URLs missing from the access matrix"
    assert set(MATRIX) - routed == set(), "matrix names URLs that are not routed"


def _cells():
    for name, (allowed, method, kwargs) in MATRIX.items():
        for role in [*ROLES, ANON]:
            expected = allowed == PUBLIC or (role != ANON and role in allowed)
            yield pytest.param(name, method, kwargs, role, expected, id=f"{name}-{role}")
    for name, kwargs, allowed in OBJECT_CELLS:
        method = MATRIX[name][1]  # a POST view's object cells are posted
        for role in ROLES:
            yield pytest.param(name, method, kwargs, role, role in allowed, id=f"{name}-other-{role}")
    for name in ["admin:index", *admin_changelists()]:
        for role in [*ROLES, ANON]:
            yield pytest.param(name, "get", None, role, role in ADMIN_ROLES, id=f"{name}-{role}")


def _assert_denied(response, role):
    if role == ANON:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    else:
        assert response.status_code in (403, 404)


# Views that check their input after access: an allowed user's empty request is a 400, not 200/302.
VALIDATES_INPUT = {"counseling:chat_attachment", "counseling:call_in_new", "program:link"}


@pytest.mark.parametrize(("name", "method", "kwargs", "role", "expected"), list(_cells()))
def test_access_cell(client, world, name, method, kwargs, role, expected):
    if role != ANON:
        client.force_login(world.by_role()[role])
    url = reverse(name, kwargs=kwargs(world) if kwargs else None)
    response = getattr(client, method)(url)
    if expected:
        assert response.status_code in ((400,) if name in VALIDATES_INPUT else (200, 302)), response.status_code
        signs_out = name in ("accounts:logout", "accounts:logout_everywhere")
        if response.status_code == 302 and role != ANON and not signs_out:
            assert not response["Location"].startswith(reverse("accounts:login")), response["Location"]
    else:
        _assert_denied(response, role)

"""Hostile input never crashes (issue 11): a property-based fuzz over every endpoint that takes JSON,
the main forms and every WebSocket frame type.

Whatever arrives: never a 500, never a closed socket (1011), always an answer with a message, and
nothing half-written (a refused request stores no row). Examples are few per endpoint (the suite
runs in `make test`); the hostile corner cases are always among them (`st.sampled_from` first).
"""

import datetime
import json
import logging
import uuid

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ekonseling.asgi import application
from ekonseling.core import jsonsafe
from ekonseling.counseling import letters, lexicons, services
from ekonseling.counseling.models import Conversation, Message
from ekonseling.instruments.models import Instrument

FUZZ = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,  # no example database on disk: every run starts from the same corner cases
)

# The texts that crashed the server before (issue 11 item 9) and their kin.
HOSTILE_TEXTS = [
    "[" * 5000 + "]" * 5000,
    '{"a":' * 3000 + "1" + "}" * 3000,
    "1e400",
    "-1e400",
    "Infinity",
    "NaN",
    "-Infinity",
    "9" * 5000,
    '"\\ud800"',
    '{"x": "\\udfff"}',
    "[]",
    "{}",
    "null",
    "true",
    '"text"',
    "",
    "{",
    "\x00",
    "\u202e",
]
HOSTILE_NUMBERS = ["1e400", "Infinity", "-Infinity", "NaN", "1e308", str(2**70), "-1", "0", "1.5", "true", '"7"']

scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text()
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3),
    max_leaves=8,
)
hostile_number_text = st.sampled_from(HOSTILE_NUMBERS)


def _raw_object(fields):
    """A JSON object text whose values are raw JSON texts (so `1e400` and `Infinity` go as written)."""
    return "{" + ",".join(f"{json.dumps(k)}:{v}" for k, v in fields.items()) + "}"


def _field_value(names):
    return st.one_of(hostile_number_text, json_values.map(json.dumps), st.sampled_from(HOSTILE_TEXTS[:2]))


def request_bodies(names):
    """A JSON request body: a hostile text, an arbitrary JSON value, or an object with the
    endpoint's own field names holding hostile values."""
    objects = st.dictionaries(st.sampled_from(names), _field_value(names), max_size=len(names)).map(_raw_object)
    return st.one_of(st.sampled_from(HOSTILE_TEXTS), json_values.map(json.dumps), objects, st.binary(max_size=64))


def assert_answered(response, *, json_answer=True):
    assert response.status_code < 500, response.content[:300]
    if response.status_code >= 400 and json_answer:
        data = response.json()
        assert data.get("message") or data.get("error"), data


def _no_errors_logged(caplog):
    bad = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not bad, [r.getMessage() for r in bad]


# --- the bounded loader itself ------------------------------------------------------------------------------


@FUZZ
@given(st.one_of(st.sampled_from(HOSTILE_TEXTS), st.text(max_size=200), st.binary(max_size=200)))
def test_the_loader_answers_a_value_or_a_coded_refusal(data):
    try:
        jsonsafe.loads(data)
    except jsonsafe.JSONRejected as rejected:
        assert rejected.code in {"too_large", "too_deep", "bad_number", "bad_encoding", "malformed", "not_object"}
        assert str(rejected)


@pytest.mark.parametrize("text", ["1e400", "Infinity", "NaN", "[" * 100 + "]" * 100, "9" * 40, '"\\ud800"'])
def test_the_loader_refuses_what_crashed_the_server(text):
    with pytest.raises(jsonsafe.JSONRejected):
        jsonsafe.loads(text)


@pytest.mark.parametrize("value", [1e400, float("nan"), 2**70, -1, True, "1e400", "", [], {}, None, "٣"])
def test_bounded_int_names_no_row_for_hostile_numbers(value):
    assert jsonsafe.bounded_int(value) is None


# --- HTTP endpoints that take JSON --------------------------------------------------------------------------


@pytest.fixture
def student(client, world):
    client.force_login(world.siswa)
    return client


def test_chat_post_and_read_marks_survive_anything(student, world, caplog):
    conversation = services.start_conversation(world.student)
    post_url = reverse("counseling:messages", args=[conversation.pk])
    read_url = reverse("counseling:mark_read", args=[conversation.pk])

    @FUZZ
    @given(request_bodies(["client_key", "body", "seq", "delivered"]))
    @example(f'{{"client_key": "{uuid.uuid4()}", "body": "[[[["}}')
    @example('{"seq": 1e400, "delivered": Infinity}')
    def check(body):
        before = Message.objects.count()
        posted = student.post(post_url, body, content_type="application/json")
        assert_answered(posted)
        stored = Message.objects.count() - before
        assert stored == (1 if posted.status_code == 200 and not posted.json().get("duplicate") else 0)
        assert_answered(student.post(read_url, body, content_type="application/json"))

    check()
    # The GET half takes a sequence number in the query.
    for after in HOSTILE_NUMBERS + ["[]", "%00"]:
        assert_answered(student.get(post_url, {"after": after}))
    _no_errors_logged(caplog)


def test_autosave_survives_anything(student, world, caplog):
    from tests.instruments.test_views_fill import sheet_of

    sheet = sheet_of(world)
    url = reverse("instruments:autosave", args=[sheet.pk])

    @FUZZ
    @given(
        st.one_of(
            request_bodies(["items", "heavy", "open"]),
            st.fixed_dictionaries(
                {"items": st.dictionaries(st.sampled_from(["1", "2", "1e400", "-1", "99999", "x"]), json_values)}
            ).map(json.dumps),
        )
    )
    def check(body):
        revision = type(sheet).objects.get(pk=sheet.pk).revision
        response = student.post(url, body, content_type="application/json")
        assert_answered(response)
        if response.status_code != 200:
            assert type(sheet).objects.get(pk=sheet.pk).revision == revision

    check()
    _no_errors_logged(caplog)


def test_the_risk_lexicon_page_survives_anything(client, world, caplog):
    client.force_login(world.koordinator)
    url = reverse("counseling:risk_lexicon")

    @FUZZ
    @given(
        st.one_of(
            st.sampled_from(HOSTILE_TEXTS),
            json_values.map(json.dumps),
            st.dictionaries(st.sampled_from(["categories", "normalisation", "crisis", "_note"]), json_values).map(
                json.dumps
            ),
        ),
        st.sampled_from(["check", "save"]),
    )
    def check(text, action):
        before = lexicons.extension_of(world.school)
        response = client.post(url, {"extension": text, "action": action})
        assert response.status_code in (200, 302), response.status_code
        if response.status_code == 200 and action == "save":
            after = lexicons.extension_of(world.school)
            assert after == before  # shown again with the error: nothing saved

    check()
    _no_errors_logged(caplog)


def test_lexicon_text_that_is_not_an_object_is_refused_clearly():
    with pytest.raises(lexicons.ExtensionError):
        lexicons.parse("[]")


def test_definition_import_survives_anything(client, world, caplog):
    client.force_login(world.gurubk)
    url = reverse("instruments:import_definition")

    @FUZZ
    @given(
        st.one_of(
            st.sampled_from(HOSTILE_TEXTS).map(str.encode),
            json_values.map(lambda v: json.dumps(v).encode()),
            st.dictionaries(
                st.sampled_from(["code", "version", "title", "items", "areas", "scoring", "answer_format"]),
                json_values,
            ).map(lambda v: json.dumps(v).encode()),
            st.binary(max_size=100),
        )
    )
    def check(content):
        before = Instrument.objects.count()
        response = client.post(url, {"file": SimpleUploadedFile("fuzz.json", content)})
        assert response.status_code == 200, response.status_code  # the page again, with the errors
        assert Instrument.objects.count() == before

    check()
    _no_errors_logged(caplog)


def test_definition_workbook_upload_survives_anything(client, world, caplog):
    """The spreadsheet template (issue 14): any bytes named .xlsx, and a real workbook whose cells
    hold hostile values, give the page again with located errors, never a 500."""
    import io

    from openpyxl import load_workbook

    from ekonseling.instruments import workbook

    client.force_login(world.gurubk)
    url = reverse("instruments:import_definition")
    template = workbook.template("checklist_heavy")

    @FUZZ
    @given(
        st.binary(max_size=200),
        st.lists(
            st.tuples(
                st.sampled_from(["Butir", "Area", "Kategori", "Instrumen"]),
                st.sampled_from(["A2", "B2", "C3"]),
                st.one_of(st.sampled_from(HOSTILE_TEXTS[2:]), st.integers(), st.floats(allow_nan=False)),
            ),
            max_size=4,
        ),
    )
    def check(junk, cells):
        before = Instrument.objects.count()
        book = load_workbook(io.BytesIO(template))
        for sheet, cell, value in cells:
            book[sheet][cell] = value.replace("\x00", "") if isinstance(value, str) else value
        out = io.BytesIO()
        book.save(out)
        for content in (junk, out.getvalue()):
            response = client.post(url, {"file": SimpleUploadedFile("fuzz.xlsx", content)})
            assert response.status_code in (200, 302), response.status_code
        assert Instrument.objects.count() <= before + 1

    check()
    _no_errors_logged(caplog)


def test_definition_edit_form_survives_anything(client, world, caplog):
    from ekonseling.instruments import services as instrument_services

    raw = (instrument_services.SAMPLES_DIR / "dcm-contoh.json").read_bytes()
    instrument, _ = instrument_services.import_definition(world.school, raw, "dcm-contoh.json")
    client.force_login(world.gurubk)
    url = reverse("instruments:edit_definition", args=[instrument.pk])
    fields = ["title", "item_1", "area_PR", "critical", "band_0_lower", "band_0_upper", "band_0_label", "band_6_lower"]

    @FUZZ
    @given(st.dictionaries(st.sampled_from(fields), st.one_of(form_text, hostile_number_text), max_size=6))
    def check(post):
        response = client.post(url, post)
        assert response.status_code in (302, 400), response.status_code

    check()
    _no_errors_logged(caplog)


# --- forms -----------------------------------------------------------------------------------------------------

form_text = st.one_of(st.sampled_from(HOSTILE_TEXTS), st.text(max_size=300))


def test_letter_question_reply_and_chat_forms_survive_anything(student, world, caplog):
    letter = letters.start_letter(
        world.student, world.siswa, subject="Uji", body="Halo", client_key=uuid.uuid4()
    ).conversation
    forms = {
        reverse("counseling:letter_new"): ["subject", "body", "client_key", "notify"],
        reverse("counseling:question_new"): ["body", "client_key"],
        reverse("counseling:reply", args=[letter.pk]): ["body", "client_key"],
        reverse("counseling:chat_new"): ["body", "client_key"],
    }

    @FUZZ
    @given(st.sampled_from(sorted(forms)), st.data())
    def check(url, data):
        fields = data.draw(st.dictionaries(st.sampled_from(forms[url]), form_text, max_size=4))
        before = Message.objects.count()
        response = student.post(url, fields)
        assert response.status_code in (200, 302), response.status_code
        if response.status_code == 200:
            assert Message.objects.count() == before  # shown again with the error: nothing stored
        for message in Message.objects.all():
            assert "\u202e" not in message.body and "\x00" not in message.body

    check()
    _no_errors_logged(caplog)


def test_reaching_out_call_in_and_summary_forms_survive_anything(world, caplog):
    """Issue 13's forms: starting a conversation with a student, a call-in, its status, the student's
    acknowledgement and the export's summary. A refused form stores nothing."""
    from ekonseling.counseling import outreach
    from ekonseling.counseling.models import CallIn

    counselor, student_client = Client(), Client()
    counselor.force_login(world.gurubk)
    student_client.force_login(world.siswa)
    handled = letters.start_letter(world.student, world.siswa, subject="Uji", body="Halo", client_key=uuid.uuid4())
    services.claim(handled.conversation, world.gurubk)
    call_in = outreach.send_call_in(world.student, world.gurubk, message="Ke ruang BK.")
    forms = {
        reverse("counseling:start_for", args=[world.student.pk]): (
            counselor,
            ["kind", "subject", "body", "client_key"],
        ),
        reverse("counseling:call_in_new", args=[world.student.pk]): (counselor, ["message", "meet_at", "place"]),
        reverse("counseling:call_in_status", args=[call_in.pk]): (counselor, ["status"]),
        reverse("counseling:summary", args=[handled.conversation.pk]): (counselor, ["summary"]),
        reverse("counseling:call_in_acknowledge", args=[call_in.pk]): (student_client, ["status"]),
    }
    kinds = st.one_of(st.sampled_from(["chat", "letter", "question", ""]), form_text)

    @FUZZ
    @given(st.sampled_from(sorted(forms)), st.data())
    def check(url, data):
        client, names = forms[url]
        fields = data.draw(
            st.dictionaries(st.sampled_from(names), st.one_of(form_text, kinds, hostile_number_text), max_size=4)
        )
        before = (Conversation.objects.count(), Message.objects.count(), CallIn.objects.count())
        response = client.post(url, fields)
        assert response.status_code in (200, 302, 400), response.status_code
        if response.status_code == 400:
            assert (Conversation.objects.count(), Message.objects.count(), CallIn.objects.count()) == before
        for stored in CallIn.objects.all():
            assert "\u202e" not in stored.message and "\x00" not in stored.message

    check()
    _no_errors_logged(caplog)


def test_service_record_and_laiseg_forms_and_report_periods_survive_anything(client, world, caplog):
    """The service-record form, its edit, the Laiseg answer and the reports' period parameters."""
    from ekonseling.records import services as records
    from ekonseling.records.models import Laiseg, ServiceRecord

    made = records.create_record(
        world.gurubk,
        records.RecordData(
            service_type="konsultasi",
            bidang="pribadi",
            medium="telepon",
            date=datetime.date(2026, 11, 2),
            duration_minutes=20,
            scope="student",
            topic="Uji",
            students=[world.student],
            ask_laiseg=True,
        ),
    )
    laiseg = made.laisegs.get()
    record_fields = [
        "service_type", "bidang", "medium", "date", "duration_minutes", "scope", "student", "group", "rombel",
        "topic", "description", "result", "follow_up", "ask_laiseg", "percakapan",
    ]  # fmt: skip
    forms = {
        reverse("records:new"): record_fields,
        reverse("records:edit", args=[made.pk]): record_fields,
        reverse("records:laiseg_answer", args=[laiseg.pk]): ["understanding", "comfort", "action", "plan"],
    }
    pages = [
        reverse(name) for name in ("records:report", "records:report_pdf", "records:list", "records:laiseg_results")
    ]

    @FUZZ
    @given(st.sampled_from(sorted(forms)), st.data())
    def check(url, data):
        client.force_login(world.siswa if "laiseg" in url else world.gurubk)
        fields = data.draw(st.dictionaries(st.sampled_from(forms[url]), form_text, max_size=6))
        before = (ServiceRecord.objects.count(), Laiseg.objects.filter(answered_at__isnull=False).count())
        response = client.post(url, fields)
        assert response.status_code in (200, 302, 404), response.status_code
        if response.status_code != 302:
            after = (ServiceRecord.objects.count(), Laiseg.objects.filter(answered_at__isnull=False).count())
            assert after == before  # shown again with the error: nothing stored

    @FUZZ
    @given(
        st.sampled_from(pages),
        st.dictionaries(
            st.sampled_from(["bulan", "semester", "konselor", "page", "q", "jenis"]), form_text, max_size=3
        ),
    )  # noqa: E501
    def check_period(url, params):
        client.force_login(world.koordinator)
        assert client.get(url, params).status_code == 200

    check()
    check_period()
    _no_errors_logged(caplog)


# --- WebSocket frames -------------------------------------------------------------------------------------------

FRAME_TYPES = ["subscribe", "unsubscribe", "send", "sync", "typing", "delivered", "read", "ping", "nonsense"]
FRAME_FIELDS = ["conversation", "after", "seq", "client_key", "body"]


def frames(conversation_id):
    known = st.fixed_dictionaries(
        {"type": st.sampled_from(FRAME_TYPES).map(json.dumps)},
        optional={
            "conversation": st.one_of(st.just(str(conversation_id)), hostile_number_text, json_values.map(json.dumps)),
            "after": st.one_of(hostile_number_text, json_values.map(json.dumps)),
            "seq": st.one_of(hostile_number_text, json_values.map(json.dumps)),
            "client_key": st.one_of(st.just(json.dumps(str(uuid.uuid4()))), json_values.map(json.dumps)),
            "body": st.one_of(st.sampled_from(['"halo"', '"\\u202ehalo"']), json_values.map(json.dumps)),
        },
    ).map(_raw_object)
    return st.one_of(
        known.map(lambda text: ("text", text)),
        st.sampled_from(HOSTILE_TEXTS).map(lambda text: ("text", text)),
        st.binary(min_size=1, max_size=64).map(lambda data: ("bytes", data)),
    )


async def _exchange(cookie, sent):
    """Send the frames, then a ping; every answer up to the pong. The socket must stay open."""
    headers = [(b"origin", b"http://localhost"), (b"host", b"localhost"), (b"cookie", f"sessionid={cookie}".encode())]
    communicator = WebsocketCommunicator(application, "/ws/konseling/", headers=headers)
    connected, _code = await communicator.connect(timeout=10)
    assert connected
    assert (await communicator.receive_json_from(timeout=5))["type"] == "hello"
    try:
        for kind, data in sent:
            await communicator.send_input({"type": "websocket.receive", kind: data})
        await communicator.send_json_to({"type": "ping"})
        answers = []
        while True:
            output = await communicator.receive_output(timeout=5)
            assert output["type"] == "websocket.send", output  # a close here is the 1011 of old
            frame = json.loads(output["text"])
            if frame["type"] == "pong":
                break
            answers.append(frame)
        return answers
    finally:
        await communicator.disconnect()


def test_every_frame_type_is_answered_and_the_socket_stays_open(live_world, session_cookie, caplog):
    conversation = services.start_conversation(live_world.student)
    cookie = session_cookie(live_world.siswa)
    run = async_to_sync(_exchange)

    @settings(FUZZ, max_examples=40)
    @given(st.lists(frames(conversation.pk), min_size=1, max_size=4))
    @example([("bytes", b"\x00\xff")])
    @example([("text", "not json")])
    @example([("text", '{"type": "read", "conversation": 1e400, "seq": Infinity}')])
    @example([("text", f'{{"type": "subscribe", "conversation": {conversation.pk}, "after": 1e400}}')])
    def check(sent):
        before = Message.objects.count()
        answers = run(cookie, sent)
        for frame in answers:
            if frame["type"] == "error":
                assert frame["code"] != "server_error", frame
                assert frame["message"], frame
        acked = {a["client_key"] for a in answers if a["type"] == "ack" and not a["duplicate"]}
        assert Message.objects.count() - before == len(acked)

    check()
    assert not any("\u202e" in message.body for message in Message.objects.all())
    assert Conversation.objects.count() == 1
    _no_errors_logged(caplog)


@pytest.fixture
def live_world(transactional_db):
    from tests import factories

    return factories.SchoolWorld("SMA Fuzz")


@pytest.fixture
def session_cookie():
    def make(user):
        client = Client()
        client.force_login(user)
        return client.cookies["sessionid"].value

    return make


@pytest.fixture(autouse=True)
def _fresh_writer():
    from ekonseling.counseling import socket_sessions, writer

    yield
    writer.reset()
    socket_sessions.reset()


# --- the case book's forms -------------------------------------------------------------------------------------


def test_the_case_book_forms_survive_anything(client, world, caplog):
    from ekonseling.cases import actions as cases
    from ekonseling.cases.models import Case, CaseNote, FollowUp, Referral

    case = cases.open_case(world.student, world.gurubk, title="Uji", bidang="sosial")
    referral = cases.refer(world.student, world.walikelas, reason="Uji")
    forms = {
        reverse("cases:new", args=[world.student.pk]): ["title", "bidang", "source"],
        reverse("cases:edit", args=[case.pk]): ["title", "bidang"],
        reverse("cases:status", args=[case.pk]): ["status", "note"],
        reverse("cases:note", args=[case.pk]): ["body"],
        reverse("cases:access", args=[case.pk]): ["action", "counselor"],
        reverse("cases:follow_up_new", args=[case.pk]): ["description", "due_on"],
        reverse("cases:record_new", args=[case.pk, "panggilan-ortu"]): [
            "parent_name",
            "meet_on",
            "meet_at",
            "place",
            "purpose",
            "attended",
        ],
        reverse("cases:record_new", args=[case.pk, "kunjungan-rumah"]): ["visit_on", "address", "purpose", "findings"],
        reverse("cases:record_new", args=[case.pk, "konferensi"]): ["held_on", "place", "participants", "agenda"],
        reverse("cases:record_new", args=[case.pk, "alih-tangan"]): ["to_kind", "to_name", "reason", "referred_on"],
        reverse("cases:referral_new"): ["student", "reason", "source", "referrer_name"],
        reverse("cases:referral", args=[referral.pk]): ["case", "title", "bidang"],
    }
    values = st.one_of(
        form_text, st.sampled_from(["2026-12-07", "09:30", "1", str(world.student.pk), "sosial", "share"])
    )
    client.force_login(world.gurubk)

    @FUZZ
    @given(st.sampled_from(sorted(forms)), st.data())
    def check(url, data):
        fields = data.draw(st.dictionaries(st.sampled_from(forms[url]), values, max_size=6))
        response = client.post(url, fields)
        assert response.status_code in (200, 302), (url, response.status_code)
        for note in CaseNote.objects.all():
            assert "\x00" not in note.body
        for row in Case.objects.all():
            assert "\x00" not in row.title and row.title.strip()

    check()
    _no_errors_logged(caplog)
    assert FollowUp.objects.count() >= 0 and Referral.objects.count() >= 1


# --- sociometry ----------------------------------------------------------------------------------------------


def _sociometry_class(world):
    from tests.sociometry.conftest import SevenClass

    return SevenClass(world, answered=False)


def test_the_sociometry_sheet_survives_anything(client, world, caplog):
    """The student's sheet and the counselor's paper entry: any field names and values; a refused
    post stores nothing, a stored one names only classmates, each once, never the student."""
    from ekonseling.sociometry.models import Response
    from tests.sociometry.conftest import stored_picks

    seven = _sociometry_class(world)
    k = seven.criterion.pk
    names = [f"k{k}_s{s.pk}" for s in seven.students] + [f"k{k}_s{world.other_student.pk}", "k1e400_s1", "siswa"]
    values = st.one_of(st.sampled_from(["p1", "p2", "p3", "t1", "t2", "p0", "p99", "x", "p1e400", ""]), form_text)
    fill_url = reverse("sociometry:fill", args=[seven.survey.pk])
    paper_url = reverse("sociometry:paper_entry", args=[seven.survey.pk])

    @FUZZ
    @given(st.dictionaries(st.sampled_from(names), values, max_size=8), st.booleans())
    def check(fields, as_counselor):
        client.force_login(world.gurubk if as_counselor else seven.account)
        if as_counselor:
            fields = {**fields, "siswa": fields.get("siswa", str(seven.s("B").pk))}
        before = stored_picks()
        response = client.post(paper_url if as_counselor else fill_url, fields)
        assert response.status_code in (200, 302, 400), response.status_code
        if response.status_code != 302:
            assert stored_picks() == before
        for response_row in Response.objects.all():
            chosen = [(p.criterion_id, p.chosen_id) for p in response_row.picks()]
            assert len(chosen) == len(set(chosen))
            assert all(pk != response_row.student_id for _c, pk in chosen)
            assert {pk for _c, pk in chosen} <= {s.pk for s in seven.students}
        Response.objects.filter(student=seven.s("A")).delete()  # let the student try again

    check()
    _no_errors_logged(caplog)


def test_the_sociometry_import_and_new_survey_survive_anything(client, world, caplog):
    from ekonseling.sociometry.models import Response, Survey

    seven = _sociometry_class(world)
    client.force_login(world.gurubk)
    import_url = reverse("sociometry:import", args=[seven.survey.pk])
    header = "No;NISN;Nama;K1 Pilihan 1;K1 Pilihan 2;K1 Pilihan 3;K1 Tolak 1;K9 Pilihan 1\n"
    cells = st.one_of(
        st.sampled_from(["1", "2", "7", "99", "0", "-1", "1e400", "=cmd()", "", seven.s("B").nisn]),
        st.text(max_size=12),
    )
    rows = st.lists(st.lists(cells, max_size=8).map(";".join), max_size=6).map("\n".join)

    @FUZZ
    @given(
        st.one_of(
            rows.map(lambda r: (header + r).encode()),
            st.binary(max_size=200),
            st.sampled_from(HOSTILE_TEXTS).map(str.encode),
        )
    )
    def check(content):
        before = Response.objects.count()
        response = client.post(import_url, {"file": SimpleUploadedFile("fuzz.csv", content)})
        assert response.status_code in (200, 302, 400), response.status_code
        if response.status_code != 302:
            assert Response.objects.count() == before

    check()
    new_url = reverse("sociometry:survey_new")
    fields = ["rombel", "title", "criteria", "own_question", "choices", "rejections", "opens_at", "closes_at"]

    @FUZZ
    @given(st.dictionaries(st.sampled_from(fields), st.one_of(form_text, st.sampled_from(HOSTILE_NUMBERS)), max_size=8))
    def check_new(data):
        before = Survey.objects.count()
        response = client.post(new_url, data)
        assert response.status_code in (200, 302), response.status_code
        if response.status_code == 200:
            assert Survey.objects.count() == before

    check_new()
    _no_errors_logged(caplog)


@pytest.mark.parametrize(
    ("url", "role"),
    [("/layanan/", "gurubk"), ("/siswa/", "gurubk"), ("/kasus/", "gurubk"), ("/audit/", "koordinator")],
)
def test_a_nul_in_a_search_box_is_dropped_before_the_database(client, world, url, role):
    """Found by the hostile-input run on PostgreSQL: `?q=%00` on the service-record list was a 500
    (PostgreSQL refuses NUL in text); every search box goes through core.text.clean."""
    client.force_login(getattr(world, role))
    response = client.get(url, {"q": "Siswa\x00\u202e"})
    assert response.status_code == 200

"""Surveys, responses, imports, erasure and export against the hand-worked class of seven."""

import datetime
import json
from fractions import Fraction

import pytest
from django.utils import timezone

from ekonseling.core import personal_data
from ekonseling.core.models import AuditEvent
from ekonseling.sociometry import analysis, importing, services
from ekonseling.sociometry.models import Member, Response
from ekonseling.students import records
from ekonseling.students.models import Student

from .conftest import NAMES, SevenClass, stored_picks


def test_members_are_numbered_by_name(seven):
    assert [(m.number, m.student.name) for m in seven.survey.members.select_related("student")] == [
        (i, name) for i, name in enumerate(NAMES, start=1)
    ]


def test_the_stored_survey_gives_the_hand_worked_result(seven):
    data = services.analyse(seven.survey)
    result = data.results[0]
    got = {m.name: (m.chosen_by, m.score, m.rejected_by, m.categories) for m in result.members}
    assert got == {
        "Ahmad": (5, 13, 0, ["bintang"]),
        "Budi": (5, 10, 0, []),
        "Citra": (4, 9, 0, []),
        "Dewi": (3, 3, 0, []),
        "Eko": (1, 1, 0, []),
        "Fajar": (0, 0, 4, ["ditolak"]),
        "Gita": (0, 0, 0, ["terisolir"]),
    }
    assert result.cohesion == Fraction(6, 21)
    assert data.responded == 6
    assert not result.by_id()[seven.s("F").pk].responded


def test_open_survey_refusals(world):
    now = timezone.now()
    kwargs = dict(rombel=world.rombel_a, title="S", criteria=[("belajar", "")], created_by=world.gurubk)
    with pytest.raises(services.SociometryError) as refused:
        services.open_survey(opens_at=now, closes_at=now, **kwargs)
    assert refused.value.code == "sociometry.bad_window"
    with pytest.raises(services.SociometryError) as refused:
        services.open_survey(opens_at=now, closes_at=now + datetime.timedelta(days=1), choices=9, **kwargs)
    assert refused.value.code == "sociometry.bad_choices"
    kwargs["rombel"] = world.rombel_b  # one student only
    with pytest.raises(services.SociometryError) as refused:
        services.open_survey(opens_at=now, closes_at=now + datetime.timedelta(days=1), **kwargs)
    assert refused.value.code == "sociometry.too_few"


def _answer(seven, chosen, rejected=()):
    return {seven.criterion.pk: services.CriterionAnswer([s.pk for s in chosen], [s.pk for s in rejected])}


def test_a_response_names_only_classmates_once_and_never_oneself(world):
    seven = SevenClass(world, answered=False)
    a, b, c = seven.s("A"), seven.s("B"), seven.s("C")
    cases = [
        _answer(seven, [a, b, c]),  # oneself
        _answer(seven, [b, b, c]),  # twice
        _answer(seven, [b, c], [b]),  # chosen and rejected
        _answer(seven, [b, c, seven.s("D"), seven.s("E")]),  # more than three
        {seven.criterion.pk: services.CriterionAnswer([b.pk, world.other_student.pk])},  # not a member
        _answer(seven, [b], [c, seven.s("D")]),  # more rejections than asked
    ]
    for answers in cases:
        with pytest.raises(services.SociometryError) as refused:
            services.submit(seven.survey, a, answers, by=seven.account)
        assert refused.value.code == "sociometry.invalid"
    assert not Response.objects.exists() and not stored_picks()


def test_online_needs_the_window_the_student_and_a_complete_sheet(world):
    seven = SevenClass(world, answered=False)
    a = seven.s("A")
    full = _answer(seven, [seven.s("B"), seven.s("C"), seven.s("D")])
    with pytest.raises(services.SociometryError) as refused:
        services.submit(seven.survey, a, _answer(seven, [seven.s("B")]), by=seven.account)
    assert refused.value.code == "sociometry.invalid"  # three choices online
    with pytest.raises(services.SociometryError) as refused:
        services.submit(seven.survey, seven.s("B"), full, by=seven.account)
    assert refused.value.code == "sociometry.not_own"
    later = timezone.now() + datetime.timedelta(days=2)
    with pytest.raises(services.WindowClosed) as refused:
        services.submit(seven.survey, a, full, by=seven.account, now=later)
    assert refused.value.code == "sociometry.window_closed"
    earlier = timezone.now() - datetime.timedelta(days=2)
    with pytest.raises(services.WindowClosed) as refused:
        services.submit(seven.survey, a, full, by=seven.account, now=earlier)
    assert refused.value.code == "sociometry.window_not_open"
    services.submit(seven.survey, a, full, by=seven.account)
    with pytest.raises(services.SociometryError) as refused:
        services.submit(seven.survey, a, full, by=seven.account)
    assert refused.value.code == "sociometry.already_sent"
    assert len(stored_picks()) == 3
    # The counselor's paper entry replaces it, window or not.
    services.submit(seven.survey, a, _answer(seven, [seven.s("G")]), by=world.gurubk, source="paper", now=later)
    assert [Student.objects.get(pk=p[2]).name for p in stored_picks()] == ["Gita"]
    assert AuditEvent.objects.filter(detail__contains="replaced").count() == 1


def test_the_student_sees_their_own_choices(seven):
    own = services.own_response(seven.survey, seven.s("A"))
    assert own[seven.criterion.pk].chosen == [seven.s(c).pk for c in "BCD"]
    assert own[seven.criterion.pk].rejected == [seven.s("F").pk]
    assert services.own_response(seven.survey, seven.s("F")) is None


def _csv(rows):
    header = "No;NISN;Nama;K1 Pilihan 1;K1 Pilihan 2;K1 Pilihan 3;K1 Tolak 1"
    return ("\n".join([header, *rows]) + "\n").encode()


def test_a_spreadsheet_is_checked_row_by_row_and_stored_whole(world):
    seven = SevenClass(world, answered=False)
    nisn_b = seven.s("B").nisn
    good = _csv(["1;;Ahmad;2;3;4;6", f";{nisn_b};Budi;1;3;5;6", "6;;Fajar;;;;"])
    parsed = importing.parse(seven.survey, good, "x.csv")
    assert parsed.skipped == 1  # Fajar wrote nothing
    services.submit_many(seven.survey, parsed.rows, by=world.gurubk)
    data = services.analyse(seven.survey).results[0]
    assert data.by_id()[seven.s("C").pk].score == 2 + 2  # second choice of Ahmad and of Budi
    assert data.by_id()[seven.s("F").pk].rejected_by == 2
    # One bad row (a student naming themself, an unknown number, a gap): nothing is stored.
    Response.objects.all().delete()
    bad = _csv(["1;;Ahmad;1;3;4;", "2;;Budi;1;;5;", "3;;Citra;99;;;", "4;;Dewi;1;2;3;"])
    with pytest.raises(importing.ImportError_) as refused:
        importing.parse(seven.survey, bad, "x.csv")
    assert len(refused.value.errors) == 3
    assert any("Row 2" in e or "Baris 2" in e for e in refused.value.errors)
    assert not Response.objects.exists()


def test_submit_many_is_one_transaction(world):
    seven = SevenClass(world, answered=False)
    rows = [
        (seven.s("A"), _answer(seven, [seven.s("B")])),
        (seven.s("B"), _answer(seven, [seven.s("B")])),  # names itself
    ]
    with pytest.raises(services.SociometryError):
        services.submit_many(seven.survey, rows, by=world.gurubk)
    assert not Response.objects.exists()


def test_the_template_round_trips(seven):
    from io import BytesIO

    from openpyxl import load_workbook

    from ekonseling.sociometry import exports

    content = exports.template_xlsx(seven.survey)
    ws = load_workbook(BytesIO(content)).worksheets[0]
    ws["D2"], ws["E2"], ws["F2"], ws["G2"] = 7, 5, 4, 2  # Ahmad: Gita, Eko, Dewi; rejects Budi
    out = BytesIO()
    ws.parent.save(out)
    parsed = importing.parse(seven.survey, out.getvalue(), "t.xlsx")
    [(student, answers)] = parsed.rows
    assert student == seven.s("A")
    assert answers[seven.criterion.pk].chosen == [seven.s(c).pk for c in "GED"]
    assert answers[seven.criterion.pk].rejected == [seven.s("B").pk]


def test_erasure_removes_the_student_from_every_choice_and_analysis(seven):
    star = seven.s("A")
    deletion = records.request_deletion(star, seven.world.koordinator, "Permintaan orang tua")
    records.carry_out_deletion(deletion, seven.world.operator)
    assert all(p[2] != star.pk for p in stored_picks()) and stored_picks()
    assert not Member.objects.filter(student_id=star.pk).exists()
    assert not Response.objects.filter(student_id=star.pk).exists()
    result = services.analyse(seven.survey).results[0]
    assert result.n == 6
    assert star.pk not in result.by_id()
    assert all(star.pk not in key for key in result.matrix)
    # Budi had 10: Ahmad's first choice (3) is gone; the others' weights stay.
    assert result.by_id()[seven.s("B").pk].score == 7
    assert result.by_id()[seven.s("B").pk].choice_status == Fraction(4, 5)


def test_the_export_gives_a_student_their_own_choices_only(seven):
    ahmad = seven.s("A")
    data = personal_data.registry.export(ahmad)
    [entry] = data["sociometric_choices"]
    assert entry["criteria"][0]["chosen"] == ["Budi", "Citra", "Dewi"]
    assert entry["criteria"][0]["rejected"] == ["Fajar"]
    text = json.dumps(data["sociometric_choices"], default=str)
    # Eko and Gita chose Ahmad; the file does not say so, nor any index.
    assert "Eko" not in text and "Gita" not in text and "score" not in text
    # Gita's file: her own choices (Ahmad, Citra, Budi), nothing about being chosen by nobody.
    gita = personal_data.registry.export(seven.s("G"))["sociometric_choices"][0]
    assert gita["criteria"][0]["chosen"] == ["Ahmad", "Citra", "Budi"]
    # A wali kelas asking for the file gets nothing of it.
    partial = personal_data.registry.export(ahmad, seven.world.walikelas)
    assert partial["sociometric_choices"] is None and "sociometric_choices" in partial["omitted"]


def test_flags_and_suggestions(seven):
    flags = services.flags(services.analyse(seven.survey))
    assert [(f.name, [c for _q, c in f.categories]) for f in flags] == [("Fajar", ["ditolak"]), ("Gita", ["terisolir"])]
    assert "mediasi bila ada konflik" in flags[0].suggestions  # Indonesian, the default language
    assert any("penempatan" in s for s in flags[1].suggestions)


def test_reading_the_analysis_is_audited(seven):
    services.read_analysis(seven.survey, seven.world.gurubk, "analysis")
    services.read_analysis(seven.survey, seven.world.gurubk, "sociomatrix xlsx")
    events = AuditEvent.objects.filter(object_type="sociometry.Survey", detail__startswith="sociometry ")
    assert sorted(events.values_list("action", flat=True)) == ["export", "read"]


def test_the_comparison_over_time_matches_students(world):
    first = SevenClass(world)
    later = services.open_survey(
        rombel=first.rombel,
        title="Later",
        criteria=[("belajar", "")],
        opens_at=timezone.now() - datetime.timedelta(hours=1),
        closes_at=timezone.now() + datetime.timedelta(days=1),
        created_by=world.gurubk,
    )
    criterion = later.criteria.get()
    for chooser, chosen in [("F", "GAB"), ("A", "BCD")]:
        services.submit(
            later,
            first.s(chooser),
            {criterion.pk: services.CriterionAnswer([first.s(c).pk for c in chosen])},
            by=world.gurubk,
            source="paper",
        )
    over = analysis.compare_over_time(services.analyse(first.survey).results[0], services.analyse(later).results[0])
    assert first.s("G").pk in over["no_longer_isolated"]


# --- the counselor's home card: flags cached, never stale ---------------------------------------------------


def _card(client, world):
    from django.urls import reverse

    client.force_login(world.gurubk)
    page = client.get(reverse("core:home")).content.decode()
    start = page.index('data-testid="sociometry-card"')
    return page[start : page.index("</section>", start)]


def _closed_seven(world):
    now = timezone.now()
    return SevenClass(world, opens_at=now - datetime.timedelta(days=2), closes_at=now - datetime.timedelta(hours=1))


def _plain(flags):
    return [(f.survey.pk, f.student_id, f.name, f.number, f.categories, f.suggestions) for f in flags]


def test_the_home_card_is_not_analysed_again_until_an_answer_changes(world, django_assert_num_queries):
    from django.core.cache import cache

    cache.clear()
    seven = _closed_seven(world)
    fresh = services.flags(services.analyse(seven.survey))
    assert fresh and _plain(services.home_flags([seven.survey])[0]) == _plain(fresh)
    # Warm: the fingerprint, the names; no analysis (which costs four queries).
    with django_assert_num_queries(2):
        assert _plain(services.home_flags([seven.survey])[0]) == _plain(fresh)


def test_the_home_card_updates_after_a_new_answer_a_rename_and_an_erasure(client, world):
    from django.core.cache import cache

    cache.clear()
    seven = _closed_seven(world)
    before = _card(client, world)
    flagged = services.flags(services.analyse(seven.survey))
    target = next(f for f in flagged if any(c != analysis.REJECTED for _q, c in f.categories))
    letter = "ABCDEFG"[NAMES.index(target.name)]
    assert target.name in before
    # A late paper sheet (the survey has closed) naming the flagged student first: a new answer.
    chooser = next(x for x in "ABCDEG" if x != letter)
    others = [x for x in "ABCDEFG" if x not in (letter, chooser)][:2]
    seven.answer(chooser, letter + "".join(others))
    for x in "ABCDEG":
        if x not in (letter, chooser):
            seven.answer(x, letter + "".join(y for y in "ABCDEFG" if y not in (x, letter))[:2])
    after = _card(client, world)
    assert after != before
    assert _plain(services.home_flags([seven.survey])[0]) == _plain(services.flags(services.analyse(seven.survey)))
    # A student's name edited: the card shows the new one.
    still = services.flags(services.analyse(seven.survey))
    if still:
        student = seven.students[NAMES.index(still[0].name)]
        student.name = "Nama Baru"
        student.save(update_fields=["name"])
        assert "Nama Baru" in _card(client, world)
    # A student erased (their rows cascade away): the figures are those of a fresh analysis.
    seven.s("B").delete()
    assert _plain(services.home_flags([seven.survey])[0]) == _plain(services.flags(services.analyse(seven.survey)))

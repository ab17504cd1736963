"""Small counts on the principal's dashboard: hidden, and never recoverable by difference.

The oracle is an independent reader: a brute-force search over every filling of the hidden cells
consistent with what is shown, the relations (rows, columns, totals) and the published rule ("<5"
is 1–4, or 0–4 where zero is hidden; "*" is 0 or at least 5, a reader knowing that 1–4 would show
"<5"). A small count that has one possible value has come back."""

import contextlib
import itertools
import random

import pytest
from django.urls import reverse

from ekonseling.records import reports, suppression
from ekonseling.records.suppression import COMPLEMENT, SMALL, crosstab, suppress
from tests import factories

from .helpers import day, record

CEILING = 45  # the largest value a "*" may take in the search (the tables here total less)


def possible_values(shown, relations, hide_zero=frozenset(), enough=2):
    """For each hidden cell, values it takes in fillings consistent with everything shown (the
    search stops once every hidden cell has `enough` of them)."""
    hidden = [k for k, cell in shown.items() if cell.hidden]
    domain = {}
    for key in hidden:
        if shown[key].text == SMALL:
            domain[key] = list(range(0 if key in hide_zero else 1, suppression.THRESHOLD))
        else:
            # A "*" is any count; a reader who knows the rule knows it is not 1–4 where that would be "<5".
            domain[key] = [0, *range(suppression.THRESHOLD, CEILING + 1)]
    relations = [(total, list(parts)) for total, parts in relations]
    seen = {key: set() for key in hidden}
    small = [key for key in hidden if shown[key].text == SMALL]
    values = {k: cell.value for k, cell in shown.items() if not cell.hidden}
    # Truth is a consistent filling: the search below must agree.
    truth = {k: cell.value for k, cell in shown.items()}
    assert all(truth[t] == sum(truth[p] for p in parts) for t, parts in relations)

    def span(key, assigned):
        if key in assigned:
            return assigned[key], assigned[key]
        return domain[key][0], domain[key][-1]

    allowed = {key: set(values) for key, values in domain.items()}

    def consistent(assigned):
        for total, parts in relations:
            t_lo, t_hi = span(total, assigned)
            p_lo = sum(span(p, assigned)[0] for p in parts)
            p_hi = sum(span(p, assigned)[1] for p in parts)
            if p_lo > t_hi or p_hi < t_lo:
                return False
            missing = [k for k in (total, *parts) if k not in assigned]
            if len(missing) == 1:  # the last one is forced: is that value allowed?
                m = missing[0]
                if m == total:
                    forced = sum(assigned[p] for p in parts)
                else:
                    forced = assigned[total] - sum(assigned[p] for p in parts if p != m)
                if forced not in allowed[m]:
                    return False
        return True

    class Done(Exception):
        pass

    def search(i, assigned):
        if i == len(hidden):
            for key in hidden:
                seen[key].add(assigned[key])
            if all(len(seen[key]) >= enough for key in small):
                raise Done
            return
        key = hidden[i]
        for value in domain[key]:
            assigned[key] = value
            if consistent(assigned):
                search(i + 1, assigned)
            del assigned[key]

    with contextlib.suppress(Done):
        search(0, dict(values))
    return seen


def assert_nothing_comes_back(shown, relations, hide_zero=frozenset()):
    """No small count ("<5") has a single possible value. (A "*" may: it is 0 where zero is shown
    anyway, or at least 5; if that let a small count come back, the small count fails here.)"""
    for key, found in possible_values(shown, relations, hide_zero).items():
        if shown[key].text == SMALL:
            assert len(found) >= 2, f"{key} comes back as {found}"


def test_the_previous_attempts_bug_five_small_total_nine():
    values = {"a": 5, "b": 4, "total": 9}
    relations = [("total", ["a", "b"])]
    # Primary suppression alone lets it come back: 9 - 5 = 4.
    primary = {k: suppression.Shown(v, SMALL if k == "b" else str(v)) for k, v in values.items()}
    assert possible_values(primary, relations)["b"] == {4}
    shown = suppress(values, relations)
    assert shown["b"].text == SMALL and shown["a"].text == COMPLEMENT
    assert_nothing_comes_back(shown, relations)


def test_small_totals_are_hidden_with_their_parts():
    values = {"a": 5, "b": 1, "total": 6}
    relations = [("total", ["a", "b"])]
    shown = suppress(values, relations)
    assert shown["b"].hidden and shown["a"].hidden
    assert_nothing_comes_back(shown, relations)


def test_nothing_small_nothing_hidden():
    values = {"a": 5, "b": 0, "c": 12, "total": 17}
    shown = suppress(values, [("total", ["a", "b", "c"])])
    assert [shown[k].text for k in ("a", "b", "c", "total")] == ["5", "0", "12", "17"]


def test_counts_of_what_students_wrote_hide_zero_too():
    shown = suppress({"a": 0, "b": 7, "c": 9, "total": 16}, [("total", ["a", "b", "c"])], hide_zero=True)
    assert shown["a"].text == SMALL
    assert_nothing_comes_back(shown, [("total", ["a", "b", "c"])], hide_zero={"a", "b", "c", "total"})
    # Where zero is shown, a "<5" is known to be at least 1: 0 stays visible.
    assert suppress({"a": 0}, [])["a"].text == "0"


@pytest.mark.parametrize("seed", range(30))
def test_random_tables_with_row_column_and_grand_totals(seed):
    rng = random.Random(seed)
    rows, columns = ["r1", "r2"], ["c1", "c2", "c3"]
    counts = {(r, c): rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 7]) for r, c in itertools.product(rows, columns)}
    values, relations = crosstab("t", rows, columns, counts)
    shown = suppress(values, relations)
    assert all(shown[k].text == SMALL for k, v in values.items() if 0 < v < 5)
    assert_nothing_comes_back(shown, relations)


@pytest.mark.parametrize("seed", range(15))
def test_two_tables_sharing_their_month_totals(seed):
    """Services by type and by field share the month totals and the grand total: a hidden cell must
    not come back through the other table either."""
    rng = random.Random(100 + seed)
    months = ["m1", "m2"]
    records = [(rng.choice(["x", "y"]), rng.choice(["p", "q"]), rng.choice(months)) for _ in range(rng.randint(3, 14))]
    by_type = {(t, m): sum(1 for t2, _b, m2 in records if (t2, m2) == (t, m)) for t in "xy" for m in months}
    by_field = {(b, m): sum(1 for _t, b2, m2 in records if (b2, m2) == (b, m)) for b in "pq" for m in months}
    values, relations = crosstab("type", ["x", "y"], months, by_type)
    more, more_relations = crosstab("field", ["p", "q"], months, by_field)
    values.update(more)
    shown = suppress(values, relations + more_relations)
    assert_nothing_comes_back(shown, relations + more_relations)


@pytest.mark.django_db
def test_the_principals_dashboard_hides_small_counts_and_nothing_comes_back(client, world):
    third = factories.student(world.school, rombel=world.rombel_a)
    # November: 5 classical guidance + 4 individual counseling = 9 (the previous attempt's bug).
    for n in range(5):
        record(
            world,
            world.gurubk,
            rombel=world.rombel_a,
            date=day(f"2026-11-0{n + 1}"),
            service_type="bimbingan_klasikal",
            bidang="belajar",
        )  # noqa: E501
    for n in range(4):
        record(
            world,
            world.gurubk,
            [third],
            date=day(f"2026-11-1{n}"),
            topic="Masalah rahasia",
            description="Catatan rahasia",
        )  # noqa: E501
    period = reports.month_period(2026, 11)
    dash = reports.principal_dashboard(world.school, period)
    by_type = {label: total for label, _cells, total in dash.by_type}
    individual = by_type[str(reports.ServiceType.KONSELING_PERORANGAN.label)]
    classical = by_type[str(reports.ServiceType.BIMBINGAN_KLASIKAL.label)]
    assert individual.text == SMALL
    assert classical.hidden or dash.month_totals[0].hidden  # never "5, <5, total 9"
    # The whole system of both tables, checked by the independent reader.
    months = period.months()
    counts_type = {("konseling_perorangan", months[0]): 4, ("bimbingan_klasikal", months[0]): 5}
    counts_field = {("pribadi", months[0]): 4, ("belajar", months[0]): 5}
    values, relations = crosstab("type", reports.ServiceType.values, months, counts_type)
    more, more_relations = crosstab("bidang", reports.Bidang.values, months, counts_field)
    values.update(more)
    shown = suppress(values, relations + more_relations)
    assert shown[("all",)].text == dash.total.text
    assert_nothing_comes_back(shown, relations + more_relations)

    client.force_login(world.kepsek)
    page = client.get(reverse("records:principal"), {"bulan": "2026-11", "semester": ""}).content.decode()
    for secret in ("Masalah rahasia", "Catatan rahasia", third.name, world.student.name, world.classmate.name):
        assert secret not in page
    assert "&lt;5" in page


@pytest.mark.django_db
def test_alerts_and_instrument_answers_hide_zero(world):
    from ekonseling.safety import actions
    from ekonseling.safety.models import Alert

    actions.raise_alert(student=world.student, source=Alert.Source.MESSAGE, source_id=1, items=[], severity="high")
    period = reports.current_semester(world.school.pk)
    dash = reports.principal_dashboard(world.school, period)
    raised, decided, wait = dash.alert_totals
    assert raised.text == SMALL and decided.text == SMALL and wait == "—"
    assert all(row[1].text == SMALL for row in dash.alerts)  # zero months too: nobody wrote is not said


@pytest.mark.django_db
def test_coverage_per_counselor_hides_small_served_counts_and_their_percentage(world):
    for _n in range(6):
        factories.student(world.school, rombel=world.rombel_a)
    record(world, world.gurubk, [world.student])
    dash = reports.principal_dashboard(world.school, reports.current_semester(world.school.pk))
    rows = {name: (size, served, percent) for name, size, served, percent in dash.coverage}
    size, served, percent = rows[world.gurubk.display_name]
    assert size.text == "8" and served.text == SMALL and percent == "—"
    other_size, other_served, other_percent = rows[world.gurubk_other.display_name]
    assert other_size.text == SMALL and other_percent == "—"

"""Open alerts counted by source (`actions.open_counts`) and remembered for the request: a list of
open alerts of a source the request counted none of costs no query, and what the request does to the
alerts or the caseloads is seen by the rest of it."""

from ekonseling.core import memo
from ekonseling.safety import actions
from ekonseling.safety.models import ATTENTION, Alert

SHEET, MESSAGE = Alert.Source.SHEET, Alert.Source.MESSAGE


def in_request(body):
    """Runs `body` as a view runs: inside the request memo's middleware."""
    return memo.RequestMemoMiddleware(lambda request: body())(None)


def _sheet_alert(student, source_id=1, severity=""):
    alert, created = actions.raise_alert(
        student=student, source=SHEET, source_id=source_id, items=[4], severity=severity
    )
    assert created
    return alert


def _listed(user, **filters):
    return [alert.pk for alert in actions.open_alerts(user, source=SHEET, **filters)]


def test_the_counts_by_source_are_the_lists_lengths(world):
    urgent = _sheet_alert(world.student)
    _sheet_alert(world.classmate, source_id=2, severity=ATTENTION)
    _sheet_alert(world.other_student, source_id=3)
    decided = _sheet_alert(world.student, source_id=4)
    actions.decide(decided, world.gurubk, Alert.Status.HANDLED)
    expected = {
        world.gurubk: {SHEET: (1, 1)},  # rombel_a's two
        world.gurubk_other: {SHEET: (1, 0)},  # rombel_b's one
        world.koordinator: {SHEET: (2, 1)},  # the school's
        world.walikelas: {},
    }
    for user, counts in expected.items():
        assert actions.open_counts(user, exclude_source=MESSAGE) == counts, user.role
        assert in_request(lambda user=user: actions.open_counts(user, exclude_source=MESSAGE)) == counts
        urgent_n, follow_up_n = counts.get(SHEET, (0, 0))
        assert len(_listed(user, urgent=True)) == urgent_n
        assert len(_listed(user, urgent=False)) == follow_up_n
    assert _listed(world.gurubk, urgent=True) == [urgent.pk]


def test_a_source_counted_empty_is_listed_without_a_query(world, django_assert_num_queries):
    _sheet_alert(world.other_student)  # not in gurubk's caseload

    def body():
        with django_assert_num_queries(2):  # the caseload's assignments, then the counts
            assert actions.open_counts(world.gurubk, exclude_source=MESSAGE) == {}
        with django_assert_num_queries(0):
            assert actions.open_alerts(world.gurubk, source=SHEET) == []
            assert actions.open_counts(world.gurubk, exclude_source=MESSAGE) == {}
        # gurubk_other has one: the counts say so, and the list is read.
        assert actions.open_counts(world.gurubk_other, exclude_source=MESSAGE) == {SHEET: (1, 0)}
        assert len(actions.open_alerts(world.gurubk_other, source=SHEET)) == 1
        # Only the urgency counted empty is skipped.
        with django_assert_num_queries(0):
            assert actions.open_alerts(world.gurubk_other, source=SHEET, urgent=False) == []

    in_request(body)


def test_outside_a_request_nothing_is_remembered(world):
    assert actions.open_counts(world.gurubk, exclude_source=MESSAGE) == {}
    assert _listed(world.gurubk) == []
    # Written behind the pipeline's back (nothing forgets the counts): still seen.
    alert = Alert.objects.create(
        school=world.school, student=world.student, source=SHEET, source_id=1, items=[4], items_key="4"
    )
    assert actions.open_counts(world.gurubk, exclude_source=MESSAGE) == {SHEET: (1, 0)}
    assert _listed(world.gurubk) == [alert.pk]


def test_raising_deciding_and_caseload_changes_in_the_request_are_seen_by_the_rest_of_it(world):
    def body():
        assert actions.open_counts(world.gurubk, exclude_source=MESSAGE) == {}
        assert _listed(world.gurubk) == []
        alert = _sheet_alert(world.student)  # raised within the request
        assert _listed(world.gurubk) == [alert.pk]
        assert actions.open_counts(world.gurubk, exclude_source=MESSAGE) == {SHEET: (1, 0)}
        actions.decide(alert, world.gurubk, Alert.Status.HANDLED)
        assert actions.open_counts(world.gurubk, exclude_source=MESSAGE) == {}
        assert _listed(world.gurubk) == []

        other = _sheet_alert(world.other_student, source_id=2)
        assert actions.open_counts(world.gurubk, exclude_source=MESSAGE) == {}
        assert _listed(world.gurubk) == []
        world.rombel_b.counselors.add(world.gurubk)  # the caseload grows within the request
        assert _listed(world.gurubk) == [other.pk]
        assert actions.open_counts(world.gurubk, exclude_source=MESSAGE) == {SHEET: (1, 0)}

    in_request(body)


def test_chat_alerts_are_never_skipped_on_the_counts(world):
    """Who may decide a chat alert follows the conversation's handling, which changes no alert."""

    def body():
        actions.open_counts(world.gurubk)  # every source counted, chat alerts included: none
        return actions._counted_none(world.gurubk, MESSAGE, None), actions._counted_none(world.gurubk, SHEET, None)

    assert in_request(body) == (False, True)


def test_forgetting_a_namespace_forgets_those_built_from_it(world):
    memo.depends("test.derived", on="test.base")
    memo.depends("test.derived_again", on="test.derived")

    def body():
        for namespace in ("test.base", "test.derived", "test.derived_again", "test.other"):
            memo.remember(namespace, 1, lambda: "kept")
        memo.forget("test.base")
        return [
            memo.remember(n, 1, lambda: "new")
            for n in ("test.base", "test.derived", "test.derived_again", "test.other")
        ]

    assert in_request(body) == ["new", "new", "new", "kept"]

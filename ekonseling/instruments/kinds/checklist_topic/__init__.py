"""DCM: a checklist of problems grouped in topics, the topics in bidang.

Figures: ``scoring.py``. Reports: per topic and per bidang the share ticked, the critical items
with who ticked them, items ranked by frequency.
"""

from __future__ import annotations

from ...tables import HIDDEN, Table, band_text, bidang_table, item_list, number, pct, ranking_table, text
from ...text import gettext as _
from ...text import gettext_noop
from .. import per_area
from ..base import ChecklistKind
from . import scoring


class ChecklistTopic(ChecklistKind):
    name = "checklist_topic"
    answer_format = "checklist"
    label_msgid = gettext_noop("Checklist by topic (DCM)")
    metric = "%"
    scoring = scoring
    ranks_problems = True
    requires_bidang = True
    result_measure = "problems"

    def group_metric(self, definition, group):
        return per_area.figures(group.topics)

    def individual_areas(self, definition, result):
        return per_area.figures(result.topics)

    def needs_by_bidang(self, definition, group):
        return self._problems_by_bidang(definition, group, group.topics)

    def build_group(self, report, definition, group, names):
        table = per_area.table(
            "areas",
            _("Group profile per topic"),
            [_("Topic"), _("Bidang"), _("Items"), "Σ", "%", _("Band")],
            group.topics,
            lambda t: [text(t.bidang), number(t.items), number(t.total), pct(t.percent), band_text(t.band)],
            note=_("Topic % = Σticked / (items × N) × 100."),
        )
        critical = Table(
            "critical", _("Critical items ticked, with who ticked them"), [_("No."), _("Item"), _("Students")]
        )
        for alert in group.critical:
            who = ", ".join(names.get(r, HIDDEN) for r in alert.respondents)
            critical.rows.append([number(alert.number), text(alert.text), text(f"{alert.count}: {who}")])
        report.tables += [
            table,
            bidang_table(group.bidang, _("Per bidang: Σticked / (Σitems × N) × 100")),
            critical,
            ranking_table("item_ranking", _("Items ranked by frequency"), group.item_ranking, definition),
        ]

    def student_columns(self, definition):
        return [*per_area.columns(definition, "J", "%"), _("Overall %")]

    def student_row(self, definition, r):
        return [*per_area.cells(r.topics, lambda t: [number(len(t.ticked)), pct(t.percent)]), pct(r.overall)]

    def build_individual(self, report, definition, r):
        table = per_area.table(
            "areas",
            _("Profile per topic"),
            [_("Topic"), _("Bidang"), _("Items"), _("Ticked"), "%", _("Band")],
            r.topics,
            lambda t: [text(t.bidang), number(t.items), number(len(t.ticked)), pct(t.percent), band_text(t.band)],
        )
        bidang = Table("bidang", _("Per bidang"), [_("Bidang"), _("Items"), _("Ticked"), "%"])
        for b in r.bidang:
            bidang.rows.append([text(b.bidang), number(b.items), number(b.ticked), pct(b.percent)])
        report.bars = per_area.bars(definition, r.topics)
        report.tables += [table, bidang, item_list("items", _("Ticked items"), r.ticked, definition, None)]

    def result_rows(self, definition, result):
        return per_area.result_rows(definition, result.topics, lambda t: t.ticked)


KIND = ChecklistTopic()

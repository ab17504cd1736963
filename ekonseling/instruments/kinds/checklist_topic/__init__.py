"""DCM: a checklist of problems grouped in topics, the topics in bidang.

Figures: ``scoring.py``. Reports: per topic and per bidang the share ticked, the critical items
with who ticked them, items ranked by frequency.
"""

from __future__ import annotations

from ...filling import ResultRow
from ...tables import HIDDEN, Table, band_text, bar, bidang_table, item_list, number, pct, ranking_table, text
from ...text import gettext as _
from ...text import gettext_noop
from ..base import ChecklistKind, band_words
from . import scoring


class ChecklistTopic(ChecklistKind):
    name = "checklist_topic"
    answer_format = "checklist"
    label_msgid = gettext_noop("Checklist by topic (DCM)")
    metric = "%"
    scoring = scoring
    requires_bidang = True
    result_measure = "problems"

    def group_metric(self, definition, group):
        return [(t.code, t.name, t.percent, t.band) for t in group.topics]

    def individual_areas(self, definition, result):
        return [(t.code, t.name, t.percent, t.band) for t in result.topics]

    def build_group(self, report, definition, group, names):
        table = Table(
            "areas",
            _("Group profile per topic"),
            [_("Topic"), _("Bidang"), _("Items"), "Σ", "%", _("Band")],
            note=_("Topic % = Σticked / (items × N) × 100."),
        )
        for t in group.topics:
            table.rows.append(
                [
                    text(f"{t.code} {t.name}"),
                    text(t.bidang),
                    number(t.items),
                    number(t.total),
                    pct(t.percent),
                    band_text(t.band),
                ]
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
        columns = []
        for a in definition.areas:
            columns += [f"{a.code} J", f"{a.code} %"]
        return [*columns, _("Overall %")]

    def student_row(self, definition, r):
        row = []
        for t in r.topics:
            row += [number(len(t.ticked)), pct(t.percent)]
        return [*row, pct(r.overall)]

    def build_individual(self, report, definition, r):
        table = Table(
            "areas", _("Profile per topic"), [_("Topic"), _("Bidang"), _("Items"), _("Ticked"), "%", _("Band")]
        )
        for t in r.topics:
            table.rows.append(
                [
                    text(f"{t.code} {t.name}"),
                    text(t.bidang),
                    number(t.items),
                    number(len(t.ticked)),
                    pct(t.percent),
                    band_text(t.band),
                ]
            )
        bidang = Table("bidang", _("Per bidang"), [_("Bidang"), _("Items"), _("Ticked"), "%"])
        for b in r.bidang:
            bidang.rows.append([text(b.bidang), number(b.items), number(b.ticked), pct(b.percent)])
        report.bars = [bar(definition, f"{t.code} {t.name}", t.percent, t.band) for t in r.topics]
        report.tables += [table, bidang, item_list("items", _("Ticked items"), r.ticked, definition, None)]

    def result_rows(self, definition, result):
        texts = {item.number: item.text for item in definition.items}
        return [
            ResultRow(
                t.name,
                float(t.percent.value),
                f"{t.percent.display()} %",
                band_words(t.band),
                tuple(texts[n] for n in t.ticked),
            )
            for t in result.topics
        ]


KIND = ChecklistTopic()

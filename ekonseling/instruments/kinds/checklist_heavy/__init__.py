"""AUM Umum: a checklist of problems, the ticked ones also marked when felt as very heavy.

Figures: ``scoring.py``. Reports: per area J and % (group: R, T, J, P%, M and the heavy sums),
areas ranked by P%, items and heavy items ranked by frequency.
"""

from __future__ import annotations

import re

from ... import entry
from ...tables import Table, band_text, item_list, mean, number, pct, ranking_table, text
from ...text import gettext as _
from ...text import gettext_noop
from .. import per_area
from ..base import ChecklistKind
from . import scoring


class ChecklistHeavy(ChecklistKind):
    name = "checklist_heavy"
    answer_format = "checklist_heavy"
    label_msgid = gettext_noop("Checklist with heavy items (AUM Umum)")
    metric = "P%"
    scoring = scoring
    ranks_problems = True
    heavy_items = True
    result_measure = "problems"

    def entry_parts(self, definition, layout):
        return [*super().entry_parts(definition, layout), {"name": "heavy", "label": "", "items": [], "expected": None}]

    def parse_entry(self, definition, fields, layout, doc, errors):
        super().parse_entry(definition, fields, layout, doc, errors)
        ticked = {int(number) for number in doc["items"]}
        heavy, problems = entry.parse_numbers(definition, fields.get("heavy", ""))
        errors += [entry.EntryError("heavy", _("heavy: %(message)s") % {"message": message}) for message in problems]
        not_ticked = [n for n in heavy if n not in ticked]
        if not_ticked:
            message = _(
                "item %(items)s is marked heavy but not ticked; heavy items must also be written in the field of "
                "ticked items."
            ) % {"items": entry.number_list(not_ticked)}
            errors.append(entry.EntryError("heavy", message))
        doc["heavy"] = sorted(n for n in heavy if n in ticked)

    def import_field(self, label):
        """The column of heavy items: a header with the word "berat" (a column of item numbers)."""
        return "heavy" if "berat" in re.findall(r"[0-9a-z]+", str(label or "").casefold()) else None

    def read_import_field(self, definition, field, text, items):
        if field != "heavy":
            return super().read_import_field(definition, field, text, items)
        heavy, problems = entry.parse_numbers(definition, text)
        messages = [_("heavy: %(message)s") % {"message": problem} for problem in problems]
        not_ticked = [n for n in heavy if items.get(str(n)) is not True]
        if not_ticked:
            messages.append(
                _("item %(items)s is marked heavy but not ticked.") % {"items": entry.number_list(not_ticked)}
            )
        return sorted(heavy), messages

    def import_defaults(self):
        return {"heavy": []}

    def group_metric(self, definition, group):
        return per_area.figures(group.areas)

    def individual_areas(self, definition, result):
        return per_area.figures(result.areas)

    def needs_by_bidang(self, definition, group):
        return self._problems_by_bidang(definition, group, group.areas)

    def build_group(self, report, definition, group, names):
        table = per_area.table(
            "areas",
            _("Group profile per area"),
            [_("Area"), _("Items"), "R", "T", "J", "P%", "M", _("Heavy Σ"), _("Heavy M"), _("Band")],
            group.areas,
            lambda a: [
                number(a.items),
                number(a.lowest),
                number(a.highest),
                number(a.total),
                pct(a.percent),
                mean(a.total, a.n),
                number(a.heavy_total),
                mean(a.heavy_total, a.n),
                band_text(a.band),
            ],
            note=_("R lowest and T highest individual count, J sum, P% = J / (items × N) × 100, M = J / N."),
        )
        table.rows.append(
            [
                text(_("All areas")),
                number(len(definition.items)),
                text(""),
                text(""),
                number(group.overall.numerator),
                pct(group.overall),
                mean(group.overall.numerator, group.n),
                number(sum(a.heavy_total for a in group.areas)),
                mean(sum(a.heavy_total for a in group.areas), group.n),
                text(""),
            ]
        )
        ranked = Table("areas_ranked", _("Areas ranked by P%"), [_("Rank"), _("Area"), "P%", _("Band")])
        for rank, a in enumerate(group.areas_ranked, 1):
            ranked.rows.append([number(rank), per_area.label(a), pct(a.percent), band_text(a.band)])
        report.tables += [
            table,
            ranked,
            ranking_table("item_ranking", _("Items ranked by frequency"), group.item_ranking, definition),
            ranking_table("heavy_ranking", _("Heavy items ranked by frequency"), group.heavy_ranking, definition),
        ]

    def student_columns(self, definition):
        return [*per_area.columns(definition, "J", "%"), _("Overall %"), _("Heavy")]

    def student_row(self, definition, r):
        row = per_area.cells(r.areas, lambda a: [number(a.count), pct(a.percent)])
        return [*row, pct(r.overall), number(len(r.heavy))]

    def build_individual(self, report, definition, r):
        table = per_area.table(
            "areas",
            _("Profile per area"),
            [_("Area"), _("Items"), "J", "%", _("Heavy"), _("Band")],
            r.areas,
            lambda a: [number(a.items), number(a.count), pct(a.percent), number(len(a.heavy)), band_text(a.band)],
        )
        table.rows.append(
            [
                text(_("All areas")),
                number(len(definition.items)),
                number(len(r.ticked)),
                pct(r.overall),
                number(len(r.heavy)),
                text(""),
            ]
        )
        report.bars = per_area.bars(definition, r.areas)
        report.tables += [table, item_list("items", _("Ticked items (heavy marked)"), r.ticked, definition, r.heavy)]

    def result_rows(self, definition, result):
        return per_area.result_rows(definition, result.areas, lambda a: a.ticked, heavy=lambda a: a.heavy)


KIND = ChecklistHeavy()

"""AUM PTSDL: a keyed frequency scale (J K SR U L), scored per component, with problem answers.

Figures: ``scoring.py``. Reports: per component Skor% (how well it goes) and Masalah% (how much
of a problem), components ranked by Masalah%, items ranked by students answering them as a problem.
"""

from __future__ import annotations

from ...scoring import unknown_code
from ...tables import Table, band_text, item_list, number, pct, ranking_table, text
from ...text import gettext as _
from ...text import gettext_noop
from .. import per_area
from ..base import OrderedKind
from . import scoring


class KeyedFrequency(OrderedKind):
    name = "keyed_frequency"
    answer_format = "frequency_scale"
    label_msgid = gettext_noop("Keyed frequency scale (AUM PTSDL)")
    metric = "Skor%"
    scoring = scoring
    uses_scale = True
    result_measure = "score"

    def check_value(self, definition, item, value):
        return unknown_code(item, value, definition.scale_by_code) if value not in definition.scale_by_code else None

    def marks_problem(self, definition, item, value):
        return super().marks_problem(definition, item, value) or definition.scale_by_code[value].is_problem(item.key)

    def item_choices(self, definition, item, yes_no_labels):
        return [(point.code, point.label) for point in definition.scale]

    def choices_hint(self, definition):
        return " ".join(option.code for option in definition.scale)

    def read_code(self, definition, item, word):
        text = " ".join(str(word).split())
        folded = text.casefold()
        for option in definition.scale:
            label = " ".join(option.label.split()).casefold()
            if folded in (option.code.casefold(), label, label.split("(")[0].strip()):  # "Jarang (0–20 %)"
                return option.code, None
        return None, _("'%(value)s' is not known; choose from %(codes)s.") % {
            "value": text,
            "codes": ", ".join(definition.scale_by_code),
        }

    def summary_order(self, definition):
        return [option.code for option in definition.scale]

    def group_metric(self, definition, group):
        return per_area.figures(group.components, "score_percent")

    def individual_areas(self, definition, result):
        # The attention rule asks "how much of a problem": Masalah%, not Skor% (a high Skor% is good).
        return per_area.figures(result.components, "problem_percent")

    def build_group(self, report, definition, group, names):
        table = per_area.table(
            "areas",
            _("Group profile per component"),
            [_("Component"), _("Items"), "Σ " + _("score"), "Skor%", "Σ " + _("problems"), "Masalah%", _("Band")],
            group.components,
            lambda c: [
                number(c.items),
                number(c.score),
                pct(c.score_percent),
                number(c.problems),
                pct(c.problem_percent),
                band_text(c.band),
            ],
            note=_("Skor% = Σscore / (max × items × N) × 100; Masalah% = Σproblems / (items × N) × 100."),
        )
        ranked = Table(
            "areas_ranked", _("Components ranked by Masalah%"), [_("Rank"), _("Component"), "Masalah%", "Skor%"]
        )
        for rank, c in enumerate(group.components_ranked, 1):
            ranked.rows.append([number(rank), per_area.label(c), pct(c.problem_percent), pct(c.score_percent)])
        report.tables += [
            table,
            ranked,
            ranking_table(
                "item_ranking",
                _("Items ranked by students answering them as a problem"),
                group.problem_ranking,
                definition,
            ),
        ]

    def student_columns(self, definition):
        return per_area.columns(definition, "Skor%", "Masalah%")

    def student_row(self, definition, r):
        return per_area.cells(r.components, lambda c: [pct(c.score_percent), pct(c.problem_percent)])

    def build_individual(self, report, definition, r):
        table = per_area.table(
            "areas",
            _("Profile per component"),
            [_("Component"), _("Items"), _("Score"), "Skor%", _("Problems"), "Masalah%", _("Band")],
            r.components,
            lambda c: [
                number(c.items),
                number(c.score),
                pct(c.score_percent),
                number(len(c.problems)),
                pct(c.problem_percent),
                band_text(c.band),
            ],
        )
        table.rows.append(
            [
                text(_("All components")),
                number(len(definition.items)),
                text(""),
                pct(r.score_percent),
                text(""),
                pct(r.problem_percent),
                text(""),
            ]
        )
        report.bars = per_area.bars(definition, r.components, "score_percent")
        problems = [n for c in r.components for n in c.problems]
        report.tables += [table, item_list("items", _("Items answered as a problem"), problems, definition, None)]

    def result_rows(self, definition, result):
        return per_area.result_rows(definition, result.components, lambda c: c.problems, figure="score_percent")


KIND = KeyedFrequency()

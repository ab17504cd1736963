"""AUM PTSDL: a keyed frequency scale (J K SR U L), scored per component, with problem answers.

Figures: ``scoring.py``. Reports: per component Skor% (how well it goes) and Masalah% (how much
of a problem), components ranked by Masalah%, items ranked by students answering them as a problem.
"""

from __future__ import annotations

from ...filling import ResultRow
from ...scoring import unknown_code
from ...tables import Table, band_text, bar, item_list, number, pct, ranking_table, text
from ...text import gettext as _
from ...text import gettext_noop
from ..base import OrderedKind, band_words
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
        return [(c.code, c.name, c.score_percent, c.band) for c in group.components]

    def individual_areas(self, definition, result):
        # The attention rule asks "how much of a problem": Masalah%, not Skor% (a high Skor% is good).
        return [(c.code, c.name, c.problem_percent, c.band) for c in result.components]

    def build_group(self, report, definition, group, names):
        table = Table(
            "areas",
            _("Group profile per component"),
            [_("Component"), _("Items"), "Σ " + _("score"), "Skor%", "Σ " + _("problems"), "Masalah%", _("Band")],
            note=_("Skor% = Σscore / (max × items × N) × 100; Masalah% = Σproblems / (items × N) × 100."),
        )
        for c in group.components:
            table.rows.append(
                [
                    text(f"{c.code} {c.name}"),
                    number(c.items),
                    number(c.score),
                    pct(c.score_percent),
                    number(c.problems),
                    pct(c.problem_percent),
                    band_text(c.band),
                ]
            )
        ranked = Table(
            "areas_ranked", _("Components ranked by Masalah%"), [_("Rank"), _("Component"), "Masalah%", "Skor%"]
        )
        for rank, c in enumerate(group.components_ranked, 1):
            ranked.rows.append([number(rank), text(f"{c.code} {c.name}"), pct(c.problem_percent), pct(c.score_percent)])
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
        columns = []
        for a in definition.areas:
            columns += [f"{a.code} Skor%", f"{a.code} Masalah%"]
        return columns

    def student_row(self, definition, r):
        row = []
        for c in r.components:
            row += [pct(c.score_percent), pct(c.problem_percent)]
        return row

    def build_individual(self, report, definition, r):
        table = Table(
            "areas",
            _("Profile per component"),
            [_("Component"), _("Items"), _("Score"), "Skor%", _("Problems"), "Masalah%", _("Band")],
        )
        for c in r.components:
            table.rows.append(
                [
                    text(f"{c.code} {c.name}"),
                    number(c.items),
                    number(c.score),
                    pct(c.score_percent),
                    number(len(c.problems)),
                    pct(c.problem_percent),
                    band_text(c.band),
                ]
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
        report.bars = [bar(definition, f"{c.code} {c.name}", c.score_percent, c.band) for c in r.components]
        problems = [n for c in r.components for n in c.problems]
        report.tables += [table, item_list("items", _("Items answered as a problem"), problems, definition, None)]

    def result_rows(self, definition, result):
        texts = {item.number: item.text for item in definition.items}
        return [
            ResultRow(
                c.name,
                float(c.score_percent.value),
                f"{c.score_percent.display()} %",
                band_words(c.band),
                tuple(texts[n] for n in c.problems),
            )
            for c in result.components
        ]


KIND = KeyedFrequency()

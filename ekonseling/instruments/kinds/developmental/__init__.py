"""ITP: developmental levels. Each item offers statements keyed to levels; an aspect's level is the
mean of the chosen levels, rounded half up, and is compared with its target.

Figures: ``scoring.py``. Reports: students at each level per aspect (a stacked chart), the aspects
below target with who is below; attention means an aspect below its target.
"""

from __future__ import annotations

from ... import charts
from ...filling import ResultRow
from ...scoring import fmt, unknown_option
from ...tables import HIDDEN, Bar, Cell, Stack, Table, decimal, number, pct, text
from ...text import gettext as _
from ...text import gettext_noop
from ..base import OrderedKind
from . import scoring


class Developmental(OrderedKind):
    name = "developmental"
    answer_format = "choice"
    label_msgid = gettext_noop("Developmental levels (ITP)")
    metric = "% below target"
    scoring = scoring
    uses_levels = True
    result_measure = "level"
    attention_rule_template = "instruments/reports/_attention_rule_levels.html"

    def check_value(self, definition, item, value):
        return unknown_option(item, value) if value not in item.options_by_code else None

    def item_choices(self, definition, item, yes_no_labels):
        return [(option.code, option.text) for option in item.options]

    def choices_hint(self, definition):
        return " ".join(sorted({option.code for item in definition.items for option in item.options}))

    def read_code(self, definition, item, word):
        text = " ".join(str(word).split())
        folded = text.casefold()
        for option in item.options:
            if folded in (option.code.casefold(), " ".join(option.text.split()).casefold()):
                return option.code, None
        return None, _("choice '%(value)s' does not exist; choose from %(codes)s.") % {
            "value": text,
            "codes": ", ".join(item.options_by_code),
        }

    def group_metric(self, definition, group):
        return [(a.code, a.name, a.below_target, None) for a in group.aspects]

    def individual_areas(self, definition, result):
        return [(a.code, a.name, None, None) for a in result.aspects]

    def attention_reasons(self, administration, definition, result):
        below = [a for a in result.aspects if a.below_target]
        if not below:
            return []
        return [
            _("Below target in: %(aspects)s")
            % {"aspects": ", ".join(f"{a.code} ({a.level} < {a.target})" for a in below)}
        ]

    def build_group(self, report, definition, group, names):
        levels = [f"{level.value} {level.name}" for level in definition.levels]
        table = Table(
            "areas",
            _("Students at each level per aspect"),
            [_("Aspect"), _("Target"), *levels, _("Below target")],
            note=_(
                "Each level: students / N × 100. An aspect level is the mean of the chosen levels, rounded half up."
            ),
        )
        for a in group.aspects:
            table.rows.append(
                [
                    text(f"{a.code} {a.name}"),
                    number(a.target),
                    *(Cell(f"{s.count} ({s.percent.display()} %)", s.percent.formula, s.count) for s in a.distribution),
                    Cell(
                        f"{a.below_target.numerator} ({a.below_target.display()} %)",
                        a.below_target.formula,
                        a.below_target.numerator,
                    ),
                ]
            )
            report.stacks.append(
                Stack(
                    f"{a.code} {a.name}",
                    tuple((f"{s.level}", s.count, float(s.percent.value)) for s in a.distribution),
                    marker=str(a.target),
                )
            )
        tasks = Table(
            "tasks",
            _("Developmental tasks to work on, by students below target"),
            [_("Rank"), _("Aspect"), _("Below target"), _("Students")],
        )
        for rank, a in enumerate(group.tasks, 1):
            who = ", ".join(names.get(r, HIDDEN) for r in a.below_respondents)
            tasks.rows.append([number(rank), text(f"{a.code} {a.name}"), pct(a.below_target), text(who)])
        report.tables += [table, tasks]

    def group_bars(self, definition, group):
        return []  # the levels are drawn as stacks (build_group), not as one bar per aspect

    def group_charts(self, report):
        if not report.stacks:
            return []
        legend = [f"{level.value} {level.name}" for level in report.definition.levels]
        return [charts.stacked_chart(report.stacks, _("Students at each level per aspect"), legend)]

    def student_columns(self, definition):
        return [*(a.code for a in definition.areas), _("Below target")]

    def student_row(self, definition, r):
        row = [Cell(str(a.level), f"{fmt(a.mean)} → {a.level}", a.level) for a in r.aspects]
        return [*row, text(", ".join(r.tasks))]

    def build_individual(self, report, definition, r):
        table = Table(
            "areas", _("Level per aspect"), [_("Aspect"), _("Mean"), _("Level"), _("Target"), _("Below target")]
        )
        for a in r.aspects:
            levels = " + ".join(str(level) for _n, level in a.item_levels)
            table.rows.append(
                [
                    text(f"{a.code} {a.name}"),
                    decimal(a.mean, f"({levels}) / {len(a.item_levels)} = {{}}"),
                    Cell(f"{a.level} {a.level_name}", _("%(mean)s rounded half up") % {"mean": fmt(a.mean)}, a.level),
                    number(a.target),
                    text("✓" if a.below_target else ""),
                ]
            )
        top = max((level.value for level in definition.levels), default=1)
        report.bars = [
            Bar(
                f"{a.code} {a.name}",
                a.level * 100 / top,
                f"{a.level} {a.level_name}",
                formula=f"{fmt(a.mean)} → {a.level}",
            )
            for a in r.aspects
        ]
        report.tables.append(table)

    def result_rows(self, definition, result):
        top = max((level.value for level in definition.levels), default=1)
        return [
            ResultRow(a.name, a.level * 100 / top, a.level_name, "", (), below_target=a.below_target)
            for a in result.aspects
        ]


KIND = Developmental()

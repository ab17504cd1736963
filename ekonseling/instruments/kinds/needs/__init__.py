"""AKPD / IKMS: yes/no needs, summed per area and per bidang; the most wanted items become the
topics of the annual BK program.

Figures: ``scoring.py``. Reports: per area and per bidang the share of "ya", items ranked per bidang.
"""

from __future__ import annotations

from ...definition import NO, YES
from ...entry import yes_no
from ...scoring import not_yes_no, percent
from ...tables import Table, band_text, item_list, number, pct, ranking_table, text
from ...text import gettext as _
from ...text import gettext_noop
from .. import per_area
from ..base import OrderedKind
from . import scoring


class Needs(OrderedKind):
    name = "needs"
    answer_format = "yes_no"
    label_msgid = gettext_noop("Yes/no needs (AKPD)")
    metric = "% ya"
    scoring = scoring
    requires_bidang = True
    ranks_needs = True
    result_measure = "chosen"
    inline_choices = True

    def check_value(self, definition, item, value):
        return not_yes_no(item, value) if value not in (YES, NO) else None

    def item_choices(self, definition, item, yes_no_labels):
        return [(YES, yes_no_labels[YES]), (NO, yes_no_labels[NO])]

    def choices_hint(self, definition):
        return "y/t, ya/tidak, 1/0"

    def read_code(self, definition, item, word):
        text = " ".join(str(word).split())
        value = yes_no(text)
        if value is None:
            return None, _("'%(value)s' is not ya/tidak; write y or t (ya/tidak, 1/0).") % {"value": text}
        return value, None

    def summary_order(self, definition):
        return [YES, NO]

    def group_metric(self, definition, group):
        return per_area.figures(group.areas)

    def needs_by_bidang(self, definition, group):
        return {share.code: (share.percent, tuple(group.ranking.get(share.code, ()))) for share in group.bidang}

    def individual_areas(self, definition, result):
        return per_area.figures(result.areas)

    def build_group(self, report, definition, group, names):
        bidang_of = {area.code: area.bidang or "" for area in definition.areas}
        table = per_area.table(
            "areas",
            _("Needs per area"),
            [_("Area"), _("Bidang"), _("Items"), "Σ ya", "%", _("Band")],
            group.areas,
            lambda s: [text(bidang_of[s.code]), number(s.items), number(s.yes), pct(s.percent), band_text(s.band)],
            note=_("Area % = Σya / (items × N) × 100; item % = ya / N × 100."),
        )
        bidang = Table("bidang", _("Needs per bidang"), [_("Bidang"), _("Items"), "Σ ya", "%"])
        for share in group.bidang:
            bidang.rows.append([text(share.code), number(share.items), number(share.yes), pct(share.percent)])
        report.tables += [table, bidang]
        for name, ranked in group.ranking.items():
            report.tables.append(
                ranking_table(
                    f"item_ranking_{name}",
                    _("Needs of bidang %(bidang)s, ranked: candidate topics for the annual program") % {"bidang": name},
                    ranked,
                    definition,
                )
            )

    def student_columns(self, definition):
        return [*per_area.columns(definition, "J", "%"), _("Overall %")]

    def student_row(self, definition, r):
        overall = pct(percent(len(r.yes_items), len(definition.items)))
        return [*per_area.cells(r.areas, lambda a: [number(a.yes), pct(a.percent)]), overall]

    def build_individual(self, report, definition, r):
        table = per_area.table(
            "areas",
            _("Needs per area"),
            [_("Area"), _("Items"), "ya", "%", _("Band")],
            r.areas,
            lambda s: [number(s.items), number(s.yes), pct(s.percent), band_text(s.band)],
        )
        bidang = Table("bidang", _("Needs per bidang"), [_("Bidang"), _("Items"), "ya", "%"])
        for s in r.bidang:
            bidang.rows.append([text(s.code), number(s.items), number(s.yes), pct(s.percent)])
        report.bars = per_area.bars(definition, r.areas)
        report.tables += [table, bidang, item_list("items", _("Items answered ya"), r.yes_items, definition, None)]

    def result_rows(self, definition, result):
        area_of = {item.number: item.area for item in definition.items}
        return per_area.result_rows(
            definition, result.areas, lambda s: [n for n in result.yes_items if area_of[n] == s.code]
        )


KIND = Needs()

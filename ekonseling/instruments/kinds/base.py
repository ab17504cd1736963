"""The interface every instrument kind implements, and the behaviour two families of kinds share.

A kind object is stateless and pure (no Django import): the modules around it (``answers``,
``entry``, ``answer_import``, ``filling``, ``reports``, the views and templates) hand it a
definition and plain data and render what it returns. Two families share their answer handling:

- :class:`ChecklistKind`: the student ticks items; an unticked item is a "no", a typist writes the
  ticked numbers (``1 4 7-9``), a spreadsheet cell says ya/1/x or stays empty.
- :class:`OrderedKind`: every item has one answer from a list of codes (a scale point, a
  statement, ya/tidak); a typist writes the answers in item order, a blank is missing, not "no".

Figures are never computed here: they come from the kind's ``scoring`` module.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import ModuleType
from typing import Any

from .. import charts, entry
from ..definition import YES, Definition, Item
from ..scoring import Percent, check_tick
from ..tables import Bar, Cell, bar
from ..text import gettext as _
from ..text import gettext_noop, ngettext

#: The texts of the student's own profile page, by what its bars measure (msgids of result.html).
RESULT_TEXTS = {
    "problems": (
        gettext_noop(
            "Each bar shows how many of the statements in that area you ticked. A longer bar means more things "
            "are on your mind there — it is not a grade, and it is not a diagnosis."
        ),
        gettext_noop("Statements you ticked"),
    ),
    "score": (
        gettext_noop(
            "Each bar shows how well things are going for you in that part of learning, from your own answers. "
            "A longer bar is better. The statements below a bar are the ones worth working on."
        ),
        gettext_noop("Statements worth working on"),
    ),
    "level": (
        gettext_noop(
            "Each bar shows how far you have come in that part of growing up, from your own choices. Everyone "
            "grows at their own pace."
        ),
        gettext_noop("Statements you ticked"),
    ),
    "chosen": (
        gettext_noop("Each bar shows how many of the topics in that area you said you would like help with."),
        gettext_noop("Topics you chose"),
    ),
}


def band_words(band) -> str:
    """A band as the student's profile shows it: its description, else its label; "" without bands."""
    return (band.description or band.label) if band is not None else ""


class Kind:
    """One scoring kind. Subclasses set the attributes and implement the methods marked abstract."""

    #: The definition's ``scoring`` value.
    name: str = ""
    #: The only ``answer_format`` a definition of this kind may declare.
    answer_format: str = ""
    #: Shown in the library (an English msgid, translated by :attr:`label`).
    label_msgid: str = ""
    #: The kind's main group figure, named as charts, comparisons and the PDF title name it.
    metric: str = ""
    #: The pure module with ``score_individual(definition, answers)`` and ``score_group(...)``.
    scoring: ModuleType

    # What a definition of this kind carries (checked by ``definition.validate``).
    requires_bidang: bool = False  # every area names its bidang (results are summed per bidang)
    ranks_needs: bool = False  # its group result ranks needs per bidang (`ranking`): a BK program's start
    #: its group result ranks problems by item (``item_ranking``, e.g. DCM, AUM Umum): a BK program
    #: may be drafted from the problems of the bidang where they are most frequent
    ranks_problems: bool = False
    uses_levels: bool = False  # developmental levels, item options keyed to them, target levels
    uses_scale: bool = False  # a keyed frequency scale and a +/- key per item

    # How answers look.
    blank_is_no: bool = False  # an unanswered item counts as "no" (checklists); otherwise it is missing
    heavy_items: bool = False  # answers carry "heavy": ticked items felt as very heavy (AUM Umum)
    ordered: bool = False  # typed answer by answer in item order (else as a list of ticked numbers)
    inline_choices: bool = False  # the online radios fit on one line (ya/tidak); else one per line
    #: What the student's own profile bars measure: a key of RESULT_TEXTS.
    result_measure: str = "problems"
    #: The template saying who needs attention in a group report (differs for developmental kinds).
    attention_rule_template: str = "instruments/reports/_attention_rule_areas.html"

    @property
    def label(self) -> str:
        return _(self.label_msgid)

    def __repr__(self) -> str:
        return f"<Kind {self.name}>"

    # --- the needs of a group, for the BK program ------------------------------------------------------------

    def needs_by_bidang(self, definition: Definition, group: Any) -> dict[str, tuple[Percent, Sequence]]:
        """``{bidang: (the bidang's group figure, its items ranked most marked first)}`` in the
        canonical bidang order, for a kind that ranks needs or problems; empty for the others."""
        return {}

    def _problems_by_bidang(self, definition: Definition, group: Any, areas: Sequence) -> dict:
        """`needs_by_bidang` of a problem checklist: per bidang Σmarked / (Σitems × N) over its
        ``areas`` (rows with ``code``, ``total``, ``items``) and its share of ``item_ranking``."""
        bidang_of = {area.code: area.bidang for area in definition.areas if area.bidang}
        out = {}
        for name in definition.bidang_codes():
            rows = [row for row in areas if bidang_of.get(row.code) == name]
            share = Percent(sum(row.total for row in rows), (sum(row.items for row in rows), group.n))
            out[name] = (share, tuple(row for row in group.item_ranking if bidang_of.get(row.area) == name))
        return out

    # --- scoring ------------------------------------------------------------------------------------------

    def score_individual(self, definition: Definition, answers: Mapping) -> Any:
        return self.scoring.score_individual(definition, answers)

    def score_group(self, definition: Definition, results_or_answers: Sequence) -> Any:
        return self.scoring.score_group(definition, results_or_answers)

    # --- answers ------------------------------------------------------------------------------------------

    def check_value(self, definition: Definition, item: Item, value: Any) -> str | None:
        """A user-facing error for a value this item does not accept, or None."""
        raise NotImplementedError

    def marks_problem(self, definition: Definition, item: Item, value: Any) -> bool:
        """Whether an answer marks the item as a problem (ticked, "ya"): for critical items."""
        return value is True or value == YES

    def item_choices(self, definition: Definition, item: Item, yes_no_labels: Mapping[str, str]) -> list:
        """(code, label) of the radios an item offers when filled online; [] for a checkbox."""
        return []

    # --- paper entry and spreadsheet import --------------------------------------------------------------

    def choices_hint(self, definition: Definition) -> str:
        """The codes a typist may use, for the entry and import help texts."""
        return ""

    def read_code(self, definition: Definition, item: Item, word: str) -> tuple[Any, str | None]:
        """One typed (or spreadsheet) answer of an ordered kind: (value, None) or (None, message)."""
        raise ValueError(f"{self.name!r} is not typed answer by answer")

    def import_cell(self, definition: Definition, item: Item, text: str) -> tuple[Any, str | None]:
        """A spreadsheet cell of an item column: (value, None), (None, message), or (None, None) if blank."""
        raise NotImplementedError

    def summary_order(self, definition: Definition) -> list[str] | None:
        """The order the answer codes are counted in for the entry preview; None: sorted."""
        return None

    def entry_parts(self, definition: Definition, layout: str) -> list[dict]:
        """The fields of the paper entry form (see ``entry.parts``)."""
        raise NotImplementedError

    def parse_entry(
        self, definition: Definition, fields: Mapping[str, str], layout: str, doc: dict, errors: list
    ) -> None:
        """Read the typed fields of :meth:`entry_parts` into ``doc``; each slip becomes an ``entry.EntryError``."""
        raise NotImplementedError

    def import_field(self, label: str) -> str | None:
        """The answer field (beyond items and open questions) a spreadsheet column with this header holds."""
        return None

    def read_import_field(
        self, definition: Definition, field: str, text: str, items: Mapping[str, Any]
    ) -> tuple[Any, list[str]]:
        """A cell of an :meth:`import_field` column: (value, messages)."""
        raise ValueError(f"{self.name!r} reads no {field!r} column")

    def import_defaults(self) -> dict:
        """The answer fields of the kind an imported row has even without their column."""
        return {}

    # --- reports --------------------------------------------------------------------------------------------

    def group_metric(self, definition: Definition, group: Any) -> list[tuple[str, str, Percent, Any]]:
        """(area code, area name, the kind's main group percentage, its band) per area."""
        raise NotImplementedError

    def individual_areas(self, definition: Definition, result: Any) -> list[tuple[str, str, Percent | None, Any]]:
        """(area code, name, the student's percentage for the attention rule, its band) per area."""
        raise NotImplementedError

    def attention_reasons(self, administration: Any, definition: Definition, result: Any) -> list[str]:
        """Why a student needs attention from their figures (critical items are added by the caller).

        A percentage at or above the administration's ``attention_percent`` in at least
        ``attention_min_areas`` areas.
        """
        threshold = administration.attention_percent
        # value >= threshold, in integers: numerator × 100 >= threshold × denominator
        high = [
            (code, figure)
            for code, _name, figure, _band in self.individual_areas(definition, result)
            if figure.numerator * 100 >= threshold * figure.denominator
        ]
        if high and len(high) >= max(1, administration.attention_min_areas):
            return [
                ngettext(
                    "%(count)d area at or above %(threshold)d %%: %(areas)s",
                    "%(count)d areas at or above %(threshold)d %%: %(areas)s",
                    len(high),
                )
                % {
                    "count": len(high),
                    "threshold": threshold,
                    "areas": ", ".join(f"{code} {figure.display()} %" for code, figure in high),
                }
            ]
        return []

    def build_group(self, report: Any, definition: Definition, group: Any, names: Mapping[str, str]) -> None:
        """Add the class profile's tables (and stacks) to ``report``; ``names``: respondent → shown name."""
        raise NotImplementedError

    def group_bars(self, definition: Definition, group: Any) -> list[Bar]:
        """The class profile's bar chart: the main figure per area, coloured by band."""
        return [
            bar(definition, f"{code} {name}", figure, band)
            for code, name, figure, band in self.group_metric(definition, group)
        ]

    def group_charts(self, report: Any) -> list[str]:
        """The class profile's charts as SVG."""
        if not report.bars:
            return []
        title = _("Group profile: %(metric)s per area") % {"metric": report.metric}
        return [charts.bar_chart(report.bars, title)]

    def student_columns(self, definition: Definition) -> list[str]:
        """The figure columns of the one-row-per-student table (after name, NISN and rombel)."""
        raise NotImplementedError

    def student_row(self, definition: Definition, result: Any) -> list[Cell]:
        raise NotImplementedError

    def build_individual(self, report: Any, definition: Definition, result: Any) -> None:
        """Add one student's profile (bars and tables) to ``report``."""
        raise NotImplementedError

    # --- the student's own released profile ----------------------------------------------------------------

    def result_rows(self, definition: Definition, result: Any) -> list:
        """One ``filling.ResultRow`` per area, in words for a student (no formulas, no critical flags)."""
        raise NotImplementedError

    def result_texts(self) -> tuple[str, str]:
        """(what the bars mean, the title of the marked statements) on the student's profile page."""
        intro, items = RESULT_TEXTS[self.result_measure]
        return _(intro), _(items)


#: The methods and attributes every registered kind must provide (checked by the tests).
INTERFACE = (
    "check_value",
    "import_cell",
    "group_metric",
    "individual_areas",
    "build_group",
    "student_columns",
    "student_row",
    "build_individual",
    "result_rows",
    "entry_parts",
    "parse_entry",
)


class ChecklistKind(Kind):
    """Ticked or not: an unticked item is a "no"; typed as the list of ticked numbers."""

    blank_is_no = True

    #: Spreadsheet words for a ticked and an unticked item.
    TICKED = frozenset({"ya", "y", "1", "x", "v", "✓", "✔", "true", "benar", "centang", "dicentang", "yes"})
    NOT_TICKED = frozenset({"", "tidak", "t", "0", "false", "salah", "-", "no"})

    def check_value(self, definition, item, value):
        return check_tick(item, value)

    def entry_parts(self, definition, layout):
        return [{"name": "ticked", "label": "", "items": list(definition.items), "expected": None}]

    def parse_entry(self, definition, fields, layout, doc, errors):
        ticked, problems = entry.parse_numbers(definition, fields.get("ticked", ""))
        errors += [entry.EntryError("ticked", message) for message in problems]
        doc["items"] = {str(n): True for n in sorted(ticked)}

    def import_cell(self, definition, item, text):
        word = text.casefold()
        if word in self.TICKED:
            return True, None
        if word in self.NOT_TICKED:
            return None, None
        shown = text if len(text) <= 20 else text[:19] + "…"
        return None, _("'%(value)s' is not known; write ya/1/x when ticked, leave empty or write tidak/0 when not.") % {
            "value": shown
        }


class OrderedKind(Kind):
    """One answer per item from a list of codes; typed in item order; a blank is missing."""

    ordered = True

    def import_cell(self, definition, item, text):
        if not text:
            return None, None
        value, message = self.read_code(definition, item, text)
        if message:
            return None, _("item %(number)s: %(message)s") % {"number": item.number, "message": message}
        return value, None

    def summary_order(self, definition):
        return None

    def entry_parts(self, definition, layout):
        if layout == entry.WHOLE_SHEET:
            items = list(definition.items)
            return [{"name": entry.WHOLE_SHEET, "label": definition.code, "items": items, "expected": len(items)}]
        out = []
        for area in definition.areas:
            items = list(definition.items_by_area.get(area.code, ()))
            out.append(
                {"name": f"area_{area.code}", "label": area.name, "area": area, "items": items, "expected": len(items)}
            )
        return out

    def parse_entry(self, definition, fields, layout, doc, errors):
        for part in self.entry_parts(definition, layout):
            entry.parse_ordered(definition, part, fields.get(part["name"], ""), doc["items"], errors)

"""The kind registry: every kind implements the whole interface, every sample resolves to a kind,
and no module outside ``instruments/kinds/`` decides anything by comparing the kind's name."""

import re
from pathlib import Path
from random import Random
from types import SimpleNamespace

import pytest
from django.template.loader import get_template

from ekonseling.instruments import kinds
from ekonseling.instruments.definition import SCORING_KINDS, load_definition, validate
from ekonseling.instruments.kinds.base import INTERFACE, RESULT_TEXTS, Kind
from ekonseling.instruments.services import SAMPLES_DIR

ROOT = Path(__file__).parents[2]
SAMPLES = sorted(SAMPLES_DIR.glob("*.json"))
ATTRIBUTES = ("name", "answer_format", "label_msgid", "metric", "scoring")


def missing_interface(kind) -> list[str]:
    """What a kind object lacks: an attribute left empty, or an interface method not implemented."""
    missing = [name for name in ATTRIBUTES if not getattr(kind, name, None)]
    missing += [name for name in INTERFACE if getattr(type(kind), name) is getattr(Kind, name)]
    scoring = getattr(kind, "scoring", None)
    missing += [f"scoring.{name}" for name in ("score_individual", "score_group") if not hasattr(scoring, name)]
    if kind.result_measure not in RESULT_TEXTS:
        missing.append("result_measure")
    return missing


def test_the_interface_check_finds_what_a_half_written_kind_lacks():
    class HalfWritten(Kind):
        name = "half"
        answer_format = "checklist"
        label_msgid = "Half"
        metric = "%"

        def check_value(self, definition, item, value):
            return None

    expected = ["scoring", *(m for m in INTERFACE if m != "check_value")]
    assert missing_interface(HalfWritten()) == [*expected, "scoring.score_individual", "scoring.score_group"]


@pytest.mark.parametrize("name", kinds.NAMES)
def test_every_registered_kind_implements_the_whole_interface(name):
    kind = kinds.get(name)
    assert isinstance(kind, Kind) and kind.name == name
    assert missing_interface(kind) == []
    assert kinds.get(name) is kind  # one object per kind
    get_template(kind.attention_rule_template)  # the template it names exists
    assert all(kind.result_texts())


def test_the_definition_schema_lists_exactly_the_registered_kinds():
    assert SCORING_KINDS == kinds.NAMES
    assert {kind.name for kind in kinds.all_kinds()} == set(kinds.NAMES)
    with pytest.raises(KeyError):
        kinds.get("no_such_kind")


def test_a_definition_of_an_unregistered_kind_is_refused():
    data = {"code": "X", "version": "1", "title": "X", "school_levels": ["SMA"], "scoring": "likert"}
    data |= {"answer_format": "checklist", "areas": [{"code": "A", "name": "A"}], "items": []}
    errors = [error for error in validate(data) if error.path == "scoring"]
    assert len(errors) == 1 and all(name in errors[0].message for name in kinds.NAMES)


def _answers(definition, kind, rng):
    """A complete, valid sheet of any kind, built through the kind's own interface."""
    items = {}
    for item in definition.items:
        choices = kind.item_choices(definition, item, {"ya": "ya", "tidak": "tidak"})
        if choices:
            items[str(item.number)] = rng.choice(choices)[0]
        elif rng.random() < 0.4:
            items[str(item.number)] = True
    doc = {"items": items}
    if kind.heavy_items:
        doc["heavy"] = [int(number) for number in items][:2]
    return doc


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_each_sample_resolves_to_a_kind_that_builds_every_part(path):
    """Each sample's kind scores it and builds every report part the pages and exports draw."""
    from ekonseling.instruments import answers, filling
    from ekonseling.instruments.reports import GroupReport, IndividualReport

    definition = load_definition(path.read_bytes(), path.name)
    kind = kinds.of(definition)
    assert kind is kinds.get(definition.scoring) and definition.answer_format == kind.answer_format
    rng = Random(path.name)
    docs = [_answers(definition, kind, rng) for _ in range(3)]
    for doc in docs:
        answers.check_complete(definition, doc)  # the kind's values are valid answers
    results = [kind.score_individual(definition, {**doc, "respondent": str(i)}) for i, doc in enumerate(docs)]
    group = kind.score_group(definition, results)

    administration = SimpleNamespace(attention_percent=0, attention_min_areas=1)
    report = GroupReport(administration, definition, [], group, kind.metric)
    kind.build_group(report, definition, group, {"0": "Ani"})
    report.bars = kind.group_bars(definition, group)
    assert report.tables and (report.bars or report.stacks)
    assert all(svg.startswith("<svg") for svg in kind.group_charts(report)) and kind.group_charts(report)
    assert len(kind.group_metric(definition, group)) == len(definition.areas)
    columns = kind.student_columns(definition)
    assert all(len(kind.student_row(definition, result)) == len(columns) for result in results)
    assert all(isinstance(reason, str) for reason in kind.attention_reasons(administration, definition, results[0]))

    individual = IndividualReport(None, definition, None, results[0])
    kind.build_individual(individual, definition, results[0])
    assert individual.tables and individual.bars
    assert len(kind.result_rows(definition, results[0])) == len(definition.areas)
    assert filling.result_rows(definition, results[0])[0] == kind.result_measure

    item = definition.items[0]
    value = docs[0]["items"].get(str(item.number))
    if kind.ordered:
        assert kind.read_code(definition, item, value) == (value, None)
        assert kind.import_cell(definition, item, value) == (value, None)
        assert kind.import_cell(definition, item, "") == (None, None)
    else:
        assert kind.import_cell(definition, item, "x") == (True, None)
        assert kind.import_cell(definition, item, "") == (None, None)
    assert kind.import_cell(definition, item, "??")[1]  # a message


# --- nobody outside the kinds package decides by the kind's name ----------------------------------------------

KIND_NAME = "|".join(kinds.NAMES)
#: A kind (or its answer format) named in a comparison, a membership test or a lookup table key.
DECIDES_BY_NAME = re.compile(
    r"""(scoring|answer_format)\s*(==|!=|\bin\b|\bnot\s+in\b)\s*[-"'(\[{]"""  # scoring == "…", format in ("…")
    rf"""|(==|!=)\s*["']({KIND_NAME})["']"""  # … == "checklist_heavy"
)
#: Inside the instruments app, also a kind's name as a key of a lookup table: {"checklist_heavy": …}.
KEYED_BY_NAME = re.compile(rf"""["']({KIND_NAME})["']\s*:""")
#: Files that may still decide by name, each with why; the list must stay exact (see the test).
ALLOWED: dict[str, int] = {}


def _sources():
    yield from sorted((ROOT / "ekonseling").rglob("*.py"))
    yield from sorted((ROOT / "templates").rglob("*.html"))


def _decides(line: str, *, in_instruments: bool) -> bool:
    if line.lstrip().startswith("#"):
        return False
    return bool(DECIDES_BY_NAME.search(line) or (in_instruments and KEYED_BY_NAME.search(line)))


def _decisions(path: Path) -> list[str]:
    relative = path.relative_to(ROOT)
    in_instruments = relative.parts[:2] in (("ekonseling", "instruments"), ("templates", "instruments"))
    return [
        f"{relative}:{number}: {line.strip()}"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if _decides(line, in_instruments=in_instruments)
    ]


def test_the_scan_finds_a_decision_by_the_kind_name():
    lines = [
        'if definition.scoring == "checklist_heavy":',
        'if definition.answer_format in ("checklist", "checklist_heavy"):',
        'LABELS = {"needs": gettext_lazy("Yes/no needs")}',
        '{% if report.definition.scoring == "developmental" %}',
        "if kinds.of(definition).heavy_items:",
        'Column("special_needs", "Kebutuhan Khusus", ("kebutuhankhusus",), "needs", 200),',
    ]
    found = [_decides(line, in_instruments=True) for line in lines]
    assert found == [True, True, True, True, False, False]
    assert _decides("if answer_format != kind.answer_format:", in_instruments=True) is False
    assert _decides("{% if definition.answer_format != 'yes_no' %}", in_instruments=True) is True


def test_no_module_outside_the_kinds_package_compares_the_kind_name():
    kinds_dir = ROOT / "ekonseling" / "instruments" / "kinds"
    found: dict[str, list[str]] = {}
    for path in _sources():
        if kinds_dir in path.parents:
            continue
        decisions = _decisions(path)
        if decisions:
            found[str(path.relative_to(ROOT))] = decisions
    unexpected = {path: lines for path, lines in found.items() if len(lines) != ALLOWED.get(path)}
    assert unexpected == {}, "ask kinds.of(definition) instead of comparing its name"
    assert set(found) == set(ALLOWED), "a file no longer decides by name: take it off ALLOWED"


def test_the_per_area_builders_keep_the_area_order_and_each_rows_cells():
    from ekonseling.instruments.kinds import per_area
    from ekonseling.instruments.tables import number

    definition = load_definition((SAMPLES_DIR / "aum-umum-contoh.json").read_bytes(), "aum.json")
    rows = [SimpleNamespace(code=a.code, name=a.name, count=i, band=None) for i, a in enumerate(definition.areas)]
    table = per_area.table("areas", "T", ["Area", "J"], rows, lambda r: [number(r.count)])
    assert [[c.text for c in line] for line in table.rows] == [[f"{r.code} {r.name}", str(r.count)] for r in rows]
    first, second = definition.areas[:2]
    assert per_area.columns(definition, "J", "%")[:4] == [
        f"{first.code} J",
        f"{first.code} %",
        f"{second.code} J",
        f"{second.code} %",
    ]
    assert [c.value for c in per_area.cells(rows[:2], lambda r: [number(r.count), number(-r.count)])] == [0, 0, 1, -1]

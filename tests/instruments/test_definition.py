"""Definition files: the shipped samples, export round trip, fingerprint, and bad files."""

import copy
import json
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

import ekonseling.instruments
from ekonseling.instruments import kinds as registry
from ekonseling.instruments import scoring
from ekonseling.instruments.definition import (
    DefinitionInvalid,
    load_definition,
    to_json,
    validate,
)

SAMPLES = sorted((Path(ekonseling.instruments.__file__).parent / "samples").glob("*.json"))
LICENSE_NOTE = "bukan instrumen berlisensi"


def test_all_five_samples_are_there():
    kinds = {load_definition(path.read_bytes(), path.name).scoring for path in SAMPLES}
    assert kinds == set(registry.NAMES)


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_sample_loads_validates_and_round_trips(path):
    data = json.loads(path.read_text(encoding="utf-8"))
    assert validate(data) == []
    definition = load_definition(path.read_bytes(), path.name)
    assert LICENSE_NOTE in definition.title and LICENSE_NOTE in definition.notes
    exported = to_json(definition)
    again = load_definition(exported, "ekspor.json")
    assert again == definition and again.fingerprint == definition.fingerprint
    assert json.loads(exported) == data  # the sample is stored exactly as we export it


def test_sample_structures():
    by_code = {d.code: d for d in (load_definition(p.read_bytes(), p.name) for p in SAMPLES)}
    aum = by_code["AUM-UMUM-CONTOH"]
    assert [a.code for a in aum.areas] == ["JDK", "DPI", "HSO", "EDK", "KDP", "PDP", "ANM", "HMM", "KHK", "WSG"]
    assert [a.code for a in by_code["PTSDL-CONTOH"].areas] == ["P", "T", "S", "D", "L"]
    itp = by_code["ITP-SMA-CONTOH"]
    assert len(itp.areas) == 11 and len(itp.levels) == 7 and itp.level_names[5] == "Seksama"
    assert itp.target_level == 5
    assert by_code["DCM-CONTOH"].critical_items == (4,)
    assert by_code["AKPD-CONTOH"].bidang_codes() == ("pribadi", "sosial", "belajar", "karier")


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_every_sample_scores_an_empty_looking_student(path):
    # Smoke test through the registry: a first-option answer for every item where one is required.
    definition = load_definition(path.read_bytes(), path.name)
    first = {
        "checklist_heavy": lambda item: False,
        "checklist_topic": lambda item: False,
        "keyed_frequency": lambda item: definition.scale[0].code,
        "developmental": lambda item: item.options[0].code,
        "needs": lambda item: "tidak",
    }[definition.scoring]
    answers = {"items": {item.number: first(item) for item in definition.items}}
    group = scoring.score_group(definition, [answers, answers])
    assert group.n == 2 and group.fingerprint == definition.fingerprint


def test_fingerprint_ignores_layout_but_not_content():
    path = next(p for p in SAMPLES if p.name == "ptsdl-contoh.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    original = load_definition(path.read_bytes(), path.name)
    compact = load_definition(json.dumps(data, sort_keys=True, separators=(",", ":")), "x.json")
    assert compact.fingerprint == original.fingerprint
    data["items"][0]["key"] = "-"
    assert load_definition(json.dumps(data), "x.json").fingerprint != original.fingerprint


def test_package_imports_without_django():
    """The scoring modules and every kind object (reports, entry, import, charts) are pure Python."""
    code = (
        "import sys; from ekonseling.instruments import kinds; "
        "import ekonseling.instruments.kinds.checklist_heavy.scoring; "
        "assert [kinds.get(name).name for name in kinds.NAMES] == list(kinds.NAMES); "
        "assert 'django' not in sys.modules, sorted(m for m in sys.modules if m.startswith('django'))"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parents[2])


def test_band_lookup_leaves_no_hole_between_integer_bands():
    path = next(p for p in SAMPLES if p.name == "aum-umum-contoh.json")  # bands 0–20, 21–40, ...
    definition = load_definition(path.read_bytes(), path.name)
    assert definition.band_for(20).label == "A"
    assert definition.band_for(Fraction(41, 2)).label == "B"  # 20.5 % is above 20 → "21–40"
    assert definition.band_for(100).label == "E"


# ------------------------------------------------------------------------------------------------
# Bad definitions: each must name the exact place in the file.
# ------------------------------------------------------------------------------------------------


def base():
    return {
        "code": "UJI",
        "version": "1",
        "title": "Uji",
        "school_levels": ["SMA"],
        "scoring": "checklist_topic",
        "answer_format": "checklist",
        "areas": [{"code": "A", "name": "A", "bidang": "pribadi"}, {"code": "B", "name": "B", "bidang": "sosial"}],
        "items": [
            {"number": 1, "area": "A", "text": "satu"},
            {"number": 2, "area": "A", "text": "dua"},
            {"number": 3, "area": "B", "text": "tiga"},
        ],
        "bands": [{"lower": 0, "upper": 50, "label": "rendah"}, {"lower": 51, "upper": 100, "label": "tinggi"}],
    }


def itp():
    data = base()
    data.update(scoring="developmental", answer_format="choice", target_level=2, bands=[])
    data["levels"] = [{"value": 1, "name": "satu"}, {"value": 2, "name": "dua"}, {"value": 3, "name": "tiga"}]
    for item in data["items"]:
        item["options"] = [{"code": "a", "text": "a", "level": 1}, {"code": "b", "text": "b", "level": 3}]
    return data


def ptsdl():
    data = base()
    data.update(scoring="keyed_frequency", answer_format="frequency_scale")
    data["scale"] = [
        {
            "code": "J",
            "label": "Jarang",
            "score_positive": 0,
            "score_negative": 2,
            "problem_positive": True,
            "problem_negative": False,
        },
        {
            "code": "L",
            "label": "Selalu",
            "score_positive": 2,
            "score_negative": 0,
            "problem_positive": False,
            "problem_negative": True,
        },
    ]
    for item in data["items"]:
        item["key"] = "+"
    return data


def change(make, edit):
    data = copy.deepcopy(make())
    edit(data)
    return data


BAD = {
    "missing code": (change(base, lambda d: d.pop("code")), "code", "wajib diisi"),
    # PostgreSQL refuses a value longer than the instrument's column (a workbook cell holding 1e60 is a
    # 61-digit code: a 500 on PostgreSQL, found by the hostile-upload fuzz test)
    "code too long": (change(base, lambda d: d.update(code="1" * 61)), "code", "paling banyak 60"),
    "version too long": (change(base, lambda d: d.update(version="v" * 31)), "version", "paling banyak 30"),
    "title too long": (change(base, lambda d: d.update(title="T" * 301)), "title", "paling banyak 300"),
    "unknown scoring": (change(base, lambda d: d.update(scoring="acak")), "scoring", "tidak dikenal"),
    "answer format vs kind": (change(base, lambda d: d.update(answer_format="yes_no")), "answer_format", "tidak cocok"),
    "school level": (change(base, lambda d: d.update(school_levels=["SMU"])), "school_levels[0]", "SMU"),
    "duplicate area": (change(base, lambda d: d["areas"][1].update(code="A")), "areas[1].code", "sudah dipakai"),
    "item in missing area": (change(base, lambda d: d["items"][2].update(area="Z")), "items[2].area", "butir nomor 3"),
    "duplicate number": (
        change(base, lambda d: d["items"][1].update(number=1)),
        "items[1].number",
        "lebih dari sekali",
    ),
    "number not an integer": (change(base, lambda d: d["items"][0].update(number="1")), "items[0].number", "bulat"),
    "typo in a field": (change(base, lambda d: d["items"][0].update(teks="x")), "items[0].teks", "tidak dikenal"),
    "area without items": (
        change(base, lambda d: d["areas"].append({"code": "C", "name": "C", "bidang": "karier"})),
        "areas[2]",
        "tidak memiliki butir",
    ),
    "bidang missing (DCM)": (change(base, lambda d: d["areas"][0].pop("bidang")), "areas[0].bidang", "wajib"),
    "bidang unknown": (
        change(base, lambda d: d["areas"][0].update(bidang="agama")),
        "areas[0].bidang",
        "tidak dikenal",
    ),
    "bands gap": (change(base, lambda d: d["bands"][1].update(lower=60)), "bands[1].lower", "celah"),
    "bands overlap": (change(base, lambda d: d["bands"][1].update(lower=40)), "bands[1].lower", "tumpang tindih"),
    "bands not to 100": (change(base, lambda d: d["bands"][1].update(upper=90)), "bands[1].upper", "100"),
    "bands not from 0": (change(base, lambda d: d["bands"][0].update(lower=1)), "bands[0].lower", "dari 0"),
    "critical item missing": (change(base, lambda d: d.update(critical_items=[9])), "critical_items[0]", "nomor 9"),
    "key missing (PTSDL)": (change(ptsdl, lambda d: d["items"][1].pop("key")), "items[1].key", "wajib"),
    "key wrong (PTSDL)": (change(ptsdl, lambda d: d["items"][2].update(key="x")), "items[2].key", "'+' atau '-'"),
    "key on a checklist": (change(base, lambda d: d["items"][0].update(key="+")), "items[0].key", "hanya"),
    "scale missing (PTSDL)": (change(ptsdl, lambda d: d.pop("scale")), "scale", "wajib"),
    "scale max differs": (change(ptsdl, lambda d: d["scale"][0].update(score_negative=3)), "scale", "harus sama"),
    "ITP level out of range": (
        change(itp, lambda d: d["items"][0]["options"][1].update(level=8)),
        "items[0].options[1].level",
        "1–3",
    ),
    "ITP options missing": (change(itp, lambda d: d["items"][2].pop("options")), "items[2].options", "wajib"),
    "ITP target to missing aspect": (
        change(itp, lambda d: d.update(targets=[{"area": "Z", "level": 2}])),
        "targets[0].area",
        "'Z'",
    ),
    "ITP without any target": (change(itp, lambda d: d.pop("target_level")), "areas[0]", "target"),
    "ITP levels not 1..n": (change(itp, lambda d: d["levels"][2].update(value=4)), "levels[2].value", "berurutan"),
    "choice question without choices": (
        change(base, lambda d: d.update(open_questions=[{"code": "q", "text": "?", "type": "choice"}])),
        "open_questions[0].choices",
        "pilihan",
    ),
}


@pytest.mark.parametrize("case", list(BAD), ids=list(BAD))
def test_bad_definition_names_the_place(case):
    data, path, fragment = BAD[case]
    errors = validate(data)
    assert path in [error.path for error in errors], errors
    message = next(error.message for error in errors if error.path == path)
    assert fragment in message
    with pytest.raises(DefinitionInvalid) as caught:
        load_definition(json.dumps(data), "rusak.json")
    assert f"{path}: " in str(caught.value)


def test_the_valid_bases_are_valid():
    assert validate(base()) == [] and validate(itp()) == [] and validate(ptsdl()) == []


def test_all_errors_are_reported_at_once():
    data = base()
    data["items"][0]["area"] = "Z"
    data["items"][2]["number"] = 2
    data["critical_items"] = [7]
    paths = [error.path for error in validate(data)]
    assert {"items[0].area", "items[2].number", "critical_items[0]"} <= set(paths)


def test_unreadable_files():
    with pytest.raises(DefinitionInvalid) as caught:
        load_definition('{"code": "X",\n  "version": }', "rusak.json")
    assert caught.value.errors[0].path == "baris 2, kolom 14"
    with pytest.raises(DefinitionInvalid, match="harus berupa objek"):
        load_definition("[1, 2]", "daftar.json")
    with pytest.raises(DefinitionInvalid, match=".json"):
        load_definition("{}", "definisi.txt")
    with pytest.raises(DefinitionInvalid, match="UTF-8"):
        load_definition(b"\xff\xfe{", "biner.json")


def test_yaml_is_refused_clearly_without_pyyaml():
    try:
        import yaml  # noqa: F401
    except ImportError:
        with pytest.raises(DefinitionInvalid, match="YAML tidak didukung"):
            load_definition("code: X", "definisi.yaml")
    else:
        with pytest.raises(DefinitionInvalid):
            load_definition("code: X", "definisi.yaml")

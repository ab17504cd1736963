"""Typing paper sheets: forgiving syntax, precise Indonesian errors, the same document as online filling."""

import json

import pytest

from ekonseling.instruments import answers, definition, entry
from ekonseling.instruments.services import SAMPLES_DIR


def _load(name):
    return definition.load_definition((SAMPLES_DIR / name).read_bytes(), name)


AUM = _load("aum-umum-contoh.json")  # 50 items, heavy
DCM = _load("dcm-contoh.json")  # checklist, no heavy
PTSDL = _load("ptsdl-contoh.json")  # frequency scale, 19 items
AKPD = _load("akpd-contoh.json")  # ya/tidak
ITP = _load("itp-sma-contoh.json")  # option codes per item


def _errors(definition_, fields, layout="area"):
    with pytest.raises(entry.EntryInvalid) as caught:
        entry.parse_sheet(definition_, fields, layout)
    return caught.value.by_field()


def test_numbers_accept_spaces_commas_and_ranges():
    numbers, errors = entry.parse_numbers(AUM, "1 4 7-9, 12;20 - 22\n30")
    assert errors == []
    assert numbers == [1, 4, 7, 8, 9, 12, 20, 21, 22, 30]


def test_numbers_out_of_range_name_the_range():
    _, errors = entry.parse_numbers(AUM, "1 51 230")
    assert errors == ["butir 51, 230 tidak ada (instrumen ini 1–50)."]


def test_numbers_typed_twice_are_an_error_even_through_a_range():
    _, errors = entry.parse_numbers(AUM, "3 1-5")
    assert errors == ["butir 3 ditulis lebih dari sekali."]


def test_reversed_range_and_words_are_errors():
    _, errors = entry.parse_numbers(AUM, "9-7 abc")
    assert errors[0] == "rentang '9-7' terbalik; tulis 7-9."
    assert "'abc' bukan nomor butir" in errors[1]


def test_checklist_with_heavy_builds_the_sheet():
    doc = entry.parse_sheet(AUM, {"ticked": "1 4 7-9", "heavy": "8", "open.bicara": "guru_bk, Teman"})
    assert doc == {
        "items": {"1": True, "4": True, "7": True, "8": True, "9": True},
        "heavy": [8],
        "open": {"bicara": ["guru_bk", "teman"]},
    }
    answers.check_complete(AUM, doc)


def test_heavy_must_be_a_subset_of_ticked_and_names_the_numbers():
    errors = _errors(AUM, {"ticked": "1 2 3", "heavy": "3 14 7"})
    assert errors == {
        "heavy": [
            "butir 14, 7 ditandai berat tetapi tidak dicentang; "
            "butir berat harus juga ditulis di kolom butir yang dicentang."
        ]
    }


def test_dcm_has_no_heavy_field():
    names = [part["name"] for part in entry.parts(DCM)]
    assert names == ["ticked"]
    doc = entry.parse_sheet(DCM, {"ticked": "4", "heavy": "4"})
    assert "heavy" not in doc and doc["items"] == {"4": True}


def test_an_empty_checklist_is_a_valid_sheet():
    assert entry.parse_sheet(DCM, {"ticked": ""}) == {"items": {}}


def test_frequency_codes_are_case_insensitive_per_area():
    fields = {}
    for part in entry.parts(PTSDL):
        fields[part["name"]] = " ".join(["sr", "J", "k", "U"][: part["expected"]] + ["l"] * (part["expected"] - 4))
    doc = entry.parse_sheet(PTSDL, fields)
    assert len(doc["items"]) == 19
    assert set(doc["items"].values()) <= {"J", "K", "SR", "U", "L"}
    assert doc["items"]["1"] == "SR"
    answers.check_complete(PTSDL, doc)


def test_frequency_count_wrong_says_how_many():
    errors = _errors(PTSDL, {"all": "J K SR U L"}, entry.WHOLE_SHEET)
    assert errors["all"] == ["PTSDL-CONTOH: 5 jawaban, seharusnya 19 (butir 1–19)."]


def test_frequency_count_wrong_per_area_names_the_area():
    area = PTSDL.areas[0]
    part = entry.parts(PTSDL)[0]
    errors = _errors(PTSDL, {part["name"]: "J " * (part["expected"] + 1)})
    first, last = part["items"][0].number, part["items"][-1].number
    assert (
        f"{area.name}: {part['expected'] + 1} jawaban, seharusnya {part['expected']} (butir {first}–{last})."
        in errors[part["name"]]
    )


def test_an_unknown_code_names_the_position_and_the_item():
    codes = ["J"] * 19
    codes[4] = "X"
    errors = _errors(PTSDL, {"all": " ".join(codes)}, entry.WHOLE_SHEET)
    assert errors["all"] == ["PTSDL-CONTOH: jawaban ke-5 (butir 5): 'X' tidak dikenal; pilih dari J, K, SR, U, L."]


def test_yes_no_accepts_y_t_ya_tidak_1_0():
    words = ["y", "t", "YA", "Tidak", "1", "0"] * 3
    doc = entry.parse_sheet(AKPD, {"all": " ".join(words[: len(AKPD.items)])}, entry.WHOLE_SHEET)
    values = list(doc["items"].values())
    assert values[:6] == ["ya", "tidak", "ya", "tidak", "ya", "tidak"]
    answers.check_complete(AKPD, doc)


def test_choice_takes_each_items_option_codes_in_order():
    codes = [item.options[0].code.upper() for item in ITP.items]
    doc = entry.parse_sheet(ITP, {"all": ",".join(codes)}, entry.WHOLE_SHEET)
    assert doc["items"]["1"] == ITP.items[0].options[0].code
    answers.check_complete(ITP, doc)


def test_choice_unknown_option_is_refused():
    codes = ["a"] * len(ITP.items)
    codes[2] = "z"
    errors = _errors(ITP, {"all": " ".join(codes)}, entry.WHOLE_SHEET)
    assert "jawaban ke-3 (butir 3): pilihan 'z' tidak ada" in errors["all"][0]


def test_open_questions_are_checked():
    errors = _errors(DCM, {"ticked": "1", "open.ingin_konseling": "mungkin", "open.segera": "segera, nanti"})
    assert errors["open.ingin_konseling"] == ["'mungkin' bukan ya/tidak; tulis y atau t."]
    assert errors["open.segera"] == ["hanya boleh satu pilihan."]
    doc = entry.parse_sheet(DCM, {"ticked": "1", "open.ingin_konseling": "y", "open.segera": "Minggu ini"})
    assert doc["open"] == {"ingin_konseling": "ya", "segera": ["minggu_ini"]}


def test_summary_counts_per_area():
    doc = entry.parse_sheet(AUM, {"ticked": "1 2 6", "heavy": "2"})
    rows = {row["code"]: row for row in entry.summarize(AUM, doc)}
    first, second = AUM.areas[0].code, AUM.areas[1].code
    assert rows[first]["ticked"] == [1, 2] and rows[first]["heavy"] == [2] and rows[first]["items"] == 5
    assert rows[second]["ticked"] == [6]
    doc = entry.parse_sheet(PTSDL, {"all": " ".join(["J"] * 18 + ["L"])}, entry.WHOLE_SHEET)
    rows = entry.summarize(PTSDL, doc)
    assert sum(dict(row["counts"])["J"] for row in rows) == 18
    assert sum(row["answered"] for row in rows) == 19


def test_the_document_matches_what_online_filling_stores():
    doc = entry.parse_sheet(AUM, {"ticked": "2 1", "heavy": "1"})
    merged = answers.merge(AUM, {}, {"items": doc["items"], "heavy": dict.fromkeys(doc["heavy"], True)})
    assert json.dumps(merged, sort_keys=True) == json.dumps(doc, sort_keys=True)

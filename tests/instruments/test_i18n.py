"""Messages the instruments build in code follow the user's language: Indonesian by default, English
when the user chose English, and every msgid has its Indonesian translation."""

import ast
import csv
import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import trans_real

from ekonseling.instruments import answer_import, definition, entry, services
from ekonseling.instruments.models import Assignment
from ekonseling.instruments.services import SAMPLES_DIR

ROOT = Path(__file__).parents[2]
AUM = definition.load_definition((SAMPLES_DIR / "aum-umum-contoh.json").read_bytes(), "aum-umum-contoh.json")


def _entry_errors(fields):
    with pytest.raises(entry.EntryInvalid) as caught:
        entry.parse_sheet(AUM, fields)
    return caught.value.by_field()


def _import_errors(rows):
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    parsed = answer_import.parse(AUM, out.getvalue().encode(), "jawaban.csv")
    return [error.message for error in parsed.errors]


@pytest.fixture(autouse=True)
def _default_language():
    """A request with the English cookie leaves English active in its thread: start and end on the default."""
    translation.deactivate()
    yield
    translation.deactivate()


IMPORT_ROWS = [["NISN", *(str(n) for n in range(1, 51))], ["12345", "ya"]]


def test_entry_and_import_errors_are_indonesian_by_default():
    assert _entry_errors({"ticked": "1 230", "heavy": "2"}) == {
        "ticked": ["butir 230 tidak ada (instrumen ini 1–50)."],
        "heavy": [
            "butir 2 ditandai berat tetapi tidak dicentang; butir berat harus juga ditulis di kolom butir yang "
            "dicentang."
        ],
    }
    assert _import_errors(IMPORT_ROWS) == ["NISN harus 10 digit angka (tertulis: 12345)."]


def test_entry_and_import_errors_are_english_in_the_english_ui():
    with translation.override("en"):
        assert _entry_errors({"ticked": "1 230", "heavy": "2"}) == {
            "ticked": ["item 230 does not exist (this instrument has 1–50)."],
            "heavy": [
                "item 2 is marked heavy but not ticked; heavy items must also be written in the field of ticked items."
            ],
        }
        assert _import_errors(IMPORT_ROWS) == ["The NISN must be 10 digits (written: 12345)."]
        with pytest.raises(definition.DefinitionInvalid) as caught:
            definition.load_definition(b"{", "x.json")
        assert caught.value.errors[0].message.startswith("the JSON cannot be read")


def test_the_paper_entry_page_shows_the_error_in_the_chosen_language(client, world):
    instrument, _ = services.import_definition(
        world.school, (SAMPLES_DIR / "aum-umum-contoh.json").read_bytes(), "a.json"
    )
    now = timezone.now()
    administration = services.open_administration(
        instrument=instrument,
        title="AUM",
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=1),
        created_by=world.gurubk,
        rombels=[world.rombel_a],
    )
    sheet = Assignment.objects.get(administration=administration, student=world.student)
    url = reverse("instruments:paper_entry", kwargs={"pk": administration.pk}) + f"?siswa={sheet.pk}"
    client.force_login(world.gurubk)
    response = client.post(url, {"ticked": "1 230", "action": "check"})
    assert response.context["errors"]["ticked"] == ["butir 230 tidak ada (instrumen ini 1–50)."]
    client.post(reverse("set_language"), {"language": "en"})  # the user's own choice
    response = client.post(url, {"ticked": "1 230", "action": "check"})
    assert response.context["errors"]["ticked"] == ["item 230 does not exist (this instrument has 1–50)."]
    assert "item 230 does not exist" in response.content.decode()


# --- every msgid of the instruments app has an Indonesian translation -----------------------------------------

GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "gettext_noop", "ngettext", "pgettext", "ngettext_lazy"}


def _msgids():
    for path in sorted((ROOT / "ekonseling" / "instruments").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if name not in GETTEXT_NAMES:
                continue
            args = node.args[1:] if name == "pgettext" else node.args
            if isinstance(args[0], ast.Constant) and isinstance(args[0].value, str):
                context = node.args[0].value if name == "pgettext" else None
                yield path.relative_to(ROOT), args[0].value, context


def _in_catalog(catalog, msgid, context):
    key = f"{context}\x04{msgid}" if context else msgid
    return key in catalog or (key, 0) in catalog  # (msgid, 0): the first form of a plural message


def test_every_instruments_msgid_has_an_indonesian_translation():
    msgids = list(_msgids())
    assert len(msgids) > 150  # the scan sees the messages built in code
    catalog = trans_real.translation("id")._catalog
    assert not _in_catalog(catalog, "no such message, surely", None)
    untranslated = [f"{path}: {msgid!r}" for path, msgid, context in msgids if not _in_catalog(catalog, msgid, context)]
    assert untranslated == []


def test_an_unforeseen_definition_shape_is_refused_in_the_users_language(monkeypatch):
    """It was the one definition error written in Indonesian in the code, so the English UI showed it too."""

    def unforeseen(data):
        raise TypeError("a shape nobody checked")

    monkeypatch.setattr(definition, "validate", unforeseen)
    raw = (SAMPLES_DIR / "dcm-contoh.json").read_bytes()
    with pytest.raises(definition.DefinitionInvalid) as caught:
        definition.load_definition(raw, "dcm.json")
    assert caught.value.errors[0].message == "struktur berkas tidak sesuai skema definisi."
    with translation.override("en"), pytest.raises(definition.DefinitionInvalid) as caught:
        definition.load_definition(raw, "dcm.json")
    assert caught.value.errors[0].message == "the file's structure does not fit the definition schema."
    assert caught.value.code == "instruments.definition_invalid"

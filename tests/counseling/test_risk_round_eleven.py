"""Round eleven of the risk screen (docs/risk-screening.md): imminent signals of two different kinds
combine into a match of their own, an amount swallowed is an act under way, means emoji, regional
spellings of swallowing, keeping and leaving (fresh-5's floor is in test_risk_fresh_sets.py).

Every sentence here was written for these tests: none is a message of a fresh set (checked below)."""

import pytest

from ekonseling.counseling import risk
from ekonseling.counseling.risk import LexiconError, load_lexicon, screen
from tests.counseling.risk_rounds import assert_flagged, assert_no_phrase_alert, assert_not_from_the_fresh_sets

PHRASES_ONLY = None


def _phrases_only():
    global PHRASES_ONLY
    if PHRASES_ONLY is None:
        PHRASES_ONLY = load_lexicon(model=None)
    return PHRASES_ONLY


# means, moments and farewells that the phrases flag and triage imminent, the reason naming a kind
IMMINENT_SIGNALS = [
    ("obat tidur udah aku simpen di lemari, tinggal nunggu ibu berangkat kerja", "suicide", "moment"),
    ("pil2 udah kutimbun di tas, pas rumah sepi aja", "suicide", "preparation"),
    ("💊💊 udah kusimpen. jangan cari aku ya", "suicide", "farewell"),
    ("gitarku ambil aja ya, aku gak butuh lagi mulai besok", "suicide", "farewell"),
]

# support signals only (none could flag a message alone), of two kinds: a match of their own
COMBINATIONS = [
    ("jgn cari aku ya, tinggal nunggu rumah kosong", "suicide", ("farewell", "moment")),
    ("bye semuanya, obat nyamuk udah aku beli", "suicide", ("farewell", "preparation")),
]

ACTS = [
    "aku barusan nelen 25 butir obat tidur",
    "tadi aku minum sebotol obat tidur, udah ngantuk bgt",
    "wis tak ombe kabeh pil e",
    "i just swallowed 40 pills",
]

OTHER_TRUE_POSITIVES = [
    # a rope measured to a fan: a preparation on its own
    ("aku udah ngukur tinggi plafon buat talinya", "suicide"),
    # a poison mixed into someone's drink: violence, imminent
    ("baygon udah aku tuang ke botol minum dia", "violence"),
    # a weapon kept ready next to a revenge
    ("pokoknya aku bales dia, celurit udah aku simpen di motor", "violence"),
]

HARD_NEGATIVES = [
    # saving money, packing, exams: a preparation with no means
    "uang jajan udah aku simpen buat beli buku, nunggu ibu gajian",
    "tas udah siap semua buat camping, jangan lupa bawa senter",
    "udah siap semua buat ujian praktik, doain ya",
    # medicine as prescribed, a small count
    "aku minum obat 3 tablet sehari sesuai resep dokter",
    "barusan nelen obat maag 2 tablet",
    "aku minum 10 tablet tambah darah, sehari satu",
    # goodbyes before moving school, a farewell and a date
    "pamit ya semua, mulai bulan depan aku sekolah di medan. makasih udah baik sama aku",
    "jangan cari aku, aku lagi les sampe malem",
    "gitarku ambil aja ya, aku udah beli yang baru",
    # an empty house, a chosen day, a rope for games
    "pas rumah kosong aku latihan gitar keras2",
    "aku udah pilih tempat buat study tour, tinggal nunggu bus",
    "tali buat lomba tarik tambang udah aku simpen",
    # stories, lessons, relatives, games
    "di film itu karakternya mengakhiri hidupnya, ending yang sedih",
    "surat perpisahan untuk angkatan kelas 12 udah jadi",
    "materi hari ini bahaya pernikahan dini",
    "om aku tunangan minggu lalu",
    "pak rt mukul kentongan tiap jam 12",
    "drakor semalem suaminya nampar istrinya, aku kesel",
    "timnas udah gak ada harapan lolos",
    "racun tikus dicampur ke umpan buat hama di sawah",
    "aku bakal bales kamu di turnamen futsal besok",
]


def test_these_sentences_are_not_from_the_fresh_sets():
    mine = [t for t, _, _ in COMBINATIONS + IMMINENT_SIGNALS] + ACTS + [t for t, _ in OTHER_TRUE_POSITIVES]
    assert_not_from_the_fresh_sets(mine + HARD_NEGATIVES)


@pytest.mark.parametrize(("text", "category", "kind"), IMMINENT_SIGNALS)
def test_means_moments_and_farewells_are_imminent(text, category, kind):
    result = _phrases_only().screen(text)
    assert result.categories == (category,) and result.triage == risk.IMMINENT, result
    assert kind in result.reason, result.reason


@pytest.mark.parametrize(("text", "category", "kinds"), COMBINATIONS)
def test_two_kinds_of_imminent_signal_make_an_imminent_match_with_the_phrases_alone(text, category, kinds):
    result = _phrases_only().screen(text)
    assert result.categories == (category,) and result.triage == risk.IMMINENT, result
    assert result.reason.startswith(f"{category}: ") and result.reason.endswith(", together"), result.reason
    for kind in kinds:
        assert kind in result.reason, result.reason


@pytest.mark.parametrize("text", ACTS)
def test_an_amount_swallowed_is_an_act_under_way(text):
    result = _phrases_only().screen(text)
    assert "suicide" in result.categories and result.triage == risk.IMMINENT, result
    assert "act under way" in result.reason, result.reason


@pytest.mark.parametrize(("text", "category"), OTHER_TRUE_POSITIVES)
def test_round_eleven_families(text, category):
    assert_flagged(text, category, risk.IMMINENT, _phrases_only())


@pytest.mark.parametrize("text", HARD_NEGATIVES)
def test_round_eleven_hard_negatives_raise_no_phrase_alert(text):
    assert_no_phrase_alert(text)


def test_two_farewells_are_not_a_combination():
    # "pamit" and "makasih buat semuanya" before moving school: both farewells, one kind
    result = screen("pamit ya temen2, makasih buat semuanya, jangan lupain aku")
    assert result.triage != risk.IMMINENT and (not result.flagged or result.possible), result


def test_a_combination_is_silenced_near_a_hyperbole_context_word():
    # the same signals around homework or a game are left to the lexicon's verdict
    assert not _phrases_only().screen("obat udah aku simpen, tinggal nunggu rumah kosong buat ngerjain pr").flagged


def test_numbers_and_emoji():
    lexicon = risk.default_lexicon()
    assert [stem for _, stem in lexicon.tokens("40an")] == ["40"]
    assert [stem for _, stem in lexicon.tokens("💊💊💊")] == ["pil"]
    assert "telan" in risk.normalise("nelen")


def test_min_count_is_validated():
    doc = {"categories": {"suicide": {"phrases": [{"phrase": "telan #num pil", "min_count": 5}]}}}
    lexicon = load_lexicon(extra=doc, model=None)
    assert lexicon.screen("aku telan 12 pil").flagged and not lexicon.screen("aku telan 2 pil").flagged
    doc["categories"]["suicide"]["phrases"][0]["min_count"] = 0
    with pytest.raises(LexiconError, match=r"min_count"):
        load_lexicon(extra=doc)

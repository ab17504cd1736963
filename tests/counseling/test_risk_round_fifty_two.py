"""Round fifty-two of the risk screen (docs/risk-screening.md): the words of Javanese (ngoko, krama, East Javanese,
Banyumasan), Sundanese and the regional Malay of eastern Indonesia, Kalimantan and Sumatra that the normalisation map
did not know, from glossaries written for the taxonomy's word fields (death, harm, family, abuse, neglect, marriage,
substances, time, feelings, function words). Texts written for the tests, not any set's message."""

import json

import pytest

from ekonseling.counseling import risk

ROUND = "_round_fifty_two"
# The near moments the round added to imminent.time.
ROUND_TIMES = ["ini =malam", "hari =niki", "wayah ini", "harini"]


def _round_keys():
    """The words the round added to the shipped normalisation map, in file order."""
    keys, inside = [], False
    for key in json.loads(risk.LEXICON_PATH.read_text(encoding="utf-8"))["normalisation"]:
        if key.startswith("_"):
            if inside:
                break
            inside = key == ROUND
        elif inside:
            keys.append(key)
    return keys


def _stems(lexicon, text):
    return [stem for _, stem in lexicon.tokens(text)]


@pytest.mark.parametrize(
    ("text", "category", "triage"),
    [
        # Javanese: "nglalu" is suicide; krama "benjing" is tomorrow, so an intent with a time
        ("benjing kula badhe nglalu", "suicide", risk.IMMINENT),
        ("aku arep nglalu wae", "suicide", "high"),
        # Kupang and Ambon Malay: "bunu" is "bunuh", its final "h" left off
        ("ini malam beta mau bunu diri", "suicide", None),
        # Javanese "dinikahke": married off, tomorrow
        ("sesok aku dinikahke karo juragan", "child_marriage", risk.IMMINENT),
        # Sundanese "diteunggeul": beaten
        ("bu, aku diteunggeul ku bapa tadi peuting", "physical_abuse", "high"),
        # Banjar "bagawi": to work, kept from school
        ("ulun disuruh bagawi di kebun, kada boleh sekolah", "exploitation", "high"),
    ],
)
def test_a_regional_word_the_map_did_not_know_is_read(text, category, triage):
    screening = risk.screen(text)
    assert category in screening.categories, screening
    if triage:
        assert screening.triage == triage, screening


@pytest.mark.parametrize(
    ("word", "reading"),
    [
        ("nglalu", "bunuh diri"),
        ("benjing", "besok"),
        ("lunga", "pergi"),
        ("selawase", "selamanya"),
        ("salamina", "selamanya"),
        ("dinikahke", "dinikahkan"),
        ("dijodokeun", "dijodohkan"),
        ("bunu", "bunuh"),
        ("kaluwen", "kelaparan"),
        ("luko", "luka"),
    ],
)
def test_the_round_reads_a_word_as_its_indonesian(word, reading):
    lexicon = risk.default_lexicon()
    assert _stems(lexicon, word) == _stems(lexicon, reading)


# Shorthand spellings of the phrases' words that glossary words of the first draft took away (a word of another
# meaning with the same consonants made them ambiguous, and an ambiguous shorthand is read as typed): "tuangeun"
# took "tngn" (tangan), "katumu" "ktmu" (ketemu), "kamarian" "kmarin" (kemarin), "bingen" "bgn" (bangun),
# "bapake" "bpk" (bapak), "mbuh" "mbh" (mbah), "atos" "ats" (atas), "kamari" "kmar" (kamar), "misuh" "msuh"
# (musuh), "kariaan" "kran" (koran). Those words are not in the map.
@pytest.mark.parametrize(
    ("shorthand", "word"),
    [
        ("tngn", "tangan"),
        ("ktmu", "ketemu"),
        ("kmarin", "kemarin"),
        ("bgn", "bangun"),
        ("bpk", "bapak"),
        ("mbh", "mbah"),
        ("ats", "atas"),
        ("kmar", "kamar"),
        ("msuh", "musuh"),
        ("kran", "koran"),
    ],
)
def test_a_regional_word_takes_no_shorthand_reading(shorthand, word):
    lexicon = risk.default_lexicon()
    assert _stems(lexicon, shorthand) == _stems(lexicon, word)


# Chat spellings that had a reading, or none, before the round and must keep it (a review found the first drafts'
# words taking them: "ngk" nggak, "ngkk" ngakak, "ijn" izin, "emh" a hesitation, "adl" adalah, "dps" dipaksa, "dcbk"
# dicabok, "lkn" lukain, "dkk" dan kawan-kawan, "adh" adalah, "aww", "mdn" Medan, "mmt" mumet, "engk" engke).
CHAT = ["ngk", "ngkk", "ijn", "emh", "adl", "dps", "dcbk", "lkn", "dkk", "adh", "aww", "mdn", "mmt", "engk"]


def test_no_word_of_the_round_changes_how_a_shorthand_is_read():
    """The general case of the test above: for every word the phrases use and every word the map spelt out before the
    round, its spelling with the vowels dropped (the shortest shorthand) reads the same with the round's words and
    time phrases as without them, and so does each chat spelling of CHAT. Measured when the round was written: 59
    glossary words did this ("engko" took "engk" from "engke", "palay" "ply" from "play", "ijen" took "ijn") and
    were left out."""
    doc = json.loads(risk.LEXICON_PATH.read_text(encoding="utf-8"))
    keys = set(_round_keys())
    assert len(keys) > 400
    without = dict(
        doc,
        normalisation={k: v for k, v in doc["normalisation"].items() if k not in keys},
        imminent=dict(doc["imminent"], time=[t for t in doc["imminent"]["time"] if t not in ROUND_TIMES]),
    )
    before, after = risk.Lexicon(without), risk.load_lexicon(model=None)
    words = {w for w in before.vocabulary | set(without["normalisation"]) if len(w) >= 4 and w.isalpha()}
    changed = []
    for shorthand in sorted({risk._skeleton(word) for word in words} | set(CHAT)):
        read = before.tokens(shorthand)
        if len(shorthand) < 3 or shorthand in keys or (read and read[0][0] in keys):
            continue  # the shorthand, or the word it stood for, is itself a word of the round ("pkd": "pakde")
        if _stems(before, shorthand) != _stems(after, shorthand):
            changed.append((shorthand, read, after.tokens(shorthand)))
    assert not changed, changed


def test_the_round_s_words_are_no_indonesian_words_of_another_meaning():
    """A regional word spelt like an Indonesian root word ("lading", "sega") is kept only when it means that root
    word; the round's other words are no root of the stemmer's dictionary, so no Indonesian message is misread."""
    roots = risk._sastrawi()[1]
    same_meaning = {"lading", "sega", "madang", "semaput", "gelut", "misuh", "pakde", "bude", "dulur", "purun"}
    same_meaning |= {"mawon", "koe", "sampeyan", "nyong", "wegah", "emoh", "ajur", "gela", "embung", "entong"}
    same_meaning |= {"kuring", "baheula", "mamang", "akang", "teteh", "awewe", "lamun"}
    assert {key for key in _round_keys() if key in roots} <= same_meaning


@pytest.mark.parametrize(
    ("text", "moment"),
    [
        ("ini malam beta mau gantong diri", "ini malam"),  # the Malay of Kupang, Ambon and Manado: "tonight"
        ("harini ulun handak mati haja", "harini"),  # Banjar and Malay: "today"
        ("wayah ini ulun handak bunuh diri", "wayah ini"),  # Banjar: "now"
        ("dinten niki kula badhe nglalu", "hari niki"),  # krama: "today"
    ],
)
def test_a_regional_near_moment_makes_an_intent_imminent(text, moment):
    screening = risk.screen(text)
    assert screening.triage == risk.IMMINENT, screening
    assert screening.reason == f"suicide: intent with a time ({moment})"


def test_last_night_after_today_is_no_moment_tonight():
    """ "ini =malam" is "tonight" as typed: "hari ini. Semalam …" (today. Last night …) stems to "ini malam" too."""
    lexicon = risk.default_lexicon()
    text = "hari ini aku izin bu. semalam aku dipukul bapak"
    found = lexicon._occurrences(lexicon.tokens(text))
    times = [pattern.text for pattern, _, _ in found if pattern.kind == "time"]
    assert "ini =malam" not in times


# A review's sentences (a helper who speaks these languages), each a defect of the first draft, now read right.
REVIEW_RIGHT = [
    # Sundanese "ceurik" and Javanese "muwun" (crying) were "menangis", which stems to "menang" (to win), a violence
    # negative: a threat was lost
    ("bapa ngancam rek maehan kuring, kuring ceurik", "violence"),
    ("kakak kelas ngancam arep ngantem aku, aku nganti muwun", "violence"),
    # "ngk" (nggak) was taken by "ngko", "dcbk" (dicabok) by "dicabak", "lkn" (lukain) by "lakine", "dps" (dipaksa)
    # by "diapusi"
    ("aku ngk mau hidup lagi", "suicide"),
    ("aku dcbk bapak tadi pagi", "physical_abuse"),
    ("aku lkn diri sendiri lagi semalem", "self_harm"),
    ("aku dps nikah sama ortu", "child_marriage"),
    # "njegur" read "menceburkan diri" missed the water phrase; drowning as the purpose completes it
    ("bengi iki aku arep njegur kali ben klelep", "suicide"),
    ("nanti malam aku mau nyebur ke kali biar tenggelam", "suicide"),
    # "captikus" read "minuman keras", "digrayangi" "digerayangi" (stem "gayang"): no phrase's words
    ("dong paksa beta minum captikus sampe mabo", "coerced_substance"),
    ("aku digrayangi paklek pas omah sepi", "sexual_abuse"),
]

REVIEW_ORDINARY = [
    "tadi di PJOK urang lumpat ti lantai dua ka lapang",  # Sundanese "lumpat": to run, not to jump
    "aku arep nembung bapak nyilih motor kanggo sesok",  # Javanese "nembung": to ask, not to propose
    "minggu hareup urang ngalih ka Bandung, bapa pindah gawe",  # "ngalih": to move house
    "hp aku digituin adek sampe layarnya retak",  # "digituin": done like that
    "Nika masih di kelas, tungguin dulu ya",  # a name, not "nikah"
    "aku ditabok Tere pas main voli, guyon thok",  # a name, not "tiri"
    "bu aku ijn pulang ga balik lagi ke kelas, sakit perut",  # "ijn": izin, not Javanese "ijen"
    "emh hidup aku baik2 aja kok",  # a hesitation, not "emoh"
    "pengen mati aja ngkk liat video itu",  # "ngkk": ngakak, laughter
    "aku ora betah ning iki, pengin mulih wae",  # "ning iki": in here, not "today"
    "besok study tour ke kawah Ijen",
    "ibu nitah abdi ngobat heula samemeh sare, keur flu",  # medicine, not drugs
    "hp aku kecebur ke kali, biar tenggelam aja deh ga usah diambil",  # a thing in the water
]


@pytest.mark.parametrize(("text", "category"), REVIEW_RIGHT)
def test_a_review_s_risk_sentence_is_named(text, category):
    assert category in risk.screen(text).categories


@pytest.mark.parametrize("text", REVIEW_ORDINARY)
def test_a_review_s_ordinary_sentence_is_no_named_risk(text):
    """No phrase names a category (the second stage may still read one as a low possible risk, as before)."""
    screening = risk.screen(text)
    assert screening.triage in (None, "low"), screening

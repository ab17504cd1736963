import json
import os
import subprocess
import sys
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from ekonseling.counseling import risk
from ekonseling.counseling.risk import LexiconError, load_lexicon, normalise, screen

ROOT = Path(__file__).resolve().parents[2]


def categories(text, lexicon=None):
    return screen(text, lexicon).categories


# --- normalisation --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("gk kuat lgi", ["tidak", "kuat", "lagi"]),
        ("nggak engga kagak ga", ["tidak"] * 4),
        ("pengen pgn pingin", ["ingin"] * 3),
        ("bgt aja udh", ["banget", "saja", "sudah"]),
        ("gw gue ak", ["aku"] * 3),
        ("bundir", ["bunuh", "diri"]),
        ("gaada", ["tidak", "ada"]),
    ],
)
def test_slang_and_abbreviations_expand(text, tokens):
    assert normalise(text) == tokens


def test_three_or_more_repeats_collapse_but_real_double_letters_survive():
    assert normalise("MATIIIII ajaaa") == ["mati", "saja"]
    assert normalise("maaf, tunggu") == ["maaf", "tunggu"]
    # Two letters where one is meant: collapsed only because it turns the word into a known one.
    assert normalise("bosenn bgtt") == ["bosan", "banget"]


def test_digits_inside_words_read_as_letters_but_numbers_stay():
    assert normalise("p3ng3n m4ti") == ["ingin", "mati"]
    assert normalise("kelas 12") == ["kelas", "12"]


def test_emoji_punctuation_and_diacritics_are_dropped():
    assert normalise("Aku... PENGEN mati 😭😭!!") == ["aku", "ingin", "mati"]
    assert normalise("Mátí") == ["mati"]


def test_reduplication():
    lexicon = risk.default_lexicon()
    assert lexicon.tokens("pegang2") == [("pegang-pegang", "pegang")]
    assert lexicon.tokens("dipegang-pegang") == [("dipegang-pegang", "pegang")]
    # A repetition that makes a new word is not stemmed back to the word it repeats.
    assert normalise("belajar mati2an") == ["ajar", "mati-matian"]


def test_laughter_is_one_token():
    assert normalise("wkwkwkwk hahaha awokawok") == ["wkwk"] * 3


def test_stemming_and_colloquial_affixes():
    assert normalise("menyakiti dirinya") == ["sakit", "diri"]
    assert normalise("dipukulin bapak") == ["pukul", "ayah"]
    assert normalise("mukulin nyakitin ngilang nyubit") == ["pukul", "sakit", "hilang", "cubit"]
    assert normalise("dibuli ngebully") == ["bully", "bully"]


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        # "di-" written "d" before a consonant (round nine: "dpaksa", "dkucilin", "dri")
        ("dpaksa dkucilin", ["paksa", "kucil"]),
        ("aq pngn bnuh dri", ["aku", "ingin", "bunuh", "diri"]),
        # vowels dropped from a word the lexicon uses, a colloquial suffix kept
        ("hbisin smpe mampus", ["habis", "sampai", "mati"]),
    ],
)
def test_chat_shorthand_is_read_as_the_one_lexicon_word_it_can_be(text, tokens):
    assert normalise(text) == tokens


def test_shorthand_leaves_real_words_and_ambiguous_skeletons_alone():
    lexicon = risk.default_lexicon()
    # Known words are never re-read ("dompet", "drama" start with d + consonant after no vowel).
    assert normalise("dompet drama") == ["dompet", "drama"]
    # A skeleton two lexicon words share is left as it is: reading it as either would be a guess.
    skeletons = {}
    for word in lexicon.vocabulary:
        if len(word) >= 4 and word.isalpha():
            skeletons.setdefault(risk._skeleton(word), set()).add(word)
    shared = next(key for key, words in skeletons.items() if len({w for w in words if risk._subsequence(key, w)}) > 1)
    assert lexicon._shorthand(shared) is None
    assert lexicon._shorthand("zzq") is None


def test_stemming_is_memoised():
    risk._sastrawi_stem("menyakiti")
    hits = risk._sastrawi_stem.cache_info().hits
    risk._sastrawi_stem("menyakiti")
    assert risk._sastrawi_stem.cache_info().hits == hits + 1


# --- the cases from the issue ---------------------------------------------------------------------


@pytest.mark.parametrize("text", ["pengen mati", "bundir", "gak kuat lagi", "nyakitin diri sendiri"])
def test_issue_risk_phrases_flag(text):
    result = screen(text)
    assert result.flagged
    assert result.severity == "high"


@pytest.mark.parametrize("text", ["mati lampu", "bosan setengah mati", "nilai matematika bikin mau mati aja"])
def test_issue_hard_negatives_do_not_flag(text):
    assert not screen(text).flagged


@pytest.mark.parametrize(
    "text",
    [
        "hp aku mau mati, bentar ya bu",
        "aku belajar mati2an buat snbt",
        "ngakak sampe mau mati",
        "nonton drakor buat bunuh waktu",
        "besok masuk pukul 7",
        "ayah pulang pukul 5",
        "besok bawa pisau buat praktek prakarya",
        "aku mau nembak dia besok di kantin",
        "aku sering belajar terus tiap hari",
        "aku pamit pulang duluan ya bu",
        "pr numpuk pengen mati aja wkwk",
        "gak kuat lagi nahan ketawa",
        "tugas pkn tentang pencegahan bunuh diri",
        "kakakku mau nikah bulan depan",  # a relative's wedding is not child marriage
        "tugas aku udah selesai semua, lega",  # "udah" is not "sudahi", "selesai" is not "selesaikan"
    ],
)
def test_more_hard_negatives(text):
    assert not screen(text).flagged, screen(text)


# --- categories -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected", "triage"),
    [
        ("kadang kepikiran pengen akhiri hidup", ("suicide",), "high"),
        ("tangan aku udh banyak bekas sayatan", ("self_harm",), "high"),
        # The child is hit and sees the mother hit: physical abuse and domestic violence witnessed.
        ("bapak tiap mabok mukulin ibu sama aku", ("physical_abuse", "domestic_violence"), "high"),
        ("om aku suka pegang2 aku aku takut", ("sexual_abuse",), "high"),
        ("aku ngerasa cuma jadi beban buat semua orang di rumah", ("burden",), "high"),
        ("masa depan aku udah gelap, gak ada gunanya nyoba", ("hopelessness",), "medium"),
        ("guru les aku suka ngirim chat aneh dan minta foto aku", ("grooming",), "high"),
        ("aku mau dinikahin padahal masih sekolah", ("child_marriage",), "high"),
        ("udah 2 hari aku gak dikasih makan", ("neglect",), "high"),
        ("aku dipaksa minum ciu terus divideoin", ("coerced_substance",), "high"),
        ("aku disuruh nemenin om2 di karaoke buat bayar utang", ("exploitation",), "high"),
        ("tiap hari dipalak kakak kelas", ("bullying",), "medium"),
        ("aku pengen bawa pisau besok buat si X", ("violence",), "imminent"),
    ],
)
def test_each_category(text, expected, triage):
    result = screen(text)
    assert result.categories == expected
    assert result.triage == triage
    assert {match.category for match in result.matches} == set(expected)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("aku udah ngumpulin obat tidur mama, mau aku minum sekaligus", "suicide: plan or preparation"),
        ("aku simpen silet di kotak pensil buat jaga2", "suicide: plan or preparation"),
        ("malam ini aku mau bunuh diri", "suicide: intent with a time (malam ini)"),
        ("aku udah minum racun", "suicide: act under way"),
        ("besok gw bacok dia", "violence: intent with a time (besok)"),
    ],
)
def test_imminent_risk_is_its_own_triage_level_and_says_why(text, reason):
    result = screen(text)
    assert result.triage == risk.IMMINENT
    assert result.severity == "high"
    assert result.reason == reason


def test_a_farewell_phrase_does_not_match_across_words():
    # "aku udah [gelap], gak ada": hopelessness, not the farewell "aku sudah tidak ada".
    assert screen("masa depan aku udah gelap, gak ada gunanya nyoba").categories == ("hopelessness",)


def test_having_no_zest_for_life_is_hopelessness_not_a_wish_to_end_it():
    # "udah ... hidup" once matched "sudahi hidup" through the stem of "sudahi".
    assert screen("aku udah gak punya semangat hidup lagi").categories == ("hopelessness",)


def test_a_school_adds_time_words_and_intent_phrases():
    lexicon = load_lexicon(
        extra={
            "imminent": {"window": 4, "time": ["ntar sore"]},
            "categories": {"suicide": {"phrases": [{"phrase": "mau nyebur", "intent": True}]}},
        }
    )
    assert screen("ntar sore aku mau nyebur", lexicon).triage == risk.IMMINENT
    assert screen("aku mau nyebur", lexicon).triage == "high"
    with pytest.raises(LexiconError, match=r"^imminent\.window: must be a whole number"):
        load_lexicon(extra={"imminent": {"window": 99}})
    with pytest.raises(LexiconError, match=r"phrases\[0\]\.imminent|imminent: must be true or false"):
        load_lexicon(extra={"categories": {"suicide": {"phrases": [{"phrase": "x", "imminent": "ya"}]}}})


def test_intent_without_a_time_is_not_imminent():
    result = screen("kadang aku pengen bunuh diri")
    assert result.flagged and result.triage == "high" and result.reason == ""


def test_the_missed_kinds_of_the_issue_are_caught_as_families():
    """Paraphrases of the kinds the issue lists, none of them a sentence of the corpus."""
    for text, category in [
        ("aku ngumpulin pil penenang papa biar bisa diminum sekaligus", "suicide"),
        ("pengen ngakhirin semuanya", "suicide"),
        ("aku cuma nyusahin semua orang di rumah", "burden"),
        ("kalau stres aku benturin kepala ke tembok", "self_harm"),
        ("pakde maksa aku ngelakuin hal yang gak pantes", "sexual_abuse"),
        ("guru privat aku ngirim chat jorok terus minta pap", "grooming"),
        ("aku dipaksa minum bir sama senior terus direkam", "coerced_substance"),
        ("aku dipaksa nikah padahal masih kelas 8", "child_marriage"),
    ]:
        assert category in screen(text).categories, text
    assert not screen("semalem bunuh nyamuk pake raket listrik").flagged


def test_categories_are_sorted_by_severity_and_matches_point_at_tokens():
    text = "aku dibully terus tiap hari sampai pengen bunuh diri"
    result = screen(text)
    assert result.categories == ("suicide", "bullying")
    assert result.severity == "high"
    tokens = normalise(text)
    suicide = next(m for m in result.matches if m.category == "suicide")
    assert tokens[suicide.start_token : suicide.end_token] == ["bunuh", "diri"]
    assert suicide.phrase == "bunuh diri"


def test_strong_signal_is_not_downgraded_by_school_context():
    assert categories("ulangan besok, aku mau bunuh diri aja") == ("suicide",)
    assert categories("nilai jelek terus, rasanya pengen gantung diri") == ("suicide",)


def test_despair_next_to_school_hyperbole_still_alerts():
    assert categories("nilai aku jelek trs, aku gak berguna, pengen mati aja") == ("suicide",)
    assert not screen("nilai aku jelek trs, pengen mati aja").flagged


def test_a_friend_reported_is_a_risk():
    assert categories("bu, temen aku bilang dia mau loncat dari lantai 3") == ("suicide",)


def test_support_phrases_alone_never_flag():
    # The phrases alone; the second-stage model may still call it a possible risk (test_risk_model.py).
    assert not load_lexicon(model=None).screen("aku sering dipanggil ke depan tiap hari sama kakak kelas").flagged
    assert "bullying" not in screen("aku sering dipanggil ke depan tiap hari sama kakak kelas").categories
    assert categories("aku sering diejek kakak kelas") == ("bullying",)


def test_empty_and_punctuation_only_messages():
    assert screen("") == risk.NOT_FLAGGED
    assert screen("?!?! 😭") == risk.NOT_FLAGGED


def test_screen_is_thread_safe():
    texts = [example["text"] for example in risk.load_labelled()]
    expected = [screen(text) for text in texts]
    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(screen, texts * 3)) == expected * 3


def test_module_imports_and_screens_without_django():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    code = "from ekonseling.counseling.risk import screen; print(screen('pengen mati').categories)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "('suicide',)"
    assert (
        "django"
        not in subprocess.run(
            [sys.executable, "-c", "import sys, ekonseling.counseling.risk; print(sorted(sys.modules))"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )


# --- lexicon validation and school extensions -----------------------------------------------------


def shipped():
    return json.loads(risk.LEXICON_PATH.read_text(encoding="utf-8"))


def write(tmp_path, doc, name="lexicon.json"):
    path = tmp_path / name
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_weight_error_names_the_place(tmp_path):
    doc = shipped()
    doc["categories"]["suicide"]["phrases"][3] = {"phrase": "akhiri hidup", "weight": "berat"}
    with pytest.raises(LexiconError, match=r"^categories\.suicide\.phrases\[3\]: weight must be a number"):
        load_lexicon(write(tmp_path, doc))


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"categories": {"suicide": {"phrases": [{"phrase": "x", "wieght": 1}]}}}, r"\[0\]: unknown key 'wieght'"),
        ({"categories": {"suicide": {"phrases": [{"weight": 1}]}}}, r"phrases\[0\]: phrase is missing"),
        ({"categories": {"suicide": {"phrases": [{"phrase": "x", "weight": 0}]}}}, r"weight must be greater than 0"),
        ({"categories": {"suicide": {"phrases": [{"phrase": "x", "gap": 9}]}}}, r"phrases\[0\]\.gap: must be"),
        ({"categories": {"suicide": {"phrases": [{"phrase": "x", "strong": "ya"}]}}}, r"strong: must be true or false"),
        ({"categories": {"suicide": {"negatives": [{"phrase": "x", "window": -1}]}}}, r"negatives\[0\]\.window"),
        ({"categories": {"narkoba": {"phrases": ["sabu"]}}}, r"categories\.narkoba\.severity: is required"),
        ({"categories": {"narkoba": {"severity": "urgent"}}}, r"severity: must be one of high, medium, low"),
        ({"crisis": [{"phrase": "x", "category": "narkoba"}]}, r"crisis\[0\]\.category: must name a category"),
        ({"normalisation": {"dua kata": "x"}}, r"normalisation\.dua kata: the key must be one"),
        ({"treshold": 2}, r"treshold: unknown key"),
        ({"hyperbole": {"factor": 2}}, r"hyperbole\.factor: must be a number from 0 to 1"),
        ({"hyperbole": {"veto": "nikah nanti"}}, r"hyperbole\.veto: must be a list"),
        (
            {"hyperbole": {"vetos": []}},
            r"hyperbole\.vetos: unknown key \(allowed: but, context, denial, excuse, factor, joke, veto, window\)",
        ),
    ],
)
def test_extension_errors_name_the_place(extra, message):
    with pytest.raises(LexiconError, match=message) as error:
        load_lexicon(extra=extra)
    assert "school extension" in str(error.value)


def test_an_alternative_that_becomes_two_words_is_refused():
    with pytest.raises(LexiconError, match=r"categories\.suicide\.phrases\[\d+\]: alternative 'bundir'"):
        load_lexicon(extra={"categories": {"suicide": {"phrases": ["ingin bundir|mati"]}}})


def test_a_file_that_is_not_json_is_refused(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{", encoding="utf-8")
    with pytest.raises(LexiconError, match="not valid JSON"):
        load_lexicon(path)


def test_school_adds_a_phrase_a_slang_word_and_a_category(tmp_path):
    text = "aku pengen nyebur ke sumur belakang sekolah"
    # No shipped phrase names it (since round eighteen the second-stage model calls it a possible risk).
    assert "suicide" not in screen(text).categories
    extra = {
        "_comment": "SMA Negeri 1 Harapan, 2026",
        "normalisation": {"pupus": "mati"},
        "categories": {
            "suicide": {"phrases": [{"phrase": "ingin nyebur sumur", "gap": 2, "strong": True}]},
            "narkoba": {"severity": "medium", "phrases": ["pakai sabu", {"phrase": "nyimeng", "weight": 1}]},
        },
    }
    lexicon = load_lexicon(extra=write(tmp_path, extra, "sekolah.json"))
    assert categories(text, lexicon) == ("suicide",)
    assert categories("pengen pupus", lexicon) == ("suicide",)
    assert categories("temen aku nyimeng di wc", lexicon) == ("narkoba",)
    assert screen("temen aku nyimeng di wc", lexicon).severity == "medium"
    # The shipped lexicon is untouched.
    assert "suicide" not in screen(text).categories


def test_school_silences_a_noisy_phrase_and_adds_a_crisis_phrase():
    assert screen("aku udah 2 minggu ga sh").flagged
    lexicon = load_lexicon(
        extra={
            "categories": {"self_harm": {"remove": ["sh"]}},
            "crisis": [{"phrase": "menara air", "category": "suicide", "gap": 0}],
        }
    )
    # The phrase is gone; the second-stage model may still call it a possible risk (a school cannot
    # silence the model, only the phrases).
    assert "self_harm" not in screen("aku udah 2 minggu ga sh", lexicon).categories
    assert (
        not load_lexicon(extra={"categories": {"self_harm": {"remove": ["sh"]}}}, model=None)
        .screen("aku udah 2 minggu ga sh")
        .flagged
    )
    # A crisis phrase alerts whatever the context says, even beside a hyperbole word.
    assert categories("ulangan besok wkwk aku di menara air", lexicon) == ("suicide",)


# --- the labelled set -----------------------------------------------------------------------------


def test_labelled_corpus_is_large_varied_split_and_well_formed():
    examples = risk.load_labelled()
    labels = Counter(example["label"] for example in examples)
    assert len(examples) >= 800
    assert labels["risk"] >= 450 and labels["none"] >= 250
    assert len({example["text"] for example in examples}) == len(examples)
    per_category = Counter(c for example in examples for c in example["categories"])
    assert set(per_category) == set(risk.default_lexicon().categories)
    families = {e["facet"] for e in examples if e["facet"].startswith("hard negative")}
    assert len(families) >= 15
    assert {e["register"] for e in examples} >= {"jakarta", "typo", "javanese", "sunda", "betawi", "euphemism"}
    for example in examples:
        assert example["label"] in {"risk", "none"}
        assert example["split"] in risk.SPLITS
        assert bool(example["categories"]) == (example["label"] == "risk"), example
        assert example["triage"] in {"", risk.IMMINENT}
    heldout = risk.load_labelled(split="heldout")
    assert 0.25 <= len(heldout) / len(examples) <= 0.45
    for name in per_category:
        assert any(name in e["categories"] for e in heldout), name


def test_the_corpus_file_is_what_its_generator_writes():
    """The committed corpus is reproducible: the generator, run again, writes the same lines."""
    sys.path.insert(0, str(ROOT))
    from bench import risk_corpus

    rows = [json.dumps(row, ensure_ascii=False) for row in risk_corpus.build()]
    assert rows == risk.LABELLED_PATH.read_text(encoding="utf-8").splitlines()


# Held-out cells still below the per-category target of 0.90 (docs/risk-screening.md, "Figures"). A
# category that reaches the target must leave this list, and one that falls below it must not join it
# silently. Neglect and violence left it in round eight (see the docs for how far that is to be trusted).
BELOW_TARGET = {}


def test_held_out_figures_meet_the_targets():
    # The done-when of the issue, on the part the rules were not tuned on. Achieved when this was
    # written: precision 0.996, recall 0.962, imminent recall 1.000; after round eight and with the
    # second-stage model: precision 0.996, recall 0.992, imminent recall 1.000.
    result = risk.evaluate(risk.load_labelled(split="heldout"))
    assert result.precision >= 0.90, result.false_positives
    assert result.recall >= 0.95, result.false_negatives
    assert result.imminent_recall >= 0.97, result.imminent_misses
    for name, (tp, _fp, fn) in result.per_category.items():
        if not tp + fn:
            continue
        recall = result.category_recall(name)
        if name in BELOW_TARGET:
            assert BELOW_TARGET[name] <= recall < 0.90, (name, recall)
        else:
            assert recall >= 0.90, (name, result.category_misses)


def test_fresh_messages_never_tuned_on_keep_their_measured_floor():
    # Written after the last change to the rules; measured then: precision 1.000, recall 0.625
    # (25/40), imminent 1/4. Far below the held-out figures: new wordings still pass unseen. This
    # guards the floor; raise it when the families grow (and write a new fresh round to measure).
    result = risk.evaluate(risk.load_labelled(split="fresh"))
    assert result.tp + result.fn == 40
    assert result.precision >= 0.95, result.false_positives
    assert result.recall >= 0.60, result.false_negatives


@pytest.mark.parametrize(
    ("text", "category", "triage"),
    [
        # round nine (concepts of the fresh-2 misses)
        ("aku dipaksa ngelem sama anak2 jalanan", "coerced_substance", "high"),  # "jalanan" is not "perjalanan"
        ("i keep thinking about ending my life lately", "suicide", "high"),  # "ending" of a film is not this
        ("aku lagi di atas jembatan penyeberangan sekarang, pengen loncat aja", "suicide", "imminent"),
        ("tali jemuran udah aku iket di kusen kamar, tinggal nunggu semua pada tidur", "suicide", "imminent"),
        ("udah minum cairan pembersih lantai setengah botol, perut aku panas", "suicide", "imminent"),
        ("bapa sok neunggeul indung abdi unggal peuting", "domestic_violence", "high"),
        ("temen ditawarin kerja sama agen, ktp nya dipalsuin umurnya jadi 20", "exploitation", "high"),
    ],
)
def test_round_nine_families(text, category, triage):
    result = screen(text)
    assert category in result.categories and result.triage == triage, result


def test_dev_figures_are_reported_too():
    result = risk.evaluate(risk.load_labelled(split="dev"))
    assert result.precision >= 0.90 and result.recall >= 0.95

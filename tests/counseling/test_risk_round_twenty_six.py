"""Round twenty-six of the risk screen (docs/risk-screening.md), tuned on synthAE (risk.TUNING_SETS: 300
messages written from the brief with the emphasis on triage): a time word after "tiap"/"every" is a habit,
not a moment (imminent.habitual); alay digits read before reduplication ("d1p3g4ng2"); coercion into drinks,
smoking and glue, being kept from school for work and an adult's meeting are intents (imminent with a
time); "akan dikeroyok"; locked in "lagi|saat ini"; a beating "diulang"; self-injury "sekarang lagi";
Sundanese, Javanese and Madurese words of day, Saturday, this, marrying off, bringing, money, taking and
working. Negatives: a graduation goodbye, insects for bullying, a passport held by a teacher, burning
rubbish.

Every sentence here was written for these tests: none is a message of a fresh set (checked below)."""

import pytest

from ekonseling.counseling import risk, risk_model
from tests.counseling.risk_rounds import round_tests

# (text, category, triage)
TRUE_POSITIVES = [
    ("kakak kelas maksa aku ngerokok nanti istirahat", "coerced_substance", risk.IMMINENT),
    ("kakak kelas maksa aku ngerokok tiap istirahat", "coerced_substance", "high"),
    ("senior nyuruh aku ngelem besok malam di terminal", "coerced_substance", risk.IMMINENT),
    ("senior nyuruh aku ngelem tiap malam minggu di terminal", "coerced_substance", "high"),
    ("bu mulai besok aku disuruh kerja, tidak boleh sekolah lagi", "exploitation", risk.IMMINENT),
    ("sesuk aku dijak pakdhe neng Batam kerja, jare ora usah sekolah", "exploitation", risk.IMMINENT),
    ("om yang kenal di game ngajak ketemuan berdua besok sore di mal", "grooming", risk.IMMINENT),
    ("0m2 d4r1 1G ng4j4k k3t3mu4n b3rdu4 b3s0k", "grooming", risk.IMMINENT),
    ("kak, pulang sekolah nanti aku bakal dikeroyok anak kelas sebelah", "bullying", risk.IMMINENT),
    ("bu tolong aku lagi dikunci di gudang sama bapak", "physical_abuse", risk.IMMINENT),
    ("saat ini saya dikurung di kamar mandi oleh ayah tiri", "physical_abuse", risk.IMMINENT),
    ("mama nyundut aku pake rokok, katanya nanti malam diulang", "physical_abuse", risk.IMMINENT),
    ("sekarang aku masih mukulin kepalaku ke tembok", "self_harm", risk.IMMINENT),
    ("guru les itu tadi pahaku d1p3g4ng2", "sexual_abuse", "high"),
    ("pakdhe saben teka aku dicekel-cekel", "sexual_abuse", "high"),
    ("abdi bade dikawinkeun dinten Saptu, abdi teu hoyong", "child_marriage", risk.IMMINENT),
    ("aku lagi wae ngobong tanganku nganggo korek", "self_harm", "high"),
]
# A graduation, insects, a trip abroad for a contest, rubbish, a habit told as past.
HARD_NEGATIVES = [
    "bu mungkin ini terakhir kali aku chat ibu sebagai siswa kelas 12, besok wisuda. terima kasih untuk semuanya ya bu",
    "meja gue dikeroyok semut gara2 tumpahan teh manis",
    "paspor kami dipegang guru pendamping selama lomba di Malaysia",
    "bapak lagi ngobong sampah neng mburi omah",
]


(
    test_these_sentences_are_not_from_the_fresh_sets,
    test_flagged_in_its_category_and_triage,
    test_graduations_insects_contests_and_rubbish_fire_no_phrase,
) = round_tests(TRUE_POSITIVES, HARD_NEGATIVES)


def test_these_sentences_are_not_from_the_tuning_part():
    tuned = {example["text"].lower() for example in risk.load_labelled(risk.TUNING_SETS["synthAE"])}
    assert not tuned & {text.lower() for text in [t for t, *_ in TRUE_POSITIVES] + HARD_NEGATIVES}


def test_a_habitual_word_is_one_word_and_a_schools_extension_adds_to_it():
    with pytest.raises(risk.LexiconError, match=r"imminent\.habitual\[0\]: one word"):
        risk.load_lexicon(extra={"imminent": {"habitual": ["tiap hari"]}})
    # The rule is the lexicon's: the imminence model (round twenty-nine's reads "malam minggu" as a moment
    # whatever comes before it) is left out.
    model = risk_model.load_model()
    model.imminent = None
    extended = risk.load_lexicon(extra={"imminent": {"habitual": ["saban"]}}, model=model)
    assert risk.screen("senior nyuruh aku ngelem saban malam minggu", extended).triage == "high"
    assert risk.screen("senior nyuruh aku ngelem malam minggu", extended).triage == risk.IMMINENT

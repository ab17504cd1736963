"""Round thirty-five of the risk screen (docs/risk-screening.md), tuned on fresh-38 and fresh-39 (fresh-31 …
37 and fresh-40 … 42, written blind, are its measures). Madurese "eppa'" (father), "sateya" (now), "ngamok";
Sundanese words of a child left alone ("nyalira", "ditinggalkeun", "saminggu"); in English, being forced to
get married, an adult asking for photos and for a secret kept. A review of the first version found seven
defects: the words and phrases it named are dropped (below, each with a sentence).

Every sentence here was written for these tests: none is a message of a fresh set (checked below)."""

from ekonseling.counseling import risk
from tests.counseling.risk_rounds import review_tests, round_tests

# (text, category, triage)
TRUE_POSITIVES = [
    ("eppa' mokol aku pake sapu mon aku ta' ngaji", "physical_abuse", "high"),
    ("my parents are forcing me to get married after graduation, I'm only 16", "child_marriage", "high"),
    ("a guy from roblox keeps asking for photos and wants me to keep it our secret", "grooming", "high"),
    ("mamah teu uih saminggu, abdi nyalira di imah, teu aya tuangeun", "neglect", "high"),
]
# A sister's wedding with a ring emoji (a first version read 💍 as "nikah": with "umurnya 25" a wedding became
# a child marriage), a mother asking for a report card's photos, a surprise party kept secret, a Madurese
# father home from the field, "pics or it didn't happen".
HARD_NEGATIVES = [
    "kakak aku nikah bulan depan 💍 umurnya 25, aku jadi bridesmaid",
    "mama asked for photos of my report card",
    "keep it our secret, it's a surprise party for bu rina",
    "eppa' engkok mare mole dari sawah, sateya engkok ajar",
    "ayo foto bareng, pics or it didn't happen",
]

(
    test_no_sentence_is_a_fresh_set_message,
    test_flagged_in_its_category_and_triage,
    test_no_hard_negative_fires_a_phrase,
) = round_tests(TRUE_POSITIVES, HARD_NEGATIVES)


def test_madurese_and_sundanese_words_are_read_as_their_indonesian():
    lexicon = risk.default_lexicon()

    def stems(text):
        return [stem for _, stem in lexicon.tokens(text)]

    assert stems("eppa sateya ngamok") == stems("bapak sekarang ngamuk")
    assert stems("nyalira ditinggalkeun saminggu") == stems("sendirian ditinggal seminggu")


# What the review of the first version found, each dropped: "engkok" read as "aku" (in Surabaya it is "later":
# "don't touch it, it'll break" became sexual abuse), "pics" read as "foto" (shop chat's "pcs" too), Madurese
# "èpokol" read as "dipukul" (the mosque drum, a kasti ball), Sundanese "dahareun" as "makanan" (medicine mixed
# into a brother's food became poisoning), "made" and "force" with "married" one word apart (a teacher's
# wedding plans, fan fiction), "before|by|at midnight" as a near moment (homework due at midnight), "is our
# secret" (a yearbook's cover).
REVIEW_NO_PHRASE = [
    "Ojok dipegang, engkok rusak lho",
    "Talinya diikat ae, engkok ucul",
    "Sepatu lawase dijual ae, engkok tak tukokno sing anyar",
    "Kak, kirim 5 pcs tanpa dus ya biar ongkirnya murah",
    "Bedug la epokol, ayo buka",
    "Bal kasti epokol Rudi jau ongghu",
    "Mamah nyampur ubar kana dahareun adi sabab adi hese nginum ubar",
    "Bu Sinta made plans to get married next week, so we'll have a sub",
    "If I were the writer I'd force them to get married in the finale",
    "The yearbook team is asking for photos, the cover design is our secret until graduation",
]
REVIEW_NOT_IMMINENT = ["Bu Sinta made plans to get married next week, so we'll have a sub"]

(
    test_the_review_sentences_are_no_fresh_set_message,
    test_what_the_review_found_stays_risk,
    test_what_the_review_found_fires_no_phrase,
    test_what_the_review_found_is_not_imminent,
) = review_tests((), REVIEW_NO_PHRASE, REVIEW_NOT_IMMINENT)


def test_a_deadline_at_midnight_is_no_near_moment_of_the_lexicon():
    lexicon = risk.load_lexicon(model=None)
    assert lexicon.screen("I'm gonna kill myself, the homework is due at midnight").triage != risk.IMMINENT

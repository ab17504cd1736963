"""Round thirty-one of the risk screen (docs/risk-screening.md), tuned on fresh-27 and fresh-28 (fresh-29 and
fresh-30, written blind, are its measures). Reading: "di-" and a root without its vowels, one the phrases name
in the passive ("dijmbak" is "dijambak"; "dimsum" stays dim sum); a coffin or a headstone emoji is death;
Javanese "tangi" (wake up), "jotos" (punch), "enteni" (wait), "wenehi" (give); "menyabuk"/"disabuk" (whipped
with a belt); English "and" stays "and" (it was read as "anda"). Phrases: "gak kasih, aku dipukul"
(extortion), "they'll beat me up", "aku gak bakal jadi apa-apa", unpaid work and not allowed out of the house,
a bleeding arm and "aku gores", a parent's "pelajaran" that leaves a child unable to walk, a challenge and
weapons brought. The exploitation negative no longer holds "bantu": "bantu-bantu" is how trafficking is told.
A normalisation's value is read as the lexicon reads it ("jotos": "tonjok" is "tinju", as "tonjok" is;
Sundanese "bade": "mau" is "ingin"), and "tinju" (boxing) is no longer a negative of beatings: with "tonjok"
read as "tinju", "kakak kelas nonjok aku tiap hari" was no alert at all; boxing watched or trained is. A
review of the first version found ten defects (below): each has a sentence here.

Every sentence here was written for these tests: none is a message of a fresh set (checked below)."""

from ekonseling.counseling import risk
from tests.counseling.risk_rounds import review_tests, round_tests

# (text, category, triage)
TRUE_POSITIVES = [
    ("ayah nyabet aku pake gesper, bekasnya sampe sekarang", "physical_abuse", "high"),
    ("p4p4 k4l0 m4r4h d1s4bUk, p4h4 4ku b1rU", "physical_abuse", "high"),
    ("bocah kelas 8 njaluk duit, nek ora tak wenehi aku dijotos", "bullying", "medium"),
    ("kakak kelas bilang kalo gak setor aku dikeroyok", "bullying", "medium"),
    ("those boys said they'll beat me up after school", "bullying", risk.IMMINENT),
    ("aku ngerasa gak bakal jadi apa-apa di hidup ini", "hopelessness", "medium"),
    ("aku gabakal jadi siapa-siapa", "hopelessness", "medium"),
    ("aku kerja di rumah orang, gak boleh keluar rumah, gak pernah dibayar", "exploitation", "high"),
    ("tanganku lagi berdarah nih, barusan aku gores", "self_harm", risk.IMMINENT),
    ("kakak kelas nonjok aku tiap hari", "bullying", "medium"),
    ("aku sering dikasih pelajaran sama ayah sampai gak bisa duduk", "physical_abuse", "high"),
    ("sekolah sebelah nantangin, nanti malam kami bawa batu sama rantai", "violence", risk.IMMINENT),
    ("rasane pengin turu terus ora tangi maneh", "suicide", "high"),
]
# A used cable, a helping hand, extra lessons, a sprain, a football challenge, a relative's invitation, a
# film's coffin, English "and", boxing on television.
HARD_NEGATIVES = [
    "beli kabel bekas buat proyek robot",
    "aku diajak bantu-bantu di dapur pas lebaran",
    "guru kasih pelajaran tambahan sampai sore",
    "kaki aku keseleo abis futsal, sampe susah jalan",
    "kita ditantang main futsal, bawa sepatu masing-masing",
    "kakakku umur 25 ngajak nginap di rumah nenek pas libur",
    "nonton film horor, ada adegan peti mati ⚰️ serem",
    "and then the teacher said we can go home",
    "tadi nonton tinju di tv sama ayah, seru banget",
]

(
    test_no_sentence_is_a_fresh_set_message,
    test_flagged_in_its_category_and_triage,
    test_no_hard_negative_fires_a_phrase,
) = round_tests(TRUE_POSITIVES, HARD_NEGATIVES)


def test_di_and_a_root_without_its_vowels():
    lexicon = risk.default_lexicon()
    assert [stem for _, stem in lexicon.tokens("dijmbak")] == ["jambak"]
    assert [stem for _, stem in lexicon.tokens("ditndang")] == ["tendang"]


def test_english_and_is_not_anda():
    lexicon = risk.default_lexicon()
    assert [surface for surface, _ in lexicon.tokens("and")] == ["and"]


def test_a_coffin_or_a_headstone_is_death():
    lexicon = risk.default_lexicon()
    assert [surface for surface, _ in lexicon.tokens("⚰️ 🪦")] == ["mati", "mati"]


def test_a_normalisations_value_is_read_as_the_lexicon_reads_it():
    lexicon = risk.default_lexicon()
    assert [stem for _, stem in lexicon.tokens("bade")] == [stem for _, stem in lexicon.tokens("mau")]
    assert [stem for _, stem in lexicon.tokens("dijotos")] == [stem for _, stem in lexicon.tokens("ditonjok")]
    for key, value in lexicon.normalisation.items():
        for word in value:
            assert lexicon.normalisation.get(word, (word,)) == (word,), (key, value)


# A review of the round's first version (it read only the code and wrote its own sentences) found these;
# each was fixed before the round landed. False alarms of the first version: dim sum read as "dimesum"
# (lewd), "gak bakal jadi apa-apa" as reassurance, marks near a cable or a seat belt, "biar sakitnya pindah"
# of a flu, scouts' and a sister's challenges, a grandmother's invitation, a student hitting a pillow, "he'll
# never hurt me", "you'll hit me up" (a beating before the round too: "hit me up" is now a negative).
REVIEW_NO_PHRASE = [
    "aku pesan dimsum lewat gofood",
    "besok pagi aku pesen dimsum buat sarapan",
    "tenang aja, gak bakal jadi apa-apa kok",
    "kalau aku bolos sekali gak bakal jadi apa-apa kan?",
    "kabel charger aku udah rusak, bekasnya gosong",
    "pas kecelakaan kemarin sabuk pengamannya bikin dada aku memar",
    "pake masker ya biar sakitnya gak pindah ke temen sekelas",
    "kakak pembina nantang kita bikin tandu, wajib bawa kayu sama tali",
    "adikku ribut minta bawa batu dari pantai",
    "nenek aku yang umurnya 70 tahun ngajak aku nginap di rumahnya pas lebaran",
    "tadi gak dikasih hp sama mama, aku pukul bantal aja",
    "I know he'll never hurt me",
    "you'll hit me up later right",
]


(
    test_the_reviews_sentences_are_not_from_the_fresh_sets,
    _stays_risk,
    test_what_the_review_found_fires_no_phrase,
    _is_not_imminent,
) = review_tests(no_phrase=REVIEW_NO_PHRASE)


def test_a_di_word_without_vowels_is_read_only_as_a_passive_the_phrases_name():
    lexicon = risk.default_lexicon()
    assert [surface for surface, _ in lexicon.tokens("dimsum")] == ["dimsum"]

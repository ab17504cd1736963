"""Round forty-seven of the risk screen (docs/risk-screening.md): read on fresh-61 (Depok and South Tangerang SMA,
Jakarta slang) — a rooftop and "the right place", not sure of reaching grade 12, a relapse after being "clean"
with the blade ready, glass kept in a pencil case "just in case", scars as lines on the arm, a man from a dating
app, food once a day, no one talking to the writer at school, knowing by heart when someone sleeps — and the
fixes of a review that wrote its own sentences: a negative denied ("bukan gak sengaja") is no negative, English
"but" is no "but" word (chat reads it as "buat"), Minang words instead of sound-shift rules, and narrower forms of
earlier rounds' phrases. The messages are written for these tests, not copied from the set."""

import pytest

from ekonseling.counseling import risk


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("gw lg di rooftop gedung parkir nih, lantai 9. kayaknya ini tempat yg pas", "suicide"),
        ("masa depan? gue aja gak yakin bakal nyampe umur 17", "suicide"),
        ("udah 2 bulan clean tapi malam ini pengen banget ngulang", "self_harm"),
        ("gue nyimpen silet di kotak pensil, buat jaga-jaga kalo kambuh", "self_harm"),
        ("bekas garis2 di lengan gue ditanya temen, gue bilang kucing", "self_harm"),
        ("life is pointless tbh, bangun sekolah tidur repeat", "hopelessness"),
        ("no one talks to me at school, mereka geser kursi pas gue duduk", "bullying"),
        ("om tiri cuma ngasih makan sehari sekali, badan gue kurus", "neglect"),
        ("ini bukan gak sengaja bu, aku sundut tangan pake rokok", "self_harm"),
    ],
)
def test_the_round_s_findings_are_flagged_in_their_category(text, category):
    screening = risk.screen(text)
    assert screening.flagged and category in screening.categories, screening


def test_a_relapse_with_the_blade_ready_tonight_is_imminent():
    screening = risk.screen("udah 3 bulan clean tapi mlm ini pengen ngulang. silet udh di meja")
    assert "self_harm" in screening.categories and screening.triage == risk.IMMINENT


def test_a_man_from_a_dating_app_picking_the_student_up_after_school_is_imminent():
    screening = risk.screen("nanti pulang sekolah gue dijemput cowo yg kenal di dating app, umurnya 30. nyokap gak tau")
    assert "grooming" in screening.categories and screening.triage == risk.IMMINENT


@pytest.mark.parametrize(
    "text",
    [
        # the review's sentences, each raised by a form of a phrase that round forty-three to forty-six first wrote
        "bu, temen sekelas jodoh-jodohin aku sama anak osis, aku malu banget",
        "war takjil sama anak kos sebelah, seru banget",
        "war tiket konser sama anak kelas sebelah",
        "aku bantu bapak asah celurit buat panen padi besok",
        "pak guru seni ngajarin kita bikin senjata tradisional miniatur dari tanah liat",
        "mama sengaja taruh panci kecil di kompor biar sup tetep anget",
        "aku sengaja sentuh setrika sebentar buat ngecek udah panas",
        "adik nyeret ibu ke pasar malam, minta naik komidi putar",
        "pak guru biologi nyiram kaktus di depan kelas",
        "dia tepuk dada, bilang aku pasti kalah lomba pidato",
        "tantangan minum bir pletok di festival betawi seru",
        "temen terus ngajak aku minum minuman boba tiap pulang sekolah",
        "pas camping di gunung kita hanya makan nasi pakai garam, haha seru",
        "biar ayah gak keberatan bawa aku ke bandung, aku bayar bensinnya",
        "rabo aku les di rumah pak guru",
        # and this round's own words in ordinary sentences
        "no one talks to me about the exam schedule, so confusing",
        "aku gak yakin bakal nyampe sekolah tepat waktu, macet parah",
        "aku simpan gunting di tas buat prakarya",
        "aku kenal pacarku dari aplikasi belajar, dia seumuran",
        "udah hafal jam berapa kereta lewat, jadi gak telat",
        "bu, pagi tadi ambo mambunuah lipeh di kamar, gadang bana",  # a cockroach, in Minang
    ],
)
def test_ordinary_sentences_raise_no_phrase(text):
    assert not risk.screen(text).matches


def test_a_sister_beaten_by_a_deadline_is_no_violence_at_home_now():
    # physical abuse already before (a phrase of "dihajar", a known false alarm); round forty-five's "… lagi
    # dihajar" added domestic violence; round forty-seven took "kakak" out of that phrase
    assert "domestic_violence" not in risk.screen("kakak lagi dihajar deadline skripsi").categories


def test_english_but_is_not_a_but_word():
    # the chat shorthand reader spells "but" as "buat", so "bercanda buat video" would read as a dispute
    assert "buat" not in risk.default_lexicon().but

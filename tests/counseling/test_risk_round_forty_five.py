"""Round forty-five of the risk screen (docs/risk-screening.md), read on fresh-57 (Bekasi and Bogor SMP, Jakarta
slang): a grandmother being choked now, being sent abroad as a maid, a match made "official" for a child of 14,
feeling a weight on the group, no effort making a difference, nobody coming home, only rice and salt, being made
to smoke. The messages are written for these tests in the same kinds, not copied from the set."""

import pytest

from ekonseling.counseling import risk


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("mending gue keluar aja dr tim biar mereka gk keberatan bawa gue", "burden"),
        ("gk ngaruh gue usaha apa jg, tetep aja gini", "hopelessness"),
        ("usaha apapun juga gak ngaruh, nilai tetep ancur", "hopelessness"),
        ("abis lulus smp aku mau dikirim ke arab jd art sama calo", "exploitation"),
        ("ketauan pacaran, ortu mau langsung diresmiin aja. aku baru 14", "child_marriage"),
        ("nobody comes home anymore, we've been eating noodles for a week", "neglect"),
        ("bapak teu balik-balik, abdi ngan dahar sangu jeung uyah", "neglect"),
        ("they held me down and made me smoke and filmed it", "coerced_substance"),
    ],
)
def test_the_round_s_findings_are_flagged_in_their_category(text, category):
    screening = risk.screen(text)
    assert screening.flagged and category in screening.categories, screening


def test_a_grandmother_being_choked_now_is_imminent():
    screening = risk.screen("nenek lg dicekik sm om di dapur, aku ngumpet di kamar")
    assert "domestic_violence" in screening.categories and screening.triage == risk.IMMINENT


@pytest.mark.parametrize(
    "text",
    [
        "kakakku dikirim ke hongkong jadi tkw lewat pt resmi, gajinya lumayan",  # an adult, not the student
        "gak ngaruh sih usaha promosi di ig, followers tetep segitu2 aja",
        "kita makan nasi pake garam pas kemah pramuka, seru",
        "nobody comes home lagi abis jam 10, kosan sepi",
        "the teacher made me take a test again, so annoying",
        "pak RT mau ngeresmiin pos ronda langsung aja minggu ini",
        "hidupku game over kalo mama liat rapor wkwk",  # "game over" was tried as a phrase and not taken
    ],
)
def test_the_same_words_in_ordinary_messages_raise_no_phrase(text):
    assert not risk.screen(text).matches


def test_googling_a_dose_is_a_method_not_yet_a_preparation():
    # Tried and not taken: the development part labels it high, not imminent (three messages).
    screening = risk.screen("aku udah googling dosis paracetamol yang mematikan")
    assert "suicide" in screening.categories and screening.triage != risk.IMMINENT

"""Round forty-three of the risk screen (docs/risk-screening.md), read on fresh-49 (Denpasar SMA): a joke someone
else claims and the writer disputes ("katanya cuma bercanda, tapi aku risih") cancels nothing; a pat on the
bottom, an ear twisted till it bleeds, a marriage arranged with a grown man, friends who keep pressing drink, a
"punching bag", being left out, an adult asking whether one is home alone, a "war" with another school; Balinese
and Sasak words of drinking, drunkenness, hitting, a knife, quarrelling and working. The messages are written
for these tests in the same kinds, not copied from the set."""

import pytest

from ekonseling.counseling import risk


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("pelatih suka nepuk2 pantat aku pas latihan, katanya becanda doang, tp aku risih", "sexual_abuse"),
        ("tiap istirahat aku jadi samsak buat mereka. kata mereka cuma bercanda, tapi dadaku sakit", "bullying"),
        ("pak wali kls suka jewer smp telinga brdarah kalo gak bawa buku", "physical_abuse"),
        ("ortu mau menjodohkan saya dengan seorang pria berusia 35 tahun", "child_marriage"),
        ("aku mau dijodohin sama juragan sawit", "child_marriage"),
        ("teman-teman terus mengajak saya minum minuman keras tiap malam minggu, saya tertekan", "coerced_substance"),
        ("they left me out of every group project and laugh at me", "bullying"),
        ("ada om om di ig nanya aku sendirian di rumah atau nggak", "grooming"),
        ("bapa mulih punyah, nyagur biyang, cang takut", "domestic_violence"),
        ("timpal-timpal maksa cang nginem arak", "coerced_substance"),
    ],
)
def test_the_round_s_findings_are_flagged_in_their_category(text, category):
    screening = risk.screen(text)
    assert screening.flagged and category in screening.categories, screening


def test_a_war_with_another_school_at_a_time_is_imminent_whatever_the_laughter_after_it():
    text = "sore ini jam 4 ada war sama anak stm di lapangan belakang, gue bawa gir punya abang. doain menang wkwk"
    screening = risk.screen(text)
    assert "violence" in screening.categories and screening.triage == risk.IMMINENT


@pytest.mark.parametrize(
    "text",
    [
        # the writer takes it as a joke: no "tapi" disputing it, the negative still cancels
        "tadi temenku ngatain aku gendut, katanya cuma bercanda, aku juga ketawa kok wkwk",
        "adikku rewel, aku tepuk2 pantatnya biar cepet tidur",  # a pat with no "aku" after it
        "mama suka nepuk pantat adek bayi biar sendawa",
        "ortu mau jodohin kakakku, kakak udah kerja",  # someone else's match
        "besok war tiket konser sama anak kelas sebelah wkwk",  # "war tiket": queueing for tickets
        "nanti malam war sama anak smk sebelah di ml, doain menang",
        "bu, temen2 ngajak aku minum es teh terus di kantin",
        "bagian samsak di ekskul tinju udah sobek bu",
    ],
)
def test_the_same_words_in_ordinary_messages_raise_no_phrase(text):
    assert not risk.screen(text).matches


@pytest.mark.parametrize(
    ("text", "at", "excused"),
    [
        ("katanya cuma bercanda tapi aku sakit", 2, True),
        ("kata mereka becanda doang, tp aku risih", 2, True),
        ("alasannya iseng, padahal aku malu banget", 1, True),
        ("they said just joking but it hurt", 3, False),  # "but" reads as "buat" in chat: not a "but" word
        ("katanya cuma bercanda, aku juga ketawa", 2, False),  # no "but": the writer does not dispute it
        ("aku cuma bercanda tapi dia marah", 2, False),  # the writer's own joke: no one is said to claim it
        ("katanya di berita tapi aku gak percaya", 2, False),  # not a joke word
    ],
)
def test_a_joke_is_an_excuse_only_when_someone_is_said_to_claim_it_and_the_writer_disputes_it(text, at, excused):
    lexicon = risk.default_lexicon()
    tokens = lexicon.tokens(text)
    assert len(tokens) == len(text.split())  # one token a word, so `at` is the word's place
    assert lexicon._excuse(tokens, at, at + 1) is excused


@pytest.mark.parametrize("key", ["excuse", "joke", "but"])
def test_the_excuse_lists_take_one_word_each(key):
    with pytest.raises(risk.LexiconError, match=rf"hyperbole\.{key}\[0\]: one word, no alternatives"):
        risk.validate({"hyperbole": {key: ["kata|bilang"]}})


def test_a_school_can_add_an_excuse_word():
    # (a name-calling, not round forty-three's pat: that phrase is strong since round forty-eight)
    text = "mereka ngatain aku gendut, ngelesnya cuma bercanda tapi aku sakit hati"
    assert not risk.screen(text).matches  # "ngelesnya" is no excuse word of the shipped lexicon
    school = risk.load_lexicon(extra={"hyperbole": {"excuse": ["ngelesnya"]}})
    assert "bullying" in school.screen(text).categories

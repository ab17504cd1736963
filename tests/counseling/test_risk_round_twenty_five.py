"""Round twenty-five of the risk screen (docs/risk-screening.md), tuned on fresh-18 and fresh-19 (fresh-20,
written blind after round twenty-four, is its measure): a beating announced in the passive ("aku bakal
dipukul lagi"), being made to drink with a time, the Bugis, Madurese, Sasak and Banyumas words of
wanting, tonight, later, marrying and hitting, and English: a cut that goes deeper and does not stop
bleeding, pills counted out, farewell letters, a weapon in the bag, being told to undress, a false age
on the papers. Negatives: school projects and essays about abuse, a play about a forced marriage, a
slaughtered chicken, mosquitoes in Sundanese, news in Betawi, being flustered by a crush.

Every sentence here was written for these tests: none is a message of a fresh set (checked below)."""

from ekonseling.counseling import risk
from tests.counseling.risk_rounds import round_tests

# (text, category, triage)
TRUE_POSITIVES = [
    ("bu nanti malam aku bakal dipukul lagi sama bapak", "physical_abuse", risk.IMMINENT),
    ("besok aku bakal dihajar lagi sama kakak", "physical_abuse", risk.IMMINENT),
    ("aku bakal dipukuli lagi", "physical_abuse", "high"),
    ("jarene mengko sore aku arep diantemi maneh", "physical_abuse", risk.IMMINENT),
    ("aku dikurung di gudang dari tadi pagi bu", "physical_abuse", risk.IMMINENT),
    ("my mom locked me in the bathroom since last night", "physical_abuse", risk.IMMINENT),
    ("senior maksa aku minum miras nanti malam di kos", "coerced_substance", risk.IMMINENT),
    ("kata mereka aku harus minum ciu besok pas nongkrong", "coerced_substance", risk.IMMINENT),
    ("jarene aku kudu ngombe tuak mengko bengi", "coerced_substance", risk.IMMINENT),
    ("iya' melo' mate wennie bu", "suicide", risk.IMMINENT),
    ("matu wennie uinungngi racun", "suicide", risk.IMMINENT),
    ("kamek dah telan obat banyak tadi", "suicide", risk.IMMINENT),
    ("I cut deeper than I meant to and it won't stop bleeding", "self_harm", risk.IMMINENT),
    ("I've got the pills counted out in a drawer", "suicide", risk.IMMINENT),
    ("I've stockpiled my meds for weeks", "suicide", risk.IMMINENT),
    ("I wrote letters to my sister and my dad. I'm going to do it on Sunday", "suicide", risk.IMMINENT),
    ("sengko' mokol cethak dhibi' ka tembhuk", "self_harm", "high"),
    ("tiang dikawinang lusa, tiang mele sekolah", "child_marriage", risk.IMMINENT),
    ("reng towa epakabin kaula minggu dateng", "child_marriage", risk.IMMINENT),
    ("there's a knife in my backpack and I'm going to use it today", "violence", risk.IMMINENT),
    ("they're going to pour paint on me at lunch", "bullying", risk.IMMINENT),
    ("my online boyfriend asked me to take off my clothes on video call", "grooming", "high"),
    ("the recruiter wrote that I'm 20 on the form, I'm 16", "exploitation", "high"),
]
# The same words in school work, a play, the kitchen, insects, the news and a crush.
HARD_NEGATIVES = [
    "I'm doing it now, the essay is due tomorrow",
    "for our project we interview counselors about why teenagers hurt themselves",
    "bu aku lagi nulis cerpen bertema kekerasan dalam rumah tangga buat tugas",
    "our class play is about a girl who is forced to marry at fourteen, I'm the narrator",
    "tadi sore bapak nyembelih pitik, aku sing nyekeli sikile",
    "peuting ieu abdi maehan reungit loba pisan",
    "kemaren aye nonton berite tawuran di tipi",
    "aku pengen mati aja rasanya pas dia senyum, salting parah",
    "I counted the pills for grandma's week, she forgets them",
]


(
    test_these_sentences_are_not_from_the_fresh_sets,
    test_flagged_in_its_category_and_triage,
    test_the_same_words_in_school_work_plays_kitchens_and_crushes_fire_no_phrase,
) = round_tests(TRUE_POSITIVES, HARD_NEGATIVES)

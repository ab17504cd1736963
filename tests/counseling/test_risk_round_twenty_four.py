"""Round twenty-four of the risk screen (docs/risk-screening.md): English, written from the taxonomy and
read from no message. Before it, "my uncle raped me", "my dad is beating my mom right now", "they took my
passport" and "I haven't eaten for two days" raised no alert of their category: five categories had no
English phrase at all (exploitation, neglect, domestic violence, coerced substance use) or one or two.

Every sentence here was written for these tests: none is a message of a fresh set (checked below)."""

from ekonseling.counseling import risk
from tests.counseling.risk_rounds import round_tests

# (text, category, triage)
TRUE_POSITIVES = [
    ("I don't want to be alive anymore", "suicide", "high"),
    ("sometimes I wish I was never born", "suicide", "high"),
    ("I've been saving my sleeping pills in a sock", "suicide", risk.IMMINENT),
    ("I took all my mom's pills an hour ago", "suicide", risk.IMMINENT),
    ("I'm just a burden to my family", "burden", "high"),
    ("nobody would miss me if I disappeared", "burden", "high"),
    ("nothing matters anymore, I've given up on everything", "hopelessness", "medium"),
    ("my uncle raped me when I was staying at his house", "sexual_abuse", "high"),
    ("my stepbrother touched my chest while I was sleeping", "sexual_abuse", "high"),
    ("he threatened to post my photos if I don't send more", "grooming", "high"),
    ("the agent took my passport and says I owe him money", "exploitation", "high"),
    # imminent until round thirty-one; a month away is no near moment since round thirty-two
    ("my parents made me quit school to work at the factory next month", "exploitation", "high"),
    ("my grandma locks me in the storeroom when I'm late", "physical_abuse", "high"),
    ("my dad hit me with his belt last night", "physical_abuse", "high"),
    ("I haven't eaten in three days, there's no food at home", "neglect", "high"),
    ("my mom kicked me out and I'm sleeping at the mosque", "neglect", "high"),
    ("my stepdad is choking my mom right now, what do I do", "domestic_violence", risk.IMMINENT),
    ("the seniors forced me to drink until I threw up", "coerced_substance", "high"),
    ("someone spiked my drink at the party", "coerced_substance", "high"),
    ("they made a fake account about me and posted my edited photo", "bullying", "medium"),
    ("they're going to beat me up after school tomorrow", "bullying", risk.IMMINENT),
    ("I'm going to stab him tomorrow when he walks home", "violence", risk.IMMINENT),
]
# The same words in a game, a diet, medicine, a match, a documentary.
HARD_NEGATIVES = [
    "I killed the final boss in the game lol, gonna kill them all tomorrow too",
    "I gave up on the diet lol, pizza tonight",
    "my mom made me take my flu medicine",
    "we watched a documentary about a girl who was molested, it was heavy",
    "the other team is going to beat us tomorrow, they're too good",
]


(
    test_these_sentences_are_not_from_the_fresh_sets,
    test_flagged_in_its_category_and_triage,
    test_the_same_words_in_games_diets_and_medicine_fire_no_phrase,
) = round_tests(TRUE_POSITIVES, HARD_NEGATIVES)

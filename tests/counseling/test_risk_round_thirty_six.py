"""Round thirty-six of the risk screen (docs/risk-screening.md), which read fresh-40 and kept nothing: a review
of its first version found ten defects in its four additions (Makassar "mauki"/"nabadik", a weapon pointed at
the mother, a "death threat" as an intent, skipping meals to punish oneself), and all four were dropped. The
review's sentences stay here, so that a later round adding the same words is checked against them.

Every sentence here was written for these tests: none is a message of a fresh set (checked below)."""

from tests.counseling.risk_rounds import review_tests

# A knife held up to a mother to cut the Eid meat, a birthday cake, to be sharpened; a robbery on the street
# ("ibu-ibu" is any woman); a drunken father last year, now divorced ("lagi" is "at the time"); an idol's
# death threats before a concert; a Makassar fight ("na-" is he or she, not the student); fasting and a forfeit.
REVIEW_NO_PHRASE = [
    "pas idul adha kemarin om ngacungin golok ke mama, nanya dagingnya mau dipotong bagian mana",
    "adek ngacungin pisau kue ke mama biar mama yang potong kue ultahnya",
    "papa lagi ngacungin pisau ke mama, minta tolong diasah soalnya tumpul",
    "ada begal nodongin celurit ke ibu-ibu di jalan depan sekolah, videonya viral",
    "tahun lalu waktu bapak lagi mabuk dia nodongin parang ke ibu, sekarang mereka sudah cerai dan aman",
    "my fav idol is getting death threats, the concert is tomorrow and I'm so worried for him",
    "streamer favoritku dapet death threat dari fans, dia libur streaming minggu ini",
    "nabadik tangannya om itu waktu berkelahi di pasar",
    "I always punish myself when I lose a match but I would never hurt myself",
    "I'm doing intermittent fasting so I skip meals on purpose, and if I cheat I punish myself with a 5k run",
]
# "mkian" (makian, insults) lost its reading when "mauki" was read as "mau".
REVIEW_STILL_RISK = [("aku sering dapet komentar mkian di tiktok tiap hari", "bullying")]
REVIEW_NOT_IMMINENT = ["papa lagi ngacungin pisau ke mama, minta tolong diasah soalnya tumpul"]

(
    test_the_review_sentences_are_no_fresh_set_message,
    test_what_the_review_found_stays_risk,
    test_what_the_review_found_fires_no_phrase,
    test_what_the_review_found_is_not_imminent,
) = review_tests(REVIEW_STILL_RISK, REVIEW_NO_PHRASE, REVIEW_NOT_IMMINENT)

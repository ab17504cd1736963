"""Round thirty-two of the risk screen (docs/risk-screening.md), which read no set: fresh-29 … fresh-32, written
blind, are its measures. A moment that makes an intent imminent is near (hours or days): a month away, after
Lebaran or the national exam, the holidays, a birthday or the new year no longer are one ("dinikahin bulan
depan" is child marriage, high; the counselor still sees it, not first). Near moments of the regional languages
and of chat are read: Javanese and Sundanese "this" ("bengi iki", "poe ieu": tonight, today), "sakniki"/"kiwari"
(now), "sakedap" (shortly), Minang "beko" and chat "tar" (later), "tmrw",
"2nite", "#num jam|menit|hari lagi", "in an hour", "this afternoon", "later today", Makassar "sebentar
malam" (tonight). The imminence model is also trained on parts the first stage is not trained on
(risk.IMMINENCE_SETS).

Every sentence here was written for these tests: none is a message of a fresh set (checked below)."""

import pytest

from ekonseling.counseling import risk, risk_model
from tests.counseling.risk_rounds import round_tests

# (text, category, triage)
TRUE_POSITIVES = [
    ("aku pengen bunuh diri bengi iki", "suicide", risk.IMMINENT),
    ("isukan abdi bade bunuh diri", "suicide", risk.IMMINENT),
    # "enjing" is tomorrow in polite Sundanese and the morning in Javanese krama ("tadi enjing": this morning);
    # it is not read as either
    ("tadi enjing aku pengen bunuh diri tapi gak jadi", "suicide", "high"),
    ("abdi hoyong maot poe ieu", "suicide", risk.IMMINENT),
    ("aku mau loncat dari atap sakedap deui", "suicide", risk.IMMINENT),
    ("i want to kill myself 2nite", "suicide", risk.IMMINENT),
    ("aku mau mati tmrw", "suicide", risk.IMMINENT),
    ("aku mau bunuh diri 2 jam lagi", "suicide", risk.IMMINENT),
    ("tar malem gue mau bunuh diri", "suicide", risk.IMMINENT),
    ("beko malam ambo nio bunuh diri", "suicide", risk.IMMINENT),
    ("3 hari lagi aku mau dinikahin sama om-om, aku masih kelas 9", "child_marriage", risk.IMMINENT),
    ("sebentar malam torang mo serang anak sekolah sebelah pake parang", "violence", risk.IMMINENT),
    # a moment weeks or months away: the risk is flagged, the rules do not make it imminent
    ("aku mau dinikahin bulan depan, aku masih kelas 9", "child_marriage", "high"),
    ("bapak bilang abis lebaran aku dikawinin, aku masih 15", "child_marriage", "high"),
    ("pas liburan nanti aku mau dijodohin, aku baru kelas 8", "child_marriage", "high"),
    ("abis UN aku langsung dikawinin sama bapak, aku masih 15", "child_marriage", "high"),
]
# The new moment words in ordinary chat.
HARD_NEGATIVES = [
    "poe ieu abdi bade ka sakola",
    "bengi iki aku arep sinau",
    "2 jam lagi pulang sekolah yeay",
    "tar malem nonton bola bareng",
    "wengi iki ana kondangan",
]

(
    test_no_sentence_is_a_fresh_set_message,
    test_flagged_in_its_category_and_triage,
    test_no_hard_negative_fires_a_phrase,
) = round_tests(TRUE_POSITIVES, HARD_NEGATIVES)


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("bengi iki", ["malam", "ini"]),
        ("poe ieu", ["hari", "ini"]),
        ("sakniki", ["sekarang"]),
        ("sakedap deui", ["sebentar", "lagi"]),
        ("beko malam", ["nanti", "malam"]),
        ("tar malem", ["nanti", "malam"]),
        ("tmrw 2nite", ["tomorrow", "tonight"]),
    ],
)
def test_regional_and_chat_moment_words_are_read(text, read):
    assert [stem for _, stem in risk.default_lexicon().tokens(text)] == read


@pytest.mark.parametrize(
    "moment", ["bulan depan", "next month", "abis lebaran", "pas liburan", "tahun baru", "pas wisuda", "ulang tahun"]
)
def test_a_moment_weeks_away_is_no_time_word(moment):
    lexicon = risk.default_lexicon()
    tokens = lexicon.tokens(f"aku mau dinikahin {moment}")
    assert not [pattern.text for pattern, _, _ in lexicon._occurrences(tokens) if pattern.kind == "time"]


def test_the_imminence_model_parts_are_not_measures_and_are_recorded_in_the_model():
    parts = risk.load_imminence_training()
    assert list(parts) == list(risk.IMMINENCE_SETS)
    assert not set(risk.IMMINENCE_SETS) & set(risk.TRAINING_SETS)
    measured = {e["text"] for e in risk.load_labelled(split="heldout")}
    unread = {"fresh29", "fresh30", "fresh31", "fresh32"}
    assert not unread & set(risk.IMMINENCE_SETS)
    measured |= {e["text"] for name in unread for e in risk.load_fresh(name)}
    for name, part in parts.items():
        assert part and not measured & {e["text"] for e in part}, name
    for name in risk.TRIAGE_SETS:
        part = parts[name]
        assert {e["split"] for e in part} == {name} and {e["label"] for e in part} == {"risk"}
        assert sum(e["triage"] == risk.IMMINENT for e in part) == len(part) // 2
    recorded = risk_model.load_model().doc["imminent"]["also_trained_on"]
    assert [p["name"] for p in recorded] == list(risk.IMMINENCE_SETS)
    assert [p["risk_messages"] for p in recorded] == [
        sum(e["label"] == "risk" for e in part) for part in parts.values()
    ]


def test_imminence_parts_train_only_the_imminence_model():
    # Two tiny parts: the extra part's messages change the imminence weights and not the first stage's.
    lexicon = risk.load_lexicon(model=None)
    base = [{"text": f"aku mau bunuh diri nanti malam {i}", "label": "risk", "triage": risk.IMMINENT} for i in range(6)]
    base += [{"text": f"dulu aku pernah dipukul ayah {i}", "label": "risk", "triage": None} for i in range(6)]
    base += [{"text": f"besok ada ulangan matematika {i}", "label": "none", "triage": None} for i in range(6)]
    extra = {
        "more": [
            {"text": f"lagi dikunci di gudang sekarang {i}", "label": "risk", "triage": risk.IMMINENT} for i in range(6)
        ]
    }
    alone, both = risk_model.train(base, lexicon), risk_model.train(base, lexicon, extra)
    assert (alone["weights"], alone["bias"], alone["threshold"]) == (both["weights"], both["bias"], both["threshold"])
    assert both["imminent"]["messages"] == alone["imminent"]["messages"] + 6
    assert both["imminent"]["weights"] != alone["imminent"]["weights"]
    assert both["imminent"]["also_trained_on"] == [{"name": "more", "risk_messages": 6}]

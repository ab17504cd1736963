"""Round forty-nine of the risk screen (docs/risk-screening.md): no set read. A possible risk (the second stage
alone flagged it) names the category it most likely is, from a naive Bayes category model trained with the second
stage; the Malay of Kupang, Ambon and Papua is read by the lexicon (normalisations); two false alarms of standard
Indonesian that the new words brought to light (a grandfather's funeral read as a parent leaving, a gallon too
heavy to lift read as "gak kuat") are fixed."""

import json
import math
import uuid

import pytest
from django.urls import reverse

from ekonseling.counseling import risk, risk_model, services
from ekonseling.safety.models import Alert

# A toy category model, worked by hand: A has two messages (features x, x, y), B one (y, z); alpha 1, vocabulary
# {x, y, z}. P(f|A) = (n + 1) / (3 + 3), P(f|B) = (n + 1) / (2 + 3); priors 2/3 and 1/3.
TOY = {
    "alpha": 1.0,
    "vocabulary": 3,
    "messages": {"A": 2, "B": 1},
    "counts": {"A": {"x": 2, "y": 1}, "B": {"y": 1, "z": 1}},
}


@pytest.mark.parametrize(
    ("found", "expected"),
    [
        ({"x"}, "A"),  # A: 2/3 * 3/6 = 1/3;  B: 1/3 * 1/5 = 1/15
        ({"y"}, "A"),  # A: 2/3 * 2/6 = 2/9;  B: 1/3 * 2/5 = 2/15
        ({"z"}, "B"),  # A: 2/3 * 1/6 = 1/9;  B: 1/3 * 2/5 = 2/15
        ({"y", "z"}, "B"),  # A: 2/3 * 2/6 * 1/6 = 1/27;  B: 1/3 * 2/5 * 2/5 = 4/75
        ({"y", "unknown"}, "A"),  # a feature out of the vocabulary counts for nothing
        ({"unknown"}, None),
        (set(), None),
    ],
)
def test_the_category_model_picks_the_category_of_highest_posterior_worked_by_hand(found, expected):
    assert risk_model._Categories(TOY).likely(found) == expected


def test_a_tie_goes_to_the_first_category_by_name():
    even = {"alpha": 1.0, "vocabulary": 1, "messages": {"B": 1, "A": 1}, "counts": {"A": {"x": 1}, "B": {"x": 1}}}
    assert risk_model._Categories(even).likely({"x"}) == "A"


@pytest.mark.parametrize(
    "doc",
    [
        [],
        {"messages": {"A": 1}, "counts": {"A": {"x": 1}}},
        {"alpha": float("nan"), "messages": {"A": 1}, "counts": {"A": {"x": 1}}},
        {"alpha": float("inf"), "messages": {"A": 1}, "counts": {"A": {"x": 1}}},
        {"alpha": 1.0, "messages": {"A": 1}, "counts": {"A": {"x": -1}}},
        {"alpha": 1.0, "messages": {"A": 1}, "counts": {"A": {"x": 1.5}}},
        {"alpha": 1.0, "messages": {"A": 1}, "counts": {"A": {"x": True}}},
        {"alpha": 1.0, "messages": {"A": 1}, "counts": {"A": {}}},
        {"alpha": 1.0, "messages": {"A": 1}, "counts": ["A"]},
        {"alpha": 1.0, "vocabulary": 0, "messages": {"A": 1}, "counts": {"A": {"x": 1}}},
        {"alpha": 1.0, "messages": {}, "counts": {}},
        {"alpha": 1.0, "messages": {"A": 1}, "counts": {"B": {"x": 1}}},
        {"alpha": 0.0, "messages": {"A": 1}, "counts": {"A": {"x": 1}}},
        {"alpha": 1.0, "messages": {"A": 0}, "counts": {"A": {"x": 1}}},
    ],
)
def test_a_category_model_without_messages_counts_or_smoothing_is_refused(doc):
    with pytest.raises(ValueError, match="category model"):
        risk_model._Categories(doc)


def test_a_malformed_category_model_is_left_out_and_screening_goes_on(tmp_path, caplog):
    doc = json.loads(risk_model.MODEL_PATH.read_text(encoding="utf-8"))
    doc["categories"]["alpha"] = "much"
    path = tmp_path / "model.json"
    path.write_text(json.dumps(doc), encoding="utf-8")

    model = risk_model.load_model(path)
    screening = risk.load_lexicon(model=model).screen("rasanya aku udah gak sanggup lagi ngejalanin semuanya")

    assert model.categories is None and "category model is malformed" in caplog.text
    assert screening.possible and screening.likely == ()


def test_the_guess_is_among_the_categories_asked_for():
    assert risk_model._Categories(TOY).likely({"x"}, names=("B",)) == "B"
    assert risk_model._Categories(TOY).likely({"x"}, names=("C",)) is None


def test_the_category_counts_keep_features_of_at_least_min_df_messages_and_count_each_category_of_a_message():
    doc = risk_model._category_counts(
        [{"x", "y"}, {"x", "rare"}, {"y"}],
        [["suicide", "burden"], ["suicide"], ["burden", "burden"]],
    )
    assert doc["vocabulary"] == 2 and risk_model.MIN_DF == 2
    assert doc["messages"] == {"burden": 2, "suicide": 2}
    assert doc["counts"] == {"burden": {"x": 1, "y": 2}, "suicide": {"x": 2, "y": 1}}


def test_the_log_posterior_is_naive_bayes_with_laplace_smoothing():
    model = risk_model._Categories(TOY)
    # log P(B) + log P(y|B) + log P(z|B), as the model sums it: prior, unseen times n, gains
    known = {"y", "z"}
    b = model.names.index("B")
    posterior = model._prior["B"] + len(known) * model._unseen["B"] + sum(model._rows[f][b] for f in known)
    assert posterior == pytest.approx(math.log(1 / 3) + 2 * math.log(2 / 5))


@pytest.mark.parametrize(
    ("text", "likely"),
    [
        ("rasanya aku udah gak sanggup lagi ngejalanin semuanya", "hopelessness"),
        ("kakak kelas minta uang tiap hari, kalo gak ngasih hp aku dibanting", "bullying"),
        ("bapak nyuruh aku berhenti sekolah buat jaga warung dari pagi sampe malem", "exploitation"),
        ("lantai 7 parkiran mall, jumat jam 9 malem. udah gw survei kemaren", "suicide"),
    ],
)
def test_a_possible_risk_names_the_category_it_most_likely_is(text, likely):
    screening = risk.screen(text)
    assert screening.possible and screening.categories == (risk_model.POSSIBLE,)
    assert screening.likely == (likely,) and screening.severity == risk_model.SEVERITY


def test_a_message_the_phrases_flag_has_no_guess_when_the_model_agrees():
    screening = risk.screen("aku pengen ngilang aja dari dunia ini")
    assert screening.categories == ("suicide",) and screening.likely == ()


def test_without_a_category_model_a_possible_risk_has_no_guess():
    model = risk_model.load_model()
    model.categories = None
    screening = risk.load_lexicon(model=model).screen("rasanya aku udah gak sanggup lagi ngejalanin semuanya")
    assert screening.possible and screening.likely == ()


def test_a_possible_risk_alert_says_its_likely_category_before_the_score(world):
    conversation = services.start_conversation(world.student)
    text = "kakak kelas minta uang tiap hari, kalo gak ngasih hp aku dibanting"
    (posted,) = services.post_messages([services.Draft(conversation.pk, world.siswa, uuid.uuid4(), text)])

    alert = Alert.objects.get(pk=posted.alert.pk)
    assert alert.items[:2] == [risk_model.POSSIBLE, "likely bullying"] and alert.items[2].startswith("model score ")
    assert "dibanting" not in " ".join(alert.items)


@pytest.mark.parametrize(
    ("sample", "likely"),
    [
        ("bapak nyuruh aku berhenti sekolah buat jaga warung dari pagi sampe malem", "exploitation"),
        # a lexicon verdict (violence) with the category model's second opinion (round fifty)
        ("papa bawa parang pas ribut sama mama, mama lari ke rumah tetangga", "domestic_violence"),
    ],
)
def test_the_lexicon_page_shows_the_likely_category(client, world, sample, likely):
    client.force_login(world.koordinator)

    response = client.post(reverse("counseling:risk_lexicon"), {"extension": "", "sample": sample, "action": "check"})

    page = response.content.decode()
    assert "data-likely" in page and likely in page


# The six read sets no model is trained on: the category model's first guess against the labels of the risk
# messages only the second stage flagged (328 of 365 when the round chose it; the floor leaves retraining room).
UNTRAINED_READ = ("fresh49", "fresh54", "fresh55", "fresh56", "fresh57", "fresh61")


def guesses_on_untrained_read_sets(counted):
    """(guessed, right): the risk messages of the untrained read sets whose screening `counted` accepts, and how many
    of them have the likely category labelled."""
    guessed = right = 0
    for name in UNTRAINED_READ:
        assert name not in risk.TRAINING_SETS and name not in risk.IMMINENCE_SETS
        for example in risk.load_fresh(name):
            screening = risk.screen(example["text"])
            if example["label"] == "risk" and counted(screening):
                guessed += 1
                right += bool(set(screening.likely) & set(example["categories"]))
    return guessed, right


def test_the_likely_category_is_a_labelled_one_for_most_possible_risks_of_sets_never_trained_on():
    guessed, right = guesses_on_untrained_read_sets(lambda screening: screening.possible)
    assert guessed >= 300 and right / guessed >= 0.86, (right, guessed)


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("kakak kelas minta uang tiap hari, kalo gak ngasih hp aku dibanting", "bullying"),  # a possible risk's guess
        # a lexicon verdict (violence) with the category model's second opinion (round fifty)
        ("papa bawa parang pas ribut sama mama, mama lari ke rumah tetangga", "domestic_violence"),
    ],
)
def test_category_recall_counts_a_likely_category_only_when_asked(text, category):
    evaluation = risk.evaluate([{"text": text, "label": "risk", "categories": [category], "triage": ""}])
    assert evaluation.tp == 1
    assert evaluation.category_recall(category) == 0.0
    assert evaluation.category_recall(category, likely=True) == 1.0


# --- the Malay of Kupang, Ambon and Papua ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "reading"),
    [
        ("sonde", "tidak"),
        ("idop", "hidup"),
        ("hidop", "hidup"),
        ("barenti", "henti"),
        ("gantong", "gantung"),
        ("kaweng", "kawin"),
        ("beta", "aku"),
        ("lebe", "lebih"),
    ],
)
def test_eastern_malay_words_read_as_indonesian(word, reading):
    assert risk.normalise(word) == [reading]


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("beta pung tangan darah sonde barenti, ale tolong beta", "self_harm"),
        ("beta sonde mau hidop lai, biar beta mati sa", "suicide"),
        ("beta su sonde tahan lai idop bagini, lebe bae beta mati", "suicide"),
        ("beta rasa beta cuma bikin susah mama, lebe bae beta sonde ada", "suicide"),
        ("beta pung mama su tiga hari sonde pulang, beta deng ade sonde makan", "neglect"),
        ("ada om di fb minta beta kirim foto sonde pake baju, dia bilang mau kasi pulsa", "grooming"),
        ("beta pung bapa tiri suka maso beta pung kamar malam-malam, beta takut", "sexual_abuse"),
        ("beta pukul beta pung kapala ke tembok kalo beta marah", "self_harm"),
    ],
)
def test_eastern_malay_risk_messages_are_flagged_by_the_phrases_in_their_category(text, category):
    screening = risk.screen(text)
    assert category in screening.categories, screening


@pytest.mark.parametrize(
    "text",
    [
        "ibu, beta seng masuk sekolah hari ini, beta ada demam",
        "beta sonde bisa datang besok, beta pung nenek sakit",
        "ibu, beta mau tanya, boleh ka seng beta ikut lomba nyanyi?",
        "beta pung tanta mau kaweng minggu depan, beta minta izin",
        "beta pi pasar deng mama dulu ibu",
        "beta su taru buku di lamari kelas",
        "beta pung kaki bangkak karna jatuh maen bola",
    ],
)
def test_ordinary_eastern_malay_raises_no_alert(text):
    assert not risk.screen(text).flagged


@pytest.mark.parametrize(
    "text",
    [
        # East Javanese "seng" is "yang" (the review of round forty-nine): Ambon's "seng" (not) is left to the model
        "kanggo wong seng pengen urip tenang, ojo kakean pikiran",
        "aku seng ingin hidup bahagia, bukan kaya gini",
        "seng boleh masuk rumah cuma keluarga aja",
        "bapak seng kerjo nang Malaysia durung mulih",
        "seng penting kita tetap hidup rukun",
        "aku seng paling kuat ning kelas",
    ],
)
def test_east_javanese_seng_is_no_negation(text):
    assert risk.normalise("seng") == ["seng"]
    assert not set(risk.screen(text).categories) - {risk_model.POSSIBLE}


@pytest.mark.parametrize(
    "text",
    [
        "ibu, opa aku meninggal kemarin, aku izin tiga hari buat ikut pemakaman ya",
        "ibu, beta pung opa meninggal kamarin, beta izin tiga hari par ikut pemakaman ya",
        "Ibu, aku udah gak kuat angkat galon sendiri, tangan keseleo abis basket",
        "Ibu, beta su sonde kuat angkat galon sendiri, tangan keseleo abis basket",
    ],
)
def test_a_funeral_and_a_heavy_gallon_raise_no_alert(text):
    assert not risk.screen(text).flagged


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("ibu pergi ninggalin aku sama adek udah seminggu", "neglect"),
        ("mama ninggalin kami berhari-hari tanpa uang", "neglect"),
        ("aku udah gak kuat, pengen mati aja", "suicide"),
        ("aku sudah tidak kuat menjalani hidup", "suicide"),
        ("aku udah gak kuat angkat beban hidup ini", "suicide"),  # a burden, not a gallon (the review)
    ],
)
def test_their_risky_neighbours_are_still_flagged(text, category):
    assert category in risk.screen(text).categories


# --- the model's evidence on the conversation page ----------------------------------------------------------------

BULLIED = "kakak kelas minta uang tiap hari, kalo gak ngasih hp aku dibanting"


def _conversation_with(world, *bodies):
    conversation = services.start_conversation(world.student)
    for body in bodies:
        (posted,) = services.post_messages([services.Draft(conversation.pk, world.siswa, uuid.uuid4(), body)])
        assert posted.error is None and posted.alert is not None
    services.claim(conversation, world.gurubk)
    return conversation


def test_the_counselor_sees_what_weighed_most_for_the_model_and_the_likely_category(client, world):
    conversation = _conversation_with(world, BULLIED, "aku pengen ngilang aja dari dunia ini")
    client.force_login(world.gurubk)

    page = client.get(reverse("counseling:conversation", kwargs={"pk": conversation.pk})).content.decode()

    # one evidence line: the possible risk's; the phrases' verdict (suicide) shows none
    assert page.count("data-model-evidence") == 1
    evidence = page.split("data-model-evidence>", 1)[1].split("</span>", 1)[0]
    assert "bullying" in evidence and any(word in evidence for word in ("dibanting", "ngasih", "kakak", "minta"))
    # the alert stores none of the student's words
    (alert,) = [a for a in Alert.objects.all() if risk_model.POSSIBLE in a.items]
    assert "dibanting" not in " ".join(alert.items)


def test_a_counselor_who_may_view_but_not_manage_sees_no_model_evidence(client, world):
    from ekonseling.core import policy

    conversation = services.start_conversation(world.student)  # unclaimed: those who serve the student may view it
    (posted,) = services.post_messages([services.Draft(conversation.pk, world.siswa, uuid.uuid4(), BULLIED)])
    assert posted.alert is not None
    assert policy.can(world.gurubk, "conversation.view", conversation)
    assert not policy.can(world.gurubk, "conversation.manage", conversation)
    client.force_login(world.gurubk)

    page = client.get(reverse("counseling:conversation", kwargs={"pk": conversation.pk})).content.decode()

    assert "alerted" in page and "data-model-evidence" not in page
    services.claim(conversation, world.gurubk)
    page = client.get(reverse("counseling:conversation", kwargs={"pk": conversation.pk})).content.decode()
    assert "data-model-evidence" in page


def test_the_evidence_is_read_with_the_schools_lexicon(world):
    from ekonseling.counseling import alerts

    school = risk.load_lexicon(
        extra={"categories": {"bullying": {"phrases": [{"phrase": "minta uang tiap hari", "weight": 1.0}]}}}
    )
    assert alerts.model_evidence(BULLIED) is not None
    assert alerts.model_evidence(BULLIED, school) is None  # the school's phrase flags it: no model evidence


def test_the_student_sees_no_model_evidence(client, world):
    conversation = _conversation_with(world, BULLIED)
    client.force_login(world.siswa)

    page = client.get(reverse("counseling:conversation", kwargs={"pk": conversation.pk})).content.decode()

    assert "data-model-evidence" not in page and "likely" not in page


def test_model_evidence_is_none_for_a_verdict_of_the_phrases_and_for_an_ordinary_message():
    from ekonseling.counseling import alerts

    assert alerts.model_evidence("aku pengen ngilang aja dari dunia ini") is None
    assert alerts.model_evidence("bu, besok aku izin ya") is None
    assert alerts.model_evidence("") is None
    evidence = alerts.model_evidence(BULLIED)
    assert evidence["likely"] == ("bullying",) and evidence["features"]


# --- who hits whom: family violence and peers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "category"),
    [
        # "cerita" is how a student begins to tell, not a story (it was a negative of domestic violence)
        ("Ibu, saya ingin bercerita bahwa ayah saya sering menampar ibu saya di depan kami.", "domestic_violence"),
        ("kakek suka nendang nenek klo nasi telat mateng", "domestic_violence"),
        ("abang gue mukulin istrinya di rumah kita", "domestic_violence"),
        ("kakakku yg udh nikah dipukulin suaminya, skrg ngungsi di rumah kami", "domestic_violence"),
        ("bu skrg di rumah lg ribut gede, ayah bawa pisau dapur ngejar ibu", "domestic_violence"),
        ("bokap lagi nyabetin nyokap pake kabel skrg", "domestic_violence"),
        ("Ustadz, di asrama saya sering dipukul kakak tingkat kalau tidak mau cuci baju mereka.", "bullying"),
        ("mau istirahat aku dikunci di gudang alat sama 4 anak, sampe skrg masih di dalem", "bullying"),
        ("aku dicekokin tramadol sama temen2 tongkrongan pas ultah, terus direkam pas aku teler", "bullying"),
    ],
)
def test_who_is_hit_and_by_whom_names_the_category(text, category):
    assert category in risk.screen(text).categories


@pytest.mark.parametrize(
    "text",
    [
        "aku lagi nonton film, adegan suami mukulin istrinya serem banget",
        "ibu pakai pisau buat masak, aku bantuin",
        "aku beliin pisau buat ibu di pasar",
        "kakek ngejar nenek pake sapu, bercanda doang wkwk",
        "papa maksa aku belajar renang terus divideoin buat kenangan",
        "adek muntah di mobil, mama ngerekam buat ketawa2an",
        "om mabuk di kondangan, sepupu ngerekam wkwk",
        "mama maksa aku ikut lomba, terus direkam buat kenang2an",
    ],
)
def test_their_ordinary_neighbours_raise_no_alert(text):
    assert not risk.screen(text).flagged

"""Round ten of the risk screen (docs/risk-screening.md): families written by kind of phrasing from the
concepts of fresh-3's misses, imminent kinds with the reason the counselor sees, a preparation confirmed
by the second stage (fresh-4's floor is in test_risk_fresh_sets.py).

Every sentence here was written for these tests: none is a fresh-3 or fresh-4 message (checked below),
so a family is tested on a wording it was not written from."""

import pytest

from ekonseling.counseling import risk
from ekonseling.counseling.risk import LexiconError, load_lexicon, screen
from tests.counseling.risk_rounds import assert_flagged, assert_no_phrase_alert, assert_not_from_the_fresh_sets

PREPARATION = "suicide: " + risk.IMMINENT_KINDS["preparation"]
FAREWELL = "suicide: " + risk.IMMINENT_KINDS["farewell"]

TRUE_POSITIVES = [
    # C-SSRS preparatory behaviour: a means kept or collected, with how much of it
    ("aku udah nyimpen obat tidur di lemari, capek sama semua", "suicide", "imminent"),
    ("pil penenang udah aku timbun, ada belasan butir", "suicide", "imminent"),
    # a blade kept for later
    ("silet aku sembunyiin di tempat pensil, buat ntar malem", "self_harm", "imminent"),
    # giving things away, not needing them any more
    ("koleksi komikku udah aku bagiin ke sepupu, aku udah gak perlu lagi", "suicide", "imminent"),
    # passive wish to be dead, wishing an accident
    ("kadang aku mikir mending aku gak pernah dilahirin", "suicide", "high"),
    ("lebih baik tidak hidup kalau begini terus", "suicide", "high"),
    ("pengen ketabrak bus aja biar selesai", "suicide", "high"),
    # burdensomeness and thwarted belonging
    ("keluarga aku pasti lebih tenang tanpa aku", "burden", "high"),
    ("gak ada yang bakal sadar kalo aku ilang", "burden", "high"),
    # physical abuse: scalding, confinement
    ("adikku disiram kuah panas sama bapak waktu dia marah", "physical_abuse", "high"),
    ("aku sempet dikurung di gudang semalaman sama paman", "physical_abuse", "high"),
    # coerced substance: drug courier, glue
    ("om nyuruh aku nganter bungkusan isinya ganja ke terminal", "coerced_substance", "high"),
    ("aku dipaksa ngisep lem sama anak2 tongkrongan", "coerced_substance", "high"),
    # bullying: secrets spread, belongings thrown away, peers' blows
    ("curhatanku di screenshot terus disebar ke grup angkatan", "bullying", "medium"),
    ("seragamku dibuang ke got sama anak2 kelas sebelah", "bullying", "medium"),
    # grooming: a nude video call, night chats with secrecy
    ("orang itu nyuruh aku video call sambil lepas celana", "grooming", "high"),
    ("pelatih silat sering telpon aku malem2, katanya jangan bilang siapa-siapa", "grooming", "high"),
    # exploitation: work instead of school
    ("ibu nyuruh aku jualan gorengan di stasiun sampe malem, gak boleh sekolah", "exploitation", "high"),
    ("aku disuruh berhenti sekolah untuk kerja di sawah", "exploitation", "high"),
    # an intent with a school time
    ("jam istirahat nanti gw tusuk dia", "violence", "imminent"),
]

HARD_NEGATIVES = [
    "obat flu aku minum dua butir sehari",
    "gunting buat prakarya aku simpen di laci",
    "komik lama aku kasih ke sepupu soalnya udah kekecilan raknya",
    "hampir ketabrak bus tadi pagi, untung selamat",
    "aku siram tanaman pake air panas? jangan dong",
    "film tentang kurir ganja itu seru",
    "foto kelas disebar di grup angkatan buat kenang2an",
    "kelas lebih tenang tanpa guru killer",
    "besok kita bakar jagung di rumah rina",
    "aku jadi tokoh pembunuh di drama kelas besok",
    "bapak nyuruh aku beliin rokok di warung",
    "aku jadi beban kelompok pas presentasi tadi wkwk",
    "aku susah tidur terus akhir2 ini",
    "hp lamaku aku kasih ke adek",
]


def test_these_sentences_are_not_from_the_fresh_sets():
    assert_not_from_the_fresh_sets([text for text, _, _ in TRUE_POSITIVES] + HARD_NEGATIVES)


@pytest.mark.parametrize(("text", "category", "triage"), TRUE_POSITIVES)
def test_round_ten_families(text, category, triage):
    assert_flagged(text, category, triage)


@pytest.mark.parametrize("text", HARD_NEGATIVES)
def test_round_ten_hard_negatives_raise_no_phrase_alert(text):
    assert_no_phrase_alert(text)


def test_everyday_giving_away_is_at_most_a_possible_risk_never_imminent():
    # the model scores this high; a farewell alone must not make it imminent through the second stage
    result = screen("baju lama aku kasih ke sepupu, udah gak muat")
    assert result.triage != risk.IMMINENT and (not result.flagged or result.possible), result


# --- the reason the counselor sees ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("pil penenang udah aku timbun, ada belasan butir", PREPARATION),
        ("koleksi komikku udah aku bagiin ke sepupu, aku udah gak perlu lagi", FAREWELL),
        ("jam istirahat nanti gw tusuk dia", "violence: intent with a time (istirahat)"),
        ("aku udah minum racun, maaf semuanya", "suicide: act under way"),
    ],
)
def test_the_reason_names_what_makes_it_imminent(text, reason):
    assert screen(text).reason == reason


def test_each_kind_is_named_once_and_plan_or_preparation_covers_preparation():
    result = screen("aku udah ngumpulin obat tidur mama, mau aku minum sekaligus")
    assert result.reason == "suicide: plan or preparation"


def test_an_imminent_kind_is_validated():
    doc = {"categories": {"suicide": {"phrases": [{"phrase": "tali siap", "imminent": "farewell"}]}}}
    load_lexicon(extra=_write(doc))
    doc["categories"]["suicide"]["phrases"][0]["imminent"] = "soon"
    with pytest.raises(LexiconError, match=r"imminent: must be true, false or one of preparation"):
        load_lexicon(extra=_write(doc))


def _write(doc, _counter=[0]):
    import json
    import tempfile
    from pathlib import Path

    _counter[0] += 1
    path = Path(tempfile.gettempdir()) / f"ek-risk-round-ten-{_counter[0]}.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


# --- the second stage confirms a preparation ------------------------------------------------------


def test_a_preparation_below_the_threshold_is_imminent_when_the_model_flags_the_message():
    # (until round fourteen "aku udah nyimpen banyak obat di kamarku": the model trained on fresh-7 scores it
    # 0.82, below its threshold, and the phrases alone let it pass, as they let this one)
    text = "aku udah ngumpulin banyak obat di kamar"
    assert not load_lexicon(model=None).screen(text).flagged  # the phrases alone let it pass
    result = screen(text)
    assert result.categories == ("suicide",) and result.triage == risk.IMMINENT
    assert result.reason == "suicide: plan or preparation, with the second stage"
    assert result.model_score is not None and not result.possible  # not a "possible risk"
    assert result.matches and all(match.category == "suicide" for match in result.matches)


# --- tokens ---------------------------------------------------------------------------------------


def test_reduplication_with_a_suffix_stems_like_its_base_but_an_an_word_stays_whole():
    lexicon = risk.default_lexicon()
    assert [stem for _, stem in lexicon.tokens("bagi-bagiin")] == ["bagi"]
    assert [stem for _, stem in lexicon.tokens("mati-matian")] == ["mati-matian"]
    assert "barang" in [stem for _, stem in lexicon.tokens("barang2ku")]
    assert risk.normalise("ntar") == ["nanti"]

"""Risk screening of messages: precision, recall and throughput on the dev, held-out and fresh parts.

Each part is measured overall, for the imminent triage level and per category. Round twelve was tuned on
fresh-5, round thirteen on fresh-6 (written after round twelve by someone who did not see its rules),
round fourteen on fresh-7 (written blind, the measure of round thirteen), round fifteen on fresh-8
(written blind, the measure of round fourteen), round sixteen on fresh-9 (written blind, the measure
of round fifteen) and round seventeen on fresh-10 (written blind, the measure of round sixteen). The
second stage and its imminence model are trained on dev, fresh-2 … fresh-12, fresh-13 … fresh-24 (since
round twenty-nine: each blind set once a round has read it) and the synthetic training parts
(risk.TRAINING_SETS); the imminence model also on the triage parts, synthAE and fresh-25 … 28
(risk.IMMINENCE_SETS, since round thirty-two); the second stage alone also on fresh-29, 30, 38 … 40 and 43 … 46
(risk.SECOND_STAGE_ONLY_SETS, since round forty). Held-out, fresh-31 … 37, 41, 42, 47 … 61 are the parts they
never saw; fresh-54, 49, 55, 57, 56 and 61 were read by rounds 42 to 47, and the others, written blind,
are the parts nothing was tuned or trained on (their misses are not listed). The everyday sets (ordinary
traffic, all "none") show how many alerts a counselor gets for nothing. A set whose file is not there is skipped
(said so, not failed).

Counselors ignore a noisy alarm and a missed message can cost a life, so both errors are listed in full
(texts cut to 80 characters) for a reviewer to read, not only counted. No database is used.
"""

import statistics
import sys
import time

from ekonseling.counseling import risk, risk_model

REPEAT = 20
# The hand-written fresh sets (risk.FRESH_SETS), each with what it was written before and tuned on.
FRESH_PARTS = {
    "fresh2": "fresh-2 (hand-written before round eight; round nine was tuned on it; the model is trained on it)",
    "fresh3": "fresh-3 (hand-written before round nine; round ten was tuned on it; the model is trained on it)",
    "fresh4": "fresh-4 (hand-written before round ten; round eleven was tuned on it; the model is trained on it)",
    "fresh5": "fresh-5 (hand-written before round eleven; round twelve was tuned on it; the model is trained on it)",
    "fresh6": "fresh-6 (hand-written after round twelve; round thirteen was tuned on it; the model is trained on it)",
    "fresh7": "fresh-7 (written blind after round twelve; round fourteen was tuned on it; the model is trained on it)",
    "fresh8": "fresh-8 (written blind after round fourteen; round fifteen was tuned on it; the model is trained on it)",
    "fresh9": "fresh-9 (written blind after round fifteen; round sixteen was tuned on it; the model is trained on it)",
    "fresh10": (
        "fresh-10 (written blind during round sixteen; round seventeen was tuned on it; the model is trained on it)"
    ),
    "fresh11": "fresh-11 (written blind during round seventeen; round eighteen trained the model on it)",
    "fresh12": "fresh-12 (written blind at the start of round eighteen; round nineteen trained the model on it)",
    "fresh13": "fresh-13 (written blind at the start of round nineteen; tuned on by rounds twenty-one and twenty-two)",
    "fresh14": "fresh-14 (written blind after round nineteen; a few of its messages shown in round twenty-two)",
    "fresh15": "fresh-15 (written blind on 2026-12-05; tuned on by round twenty-two)",
    "fresh16": "fresh-16 (written blind after round twenty-one; tuned on by round twenty-two)",
    "fresh17": "fresh-17 (written blind before round twenty-two; tuned on by round twenty-three)",
    "fresh18": "fresh-18 (written blind after round twenty-two; two messages shown in round 23; tuned on by round 25)",
    "fresh19": "fresh-19 (written blind after round twenty-three; tuned on by round twenty-five)",
    "fresh20": "fresh-20 (written blind after round twenty-four, mostly Indonesian; tuned on by round 27)",
    "fresh21": "fresh-21 (written blind after round twenty-six, mostly Indonesian; tuned on by round 28)",
    "fresh22": "fresh-22 (written blind after round twenty-seven, mostly Indonesian; tuned on by round 28)",
    "fresh23": "fresh-23 (written blind after round twenty-seven, mostly Indonesian; tuned on by round 29)",
    "fresh24": "fresh-24 (written blind after round twenty-seven, mostly Indonesian; tuned on by round 29)",
    "fresh25": "fresh-25 (written blind after round 28; tuned on by round 30; imminence model trained on it since 32)",
    "fresh26": "fresh-26 (written blind before round 29; tuned on by round 30; imminence model trained on it since 32)",
    "fresh27": "fresh-27 (written blind before round 30; tuned on by round 31; imminence model trained on it since 32)",
    "fresh28": "fresh-28 (written blind before round 30; tuned on by round 31; imminence model trained on it since 32)",
    "fresh29": "fresh-29 (written blind before round 31, mostly Indonesian; tuned on by 33; 2nd stage trains on it)",
    "fresh30": "fresh-30 (written blind before round 31, mostly Indonesian; tuned on by 33; 2nd stage trains on it)",
    "fresh31": "fresh-31 (written blind before round 32, mostly Indonesian; unread: figures only, no misses listed)",
    "fresh32": "fresh-32 (written blind before round 32, mostly Indonesian; unread: figures only, no misses listed)",
    "fresh33": "fresh-33 (written blind during round 32, mostly Indonesian; unread: figures only, no misses listed)",
    "fresh34": "fresh-34 (written blind during round 32, mostly Indonesian; unread: figures only, no misses listed)",
    "fresh35": "fresh-35 (written blind after round 33, mostly Indonesian; unread: figures only, no misses listed)",
    "fresh36": "fresh-36 (written blind after round 33, mostly Indonesian; unread: figures only, no misses listed)",
    "fresh37": "fresh-37 (written blind after round 33 for one school: Jakarta SMP; unread: figures only)",
    "fresh38": "fresh-38 (written blind after round 33 for Bandung SMK; tuned on by 35; 2nd stage trains on it)",
    "fresh39": "fresh-39 (written blind after round 33 for East Java madrasah; tuned on by 35; 2nd stage trains on it)",
    "fresh40": "fresh-40 (written blind after round 33 for Depok SMA; read by 36; 2nd stage trains on it)",
    "fresh41": "fresh-41 (written blind after round 33 for one school: Central Java SMP; unread: figures only)",
    "fresh42": "fresh-42 (written blind after round 33 for one school: Yogyakarta SMA; unread: figures only)",
    "fresh43": "fresh-43 (written blind before round 38 for Garut/Bandung SMP; read by 39; 2nd stage trains on it)",
    "fresh44": "fresh-44 (written blind before round 38 for Semarang SMK; read by 39; 2nd stage trains on it)",
    "fresh45": "fresh-45 (written blind during round 38 for Makassar SMA; read by 39; 2nd stage trains on it)",
    "fresh46": "fresh-46 (written blind during round 38 for Medan SMP; read by 39; 2nd stage trains on it)",
    "fresh47": "fresh-47 (written blind during round 39 for one school: East Jakarta SMA; unread: figures only)",
    "fresh48": "fresh-48 (written blind during round 39 for one school: Yogyakarta SMK; unread: figures only)",
    "fresh49": "fresh-49 (written blind in round 39 for one school: Denpasar SMA; read by round 43, never trained on)",
    "fresh50": "fresh-50 (written blind during round 39 for one school: Banjarmasin SMP; unread: figures only)",
    "fresh51": "fresh-51 (written blind in round 40 for one school: Kupang SMA, Ambon SMP; unread: figures only)",
    "fresh52": "fresh-52 (written blind in round 40 for one school: Palembang SMK, Lampung MA; unread: figures only)",
    "fresh53": "fresh-53 (written blind in round 41 for one school: Pontianak SMA; unread: figures only)",
    "fresh54": "fresh-54 (written blind in round 41 for one school: Tangerang SMK; read by round 42, never trained on)",
    "fresh55": "fresh-55 (written blind in round 43 for one school: Surabaya SMK; read by round 44, never trained on)",
    "fresh56": "fresh-56 (written blind in round 43 for one school: Padang and Bukittinggi SMA; read by round 46)",
    "fresh57": "fresh-57 (written blind in round 43 for one school: Bekasi and Bogor SMP; read by round 45)",
    "fresh58": "fresh-58 (written blind in round 44 for one school: West and North Jakarta SMK; unread: figures only)",
    "fresh59": "fresh-59 (written blind in round 44 for one school: Tasikmalaya and Garut MA; unread: figures only)",
    "fresh60": "fresh-60 (written blind in round 45 for one school: Solo and Klaten SMA; unread: figures only)",
    "fresh61": "fresh-61 (written blind in round 45 for one school: Depok and Tangsel SMA; read by round 47)",
}

# Blind sets no round has read yet: their figures are printed, their misses never (whoever runs the bench
# while tuning would read them, and the set would stop measuring what the rules were not written from).
UNREAD = {
    *(f"fresh{n}" for n in (*range(31, 38), 41, 42, 47, 48, *range(50, 54), *range(58, 61))),
    "everyday3",
    "everyday4",
}


def _cut(text, width=80):
    return text if len(text) <= width else text[: width - 1] + "…"


def _line(name, tp, fp, fn):
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return f"  {name}: precision {precision:.3f}, recall {recall:.3f}, F1 {f1:.3f}  (tp {tp}, fp {fp}, fn {fn})"


def _report(name, examples, lexicon, list_misses):
    result = risk.evaluate(examples, lexicon)
    risky = result.tp + result.fn
    imminent = sum(example.get("triage") == risk.IMMINENT for example in examples)
    print(
        f"  -- {name} part: {len(examples)} messages, {risky} risk ({imminent} imminent), {len(examples) - risky} none"
    )
    print(_line("overall (message flagged or not)", result.tp, result.fp, result.fn))
    print(f"  confusion: tp {result.tp}, fp {result.fp}, fn {result.fn}, tn {result.tn}")
    print(_line("triage imminent", *result.imminent))
    for category, (tp, fp, fn) in result.per_category.items():
        print(_line(f"category {category}", tp, fp, fn))
    for category, (tp, fp, fn) in result.likely_per_category.items():
        print(_line(f"category {category}, named or likely", tp, fp, fn))
    if not list_misses:
        return result
    print(f"  false positives ({len(result.false_positives)}):")
    for text, categories in result.false_positives:
        print(f"    - {_cut(text)!r} → {', '.join(categories)}")
    print(f"  false negatives ({len(result.false_negatives)}):")
    for text, categories in result.false_negatives:
        print(f"    - {_cut(text)!r} (labelled {', '.join(categories)})")
    print(f"  flagged, but a labelled category missed ({len(result.category_misses)}):")
    for text, labelled, predicted in result.category_misses:
        print(f"    - {_cut(text)!r} (labelled {', '.join(labelled)}; flagged {', '.join(predicted)})")
    print(f"  imminent risk not triaged imminent ({len(result.imminent_misses)}):")
    for text, triage in result.imminent_misses:
        print(f"    - {_cut(text)!r} (triaged {triage or 'not flagged'})")
    return result


def run():
    examples = risk.load_labelled()
    stemmer_built = risk._stemmer is not None
    started = time.perf_counter()
    lexicon = risk.load_lexicon()
    phrases_only = risk.load_lexicon(model=None)
    without_imminence = risk_model.load_model()
    without_imminence.imminent = None
    no_imminence = risk.load_lexicon(model=without_imminence)
    print(
        f"  lexicon: load_lexicon() read, validated and compiled it in {(time.perf_counter() - started) * 1000:.1f} ms"
        f"  (Sastrawi stemmer {'already built in this process' if stemmer_built else 'built by this call'})",
        flush=True,
    )
    print(
        f"  second stage: {risk_model.MODEL_PATH.name}, {len(lexicon.model.weights):,} weights, "
        f"threshold {lexicon.model.threshold} ({lexicon.model.flag_moment_threshold} for a message that names a near "
        f"moment); a message the phrases pass and the model flags is a "
        f"'{risk_model.POSSIBLE}' alert (severity {risk_model.SEVERITY}); imminence model "
        f"{len(lexicon.model.imminent.weights):,} weights, threshold {lexicon.model.imminent.threshold} "
        f"({lexicon.model.moment_threshold} for a message that names a near moment); trained on "
        f"{', '.join(part['name'] for part in lexicon.model.doc['trained_on']['parts'])}; the imminence model "
        f"also on {', '.join(part['name'] for part in lexicon.model.doc['imminent'].get('also_trained_on', ()))}"
    )
    print(f"  set: {len(examples)} messages from {risk.LABELLED_PATH.name}; rules are tuned on the dev part only")
    cold = time.perf_counter()
    _report("dev", [e for e in examples if e.get("split") == "dev"], lexicon, list_misses=False)
    cold = time.perf_counter() - cold
    parts = {
        "held-out": [e for e in examples if e.get("split") == "heldout"],
        "fresh (never tuned on)": [e for e in examples if e.get("split") == "fresh"],
    }
    absent, unread = [], set()
    for name in risk.FRESH_SETS:
        label, part = FRESH_PARTS.get(name, name), risk.load_fresh(name)
        if part is None:
            absent.append(f"  -- {label}: {risk.FRESH_SETS[name].name} is not there yet, skipped")
        else:
            parts[label] = part
            if name in UNREAD:
                unread.add(label)
    for name, part in parts.items():
        _report(name, part, lexicon, list_misses=name not in unread)
    print("\n".join(absent), flush=True)
    for name in risk.EVERYDAY_SETS:
        everyday = risk.load_everyday(name)
        raised = risk.false_alarms(everyday, lexicon)
        imminent = sum(screening.triage == risk.IMMINENT for _, screening in raised)
        print(
            f"  -- {name} (ordinary traffic, all 'none'): {len(raised)} of {len(everyday)} raise an alert "
            f"({len(raised) / len(everyday):.1%}; {imminent} triaged imminent; phrases only "
            f"{len(risk.false_alarms(everyday, phrases_only))})"
        )
        for text, screening in raised if name not in UNREAD else ():
            print(f"    - {_cut(text)!r} → {', '.join(screening.categories)} ({screening.triage})")
    print("  -- the same parts without the imminence model (phrases and second stage, the lexicon's triage):")
    for name, part in parts.items():
        result = risk.evaluate(part, no_imminence)
        print(_line(f"{name}, no imminence model, imminent", *result.imminent))
    print("  -- the same parts with the phrases only (no second stage):")
    for name, part in parts.items():
        result = risk.evaluate(part, phrases_only)
        print(_line(f"{name}, phrases only", result.tp, result.fp, result.fn))
        print(_line(f"{name}, phrases only, imminent", *result.imminent))
    sys.stdout.flush()

    texts = [example["text"] for example in examples]
    for name, screener in (
        ("phrases + model + imminence model", lexicon),
        ("phrases + model, no imminence model", no_imminence),
        ("phrases only", phrases_only),
    ):
        _throughput(name, screener, texts)
    first = cold / sum(e.get("split") == "dev" for e in examples) * 1e6
    print(f"  first pass: {first:.0f} µs per message  (this lexicon's word cache filling)", flush=True)


def _throughput(name, lexicon, texts):
    samples = []
    for _ in range(REPEAT):
        for text in texts:
            begun = time.perf_counter()
            lexicon.screen(text)
            samples.append(time.perf_counter() - begun)
    samples.sort()
    p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))]
    median = statistics.median(samples)
    print(
        f"  throughput, {name}: {len(samples) / sum(samples):,.0f} messages/s, median {median * 1e6:.1f} µs, "
        f"p99 {p99 * 1e6:.1f} µs per message  (warm caches, {REPEAT}× the set, n={len(samples)})"
    )

"""Risk screening of messages: precision and recall on the labelled set, and its throughput.

Counselors ignore a noisy alarm and a missed message can cost a life, so both errors are listed in full
(texts cut to 80 characters) for a reviewer to read, not only counted. No database is used.
"""

import statistics
import time

from ekonseling.counseling import risk

REPEAT = 20


def _cut(text, width=80):
    return text if len(text) <= width else text[: width - 1] + "…"


def _line(name, tp, fp, fn):
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return f"  {name}: precision {precision:.3f}, recall {recall:.3f}, F1 {f1:.3f}  (tp {tp}, fp {fp}, fn {fn})"


def run():
    examples = risk.load_labelled()
    stemmer_built = risk._stemmer is not None
    started = time.perf_counter()
    lexicon = risk.load_lexicon()
    print(
        f"  lexicon: load_lexicon() read, validated and compiled it in {(time.perf_counter() - started) * 1000:.1f} ms"
        f"  (Sastrawi stemmer {'already built in this process' if stemmer_built else 'built by this call'})",
        flush=True,
    )
    cold = time.perf_counter()
    result = risk.evaluate(examples, lexicon)
    cold = time.perf_counter() - cold
    risky = result.tp + result.fn
    print(
        f"  set: {len(examples)} messages from {risk.LABELLED_PATH.name}, {risky} risk, {len(examples) - risky} none",
        flush=True,
    )
    print(_line("overall (message flagged or not)", result.tp, result.fp, result.fn))
    print(f"  confusion: tp {result.tp}, fp {result.fp}, fn {result.fn}, tn {result.tn}")
    for name, (tp, fp, fn) in result.per_category.items():
        print(_line(f"category {name}", tp, fp, fn))
    print(f"  false positives ({len(result.false_positives)}):")
    for text, categories in result.false_positives:
        print(f"    - {_cut(text)!r} → {', '.join(categories)}")
    print(f"  false negatives ({len(result.false_negatives)}):")
    for text, categories in result.false_negatives:
        print(f"    - {_cut(text)!r} (labelled {', '.join(categories)})")

    texts = [example["text"] for example in examples]
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
        f"  throughput: {len(samples) / sum(samples):,.0f} messages/s, median {median * 1e6:.1f} µs, "
        f"p99 {p99 * 1e6:.1f} µs per message  (warm caches, {REPEAT}× the set, n={len(samples)})"
    )
    first = cold / len(texts) * 1e6
    print(f"  first pass: {first:.0f} µs per message  (this lexicon's word cache filling)", flush=True)

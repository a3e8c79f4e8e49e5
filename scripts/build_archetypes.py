"""Build src/warchest/synth/archetypes.json: the CPC technology mix of company archetypes,
from the real USPTO search records shipped in src/warchest/samples/ppubs/.

Each archetype is a group of real companies (e.g. phone makers: Samsung, LG, Apple, Huawei);
its profile is the count of CPC main groups over those companies' real granted patents in
the sample (inventive and additional symbols), with the most frequent full symbols of each
main group (used as the CPC symbols of synthetic patents). The "general" archetype is the
whole sample. Run from the repository root:

    python scripts/build_archetypes.py
"""

from __future__ import annotations

import collections
import gzip
import json
import re
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PPUBS = ROOT / "src" / "warchest" / "samples" / "ppubs" / "ppubs_biblio.jsonl.gz"
CPC_TITLES = ROOT / "src" / "warchest" / "samples" / "cpc" / "CPCTitleList202208.zip"
OUT = ROOT / "src" / "warchest" / "synth" / "archetypes.json"

# real company name patterns (case-insensitive) -> archetype
ARCHETYPES = {
    "phone_maker": ["samsung electronics", "lg electronics", r"^apple inc", "huawei"],
    "telecom_standards": ["qualcomm", "lg electronics", "huawei", "cable television lab",
                          "samsung electronics", "nokia", "ericsson"],
    "chip_maker": ["applied materials", "taiwan semiconductor", "micron technology", "sk hynix",
                   "kioxia", "amberwave", "silicon genesis", "intel corp", "qualcomm"],
    "software_giant": ["microsoft", "oracle", "international business machines", "google",
                       "amazon tech", "dell products"],
    "imaging": ["canon", "seiko epson", "ge precision", "koninklijke philips", "panasonic"],
    "automotive": ["toyota", "ford global", "honda", "hyundai", "robert bosch", "denso"],
    "finance": ["wells fargo", "capital one", "bank of america", "jpmorgan", "visa inter",
                "united services automobile", "worldpay"],
    "medical": ["stryker", "koninklijke philips", "ge precision", "general electric"],
}


def scheme_symbols() -> set[str]:
    """Symbols of the official CPC title list shipped with warchest (2022-08)."""
    out: set[str] = set()
    with zipfile.ZipFile(CPC_TITLES) as archive:
        for member in archive.namelist():
            for line in archive.read(member).decode("utf-8").splitlines():
                out.add(line.split("\t", 1)[0])
    return out


def main() -> None:
    known = scheme_symbols()
    profiles: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    symbols: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    members: dict[str, set[str]] = collections.defaultdict(set)
    with gzip.open(PPUBS, "rt", encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            if rec.get("type") != "USPAT":
                continue
            cpcs = [s for key in ("cpcInventiveFlattened", "cpcAdditionalFlattened")
                    for s in (rec.get(key) or "").split(";") if "/" in s
                    and s in known and s.split("/")[0] + "/00" in known]
            groups = [s.split("/")[0] + "/00" for s in cpcs]
            names = [n.lower() for n in rec.get("assigneeName") or []]
            kinds = {"general"}
            for kind, patterns in ARCHETYPES.items():
                for n in names:
                    if any(re.search(p, n) for p in patterns):
                        kinds.add(kind)
                        members[kind].add(n)
            for kind in kinds:
                profiles[kind].update(groups)
            for s, g in zip(cpcs, groups, strict=True):
                symbols[g][s] += 1
    out = {
        "source": "src/warchest/samples/ppubs/ppubs_biblio.jsonl.gz (real USPTO records); "
                  "built by scripts/build_archetypes.py",
        "members": {k: sorted(v) for k, v in sorted(members.items())},
        "profiles": {k: dict(v.most_common()) for k, v in sorted(profiles.items())},
        "symbols": {g: [s for s, _ in c.most_common(6)] for g, c in sorted(symbols.items())},
    }
    OUT.write_text(json.dumps(out, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    print({k: (len(v), sum(v.values())) for k, v in profiles.items()})


if __name__ == "__main__":
    main()

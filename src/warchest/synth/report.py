"""Compare a generated world's statistics with the calibration targets."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from warchest.errors import NotFound
from warchest.synth import calibration as cal


def _row(metric: str, target: float, world: float, tolerance: float, relative: bool = False,
         source: str = "", sample: int | None = None) -> dict[str, Any]:
    """One comparison. For a share measured on ``sample`` items, the tolerance is at least
    four binomial standard errors, so that small worlds are judged fairly (a world that
    follows the target passes each such check with probability above 99.99%)."""
    allowed = tolerance * (abs(target) or 1) if relative else tolerance
    if sample:
        allowed = max(allowed, 4 * math.sqrt(max(target * (1 - target), 1e-9) / sample))
    return {"metric": metric, "target": target, "world": world, "tolerance": allowed,
            "ok": abs(world - target) <= allowed, "source": source}


def calibration_rows(folder: Path) -> list[dict[str, Any]]:
    """Rows of (metric, target, world value, tolerance, within tolerance) for a world."""
    path = Path(folder) / "truth" / "stats.json"
    if not path.exists():
        raise NotFound(f"{path} does not exist; generate a world first with "
                       "`warchest synth --patents N --out DIR`")
    s = json.loads(path.read_text(encoding="utf-8"))
    rows = [
        _row("citations per patent", cal.CITATIONS_PER_PATENT, s["citations_per_patent"],
             0.10, True, "128.4M / 8.26M PatentsView citations per patent"),
        _row("self-citation share", cal.SELF_CITATION_SHARE, s["self_citation_share"], 0.03,
             source="Hall, Jaffe and Trajtenberg 2005"),
        _row("examiner citation share (2001 on)", cal.EXAMINER_SHARE,
             s["examiner_share_2001_on"], 0.03, source="Alcácer and Gittelman 2006"),
        _row("citations within the citing CPC main group", cal.SAME_GROUP_SHARE,
             s["same_group_share"], 0.15, source="technology locality (Jaffe et al. 1993)"),
        _row("citation lag, median years", cal.CITATION_LAG_MEDIAN_YEARS,
             s["citation_lag_median_years"], 0.30, True,
             "Hall, Jaffe and Trajtenberg 2001 (lag distributions)"),
        _row("unassigned share", cal.UNASSIGNED_SHARE, s["unassigned_share"], 0.02,
             source="PatentsView"),
        _row("design share", cal.DESIGN_SHARE, s["design_share"], 0.01, source="PatentsView"),
        _row("PTA share of post-2000 filings", cal.PTA_SHARE, s["pta_share_post_2000"], 0.05,
             source="USPTO PTA statistics"),
    ]
    for label, item in s["top10_share_2016"].items():
        rows.append(_row(f"2016 grant share: {label} analogue", item["target"], item["world"],
                         0.25, True, "IFI CLAIMS 2016 top recipients",
                         sample=s["grants_2016"]))
    for decade, item in s["pendency_median_years"].items():
        if item["world"] is not None:
            rows.append(_row(f"pendency median, {decade} (years)", item["target"],
                             item["world"], 0.15, True, "USPTO pendency reports"))
    for decade, item in s["continuation_share"].items():
        if item["world"] is not None:
            rows.append(_row(f"continuation share, {decade}", item["target"], item["world"],
                             0.05, source="Graham, Marco and Myers 2018"))
    for entity, item in s["maintenance_payment_rates"].items():
        for stage, (target, world, n) in enumerate(zip(item["target"], item["world"],
                                                       item["sample"], strict=True), start=1):
            rows.append(_row(f"maintenance fee paid, stage {stage}, {entity} entity",
                             target, world, 0.03, source="USPTO fee payment rates",
                             sample=n))
    for kind, item in s["variant_shares"].items():
        relative = item["target"] < 0.5
        rows.append(_row(f"assignee spelling: {kind}", item["target"], item["world"],
                         0.25 if relative else 0.03, relative,
                         "PatentsView assignee benchmark (185,250 mentions)",
                         sample=s.get("assignee_mentions")))
    return rows

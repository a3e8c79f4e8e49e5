"""Where each patent is in force: its US term and its family members abroad (portable SQL).

- **US**: from ``patent_terms``: in force from the grant date until ``end_date`` (expiry or
  lapse).
- **Abroad**: the members of the patent's family (``families`` rows that name the patent as
  ``us_patent_id``, or share the family id the patent carries in ``patents.family_id``)
  that were granted: in force from the member's grant date until its status date when the
  status ended it (expired, lapsed, revoked, withdrawn, refused, ceased), else until 20
  years after the member's filing date (the usual maximum term; no renewal data assumed).
- **Regional grants**: an office's grant counts in every country the market-weight table
  lists for that office (an EP grant in DE, FR, GB, IT, ES and NL by default), unless the
  family lists a member of that country itself (a national member's status wins).
- **Coverage on a date**: the sum of the weights of the distinct countries where the patent
  is in force, relative to the US (US = 1). The weights come from a small, sourced CSV the
  user can edit (``markets.csv`` in this folder: GDP 2023 by default).
"""

from __future__ import annotations

import csv
from pathlib import Path

from warchest.store.dialect import among

MARKETS_CSV = Path(__file__).with_name("markets.csv")
ENDING = ("expired", "lapsed", "revoked", "withdrawn", "refused", "ceased", "dead")


def read_market_weights(path: Path | None = None) -> list[dict[str, object]]:
    """Rows of a market-weight CSV (jurisdiction, country, name, a size column, basis,
    source), with ``weight`` = size / the US size. The size column is the first whose name
    is not one of the others."""
    from warchest.errors import BadInputFile

    path = path or MARKETS_CSV
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    if not rows:
        raise BadInputFile(f"{path}: no market rows")
    fixed = {"jurisdiction", "country", "name", "basis", "source"}
    missing = {"jurisdiction", "country"} - set(rows[0])
    if missing:
        raise BadInputFile(f"{path}: missing column(s) {', '.join(sorted(missing))}; expected "
                           "jurisdiction,country,name,<size>,basis,source")
    size_cols = [c for c in rows[0] if c not in fixed]
    if not size_cols:
        raise BadInputFile(f"{path}: no market-size column (e.g. gdp_usd_trillion)")
    size = size_cols[0]
    try:
        us = next(float(r[size]) for r in rows if r["country"] == "US")
    except (StopIteration, ValueError):
        raise BadInputFile(f"{path}: needs a US row with a number in '{size}' (the weights "
                           "are relative to the US)") from None
    out: list[dict[str, object]] = []
    for k, r in enumerate(rows, start=2):
        try:
            value = float(r[size])
        except ValueError:
            raise BadInputFile(f"{path} line {k}: '{r[size]}' in '{size}' is not a number"
                               ) from None
        out.append({"jurisdiction": r["jurisdiction"].strip().upper(),
                    "country": r["country"].strip().upper(), "name": r.get("name"),
                    "weight": value / us, "basis": f"{size} {r[size]}; {r.get('basis', '')}",
                    "source": r.get("source")})
    return out


FAMILY_LINKS = """
    SELECT f.us_patent_id AS patent_id, f.family_id FROM families f
    WHERE f.us_patent_id IS NOT NULL
    UNION
    SELECT p.patent_id, CAST(p.family_id AS VARCHAR) FROM patents p
    JOIN families f ON f.family_id = CAST(p.family_id AS VARCHAR)
"""
"""(patent, family) pairs: families rows naming the patent, or sharing its family id."""


def markets_sql(only: str | None = None) -> str:
    """``patent_markets`` rows: where and when each patent is in force. ``only`` (an
    incremental derivation): the name of a table of patent_ids; their rows only."""
    ending = ", ".join(f"'{s}'" for s in ENDING)
    return f"""
WITH links AS (SELECT * FROM ({FAMILY_LINKS}) fl WHERE TRUE{among("patent_id", only)}),
members AS (
    SELECT DISTINCT l.patent_id, f.family_id, f.jurisdiction, f.member_number, f.grant_date,
           f.filing_date, lower(replace(coalesce(f.status, ''), '_', ' ')) AS status,
           f.status_date
    FROM links l JOIN families f ON f.family_id = l.family_id
    WHERE f.jurisdiction <> 'US' AND f.grant_date IS NOT NULL
),
abroad AS (
    SELECT m.patent_id, w.country AS jurisdiction, m.grant_date AS in_force_from,
           CASE WHEN m.status IN ({ending}) AND m.status_date IS NOT NULL THEN m.status_date
                WHEN m.filing_date IS NOT NULL
                THEN CAST(m.filing_date + INTERVAL '20' YEAR AS DATE) END AS in_force_until,
           'family ' || m.family_id || ' member ' || m.member_number
           || CASE WHEN m.jurisdiction <> w.country THEN ' (regional grant)' ELSE '' END
           || CASE WHEN m.status <> '' THEN ', ' || m.status
                   || coalesce(' ' || CAST(m.status_date AS VARCHAR), '')
                   ELSE ', no legal status: filing + 20 years assumed' END AS via
    FROM members m JOIN market_weights w ON w.jurisdiction = m.jurisdiction
    WHERE m.jurisdiction = w.country
       OR NOT EXISTS (SELECT 1 FROM members n
                      WHERE n.patent_id = m.patent_id AND n.family_id = m.family_id
                        AND n.jurisdiction = w.country)
)
SELECT patent_id, 'US' AS jurisdiction, grant_date AS in_force_from,
       coalesce(end_date, CAST(grant_date + INTERVAL '20' YEAR AS DATE)) AS in_force_until,
       'US patent: ' || coalesce(expiry_rule, 'term unknown')
       || CASE WHEN end_date IS NULL THEN ' (grant + 20 years assumed)' ELSE '' END
       || coalesce('; ' || lapse_rule, '') AS via
FROM patent_terms WHERE grant_date IS NOT NULL{among("patent_id", only)}
UNION ALL
SELECT patent_id, jurisdiction, in_force_from, in_force_until, via FROM abroad
"""


def coverage_sql(as_of: str, only: str | None = None) -> str:
    """Per patent: the weight of the distinct countries where it is in force on ``as_of``
    (an ISO date), and which they are; ``only``: a table of the patent_ids wanted (the
    others are left out early)."""
    return f"""
SELECT m.patent_id, sum(w.weight) AS coverage,
       string_agg(m.jurisdiction, ',' ORDER BY m.jurisdiction) AS in_force_in
FROM (SELECT DISTINCT patent_id, jurisdiction FROM patent_markets
      WHERE in_force_from <= DATE '{as_of}'
        AND (in_force_until IS NULL OR DATE '{as_of}' < in_force_until){among(
            "patent_id", only)}) m
JOIN (SELECT country, max(weight) AS weight FROM market_weights GROUP BY country) w
  ON w.country = m.jurisdiction
GROUP BY m.patent_id
"""

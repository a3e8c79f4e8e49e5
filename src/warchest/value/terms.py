"""Patent term and lapse as portable SQL: ``patent_terms`` and the markets in force.

The rules (35 U.S.C. 154, 173, 251, 41(b); see docs/value.md for the arithmetic):

- **Term start**: the earliest US non-provisional filing date in the continuity chain:
  the application's own filing date (the PCT international filing date for a national
  stage), or an earlier parent named by a continuation, division or continuation-in-part
  (35 U.S.C. 120, 121, 365(c)) in ``related_documents``. Provisional applications
  (119(e)) and foreign priorities (119(a), ``priority_claims``) do not count. Parents the
  patent does not list are found one level up through a parent patent in the store.
- **Utility and plant**: term start + 20 years, plus patent term adjustment days
  (``term_of_grant.term_extension``).
- **Filed before 8 June 1995** (154(c), the URAA transition): the greater of 17 years from
  grant and 20 years from the term start; a patent whose 17 years from grant ran out before
  8 June 1995 keeps that end.
- **Design**: 14 years from grant; 15 years for applications filed on or after 13 May 2015
  (35 U.S.C. 173 after the Patent Law Treaties Implementation Act).
- **Reissue**: the term of the original patent (35 U.S.C. 251): its computed expiry when
  the original is in the store, else estimated from the original application's filing date
  given with the reissue.
- **Terminal disclaimer**: the term ends no later than the disclaimer date; a disclaimer
  without a date (tied to another patent the data does not name) is reported in the rule.
- **Withdrawn** patents, statutory invention registrations and defensive publications are
  never in force.
- **Lapse** (35 U.S.C. 41(b)): utility patents (and reissues) on applications filed from
  12 December 1980 owe fees at 3.5, 7.5 and 11.5 years after grant; unpaid by the end of
  the 6-month grace period, the patent expires at 4, 8 or 12 years after grant. A
  maintenance-fee ``EXP.`` event not followed by a reinstatement (``EXPX`` or a granted
  petition ``PMFG``) sets the lapse date: the last of those anniversaries on or before the
  event.

Dates are "first day not in force": a patent is in force on D when grant_date <= D <
end_date. Every SELECT here is standard SQL (CTEs, joins, CASE, window functions,
``INTERVAL`` arithmetic); tests transpile it to Spark SQL with sqlglot.
"""

from __future__ import annotations

from warchest.store.dialect import among

CONTINUITY = ("continuation", "continuation-in-part", "division", "divisional",
              "continuing-reissue", "continuation in part", "continuing reissue")
"""``related_documents.relation`` values whose parent filing date starts the term."""
NOT_ENFORCEABLE = ("statutory invention registration", "defensive publication")
URAA = "DATE '1995-06-08'"
DESIGN_15 = "DATE '2015-05-13'"
FEES_FROM = "DATE '1980-12-12'"


def _years(expr: str, years: int) -> str:
    return f"CAST({expr} + INTERVAL '{years}' YEAR AS DATE)"


def _days(expr: str, days: str) -> str:
    return f"CAST({expr} + {days} * INTERVAL '1' DAY AS DATE)"


def terms_sql(only: str | None = None) -> str:
    """One row per patent of ``patent_terms`` (without load_id): one statement, built from
    its parts in the order they are computed. ``only`` (an incremental derivation): the
    name of a table of patent_ids; the rows of those patents only (read with the patents
    they name as parents or originals)."""
    return ("\n" + _term_start_ctes(only) + _nominal_ctes() + _adjusted_ctes()
            + _lapse_select(only))


def _term_start_ctes(only: str | None = None) -> str:
    """``chain``: when each patent's 20-year term starts: its own filing (or PCT filing),
    or the earliest parent it continues, followed up one more generation."""
    continuity = ", ".join(f"'{r}'" for r in CONTINUITY)
    return f"""WITH own AS (
    SELECT p.patent_id, p.patent_type, p.grant_date, coalesce(p.withdrawn, FALSE) AS withdrawn,
           a.filing_date, a.pct_filing_date,
           coalesce(a.pct_filing_date, a.filing_date) AS own_start,
           CASE WHEN a.pct_filing_date IS NOT NULL
                THEN 'PCT international filing ' || CAST(a.pct_filing_date AS VARCHAR)
                ELSE 'own filing ' || CAST(a.filing_date AS VARCHAR) END AS own_via
    FROM patents p LEFT JOIN applications a ON a.patent_id = p.patent_id{_with_named(only)}
),
parents AS (
    SELECT r.patent_id, r.related_date, r.related_number, r.relation, r.related_patent_id
    FROM related_documents r JOIN own o ON o.patent_id = r.patent_id
    WHERE lower(r.relation) IN ({continuity}) AND r.related_date IS NOT NULL
      AND (o.own_start IS NULL OR r.related_date <= o.own_start)
),
first_parent AS (
    SELECT patent_id, related_date, relation, related_number,
           row_number() OVER (PARTITION BY patent_id
                              ORDER BY related_date, related_number) AS k
    FROM parents
),
chain1 AS (
    SELECT o.patent_id,
           CASE WHEN f.related_date IS NOT NULL
                 AND (o.own_start IS NULL OR f.related_date < o.own_start)
                THEN f.related_date ELSE o.own_start END AS start1,
           CASE WHEN f.related_date IS NOT NULL
                 AND (o.own_start IS NULL OR f.related_date < o.own_start)
                THEN f.relation || ' of ' || f.related_number || ' filed '
                     || CAST(f.related_date AS VARCHAR)
                ELSE o.own_via END AS via1
    FROM own o LEFT JOIN first_parent f ON f.patent_id = o.patent_id AND f.k = 1
),
upstream AS (
    SELECT p.patent_id, c.start1 AS start_up, p.related_patent_id,
           row_number() OVER (PARTITION BY p.patent_id
                              ORDER BY c.start1, p.related_patent_id) AS k
    FROM parents p JOIN chain1 c ON c.patent_id = p.related_patent_id
    WHERE c.start1 IS NOT NULL
),
chain AS (
    SELECT c.patent_id,
           CASE WHEN u.start_up IS NOT NULL AND (c.start1 IS NULL OR u.start_up < c.start1)
                THEN u.start_up ELSE c.start1 END AS term_start_date,
           CASE WHEN u.start_up IS NOT NULL AND (c.start1 IS NULL OR u.start_up < c.start1)
                THEN 'chain of parent patent ' || u.related_patent_id || ' starts '
                     || CAST(u.start_up AS VARCHAR)
                ELSE c.via1 END AS term_start_via
    FROM chain1 c LEFT JOIN upstream u ON u.patent_id = c.patent_id AND u.k = 1
),
"""


def _nominal_ctes() -> str:
    """``base``: each patent's nominal expiry by its type and filing date (designs 14 or
    15 years from grant; utility 17 from grant or 20 from the term start, the URAA rule),
    with the rule in words, its PTA, disclaimer, original patent (reissues) and the fee
    expiry recorded (``EXP.`` not later reinstated)."""
    blocked = ", ".join(f"'{r}'" for r in NOT_ENFORCEABLE)
    return f"""reissued AS (
    SELECT patent_id, related_patent_id AS original_id, related_date AS original_filing,
           row_number() OVER (PARTITION BY patent_id ORDER BY sequence) AS k
    FROM related_documents WHERE lower(relation) = 'reissue'
),
fees AS (
    SELECT m.patent_id, max(m.event_date) AS expired_on
    FROM maintenance_events m
    WHERE m.event_code = 'EXP.'
      AND NOT EXISTS (SELECT 1 FROM maintenance_events r
                      WHERE r.patent_id = m.patent_id AND r.event_code IN ('EXPX', 'PMFG')
                        AND r.event_date >= m.event_date)
    GROUP BY m.patent_id
),
base AS (
    SELECT o.patent_id, o.patent_type, o.grant_date, o.filing_date, o.withdrawn,
           c.term_start_date, c.term_start_via,
           coalesce(t.term_extension, 0) AS pta_days, t.disclaimer_date,
           t.term_disclaimer, r.original_id, r.original_filing,
           CASE
             WHEN o.withdrawn THEN o.grant_date
             WHEN lower(o.patent_type) IN ({blocked}) THEN o.grant_date
             WHEN lower(o.patent_type) = 'design' AND o.filing_date >= {DESIGN_15}
               THEN {_years('o.grant_date', 15)}
             WHEN lower(o.patent_type) = 'design' THEN {_years('o.grant_date', 14)}
             WHEN lower(o.patent_type) = 'reissue' THEN NULL
             WHEN c.term_start_date IS NULL THEN NULL
             WHEN {_years('o.grant_date', 17)} < {URAA} THEN {_years('o.grant_date', 17)}
             WHEN o.filing_date < {URAA}
                  AND {_years('o.grant_date', 17)} > {_years('c.term_start_date', 20)}
               THEN {_years('o.grant_date', 17)}
             ELSE {_years('c.term_start_date', 20)}
           END AS nominal,
           CASE
             WHEN o.withdrawn THEN 'withdrawn: never in force'
             WHEN lower(o.patent_type) IN ({blocked})
               THEN o.patent_type || ': not an enforceable patent'
             WHEN lower(o.patent_type) = 'design' AND o.filing_date >= {DESIGN_15}
               THEN 'design filed on/after 2015-05-13: grant ' || CAST(o.grant_date AS VARCHAR)
                    || ' + 15 years'
             WHEN lower(o.patent_type) = 'design'
               THEN 'design filed before 2015-05-13: grant ' || CAST(o.grant_date AS VARCHAR)
                    || ' + 14 years'
             WHEN lower(o.patent_type) = 'reissue' THEN 'reissue'
             WHEN c.term_start_date IS NULL THEN 'no filing date in the store: term unknown'
             WHEN {_years('o.grant_date', 17)} < {URAA}
               THEN 'grant ' || CAST(o.grant_date AS VARCHAR)
                    || ' + 17 years (ended before the 1995-06-08 change)'
             WHEN o.filing_date < {URAA}
                  AND {_years('o.grant_date', 17)} > {_years('c.term_start_date', 20)}
               THEN 'filed before 1995-06-08: greater of grant ' || CAST(o.grant_date AS VARCHAR)
                    || ' + 17 years and ' || c.term_start_via || ' + 20 years: the first'
             WHEN o.filing_date < {URAA}
               THEN 'filed before 1995-06-08: greater of grant ' || CAST(o.grant_date AS VARCHAR)
                    || ' + 17 years and ' || c.term_start_via || ' + 20 years: the second'
             ELSE c.term_start_via || ' + 20 years'
           END AS nominal_rule,
           f.expired_on
    FROM own o
    LEFT JOIN chain c ON c.patent_id = o.patent_id
    LEFT JOIN term_of_grant t ON t.patent_id = o.patent_id
    LEFT JOIN reissued r ON r.patent_id = o.patent_id AND r.k = 1
    LEFT JOIN fees f ON f.patent_id = o.patent_id
),
"""


def _adjusted_ctes() -> str:
    """``terms``: the nominal expiry plus PTA, cut by a terminal disclaimer; a reissue
    takes its original's term."""
    blocked = ", ".join(f"'{r}'" for r in NOT_ENFORCEABLE)
    return f"""adjusted AS (
    SELECT b.*,
           CASE WHEN b.nominal IS NOT NULL AND b.pta_days > 0
                 AND lower(b.patent_type) NOT IN ({blocked}) AND NOT b.withdrawn
                THEN {_days('b.nominal', 'b.pta_days')} ELSE b.nominal END AS with_pta
    FROM base b
),
own_terms AS (
    SELECT a.*,
           CASE WHEN a.disclaimer_date IS NOT NULL AND a.with_pta IS NOT NULL
                 AND a.disclaimer_date < a.with_pta THEN a.disclaimer_date
                ELSE a.with_pta END AS expiry1,
           a.nominal_rule
           || CASE WHEN a.nominal IS NOT NULL AND a.with_pta <> a.nominal
                   THEN ' + ' || CAST(a.pta_days AS VARCHAR) || ' days PTA' ELSE '' END
           || CASE WHEN a.disclaimer_date IS NOT NULL AND a.with_pta IS NOT NULL
                    AND a.disclaimer_date < a.with_pta
                   THEN '; cut by the terminal disclaimer to '
                        || CAST(a.disclaimer_date AS VARCHAR)
                   WHEN a.term_disclaimer IS NOT NULL AND a.disclaimer_date IS NULL
                   THEN '; subject to a terminal disclaimer: ends no later than the patent'
                        || ' it is tied to (not named in the data)'
                   ELSE '' END AS rule1
    FROM adjusted a
),
terms AS (
    SELECT t.patent_id, t.patent_type, t.grant_date, t.filing_date, t.term_start_date,
           t.term_start_via, t.pta_days, t.disclaimer_date, t.expired_on,
           CASE WHEN lower(t.patent_type) = 'reissue' THEN
                  coalesce(orig.expiry1,
                           CASE WHEN t.original_filing IS NOT NULL
                                THEN {_years('t.original_filing', 20)} END)
                ELSE t.expiry1 END AS expiry_date,
           CASE WHEN lower(t.patent_type) = 'reissue' AND orig.expiry1 IS NOT NULL
                THEN 'reissue: term of the original ' || t.original_id || ' ('
                     || orig.rule1 || ')'
                WHEN lower(t.patent_type) = 'reissue' AND t.original_filing IS NOT NULL
                THEN 'reissue: term of the original ' || coalesce(t.original_id, '?')
                     || ', estimated as its application filed '
                     || CAST(t.original_filing AS VARCHAR)
                     || ' + 20 years (original not in the store: its parents and PTA unknown)'
                WHEN lower(t.patent_type) = 'reissue'
                THEN 'reissue: original patent unknown, term unknown'
                ELSE t.rule1 END AS expiry_rule,
           CASE WHEN lower(t.patent_type) = 'reissue' THEN coalesce(orig.grant_date,
                                                                   t.grant_date)
                ELSE t.grant_date END AS fee_base,
           CASE WHEN lower(t.patent_type) = 'reissue' THEN coalesce(orig.filing_date,
                                                                   t.original_filing)
                ELSE t.filing_date END AS fee_filing
    FROM own_terms t LEFT JOIN own_terms orig ON orig.patent_id = t.original_id
),
"""


def _with_named(only: str | None) -> str:
    """The patents of ``only`` and those their related documents name."""
    if not only:
        return ""
    return f"""
    WHERE p.patent_id IN (SELECT patent_id FROM {only})
       OR p.patent_id IN (SELECT related_patent_id FROM related_documents
                          WHERE patent_id IN (SELECT patent_id FROM {only}))"""


def _lapse_select(only: str | None = None) -> str:
    """``lapsed`` and the final SELECT: a fee expiry ends the patent at the last fee window
    it missed (grant + 4, 8 or 12 years); the end date is the earlier of lapse and expiry."""
    return f"""lapsed AS (
    SELECT t.*,
           CASE
             WHEN t.expired_on IS NULL OR lower(t.patent_type) NOT IN ('utility', 'reissue')
               THEN NULL
             WHEN {_years('t.fee_base', 12)} <= t.expired_on THEN {_years('t.fee_base', 12)}
             WHEN {_years('t.fee_base', 8)} <= t.expired_on THEN {_years('t.fee_base', 8)}
             WHEN {_years('t.fee_base', 4)} <= t.expired_on THEN {_years('t.fee_base', 4)}
             ELSE t.expired_on
           END AS lapse_date
    FROM terms t
)
SELECT patent_id, patent_type, grant_date, filing_date, term_start_date, term_start_via,
       CAST(pta_days AS INTEGER) AS pta_days, disclaimer_date, expiry_date, expiry_rule,
       lapse_date,
       CASE WHEN lapse_date IS NULL THEN NULL
            ELSE 'maintenance fee unpaid: expired for non-payment (EXP. entered '
                 || CAST(expired_on AS VARCHAR) || '); lapse at grant '
                 || CAST(fee_base AS VARCHAR) || ' + '
                 || CAST(CAST(round(date_diff('day', fee_base, lapse_date) / 365.25)
                              AS INTEGER) AS VARCHAR)
                 || ' years (fee due 6 months earlier, grace period ended)'
                 || CASE WHEN fee_filing IS NOT NULL AND fee_filing < {FEES_FROM}
                         THEN '; note: filed before 1980-12-12, no fees were owed' ELSE ''
                    END
       END AS lapse_rule,
       CASE WHEN lapse_date IS NOT NULL AND (expiry_date IS NULL OR lapse_date < expiry_date)
            THEN lapse_date ELSE expiry_date END AS end_date
FROM lapsed WHERE TRUE{among("patent_id", only)}
"""

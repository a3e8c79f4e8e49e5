"""Patent value indicators as portable SQL, each normalised within its cohort.

Definitions (Squicciarini, Dernis and Criscuolo 2013, "Measuring Patent Quality", OECD STI
Working Paper 2013/03; Hall, Jaffe and Trajtenberg 2001, NBER WP 8498; Ernst and Omland
2011, "The Patent Asset Index", World Patent Information 33):

- **cohort**: grant year x technology field; the field is the CPC subclass of the
  patent's first inventive CPC symbol (else its first symbol; ``?`` without CPC). A cohort
  of fewer than 30 patents widens to the CPC class, then the section, then the whole year
  (``all``), so every normalisation rests on at least 30 patents where the data has them.
- **forward citations in 5 and 7 years**: distinct US patents citing it that were granted
  within 5 (7) years of its grant; those from the same owner group (the ultimate parent of
  the owners at grant, after ``warchest owners resolve``) are also counted apart as self
  citations (NULL when owners are not resolved).
- **truncation** (HJT 2001): a patent granted less than 5 years before the data's last
  grant date has had time for only part of its 5-year citations. The expected share is
  read from the field's own citation-lag distribution over patents with a full 5-year
  window (all fields pooled when the field has none): F(t) = share of 5-year citations
  that arrive within t years, linear between whole years. ``forward_5y_corrected`` =
  forward_5y / F(t); NULL when F(t) < 0.1 (too early to tell).
- **backward citations**: US patents it cites. **claims**: number of claims.
- **family size**: offices where its family has a member (1 for a US-only family).
- **generality** (Hall): G = 1 - sum_j s_j^2, s_j the share of citing patents in field j,
  times N/(N-1) for N >= 2 citing patents (Hall's bias correction); NULL for N < 2.
  **originality**: the same over the cited patents in the store.
- **radicalness** (Shane 2001, OECD): of the (cited patent, CPC subclass) pairs of the
  patents it cites, the share whose subclass is not one of its own subclasses.
- **grant lag**: days from filing to grant.
- **normalisation**: each indicator divided by its cohort mean (``*_norm``; NULL when the
  mean is 0 or unknown).
- **breakthrough**: corrected 5-year citations > 0 and fewer than 1% of the cohort above;
  NULL in cohorts under 100 patents (a top 1% needs at least 100).
- **quality index** (OECD quality index 4): the mean of forward_5y_corrected, family
  size, claims and generality, each divided by its cohort maximum (components that are
  NULL are left out of the mean).
- **impact** (technology relevance, PAI): forward_5y_corrected / ``impact_reference``;
  1.0 (the average) when there is no citation evidence yet: the patent is too recent
  (expected share < 0.1) or no patent of its grant year has been cited. Its value on a
  date is impact x market coverage (``markets.py``), 0 when not in force.
- **impact_reference**: the cohort mean with empirical-Bayes shrinkage (Morris 1983,
  "Parametric empirical Bayes inference", JASA 78; the normal-normal model): a small
  cohort's mean is a noisy estimate of what is usual in its field, so it is pulled toward
  the wider cohort's, the more the smaller it is. Cohorts nest grant year > CPC section >
  class > subclass (of the patent's leading symbol); from the top down, at each level L::

      m*_c = (n_c * m_c + k_L * m*_parent(c)) / (n_c + k_L),   k_L = s2_L / t2_L

  with n_c and m_c the cohort's patents with a corrected count and their mean, s2_L the
  pooled within-cohort variance at level L (sum (n_c - 1) var_c / sum (n_c - 1)), and t2_L
  the variance of the cohorts' true means around their parents (method of moments: the
  mean over cohorts of (m_c - m*_parent)^2 - s2_L / n_c, at least 1e-6 x s2_L; k_L = 0,
  no shrinkage, when s2_L is 0: the cohorts' patents agree within each). The year's
  mean is not shrunk. So the reference of a cohort of 3 patents stays close to its
  class's, one of 3,000 keeps its own mean, and a patent with 2 citations in a small
  cohort of uncited ones is measured against its field, not against almost zero. Patents
  without CPC form the cohort ``?`` of their year (and section, class), shrunk likewise.
"""

from __future__ import annotations

from warchest.store.dialect import among
from warchest.value.markets import FAMILY_LINKS

YEAR_DAYS = 365.25
MIN_COHORT = 30
"""A cohort needs this many patents; a smaller subclass cohort widens to the CPC class,
then the section, then all patents granted that year (``all``)."""
BREAKTHROUGH_MIN = 100
"""Breakthrough (top 1%) is only called in cohorts of at least this many patents."""
SHRINK_LEVELS = (("section", "cohort_year"), ("cpc_class", "section"),
                 ("cpc_subclass", "cpc_class"))
"""The levels of the impact reference, each with its parent level (module docstring)."""

INPUT_STEPS = ("cite_rows", "cite_pairs", "forward", "backward", "generality",
               "originality", "radicalness", "family")
"""The CTEs of ``inputs_sql`` computed each as a step of its own (``Engine.derive``'s
``steps``), besides those read more than once (``keys``, ``cites`` among them):
``cite_rows`` and ``cite_pairs``, so that the hash tables of the joins on patent numbers
and the grouping of the pairs are never in memory at once (together they run out of it;
apart, the grouping spills to disk as it needs), and the per-patent aggregates of the
citations and CPC rows, so that the statement that joins them holds small tables, not
seven large aggregations at once."""
LAG_BUCKETS = 5
"""``indicator_inputs`` counts each patent's citations by whole years of lag, 0 to 4."""


def inputs_sql(self_citations: bool, only: str | None = None,
               fresh: str | None = None) -> str:
    """``indicator_inputs`` rows (without load_id): each granted patent's dates, claims,
    field and its citation and family aggregates, the part of the indicators that reads
    the citations. ``only`` (an incremental derivation): the name of a table of
    patent_ids; the rows of those patents only, from the citations that touch them.
    ``fresh`` (with ``only``): the patents whose CPC rows may have changed; the field of
    every other patent is read from ``indicator_inputs`` as it is."""
    return ("\nWITH " + _keys_ctes() + _groups_cte(self_citations) + "\n"
            + _forward_ctes(self_citations, only) + _field_ctes(only, fresh)
            + _breadth_ctes(only) + _inputs_select(self_citations, only))


def indicators_sql(min_cohort: int = MIN_COHORT,
                   breakthrough_min: int = BREAKTHROUGH_MIN) -> str:
    """``patent_indicators`` rows (without load_id) from ``indicator_inputs`` and the
    patents: cohorts, truncation, normalisation and the impact reference.
    ``min_cohort`` and ``breakthrough_min``: the cohort sizes described above."""
    return ("\nWITH " + _cohort_ctes(min_cohort) + _lag_share_ctes()
            + _raw_cte() + _cohort_stats_cte() + reference_sql() + "\n"
            + _indicators_select(breakthrough_min))


def _groups_cte(self_citations: bool) -> str:
    """Each patent's owner group at grant (for self citations), by its integer key, when
    owners are resolved."""
    if not self_citations:
        return ""
    return """
groups AS (
    SELECT kk.k, min(coalesce(e.ultimate_entity_id, o.entity_id)) AS grp
    FROM ownership o JOIN keys kk ON kk.patent_id = o.patent_id
    LEFT JOIN owner_entities e ON e.entity_id = o.entity_id
    WHERE o.via = 'grant' AND o.entity_id IS NOT NULL
    GROUP BY kk.k
),"""


def _keys_ctes() -> str:
    """``keys``: each granted patent numbered in patent order, so that the statement's
    largest joins and groupings hash 4-byte integers, not patent numbers."""
    return """keys AS (
    SELECT patent_id, grant_date,
           CAST(row_number() OVER (ORDER BY patent_id) AS INTEGER) AS k
    FROM patents WHERE grant_date IS NOT NULL
),"""


def _field_ctes(only: str | None, fresh: str | None) -> str:
    """``field`` (each patent's first CPC subclass, leading symbol and group) and
    ``field_k`` (the same by integer key); with ``only``, for those patents and the
    patents at the other end of their citations (``near``), computed from the CPC rows
    for the ``fresh`` patents (all with ``fresh`` None) and read from the stored inputs
    for the others."""
    if not only:
        return _first_cpc_ctes("") + _field_k_cte()
    near = f"""near AS (
    SELECT patent_id FROM keys WHERE k IN (SELECT citing FROM cite_pairs)
        OR k IN (SELECT cited FROM cite_pairs)
    UNION SELECT patent_id FROM {only}
),
"""
    if not fresh:
        return near + _first_cpc_ctes(" AND patent_id IN (SELECT patent_id FROM near)") \
            + _field_k_cte()
    computed = _first_cpc_ctes(f" AND patent_id IN (SELECT patent_id FROM {fresh})"
                               " AND patent_id IN (SELECT patent_id FROM near)",
                               "computed_field")
    return near + computed + f"""field AS (
    SELECT * FROM computed_field
    UNION ALL
    SELECT patent_id, cpc_subclass AS field, lead_symbol, lead_group FROM indicator_inputs
    WHERE cpc_subclass IS NOT NULL AND patent_id IN (SELECT patent_id FROM near)
      AND patent_id NOT IN (SELECT patent_id FROM {fresh})
),
""" + _field_k_cte()


def _first_cpc_ctes(among: str, name: str = "field") -> str:
    return f"""first_cpc AS (
    SELECT patent_id, subclass, symbol, main_group,
           row_number() OVER (PARTITION BY patent_id ORDER BY
               CASE WHEN cpc_type = 'inventive' THEN 0 ELSE 1 END, sequence, subclass,
               symbol) AS k
    FROM cpc WHERE subclass IS NOT NULL{among}
),
{name} AS (SELECT patent_id, subclass AS field, symbol AS lead_symbol,
                 main_group AS lead_group FROM first_cpc WHERE k = 1),
"""


def _field_k_cte() -> str:
    return """field_k AS (
    SELECT kk.k, fl.field FROM field fl JOIN keys kk ON kk.patent_id = fl.patent_id
),
"""


def _cohort_ctes(min_cohort: int) -> str:
    """``span`` (the data's last grant date), ``cohort_fields`` (each grant year x first
    CPC subclass with its cohort: the narrowest of subclass, class, section holding
    ``min_cohort`` patents) and ``base``: each granted patent with its inputs, its cohort
    and the years observed since its grant. The cohorts are counted in one grouping of
    the inputs (a small table), so no per-patent table is written before ``raw``."""
    y, m = YEAR_DAYS, int(min_cohort)
    return f"""span AS (SELECT max(grant_date) AS data_end FROM patents),
cohort_counts AS (
    SELECT CAST(EXTRACT(YEAR FROM grant_date) AS INTEGER) AS cohort_year,
           coalesce(cpc_subclass, '?') AS subclass_key, count(*) AS n
    FROM indicator_inputs GROUP BY 1, 2
),
cohort_sizes AS (
    SELECT cohort_year, subclass_key, n AS n_subclass,
           sum(n) OVER (PARTITION BY cohort_year, substr(subclass_key, 1, 3)) AS n_class,
           sum(n) OVER (PARTITION BY cohort_year, substr(subclass_key, 1, 1)) AS n_section
    FROM cohort_counts
),
cohort_fields AS (
    SELECT cohort_year, subclass_key,
           CASE WHEN subclass_key = '?' THEN '?'
                WHEN n_subclass >= {m} THEN subclass_key
                WHEN n_class >= {m} THEN substr(subclass_key, 1, 3)
                WHEN n_section >= {m} THEN substr(subclass_key, 1, 1)
                ELSE 'all' END AS cohort_field
    FROM cohort_sizes
),
base AS (
    SELECT i.*, f.cohort_year, f.cohort_field,
           date_diff('day', i.grant_date, s.data_end) / {y} AS observed_years
    FROM indicator_inputs i CROSS JOIN span s
    JOIN cohort_fields f
      ON f.cohort_year = CAST(EXTRACT(YEAR FROM i.grant_date) AS INTEGER)
     AND f.subclass_key = coalesce(i.cpc_subclass, '?')
),
"""


def _forward_ctes(self_citations: bool, only: str | None) -> str:
    """``cite_rows`` (the citations between granted patents, by their integer keys; with
    ``only``, those that touch the patents named, from either end: a row touching them
    at both ends comes twice, which ``cite_pairs`` makes one), ``cite_pairs`` (the
    distinct citing -> cited pairs), ``cites`` (each pair with its lag and whether both
    are of one owner group) and ``forward`` (citations received within 5 and 7 years, self citations
    apart, and by whole years of lag: counts with a filter, whose 8-byte states keep the
    grouping of 8.3M patents in memory where sums of CASE, 16-byte HUGEINT states each,
    spilled 4 GB at the full corpus's size).
    Only ``cite_rows`` joins on patent numbers; everything after it hashes 4-byte
    integers (``keys``), and the patent numbers come back only at the end."""
    y = YEAR_DAYS
    if self_citations:
        self_expr = "CASE WHEN oc.grp IS NOT NULL AND oc.grp = od.grp THEN 1 ELSE 0 END"
        self_join = ("LEFT JOIN groups oc ON oc.k = c.citing "
                     "LEFT JOIN groups od ON od.k = c.cited")
        self_5 = f"count(*) FILTER (WHERE f.lag_days < 5 * {y} AND f.is_self = 1)"
        self_7 = f"count(*) FILTER (WHERE f.lag_days < 7 * {y} AND f.is_self = 1)"
    else:
        self_expr, self_join = "0", ""
        self_5 = self_7 = "CAST(NULL AS BIGINT)"
    source = "citations" if not only else f"""(
        SELECT patent_id, cited_patent_id FROM citations
        WHERE patent_id IN (SELECT patent_id FROM {only})
        UNION ALL
        SELECT patent_id, cited_patent_id FROM citations
        WHERE cited_patent_id IN (SELECT patent_id FROM {only})
    )"""
    lags = "".join(
        f"\n           count(*) FILTER (WHERE f.lag_days >= 0 AND f.lag_days < 5 * {y}"
        f" AND CAST(floor(f.lag_days / {y}) AS INTEGER) = {b})"
        f" AS lag_y{b}," for b in range(LAG_BUCKETS))
    return f"""cite_rows AS (
    SELECT cg.k AS citing, cd.k AS cited
    FROM {source} c
    JOIN keys cg ON cg.patent_id = c.patent_id
    JOIN keys cd ON cd.patent_id = c.cited_patent_id
    WHERE c.patent_id <> c.cited_patent_id
),
cite_pairs AS (SELECT DISTINCT citing, cited FROM cite_rows),
cites AS (
    SELECT c.citing, c.cited, date_diff('day', gd.grant_date, gc.grant_date) AS lag_days,
           {self_expr} AS is_self
    FROM cite_pairs c
    JOIN keys gc ON gc.k = c.citing
    JOIN keys gd ON gd.k = c.cited
    {self_join}
),
forward AS (
    SELECT f.cited AS k,
           count(*) FILTER (WHERE f.lag_days < 5 * {y}) AS forward_5y,
           count(*) FILTER (WHERE f.lag_days < 7 * {y}) AS forward_7y,
           {self_5} AS forward_5y_self,
           {self_7} AS forward_7y_self,{lags}
           count(*) AS forward_total
    FROM cites f GROUP BY f.cited
),
"""


def _lag_share_ctes() -> str:
    """``lag_cdf``: each cohort field's citation-lag distribution (pooled over the fields
    too), summed from the per-patent lag counts of ``indicator_inputs`` over the patents
    observed 5 years, for the share of its 5-year citations a patent granted less than
    5 years before the data ends has had time to receive (``raw``)."""
    y = YEAR_DAYS
    sums = ", ".join(f"sum(i.lag_y{b}) AS s{b}" for b in range(LAG_BUCKETS))
    lag_rows = "\n        UNION ALL\n".join(
        f"        SELECT field, {b} AS bucket, CAST(s{b} AS BIGINT) AS n FROM field_sums"
        for b in range(LAG_BUCKETS))
    return f"""field_sums AS (
    SELECT f.cohort_field AS field, {sums}
    FROM indicator_inputs i CROSS JOIN span s
    JOIN cohort_fields f
      ON f.cohort_year = CAST(EXTRACT(YEAR FROM i.grant_date) AS INTEGER)
     AND f.subclass_key = coalesce(i.cpc_subclass, '?')
    WHERE date_diff('day', i.grant_date, s.data_end) / {y} >= 5
    GROUP BY f.cohort_field
),
field_lags AS (
    SELECT field, bucket, n FROM (
{lag_rows}
    ) l WHERE n > 0
),
lag_buckets AS (
    SELECT field, bucket, n FROM field_lags
    UNION ALL
    SELECT '(pooled)' AS field, bucket, CAST(sum(n) AS BIGINT) AS n
    FROM field_lags GROUP BY bucket
),
lag_fields AS (SELECT DISTINCT field FROM lag_buckets),
lag_grid AS (
    SELECT lf.field, k.bucket, coalesce(lb.n, 0) AS n
    FROM lag_fields lf
    CROSS JOIN (VALUES (0), (1), (2), (3), (4)) AS k(bucket)
    LEFT JOIN lag_buckets lb ON lb.field = lf.field AND lb.bucket = k.bucket
),
lag_cdf AS (
    SELECT field, bucket, n,
           sum(n) OVER (PARTITION BY field ORDER BY bucket
                        ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) - n AS before_n,
           sum(n) OVER (PARTITION BY field) AS total
    FROM lag_grid
),
"""


def _breadth_ctes(only: str | None) -> str:
    """Backward citations, generality and originality (Herfindahl over the citing and cited
    patents' fields, bias-corrected), radicalness, family size in offices.

    ``cited_classes`` needs no DISTINCT: ``cites`` is distinct on (citing, cited) and
    ``own_classes`` on (patent, subclass), so their join is distinct on (citing, cited,
    subclass)."""
    near = " AND c.patent_id IN (SELECT patent_id FROM near)" if only else ""
    return f"""backward AS (
    SELECT patent_id, count(DISTINCT cited_patent_id) AS backward
    FROM citations WHERE cited_patent_id IS NOT NULL{among("patent_id", only)}
    GROUP BY patent_id
),
gen_counts AS (
    SELECT f.cited AS k, fl.field, count(*) AS n
    FROM cites f JOIN field_k fl ON fl.k = f.citing GROUP BY 1, 2
),
generality AS (
    SELECT k, sum(n) AS n_all,
           CASE WHEN sum(n) >= 2
                THEN (1 - sum(n * n) * 1.0 / (sum(n) * sum(n))) * sum(n) / (sum(n) - 1)
           END AS generality
    FROM gen_counts GROUP BY k
),
orig_counts AS (
    SELECT f.citing AS k, fl.field, count(*) AS n
    FROM cites f JOIN field_k fl ON fl.k = f.cited GROUP BY 1, 2
),
originality AS (
    SELECT k,
           CASE WHEN sum(n) >= 2
                THEN (1 - sum(n * n) * 1.0 / (sum(n) * sum(n))) * sum(n) / (sum(n) - 1)
           END AS originality
    FROM orig_counts GROUP BY k
),
own_classes AS (
    SELECT DISTINCT kk.k, c.subclass
    FROM cpc c JOIN keys kk ON kk.patent_id = c.patent_id
    WHERE c.subclass IS NOT NULL{near}
),
cited_classes AS (
    SELECT f.citing AS k, f.cited, oc.subclass
    FROM cites f JOIN own_classes oc ON oc.k = f.cited
),
radicalness AS (
    SELECT cc.k,
           avg(CASE WHEN mine.subclass IS NULL THEN 1.0 ELSE 0.0 END) AS radicalness
    FROM cited_classes cc
    LEFT JOIN own_classes mine ON mine.k = cc.k AND mine.subclass = cc.subclass
    GROUP BY cc.k
),
family_links AS (SELECT * FROM ({FAMILY_LINKS}) fl WHERE TRUE{among("patent_id", only)}),
family AS (
    SELECT l.patent_id, count(DISTINCT f.jurisdiction) AS offices
    FROM family_links l JOIN families f ON f.family_id = l.family_id
    GROUP BY l.patent_id
)
"""


def _inputs_select(self_citations: bool, only: str | None) -> str:
    """The final SELECT of ``inputs_sql``: one row per granted patent (of ``only``)."""
    lags = "".join(f"\n       CAST(coalesce(fw.lag_y{b}, 0) AS BIGINT) AS lag_y{b},"
                   for b in range(LAG_BUCKETS))
    own = "TRUE" if self_citations else "FALSE"
    return f"""SELECT kk.patent_id, kk.grant_date, p.num_claims, a.filing_date,
       fl.field AS cpc_subclass, fl.lead_symbol, fl.lead_group,
       CAST(coalesce(fw.forward_5y, 0) AS BIGINT) AS forward_5y,
       CAST(coalesce(fw.forward_7y, 0) AS BIGINT) AS forward_7y,
       CASE WHEN {own} THEN CAST(coalesce(fw.forward_5y_self, 0) AS BIGINT) END
           AS forward_5y_self,
       CASE WHEN {own} THEN CAST(coalesce(fw.forward_7y_self, 0) AS BIGINT) END
           AS forward_7y_self,
       CAST(coalesce(fw.forward_total, 0) AS BIGINT) AS forward_total,{lags}
       CAST(coalesce(bw.backward, 0) AS BIGINT) AS backward,
       CAST(CASE WHEN fam.offices IS NULL OR fam.offices < 1 THEN 1 ELSE fam.offices END
            AS INTEGER) AS family_size,
       g.generality, o.originality, r.radicalness
FROM keys kk
JOIN patents p ON p.patent_id = kk.patent_id
LEFT JOIN applications a ON a.patent_id = kk.patent_id
LEFT JOIN field fl ON fl.patent_id = kk.patent_id
LEFT JOIN forward fw ON fw.k = kk.k
LEFT JOIN backward bw ON bw.patent_id = kk.patent_id
LEFT JOIN family fam ON fam.patent_id = kk.patent_id
LEFT JOIN generality g ON g.k = kk.k
LEFT JOIN originality o ON o.k = kk.k
LEFT JOIN radicalness r ON r.k = kk.k
WHERE TRUE{among("kk.patent_id", only)}
"""


def _raw_cte() -> str:
    """``raw``: every indicator of each patent, before its cohort's statistics, with the
    expected share of its 5-year citations (``lag_cdf``; its field's, else pooled)."""
    return """raw AS (
    SELECT b.patent_id, b.cohort_year, b.cohort_field, b.cpc_subclass, b.lead_symbol,
           b.lead_group, b.observed_years, b.forward_5y, b.forward_7y, b.forward_5y_self,
           b.forward_7y_self, b.forward_total, b.expected_share_5y,
           CASE WHEN b.expected_share_5y >= 0.1
                THEN b.forward_5y / b.expected_share_5y END AS forward_5y_corrected,
           b.backward, b.num_claims AS claims, b.family_size,
           b.generality, b.originality, b.radicalness,
           date_diff('day', b.filing_date, b.grant_date) AS grant_lag_days
    FROM (
        SELECT b.*,
               CASE WHEN b.observed_years >= 5 THEN 1.0
                    WHEN b.observed_years < 0 THEN NULL
                    WHEN lf.total IS NOT NULL
                    THEN (lf.before_n + (b.observed_years - lf.bucket) * lf.n) / lf.total
                    WHEN lp.total IS NOT NULL
                    THEN (lp.before_n + (b.observed_years - lp.bucket) * lp.n) / lp.total
               END AS expected_share_5y
        FROM base b
        LEFT JOIN lag_cdf lf ON lf.field = b.cohort_field
                            AND lf.bucket = CAST(floor(b.observed_years) AS INTEGER)
        LEFT JOIN lag_cdf lp ON lp.field = '(pooled)'
                            AND lp.bucket = CAST(floor(b.observed_years) AS INTEGER)
    ) b
),
"""


def _cohort_stats_cte() -> str:
    """``cohort``: each patent with its cohort's size, means and maxima (one grouping,
    joined back) and its rank: ``pct`` its percent rank, ``above`` the patents of the
    cohort with more corrected citations (the size less those with as many or fewer:
    the cumulative distribution, one ordering for both)."""
    return """cohort_stats AS (
    SELECT cohort_year, cohort_field, count(*) AS cohort_size,
           avg(forward_5y_corrected) AS m_fwd,
           avg(backward) AS m_bwd, avg(claims) AS m_claims,
           avg(family_size) AS m_family, avg(generality) AS m_gen,
           avg(originality) AS m_orig, avg(radicalness) AS m_rad,
           avg(grant_lag_days) AS m_lag,
           max(forward_5y_corrected) AS x_fwd, max(claims) AS x_claims,
           max(family_size) AS x_family, max(generality) AS x_gen
    FROM raw GROUP BY cohort_year, cohort_field
),
cohort AS (
    SELECT r.*, c.cohort_size, c.m_fwd, c.m_bwd, c.m_claims, c.m_family, c.m_gen,
           c.m_orig, c.m_rad, c.m_lag, c.x_fwd, c.x_claims, c.x_family, c.x_gen,
           percent_rank() OVER w AS pct,
           c.cohort_size - CAST(round(cume_dist() OVER w * c.cohort_size) AS BIGINT)
               AS above
    FROM raw r JOIN cohort_stats c
      ON c.cohort_year = r.cohort_year AND c.cohort_field = r.cohort_field
    WINDOW w AS (PARTITION BY r.cohort_year, r.cohort_field
                 ORDER BY coalesce(r.forward_5y_corrected, 0))
),
"""


def _indicators_select(breakthrough_min: int) -> str:
    """The final SELECT: the indicators, normalised by their cohort means, the
    breakthrough flag, the quality index and the impact."""
    return f"""SELECT patent_id, cohort_year, cohort_field, cpc_subclass, lead_symbol, lead_group,
       cohort_size,
       CAST(forward_5y AS INTEGER) AS forward_5y, CAST(forward_7y AS INTEGER) AS forward_7y,
       CAST(forward_5y_self AS INTEGER) AS forward_5y_self,
       CAST(forward_7y_self AS INTEGER) AS forward_7y_self,
       CAST(forward_total AS INTEGER) AS forward_total, observed_years, expected_share_5y,
       forward_5y_corrected, CAST(backward AS INTEGER) AS backward, claims,
       CAST(family_size AS INTEGER) AS family_size, generality, originality, radicalness,
       CAST(grant_lag_days AS INTEGER) AS grant_lag_days,
       CASE WHEN m_fwd > 0 THEN forward_5y_corrected / m_fwd END AS forward_5y_norm,
       CASE WHEN m_bwd > 0 THEN backward / m_bwd END AS backward_norm,
       CASE WHEN m_claims > 0 THEN claims / m_claims END AS claims_norm,
       CASE WHEN m_family > 0 THEN family_size / m_family END AS family_size_norm,
       CASE WHEN m_gen > 0 THEN generality / m_gen END AS generality_norm,
       CASE WHEN m_orig > 0 THEN originality / m_orig END AS originality_norm,
       CASE WHEN m_rad > 0 THEN radicalness / m_rad END AS radicalness_norm,
       CASE WHEN m_lag > 0 THEN grant_lag_days / m_lag END AS grant_lag_norm,
       pct AS forward_5y_percentile,
       CASE WHEN cohort_size >= {int(breakthrough_min)}
            THEN coalesce(forward_5y_corrected, 0) > 0 AND above < 0.01 * cohort_size
       END AS breakthrough,
       (coalesce(forward_5y_corrected / nullif(x_fwd, 0), 0)
        + coalesce(family_size * 1.0 / nullif(x_family, 0), 0)
        + coalesce(claims * 1.0 / nullif(x_claims, 0), 0)
        + coalesce(generality / nullif(x_gen, 0), 0))
       / nullif((CASE WHEN forward_5y_corrected IS NOT NULL AND x_fwd > 0 THEN 1 ELSE 0 END)
                + (CASE WHEN x_family > 0 THEN 1 ELSE 0 END)
                + (CASE WHEN claims IS NOT NULL AND x_claims > 0 THEN 1 ELSE 0 END)
                + (CASE WHEN generality IS NOT NULL AND x_gen > 0 THEN 1 ELSE 0 END), 0)
           AS quality_index,
       CASE WHEN forward_5y_corrected IS NOT NULL AND ref.reference > 0
            THEN forward_5y_corrected / ref.reference ELSE 1.0 END AS impact,
       ref.reference AS impact_reference
FROM cohort
LEFT JOIN ref_patent ref USING (patent_id)
"""


def reference_sql() -> str:
    """CTEs ending in ``ref_patent(patent_id, reference)``: the empirical-Bayes mean of
    each patent's cohort (``impact_reference`` in the module docstring), from ``raw``."""
    ctes = ["""
ref_units AS (
    SELECT patent_id, cohort_year, forward_5y_corrected AS x,
           coalesce(substr(cpc_subclass, 1, 1), '?') AS section,
           coalesce(substr(cpc_subclass, 1, 3), '?') AS cpc_class,
           coalesce(cpc_subclass, '?') AS cpc_subclass
    FROM raw
),
ref_cohort_year AS (
    SELECT cohort_year, avg(x) AS ref FROM ref_units GROUP BY cohort_year
)"""]
    keys = ["cohort_year"]
    parent = "cohort_year"
    for level, up in SHRINK_LEVELS:
        parent_keys = list(keys)
        keys = [*keys, level]
        by = ", ".join(keys)
        on = " AND ".join(f"c.{k} = p.{k}" for k in parent_keys)
        ctes.append(f"""
ref_{level}_raw AS (
    SELECT {by}, count(x) AS n, avg(x) AS m, coalesce(var_samp(x), 0) AS v
    FROM ref_units GROUP BY {by}
),
ref_{level}_prior AS (
    SELECT c.*, p.ref AS prior FROM ref_{level}_raw c JOIN ref_{up} p ON {on}
),
ref_{level}_s2 AS (
    SELECT sum((n - 1) * v) / nullif(sum(n - 1), 0) AS s2 FROM ref_{level}_prior WHERE n > 0
),
ref_{level}_k AS (
    SELECT CASE WHEN s.s2 > 0 THEN s.s2 / greatest(
               avg((c.m - c.prior) * (c.m - c.prior) - s.s2 / c.n), 1e-6 * s.s2)
           ELSE 0.0 END AS k
    FROM ref_{level}_prior c CROSS JOIN ref_{level}_s2 s
    WHERE c.n > 0 AND c.prior IS NOT NULL GROUP BY s.s2
),
ref_{level} AS (
    SELECT c.{", c.".join(keys)},
           CASE WHEN c.n = 0 OR c.m IS NULL THEN c.prior
                WHEN k.k IS NULL THEN c.m
                ELSE (c.n * c.m + k.k * c.prior) / (c.n + k.k) END AS ref
    FROM ref_{level}_prior c LEFT JOIN ref_{level}_k k ON TRUE
)""")
        parent = level
    join = " AND ".join(f"u.{k} = r.{k}" for k in keys)
    ctes.append(f"""
ref_patent AS (
    SELECT u.patent_id, r.ref AS reference
    FROM ref_units u JOIN ref_{parent} r ON {join}
)""")
    return ",".join(ctes)

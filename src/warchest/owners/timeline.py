"""Ownership timelines as portable SQL: recorded assignments -> events -> ownership periods.

Each function returns one SELECT over store tables; ``Store.derive`` runs it. The SQL uses
only standard joins, CTEs and window functions, so the same text runs on another engine.

Rules (also in docs/owners.md):
- A recorded assignment is matched to a patent by its grant number, else by its application
  number through the ``applications`` table.
- Its effective date is the latest execution date of its assignors (the recorded date when
  none is given); a nunc pro tunc record carries its earlier effective date this way.
- Only kinds that move ownership open a new period (assignment, merger, change of name,
  nunc pro tunc, corrective). Security interests, releases, licences, government interests
  and address changes are events, never owners.
- The owner at grant is the assignee printed on the grant (PatentsView's disambiguated
  assignee where the store has no raw assignee row for the patent). A transfer executed before the
  grant counts only if it was recorded after the grant date (the grant could not show it),
  if the store has no assignee of the grant, or if its assignor is the owner named on the
  grant (the grant shows a party that had already conveyed the application, e.g. a
  company merged before its pending applications issued); it then takes effect on the
  grant date (from the patents table, else from the assignment's own document record).
- Periods follow each other in the order (start date, recorded date, reel-frame); a
  corrective record restating an earlier one on the same date therefore comes after it.
- A transfer whose assignors include none of the previous owners, or several transfers on
  one date, are kept but carry a note saying why the chain is uncertain.
"""

from __future__ import annotations

from warchest.owners.conveyance import MOVING_KINDS, conveyance_case_sql
from warchest.store.dialect import among

PERSON_NAME = "trim(concat_ws(' ', {t}.name_first, {t}.name_last))"


def grant_owner_name(alias: str) -> str:
    person = PERSON_NAME.format(t=alias)
    return f"coalesce(nullif(trim({alias}.organization), ''), nullif({person}, ''))"


def grant_assignees_sql() -> str:
    """Owners named on each grant: the raw assignee rows, and PatentsView's disambiguated
    rows for the patents that have no raw row (a store loaded from g_assignee_disambiguated
    alone). A row repeated in a file counts once. Columns: patent_id, sequence, raw_name,
    country, source."""
    raw, pv = grant_owner_name("a"), grant_owner_name("d")
    return f"""
SELECT DISTINCT a.patent_id, a.sequence, {raw} AS raw_name, a.country,
       'assignees' AS source
FROM assignees a
UNION ALL
SELECT DISTINCT d.patent_id, d.sequence, {pv} AS raw_name, CAST(NULL AS VARCHAR) AS country,
       'assignees_disambiguated' AS source
FROM assignees_disambiguated d
WHERE NOT EXISTS (SELECT 1 FROM assignees a WHERE a.patent_id = d.patent_id)
"""


def name_counts_sql(where: str = "TRUE") -> str:
    """Every owner name mentioned (on grants, as reassignment assignee or assignor) with
    its mentions, patents on whose grant it is and countries; ``where``: a condition on
    ``raw_name`` (which names)."""
    return f"""
WITH mentions AS (
    SELECT raw_name, patent_id, country FROM ({grant_assignees_sql()}) g
    UNION ALL
    SELECT name, NULL, country FROM reassignment_assignees
    UNION ALL
    SELECT name, NULL, NULL FROM reassignment_assignors
)
SELECT raw_name, count(*) AS mentions, count(DISTINCT patent_id) AS patents,
       string_agg(DISTINCT country, ',') AS countries
FROM mentions WHERE raw_name IS NOT NULL AND trim(raw_name) <> '' AND {where}
GROUP BY raw_name ORDER BY raw_name"""


def source_ids_sql(names: str | None = None) -> str:
    """PatentsView's assignee_id of every grant owner name, with its mentions: the raw row's
    name joined to the disambiguated row of the same patent and sequence, and the
    disambiguated name itself where there is no raw row (a row repeated in a file counts
    once, as in ``grant_assignees_sql``). ``names``: a table of raw names (column
    ``raw_name``), those names' rows only."""
    raw, pv = grant_owner_name("a"), grant_owner_name("d")
    return f"""
SELECT raw_name, 'PatentsView assignee_id' AS source, source_id, count(*) AS mentions
FROM (
    SELECT DISTINCT a.patent_id, a.sequence, {raw} AS raw_name, d.assignee_id AS source_id
    FROM assignees a JOIN assignees_disambiguated d
      ON d.patent_id = a.patent_id AND d.sequence = a.sequence{among(raw, names, "raw_name")}
    UNION ALL
    SELECT DISTINCT d.patent_id, d.sequence, {pv} AS raw_name, d.assignee_id AS source_id
    FROM assignees_disambiguated d
    WHERE NOT EXISTS (SELECT 1 FROM assignees a WHERE a.patent_id = d.patent_id)
      {among(pv, names, "raw_name")}
) m
WHERE raw_name IS NOT NULL AND source_id IS NOT NULL AND trim(source_id) <> ''
GROUP BY raw_name, source_id
"""


EVENT_STEPS = ("docs", "ors", "ees", "first_or", "doc_grants", "classified")
"""The CTEs of ``events_sql`` computed each as a step of its own (``Engine.derive``'s
``steps``): the documents, the assignors and assignees per reel-frame and the classified
conveyances each become a table first, so that the statement joining them builds its hash
tables on their true sizes and never holds them and these groupings at once (at the full
corpus's size, in one statement, it ran out of the owners step's memory limit)."""


def events_sql(only: str | None = None) -> str:
    """``ownership_events`` rows; ``only`` (an incremental derivation): the name of a table
    of patent_ids, their events only (``ownership_sql`` takes ``only`` the same way)."""
    moving = ", ".join(f"'{k}'" for k in MOVING_KINDS)
    of_docs = " WHERE rf_id IN (SELECT rf_id FROM docs)" if only else ""
    return f"""
WITH docs AS (
    SELECT DISTINCT d.rf_id,
           coalesce(d.patent_id, a.patent_id) AS patent_id,
           CASE WHEN d.patent_id IS NOT NULL THEN 'grant number'
                ELSE 'application number' END AS matched_by
    FROM reassignment_documents d
    LEFT JOIN applications a
      ON d.patent_id IS NULL AND d.application_number = a.application_number
    WHERE coalesce(d.patent_id, a.patent_id) IS NOT NULL{among(
        "coalesce(d.patent_id, a.patent_id)", only)}
),
ors AS (
    SELECT rf_id, max(execution_date) AS execution_date,
           string_agg(name, ' | ' ORDER BY sequence) AS assignors
    FROM reassignment_assignors{of_docs} GROUP BY rf_id
),
ees AS (
    SELECT rf_id, string_agg(name, ' | ' ORDER BY sequence) AS assignees,
           min(sequence) AS first_sequence
    FROM reassignment_assignees{of_docs} GROUP BY rf_id
),
first_or AS (
    SELECT o.rf_id, o.name FROM reassignment_assignors o
    JOIN (SELECT rf_id, min(sequence) AS s FROM reassignment_assignors{of_docs}
          GROUP BY rf_id) m
      ON m.rf_id = o.rf_id AND m.s = o.sequence
),
doc_grants AS (
    SELECT patent_id, min(grant_date) AS grant_date FROM reassignment_documents
    WHERE patent_id IS NOT NULL{among("patent_id", only)} GROUP BY patent_id
),
classified AS (
    SELECT r.rf_id, r.recorded_date, r.conveyance_text,
           {conveyance_case_sql('r.conveyance_text')} AS kind
    FROM reassignments r{of_docs}
)
SELECT docs.patent_id, c.rf_id,
       coalesce(ors.execution_date, c.recorded_date) AS effective_date,
       c.recorded_date, c.kind, c.kind IN ({moving}) AS moves_ownership,
       ors.assignors, ees.assignees, n.entity_id AS assignee_entity_id,
       nor.entity_id AS assignor_entity_id, docs.matched_by, c.conveyance_text,
       coalesce(p.grant_date, g.grant_date) AS grant_date
FROM docs
JOIN classified c ON c.rf_id = docs.rf_id
LEFT JOIN ors ON ors.rf_id = docs.rf_id
LEFT JOIN ees ON ees.rf_id = docs.rf_id
LEFT JOIN reassignment_assignees first_ee
  ON first_ee.rf_id = docs.rf_id AND first_ee.sequence = ees.first_sequence
LEFT JOIN owner_names n ON n.raw_name = first_ee.name
LEFT JOIN first_or ON first_or.rf_id = docs.rf_id
LEFT JOIN owner_names nor ON nor.raw_name = first_or.name
LEFT JOIN patents p ON p.patent_id = docs.patent_id
LEFT JOIN doc_grants g ON g.patent_id = docs.patent_id
"""


def ownership_sql(only: str | None = None) -> str:
    of_transfers = " WHERE o.rf_id IN (SELECT via_rf_id FROM transfers)" if only else ""
    return f"""
WITH grant_owners AS (
    SELECT DISTINCT a.patent_id, n.entity_id, a.raw_name AS owner_name,
           p.grant_date AS start_date,
           DATE '0001-01-01' AS rec_key, '' AS rf_key, 'grant' AS via,
           CAST(NULL AS VARCHAR) AS via_rf_id
    FROM ({grant_assignees_sql()}) a
    JOIN patents p ON p.patent_id = a.patent_id
    LEFT JOIN owner_names n ON n.raw_name = a.raw_name
    WHERE a.raw_name IS NOT NULL AND p.grant_date IS NOT NULL{among("a.patent_id", only)}
),
-- equi-joins rather than NOT IN / EXISTS under an OR, which Spark runs as a nested loop
granted_patents AS (SELECT DISTINCT patent_id FROM grant_owners),
granted_to AS (
    SELECT DISTINCT patent_id, entity_id FROM grant_owners WHERE entity_id IS NOT NULL
),
transfers AS (
    SELECT e.patent_id, n.entity_id, ee.name AS owner_name,
           CASE WHEN e.grant_date IS NOT NULL AND e.effective_date < e.grant_date
                THEN e.grant_date ELSE e.effective_date END AS start_date,
           e.recorded_date AS rec_key, e.rf_id AS rf_key, e.kind AS via, e.rf_id AS via_rf_id
    FROM ownership_events e
    JOIN reassignment_assignees ee ON ee.rf_id = e.rf_id
    LEFT JOIN owner_names n ON n.raw_name = ee.name
    LEFT JOIN granted_patents gp ON gp.patent_id = e.patent_id
    LEFT JOIN granted_to ga
      ON ga.patent_id = e.patent_id AND ga.entity_id = e.assignor_entity_id
    WHERE e.moves_ownership AND e.effective_date IS NOT NULL{among("e.patent_id", only)}
      AND (e.grant_date IS NULL OR e.effective_date >= e.grant_date
           OR e.recorded_date > e.grant_date
           OR gp.patent_id IS NULL OR ga.patent_id IS NOT NULL)
),
owners AS (
    SELECT * FROM grant_owners UNION ALL SELECT * FROM transfers
),
steps AS (
    SELECT patent_id, start_date, rec_key, rf_key,
           row_number() OVER (PARTITION BY patent_id ORDER BY start_date, rec_key, rf_key)
               AS step,
           lead(start_date) OVER (PARTITION BY patent_id ORDER BY start_date, rec_key, rf_key)
               AS end_date,
           count(*) OVER (PARTITION BY patent_id, start_date) AS same_day
    FROM (SELECT DISTINCT patent_id, start_date, rec_key, rf_key FROM owners) s
),
numbered AS (
    SELECT o.*, s.step, s.end_date, s.same_day
    FROM owners o JOIN steps s
      ON s.patent_id = o.patent_id AND s.start_date = o.start_date
     AND s.rec_key = o.rec_key AND s.rf_key = o.rf_key
),
assignor_entities AS (
    SELECT DISTINCT o.rf_id, n.entity_id
    FROM reassignment_assignors o JOIN owner_names n ON n.raw_name = o.name{of_transfers}
),
checked AS (
    SELECT cur.patent_id, cur.step, cur.via_rf_id,
           max(CASE WHEN prev.entity_id IS NOT NULL AND ae.entity_id IS NOT NULL
                    THEN 1 ELSE 0 END) AS assignor_was_owner,
           max(CASE WHEN prev.patent_id IS NOT NULL THEN 1 ELSE 0 END) AS has_previous,
           string_agg(DISTINCT prev.owner_name, ' | ') AS previous_owners
    FROM (SELECT DISTINCT patent_id, step, via_rf_id FROM numbered WHERE via <> 'grant') cur
    LEFT JOIN numbered prev ON prev.patent_id = cur.patent_id AND prev.step = cur.step - 1
    LEFT JOIN assignor_entities ae
      ON ae.rf_id = cur.via_rf_id AND ae.entity_id = prev.entity_id
    GROUP BY cur.patent_id, cur.step, cur.via_rf_id
)
SELECT n.patent_id, n.entity_id, n.owner_name, n.start_date, n.end_date, n.via, n.via_rf_id,
       CASE
         WHEN n.same_day > 1 THEN 'several transfers recorded with this date; order by '
              || 'recorded date and reel-frame'
         WHEN n.via <> 'grant' AND c.has_previous = 0 THEN 'owner at grant not in the store'
         WHEN n.via <> 'grant' AND c.assignor_was_owner = 0
              THEN 'chain break: the assignors are not the previous owner ('
                   || coalesce(c.previous_owners, '?') || ')'
         ELSE NULL END AS note
FROM numbered n
LEFT JOIN checked c ON c.patent_id = n.patent_id AND c.step = n.step
"""

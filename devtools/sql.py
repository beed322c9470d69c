"""The set-based SQL behind devtools.synthetic (one statement per step, no per-row work).

Temporary tables live for one transaction: syn_commune (the newest edition's communes with the
agency that handles each), syn_part (their subdivided parts, for cheap point-in-polygon tests),
syn_centre (settlements with their share of the cumulative weight), syn_cell (grid cells that
lie inside one commune), syn_category, syn_del.
"""

# The tables a synthetic load writes (and whose indexes and keys a large one defers).
BULK_TABLES = ("reports_report", "reports_reporteridentity", "reports_result", "reports_rating")

# Synthetic rows can be regenerated, so a crash losing the commit costs nothing; JIT would
# compile every batch for seconds.
MAINTENANCE_SQL = (
    "SET LOCAL synchronous_commit = off; SET LOCAL jit = off; "
    "SET LOCAL work_mem = '64MB'; SET LOCAL maintenance_work_mem = '512MB'"
)
TABLE_ROWS_SQL = "SELECT reltuples FROM pg_class WHERE oid = 'reports_report'::regclass"
ANALYZE_BULK_TABLES_SQL = "ANALYZE " + ", ".join(BULK_TABLES)
ANALYZE_REPORT_SQL = "ANALYZE reports_report"
ANALYZE_RESULT_SQL = "ANALYZE reports_result"
SEED_SQL = "SELECT setseed(%s)"

# ON COMMIT DROP does not fire inside an outer transaction (tests): drop explicitly as well.
DROP_SQL = "DROP TABLE IF EXISTS syn_commune, syn_part, syn_centre, syn_cell, syn_category, syn_del"

# syn_cell is the grid that spares most points a point-in-polygon test: a cell (its box grown by
# 1e-9°, far beyond rounding, so that it holds every point floor() assigns to it) that meets
# the parts of one commune only and lies inside it gives the answer that test would give.
SETUP_SQL = """
CREATE TEMP TABLE syn_commune ON COMMIT DROP AS
SELECT u.id, u.parent_id, u.edition_id, u.name, u.geom,
       CASE WHEN u.unit_type = 'phường' THEN %(ward)s ELSE 1.0 END AS w,
       CASE WHEN u.unit_type = 'phường' THEN 1200.0 ELSE 2500.0 END AS sigma,
       (SELECT a.id FROM routing_rules_agency a
        WHERE a.is_active AND a.jurisdiction_codes::jsonb ? u.code
        ORDER BY (a.kind = 'commune_ubnd') DESC, a.id LIMIT 1) AS agency_id
FROM boundaries_adminunit u
WHERE u.level = 'commune'
  AND u.edition_id = (SELECT edition_id FROM boundaries_adminunit
                      WHERE level = 'commune' ORDER BY edition_id DESC LIMIT 1);
CREATE TEMP TABLE syn_part ON COMMIT DROP AS
SELECT part.unit_id, part.geom FROM boundaries_adminunitpart part
WHERE part.level = 'commune' AND part.unit_id IN (SELECT id FROM syn_commune);
CREATE INDEX ON syn_part USING gist (geom);
ANALYZE syn_commune, syn_part;
CREATE TEMP TABLE syn_centre ON COMMIT DROP AS
WITH centres AS (
    SELECT id, ST_Transform(ST_PointOnSurface(geom), %(srid)s) AS c, w, sigma FROM syn_commune
    UNION ALL
    SELECT id, ST_Transform((ST_Dump(ST_GeneratePoints(geom, %(villages)s, %(iseed)s))).geom,
                            %(srid)s),
           w * %(village)s, sigma * 0.4
    FROM syn_commune
), numbered AS (
    SELECT row_number() OVER (ORDER BY id, ST_X(c), ST_Y(c)) AS k, ST_X(c) AS x, ST_Y(c) AS y,
           sigma, w FROM centres
)
SELECT k, x, y, sigma::float8, ((sum(w) OVER (ORDER BY k) - w) / sum(w) OVER ())::float8 AS lo
FROM numbered;
CREATE TEMP TABLE syn_cell ON COMMIT DROP AS
WITH pairs AS (
    SELECT part.unit_id, part.geom, i, j,
           ST_MakeEnvelope(i * %(cell)s - 1e-9, j * %(cell)s - 1e-9,
                           (i + 1) * %(cell)s + 1e-9, (j + 1) * %(cell)s + 1e-9, 4326) AS box
    FROM syn_part part,
        generate_series(floor((ST_XMin(part.geom) - 1e-9) / %(cell)s)::int,
                        floor((ST_XMax(part.geom) + 1e-9) / %(cell)s)::int) AS i,
        generate_series(floor((ST_YMin(part.geom) - 1e-9) / %(cell)s)::int,
                        floor((ST_YMax(part.geom) + 1e-9) / %(cell)s)::int) AS j
    WHERE %(grid)s
)
SELECT i, j, min(unit_id) AS commune_id
FROM pairs WHERE ST_Intersects(geom, box)
GROUP BY i, j, box
HAVING min(unit_id) = max(unit_id) AND ST_Covers(
    CASE WHEN count(*) = 1 THEN ST_Collect(geom) ELSE ST_UnaryUnion(ST_Collect(geom)) END, box);
ALTER TABLE syn_cell ADD PRIMARY KEY (i, j);
CREATE TEMP TABLE syn_category ON COMMIT DROP AS
SELECT row_number() OVER (ORDER BY sort_order, id) AS k, id, name, urgent_hint
FROM routing_rules_category WHERE is_active;
ANALYZE syn_centre, syn_category, syn_cell;
"""

# One batch: candidate points (more than needed, as some fall outside the province), each
# transformed once and located in the commune whose parts cover it (lowest id on a shared
# border), numbered in candidate order, then given attributes by age. width_bucket picks the
# settlement whose cumulative-weight interval holds r.
BATCH_SQL = """
WITH g AS MATERIALIZED (
    SELECT n, random() AS r, 1 - random() AS a, random() AS b, random() AS rc,
           random() AS rs, random() AS rt, random() AS rh, random() AS ru, random() AS rp,
           random() AS rd
    FROM generate_series(%(first)s, %(last)s) AS n
), p AS MATERIALIZED (
    SELECT g.*, ST_Transform(ST_SetSRID(ST_MakePoint(
               s.x + s.sigma * sqrt(-2 * ln(g.a)) * cos(2 * pi() * g.b),
               s.y + s.sigma * sqrt(-2 * ln(g.a)) * sin(2 * pi() * g.b)), %(srid)s), 4326) AS pt
    FROM g
    JOIN syn_centre s
      ON s.k = width_bucket(g.r, (SELECT array_agg(lo ORDER BY k) FROM syn_centre))
), located AS MATERIALIZED (
    SELECT p.*, COALESCE(cell.commune_id, (
               SELECT part.unit_id FROM syn_part part WHERE ST_Intersects(part.geom, p.pt)
               ORDER BY part.unit_id LIMIT 1)) AS commune_id
    FROM p
    LEFT JOIN syn_cell cell ON cell.i = floor(ST_X(p.pt) / %(cell)s)::int
                           AND cell.j = floor(ST_Y(p.pt) / %(cell)s)::int
), kept AS (
    SELECT l.*, %(written)s + row_number() OVER (ORDER BY l.n) AS number
    FROM located l WHERE l.commune_id IS NOT NULL
    ORDER BY l.n LIMIT %(limit)s
), aged AS (
    SELECT k.*, u.parent_id AS district_id, u.edition_id, u.name AS commune_name, u.agency_id,
           now() - make_interval(secs => 730 * 86400 * power(k.rt, 0.85)) AS created,
           c.id AS category_id, c.name AS category_name, c.urgent_hint
    FROM kept k
    JOIN syn_commune u ON u.id = k.commune_id
    JOIN syn_category c
      ON c.k = 1 + floor(k.rc * (SELECT count(*) FROM syn_category))::bigint
), st AS (
    SELECT a.*,
      CASE WHEN now() - a.created > interval '20 days' THEN
        CASE WHEN rs < 0.78 THEN 'published' WHEN rs < 0.88 THEN 'rejected'
             WHEN rs < 0.91 THEN 'merged' WHEN rs < 0.95 THEN 'in_progress'
             WHEN rs < 0.97 THEN 'assigned' WHEN rs < 0.98 THEN 'reopened'
             WHEN rs < 0.99 THEN 'result_submitted' WHEN rs < 0.995 THEN 'submitted'
             ELSE 'returned' END
      ELSE
        CASE WHEN rs < 0.12 THEN 'submitted' WHEN rs < 0.37 THEN 'assigned'
             WHEN rs < 0.67 THEN 'in_progress' WHEN rs < 0.75 THEN 'result_submitted'
             WHEN rs < 0.90 THEN 'published' WHEN rs < 0.96 THEN 'rejected'
             WHEN rs < 0.98 THEN 'returned' WHEN rs < 0.99 THEN 'reopened'
             ELSE 'merged' END
      END AS planned
    FROM aged a
)
INSERT INTO reports_report (
    reference, title, description, point, location_source, incident_at, urgent, private_result,
    status, verify_due_at, assigned_at, due_at, is_overdue, status_notice_sent_at, closed_at,
    hidden, hidden_reason, created_at, updated_at, category_id, commune_id, current_agency_id,
    district_id, duplicate_of_id, edition_id
)
SELECT
    %(prefix)s || lpad(st.number::text, 7, '0'),
    st.category_name || ' — ' || st.commune_name,
    'Phản ánh mô phỏng về ' || lower(st.category_name) || ' tại ' || st.commune_name || '.',
    st.pt, 'pin', NULL,
    st.ru < CASE WHEN st.urgent_hint THEN 0.6 ELSE 0.03 END,
    st.rp < 0.05,
    CASE WHEN st.planned = 'merged' THEN 'rejected' ELSE st.planned END,
    st.created + interval '1 day',
    CASE WHEN st.planned IN ('submitted', 'rejected', 'returned') THEN NULL
         ELSE st.created + make_interval(hours => 2 + floor(st.rd * 20)::int) END,
    CASE WHEN st.planned IN ('submitted', 'rejected', 'returned') THEN NULL
         ELSE st.created + make_interval(days => 8 + floor(st.rd * 3)::int) END,
    st.planned IN ('assigned', 'in_progress', 'reopened', 'result_submitted')
        AND st.created + make_interval(days => 8 + floor(st.rd * 3)::int) < now(),
    NULL,
    CASE WHEN st.planned IN ('published', 'rejected', 'merged')
         THEN LEAST(now(), st.created + make_interval(hours => 6 + floor(st.rd * 300)::int))
         END,
    st.rh < 0.005,
    CASE WHEN st.rh < 0.005 THEN %(hidden_reason)s ELSE '' END,
    st.created,
    CASE WHEN st.planned IN ('published', 'rejected', 'merged')
         THEN LEAST(now(), st.created + make_interval(hours => 6 + floor(st.rd * 300)::int))
         ELSE st.created END,
    st.category_id, st.commune_id,
    CASE WHEN st.planned IN ('submitted', 'rejected', 'returned', 'merged') THEN NULL
         ELSE st.agency_id END,
    st.district_id, NULL, st.edition_id
FROM st
ORDER BY st.n
"""

IDENTITY_SQL = """
INSERT INTO reports_reporteridentity (report_id, user_id, full_name, phone, email)
SELECT r.id, %(user)s, 'Người dân mô phỏng', '09' || lpad((r.id %% 100000000)::text, 8, '0'), ''
FROM reports_report r
WHERE r.reference LIKE %(like)s
"""

# Merged reports point at the previous report of the same category in the same commune.
MERGE_SQL = """
UPDATE reports_report r SET status = 'merged', duplicate_of_id = t.prev
FROM (
    SELECT id, lag(id) OVER (PARTITION BY commune_id, category_id ORDER BY created_at, id) AS prev
    FROM reports_report WHERE reference LIKE %(like)s
) t
WHERE r.id = t.id AND t.prev IS NOT NULL AND r.status = 'rejected' AND r.closed_at IS NOT NULL
  AND abs(hashtext(r.reference)) %% 100 < 23
"""

RESULT_SQL = """
INSERT INTO reports_result (report_id, agency_id, author_id, text, edited_text, state, is_public,
                            decided_by_id, decided_at, return_reason, created_at)
SELECT r.id, r.current_agency_id, %(user)s, 'Đã xử lý xong (dữ liệu mô phỏng).', '',
       'published', NOT r.private_result, %(user)s, r.closed_at, '', r.closed_at
FROM reports_report r
WHERE r.reference LIKE %(like)s AND r.status = 'published' AND r.current_agency_id IS NOT NULL
"""

RATING_SQL = """
INSERT INTO reports_rating (report_id, result_id, user_id, value, comment, created_at)
SELECT x.report_id, x.id, %(user)s,
       CASE WHEN h < 62 THEN 'satisfied' WHEN h < 85 THEN 'acceptable' ELSE 'unsatisfied' END,
       '', x.decided_at
FROM (
    SELECT res.*, abs(hashtext(r.reference || 'rating')) %% 100 AS h,
           abs(hashtext(r.reference || 'rated')) %% 100 AS rated
    FROM reports_result res JOIN reports_report r ON r.id = res.report_id
    WHERE r.reference LIKE %(like)s
) x
WHERE x.rated < 60
"""

DELETE_SQL = [
    "CREATE TEMP TABLE syn_del ON COMMIT DROP AS "
    "SELECT id FROM reports_report WHERE reference LIKE %(like)s",
    "DELETE FROM reports_rating WHERE report_id IN (SELECT id FROM syn_del)",
    "DELETE FROM reports_result WHERE report_id IN (SELECT id FROM syn_del)",
    "DELETE FROM reports_reporteridentity WHERE report_id IN (SELECT id FROM syn_del)",
    "DELETE FROM reports_report WHERE id IN (SELECT id FROM syn_del)",
]

"""Synthetic reports for demos and benchmarks, written with set-based SQL (1M rows in minutes).

Points cluster around settlements: every commune's PointOnSurface (the main village or town)
plus a few secondary villages (ST_GeneratePoints inside the commune), weighted by a population
proxy (wards weigh more than rural communes) and spread with a Gaussian in the metric CRS. Each
point is then located in the commune that really contains it, so the commune/district FKs are
consistent with the geometry. Rows are tagged by their reference prefix (``SYN<tag>-``) so a
run can be repeated (same tag, same seed, same rows) or removed.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction

from reports.models import Report, Role, User

REFERENCE_PREFIX = "SYN"
TAG_PATTERN = re.compile(r"^[A-Za-z0-9]{1,6}$")
BATCH_SIZE = 50_000
# Wards (phường) are towns: far more residents, and far more reports, per settlement.
WARD_WEIGHT = 8.0
VILLAGE_WEIGHT = 0.35
VILLAGES_PER_COMMUNE = 3
HIDDEN_REASON = "Nội dung vi phạm quy định đăng tải (dữ liệu mô phỏng)."


class SyntheticError(Exception):
    pass


@dataclass(frozen=True)
class SyntheticPlan:
    tag: str
    count: int
    seed: float
    existing: int
    communes: int
    categories: int


def _prefix(tag: str) -> str:
    return f"{REFERENCE_PREFIX}{tag}-"


def tag_check(tag: str) -> str:
    if not TAG_PATTERN.match(tag or ""):
        raise SyntheticError("Thẻ (--tag) phải gồm 1–6 chữ cái hoặc chữ số, ví dụ: demo1.")
    return tag


def synthetic_count(*, tag: str) -> int:
    return Report.objects.filter(reference__startswith=_prefix(tag_check(tag))).count()


def synthetic_plan(*, tag: str, count: int, seed: int) -> SyntheticPlan:
    from boundaries.models import AdminUnit
    from routing_rules.models import Category

    tag_check(tag)
    if count < 1 or count > 9_999_999:
        raise SyntheticError("Số phản ánh (--count) phải từ 1 đến 9 999 999.")
    communes = AdminUnit.objects.filter(level="commune").count()
    categories = Category.objects.filter(is_active=True).count()
    if communes == 0:
        raise SyntheticError("Chưa có ranh giới xã/phường: chạy boundaries_import trước.")
    if categories == 0:
        raise SyntheticError("Chưa có lĩnh vực phản ánh: chạy routing_load trước.")
    return SyntheticPlan(
        tag=tag,
        count=count,
        seed=(seed % 1000) / 1000.0,
        existing=synthetic_count(tag=tag),
        communes=communes,
        categories=categories,
    )


def synthetic_delete(*, tag: str) -> int:
    """Remove a tag's reports with the rows that hang off them (results, ratings, identities)."""
    like = _prefix(tag_check(tag)) + "%"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(DROP_SQL)
        cursor.execute(
            "CREATE TEMP TABLE syn_del ON COMMIT DROP AS "
            "SELECT id FROM reports_report WHERE reference LIKE %s",
            [like],
        )
        cursor.execute("DELETE FROM reports_rating WHERE report_id IN (SELECT id FROM syn_del)")
        cursor.execute("DELETE FROM reports_result WHERE report_id IN (SELECT id FROM syn_del)")
        cursor.execute(
            "DELETE FROM reports_reporteridentity WHERE report_id IN (SELECT id FROM syn_del)"
        )
        cursor.execute("DELETE FROM reports_report WHERE id IN (SELECT id FROM syn_del)")
        removed = cursor.rowcount
        cursor.execute(DROP_SQL)
        return removed


def _synthetic_user(tag: str) -> User:
    user, _ = User.objects.get_or_create(
        username=f"synthetic-{tag.lower()}",
        defaults={"full_name": "Người dân (dữ liệu mô phỏng)", "role": Role.CITIZEN},
    )
    if user.has_usable_password():
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


# ON COMMIT DROP does not fire inside an outer transaction (tests): drop explicitly as well.
DROP_SQL = "DROP TABLE IF EXISTS syn_centre, syn_category, syn_agency, syn_del"

SETUP_SQL = """
CREATE TEMP TABLE syn_centre ON COMMIT DROP AS
WITH communes AS (
    SELECT u.id, u.code, u.geom,
           CASE WHEN u.unit_type = 'phường' THEN %(ward)s ELSE 1.0 END AS w,
           CASE WHEN u.unit_type = 'phường' THEN 1200.0 ELSE 2500.0 END AS sigma
    FROM boundaries_adminunit u
    WHERE u.level = 'commune'
      AND u.edition_id = (SELECT edition_id FROM boundaries_adminunit
                          WHERE level = 'commune' ORDER BY edition_id DESC LIMIT 1)
), centres AS (
    SELECT id, ST_Transform(ST_PointOnSurface(geom), %(srid)s) AS c, w, sigma FROM communes
    UNION ALL
    SELECT id, ST_Transform((ST_Dump(ST_GeneratePoints(geom, %(villages)s, %(iseed)s))).geom,
                            %(srid)s),
           w * %(village)s, sigma * 0.4
    FROM communes
)
SELECT row_number() OVER (ORDER BY id, ST_X(c), ST_Y(c)) AS k, ST_X(c) AS x, ST_Y(c) AS y,
       sigma, w FROM centres;
ALTER TABLE syn_centre ADD COLUMN lo float8, ADD COLUMN hi float8;
UPDATE syn_centre s SET lo = t.lo, hi = t.hi FROM (
    SELECT k, (sum(w) OVER (ORDER BY k) - w) / sum(w) OVER () AS lo,
           sum(w) OVER (ORDER BY k) / sum(w) OVER () AS hi FROM syn_centre
) t WHERE s.k = t.k;
CREATE TEMP TABLE syn_category ON COMMIT DROP AS
SELECT row_number() OVER (ORDER BY sort_order, id) AS k, id, name, urgent_hint
FROM routing_rules_category WHERE is_active;
CREATE TEMP TABLE syn_agency ON COMMIT DROP AS
SELECT DISTINCT ON (u.id) u.id AS commune_id, a.id AS agency_id
FROM boundaries_adminunit u
JOIN routing_rules_agency a ON a.is_active AND a.jurisdiction_codes::jsonb ? u.code
WHERE u.level = 'commune'
ORDER BY u.id, (a.kind = 'commune_ubnd') DESC, a.id;
"""

# One batch: candidate points (more than needed, as some fall outside the province), located
# in their commune through the subdivided parts table, then given attributes by age.
BATCH_SQL = """
WITH g AS (
    SELECT n, random() AS r, 1 - random() AS a, random() AS b, random() AS rc,
           random() AS rs, random() AS rt, random() AS rh, random() AS ru, random() AS rp,
           random() AS rd
    FROM generate_series(%(first)s, %(last)s) AS n
), p AS (
    SELECT g.*, ST_Transform(ST_SetSRID(ST_MakePoint(
               s.x + s.sigma * sqrt(-2 * ln(g.a)) * cos(2 * pi() * g.b),
               s.y + s.sigma * sqrt(-2 * ln(g.a)) * sin(2 * pi() * g.b)), %(srid)s), 4326) AS pt
    FROM g JOIN syn_centre s ON g.r >= s.lo AND g.r < s.hi
), located AS (
    SELECT DISTINCT ON (p.n) p.*, u.id AS commune_id, u.parent_id AS district_id,
           u.edition_id, u.name AS commune_name
    FROM p
    JOIN boundaries_adminunitpart part
      ON part.level = 'commune' AND ST_Intersects(part.geom, p.pt)
    JOIN boundaries_adminunit u ON u.id = part.unit_id
    ORDER BY p.n, u.id
), aged AS (
    SELECT l.*,
           now() - make_interval(secs => 730 * 86400 * power(l.rt, 0.85)) AS created,
           c.id AS category_id, c.name AS category_name, c.urgent_hint
    FROM located l
    JOIN syn_category c ON c.k = 1 + floor(l.rc * (SELECT count(*) FROM syn_category))
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
    %(prefix)s || lpad(st.n::text, 7, '0'),
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
         ELSE ag.agency_id END,
    st.district_id, NULL, st.edition_id
FROM st LEFT JOIN syn_agency ag ON ag.commune_id = st.commune_id
ORDER BY st.n
LIMIT %(limit)s
RETURNING id, status
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


def synthetic_generate(
    *,
    tag: str,
    count: int,
    seed: int = 42,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Replace the tag's reports with `count` new ones; the same tag and seed give the same rows.

    Returns the number of reports written.
    """
    plan = synthetic_plan(tag=tag, count=count, seed=seed)
    if plan.existing:
        synthetic_delete(tag=tag)
    user = _synthetic_user(tag)
    prefix = _prefix(tag)
    like = prefix + "%"
    srid = settings.BOUNDARIES_METRIC_SRID
    written = 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(DROP_SQL)
        cursor.execute("SELECT setseed(%s)", [plan.seed])
        cursor.execute(
            SETUP_SQL,
            {
                "ward": WARD_WEIGHT,
                "village": VILLAGE_WEIGHT,
                "villages": VILLAGES_PER_COMMUNE,
                "iseed": seed,
                "srid": srid,
            },
        )
        number = 1
        while written < count:
            want = min(BATCH_SIZE, count - written)
            # 25 % spare candidates: the Gaussian tails of border villages leave the province.
            spare = int(want * 1.25) + 20
            cursor.execute(
                BATCH_SQL,
                {
                    "first": number,
                    "last": number + spare - 1,
                    "limit": want,
                    "srid": srid,
                    "prefix": prefix,
                    "hidden_reason": HIDDEN_REASON,
                },
            )
            rows = cursor.fetchall()
            if not rows:
                raise SyntheticError("Không sinh được điểm nào trong tỉnh: kiểm tra ranh giới.")
            number += spare
            written += len(rows)
            if progress:
                progress(len(rows))
        # Fresh statistics, or the planner treats the new rows as an empty table.
        cursor.execute("ANALYZE reports_report")
        cursor.execute(IDENTITY_SQL, {"user": user.pk, "like": like})
        cursor.execute(MERGE_SQL, {"like": like})
        cursor.execute(RESULT_SQL, {"user": user.pk, "like": like})
        cursor.execute("ANALYZE reports_result")
        cursor.execute(RATING_SQL, {"user": user.pk, "like": like})
        cursor.execute(DROP_SQL)
        cursor.execute("ANALYZE reports_report")
    return written

"""The one statement that fans an event out to the alerts it matches.

Matching is by the report's commune or former district (the partial index on unit) or by
distance (the GiST index on the geography point: the constant widest radius lets the index
answer, the per-alert radius then decides). Users who already hold a notification of this event
(the reporter, followers, staff) and the event's actor are left out; a user with several
matching alerts gets one row (DISTINCT ON user)."""

from django.db import connection

from alerts.models import RADIUS_MAX_M, AlertDelivery, AreaAlert
from reports.models import Notification, Report, ReporterIdentity, Transition, User


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _fanout_sql() -> str:
    return f"""
WITH event AS (
    SELECT r.commune_id, r.district_id, r.point::geography AS geog,
           t.actor_id, i.user_id AS reporter_id
    FROM {_table(Transition)} t
    JOIN {_table(Report)} r ON r.id = t.report_id
    LEFT JOIN {_table(ReporterIdentity)} i ON i.report_id = r.id
    WHERE t.id = %(transition)s
), candidates AS (
    -- Two branches, each an index probe driven by the one event row (an OR across them
    -- would read every alert).
    SELECT a.id, a.user_id, a.what
    FROM event e JOIN {_table(AreaAlert)} a ON a.unit_id IN (e.commune_id, e.district_id)
    WHERE a.active
    UNION ALL
    SELECT a.id, a.user_id, a.what
    FROM event e JOIN {_table(AreaAlert)} a
      ON ST_DWithin(a.point, e.geog, %(widest)s) AND ST_DWithin(a.point, e.geog, a.radius_m)
    WHERE a.active
), matched AS (
    SELECT DISTINCT ON (c.user_id) c.id, c.user_id
    FROM candidates c CROSS JOIN event e
    WHERE c.what IN (%(what)s, %(both)s)
      AND c.user_id IS DISTINCT FROM e.actor_id
      AND c.user_id IS DISTINCT FROM e.reporter_id
      AND NOT EXISTS (
          SELECT 1 FROM {_table(Notification)} n
          WHERE n.user_id = c.user_id AND n.transition_id = %(transition)s
      )
    ORDER BY c.user_id, c.id
)
INSERT INTO {_table(AlertDelivery)} (alert_id, user_id, transition_id, kind, created_at)
SELECT m.id, m.user_id, %(transition)s, %(kind)s, now()
FROM matched m JOIN {_table(User)} u ON u.id = m.user_id AND u.is_active
ON CONFLICT (user_id, transition_id) DO NOTHING
RETURNING id
"""


def deliveries_insert(*, transition_id: int, kind: str) -> list[int]:
    """Record who hears of the event; the ids of the rows written now (none when run again)."""
    params = {
        "transition": transition_id,
        "kind": kind,
        "what": kind,
        "both": AreaAlert.What.BOTH,
        "widest": RADIUS_MAX_M,
    }
    with connection.cursor() as cursor:
        cursor.execute(_fanout_sql(), params)
        return [row[0] for row in cursor.fetchall()]

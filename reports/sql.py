"""Raw SQL of the reports app: named fragments with parameters only."""

# A point given as (lon, lat) parameters, as geography for distances in metres.
POINT_GEOGRAPHY = "ST_SetSRID(ST_MakePoint(%s, %s), 4326)::geography"
# Parameters: lon, lat, radius in metres.
REPORT_WITHIN_M = f"ST_DWithin(reports_report.point::geography, {POINT_GEOGRAPHY}, %s)"
# Parameters: lon, lat.
REPORT_DISTANCE_M = f"ST_Distance(reports_report.point::geography, {POINT_GEOGRAPHY})"

# The rows a new report needs beside itself, in one statement: the reporter's identity, their
# consent to the processing (Law 91/2025) and, for SUBMISSION_ROWS_KEYED, the client's
# Idempotency-Key. Parameters by name; the identity's id comes back. A row of the same key that
# has expired (created before the cutoff) is taken over; a live one is left alone and no row
# comes back: the key belongs to another submission (replay it, this one rolls back).
_SUBMISSION_ROWS = """
WITH identity AS (
    INSERT INTO reports_reporteridentity (report_id, user_id, full_name, phone, email)
    VALUES (%(report)s, %(user)s, %(full_name)s, %(phone)s, %(email)s)
    RETURNING id
), consent AS (
    INSERT INTO reports_processingconsent (user_id, context, notice_version, report_id, created_at)
    VALUES (%(user)s, %(consent_context)s, %(notice_version)s, %(report)s, %(now)s)
)
"""
SUBMISSION_ROWS = _SUBMISSION_ROWS + "SELECT id FROM identity"
SUBMISSION_ROWS_KEYED = (
    _SUBMISSION_ROWS
    + """
INSERT INTO reports_idempotencykey (user_id, scope, key, request_hash, report_id, created_at)
VALUES (%(user)s, %(scope)s, %(key)s, %(request_hash)s, %(report)s, %(now)s)
ON CONFLICT ON CONSTRAINT idempotency_key_once DO UPDATE
SET request_hash = EXCLUDED.request_hash, report_id = EXCLUDED.report_id,
    created_at = EXCLUDED.created_at
WHERE reports_idempotencykey.created_at < %(cutoff)s
RETURNING (SELECT id FROM identity)
"""
)

# The searchable text of a report without diacritics; migration 0012 indexes exactly this
# expression (GIN), so a search must use it unchanged.
REPORT_SEARCH_VECTOR = (
    "to_tsvector('simple'::regconfig, reports_unaccent("
    "reports_report.title || ' ' || reports_report.description))"
)
# Parameter: a tsquery in the 'simple' configuration (reports.inbox builds it from words).
REPORT_SEARCH_MATCH = f"{REPORT_SEARCH_VECTOR} @@ to_tsquery('simple'::regconfig, %s)"

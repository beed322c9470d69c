"""The analysis time budget (see maps.budget)."""

# set_config(…, true) is SET LOCAL with a bound parameter: it lasts until the transaction (or
# the savepoint it was set in) ends, so it holds behind PgBouncer in transaction mode and never
# leaks to the connection's next request. Param: the timeout, e.g. '1000ms'. Returns the
# setting it replaced.
STATEMENT_TIMEOUT_SET = """
SELECT s.old, set_config('statement_timeout', %s, true)
FROM (SELECT current_setting('statement_timeout') AS old OFFSET 0) s
"""
STATEMENT_TIMEOUT_RESTORE = "SELECT set_config('statement_timeout', %s, true)"

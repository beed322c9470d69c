"""The replica's own query."""

# Seconds the replica's data is behind the primary: 0 when it has replayed all it received (or
# is no standby at all), else the time since the commit of the last transaction it replayed;
# NULL when it cannot tell (nothing replayed since it started). After a quiet spell on the
# primary this overstates the lag for the moment a new commit takes to replay: reads then go to
# the primary for one check interval, which is safe.
REPLICA_LAG = """
SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN 0
    WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
    ELSE EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp())
END
"""

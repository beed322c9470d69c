"""A kept connection is checked before reuse without a statement when it is idle, and a
connection the server ended is found unusable (then Django reconnects)."""

import pytest
from django.db import connection, connections

# Committing for real, limited to one small app's tables: the flush after each test must not
# empty the session's boundary and routing data that later tests read.
pytestmark = pytest.mark.django_db(transaction=True, available_apps=["outbox"])


def _last_query(pid: int) -> str:
    with connections["default"].cursor():
        pass
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid])
            return cursor.fetchone()[0]
    finally:
        other.close()


def test_an_idle_kept_connection_is_usable_without_a_round_trip():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid(), 'marker-before-the-check'")
        pid = cursor.fetchone()[0]
    assert connection.is_usable()
    assert "marker-before-the-check" in _last_query(pid)  # no SELECT 1 was sent


def test_a_connection_the_server_ended_is_unusable_and_replaced():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()
    assert not connection.is_usable()
    connection.health_check_enabled, connection.health_check_done = True, False
    connection.close_if_health_check_failed()
    with connection.cursor() as cursor:  # a new connection
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid


def test_a_connection_inside_a_failed_transaction_is_not_usable():
    from django.db import DatabaseError, transaction

    with transaction.atomic():
        with pytest.raises(DatabaseError), connection.cursor() as cursor:
            cursor.execute("SELECT * FROM no_such_table_here")
        assert not connection.is_usable()  # as Django's own check answers (test teardown)
        transaction.set_rollback(True)
    assert connection.is_usable()

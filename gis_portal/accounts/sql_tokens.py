"""The API token check as one statement, written once (PortalTokenAuthentication).

Building the same ORM query on every request (a join, an EXISTS, three filters) cost more
CPU than the rest of a trivial authenticated GET; the statement is now composed once per
process from the models' own columns, and only the values are parameters.
"""

from functools import lru_cache

from django.db import connections
from knox.models import AuthToken

from reports.models import User

TOKEN_FIELDS = tuple(f.attname for f in AuthToken._meta.concrete_fields)
USER_FIELDS = tuple(f.attname for f in User._meta.concrete_fields)


@lru_cache(maxsize=4)
def token_check_sql(vendor_alias: str) -> str:
    """The tokens of one key prefix with their account, and whether the account has other
    expired tokens. Params: now, the key prefix."""
    quote = connections[vendor_alias].ops.quote_name
    token_table, user_table = quote(AuthToken._meta.db_table), quote(User._meta.db_table)
    token_columns = ", ".join(f"t.{quote(f.column)}" for f in AuthToken._meta.concrete_fields)
    user_columns = ", ".join(f"u.{quote(f.column)}" for f in User._meta.concrete_fields)
    return (
        f"SELECT {token_columns}, {user_columns}, "
        f"EXISTS (SELECT 1 FROM {token_table} o WHERE o.user_id = t.user_id "
        "AND o.expiry < %s AND o.digest <> t.digest) "
        f"FROM {token_table} t JOIN {user_table} u ON u.id = t.user_id "
        "WHERE t.token_key = %s"
    )


def tokens_with_users(*, alias: str, key_prefix: str, now) -> list[tuple[AuthToken, bool]]:
    """(token with its user loaded, whether the account has other expired tokens)."""
    with connections[alias].cursor() as cursor:
        cursor.execute(token_check_sql(alias), (now, key_prefix))
        rows = cursor.fetchall()
    found = []
    split = len(TOKEN_FIELDS)
    for row in rows:
        token = AuthToken.from_db(alias, TOKEN_FIELDS, row[:split])
        user = User.from_db(alias, USER_FIELDS, row[split : split + len(USER_FIELDS)])
        AuthToken.user.field.set_cached_value(token, user)
        found.append((token, bool(row[-1])))
    return found

"""The token check of every API request: one statement, knox's rules kept (a token's digest
compared, an expired token deleted on sight, and the account's other expired tokens with it)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from gis_portal.accounts.tokens import PortalTokenAuthentication, TokenRejected
from reports.models import Role
from tests.reports.factories import UserFactory

pytestmark = pytest.mark.django_db


def authenticate(header: bytes | str):
    request = APIRequestFactory().get("/api/v1/me/", HTTP_AUTHORIZATION=header)
    return PortalTokenAuthentication().authenticate(Request(request))


def test_a_valid_token_is_checked_in_one_statement():
    user = UserFactory(role=Role.CITIZEN)
    token, key = AuthToken.objects.create(user=user, expiry=timedelta(hours=1))
    with CaptureQueriesContext(connection) as queries:
        found_user, found_token = authenticate(f"Token {key}")
    assert (found_user, found_token) == (user, token)
    assert len(queries) == 1


def test_the_accounts_other_expired_tokens_go_on_the_next_request_and_live_ones_stay():
    user = UserFactory(role=Role.CITIZEN)
    _, key = AuthToken.objects.create(user=user, expiry=timedelta(hours=1))
    expired, _ = AuthToken.objects.create(user=user, expiry=timedelta(hours=1))
    other_live, _ = AuthToken.objects.create(user=user, expiry=timedelta(hours=1))
    AuthToken.objects.filter(pk=expired.pk).update(expiry=timezone.now() - timedelta(seconds=1))
    assert authenticate(f"Token {key}")[0] == user
    assert set(AuthToken.objects.filter(user=user).values_list("pk", flat=True)) == {
        AuthToken.objects.get(token_key=key[:15]).pk,
        other_live.pk,
    }


def test_a_wrong_an_expired_or_an_undecodable_token_is_rejected():
    user = UserFactory(role=Role.CITIZEN)
    token, key = AuthToken.objects.create(user=user, expiry=timedelta(hours=1))
    with pytest.raises(TokenRejected):
        authenticate(f"Token {key[:-1]}{'0' if key[-1] != '0' else '1'}")
    with pytest.raises(TokenRejected):
        authenticate(b"Token " + key[:15].encode() + b"\xff\xfe")
    AuthToken.objects.filter(pk=token.pk).update(expiry=timezone.now() - timedelta(seconds=1))
    with pytest.raises(TokenRejected):
        authenticate(f"Token {key}")
    assert not AuthToken.objects.filter(pk=token.pk).exists()

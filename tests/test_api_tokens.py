"""API tokens (django-rest-knox): only a digest is stored, each token expires, the owner can
revoke it (logout) or all of them (logout-all), and a password change, whatever the path,
revokes every token of the account and signs out its other sessions."""

import importlib
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from knox.crypto import hash_token
from knox.models import AuthToken
from rest_framework.test import APIClient

from gis_portal.accounts.tokens import token_issue
from privacy import services as privacy
from reports.models import Role, User
from tests.reports.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "mat-khau-thu-1"
NEW_PASSWORD = "Muong-Thanh-2026"
ADDRESS = "203.0.113.40"


@pytest.fixture
def citizen():
    return UserFactory(username="dan-token", role=Role.CITIZEN)


def token_for(user, password=PASSWORD) -> dict:
    response = APIClient().post(
        reverse("auth-token"),
        {"username": user.username, "password": password},
        REMOTE_ADDR=ADDRESS,
    )
    assert response.status_code == 200, response.content
    return response.json()


def with_token(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def mine(key: str) -> int:
    return with_token(key).get(reverse("report-mine")).status_code


def test_the_database_holds_a_digest_of_the_token_never_the_token(citizen):
    answer = token_for(citizen)
    key = answer["token"]
    row = AuthToken.objects.get(user=citizen)
    assert row.digest == hash_token(key) != key
    stored = AuthToken.objects.filter(pk=row.pk).values().get()
    assert all(key not in str(value) for value in stored.values())
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM knox_authtoken")
        assert all(key not in str(value) for row in cursor.fetchall() for value in row)
    # The header clients send is unchanged: `Authorization: Token <key>`.
    assert mine(key) == 200


def test_a_citizen_token_lasts_thirty_days_and_a_staff_token_twelve_hours(
    citizen, ubnd_dbp, settings
):
    assert settings.PORTAL_TOKEN_TTL_HOURS == 720
    assert settings.PORTAL_STAFF_TOKEN_TTL_HOURS == 12
    officer = UserFactory(username="canbo-token", role=Role.AGENCY_OFFICER, agency=ubnd_dbp)
    for user, hours in ((citizen, 720), (officer, 12)):
        expiry = parse_datetime(token_for(user)["expiry"])
        assert abs(expiry - (timezone.now() + timedelta(hours=hours))) < timedelta(minutes=1)
        assert AuthToken.objects.get(user=user).expiry == expiry


def test_an_expired_token_is_refused_with_a_401_and_deleted(citizen):
    key = token_for(citizen)["token"]
    AuthToken.objects.filter(user=citizen).update(expiry=timezone.now() - timedelta(seconds=1))
    response = with_token(key).get(reverse("report-mine"))
    assert response.status_code == 401
    assert "hết hạn" in response.json()["error"]
    assert response["WWW-Authenticate"] == "Token"
    assert not AuthToken.objects.filter(user=citizen).exists()


def test_logout_revokes_the_token_it_is_sent_with_and_no_other(citizen):
    phone, tablet = token_for(citizen)["token"], token_for(citizen)["token"]
    assert with_token(phone).post(reverse("auth-logout")).status_code == 204
    assert mine(phone) == 401
    assert mine(tablet) == 200
    assert AuthToken.objects.filter(user=citizen).count() == 1


def test_logout_all_revokes_every_token_of_the_account(citizen):
    keys = [token_for(citizen)["token"] for _ in range(3)]
    other = token_for(UserFactory(username="dan-khac"))["token"]
    assert with_token(keys[0]).post(reverse("auth-logout-all")).status_code == 204
    assert [mine(key) for key in keys] == [401, 401, 401]
    assert mine(other) == 200


def test_logout_without_a_token_is_a_401(api_client):
    assert api_client.post(reverse("auth-logout")).status_code == 401
    assert api_client.post(reverse("auth-logout-all")).status_code in (401, 403)


def test_signing_in_past_the_limit_drops_the_oldest_tokens(citizen, settings):
    settings.PORTAL_TOKENS_PER_USER = 3
    keys = [token_for(citizen)["token"] for _ in range(5)]
    assert AuthToken.objects.filter(user=citizen).count() == 3
    assert [mine(key) for key in keys] == [401, 401, 200, 200, 200]


def test_registration_answers_a_token_stored_as_a_digest(api_client):
    response = api_client.post(
        reverse("auth-register"),
        {
            "username": "dan-moi",
            "password": NEW_PASSWORD,
            "full_name": "Lò Thị Mới",
            "phone": "0987654321",
        },
    )
    assert response.status_code == 201
    assert set(response.json()) == {"username", "token"}
    key = response.json()["token"]
    assert AuthToken.objects.get(user__username="dan-moi").digest == hash_token(key)
    assert mine(key) == 200


# --- a password change revokes tokens and other sessions --------------------------------------


def signed_in(user):
    """A browser session signed in through the real form."""
    client = Client()
    response = client.post(
        reverse("reports-web:login"), {"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    return client


def still_signed_in(client) -> bool:
    return client.get(reverse("reports-web:my-reports")).status_code == 200


def test_set_password_and_save_revokes_every_token_and_session(citizen):
    key = token_for(citizen)["token"]
    browser = signed_in(citizen)
    citizen.set_password(NEW_PASSWORD)
    citizen.save()
    assert mine(key) == 401
    assert not still_signed_in(browser)
    assert not AuthToken.objects.filter(user=citizen).exists()


def test_a_password_written_straight_to_the_field_revokes_too(citizen):
    key = token_for(citizen)["token"]
    user = User.objects.get(pk=citizen.pk)
    user.password = make_password(NEW_PASSWORD)
    user.save(update_fields=["password"])
    assert mine(key) == 401


def test_saving_anything_but_the_password_keeps_the_tokens(citizen):
    key = token_for(citizen)["token"]
    user = User.objects.get(pk=citizen.pk)
    user.full_name = "Lò Văn Đổi Tên"
    user.save()
    User.objects.only("pk", "email").get(pk=citizen.pk).save(update_fields=["email"])
    assert mine(key) == 200


def test_the_admins_own_password_form_keeps_that_session_and_ends_the_others(client):
    root = UserFactory(username="quantri-doi-mk", role=Role.ADMIN, is_staff=True, is_superuser=True)
    key = token_issue(user=root).key  # its owner's token endpoint would ask for a code too
    elsewhere = signed_in(root)
    client.force_login(root)
    response = client.post(
        reverse("admin:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302, response.content
    assert mine(key) == 401
    assert client.get(reverse("admin:index")).status_code == 200
    assert elsewhere.get(reverse("admin:index")).status_code == 302  # to the sign-in page
    assert elsewhere.get(reverse("admin:index")).url.startswith(reverse("admin:login"))


def test_an_administrator_setting_someones_password_revokes_their_tokens(admin_client, citizen):
    key = token_for(citizen)["token"]
    browser = signed_in(citizen)
    response = admin_client.post(
        reverse("admin:auth_user_password_change", args=[citizen.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content
    assert mine(key) == 401
    assert not still_signed_in(browser)


# --- erasure, lockout, commands, migration, schema --------------------------------------------


def test_an_erased_account_keeps_no_token(citizen):
    keys = [token_for(citizen)["token"] for _ in range(2)]
    privacy.user_erase(user=citizen, password=PASSWORD)
    assert not AuthToken.objects.filter(user=citizen).exists()
    assert [mine(key) for key in keys] == [401, 401]


def test_the_token_endpoint_still_locks_out_after_five_wrong_passwords(api_client, citizen):
    def attempt(password):
        return api_client.post(
            reverse("auth-token"),
            {"username": citizen.username, "password": password},
            REMOTE_ADDR=ADDRESS,
        )

    assert [attempt("sai").status_code for _ in range(5)] == [400, 400, 400, 400, 429]
    locked = attempt(PASSWORD)
    assert locked.status_code == 429 and "token" not in locked.json()
    assert not AuthToken.objects.filter(user=citizen).exists()


def test_the_revoke_command_signs_an_account_out_of_every_app(citizen, capsys):
    key = token_for(citizen)["token"]
    call_command("api_tokens_revoke", citizen.username, "--dry-run")
    assert "Sẽ thu hồi 1 token API" in capsys.readouterr().out and mine(key) == 200
    call_command("api_tokens_revoke", citizen.username)
    assert "Đã thu hồi 1 token API" in capsys.readouterr().out
    assert mine(key) == 401
    with pytest.raises(CommandError, match="Không có tài khoản"):
        call_command("api_tokens_revoke", "khong-co-ai")


def test_former_plain_text_tokens_of_citizens_carry_over_as_digests(citizen, settings):
    ioc = UserFactory(username="ioc-token-cu", role=Role.IOC_OPERATOR)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY,"
            " created timestamptz NOT NULL DEFAULT now(), user_id bigint NOT NULL)"
        )
        cursor.execute(
            "INSERT INTO authtoken_token (key, user_id) VALUES (%s, %s), (%s, %s)",
            ["a" * 40, citizen.pk, "b" * 40, ioc.pk],
        )
    migration = importlib.import_module("gis_portal.accounts.migrations.0001_legacy_tokens_hashed")
    migration.legacy_tokens_carry(apps, SimpleNamespace(connection=connection))
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM authtoken_token")
        assert cursor.fetchone() == (0,)
    assert mine("a" * 40) == 200
    assert mine("b" * 40) == 401  # staff sign in again, with their second factor
    carried = AuthToken.objects.get(user=citizen)
    assert carried.digest == hash_token("a" * 40)
    assert carried.expiry > timezone.now() + timedelta(hours=settings.PORTAL_TOKEN_TTL_HOURS - 1)


def test_the_schema_documents_the_token_expiry_and_both_logouts(api_client):
    schema = api_client.get("/api/schema/", {"format": "json"}).json()
    assert {"/api/v1/auth/logout/", "/api/v1/auth/logout-all/"} <= set(schema["paths"])
    assert "expiry" in schema["components"]["schemas"]["AuthToken"]["properties"]
    assert "otp" in schema["components"]["schemas"]["TokenLogin"]["properties"]
    scheme = schema["components"]["securitySchemes"]["tokenAuth"]
    assert scheme["in"] == "header" and scheme["name"] == "Authorization"

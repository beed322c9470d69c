"""Guessing passwords: 5 failures for one username from one address lock that pair out for 15
minutes (django-axes) on the web form, the admin and the API token endpoint, with a 429 in
Vietnamese, never a 500; the right password does not get through a lock."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from reports.models import Role
from tests.reports.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Dien-Bien-1954"
ADDRESS = "203.0.113.7"


@pytest.fixture
def citizen():
    user = UserFactory(username="dan-khoa", role=Role.CITIZEN)
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def admin_user():
    user = UserFactory(username="quantri-khoa", role=Role.ADMIN, is_staff=True, is_superuser=True)
    user.set_password(PASSWORD)
    user.save()
    return user


def web_login(client, username, password, address=ADDRESS):
    return client.post(
        reverse("reports-web:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def admin_login(client, username, password, address=ADDRESS):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def token_login(api_client, username, password, address=ADDRESS):
    return api_client.post(
        reverse("auth-token"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_lockout_threshold_and_cool_off_come_from_settings():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def test_web_login_locks_after_five_failures_even_for_the_right_password(client, citizen):
    answers = [web_login(client, citizen.username, "sai-mat-khau").status_code for _ in range(5)]
    # The form again with its error four times; the fifth failure starts the lock.
    assert answers == [200, 200, 200, 200, 429]
    locked = web_login(client, citizen.username, PASSWORD)
    assert locked.status_code == 429
    assert locked["Retry-After"] == "900"
    page = locked.content.decode()
    assert "Đăng nhập sai quá nhiều lần" in page and "15 phút" in page
    assert "_auth_user_id" not in client.session
    # Thirty tries in a row stay refused, and never become a server error.
    assert {web_login(client, citizen.username, "x").status_code for _ in range(25)} == {429}


def test_the_lock_is_per_username_and_address(client, citizen):
    for _ in range(5):
        web_login(client, citizen.username, "sai-mat-khau")
    assert web_login(client, citizen.username, PASSWORD, address="198.51.100.20").status_code == 302


def test_the_lock_ends_after_the_cool_off(client, citizen):
    for _ in range(5):
        web_login(client, citizen.username, "sai-mat-khau")
    assert web_login(client, citizen.username, PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert web_login(client, citizen.username, PASSWORD).status_code == 302


def test_a_successful_sign_in_resets_the_count(client, citizen):
    for _ in range(4):
        web_login(client, citizen.username, "sai-mat-khau")
    assert web_login(client, citizen.username, PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert web_login(client, citizen.username, "sai-mat-khau").status_code == 200
    assert web_login(client, citizen.username, PASSWORD).status_code == 302


def test_admin_login_locks_too(client, admin_user):
    answers = [admin_login(client, admin_user.username, "x").status_code for _ in range(5)]
    assert answers == [200, 200, 200, 200, 429]
    locked = admin_login(client, admin_user.username, PASSWORD)
    assert locked.status_code == 429
    assert "Đăng nhập sai quá nhiều lần" in locked.content.decode()


def test_token_endpoint_locks_with_a_json_429(api_client, citizen):
    for _ in range(4):
        wrong = token_login(api_client, citizen.username, "sai-mat-khau")
        assert wrong.status_code == 400
        assert wrong.json()["error"] == "non_field_errors: Tên đăng nhập hoặc mật khẩu không đúng."
    assert token_login(api_client, citizen.username, "sai-mat-khau").status_code == 429
    locked = token_login(api_client, citizen.username, PASSWORD)
    assert locked.status_code == 429
    assert locked["Retry-After"] == "900"
    assert "Đăng nhập sai quá nhiều lần" in locked.json()["error"]
    assert "token" not in locked.json()


def test_failures_on_one_path_count_on_the_others(client, api_client, citizen):
    for _ in range(3):
        web_login(client, citizen.username, "sai-mat-khau")
    for _ in range(2):
        token_login(api_client, citizen.username, "sai-mat-khau")
    assert token_login(api_client, citizen.username, PASSWORD).status_code == 429
    assert web_login(client, citizen.username, PASSWORD).status_code == 429


def test_odd_usernames_are_counted_without_a_server_error(api_client, client):
    long_name = "a" * 400
    assert token_login(api_client, long_name, "x").status_code == 400
    assert web_login(client, long_name, "x").status_code == 200
    assert AccessAttempt.objects.filter(username=long_name[:150]).exists()

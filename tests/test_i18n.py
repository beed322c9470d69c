"""Vietnamese and English (issue 14, §5): pages are Vietnamese unless the person chose English
(the header's switcher: a cookie, and the account of a signed-in user); the API also follows
Accept-Language; the JavaScript catalogue is an external, cached, same-origin script."""

import re

import pytest
from django.conf import settings
from django.test import Client

from gis_portal.i18n import catalogue_version
from reports.models import User
from tests.browser import ARTIFACTS, chromium_launch, needs_chromium
from tests.reports.factories import UserFactory

COOKIE = settings.LANGUAGE_COOKIE_NAME
SWITCH = "/i18n/setlang/"
PASSWORD = "mat-khau-thu-1"


def _sign_in(client: Client, user: User):
    return client.post("/dang-nhap/", {"username": user.username, "password": PASSWORD})


def _english(client: Client, path: str = "/ban-do/") -> str:
    html = client.get(path).content.decode()
    assert '<html lang="en">' in html
    return html


@pytest.mark.django_db
def test_a_page_is_vietnamese_even_when_the_browser_prefers_english(client):
    response = client.get("/ban-do/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    html = response.content.decode()
    assert response["Content-Language"] == "vi"
    assert '<html lang="vi">' in html and ">Bản đồ</a>" in html
    assert "Cookie" in response["Vary"]


@pytest.mark.django_db
def test_the_switcher_remembers_english_for_a_year_and_returns_to_the_page(client):
    html = client.get("/ban-do/").content.decode()
    switcher = re.search(r'<form class="lang-switch".*?</form>', html, re.S).group()
    assert 'action="/i18n/setlang/"' in switcher and 'value="/ban-do/"' in switcher
    assert 'lang="en"' in switcher and 'aria-label="Ngôn ngữ"' in switcher

    response = client.post(SWITCH, {"language": "en", "next": "/ban-do/?q=1"})
    assert response.status_code == 302 and response["Location"] == "/ban-do/?q=1"
    assert response.cookies[COOKIE].value == "en"
    assert response.cookies[COOKIE]["max-age"] == 365 * 24 * 3600
    html = _english(client)
    assert ">Map</a>" in html and 'aria-label="Language"' in html


@pytest.mark.django_db
def test_a_signed_in_choice_is_kept_on_the_account_and_follows_the_next_sign_in():
    user = UserFactory()
    first = Client()
    _sign_in(first, user)
    assert COOKIE not in first.cookies  # nothing chosen yet: no cookie
    first.post(SWITCH, {"language": "en", "next": "/"})
    user.refresh_from_db()
    assert user.language == "en"

    elsewhere = Client()  # another phone: no cookie until the sign-in sets it
    assert '<html lang="vi">' in elsewhere.get("/ban-do/").content.decode()
    signed_in = _sign_in(elsewhere, user)
    assert signed_in.status_code == 302 and signed_in.cookies[COOKIE].value == "en"
    assert ">Sign out</button>" in _english(elsewhere)


@pytest.mark.django_db
def test_a_signed_in_account_language_applies_without_the_cookie(client):
    user = UserFactory(language="en")
    client.force_login(user)
    assert ">My reports</a>" in _english(client)


@pytest.mark.django_db
def test_the_api_answers_in_english_to_accept_language_and_in_vietnamese_otherwise(api_client):
    wrong = {"username": "khong-co", "password": "sai-mat-khau"}
    english = api_client.post("/api/v1/auth/token/", wrong, HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 400
    assert english.json()["error"].endswith("Incorrect username or password.")
    assert "Accept-Language" in english["Vary"]
    vietnamese = api_client.post("/api/v1/auth/token/", wrong)
    assert vietnamese.json()["error"].endswith("Tên đăng nhập hoặc mật khẩu không đúng.")


@pytest.mark.django_db
def test_the_catalogue_is_an_external_script_before_every_module(client):
    client.post(SWITCH, {"language": "en", "next": "/"})
    response = client.get("/ban-do/")
    html = response.content.decode()
    url = f"/jsi18n/en/{catalogue_version()}.js"
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts[0] == f'<script src="{url}">'
    # No inline script (the CSP forbids them); JSON data islands are not scripts.
    assert all("src=" in tag or 'type="application/json"' in tag for tag in scripts)
    assert "script-src 'self'" in response["Content-Security-Policy"]

    catalogue = client.get(url)
    assert catalogue.status_code == 200 and "javascript" in catalogue["Content-Type"]
    body = catalogue.content.decode()
    assert '"Ranh gi\\u1edbi x\\u00e3/ph\\u01b0\\u1eddng": "Commune/ward boundaries"' in body
    assert (
        "immutable" in catalogue["Cache-Control"]
        and "max-age=31536000" in catalogue["Cache-Control"]
    )
    vietnamese = client.get(f"/jsi18n/vi/{catalogue_version()}.js").content.decode()
    assert "Commune/ward boundaries" not in vietnamese
    stale = client.get("/jsi18n/en/000000000000.js")
    assert stale.status_code == 200 and "no-cache" in stale["Cache-Control"]
    assert client.get("/jsi18n/fr/000000000000.js").status_code == 404


@pytest.mark.django_db
def test_the_offline_shell_caches_the_catalogues(client):
    worker = client.get("/sw.js").content.decode()
    for code, _name in settings.LANGUAGES:
        assert f'"/jsi18n/{code}/{catalogue_version()}.js"' in worker
    assert "/static/mapcore/i18n.js" in worker


playwright_api = pytest.importorskip("playwright.sync_api")


@pytest.mark.slow
@needs_chromium
@pytest.mark.django_db(
    transaction=True,
    available_apps=["alerts", "reports", "routing_rules", "axes", "django.contrib.admin"],
)
def test_a_phone_switches_to_english_from_the_header(live_server):
    from tests.a11y.axe import axe_check

    problems: list[str] = []
    with playwright_api.sync_playwright() as p:
        browser = chromium_launch(p)
        page = browser.new_page(viewport={"width": 390, "height": 844})
        page.on(
            "console",
            lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None,
        )
        page.on("pageerror", lambda exc: problems.append(str(exc)))
        page.goto(live_server.url + "/huong-dan/")
        assert page.get_attribute("html", "lang") == "vi"
        axe_check(page, "help page, Vietnamese, phone")
        page.click(".lang-switch button[lang=en]")
        page.wait_for_load_state("networkidle")
        assert page.url == live_server.url + "/huong-dan/"
        assert page.get_attribute("html", "lang") == "en"
        assert page.get_attribute(".lang-switch button[lang=en]", "aria-current") == "true"
        assert page.locator("header nav").get_by_text("Map", exact=True).is_visible()
        # The modules' text comes from the catalogue loaded before them.
        assert page.evaluate("() => gettext('Đang tải…')") == "Loading…"
        axe_check(page, "help page, English, phone")
        page.screenshot(path=str(ARTIFACTS / "i18n-english-phone.png"))
        browser.close()
    assert problems == []


def _scanner():
    import importlib.util

    path = settings.BASE_DIR / "scripts" / "_messages_scan.py"
    spec = importlib.util.spec_from_file_location("_messages_scan", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_check_finds_vietnamese_outside_gettext_only():
    scan = _scanner()
    python = '''"""Tài liệu."""
from django.utils.translation import gettext as _
OK = _("Đã lưu.")
logger.info("Đã gửi %s", 1)
BAD = "Chưa dịch"
'''
    assert scan.python_strings(python, "x.py") == [(5, "Chưa dịch")]
    js = 'const a = gettext("Đã lưu"); // Ghi chú\nconst b = "Chưa dịch" + ngettext("a", "b", n);'
    assert [text for _line, text in scan.javascript_strings(js)] == ["Chưa dịch"]
    template = (
        '{% translate "Đã lưu" %}{# Ghi chú #}\n'
        "{% blocktranslate trimmed %}Xin chào {{ name }}{% endblocktranslate %}\n<p>Chưa dịch</p>"
    )
    assert scan.template_strings(template) == [(3, "<p>Chưa dịch</p>")]

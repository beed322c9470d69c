"""Citizen titles in the downloaded HTML map report stay text, in Chromium as in the source.

The report is opened from disk by planners and the IOC; a title must never run script there,
whatever context it was aimed at (HTML, attribute, JS string or template literal, URL), and the
page's Content-Security-Policy must stop it from loading or sending anything.
"""

import base64
import hashlib
import json
import re
import threading
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.browser import chromium_launch, needs_chromium
from tests.maps.conftest import DBP

pytestmark = pytest.mark.django_db

# Each sets window.__pwned and alerts if it runs. No quotes in the JS ones, so that escaping
# quotes alone (as html.escape does) cannot be what saves them.
PAYLOADS = [
    '<img src=x onerror="window.__pwned=1;alert(1)">',
    '"><svg onload="window.__pwned=2;alert(2)">',
    "' onmouseover='window.__pwned=3;alert(3)' x='",
    "${window.__pwned=4,alert(4)}",
    "`+(window.__pwned=5,alert(5))+`",
    "</script><script>window.__pwned=6;alert(6)</script>",
    "javascript:window.__pwned=7;alert(7)//",
    "<!--<script>window.__pwned=8</script>--> \\u003c/script\\u003e",
    "{{ 7*7 }} {% if 1 %}jinja{% endif %} {#c#}",
    'Tom &amp; Jerry <b>đậm</b> \u2028 ‘ngoặc’ \\ "x"',
]
UNIT = "03127"  # Phường Điện Biên Phủ; the grid below lies inside it.
GRID = [(i, j) for j in (-2, 2) for i in (-4, -2, 0, 2, 4)]


@pytest.fixture
def payload_reports(make_report):
    reports = []
    for title, (i, j) in zip(PAYLOADS, GRID, strict=True):
        point = (round(DBP[0] + i * 0.002, 4), round(DBP[1] + j * 0.002, 4))
        reports.append(make_report(point, title=title))
    return reports


@pytest.fixture
def report_file(payload_reports, tmp_path) -> Path:
    output = tmp_path / "bao-cao.html"
    call_command("maps_html_report", UNIT, "--output", str(output))
    return output


class _Scripts(HTMLParser):
    """Every <script> with its type and text, and every <meta>, as a browser's parser sees them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.scripts: list[dict] = []
        self.metas: list[dict] = []
        self._current: dict | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self._current = {"attrs": dict(attrs), "text": ""}
        elif tag == "meta":
            self.metas.append(dict(attrs))

    def handle_data(self, data):
        if self._current is not None:
            self._current["text"] += data

    def handle_endtag(self, tag):
        if tag == "script" and self._current is not None:
            self.scripts.append(self._current)
            self._current = None


def parse(page: str) -> _Scripts:
    parser = _Scripts()
    parser.feed(page)
    return parser


def executable(scripts: _Scripts) -> list[str]:
    return [s["text"] for s in scripts.scripts if s["attrs"].get("type") is None]


def csp_of(parsed: _Scripts) -> str:
    metas = [
        m for m in parsed.metas if m.get("http-equiv", "").lower() == "content-security-policy"
    ]
    assert len(metas) == 1, "the report carries exactly one CSP <meta>"
    return metas[0]["content"]


def test_report_text_never_enters_an_executable_script(report_file):
    page = report_file.read_text(encoding="utf-8")
    parsed = parse(page)
    scripts = executable(parsed)
    assert scripts, "Leaflet and the map are inlined"
    for text in scripts:
        assert "__pwned" not in text
        assert "7*7" not in text
    for raw in ("<img src=x", "<svg onload", "<script>window", "<!--<script>", "<b>đậm"):
        assert raw not in page
    data = [s for s in parsed.scripts if s["attrs"].get("id") == "report-points"]
    assert data[0]["attrs"]["type"] == "application/json"
    titles = {p["title"] for p in json.loads(data[0]["text"])["points"]}
    assert titles == set(PAYLOADS)


def test_report_policy_is_strict_and_allows_exactly_its_own_scripts(report_file):
    parsed = parse(report_file.read_text(encoding="utf-8"))
    csp = csp_of(parsed)
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'none'"
    assert directives["connect-src"] == "'none'"
    assert directives["form-action"] == "'none'"
    assert directives["base-uri"] == "'none'"
    assert "unsafe" not in csp and "http" not in csp and "*" not in csp
    hashes = {
        "'sha256-" + base64.b64encode(hashlib.sha256(t.encode()).digest()).decode() + "'"
        for t in executable(parsed)
    }
    assert set(directives["script-src"].split()) == hashes


def test_download_response_sends_the_policy_as_a_header(client, planner, payload_reports):
    client.force_login(planner)
    response = client.get(reverse("maps-html-report"), {"unit": UNIT})
    assert response.status_code == 200
    meta = csp_of(parse(response.content.decode()))
    assert response["Content-Security-Policy"] == meta + "; frame-ancestors 'none'"


# --- In Chromium -----------------------------------------------------------------------------

WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) =>
  window.__violations.push(e.effectiveDirective + " " + e.blockedURI));
"""
EXFILTRATE = """async (url) => {
  let fetched;
  try { await fetch(url + "/fetch"); fetched = "sent"; } catch (e) { fetched = "blocked"; }
  const img = new Image();
  await new Promise((done) => { img.onload = img.onerror = done; img.src = url + "/img"; });
  document.body.insertAdjacentHTML(
    "beforeend", '<img src="data:," onerror="window.__pwned=\\'handler\\'">');
  await new Promise((done) => setTimeout(done, 300));
  return fetched;
}"""


@pytest.fixture
def listener():
    """A local HTTP server that records every request it gets (CORS open, so only CSP blocks)."""
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Access-Control-Allow-Origin", "*")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()
    server.server_close()


def _open(browser, url, **context_options):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, **context_options)
    context.add_init_script(WATCH)
    page = context.new_page()
    seen = {"dialogs": [], "errors": [], "requests": []}
    page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
    page.on("pageerror", lambda exc: seen["errors"].append(str(exc)))
    page.on("request", lambda r: seen["requests"].append(r.url))
    page.goto(url)
    page.wait_for_load_state("load")
    return page, seen


@pytest.mark.slow
@needs_chromium
def test_payload_titles_show_as_text_and_run_nothing_in_chromium(report_file, listener):
    playwright_api = pytest.importorskip("playwright.sync_api")
    expect = playwright_api.expect
    url, hits = listener
    with playwright_api.sync_playwright() as p:
        browser = chromium_launch(p)
        page, seen = _open(browser, report_file.as_uri())
        assert seen["dialogs"] == []
        assert page.evaluate("window.__pwned") is None

        markers = page.locator("path.report-marker")
        markers.first.wait_for()
        assert markers.count() == len(PAYLOADS)
        popups, tooltips = [], []
        for index in range(markers.count()):
            markers.nth(index).hover()
            tooltips.append(page.locator(".leaflet-tooltip .report-tooltip").text_content())
            markers.nth(index).click()
            popup = page.locator(".leaflet-popup-content .report-popup")
            popups.append(popup.locator(".report-title").text_content())
            assert popup.locator("img, svg, script, b, a").count() == 0
            page.locator(".leaflet-popup-close-button").click()
            page.mouse.move(0, 0)
            expect(page.locator(".leaflet-tooltip")).to_have_count(0)
        assert sorted(popups) == sorted(PAYLOADS)
        assert all(any(title in tip for tip in tooltips) for title in PAYLOADS)

        page.screenshot(path=str(report_file.with_suffix(".png")))
        assert seen["dialogs"] == [] and seen["errors"] == []
        assert page.evaluate("window.__pwned") is None
        assert page.evaluate("window.__violations") == []  # the map itself needs no exception
        assert {u.split(":", 1)[0] for u in seen["requests"]} == {"file"}
        assert page.locator(".report-header h1").text_content().startswith("Báo cáo phản ánh")
        csp = page.get_attribute('meta[http-equiv="Content-Security-Policy"]', "content")
        assert "connect-src 'none'" in csp

        assert page.evaluate(EXFILTRATE, url) == "blocked"
        violations = page.evaluate("window.__violations")
        assert any(v.startswith("connect-src " + url) for v in violations)
        assert any(v.startswith("img-src " + url) for v in violations)
        assert any(v.startswith("script-src-attr") for v in violations)
        assert page.evaluate("window.__pwned") is None and seen["dialogs"] == []
        assert hits == []

        # Control: the same page without its policy does reach the listener.
        control, _ = _open(browser, report_file.as_uri(), bypass_csp=True)
        assert control.evaluate(EXFILTRATE, url) == "sent"
        assert re.search(r"/fetch", " ".join(hits))
        browser.close()

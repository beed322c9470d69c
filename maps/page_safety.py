"""Safety of standalone HTML pages: report text as an inert JSON data block, and a strict CSP.

The page is opened from disk by planners and the IOC, so its policy travels inside it as a
`<meta http-equiv>`; the download response carries the same policy as a header. The policy
allows exactly the inline scripts and styles the page was built with (by hash), and nothing
else: no remote origin, no inline event handler, no connection, no form, no plugin.
"""

import base64
import hashlib
import json
import re

from django.utils.html import escape

_SCRIPT = re.compile(r"<script(?P<attrs>[^>]*)>(?P<body>.*?)</script\s*>", re.S | re.I)
_STYLE = re.compile(r"<style[^>]*>(?P<body>.*?)</style\s*>", re.S | re.I)
_TYPE = re.compile(r"""\btype\s*=\s*["']?([^"'\s>]+)""", re.I)
_CHARSET_META = re.compile(r"<meta[^>]+charset[^>]*>", re.I)
_JS_TYPES = {"", "text/javascript", "application/javascript", "module"}
# Escapes that keep JSON inert inside <script>: no "</script>", no "<!--", no entity.
_JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}

# Everything but script-src and style-src, which list the page's own inline code by hash.
OTHER_DIRECTIVES = (
    "img-src data:",
    "font-src 'none'",
    "connect-src 'none'",
    "media-src 'none'",
    "object-src 'none'",
    "frame-src 'none'",
    "worker-src 'none'",
    "manifest-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
)
# Directives a <meta> policy cannot carry; sent only in the HTTP header.
HEADER_ONLY_DIRECTIVES = ("frame-ancestors 'none'",)


def json_data_block(data, *, element_id: str) -> str:
    """A `<script type="application/json">` element: parsed by JSON.parse, never executed."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_JSON_ESCAPES)
    return f'<script type="application/json" id="{escape(element_id)}">{text}</script>'


def _sha256(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def _executable_scripts(page: str) -> list[str]:
    bodies = []
    for match in _SCRIPT.finditer(page):
        attrs = match.group("attrs")
        if re.search(r"\bsrc\s*=", attrs, re.I):
            raise ValueError("A standalone page inlines its scripts; found a <script src>.")
        kind = _TYPE.search(attrs)
        if (kind.group(1).lower() if kind else "") in _JS_TYPES:
            bodies.append(match.group("body"))
    return bodies


def page_csp(page: str) -> str:
    """The policy for `page`: its current inline scripts and styles, by hash, and nothing else.

    Build it over the finished page before any citizen text is added (that text goes in data
    blocks only), so a hash can never vouch for a script that came from report text.
    """
    markup = _SCRIPT.sub("", _STYLE.sub("", page))
    if re.search(r"<[^>]+\s(on[a-z]+|style)\s*=", markup, re.I):
        raise ValueError("A standalone page has no inline event handler or style attribute.")
    scripts = sorted({_sha256(body) for body in _executable_scripts(page)})
    styles = sorted({_sha256(m.group("body")) for m in _STYLE.finditer(page)})
    return "; ".join(
        (
            "default-src 'none'",
            "script-src " + (" ".join(scripts) or "'none'"),
            "style-src " + (" ".join(styles) or "'none'"),
            *OTHER_DIRECTIVES,
        )
    )


def header_csp(csp: str) -> str:
    """The meta policy plus what only an HTTP header can say."""
    return "; ".join((csp, *HEADER_ONLY_DIRECTIVES))


def normalise_newlines(page: str) -> str:
    """What the HTML parser hands to CSP hashing: CR and CRLF become LF."""
    return page.replace("\r\n", "\n").replace("\r", "\n")


def with_csp_meta(page: str, csp: str) -> str:
    """The page with its policy as the first thing the parser meets after the charset."""
    meta = f'<meta http-equiv="Content-Security-Policy" content="{escape(csp)}">'
    found = _CHARSET_META.search(page)
    if found is None:
        raise ValueError("A standalone page declares its charset before its policy.")
    return page[: found.end()] + "\n    " + meta + page[found.end() :]

"""Finds Vietnamese UI text written straight into templates, JavaScript modules and Python
instead of going through gettext (scripts/check_messages.py, check (c))."""

import ast
import re
from pathlib import Path

# Letters only Vietnamese uses among the portal's languages (lower and upper case).
_LETTERS = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
VIETNAMESE = re.compile(f"[{_LETTERS}{_LETTERS.upper()}]")
SKIP_DIRS = {
    ".git",
    ".venv",
    "var",
    "node_modules",
    "tests",
    "bench",
    "migrations",
    "data",
    "vendor",
    "static_collected",
    "media",
    "locale",
    "test-artifacts",
    "__pycache__",
    # Console tools for operators, and the demo's synthetic data: not the people's screens.
    "management",
    "devtools",
}
# Literals that are data, not UI text, each with why: (file, the literal).
ALLOWED = {
    ("gis_portal/settings/base.py", "Tiếng Việt"): "a language's own name, in the switcher",
    **{
        ("reports/address.py", word): "words the address parser looks for in the input"
        for word in ("huyện", "thị xã", "thành phố", "quận")
    },
    ("privacy/services.py", "Người dân yêu cầu xóa dữ liệu cá nhân (Luật 91/2025)."): (
        "stored in the audit log, in the portal's language whoever reads it"
    ),
    ("boundaries/services/editions.py", "Ranh giới hành chính sau sắp xếp năm 2025"): (
        "the edition's stored name"
    ),
    ("open311/services/clients.py", "Ứng dụng Open311: "): "an Open311 client's stored name",
    (
        "boundaries/services/editions.py",
        "vietnamese-provinces-database (Thang Le Quoc, MIT), theo Bản đồ đơn vị hành chính "
        "Việt Nam (sapnhap.bando.com.vn)",
    ): "the edition's stored source, an attribution",
    (
        "gis_portal/settings/base.py",
        "Ranh giới hành chính 2025: vietnamese-provinces-database © 2021 Thang Le Quoc (MIT), "
        "theo Bản đồ đơn vị hành chính Việt Nam (sapnhap.bando.com.vn), NXB Tài nguyên – Môi "
        "trường và Bản đồ Việt Nam.",
    ): "the data's attribution as its licence asks (DATA_CREDIT, set per deployment)",
    ("gis_portal/settings/base.py", "Điện Biên — Phản ánh hiện trường API"): (
        "the OpenAPI document's title, for developers"
    ),
    ("gis_portal/settings/accounts.py", "Điện Biên - Phản ánh hiện trường"): (
        "the issuer name authenticator apps store (OTP_TOTP_ISSUER)"
    ),
    **{
        ("routing_rules/models.py", word): "commune types as the boundary data writes them"
        for word in ("xã", "phường", "đặc khu")
    },
}
# Text kept in the case record in the portal's language (reports/record_text.py).
RECORD_NAMES = {"record_text"}
GETTEXT_NAMES = {
    "_",
    "gettext",
    "gettext_lazy",
    "gettext_noop",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
}
LOG_METHODS = {"debug", "info", "warning", "error", "exception", "critical", "log"}


def _files(root: Path, suffixes: tuple[str, ...]):
    for path in sorted(root.rglob("*")):
        parts = path.relative_to(root).parts
        if path.suffix in suffixes and path.is_file() and not SKIP_DIRS & set(parts[:-1]):
            yield path


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


# --- templates -------------------------------------------------------------------------------
_TEMPLATE_DROP = re.compile(
    r"{%\s*blocktrans(?:late)?\b.*?{%\s*endblocktrans(?:late)?\s*%}"
    r"|{%\s*comment\s*%}.*?{%\s*endcomment\s*%}"
    r"|{#.*?#}|<!--.*?-->|{%.*?%}|{{.*?}}",
    re.S,
)


def template_strings(text: str) -> list[tuple[int, str]]:
    # Blank out what gettext or the template engine handles, keeping line numbers.
    kept = _TEMPLATE_DROP.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text)
    return [
        (number, line.strip())
        for number, line in enumerate(kept.splitlines(), start=1)
        if VIETNAMESE.search(line)
    ]


# --- JavaScript ------------------------------------------------------------------------------
_JS_TOKEN = re.compile(
    r"//[^\n]*|/\*.*?\*/"
    r"|'(?:\\.|[^'\\\n])*'|\"(?:\\.|[^\"\\\n])*\"|`(?:\\.|[^`\\])*`"
    r"|[A-Za-z_$][\w$]*|\S",
    re.S,
)
_JS_GETTEXT = {"gettext", "ngettext", "pgettext", "npgettext", "gettext_noop"}


def javascript_strings(text: str) -> list[tuple[int, str]]:
    """String literals with Vietnamese letters that are not arguments of a gettext call."""
    found = []
    depth_stack: list[bool] = []  # per open parenthesis: does it belong to a gettext call?
    previous = ""
    for match in _JS_TOKEN.finditer(text):
        token = match.group()
        if token.startswith(("//", "/*")):
            continue
        if token == "(":
            depth_stack.append(previous in _JS_GETTEXT)
        elif token == ")" and depth_stack:
            depth_stack.pop()
        elif token[0] in "'\"`" and VIETNAMESE.search(token):
            inside_gettext = bool(depth_stack) and depth_stack[-1] and token[0] != "`"
            if not inside_gettext:
                found.append((_line(text, match.start()), token[1:-1]))
        previous = token
    return found


# --- Python ----------------------------------------------------------------------------------
def _call_name(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _is_log_call(node: ast.Call) -> bool:
    """A log line or console output (print, self.stdout.write): not UI text."""
    func = node.func
    # print, and the console progress bar of data jobs (reports.services.deadlines).
    if isinstance(func, ast.Name) and func.id in ("print", "progress"):
        return True
    if isinstance(func, ast.Attribute) and func.attr == "write":
        return getattr(func.value, "attr", "") in ("stdout", "stderr")
    if not isinstance(func, ast.Attribute) or func.attr not in LOG_METHODS:
        return False
    owner = func.value
    name = owner.id if isinstance(owner, ast.Name) else getattr(owner, "attr", "")
    return "log" in name.lower()


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        kinds = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
        if isinstance(node, kinds) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def python_strings(text: str, relative: str) -> list[tuple[int, str]]:
    tree = ast.parse(text)
    skipped = _docstrings(tree)
    for node in ast.walk(tree):
        name = _call_name(node) if isinstance(node, ast.Call) else ""
        if name in GETTEXT_NAMES | RECORD_NAMES or (name and _is_log_call(node)):
            for inner in ast.walk(node):
                skipped.add(id(inner))
    found = []
    for node in ast.walk(tree):
        if id(node) in skipped or not isinstance(node, ast.Constant):
            continue
        value = node.value
        # One letter is no UI text: text folding (đ -> d) and the like.
        vietnamese = isinstance(value, str) and len(value) > 1 and VIETNAMESE.search(value)
        if vietnamese and (relative, value) not in ALLOWED:
            found.append((node.lineno, value))
    return sorted(found)


def hardcoded_find(root: Path) -> list[tuple[str, str]]:
    """(file:line, text) of every hard-coded Vietnamese string."""
    found = []
    for path in _files(root, (".html", ".txt", ".js", ".py")):
        relative = str(path.relative_to(root))
        if relative == "scripts/_messages_scan.py":  # its own letters and allow-list
            continue
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".py":
            hits = python_strings(text, relative)
        elif path.suffix == ".js":
            if "/static/" not in f"/{relative}" and "/templates/" not in f"/{relative}":
                continue
            hits = javascript_strings(text)
        elif "/templates/" in f"/{relative}":
            hits = template_strings(text)
        else:
            continue
        found += [(f"{relative}:{number}", snippet[:80]) for number, snippet in hits]
    return found

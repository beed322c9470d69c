#!/usr/bin/env python
"""The English catalogue stays complete and current (issue 14, §5). Run by `make test`.

    scripts/check_messages.py            fail on any problem below
    scripts/check_messages.py --report   list them all, never fail
    scripts/check_messages.py --report-hardcoded
                                         fail on (a) and (b), only list (c)
    scripts/check_messages.py --write    regenerate locale/en (makemessages) and compile it

(a) `makemessages -l en` (domains django and djangojs, the options below) would add or remove
    a msgid compared with the committed locale/en/LC_MESSAGES/*.po: a string is missing or stale;
(b) an entry is untranslated or fuzzy;
(c) a template, JavaScript module or Python file has Vietnamese text outside a gettext call.
"""

import argparse
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from _messages_scan import hardcoded_find  # noqa: E402

LOCALE = "en"
DOMAINS = ("django", "djangojs")
# Never UI of the portal: third-party code, generated files, tests and benches (their text is
# test data), migrations (frozen history).
IGNORE = [
    "var",
    "node_modules",
    "tests",
    "bench",
    "migrations",
    "vendor",
    "static_collected",
    "media",
    "locale",
    "test-artifacts",
]
# The same options for the check and for `make messages`, so both see the same msgids.
MAKEMESSAGES = {
    "locale": [LOCALE],
    "ignore_patterns": IGNORE,
    "no_obsolete": True,
    "add_location": "file",
    "verbosity": 0,
}


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gis_portal.settings.local")
    import django

    django.setup()


def makemessages(locale_dir: Path) -> None:
    """Django's makemessages, writing its .po files under locale_dir."""
    from django.core.management import call_command
    from django.core.management.commands.makemessages import Command
    from django.test import override_settings

    class Exact(Command):
        # A changed string gets no guessed ("fuzzy") translation from a similar old one.
        msgmerge_options = [*Command.msgmerge_options, "--no-fuzzy-matching"]

    os.chdir(ROOT)
    with override_settings(LOCALE_PATHS=[locale_dir]):
        for domain in DOMAINS:
            call_command(Exact(), domain=domain, **MAKEMESSAGES)
            _header_fix(locale_dir / LOCALE / "LC_MESSAGES" / f"{domain}.po")


def _header_fix(path: Path) -> None:
    """A new .po's header is a fuzzy template, which msgfmt would drop with its plural rule."""
    if not path.exists():
        return
    text = path.read_text(encoding="utf-8")
    head, sep, rest = text.partition('msgid ""\n')
    head = head.replace("#, fuzzy\n", "")
    for field, value in (
        ("Language", LOCALE),
        ("Content-Type", "text/plain; charset=UTF-8"),
        ("Plural-Forms", "nplurals=2; plural=(n != 1);"),
    ):
        line = f'"{field}: {value}\\n"'
        rest = re.sub(rf'"{field}: [^"]*\\n"', lambda _m, line=line: line, rest, count=1)
    path.write_text(head + sep + rest, encoding="utf-8")


def compilemessages() -> None:
    from django.core.management import call_command

    os.chdir(ROOT)
    call_command(
        "compilemessages", locale=[LOCALE], ignore_patterns=[*IGNORE, ".venv"], verbosity=0
    )


def _unquote(text: str) -> str:
    return text[1:-1].encode("raw_unicode_escape").decode("unicode_escape")


def po_entries(path: Path) -> list[dict]:
    """The live entries of a .po file (not the header, not obsolete `#~` ones): msgctxt, msgid,
    msgid_plural, the translations (msgstr) and whether the entry is fuzzy."""
    entries: list[dict] = []
    entry: dict = {"msgstr": [], "fuzzy": False}
    key = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        starts_entry = line.startswith("#") or line.split(" ")[0] in ("msgctxt", "msgid")
        if starts_entry and entry["msgstr"]:
            entries.append(entry)
            entry, key = {"msgstr": [], "fuzzy": False}, ""
        if line.startswith("#"):
            entry["fuzzy"] = entry["fuzzy"] or (line.startswith("#,") and "fuzzy" in line)
        elif line.startswith('"'):
            if key == "msgstr":
                entry["msgstr"][-1] += _unquote(line)
            elif key:
                entry[key] += _unquote(line)
        else:
            word, _, rest = line.partition(" ")
            key = "msgstr" if word.startswith("msgstr") else word
            if key == "msgstr":
                entry["msgstr"].append(_unquote(rest))
            else:
                entry[key] = _unquote(rest)
    if entry["msgstr"]:
        entries.append(entry)
    return [e for e in entries if e.get("msgid")]


def _ids(path: Path) -> set[tuple]:
    if not path.exists():
        return set()
    return {(e.get("msgctxt"), e["msgid"], e.get("msgid_plural")) for e in po_entries(path)}


def _label(key: tuple) -> str:
    context, msgid, _plural = key
    return f"{msgid!r}" + (f" (context {context!r})" if context else "")


def problems_catalogue() -> list[str]:
    """(a) and (b)."""
    committed = ROOT / "locale"
    found: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / "locale"
        if committed.exists():
            shutil.copytree(committed, fresh)
        else:
            fresh.mkdir()
        makemessages(fresh)
        for domain in DOMAINS:
            name = f"{LOCALE}/LC_MESSAGES/{domain}.po"
            want, have = _ids(fresh / name), _ids(committed / name)
            found += [f"locale/{name}: missing msgid {_label(k)}" for k in sorted(want - have)]
            found += [f"locale/{name}: stale msgid {_label(k)}" for k in sorted(have - want)]
    for domain in DOMAINS:
        path = committed / LOCALE / "LC_MESSAGES" / f"{domain}.po"
        for entry in po_entries(path) if path.exists() else []:
            key = (entry.get("msgctxt"), entry["msgid"], entry.get("msgid_plural"))
            if entry["fuzzy"]:
                found.append(f"{path.relative_to(ROOT)}: fuzzy {_label(key)}")
            elif not all(entry["msgstr"]):
                found.append(f"{path.relative_to(ROOT)}: untranslated {_label(key)}")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--report", action="store_true", help="list every problem, exit 0")
    mode.add_argument(
        "--report-hardcoded", action="store_true", help="fail on (a), (b); only list (c)"
    )
    mode.add_argument("--write", action="store_true", help="regenerate locale/en and compile")
    args = parser.parse_args()
    _django()
    if args.write:
        (ROOT / "locale").mkdir(exist_ok=True)
        makemessages(ROOT / "locale")
        compilemessages()
        return 0
    catalogue = problems_catalogue()
    hardcoded = [f"{where}: hard-coded Vietnamese {text!r}" for where, text in hardcoded_find(ROOT)]
    for line in catalogue + hardcoded:
        print(line)
    print(
        f"check_messages: {len(catalogue)} catalogue problem(s) (run `make messages`, then "
        f"translate locale/{LOCALE}/LC_MESSAGES/*.po), {len(hardcoded)} hard-coded string(s)",
        file=sys.stderr,
    )
    if args.report:
        return 0
    if args.report_hardcoded:
        return 1 if catalogue else 0
    return 1 if catalogue or hardcoded else 0


if __name__ == "__main__":
    sys.exit(main())

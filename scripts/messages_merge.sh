#!/usr/bin/env bash
# Regenerates locale/en from the code, fills its untranslated entries from translation files
# written elsewhere (default: every /tmp/po/*.po; or the files given as arguments), exact
# msgids only (no fuzzy guesses), compiles, and checks the result.
#   scripts/messages_merge.sh [file.po ...]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY=.venv/bin/python

if [ "$#" -gt 0 ]; then sources=("$@"); else sources=(/tmp/po/*.po); fi
for file in "${sources[@]}"; do
  [ -f "$file" ] || continue
  msgfmt -c -o /dev/null "$file" 2>/dev/null \
    || { echo "messages_merge: $file is not a valid .po (msgfmt -c $file)" >&2; exit 1; }
done

"$PY" scripts/check_messages.py --write
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for domain in django djangojs; do
  po="locale/en/LC_MESSAGES/$domain.po"
  [ -f "$po" ] || continue
  # One file of every known translation, the given files first (they are being merged because
  # they are newer), then the committed ones; msgmerge's --compendium would fill no
  # untranslated plural entry, so this file is the "old" side of the merge instead. The
  # code's msgids, as just made, take from it exact matches only (no fuzzy guesses).
  rm -f "$work/committed.po"
  msgattrib --translated --no-fuzzy --no-obsolete -o "$work/committed.po" "$po"
  known=("${sources[@]}")
  # msgattrib writes no file when nothing is translated yet.
  [ -f "$work/committed.po" ] && known+=("$work/committed.po")
  msgcat --use-first -o "$work/known.po" "${known[@]}"
  msgmerge --quiet --no-fuzzy-matching --add-location=file -o "$work/merged.po" \
    "$work/known.po" "$po"
  msgattrib --no-obsolete --add-location=file -o "$po" "$work/merged.po"
  msgfmt --statistics -c -o /dev/null "$po" 2>&1 | grep -v "header field" || true
done
"$PY" manage.py compilemessages -v 0 -l en -i .venv -i var -i node_modules -i tests
"$PY" scripts/check_messages.py --report

#!/usr/bin/env bash
# README's screenshots (docs/screenshots/) from the accessibility browser test's captures
# (tests/a11y/test_pages.py writes every page at phone and desktop size to test-artifacts/a11y/).
#   make screenshots   # runs that test, then this
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
from=test-artifacts/a11y
to=docs/screenshots
mkdir -p "$to"
for shot in home-desktop map-desktop public-list-desktop public-report-desktop submit-phone \
    help-phone notifications-phone inbox-desktop ioc-case-desktop supervision-desktop \
    queue-desktop officer-map-desktop stats-desktop planner-map-desktop; do
  [ -f "$from/$shot.png" ] || { echo "screenshots: $from/$shot.png is missing (run the a11y test)" >&2; exit 1; }
  cp "$from/$shot.png" "$to/$shot.png"
done
echo "screenshots: $(ls "$to" | wc -l) files in $to"

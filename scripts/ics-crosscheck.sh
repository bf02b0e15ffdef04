#!/usr/bin/env bash
# Cross-checks Cadence's iCalendar expansion against an independent implementation: Python's
# icalendar + recurring-ical-events, installed into a virtual environment under target/.
# Every calendar in tests/fixtures/ics is expanded by both over 2026 and the instance lists
# (UID, start, end) must be equal. Exits non-zero on any difference.
set -euo pipefail
cd "$(dirname "$0")/.."

FIXTURES="${ICS_CROSSCHECK_FIXTURES:-tests/fixtures/ics}"
FROM="${ICS_CROSSCHECK_FROM:-2026-01-01}"
TO="${ICS_CROSSCHECK_TO:-2026-12-31}"
VENV=target/crosscheck-venv

if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
fi
"$VENV/bin/pip" install --quiet --disable-pip-version-check \
    'icalendar>=6,<8' 'recurring-ical-events>=3.3,<4'

cargo build --quiet --locked --bin cadence
./target/debug/cadence audit "$FIXTURES" --from "$FROM" --to "$TO" --format json --instances \
    > target/crosscheck-cadence.json
"$VENV/bin/python" scripts/ics_crosscheck.py "$FIXTURES" target/crosscheck-cadence.json "$FROM" "$TO"

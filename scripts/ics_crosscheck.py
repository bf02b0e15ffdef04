#!/usr/bin/env python3
"""Compares `cadence audit --format json --instances` with an independent expansion.

The independent side is Python's `icalendar` (parsing, VTIMEZONE and Windows zone names) and
`recurring-ical-events` (RRULE, RDATE, EXDATE, RECURRENCE-ID; it applies X-WR-TIMEZONE through
`x-wr-timezone`). For every file, both sides list the instances that start in the window, as
(UID, start instant, end instant), cancelled instances left out; any difference fails the check.

All-day instances are compared as their date at 00:00 UTC (how Cadence places dates), and a
floating time in a file without X-WR-TIMEZONE is read as UTC on both sides.

Usage: ics_crosscheck.py FIXTURES_DIR CADENCE_JSON FROM TO   (dates YYYY-MM-DD, TO included)
"""

import datetime as dt
import json
import os
import sys

import icalendar
import recurring_ical_events

UTC = dt.timezone.utc


def instant(value):
    """A DTSTART/DTEND value as a UTC instant; dates at 00:00 UTC, floating times as UTC."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
    return dt.datetime(value.year, value.month, value.day, tzinfo=UTC)


def expected(path, start, end):
    with open(path, "rb") as f:
        calendar = icalendar.Calendar.from_ical(f.read())
    margin = dt.timedelta(days=2)
    found = set()
    for event in recurring_ical_events.of(calendar).between(start - margin, end + margin):
        if str(event.get("STATUS", "")).upper() == "CANCELLED":
            continue
        begins = instant(event["DTSTART"].dt)
        if not (start <= begins < end):
            continue
        ends = instant(event["DTEND"].dt) if "DTEND" in event else begins
        found.add((str(event["UID"]), begins.isoformat(), ends.isoformat()))
    return found


def parse_time(text):
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def main():
    fixtures, report_path, first, last = sys.argv[1:5]
    start = dt.datetime.fromisoformat(first).replace(tzinfo=UTC)
    end = dt.datetime.fromisoformat(last).replace(tzinfo=UTC) + dt.timedelta(days=1)
    with open(report_path, encoding="utf-8") as f:
        report = json.load(f)
    ours = {}
    for row in report["instances"]:
        key = os.path.basename(row["file"])
        ours.setdefault(key, set()).add(
            (row["uid"], parse_time(row["start"]).isoformat(), parse_time(row["end"]).isoformat()))
    files = sorted(n for n in os.listdir(fixtures) if n.lower().endswith(".ics"))
    failed = compared = 0
    for name in files:
        theirs = expected(os.path.join(fixtures, name), start, end)
        mine = ours.get(name, set())
        compared += len(theirs)
        missing, extra = sorted(theirs - mine), sorted(mine - theirs)
        status = "ok" if not missing and not extra else "DIFFERENT"
        print(f"{name}: {len(theirs)} instances (recurring-ical-events), {len(mine)} (cadence): {status}")
        for uid, begins, ends in missing[:10]:
            print(f"  only in recurring-ical-events: {uid} {begins} .. {ends}")
        for uid, begins, ends in extra[:10]:
            print(f"  only in cadence:               {uid} {begins} .. {ends}")
        if missing or extra:
            failed += 1
    print(f"{len(files) - failed} passed, {failed} failed")
    print(f"compared {compared} instances in {len(files)} calendars from {first} to {last}")
    return 1 if failed or not files else 0


if __name__ == "__main__":
    sys.exit(main())

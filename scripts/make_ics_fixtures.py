#!/usr/bin/env python3
"""Writes tests/fixtures/ics/: sixteen managers' calendar exports for one organisation.

Each file is written the way its exporter writes calendars — Google (IANA TZIDs with
VTIMEZONE and X-LIC-LOCATION, X-WR-CALNAME = the owner's address), Outlook/Exchange (Windows
zone names with their VTIMEZONE, long hex UIDs, BYSETPOS for "last Friday"), Apple (IANA
TZIDs, DURATION, X-WR-CALNAME "Work") — and meetings shared by several managers carry the
organizer's UID in every calendar, as iTIP invitations do. Between them the files use every
feature the reader handles (see docs/audit.md). Deterministic: running it again writes the
same bytes. Usage: python3 scripts/make_ics_fixtures.py [OUT_DIR]
"""

import os
import sys

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(__file__), "..", "tests", "fixtures", "ics")

PEOPLE = {
    "dana": ("dana@acme.example", "Dana Ruiz"),
    "omar": ("omar@acme.example", "Omar Haddad"),
    "priya": ("priya@acme.example", "Priya Shah"),
    "lucia": ("lucia@acme.example", "Lucía Gómez"),
    "aisha": ("aisha@acme.example", "Aisha Bello"),
    "sam": ("sam@acme.example", "Sam Lee"),
    "lena": ("lena@acme.example", "Lena Novak"),
    "victor": ("victor@acme.example", "Victor Okafor"),
    "mia": ("mia@acme.example", "Mia Tran"),
    "tom": ("tom@acme.example", "Tom Walsh"),
    "grace": ("grace@acme.example", "Grace Kim"),
    "ken": ("ken@acme.example", "Ken Adeyemi"),
    "raj": ("raj@acme.example", "Raj Iyer"),
    "noah": ("noah@acme.example", "Noah Fischer"),
    "ella": ("ella@acme.example", "Ella Martin"),
    "ceo": ("jo@acme.example", "Jo Park"),
}
for n in ["ben", "chloe", "dev", "erin", "finn", "gus", "hana", "ivan", "jade", "kai",
          "liam", "maya", "nils", "olga", "pete", "quinn", "rosa", "saul", "tara", "uma"]:
    PEOPLE[n] = (f"{n}@acme.example", n.capitalize())
PEOPLE["room-thames"] = ("thames@rooms.acme.example", "Thames (8)")
PEOPLE["globex"] = ("kim@globex.example", "Kim Ito")
PEOPLE["initech"] = ("bill@initech.example", "Bill Lumbergh")

WINDOWS = {
    "Europe/London": "GMT Standard Time",
    "America/New_York": "Eastern Standard Time",
    "America/Chicago": "Central Standard Time",
    "America/Los_Angeles": "Pacific Standard Time",
    "Australia/Sydney": "AUS Eastern Standard Time",
    "Europe/Berlin": "W. Europe Standard Time",
    "Asia/Kolkata": "India Standard Time",
}

# (standard: dtstart, from, to, rule), (daylight: ...) or a fixed offset.
RULES = {
    "Europe/London": (("19701025T020000", "+0100", "+0000", "FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU", "GMT"),
                      ("19700329T010000", "+0000", "+0100", "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU", "BST")),
    "Europe/Berlin": (("19701025T030000", "+0200", "+0100", "FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU", "CET"),
                      ("19700329T020000", "+0100", "+0200", "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU", "CEST")),
    "America/New_York": (("19701101T020000", "-0400", "-0500", "FREQ=YEARLY;BYMONTH=11;BYDAY=1SU", "EST"),
                         ("19700308T020000", "-0500", "-0400", "FREQ=YEARLY;BYMONTH=3;BYDAY=2SU", "EDT")),
    "America/Chicago": (("19701101T020000", "-0500", "-0600", "FREQ=YEARLY;BYMONTH=11;BYDAY=1SU", "CST"),
                        ("19700308T020000", "-0600", "-0500", "FREQ=YEARLY;BYMONTH=3;BYDAY=2SU", "CDT")),
    "America/Los_Angeles": (("19701101T020000", "-0700", "-0800", "FREQ=YEARLY;BYMONTH=11;BYDAY=1SU", "PST"),
                            ("19700308T020000", "-0800", "-0700", "FREQ=YEARLY;BYMONTH=3;BYDAY=2SU", "PDT")),
    "Australia/Sydney": (("19700405T030000", "+1100", "+1000", "FREQ=YEARLY;BYMONTH=4;BYDAY=1SU", "AEST"),
                         ("19701004T020000", "+1000", "+1100", "FREQ=YEARLY;BYMONTH=10;BYDAY=1SU", "AEDT")),
    "Asia/Kolkata": (("19700101T000000", "+0530", "+0530", None, "IST"), None),
}


def fold(line):
    """Folds a content line at 75 octets, never inside a UTF-8 sequence."""
    out, current, size = [], "", 0
    limit = 75
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > limit:
            out.append(current)
            current, size, limit = " ", 1, 75
        current += ch
        size += n
    out.append(current)
    return "\r\n".join(out)


def esc(text):
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\n", "\\n"))


class Event:
    def __init__(self, uid, summary, start, tz, minutes=None, **kw):
        self.uid, self.summary, self.start, self.tz, self.minutes = uid, summary, start, tz, minutes
        self.kw = kw

    def get(self, key, default=None):
        return self.kw.get(key, default)


def person(key, role="REQ-PARTICIPANT", partstat="ACCEPTED", style="google"):
    email, name = PEOPLE[key]
    cutype = "ROOM" if key.startswith("room-") else "INDIVIDUAL"
    if style == "outlook":
        return f'ATTENDEE;ROLE={role};PARTSTAT={partstat};RSVP=TRUE;CN="{name}":mailto:{email}'
    if style == "apple":
        return f'ATTENDEE;CN="{name}";CUTYPE={cutype};EMAIL={email};PARTSTAT={partstat};ROLE={role}:mailto:{email}'
    return (f'ATTENDEE;CUTYPE={cutype};ROLE={role};PARTSTAT={partstat};CN={name};'
            f'X-NUM-GUESTS=0:mailto:{email}')


def tzname(tz, style, custom=None):
    if custom:
        return custom
    return WINDOWS[tz] if style == "outlook" else tz


def stamp(value, tz, style, custom=None, prop="DTSTART"):
    if tz is None:
        return f"{prop}:{value}"
    if tz == "UTC":
        return f"{prop}:{value}Z"
    name = tzname(tz, style, custom)
    quoted = f'"{name}"' if style == "outlook" else name
    return f"{prop};TZID={quoted}:{value}"


def add_minutes(value, minutes):
    """YYYYMMDDTHHMMSS + minutes, wall clock (no zone arithmetic needed here)."""
    import datetime as dt
    t = dt.datetime.strptime(value, "%Y%m%dT%H%M%S") + dt.timedelta(minutes=minutes)
    return t.strftime("%Y%m%dT%H%M%S")


def vtimezone(tz, style, custom=None):
    std, dst = RULES[tz]
    lines = ["BEGIN:VTIMEZONE", f"TZID:{tzname(tz, style, custom)}"]
    if style == "google":
        lines.append(f"X-LIC-LOCATION:{tz}")
    for kind, block in (("STANDARD", std), ("DAYLIGHT", dst)):
        if block is None:
            continue
        start, frm, to, rule, abbrev = block
        if style == "outlook":
            start = "1601" + start[4:]
        lines += [f"BEGIN:{kind}", f"DTSTART:{start}", f"TZOFFSETFROM:{frm}", f"TZOFFSETTO:{to}"]
        if rule:
            lines.append(f"RRULE:{rule}")
        if style != "outlook":
            lines.append(f"TZNAME:{abbrev}")
        lines.append(f"END:{kind}")
    lines.append("END:VTIMEZONE")
    return lines


def render_event(ev, style, owner, custom=None):
    lines = ["BEGIN:VEVENT"]
    custom_tz = custom if ev.get("custom_zone") else None
    if ev.get("all_day"):
        lines.append(f"DTSTART;VALUE=DATE:{ev.start}")
        lines.append(f"DTEND;VALUE=DATE:{ev.get('end_date')}")
    else:
        lines.append(stamp(ev.start, ev.tz, style, custom_tz))
        if ev.get("duration") or (style == "apple" and ev.minutes and ev.minutes % 15 == 0 and not ev.get("rid")):
            lines.append(f"DURATION:PT{ev.minutes // 60}H{ev.minutes % 60}M".replace("PT0H", "PT").replace("H0M", "H"))
        elif ev.minutes is not None:
            lines.append(stamp(add_minutes(ev.start, ev.minutes), ev.tz, style, custom_tz, "DTEND"))
    if ev.get("rrule"):
        lines.append(f"RRULE:{ev.get('rrule')}")
    for value in ev.get("exdates", []):
        lines.append(stamp(value, ev.tz, style, custom_tz, "EXDATE") if not value.endswith("Z")
                     else f"EXDATE:{value}")
    if ev.get("rdates"):
        lines.append(stamp(",".join(ev.get("rdates")), ev.tz, style, custom_tz, "RDATE"))
    if ev.get("rdate_period"):
        lines.append(f"RDATE;VALUE=PERIOD:{ev.get('rdate_period')}")
    if ev.get("rid"):
        lines.append(stamp(ev.get("rid"), ev.tz, style, custom_tz, "RECURRENCE-ID"))
    lines.append("DTSTAMP:20261120T090000Z")
    lines.append(f"UID:{ev.uid}")
    if ev.get("organizer"):
        email, name = PEOPLE[ev.get("organizer")]
        lines.append(f"ORGANIZER;CN={name}:mailto:{email}" if style != "outlook"
                     else f'ORGANIZER;CN="{name}":mailto:{email}')
    for key in ev.get("attendees", []):
        partstat = "DECLINED" if key == owner and ev.get("declined") else "ACCEPTED"
        lines.append(person(key, style=style, partstat=partstat))
    lines.append(f"SEQUENCE:{ev.get('sequence', 0)}")
    lines.append(f"STATUS:{ev.get('status', 'CONFIRMED')}")
    lines.append(f"SUMMARY:{esc(ev.summary)}")
    if ev.get("description"):
        lines.append(f"DESCRIPTION:{esc(ev.get('description'))}")
    if ev.get("location"):
        lines.append(f"LOCATION:{esc(ev.get('location'))}")
    lines.append("TRANSP:" + ("TRANSPARENT" if ev.get("free") else "OPAQUE"))
    if style == "outlook":
        lines.append("X-MICROSOFT-CDO-BUSYSTATUS:" + ("FREE" if ev.get("free") else "BUSY"))
        lines.append("X-MICROSOFT-CDO-ALLDAYEVENT:" + ("TRUE" if ev.get("all_day") else "FALSE"))
    if ev.get("alarm"):
        lines += ["BEGIN:VALARM", "ACTION:DISPLAY", "DESCRIPTION:This is an event reminder",
                  "TRIGGER:-PT10M", "END:VALARM"]
    lines.append("END:VEVENT")
    return lines


def write(name, owner, style, events, home_tz, calname=None, x_wr_tz=None, custom=None):
    zones = sorted({e.tz for e in events if e.tz not in (None, "UTC") and not e.get("custom_zone")})
    head = {
        "google": ["PRODID:-//Google Inc//Google Calendar 70.9054//EN", "VERSION:2.0",
                   "CALSCALE:GREGORIAN", "METHOD:PUBLISH"],
        "outlook": ["METHOD:PUBLISH", "PRODID:Microsoft Exchange Server 2010", "VERSION:2.0",
                    "X-WR-CALNAME:Calendar"],
        "apple": ["VERSION:2.0", "PRODID:-//Apple Inc.//macOS 14.5//EN", "CALSCALE:GREGORIAN",
                  "X-WR-CALNAME:Work", "X-APPLE-CALENDAR-COLOR:#1BADF8"],
    }[style]
    lines = ["BEGIN:VCALENDAR"] + head
    if style == "google":
        lines.append(f"X-WR-CALNAME:{calname or PEOPLE[owner][0]}")
        lines.append(f"X-WR-TIMEZONE:{x_wr_tz or home_tz}")
    for tz in zones:
        lines += vtimezone(tz, style)
    if custom:
        lines += vtimezone(custom[1], "outlook", custom[0])
    for ev in events:
        lines += render_event(ev, style, owner, custom[0] if custom else None)
    lines.append("END:VCALENDAR")
    text = "\r\n".join(fold(line) for line in lines) + "\r\n"
    with open(os.path.join(OUT, name), "w", encoding="utf-8", newline="") as f:
        f.write(text)


def main():
    os.makedirs(OUT, exist_ok=True)
    from fixtures_org import calendars  # noqa: E402  (the organisation's meetings)
    for args, kwargs in calendars(Event):
        write(*args, **kwargs)


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(__file__))
    main()

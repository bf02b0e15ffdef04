"""The organisation behind tests/fixtures/ics: Acme's sixteen managers and their meetings.

Shared meetings are defined once (organizer, UID, rule, exceptions) and put in every
invited manager's file; each manager's own rituals follow. Times are wall-clock in the
organizer's zone, as calendar clients store them.
"""

LON, NY, CHI, LA, SYD, BER, IST = (
    "Europe/London", "America/New_York", "America/Chicago", "America/Los_Angeles",
    "Australia/Sydney", "Europe/Berlin", "Asia/Kolkata")
TEAM_ATLAS = ["ben", "chloe", "dev", "erin", "finn"]
TEAM_BOREALIS = ["gus", "hana", "ivan", "jade"]
TEAM_ORION = ["kai", "liam", "maya"]


def shared(E):
    s = {}
    s["leads"] = [
        E("7kq2m1leads0sync@google.com", "Engineering leads sync", "20251105T140000", LON, 45,
          rrule="FREQ=WEEKLY;BYDAY=WE", organizer="priya",
          attendees=["priya", "dana", "omar", "aisha", "room-thames"],
          exdates=["20251224T140000", "20251231T140000", "20260401T140000"],
          description="Cross-team risks, staffing and the release train.\nNotes in the leads doc."),
        E("7kq2m1leads0sync@google.com", "Engineering leads sync (moved)", "20260326T150000", LON, 45,
          rid="20260325T140000", organizer="priya", attendees=["priya", "dana", "omar", "aisha"],
          sequence=1),
        E("7kq2m1leads0sync@google.com", "Engineering leads sync", "20260812T140000", LON, 45,
          rid="20260812T140000", organizer="priya", attendees=["priya", "dana", "omar", "aisha"],
          status="CANCELLED", sequence=2),
    ]
    s["quarterly"] = [E("q9planning2026@google.com", "Quarterly planning: engineering and product",
                        "20260106T130000", LON, 180, rrule="FREQ=MONTHLY;INTERVAL=3;BYDAY=1TU",
                        organizer="priya", attendees=["priya", "dana", "omar", "aisha", "raj", "lucia"],
                        description="Capacity, bets and hiring for the quarter ahead.")]
    s["pipeline"] = [
        E("040000008200E00074C5B7101A82E00800000000A1B2C3D4E5F6A7010000000000000000100000001",
          "Sales pipeline review", "20260105T110000", NY, 60,
          rrule="FREQ=WEEKLY;BYDAY=MO;UNTIL=20261221T160000Z", organizer="victor",
          attendees=["victor", "sam", "lena"], exdates=["20260525T110000", "20260907T110000"]),
        E("040000008200E00074C5B7101A82E00800000000A1B2C3D4E5F6A7010000000000000000100000001",
          "Sales pipeline review", "20260706T130000", NY, 90, rid="20260706T110000",
          organizer="victor", attendees=["victor", "sam", "lena"], sequence=3,
          description="Mid-year: longer session with marketing."),
    ]
    s["forecast"] = [E("040000008200E00074C5B7101A82E00800000000B7C6D5E4F3A2B1020000000000000000100000002",
                       "Global forecast call", "20260108T160000", NY, 30,
                       rrule="FREQ=WEEKLY;INTERVAL=2;BYDAY=TH", organizer="victor",
                       attendees=["victor", "sam", "lena", "mia"])]
    s["qbr"] = [E("040000008200E00074C5B7101A82E00800000000C1D2E3F4A5B6C7030000000000000000100000003",
                  "QBR: Sales", "20260113T090000", NY, 180,
                  rrule="FREQ=MONTHLY;INTERVAL=3;BYDAY=2TU;COUNT=4", organizer="victor",
                  attendees=["victor", "sam", "lena", "mia", "priya", "ceo"],
                  description="Quarterly business review: results, pipeline health, three bets.")]
    s["district"] = [E("040000008200E00074C5B7101A82E00800000000D4E5F6A7B8C9D0040000000000000000100000004",
                       "District store review", "20260106T083000", LON, 90,
                       rrule="FREQ=WEEKLY;BYDAY=TU", organizer="ken", attendees=["ken", "grace", "nils", "olga"],
                       custom_zone=True, location="Leeds store, back office")]
    s["opsreview"] = [E("040000008200E00074C5B7101A82E00800000000E5F6A7B8C9D0E1050000000000000000100000005",
                        "Monthly ops review", "20260130T150000", LON, 60,
                        rrule="FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", organizer="ken",
                        attendees=["ken", "grace", "raj", "tom"], custom_zone=True)]
    s["anz"] = [E("anz-pipeline-2026@google.com", "ANZ pipeline call", "20260105T100000", SYD, 60,
                  rrule="FREQ=WEEKLY;BYDAY=MO", organizer="mia", attendees=["mia", "ella", "pete", "quinn"],
                  exdates=["20260126T100000"])]
    s["incident"] = [E("040000008200E00074C5B7101A82E00800000000F6A7B8C9D0E1F2060000000000000000100000006",
                       "Incident review: checkout and payments", "20260210T203000", IST, 60,
                       rdates=["20260317T203000", "20260512T203000", "20260915T203000"],
                       organizer="raj", attendees=["raj", "dana", "omar", "rosa"],
                       description="Post-incident review. Timeline, contributing factors, actions.")]
    s["debrief"] = [E("hiring-debrief-backend@google.com", "Hiring debrief: backend engineers",
                      "20260501T160000", LON, 30, rrule="FREQ=WEEKLY;BYDAY=FR;COUNT=8",
                      organizer="noah", attendees=["noah", "dana", "omar"])]
    s["sync"] = [E("atlas-orion-sync@google.com", "Atlas / Orion sync", "20260108T090000", LA, 30,
                   rrule="FREQ=WEEKLY;BYDAY=TH", organizer="lucia", attendees=["lucia", "dana"])]
    s["interviews"] = [
        E(f"interview-{i}@google.com", "Interview: backend engineer", day, LON, 60,
          organizer="noah", attendees=["noah", who, "saul"])
        for i, (day, who) in enumerate([("20260212T110000", "dana"), ("20260305T140000", "omar"),
                                        ("20260618T100000", "dana"), ("20260910T150000", "omar")])]
    s["allhands"] = [E("all-hands-2026@google.com", "All hands", "20260129T170000", LON, 60,
                       rrule="FREQ=MONTHLY;BYDAY=-1TH", organizer="ceo",
                       attendees=["ceo", "dana", "omar", "priya", "aisha", "grace", "ken", "noah"])]
    return s


def one_on_ones(E, owner, tz, reports, first_day, hour, interval=1, prefix="1:1"):
    events = []
    for i, who in enumerate(reports):
        start = first_day[:6] + f"{int(first_day[6:8]) + i:02d}T{hour + (i % 2):02d}0000"
        events.append(E(f"{owner}-{who}-one-on-one@acme.example", f"{prefix} {owner.capitalize()} / {who.capitalize()}",
                        start, tz, 30, rrule=f"FREQ=WEEKLY;INTERVAL={interval}",
                        organizer=owner, attendees=[owner, who]))
    return events


def calendars(E):
    s = shared(E)
    out = []

    def cal(name, owner, style, events, home, **kw):
        out.append(((name, owner, style, events, home), kw))

    cal("dana-google.ics", "dana", "google", s["leads"] + s["quarterly"] + s["incident"] + s["debrief"]
        + s["sync"] + s["interviews"][0::2] + s["allhands"] + [
            E("atlas-sprint-planning@google.com", "Atlas sprint planning", "20260105T100000", LON, 120,
              rrule="FREQ=WEEKLY;INTERVAL=2;BYDAY=MO", organizer="dana", attendees=["dana"] + TEAM_ATLAS,
              description="Sprint goal, capacity (holidays, on-call), commitments."),
            E("atlas-sprint-retro@google.com", "Atlas sprint retro", "20260116T150000", LON, 60,
              rrule="FREQ=WEEKLY;INTERVAL=2;BYDAY=FR", organizer="dana", attendees=["dana"] + TEAM_ATLAS,
              exdates=["20261225T150000"], alarm=True),
            E("atlas-standup@google.com", "Atlas stand-up", "20260105T093000", LON, 15,
              rrule="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", organizer="dana", attendees=["dana"] + TEAM_ATLAS),
            E("dana-focus@google.com", "Focus time", "20260106T140000", LON, 120,
              rrule="FREQ=WEEKLY;BYDAY=TU,TH", organizer="dana"),
            E("town-hall-rehearsal@google.com", "Town hall rehearsal", "20260224T120000", LON, 60,
              organizer="ceo", attendees=["ceo", "dana", "priya"], declined=True),
            E("uk-holiday-easter@google.com", "Easter Monday", "20260406", None, all_day=True,
              end_date="20260407", free=True),
            E("atlas-offsite@google.com", "Atlas offsite (Bristol)", "20260915", None, all_day=True,
              end_date="20260917", organizer="dana", attendees=["dana"] + TEAM_ATLAS),
        ] + one_on_ones(E, "dana", LON, ["ben", "chloe", "dev"], "20260106", 11), LON)

    cal("omar-outlook.ics", "omar", "outlook", s["leads"] + s["quarterly"] + s["incident"] + s["debrief"]
        + s["interviews"][1::2] + s["allhands"] + [
            E("040000008200E00074C5B7101A82E0080000000011AA22BB33CC44010000000000000000100000011",
              "Borealis sprint planning", "20260107T100000", LON, 90,
              rrule="FREQ=WEEKLY;INTERVAL=2;BYDAY=WE;UNTIL=20261216T235959Z", organizer="omar",
              attendees=["omar"] + TEAM_BOREALIS),
            E("040000008200E00074C5B7101A82E0080000000011AA22BB33CC44020000000000000000100000012",
              "Borealis retrospective", "20260115T160000", LON, 60,
              rrule="FREQ=WEEKLY;INTERVAL=2;BYDAY=TH;UNTIL=20261217T235959Z", organizer="omar",
              attendees=["omar"] + TEAM_BOREALIS),
            E("040000008200E00074C5B7101A82E0080000000011AA22BB33CC44020000000000000000100000012",
              "Borealis retrospective", "20260430T160000", LON, 60, rid="20260430T160000",
              organizer="omar", attendees=["omar"] + TEAM_BOREALIS, status="CANCELLED", sequence=1),
            E("040000008200E00074C5B7101A82E0080000000011AA22BB33CC44030000000000000000100000013",
              "Borealis daily scrum", "20260105T094500", LON, 15,
              rrule="FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR", organizer="omar", attendees=["omar"] + TEAM_BOREALIS),
        ] + one_on_ones(E, "omar", LON, ["gus", "hana"], "20260105", 14, interval=2), LON)

    cal("priya-apple.ics", "priya", "apple", s["leads"] + s["quarterly"] + s["qbr"] + s["allhands"] + [
        E("C5A1F0E2-8B7D-4C1A-9E3F-2D6B8A0C4E11", "Engineering managers staff meeting", "20260105T160000",
          LON, 60, rrule="FREQ=WEEKLY;BYDAY=MO", organizer="priya",
          attendees=["priya", "dana", "omar", "lucia", "aisha"]),
        E("C5A1F0E2-8B7D-4C1A-9E3F-2D6B8A0C4E12", "Architecture review", "20260114T110000", LON, 90,
          rrule="FREQ=MONTHLY;BYDAY=2WE", organizer="priya", attendees=["priya", "dana", "omar", "erin"],
          description="Decisions and ADRs. A very long description that an exporter folds across several lines because it runs past seventy-five octets — twice, at least."),
        E("C5A1F0E2-8B7D-4C1A-9E3F-2D6B8A0C4E13", "Priya / Jo 1:1", "20260108T170000", LON, 30,
          rrule="FREQ=WEEKLY;INTERVAL=2;BYDAY=TH", organizer="ceo", attendees=["ceo", "priya"]),
    ], LON)

    cal("lucia-google.ics", "lucia", "google", s["sync"] + s["quarterly"] + [
        E("orion-planning@google.com", "Orion sprint planning", "20260112T100000", LA, 90,
          rrule="FREQ=WEEKLY;INTERVAL=2;BYDAY=MO", organizer="lucia", attendees=["lucia"] + TEAM_ORION),
        E("orion-retro@google.com", "Orion retro", "20260123T140000", LA, 60,
          rrule="FREQ=WEEKLY;INTERVAL=2;BYDAY=FR", organizer="lucia", attendees=["lucia"] + TEAM_ORION),
        E("orion-standup@google.com", "Orion standup", "20260105T091500", LA, 15,
          rrule="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", organizer="lucia", attendees=["lucia"] + TEAM_ORION),
        E("us-holiday-july4@google.com", "Independence Day (observed)", "20260703", None, all_day=True,
          end_date="20260704", free=True),
    ] + one_on_ones(E, "lucia", LA, ["kai", "liam", "maya"], "20260106", 13), LA)

    cal("aisha-google.ics", "aisha", "google", s["leads"] + s["quarterly"] + s["allhands"] + [
        E("roadmap-review@google.com", "Product roadmap review", "20260115T100000", BER, 60,
          rrule="FREQ=MONTHLY;BYMONTHDAY=15", organizer="aisha",
          attendees=["aisha", "priya", "dana", "uma"], exdates=["20260815T100000"]),
        E("product-planning@google.com", "Product planning", "20260105T150000", BER, 60,
          rrule="FREQ=WEEKLY;BYDAY=MO;COUNT=30", organizer="aisha", attendees=["aisha", "uma", "tara"]),
    ], BER)

    cal("sam-google.ics", "sam", "google", s["pipeline"] + s["forecast"] + s["qbr"] + [
        E("east-team-meeting@google.com", "East team meeting", "20260106T090000", None, 45,
          rrule="FREQ=WEEKLY;BYDAY=TU", organizer="sam", attendees=["sam", "ben", "rosa", "saul"]),
        E("east-deal-review@google.com", "Deal review", "20260113T140000", None, 60,
          rrule="FREQ=MONTHLY;BYDAY=2TU", organizer="sam", attendees=["sam", "rosa", "saul"]),
        E("globex-deal-1@google.com", "Deal strategy: Globex renewal", "20260219T150000", None, 45,
          organizer="sam", attendees=["sam", "rosa", "globex"]),
        E("sam-dentist@google.com", "Dentist", "20260303T083000", None, 60),
    ] + one_on_ones(E, "sam", None, ["rosa", "saul"], "20260107", 10), NY)

    cal("lena-outlook.ics", "lena", "outlook", s["pipeline"] + s["forecast"] + s["qbr"] + [
        E("040000008200E00074C5B7101A82E0080000000022BB33CC44DD55010000000000000000100000021",
          "Central team huddle", "20260105T083000", CHI, 15,
          rrule="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", organizer="lena", attendees=["lena", "tara", "uma", "ivan"]),
        E("040000008200E00074C5B7101A82E0080000000022BB33CC44DD55020000000000000000100000022",
          "Central deal review", "20260129T130000", CHI, 60,
          rrule="FREQ=MONTHLY;BYDAY=-1TH", organizer="lena", attendees=["lena", "tara", "uma"]),
    ] + one_on_ones(E, "lena", CHI, ["tara", "uma"], "20260105", 15), CHI)

    cal("victor-outlook.ics", "victor", "outlook", s["pipeline"] + s["forecast"] + s["qbr"] + [
        E("040000008200E00074C5B7101A82E0080000000033CC44DD55EE66010000000000000000100000031",
          "Sales leadership staff", "20260107T100000", NY, 60, rrule="FREQ=WEEKLY;BYDAY=WE",
          organizer="victor", attendees=["victor", "sam", "lena", "mia", "ceo"]),
        E("040000008200E00074C5B7101A82E0080000000033CC44DD55EE66020000000000000000100000032",
          "Board prep", "20260302T080000", NY, 120, organizer="ceo", attendees=["ceo", "victor"]),
    ], NY)

    cal("mia-google.ics", "mia", "google", s["forecast"] + s["qbr"] + s["anz"] + [
        E("anz-forecast@google.com", "ANZ forecast", "20260108T090000", SYD, 30,
          rrule="FREQ=WEEKLY;BYDAY=TH", organizer="mia", attendees=["mia", "pete", "quinn"]),
        E("au-holiday-anzac@google.com", "Anzac Day", "20260425", None, all_day=True, end_date="20260426", free=True),
    ] + one_on_ones(E, "mia", SYD, ["pete", "quinn"], "20260106", 14), SYD)

    cal("tom-outlook.ics", "tom", "outlook", s["opsreview"] + [
        E("040000008200E00074C5B7101A82E0080000000044DD55EE66FF77010000000000000000100000041",
          "Sydney store review", "20260105T080000", SYD, 60, rrule="FREQ=WEEKLY;BYDAY=MO",
          organizer="tom", attendees=["tom", "pete", "jade", "kai"]),
        E("040000008200E00074C5B7101A82E0080000000044DD55EE66FF77020000000000000000100000042",
          "Store stand-up", "20260105T074500", SYD, 15, rrule="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
          organizer="tom", attendees=["tom", "pete", "jade", "kai", "liam"]),
        E("040000008200E00074C5B7101A82E0080000000044DD55EE66FF77030000000000000000100000043",
          "Stocktake planning", "20260130T130000", SYD, 60,
          rrule="FREQ=MONTHLY;BYDAY=FR;BYSETPOS=-1", organizer="tom", attendees=["tom", "pete", "jade"]),
    ], SYD, custom=("Customized Time Zone", LON))

    cal("grace-apple.ics", "grace", "apple", s["district"] + s["opsreview"] + s["allhands"] + [
        E("D1B2C3D4-0001-4E5F-8A9B-1C2D3E4F5A61", "Leeds store walk", "20260103T083000", LON, 45,
          rrule="FREQ=WEEKLY;BYDAY=SA", organizer="grace", attendees=["grace", "nils", "olga"]),
        E("D1B2C3D4-0001-4E5F-8A9B-1C2D3E4F5A62", "Grace / Nils check-in", "20260108T120000", LON, 30,
          rrule="FREQ=WEEKLY;INTERVAL=2;BYDAY=TH", organizer="grace", attendees=["grace", "nils"]),
        E("D1B2C3D4-0001-4E5F-8A9B-1C2D3E4F5A64", "Lunch and learn: visual merchandising (optional)",
          "20260312T123000", LON, 60, organizer="olga", attendees=["olga", "grace", "nils"], free=True),
        E("D1B2C3D4-0001-4E5F-8A9B-1C2D3E4F5A63", "Christmas trading", "20261207", None, all_day=True,
          end_date="20261224", organizer="grace", free=True),
    ], LON, custom=("Customized Time Zone", LON))

    cal("ken-outlook.ics", "ken", "outlook", s["district"] + s["opsreview"] + s["allhands"] + [
        E("040000008200E00074C5B7101A82E0080000000055EE66FF770088010000000000000000100000051",
          "District managers call", "20260108T090000", LON, 45, rrule="FREQ=WEEKLY;BYDAY=TH",
          organizer="ken", attendees=["ken", "grace", "nils", "olga"], custom_zone=True,
          rdate_period="20260611T130000Z/PT2H"),
    ], LON, custom=("Customized Time Zone", LON))

    cal("raj-outlook.ics", "raj", "outlook", s["incident"] + s["quarterly"] + s["opsreview"] + [
        E("040000008200E00074C5B7101A82E0080000000066FF7700881199010000000000000000100000061",
          "Support stand-up", "20260105T100000", IST, 15, rrule="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
          organizer="raj", attendees=["raj", "rosa", "saul", "tara"]),
        E("040000008200E00074C5B7101A82E0080000000066FF7700881199020000000000000000100000062",
          "Support ops review", "20260112T160000", IST, 60, rrule="FREQ=WEEKLY;INTERVAL=2;BYDAY=MO",
          organizer="raj", attendees=["raj", "rosa", "saul"]),
    ], IST, custom=("Customized Time Zone", LON))

    cal("noah-google.ics", "noah", "google", s["debrief"] + s["interviews"] + s["allhands"] + [
        E("hrbp-sync@google.com", "HRBP / engineering sync", "20260109T110000", LON, 30,
          rrule="FREQ=WEEKLY;INTERVAL=2;BYDAY=FR", organizer="noah", attendees=["noah", "priya"]),
    ], LON)

    cal("ella-apple.ics", "ella", "apple", s["anz"] + [
        E("E7F8A9B0-0002-4C3D-9E8F-7A6B5C4D3E21", "CS team weekly", "20260107T110000", SYD, 60,
          rrule="FREQ=WEEKLY;BYDAY=WE", organizer="ella", attendees=["ella", "pete", "quinn", "maya"]),
    ] + [
        E(f"E7F8A9B0-0003-4C3D-9E8F-7A6B5C4D3E3{i}", f"QBR Initech Q{q} 2026", day, SYD, 90,
          organizer="ella", attendees=["ella", "initech", "quinn"])
        for i, (q, day) in enumerate([(1, "20260224T100000"), (2, "20260519T100000"),
                                      (3, "20260818T100000"), (4, "20261117T100000")])
    ], SYD)
    return out

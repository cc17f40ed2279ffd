"""The iCalendar adapter: valid RFC 5545 that common clients read, all times in UTC, folded and
escaped text, no control characters, stable UIDs, and the same bytes for the same input."""

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest
from icalendar import Calendar

from clearinghouse.calendars import CalendarEvent, calendar

STAMP = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
GENEVA_WINTER = timezone(timedelta(hours=1))
TRICKY = 'Comma, semicolon; backslash \\ and\na new line "quoted"'
DEADLINE = CalendarEvent(
    uid="consultation-12-deadline@clearinghouse.example",
    title="Consultation closes: spectrum policy",
    starts_at=datetime(2026, 3, 1, 18, 0, tzinfo=GENEVA_WINTER),
    ends_at=None,
    url="https://clearinghouse.example/consultations/12",
    description="Submissions close at 18:00 Geneva time.",
    updated=datetime(2026, 1, 2, 9, 30, tzinfo=UTC),
)
MEETING = CalendarEvent(
    uid="process-7-meeting-3@clearinghouse.example",
    title="Working group, third meeting",
    starts_at=datetime(2026, 2, 10, 9, 0, tzinfo=UTC),
    ends_at=datetime(2026, 2, 10, 12, 30, tzinfo=UTC),
    url="https://clearinghouse.example/processes/7",
    description="Agenda on the process page.",
    location="Palais des Nations, Room XVII",
)
TIME_PROPERTIES = ("DTSTAMP", "DTSTART", "DTEND", "LAST-MODIFIED")


def build(*events, name="Clearinghouse deadlines", description="Deadlines and meetings."):
    return calendar(name, description, events, fallback_stamp=STAMP)


def parse(ics: bytes) -> Calendar:
    return Calendar.from_ical(ics)


def vevents(ics: bytes):
    return parse(ics).walk("VEVENT")


def unescaped(value) -> str:
    """RFC 5545 TEXT unescaping, for the properties icalendar parses as unknown and leaves raw."""
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m[1] in "nN" else m[1], str(value))


def unfolded_lines(ics: bytes) -> list[str]:
    return ics.decode().replace("\r\n ", "").split("\r\n")


def test_calendar_carries_the_properties_clients_need_to_subscribe():
    cal = parse(build(MEETING))
    assert cal["VERSION"] == "2.0"
    assert cal["PRODID"].startswith("-//Clearinghouse//")
    assert cal["CALSCALE"] == "GREGORIAN"
    assert cal["METHOD"] == "PUBLISH"
    for key in ("NAME", "X-WR-CALNAME"):
        assert unescaped(cal[key]) == "Clearinghouse deadlines"
    assert str(cal["DESCRIPTION"]) == "Deadlines and meetings."
    assert unescaped(cal["X-WR-CALDESC"]) == "Deadlines and meetings."


def test_every_event_has_each_required_property():
    for event in vevents(build(MEETING, DEADLINE)):
        for key in ("UID", "DTSTAMP", "DTSTART", "SUMMARY", "URL", "DESCRIPTION"):
            assert key in event, key
        assert "DTEND" in event or "DURATION" in event


def test_meeting_keeps_its_title_times_place_and_page():
    (event,) = vevents(build(MEETING))
    assert str(event["UID"]) == MEETING.uid
    assert str(event["SUMMARY"]) == MEETING.title
    assert event.decoded("DTSTART") == MEETING.starts_at
    assert event.decoded("DTEND") == MEETING.ends_at
    assert str(event["LOCATION"]) == MEETING.location
    assert str(event["URL"]) == MEETING.url
    assert str(event["DESCRIPTION"]) == MEETING.description


def test_every_time_is_written_in_utc_and_never_floating():
    lines = unfolded_lines(build(MEETING, DEADLINE))
    times = [line for line in lines if line.split(":")[0].split(";")[0] in TIME_PROPERTIES]
    assert len(times) == 8
    for line in times:
        assert re.fullmatch(r"[A-Z-]+:\d{8}T\d{6}Z", line), line


def test_times_given_in_another_zone_are_converted_to_the_same_moment_in_utc():
    (event,) = vevents(build(DEADLINE))
    assert event.decoded("DTSTART") == datetime(2026, 3, 1, 17, 0, tzinfo=UTC)
    assert b"DTSTART:20260301T170000Z\r\n" in build(DEADLINE)


def test_deadline_without_an_end_gets_a_short_end_and_does_not_make_anyone_busy():
    (event,) = vevents(build(DEADLINE))
    length = event.decoded("DTEND") - event.decoded("DTSTART")
    assert timedelta(0) < length <= timedelta(hours=1)
    assert event["TRANSP"] == "TRANSPARENT"


def test_every_line_ends_with_crlf_and_no_line_is_longer_than_75_octets():
    long = replace(MEETING, description="Ünïcödé spans many octets. " * 40, title="T" * 200)
    ics = build(long, DEADLINE)
    assert ics.endswith(b"\r\n")
    assert b"\n" not in ics.replace(b"\r\n", b"")
    lines = ics.split(b"\r\n")[:-1]
    assert max(len(line) for line in lines) <= 75
    assert any(line.startswith(b" ") for line in lines)
    for line in lines:
        line.decode()  # folding never splits a multi-octet character
    (event,) = vevents(build(long))
    assert str(event["DESCRIPTION"]) == long.description


def test_commas_semicolons_backslashes_and_new_lines_round_trip_in_titles_and_descriptions():
    tricky = replace(MEETING, title=TRICKY, description=TRICKY, location=TRICKY)
    ics = build(tricky, name=TRICKY, description=TRICKY)
    (event,) = vevents(ics)
    for key in ("SUMMARY", "DESCRIPTION", "LOCATION"):
        assert str(event[key]) == TRICKY
    cal = parse(ics)
    for key in ("NAME", "X-WR-CALNAME", "X-WR-CALDESC"):  # icalendar reads these undecoded
        assert unescaped(cal[key]) == TRICKY
    escaped = r'Comma\, semicolon\; backslash \\ and\na new line "quoted"'
    assert f"SUMMARY:{escaped}" in unfolded_lines(ics)


def test_control_characters_are_removed_but_tabs_and_new_lines_kept():
    noisy = replace(MEETING, title="Bell\x07 null\x00 escape\x1b del\x7f", location="Room\x0c 3",
                    description="Tab\there\r\nline two\rline three\x85")
    ics = build(noisy, name="Name\x01", description="About\x02")
    assert not re.search(rb"[\x00-\x08\x0b-\x1f\x7f]", ics.replace(b"\r\n", b""))
    (event,) = vevents(ics)
    assert str(event["SUMMARY"]) == "Bell null escape del"
    assert str(event["LOCATION"]) == "Room 3"
    assert str(event["DESCRIPTION"]) == "Tab\there\nline two\nline three"
    assert unescaped(parse(ics)["X-WR-CALNAME"]) == "Name"


def test_uids_are_the_ones_given_whatever_else_changes():
    edited = replace(MEETING, title="Renamed", updated=datetime(2026, 2, 1, tzinfo=UTC))
    assert [str(e["UID"]) for e in vevents(build(MEETING))] == [MEETING.uid]
    assert [str(e["UID"]) for e in vevents(build(edited))] == [MEETING.uid]


def test_same_input_gives_the_same_bytes_whatever_the_order_of_events():
    assert build(MEETING, DEADLINE) == build(DEADLINE, MEETING)
    assert build(MEETING, DEADLINE) == build(MEETING, DEADLINE)


def test_events_are_sorted_by_start_then_uid():
    twin = replace(MEETING, uid="a-twin@clearinghouse.example")
    uids = [str(e["UID"]) for e in vevents(build(DEADLINE, MEETING, twin))]
    assert uids == [twin.uid, MEETING.uid, DEADLINE.uid]


def test_stamp_comes_from_updated_or_else_the_fallback_never_the_clock():
    by_uid = {str(e["UID"]): e for e in vevents(build(MEETING, DEADLINE))}
    assert by_uid[DEADLINE.uid].decoded("DTSTAMP") == DEADLINE.updated
    assert by_uid[DEADLINE.uid].decoded("LAST-MODIFIED") == DEADLINE.updated
    assert by_uid[MEETING.uid].decoded("DTSTAMP") == STAMP


def test_empty_calendar_is_still_a_valid_subscription():
    cal = parse(build())
    assert cal.walk("VEVENT") == []
    assert cal["METHOD"] == "PUBLISH"


@pytest.mark.parametrize("field", ["starts_at", "ends_at", "updated"])
def test_naive_datetimes_are_refused(field):
    with pytest.raises(ValueError, match="naive"):
        build(replace(MEETING, **{field: datetime(2026, 2, 10, 13, 0)}))


def test_naive_fallback_stamp_is_refused():
    with pytest.raises(ValueError, match="naive"):
        calendar("n", "d", [MEETING], fallback_stamp=STAMP.replace(tzinfo=None))


def test_meeting_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValueError, match="before it starts"):
        build(replace(MEETING, ends_at=MEETING.starts_at - timedelta(minutes=1)))


@pytest.mark.parametrize("url", ["/processes/7", "javascript:alert(1)", "clearinghouse.example/x"])
def test_urls_that_are_not_absolute_http_are_refused(url):
    with pytest.raises(ValueError, match="absolute"):
        build(replace(MEETING, url=url))

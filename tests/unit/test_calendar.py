"""The iCalendar builder (RFC 5545): escaping, folding, events, alarms. Pure, no app."""

from __future__ import annotations

import ast
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from fieldlog.tracker.calendar import (
    CRLF,
    Alarm,
    Event,
    build,
    duration,
    escape_text,
    event_uid,
    fold,
    unfold,
    utc_stamp,
)
from tests.ical import vevents

STAMP = datetime(2026, 9, 20, 2, 3, 4, tzinfo=UTC)
SOURCE = Path(__file__).resolve().parents[2] / "fieldlog" / "tracker" / "calendar.py"


def _octets(line: str) -> int:
    return len(line.encode("utf-8"))


_events = vevents


# --- escaping -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("plain", "plain"),
        ("七个一：一次宣讲", "七个一：一次宣讲"),
        ("a,b", "a\\,b"),
        ("a;b", "a\\;b"),
        ("back\\slash", "back\\\\slash"),
        ("line\nbreak", "line\\nbreak"),
        ("crlf\r\nbreak", "crlf\\nbreak"),
        ("lone\rcr", "lone\\ncr"),
        ("\\,;", "\\\\\\,\\;"),  # the backslash is escaped first, not twice
        ("bell\x07null\x00", "bellnull"),
        ("tab\tkept", "tab\tkept"),
        ("colon: stays", "colon: stays"),  # ':' needs no escape in a value
        ("中文，全角；不变", "中文，全角；不变"),  # full-width punctuation is not special
    ],
)
def test_escape_text(raw, escaped):
    assert escape_text(raw) == escaped


# --- folding --------------------------------------------------------------------------


@pytest.mark.parametrize("length", [0, 1, 74, 75])
def test_short_lines_are_not_folded(length):
    assert fold("x" * length) == "x" * length


@pytest.mark.parametrize("length", [76, 149, 150, 151, 400])
def test_ascii_lines_fold_at_75_octets(length):
    line = "x" * length
    parts = fold(line).split(CRLF)
    assert len(parts) > 1
    assert _octets(parts[0]) == 75
    assert all(p.startswith(" ") for p in parts[1:])
    assert all(_octets(p) <= 75 for p in parts)
    assert unfold(fold(line)) == line


@pytest.mark.parametrize("prefix", ["", "S", "SU", "SUMMARY:", "DESCRIPTION:x"])
def test_chinese_text_never_splits_a_character(prefix):
    line = prefix + "七个一：一次宣讲（2026年第4季度）截止，请在截止日前完成并记录。" * 3
    folded = fold(line)
    parts = folded.split(CRLF)
    assert len(parts) > 1
    for part in parts:
        assert _octets(part) <= 75
        part.encode("utf-8").decode("utf-8")  # each physical line is whole UTF-8
    assert unfold(folded) == line


def test_fold_fills_lines_as_far_as_a_character_allows():
    # 25 three-octet characters make exactly 75 octets; the 26th starts a new line.
    line = "中" * 26
    first, second = fold(line).split(CRLF)
    assert first == "中" * 25
    assert second == " 中"
    # With one ASCII octet in front, only 24 characters fit (1 + 72), the 25th would be 76.
    first, _ = fold("x" + line).split(CRLF)
    assert first == "x" + "中" * 24


def test_four_octet_characters_are_kept_whole():
    line = "😀" * 40
    parts = fold(line).split(CRLF)
    assert all(_octets(p) <= 75 for p in parts)
    assert _octets(parts[0]) == 72
    assert unfold(fold(line)) == line


# --- small values ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("minutes", "text"),
    [
        (0, "PT0M"),
        (30, "PT30M"),
        (12 * 60, "PT12H"),
        (24 * 60, "P1D"),
        (24 * 60 + 90, "P1DT1H30M"),
        (-15 * 60, "-PT15H"),
        (-(2 * 24 + 15) * 60, "-P2DT15H"),
    ],
)
def test_duration(minutes, text):
    assert duration(minutes) == text


@pytest.mark.parametrize(
    ("alarm", "trigger"),
    [
        (Alarm(3, 9), "-P2DT15H"),  # 09:00 three days before the deadline's midnight
        (Alarm(1, 9), "-PT15H"),
        (Alarm(1, 0), "-P1D"),
        (Alarm(7, 18), "-P6DT6H"),
    ],
)
def test_alarm_trigger(alarm, trigger):
    assert alarm.trigger == trigger


def test_utc_stamp_converts_to_utc_and_refuses_naive_times():
    shanghai = timezone(timedelta(hours=8))
    assert utc_stamp(datetime(2026, 1, 1, 8, 0, tzinfo=shanghai)) == "20260101T000000Z"
    assert utc_stamp(STAMP) == "20260920T020304Z"
    with pytest.raises(ValueError, match="timezone-aware"):
        utc_stamp(datetime(2026, 1, 1))


def test_uid_is_stable_per_member_duty_and_period():
    assert event_uid(7, "talk", "2026Q4") == event_uid(7, "talk", "2026Q4")
    uids = {
        event_uid(7, "talk", "2026Q4"),
        event_uid(8, "talk", "2026Q4"),
        event_uid(7, "contact", "2026Q4"),
        event_uid(7, "talk", "2026Q3"),
    }
    assert len(uids) == 4
    assert event_uid(7, "talk", "2026Q4").endswith("@fieldlog")


# --- the whole calendar ---------------------------------------------------------------

EVENTS = [
    Event(
        uid=event_uid(7, "talk", "2026Q4"),
        day=date(2026, 12, 31),
        summary="七个一：一次宣讲（2026年第4季度）截止",
        description="尚未完成 · 已完成 0/1\n从 2026-10-01 到 2026-12-31, 备注; 路径\\",
        url="https://example.org/logs/new/talk",
        alarm=Alarm(3, 9),
    ),
    Event(uid=event_uid(7, "contact", "2026Q2"), day=date(2026, 6, 30), summary="逾期"),
]


def test_calendar_lines_end_in_crlf_and_fit_75_octets():
    text = build(EVENTS, name="我的七个一截止日", stamp=STAMP)
    assert text.endswith(CRLF)
    assert "\n" not in text.replace(CRLF, "")
    assert "\r" not in text.replace(CRLF, "")
    for line in text.split(CRLF)[:-1]:
        assert line and _octets(line) <= 75


def test_calendar_header_and_footer():
    text = unfold(build(EVENTS, name="我的七个一, 截止日", stamp=STAMP))
    lines = text.split(CRLF)
    assert lines[0] == "BEGIN:VCALENDAR"
    assert lines[-2:] == ["END:VCALENDAR", ""]
    assert "VERSION:2.0" in lines
    assert any(line.startswith("PRODID:") for line in lines)
    assert "X-WR-CALNAME:我的七个一\\, 截止日" in lines
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT12H" in lines
    assert text.count("BEGIN:VEVENT") == text.count("END:VEVENT") == 2


def test_all_day_events_on_the_deadline():
    first, second = _events(build(EVENTS, name="x", stamp=STAMP))
    assert first["UID"] == "2026Q4-talk-7@fieldlog"
    assert first["DTSTAMP"] == "20260920T020304Z"
    assert first["DTSTART;VALUE=DATE"] == "20261231"
    assert first["DTEND;VALUE=DATE"] == "20270101"  # the day after: exclusive end
    assert first["SUMMARY"] == "七个一：一次宣讲（2026年第4季度）截止"
    assert first["DESCRIPTION"] == (
        "尚未完成 · 已完成 0/1\\n从 2026-10-01 到 2026-12-31\\, 备注\\; 路径\\\\"
    )
    assert first["URL"] == "https://example.org/logs/new/talk"
    assert first["TRANSP"] == "TRANSPARENT"
    assert first["ALARM:ACTION"] == "DISPLAY"
    assert first["ALARM:TRIGGER"] == "-P2DT15H"
    assert first["ALARM:DESCRIPTION"] == first["SUMMARY"]
    assert second["DTSTART;VALUE=DATE"] == "20260630"
    assert "DESCRIPTION" not in second and "URL" not in second
    assert not any(key.startswith("ALARM:") for key in second)


def test_same_input_gives_the_same_text():
    assert build(EVENTS, name="x", stamp=STAMP) == build(EVENTS, name="x", stamp=STAMP)


def test_empty_calendar_is_still_valid():
    text = build([], name="x", stamp=STAMP)
    assert "BEGIN:VEVENT" not in text
    assert text.startswith("BEGIN:VCALENDAR" + CRLF) and text.endswith("END:VCALENDAR" + CRLF)


def test_long_chinese_summary_is_folded_and_unfolds_whole():
    summary = "七个一：" + "一次宣讲" * 30
    text = build([Event(uid="u", day=date(2026, 3, 31), summary=summary)], name="x", stamp=STAMP)
    assert any(line.startswith(" ") for line in text.split(CRLF))
    assert _events(text)[0]["SUMMARY"] == summary


def test_year_end_deadline_rolls_over():
    event = Event(uid="u", day=date(2028, 2, 28), summary="s")
    (parsed,) = _events(build([event], name="x", stamp=STAMP))
    assert parsed["DTEND;VALUE=DATE"] == "20280229"  # leap year


def test_builder_imports_only_the_standard_library():
    tree = ast.parse(SOURCE.read_text(encoding="utf-8"))
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module.split(".")[0])
    import sys

    assert modules <= set(sys.stdlib_module_names) | {"__future__"}

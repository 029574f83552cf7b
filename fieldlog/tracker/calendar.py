"""An iCalendar (RFC 5545) feed of all-day deadline events. Pure: standard library only.

Takes plain values (events, a name, the instant the feed is made) and returns the text of
a VCALENDAR: CRLF line endings, lines folded at 75 octets without splitting a UTF-8
character, TEXT values escaped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

CRLF = "\r\n"
MAX_OCTETS = 75
PRODID = "-//FieldLog//Duty deadlines//ZH"
# Control characters other than TAB are not allowed in TEXT values (RFC 5545 3.3.11).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class Alarm:
    """A display reminder at ``hour`` o'clock, ``days_before`` days before the event's day."""

    days_before: int = 3
    hour: int = 9

    @property
    def trigger(self) -> str:
        """The TRIGGER duration, relative to the start (midnight) of the all-day event."""
        return duration(self.hour * 60 - self.days_before * 24 * 60)


@dataclass(frozen=True)
class Event:
    """One all-day event on ``day``."""

    uid: str
    day: date
    summary: str
    description: str = ""
    url: str | None = None
    alarm: Alarm | None = None


def event_uid(member_id: int, duty_code: str, period_code: str, domain: str = "fieldlog") -> str:
    """A UID that stays the same for one member, duty and period, however often it is built."""
    return f"{period_code}-{duty_code}-{member_id}@{domain}"


def escape_text(value: str) -> str:
    r"""A TEXT value: ``\`` ``;`` ``,`` escaped, newlines as ``\n``, control characters dropped."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return _CONTROL.sub("", value.replace("\n", "\\n"))


def fold(line: str) -> str:
    """Split a content line into physical lines of at most 75 octets, joined by CRLF + space.

    Splits fall between characters, never inside a multi-octet UTF-8 sequence; the leading
    space of a continuation line counts towards its 75 octets.
    """
    parts: list[str] = []
    current, size = "", 0
    for char in line:
        octets = len(char.encode("utf-8"))
        if size + octets > MAX_OCTETS:
            parts.append(current)
            current, size = " ", 1
        current += char
        size += octets
    parts.append(current)
    return CRLF.join(parts)


def unfold(text: str) -> str:
    """The inverse of folding: continuation lines joined back to their content line."""
    return re.sub(r"\r\n[ \t]", "", text)


def duration(minutes: int) -> str:
    """An RFC 5545 DURATION for a signed number of minutes, e.g. ``-P2DT15H``."""
    sign = "-" if minutes < 0 else ""
    days, rest = divmod(abs(minutes), 24 * 60)
    hours, mins = divmod(rest, 60)
    text = f"{sign}P{days}D" if days else f"{sign}P"
    if hours or mins or not days:
        text += "T" + (f"{hours}H" if hours else "") + (f"{mins}M" if mins or not hours else "")
    return text


def utc_stamp(instant: datetime) -> str:
    """A DATE-TIME in UTC form (``20261127T060509Z``); ``instant`` must be timezone-aware."""
    if instant.tzinfo is None:
        raise ValueError("the stamp must be timezone-aware")
    return instant.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _day(value: date) -> str:
    return value.strftime("%Y%m%d")


def _event_lines(event: Event, stamp: str) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{escape_text(event.uid)}",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{_day(event.day)}",
        f"DTEND;VALUE=DATE:{_day(event.day + timedelta(days=1))}",
        f"SUMMARY:{escape_text(event.summary)}",
        "TRANSP:TRANSPARENT",
    ]
    if event.description:
        lines.append(f"DESCRIPTION:{escape_text(event.description)}")
    if event.url:
        lines.append(f"URL:{_CONTROL.sub('', event.url)}")
    if event.alarm:
        lines += [
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            f"DESCRIPTION:{escape_text(event.summary)}",
            f"TRIGGER:{event.alarm.trigger}",
            "END:VALARM",
        ]
    lines.append("END:VEVENT")
    return lines


def build(events: Iterable[Event], *, name: str, stamp: datetime, refresh_hours: int = 12) -> str:
    """The whole calendar as text (encode it as UTF-8). ``stamp`` becomes every DTSTAMP."""
    when = utc_stamp(stamp)
    refresh = duration(refresh_hours * 60)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"NAME:{escape_text(name)}",
        f"X-WR-CALNAME:{escape_text(name)}",
        f"REFRESH-INTERVAL;VALUE=DURATION:{refresh}",
        f"X-PUBLISHED-TTL:{refresh}",
    ]
    for event in events:
        lines += _event_lines(event, when)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + CRLF for line in lines)

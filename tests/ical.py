"""Reading iCalendar text back in tests."""

from __future__ import annotations

from fieldlog.tracker.calendar import CRLF, unfold


def vevents(text: str) -> list[dict[str, str]]:
    """VEVENT properties (name with parameters -> value), alarms as ``ALARM:<name>``."""
    events, current, in_alarm = [], None, False
    for line in unfold(text).split(CRLF):
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            events.append(current)
            current = None
        elif line in ("BEGIN:VALARM", "END:VALARM"):
            in_alarm = line == "BEGIN:VALARM"
        elif current is not None:
            name, value = line.split(":", 1)
            current[f"ALARM:{name}" if in_alarm else name] = value
    return events

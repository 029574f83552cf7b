"""Bounds on the work of reading a roster, checked before the work is done.

An XLSX is a zip of XML parts. openpyxl loads its shared strings (every distinct text of
the workbook) into memory when it opens the file, even in read-only mode, and parses each
worksheet it is asked for; a file of 1.7 MB can declare 65 MB of shared strings, millions
of them, and cost minutes and hundreds of megabytes. So before openpyxl sees a file,
``check_parts`` reads the zip's entries as streams (never the whole of one in memory):

- the declared uncompressed size of the shared strings, and of every other part (Python's
  zipfile never inflates a part past its declared size, so these are real bounds);
- the number of shared strings, of cells and of rows, counted with expat as the bytes
  stream by, stopping at the first one past the limit.

A ``Budget`` limits the time all of the reading may take, openpyxl's included.
"""

from __future__ import annotations

import time
import zipfile
from dataclasses import dataclass
from xml.parsers import expat

from flask_babel import gettext as _

CONTENT_TYPES = "[Content_Types].xml"
SHARED_STRINGS_TYPE = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
)
DEFAULT_STRINGS_PART = "xl/sharedStrings.xml"
CHUNK = 64 * 1024
MEGABYTE = 1024 * 1024


class LimitExceeded(Exception):
    """The roster would cost more than a limit allows; ``message`` names the limit."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Limits:
    """The bounds of one roster's reading (config ``ROSTER_*``, see ``from_config``)."""

    max_rows: int = 2000
    strings: int = 100_000
    strings_bytes: int = 8 * MEGABYTE
    part_bytes: int = 16 * MEGABYTE
    cells: int = 200_000
    sheet_rows: int = 20_000
    seconds: float = 15.0

    @classmethod
    def from_config(cls, config) -> Limits:
        """The limits set in the app's configuration."""
        return cls(
            max_rows=int(config["ROSTER_MAX_ROWS"]),
            strings=int(config["ROSTER_MAX_SHARED_STRINGS"]),
            strings_bytes=int(config["ROSTER_MAX_SHARED_STRINGS_BYTES"]),
            part_bytes=int(config["ROSTER_MAX_PART_BYTES"]),
            cells=int(config["ROSTER_MAX_CELLS"]),
            sheet_rows=int(config["ROSTER_MAX_SHEET_ROWS"]),
            seconds=float(config["ROSTER_READ_SECONDS"]),
        )


class Budget:
    """The time the reading may still take; ``check()`` raises once it is spent."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds

    def check(self) -> None:
        """Refuse the file once its reading has taken longer than allowed."""
        if time.monotonic() > self.deadline:
            raise LimitExceeded(
                _(
                    "Reading the file took longer than %(seconds)s seconds, so it was "
                    "stopped. Copy the members into the template and upload that.",
                    seconds=f"{self.seconds:g}",
                )
            )


def size_label(size: int) -> str:
    """``8 MB``, or ``512 KB`` under a megabyte (limits are set in bytes)."""
    if size >= MEGABYTE:
        return f"{size / MEGABYTE:.3g} MB"
    return f"{size / 1024:.3g} KB"


def _advice(text: str) -> LimitExceeded:
    advice = _("Copy the members into the template and upload that.")
    return LimitExceeded(f"{text} {advice}")


def strings_parts(archive: zipfile.ZipFile) -> set[str]:
    """The parts openpyxl reads as shared strings: those the manifest declares so (it looks
    nowhere else), and the usual name."""
    found = {DEFAULT_STRINGS_PART}

    def start(name: str, attrs: dict[str, str]) -> None:
        declared = attrs.get("ContentType") == SHARED_STRINGS_TYPE
        if name.rsplit(":", 1)[-1] == "Override" and declared:
            found.add(attrs.get("PartName", "").lstrip("/"))

    parser = expat.ParserCreate()
    parser.StartElementHandler = start
    try:
        with archive.open(CONTENT_TYPES) as stream:
            while chunk := stream.read(CHUNK):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except (KeyError, expat.ExpatError):
        pass  # no manifest or a broken one: openpyxl will say the file cannot be read
    return found


def check_parts(archive: zipfile.ZipFile, limits: Limits, budget: Budget) -> None:
    """Refuse a workbook whose parts are larger or hold more than a roster does, reading
    each part as a stream. Raises ``LimitExceeded``."""
    strings = strings_parts(archive)
    parts = archive.infolist()
    for part in parts:
        limit = limits.strings_bytes if part.filename in strings else limits.part_bytes
        if part.file_size > limit:
            raise _too_big(part.filename in strings, limit)
    seen = {"si": 0, "c": 0, "row": 0}
    for part in parts:
        if part.filename in strings:
            _count(archive, part, ("si",), seen, limits, budget)
        else:
            _count(archive, part, ("c", "row"), seen, limits, budget)


def _too_big(is_strings: bool, limit: int) -> LimitExceeded:
    if is_strings:
        return _advice(
            _(
                "The workbook's texts unpack to more than %(size)s, far more than a roster "
                "holds, so it was not opened.",
                size=size_label(limit),
            )
        )
    return _advice(
        _(
            "A part of the workbook unpacks to more than %(size)s, far more than a roster "
            "holds, so it was not opened.",
            size=size_label(limit),
        )
    )


def _count(archive, part, names, seen: dict[str, int], limits: Limits, budget: Budget) -> None:
    counter = _Counter(names)

    def counted(name: str) -> None:
        seen[name] += 1
        _check_counts(seen, limits)

    counter.on_element = counted
    try:
        with archive.open(part) as stream:
            counter.feed(stream, budget)
    except expat.ExpatError:
        return  # not XML (a picture): openpyxl never parses it as a sheet or as strings
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise LimitExceeded(
            _("This is not an Excel workbook (.xlsx) or a CSV file FieldLog can read.")
        ) from None


def _check_counts(seen: dict[str, int], limits: Limits) -> None:
    if seen["si"] > limits.strings:
        raise _advice(
            _(
                "The workbook holds more than %(max)s different texts, far more than a roster "
                "holds, so it was not opened.",
                max=limits.strings,
            )
        )
    if seen["c"] > limits.cells:
        raise _advice(
            _(
                "The workbook has more than %(max)s cells, far more than a roster holds, so "
                "it was not opened.",
                max=limits.cells,
            )
        )
    if seen["row"] > limits.sheet_rows:
        raise _advice(
            _(
                "The workbook's sheets have more than %(max)s rows (empty formatted rows "
                "count too), so it was not opened.",
                max=limits.sheet_rows,
            )
        )


class _Counter:
    """An expat parser that reports elements of the given local names as the bytes come;
    it keeps no tree, so its memory stays flat whatever the size of the part."""

    def __init__(self, names: tuple[str, ...]) -> None:
        self.names = frozenset(names)
        self.on_element = lambda _name: None
        self.parser = expat.ParserCreate()
        self.parser.StartElementHandler = self._start

    def _start(self, name: str, _attrs: dict[str, str]) -> None:
        local = name.rsplit(":", 1)[-1]
        if local in self.names:
            self.on_element(local)

    def feed(self, stream, budget: Budget | None) -> None:
        """Parse the stream chunk by chunk, checking the time budget between chunks."""
        while chunk := stream.read(CHUNK):
            if budget is not None:
                budget.check()
            self.parser.Parse(chunk, False)
        self.parser.Parse(b"", True)

"""Print PDFs drawn by WeasyPrint: the review sheet and the record books.

WeasyPrint is imported only when a PDF is drawn (without the system's Pango library its
import fails), and a PDF is refused with ``PdfUnavailable`` when the server has no Chinese
font: never a PDF of empty boxes. The font is embedded (subset), so the PDF reads on a
machine without Chinese fonts.

Nothing is fetched from outside: the only files a document may load are the ones the caller
lists (a book's photo thumbnails), under a private ``fieldlog-file:`` address.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import multiprocessing
import os
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

from flask_babel import gettext as _
from markupsafe import Markup

from fieldlog import textcheck
from fieldlog.errors import DomainError

FILENAME_UNSAFE = set('\\/:*?"<>|')
FILE_SCHEME = "fieldlog-file:"


class PdfUnavailable(DomainError):
    """The server cannot draw the PDF (no Pango library or no Chinese font)."""

    status = 503


# The server's fonts -----------------------------------------------------------------------

_font_found = False


def cjk_font_installed() -> bool:
    """Whether fontconfig (the library Pango draws with) knows a font covering Chinese.

    A positive answer is kept for the life of the process; a negative one is asked again,
    so installing ``fonts-noto-cjk`` takes effect without a restart.
    """
    global _font_found
    if not _font_found:
        _font_found = _fontconfig_count(b":lang=zh") > 0
    return _font_found


class _FcFontSet(ctypes.Structure):
    _fields_ = [("nfont", ctypes.c_int), ("sfont", ctypes.c_int), ("fonts", ctypes.c_void_p)]


def _fontconfig_count(pattern: bytes) -> int:
    """Number of fonts matching a fontconfig pattern; 0 when fontconfig is not there.

    Asks libfontconfig itself rather than running ``fc-list``: Pango depends on the
    library, while the ``fc-list`` program is often missing from slim server images.
    """
    name = ctypes.util.find_library("fontconfig") or "libfontconfig.so.1"
    try:
        fc = ctypes.CDLL(name)
    except OSError:
        return 0
    fc.FcNameParse.restype = ctypes.c_void_p
    fc.FcObjectSetCreate.restype = ctypes.c_void_p
    fc.FcObjectSetAdd.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    fc.FcFontList.restype = ctypes.POINTER(_FcFontSet)
    fc.FcFontList.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
    for free in (fc.FcPatternDestroy, fc.FcObjectSetDestroy, fc.FcFontSetDestroy):
        free.argtypes = [ctypes.c_void_p]
    if not fc.FcInit():
        return 0
    pat, objects = fc.FcNameParse(pattern), fc.FcObjectSetCreate()
    fc.FcObjectSetAdd(objects, b"family")
    fonts = fc.FcFontList(None, pat, objects)
    count = fonts.contents.nfont if fonts else 0
    if fonts:
        fc.FcFontSetDestroy(ctypes.cast(fonts, ctypes.c_void_p))
    fc.FcObjectSetDestroy(objects)
    fc.FcPatternDestroy(pat)
    return count


def load_weasyprint() -> Any:
    """WeasyPrint, imported only when a PDF is drawn: without Pango its import fails.

    Importing it sets Pillow's process-wide ``LOAD_TRUNCATED_IMAGES``, which would let
    truncated photo uploads through (``photos.imaging``); the setting is put back.
    """
    from PIL import ImageFile

    before = ImageFile.LOAD_TRUNCATED_IMAGES
    try:
        import weasyprint
    except (ImportError, OSError) as error:
        raise PdfUnavailable(
            _(
                "The server is missing the PDF library (WeasyPrint with Pango), "
                "so the PDF cannot be made."
            )
        ) from error
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = before
    return weasyprint


def weasyprint_ready() -> Any:
    """The WeasyPrint module once the server can draw Chinese PDFs, else ``PdfUnavailable``."""
    weasyprint = load_weasyprint()
    if not cjk_font_installed():
        raise PdfUnavailable(
            _("The server has no Chinese font (fonts-noto-cjk), so the PDF cannot be made.")
        )
    return weasyprint


# Drawing -----------------------------------------------------------------------------------


class Printer:
    """Draws one or many documents with one font configuration and one parsed stylesheet.

    Building the font configuration and parsing the CSS are the fixed costs of a PDF; a
    batch (a committee's books as one ZIP) pays them once.
    """

    def __init__(self, css: str | None = None) -> None:
        self.weasyprint = weasyprint_ready()
        self.fonts = self.weasyprint.text.fonts.FontConfiguration()
        self.stylesheets = (
            [self.weasyprint.CSS(string=css, font_config=self.fonts)] if css is not None else []
        )

    def render(self, html: str, files: Mapping[str, Path] | None = None) -> bytes:
        """``html`` as PDF bytes; ``files`` maps the ``fieldlog-file:`` names it may load.
        Characters HTML cannot hold (stored before the text rule) are dropped first."""
        document = self.weasyprint.HTML(
            string=textcheck.clean(html), url_fetcher=self.fetcher(files or {})
        )
        return document.write_pdf(stylesheets=self.stylesheets, font_config=self.fonts)

    def fetcher(self, files: Mapping[str, Path]) -> Any:
        """A URL fetcher that loads only ``files`` (by their ``fieldlog-file:`` names)."""
        urls = self.weasyprint.urls

        class Fetcher(urls.URLFetcher):
            """Only the listed local files; every other URL is refused."""

            def fetch(self, url: str, headers: Any = None) -> Any:
                name = url.removeprefix(FILE_SCHEME) if url.startswith(FILE_SCHEME) else None
                path = files.get(name) if name else None
                if path is None:
                    raise ValueError(f"not loaded: {url[:80]}")
                return urls.URLFetcherResponse(url, path.read_bytes())  # Pillow tells the type

        return Fetcher(allowed_protocols=(), allow_redirects=False)


def render_pdf(html: str) -> bytes:
    """One self-contained HTML document (its CSS inline, nothing to load) as PDF bytes."""
    return Printer().render(html)


Job = tuple[str, Mapping[str, Path]]  # a document's HTML and the files it may load
# Fewer documents than this are drawn in this process: starting a worker costs about as
# much as drawing two books.
PARALLEL_FROM = 4
MAX_PROCESSES = 4


def processes(setting: int | None) -> int:
    """How many processes draw a batch: ``setting`` when given (1 = this process only),
    else one per CPU available to this process, at most ``MAX_PROCESSES``."""
    if setting:
        return max(1, int(setting))
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, MAX_PROCESSES))


def render_batch(css: str | None, jobs: Sequence[Job], workers: int = 1) -> list[bytes]:
    """Many documents sharing one stylesheet, as PDF bytes in the same order.

    WeasyPrint's layout is Python work bound to one CPU, so a large batch is shared out to
    ``workers`` processes, each with its own printer. They are started from a clean process
    (nothing of this server's threads or open connections is copied into them).
    """
    if workers <= 1 or len(jobs) < PARALLEL_FROM:
        printer = Printer(css)
        return [printer.render(html, files) for html, files in jobs]
    weasyprint_ready()  # refuse here, with the reader's message, before starting anything
    context = _clean_context()
    with ProcessPoolExecutor(
        max_workers=min(workers, len(jobs)),
        mp_context=context,
        initializer=_start_worker,
        initargs=(css,),
    ) as pool:
        return list(pool.map(_render_job, jobs))


def _clean_context() -> Any:
    """Where workers come from: on Linux a fork server, started once and single-threaded,
    with WeasyPrint already imported (a worker then starts in milliseconds instead of half
    a second); elsewhere fresh interpreters."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["weasyprint", __name__])
    return context


_worker_printer: Printer | None = None


def _start_worker(css: str | None) -> None:
    global _worker_printer
    _worker_printer = Printer(css)


def _render_job(job: Job) -> bytes:
    assert _worker_printer is not None  # noqa: S101 - set by the pool's initializer
    html, files = job
    return _worker_printer.render(html, files)


# Text helpers shared by the printed documents ----------------------------------------------


def page_counter_css() -> Markup:
    """The CSS ``content`` value for "page N of M" in the current language."""
    marked = _("Page %(page)s of %(pages)s", page="\0page\0", pages="\0pages\0")
    parts = []
    for i, piece in enumerate(marked.split("\0")):
        if i % 2:
            parts.append(f"counter({'pages' if piece == 'pages' else 'page'})")
        elif piece:
            escaped = piece.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
            parts.append(f'"{escaped}"')
    return Markup(" ".join(parts))  # noqa: S704 - our own catalogue's text, CSS-escaped


def day_label(day: date, locale: str) -> str:
    """A calendar day as people write it: ``2026年6月30日`` or ``2026-06-30``."""
    if locale.startswith("zh"):
        return f"{day.year}年{day.month}月{day.day}日"
    return day.isoformat()

"""Sending generated files: Chinese file names with an ASCII fallback, never cached."""

from __future__ import annotations

import unicodedata
from typing import IO
from urllib.parse import quote

from flask import Response, g, send_file

# Characters Windows, macOS or a header cannot carry in a file name.
FILENAME_UNSAFE = set('\\/:*?"<>|;')


def clean_filename(name: str) -> str:
    """``name`` without characters a file system or a header would choke on."""
    return "".join(c for c in name if c not in FILENAME_UNSAFE and c.isprintable()).strip()


def content_disposition(name: str, ascii_name: str, disposition: str = "attachment") -> str:
    """RFC 6266: an ASCII ``filename`` for old clients and the real one as ``filename*``."""
    fallback = unicodedata.normalize("NFKD", clean_filename(ascii_name))
    fallback = fallback.encode("ascii", "ignore").decode() or "download"
    real = quote(clean_filename(name) or fallback, safe="")
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{real}"


def send_download(file: IO[bytes], mimetype: str, name: str, ascii_name: str) -> Response:
    """A rewound binary file as an attachment named ``name``; not stored by any cache."""
    g.no_store = True
    response = send_file(file, mimetype=mimetype, as_attachment=True, download_name=ascii_name)
    response.headers["Content-Disposition"] = content_disposition(name, ascii_name)
    return response

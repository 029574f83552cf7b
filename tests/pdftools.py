"""Reading PDFs back in tests (poppler-utils), skipping with the reason where it cannot."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from fieldlog import pdf


def need_pdf_tools() -> None:
    """Skip, saying why, unless this machine can draw a PDF and read it back."""
    for tool in ("pdftotext", "pdfinfo"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed (apt-get install poppler-utils)")
    try:
        pdf.load_weasyprint()  # not a bare import: see load_weasyprint
    except pdf.PdfUnavailable as error:
        pytest.skip(f"WeasyPrint cannot be used: {error.__cause__}")
    if not pdf.cjk_font_installed():
        pytest.skip("no Chinese font installed (apt-get install fonts-noto-cjk)")


def run(*args: str) -> str:
    """A command's standard output (it must succeed)."""
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def pdf_text(data: bytes, tmp_path, name: str = "document.pdf") -> tuple[str, str]:
    """The PDF's text (pdftotext -layout) and its pdfinfo report."""
    path = tmp_path / name
    path.write_bytes(data)
    return run("pdftotext", "-layout", str(path), "-"), run("pdfinfo", str(path))

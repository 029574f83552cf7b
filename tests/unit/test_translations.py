"""Every message in the code and templates has its Chinese text, and the .mo is current."""

from __future__ import annotations

import os
import re
from io import BytesIO
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")
ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "fieldlog" / "translations" / "zh_Hans_CN" / "LC_MESSAGES"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}
METHODS = [("fieldlog/**.py", "python"), ("templates/**.html", "jinja2")]


def _source_ids() -> set[str]:
    ids = set()
    # Babel skips folders starting with "_" by default; ours (_partials, _macros) hold text.
    for _file, _line, message, _comments, _ctx in extract_from_dir(
        str(ROOT),
        method_map=METHODS,
        keywords=KEYWORDS,
        directory_filter=lambda path: not os.path.basename(path).startswith("."),
    ):
        ids.add(message if isinstance(message, str) else message[0])
    return ids


def _catalogue():
    with open(CATALOGUE / "messages.po", "rb") as fh:
        return read_po(fh, locale="zh_Hans_CN")


def test_every_message_has_chinese():
    catalogue = _catalogue()
    missing = sorted(
        mid for mid in _source_ids() if not (catalogue.get(mid) and catalogue.get(mid).string)
    )
    assert missing == []


def test_compiled_catalogue_is_current():
    catalogue = _catalogue()
    buf = BytesIO()
    write_mo(buf, catalogue)
    assert (CATALOGUE / "messages.mo").read_bytes() == buf.getvalue(), "run `make i18n`"


def test_placeholders_survive_translation():
    for message in _catalogue():
        if not message.id or not message.string:
            continue
        source = message.id if isinstance(message.id, str) else message.id[0]
        target = message.string if isinstance(message.string, str) else message.string[0]
        assert sorted(PLACEHOLDER.findall(source)) == sorted(PLACEHOLDER.findall(target)), source

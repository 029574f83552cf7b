"""The roster's columns and the words accepted in them, in Chinese and English.

Headers are recognised in either language (and a few usual variants), in any order; extra
columns such as a serial number are ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from fieldlog import labels
from fieldlog.vocab import JoinKind, Role

MEMBER = "member"


@dataclass(frozen=True)
class Column:
    """One column of the roster: its key, header, what to write, and other headers meaning it."""

    key: str
    label: object  # a lazy string
    help: object
    required: bool
    aliases: tuple[str, ...] = ()


COLUMNS: tuple[Column, ...] = (
    Column(
        "organisation",
        _l("Organisation"),
        _l(
            "Her village, community or township, as named in FieldLog. If two have the same "
            "name, add the one above: 青山镇/桃源村."
        ),
        True,
        ("组织", "所属组织", "组织名称", "村（社区）", "村", "社区"),
    ),
    Column("name", _l("Name"), _l("Her full name."), True, ("姓名", "名字")),
    Column(
        "login",
        _l("Login name or mobile number"),
        _l("What she types to log in; her mobile number is easiest. Each only once."),
        True,
        ("登录名", "手机号", "手机号码", "账号", "login"),
    ),
    Column(
        "role",
        _l("Role"),
        _l("Member, chair or vice chair (执委、主席、副主席). Empty means member."),
        False,
        ("职务", "角色"),
    ),
    Column(
        "joined_on",
        _l("Joined on"),
        _l("The day she joined the committee, e.g. 2026-03-01. Not in the future."),
        True,
        ("加入日期", "任职日期", "当选日期", "入选日期"),
    ),
    Column(
        "join_kind",
        _l("How she joined"),
        _l("Elected, added (增补) or replacing (替补). Empty means elected."),
        False,
        ("加入方式", "产生方式"),
    ),
    Column(
        "replaces",
        _l("Replaces (login)"),
        _l("Only when she replaces a member (替补): that member's login name."),
        False,
        ("替补谁", "被替补人", "被替补人登录名"),
    ),
    Column(
        "phone",
        _l("Phone"),
        _l("Optional, if not her login name. Digits and dashes."),
        False,
        ("电话", "联系电话"),
    ),
)
BY_KEY = {c.key: c for c in COLUMNS}
_SPACES = re.compile(r"[\s*＊:：]+")


def normalise(text: str) -> str:
    """A header or word as compared: no spaces, stars or colons, case folded."""
    return _SPACES.sub("", text).casefold().replace("（", "(").replace("）", ")")


def _in_every_language(text) -> set[str]:
    """``text`` (a lazy string) as it reads in each configured language."""
    seen = set()
    for language in current_app.config["LANGUAGES"]:
        with force_locale(language):
            seen.add(normalise(str(text)))
    return seen


def header_words() -> dict[str, str]:
    """Accepted header (normalised) -> column key."""
    words: dict[str, str] = {}
    for column in COLUMNS:
        for word in _in_every_language(column.label) | {normalise(a) for a in column.aliases}:
            words[word] = column.key
    return words


ROLE_WORDS = {
    MEMBER: (_l("Member"), "执委", "委员", "member"),
    Role.CHAIR.value: (labels.ROLE[Role.CHAIR], "主席", "chair"),
    Role.VICE_CHAIR.value: (labels.ROLE[Role.VICE_CHAIR], "副主席", "vice chair", "vice_chair"),
}
JOIN_WORDS = {
    JoinKind.ELECTED.value: (labels.JOIN_KIND[JoinKind.ELECTED], "选举", "当选", "选举产生"),
    JoinKind.ADDED.value: (labels.JOIN_KIND[JoinKind.ADDED], "增补", "added"),
    JoinKind.REPLACING.value: (labels.JOIN_KIND[JoinKind.REPLACING], "替补", "replacing"),
    JoinKind.TRANSFERRED.value: (
        "调入",
        labels.JOIN_KIND[JoinKind.TRANSFERRED],
        "调动",
        "transferred",
    ),
}


def _lookup(table: dict[str, tuple]) -> dict[str, str]:
    found: dict[str, str] = {}
    for key, words in table.items():
        for word in words:
            for form in _in_every_language(word) if not isinstance(word, str) else {word}:
                found[normalise(form)] = key
        found[normalise(key)] = key
    return found


def role_words() -> dict[str, str]:
    """Accepted role word (normalised) -> role (``member``, ``chair``, ``vice_chair``)."""
    return _lookup(ROLE_WORDS)


def join_words() -> dict[str, str]:
    """Accepted word for how she joined (normalised) -> ``JoinKind`` value."""
    return _lookup(JOIN_WORDS)


def role_label(role: str) -> str:
    """The role in the reader's language, as the template writes it."""
    return str(ROLE_WORDS[role][0]) if role in ROLE_WORDS else _("Member")

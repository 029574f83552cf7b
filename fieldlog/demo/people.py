"""The demo township: its organisations and people, who sits where, since when, in what role.

Pure data plus date arithmetic relative to ``today``; nothing here touches the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from fieldlog.vocab import JoinKind, LeaveKind, OrgKind, Role

DISTRICT_NAME = "演示区"
ADMIN_USERNAME = "admin"
ADMIN_NAME = "韩雪"


class Profile:
    """How diligent a demo member is: drives how many of her duties get logged."""

    STEADY = "steady"  # does nearly everything
    SHOWCASE = "showcase"  # steady, with a fixed mix of done / not yet this period
    BEHIND = "behind"  # missed a quarter or two and a half-year
    LATE = "late"  # does the work, often types it in after the period ended
    IDLE = "idle"  # did almost nothing all year


@dataclass(frozen=True)
class OrgSpec:
    """One organisation of the demo tree."""

    key: str
    name: str
    kind: str
    parent: str | None
    # Month and day of the committee's election, two years before this one.
    elected: tuple[int, int] = (3, 15)


@dataclass(frozen=True)
class PersonSpec:
    """One executive of the demo township."""

    name: str
    org: str
    role: str | None = None
    profile: str = Profile.STEADY
    join: str = JoinKind.ELECTED.value
    replaces: str | None = None  # name of the member she replaces (替补)
    left_days_ago: int | None = None
    leave_kind: str | None = None
    leave_reason: str | None = None
    # She left this year, in its first half (see ``left_early_this_year``).
    left_this_year: bool = False
    # She moved (调动) this year to this committee (see ``moved_on``).
    moved_to: str | None = None


@dataclass(frozen=True)
class ExtraSeat:
    """A seat on a second committee, held alongside her own (a village chair on her
    township's committee, 第六条)."""

    name: str
    org: str
    role: str | None = None


ORGS: tuple[OrgSpec, ...] = (
    OrgSpec("district", DISTRICT_NAME, OrgKind.DISTRICT.value, None),
    OrgSpec("township", "青山镇", OrgKind.TOWNSHIP.value, "district", (4, 10)),
    OrgSpec("taoyuan", "桃源村", OrgKind.VILLAGE.value, "township", (3, 12)),
    OrgSpec("shiqiao", "石桥村", OrgKind.VILLAGE.value, "township", (3, 15)),
    OrgSpec("xinhua", "新华社区", OrgKind.COMMUNITY.value, "township", (3, 20)),
)

_CHAIR, _VICE = Role.CHAIR.value, Role.VICE_CHAIR.value
_P = Profile

PEOPLE: tuple[PersonSpec, ...] = (
    # 青山镇妇联执委会
    PersonSpec("周丽华", "township", _CHAIR),
    PersonSpec("吴晓燕", "township", _VICE),
    PersonSpec("郑春梅", "township"),
    PersonSpec("冯雪梅", "township", profile=_P.BEHIND),
    PersonSpec("何玉兰", "township"),
    PersonSpec("许静", "township", profile=_P.LATE),
    PersonSpec("蒋红英", "township"),
    PersonSpec("沈丽娟", "township"),
    # 桃源村妇联执委会: 13 members, one added mid-year (增补)
    PersonSpec("李秀英", "taoyuan", _CHAIR),
    PersonSpec("王桂芳", "taoyuan", _VICE),
    PersonSpec("张玉梅", "taoyuan", profile=_P.SHOWCASE),
    PersonSpec("刘淑珍", "taoyuan", profile=_P.BEHIND),
    PersonSpec("陈小红", "taoyuan"),
    PersonSpec("杨春燕", "taoyuan", profile=_P.LATE),
    PersonSpec("黄丽萍", "taoyuan"),
    PersonSpec("赵凤英", "taoyuan", profile=_P.BEHIND),
    PersonSpec("徐海燕", "taoyuan"),
    PersonSpec("孙美玲", "taoyuan"),
    PersonSpec(
        "马兰芳",
        "taoyuan",
        left_this_year=True,
        leave_kind=LeaveKind.RESIGNED.value,
        leave_reason="外出务工，本人申请卸免",
    ),
    PersonSpec("朱晓梅", "taoyuan"),
    PersonSpec("胡雅琴", "taoyuan", join=JoinKind.ADDED.value),
    # 石桥村妇联执委会: 12 current members; 田秀珍 moved away and 谢思雨 replaced her (替补)
    PersonSpec("罗秀兰", "shiqiao", _CHAIR),
    PersonSpec("郭金凤", "shiqiao", profile=_P.SHOWCASE),
    PersonSpec("林晓燕", "shiqiao"),
    PersonSpec("高翠萍", "shiqiao", profile=_P.BEHIND),
    PersonSpec("梁丽娜", "shiqiao"),
    PersonSpec("宋桂香", "shiqiao", profile=_P.IDLE),
    PersonSpec("唐玉琴", "shiqiao"),
    PersonSpec("曹红梅", "shiqiao"),
    PersonSpec("彭小芳", "shiqiao", profile=_P.LATE),
    PersonSpec("邓巧玲", "shiqiao"),
    PersonSpec("夏月琴", "shiqiao", moved_to="xinhua"),
    PersonSpec(
        "田秀珍",
        "shiqiao",
        left_days_ago=210,
        leave_kind=LeaveKind.RESIGNED.value,
        leave_reason="随子女迁居外地超过一年，本人申请卸免",
    ),
    PersonSpec("谢思雨", "shiqiao", join=JoinKind.REPLACING.value, replaces="田秀珍"),
    # 新华社区妇联执委会: 11 current members; 苏玉华 was advised to resign
    PersonSpec("董丽君", "xinhua", _CHAIR),
    PersonSpec("袁媛", "xinhua", profile=_P.SHOWCASE),
    PersonSpec("潘静怡", "xinhua"),
    PersonSpec("蔡晓琳", "xinhua", profile=_P.BEHIND),
    PersonSpec("于佳慧", "xinhua"),
    PersonSpec("余婷", "xinhua", profile=_P.LATE),
    PersonSpec("杜文娟", "xinhua"),
    PersonSpec("叶敏", "xinhua"),
    PersonSpec("程丽丽", "xinhua"),
    PersonSpec("魏春兰", "xinhua"),
    PersonSpec("吕芳", "xinhua"),
    PersonSpec(
        "苏玉华",
        "xinhua",
        profile=_P.BEHIND,
        left_days_ago=150,
        leave_kind=LeaveKind.ADVISED_TO_RESIGN.value,
        leave_reason="连续三次无故不参加执委会议，组织劝退",
    ),
)


# 李秀英, chair of 桃源村, is also a (part-time) vice chair of 青山镇's committee.
EXTRA_SEATS: tuple[ExtraSeat, ...] = (ExtraSeat("李秀英", "township", _VICE),)
MOVE_REASON = "家庭搬迁到新华社区"


def username(index: int) -> str:
    """The phone-like login of the ``index``-th demo person (1-based): 13900000001 ..."""
    return f"139{index:08d}"


# A half-year's review meeting is held this many days after the half ends: the year-end
# one in January.
REVIEW_AFTER = timedelta(days=20)


def reviewed_year(today: date) -> int:
    """The last year whose year-end review the committees have held by ``today``: last year,
    or the year before in the first days of January, before that meeting."""
    last = today.year - 1
    return last if date(last, 12, 31) + REVIEW_AFTER < today else last - 1


def elected_on(org: OrgSpec, today: date) -> date:
    """The day the committee was elected: in the spring of the year before the last one it
    reviewed, so that it has held two year-end reviews (two years back, as a rule)."""
    month, day = org.elected
    return date(reviewed_year(today) - 1, month, day)


def added_on(today: date) -> date:
    """The day of the mid-year addition (增补): early July, or earlier this year if not yet."""
    july = date(today.year, 7, 8)
    if today >= july + timedelta(days=30):
        return july
    return max(date(today.year, 1, 1), today - timedelta(days=60))


def _year_fraction(today: date, numerator: int, denominator: int) -> date:
    """A day this far through the part of this year that has passed (1 January at least)."""
    first = date(today.year, 1, 1)
    return first + timedelta(days=(today - first).days * numerator // denominator)


def left_early_this_year(today: date) -> date:
    """The day a member left this year: in its first half, on or before today."""
    return min(_year_fraction(today, 1, 3), date(today.year, 5, 31))


def moved_on(today: date) -> date:
    """The first day of a demo member on the committee she moved to this year."""
    return _year_fraction(today, 1, 2)


def term_of(person: PersonSpec, today: date) -> tuple[date, date | None]:
    """``(joined_on, left_on)`` of a demo person's (first) membership term."""
    org = org_spec(person.org)
    left = today - timedelta(days=person.left_days_ago) if person.left_days_ago else None
    if person.left_this_year:
        left = left_early_this_year(today)
    if person.moved_to:
        left = moved_on(today) - timedelta(days=1)
    if person.join == JoinKind.ADDED.value:
        return added_on(today), left
    if person.join == JoinKind.REPLACING.value and person.replaces:
        replaced = next(p for p in PEOPLE if p.name == person.replaces)
        _joined, replaced_left = term_of(replaced, today)
        assert replaced_left is not None  # noqa: S101 - the data above guarantees it
        return replaced_left + timedelta(days=21), left
    return elected_on(org, today), left


def org_spec(key: str) -> OrgSpec:
    """The organisation spec with this key."""
    return next(o for o in ORGS if o.key == key)

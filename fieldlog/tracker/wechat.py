"""The reminder a chair copies into her committee's WeChat group. Pure code, plain values.

The group reads Chinese whatever language the chair's screen is in, so the text is
Chinese. It names members and duties only, never the women they contacted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

APP_NAME = "执委履职记"


@dataclass(frozen=True)
class Owed:
    """One duty a member still owes: its name and the last day of its period."""

    duty: str
    deadline: date
    overdue: bool = False


@dataclass(frozen=True)
class Debtor:
    """A member and what she still owes, in the order to list it."""

    name: str
    owed: tuple[Owed, ...]


def _day(day: date) -> str:
    return f"{day.month}月{day.day}日"


def _items(owed: Sequence[Owed], headline_end: date) -> str:
    """Her duties grouped by deadline: overdue ones, then each date, the headline's unmarked.

    ``一次联系、一次宣讲（已逾期），一次调研、一次建议（12月31日前）``
    """
    groups: dict[tuple[bool, date], list[str]] = {}
    for item in owed:
        key = (True, item.deadline) if not item.overdue else (False, date.min)
        groups.setdefault(key, []).append(item.duty)
    parts = []
    for (on_time, deadline), duties in sorted(groups.items()):
        names = "、".join(duties)
        if not on_time:
            parts.append(f"{names}（已逾期）")
        elif deadline != headline_end:
            parts.append(f"{names}（{_day(deadline)}前）")
        else:
            parts.append(names)
    return "，".join(parts)


def reminder(
    org_name: str,
    period_label: str,
    period_end: date,
    today: date,
    debtors: Sequence[Debtor],
    duties_name: str = "七个一",
) -> str:
    """The message: who still owes what and by which date, for one period view.

    ``period_end`` is the last day of the period the chair looks at (a quarter); a duty
    whose own period ends on another day carries its date, an overdue one says so.
    """
    sender = f"【{org_name}妇联】"
    owing = [d for d in debtors if d.owed]
    if not owing:
        return f"{sender}{period_label}：目前各位执委没有未完成的“{duties_name}”任务，谢谢大家！"
    verb = "将于" if period_end >= today else "已于"
    lines = [
        f"{sender}温馨提醒：{period_label}{verb}{_day(period_end)}结束，"
        f"以下执委还有“{duties_name}”任务未完成："
    ]
    for i, debtor in enumerate(owing):
        items = _items(debtor.owed, period_end)
        lines.append(f"{debtor.name}：{items}{'。' if i == len(owing) - 1 else '；'}")
    lines.append(f"请抓紧完成并在{APP_NAME}中登记。谢谢！")
    return "\n".join(lines)

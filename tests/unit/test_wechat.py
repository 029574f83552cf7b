"""The WeChat reminder text (pure)."""

from __future__ import annotations

from datetime import date

import pytest

from fieldlog.tracker.wechat import Debtor, Owed, reminder

Q4_END = date(2026, 12, 31)


def test_the_example_message():
    debtors = [
        Debtor("张玉梅", (Owed("一次宣讲", Q4_END), Owed("一次建议", Q4_END))),
        Debtor("刘淑珍", (Owed("一次联系", Q4_END),)),
    ]
    text = reminder("桃源村", "2026年第4季度", Q4_END, date(2026, 11, 27), debtors)
    assert text == (
        "【桃源村妇联】温馨提醒：2026年第4季度将于12月31日结束，以下执委还有“七个一”任务未完成：\n"
        "张玉梅：一次宣讲、一次建议；\n"
        "刘淑珍：一次联系。\n"
        "请抓紧完成并在执委履职记中登记。谢谢！"
    )


def test_a_duty_of_a_longer_period_carries_its_own_date():
    q3_end = date(2026, 9, 30)
    debtors = [Debtor("王芳", (Owed("一次联系", q3_end), Owed("一次调研", Q4_END)))]
    text = reminder("甲村", "2026年第3季度", q3_end, date(2026, 8, 1), debtors)
    assert "将于9月30日结束" in text
    assert "王芳：一次联系，一次调研（12月31日前）。" in text


def test_a_past_quarter_says_it_has_ended_and_marks_overdue_duties():
    q2_end = date(2026, 6, 30)
    owed = (
        Owed("一次联系", q2_end, overdue=True),
        Owed("一次调研", Q4_END),
        Owed("一次宣讲", date(2026, 3, 31), overdue=True),
        Owed("一次帮扶", Q4_END),
    )
    text = reminder("甲村", "2026年第2季度", q2_end, date(2026, 8, 1), [Debtor("李娜", owed)])
    assert "已于6月30日结束" in text
    assert "李娜：一次联系、一次宣讲（已逾期），一次调研、一次帮扶（12月31日前）。" in text


@pytest.mark.parametrize("debtors", [[], [Debtor("王芳", ())]])
def test_nobody_owing_gives_a_thank_you(debtors):
    text = reminder("甲村", "2026年第4季度", Q4_END, date(2026, 11, 27), debtors)
    assert text == "【甲村妇联】2026年第4季度：目前各位执委没有未完成的“七个一”任务，谢谢大家！"
    assert "王芳" not in text


def test_members_who_owe_nothing_are_left_out_and_the_last_line_ends_the_list():
    debtors = [
        Debtor("王芳", ()),
        Debtor("李娜", (Owed("一次联系", Q4_END),)),
    ]
    text = reminder(
        "甲村", "2026年第4季度", Q4_END, date(2026, 10, 2), debtors, duties_name="六个一"
    )
    assert "王芳" not in text
    assert text.splitlines()[1] == "李娜：一次联系。"
    assert "“六个一”" in text


def test_the_builder_imports_only_the_standard_library():
    """Pure over plain values (its package, fieldlog.tracker, pulls in Flask for the views)."""
    import ast
    import sys
    from pathlib import Path

    import fieldlog.tracker.wechat as module

    tree = ast.parse(Path(module.__file__).read_text())
    names = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    names += [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module]
    tops = {name.split(".")[0] for name in names}
    assert tops <= sys.stdlib_module_names | {"__future__"}

"""Exit flags as 第十二条 writes them: 无故连续3次不出席执委会.

Only executive committee meetings (执委会, and the 述职评议会 held as one) are in the
sequence: a 议事 meeting neither counts nor breaks a run, whatever her attendance there;
an excused absence or a presence at an executive meeting breaks it; a meeting still to
come is not missed. The clock is frozen at 20 September 2026.
"""

from __future__ import annotations

from datetime import date

import pytest

from fieldlog.extensions import db
from fieldlog.models import Attendance, Meeting
from fieldlog.review import lists
from tests.web.test_html import _check

pytestmark = pytest.mark.usefixtures("frozen")

C, R, D = "committee", "review", "discussion"
A, E, P = "absent", "excused", "present"


def _held(app, org, chair, member, rows, start=date(2026, 1, 10)):
    """One meeting a month from ``start`` for each (kind, status) of ``rows``."""
    with app.app_context():
        for i, (kind, status) in enumerate(rows):
            db.session.add(
                Meeting(
                    organisation_id=org.id,
                    held_on=start.replace(month=start.month + i),
                    kind=kind,
                    created_by_id=chair.id,
                    attendance=[
                        Attendance(
                            account_id=member.id,
                            status=status,
                            reason="生病住院" if status == E else None,
                        )
                    ],
                )
            )
        db.session.commit()


@pytest.mark.parametrize(
    ("rows", "evidence"),
    [
        ([(C, A), (C, A), (C, A)], [C, C, C]),
        ([(R, A), (R, A), (R, A)], [R, R, R]),
        ([(C, A), (R, A), (C, A)], [C, R, C]),
        ([(D, A), (D, A), (D, A)], []),  # 议事 only: never a flag
        ([(C, A), (D, A), (C, A)], []),  # two executive meetings are not three
        ([(C, A), (D, A), (C, A), (R, A)], [C, C, R]),  # 议事 left out of the evidence
        ([(C, A), (C, A), (D, P), (C, A)], [C, C, C]),  # coming to 议事 does not excuse
        ([(C, A), (C, A), (D, E), (C, A)], [C, C, C]),
        ([(C, A), (C, A), (C, E), (C, A)], []),  # an excused absence breaks the run
        ([(C, A), (C, A), (R, P), (C, A)], []),  # so does coming to a review meeting
        ([(C, A), (C, A), (C, P), (C, A), (R, A), (C, A)], [C, R, C]),  # a later run
        ([(C, A), (C, A), (C, A), (C, A)], [C, C, C, C]),  # the whole run is the evidence
    ],
)
def test_only_executive_meetings_count(app, world, rows, evidence):
    _held(app, world["village_a"], world["chair"], world["member"], rows)
    with app.app_context():
        flags = lists.exit_flags([world["village_a"].id], date(2026, 9, 20))
    missed = {f.account_id: [m.kind.value for m in f.missed_meetings] for f in flags}
    assert missed.get(world["member"].id, []) == evidence


def test_a_meeting_still_to_come_is_not_missed(app, world):
    # Two absences held, the third meeting is next month (announced, attendance not yet).
    _held(app, world["village_a"], world["chair"], world["member"], [(C, A), (C, A)])
    _held(app, world["village_a"], world["chair"], world["member"], [(C, A)], date(2026, 10, 8))
    with app.app_context():
        assert lists.exit_flags([world["village_a"].id], date(2026, 9, 20)) == []


def test_the_page_names_the_kind_of_each_missed_meeting(app, client, auth, world):
    _held(
        app,
        world["village_a"],
        world["chair"],
        world["member"],
        [(C, A), (D, A), (R, A), (C, A)],
    )
    auth.login("chair")
    html = client.get("/review/exit-flags").get_data(as_text=True)
    _check(html)
    assert "连续无故缺席 3 次会议" in html
    assert "2026-01-10 执委会、2026-03-10 述职评议会、2026-04-10 执委会" in html
    assert "2026-02-10" not in html  # the 议事 meeting is no evidence
    assert "议事不计" in html

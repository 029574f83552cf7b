"""The roster import places people FieldLog knows: on a second committee, or moved (调入)
from the one they are on; a move it cannot tell is refused with nothing written."""

from __future__ import annotations

from datetime import date

import pytest

from fieldlog.extensions import db
from fieldlog.models import Account, Membership
from tests.web.test_roster_import import _counts, _import, _problems, _row, _upload, _xlsx

pytestmark = pytest.mark.usefixtures("frozen")  # today: 20 September 2026


def _terms(app, account_id: int) -> list[tuple[str, date, date | None, str | None]]:
    with app.app_context():
        account = db.session.get(Account, account_id)
        return sorted(
            (t.organisation.name, t.joined_on, t.left_on, t.leave_kind) for t in account.memberships
        )


def test_someone_of_another_village_joins_a_second_committee(app, client, auth, world):
    auth.login("admin")
    row = _row(login="member_a2", name="周红", joined="2026-06-01", how="增补")
    preview = _upload(client, _xlsx([row]))
    assert preview.status_code == 200 and "加入执委会" in preview.text
    assert _import(client, preview.text).status_code == 200
    assert _terms(app, world["member_a2"].id) == [
        ("甲二村", date(2020, 1, 1), None, None),
        ("甲村", date(2026, 6, 1), None, None),
    ]


def test_a_move_by_the_roster_ends_her_other_term_the_day_before(app, client, auth, world):
    auth.login("admin")
    row = _row(login="member_a2", name="周红", joined="2026-08-15", how="调入")
    preview = _upload(client, _xlsx([row]))
    assert preview.status_code == 200 and "从她所在的其他执委会调入" in preview.text
    assert _terms(app, world["member_a2"].id) == [("甲二村", date(2020, 1, 1), None, None)]
    done = _import(client, preview.text)
    assert done.status_code == 200 and "周红" in done.text
    assert _terms(app, world["member_a2"].id) == [
        ("甲二村", date(2020, 1, 1), date(2026, 8, 14), "transferred"),
        ("甲村", date(2026, 8, 15), None, None),
    ]
    with app.app_context():
        assert db.session.get(Account, world["member_a2"].id).organisation.name == "甲村"


def test_a_move_of_someone_on_two_committees_is_refused(app, client, auth, world):
    with app.app_context():
        db.session.add(
            Membership(
                account_id=world["member_a2"].id,
                organisation_id=world["township_a"].id,
                joined_on=date(2025, 1, 1),
            )
        )
        db.session.commit()
    auth.login("admin")
    before = _counts(app)
    row = _row(login="member_a2", name="周红", joined="2026-08-15", how="调入")
    response = _upload(client, _xlsx([row]))
    assert response.status_code == 422
    (problem,) = _problems(response.text)
    assert "但她现在在 2 个执委会任职" in problem
    assert _counts(app) == before

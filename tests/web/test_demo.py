"""The ``demo`` command and the demo township it loads."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from sqlalchemy import func, select

from fieldlog import demo
from fieldlog.catalogue import SEVEN_ONES
from fieldlog.demo import people
from fieldlog.extensions import db
from fieldlog.models import Account, DutyType, Excusal, Log, Membership, Organisation, RoleGrant
from fieldlog.periods import Cadence, period_of
from fieldlog.timeutil import now_utc, to_local
from fieldlog.vocab import JoinKind, OrgKind, Role

GRASSROOTS = (OrgKind.VILLAGE, OrgKind.COMMUNITY)


def _counts(app) -> dict[str, int]:
    with app.app_context():
        return {
            model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Organisation, Account, Membership, RoleGrant, Log, DutyType)
        }


def _login_of(output: str, label: str) -> str:
    """The login name on the first printed row with this role label."""
    for line in output.splitlines():
        parts = line.split()
        if parts and parts[0] == label:
            return parts[1]
    raise AssertionError(f"no {label} row in:\n{output}")


@pytest.fixture
def loaded(app, runner, today):
    """The demo as of the pinned day (the command loads it as of the app's today)."""
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    return result.output


def test_demo_loads_an_empty_database_and_prints_logins(loaded):
    assert "admin" in loaded
    assert "管理员" in loaded
    assert "主席" in loaded
    assert "Password: demo1234" in loaded


def test_demo_township_has_committees_chairs_and_one_admin(app, loaded):
    with app.app_context():
        orgs = db.session.scalars(select(Organisation)).all()
        kinds = Counter(o.kind for o in orgs)
        assert kinds[OrgKind.DISTRICT] == 1 and kinds[OrgKind.TOWNSHIP] == 1
        grassroots = [o for o in orgs if o.kind in GRASSROOTS]
        assert len(grassroots) == 3
        grants = db.session.scalars(select(RoleGrant)).all()
        assert sum(g.role == Role.ADMIN for g in grants) == 1
        members = {a.id for a in db.session.scalars(select(Account)) if a.memberships}
        admin = next(g for g in grants if g.role == Role.ADMIN)
        assert admin.account_id not in members
        for org in [*grassroots, next(o for o in orgs if o.kind == OrgKind.TOWNSHIP)]:
            current = db.session.scalars(
                select(Membership).where(
                    Membership.organisation_id == org.id, Membership.left_on.is_(None)
                )
            ).all()
            low = 5 if org.kind == OrgKind.TOWNSHIP else 10
            assert low <= len(current) <= 15, org.name
            assert any(g.role == Role.CHAIR and g.organisation_id == org.id for g in grants)
        assert any(g.role == Role.VICE_CHAIR for g in grants)
        names = [a.display_name for a in db.session.scalars(select(Account))]
        assert len(names) == len(set(names))


def test_demo_terms_include_added_replacing_and_left(app, loaded, today):
    with app.app_context():
        terms = db.session.scalars(select(Membership)).all()
        added = [t for t in terms if t.join_kind == JoinKind.ADDED]
        assert added and all(t.joined_on.year == today.year for t in added)
        replacing = next(t for t in terms if t.join_kind == JoinKind.REPLACING)
        replaced = db.session.get(Membership, replacing.replaces_id)
        assert replaced.left_on and replaced.left_on < replacing.joined_on
        assert replaced.leave_kind and replaced.leave_reason
        assert sum(t.left_on is not None for t in terms) >= 2
        assert all(t.joined_on.year < today.year for t in terms if t.join_kind == "elected")


def test_demo_logs_fall_within_terms_and_never_in_the_future(app, loaded, today):
    with app.app_context():
        tz = app.config["TIMEZONE"]
        terms: dict[int, list[Membership]] = {}
        for term in db.session.scalars(select(Membership)):
            terms.setdefault(term.account_id, []).append(term)
        logs = db.session.scalars(select(Log)).all()
        assert len(logs) > 300
        for log in logs:
            assert log.happened_on <= today
            assert any(t.active_on(log.happened_on) for t in terms[log.account_id]), log
            assert to_local(log.created_at, tz).date() >= log.happened_on
            assert log.created_at <= now_utc()
            assert log.created_by_id == log.account_id
        assert {log.duty_type.code for log in logs} == {row["code"] for row in SEVEN_ONES}
        assert any(log.women_names for log in logs)


def test_demo_has_late_entries_and_every_proposal_status(app, loaded):
    with app.app_context():
        tz = app.config["TIMEZONE"]
        logs = db.session.scalars(select(Log)).all()
        late = [
            log
            for log in logs
            if to_local(log.created_at, tz).date()
            > period_of(log.happened_on, Cadence(log.duty_type.cadence)).end
        ]
        assert late
        statuses = {log.proposal_status for log in logs if log.duty_type.code == "proposal"}
        # Recent proposals are still open, old ones answered and fed back.
        assert {"answered", "fed_back"} <= statuses and statuses & {"submitted", "handling"}
        answered = [log for log in logs if log.proposal_status in ("answered", "fed_back")]
        assert all(log.proposal_answer for log in answered)


def test_demo_refuses_a_database_that_is_not_empty(app, runner, loaded):
    before = _counts(app)
    result = runner.invoke(args=["demo"])
    assert result.exit_code != 0
    assert "not empty" in result.output
    assert _counts(app) == before


def test_demo_reset_replaces_the_data(app, runner, loaded):
    before = _counts(app)
    result = runner.invoke(args=["demo", "--reset"])
    assert result.exit_code == 0, result.output
    assert _counts(app) == before


def test_demo_if_empty_on_a_loaded_database_only_prints_logins(app, runner, loaded):
    before = _counts(app)
    result = runner.invoke(args=["demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "admin" in result.output and "主席" in result.output
    assert "Password: demo1234" not in result.output
    assert _counts(app) == before


def test_demo_if_empty_on_an_empty_database_loads(app, runner):
    result = runner.invoke(args=["demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert _counts(app)["accounts"] > 40


def test_demo_password_option_sets_every_password(runner, auth):
    result = runner.invoke(args=["demo", "--password", "green-tea-2024"])
    assert result.exit_code == 0, result.output
    assert "Password: green-tea-2024" in result.output
    admin = _login_of(result.output, "管理员")
    member = _login_of(result.output, "执委")
    assert auth.login(member, "demo1234").status_code == 200  # refused, form shown again
    assert auth.login(member, "green-tea-2024").status_code == 302
    auth.logout()
    assert auth.login(admin, "green-tea-2024").status_code == 302


def test_demo_members_log_in_and_see_their_seven_ones(auth, loaded):
    response = auth.login(_login_of(loaded, "执委"), "demo1234", follow=True)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for duty in SEVEN_ONES:
        assert duty["name_zh"] in html
    auth.logout()
    for label in ("主席", "执委·增补", "执委·替补", "执委·落后"):
        response = auth.login(_login_of(loaded, label), "demo1234", follow=True)
        assert response.status_code == 200, label
        assert SEVEN_ONES[-1]["name_zh"] in response.get_data(as_text=True), label
        auth.logout()


@pytest.mark.parametrize(
    "day", [date(2026, 1, 1), date(2024, 2, 29), date(2025, 6, 30), date(2026, 12, 31)]
)
def test_load_is_deterministic_and_sane_on_any_day(ctx, day):
    demo.load(password="demo1234", today=day)
    first = sorted(db.session.scalars(select(Log.client_id)))
    logs = db.session.scalars(select(Log)).all()
    assert all(log.happened_on <= day for log in logs)
    assert any(t.joined_on.year == day.year for t in db.session.scalars(select(Membership)))
    assert db.session.scalars(select(Excusal)).all(), "the demo shows excused duties"
    demo.reset()
    assert demo.is_empty()
    assert db.session.scalar(select(func.count()).select_from(DutyType)) == len(SEVEN_ONES)
    demo.load(password="demo1234", today=day)
    assert sorted(db.session.scalars(select(Log.client_id))) == first
    assert len(demo.logins()) >= 10


def test_logins_lists_nothing_from_a_database_without_the_demo(ctx, world):
    assert not demo.is_empty()
    assert demo.logins() == []


def test_demo_reviews_feed_the_exit_and_excellence_lists(app, client, auth, loaded, today):
    # Last year's year-end reviews, or in early January (before they meet) the year before's.
    year = people.reviewed_year(today)
    assert year == today.year - 1 or (today.month, today.day) <= (1, 20)
    auth.login(_login_of(loaded, "管理员"), "demo1234")
    flags = client.get("/review/exit-flags").get_data(as_text=True)
    assert "赵凤英" in flags and "连续无故缺席 3 次会议" in flags  # 桃源村: three meetings
    assert "宋桂香" in flags and f"{year - 1}、{year}" in flags  # 石桥村: two years
    excellent = client.get(f"/review/excellent?year={year}").get_data(as_text=True)
    for village in ("桃源村", "石桥村", "新华社区"):
        assert village in excellent
    assert "优秀" in excellent
    # The list opens on that year.
    opened = client.get("/review/excellent").get_data(as_text=True)
    assert f' aria-current="page">{year}</a>' in opened


def test_demo_village_chair_can_open_this_years_mid_year_review(app, client, auth, loaded, today):
    with app.app_context():
        org = db.session.scalars(select(Organisation).filter_by(name="桃源村")).one()
        chair = db.session.scalars(
            select(Account)
            .join(RoleGrant)
            .where(RoleGrant.organisation_id == org.id, RoleGrant.role == Role.CHAIR)
        ).one()
        username = chair.username
    auth.login(username, "demo1234")
    page = client.get(f"/review/committee/{org.id}").get_data(as_text=True)
    half = period_of(today, Cadence.HALF)
    first_half = half if half.index == 1 else half.previous()
    assert f'value="{first_half.code}"' in page  # not opened yet: hers to run
    assert f"{people.reviewed_year(today)}年度" in page  # the last closed year-end review

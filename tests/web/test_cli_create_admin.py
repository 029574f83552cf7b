"""``flask --app fieldlog create-admin``: the first admin and her organisation."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select

from fieldlog.extensions import db
from fieldlog.models import Account, AuditEntry, Organisation
from tests.conftest import AuthActions

STRONG = "plum-river-1987"


def create_admin(runner, username: str = "boss", password: str = STRONG, **kw):
    args = ["create-admin", "--username", username, "--name", kw.get("name", "刘静")]
    args += ["--org", kw.get("org", "示例区"), "--kind", kw.get("kind", "district")]
    return runner.invoke(args=[*args, "--password", password])


def count(app: Flask, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_creates_the_organisation_and_its_admin(app, runner):
    result = create_admin(runner)
    assert result.exit_code == 0, result.output
    assert "Admin boss created for 示例区." in result.output
    with app.app_context():
        org = db.session.scalars(select(Organisation)).one()
        assert (org.name, org.kind, org.parent_id, org.path) == (
            "示例区",
            "district",
            None,
            f"/{org.id}/",
        )
        admin = db.session.scalars(select(Account)).one()
        assert admin.organisation_id == org.id and admin.active
        assert not admin.must_change_password  # she chose this password herself
        assert [(g.role, g.organisation_id) for g in admin.grants] == [("admin", org.id)]
        actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
        assert sorted(actions) == ["create", "create", "grant"]
    client = app.test_client()
    assert AuthActions(client).login("boss", STRONG).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_reuses_an_existing_top_level_organisation(app, runner):
    assert create_admin(runner).exit_code == 0
    result = create_admin(runner, username="deputy", name="陈洁")
    assert result.exit_code == 0, result.output
    assert count(app, Organisation) == 1
    assert count(app, Account) == 2


def test_refuses_a_duplicate_login_name(app, runner):
    assert create_admin(runner).exit_code == 0
    result = create_admin(runner, username="BOSS", org="另一区")
    assert result.exit_code == 1
    assert "这个登录名已被使用" in result.output  # CLI speaks the default language
    assert count(app, Account) == 1
    assert count(app, Organisation) == 1


def test_rejects_a_weak_password(app, runner):
    for weak in ("short1", "boss", "aaaaaaaaaa"):
        result = create_admin(runner, password=weak)
        assert result.exit_code == 1, weak
        assert "Error" in result.output
    assert count(app, Account) == 0
    assert count(app, Organisation) == 0


def test_rejects_a_bad_kind_and_blank_names(app, runner):
    assert create_admin(runner, kind="county").exit_code == 2  # click's own choice check
    assert create_admin(runner, name=" ").exit_code == 1
    assert create_admin(runner, org=" ").exit_code == 1
    assert count(app, Account) == 0

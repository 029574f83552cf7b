"""Thin ``flask --app fieldlog`` commands over the services."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from fieldlog.errors import DomainError
from fieldlog.extensions import db
from fieldlog.vocab import OrgKind
from fieldlog.webutil import app_today


@click.command("create-admin")
@click.option("--username", prompt="Login name", help="Login name of the new admin.")
@click.option("--name", "display_name", prompt="Display name", help="Her name as shown.")
@click.option("--org", "org_name", prompt="Organisation", help="Organisation she administers.")
@click.option(
    "--kind",
    "org_kind",
    type=click.Choice([k.value for k in OrgKind]),
    default=OrgKind.DISTRICT.value,
    show_default=True,
    help="Kind of organisation, created as a top-level one if it does not exist.",
)
@click.password_option(help="Her password (asked for when not given).")
@with_appcontext
def create_admin(
    username: str, display_name: str, org_name: str, org_kind: str, password: str
) -> None:
    """Create an admin account for an organisation (and the organisation if new)."""
    from fieldlog.admin.service import bootstrap_admin

    try:
        account = bootstrap_admin(username, display_name, password, org_name, org_kind)
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from error
    db.session.commit()
    click.echo(f"Admin {account.username} created for {account.organisation.name}.")


@click.command("demo")
@click.option("--reset", is_flag=True, help="Delete all data first, then load the demo.")
@click.option(
    "--password", default="demo1234", show_default=True, help="Password of every demo account."
)
@click.option(
    "--if-empty",
    is_flag=True,
    help="Load only into an empty database; otherwise just print the logins.",
)
@with_appcontext
def demo(reset: bool, password: str, if_empty: bool) -> None:
    """Fill an empty database with a demo township and print its logins."""
    from fieldlog import demo as demo_data

    if not demo_data.is_empty():
        if if_empty:
            _print_logins(demo_data.logins(), None)
            return
        if not reset:
            raise click.ClickException("The database is not empty. Use --reset to replace it.")
        demo_data.reset()
    today = app_today()
    demo_data.load(password=password, today=today)
    db.session.commit()
    _print_logins(demo_data.logins(), password)


def _print_logins(rows: list[tuple[str, str, str, str]], password: str | None) -> None:
    if not rows:
        click.echo("No demo accounts in this database.")
        return
    click.echo("Demo logins (role, login, name, organisation):")
    for role, username, name, org in rows:
        click.echo(f"  {role:<8} {username:<14} {name:<6} {org}")
    click.echo(
        f"Password: {password}"
        if password
        else "Password: as set when the demo was loaded (default demo1234)"
    )


COMMANDS: list[click.Command] = [create_admin, demo]

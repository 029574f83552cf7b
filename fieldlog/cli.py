"""Thin ``flask --app fieldlog`` commands over the services."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []

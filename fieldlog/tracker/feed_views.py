"""Tracker pages (feed_views)."""

from __future__ import annotations

from fieldlog.tracker import bp  # noqa: F401

"""What a review round is called: the mid-year review by its half, the year-end one as the
annual review (年度述职评议, 第八条), never "下半年"."""

from __future__ import annotations

from fieldlog.periods import Period, parse_period


def round_label(half: str | Period, locale: str) -> str:
    """``2026年上半年`` for a mid-year round, ``2025年度`` for the year-end one (``2026 H1``,
    ``2025 annual`` in English); templates add 述职评议 or 述职评议表 after it."""
    period = parse_period(half) if isinstance(half, str) else half
    if period.index == 2:
        return f"{period.year}年度" if locale.startswith("zh") else f"{period.year} annual"
    return period.label(locale)

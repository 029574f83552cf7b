"""A small bar chart of shares (0..1) as inline SVG: plain values in, an SVG string out.

Pure: standard library only, no Flask. The SVG scales with its container (``viewBox``,
``width="100%"``), carries a ``<title>``, a ``<desc>`` and an ``aria-label``, and uses
presentation attributes only (no ``style=``), so it passes a ``style-src 'self'`` policy.
A missing value (``None``: nothing was owed) is a gap labelled with ``gap_label``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

WIDTH, HEIGHT = 360, 214
LEFT, RIGHT, TOP, BOTTOM = 40, 6, 22, 42  # two lines of axis labels under the plot
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
GRIDLINES = (0.0, 0.5, 1.0)
BAR_SHARE = 0.62  # of each slot's width; the rest is the gap between bars
FONT = 13
INK, MUTED, LINE, BAR = "#1f2328", "#59636e", "#d8dde3", "#2e6f9e"


def percent(share: float | None, none: str = "—") -> str:
    """``0.667`` -> ``"67%"``; never 100% unless complete, never 0% unless nothing.

    Rounds half up, except that 99.6% shows as 99% and 0.2% as 1%: a village that is
    one short must not read as complete, one that did a little must not read as idle.
    """
    if not _measured(share):
        return none
    share = min(max(share, 0.0), 1.0)
    whole = math.floor(share * 100 + 0.5 + 1e-9)
    if whole == 100 and share < 1:
        return "99%"
    if whole == 0 and share > 0:
        return "1%"
    return f"{whole}%"


@dataclass(frozen=True)
class Slot:
    """Where one bar goes, in viewBox units."""

    centre: float
    bar_x: float
    bar_w: float
    top: float  # y of the bar's top edge; equals the baseline for 0 or a gap


def y_of(share: float) -> float:
    """The y coordinate of a share (clamped to 0..1) inside the plot area."""
    return TOP + (1 - min(max(share, 0.0), 1.0)) * PLOT_H


def slots(values: Sequence[float | None]) -> list[Slot]:
    """Evenly spaced slots across the plot, one per value."""
    if not values:
        return []
    step = PLOT_W / len(values)
    bar_w = step * BAR_SHARE
    result = []
    for i, value in enumerate(values):
        centre = LEFT + step * (i + 0.5)
        top = y_of(value) if _measured(value) else y_of(0)
        result.append(Slot(centre, centre - bar_w / 2, bar_w, top))
    return result


def _measured(value: float | None) -> bool:
    return value is not None and not math.isnan(value)


def _n(x: float) -> str:
    """A coordinate with at most two decimals and no trailing zeros."""
    text = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _text(x: float, y: float, body: str, *, anchor="middle", fill=MUTED, bold=False) -> str:
    weight = ' font-weight="700"' if bold else ""
    return (
        f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}" font-size="{FONT}" '
        f'fill="{fill}"{weight}>{escape(body)}</text>'
    )


def _grid() -> list[str]:
    parts = []
    for share in GRIDLINES:
        y = y_of(share)
        colour = MUTED if share == 0 else LINE
        parts.append(
            f'<line x1="{LEFT}" y1="{_n(y)}" x2="{WIDTH - RIGHT}" y2="{_n(y)}" '
            f'stroke="{colour}" stroke-width="1"/>'
        )
        parts.append(_text(LEFT - 5, y + FONT / 3, percent(share), anchor="end"))
    return parts


def _slot(slot: Slot, label: str, value: float | None, long_label: str, gap: str) -> str:
    shown = percent(value, none=gap)
    measured = _measured(value)
    parts = [f'<g class="bar-slot"><title>{escape(long_label)}: {escape(shown)}</title>']
    if measured:
        height = y_of(0) - slot.top
        parts.append(
            f'<rect class="bar" x="{_n(slot.bar_x)}" y="{_n(slot.top)}" '
            f'width="{_n(slot.bar_w)}" height="{_n(height)}" fill="{BAR}"/>'
        )
    parts.append(
        _text(slot.centre, slot.top - 5, shown, fill=INK if measured else MUTED, bold=measured)
    )
    # An axis label may have a second line ("一季" over "25年"), one font height further down.
    for line, text in enumerate(label.split("\n")):
        if text:
            parts.append(_text(slot.centre, TOP + PLOT_H + FONT + 5 + line * (FONT + 3), text))
    parts.append("</g>")
    return "".join(parts)


def bar_chart(
    points: Sequence[tuple[str, float | None]],
    title: str,
    *,
    description: str = "",
    long_labels: Sequence[str] | None = None,
    gap_label: str = "—",
    id_prefix: str = "chart",
) -> str:
    """An SVG bar chart of shares: one bar per ``(label, share or None)``, 0/50/100% lines.

    ``long_labels`` (same length as ``points``) name each bar in its tooltip and in the
    ``<desc>``, which also lists every value after ``description``; the short labels go
    under the axis, a newline in one starting a second line. All text is escaped.
    """
    labels = [label for label, _value in points]
    values = [value for _label, value in points]
    names = list(long_labels) if long_labels is not None else labels
    if len(names) != len(points):
        raise ValueError("long_labels must match points")
    body = [
        _slot(slot, label, value, name, gap_label)
        for slot, label, value, name in zip(slots(values), labels, values, names, strict=True)
    ]
    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    desc = " ".join(filter(None, [description, _summary(names, values, gap_label)]))
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="100%" role="img" aria-label="{escape(title)}" aria-describedby="{desc_id}" '
        f'class="chart-svg"><title id="{title_id}">{escape(title)}</title>'
        f'<desc id="{desc_id}">{escape(desc)}</desc>'
    )
    return "".join([head, *_grid(), *body, "</svg>"])


def _summary(names: Sequence[str], values: Sequence[float | None], gap: str) -> str:
    return "; ".join(
        f"{name} {percent(v, none=gap)}" for name, v in zip(names, values, strict=True)
    )

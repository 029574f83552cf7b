"""The SVG bar chart: pure code, plain values in, an SVG string out."""

from __future__ import annotations

import ast
import math
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from fieldlog.tracker import chart

SVG = "{http://www.w3.org/2000/svg}"
EIGHT = [(f"{y % 100}Q{q}", (q - 1) / 3) for y in (2025, 2026) for q in (1, 2, 3, 4)]


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output, not untrusted XML


def _slots(root: ET.Element) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG}g") if g.get("class") == "bar-slot"]


def _texts(element: ET.Element) -> list[str]:
    return [t.text or "" for t in element.iter(f"{SVG}text")]


@pytest.mark.parametrize(
    ("share", "shown"),
    [
        (None, "—"),
        (math.nan, "—"),
        (0.0, "0%"),
        (0.001, "1%"),  # a little done never reads as nothing
        (0.004999, "1%"),
        (0.005, "1%"),
        (0.0149, "1%"),
        (0.015, "2%"),
        (0.125, "13%"),  # half up, not to even
        (1 / 3, "33%"),
        (2 / 3, "67%"),
        (0.5, "50%"),
        (0.994, "99%"),
        (0.995, "99%"),  # one short never reads as complete
        (199 / 200, "99%"),
        (1.0, "100%"),
        (1.5, "100%"),  # clamped
        (-0.2, "0%"),
    ],
)
def test_percent(share, shown):
    assert chart.percent(share) == shown


def test_percent_gap_text_is_configurable():
    assert chart.percent(None, none="n/a") == "n/a"


@pytest.mark.parametrize(
    ("share", "y"),
    [
        (0.0, chart.TOP + chart.PLOT_H),
        (1.0, chart.TOP),
        (0.5, chart.TOP + chart.PLOT_H / 2),
        (0.25, chart.TOP + chart.PLOT_H * 0.75),
        (2.0, chart.TOP),  # clamped to the plot
        (-1.0, chart.TOP + chart.PLOT_H),
    ],
)
def test_y_scaling(share, y):
    assert chart.y_of(share) == pytest.approx(y)


def test_bars_scale_with_their_share():
    root = _parse(chart.bar_chart([("a", 0.0), ("b", 0.5), ("c", 1.0)], "t"))
    bars = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "bar"]
    heights = [float(r.get("height")) for r in bars]
    assert heights == pytest.approx([0, chart.PLOT_H / 2, chart.PLOT_H])
    for bar in bars:  # every bar stands on the 0% line
        assert float(bar.get("y")) + float(bar.get("height")) == pytest.approx(chart.y_of(0))


def test_slots_are_evenly_spaced_inside_the_plot():
    slots = chart.slots([0.1] * 8)
    centres = [s.centre for s in slots]
    steps = {round(b - a, 6) for a, b in zip(centres, centres[1:], strict=False)}
    assert len(steps) == 1
    assert slots[0].bar_x >= chart.LEFT
    assert slots[-1].bar_x + slots[-1].bar_w <= chart.WIDTH - chart.RIGHT
    assert chart.slots([]) == []


def test_eight_quarters_give_eight_slots_with_labels_and_values():
    root = _parse(chart.bar_chart(EIGHT, "Completion"))
    slots = _slots(root)
    assert len(slots) == 8
    assert [_texts(s)[-1] for s in slots] == [label for label, _v in EIGHT]
    assert [_texts(s)[0] for s in slots] == ["0%", "33%", "67%", "100%"] * 2


def test_none_is_a_gap_labelled_with_a_dash():
    points = [("25Q1", 0.4), ("25Q2", None), ("25Q3", 0.0)]
    root = _parse(chart.bar_chart(points, "t"))
    first, gap, zero = _slots(root)
    assert gap.find(f"{SVG}rect") is None
    assert _texts(gap) == ["—", "25Q2"]
    assert gap.find(f"{SVG}title").text == "25Q2: —"
    # A measured zero keeps its (flat) bar and reads 0%, unlike the gap.
    assert zero.find(f"{SVG}rect") is not None and _texts(zero)[0] == "0%"
    assert first.find(f"{SVG}rect") is not None
    assert "25Q2 —" in root.find(f"{SVG}desc").text


def test_gridlines_at_0_50_100_percent_with_labels():
    root = _parse(chart.bar_chart(EIGHT, "t"))
    ys = sorted(float(line.get("y1")) for line in root.iter(f"{SVG}line"))
    assert ys == pytest.approx([chart.y_of(1), chart.y_of(0.5), chart.y_of(0)])
    axis = [t for t in _texts(root) if t.endswith("%")]
    assert {"0%", "50%", "100%"} <= set(axis)


def test_accessible_name_description_and_responsive_size():
    svg = chart.bar_chart(
        [("25Q1", 0.5)], "Completion", description="Share done.", long_labels=["2025 Q1"]
    )
    root = _parse(svg)
    assert root.get("role") == "img"
    assert root.get("aria-label") == "Completion"
    assert root.get("viewBox") == f"0 0 {chart.WIDTH} {chart.HEIGHT}"
    assert root.get("width") == "100%" and root.get("height") is None
    assert root.find(f"{SVG}title").text == "Completion"
    desc = root.find(f"{SVG}desc")
    assert desc.get("id") == root.get("aria-describedby")
    assert desc.text == "Share done. 2025 Q1 50%"
    assert _slots(root)[0].find(f"{SVG}title").text == "2025 Q1: 50%"


def test_every_text_is_escaped():
    evil = '<script>alert("x")</script> & "q"'
    svg = chart.bar_chart([(evil, 0.5)], evil, description=evil, long_labels=[evil])
    assert "<script>" not in svg
    root = _parse(svg)  # still well-formed XML
    assert root.get("aria-label") == evil
    assert root.find(f"{SVG}title").text == evil
    assert evil in _texts(root)


def test_no_inline_styles_or_scripts():
    svg = chart.bar_chart(EIGHT, "t")
    assert "style=" not in svg and "<script" not in svg and "<style" not in svg


def test_ids_take_the_prefix():
    root = _parse(chart.bar_chart(EIGHT, "t", id_prefix="history"))
    assert root.find(f"{SVG}title").get("id") == "history-title"
    assert root.get("aria-describedby") == "history-desc"


def test_long_labels_must_match():
    with pytest.raises(ValueError):
        chart.bar_chart(EIGHT, "t", long_labels=["only one"])


def test_coordinates_are_short():
    svg = chart.bar_chart(EIGHT, "t")
    numbers = re.findall(r'(?:x|y|width|height)="(-?[\d.]+)"', svg)
    assert numbers and all(len(n.partition(".")[2]) <= 2 for n in numbers)


def test_chart_module_imports_only_the_standard_library():
    """The package root imports Flask for its blueprint; chart.py itself must not."""
    source = Path(chart.__file__).read_text(encoding="utf-8")
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            names.add((node.module or "").split(".")[0])
    assert names <= sys.stdlib_module_names | {"__future__"}, names

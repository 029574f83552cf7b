"""Draw FieldLog's PNG icons from the shapes of static/img/icon.svg (Pillow, no SVG renderer).

    /tmp/venv0/bin/python tools/make_icons.py

Writes static/img/icon-192.png, icon-512.png (rounded, transparent corners: "any"),
icon-maskable-192.png, icon-maskable-512.png (full bleed, the page inside the safe zone) and
apple-touch-icon.png (180 px, full bleed: iOS rounds the corners itself).
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

RED = (180, 35, 60, 255)  # --red #b4233c
WHITE = (255, 255, 255, 255)
OUT = Path(__file__).resolve().parents[1] / "static" / "img"
SUPERSAMPLE = 8


def _draw(size: int, *, rounded: bool, glyph_scale: float) -> Image.Image:
    big = size * SUPERSAMPLE
    unit = big / 64  # the SVG's viewBox is 64 x 64
    img = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    if rounded:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=round(14 * unit), fill=RED)
    else:
        draw.rectangle((0, 0, big, big), fill=RED)

    def pt(x: float, y: float) -> tuple[float, float]:
        # Scale the glyph around the centre of its own box (33, 32).
        return ((33 + (x - 33) * glyph_scale) * unit, (32 + (y - 32) * glyph_scale) * unit)

    draw.polygon([pt(18, 16), pt(40, 16), pt(48, 24), pt(48, 48), pt(18, 48)], fill=WHITE)
    width = 3 * unit * glyph_scale
    for x1, y in ((40, 30), (40, 37), (34, 44)):
        a, b = pt(24, y), pt(x1, y)
        draw.line([a, b], fill=RED, width=round(width))
        for cx, cy in (a, b):  # round caps
            r = width / 2
            draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=RED)
    return img.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    for size in (192, 512):
        _draw(size, rounded=True, glyph_scale=1.0).save(OUT / f"icon-{size}.png", optimize=True)
        # Maskable: launchers crop to a circle or squircle of 80 % of the side; keep the page
        # well inside it.
        _draw(size, rounded=False, glyph_scale=0.9).save(
            OUT / f"icon-maskable-{size}.png", optimize=True
        )
    _draw(180, rounded=False, glyph_scale=0.95).convert("RGB").save(
        OUT / "apple-touch-icon.png", optimize=True
    )


if __name__ == "__main__":
    main()

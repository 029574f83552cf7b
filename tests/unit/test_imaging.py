"""fieldlog.photos.imaging: what comes in, what is stored (no app, no database)."""

from __future__ import annotations

import pytest

from fieldlog.photos import imaging
from tests.fixtures.images import bomb_png, jpeg_with_gps, opened, picture, truncated_jpeg


def test_gps_exif_comment_and_orientation_are_gone_and_the_picture_upright():
    source = opened(jpeg_with_gps((2400, 1200), orientation=6))
    assert source.getexif().get_ifd(0x8825)  # the test picture really carries GPS
    result = imaging.prepare(jpeg_with_gps((2400, 1200), orientation=6))
    stored = opened(result.data)
    assert stored.format == "JPEG"
    assert len(stored.getexif()) == 0
    assert not stored.getexif().get_ifd(0x8825)
    assert "exif" not in stored.info and "comment" not in stored.info
    assert b"GPS" not in result.data and b"TestPhone" not in result.data
    assert b"secret place" not in result.data
    # Orientation 6 turns a 2400x1200 picture into a 1200x2400 one, then scaled to 1600.
    assert (result.width, result.height) == stored.size == (800, 1600)


@pytest.mark.parametrize(
    ("size", "expected", "thumb"),
    [
        ((4000, 3000), (1600, 1200), (320, 240)),
        ((1600, 900), (1600, 900), (320, 180)),
        ((300, 200), (300, 200), (300, 200)),
        ((1000, 2000), (800, 1600), (160, 320)),
    ],
)
def test_longest_side_is_capped_and_thumbnails_are_320(size, expected, thumb):
    result = imaging.prepare(picture(size))
    assert (result.width, result.height) == expected
    assert opened(result.thumb).size == thumb


@pytest.mark.parametrize(
    ("fmt", "mode"), [("PNG", "RGBA"), ("PNG", "P"), ("WEBP", "RGB"), ("PNG", "L")]
)
def test_png_and_webp_become_jpeg(fmt, mode):
    result = imaging.prepare(picture((200, 100), fmt=fmt, mode=mode))
    stored = opened(result.data)
    assert stored.format == "JPEG" and stored.mode == "RGB"


def test_transparency_becomes_white():
    data = picture((100, 100), fmt="PNG", mode="RGBA", color=(0, 0, 0, 0))
    stored = opened(imaging.prepare(data).data)
    assert min(stored.getpixel((10, 10))) > 240


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"Hello, this is a text file named photo.jpg\n" * 10, "not_image"),
        (b"", "not_image"),
        (truncated_jpeg(), "not_image"),
        (picture((50, 50), fmt="GIF", mode="P"), "format"),
        (picture((50, 50), fmt="BMP"), "format"),
        (picture((50, 50), fmt="TIFF"), "format"),
        (bomb_png(), "pixels"),
    ],
    ids=["text", "empty", "truncated", "gif", "bmp", "tiff", "bomb"],
)
def test_refused(data, reason):
    with pytest.raises(imaging.ImageProblem) as problem:
        imaging.prepare(data)
    assert problem.value.reason == reason


def test_own_pixel_cap():
    with pytest.raises(imaging.ImageProblem, match="pixels"):
        imaging.prepare(picture((300, 300)), max_pixels=300 * 300 - 1)
    assert imaging.prepare(picture((300, 300)), max_pixels=300 * 300).width == 300


def test_truncated_stays_refused_after_a_pdf_library_import():
    """WeasyPrint's import turns on Pillow's LOAD_TRUNCATED_IMAGES; drawing a PDF must not
    let truncated uploads through afterwards."""
    from PIL import ImageFile

    from fieldlog import pdf

    try:
        pdf.load_weasyprint()
    except pdf.PdfUnavailable:
        pytest.skip("WeasyPrint cannot be imported here")
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
    with pytest.raises(imaging.ImageProblem):
        imaging.prepare(truncated_jpeg())


# Memory bounds: sizes from the header, JPEGs decoded at a reduced scale -------------------


def _decoded_sizes(monkeypatch) -> list[tuple[int, int]]:
    """The size of each picture as decoded, before it is scaled down."""
    sizes: list[tuple[int, int]] = []
    load = imaging.Image.Image.load

    def noted(image):
        result = load(image)
        sizes.append(image.size)
        return result

    monkeypatch.setattr(imaging.Image.Image, "load", noted)
    return sizes


def test_a_large_jpeg_is_decoded_at_a_reduced_scale(monkeypatch):
    data = picture((6400, 4800), quality=70)  # 30.7 megapixels: over the cap at full size
    assert 6400 * 4800 > imaging.MAX_PIXELS
    sizes = _decoded_sizes(monkeypatch)
    result = imaging.prepare(data)
    assert (result.width, result.height) == (1600, 1200)
    assert sizes and max(w * h for w, h in sizes) == 1600 * 1200  # draft: a quarter a side


@pytest.mark.parametrize(
    ("width", "height"), [(7999, 7999), (5000, 5000), (24_000_001, 1), (1, 24_000_001)]
)
def test_a_png_over_the_pixel_cap_is_refused_before_any_pixel_is_decoded(
    monkeypatch, width, height
):
    def never(*_args):
        raise AssertionError("decoded")

    monkeypatch.setattr(imaging, "_decode", never)
    with pytest.raises(imaging.ImageProblem, match="pixels"):
        imaging.prepare(bomb_png(width, height))


def test_a_png_at_the_cap_is_decoded_then_scaled_before_it_is_converted(monkeypatch):
    data = picture((3000, 2000), fmt="PNG", mode="RGBA")
    sizes = _decoded_sizes(monkeypatch)
    converted = []
    to_rgb = imaging._to_rgb
    monkeypatch.setattr(
        imaging, "_to_rgb", lambda image: converted.append(image.size) or to_rgb(image)
    )
    result = imaging.prepare(data, max_pixels=3000 * 2000)
    assert (result.width, result.height) == (1600, 1067)
    assert (3000, 2000) in sizes and converted == [(1600, 1067)]

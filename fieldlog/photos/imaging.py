"""Photo checks and re-encoding with Pillow, without Flask: bytes in, clean JPEGs out.

Whatever the phone sends, what is stored is a fresh JPEG made from the decoded pixels, so
no metadata survives (EXIF with the GPS position, XMP, comments, ICC profiles). The EXIF
orientation is applied to the pixels first, so the picture stays upright without it.

Memory is bounded before any pixel is decoded: the header gives the size, a JPEG is set
to decode at the smallest scale that still covers ``MAX_SIDE`` (``draft``: a 48-megapixel
photo decodes as 3), and the pixels that would be decoded must stay under ``max_pixels``.
The picture is scaled down right after decoding, before it is turned and converted, so
no second full-size copy is made.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from io import BytesIO

from PIL import Image, ImageOps, UnidentifiedImageError

# Pillow's names. MPO is the multi-picture JPEG some phones write; HEIF only decodes when
# a plugin (pillow-heif) has registered it, otherwise such a file is not an image to us.
ALLOWED_FORMATS = frozenset({"JPEG", "MPO", "PNG", "WEBP", "HEIF"})
MAX_SIDE = 1600
THUMB_SIDE = 320
QUALITY = 85
THUMB_QUALITY = 80
# Decompression-bomb guard: refused before any pixel is decoded, counting the pixels that
# would be decoded (a JPEG's after ``draft``). 24 million is a phone's full-resolution PNG
# screenshot many times over, about 100 MB while decoded; the browser scales to 1600 px
# before sending anyway. The app's setting is ``PHOTO_MAX_PIXELS``.
MAX_PIXELS = 24_000_000
JPEG_FORMATS = ("JPEG", "MPO")
_READ_ERRORS = (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError)


class ImageProblem(Exception):
    """The upload cannot become a photo. ``reason``: ``not_image``, ``format`` or ``pixels``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Prepared:
    """A checked photo, re-encoded: the JPEG to store, its thumbnail and its size."""

    data: bytes
    thumb: bytes
    width: int
    height: int


def _kept_size(width: int, height: int) -> tuple[int, int]:
    """The size stored: the longest side at most ``MAX_SIDE``, the proportions kept (what a
    JPEG's draft must still cover)."""
    scale = min(1.0, MAX_SIDE / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def _check(raw: bytes, max_pixels: int) -> None:
    """Open and verify without decoding: a known format, a sane size (the pixels that would
    be decoded, a JPEG's at its draft scale), an intact structure."""
    with warnings.catch_warnings():
        # Pillow warns (then fails) past Image.MAX_IMAGE_PIXELS; treat either as a refusal.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(BytesIO(raw)) as probe:
                if probe.format not in ALLOWED_FORMATS:
                    raise ImageProblem("format")
                width, height = probe.size
                if width < 1 or height < 1:
                    raise ImageProblem("pixels")
                if probe.format in JPEG_FORMATS:
                    probe.draft("RGB", _kept_size(width, height))
                    width, height = probe.size
                if width * height > max_pixels:
                    raise ImageProblem("pixels")
                probe.verify()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ImageProblem("pixels") from None
        except _READ_ERRORS:
            raise ImageProblem("not_image") from None


def _decode(raw: bytes) -> Image.Image:
    """Re-open (``verify`` leaves the image unusable) and decode every pixel, a JPEG at the
    smallest scale that still covers ``MAX_SIDE``, then scale it down to ``MAX_SIDE``.

    A truncated file fails here: Pillow refuses truncated data unless
    ``ImageFile.LOAD_TRUNCATED_IMAGES`` is set, which FieldLog never does.
    """
    try:
        image = Image.open(BytesIO(raw))
        if image.format in JPEG_FORMATS:
            image.draft("RGB", _kept_size(*image.size))
        image.load()
    except _READ_ERRORS:
        raise ImageProblem("not_image") from None
    if image.mode not in ("1", "P"):  # palette pixels scale badly: converted first
        # In place; the orientation is applied after, the bound being the same both ways.
        image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    return image


def _to_rgb(image: Image.Image) -> Image.Image:
    """Plain RGB; transparent parts become white (JPEG has no transparency)."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image if image.mode == "RGB" else image.convert("RGB")


def _jpeg(image: Image.Image, quality: int) -> bytes:
    out = BytesIO()
    # No exif=, icc_profile= or comment: the file carries nothing but the pixels.
    image.save(out, "JPEG", quality=quality, optimize=True)
    return out.getvalue()


def prepare(raw: bytes, max_pixels: int = MAX_PIXELS) -> Prepared:
    """Check that ``raw`` is a JPEG, PNG or WebP photo and re-encode it, upright, as JPEG
    (longest side at most ``MAX_SIDE``) plus a thumbnail (``THUMB_SIDE``); raises
    ``ImageProblem``."""
    _check(raw, max_pixels)
    with _decode(raw) as decoded:
        try:
            upright = ImageOps.exif_transpose(decoded)
        except _READ_ERRORS:  # a broken EXIF block: keep the pixels as they are
            upright = decoded.copy()
        image = _to_rgb(upright)
    image.info = {}  # Pillow copies comments and XMP from ``info`` when saving a JPEG
    image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    thumb = image.copy()
    thumb.thumbnail((THUMB_SIDE, THUMB_SIDE), Image.Resampling.LANCZOS)
    return Prepared(_jpeg(image, QUALITY), _jpeg(thumb, THUMB_QUALITY), *image.size)

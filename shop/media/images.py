"""Product pictures: an upload judged by its content, decoded under Pillow's pixel limit,
and re-encoded upright, in sRGB and without any metadata into a few fixed widths, each
as WebP and as JPEG.

A refusal raises ``ImageError`` before anything is stored, and says why.
"""

from __future__ import annotations

import hashlib
import io
import re
import warnings
from dataclasses import dataclass
from pathlib import PurePath

import filetype
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError
from werkzeug.utils import secure_filename

from shop.media.errors import ImageError

MAX_BYTES = 10 * 1024 * 1024
# Pillow's own limit, set here rather than left to its default: it refuses to decode
# more pixels than this, so a small file that unpacks into gigabytes (a decompression
# bomb) is refused from its header. A 48-megapixel phone photo still passes.
MAX_PIXELS = 50_000_000
Image.MAX_IMAGE_PIXELS = MAX_PIXELS

# The widths every picture is kept in (narrower originals are not enlarged): a listing's
# thumbnail, a card or a phone, a product page on a sharp screen.
WIDTHS = (160, 480, 1200)
WEBP_QUALITY = 82
JPEG_QUALITY = 85

# Pillow's names of the formats accepted, what a message calls each, and the extensions
# a file of that format may be named with.
FORMATS = {
    "JPEG": ("a JPEG image", frozenset({"jpg", "jpeg", "jpe", "jfif"})),
    "PNG": ("a PNG image", frozenset({"png"})),
    "WEBP": ("a WebP image", frozenset({"webp"})),
}
ACCEPTED_LABEL = "JPEG, PNG or WebP"
_MARKUP = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(!doctype\s+)?(\w+)", re.I | re.S
)
_SRGB = ImageCms.createProfile("sRGB")


@dataclass(frozen=True)
class Rendition:
    width: int
    height: int
    webp: bytes
    jpeg: bytes


@dataclass(frozen=True)
class PreparedImage:
    """An accepted upload, re-encoded, not yet stored."""

    filename: str  # the uploaded name, made harmless
    source_sha256: str  # of the uploaded bytes: the same file uploaded again is known
    width: int  # upright
    height: int
    renditions: tuple[Rendition, ...]  # narrowest first


def clean_filename(filename: str, extension: str) -> str:
    """The uploaded name without folders or odd characters, in lower case, with an extension
    that says what it is: what the CSV names the picture by."""
    path = PurePath(filename.replace("\\", "/"))
    stem = secure_filename(path.stem).lower()[:200] or "image"
    suffix = path.suffix.lower().lstrip(".")
    return f"{stem}.{suffix if suffix else extension}"


def _markup_kind(data: bytes) -> str | None:
    """'an SVG drawing' or 'an HTML page' for markup (which Pillow never opens anyway)."""
    match = _MARKUP.match(data[:2048].removeprefix(b"\xef\xbb\xbf"))
    if match is None:
        return None
    tag = match.group(2).lower()
    if tag == b"svg":
        return "an SVG drawing"
    if tag == b"html" or match.group(1):
        return "an HTML page"
    return "a text file with markup"


def _content_label(data: bytes) -> str:
    """What a file that is no accepted picture is, for a message."""
    guess = filetype.guess(data)
    return f"a {guess.extension.upper()} file" if guess is not None else "none of them"


def _open(data: bytes, filename: str) -> Image.Image:
    """The upload as a decoded picture, or the reason it is refused."""
    if not data:
        raise ImageError(ImageError.EMPTY, "The file is empty. Choose a photo.")
    if len(data) > MAX_BYTES:
        raise ImageError(
            ImageError.TOO_LARGE,
            f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB, the most we accept."
            " Save the photo at a lower resolution or quality.",
        )
    markup = _markup_kind(data)
    if markup is not None:
        raise ImageError(
            ImageError.UNSUPPORTED_TYPE,
            f"This file is {markup}, not a photo: only {ACCEPTED_LABEL} images are accepted."
            " Export it as PNG first.",
        )
    extension = PurePath(filename.replace("\\", "/")).suffix.lower().lstrip(".")
    with warnings.catch_warnings():
        # Over the limit Pillow only warns up to twice it: refuse from the limit itself.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=list(FORMATS))
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise ImageError(
                ImageError.TOO_MANY_PIXELS,
                f"The picture has more than {MAX_PIXELS // 1_000_000} million pixels, the most"
                " we accept. Scale it down first.",
            ) from None
        except UnidentifiedImageError:
            raise ImageError(
                ImageError.UNSUPPORTED_TYPE,
                f"Only {ACCEPTED_LABEL} images are accepted, and this file is"
                f" {_content_label(data)}.",
            ) from None
        except (OSError, SyntaxError, ValueError):
            raise ImageError(
                ImageError.DAMAGED,
                "The file starts as a picture but is damaged or cut short. Save it again.",
            ) from None
        label, extensions = FORMATS[image.format]
        if extension and extension not in extensions:
            raise ImageError(
                ImageError.NAME_MISMATCH,
                f"The file is named .{extension[:10]}, but its content is {label}. Upload the"
                f" photo itself, named for what it is (.{sorted(extensions)[0]}).",
            )
        try:
            image.load()
        except (OSError, SyntaxError, ValueError):
            raise ImageError(
                ImageError.DAMAGED,
                f"The file starts as {label} but is damaged or cut short. Save it again.",
            ) from None
    return image


def _in_srgb(image: Image.Image) -> Image.Image:
    """The picture as 8-bit sRGB (RGBA where it has transparency), colours kept through
    its ICC profile if it has one, since the profile itself is not kept."""
    if image.mode in ("I", "I;16", "I;16B", "I;16L", "F"):  # 16-bit grey: scaled, not clipped
        image = image.convert("I").point(lambda value: value * (1 / 257)).convert("L")
    transparent = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    mode = "RGBA" if transparent else "RGB"
    profile = image.info.get("icc_profile")
    if profile and image.mode in ("RGB", "RGBA", "CMYK", "L"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            converted = ImageCms.profileToProfile(
                image.convert("RGBA" if transparent else image.mode),
                source,
                _SRGB,
                outputMode=mode,
            )
            if converted is not None:
                return converted
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken profile: the pixels as they are
    return image.convert(mode)


def _encode(image: Image.Image) -> tuple[bytes, bytes]:
    """The picture as WebP and as JPEG (flattened onto white), with no metadata at all."""
    webp = io.BytesIO()
    image.save(webp, "WEBP", quality=WEBP_QUALITY, method=4)
    flat = image
    if image.mode == "RGBA":
        flat = Image.new("RGB", image.size, "white")
        flat.paste(image, mask=image.getchannel("A"))
    jpeg = io.BytesIO()
    flat.save(jpeg, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return webp.getvalue(), jpeg.getvalue()


def prepare_image(data: bytes, filename: str) -> PreparedImage:
    """Accept an upload as a picture and re-encode it; ImageError says why not."""
    image = _open(data, filename)
    label_extension = sorted(FORMATS[image.format][1])[0]
    upright = ImageOps.exif_transpose(_in_srgb(image))
    # A new image from the pixels alone: no EXIF (orientation, GPS, camera), XMP, ICC or
    # text chunk of the upload can travel on.
    pixels = Image.frombytes(upright.mode, upright.size, upright.tobytes())
    width, height = pixels.size
    renditions = []
    for target in sorted({min(target, width) for target in WIDTHS}, reverse=True):
        scaled_height = max(1, round(height * target / width))
        if target != pixels.width:
            pixels = pixels.resize((target, scaled_height), Image.Resampling.LANCZOS)
        webp, jpeg = _encode(pixels)
        renditions.append(Rendition(target, pixels.height, webp, jpeg))
    return PreparedImage(
        filename=clean_filename(filename, label_extension),
        source_sha256=hashlib.sha256(data).hexdigest(),
        width=width,
        height=height,
        renditions=tuple(reversed(renditions)),
    )

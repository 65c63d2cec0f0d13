from __future__ import annotations

from shop.errors import ShopError


class ImageError(ShopError):
    """An upload refused as a picture; nothing of it was stored."""

    EMPTY = "empty_file"
    TOO_LARGE = "file_too_large"
    UNSUPPORTED_TYPE = "unsupported_type"
    NAME_MISMATCH = "name_mismatch"
    TOO_MANY_PIXELS = "too_many_pixels"
    DAMAGED = "damaged_image"
    CONFLICT = "image_conflict"

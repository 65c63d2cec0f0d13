"""Pictures for the demo catalogue, drawn rather than photographed: each product's pack
in its brand's colour with the product's name on it, and in front of it one of what the
pack holds (a vial, an ampoule or a prefilled syringe).

``flask shop seed-demo`` draws them and uploads each through the back office's own
upload service (shop.catalog.images), so the demo exercises the real path; the product
CSV names them (its ``images`` column). To have the files themselves, to upload by hand
or look at: ``python -m shop.demo_images FOLDER``.
"""

from __future__ import annotations

import colorsys
import hashlib
import io
import sys
import unicodedata
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

CANVAS = (1200, 900)  # drawn at this size...
SIZE = (800, 600)  # ...and kept at this one: enough for the demo, and quick to re-encode
# The demo brands' colours; another brand gets one made from its slug.
BRAND_COLOURS = {
    "dermavera-labs": "#1f6f8b",
    "vellanova-farmaceutici": "#7a2e4d",
    "maison-cerule": "#2f5aa8",
    "hanbit-biolab": "#b4541a",
    "sanalpe-swiss-lab": "#b3202c",
    "veltheim-pharma": "#3c6e3a",
    "lusaderm-laboratorios": "#6b4aa0",
    "jinseol-bio": "#1d7a6b",
}
FORM_WORDS = {"vial": "vial", "ampoule": "ampoule", "prefilled-syringe": "prefilled syringe"}
Colour = tuple[int, int, int]


def brand_colour(slug: str) -> Colour:
    named = BRAND_COLOURS.get(slug)
    if named is not None:
        return tuple(int(named[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]
    hue = hashlib.sha256(slug.encode()).digest()[0] / 255
    red, green, blue = colorsys.hls_to_rgb(hue, 0.36, 0.55)
    return round(red * 255), round(green * 255), round(blue * 255)


def _mix(colour: Colour, other: Colour, share: float) -> Colour:
    return tuple(round(a + (b - a) * share) for a, b in zip(colour, other, strict=True))  # type: ignore[return-value]


def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.load_default(size=size)  # Pillow's own font: nothing to install


def _drawable(text: str) -> str:
    """The text in the letters Pillow's own font has (ASCII): 'Cérule Éclat' as 'Cerule
    Eclat', '10 × 5 ml' as '10 x 5 ml'. The alt text keeps the real name."""
    text = text.replace("×", "x").replace("’", "'")
    decomposed = unicodedata.normalize("NFKD", text)
    return (
        "".join(c for c in decomposed if not unicodedata.combining(c))
        .encode("ascii", "replace")
        .decode()
    )


def _wrapped(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and draw.textlength(candidate, font=font) <= width:
            lines[-1] = candidate
        else:
            lines.append(word)
    return lines


def _text_block(draw, box, text, size, fill, *, min_size=24, max_lines=3):
    """Text wrapped into ``box`` (left, top, right), at the largest size up to ``size``
    that fits in ``max_lines``; the y under it."""
    left, top, right = box
    text = _drawable(text)
    while True:
        font = _font(size)
        lines = _wrapped(draw, text, font, right - left)
        widest = max(draw.textlength(line, font=font) for line in lines)
        if (len(lines) <= max_lines and widest <= right - left) or size <= min_size:
            break
        size -= 4
    for line in lines:
        draw.text((left, top), line, font=font, fill=fill)
        top += round(size * 1.18)
    return top


def _pack(draw, colour: Colour, brand: str, name: str, pack: str) -> None:
    """The carton, seen a little from the side: front face, side face, top."""
    front = (150, 170, 640, 790)
    depth = 90
    dark, light = _mix(colour, (0, 0, 0), 0.35), _mix(colour, (255, 255, 255), 0.25)
    left, top, right, bottom = front
    draw.polygon(
        [(right, top), (right + depth, top - 60), (right + depth, bottom - 60), (right, bottom)],
        fill=dark,
    )
    draw.polygon(
        [(left, top), (left + depth, top - 60), (right + depth, top - 60), (right, top)], fill=light
    )
    draw.rectangle(front, fill=colour)
    draw.rectangle(
        (left, bottom - 150, right, bottom - 138), fill=_mix(colour, (255, 255, 255), 0.6)
    )
    white = (255, 255, 255)
    y = _text_block(
        draw,
        (left + 40, top + 50, right - 40),
        brand.upper(),
        30,
        _mix(colour, white, 0.75),
        max_lines=2,
    )
    _text_block(draw, (left + 40, y + 30, right - 40), name, 76, white, max_lines=4)
    _text_block(draw, (left + 40, bottom - 110, right - 40), pack, 34, white, max_lines=2)


def _glass(draw, box, colour: Colour, label: str, *, neck: int, cap: int, pointed: bool) -> None:
    """A vial (a cap) or an ampoule (a pointed glass neck), with a label in the brand's colour."""
    left, top, right, bottom = box
    middle = (left + right) // 2
    glass, outline = (226, 236, 240), (150, 170, 180)
    draw.rounded_rectangle(
        (left, top + neck + cap, right, bottom), radius=26, fill=glass, outline=outline, width=4
    )
    neck_left, neck_right = middle - (right - left) // 5, middle + (right - left) // 5
    draw.rectangle(
        (neck_left, top + cap, neck_right, top + neck + cap + 10),
        fill=glass,
        outline=outline,
        width=4,
    )
    if pointed:
        draw.polygon(
            [(neck_left, top + cap), (middle, top - 30), (neck_right, top + cap)],
            fill=glass,
            outline=outline,
        )
        draw.ellipse((neck_left, top + cap + 10, neck_right, top + cap + 24), fill=colour)
    else:
        draw.rounded_rectangle((left + 10, top, right - 10, top + cap + 6), radius=10, fill=colour)
    label_top = top + neck + cap + 70
    draw.rectangle((left + 4, label_top, right - 4, bottom - 60), fill=colour)
    _text_block(
        draw,
        (left + 22, label_top + 24, right - 22),
        label,
        30,
        (255, 255, 255),
        min_size=16,
        max_lines=4,
    )


def _syringe(draw, colour: Colour, label: str) -> None:
    """A prefilled syringe standing beside the pack: plunger, barrel with its label, cap."""
    glass, outline, steel = (226, 236, 240), (150, 170, 180), (190, 196, 200)
    draw.rectangle((820, 100, 980, 124), fill=steel)  # the thumb rest
    draw.rectangle((880, 124, 920, 290), fill=(205, 210, 214))  # the plunger rod
    draw.rectangle((790, 270, 1010, 292), fill=steel)  # the finger flange
    draw.rounded_rectangle((830, 292, 970, 720), radius=18, fill=glass, outline=outline, width=4)
    draw.rectangle((834, 390, 966, 640), fill=colour)
    _text_block(draw, (846, 410, 956), label, 28, (255, 255, 255), min_size=16, max_lines=5)
    draw.polygon([(870, 720), (930, 720), (915, 760), (885, 760)], fill=outline)  # the hub
    draw.rounded_rectangle((872, 760, 928, 860), radius=10, fill=colour)  # the needle's cap


def draw_product(*, brand_slug: str, brand_name: str, name: str, form: str, pack: str) -> bytes:
    """The product's picture as a PNG."""
    colour = brand_colour(brand_slug)
    image = Image.new("RGB", CANVAS, _mix(colour, (255, 255, 255), 0.9))
    draw = ImageDraw.Draw(image)
    draw.ellipse((90, 740, 1150, 860), fill=_mix(colour, (255, 255, 255), 0.78))  # the shadow
    _pack(draw, colour, brand_name, name, pack)
    if form == "prefilled-syringe":
        _syringe(draw, colour, name)
    elif form == "ampoule":
        _glass(draw, (800, 250, 980, 800), colour, name, neck=110, cap=40, pointed=True)
    else:
        _glass(draw, (770, 330, 1030, 800), colour, name, neck=40, cap=70, pointed=False)
    out = io.BytesIO()
    image.resize(SIZE, Image.Resampling.LANCZOS).save(out, "PNG")
    return out.getvalue()


def picture_filename(slug: str) -> str:
    return f"{slug}.png"


def alt_text(*, brand_name: str, name: str, form: str, pack: str) -> str:
    return (
        f"The pack of {brand_name} {name} ({pack}), with one {FORM_WORDS.get(form, form)} in front"
    )


@cache
def cached_drawing(brand_slug: str, brand_name: str, name: str, form: str, pack: str) -> bytes:
    """The same drawing again, from this process's memory: the tests seed the demo often."""
    return draw_product(
        brand_slug=brand_slug, brand_name=brand_name, name=name, form=form, pack=pack
    )


def main(folder: str) -> None:
    from shop.catalog.presenters import format_pack
    from shop.demo import demo_rows

    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    brands = {row["slug"]: row["name"] for row in demo_rows("brands")}
    for row in demo_rows("products"):
        from decimal import Decimal

        pack = format_pack(int(row["units_per_pack"]), Decimal(row["volume_ml"]), row["form"])
        data = draw_product(
            brand_slug=row["brand"],
            brand_name=brands[row["brand"]],
            name=row["name"],
            form=row["form"],
            pack=pack,
        )
        (out / picture_filename(row["slug"])).write_bytes(data)
        print(out / picture_filename(row["slug"]))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m shop.demo_images FOLDER")
    main(sys.argv[1])

"""Pictures of products: the catalogue's picture library (each upload re-encoded by
shop.media and kept by content hash) and each product's pictures, in order, each with
the alternative text that stands for it.

A refusal raises before anything is stored: ``ImageError`` for the file,
``CatalogFieldErrors`` for the alternative text or the product's list. Services flush
and never commit; adding or removing a picture moves the catalogue token
(shop.catalog.token), so listings, the API and ETags follow.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from shop.accounts.models import User
from shop.audit.services import record_event
from shop.catalog.errors import CatalogError, CatalogFieldErrors
from shop.catalog.models import CatalogImage, Product, ProductImage
from shop.extensions import db
from shop.media.errors import ImageError
from shop.media.images import prepare_image
from shop.media.storage import media_storage

MAX_IMAGES_PER_PRODUCT = 12
ALT_TEXT_MAX = 250
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class ImageChoice:
    """A picture of the library as one of a product's, with its alternative text."""

    image: CatalogImage
    alt_text: str


def alt_text_problem(alt_text: str) -> str | None:
    """Why this alternative text cannot be used, or None."""
    text = alt_text.strip()
    if not text:
        return "Describe the picture for people who cannot see it (its alt text)."
    if len(text) > ALT_TEXT_MAX:
        return f"The alt text is limited to {ALT_TEXT_MAX} characters."
    if _CONTROL.search(text):
        return "The alt text contains control characters."
    if "|" in text:  # the product CSV separates pictures with it
        return "The alt text may not contain a | character."
    return None


def find_image_by_filename(filename: str) -> CatalogImage | None:
    return db.session.scalar(select(CatalogImage).where(CatalogImage.filename == filename))


def _free_filename(filename: str) -> str:
    """The name itself, or with -2, -3... before its extension when another picture has it."""
    path = PurePath(filename)
    taken = set(
        db.session.scalars(
            select(CatalogImage.filename).where(CatalogImage.filename.like(f"{path.stem}%"))
        )
    )
    candidate, number = filename, 1
    while candidate in taken:
        number += 1
        candidate = f"{path.stem}-{number}{path.suffix}"
    return candidate


def upload_image(actor: User | None, data: bytes, filename: str) -> tuple[CatalogImage, bool]:
    """The library's picture for this upload, and whether it is new: re-encoded and stored
    when new, the picture already there when this very file was uploaded before.

    ImageError when the file is refused (nothing stored). A name another picture has
    gets a number (``photo-2.jpg``).
    """
    prepared = prepare_image(data, filename)
    existing = db.session.scalar(
        select(CatalogImage).where(CatalogImage.source_sha256 == prepared.source_sha256)
    )
    if existing is not None:
        return existing, False
    storage = media_storage()
    renditions = [
        [
            rendition.width,
            rendition.height,
            storage.put(rendition.webp, "image/webp"),
            storage.put(rendition.jpeg, "image/jpeg"),
        ]
        for rendition in prepared.renditions
    ]
    image = CatalogImage(
        filename=_free_filename(prepared.filename),
        source_sha256=prepared.source_sha256,
        width=prepared.width,
        height=prepared.height,
        renditions=renditions,
    )
    try:
        with db.session.begin_nested():
            db.session.add(image)
    except IntegrityError:  # the same file or name uploaded at the same moment
        raise ImageError(
            ImageError.CONFLICT,
            "Another upload took this picture or its name meanwhile. Upload it again.",
            status=409,
        ) from None
    record_event(
        actor=actor,
        action="image.upload",
        subject_type="image",
        subject_id=image.id,
        reason=image.filename,
    )
    return image, True


def _check_list(product: Product, choices: Sequence[ImageChoice]) -> None:
    if len(choices) > MAX_IMAGES_PER_PRODUCT:
        raise CatalogFieldErrors(
            {"images": f"A product has at most {MAX_IMAGES_PER_PRODUCT} pictures."}
        )
    seen: set[int] = set()
    for choice in choices:
        problem = alt_text_problem(choice.alt_text)
        if problem:
            raise CatalogFieldErrors({"alt_text": problem})
        if choice.image.id in seen:
            raise CatalogFieldErrors(
                {"images": f"{choice.image.filename} is already one of {product.name}'s pictures."}
            )
        seen.add(choice.image.id)


def add_product_image(
    actor: User | None, product: Product, image: CatalogImage, alt_text: str
) -> ProductImage:
    """Put a picture of the library last among the product's pictures."""
    choices = [ImageChoice(link.image, link.alt_text) for link in product.images]
    _check_list(product, [*choices, ImageChoice(image, alt_text)])
    link = ProductImage(image=image, position=len(product.images), alt_text=alt_text.strip())
    product.images.append(link)
    db.session.flush()
    record_event(
        actor=actor,
        action="product.image_add",
        subject_type="product",
        subject_id=product.id,
        reason=image.filename,
    )
    return link


def upload_product_image(
    actor: User | None, product: Product, data: bytes, filename: str, alt_text: str
) -> ProductImage:
    """Upload a picture and put it last among the product's: the back office's product page.

    The alternative text and the product's list are checked before the file is read, and
    a refused file stores nothing.
    """
    problem = alt_text_problem(alt_text)
    if problem:
        raise CatalogFieldErrors({"alt_text": problem})
    if len(product.images) >= MAX_IMAGES_PER_PRODUCT:
        raise CatalogFieldErrors(
            {"file": f"A product has at most {MAX_IMAGES_PER_PRODUCT} pictures: remove one first."}
        )
    image, _new = upload_image(actor, data, filename)
    return add_product_image(actor, product, image, alt_text)


def get_product_image(product: Product, link_id: int) -> ProductImage:
    link = next((link for link in product.images if link.id == link_id), None)
    if link is None:
        raise CatalogError(
            CatalogError.NOT_FOUND, "That picture is not this product's.", status=404
        )
    return link


def change_alt_text(actor: User | None, link: ProductImage, alt_text: str) -> None:
    problem = alt_text_problem(alt_text)
    if problem:
        raise CatalogFieldErrors({"alt_text": problem})
    before, link.alt_text = link.alt_text, alt_text.strip()
    if before != link.alt_text:
        db.session.flush()
        record_event(
            actor=actor,
            action="product.image_alt_text",
            subject_type="product",
            subject_id=link.product_id,
            reason=f"{before} → {link.alt_text}",
        )


def _renumber(product: Product) -> None:
    for position, link in enumerate(product.images):
        link.position = position


def move_product_image(actor: User | None, link: ProductImage, offset: int) -> None:
    """One place earlier (-1) or later (+1); the first and last stay where they are."""
    product = link.product
    links = list(product.images)
    at = links.index(link)
    to = at + offset
    if not 0 <= to < len(links):
        return
    links[at], links[to] = links[to], links[at]
    for position, each in enumerate(links):
        each.position = position
    db.session.flush()
    db.session.expire(product, ["images"])
    record_event(
        actor=actor,
        action="product.image_move",
        subject_type="product",
        subject_id=product.id,
        from_state=str(at + 1),
        to_state=str(to + 1),
        reason=link.image.filename,
    )


def remove_product_image(actor: User | None, link: ProductImage) -> None:
    """Take a picture off the product; it stays in the library for other products."""
    product = link.product
    filename = link.image.filename
    product.images.remove(link)
    _renumber(product)
    db.session.flush()
    record_event(
        actor=actor,
        action="product.image_remove",
        subject_type="product",
        subject_id=product.id,
        reason=filename,
    )


def set_product_images(actor: User | None, product: Product, choices: Sequence[ImageChoice]):
    """Make the product's pictures exactly these, in this order (the CSV import)."""
    _check_list(product, choices)
    current = [(link.image.id, link.alt_text) for link in product.images]
    wanted = [(choice.image.id, choice.alt_text.strip()) for choice in choices]
    if current == wanted:
        return
    kept = {link.image.id: link for link in product.images}
    links = []
    for position, choice in enumerate(choices):
        link = kept.pop(choice.image.id, None) or ProductImage(image=choice.image)
        link.position = position
        link.alt_text = choice.alt_text.strip()
        links.append(link)
    product.images = links
    db.session.flush()
    record_event(
        actor=actor,
        action="product.images_set",
        subject_type="product",
        subject_id=product.id,
        reason=" ".join(choice.image.filename for choice in choices) or "no pictures",
    )


def count_image_uses(image_ids: Sequence[int]) -> dict[int, int]:
    """How many products show each of these pictures."""
    if not image_ids:
        return {}
    rows = db.session.execute(
        select(ProductImage.image_id, func.count())
        .where(ProductImage.image_id.in_(image_ids))
        .group_by(ProductImage.image_id)
    )
    return {image_id: count for image_id, count in rows}


def media_keys(image: CatalogImage) -> set[str]:
    return {key for _w, _h, webp, jpeg in image.renditions for key in (webp, jpeg)}


def delete_image(actor: User | None, image: CatalogImage) -> None:
    """Remove a picture no product shows from the library, and its files from the storage."""
    if count_image_uses([image.id]):
        raise CatalogError(
            CatalogError.INVALID_PRODUCT,
            f"{image.filename} is shown by a product: take it off the product first.",
            status=409,
        )
    keys = media_keys(image)
    # Two uploads that decode to the same pixels share files: keep those another still uses.
    for (renditions,) in db.session.execute(
        select(CatalogImage.renditions).where(CatalogImage.id != image.id)
    ):
        keys -= {key for _w, _h, webp, jpeg in renditions for key in (webp, jpeg)}
    image_id, filename = image.id, image.filename
    db.session.delete(image)
    db.session.flush()
    media_storage().discard(keys)
    record_event(
        actor=actor,
        action="image.delete",
        subject_type="image",
        subject_id=image_id,
        reason=filename,
    )

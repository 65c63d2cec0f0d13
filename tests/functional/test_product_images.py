"""Product pictures: uploaded on a product's back-office page or into the library, judged
by content, re-encoded without metadata, served at content-hash URLs, shown on the
listing and the product page, in the API and the CSV."""

from __future__ import annotations

import io
import re
from html import unescape

import pytest
from PIL import Image
from sqlalchemy import func, select

from shop.catalog.csv_io import ProductImportRefused, export_products, import_products
from shop.catalog.images import upload_image, upload_product_image
from shop.catalog.models import CatalogImage, ProductImage
from shop.catalog.token import current_token
from shop.extensions import db
from shop.media.images import MAX_BYTES, MAX_PIXELS
from shop.media.models import MediaFile
from tests.factories import make_admin, make_brand, make_product, make_professional
from tests.images import (
    BLUE,
    GIF,
    HTML,
    RED,
    SVG,
    decompression_bomb,
    gps_of,
    phone_photo,
    picture,
)

MEDIA_URL = re.compile(r"/media/([0-9a-f]{64})\.(webp|jpg)")


@pytest.fixture
def admin(login):
    user = make_admin(name="Ada Admin")
    login(user)
    return user


@pytest.fixture
def product(app):
    found = make_product("Hydra Glow", brand=make_brand("Alpha Labs"), slug="hydra-glow", stock=5)
    db.session.commit()
    return found


def stored() -> dict[str, int]:
    return {
        name: db.session.scalar(select(func.count()).select_from(model))
        for name, model in (
            ("files", MediaFile),
            ("pictures", CatalogImage),
            ("links", ProductImage),
        )
    }


def upload(client, csrf_token, product, data: bytes, filename: str, alt: str = "The pack"):
    page = f"/admin/products/{product.id}"
    return client.post(
        f"{page}/pictures",
        data={
            "csrf_token": csrf_token(page),
            "file": (io.BytesIO(data), filename),
            "alt_text": alt,
        },
        content_type="multipart/form-data",
    )


def decoded(client, url: str) -> Image.Image:
    response = client.get(url)
    assert response.status_code == 200
    return Image.open(io.BytesIO(response.data))


# Uploading ------------------------------------------------------------------------------


def test_a_phone_photo_is_stored_upright_in_fixed_widths_with_no_metadata(
    client, admin, csrf_token, product
):
    photo = phone_photo()
    assert gps_of(photo)  # the upload has its location...
    token = current_token()
    response = upload(client, csrf_token, product, photo, "IMG_2041.JPG", "The pack, front")
    assert response.status_code == 302
    assert current_token() != token  # listings, the API and ETags follow

    link = db.session.scalars(select(ProductImage)).one()
    image = link.image
    assert (link.alt_text, link.position, image.filename) == ("The pack, front", 0, "img_2041.jpg")
    assert (image.width, image.height) == (1200, 1600)  # turned upright: portrait
    assert [(w, h) for w, h, _webp, _jpeg in image.renditions] == [
        (160, 213),
        (480, 640),
        (1200, 1600),
    ]
    for _w, _h, webp, jpeg in image.renditions:
        for key, extension, fmt in ((webp, "webp", "WEBP"), (jpeg, "jpg", "JPEG")):
            shown = decoded(client, f"/media/{key}.{extension}")
            assert shown.format == fmt
            # ...the stored files have nothing of it: no EXIF, no GPS, no XMP, no ICC.
            assert not dict(shown.getexif()) and not gps_of(
                client.get(f"/media/{key}.{extension}").data
            )
            assert not {"exif", "xmp", "icc_profile", "XML:com.adobe.xmp"} & set(shown.info)
            # Upright: what was the left (red) is now the top, the right (blue) the bottom.
            top = shown.convert("RGB").getpixel((shown.width // 2, 3))
            bottom = shown.convert("RGB").getpixel((shown.width // 2, shown.height - 4))
            assert max(abs(a - b) for a, b in zip(top, RED, strict=True)) < 40, top
            assert max(abs(a - b) for a, b in zip(bottom, BLUE, strict=True)) < 40, bottom


@pytest.mark.parametrize(
    ("data", "filename", "reason"),
    [
        (SVG, "logo.svg", "This file is an SVG drawing, not a photo"),
        (SVG, "logo.png", "This file is an SVG drawing, not a photo"),
        (HTML, "page.jpg", "This file is an HTML page, not a photo"),
        (
            GIF,
            "anim.gif",
            "Only JPEG, PNG or WebP images are accepted, and this file is a GIF file.",
        ),
        (picture("PNG"), "photo.jpg", "The file is named .jpg, but its content is a PNG image."),
        (
            picture("JPEG"),
            "photo.html",
            "The file is named .html, but its content is a JPEG image.",
        ),
        (picture("JPEG")[:2000], "cut.jpg", "damaged or cut short"),
        (b"", "empty.jpg", "The file is empty."),
        (b"\xff\xd8\xff" + b"\0" * MAX_BYTES, "huge.jpg", "larger than 10 MB"),
        (decompression_bomb(), "bomb.png", f"more than {MAX_PIXELS // 1_000_000} million pixels"),
    ],
    ids=[
        "svg",
        "svg-named-png",
        "html",
        "gif",
        "png-named-jpg",
        "jpeg-named-html",
        "damaged",
        "empty",
        "over-10-mb",
        "decompression-bomb",
    ],
)
def test_each_refused_upload_says_why_and_stores_nothing(
    client, admin, csrf_token, product, data, filename, reason
):
    before, token = stored(), current_token()
    response = upload(client, csrf_token, product, data, filename)
    assert response.status_code == 400
    page = unescape(response.get_data(as_text=True))
    assert reason in page
    assert 'id="file-error"' in page or "invalid-feedback" in page
    assert stored() == before and current_token() == token


def test_pillows_pixel_limit_is_set_explicitly():
    assert Image.MAX_IMAGE_PIXELS == MAX_PIXELS


def test_an_upload_without_alt_text_is_refused_before_the_file_is_read(
    client, admin, csrf_token, product
):
    before = stored()
    response = upload(client, csrf_token, product, picture(), "pack.jpg", alt="   ")
    assert response.status_code == 400
    assert "Describe the picture for people who cannot see it" in unescape(
        response.get_data(as_text=True)
    )
    assert stored() == before


def test_pictures_are_ordered_their_alt_text_changed_and_taken_off(
    client, admin, csrf_token, product
):
    for n, colour in enumerate([(10, 10, 10), (90, 90, 90), (170, 170, 170)], start=1):
        response = upload(
            client, csrf_token, product, picture(colour=colour), f"p{n}.jpg", f"Side {n}"
        )
        assert response.status_code == 302

    def order() -> list[str]:
        db.session.expire_all()
        return [
            link.image.filename for link in sorted(product.images, key=lambda each: each.position)
        ]

    assert order() == ["p1.jpg", "p2.jpg", "p3.jpg"]
    links = {link.image.filename: link.id for link in product.images}
    page = f"/admin/products/{product.id}"

    def change(link_id, action, alt=""):
        return client.post(
            f"{page}/pictures/{link_id}",
            data={
                "csrf_token": csrf_token(page),
                f"picture-{link_id}-alt_text": alt,
                "action": action,
            },
        )

    assert change(links["p3.jpg"], "up").status_code == 302
    assert order() == ["p1.jpg", "p3.jpg", "p2.jpg"]
    assert change(links["p1.jpg"], "down").status_code == 302
    assert order() == ["p3.jpg", "p1.jpg", "p2.jpg"]
    refused = change(links["p1.jpg"], "save", alt="")
    assert refused.status_code == 400 and "Describe the picture" in unescape(
        refused.get_data(as_text=True)
    )
    assert change(links["p1.jpg"], "save", alt="The vial, close up").status_code == 302
    assert change(links["p2.jpg"], "remove").status_code == 302
    assert order() == ["p3.jpg", "p1.jpg"]
    assert [link.alt_text for link in sorted(product.images, key=lambda each: each.position)] == [
        "Side 3",
        "The vial, close up",
    ]
    # Taken off the product, kept in the library for others.
    assert db.session.scalar(select(func.count()).select_from(CatalogImage)) == 3


def test_the_same_file_uploaded_again_is_the_same_picture_and_a_taken_name_gets_a_number(app):
    first, new = upload_image(None, picture(), "pack.jpg")
    again, new_again = upload_image(None, picture(), "other-name.jpg")
    different, _ = upload_image(None, picture(colour=(1, 2, 3)), "pack.jpg")
    assert new and not new_again and again.id == first.id
    assert different.filename == "pack-2.jpg"


def test_the_library_takes_several_files_and_reports_each(client, admin, csrf_token):
    response = client.post(
        "/admin/pictures",
        data={
            "csrf_token": csrf_token("/admin/pictures"),
            "files": [
                (io.BytesIO(picture()), "box.jpg"),
                (io.BytesIO(SVG), "logo.svg"),
                (io.BytesIO(picture("WEBP", colour=(9, 9, 9))), "vial.webp"),
            ],
        },
        content_type="multipart/form-data",
    )
    page = unescape(response.get_data(as_text=True))
    assert response.status_code == 400  # one of them was refused
    assert "box.jpg</span>: Stored as box.jpg." in page
    assert "logo.svg</span>: Refused: This file is an SVG drawing" in page
    assert "vial.webp</span>: Stored as vial.webp." in page
    assert sorted(db.session.scalars(select(CatalogImage.filename))) == ["box.jpg", "vial.webp"]


def test_a_picture_on_no_product_can_be_deleted_with_its_files(client, admin, csrf_token, product):
    shown, _ = upload_image(None, picture(), "shown.jpg")
    unused, _ = upload_image(None, picture(colour=(5, 5, 5)), "unused.jpg")
    upload_product_image(None, product, picture(), "shown.jpg", "The pack")
    db.session.commit()
    files = stored()["files"]
    token = csrf_token("/admin/pictures")
    assert (
        client.post(f"/admin/pictures/{shown.id}/delete", data={"csrf_token": token}).status_code
        == 302
    )
    assert db.session.get(CatalogImage, shown.id) is not None  # a product shows it
    assert (
        client.post(f"/admin/pictures/{unused.id}/delete", data={"csrf_token": token}).status_code
        == 302
    )
    db.session.expire_all()
    assert db.session.get(CatalogImage, unused.id) is None
    assert stored()["files"] == files - 2 * len(unused.renditions)


# Serving --------------------------------------------------------------------------------


@pytest.fixture
def shown_product(product):
    upload_product_image(None, product, phone_photo(), "pack.jpg", "The pack of Hydra Glow")
    upload_product_image(None, product, picture("PNG"), "vial.png", "One vial")
    db.session.commit()
    return product


def test_media_files_are_immutable_for_everyone_and_answer_304(client, login, shown_product):
    _w, _h, webp, jpeg = shown_product.images[0].image.renditions[0]
    for key, extension, mimetype in ((webp, "webp", "image/webp"), (jpeg, "jpg", "image/jpeg")):
        response = client.get(f"/media/{key}.{extension}")
        assert response.status_code == 200 and response.mimetype == mimetype
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert response.headers["ETag"] == f'"{key}"'
        assert "Set-Cookie" not in response.headers
        again = client.get(f"/media/{key}.{extension}", headers={"If-None-Match": f'"{key}"'})
        assert again.status_code == 304 and again.data == b""
        assert again.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    # A logged-in visitor gets the same public answer: the bytes are nobody's.
    login(make_professional())
    db.session.commit()
    response = client.get(f"/media/{jpeg}.jpg")
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    # A key under the other format's extension, or no such key: not found.
    assert client.get(f"/media/{webp}.jpg").status_code == 404
    assert client.get(f"/media/{'0' * 64}.jpg").status_code == 404
    assert client.get(f"/media/{'Z' * 64}.jpg").status_code == 404
    assert client.get(f"/media/{jpeg}.png").status_code == 404


def test_the_listing_shows_each_products_thumbnail_or_a_placeholder(client, shown_product):
    make_product("Bare Vial", slug="bare-vial")
    db.session.commit()
    html = client.get("/products").get_data(as_text=True)
    card = re.search(
        rf'<article class="card[^"]*product-card" data-product-id="{shown_product.id}".*?</article>',
        html,
        re.S,
    ).group(0)
    img = re.search(r"<img [^>]*>", card).group(0)
    for attribute in (
        'loading="lazy"',
        'width="480"',
        'height="640"',
        'alt="The pack of Hydra Glow"',
    ):
        assert attribute in img
    assert re.search(r'srcset="/media/[0-9a-f]{64}\.jpg 160w, /media/[0-9a-f]{64}\.jpg 480w"', img)
    assert re.search(r'<source type="image/webp" srcset="/media/[0-9a-f]{64}\.webp 160w', card)
    assert "One vial" not in card  # the first picture only
    bare = re.search(
        r'data-product-id="\d+">\s*<div class="product-thumb product-thumb-empty" aria-hidden="true">',
        html,
    )
    assert bare is not None
    # Every URL on the page is one the app serves.
    for key, extension in set(MEDIA_URL.findall(html)):
        assert client.head(f"/media/{key}.{extension}").status_code == 200


def test_the_product_page_shows_every_picture_in_order_with_links_to_each(client, shown_product):
    html = client.get("/products/hydra-glow").get_data(as_text=True)
    gallery = re.search(r"<section class=\"gallery.*?</section>", html, re.S).group(0)
    assert re.findall(r'<li class="gallery-slide" id="(picture-\d)">', gallery) == [
        "picture-1",
        "picture-2",
    ]
    alts = re.findall(r'class="gallery-image"[^>]*alt="([^"]*)"', gallery)
    assert alts == ["The pack of Hydra Glow", "One vial"]
    thumbs = re.findall(r'<a class="gallery-thumb" href="#(picture-\d)"', gallery)
    assert thumbs == ["picture-1", "picture-2"]
    assert "Picture 2 of 2: One vial" in gallery
    assert (
        'loading="lazy"' not in gallery.split("picture-2")[0].split("<picture>")[1]
    )  # the first is not lazy


# CSV ------------------------------------------------------------------------------------


def test_the_csv_names_each_products_pictures_and_an_import_matches_them_by_file_name(
    shown_product,
):
    exported = export_products()
    assert "pack.jpg: The pack of Hydra Glow|vial.png: One vial" in exported
    upload_image(None, picture(colour=(50, 60, 70)), "side.jpg")
    reordered = exported.replace(
        "pack.jpg: The pack of Hydra Glow|vial.png: One vial",
        "side.jpg: The side of the pack|pack.jpg: The pack from the front",
    )
    plan = import_products(None, reordered.encode())
    assert [row.changed for row in plan.changes] == [["images"]]
    db.session.expire_all()
    assert [(link.image.filename, link.alt_text) for link in shown_product.images] == [
        ("side.jpg", "The side of the pack"),
        ("pack.jpg", "The pack from the front"),
    ]


@pytest.mark.parametrize(
    ("cell", "problem"),
    [
        ("nowhere.jpg: A pack", "there is no uploaded picture 'nowhere.jpg'"),
        ("pack.jpg", "pack.jpg has no alt text: write it after a colon"),
        ("pack.jpg: A|pack.jpg: B", "pack.jpg is named twice"),
    ],
)
def test_an_import_naming_pictures_wrongly_is_refused_by_column(shown_product, cell, problem):
    exported = export_products()
    bad = exported.replace("pack.jpg: The pack of Hydra Glow|vial.png: One vial", cell)
    with pytest.raises(ProductImportRefused) as refused:
        import_products(None, bad.encode())
    assert any(p.column == "images" and problem in p.message for p in refused.value.problems)


def test_a_file_without_the_images_column_leaves_pictures_as_they_are(shown_product):
    import csv

    rows = list(csv.reader(io.StringIO(export_products())))
    at = rows[0].index("images")
    without = io.StringIO()
    csv.writer(without).writerows(row[:at] + row[at + 1 :] for row in rows)
    plan = import_products(None, without.getvalue().encode())
    assert plan.changes == []
    assert len(shown_product.images) == 2


def test_a_cut_short_picture_is_refused_even_after_a_pdf_was_made():
    # Importing WeasyPrint (the leaflet's and invoices' PDFs) switches Pillow, process
    # wide, to accepting cut-short files; the upload must refuse them all the same.
    from shop.media.images import ImageError, prepare_image
    from shop.pdf import html_to_pdf

    assert html_to_pdf("<html><title>t</title><body>x</body></html>").startswith(b"%PDF")
    with pytest.raises(ImageError) as refused:
        prepare_image(picture("JPEG")[:2000], "cut.jpg")
    assert refused.value.code == ImageError.DAMAGED


def test_long_names_and_alt_texts_go_into_the_history_whole(app, product):
    from shop.audit.models import AuditEvent
    from shop.catalog.images import add_product_image, change_alt_text

    name = "lusaderm-cellulite-silicon-complex-front-of-the-box-2026.jpg"
    image, _ = upload_image(None, picture(), name)
    link = add_product_image(None, product, image, "The box")
    change_alt_text(None, link, "The box, front, with the vial beside it " * 4)
    db.session.commit()  # PostgreSQL refuses a state over its 32 characters at the flush
    reasons = dict(db.session.execute(select(AuditEvent.action, AuditEvent.reason)).all())
    assert reasons["image.upload"] == name
    assert reasons["product.image_add"] == name
    assert reasons["product.image_alt_text"].startswith("The box → The box, front")

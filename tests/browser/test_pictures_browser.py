"""Pictures in a real browser: an administrator uploads a phone's photo on a product's
page and sees it, upright, on the listing and the product page; the gallery works with
the keyboard alone; and pages with the long names and e-mail addresses real people have
fit a 390 px phone (every page a browser test opens is checked for that, tests/browser/axe.py)."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from shop.demo_accounts import DEMO_ADMIN
from shop.extensions import db
from tests.browser.axe import assert_accessible
from tests.browser.conftest import DESKTOP, PHONE
from tests.factories import make_licence, make_product, make_user
from tests.images import BLUE, RED, gps_of, phone_photo, picture

pytestmark = pytest.mark.browser

LONG_PRODUCT = (
    "Polynucleotide Revitalising Complex with Non-Cross-Linked Hyaluronic Acid,"
    " Glutathione and Biomimetic Peptides for the Periorbital Area 20 mg/ml"
)
LONG_NAME = "Dr Anna-Katharina Maximiliane von Wolkenstein-Hohenberg-Lichtenfels"
LONG_EMAIL = (
    "anna-katharina.von-wolkenstein-hohenberg@praxis-fuer-aesthetische-dermatologie-muenchen.de"
)


@pytest.fixture
def bare_product(live_shop):
    """A product with no picture yet, in the live shop."""
    with live_shop.app.app_context():
        product = make_product(f"Picture Test {id(object())}", stock=20)
        db.session.commit()
        return product.id, product.slug, product.name


def test_an_uploaded_phone_photo_shows_upright_on_the_listing_and_the_product_page(
    open_page, log_in_as, bare_product, tmp_path
):
    product_id, slug, name = bare_product
    admin = open_page(DESKTOP)
    log_in_as(admin, DEMO_ADMIN.email)
    admin.goto(f"/admin/products/{product_id}")
    expect(admin.locator(".no-pictures")).to_be_visible()
    photo = tmp_path / "IMG_0412.JPG"
    photo.write_bytes(phone_photo())
    assert gps_of(photo.read_bytes())
    admin.set_input_files("#file", str(photo))
    admin.fill("#alt_text", f"The pack of {name}, held in a hand")
    admin.get_by_role("button", name="Upload the picture").click()
    expect(admin.locator(".flashes")).to_contain_text("Picture added: img_0412.jpg.")
    assert_accessible(admin)
    second = tmp_path / "vial.png"
    second.write_bytes(picture("PNG", colour=(20, 90, 120)))
    admin.set_input_files("#file", str(second))
    admin.fill("#alt_text", "One vial, close up")
    admin.get_by_role("button", name="Upload the picture").click()
    expect(admin.locator(".picture-row")).to_have_count(2)
    assert_accessible(admin)

    for viewport in (PHONE, DESKTOP):
        page = open_page(viewport)
        page.goto(f"/products?q={name.replace(' ', '+')}")
        card_image = page.locator(f'.product-card:has-text("{name}") .product-thumb img')
        expect(card_image).to_have_attribute("alt", f"The pack of {name}, held in a hand")
        expect(card_image).to_have_attribute("loading", "lazy")
        card_image.scroll_into_view_if_needed()
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=card_image.element_handle()
        )
        # Upright: the file the browser chose is portrait, red (the phone's left) on top.
        source = page.evaluate("img => img.currentSrc", card_image.element_handle())
        assert re.search(r"/media/[0-9a-f]{64}\.webp$", source), source
        shown = Image.open(io.BytesIO(page.request.get(source).body())).convert("RGB")
        assert shown.height > shown.width
        assert not gps_of(page.request.get(source).body())
        top = shown.getpixel((shown.width // 2, 2))
        bottom = shown.getpixel((shown.width // 2, shown.height - 3))
        assert top[0] > 150 > top[2] and bottom[2] > 150 > bottom[0], (top, bottom, RED, BLUE)

        page.goto(f"/products/{slug}")
        slides = page.locator(".gallery-slide img")
        expect(slides).to_have_count(2)
        expect(slides.first).to_have_attribute("alt", f"The pack of {name}, held in a hand")
        if viewport is PHONE:  # price and Add to cart above the fold, under the name
            for part in (".buy-box .price", ".gallery-slide:first-child img"):
                assert page.locator(part).bounding_box() is not None
            box = page.locator(".buy-box .price").bounding_box()
            assert box["y"] + box["height"] <= PHONE["height"]


def test_the_gallery_takes_the_keyboard_to_every_picture(page: Page, live_shop, bare_product):
    product_id, slug, _name = bare_product
    with live_shop.app.app_context():
        from shop.catalog.images import upload_product_image
        from shop.catalog.models import Product

        product = db.session.get(Product, product_id)
        for n, colour in enumerate([(200, 40, 40), (40, 160, 40), (40, 40, 200)], start=1):
            upload_product_image(None, product, picture(colour=colour), f"k{n}.jpg", f"Side {n}")
        db.session.commit()
    page.goto(f"/products/{slug}")
    thumbs = page.locator(".gallery-thumb")
    expect(thumbs).to_have_count(3)
    strip = page.locator(".gallery-strip")
    strip.focus()
    for n in range(1, 4):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.dataset.picture")
        assert focused == str(n)
        expect(page.locator(":focus img")).to_have_attribute("alt", f"Picture {n} of 3: Side {n}")
        page.keyboard.press("Enter")
        expect(thumbs.nth(n - 1)).to_have_attribute("aria-current", "true")
        expect(page.locator("[data-gallery-status]")).to_have_text(
            f"Showing picture {n} of 3: Side {n}"
        )
        page.wait_for_function(
            "([strip, n]) => Math.abs(strip.scrollLeft - (n - 1) * strip.clientWidth) < 2",
            arg=[strip.element_handle(), n],
        )
    assert_accessible(page)


@pytest.fixture
def long_named(live_shop):
    """A professional with a long name and e-mail address, not yet confirmed, whose licence
    waits for a decision, and a product with a long name in their cart."""
    from shop.checkout.services import add_to_cart
    from shop.licensing.enums import LicenceStatus
    from shop.licensing.gate import today_at

    with live_shop.app.app_context():
        buyer = make_user(email=LONG_EMAIL, name=LONG_NAME)
        make_licence(buyer)
        product = make_product(LONG_PRODUCT, stock=40)
        db.session.flush()
        add_to_cart(buyer, product.id, 2, today=today_at())
        waiting = make_user(
            email="waiting." + LONG_EMAIL, name=LONG_NAME + " Junior", confirmed=False
        )
        licence = make_licence(waiting, status=LicenceStatus.PENDING)
        db.session.commit()
        return buyer.email, waiting.email, licence.id, waiting.id, product.slug


def test_long_names_and_addresses_fit_a_phone(open_page, log_in_as, long_named):
    buyer_email, waiting_email, licence_id, user_id, slug = long_named
    buyer = open_page(PHONE, is_mobile=True, has_touch=True)
    log_in_as(buyer, buyer_email)
    for path in ("/products", f"/products/{slug}", "/cart", "/checkout", "/account"):
        buyer.goto(path)  # each page is checked: axe-core, and nothing wider than 390 px
    waiting = open_page(PHONE, is_mobile=True, has_touch=True)
    log_in_as(waiting, waiting_email)
    waiting.goto("/account")
    expect(waiting.locator("#confirm-email")).to_contain_text(waiting_email)
    admin = open_page(PHONE, is_mobile=True, has_touch=True)
    log_in_as(admin, DEMO_ADMIN.email)
    for path in (f"/admin/licences/{licence_id}", f"/admin/users/{user_id}", "/admin/licences"):
        admin.goto(path)
    desktop = open_page(DESKTOP)
    log_in_as(desktop, DEMO_ADMIN.email)
    desktop.goto(f"/admin/licences/{licence_id}")
    address = desktop.locator(".licence-facts dd").first
    box, facts = address.bounding_box(), desktop.locator(".licence-facts").bounding_box()
    assert box["x"] + box["width"] <= facts["x"] + facts["width"] + 1  # not cut off


def test_a_table_that_scrolls_sideways_says_so(open_page, log_in_as):
    admin = open_page(PHONE, is_mobile=True, has_touch=True)
    log_in_as(admin, DEMO_ADMIN.email)
    admin.goto("/admin/products")
    region = admin.locator(".table-responsive").first
    expect(region).to_have_class(re.compile(r"\bis-scrollable\b"))
    expect(admin.locator(".table-responsive.is-scrollable + .scroll-hint").first).to_be_visible()


def test_the_width_check_names_what_sticks_out(phone_page: Page):
    from tests.browser.axe import assert_fits_the_screen

    phone_page.set_content(
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<p>fits</p><div class="wide" style="width: 500px">wide</div>'
    )
    with pytest.raises(AssertionError, match=r"scrolls sideways.*div\.wide \(\d+ px\)"):
        assert_fits_the_screen(phone_page)

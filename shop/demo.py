"""The demo catalogue: ``flask shop seed-demo``.

The catalogue is data in ``shop/demo_catalogue/``: brands, ingredients and
indications (a CSV each), the products as the CSV the back office imports and
exports (loaded through that importer, so every ``make run`` exercises it), and the
stock lots, received through the inventory so that the ledger has their receipts;
three shipping methods (standard, express, cold chain) with their rates over a few
zones, made through the back office's services. Each product's picture is drawn by
shop.demo_images and uploaded through the back office's upload service before the
import, which attaches it by its file name.
A lot's expiry is a number of days from the day of seeding, so the demo stock stays
fresh (a negative number is a lot that has already expired).

Idempotent: whatever is already there (found by slug, SKU or lot number) is left
as it is, so a second run changes nothing and an administrator's edits to demo
products survive. ``--products N`` adds generated products, numbered, so that
asking for the same N again adds nothing either.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, insert, select

from shop.catalog.csv_io import ImportMode, RowAction, import_products
from shop.catalog.enums import ConcentrationUnit, Profession
from shop.catalog.images import find_image_by_filename, set_product_images, upload_image
from shop.catalog.models import (
    Brand,
    Indication,
    Ingredient,
    Product,
    ProductImage,
    ProductIngredient,
    ProductProfession,
    ProductProtocol,
    ProtocolVolume,
    product_indications,
)
from shop.catalog.presenters import format_pack
from shop.catalog.services import (
    create_brand,
    create_indication,
    create_ingredient,
    find_brand,
    find_indication,
    find_ingredient,
    search_fields,
)
from shop.database import utcnow
from shop.demo_images import cached_drawing, picture_filename
from shop.extensions import db
from shop.inventory.enums import MovementKind
from shop.inventory.models import StockLot, StockMovement
from shop.inventory.services import receive_stock
from shop.licensing.regions import EU_COUNTRIES
from shop.shipping.enums import RateBasis
from shop.shipping.models import ShippingMethod, ShippingZone
from shop.shipping.services import MethodFields, RateFields, save_method, save_rate, save_zone
from shop.tax.models import TaxRate
from shop.tax.rates import RateFields as TaxRateFields
from shop.tax.rates import add_rate

GENERATED_SKU_PREFIX = "GEN-"
DEMO_CATALOGUE = Path(__file__).resolve().parent / "demo_catalogue"
DEMO_PRODUCTS = DEMO_CATALOGUE / "products.csv"


def demo_rows(name: str) -> list[dict[str, str]]:
    """The rows of one of the demo catalogue's files ("brands", "products", "lots"...);
    lines starting with # are notes."""
    with open(DEMO_CATALOGUE / f"{name}.csv", encoding="utf-8", newline="") as file:
        return list(csv.DictReader(line for line in file if not line.startswith("#")))


@dataclass
class SeedReport:
    brands: int = 0
    ingredients: int = 0
    indications: int = 0
    products: int = 0
    pictures: int = 0
    lots: int = 0
    shipping_methods: int = 0
    tax_rates: int = 0

    def __str__(self) -> str:
        return (
            f"added {self.brands} brands, {self.ingredients} ingredients, {self.indications} indications, "
            f"{self.pictures} pictures, {self.products} products, {self.lots} stock lots,"
            f" {self.shipping_methods} shipping methods, {self.tax_rates} tax rates"
        )


def seed_demo(*, today: date | None = None) -> SeedReport:
    """Add whatever of the demo catalogue is missing."""
    today = today or utcnow().date()
    report = SeedReport()
    report.brands = _ensure(
        [{**row, "country": row["country"] or None} for row in demo_rows("brands")],
        find_brand,
        create_brand,
    )
    report.ingredients = _ensure(demo_rows("ingredients"), find_ingredient, create_ingredient)
    report.indications = _ensure(demo_rows("indications"), find_indication, create_indication)
    report.pictures = _seed_pictures(demo_rows("products"))
    # Products an administrator has edited keep their edits: only missing SKUs are created.
    plan = import_products(None, DEMO_PRODUCTS.read_bytes(), mode=ImportMode.CREATE_MISSING)
    report.products = plan.count(RowAction.CREATE)
    # A demo product seeded before products had pictures gets its own; others keep theirs.
    for row in plan.rows:
        if row.action == RowAction.UNCHANGED and not row.product.images and row.fields.images:
            set_product_images(None, row.product, row.fields.images)
    report.lots = _seed_lots(demo_rows("lots"), today)
    report.shipping_methods = seed_demo_shipping()
    report.tax_rates = seed_demo_tax_rates(today)
    return report


def seed_demo_tax_rates(today: date) -> int:
    """The demo's tax rates (shop/demo_catalogue/tax_rates.csv, figures for the shop's
    accountant to check), through the back office's service, unless any rate exists
    (an administrator's own table is left alone); how many were added."""
    if db.session.scalar(select(TaxRate.id).limit(1)) is not None:
        return 0
    rows = demo_rows("tax_rates")
    for row in rows:
        add_rate(
            None,
            TaxRateFields(
                row["country"],
                row["region"],
                row["tax_class"],
                row["rate"],
                date.fromisoformat(row["valid_from"]),
            ),
            today=today,
        )
    return len(rows)


DEMO_ZONES = {
    "Ireland": "IE",
    "Rest of the EU": ", ".join(sorted(EU_COUNTRIES - {"IE"})),
    "United Kingdom": "GB",
    "North America": "US, CA",
}
DEMO_METHODS = (
    MethodFields("standard", "Standard", "An Post", "2 to 4 working days", position=0),
    MethodFields("express", "Express", "DHL Express", "Next working day", position=1),
    MethodFields(
        "cold-chain",
        "Cold chain",
        "Biocair",
        "1 to 2 working days at 2 to 8 °C",
        cold_chain=True,
        position=2,
    ),
)
# (method, zone, basis, from, up to, price in cents, free from in cents)
DEMO_RATES = (
    ("standard", "Ireland", RateBasis.VALUE, 0, None, 950, 30000),
    ("standard", "Rest of the EU", RateBasis.VALUE, 0, None, 1500, 50000),
    ("standard", "United Kingdom", RateBasis.VALUE, 0, None, 1800, None),
    ("standard", "North America", RateBasis.WEIGHT, 0, 1000, 3500, None),
    ("standard", "North America", RateBasis.WEIGHT, 1000, None, 5500, None),
    ("express", "Ireland", RateBasis.VALUE, 0, None, 1900, None),
    ("express", "Rest of the EU", RateBasis.VALUE, 0, None, 2900, None),
    ("express", "United Kingdom", RateBasis.VALUE, 0, None, 3200, None),
    ("express", "North America", RateBasis.VALUE, 0, None, 6500, None),
    ("cold-chain", "Ireland", RateBasis.VALUE, 0, None, 2900, 80000),
    ("cold-chain", "Rest of the EU", RateBasis.WEIGHT, 0, 1500, 4900, None),
    ("cold-chain", "Rest of the EU", RateBasis.WEIGHT, 1500, None, 6900, None),
    ("cold-chain", "United Kingdom", RateBasis.VALUE, 0, None, 5500, None),
)


def seed_demo_shipping() -> int:
    """The demo's shipping methods, zones and rates, unless methods already exist (an
    administrator's own shipping is left alone); how many methods were added."""
    if db.session.scalar(select(ShippingMethod.id).limit(1)) is not None:
        return 0
    zones = {
        zone.name: zone
        for zone in db.session.scalars(
            select(ShippingZone).where(ShippingZone.name.in_(DEMO_ZONES))
        )
    }
    for name, areas in DEMO_ZONES.items():
        if name not in zones:
            zones[name] = save_zone(None, name, areas)
    methods = {fields.code: save_method(None, fields) for fields in DEMO_METHODS}
    for code, zone, basis, low, high, price, free in DEMO_RATES:
        save_rate(
            None,
            RateFields(methods[code].id, zones[zone].id, basis, low, high, price, "EUR", free),
        )
    return len(methods)


def _pack(row: dict[str, str]) -> str:
    return format_pack(int(row["units_per_pack"]), Decimal(row["volume_ml"]), row["form"])


def _seed_pictures(rows: list[dict[str, str]]) -> int:
    """Draw and upload each demo product's picture that the library does not have yet."""
    brands = {brand.slug: brand.name for brand in db.session.scalars(select(Brand))}
    added = 0
    for row in rows:
        filename = picture_filename(row["slug"])
        if find_image_by_filename(filename) is not None:
            continue
        data = cached_drawing(
            row["brand"], brands[row["brand"]], row["name"], row["form"], _pack(row)
        )
        _image, new = upload_image(None, data, filename)
        added += new
    return added


def _ensure(rows: list[dict], find, create) -> int:
    """Create each row missing by slug; how many were created."""
    created = 0
    for data in rows:
        if find(data["slug"]) is None:
            create(**data)
            created += 1
    return created


def _seed_lots(rows: list[dict[str, str]], today: date) -> int:
    known = {
        (sku, lot_number)
        for sku, lot_number in db.session.execute(
            select(Product.sku, StockLot.lot_number).join(
                StockLot, StockLot.product_id == Product.id
            )
        )
    }
    products = {
        product.sku: product
        for product in db.session.scalars(
            select(Product).where(Product.sku.in_({row["sku"] for row in rows}))
        )
    }
    added = 0
    for row in rows:
        if (row["sku"], row["lot_number"]) in known:
            continue
        product = products[row["sku"]]
        expires_on = today + timedelta(days=int(row["expires_in_days"]))
        # A lot that has expired by now was received while it was still good.
        received_on = min(today, expires_on - timedelta(days=365))
        receive_stock(
            product,
            lot_number=row["lot_number"],
            expires_on=expires_on,
            quantity=int(row["quantity"]),
            note="demo stock",
            on=received_on,
        )
        added += 1
    return added


# Generated products, for benchmarks ----------------------------------------

# Product lines: a name, the ingredients they draw from, and the indications they treat.
_LINES = [
    ("Hydra Boost", ["hyaluronic", "vitamin", "amino"], ["dehydration", "fine-lines", "dull"]),
    (
        "Revita Complex",
        ["hyaluronic", "vitamin", "amino", "mineral", "nucleotide"],
        ["fine-lines", "elasticity", "dull"],
    ),
    ("Clarify", ["zinc", "organic-acid", "vitamin"], ["acne", "texture", "scars"]),
    ("Bright Tone", ["vitamin", "organic-acid", "glutathione"], ["pigment", "dull"]),
    ("Eye Contour", ["hyaluronic", "peptide", "caffeine"], ["dark-circles", "fine-lines"]),
    ("Densify Hair", ["biotin", "peptide", "vitamin", "mineral", "plant"], ["hair"]),
    ("Lipo Contour", ["lipolytic", "phospholipid", "caffeine", "carnitine"], ["fat", "cellulite"]),
    ("Drain Body", ["plant", "caffeine", "silicon"], ["cellulite", "fat"]),
    ("Firm Neck", ["hyaluronic", "peptide", "silicon"], ["neck", "laxity"]),
    ("Poly Renew", ["nucleotide", "hyaluronic"], ["elasticity", "scars", "laxity"]),
]
_SIZES = [
    ("vial", "5", 10),
    ("vial", "10", 5),
    ("ampoule", "2", 20),
    ("ampoule", "5", 10),
    ("prefilled-syringe", "2", 1),
]
_PROFESSIONS = [p.value for p in Profession]


def _pick(pool: list, rng: random.Random, low: int, high: int) -> list:
    return rng.sample(pool, k=min(len(pool), rng.randint(low, high)))


def _matching(items: list, keys: list[str], *attrs: str) -> list:
    """The items whose slug (or kind, or area) contains one of the keys."""
    found = [
        item
        for item in items
        if any(key in " ".join(str(getattr(item, attr)) for attr in attrs) for key in keys)
    ]
    return found or items


def _generated_pictures() -> dict[str, int]:
    """One picture per form, shared by the generated products: their ids by form."""
    pictures = {}
    for form in dict.fromkeys(form for form, _volume, _units in _SIZES):
        data = cached_drawing("generated", "MesoPro", "Generated formula", form, "For load tests")
        filename = f"generated-{form}.png"
        image = find_image_by_filename(filename) or upload_image(None, data, filename)[0]
        pictures[form] = image.id
    return pictures


def seed_generated_products(count: int) -> int:
    """Make sure ``count`` generated products exist (beside the demo ones); returns how many were added."""
    if count <= 0:
        return 0
    existing = (
        db.session.scalar(
            select(func.count())
            .select_from(Product)
            .where(Product.sku.like(f"{GENERATED_SKU_PREFIX}%"))
        )
        or 0
    )
    if existing >= count:
        return 0
    brands = list(db.session.scalars(select(Brand).order_by(Brand.id)))
    ingredients = list(db.session.scalars(select(Ingredient).order_by(Ingredient.id)))
    indications = list(db.session.scalars(select(Indication).order_by(Indication.id)))
    if not (brands and ingredients and indications):
        raise RuntimeError("seed the demo catalogue first: generated products reuse its vocabulary")

    pictures = _generated_pictures()
    now = utcnow()
    today = now.date()
    added = 0
    batch = 1000
    for start in range(existing + 1, count + 1, batch):
        numbers = range(start, min(count, start + batch - 1) + 1)
        rows, compositions, links, professions, stock, protocols = [], {}, {}, {}, {}, {}
        for number in numbers:
            rng = random.Random(number)
            line_name, ingredient_keys, indication_keys = _LINES[number % len(_LINES)]
            brand = brands[number % len(brands)]
            chosen_ingredients = _pick(
                _matching(ingredients, ingredient_keys, "slug", "kind"), rng, 2, 6
            )
            chosen_indications = _pick(
                _matching(indications, indication_keys, "slug", "area"), rng, 1, 3
            )
            form, volume, units = rng.choice(_SIZES)
            name = f"{brand.name.split()[0]} {line_name} {number}"
            sku = f"{GENERATED_SKU_PREFIX}{number:06d}"
            description = (
                f"{line_name} formula number {number} by {brand.name}: "
                f"{', '.join(i.name for i in chosen_ingredients)}. Generated for load tests."
            )
            rows.append(
                {
                    "sku": sku,
                    "slug": f"generated-{number:06d}",
                    "name": name,
                    "brand_id": brand.id,
                    "form": form,
                    "volume_ml": Decimal(volume),
                    "units_per_pack": units,
                    "price_cents": rng.randrange(4500, 42000, 10),
                    "currency": "EUR",
                    "description": description,
                    "contraindications": "Pregnancy and breastfeeding; known allergy to a component.",
                    "is_active": rng.random() > 0.02,
                    "created_at": now - timedelta(minutes=number),
                    "updated_at": now,
                    **search_fields(
                        name=name,
                        brand_name=brand.name,
                        description=description,
                        ingredient_names=[i.name for i in chosen_ingredients],
                        indication_names=[i.name for i in chosen_indications],
                    ),
                }
            )
            compositions[sku] = [
                (ingredient.id, position, rng.choice([None, Decimal(rng.randint(1, 40))]))
                for position, ingredient in enumerate(chosen_ingredients)
            ]
            links[sku] = [indication.id for indication in chosen_indications]
            protocols[sku] = (
                rng.choice([(3, 4), (4, 6), (6, 8), (8, 12)]),
                rng.choice([7, 14, 21]),
                sorted({indication.area for indication in chosen_indications}),
                Decimal(volume),  # one unit per session
            )
            professions[sku] = _pick(_PROFESSIONS, rng, 2, 5)
            stock[sku] = rng.choice([0, 5, 40, 120])

        ids = dict(
            (sku, product_id)
            for product_id, sku in db.session.execute(
                insert(Product).returning(Product.id, Product.sku, sort_by_parameter_order=True),
                rows,
            )
        )
        db.session.execute(
            insert(ProductIngredient),
            [
                {
                    "product_id": ids[sku],
                    "ingredient_id": ingredient_id,
                    "position": position,
                    "concentration_value": value,
                    "concentration_unit": ConcentrationUnit.MG_PER_ML.value
                    if value is not None
                    else None,
                }
                for sku, lines in compositions.items()
                for ingredient_id, position, value in lines
            ],
        )
        db.session.execute(
            insert(product_indications),
            [
                {"product_id": ids[sku], "indication_id": i}
                for sku, items in links.items()
                for i in items
            ],
        )
        db.session.execute(
            insert(ProductProtocol),
            [
                {
                    "product_id": ids[sku],
                    "sessions_min": sessions[0],
                    "sessions_max": sessions[1],
                    "interval_days": interval,
                    "repeat_months": 12,
                    "patient_contraindications": "Not for you if you are pregnant or breastfeeding.",
                }
                for sku, (sessions, interval, _areas, _volume) in protocols.items()
            ],
        )
        db.session.execute(
            insert(ProtocolVolume),
            [
                {"product_id": ids[sku], "area": str(area), "volume_ml": volume}
                for sku, (_sessions, _interval, areas, volume) in protocols.items()
                for area in areas
            ],
        )
        db.session.execute(
            insert(ProductProfession),
            [
                {"product_id": ids[sku], "profession": p}
                for sku, items in professions.items()
                for p in items
            ],
        )
        # Listings of generated products show thumbnails too (the benchmark measures them).
        db.session.execute(
            insert(ProductImage),
            [
                {
                    "product_id": ids[row["sku"]],
                    "image_id": pictures[row["form"]],
                    "position": 0,
                    "alt_text": f"The pack of {row['name']}",
                }
                for row in rows
            ],
        )
        lots = [
            {
                "product_id": ids[sku],
                "lot_number": f"G{ids[sku]:07d}A",
                "expires_on": today + timedelta(days=365),
                "quantity_on_hand": quantity,
                "received_at": now,
            }
            for sku, quantity in stock.items()
            if quantity
        ]
        if lots:
            lot_ids = db.session.execute(
                insert(StockLot).returning(
                    StockLot.id, StockLot.quantity_on_hand, sort_by_parameter_order=True
                ),
                lots,
            ).all()
            db.session.execute(
                insert(StockMovement),
                [
                    {
                        "lot_id": lot_id,
                        "kind": MovementKind.RECEIPT.value,
                        "quantity": quantity,
                        "on_hand_after": quantity,
                        "note": "generated stock",
                        "created_at": now,
                    }
                    for lot_id, quantity in lot_ids
                ],
            )
        added += len(rows)
    db.session.flush()  # the bulk inserts above moved the catalogue token (shop.catalog.token)
    return added

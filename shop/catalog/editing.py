"""The back office's catalogue changes: products created and edited field by field,
brands, ingredients and indications created and renamed.

Every refusal names the field it is about (CatalogFieldErrors), so a form can show
each message beside its field. Every change writes an audit event. Services flush
and never commit; the catalogue token moves by itself (shop.catalog.token).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import joinedload

from shop.accounts.models import User
from shop.audit.services import record_event
from shop.catalog.enums import (
    ConcentrationUnit,
    IngredientKind,
    ProductForm,
    Profession,
    SlugKind,
    TaxClass,
    TreatmentArea,
)
from shop.catalog.errors import CatalogFieldErrors
from shop.catalog.images import ImageChoice
from shop.catalog.models import (
    Brand,
    Indication,
    Ingredient,
    Product,
    ProductIngredient,
    ProductProfession,
    product_indications,
)
from shop.catalog.protocols import (
    ProtocolFields,
    apply_protocol,
    check_protocol,
    protocol_facts,
    protocol_fields_of,
)
from shop.catalog.query import SLUG
from shop.catalog.redirects import add_slug_redirect, forget_slug_redirect
from shop.catalog.services import (
    CURRENCY,
    SKU,
    CompositionLine,
    create_brand,
    create_indication,
    create_ingredient,
    create_product,
    refresh_search_text,
)
from shop.extensions import db

MAX_PRICE_CENTS = 100_000_000  # a million in any currency: beyond it, a typo
MAX_VOLUME_ML = Decimal("10000")
MAX_UNITS_PER_PACK = 1000
MAX_WEIGHT_G = 50_000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass
class ProductFields:
    """Everything the catalogue shows of a product, as the back office edits it."""

    sku: str
    slug: str
    name: str
    brand: Brand
    form: ProductForm | str
    volume_ml: Decimal
    units_per_pack: int
    price_cents: int
    currency: str
    description: str = ""
    contraindications: str = ""
    composition: Sequence[CompositionLine] = ()
    indications: Sequence[Indication] = ()
    professions: Sequence[Profession | str] = ()
    is_active: bool = True
    weight_g: int = 0  # a pack as shipped, in grams
    requires_cold_chain: bool = False
    protocol: ProtocolFields | None = None  # None: the product has no treatment protocol
    # The product's pictures in order (the CSV's images column); None leaves them as they
    # are (the product form, which has its own section for them, and older CSV files).
    images: Sequence[ImageChoice] | None = None
    tax_class: TaxClass | str = TaxClass.STANDARD


@dataclass
class _Errors:
    found: dict[str, str] = field(default_factory=dict)

    def add(self, name: str, message: str) -> None:
        self.found.setdefault(name, message)

    def raise_any(self) -> None:
        if self.found:
            raise CatalogFieldErrors(self.found)


def _taken(model, column, value, own_id: int | None) -> bool:
    statement = select(model.id).where(column == value)
    if own_id is not None:
        statement = statement.where(model.id != own_id)
    return db.session.scalar(statement) is not None


def _check_text(errors: _Errors, name: str, value: str, what: str, max_length: int | None) -> None:
    if max_length is not None and len(value) > max_length:
        errors.add(name, f"{what} is limited to {max_length} characters.")
    if _CONTROL.search(value):
        errors.add(name, f"{what} contains control characters.")


def check_product_fields(fields: ProductFields, product: Product | None = None) -> dict[str, str]:
    """Each problem of these fields by field name (composition rows as composition-N-...)."""
    errors = _Errors()
    own_id = product.id if product is not None else None
    if not SKU.match(fields.sku or ""):
        errors.add("sku", "A SKU is 2 to 40 upper-case letters, digits and dashes.")
    elif _taken(Product, Product.sku, fields.sku, own_id):
        errors.add("sku", f"SKU {fields.sku} belongs to another product.")
    if not SLUG.match(fields.slug or "") or len(fields.slug) > 80:
        errors.add("slug", "A slug is lower-case letters, digits and single dashes (at most 80).")
    elif _taken(Product, Product.slug, fields.slug, own_id):
        errors.add("slug", f"The slug {fields.slug} belongs to another product.")
    if not fields.name.strip():
        errors.add("name", "Give the product a name.")
    _check_text(errors, "name", fields.name, "The name", 160)
    _check_text(errors, "description", fields.description, "The description", None)
    _check_text(
        errors, "contraindications", fields.contraindications, "The contraindications", None
    )
    try:
        ProductForm(fields.form)
    except ValueError:
        errors.add("form", "Choose one of the forms offered.")
    if not Decimal(0) < fields.volume_ml <= MAX_VOLUME_ML:
        errors.add("volume_ml", f"The volume is above 0 and at most {MAX_VOLUME_ML} ml.")
    if not 1 <= fields.units_per_pack <= MAX_UNITS_PER_PACK:
        errors.add("units_per_pack", f"A pack holds 1 to {MAX_UNITS_PER_PACK} units.")
    if not 0 <= fields.weight_g <= MAX_WEIGHT_G:
        errors.add("weight_g", f"A pack weighs 0 to {MAX_WEIGHT_G:,} g (0: not weighed).")
    if not 0 <= fields.price_cents <= MAX_PRICE_CENTS:
        errors.add("price", "The price is between 0 and 1,000,000.")
    if not CURRENCY.match(fields.currency or ""):
        errors.add("currency", "A currency is a three-letter ISO code such as EUR.")
    try:
        professions = {Profession(p) for p in fields.professions}
    except ValueError:
        errors.add("professions", "Choose among the professions offered.")
    else:
        if not professions:
            errors.add("professions", "Say which professions may buy the product.")
    seen: set[int] = set()
    for position, line in enumerate(fields.composition):
        prefix = f"composition-{position}"
        if line.ingredient.id in seen:
            errors.add(f"{prefix}-ingredient", f"{line.ingredient.name} is listed twice.")
        seen.add(line.ingredient.id)
        if (line.concentration_value is None) != (line.concentration_unit is None):
            errors.add(f"{prefix}-concentration_value", "Give both a value and a unit, or neither.")
        elif line.concentration_value is not None and line.concentration_value <= 0:
            errors.add(f"{prefix}-concentration_value", "A concentration is above zero.")
    for name, message in check_protocol(fields.protocol, fields.indications).items():
        errors.add(name, message)
    if fields.protocol is not None:
        _check_text(
            errors,
            "protocol-patient_contraindications",
            fields.protocol.patient_contraindications,
            "The patient's wording",
            None,
        )
    return errors.found


def _product_facts(product: Product) -> dict[str, str]:
    """What an audit event compares before and after an edit."""
    return {
        "sku": product.sku,
        "slug": product.slug,
        "name": product.name,
        "brand": product.brand.slug,
        "form": str(product.form),
        "volume_ml": format(Decimal(product.volume_ml).normalize(), "f"),
        "units_per_pack": str(product.units_per_pack),
        "price": f"{product.price_cents} {product.currency}",
        "weight_g": str(product.weight_g),
        "cold_chain": "yes" if product.requires_cold_chain else "no",
        "tax_class": str(product.tax_class),
        "description": f"{len(product.description)} characters",
        "contraindications": f"{len(product.contraindications)} characters",
        "composition": ", ".join(
            f"{line.ingredient.slug}"
            + (f" {line.concentration}" if line.concentration is not None else "")
            for line in product.composition
        ),
        "indications": ", ".join(sorted(i.slug for i in product.indications)),
        "professions": ", ".join(str(p) for p in product.professions),
        "protocol": protocol_facts(protocol_fields_of(product)),
    }


def _state(product: Product) -> str:
    return "active" if product.is_active else "inactive"


def add_product(actor: User | None, fields: ProductFields) -> Product:
    """A new product from the back office, checked field by field, with its audit event
    (``actor`` None: the system, such as an import from the command line)."""
    problems = check_product_fields(fields)
    if problems:
        raise CatalogFieldErrors(problems)
    forget_slug_redirect(SlugKind.PRODUCT, fields.slug)
    product = create_product(
        sku=fields.sku,
        slug=fields.slug,
        name=fields.name,
        brand=fields.brand,
        form=fields.form,
        volume_ml=fields.volume_ml,
        units_per_pack=fields.units_per_pack,
        price_cents=fields.price_cents,
        currency=fields.currency,
        description=fields.description,
        contraindications=fields.contraindications,
        composition=fields.composition,
        indications=fields.indications,
        professions=fields.professions,
        is_active=fields.is_active,
        weight_g=fields.weight_g,
        requires_cold_chain=fields.requires_cold_chain,
        tax_class=TaxClass(fields.tax_class),
    )
    if fields.protocol is not None:
        apply_protocol(product, fields.protocol)
        db.session.flush()
    record_event(
        actor=actor,
        action="product.create",
        subject_type="product",
        subject_id=product.id,
        to_state=_state(product),
        reason=f"{product.sku} {product.name}",
    )
    return product


def _replace_composition(product: Product, lines: Sequence[CompositionLine]) -> None:
    # Rows are keyed by (product, ingredient): update the ones that stay in place, so a
    # flush never inserts a row whose key is still waiting to be deleted.
    current = {row.ingredient_id: row for row in product.composition}
    wanted: list[ProductIngredient] = []
    for position, line in enumerate(lines):
        row = current.pop(line.ingredient.id, None) or ProductIngredient(ingredient=line.ingredient)
        row.position = position
        row.concentration_value = line.concentration_value
        row.concentration_unit = (
            ConcentrationUnit(line.concentration_unit) if line.concentration_unit else None
        )
        wanted.append(row)
    product.composition = wanted


def _replace_professions(product: Product, professions: Sequence[Profession | str]) -> None:
    wanted = {Profession(p) for p in professions}
    kept = [link for link in product.profession_links if link.profession in wanted]
    have = {link.profession for link in kept}
    product.profession_links = kept + [
        ProductProfession(profession=p) for p in sorted(wanted - have)
    ]


def edit_product(actor: User | None, product: Product, fields: ProductFields) -> Product:
    """Change a product to these fields; the audit event says what changed, from what to what."""
    problems = check_product_fields(fields, product)
    if problems:
        raise CatalogFieldErrors(problems)
    before, before_state, old_slug = _product_facts(product), _state(product), product.slug
    with db.session.no_autoflush:
        product.sku = fields.sku
        product.slug = fields.slug
        product.name = fields.name.strip()
        product.brand = fields.brand
        product.form = ProductForm(fields.form)
        product.volume_ml = fields.volume_ml
        product.units_per_pack = fields.units_per_pack
        product.price_cents = fields.price_cents
        product.currency = fields.currency
        product.description = fields.description.strip()
        product.contraindications = fields.contraindications.strip()
        product.is_active = fields.is_active
        product.weight_g = fields.weight_g
        product.requires_cold_chain = fields.requires_cold_chain
        product.tax_class = TaxClass(fields.tax_class)
        _replace_composition(product, fields.composition)
        product.indications = list(dict.fromkeys(fields.indications))
        _replace_professions(product, fields.professions)
        apply_protocol(product, fields.protocol)
        refresh_search_text(product)
    db.session.flush()
    if old_slug != product.slug:
        add_slug_redirect(SlugKind.PRODUCT, old_slug, product.slug)
    after = _product_facts(product)
    changes = [
        f"{name}: {before[name]} → {after[name]}" for name in after if before[name] != after[name]
    ]
    if changes or before_state != _state(product):
        record_event(
            actor=actor,
            action="product.update",
            subject_type="product",
            subject_id=product.id,
            from_state=before_state,
            to_state=_state(product),
            reason="; ".join(changes),
        )
    return product


def set_product_active(actor: User, product: Product, active: bool, *, reason: str = "") -> bool:
    """Show or hide a product in the catalogue; False when it already was so."""
    if product.is_active == active:
        return False
    before = _state(product)
    product.is_active = active
    db.session.flush()
    record_event(
        actor=actor,
        action="product.activate" if active else "product.deactivate",
        subject_type="product",
        subject_id=product.id,
        from_state=before,
        to_state=_state(product),
        reason=reason,
    )
    return True


# Brands, ingredients and indications ------------------------------------------------


@dataclass(frozen=True)
class TermKind:
    """One of the catalogue's vocabularies, as the back office handles it."""

    name: str  # "brand": audit subject type and SlugKind value
    plural: str
    model: type
    slug_kind: SlugKind

    def get(self, term_id: int):
        return db.session.get(self.model, term_id)


BRANDS = TermKind("brand", "brands", Brand, SlugKind.BRAND)
INGREDIENTS = TermKind("ingredient", "ingredients", Ingredient, SlugKind.INGREDIENT)
INDICATIONS = TermKind("indication", "indications", Indication, SlugKind.INDICATION)
TERM_KINDS = {kind.name: kind for kind in (BRANDS, INGREDIENTS, INDICATIONS)}


def _check_term(kind: TermKind, name: str, slug: str, own_id: int | None) -> dict[str, str]:
    errors = _Errors()
    if not name.strip():
        errors.add("name", f"Give the {kind.name} a name.")
    _check_text(errors, "name", name, "The name", 120)
    if not SLUG.match(slug or "") or len(slug) > 80:
        errors.add("slug", "A slug is lower-case letters, digits and single dashes (at most 80).")
    elif _taken(kind.model, kind.model.slug, slug, own_id):
        errors.add("slug", f"The slug {slug} belongs to another {kind.name}.")
    elif own_id is None and _taken(
        kind.model, func.lower(kind.model.name), name.strip().lower(), None
    ):
        errors.add("name", f"There is already a {kind.name} called {name.strip()}.")
    return errors.found


def add_term(
    actor: User,
    kind: TermKind,
    *,
    name: str,
    slug: str,
    ingredient_kind: IngredientKind | str | None = None,
    area: TreatmentArea | str | None = None,
    country: str | None = None,
):
    """A new brand, ingredient or indication, with its audit event."""
    problems = _check_term(kind, name, slug, None)
    if kind is INGREDIENTS and ingredient_kind not in IngredientKind.__members__.values():
        problems.setdefault("ingredient_kind", "Choose the ingredient's kind.")
    if kind is INDICATIONS and area not in TreatmentArea.__members__.values():
        problems.setdefault("area", "Choose the treatment area.")
    if kind is BRANDS and country and not re.fullmatch(r"[A-Z]{2}", country):
        problems.setdefault("country", "A country is a two-letter ISO code such as ES.")
    if problems:
        raise CatalogFieldErrors(problems)
    forget_slug_redirect(kind.slug_kind, slug)
    if kind is BRANDS:
        term = create_brand(slug=slug, name=name.strip(), country=country or None)
    elif kind is INGREDIENTS:
        term = create_ingredient(slug=slug, name=name.strip(), kind=ingredient_kind)
    else:
        term = create_indication(slug=slug, name=name.strip(), area=area)
    record_event(
        actor=actor,
        action=f"{kind.name}.create",
        subject_type=kind.name,
        subject_id=term.id,
        to_state=term.slug,
        reason=term.name,
    )
    return term


def products_of(kind: TermKind, term) -> list[Product]:
    """Every product (active or not) linked to this term."""
    statement = select(Product)
    if kind is BRANDS:
        statement = statement.where(Product.brand_id == term.id)
    elif kind is INGREDIENTS:
        statement = statement.join(ProductIngredient).where(
            ProductIngredient.ingredient_id == term.id
        )
    else:
        statement = statement.where(Product.indications.any(Indication.id == term.id))
    return list(db.session.scalars(statement.order_by(Product.id)).unique())


def rename_term(actor: User, kind: TermKind, term, *, name: str, slug: str):
    """Give a term a new name or slug; an old slug keeps leading to it (a redirect)."""
    problems = _check_term(kind, name, slug, term.id)
    if problems:
        raise CatalogFieldErrors(problems)
    old_name, old_slug = term.name, term.slug
    if (old_name, old_slug) == (name.strip(), slug):
        return term
    term.name = name.strip()
    term.slug = slug
    db.session.flush()
    if old_slug != slug:
        add_slug_redirect(kind.slug_kind, old_slug, slug)
    if old_name != term.name:  # product search covers brand, ingredient and indication names
        for product in products_of(kind, term):
            refresh_search_text(product)
        db.session.flush()
    record_event(
        actor=actor,
        action=f"{kind.name}.rename",
        subject_type=kind.name,
        subject_id=term.id,
        from_state=old_slug,
        to_state=slug,
        reason=f"name: {old_name} → {term.name}" if old_name != term.name else "",
    )
    return term


# The back office's lists ------------------------------------------------------------


def admin_product_query(
    *,
    q: str = "",
    brand_slug: str = "",
    active: bool | None = None,
    profession: Profession | str | None = None,
) -> Select:
    """Products (active or not) by name, matching a name or SKU fragment and the filters."""
    statement = select(Product).options(joinedload(Product.brand))
    text = q.strip()
    if text:
        statement = statement.where(
            or_(
                Product.sku.contains(text.upper(), autoescape=True),
                func.lower(Product.name).contains(text.lower(), autoescape=True),
            )
        )
    if brand_slug:
        statement = statement.join(Brand, Product.brand_id == Brand.id).where(
            Brand.slug == brand_slug
        )
    if active is not None:
        statement = statement.where(Product.is_active == active)
    if profession:
        statement = statement.where(
            Product.profession_links.any(ProductProfession.profession == Profession(profession))
        )
    return statement.order_by(Product.name, Product.id)


def admin_term_query(kind: TermKind, q: str = "") -> Select:
    """Terms of this vocabulary by name, matching a name or slug fragment."""
    model = kind.model
    statement = select(model)
    text = q.strip()
    if text:
        statement = statement.where(
            or_(
                func.lower(model.name).contains(text.lower(), autoescape=True),
                model.slug.contains(text.lower(), autoescape=True),
            )
        )
    return statement.order_by(model.name, model.id)


def count_products_of(kind: TermKind, term_ids: Sequence[int]) -> dict[int, int]:
    """{term id: number of products linked to it, active or not} for these terms."""
    if kind is BRANDS:
        link, product = Product.brand_id, Product.id
    elif kind is INGREDIENTS:
        link, product = ProductIngredient.ingredient_id, ProductIngredient.product_id
    else:
        link, product = product_indications.c.indication_id, product_indications.c.product_id
    rows = db.session.execute(
        select(link, func.count(product)).where(link.in_(list(term_ids))).group_by(link)
    ).all()
    return dict(rows)


def list_term_choices(kind: TermKind) -> list[tuple[int, str]]:
    return [
        (term.id, f"{term.name} ({term.slug})")
        for term in db.session.scalars(select(kind.model).order_by(kind.model.name))
    ]

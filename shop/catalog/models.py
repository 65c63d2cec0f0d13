"""Catalogue models: brands, ingredients, indications, products and their links."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.catalog.enums import (
    ConcentrationUnit,
    IngredientKind,
    ProductForm,
    Profession,
    SlugKind,
    TaxClass,
    TreatmentArea,
)
from shop.database import UTCDateTime, enum_column, utcnow
from shop.extensions import db

DEFAULT_LOW_STOCK_THRESHOLD = 10

product_indications = Table(
    "product_indications",
    db.metadata,
    Column("product_id", ForeignKey("products.id", ondelete="CASCADE"), primary_key=True),
    Column("indication_id", ForeignKey("indications.id", ondelete="RESTRICT"), primary_key=True),
    # The primary key serves "indications of a product"; this serves the filter.
    Index("ix_product_indications_indication_product", "indication_id", "product_id"),
)


class Brand(db.Model):
    __tablename__ = "brands"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    country: Mapped[str | None] = mapped_column(String(2))
    description: Mapped[str] = mapped_column(Text, default="")

    products: Mapped[list[Product]] = relationship(back_populates="brand")

    def __repr__(self) -> str:
        return f"<Brand {self.slug}>"


class Ingredient(db.Model):
    __tablename__ = "ingredients"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[IngredientKind] = mapped_column(String(32), index=True)
    description: Mapped[str] = mapped_column(Text, default="")

    def __repr__(self) -> str:
        return f"<Ingredient {self.slug}>"


class Indication(db.Model):
    __tablename__ = "indications"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    area: Mapped[TreatmentArea] = mapped_column(String(32), index=True)
    description: Mapped[str] = mapped_column(Text, default="")

    def __repr__(self) -> str:
        return f"<Indication {self.slug}>"


class Product(db.Model):
    __tablename__ = "products"
    __table_args__ = (
        CheckConstraint("price_cents >= 0", name="price_not_negative"),
        CheckConstraint("units_per_pack >= 1", name="units_per_pack_positive"),
        CheckConstraint("volume_ml > 0", name="volume_positive"),
        CheckConstraint("length(currency) = 3", name="currency_iso_code"),
        CheckConstraint("low_stock_threshold >= 0", name="low_stock_threshold_not_negative"),
        CheckConstraint("weight_g >= 0", name="weight_not_negative"),
        # One index per sort order of the active catalogue.
        Index("ix_products_active_name", "is_active", "name"),
        # Covers the brand facet and the active-id lookups of the other facets (index-only).
        Index("ix_products_active_brand", "is_active", "brand_id", "id"),
        Index("ix_products_active_price", "is_active", "price_cents"),
        Index("ix_products_active_created", "is_active", "created_at"),
        # Free-text search uses LIKE '%word%'; trigrams make that indexable on PostgreSQL.
        Index(
            "ix_products_search_text_trgm",
            "search_text",
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
        ).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(String(40), unique=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    brand_id: Mapped[int] = mapped_column(ForeignKey("brands.id", ondelete="RESTRICT"), index=True)
    form: Mapped[ProductForm] = mapped_column(String(32))
    volume_ml: Mapped[Decimal] = mapped_column(Numeric(7, 2))
    units_per_pack: Mapped[int] = mapped_column(Integer)
    price_cents: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3))
    description: Mapped[str] = mapped_column(Text, default="")
    contraindications: Mapped[str] = mapped_column(Text, default="")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The back office's low-stock report lists the product when its sellable packs fall
    # below this (0: never listed).
    low_stock_threshold: Mapped[int] = mapped_column(
        Integer,
        default=DEFAULT_LOW_STOCK_THRESHOLD,
        server_default=str(DEFAULT_LOW_STOCK_THRESHOLD),
    )
    # A pack as shipped, in grams (weight-based shipping rates add these up); 0: not weighed.
    weight_g: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Must travel cooled (2 to 8 °C): an order holding it ships only by a cold-chain method.
    requires_cold_chain: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    # Which of the destination's tax rates applies to it (shop.tax).
    tax_class: Mapped[TaxClass] = mapped_column(
        enum_column(TaxClass), default=TaxClass.STANDARD, server_default=TaxClass.STANDARD.value
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Normalised copies for search (lower case, no accents), kept by services.refresh_search_text.
    search_name: Mapped[str] = mapped_column(Text, default="")
    search_keywords: Mapped[str] = mapped_column(Text, default="")
    search_text: Mapped[str] = mapped_column(Text, default="")

    brand: Mapped[Brand] = relationship(back_populates="products")
    composition: Mapped[list[ProductIngredient]] = relationship(
        back_populates="product",
        cascade="all, delete-orphan",
        order_by="ProductIngredient.position",
    )
    indications: Mapped[list[Indication]] = relationship(
        secondary=product_indications, order_by="Indication.name"
    )
    profession_links: Mapped[list[ProductProfession]] = relationship(
        cascade="all, delete-orphan", order_by="ProductProfession.profession"
    )
    protocol: Mapped[ProductProtocol | None] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )
    images: Mapped[list[ProductImage]] = relationship(
        back_populates="product",
        cascade="all, delete-orphan",
        order_by="ProductImage.position",
    )

    @property
    def professions(self) -> list[Profession]:
        allowed = {link.profession for link in self.profession_links}
        return [profession for profession in Profession if profession in allowed]

    @property
    def areas(self) -> list[TreatmentArea]:
        seen = {TreatmentArea(indication.area) for indication in self.indications}
        return [area for area in TreatmentArea if area in seen]

    def __repr__(self) -> str:
        return f"<Product {self.sku}>"


class ProductIngredient(db.Model):
    """One line of a product's composition, with its concentration where it is disclosed."""

    __tablename__ = "product_ingredients"
    __table_args__ = (
        Index("ix_product_ingredients_ingredient_product", "ingredient_id", "product_id"),
        CheckConstraint(
            "(concentration_value IS NULL) = (concentration_unit IS NULL)",
            name="concentration_value_with_unit",
        ),
        CheckConstraint(
            "concentration_value IS NULL OR concentration_value > 0",
            name="concentration_positive",
        ),
    )

    product_id: Mapped[int] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), primary_key=True
    )
    ingredient_id: Mapped[int] = mapped_column(
        ForeignKey("ingredients.id", ondelete="RESTRICT"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    concentration_value: Mapped[Decimal | None] = mapped_column(Numeric(12, 4))
    concentration_unit: Mapped[ConcentrationUnit | None] = mapped_column(String(8))

    product: Mapped[Product] = relationship(back_populates="composition")
    ingredient: Mapped[Ingredient] = relationship()

    @property
    def concentration(self) -> str | None:
        """'20 mg/ml', '0.5 %'; None where the maker does not disclose it."""
        if self.concentration_value is None or self.concentration_unit is None:
            return None
        value = format(self.concentration_value.normalize(), "f")
        return f"{value} {self.concentration_unit}"


class ProductProfession(db.Model):
    """A profession allowed to buy the product."""

    __tablename__ = "product_professions"
    __table_args__ = (
        Index("ix_product_professions_profession_product", "profession", "product_id"),
    )

    product_id: Mapped[int] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), primary_key=True
    )
    profession: Mapped[Profession] = mapped_column(String(32), primary_key=True)


class CatalogImage(db.Model):
    """A picture uploaded to the catalogue, kept re-encoded in fixed widths (shop.media).

    Its file name is what the product CSV names it by; the same file uploaded again is
    this picture (its SHA-256), not a second copy.
    """

    __tablename__ = "catalog_images"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(255), unique=True)
    source_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    width: Mapped[int] = mapped_column(Integer)  # upright, as uploaded
    height: Mapped[int] = mapped_column(Integer)
    # [[width, height, WebP key, JPEG key], ...], narrowest first: the media storage's keys.
    renditions: Mapped[list] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<CatalogImage {self.filename}>"


class ProductImage(db.Model):
    """One of a product's pictures, in its place among them, with the text that stands for it."""

    __tablename__ = "product_images"
    __table_args__ = (
        UniqueConstraint("product_id", "image_id"),
        Index("ix_product_images_product_position", "product_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    image_id: Mapped[int] = mapped_column(
        ForeignKey("catalog_images.id", ondelete="RESTRICT"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    alt_text: Mapped[str] = mapped_column(String(250))

    product: Mapped[Product] = relationship(back_populates="images")
    image: Mapped[CatalogImage] = relationship(lazy="joined")


class CatalogState(db.Model):
    """One row whose token changes with every catalogue change; cache keys carry it."""

    __tablename__ = "catalog_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SlugRedirect(db.Model):
    """An old slug of a brand, ingredient, indication or product, and the slug it became.

    Written when a slug is renamed or its term merged into another; the public pages
    consult it only when a slug names nothing, so old URLs keep working (301).
    """

    __tablename__ = "slug_redirects"
    __table_args__ = (UniqueConstraint("kind", "old_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[SlugKind] = mapped_column(enum_column(SlugKind, length=16))
    old_slug: Mapped[str] = mapped_column(String(120))
    new_slug: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ProductProtocol(db.Model):
    """How the product is used over a course of treatment: how many sessions, how far
    apart, how much per session in each treatment area, and how often the course is
    usually repeated. The course planner and the patient leaflet read it."""

    __tablename__ = "product_protocols"
    __table_args__ = (
        CheckConstraint("sessions_min >= 1", name="sessions_min_positive"),
        CheckConstraint("sessions_max >= sessions_min", name="sessions_range_ordered"),
        CheckConstraint("interval_days >= 1", name="interval_positive"),
        CheckConstraint("repeat_months >= 1", name="repeat_positive"),
    )

    product_id: Mapped[int] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), primary_key=True
    )
    sessions_min: Mapped[int] = mapped_column(Integer)
    sessions_max: Mapped[int] = mapped_column(Integer)
    interval_days: Mapped[int] = mapped_column(Integer)
    repeat_months: Mapped[int] = mapped_column(Integer)
    # The contraindications in words a patient understands, for the patient leaflet.
    patient_contraindications: Mapped[str] = mapped_column(Text, default="")

    volumes: Mapped[list[ProtocolVolume]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="ProtocolVolume.area"
    )

    @property
    def volume_by_area(self) -> dict[TreatmentArea, Decimal]:
        return {TreatmentArea(volume.area): volume.volume_ml for volume in self.volumes}


class ProtocolVolume(db.Model):
    """The volume used per session in one treatment area the product serves."""

    __tablename__ = "protocol_volumes"
    __table_args__ = (
        CheckConstraint("volume_ml > 0", name="volume_positive"),
        # The planner looks products up by the area treated.
        Index("ix_protocol_volumes_area_product", "area", "product_id"),
    )

    product_id: Mapped[int] = mapped_column(
        ForeignKey("product_protocols.product_id", ondelete="CASCADE"), primary_key=True
    )
    area: Mapped[TreatmentArea] = mapped_column(String(32), primary_key=True)
    volume_ml: Mapped[Decimal] = mapped_column(Numeric(6, 2))

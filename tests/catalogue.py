"""A small catalogue whose every count is known, for page and API tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from shop.catalog.enums import IngredientKind, Profession, TreatmentArea
from shop.catalog.models import Brand, Indication, Ingredient, Product
from shop.extensions import db
from shop.inventory.services import receive_stock, today
from tests.factories import make_brand, make_indication, make_ingredient, make_product


@dataclass
class Catalogue:
    alpha: Brand
    beta: Brand
    gamma: Brand
    ha: Ingredient
    biotin: Ingredient
    zinc: Ingredient
    caffeine: Ingredient
    unused: Ingredient
    wrinkles: Indication
    acne: Indication
    hair_loss: Indication
    cellulite: Indication
    hydra: Product
    clear: Product
    hair: Product
    sculpt: Product
    retired: Product


@pytest.fixture
def catalogue(app) -> Catalogue:
    alpha = make_brand("Alpha Labs", slug="alpha", country="ES")
    beta = make_brand("Beta Pharma", slug="beta", country="IT")
    gamma = make_brand("Gamma Bio", slug="gamma")
    ha = make_ingredient("Hyaluronic acid", IngredientKind.HYALURONIC_ACID, slug="hyaluronic-acid")
    biotin = make_ingredient("Biotin", IngredientKind.VITAMIN, slug="biotin")
    zinc = make_ingredient("Zinc", IngredientKind.MINERAL, slug="zinc")
    caffeine = make_ingredient("Caffeine", IngredientKind.LIPOLYTIC, slug="caffeine")
    unused = make_ingredient("Glutathione", IngredientKind.PEPTIDE, slug="glutathione")
    wrinkles = make_indication("Fine lines and wrinkles", TreatmentArea.FACE, slug="wrinkles")
    acne = make_indication("Acne", TreatmentArea.FACE, slug="acne")
    hair_loss = make_indication("Hair loss", TreatmentArea.SCALP, slug="hair-loss")
    cellulite = make_indication("Cellulite", TreatmentArea.BODY, slug="cellulite")
    hydra = make_product(
        "Hydra Glow",
        brand=alpha,
        slug="hydra-glow",
        sku="ALP-HYD-1",
        ingredients=[(ha, "20", "mg/ml"), zinc],
        indications=[wrinkles],
        price_cents=10000,
        stock=50,
        description="A hydrating booster for the face.",
        contraindications="Pregnancy; active skin infection at the injection site.",
        professions=[Profession.PHYSICIAN, Profession.DERMATOLOGIST, Profession.NURSE],
    )
    clear = make_product(
        "Clear Skin",
        brand=alpha,
        slug="clear-skin",
        sku="ALP-CLR-1",
        ingredients=[zinc, biotin],
        indications=[acne],
        price_cents=5000,
        stock=3,
        description="For acne-prone skin, with a sebum-regulating mineral.",
    )
    hair = make_product(
        "Hair Force",
        brand=beta,
        slug="hair-force",
        sku="BET-HAIR-1",
        ingredients=[biotin, zinc],
        indications=[hair_loss],
        price_cents=12000,
        description="Scalp protocol for thinning hair.",
    )
    sculpt = make_product(
        "Body Sculpt",
        brand=beta,
        slug="body-sculpt",
        sku="BET-BODY-1",
        ingredients=[caffeine],
        indications=[cellulite],
        price_cents=8000,
        stock=20,
        description="Draining cocktail.",
    )
    retired = make_product(
        "Retired Booster",
        brand=alpha,
        slug="retired",
        sku="ALP-RET-1",
        ingredients=[ha],
        indications=[wrinkles],
        price_cents=7000,
        is_active=False,
    )
    # An expired lot never counts as available.
    receive_stock(
        hair,
        lot_number="OLD1",
        expires_on=today() - timedelta(days=1),
        quantity=9,
        on=today() - timedelta(days=400),
    )
    db.session.commit()
    return Catalogue(
        alpha,
        beta,
        gamma,
        ha,
        biotin,
        zinc,
        caffeine,
        unused,
        wrinkles,
        acne,
        hair_loss,
        cellulite,
        hydra,
        clear,
        hair,
        sculpt,
        retired,
    )

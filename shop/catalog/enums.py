"""Closed vocabularies of the catalogue, stored as their string values."""

from __future__ import annotations

from shop.enums import LabelledEnum


class IngredientKind(LabelledEnum):
    HYALURONIC_ACID = "hyaluronic-acid", "Hyaluronic acid"
    VITAMIN = "vitamin", "Vitamin"
    AMINO_ACID = "amino-acid", "Amino acid"
    MINERAL = "mineral", "Mineral"
    PEPTIDE = "peptide", "Peptide"
    COENZYME = "coenzyme", "Coenzyme"
    NUCLEOTIDE = "nucleotide", "Nucleotide"
    PHOSPHOLIPID = "phospholipid", "Phospholipid"
    PLANT_EXTRACT = "plant-extract", "Plant extract"
    ORGANIC_ACID = "organic-acid", "Organic acid"
    LIPOLYTIC = "lipolytic", "Lipolytic"
    OTHER = "other", "Other"


class TreatmentArea(LabelledEnum):
    FACE = "face", "Face"
    NECK_DECOLLETE = "neck-decollete", "Neck and décolleté"
    BODY = "body", "Body"
    SCALP = "scalp", "Scalp"
    HANDS = "hands", "Hands"


class ProductForm(LabelledEnum):
    VIAL = "vial", "Vial"
    AMPOULE = "ampoule", "Ampoule"
    PREFILLED_SYRINGE = "prefilled-syringe", "Prefilled syringe"


class Profession(LabelledEnum):
    PHYSICIAN = "physician", "Physician"
    DERMATOLOGIST = "dermatologist", "Dermatologist"
    PLASTIC_SURGEON = "plastic-surgeon", "Plastic surgeon"
    DENTIST = "dentist", "Dentist"
    NURSE = "nurse", "Nurse"


class ConcentrationUnit(LabelledEnum):
    MG_PER_ML = "mg/ml", "mg/ml"
    PERCENT = "%", "%"
    UG_PER_ML = "µg/ml", "µg/ml"
    IU_PER_ML = "IU/ml", "IU/ml"


class SortOrder(LabelledEnum):
    RELEVANCE = "relevance", "Relevance"
    NAME = "name", "Name"
    PRICE = "price", "Price: low to high"
    PRICE_DESC = "-price", "Price: high to low"
    NEWEST = "newest", "Newest"


class SlugKind(LabelledEnum):
    """What an old slug named: the public page it redirects to is this kind's."""

    BRAND = "brand", "Brand"
    INGREDIENT = "ingredient", "Ingredient"
    INDICATION = "indication", "Indication"
    PRODUCT = "product", "Product"


class TaxClass(LabelledEnum):
    """Which of a destination's tax rates a product takes (shop.tax keeps the rates)."""

    STANDARD = "standard", "Standard rate"
    REDUCED = "reduced", "Reduced rate"
    ZERO = "zero", "Zero rate"

"""Products as CSV: the catalogue exported, and a file imported by SKU.

An import is planned first (``plan_import``, the dry run): every problem of the
file is reported by line and column, and every row is sorted into create, update
or unchanged, without changing anything. ``import_products`` applies a plan that
has no problem, all of it or nothing, through the back office's own services
(``add_product``, ``edit_product``), so the same rules hold and every change is an
audit event. A file exported and imported again is all "unchanged": nothing is
written, not even the catalogue token.

Pictures are uploaded on their own (the back office's Pictures page or a product's
page) and named here by file name, each with its alt text; a file without the
``images`` column leaves every product's pictures as they are.

Services flush and never commit; the caller owns the transaction.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from shop.accounts.models import User
from shop.catalog.editing import ProductFields, add_product, check_product_fields, edit_product
from shop.catalog.enums import ConcentrationUnit, ProductForm, Profession, TaxClass, TreatmentArea
from shop.catalog.errors import CatalogError, CatalogFieldErrors
from shop.catalog.images import (
    MAX_IMAGES_PER_PRODUCT,
    ImageChoice,
    alt_text_problem,
    set_product_images,
)
from shop.catalog.models import (
    Brand,
    CatalogImage,
    Indication,
    Ingredient,
    Product,
    ProductIngredient,
    ProductProtocol,
)
from shop.catalog.protocols import (
    AREA_SEPARATOR,
    VOLUME_PER_SESSION,
    ProtocolFields,
    parse_sessions,
    protocol_fields_of,
    sessions_text,
    volumes_text,
)
from shop.catalog.services import CompositionLine
from shop.catalog.values import (
    DECIMAL,
    VOLUME,
    decimal_text,
    format_price,
    price_cents,
    slug_from,
)
from shop.extensions import db
from shop.spreadsheet import guard_cell, unguard_cell

COLUMNS = (
    "sku",
    "name",
    "slug",
    "brand",
    "form",
    "volume_ml",
    "units_per_pack",
    "price",
    "currency",
    "active",
    "professions",
    "ingredients",
    "indications",
    "description",
    "contraindications",
    # The treatment protocol (shop.catalog.protocols): all empty for none.
    "sessions",
    "interval_days",
    "repeat_months",
    "volume_per_session",
    "patient_contraindications",
)
# A file may leave these columns out: its products' protocols then stay as they are.
PROTOCOL_COLUMNS = (
    "sessions",
    "interval_days",
    "repeat_months",
    "volume_per_session",
    "patient_contraindications",
)
# Written on export and read when present: a file without them (made before they
# existed) creates products with no weight, outside the cold chain, and leaves an
# existing product's weight and cold chain as they are.
# ... and the images column: a file without it leaves every product's pictures as they are,
# and tax_class: a file without it creates standard-rate products and leaves an existing
# product's tax class as it is.
OPTIONAL_COLUMNS = ("weight_g", "cold_chain", "images", "tax_class")
SEPARATOR = "|"  # between the values of a list cell: professions, ingredients, indications, images
MAX_IMPORT_BYTES = 5 * 1024 * 1024
_YES, _NO = ("yes", "true", "1"), ("no", "false", "0")
# 'hyaluronic-acid:20 mg/ml', '0.5 %' or '0.5%'
_CONCENTRATION = re.compile(
    r"^(?P<value>[^\s]+?)\s*(?P<unit>"
    + "|".join(re.escape(unit.value) for unit in ConcentrationUnit)
    + ")$"
)
_LOAD_BATCH = 500
# Everything a row shows of a product, in a fixed number of statements.
PRODUCT_LOAD_OPTIONS = (
    joinedload(Product.brand),
    selectinload(Product.composition).joinedload(ProductIngredient.ingredient),
    selectinload(Product.indications),
    selectinload(Product.profession_links),
    selectinload(Product.images),  # each with its picture, joined
)
_PROTOCOL_LOAD_OPTIONS = (selectinload(Product.protocol).selectinload(ProductProtocol.volumes),)


class ImportMode(StrEnum):
    CREATE_OR_UPDATE = "create-or-update"  # the back office and the command line
    CREATE_MISSING = "create-missing"  # seed-demo: an existing SKU is left as it is


class RowAction(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class Problem:
    line: int
    column: str | None  # None: the line as a whole
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


@dataclass
class PlannedRow:
    line: int
    action: RowAction
    fields: ProductFields
    product: Product | None = None
    changed: list[str] = field(default_factory=list)  # the columns an update changes


@dataclass
class ImportPlan:
    problems: list[Problem] = field(default_factory=list)
    rows: list[PlannedRow] = field(default_factory=list)

    def count(self, action: RowAction) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def changes(self) -> list[PlannedRow]:
        return [row for row in self.rows if row.action != RowAction.UNCHANGED]

    def summary(self) -> str:
        return (
            f"{self.count(RowAction.CREATE)} to create, {self.count(RowAction.UPDATE)} to update,"
            f" {self.count(RowAction.UNCHANGED)} unchanged"
        )


class ProductImportRefused(CatalogError):
    """The file has problems: nothing of it was imported (``problems``, by line and column)."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        shown = "; ".join(str(problem) for problem in problems[:3])
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        super().__init__(CatalogError.INVALID_PRODUCT, f"nothing imported: {shown}{more}")
        self.problems = list(problems)


# Export --------------------------------------------------------------------------------


def product_fields_of(product: Product) -> ProductFields:
    """A product as the back office edits it."""
    return ProductFields(
        sku=product.sku,
        slug=product.slug,
        name=product.name,
        brand=product.brand,
        form=product.form,
        volume_ml=product.volume_ml,
        units_per_pack=product.units_per_pack,
        price_cents=product.price_cents,
        currency=product.currency,
        description=product.description,
        contraindications=product.contraindications,
        composition=[
            CompositionLine(line.ingredient, line.concentration_value, line.concentration_unit)
            for line in product.composition
        ],
        indications=list(product.indications),
        professions=product.professions,
        is_active=product.is_active,
        weight_g=product.weight_g,
        requires_cold_chain=product.requires_cold_chain,
        protocol=protocol_fields_of(product),
        images=[ImageChoice(link.image, link.alt_text) for link in product.images],
        tax_class=product.tax_class,
    )


def _ingredient_cell(line: CompositionLine) -> str:
    if line.concentration_value is None:
        return line.ingredient.slug
    return (
        f"{line.ingredient.slug}:{decimal_text(line.concentration_value)} {line.concentration_unit}"
    )


def row_of(fields: ProductFields) -> dict[str, str]:
    """The CSV cells of these fields (unguarded): equal cells mean an equal product."""
    professions = {Profession(p) for p in fields.professions}
    return {
        "sku": fields.sku,
        "name": fields.name,
        "slug": fields.slug,
        "brand": fields.brand.slug,
        "form": str(fields.form),
        "volume_ml": decimal_text(fields.volume_ml),
        "units_per_pack": str(fields.units_per_pack),
        "price": format_price(fields.price_cents),
        "currency": fields.currency,
        "active": "yes" if fields.is_active else "no",
        "professions": SEPARATOR.join(p.value for p in Profession if p in professions),
        "ingredients": SEPARATOR.join(_ingredient_cell(line) for line in fields.composition),
        "indications": SEPARATOR.join(sorted({i.slug for i in fields.indications})),
        "description": fields.description,
        "contraindications": fields.contraindications,
        "weight_g": str(fields.weight_g),
        "cold_chain": "yes" if fields.requires_cold_chain else "no",
        "tax_class": str(fields.tax_class),
        **_protocol_cells(fields.protocol),
        # 'hydra-box.jpg: The pack of Hydra 20|hydra-vial.jpg: One vial', in order
        "images": SEPARATOR.join(
            f"{choice.image.filename}: {choice.alt_text}" for choice in fields.images or ()
        ),
    }


def compared_columns(fields: ProductFields) -> tuple[str, ...]:
    """The columns that say what these fields change: images only when the file has them."""
    columns = COLUMNS + OPTIONAL_COLUMNS
    return columns if fields.images is not None else tuple(c for c in columns if c != "images")


def _protocol_cells(protocol: ProtocolFields | None) -> dict[str, str]:
    if protocol is None:
        return dict.fromkeys(PROTOCOL_COLUMNS, "")
    return {
        "sessions": sessions_text(protocol),
        "interval_days": str(protocol.interval_days),
        "repeat_months": str(protocol.repeat_months),
        "volume_per_session": volumes_text(protocol.volumes, SEPARATOR),
        "patient_contraindications": protocol.patient_contraindications,
    }


def write_products_csv(products: Iterable[Product]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS + OPTIONAL_COLUMNS)
    for product in products:
        cells = row_of(product_fields_of(product))
        writer.writerow([guard_cell(cells[column]) for column in COLUMNS + OPTIONAL_COLUMNS])
    return out.getvalue()


def export_products() -> str:
    """Every product, active or not, by SKU, as CSV text with a header row."""
    products = db.session.scalars(
        select(Product)
        .options(*PRODUCT_LOAD_OPTIONS, *_PROTOCOL_LOAD_OPTIONS)
        .order_by(Product.sku)
    )
    return write_products_csv(products)


# Reading a file ------------------------------------------------------------------------


def _decode(data: bytes) -> tuple[str, list[Problem]]:
    """The file's text (UTF-8, with or without a byte-order mark), or why it is not."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "", [Problem(1, None, "the file is UTF-16; save it as CSV in UTF-8.")]
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        message = "the file holds NUL bytes: it is UTF-16 or not text; save it as CSV in UTF-8."
        return "", [Problem(line, None, message)]
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    # Where exactly: each cell holding a byte that is not UTF-8.
    problems = []
    text = data.decode("utf-8-sig", errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] = []
    line = 1
    message = (
        "this text is not UTF-8 (perhaps Latin-1 or Windows-1252); save the file as CSV in UTF-8."
    )
    try:
        for cells in reader:
            if not header:
                header = cells
            for index, cell in enumerate(cells):
                if "\ufffd" in cell:
                    known = index < len(header) and cells is not header
                    problems.append(Problem(line, header[index] if known else None, message))
            line = reader.line_num + 1
    except csv.Error:  # what is not UTF-8 is reported up to here; the rest waits for a fix
        pass
    return "", problems or [Problem(line, None, message)]


@dataclass
class _Vocabulary:
    brands: dict[str, Brand]
    ingredients: dict[str, Ingredient]
    indications: dict[str, Indication]
    images: dict[str, CatalogImage]  # by file name

    @classmethod
    def load(cls) -> _Vocabulary:
        def by_slug(model) -> dict:
            return {row.slug: row for row in db.session.scalars(select(model))}

        images = {image.filename: image for image in db.session.scalars(select(CatalogImage))}
        return cls(by_slug(Brand), by_slug(Ingredient), by_slug(Indication), images)


def _listed(cell: str) -> list[str]:
    return [value.strip() for value in cell.split(SEPARATOR) if value.strip()]


def _composition(cell: str, vocabulary: _Vocabulary, report) -> list[CompositionLine]:
    lines = []
    for entry in _listed(cell):
        slug, _, concentration = (part.strip() for part in entry.partition(":"))
        ingredient = vocabulary.ingredients.get(slug)
        if ingredient is None:
            report("ingredients", f"there is no ingredient {slug!r}: create it first.")
            continue
        if not concentration:
            lines.append(CompositionLine(ingredient))
            continue
        match = _CONCENTRATION.match(concentration)
        if match is None or not DECIMAL.match(match["value"]) or Decimal(match["value"]) <= 0:
            units = ", ".join(unit.value for unit in ConcentrationUnit)
            report(
                "ingredients",
                f"the concentration of {slug} is {concentration!r}: write a number above zero"
                f" and a unit ({units}), such as {slug}:20 mg/ml.",
            )
            continue
        value = Decimal(match["value"])
        lines.append(CompositionLine(ingredient, value, ConcentrationUnit(match["unit"])))
    return lines


def _shipping_cells(row: dict[str, str], report) -> tuple[int | None, bool | None]:
    """The weight and cold-chain cells, None where the file has no such column."""
    weight = cold = None
    if "weight_g" in row:
        text = row["weight_g"].strip() or "0"
        if not text.isascii() or not text.isdigit():
            report("weight_g", f"{row['weight_g']!r} is not a whole number of grams.")
        else:
            weight = int(text)
    if "cold_chain" in row:
        text = row["cold_chain"].strip().lower() or "no"
        if text not in _YES + _NO:
            report("cold_chain", f"{row['cold_chain']!r} is not yes or no.")
        else:
            cold = text in _YES
    return weight, cold


def _images(cell: str, vocabulary: _Vocabulary, report) -> list[ImageChoice]:
    choices: list[ImageChoice] = []
    seen: set[str] = set()
    for entry in _listed(cell):
        filename, colon, alt_text = (part.strip() for part in entry.partition(":"))
        image = vocabulary.images.get(filename)
        if image is None:
            report(
                "images",
                f"there is no uploaded picture {filename!r}: upload it on the Pictures page"
                " (or the product's page) first.",
            )
            continue
        if filename in seen:
            report("images", f"{filename} is named twice.")
            continue
        seen.add(filename)
        if not colon or not alt_text:
            report(
                "images",
                f"{filename} has no alt text: write it after a colon, as in"
                f" {filename}: what the picture shows.",
            )
            continue
        problem = alt_text_problem(alt_text)
        if problem:
            report("images", f"{filename}: {problem}")
            continue
        choices.append(ImageChoice(image, alt_text))
    if len(seen) > MAX_IMAGES_PER_PRODUCT:
        report("images", f"a product has at most {MAX_IMAGES_PER_PRODUCT} pictures.")
    return choices


def _fields_from(
    row: dict[str, str], vocabulary: _Vocabulary, report, existing: Product | None = None
) -> ProductFields | None:
    """The row's values as the catalogue takes them; None when a cell cannot be read (each
    one reported). A column the file lacks keeps ``existing``'s value."""
    before = report.count
    weight, cold = _shipping_cells(row, report)
    tax_class = _tax_class_cell(row, report)
    brand = vocabulary.brands.get(row["brand"].strip())
    if brand is None:
        report("brand", f"there is no brand {row['brand'].strip()!r}: create it first.")
    form = row["form"].strip()
    if form not in ProductForm.__members__.values():
        report("form", f"{form!r} is not a form: one of {', '.join(ProductForm)}.")
    volume = row["volume_ml"].strip()
    if not VOLUME.match(volume):
        report("volume_ml", f"{volume!r} is not a volume in ml such as 5 or 2.5.")
    units = row["units_per_pack"].strip()
    if not units.isascii() or not units.isdigit():
        report("units_per_pack", f"{units!r} is not a whole number of units.")
    try:
        cents = price_cents(row["price"])
    except ValueError:
        cents = 0
        report("price", f"{row['price']!r} is not a price such as 149.50.")
    active = row["active"].strip().lower()
    if active not in _YES + _NO:
        report("active", f"{row['active']!r} is not yes or no.")
    professions = _listed(row["professions"])
    for profession in professions:
        if profession not in Profession.__members__.values():
            report(
                "professions",
                f"{profession!r} is not a profession: one of {', '.join(Profession)}.",
            )
    composition = _composition(row["ingredients"], vocabulary, report)
    indications = []
    for slug in _listed(row["indications"]):
        indication = vocabulary.indications.get(slug)
        if indication is None:
            report("indications", f"there is no indication {slug!r}: create it first.")
        indications.append(indication)
    protocol = _protocol(row, report)
    images = _images(row["images"], vocabulary, report) if "images" in row else None
    if report.count > before:
        return None
    name = row["name"].strip()
    return ProductFields(
        sku=row["sku"].strip(),
        slug=row["slug"].strip() or slug_from(name),
        name=name,
        brand=brand,
        form=ProductForm(form),
        volume_ml=Decimal(volume),
        units_per_pack=int(units),
        price_cents=cents,
        currency=row["currency"].strip().upper(),
        description=row["description"].strip(),
        contraindications=row["contraindications"].strip(),
        composition=composition,
        indications=indications,
        professions=professions,
        is_active=active in _YES,
        weight_g=weight if weight is not None else (existing.weight_g if existing else 0),
        requires_cold_chain=cold
        if cold is not None
        else (existing.requires_cold_chain if existing else False),
        protocol=protocol,
        images=images,
        tax_class=tax_class or (existing.tax_class if existing else TaxClass.STANDARD),
    )


def _tax_class_cell(row: dict[str, str], report) -> TaxClass | None:
    """The tax class cell (empty: standard), None where the file has no such column."""
    if "tax_class" not in row:
        return None
    text = row["tax_class"].strip().lower() or TaxClass.STANDARD.value
    if text not in TaxClass.__members__.values():
        report(
            "tax_class", f"{row['tax_class']!r} is not a tax class: one of {', '.join(TaxClass)}."
        )
        return None
    return TaxClass(text)


_KEEP = object()  # the file has no protocol columns: the product keeps its protocol


def _whole_number(row: dict[str, str], column: str, what: str, report) -> int:
    text = row[column].strip()
    if not text.isascii() or not text.isdigit():
        report(column, f"{text!r} is not a whole number of {what}.")
        return 0
    return int(text)


def _protocol(row: dict[str, str], report):
    """The row's protocol: None when its cells are empty, _KEEP when the file has none."""
    if not all(column in row for column in PROTOCOL_COLUMNS):
        return _KEEP
    if not any(row[column].strip() for column in PROTOCOL_COLUMNS):
        return None
    try:
        sessions_min, sessions_max = parse_sessions(row["sessions"])
    except ValueError:
        report("sessions", f"{row['sessions']!r} is not a number of sessions such as 4 or 8-12.")
        sessions_min = sessions_max = 0
    interval = _whole_number(row, "interval_days", "days", report)
    repeat = _whole_number(row, "repeat_months", "months", report)
    volumes: dict[TreatmentArea, Decimal] = {}
    for entry in _listed(row["volume_per_session"]):
        area, _, volume = (part.strip() for part in entry.partition(AREA_SEPARATOR))
        if area not in TreatmentArea.__members__.values():
            report(
                "volume_per_session",
                f"{area!r} is not a treatment area: one of {', '.join(TreatmentArea)}.",
            )
        elif not VOLUME_PER_SESSION.match(volume):
            report(
                "volume_per_session",
                f"the volume for {area} is {volume!r}: write ml per session, such as {area}:2.5.",
            )
        elif TreatmentArea(area) in volumes:
            report("volume_per_session", f"{area} is given twice.")
        else:
            volumes[TreatmentArea(area)] = Decimal(volume)
    return ProtocolFields(
        sessions_min=sessions_min,
        sessions_max=sessions_max,
        interval_days=interval,
        repeat_months=repeat,
        volumes=volumes,
        patient_contraindications=row["patient_contraindications"].strip(),
    )


def _column_of(field_name: str) -> str:
    """The CSV column of a field that check_product_fields (or the pictures' checks) names."""
    if field_name in ("alt_text", "images"):
        return "images"
    if field_name.startswith("composition-"):
        return "ingredients"
    if field_name.startswith("protocol-volume"):
        return "volume_per_session"
    if field_name in ("protocol-sessions_min", "protocol-sessions_max"):
        return "sessions"
    return field_name.removeprefix("protocol-")


class _Reporter:
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        self.line = 1

    @property
    def count(self) -> int:
        return len(self.problems)

    def __call__(self, column: str | None, message: str) -> None:
        self.problems.append(Problem(self.line, column, message))


def _existing(skus: list[str]) -> dict[str, Product]:
    found = {}
    for start in range(0, len(skus), _LOAD_BATCH):
        batch = skus[start : start + _LOAD_BATCH]
        statement = (
            select(Product)
            .where(Product.sku.in_(batch))
            .options(*PRODUCT_LOAD_OPTIONS, *_PROTOCOL_LOAD_OPTIONS)
        )
        found.update((product.sku, product) for product in db.session.scalars(statement))
    return found


def _records(text: str, report: _Reporter) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header and each non-blank row with the line it starts on; problems reported."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        header = [unguard_cell(cell).strip() for cell in next(reader, [])]
        if not any(header):
            report(None, f"the file is empty: it needs a header row ({','.join(COLUMNS)}).")
            return [], []
        some_protocol = any(column in header for column in PROTOCOL_COLUMNS)
        for column in COLUMNS:
            if column not in header and (column not in PROTOCOL_COLUMNS or some_protocol):
                report(column, "this column is missing from the header row.")
        for position, column in enumerate(header):
            if column not in COLUMNS + OPTIONAL_COLUMNS:
                report(
                    column or f"#{position + 1}",
                    f"unknown column: the columns are {', '.join(COLUMNS + OPTIONAL_COLUMNS)}.",
                )
            elif header.index(column) != position:
                report(column, "this column appears twice in the header row.")
        if report.count:
            return header, []
        report.line = reader.line_num + 1
        for cells in reader:
            if any(cell.strip() for cell in cells):
                if len(cells) != len(header):
                    report(None, f"{len(cells)} cells, where the header row has {len(header)}.")
                else:
                    rows.append(
                        (report.line, dict(zip(header, map(unguard_cell, cells), strict=True)))
                    )
            report.line = reader.line_num + 1
    except csv.Error as exc:
        report.line = max(reader.line_num, 1)
        report(None, f"this is not readable as CSV ({exc}).")
    return header, rows


def plan_import(data: bytes, *, mode: ImportMode = ImportMode.CREATE_OR_UPDATE) -> ImportPlan:
    """The dry run: what importing this file would do, and every problem it has.

    Reads the database and changes nothing.
    """
    plan = ImportPlan()
    if len(data) > MAX_IMPORT_BYTES:
        plan.problems.append(
            Problem(1, None, f"the file is over {MAX_IMPORT_BYTES // (1024 * 1024)} MB.")
        )
        return plan
    text, plan.problems = _decode(data)
    if plan.problems:
        return plan
    report = _Reporter(plan.problems)
    _header, records = _records(text, report)
    if report.count and not records:
        return plan
    vocabulary = _Vocabulary.load()
    existing = _existing(sorted({row["sku"].strip() for _line, row in records}))
    first_line: dict[tuple[str, str], int] = {}
    for line, row in records:
        report.line = line
        fields = _fields_from(row, vocabulary, report, existing.get(row["sku"].strip()))
        if fields is None:
            continue
        duplicate = False
        for column, value in (("sku", fields.sku), ("slug", fields.slug)):
            seen = first_line.setdefault((column, value), line)
            if value and seen != line:  # an empty one is reported by the checks below
                report(column, f"{value} is already on line {seen}.")
                duplicate = True
        if duplicate:
            continue
        product = existing.get(fields.sku)
        if fields.protocol is _KEEP:
            fields.protocol = protocol_fields_of(product) if product is not None else None
        if product is not None and mode == ImportMode.CREATE_MISSING:
            plan.rows.append(PlannedRow(line, RowAction.UNCHANGED, fields, product))
            continue
        problems = check_product_fields(fields, product)
        for name, message in problems.items():
            report(_column_of(name), message)
        if problems:
            continue
        if product is None:
            plan.rows.append(PlannedRow(line, RowAction.CREATE, fields))
            continue
        wanted, current = row_of(fields), row_of(product_fields_of(product))
        changed = [c for c in compared_columns(fields) if wanted[c] != current[c]]
        action = RowAction.UPDATE if changed else RowAction.UNCHANGED
        plan.rows.append(PlannedRow(line, action, fields, product, changed))
    return plan


def import_products(
    actor: User | None, data: bytes, *, mode: ImportMode = ImportMode.CREATE_OR_UPDATE
) -> ImportPlan:
    """Apply the file: every row created or updated, or, at the first problem, nothing
    (ProductImportRefused). ``actor`` None is the system (the command line, seed-demo)."""
    plan = plan_import(data, mode=mode)
    if plan.problems:
        raise ProductImportRefused(plan.problems)
    row = None
    try:
        with db.session.begin_nested():  # all or nothing, whatever the caller does next
            for row in plan.changes:
                if row.action == RowAction.CREATE:
                    row.product = add_product(actor, row.fields)
                elif row.changed != ["images"]:
                    edit_product(actor, row.product, row.fields)
                if row.fields.images is not None:
                    set_product_images(actor, row.product, row.fields.images)
    except CatalogFieldErrors as error:  # another change came in between plan and apply
        raise ProductImportRefused(
            [Problem(row.line, _column_of(name), message) for name, message in error.errors.items()]
        ) from None
    except IntegrityError:  # another import took this SKU or slug at the same moment
        raise ProductImportRefused(
            [
                Problem(
                    row.line,
                    None,
                    "another change took this SKU or slug meanwhile; check the file again.",
                )
            ]
        ) from None
    return plan

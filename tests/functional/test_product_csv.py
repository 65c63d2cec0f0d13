"""Products as CSV: the export, the dry run and its report by line and column, the
import by SKU (all or nothing), the command line and the back office's pages."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from shop.audit.models import AuditEvent
from shop.catalog.csv_io import (
    COLUMNS,
    OPTIONAL_COLUMNS,
    PROTOCOL_COLUMNS,
    ImportMode,
    ProductImportRefused,
    RowAction,
    export_products,
    import_products,
    plan_import,
)
from shop.catalog.enums import IngredientKind, Profession, TreatmentArea
from shop.catalog.models import Product
from shop.catalog.services import find_product_by_sku
from shop.catalog.token import current_token
from shop.extensions import db
from tests.factories import (
    give_protocol,
    make_brand,
    make_indication,
    make_ingredient,
    make_product,
)


@pytest.fixture
def catalogue(app):
    """Two products over a small vocabulary, committed (a view that refuses rolls back)."""
    brand = make_brand("Dermaqual", slug="dermaqual")
    ha = make_ingredient("Hyaluronic acid", IngredientKind.HYALURONIC_ACID, slug="ha")
    biotin = make_ingredient("Biotin", IngredientKind.VITAMIN, slug="biotin")
    zinc = make_ingredient("Zinc", IngredientKind.MINERAL, slug="zinc")
    wrinkles = make_indication("Wrinkles", TreatmentArea.FACE, slug="wrinkles")
    hair = make_indication("Hair loss", TreatmentArea.SCALP, slug="hair-loss")
    hydra = make_product(
        "Hydra Boost",
        brand=brand,
        sku="DQ-HYDRA-5",
        slug="hydra-boost",
        ingredients=[(ha, "20", "mg/ml"), (zinc, "0.5", "%"), biotin],
        indications=[wrinkles, hair],
        price_cents=14950,
        volume_ml=Decimal("2.5"),
        description='Deep hydration.\r\nSecond line, with a comma, and "quotes".',
        contraindications="Pregnancy.",
        professions=[Profession.PHYSICIAN, Profession.DERMATOLOGIST],
    )
    give_protocol(
        hydra,
        sessions=(8, 12),
        interval_days=7,
        repeat_months=12,
        volumes={"face": "3", "scalp": "2.5"},
        patient_contraindications="Not while pregnant or breastfeeding.",
    )
    make_product(
        '=HYPERLINK("http://evil.example")',
        brand=brand,
        sku="DQ-FORMULA-1",
        slug="formula",
        ingredients=[biotin],
        indications=[hair],
        description="'-not a formula, but starts like one once guarded",
        contraindications="@SUM(1)",
        is_active=False,
    )
    db.session.commit()


def csv_bytes(rows: list[dict[str, str]], columns=COLUMNS) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


# A file written before products carried a protocol (a file may leave those columns out).
OLDER_COLUMNS = [column for column in COLUMNS if column not in PROTOCOL_COLUMNS]


def exported_rows() -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(export_products(), newline="")))


def new_row(**overrides) -> dict[str, str]:
    row = {
        "sku": "DQ-NEW-1",
        "name": "Scalp Renew",
        "slug": "",
        "brand": "dermaqual",
        "form": "ampoule",
        "volume_ml": "5",
        "units_per_pack": "10",
        "price": "89.90",
        "currency": "eur",
        "active": "yes",
        "professions": "nurse|physician",
        "ingredients": "biotin:2 mg/ml|zinc",
        "indications": "hair-loss",
        "description": "For thinning hair.",
        "contraindications": "Pregnancy.",
    }
    row.update(overrides)
    return row


def audit_count() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent))


def product_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Product))


# The round trip ---------------------------------------------------------------------------


def test_exporting_and_importing_the_same_file_changes_nothing(catalogue):
    data = export_products().encode("utf-8")
    stamps = dict(db.session.execute(select(Product.sku, Product.updated_at)).all())
    token, events = current_token(), audit_count()

    plan = import_products(None, data)
    db.session.commit()

    assert plan.problems == []
    assert [row.action for row in plan.rows] == [RowAction.UNCHANGED, RowAction.UNCHANGED]
    assert current_token() == token
    assert audit_count() == events
    assert dict(db.session.execute(select(Product.sku, Product.updated_at)).all()) == stamps
    assert export_products().encode("utf-8") == data


def test_the_export_has_every_column_and_guards_formulas(catalogue):
    rows = {row["sku"]: row for row in exported_rows()}
    hydra, formula = rows["DQ-HYDRA-5"], rows["DQ-FORMULA-1"]
    assert list(hydra) == list(COLUMNS + OPTIONAL_COLUMNS)
    assert hydra["price"] == "149.50" and hydra["currency"] == "EUR"
    assert hydra["volume_ml"] == "2.5" and hydra["active"] == "yes"
    assert hydra["ingredients"] == "ha:20 mg/ml|zinc:0.5 %|biotin"
    assert hydra["indications"] == "hair-loss|wrinkles"
    assert hydra["professions"] == "physician|dermatologist"
    assert hydra["description"] == 'Deep hydration.\r\nSecond line, with a comma, and "quotes".'
    # A spreadsheet would run these as formulas: each is written with a leading quote.
    assert formula["name"] == '\'=HYPERLINK("http://evil.example")'
    assert formula["contraindications"] == "'@SUM(1)"
    assert formula["description"] == "''-not a formula, but starts like one once guarded"
    assert formula["active"] == "no"
    assert hydra["sessions"] == "8-12" and hydra["interval_days"] == "7"
    assert hydra["repeat_months"] == "12" and hydra["volume_per_session"] == "face:3|scalp:2.5"
    assert hydra["patient_contraindications"] == "Not while pregnant or breastfeeding."
    assert [formula[column] for column in PROTOCOL_COLUMNS] == [""] * len(PROTOCOL_COLUMNS)


# Create and update by SKU -----------------------------------------------------------------


def test_an_import_creates_new_skus_and_updates_known_ones_with_audit_events(catalogue):
    rows = {row["sku"]: row for row in exported_rows()}
    # Without hair loss it treats no scalp, so its protocol's scalp volume goes too.
    changed = {
        **rows["DQ-HYDRA-5"],
        "price": "155",
        "indications": "wrinkles",
        "volume_per_session": "face:3",
    }
    data = csv_bytes([changed, rows["DQ-FORMULA-1"], new_row()])
    token = current_token()

    plan = plan_import(data)
    assert plan.summary() == "1 to create, 1 to update, 1 unchanged"
    assert plan.rows[0].changed == ["price", "indications", "volume_per_session"]
    assert find_product_by_sku("DQ-NEW-1") is None  # the dry run changed nothing
    assert current_token() == token

    import_products(None, data)
    db.session.commit()
    hydra = find_product_by_sku("DQ-HYDRA-5")
    assert hydra.price_cents == 15500 and [i.slug for i in hydra.indications] == ["wrinkles"]
    created = find_product_by_sku("DQ-NEW-1")
    assert created.slug == "scalp-renew" and created.currency == "EUR"
    assert [(line.ingredient.slug, line.concentration) for line in created.composition] == [
        ("biotin", "2 mg/ml"),
        ("zinc", None),
    ]
    assert created.professions == [Profession.PHYSICIAN, Profession.NURSE]
    assert current_token() != token
    actions = dict(
        db.session.execute(
            select(AuditEvent.action, AuditEvent.reason).where(
                AuditEvent.action.in_(["product.create", "product.update"])
            )
        ).all()
    )
    assert actions["product.create"] == "DQ-NEW-1 Scalp Renew"
    assert "price: 14950 EUR → 15500 EUR" in actions["product.update"]


def test_create_missing_mode_leaves_existing_products_as_they_are(catalogue):
    row = {**exported_rows()[1], "price": "1.00"}
    plan = import_products(None, csv_bytes([row, new_row()]), mode=ImportMode.CREATE_MISSING)
    assert plan.summary() == "1 to create, 0 to update, 1 unchanged"
    assert find_product_by_sku(row["sku"]).price_cents != 100
    assert find_product_by_sku("DQ-NEW-1") is not None


# Treatment protocols ----------------------------------------------------------------------


def protocol_of(sku: str) -> tuple | None:
    protocol = find_product_by_sku(sku).protocol
    if protocol is None:
        return None
    volumes = {area.value: str(volume) for area, volume in protocol.volume_by_area.items()}
    return (
        protocol.sessions_min,
        protocol.sessions_max,
        protocol.interval_days,
        protocol.repeat_months,
        volumes,
        protocol.patient_contraindications,
    )


def test_an_import_gives_changes_and_removes_protocols_with_audit_events(catalogue):
    rows = {row["sku"]: row for row in exported_rows()}
    hydra = {**rows["DQ-HYDRA-5"], "sessions": "4", "volume_per_session": "scalp:2"}
    formula = {**rows["DQ-FORMULA-1"]}
    created = new_row(
        sessions="8 to 10",
        interval_days="14",
        repeat_months="12",
        volume_per_session="scalp:2.5",
        patient_contraindications="Not while pregnant.",
    )
    plan = plan_import(csv_bytes([hydra, formula, created]))
    assert plan.summary() == "1 to create, 1 to update, 1 unchanged"
    assert plan.rows[0].changed == ["sessions", "volume_per_session"]

    import_products(None, csv_bytes([hydra, formula, created]))
    db.session.commit()
    assert protocol_of("DQ-HYDRA-5") == (
        4,
        4,
        7,
        12,
        {"scalp": "2.00"},
        "Not while pregnant or breastfeeding.",
    )
    assert protocol_of("DQ-FORMULA-1") is None
    assert protocol_of("DQ-NEW-1") == (8, 10, 14, 12, {"scalp": "2.50"}, "Not while pregnant.")
    update = db.session.scalar(
        select(AuditEvent.reason).where(AuditEvent.action == "product.update")
    )
    assert "protocol: 8-12 sessions every 7 days" in update
    assert "→ 4 sessions every 7 days" in update

    emptied = {**hydra, **dict.fromkeys(PROTOCOL_COLUMNS, "")}
    import_products(None, csv_bytes([emptied]))
    db.session.commit()
    assert protocol_of("DQ-HYDRA-5") is None


def test_a_file_without_the_protocol_columns_keeps_each_products_protocol(catalogue):
    before = protocol_of("DQ-HYDRA-5")
    changed = {**exported_rows()[1], "price": "155"}
    assert changed["sku"] == "DQ-HYDRA-5"

    plan = import_products(None, csv_bytes([changed, new_row()], OLDER_COLUMNS))
    db.session.commit()

    assert plan.summary() == "1 to create, 1 to update, 0 unchanged"
    assert plan.rows[0].changed == ["price"]
    assert find_product_by_sku("DQ-HYDRA-5").price_cents == 15500
    assert protocol_of("DQ-HYDRA-5") == before is not None
    assert protocol_of("DQ-NEW-1") is None


# Bad files ---------------------------------------------------------------------------------


def without_column(name: str) -> bytes:
    return csv_bytes([new_row()], [c for c in COLUMNS if c != name])


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(
            without_column("price"),
            ["line 1, column price: this column is missing from the header row."],
            id="missing-column",
        ),
        pytest.param(
            csv_bytes([new_row(sku="DQ-A-1", slug="a"), new_row(sku="DQ-B-1", price="12,5x")]),
            ["line 3, column price: '12,5x' is not a price such as 149.50."],
            id="bad-price",
        ),
        pytest.param(
            csv_bytes([new_row(ingredients="biotin|unobtainium:2 mg/ml")]),
            ["line 2, column ingredients: there is no ingredient 'unobtainium': create it first."],
            id="unknown-ingredient",
        ),
        pytest.param(
            csv_bytes([new_row(indications="hair-loss|baldness")]),
            ["line 2, column indications: there is no indication 'baldness': create it first."],
            id="unknown-indication",
        ),
        pytest.param(
            csv_bytes([new_row(), new_row(name="Other", slug="other"), new_row(slug="x")]),
            [
                "line 3, column sku: DQ-NEW-1 is already on line 2.",
                "line 4, column sku: DQ-NEW-1 is already on line 2.",
            ],
            id="duplicate-sku",
        ),
        pytest.param(
            csv_bytes([new_row(), new_row(name="Crème légère", sku="DQ-B-1", slug="b")])
            .decode("utf-8")
            .encode("latin-1"),
            [
                "line 3, column name: this text is not UTF-8 (perhaps Latin-1 or Windows-1252);"
                " save the file as CSV in UTF-8."
            ],
            id="latin-1",
        ),
        pytest.param(
            csv_bytes([new_row()]).decode("utf-8").encode("utf-16"),
            ["line 1: the file is UTF-16; save it as CSV in UTF-8."],
            id="utf-16",
        ),
        pytest.param(
            csv_bytes([new_row()]).decode("utf-8").encode("utf-16-le"),
            [
                "line 1: the file holds NUL bytes: it is UTF-16 or not text;"
                " save it as CSV in UTF-8."
            ],
            id="utf-16-without-byte-order-mark",
        ),
        pytest.param(
            b"",
            [f"line 1: the file is empty: it needs a header row ({','.join(COLUMNS)})."],
            id="empty",
        ),
        pytest.param(
            csv_bytes([new_row(slug="hydra-boost", form="syringe", volume_ml="2.555")]),
            [
                "line 2, column form: 'syringe' is not a form: one of vial, ampoule,"
                " prefilled-syringe.",
                "line 2, column volume_ml: '2.555' is not a volume in ml such as 5 or 2.5.",
            ],
            id="bad-cells",
        ),
        pytest.param(
            csv_bytes([new_row(slug="hydra-boost")]),
            ["line 2, column slug: The slug hydra-boost belongs to another product."],
            id="slug-of-another-product",
        ),
        pytest.param(
            csv_bytes([new_row()]) + b"DQ-SHORT-1,Short row\r\n",
            ["line 3: 2 cells, where the header row has 20."],
            id="short-row",
        ),
        pytest.param(
            csv_bytes([new_row()], OLDER_COLUMNS) + b"DQ-SHORT-1,Short row\r\n",
            ["line 3: 2 cells, where the header row has 15."],
            id="short-row-without-protocol-columns",
        ),
        pytest.param(
            without_column("interval_days"),
            ["line 1, column interval_days: this column is missing from the header row."],
            id="some-protocol-columns-only",
        ),
        pytest.param(
            csv_bytes(
                [
                    new_row(
                        sessions="eight",
                        interval_days="2 weeks",
                        repeat_months="12",
                        volume_per_session="scalp:2.5|elbow:1",
                    )
                ]
            ),
            [
                "line 2, column sessions: 'eight' is not a number of sessions such as 4 or 8-12.",
                "line 2, column interval_days: '2 weeks' is not a whole number of days.",
                "line 2, column volume_per_session: 'elbow' is not a treatment area: one of"
                " face, neck-decollete, body, scalp, hands.",
            ],
            id="bad-protocol-cells",
        ),
        pytest.param(
            csv_bytes(
                [
                    new_row(
                        sessions="12-8",
                        interval_days="14",
                        repeat_months="12",
                        volume_per_session="face:2",
                    )
                ]
            ),
            [
                "line 2, column sessions: The most sessions cannot be fewer than the fewest.",
                "line 2, column volume_per_session: None of the product's indications is on"
                " the face: leave it empty, or add such an indication.",
            ],
            id="protocol-against-the-rules",
        ),
    ],
)
def test_a_bad_file_is_reported_by_line_and_column_and_changes_nothing(catalogue, data, expected):
    token, events, products = current_token(), audit_count(), product_count()
    assert [str(problem) for problem in plan_import(data).problems] == expected
    with pytest.raises(ProductImportRefused) as refused:
        import_products(None, data)
    db.session.rollback()
    assert [str(problem) for problem in refused.value.problems] == expected
    assert (current_token(), audit_count(), product_count()) == (token, events, products)


def test_one_bad_row_imports_nothing(catalogue):
    update = {**exported_rows()[1], "price": "1.00"}
    data = csv_bytes([update, new_row(), new_row(sku="DQ-BAD-1", slug="bad", units_per_pack="0")])
    with pytest.raises(ProductImportRefused) as refused:
        import_products(None, data)
    db.session.rollback()
    # Lines are the file's: the exported row's two-line description takes lines 2 and 3.
    assert [str(p) for p in refused.value.problems] == [
        "line 5, column units_per_pack: A pack holds 1 to 1000 units."
    ]
    assert find_product_by_sku("DQ-NEW-1") is None
    assert find_product_by_sku(update["sku"]).price_cents != 100


def test_a_utf8_file_with_a_byte_order_mark_reads_as_utf8(catalogue):
    plan = plan_import(b"\xef\xbb\xbf" + csv_bytes([new_row(name="Crème légère")]))
    assert plan.problems == [] and plan.rows[0].fields.name == "Crème légère"


# The command line --------------------------------------------------------------------------


def test_the_cli_dry_run_prints_the_plan_and_changes_nothing(catalogue, runner, tmp_path):
    path = tmp_path / "products.csv"
    path.write_bytes(csv_bytes([new_row(), {**exported_rows()[0], "name": "Renamed"}]))
    result = runner.invoke(args=["shop", "import-products", str(path)])
    assert result.exit_code == 0, result.output
    assert "line 2: create DQ-NEW-1" in result.output
    assert "line 3: update DQ-FORMULA-1 (name)" in result.output
    assert "dry run: 1 to create, 1 to update, 0 unchanged; nothing changed" in result.output
    assert find_product_by_sku("DQ-NEW-1") is None

    applied = runner.invoke(args=["shop", "import-products", str(path), "--apply"])
    assert applied.exit_code == 0, applied.output
    assert "imported: 1 created, 1 updated, 0 unchanged" in applied.output
    assert find_product_by_sku("DQ-FORMULA-1").name == "Renamed"
    # The system made these changes: no actor.
    assert (
        db.session.scalar(select(AuditEvent.actor_id).where(AuditEvent.action == "product.create"))
        is None
    )


def test_the_cli_lists_each_problem_and_exits_non_zero(catalogue, runner, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(
        csv_bytes(
            [
                new_row(sku="DQ-A-1", slug="a"),
                new_row(sku="DQ-B-1", slug="b"),
                new_row(price="abc", indications="nowhere"),
            ]
        )
    )
    result = runner.invoke(args=["shop", "import-products", str(path), "--apply"])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "line 4, column price: 'abc' is not a price such as 149.50.",
        "line 4, column indications: there is no indication 'nowhere': create it first.",
        f"Error: 2 problems in {path}: nothing imported",
    ]
    assert find_product_by_sku("DQ-A-1") is None


def test_the_cli_refuses_a_missing_file_in_one_line(runner, tmp_path):
    result = runner.invoke(args=["shop", "import-products", str(tmp_path / "nope.csv")])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"Error: cannot read {tmp_path / 'nope.csv'}: No such file or directory"
    ]


def test_the_cli_exports_what_the_importer_reads(catalogue, runner, tmp_path):
    path = tmp_path / "out.csv"
    result = runner.invoke(args=["shop", "export-products", "--output", str(path)])
    assert result.exit_code == 0, result.output
    assert path.read_bytes() == export_products().encode("utf-8")
    again = runner.invoke(args=["shop", "import-products", str(path)])
    assert "dry run: 0 to create, 0 to update, 2 unchanged" in again.output


# The back office ---------------------------------------------------------------------------

_CONTENT = re.compile(r'name="content" type="hidden" value="([^"]+)"')


def upload(client, csrf_token, data: bytes, filename: str = "products.csv"):
    token = csrf_token("/admin/products/import")
    return client.post(
        "/admin/products/import",
        data={"csrf_token": token, "file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def test_the_import_page_reports_problems_by_line_and_column(catalogue, client, admin, csrf_token):
    response = upload(client, csrf_token, csv_bytes([new_row(price="12,5x")]), "mine.csv")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "1 problem in mine.csv: nothing was imported" in page
    assert re.search(r"<td>2</td><td[^>]*>price</td><td>&#39;12,5x&#39; is not a price", page)
    assert 'name="content"' not in page  # nothing to confirm


def test_the_import_page_shows_the_plan_and_its_confirmation_applies_that_file(
    catalogue, client, admin, csrf_token
):
    response = upload(client, csrf_token, csv_bytes([new_row()]))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Dry run of products.csv: 1 to create, 0 to update, 0 unchanged" in page
    assert find_product_by_sku("DQ-NEW-1") is None
    carried = _CONTENT.search(page).group(1)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)

    applied = client.post(
        "/admin/products/import/apply", data={"csrf_token": token, "content": carried}
    )
    assert applied.status_code == 302 and applied.location.endswith("/admin/products")
    product = find_product_by_sku("DQ-NEW-1")
    assert product is not None
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "product.create"))
    assert (event.actor_id, event.subject_id) == (admin.id, product.id)
    assert "Imported: 1 created, 0 updated, 0 unchanged." in client.get("/admin/products").get_data(
        as_text=True
    )


def test_an_altered_confirmation_imports_nothing(catalogue, client, admin, csrf_token):
    page = upload(client, csrf_token, csv_bytes([new_row()])).get_data(as_text=True)
    carried = _CONTENT.search(page).group(1)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    other = csv_bytes([new_row(sku="DQ-EVIL-1", slug="evil")])
    import base64
    import zlib

    forged = base64.urlsafe_b64encode(zlib.compress(other)).decode() + carried[carried.index(".") :]
    for content in (forged, carried[:-2] + "xx"):
        response = client.post(
            "/admin/products/import/apply", data={"csrf_token": token, "content": content}
        )
        assert response.status_code == 302 and response.location.endswith("/admin/products/import")
    assert find_product_by_sku("DQ-EVIL-1") is None and find_product_by_sku("DQ-NEW-1") is None


def test_the_export_link_downloads_the_catalogue_as_csv(catalogue, client, admin):
    response = client.get("/admin/products.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert re.fullmatch(
        r'attachment; filename="products-\d{4}-\d{2}-\d{2}\.csv"',
        response.headers["Content-Disposition"],
    )
    assert response.get_data() == export_products().encode("utf-8")
    listing = client.get("/admin/products").get_data(as_text=True)
    assert 'href="/admin/products.csv"' in listing and 'href="/admin/products/import"' in listing


def test_weight_and_cold_chain_travel_with_the_csv_and_an_older_file_keeps_them(catalogue):
    hydra = find_product_by_sku("DQ-HYDRA-5")
    hydra.weight_g, hydra.requires_cold_chain = 180, True
    db.session.commit()
    [row] = [r for r in exported_rows() if r["sku"] == "DQ-HYDRA-5"]
    assert (row["weight_g"], row["cold_chain"]) == ("180", "yes")

    # A file written before the columns existed changes the price and leaves them be.
    older = csv_bytes([{**row, "price": "155.00"}], columns=COLUMNS)
    import_products(None, older)
    db.session.commit()
    assert (hydra.price_cents, hydra.weight_g, hydra.requires_cold_chain) == (15500, 180, True)

    newer = csv_bytes(
        [{**row, "price": "155.00", "weight_g": "95", "cold_chain": "no"}],
        columns=COLUMNS + OPTIONAL_COLUMNS,
    )
    plan = import_products(None, newer)
    db.session.commit()
    assert plan.rows[0].changed == ["weight_g", "cold_chain"]
    assert (hydra.weight_g, hydra.requires_cold_chain) == (95, False)


def test_a_weight_that_is_not_whole_grams_is_reported_on_its_line(catalogue):
    [row] = [r for r in exported_rows() if r["sku"] == "DQ-HYDRA-5"]
    plan = plan_import(
        csv_bytes(
            [{**row, "weight_g": "1.5 kg", "cold_chain": "maybe"}],
            columns=COLUMNS + OPTIONAL_COLUMNS,
        )
    )
    assert [(p.line, p.column, p.message) for p in plan.problems] == [
        (2, "weight_g", "'1.5 kg' is not a whole number of grams."),
        (2, "cold_chain", "'maybe' is not yes or no."),
    ]

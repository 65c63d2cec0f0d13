"""Back-office stock pages: a product's lots and ledger with the actions on them, the
low-stock and expiring-lot reports, and the recall of a lot (page and CSV)."""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_sqlalchemy.pagination import SelectPagination
from sqlalchemy import or_, select

from shop.admin.blueprint import bp
from shop.admin.stock_forms import (
    LotAdjustForm,
    LotReceiveForm,
    LotWriteOffForm,
    LowStockThresholdForm,
    RecallSearchForm,
)
from shop.catalog.models import Product
from shop.extensions import db
from shop.inventory.adjustments import (
    adjust_lot,
    receive_lot,
    set_low_stock_threshold,
    write_off_expired_lot,
)
from shop.inventory.enums import MovementKind
from shop.inventory.errors import InventoryError
from shop.inventory.models import StockLot
from shop.inventory.reports import (
    EXPIRY_WINDOW_DAYS,
    expiring_lots,
    lots_of,
    low_stock_products,
)
from shop.inventory.services import availability_for
from shop.orders.lots import ledger_of, recall, recall_csv, recall_filename


class RowPagination(SelectPagination):
    """Flask-SQLAlchemy's pagination of a select, keeping whole rows instead of their first
    column: the ledger's rows carry the movement with its lot, author and order."""

    def _query_items(self) -> list:
        select_ = self._query_args["select"].limit(self.per_page).offset(self._query_offset)
        return list(self._query_args["session"].execute(select_).all())


PRODUCTS_PER_PAGE = 50
MOVEMENTS_PER_PAGE = 50

# Which field of a form an inventory refusal belongs under (the first: any other refusal).
RECEIVE_FIELDS = {
    InventoryError.INVALID_LOT: "lot_number",
    InventoryError.LOT_EXPIRED: "expires_on",
    InventoryError.LOT_CONFLICT: "expires_on",
    InventoryError.INVALID_QUANTITY: "quantity",
}
ADJUST_FIELDS = {
    InventoryError.BELOW_RESERVED: "change",
    InventoryError.INVALID_QUANTITY: "change",
    InventoryError.REASON_REQUIRED: "reason",
    InventoryError.LOT_NOT_FOUND: "lot_id",
}


def _product_by_sku(sku: str) -> Product:
    product = db.session.scalar(select(Product).where(Product.sku == sku))
    if product is None:
        abort(404, description=f"No product has the SKU {sku[:40]!r}.")
    return product


def _adjust_form(lots, formdata=None) -> LotAdjustForm:
    form = LotAdjustForm(prefix="adjust", formdata=formdata)
    form.lot_id.choices = [
        (
            lot.lot_id,
            f"{lot.lot_number}, expires {lot.expires_on}: {lot.on_hand} on hand,"
            f" {lot.reserved} held",
        )
        for lot in lots
    ]
    return form


def _product_page(product: Product, *, status: int = 200, **forms):
    lots = lots_of(product)
    forms.setdefault("receive_form", LotReceiveForm(prefix="receive", formdata=None))
    forms.setdefault("adjust_form", _adjust_form(lots, formdata=None))
    forms.setdefault(
        "threshold_form",
        LowStockThresholdForm(
            prefix="threshold", formdata=None, threshold=product.low_stock_threshold
        ),
    )
    ledger = RowPagination(
        select=ledger_of(product),
        session=db.session(),
        page=request.args.get("page", 1, type=int),
        per_page=MOVEMENTS_PER_PAGE,
        error_out=False,
    )
    sellable = availability_for([product.id])[product.id]
    html = render_template(
        "admin/stock/product.html",
        product=product,
        lots=lots,
        sellable=sellable,
        ledger=ledger,
        write_off_form=LotWriteOffForm(prefix="write-off", formdata=None),
        expiry_window=EXPIRY_WINDOW_DAYS,
        kind_labels={kind.value: kind.label for kind in MovementKind},
        **forms,
    )
    return html, status


@bp.get("/stock")
def stock_overview():
    search = request.args.get("q", "").strip()[:80]
    query = select(Product).order_by(Product.name, Product.id)
    if search:
        pattern = f"%{search}%"
        query = query.where(or_(Product.sku.ilike(pattern), Product.name.ilike(pattern)))
    pagination = db.paginate(
        query,
        page=request.args.get("page", 1, type=int),
        per_page=PRODUCTS_PER_PAGE,
        error_out=False,
    )
    sellable = availability_for([product.id for product in pagination.items])
    return render_template(
        "admin/stock/overview.html",
        pagination=pagination,
        sellable=sellable,
        search=search,
        low_count=len(low_stock_products()),
        expiring_count=len(expiring_lots()),
        expiry_window=EXPIRY_WINDOW_DAYS,
    )


@bp.get("/stock/low")
def stock_low():
    return render_template("admin/stock/low.html", rows=low_stock_products())


@bp.get("/stock/expiring")
def stock_expiring():
    return render_template(
        "admin/stock/expiring.html", rows=expiring_lots(), expiry_window=EXPIRY_WINDOW_DAYS
    )


@bp.get("/stock/<sku>")
def stock_product(sku: str):
    return _product_page(_product_by_sku(sku))


def _back_to(product: Product):
    return redirect(url_for("admin.stock_product", sku=product.sku))


def _sentence(message: str) -> str:
    """Inventory's messages as a field error: capitalised, with a full stop."""
    message = message[:1].upper() + message[1:]
    return message if message.endswith(".") else message + "."


def _change(product: Product, form, form_name: str, fields: dict, change: Callable[[], str]):
    """Validate a form of the product's page, make the change, commit, and go back with its
    message; or show the page again with the refusal under its field, nothing changed."""
    if form.validate_on_submit():
        try:
            message = change()
            db.session.commit()
        except InventoryError as error:
            db.session.rollback()
            field = fields.get(error.code, next(iter(fields.values())))
            getattr(form, field).errors.append(_sentence(error.message))
        else:
            flash(message, "success")
            return _back_to(product)
    return _product_page(product, status=400, **{form_name: form})


@bp.post("/stock/<sku>/receive")
def stock_receive(sku: str):
    product = _product_by_sku(sku)
    form = LotReceiveForm(prefix="receive")

    def receive() -> str:
        lot = receive_lot(
            product,
            lot_number=form.lot_number.data,
            expires_on=form.expires_on.data,
            quantity=form.quantity.data,
            note=(form.note.data or "").strip(),
            actor=current_user,
        )
        return (
            f"Received {form.quantity.data} pack(s) of lot {lot.lot_number}: "
            f"{lot.quantity_on_hand} on hand."
        )

    return _change(product, form, "receive_form", RECEIVE_FIELDS, receive)


@bp.post("/stock/<sku>/adjust")
def stock_adjust(sku: str):
    product = _product_by_sku(sku)
    form = _adjust_form(lots_of(product), formdata=request.form)

    def adjust() -> str:
        lot = adjust_lot(
            form.lot_id.data, change=form.change.data, reason=form.reason.data, actor=current_user
        )
        return (
            f"Lot {lot.lot_number} adjusted by {form.change.data:+d}: "
            f"{lot.quantity_on_hand} on hand."
        )

    return _change(product, form, "adjust_form", ADJUST_FIELDS, adjust)


@bp.post("/stock/lots/<int:lot_id>/write-off")
def stock_write_off(lot_id: int):
    lot = db.get_or_404(StockLot, lot_id)
    product = lot.product
    form = LotWriteOffForm(prefix="write-off")
    if not form.validate_on_submit() or form.lot_id.data != str(lot_id):
        flash("The write-off form was incomplete or out of date: nothing was written off.", "error")
        return _back_to(product)
    try:
        packs = write_off_expired_lot(lot_id, actor=current_user)
        db.session.commit()
    except InventoryError as error:
        # Typically another administrator wrote it off, or adjusted it, first.
        db.session.rollback()
        flash(error.message, "error")
    else:
        flash(f"Lot {lot.lot_number}: {packs} expired pack(s) written off.", "success")
    return _back_to(product)


@bp.post("/stock/<sku>/threshold")
def stock_threshold(sku: str):
    product = _product_by_sku(sku)
    form = LowStockThresholdForm(prefix="threshold")

    def save() -> str:
        set_low_stock_threshold(product.id, form.threshold.data, actor=current_user)
        return f"{product.sku} is reported low below {form.threshold.data} sellable pack(s)."

    return _change(product, form, "threshold_form", {"": "threshold"}, save)


def _recall_search():
    """The search form, filled from the query string, and the recall when it is valid."""
    form = RecallSearchForm(formdata=request.args if "lot" in request.args else None)
    if "lot" in request.args and form.validate():
        return form, recall(form.lot.data)
    return form, None


@bp.get("/recall")
def stock_recall():
    form, report = _recall_search()
    status = 400 if form.errors else 200
    return render_template("admin/stock/recall.html", form=form, report=report), status


@bp.get("/recall.csv")
def stock_recall_csv():
    if "lot" not in request.args:
        # A download link without its lot: the search page asks for one.
        flash("Give the lot number to recall, then download its CSV.", "info")
        return redirect(url_for("admin.stock_recall"))
    form, report = _recall_search()
    if report is None:
        abort(400, description=form.lot.errors[0])
    if not report.found:
        abort(404, description=f"No lot numbered {report.lot_number} is on file.")
    return Response(
        recall_csv(report),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{recall_filename(report.lot_number)}"'
        },
    )

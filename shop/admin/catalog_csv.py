"""The back office's products as CSV: the export, and an import checked by a dry run
before it is applied.

The confirmation applies the very file that was checked: its bytes travel in the
page signed with the application's secret and dated, so an altered or stale form is
refused, and nothing is kept on the server between the two steps.
"""

from __future__ import annotations

import base64
import zlib

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from itsdangerous import BadSignature, TimestampSigner

from shop.admin.blueprint import bp
from shop.admin.catalog_forms import ProductImportApplyForm, ProductImportForm
from shop.catalog.csv_io import (
    MAX_IMPORT_BYTES,
    ImportPlan,
    ProductImportRefused,
    RowAction,
    export_products,
    import_products,
    plan_import,
)
from shop.database import utcnow
from shop.extensions import db

CONFIRM_WITHIN_SECONDS = 3600


def _signer() -> TimestampSigner:
    return TimestampSigner(current_app.secret_key, salt="admin.product-import")


def _carry(data: bytes) -> str:
    return _signer().sign(base64.urlsafe_b64encode(zlib.compress(data))).decode("ascii")


def _carried(token: str) -> bytes:
    """The file a dry run checked; BadSignature when altered or older than an hour."""
    packed = _signer().unsign(token, max_age=CONFIRM_WITHIN_SECONDS)
    return zlib.decompress(base64.urlsafe_b64decode(packed))


def _import_page(form, plan: ImportPlan | None = None, apply_form=None, filename: str = ""):
    status = 400 if form.errors or (plan is not None and plan.problems) else 200
    return (
        render_template(
            "admin/catalog/product_import.html",
            form=form,
            plan=plan,
            apply_form=apply_form,
            filename=filename,
        ),
        status,
    )


@bp.route("/products/import", methods=["GET", "POST"])
def product_import():
    form = ProductImportForm()
    if not form.validate_on_submit():
        return _import_page(form)
    data = form.file.data.read(MAX_IMPORT_BYTES + 1)
    plan = plan_import(data)
    apply_form = None
    if not plan.problems and plan.changes:
        apply_form = ProductImportApplyForm(formdata=None, content=_carry(data))
    return _import_page(form, plan, apply_form, form.file.data.filename or "")


@bp.post("/products/import/apply")
def product_import_apply():
    # The signed file is a form field: allow it the size of the largest file, compressed.
    request.max_form_memory_size = 2 * MAX_IMPORT_BYTES
    form = ProductImportApplyForm()
    try:
        if not form.validate_on_submit():
            raise BadSignature("no valid form")
        data = _carried(form.content.data)
    except BadSignature:
        flash(
            "That confirmation had expired or was altered: nothing was imported."
            " Check the file again.",
            "error",
        )
        return redirect(url_for("admin.product_import"))
    try:
        plan = import_products(current_user, data)
        db.session.commit()
    except ProductImportRefused as refused:
        db.session.rollback()
        return _import_page(ProductImportForm(formdata=None), ImportPlan(refused.problems))
    flash(
        f"Imported: {plan.count(RowAction.CREATE)} created, {plan.count(RowAction.UPDATE)}"
        f" updated, {plan.count(RowAction.UNCHANGED)} unchanged.",
        "success",
    )
    return redirect(url_for("admin.product_list"))


@bp.get("/products.csv")
def product_export():
    filename = f"products-{utcnow():%Y-%m-%d}.csv"
    return Response(
        export_products(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )

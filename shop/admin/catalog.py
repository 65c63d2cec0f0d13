"""The back office's catalogue: products, and the brands, ingredients and indications
they are described with. Views parse the form, call one service, commit, redirect."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from shop.admin.blueprint import bp
from shop.admin.catalog_forms import (
    ACTIVE_CHOICES,
    ProductDeleteForm,
    ProductEditForm,
    ProductFilterForm,
    ProductPictureForm,
    ProductPictureUploadForm,
    ProtocolForm,
    TermCreateForm,
    TermMergeForm,
    TermRenameForm,
)
from shop.audit.models import AuditEvent
from shop.catalog.editing import (
    BRANDS,
    INDICATIONS,
    INGREDIENTS,
    ProductFields,
    TermKind,
    add_product,
    add_term,
    admin_product_query,
    admin_term_query,
    count_products_of,
    edit_product,
    list_term_choices,
    products_of,
    rename_term,
)
from shop.catalog.enums import TaxClass, TreatmentArea
from shop.catalog.errors import CatalogError, CatalogFieldErrors
from shop.catalog.merging import merge_terms
from shop.catalog.models import Brand, Indication, Ingredient, Product
from shop.catalog.services import CompositionLine
from shop.catalog.values import decimal_text, format_price, price_cents, slug_from
from shop.extensions import db
from shop.orders.product_removal import Removal, remove_product, why_product_is_kept

PRODUCTS_PER_PAGE = 25
TERMS_PER_PAGE = 50
HISTORY_LENGTH = 20


def _history(subject_type: str, subject_id: int) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.subject_type == subject_type, AuditEvent.subject_id == subject_id)
            .order_by(AuditEvent.id.desc())
            .limit(HISTORY_LENGTH)
        )
    )


def _show_errors(form, errors: dict[str, str]) -> None:
    """Put each refusal of the catalogue beside its field (composition rows by index)."""
    for name, message in errors.items():
        if name.startswith("composition-"):
            _, index, sub = name.split("-", 2)
            target = getattr(form.composition.entries[int(index)].form, sub, None)
        elif name.startswith("protocol-") and hasattr(form, "protocol"):
            sub = name.removeprefix("protocol-").replace("-", "_")
            target = getattr(form.protocol.form, sub, None)
        else:
            target = getattr(form, name, None)
        if target is None:
            form.form_errors.append(message)
        else:
            target.errors = [*target.errors, message]


# Products -----------------------------------------------------------------------------


@bp.get("/products")
def product_list():
    form = ProductFilterForm(request.args)
    brands = db.session.scalars(select(Brand).order_by(Brand.name)).all()
    form.brand.choices = [("", "Any brand"), *((b.slug, b.name) for b in brands)]
    active = {"yes": True, "no": False}.get(form.active.data or "")
    if not form.validate():
        problems = [
            f"{form[name].label.text}: {error}"
            for name, errors in form.errors.items()
            for error in errors
        ]
        abort(400, description=" ".join(problems))
    pagination = db.paginate(
        admin_product_query(
            q=form.q.data or "",
            brand_slug=form.brand.data or "",
            active=active,
            profession=form.profession.data or None,
        ),
        page=request.args.get("page", 1, type=int),
        per_page=PRODUCTS_PER_PAGE,
        error_out=False,
    )
    filters = {
        name: value
        for name in ("q", "brand", "active", "profession")
        if (value := request.args.get(name))
    }
    return render_template(
        "admin/catalog/product_list.html",
        form=form,
        pagination=pagination,
        filters=filters,
        active_choices=ACTIVE_CHOICES,
    )


def _prepare(form: ProductEditForm) -> dict:
    """The form's choices, and what the page shows beside it."""
    form.brand.choices = [
        (brand.id, brand.name) for brand in db.session.scalars(select(Brand).order_by(Brand.name))
    ]
    indications = db.session.scalars(select(Indication).order_by(Indication.name)).all()
    form.indications.choices = [(indication.id, indication.name) for indication in indications]
    groups = [(area.label, [i for i in indications if i.area == area]) for area in TreatmentArea]
    ingredients = db.session.scalars(select(Ingredient).order_by(Ingredient.name)).all()
    return {
        "indication_groups": [(label, items) for label, items in groups if items],
        "ingredient_names": [ingredient.name for ingredient in ingredients],
        "ingredients": ingredients,
    }


@dataclass
class _Chosen:
    """The brand, composition and indications the form names, as catalogue rows."""

    brand: Brand | None
    composition: list[CompositionLine]
    indications: list[Indication]
    usable: bool


def _resolve(form: ProductEditForm, ingredients: list[Ingredient]) -> _Chosen:
    """Look up what the form names, each unknown one an error beside its field."""
    usable = True
    brand = db.session.get(Brand, form.brand.data) if form.brand.data else None
    if brand is None:
        form.brand.errors = [*form.brand.errors, "Choose a brand."]
        usable = False
    by_text = {ingredient.slug: ingredient for ingredient in ingredients}
    by_text.update({ingredient.name.casefold(): ingredient for ingredient in ingredients})
    composition = []
    for row in form.composition.entries:
        text = (row.form.ingredient.data or "").strip()
        if not text:
            continue
        ingredient = by_text.get(text) or by_text.get(text.casefold())
        if ingredient is None:
            row.form.ingredient.errors = [
                *row.form.ingredient.errors,
                f"There is no ingredient “{text}”: create it first, or pick one from the list.",
            ]
            usable = False
            continue
        if not row.form.concentration_value.errors:
            value, unit = row.form.concentration()
            composition.append(CompositionLine(ingredient, value, unit))
    indications = [db.session.get(Indication, i) for i in form.indications.data or []]
    if any(indication is None for indication in indications):
        form.indications.errors = [
            *form.indications.errors,
            "An indication you chose no longer exists; choose again.",
        ]
        usable = False
    return _Chosen(brand, composition, indications, usable)


def _fields_from(form: ProductEditForm, chosen: _Chosen) -> ProductFields:
    """The validated form's values as the catalogue takes them."""
    return ProductFields(
        sku=form.sku.data.strip(),
        slug=(form.slug.data or "").strip() or slug_from(form.name.data),
        name=form.name.data.strip(),
        brand=chosen.brand,
        form=form.form.data,
        volume_ml=Decimal(form.volume_ml.data.strip()),
        units_per_pack=int(form.units_per_pack.data.strip()),
        price_cents=price_cents(form.price.data),
        currency=form.currency.data,
        description=form.description.data or "",
        contraindications=form.contraindications.data or "",
        composition=chosen.composition,
        indications=chosen.indications,
        professions=form.professions.data or [],
        is_active=form.is_active.data,
        weight_g=int((form.weight_g.data or "").strip() or "0"),
        requires_cold_chain=form.requires_cold_chain.data,
        protocol=form.protocol.form.protocol(),
        tax_class=TaxClass(form.tax_class.data),
    )


def _composition_rows_changed(form: ProductEditForm) -> bool:
    """Add or remove a composition row: the page comes back with the change, nothing saved."""
    if form.add_row.data:
        form.composition.append_entry()
        return True
    removed = request.form.get("remove_row", type=int)
    if removed is not None and 0 <= removed < len(form.composition.entries):
        form.composition.entries.pop(removed)
        if not form.composition.entries:
            form.composition.append_entry()
        return True
    return False


def picture_forms(product: Product | None, refused=None) -> list:
    """A form per picture of the product (its alt text and buttons); ``refused``, the one
    just sent with its errors, takes its picture's place."""
    if product is None:
        return []
    forms = []
    for link in product.images:
        form = ProductPictureForm(
            formdata=None, prefix=f"picture-{link.id}", data={"alt_text": link.alt_text}
        )
        if refused is not None and refused[0] == link.id:
            form = refused[1]
        forms.append((link, form))
    return forms


def _product_form_page(
    form,
    product: Product | None,
    context: dict,
    status: int = 200,
    *,
    upload_form=None,
    refused_picture=None,
):
    return (
        render_template(
            "admin/catalog/product_form.html",
            form=form,
            product=product,
            kept_because=why_product_is_kept(product) if product is not None else None,
            delete_form=ProductDeleteForm(formdata=None),
            history=_history("product", product.id) if product is not None else [],
            refused=status == 400 and upload_form is None and refused_picture is None,
            upload_form=upload_form or ProductPictureUploadForm(formdata=None),
            pictures=picture_forms(product, refused_picture),
            **context,
        ),
        status,
    )


def product_page(product: Product, *, status: int = 200, **pictures):
    """The product's page as saved, with a picture form sent back with its errors."""
    form = ProductEditForm(formdata=None, data=_form_data(product))
    return _product_form_page(form, product, _prepare(form), status, **pictures)


def _save_product(form: ProductEditForm, product: Product | None):
    context = _prepare(form)
    if request.method == "POST" and not _composition_rows_changed(form):
        valid = form.validate_on_submit()
        # Looked up even when a field is wrong, so every error shows at once.
        chosen = _resolve(form, context["ingredients"])
        if valid and chosen.usable:
            fields = _fields_from(form, chosen)
            try:
                if product is None:
                    product = add_product(current_user, fields)
                    done = "created"
                else:
                    edit_product(current_user, product, fields)
                    done = "saved"
                db.session.commit()
            except CatalogFieldErrors as error:
                db.session.rollback()
                _show_errors(form, error.errors)
            else:
                flash(f"{product.name} ({product.sku}) {done}.", "success")
                return redirect(url_for("admin.product_edit", product_id=product.id))
        return _product_form_page(form, product, context, 400)
    return _product_form_page(form, product, context)


@bp.route("/products/new", methods=["GET", "POST"])
def product_create():
    form = ProductEditForm()
    if request.method == "GET":
        form.composition.append_entry()
    return _save_product(form, None)


def _form_data(product: Product) -> dict:
    return {
        "name": product.name,
        "sku": product.sku,
        "slug": product.slug,
        "brand": product.brand_id,
        "form": str(product.form),
        "volume_ml": decimal_text(product.volume_ml),
        "units_per_pack": str(product.units_per_pack),
        "price": format_price(product.price_cents),
        "currency": product.currency,
        "weight_g": str(product.weight_g),
        "requires_cold_chain": product.requires_cold_chain,
        "tax_class": str(product.tax_class),
        "description": product.description,
        "contraindications": product.contraindications,
        "composition": [
            {
                "ingredient": line.ingredient.name,
                "concentration_value": decimal_text(line.concentration_value),
                "concentration_unit": str(line.concentration_unit or ""),
            }
            for line in product.composition
        ]
        or [{}],
        "indications": [indication.id for indication in product.indications],
        "professions": [str(profession) for profession in product.professions],
        "is_active": product.is_active,
        "protocol": _protocol_data(product),
    }


def _protocol_data(product: Product) -> dict:
    protocol = product.protocol
    if protocol is None:
        return {}
    volumes = protocol.volume_by_area
    return {
        "sessions_min": str(protocol.sessions_min),
        "sessions_max": str(protocol.sessions_max),
        "interval_days": str(protocol.interval_days),
        "repeat_months": str(protocol.repeat_months),
        "patient_contraindications": protocol.patient_contraindications,
        **{
            ProtocolForm.volume_name(area): decimal_text(volume) for area, volume in volumes.items()
        },
    }


@bp.route("/products/<int:product_id>", methods=["GET", "POST"])
def product_edit(product_id: int):
    product = db.get_or_404(Product, product_id)
    form = (
        ProductEditForm() if request.method == "POST" else ProductEditForm(data=_form_data(product))
    )
    return _save_product(form, product)


@bp.post("/products/<int:product_id>/delete")
def product_delete(product_id: int):
    product = db.get_or_404(Product, product_id)
    form = ProductDeleteForm()
    if not form.validate_on_submit():
        flash("The form had expired: nothing was changed. Try again.", "error")
        return redirect(url_for("admin.product_edit", product_id=product_id))
    name = f"{product.name} ({product.sku})"
    outcome = remove_product(current_user, product)
    db.session.commit()
    if outcome == Removal.DELETED:
        flash(f"{name} deleted.", "success")
        return redirect(url_for("admin.product_list"))
    kept_because = why_product_is_kept(product)
    if outcome == Removal.DEACTIVATED:
        flash(f"{name} was deactivated, not deleted. {kept_because}", "warning")
    else:
        flash(f"{name} was already inactive and cannot be deleted. {kept_because}", "warning")
    return redirect(url_for("admin.product_edit", product_id=product_id))


# Brands, ingredients and indications ---------------------------------------------------


def _term_list(kind: TermKind):
    form = TermCreateForm()
    refused = request.method == "POST"  # until the term is created
    if form.validate_on_submit():
        slug = (form.slug.data or "").strip() or slug_from(form.name.data)
        try:
            term = add_term(
                current_user,
                kind,
                name=form.name.data,
                slug=slug,
                ingredient_kind=form.ingredient_kind.data or None,
                area=form.area.data or None,
                country=(form.country.data or "").strip().upper() or None,
            )
            db.session.commit()
        except CatalogFieldErrors as error:
            db.session.rollback()
            _show_errors(form, error.errors)
        else:
            flash(f"{term.name} created.", "success")
            return redirect(url_for(f"admin.{kind.name}_edit", term_id=term.id))
    q = request.args.get("q", "").strip()[:100]
    pagination = db.paginate(
        admin_term_query(kind, q),
        page=request.args.get("page", 1, type=int),
        per_page=TERMS_PER_PAGE,
        error_out=False,
    )
    counts = count_products_of(kind, [term.id for term in pagination.items])
    return (
        render_template(
            "admin/catalog/term_list.html",
            kind=kind,
            form=form,
            q=q,
            pagination=pagination,
            counts=counts,
        ),
        400 if refused else 200,
    )


def _term_page(kind: TermKind, term, *, rename_form=None, merge_form=None, status: int = 200):
    rename_form = rename_form or TermRenameForm(formdata=None, obj=term)
    merge_form = merge_form or TermMergeForm(formdata=None)
    merge_form.survivor.choices = [
        (0, f"Choose the {kind.name} to keep"),
        *((value, label) for value, label in list_term_choices(kind) if value != term.id),
    ]
    return (
        render_template(
            "admin/catalog/term_edit.html",
            kind=kind,
            term=term,
            rename_form=rename_form,
            merge_form=merge_form,
            products=products_of(kind, term),
            history=_history(kind.name, term.id),
        ),
        status,
    )


def _term_edit(kind: TermKind, term_id: int):
    term = db.get_or_404(kind.model, term_id)
    if request.method == "GET":
        return _term_page(kind, term)
    form = TermRenameForm()
    if form.validate_on_submit():
        try:
            rename_term(current_user, kind, term, name=form.name.data, slug=form.slug.data.strip())
            db.session.commit()
        except CatalogFieldErrors as error:
            db.session.rollback()
            _show_errors(form, error.errors)
        else:
            flash(f"Saved: {term.name} ({term.slug}).", "success")
            return redirect(url_for(f"admin.{kind.name}_edit", term_id=term_id))
    return _term_page(kind, db.get_or_404(kind.model, term_id), rename_form=form, status=400)


def _term_merge(kind: TermKind, term_id: int):
    term = db.get_or_404(kind.model, term_id)
    form = TermMergeForm()
    form.survivor.choices = [(value, label) for value, label in list_term_choices(kind)]
    if form.validate_on_submit():
        name = term.name
        try:
            survivor = merge_terms(current_user, kind, term_id, form.survivor.data)
            db.session.commit()
        except CatalogError as error:
            db.session.rollback()
            flash(error.message, "error")
            return redirect(url_for(f"admin.{kind.name}_list"))
        flash(
            f"{name} merged into {survivor.name}: its products moved here,"
            " and its old address leads here.",
            "success",
        )
        return redirect(url_for(f"admin.{kind.name}_edit", term_id=survivor.id))
    return _term_page(kind, term, merge_form=form, status=400)


def _register_term_routes(kind: TermKind) -> None:
    def term_list():
        return _term_list(kind)

    def term_edit(term_id: int):
        return _term_edit(kind, term_id)

    def term_merge(term_id: int):
        return _term_merge(kind, term_id)

    base = f"/{kind.plural}"
    bp.add_url_rule(base, f"{kind.name}_list", term_list, methods=["GET", "POST"])
    bp.add_url_rule(
        f"{base}/<int:term_id>", f"{kind.name}_edit", term_edit, methods=["GET", "POST"]
    )
    bp.add_url_rule(
        f"{base}/<int:term_id>/merge", f"{kind.name}_merge", term_merge, methods=["POST"]
    )


for _kind in (BRANDS, INGREDIENTS, INDICATIONS):
    _register_term_routes(_kind)

"""The back office's pictures: uploaded on a product's page (and attached to it) or
several at once into the picture library, for the product CSV to name; a product's
pictures given their alt text, moved and taken off."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from shop.admin.blueprint import bp
from shop.admin.catalog import product_page
from shop.admin.catalog_forms import (
    PictureLibraryUploadForm,
    ProductDeleteForm,
    ProductPictureForm,
    ProductPictureUploadForm,
)
from shop.catalog.errors import CatalogError, CatalogFieldErrors
from shop.catalog.images import (
    change_alt_text,
    count_image_uses,
    delete_image,
    get_product_image,
    move_product_image,
    remove_product_image,
    upload_image,
    upload_product_image,
)
from shop.catalog.models import CatalogImage, Product
from shop.extensions import db
from shop.media.errors import ImageError
from shop.media.images import MAX_BYTES

PICTURES_PER_PAGE = 48


def _read(file) -> bytes:
    """At most one byte more than the largest picture, so a bigger one is refused unread."""
    return file.read(MAX_BYTES + 1)


@bp.post("/products/<int:product_id>/pictures")
def product_picture_upload(product_id: int):
    product = db.get_or_404(Product, product_id)
    form = ProductPictureUploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            link = upload_product_image(
                current_user, product, _read(upload), upload.filename or "", form.alt_text.data
            )
            db.session.commit()
        except ImageError as error:
            db.session.rollback()
            form.file.errors = [*form.file.errors, error.message]
        except CatalogFieldErrors as error:
            db.session.rollback()
            for name, message in error.errors.items():
                field = form.alt_text if name == "alt_text" else form.file
                field.errors = [*field.errors, message]
        else:
            flash(f"Picture added: {link.image.filename}.", "success")
            return redirect(
                url_for("admin.product_edit", product_id=product_id, _anchor="pictures")
            )
    return product_page(db.get_or_404(Product, product_id), status=400, upload_form=form)


@bp.post("/products/<int:product_id>/pictures/<int:link_id>")
def product_picture_change(product_id: int, link_id: int):
    product = db.get_or_404(Product, product_id)
    link = get_product_image(product, link_id)
    form = ProductPictureForm(prefix=f"picture-{link_id}")
    action = request.form.get("action", "save")
    back = redirect(url_for("admin.product_edit", product_id=product_id, _anchor="pictures"))
    if not form.validate_on_submit():
        flash("The form had expired: nothing was changed. Try again.", "error")
        return back
    filename = link.image.filename
    try:
        if action == "up":
            move_product_image(current_user, link, -1)
        elif action == "down":
            move_product_image(current_user, link, +1)
        elif action == "remove":
            remove_product_image(current_user, link)
        else:
            change_alt_text(current_user, link, form.alt_text.data or "")
        db.session.commit()
    except CatalogFieldErrors as error:
        db.session.rollback()
        form.alt_text.errors = list(error.errors.values())
        return product_page(
            db.get_or_404(Product, product_id), status=400, refused_picture=(link_id, form)
        )
    done = {"up": "moved up", "down": "moved down", "remove": "taken off the product"}
    flash(f"{filename} {done.get(action, 'saved')}.", "success")
    return back


@bp.route("/pictures", methods=["GET", "POST"])
def picture_list():
    form = PictureLibraryUploadForm()
    results: list[tuple[str, str]] = []  # (file name, what became of it)
    refused = False
    if form.validate_on_submit():
        for upload in form.files.data:
            name = upload.filename or "(no name)"
            try:
                image, new = upload_image(current_user, _read(upload), name)
                db.session.commit()
            except ImageError as error:
                db.session.rollback()
                refused = True
                results.append((name, f"Refused: {error.message}"))
            else:
                results.append(
                    (
                        name,
                        f"Stored as {image.filename}."
                        if new
                        else f"Already here as {image.filename}.",
                    )
                )
    elif request.method == "POST":
        refused = True
    pagination = db.paginate(
        select(CatalogImage).order_by(CatalogImage.filename),
        page=request.args.get("page", 1, type=int),
        per_page=PICTURES_PER_PAGE,
        error_out=False,
    )
    return (
        render_template(
            "admin/catalog/picture_list.html",
            form=form,
            results=results,
            pagination=pagination,
            uses=count_image_uses([image.id for image in pagination.items]),
            delete_form=ProductDeleteForm(formdata=None),
        ),
        400 if refused else 200,
    )


@bp.post("/pictures/<int:image_id>/delete")
def picture_delete(image_id: int):
    image = db.get_or_404(CatalogImage, image_id)
    form = ProductDeleteForm()
    if not form.validate_on_submit():
        flash("The form had expired: nothing was changed. Try again.", "error")
        return redirect(url_for("admin.picture_list"))
    filename = image.filename
    try:
        delete_image(current_user, image)
        db.session.commit()
    except CatalogError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        flash(f"{filename} deleted.", "success")
    return redirect(url_for("admin.picture_list"))

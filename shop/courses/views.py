"""The course planner, saved plans and patient leaflets: for verified professionals.

The planner is a GET form, so a plan has an address to share or come back to; adding
a plan to the cart and saving it are POSTs carrying the same parameters and the
products ticked.
"""

from __future__ import annotations

import functools
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from flask import (
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import select

from shop.catalog.enums import TreatmentArea
from shop.catalog.models import Indication, Product
from shop.catalog.values import decimal_text
from shop.checkout.errors import CartError
from shop.courses.blueprint import bp
from shop.courses.errors import CourseError, PlanFieldErrors
from shop.courses.leaflet import Leaflet, leaflet_for
from shop.courses.planning import (
    MAX_PATIENTS,
    MAX_SESSIONS,
    CoursePlanResult,
    PlanRequest,
    plan_course,
    plan_taxes,
    read_plan_request,
)
from shop.courses.plans import (
    add_plan_to_cart,
    chosen_lines,
    delete_plan,
    find_own_plan,
    list_plans,
    order_plan_again,
    plan_lines,
    plan_request_of,
    save_plan,
)
from shop.database import utcnow
from shop.extensions import db
from shop.licensing.gate import Destination, buyer_standing, buyer_verdict, today_at, verdict
from shop.licensing.services import current_licence
from shop.pdf import html_to_pdf
from shop.shipping.addresses import address_of, list_addresses
from shop.tax.services import place_name

PLAN_PARAMETERS = ("indication", "area", "patients", "sessions", "start")


@bp.app_template_filter("ml")
def millilitres(value: Decimal) -> str:
    """'250' for Decimal('250.00'), '2.5' for Decimal('2.50')."""
    return decimal_text(value)


def next_monday(today: date) -> date:
    return today + timedelta(days=7 - today.weekday())


@bp.before_request
@login_required
def _verified_professionals_only():
    """Every page here is for verified professionals; others learn why and what next."""
    standing = buyer_standing(current_user, today_at())
    if not standing.verified:
        return render_template("courses/closed.html", gate=buyer_verdict(standing)), 403
    return None


def _plan_args(source) -> dict[str, str]:
    return {name: source.get(name, "").strip() for name in PLAN_PARAMETERS if source.get(name)}


def _page(source) -> int:
    page = source.get("page", "1")
    return int(page) if page.isdigit() and 0 < int(page) < 10_000 else 1


def _tax_place():
    """Where the plan's tax is worked out for: the buyer's default clinic address, else
    their licence's country (and region)."""
    addresses = list_addresses(current_user)
    if addresses:
        return address_of(addresses[0])
    licence = current_licence(current_user, today=today_at())
    return Destination(licence.country, licence.region or "") if licence else None


def _taxes(lines) -> dict:
    place = _tax_place()
    if place is None:
        return {"taxes": {}, "tax_place": ""}
    return {
        "taxes": plan_taxes(lines, current_user, place, today_at()),
        "tax_place": place_name(place.country, place.region),
    }


def _planner_page(result: CoursePlanResult | None, errors: dict[str, str], status: int = 200):
    standing = buyer_standing(current_user, today_at())
    indications = db.session.scalars(select(Indication).order_by(Indication.name)).all()
    today = today_at()
    return render_template(
        "courses/planner.html",
        args=_plan_args(request.args),
        errors=errors,
        result=result,
        verdicts={
            line.product_id: verdict(standing, line) for line in (result.lines if result else [])
        },
        indication_groups=[
            (area, [i for i in indications if i.area == area]) for area in TreatmentArea
        ],
        areas=list(TreatmentArea),
        default_start=next_monday(today).isoformat(),
        today=today.isoformat(),
        max_patients=MAX_PATIENTS,
        max_sessions=MAX_SESSIONS,
        **_taxes(result.lines if result else []),
    ), status


@bp.get("")
def planner():
    if not any(request.args.get(name) for name in PLAN_PARAMETERS):
        return _planner_page(None, {})
    today = today_at()
    try:
        plan_request = read_plan_request(request.args, today=today)
    except PlanFieldErrors as error:
        return _planner_page(None, error.errors, 400)
    result = plan_course(plan_request, today=today, page=_page(request.args))
    return _planner_page(result, {})


def _back_to_planner():
    return redirect(url_for("courses.planner", **_plan_args(request.form)), 303)


def _posted_plan() -> tuple[PlanRequest, list]:
    today = today_at()
    plan_request = read_plan_request(request.form, today=today)
    products = [int(value) for value in request.form.getlist("product") if value.isdigit()]
    return plan_request, chosen_lines(plan_request, products, today=today)


@bp.post("/cart")
def add_to_cart():
    try:
        _plan_request, lines = _posted_plan()
        packs = add_plan_to_cart(current_user, lines, today=today_at())
    except (CourseError, CartError) as error:
        db.session.rollback()
        flash(error.message, "error")
        return _back_to_planner()
    db.session.commit()
    flash(
        f"The plan is in your cart: {packs} pack{'s' if packs != 1 else ''} of"
        f" {len(lines)} product{'s' if len(lines) != 1 else ''}.",
        "success",
    )
    return redirect(url_for("checkout.cart"), 303)


@bp.post("/plans")
def plan_create():
    try:
        plan_request, lines = _posted_plan()
        plan = save_plan(current_user, plan_request, lines, request.form.get("name", ""))
    except CourseError as error:
        db.session.rollback()
        flash(error.message, "error")
        return _back_to_planner()
    db.session.commit()
    flash(f"Plan “{plan.name}” saved. We will remind you when it is due again.", "success")
    return redirect(url_for("courses.plan_detail", plan_id=plan.id), 303)


@bp.get("/plans")
def plan_list():
    return render_template("courses/plan_list.html", plans=list_plans(current_user))


def _own_plan(plan_id: int):
    plan = find_own_plan(current_user, plan_id)
    if plan is None:
        abort(404)
    return plan


@bp.get("/plans/<int:plan_id>")
def plan_detail(plan_id: int):
    plan = _own_plan(plan_id)
    today = today_at()
    lines = plan_lines(plan, today=today)
    standing = buyer_standing(current_user, today_at())
    start = plan.first_session_on if plan.first_session_on >= today else next_monday(today)
    return render_template(
        "courses/plan_detail.html",
        plan=plan,
        lines=lines,
        verdicts={line.product_id: verdict(standing, line) for line in lines},
        missing=len(plan.items) - len(lines),
        next_start=start.isoformat(),
        today=today.isoformat(),
        **_taxes(lines),
    )


@bp.post("/plans/<int:plan_id>/order")
def plan_order(plan_id: int):
    plan = _own_plan(plan_id)
    text = request.form.get("start", "").strip()
    try:
        first_session = date.fromisoformat(text)
    except ValueError:
        flash("Give the first session's date of the new course.", "error")
        return redirect(url_for("courses.plan_detail", plan_id=plan_id), 303)
    try:
        lines = order_plan_again(current_user, plan, first_session, today=today_at(), now=utcnow())
    except (CourseError, CartError) as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("courses.plan_detail", plan_id=plan_id), 303)
    db.session.commit()
    packs = sum(line.packs for line in lines)
    flash(f"“{plan.name}” is in your cart again: {packs} packs for the new course.", "success")
    return redirect(url_for("checkout.cart"), 303)


@bp.post("/plans/<int:plan_id>/delete")
def plan_delete(plan_id: int):
    plan = _own_plan(plan_id)
    name = plan.name
    delete_plan(plan)
    db.session.commit()
    flash(f"Plan “{name}” deleted.", "success")
    return redirect(url_for("courses.plan_list"), 303)


# Leaflets ------------------------------------------------------------------------------


def _plan_leaflet(plan_id: int) -> tuple[Leaflet, str]:
    plan = _own_plan(plan_id)
    lines = plan_lines(plan, today=today_at())
    products = [item.product for item in plan.items if item.product.is_active]
    treated = plan_request_of(plan).treated
    return leaflet_for(current_user, products, lines, treated), f"plan-{plan.id}"


def _product_leaflet(slug: str) -> tuple[Leaflet, str]:
    product = db.session.scalar(select(Product).where(Product.slug == slug, Product.is_active))
    if product is None:
        abort(404)
    lines = []
    treated = ", ".join(indication.name for indication in product.indications)
    if any(request.args.get(name) for name in PLAN_PARAMETERS):
        today = today_at()
        try:
            plan_request = read_plan_request(request.args, today=today)
        except PlanFieldErrors as error:
            flash("No session dates: " + " ".join(error.errors.values()), "error")
        else:
            lines = plan_course(plan_request, today=today, product_ids=[product.id]).lines
            treated = plan_request.treated
    return leaflet_for(current_user, [product], lines, treated), product.slug


def _leaflet_page(leaflet: Leaflet, pdf_url: str, back_url: str):
    return render_template(
        "courses/leaflet.html", leaflet=leaflet, pdf_url=pdf_url, back_url=back_url
    )


@functools.cache
def _leaflet_css(static_folder: str) -> Markup:
    return Markup(Path(static_folder, "css", "leaflet.css").read_text(encoding="utf-8"))


def _leaflet_pdf(leaflet: Leaflet, name: str):
    html = render_template(
        "courses/leaflet_document.html",
        leaflet=leaflet,
        leaflet_css=_leaflet_css(current_app.static_folder),
    )
    response = make_response(html_to_pdf(html))
    response.mimetype = "application/pdf"
    response.headers["Content-Disposition"] = f'inline; filename="leaflet-{name}.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/plans/<int:plan_id>/leaflet")
def plan_leaflet(plan_id: int):
    leaflet, _name = _plan_leaflet(plan_id)
    return _leaflet_page(
        leaflet,
        url_for("courses.plan_leaflet_pdf", plan_id=plan_id),
        url_for("courses.plan_detail", plan_id=plan_id),
    )


@bp.get("/plans/<int:plan_id>/leaflet.pdf")
def plan_leaflet_pdf(plan_id: int):
    return _leaflet_pdf(*_plan_leaflet(plan_id))


@bp.get("/leaflet/<slug>")
def product_leaflet(slug: str):
    leaflet, _name = _product_leaflet(slug)
    args = _plan_args(request.args)
    return _leaflet_page(
        leaflet,
        url_for("courses.product_leaflet_pdf", slug=slug, **args),
        url_for("courses.planner", **args),
    )


@bp.get("/leaflet/<slug>.pdf")
def product_leaflet_pdf(slug: str):
    return _leaflet_pdf(*_product_leaflet(slug))

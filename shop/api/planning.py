"""``GET /api/v1/plan``: the course planner's computation as JSON, for anyone.

Like the rest of the API it is anonymous: with PRICES_VISIBLE_TO=verified, prices and
stock (with the lots) are null, as the OpenAPI document allows. Prices are as entered
(net of tax unless PRICES_ENTERED=gross), and "prices" says which.
"""

from __future__ import annotations

from flask import current_app, jsonify, request

from shop.api.blueprint import bp
from shop.courses.errors import CourseError
from shop.courses.planning import (
    DEFAULT_PER_PAGE,
    MAX_PER_PAGE,
    PlanLine,
    plan_course,
    read_plan_request,
)
from shop.licensing.gate import today_at


def _money(cents: int, currency: str) -> dict:
    return {"amount_cents": cents, "currency": currency}


def _item(line: PlanLine, shown: bool) -> dict:
    return {
        "sku": line.sku,
        "slug": line.slug,
        "name": line.name,
        "brand": line.brand,
        "sessions": line.sessions,
        "usual_sessions": {"min": line.sessions_min, "max": line.sessions_max},
        "interval_days": line.interval_days,
        "repeat_months": line.repeat_months,
        "session_dates": [day.isoformat() for day in line.session_dates],
        "volume_per_session_ml": float(line.volume_per_session_ml),
        "volume_needed_ml": float(line.volume_needed_ml),
        "pack_volume_ml": float(line.pack_volume_ml),
        "packs": line.packs,
        "price_per_pack": _money(line.pack_price_cents, line.currency) if shown else None,
        "cost": _money(line.cost_cents, line.currency) if shown else None,
        "stock": {
            "available": line.available,
            "covered": line.covered,
            "expires_before_last_session": line.expires_too_soon,
            "lots": [
                {
                    "lot_number": share.lot_number,
                    "expires_on": share.expires_on.isoformat(),
                    "packs": share.packs,
                    "expires_before_last_session": share.expires_too_soon,
                }
                for share in line.lots
            ],
        }
        if shown
        else None,
    }


def _page_argument(name: str, default: int, high: int) -> int:
    text = request.args.get(name, "").strip()
    if not text:
        return default
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= high:
        raise CourseError(
            CourseError.INVALID_PARAMETER, f"{name}: a whole number from 1 to {high}."
        )
    return int(text)


@bp.get("/plan")
def plan():
    for name, value in request.args.items(multi=True):
        if not value.strip():
            raise CourseError(CourseError.INVALID_PARAMETER, f"{name}: the parameter is empty.")
    today = today_at()
    page = _page_argument("page", 1, 10_000)
    per_page = _page_argument("per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)
    plan_request = read_plan_request(request.args, today=today)
    result = plan_course(plan_request, today=today, page=page, per_page=per_page)
    shown = current_app.config["PRICES_VISIBLE_TO"] == "everyone"
    return jsonify(
        {
            "request": {
                "indication": plan_request.indication.slug if plan_request.indication else None,
                "area": plan_request.area.value,
                "patients": plan_request.patients,
                "sessions": plan_request.sessions,
                "start": plan_request.first_session.isoformat(),
            },
            # As prices are entered (PRICES_ENTERED): the caller is anonymous, so the
            # tax of a destination is not worked out here.
            "prices": "including tax"
            if current_app.config["PRICES_ENTERED"] == "gross"
            else "excluding tax",
            "items": [_item(line, shown) for line in result.lines],
            "total": result.total,
            "page": result.page,
            "per_page": result.per_page,
        }
    )

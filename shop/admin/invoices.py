"""The back office's invoices and credit notes: the list by issue date, the CSV the
accountant takes, and the documents themselves (the same stored PDFs buyers get)."""

from __future__ import annotations

from datetime import date

from flask import Response, abort, render_template, request, url_for

from shop.admin.blueprint import bp
from shop.billing.services import documents_csv, list_documents


def _day(name: str) -> date | None:
    text = (request.args.get(name) or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        abort(400, description=f"{name} must be a date as YYYY-MM-DD.")


def _period() -> tuple[date | None, date | None]:
    start, end = _day("from"), _day("to")
    if start and end and end < start:
        abort(400, description="The period ends before it starts: swap the dates.")
    return start, end


@bp.get("/invoices")
def invoice_list():
    start, end = _period()
    rows = list_documents(start, end)
    period = {
        name: day.isoformat() for name, day in (("from", start), ("to", end)) if day is not None
    }
    return render_template(
        "admin/invoices/list.html",
        rows=rows,
        start=start,
        end=end,
        csv_url=url_for("admin.invoice_csv", **period),
    )


@bp.get("/invoices.csv")
def invoice_csv():
    start, end = _period()
    name = "invoices"
    if start or end:
        name += f"-{start.isoformat() if start else 'start'}-to-{end.isoformat() if end else 'now'}"
    return Response(
        documents_csv(list_documents(start, end)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )

"""The ceiling: a minimal Flask app that renders a 24-row template the way the shop does.

Same Flask, same Jinja, same gunicorn settings, no database: what a page with
24 rows can cost at best on this machine.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, render_template

app = Flask(__name__, template_folder=str(Path(__file__).parent / "templates"))

ROWS = [
    {
        "name": f"Product {n}",
        "brand": f"Brand {n % 6}",
        "pack": "10 × 5 ml vials",
        "price": f"€{100 + n}.00",
        "url": f"/products/product-{n}",
    }
    for n in range(24)
]


@app.get("/")
def rows():
    return render_template("ceiling.html", rows=ROWS)

"""The shop's JSON (orjson) says what Flask's own encoder says."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from flask import Flask
from flask.json.provider import DefaultJSONProvider

from shop.json_encoding import OrjsonProvider


@dataclass
class Line:
    sku: str
    quantity: int


DOCUMENT = {
    "zeta": 1,
    "alpha": {
        "paid_on": date(2026, 12, 7),
        "paid_at": datetime(2026, 12, 7, 10, 30, tzinfo=UTC),
        "amount": Decimal("149.50"),
        "line": Line("DV-HA-20", 2),
        "name": "Crème née à Zürich",
        "rate": 0.23,
        "nothing": None,
        "yes": True,
    },
}


def _apps(debug: bool = False) -> tuple[Flask, Flask]:
    ours, flasks = Flask("ours"), Flask("flasks")
    ours.json = OrjsonProvider(ours)
    ours.debug = flasks.debug = debug
    assert isinstance(flasks.json, DefaultJSONProvider)
    return ours, flasks


def test_a_response_reads_back_as_flasks_with_sorted_keys_and_a_final_newline():
    ours, flasks = _apps()
    with ours.app_context():
        body = ours.json.response(DOCUMENT).get_data(as_text=True)
    with flasks.app_context():
        expected = flasks.json.response(DOCUMENT).get_data(as_text=True)
    assert json.loads(body) == json.loads(expected)
    # Dates as HTTP dates and Decimals as strings, as Flask writes them.
    assert json.loads(body)["alpha"]["paid_on"] == "Mon, 07 Dec 2026 00:00:00 GMT"
    assert json.loads(body)["alpha"]["amount"] == "149.50"
    assert body.index('"alpha"') < body.index('"zeta"')
    assert body.endswith("}\n") and "\n" not in body[:-1] and ": " not in body


def test_dumps_matches_flask_and_takes_json_options_through_flask():
    ours, flasks = _apps()
    assert json.loads(ours.json.dumps(DOCUMENT)) == json.loads(flasks.json.dumps(DOCUMENT))
    assert ours.json.dumps({"b": 1, "a": 2}, indent=2) == flasks.json.dumps(
        {"b": 1, "a": 2}, indent=2
    )


def test_debug_mode_keeps_flasks_indented_response():
    ours, flasks = _apps(debug=True)
    with ours.app_context():
        body = ours.json.response(DOCUMENT).get_data(as_text=True)
    with flasks.app_context():
        assert body == flasks.json.response(DOCUMENT).get_data(as_text=True)
    assert '\n  "alpha": {' in body

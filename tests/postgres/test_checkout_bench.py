"""The checkout benchmark runs end to end on a small scale, and its oversold count sees
an oversell when there is one."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bench import checkout as bench
from shop.extensions import db
from shop.inventory.enums import MovementKind
from shop.inventory.models import StockLot, StockMovement
from tests import dbs
from tests.factories import make_product

pytestmark = pytest.mark.postgres

SMALL = [
    *("--products", "5", "--buyers", "2", "--iterations", "2"),
    *("--contention-rounds", "1", "--contention-buyers", "6", "--contention-packs", "2"),
]


@pytest.fixture
def bench_server(monkeypatch):
    """The tests' PostgreSQL server, where the bench makes (and drops) its own database."""
    available, reason = dbs.postgres_available()
    if not available:
        pytest.skip(reason)
    monkeypatch.setenv("BENCH_PG_URL", dbs.pg_admin_url())


def test_the_checkout_bench_pays_every_order_and_oversells_nothing(bench_server, capsys):
    assert bench.main(SMALL) == 0

    table = capsys.readouterr().out
    assert "| checkouts (2 buyers at once)" in table
    assert "| webhook events (2 at once)" in table
    rows = {
        line.split("|")[1].strip(): line.split("|")[2].strip()
        for line in table.splitlines()
        if line.startswith("| ")
    }
    assert rows["checkouts (2 buyers at once)"] == "4"
    assert rows["webhook events (2 at once)"] == "4"
    assert rows["contention: 1 x 6 buyers for the last 2 packs"] == "2 placed, 4 refused"
    assert rows["oversold units (must be 0)"] == "0"
    # The ceiling of the same run beside them, as many one-row POSTs as checkouts.
    assert rows["ceiling: bare Flask POST writing one row (2 at once)"] == "4"
    goals = [line for line in table.splitlines() if ", goal " in line]
    assert [line.split(":")[0].split(" (")[0] for line in goals] == [
        "checkouts",
        "checkouts against the ceiling",
        "webhook events",
        "oversold units",
    ]
    assert goals[-1] == "oversold units: 0, goal 0: met"
    assert "statements per checkout: " in table


def test_oversold_units_counts_packs_sold_beyond_what_was_received(pg_app):
    with pg_app.app_context():
        make_product(stock=3)
        db.session.commit()
        assert bench.oversold_units() == 0
        lot = db.session.scalars(select(StockLot)).one()
        # A sale the lot never had the packs for, as a lost update would leave it.
        db.session.add(StockMovement(lot=lot, kind=MovementKind.SALE, quantity=-5, on_hand_after=0))
        db.session.commit()
        assert bench.oversold_units() == 2

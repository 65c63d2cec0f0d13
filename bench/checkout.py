"""Checkout benchmark on PostgreSQL: buyers at once, webhook events, and a stampede.

In a throwaway PostgreSQL database (migrated with ``flask db upgrade``), with the
production configuration:

0. The ceiling of this machine now: a bare Flask app whose one POST view writes one
   row in its own transaction, posted through its test client by 8 senders at once
   (each its thread and connection), as many times as there are checkouts below.
   Every rate is printed beside it, so figures compare across machines and loads.
1. 100 products with two lots each and enough stock, three shipping methods into
   Ireland; 8 verified professionals check out at once, each in its own thread and
   connection, a fixed number of times (each time a clinic of its own, since a
   cart has at most one unpaid order): put 1 to 3 products in the cart (a
   transaction, as the cart's form does), then place the order to a saved Dublin
   address by standard shipping (a transaction, as the checkout page does: the
   buyer's row locked, gate with the destination, lazy expiry, pricing, order, stock
   held lot by lot under row locks). Prints checkouts per second.
2. Every order placed gets its PaymentIntent id, and a signed
   ``payment_intent.succeeded`` event each is posted to ``POST /stripe/webhook``
   (through the app's test client: signature check, event row, order locked,
   reservations sold, the invoice numbered, confirmation mail queued, the cart emptied
   of what was bought; the invoice's PDF is rendered later, by the worker's mail),
   8 deliveries at once. Prints webhook events per second.
3. Contention: rounds of many buyers (one thread each, released at a barrier) for
   the last few packs of one product, spread over two lots; the winners are paid.
   Then every lot of the database is checked: oversold units are packs held beyond
   what is on hand, packs sold beyond what was received, and orders placed beyond
   the packs there were. It must be 0: the bench exits 1 otherwise.

Nothing is asserted on time; the figures are printed in a table, with the SQL
statements each checkout and each event cost (BEGIN and COMMIT not counted): on a
shared machine the rates move with the neighbours' load, the statement counts do not.
Then each goal (checkouts/s at least 100 and at least a tenth of the ceiling, webhook
events/s at least 300, nothing oversold) is said met, or missed by how much. Exit
status 1 only for oversold units or failed checkouts and events.

    python -m bench.checkout [--products 100] [--buyers 8] [--iterations 25]
                             [--contention-rounds 3] [--contention-buyers 24]
                             [--contention-packs 5]

PostgreSQL is reached through BENCH_PG_URL (default
postgresql://postgres@127.0.0.1:5432/postgres, an account that may create databases).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    Table,
    Text,
    case,
    create_engine,
    event,
    func,
    select,
)

from shop import create_app
from shop.accounts.models import User
from shop.checkout.errors import CheckoutError
from shop.checkout.placing import ShippingAddress, place_order
from shop.checkout.services import add_to_cart
from shop.database import utcnow
from shop.extensions import db
from shop.inventory.enums import MovementKind
from shop.inventory.models import StockLot, StockMovement
from shop.inventory.services import receive_stock, today
from shop.orders.enums import OrderStatus, PaymentState
from shop.orders.models import Order

# The production configuration, with settings of its own: nothing here calls Stripe
# (the events say everything), and one client hammering must not be rate limited.
SETTINGS = {
    "SECRET_KEY": "bench-checkout-" + "s" * 40,
    "SHOP_BASE_URL": "https://shop.example",
    "STRIPE_SECRET_KEY": "sk_live_bench" + "a" * 20,
    "STRIPE_PUBLISHABLE_KEY": "pk_live_bench" + "b" * 20,
    "STRIPE_WEBHOOK_SECRET": "whsec_bench" + "c" * 30,
    "SELLER_LEGAL_NAME": "Bench Supplies Limited",
    "SELLER_ADDRESS": "1 Bench Street, Dublin",
    "SELLER_VAT_NUMBER": "IE6388047V",
    "RATELIMIT_ENABLED": False,
    # Cheap password hashes for the buyers made here; no login is measured.
    "ARGON2_TIME_COST": 1,
    "ARGON2_MEMORY_COST": 1024,
    "ARGON2_PARALLELISM": 1,
}
ADDRESS = ShippingAddress(
    clinic_name="Bench Clinic",
    address_line1="1 Load Street",
    city="Dublin",
    postal_code="D02 X285",
    country="IE",
    phone="+353 1 000 0000",
)
METHOD = "standard"
STOCK_PER_LOT = 5_000


@dataclass
class Phase:
    name: str
    count: int
    seconds: float
    statements: int  # SQL statements sent, BEGIN and COMMIT not counted
    failures: list[str] = field(default_factory=list)

    @property
    def per_second(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0

    @property
    def statements_each(self) -> float:
        return self.statements / self.count if self.count else 0.0


def at_once(app: Flask, jobs: list, engine=None) -> tuple[list, float, int]:
    """Run the jobs in threads of their own (each its app context and connection),
    released together at a barrier; what each returned or raised, the seconds from
    the release until the last one finished, and the SQL statements they sent on
    ``engine`` (default: the app's), a figure the load of a shared machine does not
    change."""
    barrier = threading.Barrier(len(jobs) + 1)
    outcomes: list = [None] * len(jobs)
    statements = itertools.count()

    def count(*_args):
        next(statements)

    def run(index, job):
        with app.app_context():
            barrier.wait()
            try:
                outcomes[index] = job()
            except Exception as exc:  # noqa: BLE001 - counted and reported by the phase
                db.session.rollback()
                outcomes[index] = exc
            finally:
                db.session.remove()

    if engine is None:
        with app.app_context():
            engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    event.remove(engine, "before_cursor_execute", count)
    return outcomes, seconds, next(statements)


def make_buyers(count: int, tag: str) -> list[int]:
    from tests.factories import make_professional

    ids = [make_professional(email=f"{tag}-{n}@bench.example").id for n in range(count)]
    db.session.commit()
    return ids


def make_products(count: int, packs_per_lot: int, tag: str) -> list[int]:
    """Products with two lots each, the later-expiring one received first."""
    from tests.factories import make_product

    ids = []
    for n in range(count):
        product = make_product(
            f"Bench {tag} {n}", slug=f"bench-{tag}-{n}", sku=f"B-{tag.upper()}-{n}"
        )
        for lot, days in (("L", 400), ("E", 200)):
            receive_stock(
                product,
                lot_number=f"{tag}-{n}-{lot}",
                expires_on=today() + timedelta(days=days),
                quantity=packs_per_lot,
            )
        ids.append(product.id)
    db.session.commit()
    return ids


def buy(user_id: int, wanted: list[tuple[int, int]]) -> int:
    """One checkout: the cart filled, then the order placed (it stays there until the
    payment's event empties it). The order's id."""
    user = db.session.get(User, user_id)
    for product_id, packs in wanted:
        add_to_cart(user, product_id, packs, today=today())
    db.session.commit()
    order_id = place_order(user, ADDRESS, METHOD, now=utcnow()).id
    db.session.commit()
    return order_id


def checkout_phase(app: Flask, products: list[int], buyers: list[list[int]]) -> Phase:
    """``buyers``: per thread, the clinics it checks out for, one after the other."""

    def buyer_loop(clinics: list[int]):
        rng = random.Random(clinics[0])  # the same baskets on every run
        placed = []
        for user_id in clinics:
            basket = rng.sample(products, rng.randint(1, 3))
            placed.append(buy(user_id, [(product_id, rng.randint(1, 2)) for product_id in basket]))
        return placed

    outcomes, seconds, statements = at_once(app, [lambda c=c: buyer_loop(c) for c in buyers])
    failures = [repr(outcome) for outcome in outcomes if isinstance(outcome, Exception)]
    placed = sum((outcome for outcome in outcomes if isinstance(outcome, list)), [])
    name = f"checkouts ({len(buyers)} buyers at once)"
    return Phase(name, len(placed), seconds, statements, failures)


def ceiling_phase(app: Flask, url: str, senders: int, count: int) -> Phase:
    """A bare Flask POST that writes one row, ``senders`` at once, ``count`` in all: the
    most a request that writes can do here now (an app and engine of its own, the same
    database; ``app``, the shop, only runs the senders as every phase does)."""
    engine = create_engine(url, pool_size=senders, max_overflow=0)
    rows = Table(
        "bench_ceiling", MetaData(), Column("id", Integer, primary_key=True), Column("note", Text)
    )
    rows.metadata.create_all(engine)
    bare = Flask("ceiling")

    @bare.post("/row")
    def write_row():
        with engine.begin() as connection:
            connection.execute(rows.insert().values(note="x"))
        return "", 204

    def sender(share: int):
        client = bare.test_client()
        for _ in range(share):
            if client.post("/row").status_code != 204:
                raise RuntimeError("the ceiling's POST failed")
        return share

    shares = [count // senders + (1 if i < count % senders else 0) for i in range(senders)]
    done, seconds, statements = at_once(app, [lambda n=n: sender(n) for n in shares], engine)
    engine.dispose()
    failures = [repr(outcome) for outcome in done if isinstance(outcome, Exception)]
    written = sum(outcome for outcome in done if isinstance(outcome, int))
    name = f"ceiling: bare Flask POST writing one row ({senders} at once)"
    return Phase(name, written, seconds, statements, failures)


def signed_event(app: Flask, order: Order) -> tuple[bytes, str]:
    """A ``payment_intent.succeeded`` event for the order and its Stripe-Signature header."""
    from tests.payments.signed_events import event as stripe_event
    from tests.payments.signed_events import intent_object, sign

    body = stripe_event(
        "payment_intent.succeeded", intent_object(order), event_id=f"evt_bench_{order.id}"
    )
    payload = json.dumps(body).encode()
    return payload, sign(payload, app.config["STRIPE_WEBHOOK_SECRET"])


def awaiting_payment() -> list[Order]:
    """Every unpaid order, given its PaymentIntent id as the payment page would."""
    orders = db.session.scalars(
        select(Order).where(Order.status == OrderStatus.PENDING_PAYMENT).order_by(Order.id)
    ).all()
    for order in orders:
        order.payment_intent_id = order.payment_intent_id or f"pi_bench_{order.id}"
        order.payment_state = PaymentState.AWAITING
    db.session.commit()
    return list(orders)


def deliver(app: Flask, events: list[tuple[str, str]], senders: int) -> tuple[list, float, int]:
    """Post the events to the webhook, ``senders`` at a time; the outcomes it answered."""

    def sender(share):
        client = app.test_client()
        outcomes = []
        for payload, header in share:
            response = client.post(
                "/stripe/webhook",
                data=payload,
                headers={"Stripe-Signature": header, "Content-Type": "application/json"},
            )
            body = response.get_json(silent=True) or {}
            outcomes.append(body.get("outcome") or f"HTTP {response.status_code}")
        return outcomes

    shares = [events[i::senders] for i in range(senders)]
    outcomes, seconds, statements = at_once(app, [lambda s=s: sender(s) for s in shares if s])
    answered = []
    for outcome in outcomes:
        answered.extend(outcome if isinstance(outcome, list) else [repr(outcome)])
    return answered, seconds, statements


def webhook_phase(app: Flask, senders: int) -> Phase:
    with app.app_context():
        events = [signed_event(app, order) for order in awaiting_payment()]
    outcomes, seconds, statements = deliver(app, events, senders)
    failures = [outcome for outcome in outcomes if outcome != "paid"]
    name = f"webhook events ({senders} at once)"
    return Phase(name, len(outcomes), seconds, statements, failures)


@dataclass
class Contention:
    rounds: int
    buyers: int
    packs: int
    placed: int = 0
    refused: int = 0
    failures: list[str] = field(default_factory=list)


def contention_phase(app: Flask, rounds: int, buyers: int, packs: int, senders: int) -> Contention:
    """Rounds of ``buyers`` at once for the last ``packs`` of a product (two lots)."""
    result = Contention(rounds, buyers, packs)
    for round_number in range(rounds):
        with app.app_context():
            product = _last_packs(packs, f"c{round_number}")
            crowd = make_buyers(buyers, f"crowd{round_number}")
            for user_id in crowd:
                add_to_cart(db.session.get(User, user_id), product, 1, today=today())
            db.session.commit()

        def checkout(user_id):
            order = place_order(db.session.get(User, user_id), ADDRESS, METHOD, now=utcnow())
            db.session.commit()
            return order.id

        outcomes, _, _ = at_once(app, [lambda u=u: checkout(u) for u in crowd])
        result.placed += sum(isinstance(outcome, int) for outcome in outcomes)
        for outcome in outcomes:
            if (
                isinstance(outcome, CheckoutError)
                and outcome.code == CheckoutError.NOT_ENOUGH_STOCK
            ):
                result.refused += 1
            elif isinstance(outcome, Exception):
                result.failures.append(repr(outcome))
        with app.app_context():
            events = [signed_event(app, order) for order in awaiting_payment()]
        answered, _, _ = deliver(app, events, senders)
        result.failures.extend(outcome for outcome in answered if outcome != "paid")
    return result


def _last_packs(packs: int, tag: str) -> int:
    """A product whose last ``packs`` are split over two lots; its id."""
    from tests.factories import make_product

    product = make_product(f"Bench last packs {tag}", slug=f"bench-{tag}", sku=f"B-{tag.upper()}")
    early = packs // 2
    for lot, days, quantity in (("L", 400, packs - early), ("E", 200, early)):
        if quantity:
            receive_stock(
                product,
                lot_number=f"{tag}-{lot}",
                expires_on=today() + timedelta(days=days),
                quantity=quantity,
            )
    db.session.commit()
    return product.id


def oversold_units() -> int:
    """Packs held beyond what is on hand, or sold beyond what was received, over every lot."""
    ledger = (
        select(
            StockMovement.lot_id,
            func.sum(
                case((StockMovement.kind == MovementKind.SALE, -StockMovement.quantity), else_=0)
            ).label("sold"),
            func.sum(
                case((StockMovement.kind != MovementKind.SALE, StockMovement.quantity), else_=0)
            ).label("received"),
        )
        .group_by(StockMovement.lot_id)
        .subquery()
    )
    rows = db.session.execute(
        select(
            StockLot.quantity_on_hand, StockLot.quantity_reserved, ledger.c.sold, ledger.c.received
        ).join(ledger, ledger.c.lot_id == StockLot.id)
    )
    oversold = 0
    for on_hand, reserved, sold, received in rows:
        oversold += max(0, reserved - on_hand) + max(0, -on_hand) + max(0, sold - received)
    return oversold


def print_table(phases: list[Phase], contention: Contention, oversold: int) -> None:
    rows = [("measure", "count", "seconds", "per second", "statements each")]
    rows += [
        (
            p.name,
            str(p.count),
            f"{p.seconds:.2f}",
            f"{p.per_second:.1f}",
            f"{p.statements_each:.1f}",
        )
        for p in phases
    ]
    rows.append(
        (
            f"contention: {contention.rounds} x {contention.buyers} buyers "
            f"for the last {contention.packs} packs",
            f"{contention.placed} placed, {contention.refused} refused",
            "",
            "",
            "",
        )
    )
    rows.append(("oversold units (must be 0)", str(oversold), "", "", ""))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for n, row in enumerate(rows):
        cells = [
            cell.ljust(widths[0]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row)
        ]
        print("| " + " | ".join(cells) + " |")
        if n == 0:
            print("|" + "|".join("-" * (width + 2) for width in widths) + "|")


CHECKOUTS_GOAL = 100.0  # per second, on a quiet machine
CEILING_SHARE_GOAL = 0.10  # of the ceiling's rate, in the same run
WEBHOOK_GOAL = 300.0  # events per second


def _goal(what: str, figure: float, goal: float, unit: str) -> str:
    if figure >= goal:
        return f"{what}: {figure:.1f} {unit}, goal {goal:g}: met"
    return f"{what}: {figure:.1f} {unit}, goal {goal:g}: missed by {goal - figure:.1f} ({figure / goal:.0%} of it)"


def print_goals(ceiling: Phase, checkouts: Phase, webhooks: Phase, oversold: int) -> None:
    share = checkouts.per_second / ceiling.per_second if ceiling.per_second else 0.0
    print()
    print(_goal("checkouts", checkouts.per_second, CHECKOUTS_GOAL, "per second"))
    print(
        f"checkouts against the ceiling ({ceiling.per_second:.1f} POSTs/s): {share:.3f}, "
        f"goal {CEILING_SHARE_GOAL:g}: "
        + ("met" if share >= CEILING_SHARE_GOAL else f"missed by {CEILING_SHARE_GOAL - share:.3f}")
    )
    print(f"statements per checkout: {checkouts.statements_each:.1f}")
    print(_goal("webhook events", webhooks.per_second, WEBHOOK_GOAL, "per second"))
    print(f"oversold units: {oversold}, goal 0: " + ("met" if not oversold else "MISSED"))
    missed = [
        (phase, what)
        for phase, what, goal in (
            (checkouts, "a checkout", max(CHECKOUTS_GOAL, CEILING_SHARE_GOAL * ceiling.per_second)),
            (webhooks, "an event", WEBHOOK_GOAL),
        )
        if phase.per_second < goal
    ]
    for phase, what in missed:  # why, in this run's own figures (bench/README.md says more)
        cost = ceiling.per_second / phase.per_second if phase.per_second else float("inf")
        print(
            f"why: {what} is {phase.statements_each:.0f} statements, each a question of its"
            f" own, and costs {cost:.1f} of the ceiling's one-row POSTs; all run in this one"
            " process, its threads sharing the GIL and the cores with PostgreSQL"
        )


def make_shipping_methods() -> None:
    """Standard, express and cold chain into Ireland, as the demo has them."""
    from tests.factories import make_shipping

    make_shipping(METHOD, areas="IE", price_cents=950, free_from_cents=30000)
    make_shipping("express", areas="IE", price_cents=1900, free_from_cents=None)
    make_shipping("cold-chain", areas="IE", price_cents=2900, free_from_cents=None, cold_chain=True)
    db.session.commit()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--products", type=int, default=100)
    parser.add_argument("--buyers", type=int, default=8)
    parser.add_argument("--iterations", type=int, default=25, help="checkouts per buyer")
    parser.add_argument("--contention-rounds", type=int, default=3)
    parser.add_argument("--contention-buyers", type=int, default=24)
    parser.add_argument("--contention-packs", type=int, default=5)
    args = parser.parse_args(argv)

    from tests.dbs import postgres_database

    admin = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    pool = max(args.buyers, args.contention_buyers) + 2
    with postgres_database("shop_bench_checkout", admin=admin) as url:
        app = create_app(
            "production",
            SQLALCHEMY_DATABASE_URI=url,
            SQLALCHEMY_ENGINE_OPTIONS={"pool_size": pool, "max_overflow": 0},
            **SETTINGS,
        )
        with app.app_context():
            upgrade()
            make_shipping_methods()
            products = make_products(args.products, STOCK_PER_LOT, "p")
            clinics = make_buyers(args.buyers * args.iterations, "buyer")
            buyers = [clinics[i :: args.buyers] for i in range(args.buyers)]
            version = db.session.scalar(select(func.current_setting("server_version")))
        print(
            f"checkout benchmark: PostgreSQL {version}, {args.products} products, "
            f"{args.buyers} buyers x {args.iterations} checkouts, production configuration"
        )
        ceiling = ceiling_phase(app, url, args.buyers, args.buyers * args.iterations)
        phases = [ceiling, checkout_phase(app, products, buyers)]
        phases.append(webhook_phase(app, args.buyers))
        contention = contention_phase(
            app,
            args.contention_rounds,
            args.contention_buyers,
            args.contention_packs,
            args.buyers,
        )
        with app.app_context():
            oversold = oversold_units()
            placed_beyond = max(0, contention.placed - contention.rounds * contention.packs)
            oversold += placed_beyond
        print_table(phases, contention, oversold)
        print_goals(ceiling, phases[1], phases[2], oversold)
        with app.app_context():
            db.engine.dispose()

    failures = [f for phase in phases for f in phase.failures] + contention.failures
    for failure in failures[:10]:
        print(f"failed: {failure}", file=sys.stderr)
    if oversold:
        print(f"bench: {oversold} unit(s) oversold", file=sys.stderr)
        return 1
    if failures:
        print(f"bench: {len(failures)} checkout(s) or event(s) failed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

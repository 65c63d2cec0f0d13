"""The cart: one per user, in the database, guarded by the purchase gate.

Every add (and every increase of a quantity) asks the gate and the stock; every
reading of the cart asks them again and flags each line that could not be bought
now, with its reason. Services flush and never commit.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date

from sqlalchemy import (
    CompoundSelect,
    Date,
    Integer,
    String,
    bindparam,
    delete,
    func,
    inspect,
    null,
    select,
    true,
    type_coerce,
    union_all,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, make_transient_to_detached, selectinload

from shop.accounts.models import User
from shop.catalog.models import Product
from shop.checkout.errors import CartError
from shop.checkout.models import CartLine
from shop.extensions import db
from shop.inventory.reservations import shortage_message
from shop.inventory.services import (
    StockLevel,
    availability_for,
    token_and_stock_from,
    token_and_stock_statement,
)
from shop.licensing.gate import (
    ANONYMOUS,
    STANDING_LICENCE,
    BuyerStanding,
    Verdict,
    buyer_standing,
    standing_from_licence,
    standing_licence_join,
    standing_without_licence,
    verdict,
)
from shop.orders.models import Order
from shop.orders.signals import order_paid

MAX_LINE_QUANTITY = 99  # packs of one product in one cart: more is a typing slip


@dataclass(frozen=True)
class CartItem:
    product_id: int
    slug: str
    name: str
    sku: str
    unit_price_cents: int
    currency: str
    quantity: int
    available: int  # packs that can be sold now
    verdict: Verdict
    weight_g: int = 0  # of one pack
    requires_cold_chain: bool = False
    problem_code: str = ""  # why this line cannot be bought now; "" when it can
    problem: str = ""

    @property
    def total_cents(self) -> int:
        return self.unit_price_cents * self.quantity


@dataclass(frozen=True)
class Cart:
    items: list[CartItem]

    @property
    def count(self) -> int:
        """Packs in the cart, as the header shows them."""
        return sum(item.quantity for item in self.items)

    @property
    def subtotals(self) -> list[tuple[str, int]]:
        """(currency, cents) per currency, in the order lines show them: usually one."""
        totals: dict[str, int] = {}
        for item in self.items:
            totals[item.currency] = totals.get(item.currency, 0) + item.total_cents
        return list(totals.items())

    @property
    def problems(self) -> int:
        return sum(1 for item in self.items if item.problem_code)


def _check_quantity(quantity: int) -> int:
    if not isinstance(quantity, int) or not 1 <= quantity <= MAX_LINE_QUANTITY:
        raise CartError(
            CartError.INVALID_QUANTITY,
            f"The quantity must be a whole number from 1 to {MAX_LINE_QUANTITY}.",
        )
    return quantity


def _sellable_product(product_id: int) -> Product:
    product = db.session.scalar(
        select(Product)
        .where(Product.id == product_id)
        .options(selectinload(Product.profession_links))
    )
    if product is None or not product.is_active:
        raise CartError(
            CartError.PRODUCT_NOT_FOUND, "There is no such product in the catalogue.", status=404
        )
    return product


def _require_gate(standing: BuyerStanding, product: Product) -> None:
    answer = verdict(standing, product)
    if not answer.allowed:
        raise CartError(str(answer.reason), answer.message, status=403)


def _require_stock(product: Product, quantity: int, today: date) -> None:
    available = availability_for([product.id], on=today)[product.id].quantity
    if quantity > available:
        raise CartError(
            CartError.NOT_ENOUGH_STOCK, shortage_message(product.name, available), status=409
        )


def _line(user: User, product_id: int) -> CartLine | None:
    return db.session.scalar(
        select(CartLine)
        .where(CartLine.user_id == user.id, CartLine.product_id == product_id)
        .with_for_update()
    )


def add_to_cart(user: User, product_id: int, quantity: int, *, today: date) -> CartLine:
    """Put ``quantity`` packs in the user's cart (added to what is there), if the gate allows."""
    _check_quantity(quantity)
    product = _sellable_product(product_id)
    _require_gate(buyer_standing(user, today), product)
    line = _line(user, product.id)
    wanted = quantity + (line.quantity if line else 0)
    if wanted > MAX_LINE_QUANTITY:
        raise CartError(
            CartError.INVALID_QUANTITY,
            f"A cart holds at most {MAX_LINE_QUANTITY} packs of one product.",
        )
    _require_stock(product, wanted, today)
    if line is not None:
        line.quantity = wanted
        db.session.flush()
        return line
    try:
        # Another request of the same user may insert the line first: then add to it.
        with db.session.begin_nested():
            line = CartLine(user_id=user.id, product_id=product.id, quantity=wanted)
            db.session.add(line)
    except IntegrityError:
        line = _line(user, product.id)
        assert line is not None
        return change_quantity(user, product.id, line.quantity + quantity, today=today)
    return line


def change_quantity(user: User, product_id: int, quantity: int, *, today: date) -> CartLine:
    """Set a line's quantity. Lowering it is always allowed; raising it asks the gate and the stock."""
    _check_quantity(quantity)
    line = _line(user, product_id)
    if line is None:
        raise CartError(CartError.NOT_IN_CART, "That product is not in your cart.", status=404)
    if quantity > line.quantity:
        product = _sellable_product(product_id)
        _require_gate(buyer_standing(user, today), product)
        _require_stock(product, quantity, today)
    line.quantity = quantity
    db.session.flush()
    return line


def remove_from_cart(user: User, product_id: int) -> None:
    removed = db.session.execute(
        delete(CartLine).where(CartLine.user_id == user.id, CartLine.product_id == product_id)
    ).rowcount
    if not removed:
        raise CartError(CartError.NOT_IN_CART, "That product is not in your cart.", status=404)


# Built once, as Core statements: every page of a logged-in visitor runs one of them.
_lines = CartLine.__table__
_packs = (
    select(func.coalesce(func.sum(_lines.c.quantity), 0).label("packs"))
    .where(_lines.c.user_id == bindparam("user_id"))
    .subquery("cart")
)
_CART_COUNT = select(_packs.c.packs)
# One row whatever the user has: the cart's packs, and the licence that decides the
# gate's standing (NULLs when there is none).
_licence = STANDING_LICENCE.subquery("licence")
_STANDING_AND_CART_COUNT = select(_packs.c.packs, _licence).select_from(
    _packs.outerjoin(_licence, true())
)


# Flask-Login's user with the gate's standing and the header's cart count: one
# statement for all three, since every page of a logged-in visitor needs them.
_users = User.__table__
_USER_ATTRIBUTES = [
    (attribute.key, attribute.columns[0]) for attribute in inspect(User).column_attrs
]
_standing_licence, _on_standing_licence = standing_licence_join(_users.c.id)
_SESSION_USER_WITH_STANDING = (
    select(
        *(column for _, column in _USER_ATTRIBUTES),
        select(func.coalesce(func.sum(_lines.c.quantity), 0))
        .where(_lines.c.user_id == _users.c.id)
        .correlate(_users)
        .scalar_subquery()
        .label("packs"),
        _standing_licence.c.status,
        _standing_licence.c.profession,
        _standing_licence.c.expires_on,
        _standing_licence.c.reason,
    )
    .select_from(_users)
    .outerjoin(_standing_licence, _on_standing_licence)
    .where(_users.c.session_token == bindparam("token"))
)


def _attached_user(row) -> User:
    """The user of a row read with Core, in the session as if the ORM had loaded it.

    Every logged-in request reads its user: the ORM's loading machinery cost about
    150 µs of CPU a request more than the Core row and this (measured in-process on
    PostgreSQL; README, "Benchmark"), a tenth of a logged-in page.
    """
    session = db.session()
    known = session.identity_map.get(session.identity_key(User, (row.id,)))
    if known is not None:  # already loaded in this session: the ORM would keep that one
        return known
    user = User(**{key: row[index] for index, (key, _) in enumerate(_USER_ATTRIBUTES)})
    make_transient_to_detached(user)  # no pending changes: "loaded"
    session.add(user)
    return user


def find_session_user_with_standing(
    session_token: str, today: date
) -> tuple[User, BuyerStanding, int] | None:
    """The user of this session token, their standing on ``today`` and the packs in
    their cart, in one statement; None for an unknown token."""
    row = (
        db.session.connection()
        .execute(_SESSION_USER_WITH_STANDING, {"token": session_token, "today": today})
        .one_or_none()
    )
    return None if row is None else _session_user_of(row, today)


def _session_user_of(row, today: date) -> tuple[User, BuyerStanding, int]:
    user = _attached_user(row)
    standing = standing_without_licence(user) or standing_from_licence(user, row, today)
    return user, standing, row.packs


@functools.cache
def _session_user_and_stock_statement(dialect: str) -> CompoundSelect:
    """The session's user (_SESSION_USER_WITH_STANDING) and inventory's token and stock
    (token_and_stock_statement) as the rows of one statement; built once per database kind.

    The user's row comes first, with the stock's four columns typed NULLs, so that the
    union's column types are its own and the stock's (a date on SQLite); then the
    token and stock rows, with NULL for the user's columns (a NULL id).
    """
    live = token_and_stock_statement(dialect).subquery("live")
    user = _SESSION_USER_WITH_STANDING.add_columns(
        type_coerce(null(), Integer).label("product_id"),
        type_coerce(null(), Integer).label("quantity"),
        type_coerce(null(), Date).label("earliest_expiry"),
        type_coerce(null(), String).label("catalogue_token"),
    )
    padding = [null()] * len(_SESSION_USER_WITH_STANDING.selected_columns)
    return union_all(user, select(*padding, *live.c))


def find_session_user_with_standing_and_stock(
    session_token: str, today: date, product_ids: list[int]
) -> tuple[tuple[User, BuyerStanding, int] | None, tuple[str, dict[int, StockLevel]]]:
    """find_session_user_with_standing, and the catalogue's token and the stock of these
    products (inventory's token_and_stock), in one statement: a logged-in visitor's
    catalogue page then costs one round trip, as an anonymous visitor's does."""
    connection = db.session.connection()
    rows = connection.execute(
        _session_user_and_stock_statement(connection.dialect.name),
        {"token": session_token, "today": today, "ids": product_ids},
    ).all()
    found = None
    live = []
    for row in rows:
        if row.id is None:
            live.append(row[-4:])
        else:
            found = _session_user_of(row, today)
    return found, token_and_stock_from(live, product_ids)


def count_cart_items(user: User) -> int:
    """Packs in the user's cart: one small query, for the header."""
    return db.session.execute(_CART_COUNT, {"user_id": user.id}).scalar_one()


def standing_and_cart_count(user: User | None, today: date) -> tuple[BuyerStanding, int]:
    """The gate's standing and the header's cart count, in one query at most.

    A page that shows products needs both for a logged-in visitor; reading them
    together saves a round trip on every such page.
    """
    standing = standing_without_licence(user)
    if standing is ANONYMOUS:
        return standing, 0
    if standing is not None:
        return standing, count_cart_items(user)
    row = db.session.execute(_STANDING_AND_CART_COUNT, {"user_id": user.id, "today": today}).one()
    return standing_from_licence(user, row, today), row.packs


def _problem(line: CartLine, answer: Verdict, available: int) -> tuple[str, str]:
    product = line.product
    if not product.is_active:
        return CartError.PRODUCT_INACTIVE, f"{product.name} is no longer sold: remove it."
    if not answer.allowed:
        return str(answer.reason), answer.message
    if line.quantity > available:
        return CartError.NOT_ENOUGH_STOCK, shortage_message(product.name, available)
    return "", ""


def get_cart(user: User, standing: BuyerStanding, *, today: date) -> Cart:
    """The user's cart, every line asked of the gate and the stock again (three queries)."""
    lines = db.session.scalars(
        select(CartLine)
        .where(CartLine.user_id == user.id)
        .options(joinedload(CartLine.product).selectinload(Product.profession_links))
        .order_by(CartLine.added_at, CartLine.id)
    ).all()
    stock = availability_for([line.product_id for line in lines], on=today)
    items = []
    for line in lines:
        product = line.product
        answer = verdict(standing, product)
        available = stock[product.id].quantity
        code, message = _problem(line, answer, available)
        items.append(
            CartItem(
                product_id=product.id,
                slug=product.slug,
                name=product.name,
                sku=product.sku,
                unit_price_cents=product.price_cents,
                currency=product.currency,
                quantity=line.quantity,
                available=available,
                verdict=answer,
                weight_g=product.weight_g,
                requires_cold_chain=product.requires_cold_chain,
                problem_code=code,
                problem=message,
            )
        )
    return Cart(items)


@order_paid.connect
def _remove_paid_order(order: Order) -> None:
    remove_ordered(order.user_id, [(line.product_id, line.quantity) for line in order.lines])


def remove_ordered(user_id: int, ordered: list[tuple[int, int]]) -> None:
    """Take what an order bought out of its buyer's cart: ``(product_id, packs)`` pairs.

    A line the buyer has since raised keeps the difference; packs added after the
    checkout are not lost because an earlier order was paid.
    """
    for product_id, packs in ordered:
        line = db.session.scalar(
            select(CartLine)
            .where(CartLine.user_id == user_id, CartLine.product_id == product_id)
            .with_for_update()
        )
        if line is None:
            continue
        if line.quantity > packs:
            line.quantity -= packs
        else:
            db.session.delete(line)
    db.session.flush()

"""The cart: one per user, in the database, guarded by the purchase gate.

Every add (and every increase of a quantity) asks the gate and the stock; every
reading of the cart asks them again and flags each line that could not be bought
now, with its reason. Services flush and never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import (
    delete,
    func,
    select,
)
from sqlalchemy.orm import joinedload

from shop.accounts.models import User
from shop.catalog.enums import TaxClass
from shop.catalog.models import Product
from shop.checkout.errors import CartError
from shop.checkout.models import CartLine
from shop.database import insert_on_conflict
from shop.extensions import db
from shop.inventory.reservations import shortage_message
from shop.inventory.services import (
    availability_for,
)
from shop.licensing.gate import (
    BuyerStanding,
    Verdict,
    buyer_standing,
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
    tax_class: TaxClass = TaxClass.STANDARD
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
    product = (
        db.session.scalars(
            select(Product)
            .where(Product.id == product_id)
            .options(joinedload(Product.profession_links))
        )
        .unique()
        .one_or_none()
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
    line = db.session.scalar(
        insert_on_conflict(CartLine)
        .values(user_id=user.id, product_id=product.id, quantity=wanted)
        .on_conflict_do_nothing(index_elements=["user_id", "product_id"])
        .returning(CartLine)
    )
    if line is None:
        # Another request of the same user inserted the line first: add to it.
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


def count_cart_items(user: User) -> int:
    """Packs in the user's cart: one small query, for the header."""
    total = select(func.coalesce(func.sum(CartLine.quantity), 0)).where(CartLine.user_id == user.id)
    return db.session.execute(total).scalar_one()


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
    lines = (
        db.session.scalars(
            select(CartLine)
            .where(CartLine.user_id == user.id)
            .options(joinedload(CartLine.product).joinedload(Product.profession_links))
            .order_by(CartLine.added_at, CartLine.id)
        )
        .unique()
        .all()
    )
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
                tax_class=product.tax_class,
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
    packs_of: dict[int, int] = {}
    for product_id, packs in ordered:
        packs_of[product_id] = packs_of.get(product_id, 0) + packs
    lines = db.session.scalars(
        select(CartLine)
        .where(CartLine.user_id == user_id, CartLine.product_id.in_(list(packs_of)))
        .order_by(CartLine.id)
        .with_for_update()
    )
    for line in lines:
        packs = packs_of[line.product_id]
        if line.quantity > packs:
            line.quantity -= packs
        else:
            db.session.delete(line)
    db.session.flush()

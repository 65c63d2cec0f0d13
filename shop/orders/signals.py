"""What other domains hear of an order's life, without orders importing them.

Checkout sits above orders (it places them), so orders cannot call it; it tells
instead, inside the transaction that made the change. A receiver flushes and never
commits, like any service.
"""

from blinker import Namespace

_signals = Namespace()

# Sent with the order (sender) once it is paid: checkout takes its packs out of the cart.
order_paid = _signals.signal("order-paid")

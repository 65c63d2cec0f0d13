"""What other domains hear of an order's life, without orders importing them.

Checkout sits above orders (it places them), and payments too (it settles them), so
orders cannot call them; it tells instead, inside the transaction that makes the change. A receiver flushes and never
commits, like any service.
"""

from blinker import Namespace

_signals = Namespace()

# Sent with the order (sender) once it is paid: checkout takes its packs out of the cart.
order_paid = _signals.signal("order-paid")

# Sent with the order (sender), locked, before an unpaid order that has a PaymentIntent
# is cancelled (by its buyer, an administrator or the reservation's end): payments
# cancels the intent at Stripe, so a late payment attempt fails there. When Stripe
# answers that the intent already succeeded, payments marks the order paid instead
# and the cancellation does not happen.
payment_cancelling = _signals.signal("payment-cancelling")

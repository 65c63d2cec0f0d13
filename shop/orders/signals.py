"""What other domains hear of an order's life, without orders importing them.

Checkout sits above orders (it places them), and payments too (it settles them), so
orders cannot call them; it tells instead, inside the transaction that makes the change. A receiver flushes and never
commits, like any service.
"""

from blinker import Namespace

_signals = Namespace()

# Sent with the order (sender) once it is paid, before the buyer's "paid" mail is
# queued: checkout takes its packs out of the cart, billing issues the invoice. A
# receiver may return mail attachments (shop.mail.services.Attachment) for that mail.
order_paid = _signals.signal("order-paid")

# Sent with the order (sender), ``amount_cents`` (what this refund gave back) and
# ``source`` once a refund is recorded: billing issues the credit note.
order_refunded = _signals.signal("order-refunded")

# Sent with the order (sender), locked, before an unpaid order that has a PaymentIntent
# is cancelled (by its buyer, an administrator or the reservation's end): payments
# cancels the intent at Stripe, so a late payment attempt fails there. When Stripe
# answers that the intent already succeeded, payments marks the order paid instead
# and the cancellation does not happen.
payment_cancelling = _signals.signal("payment-cancelling")

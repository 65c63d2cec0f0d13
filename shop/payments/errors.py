from __future__ import annotations

from shop.errors import ShopError


class PaymentError(ShopError):
    """Stripe refused or could not be reached; ``message`` is fit to show the buyer."""

    CARD_DECLINED = "card_declined"
    INVALID_REQUEST = "payment_invalid_request"
    PROVIDER_UNAVAILABLE = "payment_provider_unavailable"
    PROVIDER_ERROR = "payment_provider_error"
    INVALID_SIGNATURE = "invalid_signature"

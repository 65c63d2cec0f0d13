"""Refusals of the tax domain, each with a code for programs and a message for people."""

from __future__ import annotations

from shop.errors import ShopError


class TaxError(ShopError):
    """A tax change refused, or a tax question that cannot be answered; nothing changed.

    ``field`` names the form field the message belongs to, when there is one.
    """

    INVALID_RATE = "invalid_tax_rate"
    NEGATIVE_RATE = "negative_tax_rate"
    UNKNOWN_COUNTRY = "unknown_country"
    UNKNOWN_REGION = "unknown_region"
    OVERLAPPING_RATE = "overlapping_tax_rate"
    RATE_IN_USE = "tax_rate_in_use"
    RATE_NOT_FOUND = "tax_rate_not_found"
    RATE_CHANGED = "tax_rate_changed"
    TAX_CHANGED = "tax_changed"
    INVALID_VAT_NUMBER = "invalid_vat_number"
    VAT_NUMBER_NOT_FOUND = "vat_number_not_found"
    CERTIFICATE_NOT_FOUND = "certificate_not_found"
    CERTIFICATE_EXPIRED = "certificate_expired"
    INVALID_CERTIFICATE = "invalid_certificate"
    ALREADY_DECIDED = "already_decided"
    REASON_REQUIRED = "reason_required"

    def __init__(
        self, code: str, message: str, *, field: str | None = None, status: int | None = None
    ) -> None:
        super().__init__(code, message, status=status)
        self.field = field

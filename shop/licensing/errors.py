"""Refusals of the licence domain, each with a code for programs and a message for people."""

from __future__ import annotations

from shop.errors import ShopError


class LicenceError(ShopError):
    """A licence refused or a decision that cannot be made.

    ``field`` names the submission form's field the message belongs to, when there
    is one, so the form shows it beside that field.
    """

    EMAIL_NOT_CONFIRMED = "email_not_confirmed"
    ALREADY_PENDING = "licence_already_pending"
    EXPIRY_NOT_IN_FUTURE = "expiry_not_in_future"
    UNKNOWN_COUNTRY = "unknown_country"
    NPI_REQUIRED = "npi_required"
    NPI_NOT_ALLOWED = "npi_not_allowed"
    NPI_INVALID = "npi_invalid"
    NOT_FOUND = "licence_not_found"
    ALREADY_DECIDED = "licence_already_decided"
    NOT_APPROVED = "licence_not_approved"
    REASON_REQUIRED = "reason_required"

    def __init__(
        self, code: str, message: str, *, field: str | None = None, status: int | None = None
    ) -> None:
        super().__init__(code, message, status=status)
        self.field = field


class DocumentError(LicenceError):
    """An upload refused; nothing of it is kept."""

    EMPTY = "document_empty"
    TOO_LARGE = "document_too_large"
    UNSUPPORTED_TYPE = "document_unsupported_type"
    NAME_MISMATCH = "document_name_mismatch"

    def __init__(self, code: str, message: str) -> None:
        super().__init__(code, message, field="document")

from __future__ import annotations

from shop.enums import LabelledEnum


class LicenceStatus(LabelledEnum):
    PENDING = "pending", "Waiting for review"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    REVOKED = "revoked", "Revoked"
    EXPIRED = "expired", "Expired"


class GateReason(LabelledEnum):
    """Why the gate answers as it does: one code per reason, for pages and programs."""

    NOT_LOGGED_IN = "not_logged_in", "Log in to order"
    ACCOUNT_DISABLED = "account_disabled", "Your account is disabled"
    EMAIL_NOT_CONFIRMED = "email_not_confirmed", "Confirm your e-mail"
    NO_LICENCE = "no_licence", "Submit your licence"
    LICENCE_PENDING = "licence_pending", "Your licence is waiting for review"
    LICENCE_REJECTED = "licence_rejected", "Your licence was rejected"
    LICENCE_EXPIRED = "licence_expired", "Your licence expired"
    LICENCE_REVOKED = "licence_revoked", "Your licence was revoked"
    PROFESSION_NOT_ALLOWED = "profession_not_allowed", "Not for your profession"
    OUTSIDE_JURISDICTION = "outside_licence_jurisdiction", "Outside your licence's jurisdiction"
    PO_BOX = "po_box_refused", "Not to a P.O. box"
    ALLOWED = "allowed", "You may order this product"

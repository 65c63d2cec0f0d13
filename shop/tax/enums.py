"""Closed vocabularies of the tax domain, stored as their string values."""

from __future__ import annotations

from shop.enums import LabelledEnum


class TaxTreatment(LabelledEnum):
    """Why a line is taxed as it is: the invoice says so when no tax is charged."""

    TAXED = "taxed", "Taxed"
    REVERSE_CHARGE = "reverse_charge", "Reverse charge"
    EXEMPT = "exempt", "Exempt by certificate"
    NO_RATE = "no_rate", "Not taxed here"


class VatNumberStatus(LabelledEnum):
    """A buyer's VAT number: valid in form (python-stdnum), then confirmed by the shop."""

    UNVERIFIED = "unverified", "To be confirmed by the shop"
    VERIFIED = "verified", "Confirmed"
    REJECTED = "rejected", "Not accepted"


class CertificateStatus(LabelledEnum):
    PENDING = "pending", "Waiting for review"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class CertificateKind(LabelledEnum):
    RESALE = "resale", "Resale certificate"
    EXEMPTION = "exemption", "Exemption certificate"

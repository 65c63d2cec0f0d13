from __future__ import annotations

from shop.enums import LabelledEnum


class MovementKind(LabelledEnum):
    RECEIPT = "receipt", "Receipt"
    ADJUSTMENT = "adjustment", "Adjustment"
    RESERVATION = "reservation", "Reservation"
    RELEASE = "release", "Release"
    SALE = "sale", "Sale"
    RETURN = "return", "Return"


class ReservationState(LabelledEnum):
    ACTIVE = "active", "Held"
    SOLD = "sold", "Sold"
    RELEASED = "released", "Released"
    RETURNED = "returned", "Returned to stock"

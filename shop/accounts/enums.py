from __future__ import annotations

from shop.enums import LabelledEnum


class Role(LabelledEnum):
    CUSTOMER = "customer", "Customer"
    ADMIN = "admin", "Administrator"

from __future__ import annotations

from shop.enums import LabelledEnum


class OutboxStatus(LabelledEnum):
    PENDING = "pending", "Waiting"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"

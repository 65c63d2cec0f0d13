"""Durations written for people: "42 seconds", "3 minutes", "48 hours"."""

from __future__ import annotations

import math


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"


def describe_duration(seconds: float) -> str:
    """The wait or validity rounded up to a unit a person reads at a glance."""
    seconds = max(1, math.ceil(seconds))
    if seconds < 120:
        return _plural(seconds, "second")
    minutes = math.ceil(seconds / 60)
    if minutes < 120:
        return _plural(minutes, "minute")
    hours = math.ceil(seconds / 3600)
    if hours < 72:
        return _plural(hours, "hour")
    return _plural(math.ceil(seconds / 86400), "day")

"""Licensing: professional licences, their review and expiry, and the purchase gate."""

"""Inventory: stock by lot, its append-only ledger, reservations and reports."""

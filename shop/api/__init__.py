"""The read-only catalogue API under /api/v1; it owns no business rules."""

"""Invoices and credit notes: issued in the transaction that marks an order paid or
records a refund, numbered without gaps per year, rendered once to PDF and kept with
their SHA-256, so they never change and every server serves the same bytes."""

"""Tax: what tax applies to a line, for a buyer, shipped to an address, on a day.

One service owns the rule (``services.tax_for`` and ``taxes_for``); the cart, the
checkout, the payment, the orders, the invoices, the refunds and the planner ask it,
and the rounding rule lives in ``rounding``. Rates per country (and region), VAT
numbers, exemption certificates and the seller's own settings live here too.
"""

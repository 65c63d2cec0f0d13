"""Shipping: the methods, zones and rates that price where an order goes, and the
clinic addresses a professional ships to."""

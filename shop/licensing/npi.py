"""The US National Provider Identifier: ten digits whose last is a Luhn check digit.

CMS computes the check digit over the first nine digits prefixed with 80840 (the
health-industry prefix of the card-issuer scheme), so an NPI is valid when
"80840" + all ten digits passes the Luhn test.
"""

from __future__ import annotations

NPI_PREFIX = "80840"


def luhn_check_digit(digits: str) -> int:
    """The digit that, appended to ``digits``, makes the whole pass the Luhn test."""
    total = 0
    # From the right, every other digit (starting with the rightmost) is doubled,
    # because the check digit will take the rightmost place.
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return (10 - total % 10) % 10


def npi_problem(npi: str) -> str | None:
    """Why ``npi`` is not a valid NPI, in words for the professional; None when it is."""
    if len(npi) != 10 or not npi.isascii() or not npi.isdigit():
        return "An NPI has exactly 10 digits."
    if npi[0] not in "12":
        return "An NPI starts with 1 or 2."
    if luhn_check_digit(NPI_PREFIX + npi[:9]) != int(npi[9]):
        return "This NPI is not valid: its check digit does not match. Check for a typing mistake."
    return None


def is_valid_npi(npi: str) -> bool:
    return npi_problem(npi) is None

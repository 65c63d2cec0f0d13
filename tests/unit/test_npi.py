"""The US NPI: 10 digits, starting with 1 or 2, the last a Luhn digit over 80840 + the first 9."""

from __future__ import annotations

import pytest

from shop.licensing.npi import is_valid_npi, luhn_check_digit, npi_problem


def test_the_luhn_digit_of_the_textbook_example():
    # The Luhn algorithm's usual worked example: 7992739871 takes the check digit 3.
    assert luhn_check_digit("7992739871") == 3


def test_the_npi_check_digit_counts_the_80840_prefix():
    # CMS's own example: 123456789 gets the check digit 3 once prefixed with 80840
    # (without the prefix the Luhn digit would be 7).
    assert luhn_check_digit("80840123456789") == 3
    assert luhn_check_digit("123456789") == 7


@pytest.mark.parametrize("npi", ["1234567893", "1245319599", "1679576722", "2000000002"])
def test_known_good_npis_pass(npi):
    # 2000000002: by hand, 80840200000000 sums to 28 in Luhn, so the digit is 2.
    assert is_valid_npi(npi)
    assert npi_problem(npi) is None


@pytest.mark.parametrize(
    ("npi", "problem"),
    [
        ("1234567890", "check digit does not match"),
        ("1234567897", "check digit does not match"),  # the digit without the 80840 prefix
        ("1245319598", "check digit does not match"),
        ("1243519599", "check digit does not match"),  # two digits swapped
        ("3234567893", "starts with 1 or 2"),
        ("0234567893", "starts with 1 or 2"),
        ("123456789", "exactly 10 digits"),
        ("12345678931", "exactly 10 digits"),
        ("12345678a3", "exactly 10 digits"),
        ("١٢٣٤٥٦٧٨٩٣", "exactly 10 digits"),  # Arabic-Indic digits are digits to Python
        ("", "exactly 10 digits"),
    ],
)
def test_bad_npis_fail_with_the_reason(npi, problem):
    assert not is_valid_npi(npi)
    assert problem in npi_problem(npi)

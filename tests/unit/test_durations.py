import pytest

from shop.durations import describe_duration


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (0, "1 second"),
        (0.2, "1 second"),
        (1, "1 second"),
        (42, "42 seconds"),
        (119, "119 seconds"),
        (120, "2 minutes"),
        (121, "3 minutes"),  # rounded up: never promise a wait shorter than the real one
        (3600, "60 minutes"),
        (7200, "2 hours"),
        (48 * 3600, "48 hours"),
        (72 * 3600, "3 days"),
    ],
)
def test_durations_read_in_the_unit_a_person_expects(seconds, words):
    assert describe_duration(seconds) == words

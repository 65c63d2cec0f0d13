"""The planner's arithmetic: whole packs that cover the course's volume, and no more."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from shop.courses.planning import add_months, packs_to_cover, session_dates, volume_needed

# Volumes as the catalogue keeps them: two decimals.
volumes = st.integers(min_value=1, max_value=50_000).map(
    lambda hundredths: Decimal(hundredths) / 100
)


@given(
    patients=st.integers(1, 500),
    sessions=st.integers(1, 60),
    per_session=volumes,
    unit_volume=volumes,
    units_per_pack=st.integers(1, 1000),
)
def test_the_packs_cover_the_need_and_one_fewer_would_not(
    patients, sessions, per_session, unit_volume, units_per_pack
):
    needed = volume_needed(patients, sessions, per_session)
    assert needed == patients * sessions * per_session
    packs = packs_to_cover(needed, unit_volume, units_per_pack)
    pack_volume = unit_volume * units_per_pack
    assert packs >= 1
    assert packs * pack_volume >= needed
    assert (packs - 1) * pack_volume < needed


def test_a_need_of_exactly_whole_packs_takes_no_extra_pack():
    assert packs_to_cover(Decimal("250"), Decimal("5"), 10) == 5
    assert packs_to_cover(Decimal("250.01"), Decimal("5"), 10) == 6


def test_sessions_fall_every_interval_from_the_first():
    dates = session_dates(date(2027, 1, 4), 3, 14)
    assert dates == (date(2027, 1, 4), date(2027, 1, 18), date(2027, 2, 1))


def test_adding_months_keeps_the_day_or_takes_the_months_last():
    assert add_months(date(2027, 1, 15), 12) == date(2028, 1, 15)
    assert add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert add_months(date(2027, 11, 30), 3) == date(2028, 2, 29)

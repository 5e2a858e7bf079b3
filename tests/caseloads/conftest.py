from datetime import date

import pytest

TODAY = date(2025, 3, 14)  # a Friday


@pytest.fixture
def today():
    return TODAY

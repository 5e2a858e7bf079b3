from datetime import date

import pytest

TODAY = date(2025, 3, 15)


@pytest.fixture
def today():
    return TODAY

from dataclasses import dataclass

import pytest

from .factories import FundingSourceFactory, ItemKindFactory, SiteFactory


@dataclass
class Supplies:
    site: object
    other_site: object
    naloxone: object
    strips: object
    funder: object
    other_funder: object


@pytest.fixture
def supplies(db):
    return Supplies(
        site=SiteFactory(name="Maple Court", tenant_count=40),
        other_site=SiteFactory(name="Scattered-site office", kind="office", tenant_count=None),
        naloxone=ItemKindFactory(name="Naloxone nasal spray 4 mg", is_naloxone=True),
        strips=ItemKindFactory(name="Fentanyl test strips", is_naloxone=False),
        funder=FundingSourceFactory(name="County health department"),
        other_funder=FundingSourceFactory(name="State opioid response grant"),
    )

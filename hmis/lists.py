"""HUD's FY2026 HMIS CSV value lists that the validator checks, as sets of integers.

Each name is a list of the HMIS CSV Format Specifications (its number in the comment, or the data
element it codes). Where our own models already hold a list (``enrollments.hud``,
``placements.destinations``, the choices in ``clients.models``) the set is derived from those
choices, so a code added there is accepted here. ``hmis.spec`` names these sets in its
``values=``; a list we don't check (HUD has more than a hundred) is simply not named there.
"""

from clients.models import (
    DobDataQuality,
    HudResponse,
    NameDataQuality,
    RaceEthnicityNone,
    Sex,
    SsnDataQuality,
)
from enrollments.hud import (
    DataCollectionStage,
    DisabilityType,
    Funder,
    HousingType,
    LengthOfStay,
    LivingSituation,
    MonthsHomeless,
    NoYesMissing,
    NoYesReasons,
    ProjectType,
    RelationshipToHead,
    SubstanceUseResponse,
    TimesHomeless,
    WhenOccurred,
)
from placements.destinations import Destination, RentalSubsidyType


def _codes(choices) -> frozenset[int]:
    return frozenset(int(member.value) for member in choices)


# 1.1 Yes/No
YES_NO = frozenset({0, 1})
# 1.7 No/Yes/Missing
NO_YES_MISSING = _codes(NoYesMissing)
# 1.8 No/Yes/Reasons for missing data
NO_YES_REASONS = _codes(NoYesReasons)
# Reasons for missing data alone: client doesn't know, prefers not to answer, not collected.
REASONS_MISSING = frozenset({8, 9, 99})

# Export.csv (the export's own description)
SOURCE_TYPE = frozenset({1, 2, 3, 4})  # CoC HMIS, standalone/agency database, warehouse, other
EXPORT_PERIOD_TYPE = frozenset({1, 2, 3, 4})  # updated, effective, reporting period, other
EXPORT_DIRECTIVE = frozenset({1, 2, 3})  # delta refresh, full refresh, other
HASH_STATUS = frozenset({1, 2, 3, 4})  # unhashed, SHA-1 RHY, hashed other, SHA-256 RHY

# Projects
PROJECT_TYPE = _codes(ProjectType)  # 2.02.6
HOUSING_TYPE = _codes(HousingType)  # 2.02.D
FUNDER = _codes(Funder)  # 2.06.1
HOUSEHOLD_TYPE = frozenset({1, 3, 4})  # 2.07.4: without children, adult and child, only children
HMIS_PARTICIPATION_TYPE = frozenset({0, 1, 2})  # 2.08.1: not, HMIS, comparable database

# Universal data elements (Client.csv)
NAME_DATA_QUALITY = _codes(NameDataQuality)  # 3.01.5
SSN_DATA_QUALITY = _codes(SsnDataQuality)  # 3.02.2
DOB_DATA_QUALITY = _codes(DobDataQuality)  # 3.03.2
SEX = _codes(Sex)  # 3.06.1 (FY2026)
RACE_NONE = _codes(RaceEthnicityNone)  # 1.6 on RaceNone
VETERAN_STATUS = _codes(HudResponse)  # 3.07.1, list 1.8

# Enrollment.csv and Exit.csv
RELATIONSHIP_TO_HOH = _codes(RelationshipToHead)  # 3.15.1
HEAD_OF_HOUSEHOLD = RelationshipToHead.SELF.value
PRIOR_LIVING_SITUATION = _codes(LivingSituation)  # 3.917.1
LENGTH_OF_STAY = _codes(LengthOfStay)  # 3.917.2
TIMES_HOMELESS = _codes(TimesHomeless)  # 3.917.4
MONTHS_HOMELESS = _codes(MonthsHomeless)  # 3.917.5
DESTINATION = _codes(Destination)  # 3.12.1
RENTAL_SUBSIDY_TYPE = _codes(RentalSubsidyType)  # 3.12.A / 3.917.A / 4.12.A
DISABLING_CONDITION = NO_YES_REASONS  # 3.08

# 4.12 current living situation: the prior living situations, plus "other" (17) and "worker
# unable to determine" (37).
CURRENT_LIVING_SITUATION = PRIOR_LIVING_SITUATION | {17, 37}

# Assessments
# 5.03.1; HUD's list also has 6 "post-exit" (RHY aftercare), which we never collect but an
# export made elsewhere may hold.
DATA_COLLECTION_STAGE = _codes(DataCollectionStage) | {6}
DISABILITY_TYPE = _codes(DisabilityType)  # 4.05 to 4.10 (list 4.10.1 in the CSV)
# DisabilityResponse: list 1.8 for every type but substance use, whose 4.10.2 adds 2 and 3.
DISABILITY_RESPONSE = NO_YES_REASONS | _codes(SubstanceUseResponse)
SUBSTANCE_USE_RESPONSE = _codes(SubstanceUseResponse)
WHEN_OCCURRED = _codes(WhenOccurred)  # 4.11.A


def named(name: str) -> frozenset[int]:
    """The list ``hmis.spec`` names in a column's ``values=``."""
    value = globals().get(name)
    if not isinstance(value, frozenset):
        raise KeyError(f"hmis.lists has no list named {name!r}")
    return value

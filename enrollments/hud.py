"""HUD HMIS code lists for program enrollment (FY2026 HMIS Data Standards and CSV
Format Specifications), stored as HUD's own integers so an export needs no translation.

Labels follow HUD's wording, except that "substance abuse" reads "substance use" (our words).
The exit destinations (3.12) and rental subsidy types (3.12.A / 3.917.A) live beside the
placements that first needed them (``placements.destinations``).
"""

from django.db import models


class NoYesReasons(models.IntegerChoices):
    """List 1.8: No / Yes / reasons for missing data."""

    NO = 0, "No"
    YES = 1, "Yes"
    CLIENT_DOESNT_KNOW = 8, "Client doesn't know"
    CLIENT_PREFERS_NOT_TO_ANSWER = 9, "Client prefers not to answer"
    DATA_NOT_COLLECTED = 99, "Data not collected"


class NoYesMissing(models.IntegerChoices):
    """List 1.7: No / Yes / missing."""

    NO = 0, "No"
    YES = 1, "Yes"
    DATA_NOT_COLLECTED = 99, "Data not collected"


MISSING_CODES = frozenset({8, 9, 99})


class ProjectType(models.IntegerChoices):
    """2.02.6 Project type."""

    ES_ENTRY_EXIT = 0, "Emergency Shelter – Entry Exit"
    ES_NIGHT_BY_NIGHT = 1, "Emergency Shelter – Night-by-Night"
    TRANSITIONAL_HOUSING = 2, "Transitional Housing"
    PSH = 3, "PH – Permanent Supportive Housing"
    STREET_OUTREACH = 4, "Street Outreach"
    SERVICES_ONLY = 6, "Services Only"
    OTHER = 7, "Other"
    SAFE_HAVEN = 8, "Safe Haven"
    PH_HOUSING_ONLY = 9, "PH – Housing Only"
    PH_HOUSING_WITH_SERVICES = 10, "PH – Housing with Services (no disability required for entry)"
    DAY_SHELTER = 11, "Day Shelter"
    HOMELESSNESS_PREVENTION = 12, "Homelessness Prevention"
    RAPID_REHOUSING = 13, "PH – Rapid Re-Housing"
    COORDINATED_ENTRY = 14, "Coordinated Entry"


# 3.917 is asked in full ("Part A") by street outreach, emergency shelter and safe haven
# projects; every other project type asks "Part B", with its length-of-stay gates.
PART_A_PROJECT_TYPES = frozenset({0, 1, 4, 8})


class HousingType(models.IntegerChoices):
    """2.02.D Housing type."""

    SITE_BASED_SINGLE = 1, "Site-based – single site"
    SITE_BASED_CLUSTERED = 2, "Site-based – clustered / multiple sites"
    TENANT_BASED = 3, "Tenant-based – scattered site"


class Funder(models.IntegerChoices):
    """2.06.1 Federal partner funding sources."""

    COC_HP = 1, "HUD: CoC – Homelessness Prevention (High Performing Comm. Only)"
    COC_PSH = 2, "HUD: CoC – Permanent Supportive Housing"
    COC_RRH = 3, "HUD: CoC – Rapid Re-Housing"
    COC_SSO = 4, "HUD: CoC – Supportive Services Only"
    COC_TH = 5, "HUD: CoC – Transitional Housing"
    COC_SAFE_HAVEN = 6, "HUD: CoC – Safe Haven"
    COC_SRO = 7, "HUD: CoC – Single Room Occupancy (SRO)"
    ESG_ES = 8, "HUD: ESG – Emergency Shelter (operating and/or essential services)"
    ESG_HP = 9, "HUD: ESG – Homelessness Prevention"
    ESG_RRH = 10, "HUD: ESG – Rapid Rehousing"
    ESG_SO = 11, "HUD: ESG – Street Outreach"
    HOPWA_HOTEL_MOTEL = 13, "HUD: HOPWA – Hotel/Motel Vouchers"
    HOPWA_HOUSING_INFORMATION = 14, "HUD: HOPWA – Housing Information"
    HOPWA_PH = 15, "HUD: HOPWA – Permanent Housing (facility based or TBRA)"
    HOPWA_PH_PLACEMENT = 16, "HUD: HOPWA – Permanent Housing Placement"
    HOPWA_STRMU = 17, "HUD: HOPWA – Short-Term Rent, Mortgage, Utility assistance"
    HOPWA_SHORT_TERM_FACILITY = 18, "HUD: HOPWA – Short-Term Supportive Facility"
    HOPWA_TH = 19, "HUD: HOPWA – Transitional Housing (facility based or TBRA)"
    HUD_VASH = 20, "HUD: HUD/VASH"
    PATH = 21, "HHS: PATH – Street Outreach & Supportive Services Only"
    RHY_BCP = 22, "HHS: RHY – Basic Center Program (prevention and shelter)"
    RHY_MGH = 23, "HHS: RHY – Maternity Group Home for Pregnant and Parenting Youth"
    RHY_TLP = 24, "HHS: RHY – Transitional Living Program"
    RHY_SOP = 25, "HHS: RHY – Street Outreach Project"
    RHY_DEMONSTRATION = 26, "HHS: RHY – Demonstration Project"
    VA_CRS = 27, "VA: CRS Contract Residential Services"
    VA_SAFE_HAVEN = 30, "VA: Community Contract Safe Haven Program"
    VA_SSVF = 33, "VA: Supportive Services for Veteran Families"
    NOT_APPLICABLE = 34, "N/A"
    PAY_FOR_SUCCESS = 35, "HUD: Pay for Success"
    PIH = 36, "HUD: Public and Indian Housing (PIH) Programs"
    VA_GPD_BRIDGE = 37, "VA: Grant Per Diem – Bridge Housing"
    VA_GPD_LOW_DEMAND = 38, "VA: Grant Per Diem – Low Demand"
    VA_GPD_HOSPITAL = 39, "VA: Grant Per Diem – Hospital to Housing"
    VA_GPD_CLINICAL = 40, "VA: Grant Per Diem – Clinical Treatment"
    VA_GPD_SERVICE_INTENSIVE = 41, "VA: Grant Per Diem – Service Intensive Transitional Housing"
    VA_GPD_TIP = 42, "VA: Grant Per Diem – Transition in Place"
    COC_YHDP = 43, "HUD: CoC – Youth Homeless Demonstration Program (YHDP)"
    COC_JOINT_TH_RRH = 44, "HUD: CoC – Joint Component TH/RRH"
    VA_GPD_CASE_MANAGEMENT = 45, "VA: Grant Per Diem – Case Management/Housing Retention"
    LOCAL_OR_OTHER = 46, "Local or Other Funding Source (Please Specify)"
    ESG_CV = 47, "HUD: ESG – CV"
    HOPWA_CV = 48, "HUD: HOPWA – CV"
    HOME = 50, "HUD: HOME"
    HOME_ARP = 51, "HUD: HOME (ARP)"
    PIH_EHV = 52, "HUD: PIH (Emergency Housing Voucher)"


class LivingSituation(models.IntegerChoices):
    """3.917.1 Prior living situation (its list; the 3.12 destinations list is longer)."""

    EMERGENCY_SHELTER = (
        101,
        "Emergency shelter, including hotel or motel paid for with emergency shelter voucher, "
        "Host Home shelter",
    )
    PLACE_NOT_MEANT_FOR_HABITATION = (
        116,
        "Place not meant for habitation (e.g., a vehicle, an abandoned building, "
        "bus/train/subway station/airport or anywhere outside)",
    )
    SAFE_HAVEN = 118, "Safe Haven"
    PSYCHIATRIC_FACILITY = 204, "Psychiatric hospital or other psychiatric facility"
    SUBSTANCE_USE_TREATMENT = 205, "Substance use treatment facility or detox center"
    HOSPITAL = 206, "Hospital or other residential non-psychiatric medical facility"
    JAIL_OR_PRISON = 207, "Jail, prison, or juvenile detention facility"
    FOSTER_CARE = 215, "Foster care home or foster care group home"
    LONG_TERM_CARE = 225, "Long-term care facility or nursing home"
    TRANSITIONAL_HOUSING = (
        302,
        "Transitional housing for homeless persons (including homeless youth)",
    )
    HOTEL_WITHOUT_VOUCHER = 314, "Hotel or motel paid for without emergency shelter voucher"
    RESIDENTIAL_PROJECT = 329, "Residential project or halfway house with no homeless criteria"
    HOST_HOME_NON_CRISIS = 332, "Host Home (non-crisis)"
    FAMILY_MEMBERS_HOME = 335, "Staying or living in a family member's room, apartment, or house"
    FRIENDS_HOME = 336, "Staying or living in a friend's room, apartment, or house"
    RENTAL_NO_SUBSIDY = 410, "Rental by client, no ongoing housing subsidy"
    OWNED_NO_SUBSIDY = 411, "Owned by client, no ongoing housing subsidy"
    OWNED_WITH_SUBSIDY = 421, "Owned by client, with ongoing housing subsidy"
    RENTAL_WITH_SUBSIDY = 435, "Rental by client, with ongoing housing subsidy"
    CLIENT_DOESNT_KNOW = 8, "Client doesn't know"
    CLIENT_PREFERS_NOT_TO_ANSWER = 9, "Client prefers not to answer"
    DATA_NOT_COLLECTED = 99, "Data not collected"


def living_situation_group(code: int | None) -> str | None:
    """'homeless' (1xx), 'institutional' (2xx), 'temporary' (3xx), 'permanent' (4xx), or
    'other' (the one- and two-digit codes)."""
    if code is None:
        return None
    return {1: "homeless", 2: "institutional", 3: "temporary", 4: "permanent"}.get(
        code // 100, "other"
    )


class LengthOfStay(models.IntegerChoices):
    """3.917.2 Length of stay in prior living situation."""

    ONE_NIGHT_OR_LESS = 10, "One night or less"
    TWO_TO_SIX_NIGHTS = 11, "Two to six nights"
    ONE_WEEK_TO_ONE_MONTH = 2, "One week or more, but less than one month"
    ONE_TO_THREE_MONTHS = 3, "One month or more, but less than 90 days"
    NINETY_DAYS_TO_ONE_YEAR = 4, "90 days or more but less than one year"
    ONE_YEAR_OR_LONGER = 5, "One year or longer"
    CLIENT_DOESNT_KNOW = 8, "Client doesn't know"
    CLIENT_PREFERS_NOT_TO_ANSWER = 9, "Client prefers not to answer"
    DATA_NOT_COLLECTED = 99, "Data not collected"


# The 3.917B gates: an institutional stay under 90 days, any other stay under 7 nights.
UNDER_90_DAYS = frozenset({10, 11, 2, 3})
UNDER_7_NIGHTS = frozenset({10, 11})


class TimesHomeless(models.IntegerChoices):
    """3.917.4 Number of times on the streets, in ES, or SH in the past three years."""

    ONE = 1, "One time"
    TWO = 2, "Two times"
    THREE = 3, "Three times"
    FOUR_OR_MORE = 4, "Four or more times"
    CLIENT_DOESNT_KNOW = 8, "Client doesn't know"
    CLIENT_PREFERS_NOT_TO_ANSWER = 9, "Client prefers not to answer"
    DATA_NOT_COLLECTED = 99, "Data not collected"


class MonthsHomeless(models.IntegerChoices):
    """3.917.5 Total number of months homeless on the street, in ES, or SH in the past three
    years."""

    ONE = 101, "One month (this time is the first month)"
    TWO = 102, "2"
    THREE = 103, "3"
    FOUR = 104, "4"
    FIVE = 105, "5"
    SIX = 106, "6"
    SEVEN = 107, "7"
    EIGHT = 108, "8"
    NINE = 109, "9"
    TEN = 110, "10"
    ELEVEN = 111, "11"
    TWELVE = 112, "12"
    MORE_THAN_TWELVE = 113, "More than 12 months"
    CLIENT_DOESNT_KNOW = 8, "Client doesn't know"
    CLIENT_PREFERS_NOT_TO_ANSWER = 9, "Client prefers not to answer"
    DATA_NOT_COLLECTED = 99, "Data not collected"


class RelationshipToHead(models.IntegerChoices):
    """3.15.1 Relationship to head of household."""

    SELF = 1, "Self (head of household)"
    CHILD = 2, "Head of household's child"
    SPOUSE_OR_PARTNER = 3, "Head of household's spouse or partner"
    OTHER_RELATION = 4, "Head of household's other relation member"
    NON_RELATION = 5, "Other: non-relation member"
    DATA_NOT_COLLECTED = 99, "Data not collected"


class DataCollectionStage(models.IntegerChoices):
    """5.03.1 Data collection stage."""

    PROJECT_START = 1, "Project start"
    UPDATE = 2, "Update"
    PROJECT_EXIT = 3, "Project exit"
    ANNUAL_ASSESSMENT = 5, "Annual assessment"


class DisabilityType(models.IntegerChoices):
    """The Disabilities file's DisabilityType: data elements 4.05 to 4.10."""

    PHYSICAL = 5, "Physical disability"
    DEVELOPMENTAL = 6, "Developmental disability"
    CHRONIC_HEALTH = 7, "Chronic health condition"
    HIV_AIDS = 8, "HIV/AIDS"
    MENTAL_HEALTH = 9, "Mental health disorder"
    SUBSTANCE_USE = 10, "Substance use disorder"


# 4.06 and 4.08 are disabling by definition: HUD asks "long-continued and indefinite" only of
# the others.
INDEFINITE_ASKED = frozenset({5, 7, 9, 10})


class SubstanceUseResponse(models.IntegerChoices):
    """4.10.2 Substance use disorder."""

    NO = 0, "No"
    ALCOHOL = 1, "Alcohol use disorder"
    DRUGS = 2, "Drug use disorder"
    BOTH = 3, "Both alcohol and drug use disorders"
    CLIENT_DOESNT_KNOW = 8, "Client doesn't know"
    CLIENT_PREFERS_NOT_TO_ANSWER = 9, "Client prefers not to answer"
    DATA_NOT_COLLECTED = 99, "Data not collected"


class WhenOccurred(models.IntegerChoices):
    """4.11.A When experience occurred."""

    WITHIN_THREE_MONTHS = 1, "Within the past three months"
    THREE_TO_SIX_MONTHS = 2, "Three to six months ago (excluding six months exactly)"
    SIX_MONTHS_TO_ONE_YEAR = 3, "Six months to one year ago (excluding one year exactly)"
    ONE_YEAR_OR_MORE = 4, "One year ago, or more"
    CLIENT_DOESNT_KNOW = 8, "Client doesn't know"
    CLIENT_PREFERS_NOT_TO_ANSWER = 9, "Client prefers not to answer"
    DATA_NOT_COLLECTED = 99, "Data not collected"


# 4.02 income sources, 4.03 non-cash benefits and 4.04 health insurance: our field name, HUD's
# CSV column, the label HUD asks it by.
INCOME_SOURCES = (
    ("earned", "Earned", "Earned income (i.e., employment income)"),
    ("unemployment", "Unemployment", "Unemployment insurance"),
    ("ssi", "SSI", "Supplemental Security Income (SSI)"),
    ("ssdi", "SSDI", "Social Security Disability Insurance (SSDI)"),
    (
        "va_disability_service",
        "VADisabilityService",
        "VA service-connected disability compensation",
    ),
    (
        "va_disability_non_service",
        "VADisabilityNonService",
        "VA non-service-connected disability pension",
    ),
    ("private_disability", "PrivateDisability", "Private disability insurance"),
    ("workers_comp", "WorkersComp", "Worker's compensation"),
    ("tanf", "TANF", "Temporary Assistance for Needy Families (TANF)"),
    ("ga", "GA", "General Assistance (GA)"),
    ("soc_sec_retirement", "SocSecRetirement", "Retirement income from Social Security"),
    ("pension", "Pension", "Pension or retirement income from a former job"),
    ("child_support", "ChildSupport", "Child support"),
    ("alimony", "Alimony", "Alimony and other spousal support"),
    ("other_income_source", "OtherIncomeSource", "Other source"),
)
BENEFIT_SOURCES = (
    ("snap", "SNAP", "Supplemental Nutrition Assistance Program (SNAP)"),
    ("wic", "WIC", "Special Supplemental Nutrition Program for Women, Infants, and Children (WIC)"),
    ("tanf_child_care", "TANFChildCare", "TANF child care services"),
    ("tanf_transportation", "TANFTransportation", "TANF transportation services"),
    ("other_tanf", "OtherTANF", "Other TANF-funded services"),
    ("other_benefits_source", "OtherBenefitsSource", "Other source"),
)
INSURANCE_SOURCES = (
    ("medicaid", "Medicaid", "Medicaid"),
    ("medicare", "Medicare", "Medicare"),
    ("schip", "SCHIP", "State Children's Health Insurance Program"),
    ("vha_services", "VHAServices", "Veteran's Health Administration (VHA) Medical Services"),
    ("employer_provided", "EmployerProvided", "Employer-provided health insurance"),
    ("cobra", "COBRA", "Health insurance obtained through COBRA"),
    ("private_pay", "PrivatePay", "Private pay health insurance"),
    ("state_health_ins", "StateHealthIns", "State health insurance for adults"),
    ("indian_health_services", "IndianHealthServices", "Indian Health Services program"),
    ("other_insurance", "OtherInsurance", "Other"),
)

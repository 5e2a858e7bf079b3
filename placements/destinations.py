"""HUD HMIS exit destinations (data element 3.12, FY2024 and FY2026 data standards).

Stored as HUD's own codes so an exit can be exported to a Continuum of Care's HMIS without
re-entry. The hundreds digit is the group: 1xx homeless situations, 2xx institutional,
3xx temporary, 4xx permanent; the one- and two-digit codes are other situations.

Labels follow HUD's wording, except that "substance abuse" reads "substance use" (our words).
"""

from django.db import models


class DestinationGroup(models.TextChoices):
    HOMELESS = "homeless", "Homeless situations"
    INSTITUTIONAL = "institutional", "Institutional situations"
    TEMPORARY = "temporary", "Temporary housing situations"
    PERMANENT = "permanent", "Permanent housing situations"
    OTHER = "other", "Other situations"


class Destination(models.IntegerChoices):
    # Homeless situations
    EMERGENCY_SHELTER = (
        101,
        (
            "Emergency shelter, including hotel or motel paid for with emergency shelter voucher, "
            "or Host Home shelter"
        ),
    )
    PLACE_NOT_MEANT_FOR_HABITATION = (
        116,
        (
            "Place not meant for habitation (e.g., a vehicle, an abandoned building, "
            "bus/train/subway station/airport or anywhere outside)"
        ),
    )
    SAFE_HAVEN = 118, "Safe Haven"
    # Institutional situations
    PSYCHIATRIC_FACILITY = 204, "Psychiatric hospital or other psychiatric facility"
    SUBSTANCE_USE_TREATMENT = 205, "Substance use treatment facility or detox center"
    HOSPITAL = 206, "Hospital or other residential non-psychiatric medical facility"
    JAIL_OR_PRISON = 207, "Jail, prison, or juvenile detention facility"
    FOSTER_CARE = 215, "Foster care home or foster care group home"
    LONG_TERM_CARE = 225, "Long-term care facility or nursing home"
    # Temporary housing situations
    TRANSITIONAL_HOUSING = (
        302,
        ("Transitional housing for homeless persons (including homeless youth)"),
    )
    FAMILY_TEMPORARY = (
        312,
        ("Staying or living with family, temporary tenure (e.g., room, apartment, or house)"),
    )
    FRIENDS_TEMPORARY = (
        313,
        ("Staying or living with friends, temporary tenure (e.g., room, apartment, or house)"),
    )
    HOTEL_WITHOUT_VOUCHER = 314, "Hotel or motel paid for without emergency shelter voucher"
    HOPWA_TRANSITIONAL = 327, "Moved from one HOPWA funded project to HOPWA TH"
    RESIDENTIAL_PROJECT = 329, "Residential project or halfway house with no homeless criteria"
    HOST_HOME_NON_CRISIS = 332, "Host Home (non-crisis)"
    # Permanent housing situations
    RENTAL_NO_SUBSIDY = 410, "Rental by client, no ongoing housing subsidy"
    OWNED_NO_SUBSIDY = 411, "Owned by client, no ongoing housing subsidy"
    OWNED_WITH_SUBSIDY = 421, "Owned by client, with ongoing housing subsidy"
    FAMILY_PERMANENT = 422, "Staying or living with family, permanent tenure"
    FRIENDS_PERMANENT = 423, "Staying or living with friends, permanent tenure"
    HOPWA_PERMANENT = 426, "Moved from one HOPWA funded project to HOPWA PH"
    RENTAL_WITH_SUBSIDY = 435, "Rental by client, with ongoing housing subsidy"
    # Other situations
    NO_EXIT_INTERVIEW = 30, "No exit interview completed"
    OTHER = 17, "Other"
    DECEASED = 24, "Deceased"
    CLIENT_DOESNT_KNOW = 8, "Client doesn't know"
    CLIENT_PREFERS_NOT_TO_ANSWER = 9, "Client prefers not to answer"
    DATA_NOT_COLLECTED = 99, "Data not collected"


class RentalSubsidyType(models.IntegerChoices):
    """HUD 3.12.A: asked only when the destination is 435 (rental with ongoing subsidy)."""

    GPD_TIP = 428, "GPD TIP housing subsidy"
    VASH = 419, "VASH housing subsidy"
    RRH = 431, "RRH or equivalent subsidy"
    HCV = 433, "HCV voucher (tenant or project based) (not dedicated)"
    PUBLIC_HOUSING = 434, "Public housing unit"
    OTHER = 420, "Rental by client, with other ongoing housing subsidy"
    EMERGENCY_HOUSING_VOUCHER = 436, "Emergency Housing Voucher"
    FAMILY_UNIFICATION = 437, "Family Unification Program Voucher (FUP)"
    FOSTER_YOUTH_TO_INDEPENDENCE = 438, "Foster Youth to Independence Initiative (FYI)"
    PERMANENT_SUPPORTIVE_HOUSING = 439, "Permanent Supportive Housing"
    DEDICATED_PERMANENT_HOUSING = (
        440,
        ("Other permanent housing dedicated for formerly homeless persons"),
    )


_GROUP_BY_HUNDREDS = {
    1: DestinationGroup.HOMELESS,
    2: DestinationGroup.INSTITUTIONAL,
    3: DestinationGroup.TEMPORARY,
    4: DestinationGroup.PERMANENT,
}


def destination_group(code: int | None) -> DestinationGroup | None:
    """The HUD group of a destination code (None for no code): 435 → PERMANENT, 24 → OTHER."""
    if code is None:
        return None
    return _GROUP_BY_HUNDREDS.get(int(code) // 100, DestinationGroup.OTHER)


def grouped_destination_choices() -> list[tuple[str, list[tuple[int, str]]]]:
    """Destinations under their group headings, for a <select> with <optgroup>s."""
    groups: dict[DestinationGroup, list] = {group: [] for group in DestinationGroup}
    for value, label in Destination.choices:
        groups[destination_group(value)].append((value, label))
    return [(group.label, options) for group, options in groups.items()]

"""Possible duplicate records: is this new person someone already enrolled?

Typing errors in the field must not defeat the check. Candidates are found in the database by
birth date and its usual mistakes (two digits swapped, day and month swapped, one digit off)
and, where both records have one, the same last four of the SSN with a similar last name
(PostgreSQL: a trigram index, ``pg_trgm``). Each candidate is then scored here: names compared
by spelling (edit distance), by sound (metaphone) and by common nicknames, also with first and
last name swapped. A score at or above ``settings.DUPLICATE_MATCH_THRESHOLD`` is a possible
duplicate, with the reasons it matched ("same birth date · similar last name").
"""

import unicodedata
from dataclasses import dataclass, field
from datetime import date

import jellyfish
from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from .models import Client

# Common nicknames, each group one given name. Small on purpose: the spelling and sound tests
# catch most variants; these are the ones that share few letters.
NICKNAME_GROUPS = [
    {"joseph", "joe", "joey", "jose"},
    {"william", "bill", "billy", "will", "willie", "liam"},
    {"elizabeth", "liz", "lizzie", "beth", "betty", "eliza", "libby"},
    {"robert", "bob", "bobby", "rob", "robbie", "bert"},
    {"richard", "rick", "ricky", "dick", "rich"},
    {"margaret", "maggie", "meg", "peggy", "marge"},
    {"james", "jim", "jimmy", "jamie"},
    {"john", "jack", "johnny", "jon"},
    {"michael", "mike", "mikey", "mick"},
    {"katherine", "catherine", "kathy", "kate", "katie", "cathy", "kat"},
    {"charles", "charlie", "chuck", "chas"},
    {"anthony", "tony"},
    {"edward", "ed", "eddie", "ted", "ned"},
    {"thomas", "tom", "tommy"},
    {"alexander", "alex", "sasha", "alejandro", "alec"},
    {"francisco", "frank", "paco", "pancho", "francis"},
    {"patricia", "pat", "patty", "trish"},
    {"jennifer", "jen", "jenny"},
    {"christopher", "chris", "kit"},
    {"daniel", "dan", "danny"},
    {"guillermo", "memo", "william"},
    {"deborah", "debbie", "deb"},
    {"susan", "sue", "suzy"},
    {"rebecca", "becky", "becca"},
    {"samuel", "sam", "sammy"},
    {"benjamin", "ben", "benny"},
    {"nicholas", "nick", "nicky"},
    {"steven", "stephen", "steve"},
    {"jacqueline", "jackie"},
    {"dorothy", "dot", "dottie"},
]
NICKNAMES: dict[str, set[str]] = {}
for _group in NICKNAME_GROUPS:
    for _name in _group:
        NICKNAMES.setdefault(_name, set()).update(_group)

# Points per kind of agreement; the threshold (a setting) decides what is flagged.
# A birth date and one name (twins; a namesake born the same day) stay below the default 70.
BIRTH_DATE_POINTS = {"same birth date": 35, "birth date with a typing slip": 25}
LAST_NAME_POINTS = {"same": 30, "similar": 22}
FIRST_NAME_POINTS = {"same": 30, "nickname": 25, "similar": 20}
SAME_SSN_POINTS = 30
DIFFERENT_SSN_POINTS = -40
MAX_CANDIDATES = 200


def normalized(name: str) -> str:
    """Lower case, accents dropped, letters only: "José-Luis" -> "joseluis"."""
    decomposed = unicodedata.normalize("NFKD", name or "")
    return "".join(c for c in decomposed.lower() if c.isalpha())


def name_agreement(a: str, b: str) -> str | None:
    """How two names agree: "same", "nickname", "similar" (spelling or sound), or None."""
    a, b = normalized(a), normalized(b)
    if not a or not b:
        return None
    if a == b:
        return "same"
    if b in NICKNAMES.get(a, ()):
        return "nickname"
    close_spelling = (
        jellyfish.damerau_levenshtein_distance(a, b) <= (1 if min(len(a), len(b)) <= 5 else 2)
        or jellyfish.jaro_winkler_similarity(a, b) >= 0.9
    )
    if close_spelling or jellyfish.metaphone(a) == jellyfish.metaphone(b):
        return "similar"
    return None


def _valid(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def birth_date_slips(born: date) -> set[date]:
    """The dates a birth date is often mistyped as: two neighbouring digits swapped, day and
    month swapped, or one digit off (in YYYYMMDD)."""
    # Not strftime: "%Y" drops the leading zeros of a year before 1000 on some platforms.
    digits = f"{born.year:04d}{born.month:02d}{born.day:02d}"
    variants = {_valid(born.year, born.day, born.month)}
    for i in range(len(digits) - 1):
        swapped = digits[:i] + digits[i + 1] + digits[i] + digits[i + 2 :]
        variants.add(_valid(int(swapped[:4]), int(swapped[4:6]), int(swapped[6:])))
    for i in range(len(digits)):
        for d in "0123456789":
            changed = digits[:i] + d + digits[i + 1 :]
            variants.add(_valid(int(changed[:4]), int(changed[4:6]), int(changed[6:])))
    variants.discard(None)
    variants.discard(born)
    # Nobody enrolled was born before 1900 or in the future.
    return {day for day in variants if date(1900, 1, 1) <= day <= timezone.localdate()}


@dataclass
class PossibleDuplicate:
    client: Client
    score: int
    reasons: list[str] = field(default_factory=list)

    @property
    def why(self) -> str:
        return " · ".join(self.reasons)


def score(
    candidate: Client, *, first_name, last_name, preferred_name, date_of_birth, ssn, slips=None
) -> PossibleDuplicate:
    """How much ``candidate`` looks like the person; ``slips``: the birth date's typing slips
    (computed once by the caller that scores many candidates)."""
    result = PossibleDuplicate(client=candidate, score=0)
    if date_of_birth and candidate.date_of_birth:
        if slips is None:
            slips = birth_date_slips(date_of_birth)
        if candidate.date_of_birth == date_of_birth:
            kind = "same birth date"
        elif candidate.date_of_birth in slips:
            kind = "birth date with a typing slip"
        else:
            kind = None
        if kind:
            result.score += BIRTH_DATE_POINTS[kind]
            result.reasons.append(kind)
    # Names as entered, and first and last swapped (a common slip on paper forms).
    theirs_first = [candidate.first_name, candidate.preferred_name]
    straight = (
        name_agreement(last_name, candidate.last_name),
        max(
            (name_agreement(n, t) for n in (first_name, preferred_name) for t in theirs_first),
            key=lambda a: FIRST_NAME_POINTS.get(a, 0),
        ),
    )
    swapped = (
        name_agreement(first_name, candidate.last_name),
        name_agreement(last_name, candidate.first_name),
    )
    straight_points = LAST_NAME_POINTS.get(straight[0], 0) + FIRST_NAME_POINTS.get(straight[1], 0)
    swapped_points = LAST_NAME_POINTS.get(swapped[0], 0) + FIRST_NAME_POINTS.get(swapped[1], 0)
    if swapped_points > straight_points:
        result.score += swapped_points
        result.reasons.append("first and last name swapped")
    else:
        result.score += straight_points
        if straight[0]:
            result.reasons.append(f"{straight[0]} last name")
        if straight[1]:
            result.reasons.append(
                "first name is a nickname"
                if straight[1] == "nickname"
                else f"{straight[1]} first name"
            )
    theirs_ssn, ours_ssn = candidate.ssn or "", ssn or ""
    if len(theirs_ssn) >= 4 and len(ours_ssn) >= 4:
        if theirs_ssn[-4:] == ours_ssn[-4:]:
            result.score += SAME_SSN_POINTS
            result.reasons.append("same last four of the SSN")
        else:
            result.score += DIFFERENT_SSN_POINTS
    return result


def possible_duplicates(
    *,
    first_name: str,
    last_name: str,
    date_of_birth: date | None,
    preferred_name: str = "",
    ssn: str = "",
    exclude_pk=None,
    queryset=None,
) -> list[PossibleDuplicate]:
    """Enrolled clients who may be this person, best first (any scope: the caller decides
    what the person may be shown)."""
    base = queryset if queryset is not None else Client.objects.all()
    where = Q(pk__in=[])
    slips = birth_date_slips(date_of_birth) if date_of_birth else set()
    if date_of_birth:
        where |= Q(date_of_birth__in=[date_of_birth, *slips])
    last_four = (ssn or "")[-4:]
    if len(last_four) == 4:
        same_ssn = Q(ssn__endswith=last_four)
        if connection.vendor == "postgresql" and normalized(last_name):
            # The trigram index on last names narrows this before the SSN is looked at.
            same_ssn &= Q(last_name__trigram_similar=last_name)
        where |= same_ssn
    candidates = base.filter(where)
    if exclude_pk:
        candidates = candidates.exclude(pk=exclude_pk)
    scored = [
        score(
            candidate,
            first_name=first_name,
            last_name=last_name,
            preferred_name=preferred_name,
            date_of_birth=date_of_birth,
            ssn=ssn,
            slips=slips,
        )
        # No ordering: sorting by name would lead PostgreSQL away from the birth-date index.
        for candidate in candidates.select_related("team").order_by()[:MAX_CANDIDATES]
    ]
    threshold = settings.DUPLICATE_MATCH_THRESHOLD
    return sorted(
        (match for match in scored if match.score >= threshold),
        key=lambda match: (-match.score, match.client.pk),
    )

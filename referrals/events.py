"""What happens to referrals and consents, announced for whoever reacts
(``housingfirst.events``)."""

from housingfirst.events import DomainEvent

referral_offered = DomainEvent("A referral was offered: referral, by.")
referral_moved = DomainEvent("A referral moved along its workflow: referral, by.")
referral_notes_changed = DomainEvent(
    "A referral's follow-up date or outcome note changed: referral, by."
)
consent_changed = DomainEvent("A release of information was recorded or revoked: consent, by.")
referral_step_undone = DomainEvent(
    "The person who recorded a referral's step took it back: referral (as it is now), "
    "step (the status undone), step_at (when that step was recorded), by."
)

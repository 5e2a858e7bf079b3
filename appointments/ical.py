"""The private calendar feed as iCalendar text (RFC 5545), written by hand: a few fields.

What leaves the system: the time, the client's first name and surname initial, and the place
of an appointment that is not protected. Never a surname, a service type, a provider, or what
the appointment is about.
"""

from datetime import UTC, timedelta

from django.conf import settings
from django.utils import timezone

DURATION = timedelta(hours=1)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space."""
    out, current = [], ""
    for char in line:
        if len((current + char).encode()) > 75:
            out.append(current)
            current = " " + char
        else:
            current += char
    out.append(current)
    return "\r\n".join(out)


def _stamp(moment) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar(appointments, name: str = "housingfirst appointments") -> str:
    host = settings.SITE_URL.split("//")[-1]
    now = timezone.now()
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//housingfirst//appointments//EN",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{_escape(name or 'housingfirst appointments')}",
    ]
    for appointment in appointments:
        lines += [
            "BEGIN:VEVENT",
            f"UID:appointment-{appointment.pk}@{host}",
            f"DTSTAMP:{_stamp(now)}",
            f"DTSTART:{_stamp(appointment.starts_at)}",
            f"DTEND:{_stamp(appointment.starts_at + DURATION)}",
            f"SUMMARY:{_escape('Appointment with ' + appointment.client.short_name)}",
        ]
        if not appointment.is_protected and appointment.place:
            lines.append(f"LOCATION:{_escape(appointment.place)}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"

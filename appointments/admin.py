"""Appointments and calendar feeds are not in the admin: appointments go through
appointments.services (protected ones are shown only through pages that write the access
log), and a feed's token is its owner's secret."""

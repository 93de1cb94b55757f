"""The staff side of money. Issued invoices are read here, never edited: every change is a
service's (a payment, a reminder, a credit note). Bookings and participants get their money
columns and actions here too, since invoicing comes after registrations."""

from tilmeld.invoicing.admin import bookings, invoices, participants, payments  # noqa: F401

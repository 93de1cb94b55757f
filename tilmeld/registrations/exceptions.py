from django.utils.translation import gettext_lazy as _


class RegistrationError(Exception):
    """A rule refused the change. The message is translated and safe to show to the user."""

    def __init__(self, message, *, code: str = "invalid", field: str | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field

    def __str__(self):
        return str(self.message)


class AlreadyRegistered(RegistrationError):
    def __init__(self, email: str, field: str | None = "email"):
        super().__init__(
            _(
                "This address cannot be registered again for the event. If it is already "
                "registered, we have sent the link to the registration to it."
            ),
            code="already_registered",
            field=field,
        )
        self.email = email

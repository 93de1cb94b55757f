from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice


class AuthenticatorApp(TOTPDevice):
    """A staff user's authenticator app, as superusers see it in the admin (in our words)."""

    class Meta:
        proxy = True
        verbose_name = _("authenticator app")
        verbose_name_plural = _("authenticator apps")

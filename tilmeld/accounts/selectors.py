"""Who must give a second factor, and what they have set up."""

from django.conf import settings
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

# The session's note of whether its user had a confirmed device when they logged in.
HAS_DEVICE_KEY = "tilmeld_2fa_device"
PARTICIPANTS_PERMISSION = "registrations.view_participant"

VERIFY = "verify"
SETUP = "setup"


def two_factor_required(user) -> bool:
    """Staff who can see participants must use two-factor login when the site requires it."""
    return bool(
        settings.STAFF_2FA_REQUIRED
        and user.is_active
        and user.is_staff
        and (user.is_superuser or user.has_perm(PARTICIPANTS_PERMISSION))
    )


def note_devices_at_login(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[HAS_DEVICE_KEY] = user_has_device(user)


def missing_step(request) -> str | None:
    """What a logged-in staff user must do before the admin opens: give the code (VERIFY), set
    two-factor login up (SETUP), or nothing (None)."""
    user = request.user
    if not (user.is_authenticated and user.is_staff) or user.is_verified():
        return None
    has_device = request.session.get(HAS_DEVICE_KEY)
    required = two_factor_required(user)
    # Before sending someone to set up, look again: they may have done it in another browser.
    if has_device is None or (required and not has_device):
        has_device = request.session[HAS_DEVICE_KEY] = user_has_device(user)
    if has_device:
        return VERIFY
    return SETUP if required else None


def authenticator_devices(user):
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("created_at", "pk")


def recovery_device(user) -> StaticDevice | None:
    return StaticDevice.objects.devices_for_user(user, confirmed=True).first()


def recovery_codes_left(user) -> int:
    device = recovery_device(user)
    return device.token_set.count() if device else 0

"""Setting up, using and removing a staff user's second factor (django-otp devices)."""

import math

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tilmeld.accounts.exceptions import TwoFactorError
from tilmeld.accounts.selectors import authenticator_devices, recovery_device

RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = gettext_lazy("Authenticator app")
RECOVERY_NAME = "recovery codes"


def start_authenticator(user) -> TOTPDevice:
    """The unconfirmed authenticator device that the setup page shows, made once and kept until
    it is confirmed, so reloading the page does not change the secret already scanned."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=str(AUTHENTICATOR_NAME), confirmed=False)
    return device


def _wrong_code() -> TwoFactorError:
    return TwoFactorError(
        _("The code is wrong or has expired. Type the six digits your app shows now.")
    )


def _check(device, token: str) -> bool:
    """django-otp's verify_token, with its throttling told apart: after each wrong code the next
    try must wait (1, 2, 4, … seconds); a try in that time is refused unchecked."""
    allowed, details = device.verify_is_allowed()
    if not allowed:
        locked_until = (details or {}).get("locked_until")
        wait = (
            max(1, math.ceil((locked_until - timezone.now()).total_seconds()))
            if locked_until
            else 1
        )
        message = ngettext(
            "Too many wrong codes. Wait %(seconds)d second and try again.",
            "Too many wrong codes. Wait %(seconds)d seconds and try again.",
            wait,
        )
        raise TwoFactorError(message % {"seconds": wait})
    return device.verify_token(token)


@transaction.atomic
def confirm_authenticator(device: TOTPDevice, token: str) -> list[str] | None:
    """Confirms a new authenticator with a code it shows. Raises TwoFactorError for a wrong code.
    Returns fresh recovery codes when the user had none yet, else None."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    if not _check(device, _digits(token)):
        raise _wrong_code()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    if recovery_device(device.user) is None:
        return regenerate_recovery_codes(device.user)
    return None


@transaction.atomic
def regenerate_recovery_codes(user) -> list[str]:
    """Replaces the user's recovery codes with RECOVERY_CODE_COUNT new ones; each works once.
    The codes are returned to be shown once; old ones stop working at once."""
    device = recovery_device(user)
    if device is None:
        device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def verify_code(user, token: str):
    """The device that accepts the code: an authenticator's six digits, or a recovery code,
    which is used up. Raises TwoFactorError when none does (each wrong try slows the next
    down: django-otp's throttling)."""
    token = "".join(token.split()).lower()
    if token.isdigit():
        devices = list(authenticator_devices(user))
        token = _digits(token)
    else:
        devices = [d for d in [recovery_device(user)] if d is not None]
    for device in devices:
        with transaction.atomic():
            locked = type(device).objects.select_for_update().get(pk=device.pk)
            if _check(locked, token):
                return locked
    raise _wrong_code()


@transaction.atomic
def remove_authenticator(user, device_id: int) -> None:
    """Removes one of the user's authenticators. With the last one go the recovery codes too:
    they belong to two-factor login as a whole."""
    TOTPDevice.objects.filter(user=user, pk=device_id).delete()
    if not authenticator_devices(user).exists():
        StaticDevice.objects.filter(user=user).delete()


def _digits(token: str) -> str:
    return "".join(token.split())

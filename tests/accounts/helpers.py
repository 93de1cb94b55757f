"""Two-factor devices for tests, and the code an authenticator app would show."""

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tilmeld.accounts.services import regenerate_recovery_codes


def app_code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """What the user's app shows now (or `steps_ahead` periods of 30 s later)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time += steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    """Six digits the app shows in none of the periods that are accepted now."""
    valid = {app_code(device, steps_ahead=n) for n in (-1, 0, 1)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in valid)


def give_authenticator(user) -> tuple[TOTPDevice, list[str]]:
    device = TOTPDevice.objects.create(user=user, name="Telefon", confirmed=True)
    return device, regenerate_recovery_codes(user)

"""Staff two-factor login: the code after the password, setting up an authenticator app,
recovery codes, and removing a device."""

from base64 import b32encode

import django_otp
import segno
from django.contrib import admin
from django.contrib import messages as flash
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from tilmeld.accounts import selectors, services
from tilmeld.accounts.exceptions import TwoFactorError
from tilmeld.accounts.forms import CodeForm, PasswordForm, SetupCodeForm

NEW_CODES_KEY = "tilmeld_2fa_new_codes"


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("admin:index")


def _context(request, *, title: str, before_second_step: bool = False, **extra) -> dict:
    context = {**admin.site.each_context(request), "title": title, **extra}
    if before_second_step:
        # Nothing of the admin is shown until the second step is done: no menu, no user links.
        context.update(has_permission=False, is_nav_sidebar_enabled=False, available_apps=[])
    context.setdefault("next", _next(request))
    return context


def _owes_code(request) -> bool:
    """A user with a device must have given a code in this session before changing devices;
    the session's note from login may be older than a device set up elsewhere."""
    return not request.user.is_verified() and user_has_device(request.user)


def _refuse(form, error: TwoFactorError) -> None:
    """Shows why the code was refused, with the field emptied: a code is typed afresh."""
    form.add_error("code", str(error))
    form.data = form.data.copy()
    form.data["code"] = ""


def _verified_in(request, device) -> None:
    django_otp.login(request, device)
    request.session[selectors.HAS_DEVICE_KEY] = True


def verify(request):
    """The second step of the login: a code from the app, or a recovery code."""
    if request.user.is_verified():
        return HttpResponseRedirect(_next(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.verify_code(request.user, form.cleaned_data["code"])
        except TwoFactorError as error:
            _refuse(form, error)
        else:
            _verified_in(request, device)
            return HttpResponseRedirect(_next(request))
    context = _context(request, title=_("Two-factor login"), before_second_step=True, form=form)
    return TemplateResponse(request, "accounts/verify.html", context)


def _secret_text(device: TOTPDevice) -> str:
    secret = b32encode(device.bin_key).decode("ascii")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _qr_svg(device: TOTPDevice) -> str:
    return segno.make(device.config_url, error="m").svg_inline(
        scale=4, border=2, title=_("QR code for your authenticator app")
    )


def setup(request):
    """Adds an authenticator app: scan the QR code (or type the secret), confirm with a code."""
    if _owes_code(request):
        return redirect(f"{reverse('accounts:verify')}?next={reverse('accounts:setup')}")
    device = services.start_authenticator(request.user)
    form = SetupCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.confirm_authenticator(device, form.cleaned_data["code"])
        except TwoFactorError as error:
            _refuse(form, error)
        else:
            _verified_in(request, device)
            flash.success(request, _("Two-factor login is set up."))
            if codes:
                request.session[NEW_CODES_KEY] = codes
                query = urlencode({"next": _next(request)})
                return HttpResponseRedirect(f"{reverse('accounts:recovery_codes')}?{query}")
            return redirect("accounts:security")
    context = _context(
        request,
        title=_("Set up two-factor login"),
        before_second_step=not request.user.is_verified(),
        form=form,
        qr_svg=_qr_svg(device),
        secret=_secret_text(device),
        required=selectors.two_factor_required(request.user),
    )
    return TemplateResponse(request, "accounts/setup.html", context)


def recovery_codes(request):
    """GET shows codes just made, once; POST makes new ones (the old stop working)."""
    if _owes_code(request):
        return redirect("accounts:verify")
    if request.method == "POST":
        if not selectors.authenticator_devices(request.user).exists():
            return redirect("accounts:setup")
        request.session[NEW_CODES_KEY] = services.regenerate_recovery_codes(request.user)
        flash.success(request, _("New recovery codes are made. The old ones no longer work."))
        return redirect("accounts:recovery_codes")
    codes = request.session.pop(NEW_CODES_KEY, None)
    if not codes:
        return redirect("accounts:security")
    context = _context(request, title=_("Your recovery codes"), codes=codes)
    return TemplateResponse(request, "accounts/recovery_codes.html", context)


def security(request):
    """The user's own two-factor login: devices, recovery codes left, and what to do next."""
    if _owes_code(request):
        return redirect(f"{reverse('accounts:verify')}?next={reverse('accounts:security')}")
    user = request.user
    context = _context(
        request,
        title=_("Two-factor login"),
        devices=list(selectors.authenticator_devices(user)),
        codes_left=selectors.recovery_codes_left(user),
        required=selectors.two_factor_required(user),
    )
    return TemplateResponse(request, "accounts/security.html", context)


def remove_device(request, device_id: int):
    """Removes an authenticator after the password is typed again."""
    if _owes_code(request):
        return redirect("accounts:verify")
    device = get_object_or_404(TOTPDevice, pk=device_id, user=request.user, confirmed=True)
    form = PasswordForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.remove_authenticator(request.user, device.pk)
        request.session[selectors.HAS_DEVICE_KEY] = user_has_device(request.user)
        flash.success(request, _("The authenticator app is removed."))
        return redirect("accounts:security")
    context = _context(
        request,
        title=_("Remove an authenticator app"),
        device=device,
        form=form,
        last=selectors.authenticator_devices(request.user).count() == 1,
        required=selectors.two_factor_required(request.user),
    )
    return TemplateResponse(request, "accounts/remove_device.html", context)

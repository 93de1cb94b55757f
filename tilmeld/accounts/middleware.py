"""Sends staff who still owe their second factor to the code or setup page before any admin or
staff page opens. Must come after django_otp's OTPMiddleware."""

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from tilmeld.accounts.selectors import SETUP, VERIFY, missing_step

GUARDED_NAMESPACES = {"admin", "staff", "accounts"}
# Reachable before the second step: logging out or in as someone else, the admin's JavaScript
# translations, and the page of the step itself.
ALWAYS_OPEN = {"admin:login", "admin:logout", "admin:jsi18n"}
STEP_VIEW = {VERIFY: "accounts:verify", SETUP: "accounts:setup"}


class StaffTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or not GUARDED_NAMESPACES.intersection(match.namespaces):
            return None
        if match.view_name in ALWAYS_OPEN:
            return None
        step = missing_step(request)
        if step is None or match.view_name == STEP_VIEW[step]:
            return None
        target = reverse(STEP_VIEW[step])
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        return redirect(target)

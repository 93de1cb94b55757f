"""The admin login's answer to a locked-out username and address (django-axes calls it, see
AXES_LOCKOUT_CALLABLE): the login page again, with the lockout in place of "wrong password",
as 429 with Retry-After. Axes has logged the failure and the lockout by then."""

import math

from django.conf import settings
from django.forms.utils import ErrorList
from django.template.response import TemplateResponse
from django.utils.translation import ngettext


def lockout_message() -> str:
    minutes = max(math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60), 1)
    return ngettext(
        "Too many failed logins for this username from your address. Logging in is blocked "
        "for %(minutes)s minute after the last attempt; then try again, or ask an "
        "administrator to reset your password.",
        "Too many failed logins for this username from your address. Logging in is blocked "
        "for %(minutes)s minutes after the last attempt; then try again, or ask an "
        "administrator to reset your password.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(request, original_response, credentials):
    message = lockout_message()
    form = None
    if isinstance(original_response, TemplateResponse) and original_response.context_data:
        form = original_response.context_data.get("form")
    if form is not None and form.is_bound:
        # The login page as it was, its "wrong password" error replaced by the lockout.
        form.errors["__all__"] = ErrorList([message], error_class="nonfield")
        response = original_response
        response.content = response.rendered_content
    else:
        response = TemplateResponse(request, "429.html", {"wait_text": message})
        response.render()
    response.status_code = 429
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response

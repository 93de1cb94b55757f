"""Who calls: `Authorization: Bearer <token>` (tokens.authenticate), and what they may do: the
scope an endpoint needs (`needs`), within the token owner's own permissions."""

from functools import wraps

from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from tilmeld.api import tokens
from tilmeld.api.enums import Scope
from tilmeld.api.problems import Problem


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        found = tokens.authenticate(token)
        if found is not None:
            request.api_token = found
        return found


def needs(scope: Scope):
    """An endpoint's scope: 403 (code `scope`) when the token lacks it, or its owner lacks the
    Django permissions behind it."""

    def decorate(view):
        @wraps(view)
        def checked(request, *args, **kwargs):
            if not tokens.allows(request.auth, scope):
                raise Problem(
                    403,
                    "scope",
                    _("This token does not have the scope %(scope)s.") % {"scope": scope},
                )
            return view(request, *args, **kwargs)

        return checked

    return decorate


token_auth = TokenAuth()

"""Who calls: `Authorization: Bearer <token>` (tokens.authenticate), and what they may do: the
scope an endpoint needs (`needs`), within the token owner's own permissions.

The scope is checked with the token, before ninja reads the request's parameters and body: a
token without the scope gets 403 whatever it sent, never a 422 that tells it how to shape a
request it may not make."""

from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from tilmeld.api import tokens
from tilmeld.api.enums import Scope
from tilmeld.api.problems import Problem


class TokenAuth(HttpBearer):
    """A valid token (else 401); with `scope`, one that has it (else 403, code `scope`)."""

    def __init__(self, scope: Scope | None = None):
        super().__init__()
        self.scope = scope

    def authenticate(self, request, token):
        found = tokens.authenticate(token)
        if found is None:
            return None
        if self.scope is not None and not tokens.allows(found, self.scope):
            raise Problem(
                403,
                "scope",
                _("This token does not have the scope %(scope)s.") % {"scope": self.scope},
            )
        request.api_token = found
        return found


def needs(scope: Scope) -> TokenAuth:
    """An endpoint's `auth`: a token with `scope`, whose owner has the Django permissions
    behind it."""
    return TokenAuth(scope)


token_auth = TokenAuth()

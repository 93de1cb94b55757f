"""API tokens: made, checked and revoked here. A token is `tilmeld_` and 40 random characters;
only its SHA-256 is stored, so a database copy cannot be used to call the API."""

import datetime as dt
import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from tilmeld.api.enums import PERMISSIONS, Scope
from tilmeld.api.models import ApiToken

PREFIX = "tilmeld_"
LAST_USED_EVERY = dt.timedelta(minutes=1)  # last use is written at most this often


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def clean_scopes(scopes) -> list[str]:
    names = [s.strip() for s in scopes if s and s.strip()]
    if unknown := [s for s in names if s not in Scope.values]:
        raise ValidationError(
            _("Unknown scope: %(scope)s. Known: %(known)s.")
            % {"scope": unknown[0], "known": ", ".join(Scope.values)}
        )
    return sorted(set(names))


def create_token(owner, *, name: str, scopes, expires_at=None) -> tuple[ApiToken, str]:
    """Stores a new token for `owner` and returns it with the token itself, which is shown once
    and never stored."""
    token = PREFIX + secrets.token_urlsafe(30)
    row = ApiToken.objects.create(
        owner=owner,
        name=name,
        digest=digest(token),
        prefix=token[: len(PREFIX) + 4],
        scopes=clean_scopes(scopes),
        expires_at=expires_at,
    )
    return row, token


def revoke(token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def authenticate(token: str) -> ApiToken | None:
    """The usable token for `token`, with its owner; None for an unknown, revoked or expired
    one, or one whose owner is no longer active staff."""
    if not token or not token.startswith(PREFIX) or len(token) > 100:
        return None
    row = ApiToken.objects.select_related("owner").filter(digest=digest(token)).first()
    now = timezone.now()
    if row is None or not row.is_usable(now) or not row.owner.is_active:
        return None
    if row.last_used_at is None or now - row.last_used_at > LAST_USED_EVERY:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row


def allows(token: ApiToken, scope: Scope) -> bool:
    """The token has the scope, and its owner has the permissions the scope needs."""
    return scope in token.scopes and token.owner.has_perms(PERMISSIONS[Scope(scope)])

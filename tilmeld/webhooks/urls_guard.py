"""Which URLs a webhook may be sent to: http(s) to public addresses only, so that a
subscription cannot make the server call into its own network (the database, a cloud's metadata
service at 169.254.169.254, an admin page on localhost). Checked when subscribing and again
before each send, with the addresses the name resolves to then (DNS may have changed): the send
connects to the address checked here, never to one looked up again (sending.post).

settings.WEBHOOKS_ALLOW_PRIVATE_URLS lets private and loopback addresses through, for a
receiver inside the network and for tests."""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from tilmeld.webhooks.exceptions import WebhookError

SCHEMES = {"http": 80, "https": 443}
NAT64 = ipaddress.ip_network("64:ff9b::/96")  # an IPv4 address behind a NAT64 gateway


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # as written: the Host header and, for https, the name the certificate must have
    port: int
    path: str  # with the query
    addresses: tuple[str, ...]  # checked, in the resolver's order


def _refuse(message) -> WebhookError:
    return WebhookError(message, code="url")


def is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Reachable on the internet: not loopback, private, link-local, multicast, reserved or
    unspecified, nor an IPv6 form of such an IPv4 address (mapped, 6to4, NAT64)."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address in NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None and not is_public(embedded):
            return False
    return address.is_global and not (
        address.is_multicast
        or address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_reserved
        or address.is_unspecified
    )


def check_url(url: str) -> Target:
    """Parses and resolves `url`; raises WebhookError (code "url") unless it is an http(s) URL
    whose host resolves only to addresses a webhook may be sent to."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as error:
        raise _refuse(_("The URL is not valid.")) from error
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise _refuse(_("A webhook URL must begin with https:// or http://."))
    if not parts.hostname:
        raise _refuse(_("The URL has no host name."))
    if parts.username is not None or parts.password is not None:
        raise _refuse(_("A webhook URL may not hold a user name or password."))
    port = port or SCHEMES[scheme]
    try:
        host = parts.hostname.encode("idna").decode("ascii")  # the Host header is ASCII
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise _refuse(
            _("The host %(host)s could not be found.") % {"host": parts.hostname}
        ) from error
    addresses = tuple(dict.fromkeys(info[4][0] for info in found))
    if not settings.WEBHOOKS_ALLOW_PRIVATE_URLS:
        for address in addresses:
            if not is_public(ipaddress.ip_address(address.split("%")[0])):
                raise _refuse(
                    _(
                        "%(host)s is a local or private address (%(address)s); webhooks are "
                        "sent only to public addresses."
                    )
                    % {"host": host, "address": address}
                )
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(scheme, host, port, path, addresses)

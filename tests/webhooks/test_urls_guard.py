"""Webhooks go to public http(s) addresses only: no request into the server's own network."""

import pytest

from tilmeld.webhooks.exceptions import WebhookError
from tilmeld.webhooks.urls_guard import Target, check_url

PRIVATE = (
    "{host} er en lokal eller privat adresse ({address}); webhooks sendes kun til offentlige"
    " adresser."
)


def refusal(url: str) -> tuple[str, str]:
    with pytest.raises(WebhookError) as error:
        check_url(url)
    return error.value.code, str(error.value.message)


@pytest.mark.parametrize(
    ("url", "host", "address"),
    [
        ("http://127.0.0.1:8000/hook", "127.0.0.1", "127.0.0.1"),
        ("https://10.0.0.1/hook", "10.0.0.1", "10.0.0.1"),
        ("https://192.168.1.20/hook", "192.168.1.20", "192.168.1.20"),
        ("https://172.16.0.5/hook", "172.16.0.5", "172.16.0.5"),
        ("https://100.64.0.1/hook", "100.64.0.1", "100.64.0.1"),  # carrier-grade NAT
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254", "169.254.169.254"),
        ("http://0.0.0.0/hook", "0.0.0.0", "0.0.0.0"),  # noqa: S104 - refused, not bound
        ("http://224.0.0.1/hook", "224.0.0.1", "224.0.0.1"),
        ("http://240.0.0.1/hook", "240.0.0.1", "240.0.0.1"),
        ("http://[::1]/hook", "::1", "::1"),
        ("http://[::]/hook", "::", "::"),
        ("http://[fe80::1]/hook", "fe80::1", "fe80::1"),
        ("http://[fd00::1]/hook", "fd00::1", "fd00::1"),
        ("http://[ff02::1]/hook", "ff02::1", "ff02::1"),
        ("http://[::ffff:127.0.0.1]/hook", "::ffff:127.0.0.1", "::ffff:127.0.0.1"),
        ("http://[64:ff9b::a9fe:a9fe]/hook", "64:ff9b::a9fe:a9fe", "64:ff9b::a9fe:a9fe"),
        ("http://[2002:7f00:1::]/hook", "2002:7f00:1::", "2002:7f00:1::"),
        ("http://localhost:8000/hook", "localhost", "127.0.0.1"),
        ("http://2130706433/hook", "2130706433", "127.0.0.1"),  # 127.0.0.1 as one number
    ],
)
def test_local_and_private_addresses_are_refused(url, host, address, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = False

    code, message = refusal(url)

    assert code == "url"
    if host == "localhost":  # the resolver may give ::1 first
        assert message in {PRIVATE.format(host=host, address=a) for a in ("127.0.0.1", "::1")}
    else:
        assert message == PRIVATE.format(host=host, address=address)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://example.org/hook", "En webhook-URL skal begynde med https:// eller http://."),
        ("file:///etc/passwd", "En webhook-URL skal begynde med https:// eller http://."),
        (
            "gopher://127.0.0.1:6379/_FLUSHALL",
            "En webhook-URL skal begynde med https:// eller http://.",
        ),
        ("javascript:alert(1)", "En webhook-URL skal begynde med https:// eller http://."),
        ("https:///hook", "URL'en har intet værtsnavn."),
        (
            "https://user:pw@93.184.215.14/",
            "En webhook-URL må ikke indeholde brugernavn eller adgangskode.",
        ),
        ("https://93.184.215.14:99999/", "URL'en er ikke gyldig."),
        ("https://no-such-host.invalid/", "Værten no-such-host.invalid kunne ikke findes."),
    ],
)
def test_other_schemes_and_broken_urls_are_refused(url, message):
    assert refusal(url) == ("url", message)


def test_a_public_address_is_accepted_as_written():
    target = check_url("https://93.184.215.14/hooks/tilmeld?key=1")

    assert target == Target(
        "https", "93.184.215.14", 443, "/hooks/tilmeld?key=1", ("93.184.215.14",)
    )


def test_the_setting_lets_private_addresses_through(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = True

    assert check_url("http://127.0.0.1:8080").addresses == ("127.0.0.1",)
    assert refusal("ftp://127.0.0.1/") == (
        "url",
        "En webhook-URL skal begynde med https:// eller http://.",
    )

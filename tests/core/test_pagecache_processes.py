"""A staff change saved through one app process shows at once on another's cached public page:
two gunicorn servers on one database sharing Redis (skipped when no Redis answers)."""

import re
from html.parser import HTMLParser

import pytest

from tests.core.test_ratelimits_processes import (
    USERNAME,
    _environment,
    _manage,
    _redis_answers,
    _request,
    _server,
)

REDIS_URL = "redis://127.0.0.1:6379/11"  # a database number of these tests' own
PASSWORD = "the-right-password-123"


class _Form(HTMLParser):
    """The values an admin change form would send as it stands."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}
        self._textarea = self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "file"):
            if attrs.get("type") != "checkbox" or "checked" in attrs:
                self.values[name] = attrs.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.values[name] = ""
        elif tag == "select" and name:
            self._select = name
            self.values.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.values[self._select] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data.removeprefix("\n")


def _login(port):
    _status, page, cookies = _request(port, "GET", "/admin/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = {"csrfmiddlewaretoken": token, "username": USERNAME, "password": PASSWORD}
    status, _page, more = _request(port, "POST", "/admin/login/", form, cookies)
    assert status == 302
    return cookies | more


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory):
    if not _redis_answers():
        pytest.skip("no Redis at 127.0.0.1:6379")
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    tmp_path = tmp_path_factory.mktemp("pagecache")
    env = _environment(tmp_path, REDIS_URL)
    _manage(env, "migrate", "--noinput")
    user_env = env | {"DJANGO_SUPERUSER_PASSWORD": PASSWORD}
    _manage(user_env, "createsuperuser", "--noinput", "--username", USERNAME, "--email", "k@x.dk")
    _manage(
        env,
        "shell",
        "-c",
        "from tilmeld.core.models import Page; "
        "Page.objects.create(slug='om', title_da='Om foreningen', body_da='Tekst.')",
    )
    from contextlib import ExitStack

    with ExitStack() as stack:
        yield [stack.enter_context(_server(env, tmp_path / f"server{n}.log")) for n in (1, 2)]


def test_a_staff_change_on_one_process_shows_at_once_on_the_other(two_servers):
    staff_side, public_side = two_servers
    status, before, _cookies = _request(public_side, "GET", "/sider/om/")
    assert (status, "Om foreningen" in before) == (200, True)
    assert _request(public_side, "GET", "/sider/om/")[1] == before  # served from the cache

    cookies = _login(staff_side)
    change = "/admin/core/page/1/change/"
    _status, form_page, more = _request(staff_side, "GET", change, cookies=cookies)
    form = _Form()
    form.feed(form_page)
    values = form.values | {"title_da": "Om os"}
    saved = _request(staff_side, "POST", change, values, cookies | more)[0]

    assert saved == 302
    after = _request(public_side, "GET", "/sider/om/")[1]
    assert "Om os" in after
    assert "Om foreningen" not in after

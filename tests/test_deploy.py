"""The production pieces in deploy/ are accepted by the programs that read them: gunicorn, nginx
(skipped where it is not installed) and systemd, with the paths of this checkout in place of
/opt/tilmeld."""

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.messages.storage.cookie import CookieStorage

from tilmeld.core.uploads import MAX_IMAGE_BYTES, MAX_PDF_BYTES

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))


def production_env() -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "TILMELD_"))}
    return env | {"DJANGO_SETTINGS_MODULE": "tilmeld.settings"}


def run(command: list[str], **options) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (our own commands)
        command, capture_output=True, text=True, timeout=120, check=False, **options
    )


def test_gunicorn_accepts_its_config_and_loads_the_app():
    result = run(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--check-config",
            "-c",
            str(DEPLOY / "gunicorn.conf.py"),
            "tilmeld.wsgi",
        ],
        cwd=ROOT,
        env=production_env(),
    )

    assert result.returncode == 0, result.stderr


def test_gunicorn_config_binds_for_nginx_with_sync_workers():
    config = {}
    exec((DEPLOY / "gunicorn.conf.py").read_text(), config)  # noqa: S102 (our own file)

    assert (config["bind"], config["worker_class"], config["timeout"]) == (
        "127.0.0.1:8000",
        "sync",
        30,
    )
    assert config["workers"] >= 2


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed")
@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl makes the test certificate")
def test_nginx_accepts_the_site_config(tmp_path):
    certificate, key = tmp_path / "fullchain.pem", tmp_path / "privkey.pem"
    made = run([
        "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        "-subj", "/CN=tilmeld.example.org", "-keyout", str(key), "-out", str(certificate),
    ])  # fmt: skip
    assert made.returncode == 0, made.stderr
    site = (DEPLOY / "nginx" / "tilmeld.conf").read_text()
    site = site.replace("/etc/letsencrypt/live/tilmeld.example.org", str(tmp_path))
    site = site.replace("/var/log/nginx", str(tmp_path)).replace("/opt/tilmeld", str(ROOT))
    site = site.replace("/var/cache/nginx", str(tmp_path))
    (tmp_path / "tilmeld.conf").write_text(site)
    mime_types = "include /etc/nginx/mime.types;" if Path("/etc/nginx/mime.types").exists() else ""
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n{mime_types}\ninclude {tmp_path}/tilmeld.conf;\n}}\n"
    )

    result = run(["nginx", "-t", "-p", f"{tmp_path}/", "-c", str(tmp_path / "nginx.conf")])

    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def test_nginx_takes_the_largest_upload_and_serves_static_files_from_static_root(settings):
    site = (DEPLOY / "nginx" / "tilmeld.conf").read_text()

    [limit] = re.findall(r"client_max_body_size (\d+)m;", site)
    assert int(limit) * 1024 * 1024 > max(MAX_PDF_BYTES, MAX_IMAGE_BYTES)
    static_root = Path(settings.STATIC_ROOT).relative_to(settings.BASE_DIR)
    assert f"alias /opt/tilmeld/{static_root}/;" in site
    assert "location = /healthz" in site
    # The client address (TILMELD_NUM_PROXIES) and the scheme (SECURE_PROXY_SSL_HEADER).
    assert settings.SECURE_PROXY_SSL_HEADER == ("HTTP_X_FORWARDED_PROTO", "https")
    assert site.count("proxy_set_header X-Forwarded-Proto $scheme;") == site.count("proxy_pass")
    assert site.count("X-Forwarded-For $proxy_add_x_forwarded_for;") == site.count("proxy_pass")


def test_nginx_keeps_no_page_for_a_session_a_flash_message_or_a_token(settings):
    """The micro-cache answers only what Django marks public; these requests never reach it."""
    site = (DEPLOY / "nginx" / "tilmeld.conf").read_text()
    personal = (
        f"$cookie_{settings.SESSION_COOKIE_NAME} $cookie_{CookieStorage.cookie_name}"
        " $http_authorization;"
    )

    assert f"proxy_cache_bypass {personal}" in site
    assert f"proxy_no_cache {personal}" in site
    assert "proxy_ignore_headers" not in site  # Django's no-store and Set-Cookie are obeyed


def units_here(tmp_path) -> list[Path]:
    """The unit files with this checkout in place of /opt/tilmeld."""
    copies = []
    for unit in UNITS:
        copy = tmp_path / unit.name
        copy.write_text(unit.read_text().replace("/opt/tilmeld", str(ROOT)))
        copies.append(copy)
    return copies


def test_systemd_units_start_commands_that_exist(tmp_path):
    commands = {}
    for unit in units_here(tmp_path):
        [line] = [line for line in unit.read_text().splitlines() if line.startswith("ExecStart=")]
        commands[unit.name] = shlex.split(line.removeprefix("ExecStart="))

    assert sorted(commands) == ["tilmeld-web.service", "tilmeld-worker.service"]
    for command in commands.values():
        assert os.access(command[0], os.X_OK), command[0]
    web, worker = commands["tilmeld-web.service"], commands["tilmeld-worker.service"]
    assert web[1:] == ["-c", str(DEPLOY / "gunicorn.conf.py"), "tilmeld.wsgi"]
    assert worker[1:] == ["db_worker"]
    known = run([worker[0], "help", "db_worker"], cwd=ROOT, env=production_env())
    assert known.returncode == 0, known.stderr


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd is not installed")
def test_systemd_accepts_the_units(tmp_path):
    result = run(["systemd-analyze", "verify", "--man=no", *map(str, units_here(tmp_path))])

    assert (result.returncode, result.stderr) == (0, "")

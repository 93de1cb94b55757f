import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_production_settings_pass_the_deployment_checks():
    alphabet = (
        string.ascii_letters + string.digits
    )  # no "$": django-environ reads it as a reference
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "TILMELD_"))}
    env |= {
        "DJANGO_SETTINGS_MODULE": "tilmeld.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "".join(secrets.choice(alphabet) for _ in range(60)),
        "DJANGO_ALLOWED_HOSTS": "example.org",
    }

    result = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.stderr == ""
    assert result.stdout == "System check identified no issues (0 silenced).\n"
    assert result.returncode == 0

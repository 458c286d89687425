"""The settings module in the configurations a deployment uses, each in a fresh interpreter."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]


def run_manage(*args, env_extra):
    environ = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("ITPORTAL_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    environ.update(env_extra)
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=environ,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )


def test_it_refuses_to_start_in_production_without_a_secret_key(tmp_path):
    result = run_manage("check", env_extra={"ITPORTAL_VAR_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "ITPORTAL_SECRET_KEY must be set" in result.stderr


def test_it_passes_the_deployment_check_in_production(tmp_path):
    production = {
        "ITPORTAL_SECRET_KEY": "x" * 30 + "K9#mQ2$vL7!pR4^wZ8&tY1*uN6@sD3%f",
        "ITPORTAL_ALLOWED_HOSTS": "it-portalen.kommun.se",
        "ITPORTAL_VAR_DIR": str(tmp_path),
    }
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env_extra=production)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_it_fails_loudly_on_a_bad_boolean(tmp_path):
    result = run_manage(
        "check", env_extra={"ITPORTAL_DEBUG": "kanske", "ITPORTAL_VAR_DIR": str(tmp_path)}
    )
    assert result.returncode != 0
    assert "ITPORTAL_DEBUG='kanske' is not a boolean" in result.stderr

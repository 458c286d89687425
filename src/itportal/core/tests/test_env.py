from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from itportal import env


def test_it_reads_typed_values():
    environ = {"ITPORTAL_DEBUG": "yes", "ITPORTAL_PORT": "25", "ITPORTAL_HOSTS": "a.se, b.se"}
    assert env.get_bool("DEBUG", environ=environ) is True
    assert env.get_int("PORT", 1, environ=environ) == 25
    assert env.get_list("HOSTS", environ=environ) == ["a.se", "b.se"]
    assert env.get_choice("LANGUAGE", "sv", {"sv", "en"}, environ={}) == "sv"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda e: env.get_bool("DEBUG", environ=e), "ITPORTAL_DEBUG='maybe' is not a boolean"),
        (lambda e: env.get_int("PORT", 1, environ=e), "ITPORTAL_PORT='abc' is not an integer"),
        (
            lambda e: env.get_choice("LANGUAGE", "sv", {"sv", "en"}, environ=e),
            "is not one of: en, sv",
        ),
    ],
)
def test_it_fails_loudly_on_bad_values(call, message):
    environ = {"ITPORTAL_DEBUG": "maybe", "ITPORTAL_PORT": "abc", "ITPORTAL_LANGUAGE": "de"}
    with pytest.raises(ImproperlyConfigured, match=message):
        call(environ)


def test_it_refuses_a_number_below_the_minimum():
    with pytest.raises(ImproperlyConfigured, match="below the minimum 1"):
        env.get_int(
            "LOGIN_MAX_FAILURES", 5, minimum=1, environ={"ITPORTAL_LOGIN_MAX_FAILURES": "0"}
        )


def test_it_parses_database_urls():
    base = Path("/srv/portal")
    assert (
        env.parse_database_url("sqlite:///var/x.sqlite3", base_dir=base)["NAME"]
        == "/srv/portal/var/x.sqlite3"
    )
    assert (
        env.parse_database_url("sqlite:////tmp/x.sqlite3", base_dir=base)["NAME"]
        == "/tmp/x.sqlite3"
    )
    pg = env.parse_database_url(
        "postgres://u:p%40ss@db.local:5433/portal?sslmode=require", base_dir=base
    )
    assert pg["ENGINE"] == "django.db.backends.postgresql"
    assert (pg["USER"], pg["PASSWORD"], pg["HOST"], pg["PORT"], pg["NAME"]) == (
        "u",
        "p@ss",
        "db.local",
        "5433",
        "portal",
    )
    assert pg["OPTIONS"] == {"sslmode": "require"}


def test_it_refuses_unknown_database_schemes_and_missing_names():
    with pytest.raises(ImproperlyConfigured, match="unsupported scheme 'mysql'"):
        env.parse_database_url("mysql://x/y", base_dir=Path("/"))
    with pytest.raises(ImproperlyConfigured, match="names no database"):
        env.parse_database_url("postgres://localhost/", base_dir=Path("/"))


def test_it_keeps_a_generated_development_key(tmp_path):
    first = env.development_secret_key(tmp_path)
    assert len(first) > 40
    assert env.development_secret_key(tmp_path) == first

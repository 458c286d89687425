import pytest
from django.contrib.auth.hashers import identify_hasher
from django.test import override_settings

from itportal.core.testing import PASSWORD


def login(client, username, password):
    return client.post("/login/", {"username": username, "password": password})


@pytest.mark.django_db
def test_it_locks_a_user_out_after_repeated_failures(client, users):
    with override_settings(LOGIN_MAX_FAILURES=3):
        for _ in range(3):
            response = login(client, "employee", "wrong")
            assert response.status_code == 200
        response = login(client, "employee", PASSWORD)  # right password, but locked
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "too many failed logins" in response.content.decode().lower()


@pytest.mark.django_db
def test_it_logs_in_with_the_right_password_and_clears_failures(client, users):
    from itportal.core.models import LoginFailure

    login(client, "employee", "wrong")
    assert LoginFailure.objects.filter(username="employee").count() == 1
    response = login(client, "employee", PASSWORD)
    assert response.status_code == 302
    assert LoginFailure.objects.filter(username="employee").count() == 0


@pytest.mark.django_db
def test_it_hashes_passwords_with_argon2_in_production():
    from django.conf import settings
    from django.contrib.auth.hashers import make_password

    production = [h for h in settings.PASSWORD_HASHERS if "MD5" not in h]
    with override_settings(PASSWORD_HASHERS=production):
        assert identify_hasher(make_password("s3cret-lösen")).algorithm == "argon2"


@pytest.mark.django_db
def test_it_sends_anonymous_visitors_to_the_login_page(client, org):
    response = client.get("/org/units/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=/org/units/")
    assert client.get("/health/").json() == {"status": "ok"}


@pytest.mark.django_db
def test_it_locks_out_per_address_so_a_stranger_cannot_lock_someone_out(client, users):
    from django.test import Client

    stranger = Client(REMOTE_ADDR="203.0.113.9")
    with override_settings(LOGIN_MAX_FAILURES=2):
        for _ in range(3):
            stranger.post("/api/auth/token/", {"username": "itstaff", "password": "wrong"})
        assert (
            stranger.post(
                "/api/auth/token/", {"username": "itstaff", "password": PASSWORD}
            ).status_code
            == 400
        )
        response = login(client, "itstaff", PASSWORD)  # from the user's own address
    assert response.status_code == 302

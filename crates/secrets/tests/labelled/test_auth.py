import pytest

from shop.auth import check_password, make_token

# Fixtures are fake on purpose.
FAKE_TOKEN = "ghp_{{base62:30}}{{crc32:30}}"  # pragma: allowlist secret
OTHER_FAKE = "xoxb-{{digits:12}}-{{digits:13}}-{{base62:24}}"  # gitleaks:allow
THIRD = "sk_live_{{base62:24}}"  # kingfisher:ignore
FOURTH = "glpat-{{base64url:20}}"  # trufflehog:ignore


@pytest.mark.parametrize("password", ["hunter2", "correct horse battery staple"])
def test_check_password(password):
    assert check_password(password, hashed=make_token(password))


def test_login(client):
    response = client.post("/login", data={"username": "admin", "password": "admin"})
    assert response.status_code == 200
    token = response.json()["token"]
    assert token

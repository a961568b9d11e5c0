import os
import requests
from github import Github

# Clients for the services we talk to.
gh = Github("ghp_{{base62:30}}{{crc32:30}}")  ⟦github-pat⟧
legacy = Github("ghp_{{base62:36}}")
openai_key = os.environ["OPENAI_API_KEY"]
anthropic_client_key = "sk-ant-api03-{{base64url:93}}AA"  ⟦anthropic-api-key⟧
HF_TOKEN = "hf_{{lower:17}}{{upper:17}}"  ⟦huggingface-access-token⟧
SLACK_BOT = "xoxb-{{digits:12}}-{{digits:13}}-{{base62:24}}"  ⟦slack-bot-token⟧
WEBHOOK = "https://hooks.slack.com/services/T{{ALNUM:8}}/B{{ALNUM:10}}/{{base62:24}}"  ⟦slack-webhook-url⟧
TEST_WEBHOOK = "https://hooks.slack.com/services/TXXXXXXXX/BXXXXXXXX/XXXXXXXXXXXXXXXXXXXXXXXX"


def fetch(session_token: str, api_key: str = "") -> dict:
    headers = {"Authorization": f"Bearer {session_token}"}
    token = request_token()
    password = input("Password: ")
    api_key = api_key or os.getenv("API_KEY", "")
    return requests.get("https://api.example.com/v1/items", headers=headers, timeout=10).json()


def request_token():
    return requests.post("https://auth.internal/token", data={"grant_type": "client_credentials"}).json()["access_token"]


class Config:
    secret_key_name = "APP_SECRET"
    token_url = "https://auth.internal/oauth/token"
    password_min_length = 12
    db_password: str = ""
    cache_key = f"user:{{user_id}}"
    request_id = "123e4567-e89b-12d3-a456-426614174000"
    commit = "9fceb02d0ae598e95dc970b74767f19372d61af8"
    digest = "sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
    twilio_sid = "AC{{hex:32}}"
    twilio_auth_token = "{{hex:32}}"  ⟦twilio-auth-token⟧

#!/usr/bin/env bash
set -euo pipefail
export MYSQL_PWD='{{base62:8}}#{{base62:6}}'  ⟦generic-password⟧
export VAULT_TOKEN=hvs.{{base64url:95}}  ⟦vault-service-token⟧
curl -u deploy:{{base62:18}} https://artifacts.internal.net/upload -T dist.tar.gz  ⟦curl-auth-user⟧
curl -H "Authorization: Bearer $DEPLOY_TOKEN" https://api.internal.net/deploy
curl -H "Authorization: Bearer {{base62:40}}" https://api.internal.net/v2/deploy  ⟦curl-auth-header⟧
docker login -u ci -p dckr_pat_{{base64url:27}}  ⟦dockerhub-pat⟧
TOKEN=$(vault kv get -field=token secret/ci)
PASSWORD="$(cat /run/secrets/password)"
echo "deploying $(git rev-parse HEAD)"

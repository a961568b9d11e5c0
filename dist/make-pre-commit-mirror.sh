#!/usr/bin/env bash
# Writes (or updates) the pre-commit mirror repository for one palisade version, in the manner
# of ruff-pre-commit: the hook manifest of dist/pre-commit-mirror/ with `language: python`, and a
# pyproject.toml that depends on exactly `palisade-cli==VERSION`.
#
#   dist/make-pre-commit-mirror.sh VERSION DIR [--no-commit]
#
# DIR is created and `git init`ed when needed. Unless --no-commit, the result is committed as
# "Mirror: VERSION" and tagged vVERSION (the `rev:` users write); re-running for the same
# version changes nothing, and an existing tag vVERSION on another commit is an error.
# MIRROR_URL and SOURCE_URL (environment) go into the mirror's README.
set -euo pipefail

usage() { sed -n '6,12p' "$0" >&2; exit 2; }
[ $# -ge 2 ] || usage
version="$1"; dest="$2"; shift 2
commit=1
for arg in "$@"; do
  case "$arg" in
    --no-commit) commit=0 ;;
    *) usage ;;
  esac
done
# A PEP 440 release such as 0.1.0, 1.2.3rc1, 1.2.3.post1 (no local versions: PyPI refuses them).
if ! [[ "$version" =~ ^[0-9]+(\.[0-9]+)*((a|b|rc)[0-9]+)?(\.post[0-9]+)?(\.dev[0-9]+)?$ ]]; then
  echo "make-pre-commit-mirror.sh: '$version' is not a release version (e.g. 0.1.0)" >&2
  exit 2
fi

template="$(cd "$(dirname "$0")/pre-commit-mirror" && pwd)"
source_url="${SOURCE_URL:-https://github.com/palisade-dev/palisade}"
mirror_url="${MIRROR_URL:-https://github.com/palisade-dev/palisade-pre-commit}"

mkdir -p "$dest"
for file in .pre-commit-hooks.yaml pyproject.toml README.md; do
  sed -e "s|@VERSION@|$version|g" -e "s|@SOURCE_URL@|$source_url|g" \
    -e "s|@MIRROR_URL@|$mirror_url|g" "$template/$file" > "$dest/$file.tmp"
  mv "$dest/$file.tmp" "$dest/$file"
done
if grep -q '@[A-Z_]*@' "$dest/.pre-commit-hooks.yaml" "$dest/pyproject.toml" "$dest/README.md"; then
  echo "make-pre-commit-mirror.sh: a placeholder was left unreplaced" >&2
  exit 1
fi
[ "$commit" = 1 ] || exit 0

git_() { git -C "$dest" "$@"; }
[ -e "$dest/.git" ] || git_ init -q -b main
git_ add .pre-commit-hooks.yaml pyproject.toml README.md
if ! git_ diff --cached --quiet 2>/dev/null || ! git_ rev-parse -q --verify HEAD >/dev/null; then
  git_ commit -q -m "Mirror: $version"
fi
head=$(git_ rev-parse HEAD)
if tagged=$(git_ rev-parse -q --verify "refs/tags/v$version^{commit}"); then
  if [ "$tagged" != "$head" ]; then
    echo "make-pre-commit-mirror.sh: tag v$version already names another commit ($tagged)" >&2
    exit 1
  fi
else
  git_ tag -a "v$version" -m "Mirror: $version"
fi
echo "mirror for palisade-cli==$version at $dest (v$version = $head)"

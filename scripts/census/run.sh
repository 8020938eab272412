#!/usr/bin/env bash
# Rebuilds data/census/incas_2021.xlsx and the XLSForm corpus with the pinned tools.
#   scripts/census/run.sh            # both
#   scripts/census/run.sh form       # only the questionnaire
#   scripts/census/run.sh corpus     # only the corpus (add --fetch to re-download pyxform examples)
# Creates a venv in build/census-venv (git-ignored) from requirements.txt (hash-pinned).
# Needs python3 (3.10+, with venv) and java (for ODK Validate, bundled inside pyxform).
set -euo pipefail
export PYTHONDONTWRITEBYTECODE=1
cd "$(dirname "$0")/../.."
VENV=${CENSUS_VENV:-build/census-venv}
REQ=scripts/census/requirements.txt
if [[ ! -x $VENV/bin/python ]] || ! cmp -s "$REQ" "$VENV/.requirements.txt"; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check --require-hashes -r "$REQ"
  cp "$REQ" "$VENV/.requirements.txt"
fi
command -v java >/dev/null || { echo "error: java not found (apt-get install default-jre-headless)" >&2; exit 1; }
what="${1:-all}"; shift || true
case "$what" in
  form)   "$VENV/bin/python" scripts/census/build_incas_form.py "$@" ;;
  corpus) "$VENV/bin/python" scripts/census/build_corpus.py "$@" ;;
  all)    "$VENV/bin/python" scripts/census/build_incas_form.py
          "$VENV/bin/python" scripts/census/build_corpus.py "$@" ;;
  *) echo "usage: $0 [form|corpus|all] [args...]" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# Print the path of a working Python interpreter of the asked version ("3.10" or "3.11+").
# Looks on PATH, then in pyenv's versions, then asks uv. Exits 1 with one sentence if none.
set -u
want="$1"

works() {  # works PYTHON -> true if it runs and has the wanted version
  local v
  v=$("$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null) || return 1
  case "$want" in
    3.10) [ "$v" = "3.10" ] ;;
    3.11+) [ "${v%%.*}" = 3 ] && [ "${v#*.}" -ge 11 ] ;;
  esac
}

candidates=()
case "$want" in
  3.10) candidates+=(python3.10) ;;
  3.11+) candidates+=(python3 python3.13 python3.12 python3.11) ;;
esac
if command -v pyenv >/dev/null 2>&1; then
  root=$(pyenv root)
  case "$want" in
    3.10) candidates+=("$root"/versions/3.10.*/bin/python3.10) ;;
    3.11+) candidates+=("$root"/versions/3.1[1-9].*/bin/python3) ;;
  esac
fi
if command -v uv >/dev/null 2>&1; then
  found=$(uv python find "${want%+}" 2>/dev/null) && candidates+=("$found")
fi

for py in "${candidates[@]}"; do
  if command -v "$py" >/dev/null 2>&1 && works "$py"; then
    command -v "$py"
    exit 0
  fi
done

if [ "$want" = "3.10" ]; then
  echo "No Python 3.10 found (Rasa 3.6 needs it): install one with 'pyenv install 3.10' or 'uv python install 3.10' and run this again." >&2
else
  echo "No Python 3.11 or newer found: install one with 'pyenv install 3.11' or 'uv python install 3.11' and run this again." >&2
fi
exit 1

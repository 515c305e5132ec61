#!/usr/bin/env bash
# Set up the project's environment (once) and run a task in it.
#   ./dev.sh dashboard   set up, then start the students' dashboard on http://localhost:8765
#   ./dev.sh test        set up (with Chromium for the browser tests), then run the whole suite
#   ./dev.sh setup       set up only
# Needs Python >= 3.12: inside this checkout `.python-version` makes pyenv's 3.12.1 the python3.
set -euo pipefail
cd "$(dirname "$0")"

VENV=.venv
task="${1:-dashboard}"
shift || true

find_python() {
  for candidate in python3 python3.12 python3.13 python; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  echo "dev.sh: error: Python >= 3.12 is needed (Mesa 3.5); install it or 'pyenv install 3.12.1'" >&2
  return 1
}

setup() {
  if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then
    rm -rf "$VENV"
    "$(find_python)" -m venv "$VENV"
  fi
  stamp="$VENV/.installed-$(cat pyproject.toml constraints.txt | cksum | cut -d' ' -f1)"
  if [ ! -f "$stamp" ]; then
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
    "$VENV/bin/python" -m pip install --quiet -c constraints.txt -e ".[test,analysis]"
    "$VENV/bin/python" -m pip check
    rm -f "$VENV"/.installed-* && touch "$stamp"
  fi
}

need_chromium() {
  if [ ! -x /usr/bin/chromium ]; then
    if [ "$(id -u)" = 0 ]; then
      apt-get update -qq && apt-get install -y -qq chromium >/dev/null
    else
      echo "dev.sh: error: the browser tests need Debian's chromium: sudo apt-get install -y chromium" >&2
      return 1
    fi
  fi
}

case "$task" in
  setup) setup ;;
  dashboard) setup; exec "$VENV/bin/conflictsim" dashboard "$@" ;;
  # two workers per core (about half of a test's time is spent waiting on a server, a browser
  # or a subprocess), each test file whole on one worker (its module fixtures computed once);
  # `-n 0` after it runs in this process. Bytecode is cached (__pycache__/, ignored by git):
  # with PYTHONDONTWRITEBYTECODE set each worker compiles and assert-rewrites every module
  # again, 14 s of CPU where cached is 8
  test) setup; need_chromium; unset PYTHONDONTWRITEBYTECODE
        exec "$VENV/bin/python" -m pytest -n "$((2 * $(nproc)))" --dist loadfile "$@" ;;
  *) echo "dev.sh: error: task='$task' is not allowed: one of dashboard, test, setup" >&2; exit 2 ;;
esac

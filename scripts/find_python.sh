#!/bin/sh
# Print the path of a Python interpreter new enough for Django 6 (3.12+).
# Tries the usual names first, then pyenv installs; each candidate is run, not
# just looked up, because pyenv shims exist even when they cannot run.
for candidate in "${PYTHON:-}" python3.14 python3.13 python3.12 python3 \
    $(ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.1[2-9]*/bin/python 2>/dev/null | sort -rV); do
    [ -n "$candidate" ] || continue
    if "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then
        "$candidate" -c 'import sys; print(sys.executable)'
        exit 0
    fi
done
echo "Tongyou needs Python 3.12 or newer (Django 6); none was found." >&2
exit 1

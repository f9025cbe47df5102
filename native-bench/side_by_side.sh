#!/bin/sh
# Side-by-side timing of deeptensor's mode products against NumPy/OpenBLAS; see side_by_side.py.
# Debian's interpreter on purpose: Debian's python3-numpy and OpenBLAS live under it.
exec /usr/bin/python3 "$(dirname "$0")/side_by_side.py" "$@"

#!/usr/bin/env bash
# Installs everything TheoryLab needs into the repository itself, and nothing more:
#
#   .venv/        Python venv with JupyterLab and the notebook-execution packages
#                 (versions: scripts/requirements-lab.txt)
#   .tools/bin/   gonb, goimports, gopls, built from the versions pinned in tools/go.mod
#   .venv/share/jupyter/kernels/gonb/
#                 the GoNB kernelspec, generated here (it holds this checkout's absolute paths,
#                 so it is never committed)
#   .venv/lib/python3.*/site-packages/fastatomstruct_xla_cpu/libpjrt_cpu.so
#                 the PJRT CPU plugin for GoMLX's XLA backend, from the wheel pinned with its SHA-256
#                 in scripts/requirements-xla.txt (Linux x86-64 only; SETUP_NO_XLA=1 skips it, and
#                 pkg/backend then falls back to the pure-Go backend)
#
# Each step leaves a stamp file named after a hash of its inputs; when the stamp is present the
# step is skipped, so a re-run with everything in place takes well under a second.
#
# Usage: scripts/setup.sh            (all steps)
# Environment: PYTHON (default python3), GO (default go), SETUP_VERBOSE=1 for full pip/go output,
#              SETUP_NO_XLA=1 to leave out the PJRT CPU plugin.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PYTHON="${PYTHON:-python3}"
GO="${GO:-go}"
VENV="$ROOT/.venv"
TOOLS="$ROOT/.tools"
REQ="scripts/requirements-lab.txt"
# Bump when this script changes what a step produces, to force that step to run again.
VENV_REV=1
TOOLS_REV=1
KERNEL_REV=2
XLA_REV=1
XLA_REQ="scripts/requirements-xla.txt"

SETUP_NAME=setup
# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"

# Writes a fresh stamp in DIR, removing older stamps of the same KIND.
stamp() { # DIR KIND KEY
	mkdir -p "$1"
	rm -f "$1/$2".*
	date -u +%FT%TZ >"$1/$2.$3"
}

# --- prerequisites ------------------------------------------------------------------------------
command -v "$GO" >/dev/null || die "Go is not on PATH (need Go 1.26 or newer, https://go.dev/dl/)"
# Python 3.11 or newer: the pinned IPython (a JupyterLab dependency) needs it.
command -v "$PYTHON" >/dev/null || die "$PYTHON is not on PATH (need Python 3.11 or newer)"
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' ||
	die "$PYTHON is $("$PYTHON" -V 2>&1); need Python 3.11 or newer (set PYTHON=...)"
GO_VERSION="$("$GO" env GOVERSION)"
GOROOT_BIN="$("$GO" env GOROOT)/bin"

# --- 1. Python venv -----------------------------------------------------------------------------
PY_VERSION="$("$PYTHON" -c 'import sys; print(sys.version.split()[0])')"
# A venv holds absolute paths (its scripts' #! lines), so a moved checkout gets a new one.
VENV_KEY="$( { echo "rev=$VENV_REV python=$PY_VERSION root=$ROOT"; cat "$REQ"; } | key_of)"
if [[ ! -e "$VENV/.stamps/venv.$VENV_KEY" ]]; then
	# Rebuilt from scratch whenever the pins (or the interpreter) change: no stale packages.
	say "creating Python venv .venv (Python $PY_VERSION, pins from $REQ)"
	rm -rf "$VENV"
	"$PYTHON" -m venv "$VENV" ||
		die "could not create the venv (on Debian/Ubuntu: apt-get install python3-venv)"
	quiet "$VENV/bin/python" -m pip install --disable-pip-version-check --no-input --progress-bar off \
		--only-binary=:all: --requirement "$REQ"
	"$VENV/bin/python" -m pip check --disable-pip-version-check >/dev/null ||
		die "pip check failed in .venv: $("$VENV/bin/python" -m pip check --disable-pip-version-check 2>&1)"
	stamp "$VENV/.stamps" venv "$VENV_KEY"
fi

# --- 1b. PJRT CPU plugin for GoMLX's XLA backend (pinned wheel, SHA-256 checked) ---------------
# pip's --require-hashes refuses any wheel whose SHA-256 differs from the pin; --no-deps: the wheel
# needs nothing else. The stamp lives in .venv, so a rebuilt venv gets the plugin again.
XLA_KEY="$( { echo "rev=$XLA_REV venv=$VENV_KEY arch=$(uname -sm)"; cat "$XLA_REQ"; } | key_of)"
if [[ -n "${SETUP_NO_XLA:-}" ]]; then
	: # left out on request; pkg/backend says so and uses the pure-Go backend
elif [[ "$(uname -sm)" != "Linux x86_64" ]]; then
	[[ -e "$VENV/.stamps/xla-skipped.$XLA_KEY" ]] || {
		say "no pinned PJRT CPU plugin for $(uname -sm): TheoryLab will use the pure-Go backend"
		stamp "$VENV/.stamps" xla-skipped "$XLA_KEY"
	}
elif [[ ! -e "$VENV/.stamps/xla.$XLA_KEY" ]]; then
	say "installing the PJRT CPU plugin for XLA into .venv (pinned wheel, SHA-256 checked; $XLA_REQ)"
	quiet "$VENV/bin/python" -m pip install --disable-pip-version-check --no-input --progress-bar off \
		--no-deps --only-binary=:all: --require-hashes --requirement "$XLA_REQ"
	# The plugin must be a PJRT plugin: it exports GetPjrtApi, whose table names its C API version.
	"$VENV/bin/python" - <<'PY' || die "the PJRT CPU plugin from $XLA_REQ does not load (see above)"
import ctypes, glob, struct, sys
paths = glob.glob(sys.prefix + "/lib/python3*/site-packages/fastatomstruct_xla_cpu/libpjrt_cpu.so")
if not paths:
    sys.exit("setup: ERROR: the wheel installed no fastatomstruct_xla_cpu/libpjrt_cpu.so")
api = ctypes.CDLL(paths[0], mode=ctypes.RTLD_LOCAL).GetPjrtApi
api.restype = ctypes.c_void_p
# PJRT_Api starts with struct_size, extension_start, then PJRT_Api_Version {struct_size,
# extension_start, major, minor}.
major, minor = struct.unpack("<ii", ctypes.string_at(api() + 32, 8))
print(f"setup: PJRT CPU plugin loads: PJRT C API {major}.{minor}")
PY
	stamp "$VENV/.stamps" xla "$XLA_KEY"
fi

# --- 2. Go tools (gonb, goimports, gopls) -------------------------------------------------------
TOOLS_KEY="$( { echo "rev=$TOOLS_REV go=$GO_VERSION"; cat tools/go.mod tools/go.sum; } | key_of)"
if [[ ! -e "$TOOLS/.stamps/tools.$TOOLS_KEY" ]]; then
	say "building gonb, goimports, gopls into .tools/bin with $GO_VERSION (first time: a minute or two)"
	rm -rf "${TOOLS:?}/bin"
	mkdir -p "$TOOLS/bin"
	# `tool` is the pattern for every tool directive in tools/go.mod; -mod=readonly keeps
	# go.mod/go.sum exactly as committed (a missing checksum is an error, not an edit).
	(cd tools && quiet "$GO" build -mod=readonly -buildvcs=false -trimpath -o "$TOOLS/bin/" tool)
	for t in gonb goimports gopls; do
		[[ -x "$TOOLS/bin/$t" ]] || die "$t was not built into .tools/bin"
	done
	stamp "$TOOLS/.stamps" tools "$TOOLS_KEY"
fi

# --- 3. GoNB kernelspec inside the venv ---------------------------------------------------------
KERNELS="$VENV/share/jupyter/kernels"
KERNEL_KEY="$(echo "rev=$KERNEL_REV root=$ROOT tools=$TOOLS_KEY venv=$VENV_KEY goroot=$GOROOT_BIN" | key_of)"
if [[ ! -e "$VENV/.stamps/kernel.$KERNEL_KEY" || ! -e "$KERNELS/gonb/kernel.json" ]]; then
	say "installing the GoNB kernelspec into .venv/share/jupyter/kernels/gonb"
	rm -rf "$KERNELS/gonb"
	# gonb --install writes kernel.json (argv = this gonb binary) and its logo under
	# $JUPYTER_DATA_DIR/kernels/gonb; pointing JUPYTER_DATA_DIR at the venv keeps it out of $HOME.
	quiet env JUPYTER_DATA_DIR="$VENV/share/jupyter" PATH="$TOOLS/bin:$GOROOT_BIN:$PATH" \
		"$TOOLS/bin/gonb" --install
	# Always run .tools/bin/gonb (gonb --install copies itself into the kernel folder when it
	# lives under /tmp, e.g. in a checkout there). Give the kernel its own PATH, so that it finds
	# go, goimports and gopls even when Jupyter was started some other way than `make lab`
	# (Jupyter expands ${PATH} when it starts a kernel).
	rm -f "$KERNELS/gonb/gonb" "$KERNELS/gonb/gonb~"
	"$VENV/bin/python" - "$KERNELS/gonb/kernel.json" "$TOOLS/bin/gonb" "$TOOLS/bin:$GOROOT_BIN" <<'PY'
import json, sys
path, gonb, prefix = sys.argv[1:4]
with open(path) as f:
    spec = json.load(f)
spec["argv"][0] = gonb
spec["display_name"] = "Go (GoNB)"
spec.setdefault("env", {})["PATH"] = prefix + ":${PATH}"
spec.setdefault("metadata", {})["generated_by"] = "theorylab scripts/setup.sh"
with open(path, "w") as f:
    json.dump(spec, f, indent=1)
    f.write("\n")
PY
	stamp "$VENV/.stamps" kernel "$KERNEL_KEY"
fi

XLA_NOTE="PJRT CPU plugin for xla:cpu"
[[ -e "$VENV/.stamps/xla.$XLA_KEY" ]] || XLA_NOTE="no PJRT CPU plugin: pure-Go backend"
say "ready (.venv: Python $PY_VERSION, $XLA_NOTE; .tools/bin: gonb goimports gopls; kernel: gonb)"

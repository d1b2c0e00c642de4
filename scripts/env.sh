# shellcheck shell=bash
# Sourced (not run) by the other scripts: the environment in which Jupyter, GoNB and the notebook
# tests run. Only the repository's own .venv and .tools are used; nothing in $HOME is read or written
# by Jupyter.
#   . scripts/env.sh
THEORYLAB_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export THEORYLAB_ROOT
# Go 1.27.3 (the go command fetches it from the Go module proxy) and the SIMD kernels of GoMLX's
# pure-Go backend, unless already set: the Makefile's defaults, for scripts run on their own.
export GOTOOLCHAIN="${GOTOOLCHAIN-go1.27.3}"
export GOEXPERIMENT="${GOEXPERIMENT-simd}"
# GoNB needs go, goimports and gopls on the PATH of the Jupyter server (and so of its kernels);
# with GOTOOLCHAIN set, GOROOT is Go 1.27.3's own, so its go comes first.
THEORYLAB_GOROOT="$("${GO:-go}" env GOROOT)"
export PATH="$THEORYLAB_ROOT/.tools/bin:$THEORYLAB_ROOT/.venv/bin:$THEORYLAB_GOROOT/bin:$PATH"
# Jupyter data (kernelspecs), config and runtime files live in the venv, so the only kernels
# Jupyter finds first are the venv's: gonb (installed by scripts/setup.sh) and ipykernel's python3.
export JUPYTER_DATA_DIR="$THEORYLAB_ROOT/.venv/share/jupyter"
export JUPYTER_CONFIG_DIR="$THEORYLAB_ROOT/.venv/etc/jupyter"
export JUPYTER_RUNTIME_DIR="$THEORYLAB_ROOT/.venv/share/jupyter/runtime"
export JUPYTER_PREFER_ENV_PATH=1
export JUPYTER_PLATFORM_DIRS=1
unset JUPYTER_PATH JUPYTER_CONFIG_PATH
export VIRTUAL_ENV="$THEORYLAB_ROOT/.venv"

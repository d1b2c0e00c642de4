#!/usr/bin/env bash
# Installs whatever is missing, then starts JupyterLab on notebooks/ and prints its URL.
#
# Environment (all optional; `make lab` passes its variables of the same names):
#   PORT        port to listen on (default 8888; the server fails rather than pick another one)
#   IP          address to bind (default 127.0.0.1)
#   NO_BROWSER  non-empty (and not 0) to not open a browser; implied when not on a terminal or CI=true
#   LAB_TOKEN   access token (default: a fresh random one, printed in the URL)
#   BASE_URL    URL prefix, e.g. /theorylab/ (default /)
#   LAB_ARGS    extra arguments for `jupyter lab`, e.g. LAB_ARGS='--ServerApp.shutdown_no_activity_timeout=3600'
#   GOTOOLCHAIN, GOEXPERIMENT
#               the lab's Go (default go1.27.3, fetched by the go command) and GoMLX's SIMD kernels
#               (default simd); setup.sh writes the values into the GoNB kernelspec and
#               scripts/env.sh exports them to JupyterLab
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$ROOT/scripts/setup.sh"
# shellcheck source=scripts/env.sh
. "$ROOT/scripts/env.sh"

PORT="${PORT:-8888}"
IP="${IP:-127.0.0.1}"
BASE_URL="${BASE_URL:-/}"
[[ "$BASE_URL" == /* ]] || BASE_URL="/$BASE_URL"
[[ "$BASE_URL" == */ ]] || BASE_URL="$BASE_URL/"
LAB_TOKEN="${LAB_TOKEN:-$(python -c 'import secrets; print(secrets.token_hex(24))')}"

args=(
	--ServerApp.root_dir="$ROOT/notebooks"
	--ServerApp.ip="$IP"
	--ServerApp.port="$PORT"
	--ServerApp.port_retries=0
	--ServerApp.base_url="$BASE_URL"
	--IdentityProvider.token="$LAB_TOKEN"
	--MappingKernelManager.default_kernel_name=gonb
	# No calls home: no news feed, no update check.
	--LabApp.news_url=None
	--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate
)
# Offer only the kernels installed in the venv (gonb, and ipykernel's python3).
for k in "$JUPYTER_DATA_DIR"/kernels/*/kernel.json; do
	args+=(--KernelSpecManager.allowed_kernelspecs="$(basename "$(dirname "$k")")")
done
# Jupyter refuses to run as root unless told; containers and CI machines often run as root.
[[ "$(id -u)" == 0 ]] && args+=(--allow-root)
if [[ -n "${NO_BROWSER:-}" && "${NO_BROWSER}" != 0 ]] || [[ "${CI:-}" == true ]] || ! [[ -t 0 && -t 1 ]]; then
	args+=(--no-browser)
fi

url_host="$IP"
[[ "$IP" == 0.0.0.0 || "$IP" == "*" ]] && url_host=localhost
echo "TheoryLab: JupyterLab on notebooks/ at http://$url_host:$PORT${BASE_URL}lab?token=$LAB_TOKEN"
echo "TheoryLab: stop it with Ctrl-C"
# LAB_ARGS is split on spaces on purpose (several arguments in one variable).
# shellcheck disable=SC2086
exec jupyter lab "${args[@]}" ${LAB_ARGS:-}

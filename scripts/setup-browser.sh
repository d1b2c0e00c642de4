#!/usr/bin/env bash
# Installs what the browser test (tests/browser_test.py) needs, and nothing more:
#
#   chromium                  Debian's package, from apt (never a browser downloaded by Playwright)
#   tests/browser/node_modules/
#                             playwright-core from npm, exactly as pinned by tests/browser/package-lock.json
#
# Like scripts/setup.sh, each step is skipped when its result is already in place: a re-run checks
# `chromium --version` and a stamp, well under a second. `apt-get update` runs only when apt does not
# know the package (or the first install attempt fails).
#
# Exit status: 0 ready (the last line is `setup-browser: ready: <chromium path> (<version>)`);
# 3 the browser cannot be installed on this machine (the last line says why; the browser test then
# SKIPs, loudly); 1 anything else (a real error: the test FAILs).
# Environment: CHROMIUM (default: chromium on PATH, else /usr/bin/chromium), SETUP_VERBOSE=1.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

BROWSER_DIR="tests/browser"
# Bump to force the npm step to run again.
NPM_REV=1

SETUP_NAME=setup-browser
# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"

find_chromium() {
	if [[ -n "${CHROMIUM:-}" ]]; then
		echo "$CHROMIUM"
	elif command -v chromium >/dev/null; then
		command -v chromium
	else
		echo /usr/bin/chromium
	fi
}

chromium_version() { # PATH -> prints the version line, fails when the binary does not run
	[[ -x "$1" ]] || return 1
	timeout 60 "$1" --headless --no-sandbox --disable-gpu --version 2>/dev/null | head -n 1
}

# --- 1. chromium (apt) --------------------------------------------------------------------------
CHROME="$(find_chromium)"
if ! version="$(chromium_version "$CHROME")" || [[ -z "$version" ]]; then
	if [[ -n "${CHROMIUM:-}" ]]; then
		die "CHROMIUM=$CHROMIUM does not run"
	fi
	command -v apt-get >/dev/null || unavailable "chromium is not installed and this machine has no apt-get (install Chromium, or set CHROMIUM=/path/to/chromium)"
	SUDO=()
	if [[ "$(id -u)" != 0 ]]; then
		sudo -n true 2>/dev/null || unavailable "chromium is not installed, and installing it with apt needs root (run: sudo apt-get install chromium)"
		SUDO=(sudo -n)
	fi
	apt_install() {
		quiet "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium
	}
	# apt-get update only when apt does not know the package yet, or the install fails
	# (e.g. the lists name a version the mirror no longer has).
	candidate="$(apt-cache policy chromium 2>/dev/null | sed -n 's/^ *Candidate: *//p')"
	updated=
	if [[ -z "$candidate" || "$candidate" == "(none)" ]]; then
		say "apt-get update (apt does not know the chromium package yet)"
		quiet "${SUDO[@]}" apt-get update -q || unavailable "apt-get update failed (no network to the Debian mirror?)"
		updated=1
	fi
	say "installing Debian's chromium with apt-get (first time: a minute or two)"
	if ! apt_install; then
		[[ -n "$updated" ]] && unavailable "apt-get install chromium failed (see above)"
		say "apt-get update, then trying again"
		quiet "${SUDO[@]}" apt-get update -q || unavailable "apt-get update failed (no network to the Debian mirror?)"
		apt_install || unavailable "apt-get install chromium failed (see above)"
	fi
	CHROME="$(find_chromium)"
	version="$(chromium_version "$CHROME")" || die "chromium was installed but $CHROME does not run"
fi

# --- 2. playwright-core (npm, pinned by package-lock.json) ---------------------------------------
command -v node >/dev/null || unavailable "node is not on PATH (the browser test drives Chromium with playwright-core; install Node.js 20 or newer)"
command -v npm >/dev/null || unavailable "npm is not on PATH (install npm, Node.js's package manager)"
node -e 'process.exit(Number(process.versions.node.split(".")[0]) < 20 ? 1 : 0)' ||
	unavailable "node $(node --version) is too old for playwright-core (need Node.js 20 or newer)"
NPM_KEY="$( { echo "rev=$NPM_REV node=$(node --version)"; cat "$BROWSER_DIR/package.json" "$BROWSER_DIR/package-lock.json"; } | key_of)"
if [[ ! -e "$BROWSER_DIR/node_modules/.stamps/npm.$NPM_KEY" ]]; then
	say "installing playwright-core into $BROWSER_DIR/node_modules (npm ci, pinned by package-lock.json)"
	# --ignore-scripts: playwright-core has no install script; never let a package download a browser.
	(cd "$BROWSER_DIR" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 quiet npm ci --ignore-scripts --no-audit --no-fund) ||
		die "npm ci failed in $BROWSER_DIR"
	mkdir -p "$BROWSER_DIR/node_modules/.stamps"
	rm -f "$BROWSER_DIR/node_modules/.stamps/npm."*
	date -u +%FT%TZ >"$BROWSER_DIR/node_modules/.stamps/npm.$NPM_KEY"
fi

say "ready: $CHROME ($version)"

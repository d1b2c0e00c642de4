#!/usr/bin/env bash
# Installs what `make site` (scripts/build_site.py) needs beyond `make setup`, and nothing more:
#
#   .tools/site/node_modules/mathjax/
#                 MathJax from npm, exactly as pinned by scripts/site/package-lock.json (npm ci). The
#                 site copies its single-file SVG component beside the HTML pages, so formulas render
#                 offline: no page ever loads MathJax (or anything else) from a CDN.
#
# Like the other set-up scripts, the step is skipped when its stamp is present (a re-run takes well
# under a second).
#
# Exit status: 0 ready (the last line is `setup-site: ready: <folder of MathJax's components>`);
# 3 MathJax cannot be installed on this machine (no Node.js/npm; the last line says why; the site is
# then built with formulas as TeX source, and says so); 1 anything else (a real error).
# Environment: SETUP_VERBOSE=1 shows npm's output.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PINS="scripts/site"          # package.json + package-lock.json (committed)
DEST="$ROOT/.tools/site"     # where npm ci installs them (ignored by git)
# Bump to force the npm step to run again.
NPM_REV=1

SETUP_NAME=setup-site
# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"

command -v node >/dev/null || unavailable "node is not on PATH (MathJax for the site comes from npm; install Node.js 18 or newer)"
command -v npm >/dev/null || unavailable "npm is not on PATH (install npm, Node.js's package manager)"

NPM_KEY="$( { echo "rev=$NPM_REV node=$(node --version)"; cat "$PINS/package.json" "$PINS/package-lock.json"; } | key_of)"
COMPONENTS="$DEST/node_modules/mathjax/es5"
if [[ ! -e "$DEST/.stamps/npm.$NPM_KEY" || ! -f "$COMPONENTS/tex-svg-full.js" ]]; then
	say "installing MathJax into .tools/site (npm ci, pinned by $PINS/package-lock.json)"
	rm -rf "$DEST"
	mkdir -p "$DEST"
	cp "$PINS/package.json" "$PINS/package-lock.json" "$DEST/"
	# --ignore-scripts: MathJax has no install script, and none may run.
	(cd "$DEST" && quiet npm ci --ignore-scripts --no-audit --no-fund) ||
		die "npm ci failed in .tools/site (pins: $PINS/package-lock.json; no network to the npm registry?)"
	[[ -f "$COMPONENTS/tex-svg-full.js" ]] || die "npm ci installed no mathjax/es5/tex-svg-full.js into .tools/site"
	mkdir -p "$DEST/.stamps"
	rm -f "$DEST/.stamps/npm."*
	date -u +%FT%TZ >"$DEST/.stamps/npm.$NPM_KEY"
fi

say "ready: $COMPONENTS"

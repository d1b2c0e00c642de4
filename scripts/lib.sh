# Helpers shared by the set-up scripts (setup.sh, setup-browser.sh, setup-bench.sh).
# Source it after setting SETUP_NAME, the prefix of every line the script prints.

say() { printf '%s: %s\n' "$SETUP_NAME" "$*"; }
die() { printf '%s: ERROR: %s\n' "$SETUP_NAME" "$*" >&2; exit 1; }
# unavailable: the thing cannot be installed on this machine (exit 3; callers SKIP loudly).
unavailable() { printf '%s: UNAVAILABLE: %s\n' "$SETUP_NAME" "$*"; exit 3; }
# key_of: a short hash of stdin, used to name stamp files after what they depend on.
key_of() { sha256sum | cut -c1-16; }
# quiet runs a command, showing its output only when it fails (or always with SETUP_VERBOSE=1).
quiet() {
	if [[ -n "${SETUP_VERBOSE:-}" ]]; then
		"$@"
		return
	fi
	local log rc=0
	log="$(mktemp)"
	"$@" >"$log" 2>&1 || rc=$?
	if ((rc != 0)); then
		cat "$log" >&2
		printf '%s: ERROR: command failed (exit %d): %s\n' "$SETUP_NAME" "$rc" "$*" >&2
	fi
	rm -f "$log"
	return "$rc"
}

#!/usr/bin/env bash
# Installs qemu-user (Debian's package), which pkg/backend's TestSIMDOnOlderCPUs uses to run the
# pure-Go backend's SIMD kernels on emulated CPUs without AVX-512 (Haswell) and without AVX
# (Nehalem). Only on x86-64 Linux; a re-run that finds qemu-x86_64 takes no time.
#
# Exit status: 0 ready; 3 it cannot be installed here (the last line says why; the test then
# SKIPs, saying so); 1 anything else.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SETUP_NAME=setup-qemu
# shellcheck source=scripts/lib.sh
source "$ROOT/scripts/lib.sh"

command -v qemu-x86_64 >/dev/null && exit 0
[[ "$(uname -sm)" == "Linux x86_64" ]] || unavailable "the SIMD emulation test runs on x86-64 Linux only"
command -v apt-get >/dev/null || unavailable "qemu-x86_64 is not installed and this machine has no apt-get"
SUDO=()
if [[ "$(id -u)" != 0 ]]; then
	sudo -n true 2>/dev/null || unavailable "qemu-x86_64 is not installed, and installing it needs root (run: sudo apt-get install qemu-user)"
	SUDO=(sudo -n)
fi
say "installing Debian's qemu-user (emulated CPUs for the SIMD test)"
apt_install() { quiet "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends qemu-user; }
apt_install || { quiet "${SUDO[@]}" apt-get update -q && apt_install; } || die "apt-get install qemu-user failed"
command -v qemu-x86_64 >/dev/null || die "qemu-user is installed but qemu-x86_64 is not on PATH"
say "ready: $(qemu-x86_64 --version | head -n 1)"

#!/bin/sh
# bench/setup.sh: install what `go run ./bench` compares against, if missing:
# curl, check_http and check_curl (Debian's monitoring-plugins; check_curl
# also needs liburiparser1). Valgrind is optional (instruction counts).
# Idempotent and quiet; needs root (or sudo) and apt-get.
set -eu

pkgs="curl monitoring-plugins-basic monitoring-plugins-standard liburiparser1"
[ "${BENCH_VALGRIND:-0}" = 1 ] && pkgs="$pkgs valgrind"

missing=""
for p in $pkgs; do
	# dpkg-query prints "install ok installed" for an installed package.
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
	echo "bench/setup.sh: apt-get not found; install by hand:$missing" >&2
	exit 1
fi
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "bench/setup.sh: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >/dev/null
# shellcheck disable=SC2086 # word splitting of the package list is wanted
$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null

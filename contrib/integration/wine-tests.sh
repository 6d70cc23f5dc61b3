#!/usr/bin/env bash
# contrib/integration/wine-tests.sh - the Windows unit tests under Wine 10 in the
# Debian 13 root (contrib/integration/trixie-root, which has wine and wine64).
#
# Sourced by contrib/integration/run (its windows part calls wine_unit_tests ROOT,
# with its ok/bad helpers), or run on its own, as root, from the repository:
#   flock /work/integration.lock contrib/integration/wine-tests.sh [ROOT]
# ROOT defaults to $CREATIO_IT_TRIXIE_ROOT or /var/cache/check_creatio_oauth/trixie.
#
# It builds the test binaries of the packages with Windows code of their own
# (GOOS=windows GOARCH=amd64 CGO_ENABLED=0 go test -c) into a directory of ROOT's
# /tmp, and runs each, in one private mount namespace (/proc and /dev mounted for the
# chroot only) with a fresh WINEPREFIX in that directory and WINEDEBUG=-all, with the
# tests that must pass there (WINE_UNIT_TESTS). Each listed test prints one ok or FAIL
# line; a listed test that is skipped or missing is a FAIL: it proved nothing. The
# directory is removed at the end. Returns non-zero when any test failed.

# WINE_UNIT_TESTS: package, then the top-level tests (a regular expression's
# alternatives) that must pass under Wine. What Wine cannot show is argued in
# README's "On Windows", not listed here: a Ctrl-Break (TestWindowsCtrlBreak
# skips under Wine: without a console there is none to send it to, and in
# Wine's console of a terminal the event leaves the process hung), NTFS's
# inherited ACLs, the Unix tests of modes and uids.
WINE_UNIT_TESTS=(
	"./check/web/ TestSysNetErrsAreWinsock TestRefusedWindows TestSysNetErrs TestWinsockNetErrs"
	"./check/cache/ TestLookupLocalAppData TestWindowsPrivateDACL TestWindowsRefusesOpenDACL TestWindowsReplaceWhileOpen TestWindowsLockExcludes TestWindowsDriveLetterDir TestLoadExpiredToken TestLoadBadFiles TestSavePrunes TestSaveSweeps TestLock TestLockWaits TestParallelGoroutines TestParallelProcesses TestParallelWithoutLock TestDropFails"
	"./internal/cli/ TestWindowsDriveLetterPaths TestWindowsRefused TestWindowsNoLocalAppData TestSignalBeforeTheCheck TestSecretsAsPeopleGiveThem TestSecretReadWithin"
)

# wine_unit_tests ROOT: build, run and report the tests of WINE_UNIT_TESTS
wine_unit_tests() {
	local root=${1:?wine_unit_tests ROOT} dir rel entry pkg exe tests rc=0 t sd
	local -a names
	local okf=wine_ok badf=wine_bad
	declare -F ok >/dev/null && okf=ok
	declare -F bad >/dev/null && badf=bad
	[ -x "$root/usr/lib/wine/wine64" ] || { "$badf" "wine: $root has no /usr/lib/wine/wine64 (trixie-root installs wine64)"; return 1; }
	dir=$(mktemp -d "$root/tmp/wine-unit.XXXXXX") || return 1
	rel=${dir#"$root"}
	# build every test binary first, on the host
	for entry in "${WINE_UNIT_TESTS[@]}"; do
		read -r pkg _ <<<"$entry"
		exe=$(wine_exe_name "$pkg")
		if ! GOOS=windows GOARCH=amd64 CGO_ENABLED=0 go test -c -o "$dir/$exe" "$pkg" >"$dir/$exe.build.log" 2>&1; then
			cat "$dir/$exe.build.log" >&2
			"$badf" "wine: GOOS=windows go test -c $pkg"
			rc=1
		fi
	done
	# one script in the root: a prefix made once, then each binary with its tests
	{
		echo 'set -u'
		echo "cd $rel || exit 1"
		echo 'wineboot -i >wineboot.log 2>&1'
		for entry in "${WINE_UNIT_TESTS[@]}"; do
			read -r pkg tests <<<"$entry"
			exe=$(wine_exe_name "$pkg")
			[ -f "$dir/$exe" ] || continue
			echo "echo '=== exe $exe'"
			echo "timeout -k 10 600 /usr/lib/wine/wine64 ./$exe -test.v -test.count=1 -test.timeout=300s -test.run '^($(tr ' ' '|' <<<"$tests"))\$' </dev/null 2>&1"
			echo "echo \"=== rc \$?\""
		done
		echo 'wineserver -k 2>/dev/null; wineserver -w 2>/dev/null; true'
	} >"$dir/run.sh"
	t=$SECONDS
	timeout -k 10 1800 unshare --mount --propagation private -- /bin/sh -c '
		r=$1 d=$2
		mount -t proc proc "$r/proc" && mount --bind /dev "$r/dev" &&
		exec chroot "$r" /usr/bin/env -i PATH=/usr/lib/wine:/usr/bin:/bin HOME="$d" LANG=C.UTF-8 \
			WINEPREFIX="$d/prefix" WINEDEBUG=-all /bin/sh "$d/run.sh"' sh "$root" "$rel" >"$dir/wine.log" 2>&1
	printf '    wine: the tests ran in %d s\n' $((SECONDS - t))
	# one line per listed test, from each binary's part of the log
	for entry in "${WINE_UNIT_TESTS[@]}"; do
		read -r pkg tests <<<"$entry"
		exe=$(wine_exe_name "$pkg")
		awk -v exe="$exe" '$1 == "===" && $2 == "exe" { in_exe = ($3 == exe); next } in_exe' "$dir/wine.log" >"$dir/$exe.log"
		read -ra names <<<"$tests"
		for t in "${names[@]}"; do
			if grep -qE "^--- PASS: $t \(" "$dir/$exe.log"; then
				"$okf" "wine: ${pkg#./} $t"
			else
				awk -v t="$t" '$0 ~ "^=== RUN   " { on = ($3 == t || index($3, t "/") == 1) } on || index($0, t) { print "        " $0 }' "$dir/$exe.log" | tail -n 30
				"$badf" "wine: ${pkg#./} $t (not passed: failed, skipped or not run)"
				rc=1
			fi
		done
	done
	if [ "$rc" -ne 0 ] && [ -n "${WINE_UNIT_KEEP:-}" ]; then
		cp "$dir/wine.log" "$WINE_UNIT_KEEP"
	fi
	# wineserver leaves its socket directory in the root's /tmp
	# (wine-XXXXXX/server-DEV-INODE of the prefix, in hex): removed with the prefix
	if [ -d "$dir/prefix" ]; then
		sd=server-$(stat -c %D "$dir/prefix")-$(printf %x "$(stat -c %i "$dir/prefix")")
		find "$root/tmp" -mindepth 2 -maxdepth 2 -path "$root/tmp/wine-*/$sd" -printf '%h\n' | xargs -r rm -rf
	fi
	rm -rf "$dir"
	return "$rc"
}

# wine_exe_name PKG: the test binary's name for PKG (./check/cache/ -> check_cache.test.exe)
wine_exe_name() {
	local p=${1#./}
	p=${p%/}
	printf '%s.test.exe' "${p//\//_}"
}

wine_ok() { printf '    ok   %s\n' "$*"; }
wine_bad() { printf '    FAIL %s\n' "$*"; }

# run on its own
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -uo pipefail
	export GOTOOLCHAIN=${GOTOOLCHAIN:-go1.27.3}
	[ "$(id -u)" = 0 ] || { echo "wine-tests.sh: must run as root (unshare, chroot)" >&2; exit 2; }
	cd "$(dirname "$0")/../.." || exit 2
	wine_unit_tests "${1:-${CREATIO_IT_TRIXIE_ROOT:-/var/cache/check_creatio_oauth/trixie}}"
fi

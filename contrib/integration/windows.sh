# contrib/integration/windows.sh - the `windows` part of contrib/integration/run
# (sourced by it after its helpers; not run on its own).
#
# The Windows build, proven under Wine 10 in the cached Debian 13 root
# (contrib/integration/trixie-root; Debian 12's Wine 8.0 cannot start a Go 1.27
# program): the amd64 check_creatio_oauth.exe taken from the zip that make package
# made (dist/; make package-windows when there is none for this tree's version, so
# the part also runs alone), checked against dist/SHA256SUMS, runs against the
# simulator on 127.0.0.1 (http: Wine has no Windows certificate store):
#   - every mode: endpoint anonymous, with forms login (the password in a file with
#     CRLF and a BOM, by a drive-letter path) and with OAuth login, direct, both;
#   - one scenario of each failure kind: server (502), problem (IsIdentityService-
#     Available false), unreachable (a refused port), deadline (a hang with -t 3),
#     setup (a missing --password-file), credentials (a wrong password);
#   - each of them also run by the Linux build with the same arguments: the same
#     exit code and the same status line (numbers aside) as on Linux;
#   - a non-ASCII Creatio Message in UTF-8; --output=json as one line on stdout,
#     Wine's own stderr lines kept apart; -vvv without the password or secret;
#     the plugin's own perfdata time= within -t (not Wine's wall time);
#   - the credential cache: N checks of a forms site, logins counted by the
#     simulator (GET /_sim/stats) as the daemons' parts do, in os.UserCacheDir and
#     in a drive-letter --cache-dir;
#   - the Icinga 2 agent's CheckCommand (contrib/windows) beside the package's
#     creatio_oauth on a master: icinga2 daemon -C in the root, and the re-definition
#     a copy of creatio_oauth in the global zone would be;
#   - the Windows unit tests under Wine, when contrib/integration/wine-tests.sh
#     (wine_unit_tests) is there.
# One WINEPREFIX per run (wineboot once), in the root's work dir; wineserver -k at
# the end. CREATIO_IT_WINE_UNIT=0 leaves the unit tests out (development only). Not concurrent with zabbix7 or debian13 (the same root; run sequences them).

WIN_EXE_NAME=check_creatio_oauth.exe
WIN_CACHE_RUNS=6

# win_zip: the amd64 zip of this tree's version (make package-windows when dist/ has
# none), checked against dist/SHA256SUMS, unpacked into the root; sets WIN_VERSION
win_zip() {
	local v zip want got
	v=$(packaging/version) || { bad "windows: packaging/version"; return 1; }
	zip=dist/check_creatio_oauth-$v-windows-amd64.zip
	if [ ! -f "$zip" ] || [ ! -f dist/SHA256SUMS ]; then
		log "make package-windows (no $zip yet)"
		timeout 900 make --no-print-directory package-windows >"$tmp/make-package-windows.log" 2>&1 ||
			{ tail -n 20 "$tmp/make-package-windows.log"; bad "windows: make package-windows"; return 1; }
	fi
	want=$(awk -v n="${zip#dist/}" '$2 == n { print $1 }' dist/SHA256SUMS)
	got=$(sha256sum "$zip" | cut -d' ' -f1)
	if [ "$want" != "$got" ]; then bad "windows: ${zip#dist/} does not match its line in dist/SHA256SUMS"; return 1; fi
	ok "windows: ${zip#dist/} matches its line in dist/SHA256SUMS ($got)"
	mkdir -p "$WH/zip"
	unzip -q -o -d "$WH/zip" "$zip" || { bad "windows: unzip $zip"; return 1; }
	log "windows: $zip ($(stat -c %s "$zip") bytes; the .exe $(stat -c %s "$WH/zip/$WIN_EXE_NAME") bytes)"
	WIN_VERSION=$v WIN_ZIP=$zip
}

# win_path NAME: NAME in the work dir as the Windows program sees it (Wine's Z: is /)
win_path() { printf 'Z:%s\\%s' "${W//\//\\}" "$1"; }

# win_args SIDE ARG...: the arguments with {F:NAME} made a path of NAME in the work
# dir, for SIDE wine (a drive-letter path) or linux (the same file, from this machine)
win_args() {
	local side=$1 a n
	shift
	WARGS=()
	for a in "$@"; do
		while [[ $a =~ \{F:([A-Za-z0-9._-]+)\} ]]; do
			n=${BASH_REMATCH[1]}
			if [ "$side" = wine ]; then a=${a/"{F:$n}"/$(win_path "$n")}; else a=${a/"{F:$n}"/$WH/$n}; fi
		done
		WARGS+=("$a")
	done
}

# win_run NAME SECONDS [VAR=VALUE...] -- ARG...: the .exe under Wine; its stdout in
# $WH/NAME.out, stderr (Wine's lines and the plugin's) in $WH/NAME.err; sets WRC and
# WMS (the wall time, Wine's start-up included)
win_run() {
	local name=$1 t=$2 envs=() t0
	shift 2
	while [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	win_args wine "$@"
	t0=$(date +%s%N)
	timeout "$t" "${TRIXIE_X[@]}" "${WENV[@]}" "${envs[@]}" wine "$W/zip/$WIN_EXE_NAME" "${WARGS[@]}" >"$WH/$name.out" 2>"$WH/$name.err"
	WRC=$?
	WMS=$((($(date +%s%N) - t0) / 1000000))
	WIN_RUNS=$((WIN_RUNS + 1)) WIN_MS=$((WIN_MS + WMS))
}
# lin_run NAME [VAR=VALUE...] -- ARG...: the Linux build with the same arguments; sets LRC
lin_run() {
	local name=$1 envs=()
	shift
	while [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	win_args linux "$@"
	env -i PATH=/usr/bin:/bin LANG=C.UTF-8 "${envs[@]}" timeout 60 "$PLUGIN" "${WARGS[@]}" >"$WH/$name.linux.out" 2>"$WH/$name.linux.err"
	LRC=$?
}
# norm: a status line with its numbers made # (times, sizes)
norm() { head -n 1 | sed -E 's/[0-9]+(\.[0-9]+)?/#/g'; }
# perf_time FILE: the plugin's own time= (seconds) in FILE's first line
perf_time() { head -n 1 "$1" | sed -nE 's/.*[| ]time=([0-9.]+)s.*/\1/p'; }

# win_case NAME WANT SECONDS(-t) [VAR=VALUE...] -- ARG...: the scenario under Wine and
# by the Linux build (both --no-cache); asserts WANT as the exit code of both, the
# same status line, and time= within -t
win_case() {
	local name=$1 want=$2 t=$3 envs=() line lline pt
	shift 3
	while [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	win_run "$name" $((t + 30)) "${envs[@]}" -- "$@" --no-cache -t "$t"
	lin_run "$name" "${envs[@]}" -- "$@" --no-cache -t "$t"
	line=$(head -n 1 "$WH/$name.out")
	printf '    %-14s exit %s (%4d ms under Wine): %.170s\n' "$name" "$WRC" "$WMS" "$line"
	check "windows $name: exit $want under Wine, and $LRC by the Linux build" test "$WRC/$LRC" = "$want/$want"
	if [ "$(norm <"$WH/$name.out")" = "$(norm <"$WH/$name.linux.out")" ]; then
		ok "windows $name: the status line as on Linux"
	else
		bad "windows $name: status line [$(head -n 1 "$WH/$name.out")], on Linux [$(head -n 1 "$WH/$name.linux.out")]"
	fi
	pt=$(perf_time "$WH/$name.out")
	if [ -n "$pt" ]; then
		check "windows $name: the plugin's time=${pt}s within -t $t" awk -v p="$pt" -v t="$t" 'BEGIN { exit !(p <= t) }'
	fi
}

# win_icinga: the Icinga 2 agent's files from contrib/windows on a master that has
# creatio_oauth from the package's ITL file: icinga2 daemon -C in the root
win_icinga() {
	local I=$W/icinga2 IH=$WH/icinga2 defs
	mkdir -p "$IH"/{etc/zones.d/global-templates,etc/zones.d/master,data,log,cache,spool,run}
	mapfile -t defs < <(icinga_defs "$I")
	cp "$CONTRIB/icinga2/check_creatio_oauth.conf" "$IH/etc/itl-check_creatio_oauth.conf"
	cp "$CONTRIB/windows/creatio_oauth_windows.conf" "$IH/etc/zones.d/global-templates/"
	cp "$CONTRIB/windows/creatio_oauth_windows-services.conf" "$IH/etc/zones.d/master/"
	cat >"$IH/etc/constants.conf" <<-'EOF'
		const PluginDir = "/usr/lib/nagios/plugins"
		const PluginContribDir = "/usr/lib/nagios/plugins"
		const NodeName = "master.example.com"
		const ZoneName = "master"
		const TicketSalt = ""
	EOF
	cat >"$IH/etc/zones.conf" <<-'EOF'
		object Endpoint "master.example.com" { }
		object Zone "master" { endpoints = [ "master.example.com" ] }
		object Endpoint "crm-web01.example.com" { }
		object Zone "crm-web01.example.com" { endpoints = [ "crm-web01.example.com" ]; parent = "master" }
		object Zone "global-templates" { global = true }
	EOF
	# the package's ITL file stands in for include <plugins-contrib> (the root has no
	# package installed in this part)
	printf '%s\n' 'include "constants.conf"' 'include "zones.conf"' 'include <itl>' 'include <plugins>' \
		'include "itl-check_creatio_oauth.conf"' >"$IH/etc/icinga2.conf"
	# the README's example host, on the master
	cat >"$IH/etc/zones.d/master/hosts.conf" <<-'EOF'
		object Host "crm-web01.example.com" {
		  check_command = "dummy"
		  address = "192.0.2.10"
		  vars.agent_endpoint = name
		  vars.creatio_oauth_windows["creatio-oauth"] = {
		    creatio_oauth_url = "https://crm.example.com/creatio"
		  }
		  vars.creatio_oauth_windows["creatio-oauth-login"] = {
		    creatio_oauth_url = "https://crm.example.com/creatio"
		    creatio_oauth_user = "monitoring"
		    creatio_oauth_password_file = "C:\\ProgramData\\check_creatio_oauth\\creatio-password.txt"
		  }
		}
	EOF
	"${TRIXIE_X[@]}" chown -R nagios:nagios "$I"
	if timeout 120 "${TRIXIE_X[@]}" "${DAEMON_ENV[@]}" icinga2 daemon -C --dump-objects -c "$I/etc/icinga2.conf" "${defs[@]}" -x warning >"$IH/validate.log" 2>&1; then
		ok "windows: icinga2 daemon -C: creatio_oauth_windows in the global zone beside the ITL's creatio_oauth"
	else
		sed 's/^/      /' "$IH/validate.log"
		bad "windows: icinga2 daemon -C with contrib/windows' Icinga files"
		return
	fi
	timeout 60 "${TRIXIE_X[@]}" "${DAEMON_ENV[@]}" icinga2 object list --type Service "${defs[@]}" >"$IH/services.txt" 2>&1
	timeout 60 "${TRIXIE_X[@]}" "${DAEMON_ENV[@]}" icinga2 object list --type CheckCommand --name creatio_oauth_windows "${defs[@]}" >"$IH/command.txt" 2>&1
	sed -n '/\* command =/,/\]/p' "$IH/command.txt" | sed 's/^/      /'
	check "windows: creatio_oauth_windows runs \$creatio_oauth_path\$\\check_creatio_oauth.exe" grep -qF '"$creatio_oauth_path$\check_creatio_oauth.exe"' "$IH/command.txt"
	check "windows: creatio_oauth_windows declared in zones.d/global-templates" grep -qF "zones.d/global-templates/creatio_oauth_windows.conf" "$IH/command.txt"
	check "windows: 2 services from vars.creatio_oauth_windows, each with command_endpoint = the agent's endpoint" \
		test "$(grep -c 'command_endpoint = "crm-web01.example.com"' "$IH/services.txt")" = 2
	# why the name of its own: creatio_oauth in the global zone, on a master that has the package
	cp "$CONTRIB/icinga2/check_creatio_oauth.conf" "$IH/etc/zones.d/global-templates/"
	"${TRIXIE_X[@]}" chown -R nagios:nagios "$I"
	if timeout 120 "${TRIXIE_X[@]}" "${DAEMON_ENV[@]}" icinga2 daemon -C -c "$I/etc/icinga2.conf" "${defs[@]}" -x warning >"$IH/validate-copy.log" 2>&1; then
		bad "windows: a copy of creatio_oauth in the global zone should not validate on a master with the package"
	else
		check "windows: a copy of creatio_oauth in the global zone fails: re-defined (so the Windows command has its own name)" \
			grep -q "Object 'creatio_oauth' of type 'CheckCommand' re-defined" "$IH/validate-copy.log"
	fi
	rm -f "$IH/etc/zones.d/global-templates/check_creatio_oauth.conf"
}

# win_cache: WIN_CACHE_RUNS checks of one forms site under Wine with the default
# cache place, logins counted by the simulator
win_cache() {
	local before=$WH/stats-before.json after=$WH/stats-after.json i checks logins used dirs reason
	sim_stats "$before" || { bad "windows: simulator stats"; return; }
	for ((i = 1; i <= WIN_CACHE_RUNS; i++)); do
		win_run "cache-$i" 60 -- --output=json --url="$CREATIO/forms-net" --user=Supervisor --password-file="{F:password.txt}"
		[ "$WRC" = 0 ] || { bad "windows cache run $i: exit $WRC: $(head -c 300 "$WH/cache-$i.out")"; return; }
	done
	sim_stats "$after" || { bad "windows: simulator stats"; return; }
	checks=$(sim_delta "$before" "$after" scenarios forms-net health_requests)
	logins=$(sim_delta "$before" "$after" scenarios forms-net logins)
	used=$(cat "$WH"/cache-*.out | jq -r '.cache.used' | sort -u | tr '\n' ' ')
	dirs=$(cat "$WH"/cache-*.out | jq -r '.cache.dir // empty' | sort -u | tr '\n' ' ')
	reason=$(jq -r '.cache.reason // empty' "$WH/cache-1.out")
	log "windows cache: $checks checks of $CREATIO/forms-net (forms) -> $logins logins; cache.used: $used; cache.dir: $dirs"
	check "windows cache: $WIN_CACHE_RUNS checks reached the simulator" test "$checks" = "$WIN_CACHE_RUNS"
	CACHE_LINES+=("$(printf '%-24s %s' "Windows (Wine):" "$checks checks of $CREATIO/forms-net (forms) -> $logins logins")")
	check "windows cache: every check used it (cache.used true)${reason:+; not: $reason}" test "$used" = "true "
	check "windows cache: $checks checks -> $logins logins (at most 1)" test "$logins" -le 1
	check "windows cache: in %LocalAppData% of the prefix's user (os.UserCacheDir): $dirs" \
		grep -qiE '^C:\\users\\[^\\]+\\AppData\\Local\\check_creatio_oauth $' <<<"$dirs"
	# a drive-letter --cache-dir: one more login there, then none
	before=$after
	for i in 1 2 3; do
		win_run "cachedir-$i" 60 -- --output=json --url="$CREATIO/forms-net" --user=Supervisor --password-file="{F:password.txt}" --cache-dir="{F:cache-d}"
	done
	sim_stats "$after.2" || { bad "windows: simulator stats"; return; }
	checks=$(sim_delta "$before" "$after.2" scenarios forms-net health_requests)
	logins=$(sim_delta "$before" "$after.2" scenarios forms-net logins)
	check "windows cache: --cache-dir=$(win_path cache-d) (made by the plugin): $checks checks -> $logins login, its entry there" \
		bash -c '[ "$1/$2" = 3/1 ] && [ "$(jq -r .cache.dir "$3")" = "$4" ] && ls "$5"/*.json >/dev/null 2>&1' _ "$checks" "$logins" "$WH/cachedir-3.out" "$(win_path cache-d)" "$WH/cache-d"
}

# win_agents: the UserParameters of contrib/windows/zabbix_agent2.creatio_oauth.conf
# started as Zabbix agent 2 starts them (cmd.exe /C "COMMAND", the parameters put in
# for $1..$4) and the entries of nsclient.ini as NSClient++ starts them (the command
# line by CreateProcess, $ARGn$ put in), by agentcmd (contrib/integration/agentcmd);
# the .exe unpacked where the examples expect it, C:\Program Files\check_creatio_oauth,
# the secret files in C:\ProgramData\check_creatio_oauth. Neither agent runs here.
win_agents() {
	local pf=$WH/prefix/drive_c/Program\ Files/check_creatio_oauth pd=$WH/prefix/drive_c/ProgramData/check_creatio_oauth
	local zconf=$CONTRIB/windows/zabbix_agent2.creatio_oauth.conf nconf=$CONTRIB/windows/nsclient.ini it key p cmdline i n
	mkdir -p "$pf" "$pd"
	unzip -q -o -d "$pf" "$WIN_ZIP" || { bad "windows agents: unzip into C:\\Program Files\\check_creatio_oauth"; return; }
	printf '%s\r\n' "$SIM_PASSWORD" >"$pd/creatio-password.txt"
	printf '%s\r\n' "$SIM_SECRET" >"$pd/creatio-client-secret.txt"
	GOOS=windows GOARCH=amd64 CGO_ENABLED=0 timeout 300 go build -o "$WH/agentcmd.exe" ./contrib/integration/agentcmd ||
		{ bad "windows agents: go build ./contrib/integration/agentcmd"; return; }
	# KEY|PARAMS (comma-separated, as in the item key)|state
	local items=(
		"creatio.oauth|$CREATIO/ok,8|0"
		"creatio.oauth|$CREATIO/identity-unavailable,8,--warning=2 --critical=5|2"
		"creatio.oauth.login|$CREATIO/forms,8,Supervisor|0"
		"creatio.oauth.direct|$IDP/ok,8,monitoring|0"
	)
	for it in "${items[@]}"; do
		IFS='|' read -r key p n <<<"$it"
		cmdline=$(sed -n "s/^UserParameter=${key//./\\.}\[\*\],//p" "$zconf" | tr -d '\r')
		[ -n "$cmdline" ] || { bad "windows zabbix: no UserParameter=$key[*] in ${zconf#"$ROOT"/}"; continue; }
		IFS=, read -r -a params <<<"$p"
		for i in 1 2 3 4; do cmdline=${cmdline//\$$i/${params[i - 1]:-}}; done
		timeout 60 "${TRIXIE_X[@]}" "${WENV[@]}" wine "$W/agentcmd.exe" -cmd "$cmdline" >"$WH/zbx.out" 2>"$WH/zbx.err"
		WRC=$?
		printf '    %s[%s] -> exit %s: %.150s\n' "$key" "$p" "$WRC" "$(head -n 1 "$WH/zbx.out")"
		check "windows zabbix $key[$p]: cmd.exe /C runs \"C:\\Program Files\\...\", one line of JSON, state $n" \
			bash -c '[ "$(wc -l <"$1")" = 1 ] && jq -e --argjson n "$2" ".state == \$n" "$1" >/dev/null' _ "$WH/zbx.out" "$n"
	done
	# NSClient++: check_nrpe -c NAME -a ARG1 ARG2
	items=("check_creatio_oauth|$CREATIO/ok|0" "check_creatio_oauth_login|$CREATIO/forms,Supervisor|0" "check_creatio_oauth_direct|$IDP/ok,monitoring|0")
	for it in "${items[@]}"; do
		IFS='|' read -r key p n <<<"$it"
		cmdline=$(sed -n "s/^$key = //p" "$nconf" | tr -d '\r')
		[ -n "$cmdline" ] || { bad "windows nsclient: no $key in ${nconf#"$ROOT"/}"; continue; }
		IFS=, read -r -a params <<<"$p"
		for i in 1 2; do cmdline=${cmdline//\$ARG$i\$/${params[i - 1]:-}}; done
		timeout 60 "${TRIXIE_X[@]}" "${WENV[@]}" wine "$W/agentcmd.exe" "$cmdline" >"$WH/nsc.out" 2>"$WH/nsc.err"
		WRC=$?
		printf '    %s %s -> exit %s: %.150s\n' "$key" "$p" "$WRC" "$(head -n 1 "$WH/nsc.out")"
		check "windows nsclient.ini $key: its command line by CreateProcess, exit $n" test "$WRC" = "$n"
	done
}

# win_stop: wineserver -k for the run's prefix, and its socket directory in the root's
# /tmp (wine-XXXXXX/server-DEV-INODE of the prefix, in hex), which it leaves behind
win_stop() {
	local sd
	[ -d "$WH/prefix" ] || return 0
	sd=server-$(stat -c %D "$WH/prefix")-$(printf %x "$(stat -c %i "$WH/prefix")")
	timeout 30 "${TRIXIE_X[@]}" "${WENV[@]}" wineserver -k >/dev/null 2>&1
	find "$TRIXIE/tmp" -mindepth 2 -maxdepth 2 -path "$TRIXIE/tmp/wine-*/$sd" -printf '%h\n' | xargs -r rm -rf
}

run_windows() {
	trixie_up || return
	W=$TRIXIE_WORK/windows WH=$TRIXIE$TRIXIE_WORK/windows
	mkdir -p "$WH/home"
	chmod 755 "$WH"
	WIN_RUNS=0 WIN_MS=0
	local wv t
	wv=$("${TRIXIE_X[@]}" wine --version 2>/dev/null)
	log "=== Windows under Wine: $wv in the Debian 13 root ($(cat "$TRIXIE/etc/debian_version"))"
	check "windows: Wine is 10 (got $wv)" grep -qE '^wine-10\.' <<<"$wv"
	win_zip || return
	# one prefix for the run; no Mono or Gecko (mscoree, mshtml off: nothing to fetch)
	WENV=(env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="$W/home" USER=root LANG=C.UTF-8 WINEPREFIX="$W/prefix"
		WINEDLLOVERRIDES='mscoree,mshtml=')
	CLEANUP+=("win_stop")
	t=$SECONDS
	if ! timeout 300 "${TRIXIE_X[@]}" "${WENV[@]}" wineboot -i >"$WH/wineboot.log" 2>&1; then
		tail -n 20 "$WH/wineboot.log"
		bad "windows: wineboot -i (a new WINEPREFIX)"
		return
	fi
	log "windows: wineboot -i took $((SECONDS - t)) s (once per run)"

	win_run version 60 -- --version
	check "windows: --version says check_creatio_oauth $WIN_VERSION (exit 3), as on Linux" \
		test "$(head -n 1 "$WH/version.out")/$WRC" = "check_creatio_oauth $WIN_VERSION/3"

	# the secrets: the password with CRLF and a UTF-8 BOM (Notepad, PowerShell 5), a wrong one
	printf '\357\273\277%s\r\n' "$SIM_PASSWORD" >"$WH/password.txt"
	printf '%s\r\n' "$SIM_SECRET" >"$WH/client-secret.txt"
	printf 'wrong-%s\r\n' "$RANDOM" >"$WH/wrong-password.txt"
	log "windows: each scenario under Wine and by the Linux build, -t 10 unless told"
	win_case endpoint 0 10 -- --url="$CREATIO/ok"
	win_case forms 0 10 -- --url="$CREATIO/forms" --user=Supervisor --password-file="{F:password.txt}"
	win_case oauth 0 10 CREATIO_CLIENT_SECRET="$SIM_SECRET" -- --url="$CREATIO/bearer" --identity-url="$IDP/ok" --client-id=monitoring
	win_case direct 0 10 -- --mode=direct --identity-url="$IDP/ok" --client-id=monitoring --client-secret-file="{F:client-secret.txt}"
	win_case both 0 10 CREATIO_CLIENT_SECRET="$SIM_SECRET" -- --mode=both --url="$CREATIO/ok" --identity-url="$IDP/ok" --client-id=monitoring
	win_case server 2 10 -- --url="$CREATIO/bad-gateway"
	win_case problem 2 10 -- --url="$CREATIO/identity-unavailable"
	win_case unreachable 2 10 -- --url=http://127.0.0.1:1
	win_case deadline 2 3 -- --url="$CREATIO/hang"
	win_case credentials 3 10 -- --url="$CREATIO/forms" --user=Supervisor --password-file="{F:wrong-password.txt}"
	win_case message 2 10 -- --url="$CREATIO/message-hostile"
	check "windows message: the non-ASCII Message in UTF-8 (Überprüfung fehlgeschlagen ✗)" grep -qF 'Überprüfung fehlgeschlagen ✗' "$WH/message.out"
	# https: a second simulator with a self-signed certificate, trusted by --ca-file (a
	# drive-letter path); without it, not trusted (Wine has no store that knows it)
	start_bg win-simulator-tls "$WH/simtls.log" "$SIMULATOR" -listen 127.0.0.1:0 -idp-listen 127.0.0.1:0 -tls -cert-out "$WH/sim.pem"
	local tlspid=$BG_PID tlsurl=""
	win_tls_up() { kill -0 "$tlspid" 2>/dev/null || return 2; tlsurl=$(awk '$1 == "creatio" { print $2; exit }' "$WH/simtls.log"); [ -n "$tlsurl" ] && [ -s "$WH/sim.pem" ]; }
	if wait_for 60 "the https simulator" win_tls_up; then
		win_case https 0 10 -- --url="${tlsurl%/}/ok" --ca-file="{F:sim.pem}" --certificate=20,7
		check "windows https: the certificate's days in the perfdata (cert_days)" grep -q ' cert_days=' "$WH/https.out"
		win_run https-untrusted 60 -- --url="${tlsurl%/}/ok"
		printf '    %-14s exit %s: %.170s\n' https-untrusted "$WRC" "$(head -n 1 "$WH/https-untrusted.out")"
		check "windows https without --ca-file: CRITICAL (exit 2), a certificate that is not trusted" \
			bash -c '[ "$1" = 2 ] && grep -qi "certificate" "$2"' _ "$WRC" "$WH/https-untrusted.out"
	else
		cat "$WH/simtls.log"
		bad "windows: the https simulator (-tls -cert-out)"
	fi
	stop_group "$tlspid" win-simulator-tls

	# setup: a missing secret file by a drive-letter path (the paths differ from Linux's)
	win_run setup 60 -- --url="$CREATIO/forms" --user=Supervisor --password-file="{F:missing.txt}"
	printf '    %-14s exit %s: %.170s\n' setup "$WRC" "$(head -n 1 "$WH/setup.out")"
	check "windows setup: a missing --password-file by a drive-letter path: UNKNOWN (exit 3) naming it" \
		test "$WRC/$(grep -cF "$(win_path missing.txt)" "$WH/setup.out")" = 3/1

	# JSON: one line on stdout; Wine's own lines go to stderr, apart
	win_run json 60 -- --output=json --url="$CREATIO/identity-unavailable"
	check "windows json: stdout is one line of JSON, state 2, exit 2" \
		bash -c '[ "$(wc -l <"$1")" = 1 ] && jq -e ".state == 2 and .IsIdentityServiceAvailable == false" "$1" >/dev/null && [ "$2" = 2 ]' _ "$WH/json.out" "$WRC"
	lin_run json -- --output=json --url="$CREATIO/identity-unavailable"
	check "windows json: state, summary and checks' states as the Linux build's" \
		test "$(jq -c '[.state, .summary, [.checks[] | .state]]' "$WH/json.out" | sed -E 's/[0-9]+(\.[0-9]+)?/#/g')" = \
		"$(jq -c '[.state, .summary, [.checks[] | .state]]' "$WH/json.linux.out" | sed -E 's/[0-9]+(\.[0-9]+)?/#/g')"
	# Wine's own lines (here its note that wine32 is missing) go to stderr, none of the plugin's
	sed 's/^/      stderr: /' "$WH/json.err" | head -n 5
	check "windows json: the $(wc -l <"$WH/json.err") lines on stderr are Wine's, none of the plugin's JSON" \
		bash -c '! grep -qE "^\{|\"state\"" "$1" && ! grep -qiE "wine|^[0-9a-f]{4}:" "$2"' _ "$WH/json.err" "$WH/json.out"

	# -vvv: each request and answer, never the password or the client secret
	win_run vvv-forms 60 -- -vvv --no-cache --url="$CREATIO/forms" --user=Supervisor --password-file="{F:password.txt}"
	win_run vvv-oauth 60 CREATIO_CLIENT_SECRET="$SIM_SECRET" -- -vvv --no-cache --url="$CREATIO/bearer" --identity-url="$IDP/ok" --client-id=monitoring
	check "windows -vvv: both exit 0 and show the requests ($(cat "$WH"/vvv-*.out | wc -l) lines)" \
		bash -c 'grep -q "AuthService.svc/Login" "$1" && grep -q "connect/token" "$2"' _ "$WH/vvv-forms.out" "$WH/vvv-oauth.out"
	check "windows -vvv: the password in no line of stdout or stderr" bash -c '! cat "${@:2}" | grep -qF "$1"' _ "$SIM_PASSWORD" "$WH"/vvv-*.out "$WH"/vvv-*.err
	check "windows -vvv: the client secret in no line of stdout or stderr" bash -c '! cat "${@:2}" | grep -qF "$1"' _ "$SIM_SECRET" "$WH"/vvv-*.out "$WH"/vvv-*.err

	win_cache
	win_agents
	win_icinga
	if [ "${CREATIO_IT_WINE_UNIT:-1}" = 0 ]; then
		log "windows: CREATIO_IT_WINE_UNIT=0: the Windows unit tests left out (development only)"
	elif [ -f "$CONTRIB/integration/wine-tests.sh" ]; then
		# shellcheck source=/dev/null
		. "$CONTRIB/integration/wine-tests.sh"
		wine_unit_tests "$TRIXIE"
	else
		log "windows: no contrib/integration/wine-tests.sh in this tree: the Windows unit tests did not run under Wine"
	fi
	if [ "${KEEP_TMP:-0}" = 1 ]; then
		mkdir -p "$tmp/windows"
		cp -r "$WH"/*.out "$WH"/*.err "$WH"/*.log "$WH/icinga2" "$tmp/windows/" 2>/dev/null
	fi
	WIN_LINE="$wv, $WIN_RUNS runs of the .exe in $((WIN_MS / 1000)) s ($((WIN_MS / (WIN_RUNS > 0 ? WIN_RUNS : 1))) ms each, Wine's start-up included)"
	log "windows ran: $WIN_LINE"
}

# contrib/integration/debian13.sh - the `debian13` part of contrib/integration/run
# (sourced by it after its helpers; not run on its own).
#
# Debian 13 (the current stable) for real, in the cached Debian 13 root
# (contrib/integration/trixie-root), with Debian 13's own packages:
#   - our .deb (make package, dist/) installed in the root with dpkg: the plugin in
#     /usr/lib/nagios/plugins, the CheckCommand in the ITL's plugins-contrib.d;
#   - Icinga 2 with only `include <plugins-contrib>` for our CheckCommand, Icinga Web 2
#     and the Director: kickstart (creatio_oauth comes in with the ITL commands), the
#     shipped basket restored, services from its template deployed and checked; icinga2
#     runs with icinga2.service's environment, and its checks of one site make at most
#     one login (cache_window);
#   - Zabbix agent 2 next to Creatio, running the installed plugin through the shipped
#     wrapper by a UserParameter, polled by a Zabbix 7.0 server (passive checks), with
#     zabbix-agent2.service's environment (User=zabbix: HOME=/nonexistent), and its
#     checks of one site make at most one login.
# Every daemon runs chrooted into the root (nsenter into trixie_up's mount namespace),
# its files in $TRIXIE_WORK/debian13; the package is purged again at the end.
# Not concurrent with zabbix7: both use the root (run sequences them).

# d13_x CMD...: CMD in the Debian 13 root
d13_x() { "${TRIXIE_X[@]}" "$@"; }
# d13_uid USER: USER's uid in the root
d13_uid() { awk -F: -v u="$1" '$1 == u { print $3 }' "$TRIXIE/etc/passwd"; }

# d13_deb: our amd64 .deb of this tree's version (make package when dist/ has none),
# installed into the root; sets D13_VERSION
d13_deb() {
	local v deb arch
	v=$(packaging/version) || { bad "debian13: packaging/version"; return 1; }
	arch=$(dpkg --print-architecture)
	deb=dist/check-creatio-oauth_${v}_$arch.deb
	if [ ! -f "$deb" ]; then
		log "make package (no $deb yet)"
		timeout 900 make package >"$tmp/make-package.log" 2>&1 || { tail -n 20 "$tmp/make-package.log"; bad "debian13: make package"; return 1; }
	fi
	cp "$deb" "$TRIXIE$TRIXIE_WORK/"
	CLEANUP+=("d13_x dpkg -P check-creatio-oauth >>'$tmp/d13-dpkg.log' 2>&1 || true")
	if ! d13_x dpkg -i "$TRIXIE_WORK/${deb##*/}" >"$tmp/d13-dpkg.log" 2>&1; then
		cat "$tmp/d13-dpkg.log"
		bad "debian13: dpkg -i ${deb##*/} in the Debian 13 root"
		return 1
	fi
	ok "debian13: dpkg -i ${deb##*/} in the Debian 13 root"
	D13_VERSION=$v
	check "debian13: the installed /usr/lib/nagios/plugins/check_creatio_oauth says --version $v" \
		test "$(d13_x /usr/lib/nagios/plugins/check_creatio_oauth --version)" = "check_creatio_oauth $v"
	check "debian13: the package put the CheckCommand into the ITL's plugins-contrib.d" \
		cmp "$CONTRIB/icinga2/check_creatio_oauth.conf" "$TRIXIE/usr/share/icinga2/include/plugins-contrib.d/check_creatio_oauth.conf"
}

# d13_pg DIR PORT: a private PostgreSQL cluster of the root in DIR (a path in the root),
# unix socket only (initdb unless DIR/pgdata holds one already); sets D13_PGPID
d13_pgbin() { echo "/$(cd "$TRIXIE/" && ls -d usr/lib/postgresql/*/bin | sort -V | tail -1)"; }
d13_pg() {
	local d=$1 port=$2 pgbin
	pgbin=$(d13_pgbin)
	mkdir -p "$TRIXIE$d"/{pgdata,pgsock}
	d13_x chown postgres:postgres "$d/pgdata" "$d/pgsock"
	[ -f "$TRIXIE$d/pgdata/PG_VERSION" ] ||
		timeout 120 "${TRIXIE_X[@]}" runuser -u postgres -- "$pgbin/initdb" -D "$d/pgdata" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
			>"$TRIXIE$d/initdb.log" 2>&1 || { cat "$TRIXIE$d/initdb.log"; return 1; }
	start_bg d13-postgres "$TRIXIE$d/postgres.log" "${TRIXIE_X[@]}" setpriv --reuid=postgres --regid=postgres --init-groups -- \
		"$pgbin/postgres" -D "$d/pgdata" -k "$d/pgsock" -p "$port" -c listen_addresses= -c fsync=off -c synchronous_commit=off -c full_page_writes=off
	D13_PGPID=$BG_PID D13_PGDIR=$d D13_PGPORT=$port
	# (globals: wait_for's own locals, t and d, would hide this function's)
	d13_pg_up() { kill -0 "$D13_PGPID" 2>/dev/null || return 2; d13_x psql -X -q -h "$D13_PGDIR/pgsock" -p "$D13_PGPORT" -U postgres -c 'select 1' postgres >/dev/null 2>&1; }
	wait_for 60 "PostgreSQL in the Debian 13 root" d13_pg_up || { cat "$TRIXIE$d/postgres.log"; return 1; }
}

# ------------------------------------------------ Icinga 2.14 + Director 1.11 ---

d13_director() {
	local W=$TRIXIE_WORK/debian13/director D I W2 port pgport apipw idefs ienv ipid pgpid
	D=$TRIXIE$W I=$W/icinga2 W2=$W/icingaweb2
	mkdir -p "$D"/{log,secrets}
	port=$(free_port)
	pgport=$(free_port)
	apipw="it-d13-$RANDOM$RANDOM"
	d13_pg "$W/pg" "$pgport" || { bad "debian13 director: PostgreSQL"; return; }
	pgpid=$D13_PGPID
	local psql=(timeout 120 "${TRIXIE_X[@]}" psql -X -q -v ON_ERROR_STOP=1 -h "$W/pg/pgsock" -p "$pgport")
	"${psql[@]}" -U postgres -c 'create user director' -c "create database director owner director encoding 'UTF8'" \
		-c '\c director' -c 'create extension pgcrypto' postgres >/dev/null || { bad "debian13 director: its database"; return; }

	# --- Icinga 2: the package's plugin dirs, our CheckCommand only by include <plugins-contrib>
	mapfile -t idefs < <(icinga_defs "$I")
	icinga_instance "$TRIXIE$I" "$DIRECTOR_NODE" master /usr/lib/nagios/plugins "$port" false
	rm -rf "$TRIXIE$I/etc/contrib"
	write_d13_icinga() {
		ln -sf ../features-available/checker.conf "$TRIXIE$I/etc/features-enabled/"
		cat >"$TRIXIE$I/etc/zones.conf" <<-EOF
			object Endpoint "$DIRECTOR_NODE" { host = "127.0.0.1"; port = $port }
			object Zone "master" { endpoints = [ "$DIRECTOR_NODE" ] }
			object Zone "director-global" { global = true }
		EOF
		cat >"$TRIXIE$I/etc/tests.d/api.conf" <<-EOF
			object ApiUser "director" {
			  password = "$apipw"
			  permissions = [ "*" ]
			}
		EOF
		printf '%s\n' 'include "constants.conf"' 'include "zones.conf"' 'include <itl>' 'include <plugins>' \
			'include <plugins-contrib>' 'include "features-enabled/*.conf"' 'include "tests.d/*.conf"' >"$TRIXIE$I/etc/icinga2.conf"
		d13_x chown -R nagios:nagios "$I"
	}
	write_d13_icinga
	timeout 300 "${TRIXIE_X[@]}" "${DAEMON_ENV[@]}" icinga2 api setup --cn "$DIRECTOR_NODE" "${idefs[@]}" >"$D/log/api-setup.log" 2>&1 ||
		{ cat "$D/log/api-setup.log"; bad "debian13: icinga2 api setup"; return; }
	icinga_instance "$TRIXIE$I" "$DIRECTOR_NODE" master /usr/lib/nagios/plugins "$port" false
	rm -rf "$TRIXIE$I/etc/contrib" "$TRIXIE$I/etc/conf.d/api-users.conf"
	write_d13_icinga
	if timeout 120 "${TRIXIE_X[@]}" "${DAEMON_ENV[@]}" icinga2 daemon -C -c "$I/etc/icinga2.conf" "${idefs[@]}" -x warning >"$D/log/validate.log" 2>&1; then
		ok "debian13: icinga2 daemon -C with include <plugins-contrib> (the package's CheckCommand, no copy)"
	else
		cat "$D/log/validate.log"
		bad "debian13: icinga2 daemon -C"
		return
	fi
	ienv=$(unit_env "$TRIXIE" "$TRIXIE/lib/systemd/system/icinga2.service") || { bad "debian13: icinga2.service's environment"; return; }
	mapfile -t ienv <<<"$ienv"
	# Debian's /usr/sbin/icinga2 is a sh script (it adds PWD=/)
	local extra=()
	[ "$(head -c 2 "$TRIXIE/usr/sbin/icinga2")" = '#!' ] && extra=(PWD=/)
	cache_clean "$TRIXIE" nagios
	log "starting icinga2 in the Debian 13 root (API 127.0.0.1:$port) with icinga2.service's environment"
	start_bg d13-icinga2 "$D/log/daemon.out" "${TRIXIE_X[@]}" env -i -C / "${ienv[@]}" icinga2 daemon -c "$I/etc/icinga2.conf" "${idefs[@]}" -x warning
	ipid=$BG_PID
	local curlopts=(-sS -m 10 --cacert "$TRIXIE$I/data/certs/ca.crt" --resolve "$DIRECTOR_NODE:$port:127.0.0.1"
		-u "director:$apipw" -H 'Accept: application/json')
	local base="https://$DIRECTOR_NODE:$port/v1"
	d13_api_up() { kill -0 "$ipid" 2>/dev/null || return 2; curl "${curlopts[@]}" -o /dev/null -f "$base/status/IcingaApplication" 2>/dev/null; }
	wait_for 90 "Icinga 2 API (Debian 13)" d13_api_up || { tail -n 20 "$D/log/daemon.out" "$TRIXIE$I/log/icinga2.log"; bad "debian13: Icinga 2 API up"; return; }
	ok "debian13: Icinga 2 $D13_ICINGA runs, its API answers"
	env_check "icinga2 (Debian 13)" "$ipid" "${ienv[@]}" "${extra[@]}"

	# --- Icinga Web 2 + the Director, for icingacli only
	mkdir -p "$TRIXIE$W2/modules/director" "$TRIXIE$W2/enabledModules"
	cat >"$TRIXIE$W2/config.ini" <<-EOF
		[global]
		module_path = "/usr/share/icingaweb2/modules"
		[logging]
		log = "none"
	EOF
	cat >"$TRIXIE$W2/resources.ini" <<-EOF
		[director_db]
		type = "db"
		db = "pgsql"
		host = "$W/pg/pgsock"
		port = "$pgport"
		dbname = "director"
		username = "director"
		password = ""
		charset = "utf8"
	EOF
	printf '[db]\nresource = "director_db"\n' >"$TRIXIE$W2/modules/director/config.ini"
	cat >"$TRIXIE$W2/modules/director/kickstart.ini" <<-EOF
		[config]
		endpoint = "$DIRECTOR_NODE"
		host = "127.0.0.1"
		port = "$port"
		username = "director"
		password = "$apipw"
	EOF
	chmod 700 "$TRIXIE$W2"
	local cli=(timeout 300 "${TRIXIE_X[@]}" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 ICINGAWEB_CONFIGDIR="$W2" icingacli)
	local m
	for m in incubator director; do
		"${cli[@]}" module enable "$m" >>"$D/log/icingacli.log" 2>&1 || { cat "$D/log/icingacli.log"; bad "debian13: icingacli module enable $m"; return; }
	done
	D13_DIRECTOR=$("${cli[@]}" module list installed 2>/dev/null | awk '$1 == "director" { print $2 }')
	log "Debian 13: Icinga Web 2 $(dpkg-query --admindir="$TRIXIE/var/lib/dpkg" -W -f='${Version}' icingaweb2), Director module $D13_DIRECTOR ($(dpkg-query --admindir="$TRIXIE/var/lib/dpkg" -W -f='icingaweb2-module-director ${Version}' icingaweb2-module-director))"
	if ! "${cli[@]}" director migration run >>"$D/log/icingacli.log" 2>&1; then
		tail -n 20 "$D/log/icingacli.log"
		bad "debian13: icingacli director migration run"
		return
	fi
	check "debian13: Director $D13_DIRECTOR: migration run (schema in PostgreSQL, none pending)" \
		bash -c '! "$@" director migration pending >/dev/null 2>&1' _ "${cli[@]}"
	if ! "${cli[@]}" director kickstart run >>"$D/log/icingacli.log" 2>&1; then
		tail -n 20 "$D/log/icingacli.log"
		bad "debian13: icingacli director kickstart run"
		return
	fi
	ok "debian13: Director $D13_DIRECTOR: kickstart run against Icinga 2 $D13_ICINGA"
	"${cli[@]}" director command show creatio_oauth --json >"$D/command.json" 2>>"$D/log/icingacli.log" || true
	check "debian13: creatio_oauth (from the package's plugins-contrib.d) imported by kickstart as an external command with its arguments" \
		jq -e '.object_type == "external_object" and (.arguments | has("--url") and has("--mode") and has("--password-file") and has("--client-secret-file"))' "$D/command.json"
	if "${cli[@]}" director basket restore <"$CONTRIB/icinga2/director-basket.json" >>"$D/log/icingacli.log" 2>&1; then
		ok "debian13: icingacli director basket restore < contrib/icinga2/director-basket.json"
	else
		tail -n 20 "$D/log/icingacli.log"
		bad "debian13: basket restore"
		return
	fi
	local nfields nlinked
	nfields=$(jq '.Datafield | length' "$CONTRIB/icinga2/director-basket.json")
	nlinked=$("${psql[@]}" -U director -At -c "select count(*) from icinga_service_field f join icinga_service s on s.id = f.service_id where s.object_name = 'creatio-oauth' and s.object_type = 'template'" director)
	check "debian13: service template creatio-oauth has the basket's $nfields data fields (linked: $nlinked)" test "$nlinked" = "$nfields"

	# --- a host and services from the template; secrets in files (root:nagios 0640).
	# cache-forms and cache-oauth are checked every second, for cache_window.
	printf '%s\n' "$SIM_PASSWORD" >"$D/secrets/creatio-password"
	printf '%s\n' "$SIM_SECRET" >"$D/secrets/creatio-client-secret"
	d13_x chown -R root:nagios "$W/secrets"
	chmod 750 "$D/secrets"
	chmod 640 "$D/secrets"/*
	local pwf=$W/secrets/creatio-password csf=$W/secrets/creatio-client-secret
	svc_create() { # NAME VARS_JSON [INTERVAL]
		"${cli[@]}" director service create "$1" --json "$(jq -cn --argjson v "$2" --arg i "${3:-}" '{object_type: "object", host: "creatio-sim", imports: ["creatio-oauth"], vars: $v}
			+ (if $i == "" then {} else {check_interval: $i, retry_interval: $i} end)')" >>"$D/log/icingacli.log" 2>&1
	}
	"${cli[@]}" director host create creatio-sim --json '{"object_type":"object","address":"127.0.0.1","check_command":"dummy"}' >>"$D/log/icingacli.log" 2>&1 &&
		svc_create creatio-ok "$(jq -cn --arg u "$CREATIO/ok" '{creatio_oauth_url: $u}')" &&
		svc_create creatio-identity-unavailable "$(jq -cn --arg u "$CREATIO/identity-unavailable" '{creatio_oauth_url: $u}')" &&
		svc_create creatio-forms "$(jq -cn --arg u "$CREATIO/forms" --arg f "$pwf" '{creatio_oauth_url: $u, creatio_oauth_user: "Supervisor", creatio_oauth_password_file: $f}')" &&
		svc_create creatio-direct "$(jq -cn --arg u "$IDP/ok" --arg f "$csf" '{creatio_oauth_mode: "direct", creatio_oauth_identity_url: $u, creatio_oauth_client_id: "monitoring", creatio_oauth_client_secret_file: $f}')" &&
		svc_create cache-forms "$(jq -cn --arg u "$CREATIO/forms-net" --arg f "$pwf" '{creatio_oauth_url: $u, creatio_oauth_user: "Supervisor", creatio_oauth_password_file: $f}')" 1 &&
		svc_create cache-oauth "$(jq -cn --arg u "$CREATIO/bearer" --arg i "$IDP/basic-listed" --arg f "$csf" '{creatio_oauth_url: $u, creatio_oauth_identity_url: $i, creatio_oauth_client_id: "monitoring", creatio_oauth_client_secret_file: $f}')" 1 ||
		{ tail -n 20 "$D/log/icingacli.log"; bad "debian13: director host/service create"; return; }
	ok "debian13: host creatio-sim and 6 services from the template creatio-oauth"
	sim_stats "$D/stats-before.json" || { bad "simulator stats"; return; }
	if "${cli[@]}" director config deploy >"$D/log/deploy.log" 2>&1; then
		ok "debian13: icingacli director config deploy ($(tr -s '\n' ' ' <"$D/log/deploy.log" | cut -c1-100))"
	else
		cat "$D/log/deploy.log"
		bad "debian13: director config deploy"
		return
	fi
	local qs="$base/objects/services?filter=host.name==%22creatio-sim%22&attrs=last_check_result&attrs=display_name&attrs=package&attrs=templates"
	d13_checked() {
		kill -0 "$ipid" 2>/dev/null || return 2
		curl "${curlopts[@]}" "$qs" -o "$D/services.json" 2>/dev/null || return 1
		jq -e '(.results | length) == 6 and all(.results[]; .attrs.last_check_result != null)' "$D/services.json" >/dev/null 2>&1
	}
	d13_deployed() { d13_checked || jq -e '(.results | length) == 6' "$D/services.json" >/dev/null 2>&1; }
	if ! wait_for 120 "the deployed services in Icinga 2 (Debian 13)" d13_deployed; then
		cat "$D/services.json" 2>/dev/null
		tail -n 30 "$TRIXIE$I/log/icinga2.log"
		bad "debian13: the deployed services are in Icinga 2"
		return
	fi
	curl "${curlopts[@]}" -X POST "$base/actions/reschedule-check" \
		-d '{"type":"Service","filter":"host.name==\"creatio-sim\"","force":true}' -o "$D/log/reschedule.json" || true
	wait_for 90 "6 check results (Debian 13)" d13_checked || { cat "$D/services.json"; bad "debian13: the deployed services ran"; return; }
	echo "  stored by Icinga 2 $D13_ICINGA (services deployed by the Director $D13_DIRECTOR):"
	jq -r '.results[] | .attrs.display_name as $n | .attrs.last_check_result |
		"    \($n): state=\(.state) output=\(.output | split("\n")[0] | .[0:140] | @json)"' "$D/services.json"
	svc() { jq -c --arg n "$1" '.results[] | select(.attrs.display_name == $n) | .attrs' "$D/services.json"; }
	check "debian13 creatio-ok: deployed by the Director (package director, template creatio-oauth), run by the package's plugin, state OK" \
		jq -e '.package == "director" and (.templates | index("creatio-oauth") != null) and .last_check_result.state == 0 and .last_check_result.command[0] == "/usr/lib/nagios/plugins/check_creatio_oauth"' <<<"$(svc creatio-ok)"
	check "debian13 creatio-identity-unavailable: state CRITICAL (2)" jq -e '.last_check_result.state == 2' <<<"$(svc creatio-identity-unavailable)"
	check "debian13 creatio-forms: state OK (0), password from --password-file, not on the command line" \
		jq -e --arg p "$SIM_PASSWORD" '.last_check_result.state == 0 and (.last_check_result.command | index("--user=Supervisor") != null) and (.last_check_result.command | map(contains($p)) | any | not)' <<<"$(svc creatio-forms)"
	check "debian13 creatio-direct: state OK (0), client secret from --client-secret-file, no --url" \
		jq -e '.last_check_result.state == 0 and ([.last_check_result.command[] | select(startswith("--url"))] | length == 0)' <<<"$(svc creatio-direct)"
	cache_window "Debian 13 Icinga 2 ${D13_ICINGA#r} (Director $D13_DIRECTOR)" "$D/stats-before.json" forms:forms-net oauth:bearer:basic-listed

	stop_group "$ipid" d13-icinga2 5
	cache_clean "$TRIXIE" nagios
	stop_group "$pgpid" d13-postgres
}

# -------------------------------------------- Zabbix agent 2 + Zabbix 7.0 server ---

d13_zabbix() {
	local Z=$TRIXIE_WORK/debian13/zabbix H pgport webport zport aport pgpid phppid zpid apid
	H=$TRIXIE$Z
	mkdir -p "$H"/{log,agent,web}
	d13_x chown zabbix:zabbix "$Z/log"
	pgport=$(free_port)
	webport=$(free_port)
	zport=$(free_port)
	aport=$(free_port)
	# the Zabbix database: the cached load of the package's schema files (zdb_restore), or loaded
	local restored=0 ZR=$TRIXIE ZX=("${TRIXIE_X[@]}")
	mkdir -p "$H/pg"
	zdb_restore "$TRIXIE" "$(d13_pgbin)" "$H/pg/pgdata" && restored=1
	d13_pg "$Z/pg" "$pgport" || { bad "debian13 zabbix: PostgreSQL"; return; }
	pgpid=$D13_PGPID
	local psql=(timeout 300 "${TRIXIE_X[@]}" psql -X -q -v ON_ERROR_STOP=1 -h "$Z/pg/pgsock" -p "$pgport")
	if [ $restored = 0 ]; then
		"${psql[@]}" -U postgres -c 'create user zabbix' -c 'create database zabbix owner zabbix' postgres >/dev/null
		log "loading the Zabbix 7.0 schema"
		zcat "$TRIXIE"/usr/share/zabbix-server-pgsql/{schema,images,data}.sql.gz | "${psql[@]}" -U zabbix zabbix >"$H/log/schema.log" 2>&1 ||
			{ tail "$H/log/schema.log"; bad "debian13: Zabbix schema import"; return; }
		"${psql[@]}" -U zabbix -c 'analyze' zabbix >>"$H/log/schema.log" 2>&1 || true
		stop_group "$pgpid" d13-postgres
		zdb_save "$TRIXIE" "$(d13_pgbin)" "$H/pg/pgdata"
		d13_pg "$Z/pg" "$pgport" || { bad "debian13 zabbix: PostgreSQL (restarted)"; return; }
		pgpid=$D13_PGPID
	fi

	# --- the frontend's JSON-RPC API under php -S, its config in $Z
	cp -a "$TRIXIE/usr/share/zabbix/." "$H/web/"
	sed -i "s#'/etc/zabbix/zabbix.conf.php'#'$Z/zabbix.conf.php'#" "$H/web/include/classes/core/CConfigFile.php"
	grep -qF "'$Z/zabbix.conf.php'" "$H/web/include/classes/core/CConfigFile.php" || { bad "debian13: zabbix frontend config path not found"; return; }
	cat >"$H/zabbix.conf.php" <<-EOF
		<?php
		\$DB['TYPE'] = 'POSTGRESQL';
		\$DB['SERVER'] = '$Z/pg/pgsock';
		\$DB['PORT'] = '$pgport';
		\$DB['DATABASE'] = 'zabbix';
		\$DB['USER'] = 'zabbix';
		\$DB['PASSWORD'] = '';
		\$DB['SCHEMA'] = '';
		\$DB['ENCRYPTION'] = false;
		\$DB['KEY_FILE'] = '';
		\$DB['CERT_FILE'] = '';
		\$DB['CA_FILE'] = '';
		\$DB['VERIFY_HOST'] = false;
		\$DB['CIPHER_LIST'] = '';
		\$DB['VAULT_URL'] = '';
		\$DB['VAULT_DB_PATH'] = '';
		\$DB['VAULT_TOKEN'] = '';
		\$DB['DOUBLE_IEEE754'] = true;
		\$ZBX_SERVER = '127.0.0.1';
		\$ZBX_SERVER_PORT = '$zport';
		\$ZBX_SERVER_NAME = 'creatio-d13';
		\$IMAGE_FORMAT_DEFAULT = IMAGE_FORMAT_PNG;
	EOF
	start_bg d13-php "$H/log/php.log" "${TRIXIE_X[@]}" "${DAEMON_ENV[@]}" PHP_CLI_SERVER_WORKERS=2 php -S "127.0.0.1:$webport" -t "$Z/web"
	phppid=$BG_PID
	local url="http://127.0.0.1:$webport/api_jsonrpc.php" token=""
	d13_zapi() { # METHOD PARAMS_JSON -> .result
		local resp hdr=()
		[ -n "$token" ] && hdr=(-H "Authorization: Bearer $token")
		resp=$(jq -cn --arg m "$1" --argjson p "$2" '{jsonrpc: "2.0", method: $m, params: $p, id: 1}' |
			curl -sS -m 60 -H 'Content-Type: application/json-rpc' "${hdr[@]}" --data-binary @- "$url") || return 1
		if jq -e 'has("error")' <<<"$resp" >/dev/null 2>&1; then echo "zabbix api $1: $(jq -c .error <<<"$resp")" >&2; return 1; fi
		jq -c '.result' <<<"$resp"
	}
	d13_zapi_up() { kill -0 "$phppid" 2>/dev/null || return 2; d13_zapi apiinfo.version '{}' >/dev/null 2>&1; }
	wait_for 60 "Zabbix API (Debian 13)" d13_zapi_up || { cat "$H/log/php.log"; bad "debian13: Zabbix API up"; return; }
	token=$(d13_zapi user.login '{"username":"Admin","password":"zabbix"}' | jq -r .) || { bad "debian13: Zabbix API login"; return; }

	# --- the agent's host and its items: the UserParameter creatio.oauth[...] (text, the plugin's JSON)
	d13_zapi host.update '{"hostid":"10084","status":1}' >/dev/null 2>&1 || true
	local gid hid ifid
	gid=$(d13_zapi hostgroup.get '{"filter":{"name":["Linux servers"]},"output":["groupid"]}' | jq -r '.[0].groupid')
	hid=$(d13_zapi host.create "$(jq -cn --arg g "$gid" --arg p "$aport" '{host: "creatio-agent", groups: [{groupid: $g}],
		interfaces: [{type: 1, main: 1, useip: 1, ip: "127.0.0.1", dns: "", port: $p}]}')" | jq -r '.hostids[0]') ||
		{ bad "debian13: host.create creatio-agent"; return; }
	ifid=$(d13_zapi hostinterface.get "{\"hostids\":[\"$hid\"],\"output\":[\"interfaceid\"]}" | jq -r '.[0].interfaceid')
	local items=(
		"ok|5s|--url=$CREATIO/ok|--timeout=8|"
		"identity-unavailable|5s|--url=$CREATIO/identity-unavailable|--timeout=8|"
		"forms|5s|--url=$CREATIO/forms|--timeout=8|--user=Supervisor"
		"direct|5s|--url=$CREATIO/ok|--timeout=8|--mode=direct --identity-url=$IDP/ok --client-id=monitoring"
		"cache-forms|1s|--url=$CREATIO/forms-net|--timeout=8|--user=Supervisor"
		"cache-oauth|1s|--url=$CREATIO/bearer|--timeout=8|--identity-url=$IDP/basic-listed --client-id=monitoring"
	)
	local it name delay p1 p2 p3
	for it in "${items[@]}"; do
		IFS='|' read -r name delay p1 p2 p3 <<<"$it"
		d13_zapi item.create "$(jq -cn --arg h "$hid" --arg i "$ifid" --arg n "$name" --arg d "$delay" \
			--arg k "creatio.oauth[\"$p1\",\"$p2\",\"$p3\"]" '{hostid: $h, interfaceid: $i, name: $n, key_: $k, type: 0, value_type: 4, delay: $d, timeout: "10s"}')" >/dev/null ||
			{ bad "debian13: item.create $name"; return; }
	done
	ok "debian13: host creatio-agent with 6 Zabbix agent items creatio.oauth[...] (passive, timeout 10s)"

	# --- the agent: the installed plugin through the shipped wrapper (from the package's
	# doc dir), its secrets in the wrapper's env file (root:zabbix 0640)
	install -m 755 "$TRIXIE/usr/share/doc/check-creatio-oauth/examples/zabbix/check_creatio_oauth_zabbix.sh" "$H/agent/"
	printf "CREATIO_PASSWORD='%s'\nCREATIO_CLIENT_SECRET='%s'\n" "$SIM_PASSWORD" "$SIM_SECRET" >"$H/agent/check_creatio_oauth.env"
	d13_x chown root:zabbix "$Z/agent/check_creatio_oauth.env"
	chmod 640 "$H/agent/check_creatio_oauth.env"
	cat >"$H/zabbix_agent2.conf" <<-EOF
		Server=127.0.0.1
		ListenIP=127.0.0.1
		ListenPort=$aport
		Hostname=creatio-agent
		LogType=file
		LogFile=$Z/log/zabbix_agent2.log
		LogFileSize=0
		PidFile=$Z/log/zabbix_agent2.pid
		ControlSocket=$Z/log/agent.sock
		Timeout=10
		UserParameter=creatio.oauth[*],CREATIO_ENV_FILE=$Z/agent/check_creatio_oauth.env $Z/agent/check_creatio_oauth_zabbix.sh "\$1" "\$2" "\$3"
	EOF
	cat >"$H/zabbix_server.conf" <<-EOF
		LogType=file
		LogFile=$Z/log/zabbix_server.log
		LogFileSize=0
		PidFile=$Z/log/zabbix_server.pid
		SocketDir=$Z/log
		DBHost=$Z/pg/pgsock
		DBPort=$pgport
		DBName=zabbix
		DBUser=zabbix
		ListenIP=127.0.0.1
		ListenPort=$zport
		Timeout=10
		CacheUpdateFrequency=5
		HousekeepingFrequency=0
		StartPollers=1
		StartPollersUnreachable=1
		StartPreprocessors=1
		StartTrappers=1
		StartPingers=0
		StartDiscoverers=0
		StartHTTPPollers=0
		StartTimers=1
		StartEscalators=1
		StartAlerters=1
		StartDBSyncers=1
		StartLLDProcessors=1
		StartHistoryPollers=1
		StartReportWriters=0
		StartODBCPollers=0
		AllowUnsupportedDBVersions=1
	EOF
	local zsenv aenv
	zsenv=$(unit_env "$TRIXIE" "$TRIXIE/lib/systemd/system/zabbix-server.service") || { bad "debian13: zabbix-server.service's environment"; return; }
	mapfile -t zsenv <<<"$zsenv"
	aenv=$(unit_env "$TRIXIE" "$TRIXIE/lib/systemd/system/zabbix-agent2.service") || { bad "debian13: zabbix-agent2.service's environment"; return; }
	mapfile -t aenv <<<"$aenv"
	cache_clean "$TRIXIE" zabbix
	sim_stats "$H/stats-before.json" || { bad "simulator stats"; return; }
	# zabbix-agent2.service has User=zabbix: systemd starts it as zabbix (setpriv here)
	log "starting zabbix_agent2 (127.0.0.1:$aport, as zabbix) and zabbix_server (port $zport) in the Debian 13 root"
	start_bg d13-zabbix-agent2 "$H/log/agent2.out" "${TRIXIE_X[@]}" env -i -C / "${aenv[@]}" \
		setpriv --reuid=zabbix --regid=zabbix --init-groups -- zabbix_agent2 -f -c "$Z/zabbix_agent2.conf"
	apid=$BG_PID
	start_bg d13-zabbix-server "$H/log/server.out" "${TRIXIE_X[@]}" env -i -C / "${zsenv[@]}" zabbix_server -f -c "$Z/zabbix_server.conf"
	zpid=$BG_PID
	env_check "zabbix_agent2 (Debian 13)" "$apid" "${aenv[@]}"
	d13_agent_execd() { [ "$(cat "/proc/$apid/comm" 2>/dev/null)" = zabbix_agent2 ]; }
	wait_for 20 "zabbix_agent2 to be started" d13_agent_execd || true
	# (by uid: the root's passwd, not this machine's, names it)
	check "debian13: zabbix_agent2 runs as the user zabbix (uid $(d13_uid zabbix) in the root)" test "$(stat -c %u "/proc/$apid")" = "$(d13_uid zabbix)"

	local items_q
	items_q=$(jq -cn --arg h "$hid" '{output: ["name", "key_", "lastvalue", "lastclock", "state", "error"], hostids: [$h], sortfield: "name"}')
	d13_values() {
		kill -0 "$zpid" 2>/dev/null && kill -0 "$apid" 2>/dev/null || return 2
		d13_zapi item.get "$items_q" >"$H/items.json" 2>/dev/null || return 1
		jq -e '[.[] | select(.lastclock != "0")] | length == 6' "$H/items.json" >/dev/null
	}
	if ! wait_for 150 "the values of the 6 agent items" d13_values; then
		tail -n 20 "$H/log/zabbix_server.log" "$H/log/zabbix_agent2.log" 2>/dev/null
		jq . "$H/items.json" 2>/dev/null | head -60
		bad "debian13: Zabbix 7.0 collected the 6 items of the agent 2"
		return
	fi
	ok "debian13: Zabbix $D13_ZABBIX server collected the 6 UserParameter items of zabbix_agent2 $D13_AGENT"
	echo "  stored by Zabbix $D13_ZABBIX (item.get lastvalue, from the agent 2):"
	jq -r '.[] | "    \(.name): \(.lastvalue | .[0:160])\(if .state == "1" then "  NOT SUPPORTED: " + .error else "" end)"' "$H/items.json"
	v() { jq -r --arg n "$1" '.[] | select(.name == $n) | .lastvalue' "$H/items.json"; }
	check "debian13 agent ok: the plugin's JSON, state 0" jq -e '.state == 0 and .mode == "endpoint"' <<<"$(v ok)"
	check "debian13 agent identity-unavailable: state 2, IsIdentityServiceAvailable false" jq -e '.state == 2 and .IsIdentityServiceAvailable == false' <<<"$(v identity-unavailable)"
	check "debian13 agent forms: state 0 (password from the wrapper's env file)" jq -e '.state == 0' <<<"$(v forms)"
	check "debian13 agent direct: state 0 (client secret from the wrapper's env file)" jq -e '.state == 0 and .mode == "direct"' <<<"$(v direct)"
	local zuid
	zuid=$(d13_uid zabbix)
	check "debian13 agent cache-forms: the cache in /var/tmp/check_creatio_oauth-$zuid (HOME=/nonexistent)" \
		jq -e --arg d "/var/tmp/check_creatio_oauth-$zuid" '.state == 0 and .cache.used == true and .cache.dir == $d' <<<"$(v cache-forms)"
	check "debian13: no item is unsupported" jq -e 'all(.state == "0")' "$H/items.json"
	cache_window "Debian 13 Zabbix agent 2 $D13_AGENT" "$H/stats-before.json" forms:forms-net oauth:bearer:basic-listed

	stop_group "$zpid" d13-zabbix-server 30
	stop_group "$apid" d13-zabbix-agent2 10
	cache_clean "$TRIXIE" zabbix
	stop_group "$phppid" d13-php
	stop_group "$pgpid" d13-postgres
}

run_debian13() {
	trixie_up || return
	D13_ICINGA=$(d13_x icinga2 --version 2>/dev/null | sed -n 's/.*(version: \(.*\))/\1/p' | head -1)
	D13_AGENT=$(d13_x zabbix_agent2 -V 2>/dev/null | sed -n 's/.*(Zabbix) \([0-9.]*\).*/\1/p' | head -1)
	D13_ZABBIX=$(d13_x zabbix_server -V 2>/dev/null | sed -n 's/.*(Zabbix) \([0-9.]*\).*/\1/p' | head -1)
	log "=== Debian 13 ($(cat "$TRIXIE/etc/debian_version")): $(d13_x icinga2 --version 2>/dev/null | head -1)"
	log "    $(d13_x zabbix_agent2 -V 2>/dev/null | head -1); $(d13_x zabbix_server -V 2>/dev/null | head -1)"
	mkdir -p "$TRIXIE$TRIXIE_WORK/debian13"
	chmod 755 "$TRIXIE$TRIXIE_WORK/debian13"
	d13_deb || return
	check "debian13: Icinga 2 is 2.14 (got $D13_ICINGA)" grep -qE '^r?2\.14\.' <<<"$D13_ICINGA"
	check "debian13: Zabbix agent 2 is 7.0 (got $D13_AGENT)" test "${D13_AGENT%.*}" = 7.0
	d13_director
	d13_zabbix
	D13_LINE="Icinga 2 $D13_ICINGA, Director ${D13_DIRECTOR:-?}, Zabbix agent 2 $D13_AGENT, Zabbix server $D13_ZABBIX, check-creatio-oauth ${D13_VERSION:-?}"
	log "Debian 13 ran: $D13_LINE"
}

#!/bin/bash
# check_creatio_oauth_zabbix.sh - Zabbix external-check wrapper for check_creatio_oauth.
#
# Zabbix runs external checks as the zabbix user with no per-item environment,
# so secrets cannot be passed like in Icinga. This wrapper
#   1. sources an env file (default /etc/zabbix/check_creatio_oauth.env,
#      owner root:zabbix, mode 0640) that sets CREATIO_PASSWORD,
#      CREATIO_CLIENT_SECRET and/or CREATIO_TOKEN (and optionally CREATIO_PLUGIN),
#   2. splits every item-key parameter on whitespace (so one user macro can
#      carry several options; empty parameters vanish; no quoting, no globbing),
#   3. execs the plugin with --output=json (one JSON line, nothing on stderr).
#
# Install into the ExternalScripts directory: Debian's packages /etc/zabbix/externalscripts,
# Zabbix's own packages (repo.zabbix.com) /usr/lib/zabbix/externalscripts.
# The check-creatio-oauth package ships this file, not activated, in
# /usr/share/doc/check-creatio-oauth/examples/zabbix/.
# Item key: check_creatio_oauth_zabbix.sh["--url={$CREATIO.URL}","--timeout={$CREATIO.TIMEOUT}","{$CREATIO.OPTIONS}"]

ENV_FILE=${CREATIO_ENV_FILE:-/etc/zabbix/check_creatio_oauth.env}
# where the packages install the plugin: Debian/Ubuntu, else RHEL and its rebuilds
if [ -z "${CREATIO_PLUGIN:-}" ]; then
	CREATIO_PLUGIN=/usr/lib/nagios/plugins/check_creatio_oauth
	if [ ! -x "$CREATIO_PLUGIN" ] && [ -x /usr/lib64/nagios/plugins/check_creatio_oauth ]; then
		CREATIO_PLUGIN=/usr/lib64/nagios/plugins/check_creatio_oauth
	fi
fi

if [ -f "$ENV_FILE" ]; then
	if [ ! -r "$ENV_FILE" ]; then
		printf '{"state":3,"state_text":"UNKNOWN","summary":"wrapper: env file %s is not readable by %s"}\n' "$ENV_FILE" "$(id -un)"
		exit 3
	fi
	set -a
	# shellcheck source=/dev/null
	. "$ENV_FILE"
	set +a
fi

if [ ! -x "$CREATIO_PLUGIN" ]; then
	printf '{"state":3,"state_text":"UNKNOWN","summary":"wrapper: plugin %s not found or not executable"}\n' "$CREATIO_PLUGIN"
	exit 3
fi

set -f
args=()
for param in "$@"; do
	for word in $param; do
		args+=("$word")
	done
done

# the credential cache: CREATIO_CACHE_DIR from the env file, as the zabbix
# user's HOME may be unset or not writable for external checks
if [ -n "${CREATIO_CACHE_DIR:-}" ]; then
	args+=("--cache-dir=$CREATIO_CACHE_DIR")
fi

exec "$CREATIO_PLUGIN" "${args[@]}" --output=json

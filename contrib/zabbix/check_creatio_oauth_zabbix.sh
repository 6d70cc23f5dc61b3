#!/bin/bash
# check_creatio_oauth_zabbix.sh - Zabbix external-check wrapper for check_creatio_oauth.
#
# Zabbix runs external checks as the zabbix user with no per-item environment,
# so secrets cannot be passed like in Icinga. The wrapper has two uses:
#
#   check_creatio_oauth_zabbix.sh --discover URL SITES OPTIONS
#       the template's discovery rule: prints the sites as low-level discovery
#       JSON, [{"{#SITE}":...,"{#URL}":...,"{#MODE}":...}]: the host's own URL
#       ({$CREATIO.URL}; the site is named after its host name) and every
#       NAME=URL of SITES ({$CREATIO.SITES}); {#MODE} is the --mode of OPTIONS
#       ({$CREATIO.OPTIONS}), endpoint unless it names another.
#
#   check_creatio_oauth_zabbix.sh [--site=NAME] PARAM...
#       one check: it
#       1. sources the env file /etc/zabbix/check_creatio_oauth.env (root:zabbix,
#          0640; CREATIO_PASSWORD, CREATIO_CLIENT_SECRET, CREATIO_TOKEN, optionally
#          CREATIO_PLUGIN and CREATIO_CACHE_DIR), then with --site=NAME the site's
#          own /etc/zabbix/check_creatio_oauth.d/NAME.env, whose values win,
#       2. splits every other parameter on whitespace (one user macro can carry
#          several options; empty parameters vanish; no quoting, no globbing),
#       3. runs the plugin with --output=json (one JSON line) and prints its
#          answer, with the advice worded for Zabbix: {$CREATIO.TIMEOUT} instead
#          of -t, the env files for CREATIO_PASSWORD and the like, the macros
#          for --url and for the options to add.
#
# Install into the ExternalScripts directory: Debian's packages /etc/zabbix/externalscripts,
# Zabbix's own packages (repo.zabbix.com) /usr/lib/zabbix/externalscripts.
# The check-creatio-oauth package ships this file, not activated, in
# /usr/share/doc/check-creatio-oauth/examples/zabbix/.

ENV_FILE=${CREATIO_ENV_FILE:-/etc/zabbix/check_creatio_oauth.env}
ENV_DIR=${CREATIO_ENV_DIR:-/etc/zabbix/check_creatio_oauth.d}
SITE_NAME='^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$'

# fail TEXT: a one-line UNKNOWN in the plugin's JSON (TEXT has no " or \)
fail() {
	printf '{"state":3,"state_text":"UNKNOWN","summary":"wrapper: %s","mode":"endpoint","metrics":{},"checks":[]}\n' "$1"
	exit 3
}

# discover URL SITES OPTIONS: the sites as LLD JSON, or a line that says
# what is wrong (the discovery rule turns unsupported and shows it)
discover() {
	local url=$1 sites=$2 options=$3 mode=endpoint word next=0 name u out="" seen=" "
	set -f
	for word in $options; do
		if [ $next = 1 ]; then mode=$word next=0; continue; fi
		case $word in
		--mode) next=1 ;;
		--mode=*) mode=${word#--mode=} ;;
		esac
	done
	case $mode in endpoint | direct | both) ;; *) echo "wrapper: --mode $mode in {\$CREATIO.OPTIONS} is not endpoint, direct or both"; exit 1 ;; esac
	entries=()
	if [ -n "$url" ]; then
		name=${url#*://}
		name=${name%%[/:?#]*}
		entries+=("$name=$url")
	fi
	for word in $sites; do entries+=("$word"); done
	for word in "${entries[@]}"; do
		name=${word%%=*} u=${word#*=}
		if [ "$name" = "$word" ] || ! [[ $name =~ $SITE_NAME ]]; then
			echo "wrapper: site '$word' is not NAME=URL with a NAME of letters, digits, '.', '_' or '-'"
			exit 1
		fi
		if ! [[ $u =~ ^https?://[^[:space:]\"\\]+$ ]]; then
			echo "wrapper: site $name: '$u' is not an http:// or https:// URL"
			exit 1
		fi
		case $seen in *" $name "*) echo "wrapper: site $name is listed twice"; exit 1 ;; esac
		seen+="$name "
		out+="${out:+,}{\"{#SITE}\":\"$name\",\"{#URL}\":\"$u\",\"{#MODE}\":\"$mode\"}"
	done
	echo "[$out]"
}

if [ "${1:-}" = --discover ]; then
	discover "${2:-}" "${3:-}" "${4:-}"
	exit 0
fi

site=""
case ${1:-} in
--site=*)
	site=${1#--site=}
	shift
	[[ $site =~ $SITE_NAME ]] || fail "site name '$site' is not letters, digits, '.', '_' or '-'"
	;;
esac

# where the packages install the plugin: Debian/Ubuntu, else RHEL and its rebuilds
if [ -z "${CREATIO_PLUGIN:-}" ]; then
	CREATIO_PLUGIN=/usr/lib/nagios/plugins/check_creatio_oauth
	if [ ! -x "$CREATIO_PLUGIN" ] && [ -x /usr/lib64/nagios/plugins/check_creatio_oauth ]; then
		CREATIO_PLUGIN=/usr/lib64/nagios/plugins/check_creatio_oauth
	fi
fi

# source FILE: the secrets of an env file, exported for the plugin
source_env() {
	[ -f "$1" ] || return 0
	[ -r "$1" ] || fail "env file $1 is not readable by $(id -un); make it root:zabbix, mode 0640"
	set -a
	# shellcheck source=/dev/null
	. "$1"
	set +a
}
source_env "$ENV_FILE"
[ -n "$site" ] && source_env "$ENV_DIR/$site.env"

[ -x "$CREATIO_PLUGIN" ] || fail "plugin $CREATIO_PLUGIN not found or not executable; set CREATIO_PLUGIN in $ENV_FILE"

set -f
args=()
for param in "$@"; do
	for word in $param; do
		args+=("$word")
	done
done

# the credential cache: only when the env file names a directory; else the
# plugin's own default for the zabbix user
if [ -n "${CREATIO_CACHE_DIR:-}" ]; then
	args+=("--cache-dir=$CREATIO_CACHE_DIR")
fi

out=$("$CREATIO_PLUGIN" "${args[@]}" --output=json)
rc=$?
# the advice in Zabbix's words: where the timeout and the secrets are set here
envfile="the wrapper's env file ($ENV_FILE${site:+ or $ENV_DIR/$site.env})"
out=${out//raise -t/raise \{\$CREATIO.TIMEOUT\} (below the Zabbix timeout for external checks)}
out=${out//CREATIO_PASSWORD or --password-file/CREATIO_PASSWORD in $envfile or --password-file in \{\$CREATIO.OPTIONS\}}
out=${out//CREATIO_CLIENT_SECRET or --client-secret-file/CREATIO_CLIENT_SECRET in $envfile or --client-secret-file in \{\$CREATIO.OPTIONS\}}
out=${out//CREATIO_TOKEN or --token-file/CREATIO_TOKEN in $envfile or --token-file in \{\$CREATIO.OPTIONS\}}
out=${out//use --user, or --client-id with --identity-url/put --user, or --client-id with --identity-url, into \{\$CREATIO.OPTIONS\}}
out=${out//--url/the URL in \{\$CREATIO.URL\} or \{\$CREATIO.SITES\}}
printf '%s\n' "$out"
exit $rc

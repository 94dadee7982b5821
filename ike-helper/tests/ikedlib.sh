# SPDX-License-Identifier: GPL-2.0
# Helpers of the vgate-iked host tests (sourced): TAP counting, waiting for
# a report or log line, configuration files.  POSIX sh.

n=0
failed=0
ok() {	# ok COND-STATUS NAME: COND-STATUS is 0 for pass
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n $2"
	else
		echo "not ok $n $2"
		failed=$((failed + 1))
		# what the daemons said, as TAP comments
		for f in ${DIAG_FILES:-}; do
			[ -f "$f" ] && tail -n 8 "$f" | sed "s|^|# $(basename "$f"): |"
		done
	fi
}
check() {	# check NAME COMMAND...: pass when COMMAND succeeds
	name=$1
	shift
	if "$@" >/dev/null 2>&1; then ok 0 "$name"; else ok 1 "$name"; fi
}
done_tap() {
	echo "1..$n"
	[ "$failed" -eq 0 ] || echo "# $failed of $n failed"
	[ "$failed" -eq 0 ]
}

# wait_for FILE REGEX [TENTHS]: until a line of FILE matches (default
# 10 s: this 2-core machine may be running two TCG VMs besides)
wait_for() {
	i=0
	while [ "$i" -lt "${3:-100}" ]; do
		grep -Eq -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# field FILE REGEX KEY: KEY=value of the first line matching REGEX
field() {
	grep -E -- "$2" "$1" | head -n 1 | tr ' ' '\n' | sed -n "s/^$3=//p"
}

# mkpsk FILE SECRET [MODE]
mkpsk() {
	printf '%s\n' "$2" >"$1"
	chmod "${3:-600}" "$1"
}

# mkconf FILE PEER LOCAL REMOTE LOCAL_ID REMOTE_ID PSKFILE IKE ESP LTS RTS ROLE
mkconf() {
	cat >"$1" <<EOC
# written by $(basename "$0")
peer $2
	local $3
	remote $4
	local_id $5
	remote_id $6
	psk_file $7
	ike $8
	esp $9
	local_ts ${10}
	remote_ts ${11}
	role ${12}
EOC
}

# The daemons of a two-daemon test (iked_loop.sh, iked_rekey.sh): $T the
# test's directory, $IKED the binary; pid_NAME and $pids are set.
# start NAME CONF LISTEN [OPTIONS...]: the daemon in the background
start() {
	nm=$1 conf=$2 addr=$3
	shift 3
	# the redirection below happens in the child, later: the last
	# case's files must not answer the waits of this one
	rm -f "$T/$nm.out" "$T/$nm.err"
	"$IKED" -c "$conf" --kernel=null --listen "$addr" --natt-port 0 "$@" \
		>"$T/$nm.out" 2>"$T/$nm.err" &
	eval "pid_$nm=$!"
	pids="$pids $!"
	wait_for "$T/$nm.out" '^READY' 100
}
# stop NAME: SIGTERM, wait for its exit
stop() {
	eval "p=\$pid_$1"
	kill -TERM "$p" 2>/dev/null
	wait "$p" 2>/dev/null
}

stop_both() {
	stop a
	stop b
}
# start_both [OPTION...]: B on b.conf (127.0.0.2), then A on a.conf
# (127.0.0.1) with the options
start_both() {
	start b "$T/b.conf" 127.0.0.2
	start a "$T/a.conf" 127.0.0.1 "$@"
}

# own_netns NAME SCRIPT [ARG...]: the two-daemon tests run in a network
# namespace of their own (unshare -n: it dies with the test): the first
# call runs SCRIPT again inside one (or prints the TAP SKIP line without
# root or unshare); inside it, $T is a fresh directory, $pids the
# daemons, killed at exit (with $T, unless IKED_KEEP is set), lo is up.
own_netns() {
	nm=$1
	shift
	if [ -z "${IKED_IN_NETNS:-}" ]; then
		if [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null ||
		   ! unshare -n true 2>/dev/null; then
			echo "1..0 # SKIP $nm: needs root and unshare -n"
			exit 0
		fi
		exec unshare -n env IKED_IN_NETNS=1 sh "$@"
	fi
	T=$(mktemp -d "/tmp/$nm.XXXXXX")
	pids=""
	trap own_netns_cleanup EXIT INT TERM
	DIAG_FILES="$T/a.out $T/a.err $T/b.out $T/b.err"
	ip link set lo up
}
own_netns_cleanup() {
	for p in $pids; do kill -KILL "$p" 2>/dev/null; done
	if [ -n "${IKED_KEEP:-}" ]; then echo "# kept $T"; else rm -rf "$T"; fi
}

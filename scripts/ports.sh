# shellcheck shell=bash
# Helpers sourced by the server scripts (scripts/chdb,
# scripts/clickhouse-cluster): free loopback ports and HTTP pings, without
# ss, netstat or curl.

# port_free PORT: true when nothing listens on PORT (read from /proc).
port_free() {
	local hex
	hex=$(printf '%04X' "$1")
	! awk 'NR > 1 { print $2 ":" $4 }' /proc/net/tcp /proc/net/tcp6 2>/dev/null | grep -q ":$hex:0A\$"
}

# free_port picks a port below the kernel's ephemeral range, so that no
# outgoing connection or "listen on :0" of a test running beside us can take
# it between this check and the server's bind; never one of "$@".
free_port() {
	local p i lo=32768
	read -r lo _ </proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || true
	[ "$lo" -gt 12000 ] || lo=32768
	for i in $(seq 1 200); do
		p=$((10000 + RANDOM % (lo - 10000)))
		if port_free "$p" && [[ " $* " != *" $p "* ]]; then
			echo "$p"
			return 0
		fi
	done
	echo "no free port found" >&2
	return 1
}

# ping_http PORT [PATH]: true when GET PATH (default /ping) on 127.0.0.1:PORT
# answers with "Ok." in the response.
ping_http() {
	local out
	out=$(timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1 && printf 'GET ${2:-/ping} HTTP/1.0\r\n\r\n' >&3 && cat <&3" 2>/dev/null) || return 1
	[[ $out == *"Ok."* ]]
}

# stop_pid PID: SIGTERM, then SIGKILL after 20 s; waits until it is gone.
stop_pid() {
	local pid=$1 deadline=$((SECONDS + 20))
	kill -TERM "$pid" 2>/dev/null || return 0
	while kill -0 "$pid" 2>/dev/null; do
		if [ $SECONDS -ge $deadline ]; then
			kill -KILL "$pid" 2>/dev/null || true
		fi
		sleep 0.1
	done
}

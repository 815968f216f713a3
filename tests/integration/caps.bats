#!/usr/bin/env bats
# process.capabilities, user, noNewPrivileges, as the container sees them
# in /proc/self/status.

load helpers

setup() { setup_bundle; }
teardown() { teardown_bundle; }

# capability numbers (linux/capability.h)
CHOWN=0 DAC_OVERRIDE=1 KILL=5 SETUID=7 NET_BIND_SERVICE=10 NET_RAW=13
SYS_ADMIN=21 AUDIT_WRITE=29

mask() {
	local m=0 c
	for c in "$@"; do m=$((m | (1 << c))); done
	printf '%016x' "$m"
}

# status_of KEY: the hex value of KEY in the container's /proc/self/status
# ($output of a `grep Cap... /proc/self/status` run)
status_of() {
	printf '%s\n' "$output" | sed -n "s/^$1:[[:space:]]*//p"
}

run_status() {
	set_args grep -E '^(Cap|NoNewPrivs|Uid|Gid|Groups)' /proc/self/status
	run hutch run -b "$BUNDLE" "$ID"
	assert_status 0
}

@test "caps: the default config gives exactly its three capabilities, nothing inheritable" {
	run_status
	want=$(mask $AUDIT_WRITE $KILL $NET_BIND_SERVICE)
	[ "$(status_of CapBnd)" = "$want" ] || fail "CapBnd: $output"
	[ "$(status_of CapEff)" = "$want" ] || fail "CapEff: $output"
	[ "$(status_of CapPrm)" = "$want" ] || fail "CapPrm: $output"
	[ "$(status_of CapInh)" = 0000000000000000 ] || fail "CapInh: $output"
	[ "$(status_of CapAmb)" = 0000000000000000 ] || fail "CapAmb: $output"
	# `hutch spec`, like `runc spec`, asks for noNewPrivileges
	[ "$(status_of NoNewPrivs)" = 1 ] || fail "NoNewPrivs: $output"
}

@test "caps: a root process gets the bounding set it is given" {
	update_config '.process.capabilities = {
		bounding: ["CAP_CHOWN", "CAP_SETUID", "CAP_SYS_ADMIN"],
		effective: ["CAP_CHOWN", "CAP_SETUID", "CAP_SYS_ADMIN"],
		permitted: ["CAP_CHOWN", "CAP_SETUID", "CAP_SYS_ADMIN"]}'
	run_status
	want=$(mask $CHOWN $SETUID $SYS_ADMIN)
	[ "$(status_of CapBnd)" = "$want" ] || fail "$output"
	[ "$(status_of CapEff)" = "$want" ] || fail "$output"
	[ "$(status_of CapInh)" = 0000000000000000 ] || fail "$output"
}

@test "caps: a non-root user keeps its ambient capabilities across exec" {
	update_config '.process.user = {uid: 1000, gid: 1000,
			additionalGids: [29, 5]}
		| .process.capabilities = {
		bounding: ["CAP_NET_BIND_SERVICE", "CAP_NET_RAW", "CAP_KILL"],
		effective: ["CAP_NET_BIND_SERVICE", "CAP_NET_RAW"],
		permitted: ["CAP_NET_BIND_SERVICE", "CAP_NET_RAW"],
		inheritable: ["CAP_NET_BIND_SERVICE", "CAP_NET_RAW"],
		ambient: ["CAP_NET_BIND_SERVICE", "CAP_NET_RAW"]}'
	run_status
	want=$(mask $NET_BIND_SERVICE $NET_RAW)
	[ "$(status_of CapAmb)" = "$want" ] || fail "CapAmb: $output"
	[ "$(status_of CapEff)" = "$want" ] || fail "CapEff: $output"
	[ "$(status_of CapPrm)" = "$want" ] || fail "CapPrm: $output"
	[ "$(status_of CapInh)" = "$want" ] || fail "CapInh: $output"
	[ "$(status_of CapBnd)" = "$(mask $NET_BIND_SERVICE $NET_RAW $KILL)" ] ||
		fail "CapBnd: $output"
	[ "$(status_of Uid)" = "$(printf '1000\t1000\t1000\t1000')" ] ||
		fail "Uid: $output"
	[ "$(status_of Groups)" = "5 29" ] || [ "$(status_of Groups)" = "5 29 " ] ||
		[ "$(status_of Groups)" = "29 5" ] || fail "Groups: $output"
}

@test "caps: a non-root user without ambient capabilities has none after exec" {
	update_config '.process.user = {uid: 1000, gid: 1000}
		| .process.capabilities = {
		bounding: ["CAP_NET_BIND_SERVICE", "CAP_KILL"],
		effective: ["CAP_NET_BIND_SERVICE"],
		permitted: ["CAP_NET_BIND_SERVICE"]}'
	run_status
	[ "$(status_of CapEff)" = 0000000000000000 ] || fail "$output"
	[ "$(status_of CapPrm)" = 0000000000000000 ] || fail "$output"
	[ "$(status_of CapBnd)" = "$(mask $NET_BIND_SERVICE $KILL)" ] ||
		fail "$output"
}

@test "caps: the capabilities are real (bind port 80 as uid 1000 only with ambient CAP_NET_BIND_SERVICE)" {
	update_config '.process.user = {uid: 1000, gid: 1000}
		| .process.capabilities = {
		bounding: ["CAP_NET_BIND_SERVICE"],
		effective: ["CAP_NET_BIND_SERVICE"],
		permitted: ["CAP_NET_BIND_SERVICE"],
		inheritable: ["CAP_NET_BIND_SERVICE"],
		ambient: ["CAP_NET_BIND_SERVICE"]}'
	set_args sh -c 'nc -l -p 80 & sleep 0.3; kill $! && wait $!; echo rc=$?'
	run hutch run -b "$BUNDLE" "$ID"
	assert_status 0
	# killed by us (rc=143) means it was listening; a failed bind exits 1
	assert_output_contains "rc=143"
	update_config 'del(.process.capabilities.ambient)'
	run hutch run -b "$BUNDLE" "$ID"
	assert_status 0
	assert_output_contains "rc=1"
}

@test "caps: noNewPrivileges is set only when asked" {
	update_config '.process.noNewPrivileges = false'
	run_status
	[ "$(status_of NoNewPrivs)" = 0 ] || fail "$output"
	update_config '.process.noNewPrivileges = true'
	run_status
	[ "$(status_of NoNewPrivs)" = 1 ] || fail "$output"
}

@test "caps: umask and user come from process.user" {
	update_config '.process.user = {uid: 1000, gid: 1001, umask: 23}'
	set_args sh -c 'umask; id -u; id -g'
	run hutch run -b "$BUNDLE" "$ID"
	assert_status 0
	[ "$output" = "$(printf '0027\n1000\n1001')" ] || fail "got: $output"
}

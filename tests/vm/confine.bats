#!/usr/bin/env bats
# Inside the sandbox the workload is confined as in container mode: the
# guest init applies the spec's capabilities, noNewPrivileges and seccomp
# filter (compiled on the host, guest/confine.c loads the BPF).  The same
# checks as tests/integration/caps.bats and seccomp.bats, in the guest.

load vm_helpers

setup() {
	require_kvm
	setup_bundle
	update_config '.annotations["org.hutch.sandbox"] = "vm"'
}

teardown() {
	[ -n "${RUN_PID:-}" ] && kill -9 "$RUN_PID" 2>/dev/null
	teardown_bundle
}

AUDIT_WRITE=29 KILL=5 NET_BIND_SERVICE=10 CHOWN=0 SETUID=7 SYS_ADMIN=21

mask() {
	local m=0 c
	for c in "$@"; do m=$((m | (1 << c))); done
	printf '%016x' "$m"
}

status_of() {
	printf '%s\n' "$output" | sed -n "s/^$1:[[:space:]]*//p" | tr -d '\r'
}

run_status() {
	set_args grep -E '^(Cap|NoNewPrivs|Seccomp:|Uid)' /proc/self/status
	run vm_run
	echo "$output"
	assert_status 0
}

deny_mkdir() { # ACTION [ERRNO]
	local e=""
	[ -n "${2:-}" ] && e=", errnoRet: $2"
	update_config ".linux.seccomp = {defaultAction: \"SCMP_ACT_ALLOW\",
		syscalls: [{names: [\"mkdir\", \"mkdirat\"], action: \"$1\"$e}]}"
}

@test "confine: the default config gives exactly its three capabilities in the guest, nothing inheritable" {
	run_status
	want=$(mask $AUDIT_WRITE $KILL $NET_BIND_SERVICE)
	[ "$(status_of CapBnd)" = "$want" ] || fail "CapBnd"
	[ "$(status_of CapEff)" = "$want" ] || fail "CapEff"
	[ "$(status_of CapPrm)" = "$want" ] || fail "CapPrm"
	[ "$(status_of CapInh)" = 0000000000000000 ] || fail "CapInh"
	[ "$(status_of CapAmb)" = 0000000000000000 ] || fail "CapAmb"
	[ "$(status_of NoNewPrivs)" = 1 ] || fail "NoNewPrivs"
}

@test "confine: a dropped capability is really missing in the guest (chown without CAP_CHOWN)" {
	set_args sh -c 'touch /dev/f; chown 1 /dev/f; echo chown=$?'
	run vm_run
	echo "$output"
	assert_status 0
	assert_output_contains "chown=1"
	update_config '.process.capabilities = {
		bounding: ["CAP_CHOWN", "CAP_SETUID", "CAP_SYS_ADMIN"],
		effective: ["CAP_CHOWN", "CAP_SETUID", "CAP_SYS_ADMIN"],
		permitted: ["CAP_CHOWN", "CAP_SETUID", "CAP_SYS_ADMIN"]}'
	run vm_run
	echo "$output"
	assert_status 0
	assert_output_contains "chown=0"
	run_status
	[ "$(status_of CapBnd)" = "$(mask $CHOWN $SETUID $SYS_ADMIN)" ] || fail "CapBnd"
}

@test "confine: noNewPrivileges is set in the guest only when asked" {
	update_config '.process.noNewPrivileges = false'
	run_status
	[ "$(status_of NoNewPrivs)" = 0 ] || fail "NoNewPrivs"
}

@test "confine: denying mkdir with EPERM fails mkdir in the guest, other syscalls work" {
	deny_mkdir SCMP_ACT_ERRNO
	# /dev is the guest's own devtmpfs: the call never reaches the host
	set_args sh -c 'mkdir /dev/d; echo mkdir=$?; touch /dev/f && ls /dev/f && echo fine; grep ^Seccomp: /proc/self/status'
	run vm_run
	echo "$output"
	assert_status 0
	assert_output_contains "Operation not permitted"
	assert_output_contains "mkdir=1"
	assert_output_contains "fine"
	[ "$(status_of Seccomp)" = 2 ] || fail "Seccomp"
}

@test "confine: errnoRet picks the errno in the guest; kill actions give SIGSYS" {
	deny_mkdir SCMP_ACT_ERRNO 28
	set_args mkdir /dev/d
	run vm_run
	echo "$output"
	assert_status 1
	assert_output_contains "No space left on device"
	deny_mkdir SCMP_ACT_KILL_PROCESS
	run vm_run
	[ "$status" -eq $((128 + 31)) ] || fail "status $status: $output"
}

@test "confine: the filter without noNewPrivileges is loaded before the user switch" {
	deny_mkdir SCMP_ACT_ERRNO
	update_config '.process.noNewPrivileges = false
		| .process.user = {uid: 1000, gid: 1000}'
	set_args sh -c 'mkdir /tmp/d; echo mkdir=$?; id -u; grep ^NoNewPrivs: /proc/self/status'
	run vm_run
	echo "$output"
	assert_status 0
	assert_output_contains "Operation not permitted"
	assert_output_contains "1000"
	[ "$(status_of NoNewPrivs)" = 0 ] || fail "NoNewPrivs"
}

@test "confine: SCMP_ACT_NOTIFY is refused with a clear error, nothing left behind" {
	deny_mkdir SCMP_ACT_NOTIFY
	update_config ".linux.seccomp.listenerPath = \"$TMP/listener.sock\""
	set_args true
	run vm_run
	[ "$status" -ne 0 ] || fail "accepted"
	assert_output_contains "SCMP_ACT_NOTIFY"
	[ ! -d "$ROOT/$ID" ] || fail "state left behind"
}

@test "confine: the VMM runs under its own seccomp filter, not the spec's" {
	update_config 'del(.linux.seccomp)'
	set_args sh -c 'mkdir /tmp/vmm-made && echo made; echo started; exec sleep 1000'
	vm_run_bg
	vmm=$(hutch state "$ID" | jq -r .pid)
	st=$(grep -E '^Seccomp(_filters)?:' "/proc/$vmm/status")
	vm_kill_bg
	echo "$st"
	printf '%s\n' "$st" | grep -q '^Seccomp:[[:space:]]*2' || fail "VMM $vmm: $st"
	printf '%s\n' "$st" | grep -q '^Seccomp_filters:[[:space:]]*1' || fail "VMM $vmm: $st"
	# the 9p server still creates what the guest asks for
	grep -q made "$TMP/out" || fail "$(cat "$TMP/out")"
	[ -d "$BUNDLE/rootfs/tmp/vmm-made" ] || fail "not on the host"
}

@test "confine: the process has its own mount, uts and ipc namespaces in the guest" {
	# without a pid namespace, /proc/1 is the guest init
	update_config 'del(.linux.namespaces[] | select(.type == "pid"))'
	set_args sh -c 'for n in mnt uts ipc; do [ "$(readlink /proc/self/ns/$n)" != "$(readlink /proc/1/ns/$n)" ] && echo own-$n; done'
	run vm_run
	echo "$output"
	assert_status 0
	assert_output_contains own-mnt
	assert_output_contains own-uts
	assert_output_contains own-ipc
}

@test "confine: with a pid namespace the process is pid 1 in the guest, and exec joins it" {
	set_args sh -c 'echo "pid=$$ procs=$(ls -d /proc/[0-9]* | wc -l)"; echo started; exec sleep 1000'
	vm_run_bg
	cat "$TMP/out"
	# its own, its command substitution's, ls and wc: not the guest's kernel threads
	grep -q '^pid=1 procs=[1-4]$' "$TMP/out"
	run hutch exec "$ID" sh -c 'echo "me=$$ one=$(tr "\0" " " < /proc/1/cmdline)"'
	echo "$output"
	assert_status 0
	assert_output_contains "one=sleep 1000"
	[[ "$output" != *"me=1 "* ]]
	vm_kill_bg
}

#!/usr/bin/env bats
# linux.seccomp: actions, errno values, argument filters, flags, the
# listener (SCMP_ACT_NOTIFY), the BPF cache and the contrib default profile.

load helpers

setup() { setup_bundle; }
teardown() {
	[ -n "${LISTENER_PID:-}" ] && kill "$LISTENER_PID" 2>/dev/null
	teardown_bundle
}

# set_script 'SHELL CODE': args = sh -c CODE (set_args splits on newlines)
set_script() {
	update_config --arg c "$1" '.process.args = ["sh", "-c", $c]'
}

# seccomp_profile JSON: set linux.seccomp
seccomp_profile() {
	update_config ".linux.seccomp = $1"
}

deny_mkdir() { # ACTION [ERRNO]
	local e=""
	[ -n "${2:-}" ] && e=", errnoRet: $2"
	seccomp_profile "{defaultAction: \"SCMP_ACT_ALLOW\",
		syscalls: [{names: [\"mkdir\", \"mkdirat\"], action: \"$1\"$e}]}"
}

@test "seccomp: denying mkdir with EPERM fails mkdir, other syscalls work" {
	deny_mkdir SCMP_ACT_ERRNO
	set_args sh -c 'mkdir /tmp/d; echo mkdir=$?; touch /tmp/f && ls /tmp/f && echo fine'
	run hutch run -b "$BUNDLE" "$ID"
	assert_status 0
	assert_output_contains "Operation not permitted"
	assert_output_contains "mkdir=1"
	assert_output_contains "/tmp/f"
	assert_output_contains "fine"
	[ ! -e "$BUNDLE/rootfs/tmp/d" ]
}

@test "seccomp: the same with noNewPrivileges false (filter loaded before the user switch)" {
	deny_mkdir SCMP_ACT_ERRNO
	update_config '.process.noNewPrivileges = false
		| .process.user = {uid: 1000, gid: 1000}'
	set_args sh -c 'mkdir /tmp/d; echo mkdir=$?; id -u'
	run hutch run -b "$BUNDLE" "$ID"
	assert_status 0
	assert_output_contains "Operation not permitted"
	assert_output_contains "1000"
}

@test "seccomp: errnoRet picks the errno" {
	deny_mkdir SCMP_ACT_ERRNO 28
	set_args mkdir /tmp/d
	run hutch run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_output_contains "No space left on device"
}

@test "seccomp: defaultErrnoRet applies to everything not listed (contrib default profile)" {
	seccomp_profile "$(jq '.defaultErrnoRet = 38' "$HUTCH_TREE/contrib/seccomp/default.json")"
	set_args sh -c 'unshare -U true; echo unshare=$?; mkdir /tmp/ok && echo mkdir-ok'
	run hutch run -b "$BUNDLE" "$ID"
	assert_status 0
	assert_output_contains "Function not implemented"
	assert_output_contains "unshare=1"
	assert_output_contains "mkdir-ok"
}

@test "seccomp: the contrib default profile runs a shell and refuses namespaces and mounts" {
	seccomp_profile "$(cat "$HUTCH_TREE/contrib/seccomp/default.json")"
	set_script 'ps >/dev/null && ls / >/dev/null && echo shell-ok;
		unshare -n true; echo unshare=$?; mount -t tmpfs none /mnt; echo mount=$?;
		sleep 0.1 & wait && echo fork-ok'
	run hutch run -b "$BUNDLE" "$ID"
	assert_status 0
	assert_output_contains "shell-ok"
	assert_output_contains "unshare=1"
	assert_output_contains "mount=1"
	assert_output_contains "fork-ok"
}

@test "seccomp: kill actions kill the process with SIGSYS" {
	for act in SCMP_ACT_KILL SCMP_ACT_KILL_PROCESS SCMP_ACT_KILL_THREAD SCMP_ACT_TRAP; do
		deny_mkdir $act
		set_args mkdir /tmp/d
		run hutch run -b "$BUNDLE" "$ID"
		[ "$status" -eq $((128 + 31)) ] || fail "$act: status $status: $output"
		[ ! -e "$BUNDLE/rootfs/tmp/d" ]
	done
}

@test "seccomp: LOG and ALLOW rules let the call through" {
	deny_mkdir SCMP_ACT_LOG
	set_args sh -c 'mkdir /tmp/d && echo made'
	run hutch run -b "$BUNDLE" "$ID"
	assert_status 0
	assert_output_contains made
}

@test "seccomp: argument filters match only the given arguments" {
	# kill(pid > 1, SIGUSR1): both args must match (AND) -> EPERM
	# kill(any, sig & 0xf0 == 0x10), e.g. SIGCONT (18) -> EACCES
	seccomp_profile '{defaultAction: "SCMP_ACT_ALLOW", syscalls: [
		{names: ["kill"], action: "SCMP_ACT_ERRNO", errnoRet: 1, args: [
			{index: 0, value: 1, op: "SCMP_CMP_GT"},
			{index: 1, value: 10, op: "SCMP_CMP_EQ"}]},
		{names: ["kill"], action: "SCMP_ACT_ERRNO", errnoRet: 13, args: [
			{index: 1, value: 240, valueTwo: 16, op: "SCMP_CMP_MASKED_EQ"}]}]}'
	set_script 'trap "echo got-usr1" USR1; sleep 30 & p=$!
		kill -USR1 $p; echo usr1-child=$?
		kill -USR1 1; echo usr1-self=$?
		kill -CONT $p; echo cont=$?
		kill -0 $p; echo zero=$?
		kill -TERM $p; echo term=$?'
	run hutch run -b "$BUNDLE" "$ID"
	assert_status 0
	assert_output_contains "usr1-child=1"
	assert_output_contains "Operation not permitted"
	assert_output_contains "got-usr1"
	assert_output_contains "usr1-self=0"
	assert_output_contains "cont=1"
	assert_output_contains "Permission denied"
	assert_output_contains "zero=0"
	assert_output_contains "term=0"
}

@test "seccomp: unknown syscall names are skipped, the rest of the rule applies" {
	seccomp_profile '{defaultAction: "SCMP_ACT_ALLOW", syscalls: [
		{names: ["hutch_no_such_syscall", "mkdir", "mkdirat"],
		 action: "SCMP_ACT_ERRNO"}]}'
	set_args mkdir /tmp/d
	run "$HUTCH_BIN" --root "$ROOT" --debug --log "$TMP/log" run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_output_contains "Operation not permitted"
	grep -q 'unknown syscall `hutch_no_such_syscall` ignored' "$TMP/log" ||
		fail "no debug line: $(cat "$TMP/log")"
}

@test "seccomp: flags and architectures are accepted by the kernel" {
	seccomp_profile '{defaultAction: "SCMP_ACT_ALLOW",
		architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
		flags: ["SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
			"SECCOMP_FILTER_FLAG_SPEC_ALLOW"],
		syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO"}]}'
	set_args sh -c 'mkdir /tmp/d; grep Seccomp: /proc/self/status'
	run hutch run -b "$BUNDLE" "$ID"
	assert_status 0
	assert_output_contains "Operation not permitted"
	assert_output_contains "Seccomp:	2"
}

@test "seccomp: the second container with a profile loads it from the cache" {
	deny_mkdir SCMP_ACT_ERRNO 75
	set_args true
	"$HUTCH_BIN" --root "$ROOT" --debug --log "$TMP/log1" run -b "$BUNDLE" "$ID"
	"$HUTCH_BIN" --root "$ROOT" --debug --log "$TMP/log2" run -b "$BUNDLE" "$ID-2"
	miss=$(sed -n 's/.*seccomp: cache miss \([0-9a-f]\{64\}\).*/\1/p' "$TMP/log1")
	hit=$(sed -n 's/.*seccomp: cache hit \([0-9a-f]\{64\}\).*/\1/p' "$TMP/log2")
	[ -n "$miss" ] || fail "first run: $(cat "$TMP/log1")"
	[ "$hit" = "$miss" ] || fail "second run: $(cat "$TMP/log2")"
	# and the cached program is the one that runs
	set_args mkdir /tmp/d
	run "$HUTCH_BIN" --root "$ROOT" --debug --log "$TMP/log3" run -b "$BUNDLE" "$ID-3"
	assert_status 1
	assert_output_contains "Value too large"
	grep -q "seccomp: cache hit $miss" "$TMP/log3"
	# the cache is private: root's, 0700
	[ "$(stat -c %a:%u "$ROOT/.seccomp:cache")" = 700:0 ]
}

start_listener() { # MODE
	"$TEST_HELPERS/seccomp-listener" "$TMP/agent.sock" "$TMP/state.json" "$1" \
		> "$TMP/listener.out" 2>&1 &
	LISTENER_PID=$!
	wait_for test -S "$TMP/agent.sock"
	seccomp_profile "{defaultAction: \"SCMP_ACT_ALLOW\",
		listenerPath: \"$TMP/agent.sock\", listenerMetadata: \"hutch-test\",
		syscalls: [{names: [\"mkdir\", \"mkdirat\"], action: \"SCMP_ACT_NOTIFY\"}]}"
}

@test "seccomp: SCMP_ACT_NOTIFY hands the fd and the state to listenerPath; the agent fakes mkdir" {
	start_listener ok
	set_args sh -c 'mkdir /tmp/d; echo mkdir=$?; [ -d /tmp/d ] && echo exists || echo absent'
	run hutch run -b "$BUNDLE" "$ID"
	assert_status 0
	assert_output_contains "mkdir=0"
	assert_output_contains "absent"
	wait "$LISTENER_PID"
	LISTENER_PID=
	grep -q "answered [1-9]" "$TMP/listener.out" || fail "$(cat "$TMP/listener.out")"
	[ "$(jq -r '.fds[0]' "$TMP/state.json")" = seccompFd ]
	[ "$(jq -r .metadata "$TMP/state.json")" = hutch-test ]
	[ "$(jq -r .state.id "$TMP/state.json")" = "$ID" ]
	[ "$(jq -r .pid "$TMP/state.json")" -gt 0 ]
	[ "$(jq -r .state.pid "$TMP/state.json")" = "$(jq -r .pid "$TMP/state.json")" ]
}

@test "seccomp: SCMP_ACT_NOTIFY with noNewPrivileges false, TSYNC and WAIT_KILLABLE_RECV; the agent picks the errno" {
	start_listener 95
	update_config '.process.noNewPrivileges = false
		| .linux.seccomp.flags = ["SECCOMP_FILTER_FLAG_TSYNC",
			"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"]'
	set_args sh -c 'mkdir /tmp/d; echo mkdir=$?'
	run hutch run -b "$BUNDLE" "$ID"
	assert_status 0
	assert_output_contains "mkdir=1"
	assert_output_contains "Operation not supported"
}

@test "seccomp: a listenerPath nobody listens on fails the container cleanly" {
	seccomp_profile "{defaultAction: \"SCMP_ACT_ALLOW\",
		listenerPath: \"$TMP/nobody.sock\",
		syscalls: [{names: [\"mkdir\"], action: \"SCMP_ACT_NOTIFY\"}]}"
	run hutch run -b "$BUNDLE" "$ID"
	[ "$status" -ne 0 ]
	assert_output_contains "listenerPath"
	[ ! -d "$ROOT/$ID" ] || fail "state dir left behind"
}

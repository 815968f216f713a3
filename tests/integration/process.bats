#!/usr/bin/env bats
# process.*: env, cwd, user, umask, rlimits, oomScoreAdj, noNewPrivileges,
# sysctl, preserved fds.

load helpers

setup() { setup_bundle; }
teardown() { teardown_bundle; }

@test "env reaches the process" {
	update_config '.process.env = ["PATH=/bin:/usr/bin", "GREETING=hello world", "EMPTY="]'
	set_args env
	run hutch run -b "$BUNDLE" "$ID"
	assert_status 0
	assert_output_contains "GREETING=hello world"
	assert_output_contains "EMPTY="
	! echo "$output" | grep -q '^HOME=/root$' || true
}

@test "cwd is used, and created when missing" {
	update_config '.process.cwd = "/work/dir"'
	set_args pwd
	run hutch run -b "$BUNDLE" "$ID"
	assert_status 0
	[ "$output" = /work/dir ]
}

@test "user uid, gid and additional gids" {
	update_config '.process.user = {uid: 1000, gid: 1001, additionalGids: [29, 1002]}'
	set_args sh -c 'id -u; id -g; id -G'
	run hutch run -b "$BUNDLE" "$ID"
	assert_status 0
	[ "${lines[0]}" = 1000 ]
	[ "${lines[1]}" = 1001 ]
	for g in 29 1002; do
		echo "${lines[2]}" | tr ' ' '\n' | grep -qx $g || fail "gid $g missing: ${lines[2]}"
	done
}

@test "umask" {
	update_config '.process.user.umask = 23'
	set_args sh -c 'umask'
	run hutch run -b "$BUNDLE" "$ID"
	assert_status 0
	[ "$output" = 0027 ]
}

@test "rlimits are visible in /proc/self/limits" {
	update_config '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 512, hard: 1000},
		{type: "RLIMIT_CORE", soft: 0, hard: 0}]'
	set_args cat /proc/self/limits
	run hutch run -b "$BUNDLE" "$ID"
	assert_status 0
	echo "$output" | grep -E '^Max open files +512 +1000 ' || fail "$output"
	echo "$output" | grep -E '^Max core file size +0 +0 ' || fail "$output"
}

@test "raising a hard rlimit without CAP_SYS_RESOURCE is a clear error" {
	if grep -q '^CapEff:.*' /proc/self/status &&
		capsh --has-p=cap_sys_resource 2>/dev/null; then
		skip "this machine has CAP_SYS_RESOURCE"
	fi
	hard=$(ulimit -Hn)
	[ "$hard" != unlimited ] || skip "hard nofile is unlimited here"
	update_config ".process.rlimits = [{type: \"RLIMIT_NOFILE\", soft: 64, hard: $((hard + 1))}]"
	run hutch run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_output_contains "RLIMIT_NOFILE"
	[ ! -d "$ROOT/$ID" ]
}

@test "oomScoreAdj" {
	update_config '.process.oomScoreAdj = 500'
	set_args cat /proc/self/oom_score_adj
	run hutch run -b "$BUNDLE" "$ID"
	assert_status 0
	[ "$output" = 500 ]
}

@test "noNewPrivileges" {
	update_config '.process.noNewPrivileges = true'
	set_args grep NoNewPrivs /proc/self/status
	run hutch run -b "$BUNDLE" "$ID"
	assert_status 0
	assert_output_contains "NoNewPrivs:	1"
	update_config '.process.noNewPrivileges = false'
	run hutch run -b "$BUNDLE" "$ID"
	assert_output_contains "NoNewPrivs:	0"
}

@test "sysctl inside the container's namespaces" {
	update_config '.linux.sysctl = {"net.ipv4.ip_forward": "1", "kernel.shmmax": "123456789"}'
	set_args sh -c 'cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shmmax'
	run hutch run -b "$BUNDLE" "$ID"
	assert_status 0
	[ "${lines[0]}" = 1 ]
	[ "${lines[1]}" = 123456789 ]
	[ "$(cat /proc/sys/kernel/shmmax)" != 123456789 ]
}

@test "a sysctl outside the container's namespaces is refused" {
	update_config '.linux.sysctl = {"vm.swappiness": "10"}'
	run hutch run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_output_contains "vm.swappiness"
	[ ! -d "$ROOT/$ID" ]
}

@test "--preserve-fds passes fds 3.. to the process" {
	echo "passed through" > "$TMP/fd3"
	set_args cat /proc/self/fd/3
	run hutch run --preserve-fds 1 -b "$BUNDLE" "$ID" 3<"$TMP/fd3"
	assert_status 0
	[ "$output" = "passed through" ]
}

@test "LISTEN_FDS: socket-activation fds and env pass through" {
	echo "activated" > "$TMP/fd3"
	set_args sh -c 'echo $LISTEN_FDS $LISTEN_PID; cat /proc/self/fd/3'
	LISTEN_FDS=1 run hutch run -b "$BUNDLE" "$ID" 3<"$TMP/fd3"
	assert_status 0
	[ "${lines[0]}" = "1 1" ]
	[ "${lines[1]}" = activated ]
}

@test "no other fd of the runtime reaches the process" {
	# `:` keeps sh from exec'ing ls, whose own dir fd would show
	set_args sh -c 'ls /proc/$$/fd; :'
	run hutch run -b "$BUNDLE" "$ID" 5</dev/null 7>/dev/null
	assert_status 0
	[ "$(echo $output)" = "0 1 2" ] || fail "fds: $output"
}

#!/usr/bin/env bats
# containerd 1.6 (a daemon of this file, its root, state and socket under
# $CTRD_DIR) runs this tree's hutch through its runc shim
# (io.containerd.runc.v2): `ctr run --runc-binary hutch`, the same
# options.BinaryName a CRI runtime entry (contrib/containerd/config.toml)
# sets.  The shim calls hutch with --root $CTRD_DIR/hutch-state/default
# --log FILE --log-format json.

load containerd
bats_require_minimum_version 1.5.0

setup_file() {
	ctrd_setup_file
}

teardown_file() {
	ctrd_teardown_file
}

setup() {
	ctrd_setup
}

teardown() {
	ctrd_teardown
}

TERMABLE='trap "echo got TERM > /tmp/term; exit 0" TERM; while :; do sleep 0.1; done'

@test "containerd: run --rm prints and returns the exit code, in our cgroup" {
	run ctr_run "$ID" --rm -- sh -c 'echo hello from $(hostname); grep memory /proc/self/cgroup; exit 3'
	assert_status 3
	assert_output_contains "hello from"
	assert_output_contains ":memory:$CGROUP_PATH/$ID"
	[ -z "$(ctrc container ls -q)" ]
}

@test "containerd: a failed create shows hutch's JSON log message and leaves nothing" {
	run ctr_run "$ID" --rm -- /nonexistent
	[ "$status" -ne 0 ]
	# the shim read it from hutch's --log-format json log
	assert_output_contains 'OCI runtime create failed'
	assert_output_contains '`/nonexistent`: No such file or directory'
	[ -z "$(ctrc container ls -q)" ]
	[ ! -d "/sys/fs/cgroup/memory$CGROUP_PATH/$ID" ]
}

@test "containerd: run -d, task exec, kill, task rm, container rm" {
	run ctr_run "$ID" -d -- sh -c "$TERMABLE"
	assert_status 0
	[ "$(task_status "$ID")" = RUNNING ]
	pid=$(ctrc task ls | awk -v c="$ID" '$1 == c { print $2 }')
	[ "$(hutch_state_of "$ID" .pid)" = "$pid" ]

	run texec --exec-id e1 "$ID" sh -c 'echo pid1: $(tr "\0" " " < /proc/1/cmdline); exit 6'
	assert_status 6
	assert_output_contains "pid1: sh -c trap"

	run texec --exec-id e2 --cwd /tmp "$ID" pwd
	assert_equal "$output" /tmp

	run texec --exec-id e3 "$ID" /nonexistent
	[ "$status" -ne 0 ]
	assert_output_contains '`/nonexistent`: No such file or directory'

	run ctrc task kill "$ID"
	assert_status 0
	wait_for task_gone_or_stopped "$ID"
	run texec --exec-id e4 "$ID" true
	[ "$status" -ne 0 ]
	run ctrc task rm "$ID"
	assert_status 0
	# the init left on TERM with 0 (ctr warns about any other code)
	[[ "$output" != *"non-zero exit code"* ]]
	[ -z "$(state_containers "$CTRD_DIR/hutch-state/default")" ]
	[ ! -d "/sys/fs/cgroup/memory$CGROUP_PATH/$ID" ]
	run ctrc container rm "$ID"
	assert_status 0
}

@test "containerd: run -t and task exec -t in a pty" {
	run in_pty 'stty rows 21 cols 61; stty size; tty; exit 4' \
		ctr --address "$CTRD_DIR/containerd.sock" run --rm -t \
		--fifo-dir "$CTRD_DIR/fifo" --runc-binary "$HUTCH_BIN" \
		--runc-root "$CTRD_DIR/hutch-state" --cgroup "$CGROUP_PATH/$ID" \
		"$IMG" "$ID" sh
	assert_status 4
	assert_output_contains "21 61"
	assert_output_contains "/dev/pts/0"

	ctr_run "$ID-2" -d -- sh -c "$TERMABLE"
	run in_pty 'tty; exit 9' ctr --address "$CTRD_DIR/containerd.sock" \
		task exec -t --fifo-dir "$CTRD_DIR/fifo" --exec-id e1 "$ID-2" sh
	assert_status 9
	assert_output_contains "/dev/pts/"
}

@test "containerd: pause and resume freeze and thaw the task" {
	ctr_run "$ID" -d -- sh -c \
		'trap "exit 0" TERM; i=0; while :; do i=$((i+1)); echo $i > /tmp/n; sleep 0.05; done'
	freezer=/sys/fs/cgroup/freezer$CGROUP_PATH/$ID/freezer.state
	run ctrc task pause "$ID"
	assert_status 0
	[ "$(task_status "$ID")" = PAUSED ]
	[ "$(hutch_state_of "$ID" .status)" = paused ]
	[ "$(cat "$freezer")" = FROZEN ]

	run ctrc task resume "$ID"
	assert_status 0
	[ "$(task_status "$ID")" = RUNNING ]
	[ "$(cat "$freezer")" = THAWED ]
	n1=$(texec --exec-id e1 "$ID" cat /tmp/n)
	wait_for sh -c "[ \$(ctr --address $CTRD_DIR/containerd.sock task exec --fifo-dir $CTRD_DIR/fifo --exec-id e2 $ID cat /tmp/n) -gt $n1 ]"
}

@test "containerd: kill -s signals the init; kill --all every process" {
	ctr_run "$ID" -d -- sh -c '
		sh -c "trap \"echo > /tmp/child\" USR1; echo > /tmp/up; while :; do sleep 0.1; done" &
		trap "echo > /tmp/init" USR1; while :; do sleep 0.1; done'
	wait_for texec --exec-id e0 "$ID" test -e /tmp/up
	run ctrc task kill -s USR1 "$ID"
	assert_status 0
	wait_for texec --exec-id e1 "$ID" test -e /tmp/init
	run texec --exec-id e2 "$ID" test -e /tmp/child
	[ "$status" -ne 0 ]

	run ctrc task kill --all -s USR1 "$ID"
	assert_status 0
	wait_for texec --exec-id e3 "$ID" test -e /tmp/child

	run ctrc task kill -s KILL "$ID"
	assert_status 0
	wait_for task_gone_or_stopped "$ID"
}

@test "containerd: killing an exited task is 'already finished', as with runc" {
	ctr_run "$ID" -d -- true
	wait_for task_gone_or_stopped "$ID"
	# the shim maps hutch's "No such process" to not-found, which CRI's
	# StopContainer takes as done
	run ctrc task kill "$ID"
	[ "$status" -ne 0 ]
	assert_output_contains "process already finished: not found"
	run ctrc task kill --all "$ID"
	assert_status 0
}

@test "containerd: task ps lists the processes of the task" {
	ctr_run "$ID" -d -- sh -c "$TERMABLE"
	pid=$(ctrc task ls | awk -v c="$ID" '$1 == c { print $2 }')
	run ctrc task ps "$ID"
	assert_status 0
	assert_output_contains "$pid"
}

@test "containerd: --memory-limit sets the cgroup limit; going over it kills" {
	ctr_run "$ID" -d --memory-limit 67108864 -- sh -c "$TERMABLE"
	assert_equal "$(cat "/sys/fs/cgroup/memory$CGROUP_PATH/$ID/memory.limit_in_bytes")" 67108864
	# the shim finds the cgroup hutch made for its metrics
	run ctrc task metrics "$ID"
	assert_status 0
	assert_output_contains "memory.limit_in_bytes    67108864"

	# tail keeps the whole (endless) line of /dev/zero in memory
	run ctr_run "$ID-oom" --rm --memory-limit 16777216 -- tail /dev/zero
	assert_status 137
}

@test "containerd: --seccomp applies containerd's profile; no network but lo" {
	run ctr_run "$ID" --rm --seccomp -- sh -c \
		'grep -E "^(Seccomp|NoNewPrivs):" /proc/self/status; ls /sys/class/net'
	assert_status 0
	assert_output_contains "Seccomp:	2"
	assert_output_contains "NoNewPrivs:	1"
	assert_output_contains "lo"
	[ "$(echo "$output" | tail -1)" = lo ]
}

@test "containerd: --privileged --read-only" {
	run ctr_run "$ID" --rm --privileged --read-only -- sh -c \
		'grep CapEff /proc/self/status; ls -l /dev/fuse; touch /x || echo ro-root'
	assert_status 0
	assert_output_contains "CapEff:	$(awk '/^CapBnd/ { print $2 }' /proc/self/status)"
	assert_output_contains " 10, 229 "
	assert_output_contains ro-root
}

@test "containerd: --with-ns joins the test's netns" {
	unshare --net sleep 1000 &
	NS_PID=$!
	wait_for own_netns "$NS_PID"
	run ctr_run "$ID" --rm --with-ns "network:/proc/$NS_PID/ns/net" -- \
		readlink /proc/self/ns/net
	assert_status 0
	assert_equal "$output" "$(readlink /proc/$NS_PID/ns/net)"
}

@test "containerd: contrib config.toml names hutch and hutch-vm for CRI" {
	run containerd --config "$HUTCH_TREE/contrib/containerd/config.toml" config dump
	assert_status 0
	assert_output_contains 'runtimes.hutch.options]'
	assert_output_contains 'BinaryName = "/usr/local/bin/hutch"'
	assert_output_contains 'BinaryName = "/usr/local/bin/hutch-vm"'
}

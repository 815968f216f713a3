#!/usr/bin/env bats
# containerd's runc shim runs sandboxed containers with hutch-vm as its
# runc binary (issue 9): the engine set-up of tests/engines/containerd.bats,
# inside the sandbox lane where /dev/kvm exists.  The shim calls `hutch-vm
# create/start/exec --detach/kill/delete`; every container is a KVM guest.

load vm_helpers
load ../engines/containerd
bats_require_minimum_version 1.5.0

CTRD_RUNTIME=$(dirname "$HUTCH_BIN")/hutch-vm

# every ctr call bounded, as every command of the lane
ctrc() {
	timeout -k 10 300 ctr --address "$CTRD_DIR/containerd.sock" "$@"
}

setup_file() {
	ctrd_setup_file
}

teardown_file() {
	ctrd_teardown_file
}

setup() {
	require_kvm
	ctrd_setup
}

teardown() {
	ctrd_teardown
}

@test "containerd sandbox: run --rm in a KVM guest, its exit code" {
	run ctr_run "$ID" --rm -- sh -c 'echo kernel $(uname -r); exit 3'
	assert_status 3
	assert_output_contains "kernel "
	[[ "$output" != *"kernel $(uname -r)"* ]]
	[ -z "$(ctrc container ls -q)" ]
	[ ! -d "/sys/fs/cgroup/memory$CGROUP_PATH/$ID" ]
}

@test "containerd sandbox: run -d, task exec with cwd and status, kill, rm" {
	run ctr_run "$ID" -d -- sh -c 'trap "exit 0" TERM; while :; do sleep 0.1; done'
	assert_status 0
	[ "$(task_status "$ID")" = RUNNING ]
	# the shim's pid of the task is the VMM's
	pid=$(ctrc task ls | awk -v c="$ID" '$1 == c { print $2 }')
	[ "$(hutch_state_of "$ID" .pid)" = "$pid" ]
	grep -q ":memory:$CGROUP_PATH/$ID" "/proc/$pid/cgroup"

	run texec --exec-id e1 --cwd /tmp "$ID" \
		sh -c 'echo "cwd=$(pwd) kernel=$(uname -r)"; exit 6'
	assert_status 6
	assert_output_contains "cwd=/tmp kernel="
	[[ "$output" != *"kernel=$(uname -r)"* ]]

	run -127 texec --exec-id e2 "$ID" /nonexistent
	assert_output_contains '`/nonexistent`'

	run ctrc task kill "$ID"
	assert_status 0
	# up to 60 s: nested emulation
	WAIT_TRIES=600 wait_for task_gone_or_stopped "$ID"
	run ctrc task rm "$ID"
	assert_status 0
	[[ "$output" != *"non-zero exit code"* ]]
	[ -z "$(state_containers "$CTRD_DIR/hutch-state/default")" ]
	[ ! -d "/proc/$pid" ]
	run ctrc container rm "$ID"
	assert_status 0
}

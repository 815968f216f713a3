#!/usr/bin/env bats
# The sandbox's lifecycle: the VM boots during `create`, `start` releases
# the process in the guest, and state, kill and delete work on it as on a
# container.

load vm_helpers

setup() {
	setup_vm_bundle
}

teardown() {
	teardown_bundle
}

# vm_create: `hutch create` with the guest's console in $TMP/out (a hung
# boot fails the test, not the lane)
vm_create() {
	timeout -k 10 300 "$HUTCH_BIN" --root "$ROOT" create -b "$BUNDLE" "$ID" \
		> "$TMP/out" 2>&1 < /dev/null
}

vm_run() {
	timeout -k 10 300 "$HUTCH_BIN" --root "$ROOT" run "$@" -b "$BUNDLE" "$ID"
}

wait_stopped() {
	local i
	for i in $(seq 600); do
		[ "$(state_field "$ID" .status)" = stopped ] && return 0
		sleep 0.2
	done
	fail "still $(state_field "$ID" .status)"
}

@test "sandbox lifecycle: create boots the VM, start releases the process, kill, delete" {
	update_config '.annotations["org.hutch.vm.debug"] = "1"'
	set_args sh -c 'echo started; exec sleep 1000'
	vm_create
	# the guest kernel booted during create; the process waits
	grep -q "Linux version" "$TMP/out"
	! grep -q started "$TMP/out"
	[ "$(state_field "$ID" .status)" = created ]
	pid=$(state_field "$ID" .pid)
	[ -d "/proc/$pid" ]
	# the VMM's vCPU thread runs beside its main thread
	[ "$(awk '/^Threads:/ {print $2}' "/proc/$pid/status")" -ge 2 ]
	sleep 1
	! grep -q started "$TMP/out"
	t0=$(date +%s%N)
	hutch start "$ID"
	t1=$(date +%s%N)
	wait_for_started "$TMP/out"
	t2=$(date +%s%N)
	echo "# start: $(( (t1 - t0) / 1000000 )) ms; start to output: $(( (t2 - t0) / 1000000 )) ms" >&3
	[ "$(state_field "$ID" .status)" = running ]
	[ "$(state_field "$ID" .pid)" = "$pid" ]
	hutch kill "$ID" TERM
	wait_stopped
	hutch delete "$ID"
	[ ! -e "$ROOT/$ID" ]
	[ ! -d "/proc/$pid" ]
}

@test "sandbox lifecycle: create -> start latency, boot at create" {
	set_args true
	for i in 1 2 3; do
		t0=$(date +%s%N)
		vm_create
		t1=$(date +%s%N)
		hutch start "$ID"
		t2=$(date +%s%N)
		wait_stopped
		t3=$(date +%s%N)
		echo "# create $(( (t1 - t0) / 1000000 )) ms, start $(( (t2 - t1) / 1000000 )) ms, start to exit $(( (t3 - t1) / 1000000 )) ms" >&3
		hutch delete "$ID"
	done
}

@test "sandbox lifecycle: a signal to a created VM ends it as it ends a waiting init" {
	set_args sh -c 'echo started'
	vm_create
	[ "$(state_field "$ID" .status)" = created ]
	hutch kill "$ID" TERM
	wait_stopped
	! grep -q started "$TMP/out"
	hutch delete "$ID"
	[ ! -e "$ROOT/$ID" ]
}

@test "sandbox lifecycle: delete --force tears a running VM down and leaves nothing" {
	set_args sh -c 'echo started; exec sleep 1000'
	vm_create
	hutch start "$ID"
	wait_for_started "$TMP/out"
	pid=$(state_field "$ID" .pid)
	cg=$(jq -r .linux.cgroupsPath "$BUNDLE/config.json")
	hutch delete --force "$ID"
	[ ! -e "$ROOT/$ID" ]
	[ ! -d "/proc/$pid" ]
	[ ! -d "/sys/fs/cgroup/memory$cg" ]
}

@test "sandbox lifecycle: run -d, then the exit status of the guest process in state" {
	set_args sh -c 'exit 3'
	timeout -k 10 300 "$HUTCH_BIN" --root "$ROOT" run -d -b "$BUNDLE" "$ID" > "$TMP/out" 2>&1 < /dev/null
	wait_stopped
	hutch delete "$ID"
}

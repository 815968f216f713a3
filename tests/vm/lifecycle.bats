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
	set_args sh -c 'trap "exit 0" TERM; echo started; while :; do sleep 0.2; done'
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

@test "sandbox lifecycle: kill reaches the container's process, kill --all every guest process" {
	set_args sh -c 'trap "echo main got TERM" TERM; echo started; while :; do sleep 0.2; done'
	vm_create
	hutch start "$ID"
	wait_for_started "$TMP/out"
	# a second process in the guest, its stand-in's output in exec.out
	# (3>&-: the stand-in outlives the command and must not hold bats' fd)
	hutch exec --detach --pid-file "$TMP/exec.pid" "$ID" \
		sh -c 'trap "echo exec got TERM; exit 7" TERM; echo exec-up; while :; do sleep 0.2; done' \
		> "$TMP/exec.out" 2>&1 < /dev/null 3>&-
	stand_in=$(cat "$TMP/exec.pid")
	[ -d "/proc/$stand_in" ]
	for i in $(seq 300); do grep -q exec-up "$TMP/exec.out" && break; sleep 0.2; done
	grep -q exec-up "$TMP/exec.out"
	# plain kill: the VMM passes it to the container's process alone
	hutch kill "$ID" TERM
	for i in $(seq 300); do grep -q "main got TERM" "$TMP/out" && break; sleep 0.2; done
	[ "$(grep -c "main got TERM" "$TMP/out")" = 1 ]
	sleep 2
	! grep -q "exec got TERM" "$TMP/exec.out"
	# --all: both, and the exec's stand-in exits with its code
	hutch kill --all "$ID" TERM
	for i in $(seq 300); do [ -d "/proc/$stand_in" ] || break; sleep 0.2; done
	[ ! -d "/proc/$stand_in" ]
	grep -q "exec got TERM" "$TMP/exec.out"
	for i in $(seq 300); do [ "$(grep -c "main got TERM" "$TMP/out")" = 2 ] && break; sleep 0.2; done
	[ "$(grep -c "main got TERM" "$TMP/out")" = 2 ]
	[ "$(state_field "$ID" .status)" = running ]
	hutch kill "$ID" KILL
	wait_stopped
	hutch delete "$ID"
}

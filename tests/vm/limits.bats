#!/usr/bin/env bats
# The sandbox's size from the container's limits (runtime/sandbox_limits.c):
# the memory limit is the guest's RAM, the cpu quota or cpuset its vCPUs,
# and the VMM stays inside the container's cgroup with the limit raised by
# its own overhead, so a workload that outgrows the limit fails inside the
# guest while the VMM and the host are untouched.

load vm_helpers
load ../integration/cgroups-helpers

setup() {
	require_kvm
	setup_bundle
	update_config '.annotations["org.hutch.sandbox"] = "vm"'
}

teardown() {
	[ -n "${RUN_PID:-}" ] && kill -9 "$RUN_PID" 2>/dev/null
	teardown_bundle
}

memtotal_kib() {
	printf '%s\n' "$output" | sed -n 's/^MemTotal:[[:space:]]*\([0-9]*\) kB/\1/p'
}

@test "limits: a 256 MiB memory limit is the guest's RAM (MemTotal)" {
	update_config '.linux.resources.memory.limit = 268435456
		| .annotations["org.hutch.vm.timing"] = "1"'
	set_args grep MemTotal /proc/meminfo
	run vm_run
	echo "$output"
	assert_status 0
	kib=$(memtotal_kib)
	# the guest kernel keeps its image, the struct pages (1/64 of RAM) and
	# the first MiB for itself: MemTotal is a bit under the RAM
	[ "$kib" -le $((256 * 1024)) ] && [ "$kib" -ge $((200 * 1024)) ] ||
		fail "MemTotal $kib kB for 256 MiB"
}

@test "limits: org.hutch.vm.memory overrides the limit; below the floor is an error" {
	update_config '.linux.resources.memory.limit = 268435456
		| .annotations["org.hutch.vm.memory"] = "384"'
	set_args grep MemTotal /proc/meminfo
	run vm_run
	assert_status 0
	kib=$(memtotal_kib)
	[ "$kib" -gt $((300 * 1024)) ] && [ "$kib" -le $((384 * 1024)) ] ||
		fail "MemTotal $kib kB for 384 MiB"
	update_config '.annotations["org.hutch.vm.memory"] = "64"'
	run vm_run
	[ "$status" -ne 0 ] || fail "64 MiB accepted"
	assert_output_contains "org.hutch.vm.memory"
	[ ! -d "$ROOT/$ID" ] || fail "state left behind"
}

@test "limits: the VMM runs in the container's cgroup, whose limit holds the guest and the VMM" {
	update_config '.linux.resources.memory.limit = 268435456'
	set_args sh -c 'echo started; exec sleep 1000'
	vm_run_bg
	pid=$(hutch state "$ID" | jq -r .pid)
	[ "$(proc_cgroup "$pid")" = "$CGROUP_PATH" ] ||
		fail "VMM pid $pid in $(proc_cgroup "$pid")"
	lim=$(cg_read memory memory.limit_in_bytes memory.max)
	# guest RAM 256 MiB + the VMM's overhead (64 MiB)
	vm_kill_bg
	[ "$lim" -eq $(( (256 + 64) << 20 )) ] || fail "limit $lim"
}

@test "limits: allocating beyond the limit fails inside the guest; the VMM survives, no OOM kill on the host" {
	update_config '.linux.resources.memory.limit = 268435456'
	# memhog touches 400 MiB in a 256 MiB guest: the guest kernel OOM-kills
	# it or its allocation fails
	cp "$TEST_HELPERS/memhog" "$BUNDLE/rootfs/bin/"
	set_args sh -c 'memhog 400; echo inner=$?; echo started; exec sleep 1000'
	t0=$(date +%s)
	vm_run_bg
	echo "# boot and OOM in the guest: $(( $(date +%s) - t0 )) s" >&3
	cat "$TMP/out"
	grep -q "^inner=0" "$TMP/out" && fail "the allocation succeeded: $(cat "$TMP/out")"
	grep -q "^inner=" "$TMP/out" || fail "no status: $(cat "$TMP/out")"
	grep -q "kept" "$TMP/out" && fail "400 MB fit: $(cat "$TMP/out")"
	kill -0 "$RUN_PID" || fail "the VMM died"
	[ "$(hutch state "$ID" | jq -r .status)" = running ] || fail "not running"
	if cg_v2; then
		kills=$(sed -n 's/^oom_kill //p' "$(cg_dir memory)/memory.events")
	else
		kills=$(sed -n 's/^oom_kill //p' "$(cg_dir memory)/memory.oom_control")
	fi
	[ "${kills:-0}" -eq 0 ] || fail "the host cgroup saw $kills OOM kills"
	# pid 1 of its pid namespace, sleep ignores TERM (as in a container)
	hutch kill "$ID" KILL
	st=0
	wait "$RUN_PID" || st=$?
	RUN_PID=
	[ "$st" -eq 137 ] || fail "run returned $st: $(cat "$TMP/out")"
}

@test "limits: the cpu quota rounded up, or the cpuset's size, is the vCPU count" {
	update_config '.linux.resources.cpu = {quota: 150000, period: 100000}'
	set_args grep -c ^processor /proc/cpuinfo
	run vm_run
	assert_status 0
	[ "$(printf '%s\n' "$output" | tail -1)" = 2 ] || fail "quota 1.5: $output"
	update_config '.linux.resources.cpu = {cpus: "0"}'
	run vm_run
	assert_status 0
	[ "$(printf '%s\n' "$output" | tail -1)" = 1 ] || fail "cpus 0: $output"
	update_config '.linux.resources.cpu = {cpus: "0-1"}
		| .annotations["org.hutch.vm.vcpus"] = "1"'
	run vm_run
	assert_status 0
	[ "$(printf '%s\n' "$output" | tail -1)" = 1 ] || fail "annotation: $output"
}

#!/usr/bin/env bats
# linux.resources seen from inside the container and in the cgroup files:
# memory (OOM kill), pids, cpu quota, devices, hugetlb, update.

load helpers
load cgroups-helpers

setup() {
	setup_bundle
	update_config ".root.readonly = false"
}
teardown() { teardown_bundle; }

@test "a 32 MiB memory limit kills a 64 MiB allocation and run reports the OOM kill" {
	update_config '.linux.resources.memory = {"limit": 33554432, "swap": 33554432}'
	set_args dd if=/dev/zero of=/dev/null bs=64M count=1
	run hutch run -b "$BUNDLE" "$ID"
	assert_status 137
	assert_output_contains "OOM killer killed"
	no_test_cgroups_left
}

@test "the memory limit is in the cgroup files and a smaller allocation fits" {
	update_config '.linux.resources.memory = {"limit": 67108864, "reservation": 33554432}'
	set_args sh -c 'dd if=/dev/zero of=/dev/null bs=16M count=1 2>/dev/null && echo fits; sleep 100'
	hutch run -d -b "$BUNDLE" "$ID"
	[ "$(cg_read memory memory.limit_in_bytes memory.max)" = 67108864 ]
	[ "$(cg_read memory memory.soft_limit_in_bytes memory.low)" = 33554432 ]
	hutch delete --force "$ID"
	no_test_cgroups_left
}

@test "a pids limit of 10 stops the 11th process" {
	update_config '.linux.resources.pids = {"limit": 10}'
	# ash gives up at the first fork the kernel refuses
	set_args sh -c 'for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do sleep 100 & echo $i > /tmp/forked; done'
	run hutch run -b "$BUNDLE" "$ID"
	assert_output_contains "can't fork"
	# the shell itself and 9 sleeps make 10
	[ "$(cat "$BUNDLE/rootfs/tmp/forked")" = 9 ]
}

@test "cpu quota 20% is in the cgroup files and bounds a busy loop" {
	update_config '.linux.resources.cpu = {"quota": 20000, "period": 100000, "shares": 512}'
	set_args sh -c 'while :; do :; done'
	hutch run -d -b "$BUNDLE" "$ID"
	if cg_v2; then
		[ "$(cg_read cpu - cpu.max)" = "20000 100000" ]
		[ "$(cg_read cpu - cpu.weight)" = 20 ] # runc's shares->weight
	else
		[ "$(cg_read cpu cpu.cfs_quota_us -)" = 20000 ]
		[ "$(cg_read cpu cpu.cfs_period_us -)" = 100000 ]
		[ "$(cg_read cpu cpu.shares -)" = 512 ]
	fi
	t0=$(hutch events --stats "$ID" | jq .data.cpu.usage.total)
	s0=$(date +%s%N)
	sleep 2
	t1=$(hutch events --stats "$ID" | jq .data.cpu.usage.total)
	s1=$(date +%s%N)
	share=$(( (t1 - t0) * 100 / (s1 - s0) ))
	echo "busy loop got ${share}% of a CPU"
	# loose: the machine is shared and may give us less, never more
	[ "$share" -le 35 ] || fail "quota not enforced: ${share}%"
	[ "$t1" -gt "$t0" ]
	hutch delete --force "$ID"
}

@test "a device rule denies writes to /dev/null, reads stay allowed" {
	update_config '.linux.resources.devices = [
		{"allow": false, "access": "rwm"},
		{"allow": false, "type": "c", "major": 1, "minor": 3, "access": "w"}]'
	set_args sh -c 'cat /dev/null && echo read-ok; echo x > /dev/null && echo write-ok'
	run hutch run -b "$BUNDLE" "$ID"
	assert_output_contains "read-ok"
	assert_output_contains "Operation not permitted"
	case "$output" in *write-ok*) fail "write to /dev/null allowed" ;; esac
}

@test "hugepageLimits land in hugetlb files (hybrid: on the cgroup2 side)" {
	[ -d /sys/kernel/mm/hugepages/hugepages-2048kB ] || skip "no 2MB huge pages"
	update_config '.linux.resources.hugepageLimits = [{"pageSize": "2MB", "limit": 4194304}]'
	set_args sleep 100
	hutch create -b "$BUNDLE" "$ID"
	if [ -d /sys/fs/cgroup/hugetlb ]; then
		[ "$(cat "$(cg_dir hugetlb)/hugetlb.2MB.limit_in_bytes")" = 4194304 ]
	else
		[ "$(cat "$(cg_dir unified)/hugetlb.2MB.max")" = 4194304 ]
	fi
	hutch delete --force "$ID"
	no_test_cgroups_left
}

@test "update raises the memory limit of a running container" {
	update_config '.linux.resources.memory = {"limit": 33554432, "swap": 33554432}'
	set_args sh -c 'while [ ! -e /tmp/go ]; do sleep 0.1; done; dd if=/dev/zero of=/dev/null bs=48M count=1 2>/dev/null && echo fits > /tmp/result; sleep 100'
	hutch run -d -b "$BUNDLE" "$ID"
	hutch update --memory 128m --memory-swap 128m "$ID"
	[ "$(cg_read memory memory.limit_in_bytes memory.max)" = 134217728 ]
	touch "$BUNDLE/rootfs/tmp/go"
	wait_for test -e "$BUNDLE/rootfs/tmp/result"
	[ "$(state_field "$ID" .status)" = running ]
	hutch delete --force "$ID"
}

@test "update --resources reads linux.resources JSON, flags win" {
	set_args sleep 100
	hutch run -d -b "$BUNDLE" "$ID"
	echo '{"pids": {"limit": 50}, "cpu": {"shares": 256}}' > "$TMP/res.json"
	hutch update --resources "$TMP/res.json" --pids-limit 42 "$ID"
	[ "$(cg_read pids pids.max pids.max)" = 42 ]
	echo '{"pids": {"limit": 7}}' | hutch update -r - "$ID"
	[ "$(cg_read pids pids.max pids.max)" = 7 ]
	hutch delete --force "$ID"
}

@test "update with a bad value names the flag or field" {
	set_args sleep 100
	hutch run -d -b "$BUNDLE" "$ID"
	run hutch update --memory lots "$ID"
	assert_status 1
	assert_output_contains "--memory"
	run hutch update --cpuset-cpus 4095 "$ID"
	assert_status 1
	assert_output_contains "linux.resources.cpu.cpus"
	run hutch update --pids-limit 5 nosuchcontainer
	assert_status 1
	assert_output_contains "nosuchcontainer"
	hutch delete --force "$ID"
}

#!/usr/bin/env bats
# `type: cgroup` mounts: the container sees its own cgroup as the root of
# each hierarchy, read-only as asked, never the host's tree.  Works on the
# hybrid hosts and on a v2-only one (tests/lanes/v2).

load helpers

setup() { setup_bundle; }
teardown() { teardown_bundle; }

# the directory of the memory hierarchy inside the container, by layout
mem_dir() {
	if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
		echo /sys/fs/cgroup
	else
		echo /sys/fs/cgroup/memory
	fi
}

check_own_cgroup() {
	local d
	d=$(mem_dir)
	set_args sh -c "cat $d/cgroup.procs; ls $d; grep ' $d ' /proc/self/mountinfo; echo 1 > $d/cgroup.procs || echo REFUSED"
	run hutch run -b "$BUNDLE" "$ID"
	assert_status 0
	# our process, alone: the hierarchy's root is the container's cgroup
	[ "${lines[0]}" = "$1" ]
	# no directory of the host's tree (ours sits below /hutch-test/)
	for l in "${lines[@]}"; do
		case "$l" in hutch-test | process_api | system.slice | user.slice)
			fail "host tree visible: $output" ;;
		esac
	done
	assert_output_contains " ro,"
	assert_output_contains REFUSED
}

@test "with a cgroup namespace: fresh cgroup mounts rooted at the container's cgroup" {
	check_own_cgroup 1
}

@test "without a cgroup namespace: the container's own cgroup directories, bound" {
	update_config 'del(.linux.namespaces[] | select(.type == "cgroup"))'
	check_own_cgroup 1
	# the bind's root names our cgroup (mountinfo field 4)
	echo "$output" | awk '$5 ~ /^\/sys\/fs\/cgroup/ {print $4}' |
		grep -qx "$CGROUP_PATH"
}

@test "the v1 layout: one directory per hierarchy, unified for cgroup2, ro tmpfs" {
	[ "$(stat -f -c %T /sys/fs/cgroup)" = tmpfs ] || skip "not a v1/hybrid host"
	set_args sh -c 'ls /sys/fs/cgroup; grep " /sys/fs/cgroup " /proc/self/mountinfo; mkdir /sys/fs/cgroup/x || echo REFUSED'
	run hutch run -b "$BUNDLE" "$ID"
	assert_status 0
	for h in /sys/fs/cgroup/*/; do
		h=$(basename "$h")
		echo "$output" | grep -qx "$h" || fail "no $h: $output"
	done
	assert_output_contains "tmpfs tmpfs ro"
	assert_output_contains REFUSED
}

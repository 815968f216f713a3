#!/usr/bin/env bats
# (this kernel has no dummy links: veth pairs stand in)
# linux.namespaces: new ones, joined ones, user-namespace maps, time offsets.

load helpers

setup() { setup_bundle; }
teardown() {
	[ -n "${NETNS_FILE:-}" ] && umount "$NETNS_FILE" 2>/dev/null
	teardown_bundle
}

@test "the process is pid 1 of a new pid namespace" {
	set_args sh -c 'echo $$'
	run hutch run -b "$BUNDLE" "$ID"
	assert_status 0
	[ "$output" = 1 ]
}

@test "hostname and domainname are set in a new uts namespace" {
	update_config '.hostname = "box1" | .domainname = "example.test"'
	set_args sh -c 'hostname; cat /proc/sys/kernel/domainname'
	run hutch run -b "$BUNDLE" "$ID"
	assert_status 0
	[ "${lines[0]}" = box1 ]
	[ "${lines[1]}" = example.test ]
	[ "$(hostname)" != box1 ]
}

@test "every new namespace differs from the host's" {
	set_args sh -c 'for n in pid net ipc uts mnt cgroup; do echo $n $(readlink /proc/self/ns/$n); done'
	run hutch run -b "$BUNDLE" "$ID"
	assert_status 0
	for n in net ipc uts mnt cgroup; do
		inside=$(echo "$output" | awk -v n=$n '$1 == n {print $2}')
		[ -n "$inside" ]
		[ "$inside" != "$(readlink /proc/self/ns/$n)" ] || fail "$n is the host's"
	done
}

@test "a network namespace joined by path is really shared" {
	NETNS_FILE=$TMP/netns
	touch "$NETNS_FILE"
	unshare --net="$NETNS_FILE" true
	nsenter --net="$NETNS_FILE" ip link add hutchveth0 type veth peer name hutchveth0p
	update_config "(.linux.namespaces[] | select(.type == \"network\")) += {path: \"$NETNS_FILE\"}"
	set_args sh -c 'ip link show; stat -L -c %i /proc/self/ns/net'
	run hutch run -b "$BUNDLE" "$ID"
	assert_status 0
	assert_output_contains hutchveth0
	[ "${lines[-1]}" = "$(stat -L -c %i "$NETNS_FILE")" ]
}

@test "a namespace path that is not a namespace is refused" {
	update_config "(.linux.namespaces[] | select(.type == \"network\")) += {path: \"$BUNDLE/config.json\"}"
	run hutch run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_output_contains "linux.namespaces"
	assert_output_contains "not a namespace"
	[ ! -d "$ROOT/$ID" ]
}

@test "user namespace: root inside is the mapped uid outside" {
	update_config '.linux.namespaces += [{type: "user"}]
		| .linux.uidMappings = [{containerID: 0, hostID: 200000, size: 65536}]
		| .linux.gidMappings = [{containerID: 0, hostID: 200000, size: 65536}]'
	set_args sleep 100
	hutch run -d -b "$BUNDLE" "$ID"
	pid=$(state_field "$ID" .pid)
	[ "$(awk '/^Uid:/ {print $2}' /proc/$pid/status)" = 200000 ]
	[ "$(awk '/^Gid:/ {print $2}' /proc/$pid/status)" = 200000 ]
	[ "$(cat /proc/$pid/uid_map | awk '{print $1, $2, $3}')" = "0 200000 65536" ]
	hutch delete --force "$ID"
}

@test "user namespace: id inside is root" {
	update_config '.linux.namespaces += [{type: "user"}]
		| .linux.uidMappings = [{containerID: 0, hostID: 200000, size: 65536}]
		| .linux.gidMappings = [{containerID: 0, hostID: 200000, size: 65536}]'
	set_args sh -c 'id -u; id -g'
	run hutch run -b "$BUNDLE" "$ID"
	assert_status 0
	[ "${lines[0]}" = 0 ]
	[ "${lines[1]}" = 0 ]
}

@test "new user namespace while joining a network namespace (two-step start)" {
	NETNS_FILE=$TMP/netns
	touch "$NETNS_FILE"
	unshare --net="$NETNS_FILE" true
	nsenter --net="$NETNS_FILE" ip link add hutchveth1 type veth peer name hutchveth1p
	update_config "(.linux.namespaces[] | select(.type == \"network\")) += {path: \"$NETNS_FILE\"}
		| .linux.namespaces += [{type: \"user\"}]
		| .linux.uidMappings = [{containerID: 0, hostID: 200000, size: 65536}]
		| .linux.gidMappings = [{containerID: 0, hostID: 200000, size: 65536}]"
	set_args sh -c 'echo pid=$$; id -u; ip link show'
	run hutch run -b "$BUNDLE" "$ID"
	assert_status 0
	[ "${lines[0]}" = pid=1 ]
	[ "${lines[1]}" = 0 ]
	assert_output_contains hutchveth1
}

@test "the cgroup namespace is rooted at the container's cgroup" {
	set_args cat /proc/self/cgroup
	run hutch run -b "$BUNDLE" "$ID"
	assert_status 0
	assert_output_contains ":memory:/"
	! echo "$output" | grep -q "$CGROUP_NAME" || fail "host path visible: $output"
}

@test "time namespace offsets move the container's boot clock" {
	update_config '.linux.namespaces += [{type: "time"}]
		| .linux.timeOffsets = {boottime: {secs: 86400000, nanosecs: 0}}'
	set_args cut -d. -f1 /proc/uptime
	run hutch run -b "$BUNDLE" "$ID"
	assert_status 0
	[ "$output" -gt 86400000 ]
	[ "$(cut -d. -f1 /proc/uptime)" -lt 86400000 ]
}

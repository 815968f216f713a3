#!/usr/bin/env bats
# The container's cgroup over its life: where it lands, pause/resume, ps,
# events, delete of what hutch made, and bad input leaving nothing.

load helpers
load cgroups-helpers

setup() {
	setup_bundle
	update_config ".root.readonly = false"
}
teardown() {
	local d
	# the relative/absent cgroupsPath tests land under /hutch/
	for d in ${EXTRA_CGROUPS:-}; do
		CGROUP_PATH=$d CGROUP_TEST_PARENT=$(dirname "$d") \
			CGROUP_NAME=$(basename "$d") remove_test_cgroups
	done
	teardown_bundle
}

@test "cgroupsPath absolute is used as given" {
	set_args sleep 100
	hutch create -b "$BUNDLE" "$ID"
	pid=$(state_field "$ID" .pid)
	[ "$(proc_cgroup "$pid")" = "$CGROUP_PATH" ]
	hutch delete --force "$ID"
	no_test_cgroups_left
}

@test "cgroupsPath relative lands under /hutch/, absent means /hutch/<id>" {
	EXTRA_CGROUPS="/hutch/rel-$ID /hutch/$ID"
	set_args sleep 100
	update_config ".linux.cgroupsPath = \"rel-$ID\""
	hutch create -b "$BUNDLE" "$ID"
	[ "$(proc_cgroup "$(state_field "$ID" .pid)")" = "/hutch/rel-$ID" ]
	hutch delete --force "$ID"
	[ ! -d "$(cg_dir memory "/hutch/rel-$ID")" ]
	update_config 'del(.linux.cgroupsPath)'
	hutch create -b "$BUNDLE" "$ID"
	[ "$(proc_cgroup "$(state_field "$ID" .pid)")" = "/hutch/$ID" ]
	hutch delete --force "$ID"
	[ ! -d "$(cg_dir memory "/hutch/$ID")" ]
	[ ! -d "$(cg_dir pids "/hutch/$ID")" ]
}

@test "the container is in its cgroup on every hierarchy before it runs" {
	set_args sh -c 'cat /proc/self/cgroup > /tmp/cg; sleep 100'
	update_config '.linux.namespaces |= map(select(.type != "cgroup"))'
	hutch run -d -b "$BUNDLE" "$ID"
	wait_for test -s "$BUNDLE/rootfs/tmp/cg"
	# every line (v1 hierarchies, name=systemd, the cgroup2 one) names it
	while IFS=: read -r _ ctrl path; do
		[ "$path" = "$CGROUP_PATH" ] || fail "$ctrl: $path"
	done < "$BUNDLE/rootfs/tmp/cg"
	hutch delete --force "$ID"
}

@test "pause freezes a counter loop, resume restarts it, state follows" {
	set_args sh -c 'i=0; while :; do i=$((i+1)); echo $i > /tmp/count; sleep 0.05; done'
	hutch run -d -b "$BUNDLE" "$ID"
	wait_for test -s "$BUNDLE/rootfs/tmp/count"
	hutch pause "$ID"
	[ "$(state_field "$ID" .status)" = paused ]
	a=$(cat "$BUNDLE/rootfs/tmp/count")
	sleep 0.5
	b=$(cat "$BUNDLE/rootfs/tmp/count")
	[ "$a" = "$b" ] || fail "counter moved while paused: $a -> $b"
	run hutch pause "$ID"
	assert_status 1
	assert_output_contains "not running"
	hutch resume "$ID"
	[ "$(state_field "$ID" .status)" = running ]
	wait_for sh -c "[ \$(cat '$BUNDLE/rootfs/tmp/count') -gt $b ]"
	run hutch resume "$ID"
	assert_status 1
	assert_output_contains "not paused"
	hutch delete --force "$ID"
}

@test "delete --force removes a paused container with sub-cgroups" {
	set_args sleep 100
	hutch run -d -b "$BUNDLE" "$ID"
	pid=$(state_field "$ID" .pid)
	sub=$(cg_dir pids)/sub
	mkdir "$sub"
	echo "$pid" > "$sub/cgroup.procs"
	hutch pause "$ID"
	hutch delete --force "$ID"
	[ ! -d "$ROOT/$ID" ]
	no_test_cgroups_left
	wait_for sh -c "! kill -0 $pid 2>/dev/null"
}

@test "ps lists the container's pids" {
	set_args sh -c 'sleep 100 & sleep 100 & wait'
	hutch run -d -b "$BUNDLE" "$ID"
	pid=$(state_field "$ID" .pid)
	wait_for sh -c "[ \$($HUTCH_BIN --root $ROOT ps --format json $ID | jq length) = 3 ]"
	hutch ps --format json "$ID" | jq -e "index($pid) != null"
	run hutch ps "$ID"
	assert_status 0
	# the header and the three processes (the shell shows `sleep 100` too)
	[ "$(echo "$output" | head -1 | awk '{print $2}')" = PID ]
	[ "$(echo "$output" | wc -l)" = 4 ]
	[ "$(echo "$output" | grep -c 'sleep 100$')" = 2 ]
	run hutch ps "$ID" -o pid,comm
	assert_output_contains "$pid"
	hutch delete --force "$ID"
}

@test "events --stats gives memory and pids numbers" {
	update_config '.linux.resources.pids = {"limit": 20}'
	set_args sh -c 'sleep 100 & wait'
	hutch run -d -b "$BUNDLE" "$ID"
	wait_for sh -c "[ \$($HUTCH_BIN --root $ROOT ps --format json $ID | jq length) = 2 ]"
	run hutch events --stats "$ID"
	assert_status 0
	echo "$output" | jq -e '.type == "stats"'
	echo "$output" | jq -e ".id == \"$ID\""
	echo "$output" | jq -e '.data.memory.usage.usage > 0'
	echo "$output" | jq -e '.data.pids.current == 2 and .data.pids.limit == 20'
	echo "$output" | jq -e '.data.cpu.usage.total > 0'
	hutch delete --force "$ID"
}

@test "events streams stats and an oom event" {
	update_config '.linux.resources.memory = {"limit": 33554432, "swap": 33554432}'
	set_args sh -c 'while [ ! -e /tmp/go ]; do sleep 0.1; done; dd if=/dev/zero of=/dev/null bs=64M count=1; sleep 100'
	hutch run -d -b "$BUNDLE" "$ID"
	hutch events --interval 200ms "$ID" > "$TMP/events" &
	ev=$!
	wait_for grep -q '"type":"stats"' "$TMP/events"
	touch "$BUNDLE/rootfs/tmp/go"
	wait_long grep -q "{\"type\":\"oom\",\"id\":\"$ID\"}" "$TMP/events"
	hutch delete --force "$ID"
	# the stream ends with the container
	wait_for sh -c "! kill -0 $ev 2>/dev/null"
	wait "$ev"
}

@test "after 100 create/delete cycles no cgroup made by hutch is left" {
	local dir
	set_args true
	dir=$(cg_dir pids)
	for i in $(seq 100); do
		hutch create -b "$BUNDLE" "$ID"
		[ -d "$dir" ] || fail "cycle $i: no cgroup after create"
		hutch delete --force "$ID"
		[ ! -d "$dir" ] || fail "cycle $i: $dir left after delete"
	done
	no_test_cgroups_left
}

@test "a bad value names the field and leaves no cgroup and no state" {
	update_config '.linux.resources.cpu = {"cpus": "4095"}'
	run hutch create -b "$BUNDLE" "$ID"
	assert_status 1
	assert_output_contains "linux.resources.cpu.cpus"
	[ ! -d "$ROOT/$ID" ]
	no_test_cgroups_left
	update_config 'del(.linux.resources.cpu) | .linux.resources.unified = {"memory.nosuchfile": "1"}'
	run hutch create -b "$BUNDLE" "$ID"
	assert_status 1
	assert_output_contains "linux.resources.unified"
	[ ! -d "$ROOT/$ID" ]
	no_test_cgroups_left
}

@test "unified keys: cgroup v2 files on v2, refused on v1 controllers" {
	update_config '.linux.resources.unified = {"memory.high": "50000000"}'
	set_args sleep 100
	if cg_v2; then
		hutch create -b "$BUNDLE" "$ID"
		[ "$(cat "$(cg_dir memory)/memory.high")" = 49999872 ]
		hutch delete --force "$ID"
	else
		run hutch create -b "$BUNDLE" "$ID"
		assert_status 1
		assert_output_contains "linux.resources.unified"
		assert_output_contains "memory.high"
		no_test_cgroups_left
	fi
}

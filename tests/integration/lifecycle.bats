#!/usr/bin/env bats
# create -> start -> stopped -> delete, exit statuses, the fifo split, ids.

load helpers

setup() { setup_bundle; }
teardown() { teardown_bundle; }

@test "run returns the process's exit status" {
	set_args sh -c 'exit 7'
	run hutch run -b "$BUNDLE" "$ID"
	assert_status 7
	[ ! -d "$ROOT/$ID" ] || fail "state dir left behind"
}

@test "run returns 128+N when the process dies of signal N" {
	# pid 1 of a pid namespace cannot SIGKILL itself: share the host's
	update_config 'del(.linux.namespaces[] | select(.type == "pid"))'
	set_args sh -c 'kill -KILL $$'
	run hutch run -b "$BUNDLE" "$ID"
	assert_status 137
}

@test "run prints the process's output" {
	set_args echo hello from the container
	run hutch run -b "$BUNDLE" "$ID"
	assert_status 0
	[ "$output" = "hello from the container" ]
}

@test "state goes created -> running -> stopped -> deleted" {
	set_args sleep 100
	hutch create -b "$BUNDLE" "$ID"
	[ "$(state_field "$ID" .status)" = created ]
	pid=$(state_field "$ID" .pid)
	[ "$pid" -gt 1 ]
	[ "$(state_field "$ID" .id)" = "$ID" ]
	[ "$(state_field "$ID" .bundle)" = "$BUNDLE" ]
	[ "$(state_field "$ID" .ociVersion)" = "$(jq -r .ociVersion "$BUNDLE/config.json")" ]
	hutch start "$ID"
	[ "$(state_field "$ID" .status)" = running ]
	[ "$(state_field "$ID" .pid)" = "$pid" ]
	hutch kill "$ID" KILL
	wait_for sh -c "[ \"\$($HUTCH_BIN --root $ROOT state $ID | jq -r .status)\" = stopped ]"
	hutch delete "$ID"
	run hutch state "$ID"
	assert_status 1
	assert_output_contains "container \`$ID\` does not exist"
}

@test "start releases a process that is already set up" {
	set_args sh -c 'echo started > /tmp/started'
	hutch create -b "$BUNDLE" "$ID"
	pid=$(state_field "$ID" .pid)
	# before start: already pivoted into the rootfs, in its cgroup, not exec'd
	[ -e "/proc/$pid/root/etc/hutch-release" ]
	[ "$(readlink "/proc/$pid/exe")" = "$HUTCH_BIN" ] ||
		[ "$(basename "$(readlink "/proc/$pid/exe")")" = hutch ]
	grep -q ":memory:$CGROUP_PATH\$" "/proc/$pid/cgroup"
	[ ! -e "$BUNDLE/rootfs/tmp/started" ]
	hutch start "$ID"
	wait_for test -e "$BUNDLE/rootfs/tmp/started"
}

@test "start on a running container fails" {
	set_args sleep 100
	hutch run -d -b "$BUNDLE" "$ID"
	run hutch start "$ID"
	assert_status 1
	assert_output_contains "is running, not created"
}

@test "delete of a running container fails and leaves it running" {
	set_args sleep 100
	hutch run -d -b "$BUNDLE" "$ID"
	run hutch delete "$ID"
	assert_status 1
	assert_output_contains "is running"
	[ "$(state_field "$ID" .status)" = running ]
	hutch delete --force "$ID"
	[ ! -d "$ROOT/$ID" ]
	[ -z "$(test_cgroup_dirs)" ] || fail "cgroup left: $(test_cgroup_dirs)"
}

@test "delete of a created container kills its waiting process" {
	hutch create -b "$BUNDLE" "$ID"
	pid=$(state_field "$ID" .pid)
	hutch delete "$ID"
	! kill -0 "$pid" 2>/dev/null || [ "$(awk '{print $3}' /proc/$pid/stat)" = Z ]
}

@test "two containers cannot share an id" {
	set_args sleep 100
	hutch create -b "$BUNDLE" "$ID"
	pid=$(state_field "$ID" .pid)
	run hutch create -b "$BUNDLE" "$ID"
	assert_status 1
	assert_output_contains "container \`$ID\` already exists"
	[ "$(state_field "$ID" .pid)" = "$pid" ]
	[ "$(state_field "$ID" .status)" = created ]
}

@test "parallel creates of one id: exactly one wins" {
	set_args sleep 100
	for i in 1 2 3 4 5 6; do
		"$HUTCH_BIN" --root "$ROOT" create -b "$BUNDLE" "$ID" >"$TMP/out.$i" 2>&1 &
	done
	wait
	[ "$(grep -l 'already exists' "$TMP"/out.* | wc -l)" -eq 5 ]
	[ "$(state_field "$ID" .status)" = created ]
}

@test "--pid-file holds the init's pid" {
	set_args sleep 100
	hutch create -b "$BUNDLE" --pid-file "$TMP/pid" "$ID"
	[ "$(cat "$TMP/pid")" = "$(state_field "$ID" .pid)" ]
}

@test "a missing executable fails create, not start" {
	set_args no-such-program
	run hutch create -b "$BUNDLE" "$ID"
	assert_status 1
	assert_output_contains "no-such-program"
	assert_output_contains "not found"
	[ ! -d "$ROOT/$ID" ]
	[ -z "$(test_cgroup_dirs)" ]
}

@test "invalid ids are refused" {
	run hutch create -b "$BUNDLE" "../escape"
	assert_status 1
	assert_output_contains "invalid container id"
	[ ! -e "$TMP/escape" ]
}

#!/usr/bin/env bats
# No fd of the runtime reaches the container: its process starts with
# stdio and the --preserve-fds fds, nothing else (part of CVE-2024-21626's
# fix).  tests/helpers/fdlist, as the container's program, lists what it
# was started with.

load helpers

setup() {
	setup_bundle
	cp "$TEST_HELPERS/fdlist" "$BUNDLE/rootfs/bin/fdlist"
}
teardown() { teardown_bundle; }

no_host_path() { # TEXT
	! printf '%s\n' "$1" | grep -q -e "$TMP/" -e /run/hutch -e "$BUNDLE" ||
		fail "a host path is open: $1"
}

@test "fds: run starts the container with stdio only" {
	set_args /bin/fdlist
	run hutch run -b "$BUNDLE" "$ID"
	assert_status 0
	[ "${lines[0]}" = "0 1 2" ] || fail "fds: $output"
	no_host_path "$output"
}

@test "fds: create + start starts it with stdio only (no exec fifo, no sync socket)" {
	set_args /bin/fdlist /tmp/fds
	hutch create -b "$BUNDLE" "$ID" </dev/null >/dev/null 2>&1
	hutch start "$ID"
	wait_for test -s "$BUNDLE/rootfs/tmp/fds"
	[ "$(head -1 "$BUNDLE/rootfs/tmp/fds")" = "0 1 2" ] ||
		fail "fds: $(cat "$BUNDLE/rootfs/tmp/fds")"
	no_host_path "$(cat "$BUNDLE/rootfs/tmp/fds")"
}

@test "fds: --preserve-fds passes exactly the fds asked for" {
	echo three > "$TMP/f3"
	echo four > "$TMP/f4"
	set_args /bin/fdlist
	run hutch run --preserve-fds 2 -b "$BUNDLE" "$ID" 3<"$TMP/f3" 4<"$TMP/f4" 5<"$TMP/f4"
	assert_status 0
	[ "${lines[0]}" = "0 1 2 3 4" ] || fail "fds: $output"
}

@test "fds: an fd the caller leaks to hutch does not reach the container" {
	set_args /bin/fdlist
	run hutch run -b "$BUNDLE" "$ID" 7<"$TMP" 8<"$BUNDLE/config.json"
	assert_status 0
	[ "${lines[0]}" = "0 1 2" ] || fail "fds: $output"
}

@test "fds: exec starts the process with stdio only" {
	set_args sleep 100
	hutch create -b "$BUNDLE" "$ID"
	hutch start "$ID"
	run hutch exec "$ID" /bin/fdlist 9<"$TMP"
	assert_status 0
	[ "${lines[0]}" = "0 1 2" ] || fail "fds: $output"
	no_host_path "$output"
	hutch kill "$ID" KILL
}

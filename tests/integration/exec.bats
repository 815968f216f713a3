#!/usr/bin/env bats
# hutch exec and its flags, each with an observable effect.

load helpers

setup() {
	setup_bundle
	set_args sleep 1000
}
teardown() {
	[ -n "${rpid:-}" ] && kill "$rpid" 2>/dev/null
	teardown_bundle
}

start_container() {
	hutch run -d -b "$BUNDLE" "$ID"
}

@test "exec runs in the container's namespaces and returns the exit status" {
	start_container
	init=$(state_field "$ID" .pid)
	run hutch exec "$ID" sh -c 'echo $$; readlink /proc/self/ns/mnt; readlink /proc/self/ns/pid; exit 3'
	assert_status 3
	[ "${lines[0]}" -gt 1 ]
	[ "${lines[1]}" = "$(readlink /proc/$init/ns/mnt)" ]
	[ "${lines[2]}" = "$(readlink /proc/$init/ns/pid)" ]
}

@test "exec: the process lands in the container's cgroup" {
	start_container
	run hutch exec "$ID" sh -c 'cat /proc/$$/cgroup'
	assert_status 0
	assert_output_contains ":memory:/"
	hutch exec -d --pid-file "$TMP/pid" "$ID" sleep 30
	grep -q ":memory:$CGROUP_PATH\$" /proc/$(cat "$TMP/pid")/cgroup
}

@test "exec --cgroup puts the process in a sub-cgroup" {
	start_container
	mkdir /sys/fs/cgroup/memory$CGROUP_PATH/sub
	hutch exec -d --cgroup memory:sub --pid-file "$TMP/pid" "$ID" sleep 30
	grep -q ":memory:$CGROUP_PATH/sub\$" /proc/$(cat "$TMP/pid")/cgroup
	run hutch exec --cgroup nosuch "$ID" true
	assert_status 1
	assert_output_contains "nosuch"
}

@test "exec --user, --additional-gids, --cwd, --env" {
	start_container
	run hutch exec --user 1000:1001 --additional-gids 29,30 --cwd /tmp \
		--env FOO=bar --env PATH=/bin:/usr/bin "$ID" \
		sh -c 'id -u; id -g; id -G; pwd; echo $FOO'
	assert_status 0
	[ "${lines[0]}" = 1000 ]
	[ "${lines[1]}" = 1001 ]
	echo "${lines[2]}" | grep -qw 29
	echo "${lines[2]}" | grep -qw 30
	[ "${lines[3]}" = /tmp ]
	[ "${lines[4]}" = bar ]
}

@test "exec --process FILE" {
	start_container
	cat > "$TMP/process.json" <<'J'
{"args": ["sh", "-c", "echo $WHO in $(pwd) as $(id -u)"], "cwd": "/etc",
 "env": ["PATH=/bin", "WHO=process.json"], "user": {"uid": 2, "gid": 2}}
J
	run hutch exec --process "$TMP/process.json" "$ID"
	assert_status 0
	[ "$output" = "process.json in /etc as 2" ]
}

@test "exec --cap adds a capability; --no-new-privs sets NoNewPrivs" {
	update_config '.process.noNewPrivileges = false'
	start_container
	run hutch exec "$ID" grep CapEff /proc/self/status
	before=$(echo "$output" | awk '{print $2}')
	run hutch exec --cap CAP_SYS_ADMIN "$ID" grep CapEff /proc/self/status
	after=$(echo "$output" | awk '{print $2}')
	# CAP_SYS_ADMIN is bit 21
	[ $(( 0x$after & (1 << 21) )) -ne 0 ]
	[ $(( 0x$before & (1 << 21) )) -eq 0 ]
	run hutch exec --no-new-privs "$ID" grep NoNewPrivs /proc/self/status
	assert_output_contains "NoNewPrivs:	1"
}

@test "exec --preserve-fds" {
	start_container
	echo preserved > "$TMP/f"
	run hutch exec --preserve-fds 1 "$ID" cat /proc/self/fd/3 3<"$TMP/f"
	assert_status 0
	[ "$output" = preserved ]
}

@test "exec --tty with a console socket gives the process a pty" {
	start_container
	"$TEST_HELPERS/recvtty" "$TMP/tty.sock" > "$TMP/tty.out" &
	rpid=$!
	wait_for test -S "$TMP/tty.sock"
	hutch exec -t -d --console-socket "$TMP/tty.sock" "$ID" \
		sh -c 'tty; [ -t 0 ] && echo stdin-is-a-tty; stty size'
	wait $rpid
	grep -q 'recvtty: fd received' "$TMP/tty.out"
	grep -q '^/dev/pts/[0-9]' "$TMP/tty.out"
	grep -q stdin-is-a-tty "$TMP/tty.out"
}

@test "exec in a stopped container, or with a missing command, fails" {
	start_container
	run hutch exec "$ID" no-such-command
	assert_status 1
	assert_output_contains "no-such-command"
	hutch kill "$ID" KILL
	wait_for sh -c "[ \"\$($HUTCH_BIN --root $ROOT state $ID | jq -r .status)\" = stopped ]"
	run hutch exec "$ID" true
	assert_status 1
	assert_output_contains "stopped"
}

@test "exec into a paused container is refused unless --ignore-paused" {
	start_container
	hutch pause "$ID"
	run hutch exec "$ID" true
	assert_status 1
	assert_output_contains "paused"
	# the new process stops with the others, and runs once resumed
	hutch exec -d --ignore-paused "$ID" sh -c 'echo ran > /tmp/after-resume'
	sleep 0.3
	[ ! -e "$BUNDLE/rootfs/tmp/after-resume" ]
	hutch resume "$ID"
	wait_for test -e "$BUNDLE/rootfs/tmp/after-resume"
}

#!/usr/bin/env bats
# process.terminal: the pty, --console-socket (conmon's protocol), and
# `run` in the foreground proxying it.

load helpers

setup() {
	setup_bundle
	update_config '.process.terminal = true | .process.consoleSize = {height: 40, width: 120}'
}
teardown() {
	[ -n "${rpid:-}" ] && kill "$rpid" 2>/dev/null
	teardown_bundle
}

@test "terminal with --console-socket: the receiver gets the pty master" {
	set_args sh -c 'tty; stty size; ls -l /dev/console; echo done'
	"$TEST_HELPERS/recvtty" "$TMP/tty.sock" > "$TMP/tty.out" &
	rpid=$!
	wait_for test -S "$TMP/tty.sock"
	hutch create -b "$BUNDLE" --console-socket "$TMP/tty.sock" "$ID"
	hutch start "$ID"
	wait $rpid
	cat "$TMP/tty.out"
	grep -q 'recvtty: fd received' "$TMP/tty.out"
	grep -q '^/dev/pts/0' "$TMP/tty.out"
	grep -q '^40 120' "$TMP/tty.out"
	grep -q 'done' "$TMP/tty.out"
}

@test "input written to the master reaches the process" {
	set_args sh -c 'read line; echo "got: $line"'
	"$TEST_HELPERS/recvtty" "$TMP/tty.sock" "hello pty
" > "$TMP/tty.out" &
	rpid=$!
	wait_for test -S "$TMP/tty.sock"
	hutch run -d -b "$BUNDLE" --console-socket "$TMP/tty.sock" "$ID"
	wait $rpid
	grep -q 'got: hello pty' "$TMP/tty.out"
}

@test "a detached terminal container without --console-socket is refused" {
	run hutch create -b "$BUNDLE" "$ID"
	assert_status 1
	assert_output_contains "console-socket"
	[ ! -d "$ROOT/$ID" ]
}

@test "run in the foreground proxies the pty to its stdio" {
	set_args sh -c '[ -t 1 ] && echo stdout-is-a-tty; exit 5'
	run hutch run -b "$BUNDLE" "$ID" < /dev/null
	assert_status 5
	assert_output_contains stdout-is-a-tty
}

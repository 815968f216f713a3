#!/usr/bin/env bats
# process.terminal in the sandbox: the guest gives the process a pty, and
# --console-socket receives a host pty master that carries it, resize
# included.

load vm_helpers

setup() {
	setup_vm_bundle
	update_config '.process.terminal = true
		| .process.consoleSize = {height: 40, width: 120}'
}

teardown() {
	[ -n "${rpid:-}" ] && kill "$rpid" 2>/dev/null
	teardown_bundle
}

# console_run CMD [--resize RxC] [INPUT]: recvtty on $TMP/tty.sock, `hutch
# CMD` with it as the console socket, then recvtty's output (till the pty
# ends)
console_run() {
	local cmd=$1 opts=()
	shift
	[ "${1:-}" = --resize ] && opts=(--resize "$2") && shift 2
	"$TEST_HELPERS/recvtty" "${opts[@]}" "$TMP/tty.sock" "$@" > "$TMP/tty.out" &
	rpid=$!
	wait_for test -S "$TMP/tty.sock"
	timeout -k 10 300 "$HUTCH_BIN" --root "$ROOT" $cmd -b "$BUNDLE" \
		--console-socket "$TMP/tty.sock" "$ID"
	[ "$cmd" = create ] && hutch start "$ID"
	timeout 120 tail --pid=$rpid -f /dev/null
	cat "$TMP/tty.out"
}

@test "sandbox terminal: --console-socket gets a master for the guest's pty, at the console size" {
	set_args sh -c 'tty; stty size; uname -r; echo done'
	console_run create
	grep -q 'recvtty: fd received' "$TMP/tty.out"
	# the pty is the guest's (its kernel's name for it), in the guest
	grep -q '^/dev/pts/' "$TMP/tty.out"
	grep -q '^40 120' "$TMP/tty.out"
	grep -q 'hutch' "$TMP/tty.out"
	grep -q 'done' "$TMP/tty.out"
}

@test "sandbox terminal: input written to the master reaches the guest process" {
	set_args sh -c 'read line; echo "got: $line"'
	console_run "run -d" "hello pty
"
	grep -q 'got: hello pty' "$TMP/tty.out"
}

@test "sandbox terminal: a resize of the host pty reaches the guest's" {
	set_args sh -c 'stty size; trap "stty size; exit 0" WINCH; echo ready; while :; do sleep 0.1; done'
	console_run "run -d" --resize 50x132
	grep -q '^40 120' "$TMP/tty.out"
	grep -q '^50 132' "$TMP/tty.out"
}

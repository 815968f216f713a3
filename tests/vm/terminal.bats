#!/usr/bin/env bats
# process.terminal in the sandbox: the guest gives the process a pty, and
# --console-socket receives a host pty master that carries it, resize
# included; the same for `exec --tty`.

load vm_helpers

setup() {
	setup_vm_bundle
	update_config '.process.terminal = true
		| .process.consoleSize = {height: 40, width: 120}'
}

teardown() {
	local p
	for p in "${rpid:-}" "${rpid1:-}" "${rpid2:-}"; do
		[ -n "$p" ] && kill "$p" 2>/dev/null
	done
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

# a running sandbox whose own process has no terminal, for the exec tests
run_plain() {
	update_config '.process.terminal = false | del(.process.consoleSize)'
	set_args sh -c 'echo started; exec sleep 1000'
	timeout -k 10 300 "$HUTCH_BIN" --root "$ROOT" run -d -b "$BUNDLE" "$ID" \
		> "$TMP/out" 2>&1 < /dev/null
	wait_for_started "$TMP/out"
}

# exec_process FILE ARGS-JSON: an exec's process.json with a terminal of
# 30x100
exec_process() {
	jq -n --argjson a "$2" '{terminal: true, consoleSize: {height: 30, width: 100},
		args: $a, cwd: "/", env: ["PATH=/bin:/usr/bin"], user: {uid: 0, gid: 0}}' > "$1"
}

@test "sandbox terminal: exec --tty --detach --console-socket: a guest pty at consoleSize, resized" {
	run_plain
	exec_process "$TMP/p.json" '["sh", "-c", "tty; stty size; trap \"stty size; exit 4\" WINCH; echo ready; while :; do sleep 0.1; done"]'
	"$TEST_HELPERS/recvtty" --resize 50x132 "$TMP/tty.sock" > "$TMP/tty.out" &
	rpid=$!
	wait_for test -S "$TMP/tty.sock"
	# 3>&-: the stand-in outlives the command and must not hold bats' fd
	hutch exec --detach --console-socket "$TMP/tty.sock" --pid-file "$TMP/e.pid" \
		--process "$TMP/p.json" "$ID" < /dev/null > /dev/null 3>&-
	stand_in=$(cat "$TMP/e.pid")
	timeout 120 tail --pid="$rpid" -f /dev/null
	cat "$TMP/tty.out"
	grep -q 'recvtty: fd received' "$TMP/tty.out"
	grep -q '^/dev/pts/' "$TMP/tty.out"
	grep -q '^30 100' "$TMP/tty.out"
	grep -q '^50 132' "$TMP/tty.out"
	for i in $(seq 100); do [ -d "/proc/$stand_in" ] || break; sleep 0.2; done
	[ ! -d "/proc/$stand_in" ]
	# the container's process goes on
	[ "$(state_field "$ID" .status)" = running ]
	hutch delete --force "$ID"
}

@test "sandbox terminal: exec --tty --console-socket: input through the pty, several at once" {
	run_plain
	for n in 1 2; do
		exec_process "$TMP/p$n.json" '["sh", "-c", "read line; echo \"got: $line\""]'
		"$TEST_HELPERS/recvtty" "$TMP/tty$n.sock" "hello $n
" > "$TMP/tty$n.out" &
		eval "rpid$n=$!"
		wait_for test -S "$TMP/tty$n.sock"
		hutch exec --detach --console-socket "$TMP/tty$n.sock" \
			--process "$TMP/p$n.json" "$ID" < /dev/null > /dev/null 3>&-
	done
	timeout 120 tail --pid="$rpid1" -f /dev/null
	timeout 120 tail --pid="$rpid2" -f /dev/null
	grep -q 'got: hello 1' "$TMP/tty1.out"
	grep -q 'got: hello 2' "$TMP/tty2.out"
	hutch delete --force "$ID"
}

@test "sandbox terminal: exec -t in the foreground uses our terminal, returns the code" {
	run_plain
	# script(1) gives the exec a terminal as its stdio
	run timeout -k 10 300 script -qec "$HUTCH_BIN --root $ROOT exec -t $ID sh -c 'tty; read x; echo \"got \$x\"; exit 6'" /dev/null <<< "typed"
	echo "$output"
	[ "$status" = 6 ]
	[[ "$output" == *"/dev/pts/"* ]]
	[[ "$output" == *"got typed"* ]]
	hutch delete --force "$ID"
}

#!/usr/bin/env bats
# `hutch exec` into a running sandboxed container: the process runs in the
# guest (through the VMM's socket in the state dir and the guest init).

load vm_helpers
bats_require_minimum_version 1.5.0

setup() {
	setup_vm_bundle
	set_args sh -c 'readlink /proc/self/ns/mnt > /tmp/wl-mnt; echo started; exec sleep 1000'
	timeout -k 10 300 "$HUTCH_BIN" --root "$ROOT" run -d -b "$BUNDLE" "$ID" \
		> "$TMP/out" 2>&1 < /dev/null
	wait_for_started "$TMP/out"
}

teardown() {
	teardown_bundle
}

vm_exec() {
	timeout -k 10 120 "$HUTCH_BIN" --root "$ROOT" exec "$@"
}

@test "sandbox exec: the exit status, stdout and stderr come back" {
	run vm_exec "$ID" sh -c 'echo out; echo err >&2; exit 5'
	assert_status 5
	assert_output_contains out
	assert_output_contains err
	# it ran in the guest: the guest kernel, not the host's
	run vm_exec "$ID" uname -r
	assert_status 0
	assert_output_contains hutch
}

@test "sandbox exec: --env, --cwd and --user reach the process" {
	run vm_exec --env FOO=bar --cwd /tmp --user 1000:1000 "$ID" \
		sh -c 'echo "foo=$FOO pwd=$(pwd) id=$(id -u):$(id -g)"'
	assert_status 0
	assert_output_contains "foo=bar pwd=/tmp id=1000:1000"
}

@test "sandbox exec: stdin goes in, a missing program is a clear error" {
	run sh -c "echo piped | timeout 120 $HUTCH_BIN --root $ROOT exec $ID cat"
	assert_status 0
	assert_output_contains piped
	run -127 vm_exec "$ID" /no/such/program
	assert_output_contains "/no/such/program"
}

@test "sandbox exec: three at once, each with its own output and status" {
	for i in 1 2 3; do
		vm_exec "$ID" sh -c "sleep 1; echo session $i; exit $i" > "$TMP/x$i" 2>&1 &
		eval "p$i=\$!"
	done
	for i in 1 2 3; do
		eval "wait \$p$i" && st=0 || st=$?
		[ "$st" = "$i" ] || fail "exec $i: status $st: $(cat "$TMP/x$i")"
		grep -qx "session $i" "$TMP/x$i"
	done
}

@test "sandbox exec: --detach leaves the process running in the guest" {
	vm_exec --detach "$ID" sh -c 'echo detached > /tmp/detached-mark'
	for i in $(seq 100); do
		[ -e "$BUNDLE/rootfs/tmp/detached-mark" ] && break
		sleep 0.2
	done
	grep -q detached "$BUNDLE/rootfs/tmp/detached-mark"
}

@test "sandbox exec: a signal to exec reaches the guest process" {
	# hutch itself in the background ($! must be its pid, not a shell's)
	"$HUTCH_BIN" --root "$ROOT" exec "$ID" sh -c 'trap "echo got-term; exit 3" TERM; echo ready; while :; do sleep 0.1; done' > "$TMP/sig" 2>&1 &
	pid=$!
	for i in $(seq 100); do grep -q ready "$TMP/sig" && break; sleep 0.2; done
	kill -TERM "$pid"
	wait "$pid" && st=0 || st=$?
	[ "$st" = 3 ] || fail "status $st: $(cat "$TMP/sig")"
	grep -q got-term "$TMP/sig"
}

@test "sandbox exec: the process joins the container's namespaces and gets the spec's capabilities" {
	run vm_exec "$ID" sh -c 'readlink /proc/self/ns/mnt; grep ^CapEff /proc/self/status'
	assert_status 0
	# the container process's mount namespace, not the guest init's
	assert_output_contains "$(cat "$BUNDLE/rootfs/tmp/wl-mnt")"
	# hutch spec's three: AUDIT_WRITE, KILL, NET_BIND_SERVICE
	assert_output_contains "CapEff:	0000000020000420"
}

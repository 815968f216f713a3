#!/usr/bin/env bats
# Parallel load, crashes mid-operation, clean errors on exhaustion, and a
# leak audit after each (tests/integration/audit.bash).  HUTCH_STRESS=N
# multiplies the sizes (`make stress`).

load helpers
load audit

SCALE=${HUTCH_STRESS:-1}

setup() {
	setup_bundle
	audit_mark_config
	audit_snapshot before
}
teardown() {
	local st=0
	teardown_bundle || st=$?
	# the shared default parent, when this test made it (below)
	[ -z "${MADE_HUTCH_PARENT:-}" ] || rmdir $(hutch_parents) 2>/dev/null || true
	return $st
}

# /hutch, the parent of relative and absent cgroupsPaths, on each hierarchy
hutch_parents() {
	local h
	for h in /sys/fs/cgroup/hutch /sys/fs/cgroup/*/hutch; do
		[ -d "$h" ] && echo "$h"
	done
	return 0
}

# only the errors the spec allows under contention
allowed_errors() {
	grep -vE 'already exists|does not exist|is not running|is (running|created|stopped)|not created' "$@" |
		grep -E 'hutch' || true
}

worker() {
	local w=$1 n=$2 i id
	for i in $(seq "$n"); do
		# even workers use their own ids, odd ones collide on a small pool
		if [ $((w % 2)) -eq 0 ]; then id=${ID}-w$w-$i; else id=${ID}-pool$((i % 3)); fi
		"$HUTCH_BIN" --root "$ROOT" create -b "$BUNDLE" "$id" &&
			"$HUTCH_BIN" --root "$ROOT" start "$id"
		"$HUTCH_BIN" --root "$ROOT" kill "$id" KILL
		"$HUTCH_BIN" --root "$ROOT" delete --force "$id"
	done
}

@test "200 containers by 8 parallel workers: only the spec's errors, no leak" {
	set_args sleep 60
	# one cgroup per container: cgroupsPath absent -> /hutch/<id>.  hutch
	# removes the levels a container made, and the maker of the shared
	# /hutch is rarely the last one out: if it is new, this test made it
	# and its teardown removes it
	update_config "del(.linux.cgroupsPath)"
	[ -n "$(hutch_parents)" ] || MADE_HUTCH_PARENT=1
	per=$((25 * SCALE))
	for w in $(seq 8); do
		worker "$w" "$per" > "$TMP/w$w.log" 2>&1 &
	done
	timeout 600 sh -c wait || fail "workers hung"
	wait
	bad=$(allowed_errors "$TMP"/w*.log)
	[ -z "$bad" ] || fail "unexpected errors: $bad"
	[ -z "$(ls "$ROOT")" ] || fail "state left: $(ls "$ROOT")"
	for h in $(hutch_parents); do
		! ls -d "$h/$ID"-* 2>/dev/null || fail "cgroups left in $h"
	done
	audit_compare before after
}

@test "a create killed at any moment is cleaned up by delete and by a new create" {
	set_args sleep 60
	for i in $(seq $((10 * SCALE))); do
		"$HUTCH_BIN" --root "$ROOT" create -b "$BUNDLE" "$ID" >/dev/null 2>&1 &
		pid=$!
		sleep "0.0$((RANDOM % 5))$((RANDOM % 10))"
		kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		# whatever moment it died at, the id is either a finished
		# container (created), remains (stopped), or nothing
		st=$(hutch state "$ID" 2>/dev/null | jq -r .status || true)
		case "$st" in created|stopped|"") ;; *) fail "status after kill: $st" ;; esac
		if [ $((i % 2)) -eq 0 ] || [ "$st" = created ]; then
			hutch delete --force "$ID" 2>/dev/null || true
		fi
		# then a create with the same id must work
		hutch create -b "$BUNDLE" "$ID"
		[ "$(state_field "$ID" .status)" = created ]
		hutch delete --force "$ID"
	done
	audit_compare before after
}

@test "a create killed inside a createRuntime hook leaves nothing a delete can't clean" {
	cat > "$TMP/hook.sh" <<H
#!/bin/sh
echo \$PPID > $TMP/hook.ppid
echo \$\$ > $TMP/hook.pid
exec sleep 30
H
	chmod +x "$TMP/hook.sh"
	update_config ".hooks.createRuntime = [{path: \"$TMP/hook.sh\"}]"
	hutch create -b "$BUNDLE" "$ID" &
	wait_for test -s "$TMP/hook.ppid"
	kill -KILL "$(cat "$TMP/hook.ppid")"
	wait || true
	[ "$(state_field "$ID" .status)" = stopped ]
	[ -n "$(test_cgroup_dirs)" ]
	hutch delete "$ID"
	[ -z "$(test_cgroup_dirs)" ] || fail "cgroup left: $(test_cgroup_dirs)"
	kill "$(cat "$TMP/hook.pid")" 2>/dev/null || true
	audit_compare before after
}

@test "a container whose init died outside hutch shows stopped and deletes" {
	set_args sleep 60
	hutch run -d -b "$BUNDLE" "$ID"
	kill -KILL "$(state_field "$ID" .pid)"
	wait_for sh -c "[ \"\$($HUTCH_BIN --root $ROOT state $ID | jq -r .status)\" = stopped ]"
	hutch delete "$ID"
	audit_compare before after
}

@test "an exec killed mid-way leaks nothing" {
	set_args sleep 60
	hutch run -d -b "$BUNDLE" "$ID"
	for i in $(seq 5); do
		"$HUTCH_BIN" --root "$ROOT" exec "$ID" sleep 30 &
		pid=$!
		sleep 0.0$((RANDOM % 10))
		kill -KILL $pid
		wait $pid || true
	done
	hutch delete --force "$ID"
	audit_compare before after
}

@test "pids cgroup full: a clear error, nothing left" {
	# the init fills pids.max=1; its createContainer hook must fork in the
	# container's cgroup (moving a process in is not limited, forking is)
	update_config '.linux.resources.pids = {limit: 1}
		| .hooks.createContainer = [{path: "/bin/true"}]'
	run hutch run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_output_contains "createContainer hook 0"
	assert_output_contains "Resource temporarily unavailable"
	[ ! -d "$ROOT/$ID" ]
	audit_compare before after
}

@test "a memory limit below what the init needs: a clear error, nothing left" {
	update_config '.linux.resources.memory = {limit: 65536}'
	run hutch run -b "$BUNDLE" "$ID"
	assert_status 1
	assert_output_contains "container \`$ID\`"
	[ ! -d "$ROOT/$ID" ]
	audit_compare before after
}

@test "a full state-dir filesystem: a clear error, nothing left" {
	mkdir "$TMP/small"
	mount -t tmpfs -o size=8k,nr_inodes=8 tmpfs "$TMP/small"
	touch "$TMP/small/f1" "$TMP/small/f2" "$TMP/small/f3" "$TMP/small/f4" "$TMP/small/f5"
	dd if=/dev/zero of="$TMP/small/fill" bs=1k count=8 2>/dev/null || true
	run "$HUTCH_BIN" --root "$TMP/small/state" run -b "$BUNDLE" "$ID"
	umount "$TMP/small"
	assert_status 1
	assert_output_contains "No space left on device"
	[ -z "$(test_cgroup_dirs)" ]
	audit_compare before after
}

@test "EMFILE: a clear error, nothing left" {
	run sh -c "ulimit -n 12; exec $HUTCH_BIN --root $ROOT run -b $BUNDLE $ID"
	assert_status 1
	assert_output_contains "Too many open files"
	[ ! -d "$ROOT/$ID" ]
	[ -z "$(test_cgroup_dirs)" ]
	audit_compare before after
}

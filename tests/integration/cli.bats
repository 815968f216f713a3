#!/usr/bin/env bats
# The CLI around the lifecycle: list, spec, features, kill, --help.

load helpers

setup() { setup_bundle; }
teardown() { teardown_bundle; }

@test "--version and --help" {
	run hutch --version
	assert_status 0
	assert_output_contains "hutch version"
	run hutch --help
	assert_status 0
	for c in create start state kill delete run list spec features; do
		assert_output_contains "  $c "
	done
}

@test "unknown command and unknown flag are errors" {
	run hutch frobnicate
	assert_status 1
	assert_output_contains "unknown command \`frobnicate\`"
	run hutch create --no-such-flag x
	assert_status 1
}

@test "spec writes a config.json that runs" {
	mkdir "$TMP/b2"
	cp -a "$BUNDLE/rootfs" "$TMP/b2/rootfs"
	(cd "$TMP/b2" && "$HUTCH_BIN" spec)
	jq -e '.ociVersion and .process.args and .root.path == "rootfs"' "$TMP/b2/config.json"
	jq ".process.terminal = false | .process.args = [\"echo\", \"ok\"]
		| .linux.cgroupsPath = \"$CGROUP_PATH\"" "$TMP/b2/config.json" > "$TMP/c.json"
	mv "$TMP/c.json" "$TMP/b2/config.json"
	run hutch run -b "$TMP/b2" "$ID"
	assert_status 0
	[ "$output" = ok ]
	run hutch spec -b "$TMP/b2"
	assert_status 1
	assert_output_contains "exists"
}

@test "features is the runtime-spec features JSON" {
	run hutch features
	assert_status 0
	echo "$output" | jq -e '.ociVersionMin and .ociVersionMax and (.linux.namespaces | index("pid"))'
}

@test "list: table, json and quiet" {
	set_args sleep 100
	hutch create -b "$BUNDLE" "${ID}a"
	use_cgroup b
	hutch run -d -b "$BUNDLE" "${ID}b"
	run hutch list
	assert_status 0
	echo "${lines[0]}" | grep -E '^ID +PID +STATUS +BUNDLE +CREATED +OWNER'
	echo "$output" | grep -E "^${ID}a +[0-9]+ +created +$BUNDLE"
	echo "$output" | grep -E "^${ID}b +[0-9]+ +running +$BUNDLE"
	run hutch list --format json
	assert_status 0
	[ "$(echo "$output" | jq -r "map(select(.id == \"${ID}b\"))[0].status")" = running ]
	[ "$(echo "$output" | jq length)" = 2 ]
	run hutch list -q
	[ "$output" = "${ID}a
${ID}b" ]
}

@test "list shows a broken state dir and goes on" {
	set_args sleep 100
	hutch create -b "$BUNDLE" "$ID"
	mkdir -p "$ROOT/broken"
	echo '{not json' > "$ROOT/broken/state.json"
	run hutch list
	assert_status 0
	echo "$output" | grep -E "^broken +0 +broken"
	echo "$output" | grep -E "^$ID +[0-9]+ +created"
	rm -rf "$ROOT/broken"
}

@test "kill delivers a named signal, a number, and SIG-prefixed names" {
	set_args sh -c 'trap "echo USR1 >> /tmp/sig" USR1; trap "echo HUP >> /tmp/sig" HUP; trap "echo TERM >> /tmp/sig; exit 0" TERM; while :; do sleep 0.05; done'
	hutch run -d -b "$BUNDLE" "$ID"
	sleep 0.2
	hutch kill "$ID" USR1
	wait_for grep -q USR1 "$BUNDLE/rootfs/tmp/sig"
	hutch kill "$ID" 1
	wait_for grep -q HUP "$BUNDLE/rootfs/tmp/sig"
	hutch kill "$ID" SIGTERM
	wait_for grep -q TERM "$BUNDLE/rootfs/tmp/sig"
	wait_for sh -c "[ \"\$($HUTCH_BIN --root $ROOT state $ID | jq -r .status)\" = stopped ]"
}

@test "kill with a bad signal, or a stopped container, is an error" {
	set_args sleep 100
	hutch run -d -b "$BUNDLE" "$ID"
	run hutch kill "$ID" NOTASIGNAL
	assert_status 1
	assert_output_contains "unknown signal"
	hutch kill "$ID" KILL
	wait_for sh -c "[ \"\$($HUTCH_BIN --root $ROOT state $ID | jq -r .status)\" = stopped ]"
	run hutch kill "$ID" TERM
	assert_status 1
	assert_output_contains "not running"
}

@test "--log-format json writes errors as JSON lines" {
	run "$HUTCH_BIN" --root "$ROOT" --log "$TMP/log.json" --log-format json state nosuch
	assert_status 1
	jq -e 'select(.level == "error") | .msg | contains("nosuch")' "$TMP/log.json"
	jq -e '.time' "$TMP/log.json"
}

#!/usr/bin/env bats
# Mount destinations behind symlinks to "/", ".." or a host path resolve
# inside the rootfs (or fail cleanly), never on the host (CVE-2021-30465).

load helpers

setup() {
	setup_bundle
	mkdir "$TMP/host"
	echo "host secret" > "$TMP/host/victim"
}
teardown() { teardown_bundle; }

# the host side must hold exactly what the test put there
host_untouched() {
	[ "$(ls -A "$TMP/host")" = victim ] || fail "host dir changed: $(ls -A "$TMP/host")"
	[ "$(cat "$TMP/host/victim")" = "host secret" ] || fail "victim changed"
}

@test "destinations behind symlinks to /, .. and a host path land inside the root" {
	ln -s / "$BUNDLE/rootfs/toroot"
	ln -s "../../../../../../../../..$TMP/host" "$BUNDLE/rootfs/up"
	ln -s "$TMP/host" "$BUNDLE/rootfs/abs"
	echo payload > "$TMP/payload"
	# tmpcopyup would copy the host's victim into the container if /abs
	# were followed on the host; the bind would create host/made/
	update_config '.mounts += [
		{"destination": "/toroot/t1", "type": "tmpfs", "source": "tmpfs"},
		{"destination": "/up/t2", "type": "tmpfs", "source": "tmpfs"},
		{"destination": "/abs", "type": "tmpfs", "source": "tmpfs",
		 "options": ["tmpcopyup"]},
		{"destination": "/abs/made/file", "type": "bind",
		 "source": "'"$TMP"'/payload", "options": ["bind"]}]'
	set_args sh -c 'awk "{print \$5}" /proc/self/mountinfo; cat /abs/made/file; cat /abs/victim '"$TMP"'/host/victim 2>&1; true'
	run hutch run -b "$BUNDLE" "$ID"
	assert_status 0
	assert_output_contains "/t1"
	assert_output_contains "$TMP/host/t2"
	assert_output_contains "$TMP/host/made/file"
	assert_output_contains payload
	case "$output" in *"host secret"*) fail "host file visible: $output" ;; esac
	host_untouched
}

@test "a destination that is a symlink to a host file cannot be bind-mounted over it" {
	echo payload > "$TMP/payload"
	ln -s "$TMP/host/victim" "$BUNDLE/rootfs/etc/link"
	update_config '.mounts += [{"destination": "/etc/link", "type": "bind",
		"source": "'"$TMP"'/payload", "options": ["bind"]}]'
	set_args sh -c "cat /etc/link; cat $TMP/host/victim"
	run hutch run -b "$BUNDLE" "$ID"
	assert_status 0
	[ "${lines[0]}" = payload ]
	[ "${lines[1]}" = payload ]
	host_untouched
}

@test "CVE-2021-30465: a container swapping a shared volume's dir for a symlink cannot redirect another's mounts" {
	mkdir -p "$TMP/vol/dir"
	ln -s "../../../../../../../../..$TMP/host" "$TMP/vol/link"
	cp "$BUNDLE/config.json" "$TMP/config.base"
	# container A: the attacker, swapping dir and link in the volume
	update_config '.mounts += [{"destination": "/vol", "type": "bind",
		"source": "'"$TMP"'/vol", "options": ["rbind"]}]'
	set_args sh -c 'cd /vol; while :; do mv dir tmp; mv link dir; mv dir link; mv tmp dir; done'
	use_cgroup attacker
	hutch run -d -b "$BUNDLE" "$ID-a"
	[ "$(state_field "$ID-a" .status)" = running ]
	# container B: the victim, its mounts going into the volume
	cp "$TMP/config.base" "$BUNDLE/config.json"
	mounts='{"destination": "/vol", "type": "bind", "source": "'"$TMP"'/vol", "options": ["rbind"]}'
	for i in $(seq 10); do
		mounts="$mounts, {\"destination\": \"/vol/dir/m$i/x\", \"type\": \"tmpfs\", \"source\": \"tmpfs\"}"
	done
	update_config ".mounts += [$mounts]"
	use_cgroup victim
	ok=0
	for i in $(seq 20); do
		# a lost race may fail a run cleanly; it must never escape
		hutch run -b "$BUNDLE" "$ID-b$i" >/dev/null 2>&1 && ok=$((ok + 1))
	done
	hutch kill "$ID-a" KILL
	host_untouched
	echo "# $ok of 20 victim containers ran" >&3
}

#!/usr/bin/env bats
# root: root.path relative/absolute, root.readonly, --no-pivot,
# linux.rootfsPropagation, and nothing left on the host.

load helpers

setup() { setup_bundle; }
teardown() { teardown_bundle; }

@test "root.readonly refuses writes to the root, not to its tmpfs mounts" {
	update_config '.root.readonly = true'
	set_args sh -c 'touch /newfile || echo REFUSED; touch /dev/shm/ok && echo SHM_OK; awk "\$5 == \"/\"" /proc/self/mountinfo'
	run hutch run -b "$BUNDLE" "$ID"
	assert_status 0
	assert_output_contains REFUSED
	assert_output_contains SHM_OK
	echo "$output" | awk '$5 == "/" {print $6}' | grep -qE '^ro(,|$)'
	[ ! -e "$BUNDLE/rootfs/newfile" ]
}

@test "root.path may be absolute, outside the bundle" {
	mv "$BUNDLE/rootfs" "$TMP/elsewhere"
	update_config ".root.path = \"$TMP/elsewhere\""
	set_args cat /etc/hutch-release
	run hutch run -b "$BUNDLE" "$ID"
	assert_status 0
	[ "$output" = "hutch test rootfs" ]
}

@test "a missing root.path fails naming it" {
	update_config '.root.path = "nope"'
	run hutch run -b "$BUNDLE" "$ID"
	[ "$status" -ne 0 ]
	assert_output_contains "nope"
	[ ! -d "$ROOT/$ID" ] || fail "state dir left behind"
}

@test "--no-pivot: MS_MOVE + chroot, same view from inside" {
	set_args sh -c 'cat /etc/hutch-release; pwd; ls /; grep -c . /proc/self/mountinfo'
	run hutch run --no-pivot -b "$BUNDLE" "$ID"
	assert_status 0
	[ "${lines[0]}" = "hutch test rootfs" ]
	[ "${lines[1]}" = / ]
	assert_output_contains etc
	# the host's tree is not visible: "/" is the rootfs
	case "$output" in *hutch-test.*) fail "host paths visible: $output" ;; esac
}

@test "rootfsPropagation: rshared makes the root a shared mount, private does not" {
	update_config '.linux.rootfsPropagation = "rshared"'
	set_args awk '$5 == "/"' /proc/self/mountinfo
	run hutch run -b "$BUNDLE" "$ID"
	assert_status 0
	assert_output_contains " shared:"
	update_config '.linux.rootfsPropagation = "private"'
	run hutch run -b "$BUNDLE" "$ID"
	assert_status 0
	case "$output" in *shared:*) fail "private root is shared: $output" ;; esac
}

@test "an unknown rootfsPropagation is refused" {
	update_config '.linux.rootfsPropagation = "sideways"'
	run hutch run -b "$BUNDLE" "$ID"
	[ "$status" -ne 0 ]
	assert_output_contains sideways
}

# the host's mounts, minus those other tests on this shared machine make
# and remove meanwhile (their temp dirs, network namespace files)
host_mounts() {
	grep -vE ' /(tmp|var/tmp)/| - nsfs |/run/netns' /proc/self/mountinfo |
		awk '{$1=""; $2=""; print}' | sort
	grep -F "$TMP" /proc/self/mountinfo || true
}

@test "the host's mountinfo is unchanged after 50 containers" {
	update_config '.linux.rootfsPropagation = "rshared"
		| .mounts += [{"destination": "/mnt/b", "type": "bind",
			"source": "/tmp", "options": ["rbind", "rshared"]}]'
	before=$(host_mounts)
	for i in $(seq 50); do
		hutch run -b "$BUNDLE" "$ID-$i" >/dev/null ||
			fail "run $i failed"
	done
	after=$(host_mounts)
	[ "$before" = "$after" ] || fail "host mounts changed:
$(diff <(echo "$before") <(echo "$after"))"
}

#!/usr/bin/env bats
# mounts[]: bind mounts of files and directories, their options, rbind/rro,
# propagation flags, as the container sees them in /proc/self/mountinfo.

load helpers

setup() { setup_bundle; }
teardown() { teardown_bundle; }

# add_mount JSON: append one mounts[] entry
add_mount() {
	update_config ".mounts += [$1]"
}

# mnt_opts MOUNTPOINT: the per-mount options column of that mount point in
# $output (a mountinfo dump)
mnt_line() {
	echo "$output" | awk -v m="$1" '$5 == m' | tail -1
}

@test "a bind-mounted file is there, read-only with nosuid in mountinfo" {
	echo "from the host" > "$TMP/file.txt"
	add_mount '{"destination": "/etc/bound.txt", "type": "bind",
		"source": "'"$TMP"'/file.txt", "options": ["bind", "ro", "nosuid"]}'
	set_args sh -c 'cat /etc/bound.txt; cat /proc/self/mountinfo; echo x > /etc/bound.txt || echo REFUSED'
	run hutch run -b "$BUNDLE" "$ID"
	assert_status 0
	[ "${lines[0]}" = "from the host" ]
	l=$(mnt_line /etc/bound.txt)
	[ -n "$l" ] || fail "no mount at /etc/bound.txt: $output"
	echo "$l" | awk '{print $6}' | grep -qE '(^|,)ro(,|$)'
	echo "$l" | awk '{print $6}' | grep -qE '(^|,)nosuid(,|$)'
	assert_output_contains REFUSED
	[ "$(cat "$TMP/file.txt")" = "from the host" ]
}

@test "a bind-mounted directory from a bundle-relative source is writable by default" {
	mkdir "$BUNDLE/shared"
	add_mount '{"destination": "/mnt/shared", "type": "bind",
		"source": "shared", "options": ["rbind", "nodev", "noexec"]}'
	set_args sh -c 'echo written > /mnt/shared/new; grep " /mnt/shared " /proc/self/mountinfo'
	run hutch run -b "$BUNDLE" "$ID"
	assert_status 0
	[ "$(cat "$BUNDLE/shared/new")" = written ]
	assert_output_contains nodev
	assert_output_contains noexec
}

@test "rbind,ro leaves submounts rw; rbind,rro makes them read-only too" {
	mkdir -p "$TMP/src/sub"
	# the submount exists only in a private namespace of ours, around run
	update_config '.process.args = ["sh", "-c",
		"grep -E \" /mnt/(ro|rro)(/sub)? \" /proc/self/mountinfo | awk \"{print \\$5, \\$6}\";
		 touch /mnt/ro/sub/a && echo RO_SUB_WRITABLE;
		 touch /mnt/rro/sub/a || echo RRO_SUB_READONLY"]'
	add_mount '{"destination": "/mnt/ro", "type": "bind", "source": "'"$TMP"'/src",
		"options": ["rbind", "ro"]}'
	add_mount '{"destination": "/mnt/rro", "type": "bind", "source": "'"$TMP"'/src",
		"options": ["rbind", "rro"]}'
	run unshare -m --propagation private sh -c "
		mount -t tmpfs -o size=16k tmpfs '$TMP/src/sub' &&
		'$HUTCH_BIN' --root '$ROOT' run -b '$BUNDLE' '$ID'"
	assert_status 0
	echo "$output" | grep -qE '^/mnt/ro ro,'
	echo "$output" | grep -qE '^/mnt/ro/sub rw,'
	echo "$output" | grep -qE '^/mnt/rro ro,'
	echo "$output" | grep -qE '^/mnt/rro/sub ro,'
	assert_output_contains RO_SUB_WRITABLE
	assert_output_contains RRO_SUB_READONLY
}

@test "propagation options show in mountinfo: shared, unbindable, private" {
	add_mount '{"destination": "/mnt/sh", "type": "tmpfs", "source": "tmpfs",
		"options": ["rshared"]}'
	add_mount '{"destination": "/mnt/ub", "type": "tmpfs", "source": "tmpfs",
		"options": ["unbindable"]}'
	add_mount '{"destination": "/mnt/pr", "type": "tmpfs", "source": "tmpfs",
		"options": ["shared", "private"]}'
	set_args cat /proc/self/mountinfo
	run hutch run -b "$BUNDLE" "$ID"
	assert_status 0
	mnt_line /mnt/sh | grep -q ' shared:[0-9]'
	mnt_line /mnt/ub | grep -q ' unbindable '
	[ -n "$(mnt_line /mnt/pr)" ]
	# (bats ignores a failing `! cmd`: test the text instead)
	case "$(mnt_line /mnt/pr)" in *shared:* | *master:*) fail "/mnt/pr not private" ;; esac
}

@test "a bind of a directory over a file fails cleanly, naming the mount" {
	mkdir "$TMP/dir"
	add_mount '{"destination": "/etc/passwd", "type": "bind",
		"source": "'"$TMP"'/dir", "options": ["bind"]}'
	run hutch run -b "$BUNDLE" "$ID"
	[ "$status" -ne 0 ]
	assert_output_contains "mount \`$TMP/dir\` on \`/etc/passwd\`: Not a directory"
	[ ! -d "$ROOT/$ID" ] || fail "state dir left behind"
}

@test "mounting over a file inside /proc is refused" {
	echo x > "$TMP/fake"
	add_mount '{"destination": "/proc/sys/kernel/core_pattern", "type": "bind",
		"source": "'"$TMP"'/fake", "options": ["bind"]}'
	run hutch run -b "$BUNDLE" "$ID"
	[ "$status" -ne 0 ]
	assert_output_contains "destination is inside /proc"
}

@test "idmap: a user-namespace container sees the host's root-owned files as its root's" {
	unshare -U true 2>/dev/null || skip "user namespaces unavailable here"
	mkdir "$TMP/data"
	echo data > "$TMP/data/file"
	# the rootfs is the host root's: unmapped, so the container's root
	# cannot create mount points in it
	mkdir -p "$BUNDLE/rootfs/mnt/idm" "$BUNDLE/rootfs/mnt/plain"
	update_config '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .mounts += [{"destination": "/mnt/idm", "type": "bind",
			"source": "'"$TMP"'/data", "options": ["bind", "idmap"]},
			{"destination": "/mnt/plain", "type": "bind",
			"source": "'"$TMP"'/data", "options": ["bind"]}]'
	set_args sh -c 'stat -c "%u %g" /mnt/idm/file /mnt/plain/file; echo more >> /mnt/idm/file && echo WROTE; grep " /mnt/idm " /proc/self/mountinfo'
	run hutch run -b "$BUNDLE" "$ID"
	assert_status 0
	# through the idmapped mount host uid 0 is the container's root, and
	# root can write; through the plain bind it is unmapped (65534)
	[ "${lines[0]}" = "0 0" ]
	[ "${lines[1]}" = "65534 65534" ]
	assert_output_contains WROTE
	assert_output_contains idmapped
	[ "$(stat -c %u "$TMP/data/file")" = 0 ]
	[ "$(tail -1 "$TMP/data/file")" = more ]
}

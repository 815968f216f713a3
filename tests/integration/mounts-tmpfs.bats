#!/usr/bin/env bats
# mounts[]: tmpfs size and mode, tmpcopyup, data options, bad options.

load helpers

setup() { setup_bundle; }
teardown() { teardown_bundle; }

@test "the default /dev/shm is 64 MiB (mountinfo and df)" {
	set_args sh -c 'grep " /dev/shm " /proc/self/mountinfo; df -k /dev/shm | tail -1'
	run hutch run -b "$BUNDLE" "$ID"
	assert_status 0
	assert_output_contains "size=65536k"
	[ "$(echo "${lines[1]}" | awk '{print $2}')" = 65536 ]
}

@test "a tmpfs gets its size and mode, and fills up at its size" {
	update_config '.mounts += [{"destination": "/scratch", "type": "tmpfs",
		"source": "tmpfs", "options": ["size=64k", "mode=1700", "noexec"]}]'
	set_args sh -c 'grep " /scratch " /proc/self/mountinfo; stat -c %a /scratch; dd if=/dev/zero of=/scratch/big bs=1k count=128 2>/dev/null || echo FULL'
	run hutch run -b "$BUNDLE" "$ID"
	assert_status 0
	assert_output_contains "size=64k"
	assert_output_contains noexec
	[ "${lines[1]}" = 1700 ]
	assert_output_contains FULL
}

@test "tmpcopyup starts the tmpfs with what it covers; writes stay in it" {
	mkdir -p "$BUNDLE/rootfs/opt/app/sub"
	echo "config" > "$BUNDLE/rootfs/opt/app/sub/conf"
	ln -s sub/conf "$BUNDLE/rootfs/opt/app/link"
	update_config '.mounts += [{"destination": "/opt/app", "type": "tmpfs",
		"source": "tmpfs", "options": ["tmpcopyup"]}]'
	set_args sh -c 'cat /opt/app/link; echo new > /opt/app/new; grep " /opt/app " /proc/self/mountinfo'
	run hutch run -b "$BUNDLE" "$ID"
	assert_status 0
	[ "${lines[0]}" = config ]
	assert_output_contains tmpfs
	[ ! -e "$BUNDLE/rootfs/opt/app/new" ]
}

@test "a bad tmpfs option fails with the mount named and the kernel's reason" {
	update_config '.mounts += [{"destination": "/scratch", "type": "tmpfs",
		"source": "tmpfs", "options": ["size=lots"]}]'
	run hutch run -b "$BUNDLE" "$ID"
	[ "$status" -ne 0 ]
	assert_output_contains "mount \`tmpfs\` on \`/scratch\`: Invalid argument"
	[ ! -d "$ROOT/$ID" ] || fail "state dir left behind"
}

#!/usr/bin/env bats
# /dev: the default devices, linux.devices, the standard links, devpts,
# shm and mqueue, as seen from inside the container.

load helpers

setup() { setup_bundle; }
teardown() { teardown_bundle; }

# "path type major minor mode uid gid" of each path, from inside
devstat='for d in "$@"; do stat -c "%n %F %t %T %a %u %g" "$d"; done'

@test "the default devices exist with their numbers and 0666" {
	set_args sh -c "$devstat" sh /dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty
	run hutch run -b "$BUNDLE" "$ID"
	assert_status 0
	[ "${lines[0]}" = "/dev/null character special file 1 3 666 0 0" ]
	[ "${lines[1]}" = "/dev/zero character special file 1 5 666 0 0" ]
	[ "${lines[2]}" = "/dev/full character special file 1 7 666 0 0" ]
	[ "${lines[3]}" = "/dev/random character special file 1 8 666 0 0" ]
	[ "${lines[4]}" = "/dev/urandom character special file 1 9 666 0 0" ]
	[ "${lines[5]}" = "/dev/tty character special file 5 0 666 0 0" ]
}

@test "the devices work: /dev/null swallows, /dev/zero and /dev/urandom read" {
	set_args sh -c 'echo x > /dev/null && head -c 4 /dev/zero | od -An -tx1 && head -c 16 /dev/urandom | wc -c'
	run hutch run -b "$BUNDLE" "$ID"
	assert_status 0
	[ "$(echo ${lines[0]})" = "00 00 00 00" ]
	[ "$(echo ${lines[1]})" = 16 ]
}

@test "/dev links: fd, stdin, stdout, stderr, ptmx -> pts/ptmx" {
	set_args sh -c 'for l in fd stdin stdout stderr ptmx; do echo $l $(readlink /dev/$l); done'
	run hutch run -b "$BUNDLE" "$ID"
	assert_status 0
	[ "${lines[0]}" = "fd /proc/self/fd" ]
	[ "${lines[1]}" = "stdin /proc/self/fd/0" ]
	[ "${lines[2]}" = "stdout /proc/self/fd/1" ]
	[ "${lines[3]}" = "stderr /proc/self/fd/2" ]
	[ "${lines[4]}" = "ptmx pts/ptmx" ]
}

@test "/dev/pts is a new devpts instance; /dev/shm and /dev/mqueue are mounted" {
	set_args sh -c 'cat /proc/self/mountinfo; stat -c "%a" /dev/pts/ptmx'
	run hutch run -b "$BUNDLE" "$ID"
	assert_status 0
	echo "$output" | grep -E ' /dev/pts .* devpts ' | grep -q ptmxmode=666
	echo "$output" | grep -qE ' /dev/shm .* tmpfs '
	echo "$output" | grep -qE ' /dev/mqueue .* mqueue '
	[ "${lines[${#lines[@]}-1]}" = 666 ]
	# not the host's instance: the host's devpts has another device number
	host=$(stat -c %d /dev/pts/ptmx)
	set_args stat -c %d /dev/pts/ptmx
	run hutch run -b "$BUNDLE" "$ID"
	[ "$output" != "$host" ]
}

@test "linux.devices: numbers, fileMode, uid/gid, nested paths, block and fifo" {
	update_config '.linux.devices = [
		{"path": "/dev/mydev", "type": "c", "major": 1, "minor": 5,
		 "fileMode": 416, "uid": 1, "gid": 2},
		{"path": "/dev/net/tun", "type": "c", "major": 10, "minor": 200},
		{"path": "/dev/loop-hutch", "type": "b", "major": 7, "minor": 200,
		 "fileMode": 432, "gid": 6},
		{"path": "/dev/myfifo", "type": "p", "fileMode": 420}]'
	set_args sh -c "$devstat" sh /dev/mydev /dev/net/tun /dev/loop-hutch /dev/myfifo
	run hutch run -b "$BUNDLE" "$ID"
	assert_status 0
	[ "${lines[0]}" = "/dev/mydev character special file 1 5 640 1 2" ]
	[ "${lines[1]}" = "/dev/net/tun character special file a c8 666 0 0" ]
	[ "${lines[2]}" = "/dev/loop-hutch block special file 7 c8 660 0 6" ]
	[ "${lines[3]}" = "/dev/myfifo fifo 0 0 644 0 0" ]
}

@test "linux.devices replaces a default device of the same path" {
	update_config '.linux.devices = [{"path": "/dev/null", "type": "c",
		"major": 1, "minor": 3, "fileMode": 384}]'
	set_args sh -c "$devstat" sh /dev/null /dev/zero
	run hutch run -b "$BUNDLE" "$ID"
	assert_status 0
	[ "${lines[0]}" = "/dev/null character special file 1 3 600 0 0" ]
	[ "${lines[1]}" = "/dev/zero character special file 1 5 666 0 0" ]
}

@test "in a user namespace the devices are the host's nodes, bind-mounted" {
	unshare -U true 2>/dev/null || skip "user namespaces unavailable here"
	update_config '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
	set_args sh -c "$devstat"' ; grep " /dev/null " /proc/self/mountinfo' sh /dev/null /dev/urandom
	run hutch run -b "$BUNDLE" "$ID"
	assert_status 0
	[ "${lines[0]}" = "/dev/null character special file 1 3 666 65534 65534" ]
	[ "${lines[1]}" = "/dev/urandom character special file 1 9 666 65534 65534" ]
	assert_output_contains devtmpfs
}

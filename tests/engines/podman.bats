#!/usr/bin/env bats
# podman 4.3 + conmon drive this tree's hutch, configured through
# contrib/podman/containers.conf.  Everything podman keeps (storage, run dir,
# tmp dir, locks, events, network config) is under $PODMAN_DIR; containers
# get --network none unless a test says otherwise and a cgroup parent under
# /hutch-test/.

load podman
bats_require_minimum_version 1.5.0

setup_file() {
	podman_setup_file
}

teardown_file() {
	podman_teardown_file
}

setup() {
	podman_setup
}

teardown() {
	podman_teardown
}

@test "podman: contrib containers.conf makes hutch the runtime" {
	run podman info --format '{{.Host.OCIRuntime.Name}} {{.Host.OCIRuntime.Path}} {{.Host.OCIRuntime.Version}}'
	assert_status 0
	assert_output_contains "hutch $PODMAN_DIR/bin/hutch"
	assert_output_contains "hutch version"
}

@test "podman: run --rm prints, returns the exit code, in our cgroup" {
	run prun --rm "$IMG" sh -c 'echo hello from $(hostname); grep memory /proc/self/cgroup; exit 3'
	assert_status 3
	assert_output_contains "hello from"
	assert_output_contains ":memory:$CGROUP_PATH/libpod-"
	run podman ps -aq
	[ -z "$output" ]
}

@test "podman: --runtime PATH; a missing command exits 127 with hutch's error" {
	run -127 podman --runtime "$PODMAN_DIR/bin/hutch" run --rm \
		--cgroup-parent "$CGROUP_PATH" "$IMG" /nonexistent
	assert_status 127
	# conmon read it from hutch's --log-format json log
	assert_output_contains '`/nonexistent`: No such file or directory'
}

@test "podman: run -d, exec, stop, rm" {
	run prun -d --name "$ID" "$IMG" sh -c "$TERMABLE"
	assert_status 0
	wait_for sh -c "podman logs $ID | grep -q up"
	id=$(full_id "$ID")
	[ "$(podman inspect -f '{{.State.Status}}' "$ID")" = running ]
	# podman's pid is hutch's init pid
	[ "$(hutch_state_of "$id" .pid)" = "$(podman inspect -f '{{.State.Pid}}' "$ID")" ]
	[ "$(hutch_state_of "$id" .status)" = running ]

	run podman exec "$ID" sh -c 'echo pid1: $(tr "\0" " " < /proc/1/cmdline); exit 5'
	assert_status 5
	assert_output_contains "pid1: sh -c trap"

	run podman stop -t 10 "$ID"
	assert_status 0
	[ "$(podman inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$ID")" = "exited 0" ]
	run podman logs "$ID"
	assert_output_contains "got TERM"
	run podman rm "$ID"
	assert_status 0
	run podman ps -aq
	[ -z "$output" ]
}

@test "podman: create, init (hutch create), start -a (hutch start)" {
	run podman create --name "$ID" --cgroup-parent "$CGROUP_PATH" "$IMG" \
		sh -c 'echo started; exit 4'
	assert_status 0
	id=$(full_id "$ID")
	run podman init "$ID"
	assert_status 0
	[ "$(podman inspect -f '{{.State.Status}}' "$ID")" = initialized ]
	[ "$(hutch_state_of "$id" .status)" = created ]
	run podman start -a "$ID"
	assert_status 4
	assert_output_contains started
}

@test "podman: --preserve-fds hands podman's fd 3 to the container" {
	echo from-fd-3 > "$TMP/f"
	run prun --rm --preserve-fds 1 "$IMG" sh -c 'cat <&3' 3<"$TMP/f"
	assert_status 0
	assert_equal "$output" from-fd-3
}

@test "podman: exec --user --workdir --env, and exec -it in a pty" {
	prun -d --name "$ID" "$IMG" sh -c "$TERMABLE"
	run podman exec --user 1:1 --workdir /tmp --env FOO=bar "$ID" \
		sh -c 'echo $(id -u):$(id -g) $(pwd) $FOO'
	assert_status 0
	assert_equal "$output" "1:1 /tmp bar"

	run in_pty 'tty; exit 4' podman exec -it "$ID" sh
	assert_status 4
	assert_output_contains "/dev/pts/"
}

@test "podman: rm -f removes a running container, its cgroup and its mounts" {
	prun -d --name "$ID" "$IMG" sh -c "$TERMABLE"
	id=$(full_id "$ID")
	cg=/sys/fs/cgroup/memory$CGROUP_PATH/libpod-$id
	[ -d "$cg" ]
	[ -n "$(mounts_under "$PODMAN_DIR" "$PODMAN_DIR/storage/overlay")" ]
	run podman rm -f "$ID"
	assert_status 0
	[ ! -d "$cg" ]
	[ -z "$(mounts_under "$PODMAN_DIR" "$PODMAN_DIR/storage/overlay")" ]
	[ -z "$(state_containers "$PODMAN_DIR/hutch-state")" ]
}

@test "podman: run -it under a pty" {
	run in_pty 'stty rows 33 cols 77; stty size; tty; exit 4' \
		podman run -it --rm --cgroup-parent "$CGROUP_PATH" "$IMG" sh
	assert_status 4
	assert_output_contains "33 77"
	assert_output_contains "/dev/pts/0"
}

@test "podman: --memory limits the container; an OOM kill is reported" {
	prun -d --name "$ID" --memory 64m "$IMG" sh -c "$TERMABLE"
	id=$(full_id "$ID")
	assert_equal "$(cat /sys/fs/cgroup/memory$CGROUP_PATH/libpod-$id/memory.limit_in_bytes)" 67108864
	run podman exec "$ID" cat /sys/fs/cgroup/memory/memory.limit_in_bytes
	assert_equal "$output" 67108864

	# tail keeps the whole (endless) line of /dev/zero in memory
	run prun --rm --memory 16m --memory-swap 16m "$IMG" tail /dev/zero
	assert_status 137
	# conmon saw the OOM event of the memory cgroup hutch made.  (podman
	# 4.3 looks for this file in the bundle, so its .State.OOMKilled stays
	# false, with runc too.)
	[ -e "$TMP/oom" ]
}

@test "podman: --pids-limit stops forks" {
	run prun --rm --pids-limit 8 "$IMG" sh -c \
		'cat /sys/fs/cgroup/pids/pids.max; for i in $(seq 12); do sleep 2 & done; wait'
	assert_output_contains "8"
	assert_output_contains "can't fork"
}

@test "podman: pause and unpause freeze and thaw the container" {
	prun -d --name "$ID" "$IMG" sh -c \
		'trap "exit 0" TERM; i=0; while :; do i=$((i+1)); echo $i > /tmp/n; sleep 0.05; done'
	id=$(full_id "$ID")
	freezer=/sys/fs/cgroup/freezer$CGROUP_PATH/libpod-$id/freezer.state
	run podman pause "$ID"
	assert_status 0
	[ "$(podman inspect -f '{{.State.Status}}' "$ID")" = paused ]
	[ "$(hutch_state_of "$id" .status)" = paused ]
	[ "$(cat "$freezer")" = FROZEN ]
	n1=$(cat "$PODMAN_DIR"/storage/overlay/*/merged/tmp/n)
	sleep 0.5
	n2=$(cat "$PODMAN_DIR"/storage/overlay/*/merged/tmp/n)
	assert_equal "$n2" "$n1"

	run podman unpause "$ID"
	assert_status 0
	[ "$(podman inspect -f '{{.State.Status}}' "$ID")" = running ]
	[ "$(cat "$freezer")" = THAWED ]
	wait_for sh -c "[ \$(cat $PODMAN_DIR/storage/overlay/*/merged/tmp/n) -gt $n2 ]"
}

@test "podman: kill -s sends the signal; wait returns the exit code" {
	prun -d --name "$ID" "$IMG" sh -c \
		'trap "echo got USR1" USR1; echo up; while :; do sleep 0.1; done'
	wait_for sh -c "podman logs $ID | grep -q up"
	run podman kill -s USR1 "$ID"
	assert_status 0
	wait_for sh -c "podman logs $ID | grep -q 'got USR1'"
	podman kill "$ID"
	run podman wait "$ID"
	assert_equal "$output" 137
}

@test "podman: --network none has only lo; ns:PATH joins the test's netns" {
	run prun --rm "$IMG" sh -c 'ls /sys/class/net'
	assert_status 0
	assert_equal "$output" lo

	unshare --net sleep 1000 &
	NS_PID=$!
	wait_for own_netns "$NS_PID"
	run prun --rm --network ns:/proc/$NS_PID/ns/net "$IMG" readlink /proc/self/ns/net
	assert_status 0
	assert_equal "$output" "$(readlink /proc/$NS_PID/ns/net)"
}

@test "podman: its generated config: read-only root, volume, tmpfs, user, caps, seccomp, ulimit, hostname" {
	mkdir "$TMP/vol"
	echo from-host > "$TMP/vol/f"
	run prun --rm --read-only -v "$TMP/vol:/data:ro" --tmpfs /scratch \
		--user 1:1 --hostname box --cap-drop all \
		--ulimit nofile=100:100 --ulimit nproc=512:512 \
		"$IMG" sh -c 'cat /data/f; touch /x || echo ro-root;
			touch /scratch/y && echo tmpfs-ok; echo uid $(id -u) $(hostname);
			grep -E "^(CapEff|Seccomp):" /proc/self/status; ulimit -n'
	assert_status 0
	assert_output_contains from-host
	assert_output_contains ro-root
	assert_output_contains tmpfs-ok
	assert_output_contains "uid 1 box"
	assert_output_contains "CapEff:	0000000000000000"
	assert_output_contains "Seccomp:	2"
	assert_output_contains "100"
}

@test "podman: --privileged gets every capability and host device, no seccomp" {
	run prun --rm --privileged "$IMG" sh -c \
		'grep -E "^(CapEff|Seccomp):" /proc/self/status; ls -l /dev/fuse'
	assert_status 0
	assert_output_contains "CapEff:	$(awk '/^CapBnd/ { print $2 }' /proc/self/status)"
	assert_output_contains "Seccomp:	0"
	assert_output_contains " 10, 229 "
}

@test "podman: --uidmap/--gidmap run the container in a user namespace" {
	run prun --rm --uidmap 0:100000:65536 --gidmap 0:100000:65536 "$IMG" \
		sh -c 'cat /proc/self/uid_map /proc/self/gid_map; id -u; touch /x && echo wrote'
	assert_status 0
	assert_output_contains "0     100000      65536"
	assert_output_contains wrote
	[ "$(echo "$output" | grep -c 100000)" -eq 2 ]
}

@test "podman: with --pid host, stop signals every process (kill --all)" {
	prun -d --name "$ID" --pid host "$IMG" sh -c "$TERMABLE"
	wait_for sh -c "podman logs $ID | grep -q up"
	run podman stop -t 10 "$ID"
	assert_status 0
	run podman logs "$ID"
	assert_output_contains "got TERM"
	[ "$(podman inspect -f '{{.State.ExitCode}}' "$ID")" = 0 ]
}

@test "podman: resource flags reach the container's cgroups" {
	local dev opts=()
	dev=$(first_block_device)
	[ -z "$dev" ] || opts=(--device-read-bps "$dev:1mb")
	prun -d --name "$ID" --cpus 0.5 --cpu-shares 512 --cpuset-cpus 0 \
		--memory-reservation 32m "${opts[@]}" "$IMG" sh -c "$TERMABLE"
	g=$CGROUP_PATH/libpod-$(full_id "$ID")
	assert_equal "$(cat /sys/fs/cgroup/cpu$g/cpu.cfs_quota_us)" 50000
	assert_equal "$(cat /sys/fs/cgroup/cpu$g/cpu.cfs_period_us)" 100000
	assert_equal "$(cat /sys/fs/cgroup/cpu$g/cpu.shares)" 512
	assert_equal "$(cat /sys/fs/cgroup/cpuset$g/cpuset.cpus)" 0
	assert_equal "$(cat /sys/fs/cgroup/memory$g/memory.soft_limit_in_bytes)" 33554432
	[ -z "$dev" ] || assert_equal \
		"$(cat /sys/fs/cgroup/blkio$g/blkio.throttle.read_bps_device)" \
		"$(dev_numbers "$dev") 1048576"
}

@test "podman: update changes the limits of a running container" {
	prun -d --name "$ID" --memory 64m "$IMG" sh -c "$TERMABLE"
	g=$CGROUP_PATH/libpod-$(full_id "$ID")
	run podman update --memory 128m --cpu-shares 256 "$ID"
	assert_status 0
	assert_equal "$(cat /sys/fs/cgroup/memory$g/memory.limit_in_bytes)" 134217728
	assert_equal "$(cat /sys/fs/cgroup/cpu$g/cpu.shares)" 256
}

@test "podman: run -d --rm is cleaned up by conmon's exit command" {
	run prun -d --rm --name "$ID" "$IMG" true
	assert_status 0
	wait_for sh -c "[ -z \"\$(podman ps -aq)\" ]"
	wait_for no_hutch_state
}

# hutch_state_of ID JQ: a field of `hutch state` of a podman container
# a whole disk of the machine (for blkio throttling), or nothing
first_block_device() {
	local b n
	for b in /sys/block/*; do
		n=${b##*/}
		case $n in loop* | ram* | zram* | dm-* | md* | sr*) continue ;; esac
		[ -b "/dev/$n" ] && echo "/dev/$n" && return
	done
	return 0
}

# MAJOR:MINOR of a device node, in decimal
dev_numbers() {
	echo "$((16#$(stat -L -c %t "$1"))):$((16#$(stat -L -c %T "$1")))"
}

no_hutch_state() {
	[ -z "$(state_containers "$PODMAN_DIR/hutch-state")" ]
}

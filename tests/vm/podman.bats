#!/usr/bin/env bats
# podman + conmon run sandboxed containers with `--runtime .../hutch-vm`
# (issue 9): the same engine set-up as tests/engines/podman.bats, inside
# the sandbox lane where /dev/kvm exists.  Every container is a KVM guest
# of our VMM; podman sees the VMM's pid as the container's.

load vm_helpers
load ../engines/podman
bats_require_minimum_version 1.5.0

setup_file() {
	podman_setup_file
}

teardown_file() {
	podman_teardown_file
}

setup() {
	require_kvm
	podman_setup
}

teardown() {
	podman_teardown
}

# podman run through hutch-vm, bounded as every command of the lane
vrun() {
	timeout -k 10 300 podman --runtime "$PODMAN_DIR/bin/hutch-vm" run \
		--cgroup-parent "$CGROUP_PATH" "$@"
}

@test "podman sandbox: run --rm in a KVM guest with a volume, its exit code" {
	mkdir "$TMP/vol"
	echo "from the host" > "$TMP/vol/in.txt"
	run vrun --rm -v "$TMP/vol:/data" "$IMG" sh -c 'echo kernel $(uname -r)
		cat /data/in.txt; echo "from the guest" > /data/out.txt
		[ -e /run/.containerenv ] && echo containerenv; exit 3'
	echo "$output"
	assert_status 3
	# the guest kernel of this tree, not the lane's
	assert_output_contains "kernel "
	[[ "$output" != *"kernel $(uname -r)"* ]]
	# the volume and podman's own file binds reach the guest
	assert_output_contains "from the host"
	assert_output_contains containerenv
	[ "$(cat "$TMP/vol/out.txt")" = "from the guest" ]
	run podman ps -aq
	[ -z "$output" ]
}

@test "podman sandbox: run -d, exec with env and workdir, stop, rm" {
	run vrun -d --name "$ID" "$IMG" sh -c "$TERMABLE"
	assert_status 0
	for i in $(seq 300); do podman logs "$ID" 2>/dev/null | grep -q up && break; sleep 0.2; done
	id=$(full_id "$ID")
	[ "$(podman inspect -f '{{.State.Status}}' "$ID")" = running ]
	# podman's pid is the VMM's, and the VMM is in the container's cgroup
	pid=$(podman inspect -f '{{.State.Pid}}' "$ID")
	[ "$(hutch_state_of "$id" .pid)" = "$pid" ]
	grep -q ":memory:$CGROUP_PATH/libpod-$id" "/proc/$pid/cgroup"

	# conmon runs `exec --detach --pid-file`: hutch's stand-in relays
	run timeout -k 10 300 podman exec -e FOO=bar -w /tmp "$ID" \
		sh -c 'echo "foo=$FOO cwd=$(pwd) kernel=$(uname -r)"; exit 5'
	assert_status 5
	assert_output_contains "foo=bar cwd=/tmp kernel="
	[[ "$output" != *"kernel=$(uname -r)"* ]]

	run timeout -k 10 300 podman stop -t 30 "$ID"
	assert_status 0
	[ "$(podman inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$ID")" = "exited 0" ]
	run podman logs "$ID"
	assert_output_contains "got TERM"
	run podman rm "$ID"
	assert_status 0
	[ ! -d "/proc/$pid" ]
}

@test "podman sandbox: --memory 256m sizes the guest" {
	run vrun --rm --memory 256m "$IMG" awk '/MemTotal/ {print "memtotal", $2}' /proc/meminfo
	assert_status 0
	kb=$(echo "$output" | awk '/^memtotal/ {print $2}')
	echo "# guest MemTotal: $kb kB" >&3
	[ "$kb" -gt 200000 ]
	[ "$kb" -le 262144 ]
}

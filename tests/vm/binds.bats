#!/usr/bin/env bats
# The spec's bind mounts in the sandbox: each file or directory source is
# a 9p share of its own that the guest init mounts on the destination, so
# volumes (podman -v, containerd mounts) reach the guest, live and both
# ways, read-only when the bind is.

load vm_helpers

setup() {
	setup_vm_bundle
	mkdir -p "$TMP/vol" "$TMP/ro"
	echo "from the host" > "$TMP/vol/host.txt"
	echo "read only" > "$TMP/ro/file"
	echo "one file" > "$TMP/single"
}

teardown() {
	[ -n "${RUN_PID:-}" ] && kill -9 "$RUN_PID" 2>/dev/null
	teardown_bundle
}

add_bind() { # SOURCE DEST [OPTIONS-JSON]
	update_config ".mounts += [{destination: \"$2\", type: \"bind\",
		source: \"$1\", options: ${3:-[\"rbind\"]}}]"
}

@test "binds: a directory bind is read and written through in the guest" {
	add_bind "$TMP/vol" /data
	set_args sh -c 'cat /data/host.txt; echo "from the guest" > /data/guest.txt; mkdir /data/d; uname -r'
	run vm_run
	echo "$output"
	assert_status 0
	assert_output_contains "from the host"
	[[ "$output" != *"$(uname -r)"* ]]
	[ "$(cat "$TMP/vol/guest.txt")" = "from the guest" ]
	[ -d "$TMP/vol/d" ]
}

@test "binds: a read-only bind cannot be written in the guest, nor through the VMM" {
	add_bind "$TMP/ro" /ro '["rbind", "ro"]'
	set_args sh -c 'cat /ro/file; echo x > /ro/file; echo write=$?; touch /ro/new; echo create=$?'
	run vm_run
	echo "$output"
	assert_output_contains "read only"
	assert_output_contains "write=1"
	assert_output_contains "create=1"
	[ "$(cat "$TMP/ro/file")" = "read only" ]
	[ ! -e "$TMP/ro/new" ]
}

@test "binds: a file bind, also under a guest tmpfs, in the spec's order" {
	add_bind "$TMP/single" /etc/single.conf
	update_config '.mounts += [{destination: "/run", type: "tmpfs", source: "tmpfs", options: ["nosuid", "nodev"]}]'
	add_bind "$TMP/single" /run/.containerenv
	set_args sh -c 'cat /etc/single.conf /run/.containerenv; echo appended >> /etc/single.conf; grep -c " /run " /proc/mounts'
	run vm_run
	echo "$output"
	assert_status 0
	[ "$(echo "$output" | grep -c "one file")" = 2 ]
	[ "$(tail -1 "$TMP/single")" = appended ]
}

@test "binds: a host change is seen in the running guest" {
	add_bind "$TMP/vol" /data
	set_args sh -c 'echo started; while [ ! -e /data/later ]; do sleep 0.2; done; cat /data/later'
	vm_run_bg
	echo "written later" > "$TMP/vol/later"
	for i in $(seq 300); do grep -q "written later" "$TMP/out" && break; sleep 0.2; done
	grep -q "written later" "$TMP/out"
	wait "$RUN_PID"
	RUN_PID=
}

@test "binds: more binds than the VMM has devices for is a clear error, nothing left" {
	for i in $(seq 13); do
		mkdir -p "$TMP/m$i"
		add_bind "$TMP/m$i" "/m$i"
	done
	run vm_run
	echo "$output"
	[ "$status" -ne 0 ]
	assert_output_contains "/m13"
	assert_output_contains "more than 12 bind mounts"
	[ -z "$(ls "$ROOT" 2>/dev/null)" ]
}

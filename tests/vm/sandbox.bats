#!/usr/bin/env bats
# hutch's VM mode (`hutch run` with org.hutch.sandbox=vm): the container is
# built as usual and its init becomes the VMM sharing the rootfs.

load vm_helpers

setup() {
	setup_vm_bundle
}

teardown() {
	teardown_bundle
}

# hutch run of this test's bundle; a hung guest fails the test (124)
# instead of the lane
vm_run() {
	timeout -k 10 300 "$HUTCH_BIN" --root "$ROOT" run "$@" -b "$BUNDLE" "$ID"
}

@test "sandbox: a bundle's echo output comes back" {
	set_args echo hello from the sandbox
	run vm_run
	echo "$output"
	assert_status 0
	assert_output_contains "hello from the sandbox"
}

@test "sandbox: --sandbox=vm chooses VM mode without the annotation" {
	update_config 'del(.annotations["org.hutch.sandbox"])'
	set_args uname -r
	run vm_run --sandbox=vm
	assert_status 0
	assert_output_contains hutch
}

@test "sandbox: the guest process's exit status is returned" {
	set_args sh -c 'exit 7'
	run vm_run
	assert_status 7
}

@test "sandbox: a file the rootfs holds is read in the guest" {
	set_args cat /etc/hutch-release
	run vm_run
	assert_status 0
	assert_output_contains "hutch test rootfs"
}

@test "sandbox: uname -r shows the guest kernel, not the host's" {
	set_args uname -r
	run vm_run
	echo "$output"
	assert_status 0
	assert_output_contains hutch
	[ "$output" != "$(uname -r)" ]
}

@test "sandbox: args, env, cwd and user reach the guest process" {
	update_config '.process.env += ["GREETING=hi there"] | .process.cwd = "/etc"
		| .process.user = {"uid": 1, "gid": 1}'
	set_args sh -c 'echo "$GREETING in $(pwd) as $(id -u):$(id -g)"'
	run vm_run
	echo "$output"
	assert_status 0
	assert_output_contains "hi there in /etc as 1:1"
}

@test "sandbox: kill with SIGTERM reaches the workload" {
	# pid 1 of its pid namespace: without a handler TERM would be ignored,
	# as in a container
	set_args sh -c 'trap "exit 143" TERM; echo started; while :; do sleep 0.2; done'
	vm_run > "$TMP/out" 2>&1 &
	pid=$!
	wait_for_started "$TMP/out"
	hutch kill "$ID" TERM
	st=0
	wait $pid || st=$?
	[ "$st" -eq 143 ] || fail "run returned $st: $(cat "$TMP/out")"
}

@test "sandbox: a guest kernel panic ends run with an error, not a hang" {
	update_config '.annotations["org.hutch.vm.cmdline"] = "rdinit=/nonexistent"'
	run vm_run
	echo "$output"
	[ "$status" -ne 0 ]
	assert_output_contains "Kernel panic"
}

@test "sandbox: a triple-faulting guest ends run with an error, not a hang" {
	make_triple_fault_kernel "$TMP/broken"
	update_config ".annotations[\"org.hutch.vm.kernel\"] = \"$TMP/broken\""
	run vm_run
	echo "$output"
	[ "$status" -ne 0 ]
	assert_output_contains "triple fault"
}

@test "sandbox: no /dev/kvm gives a clear error and leaves nothing behind" {
	run unshare -m --propagation private sh -c \
		"mount -t tmpfs none /dev && '$HUTCH_BIN' --root '$ROOT' run -b '$BUNDLE' '$ID'"
	echo "$output"
	[ "$status" -ne 0 ]
	assert_output_contains "/dev/kvm"
	[ -z "$(ls "$ROOT" 2>/dev/null)" ]
}

@test "sandbox: boot timer and VMM memory (reported, not asserted)" {
	update_config '.annotations["org.hutch.vm.timing"] = "1"'
	set_args true
	start=$(date +%s%N)
	run vm_run
	end=$(date +%s%N)
	echo "$output"
	assert_status 0
	assert_output_contains "boot-to-workload"
	echo "# hutch run wall time: $(( (end - start) / 1000000 )) ms; $output" >&3
}

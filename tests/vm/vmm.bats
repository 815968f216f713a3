#!/usr/bin/env bats
# The VMM on its own (vmm_run through tests/vm/vmm-boot): boot, stdio, the
# exit status, 9p, SMP, and guests that die.

load vm_helpers

setup() {
	require_kvm
	TMP=$(mktemp -d /tmp/hutch-vmm.XXXXXX)
	mkdir -p "$TMP/root"
	cp -a "$(cached_rootfs)/." "$TMP/root/"
}

teardown() {
	rm -rf "$TMP"
}

@test "vmm: the guest runs a process, its output and exit status come back" {
	run vmm_boot -s "$TMP/root" -t -- /bin/sh -c 'echo out; echo err >&2; exit 7'
	echo "$output"
	assert_status 7
	assert_output_contains out
	assert_output_contains err
	assert_output_contains "boot-to-workload"
}

@test "vmm: the guest kernel is ours, not the host's" {
	run vmm_boot -s "$TMP/root" -- /bin/uname -r
	assert_status 0
	assert_output_contains hutch
	[ "$output" != "$(uname -r)" ]
}

@test "vmm: 9p reads and writes the shared directory" {
	echo "from the host" > "$TMP/root/hostfile"
	run vmm_boot -s "$TMP/root" -- /bin/sh -c \
		'cat /hostfile; echo "from the guest" > /guestfile; mkdir -p /d/e; ln -s ../hostfile /d/link; mv /d/e /d/f; ls /d'
	echo "$output"
	assert_status 0
	assert_output_contains "from the host"
	[ "$(cat "$TMP/root/guestfile")" = "from the guest" ]
	[ -d "$TMP/root/d/f" ] && [ -L "$TMP/root/d/link" ]
}

@test "vmm: a symlink in the share never leads out of it" {
	echo secret > "$TMP/outside"
	ln -s "$TMP/outside" "$TMP/root/abs"
	ln -s ../../outside "$TMP/root/rel"
	run vmm_boot -s "$TMP/root" -- /bin/sh -c 'cat /abs; cat /rel; cat /../outside; echo done'
	echo "$output"
	assert_output_contains done
	case "$output" in *secret*) fail "read a file outside the share" ;; esac
}

@test "vmm: a mount point inside the share is not served" {
	mkdir -p "$TMP/root/mnt"
	unshare -m --propagation private sh -c "
		mount -t tmpfs -o size=1m none '$TMP/root/mnt' &&
		echo hidden > '$TMP/root/mnt/file' &&
		'$VMM_BOOT' -k '$GUEST_KERNEL' -i '$GUEST_INIT' -s '$TMP/root' -- \
			/bin/sh -c 'ls /mnt; cat /mnt/file; echo done'" > "$TMP/out" 2>&1
	cat "$TMP/out"
	grep -q done "$TMP/out"
	! grep -q hidden "$TMP/out"
}

@test "vmm: a read-only share refuses writes" {
	run vmm_boot -s "$TMP/root" -r -- /bin/sh -c 'echo x > /newfile'
	[ "$status" -ne 0 ]
	[ ! -e "$TMP/root/newfile" ]
}

@test "vmm: two vCPUs come up" {
	run vmm_boot -s "$TMP/root" -c 2 -- /bin/sh -c 'grep -c ^processor /proc/cpuinfo'
	echo "$output"
	assert_status 0
	[ "$(echo "$output" | tail -1)" = 2 ]
}

@test "vmm: stdin reaches the guest process, EOF included" {
	run sh -c "printf 'one\ntwo\n' | '$VMM_BOOT' -k '$GUEST_KERNEL' -i '$GUEST_INIT' -s '$TMP/root' -- wc -l"
	assert_status 0
	[ "$(echo "$output" | tail -1 | tr -d ' ')" = 2 ]
}

@test "vmm: SIGTERM to the VMM reaches the guest process" {
	vmm_boot -s "$TMP/root" -- /bin/sh -c 'echo started; exec sleep 100' > "$TMP/out" 2>&1 &
	pid=$!
	wait_for_started "$TMP/out"
	kill -TERM $pid
	st=0
	wait $pid || st=$?
	[ "$st" -eq 143 ] || fail "status $st, output: $(cat "$TMP/out")"
}

@test "vmm: a kernel panic ends the VM with an error, not a hang" {
	run vmm_boot -s "$TMP/root" -a "rdinit=/nonexistent" -- /bin/true
	echo "$output"
	assert_status 125
	assert_output_contains "triple fault or kernel panic"
	assert_output_contains "Kernel panic"
}

@test "vmm: a triple fault ends the VM with an error, not a hang" {
	make_triple_fault_kernel "$TMP/broken"
	VMM_KERNEL=$TMP/broken run vmm_boot -- /bin/true
	echo "$output"
	assert_status 125
	assert_output_contains "triple fault"
}

@test "vmm: something that is not a kernel is refused" {
	echo "not a kernel" > "$TMP/junk"
	VMM_KERNEL=$TMP/junk run vmm_boot -- /bin/true
	assert_status 125
	assert_output_contains "neither an ELF vmlinux nor a bzImage"
}

@test "vmm: a bzImage boots too" {
	VMM_KERNEL=$HUTCH_BUILD/guest/bzImage run vmm_boot -s "$TMP/root" -t -- /bin/echo bz-ok
	echo "$output"
	assert_status 0
	assert_output_contains bz-ok
}

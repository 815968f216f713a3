# Shared by tests/vm/*.bats (run inside the QEMU --kvm lane, /dev/kvm
# present): the guest kernel and init of this tree, and a broken "kernel".

load ../integration/helpers

# every hutch command of the lane is bounded: nested emulation has hung a
# whole test before, and a hung test must fail, not eat the lane's time
hutch() {
	timeout -k 10 300 "$HUTCH_BIN" --root "$ROOT" "$@"
}

GUEST_KERNEL=$HUTCH_BUILD/guest/vmlinux
GUEST_INIT=$HUTCH_BUILD/guest/init
VMM_BOOT=$HUTCH_BUILD/tests/vm/vmm-boot

# setup of a test of VM mode: a bundle with the sandbox annotation
setup_vm_bundle() {
	require_kvm
	setup_bundle
	update_config '.annotations["org.hutch.sandbox"] = "vm"'
}

require_kvm() {
	[ -c /dev/kvm ] || fail "/dev/kvm missing: run this file in the VM lane (make check-vm)"
	[ -r "$GUEST_KERNEL" ] || fail "$GUEST_KERNEL missing (make guest)"
}

# vmm_boot ARGS...: the VMM alone; a hung guest fails the test (status
# 124) instead of the lane
vmm_boot() {
	timeout -k 10 300 "$VMM_BOOT" -k "${VMM_KERNEL:-$GUEST_KERNEL}" -i "$GUEST_INIT" "$@"
}

# le64 N: 8 little-endian bytes as printf escapes
le() {
	local v=$1 n=$2 i out=
	for ((i = 0; i < n; i++)); do
		out+=$(printf '\\x%02x' $(( (v >> (8 * i)) & 255 )))
	done
	printf '%s' "$out"
}

# make_triple_fault_kernel FILE: a 64-bit ELF "kernel" whose first
# instruction is ud2; with no IDT yet the CPU triple-faults at once
make_triple_fault_kernel() {
	local base=$((0x1000000)) size=122
	{
		printf '\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00'
		printf "$(le 2 2)$(le 62 2)$(le 1 4)$(le $((base + 120)) 8)"
		printf "$(le 64 8)$(le 0 8)$(le 0 4)$(le 64 2)$(le 56 2)$(le 1 2)"
		printf "$(le 0 2)$(le 0 2)$(le 0 2)"
		printf "$(le 1 4)$(le 5 4)$(le 0 8)$(le $base 8)$(le $base 8)"
		printf "$(le $size 8)$(le $size 8)$(le 4096 8)"
		printf '\x0f\x0b'
	} > "$1"
}

# wait_for_started FILE: up to 120 s (nested emulation) for "started"
wait_for_started() {
	local i
	for i in $(seq 600); do
		grep -q started "$1" 2>/dev/null && return 0
		sleep 0.2
	done
	fail "the guest process did not start: $(cat "$1")"
}

# vm_run ARGS...: `hutch run` of this test's bundle; a hung guest fails the
# test (124) instead of the lane
vm_run() {
	timeout -k 10 300 "$HUTCH_BIN" --root "$ROOT" run "$@" -b "$BUNDLE" "$ID"
}

# vm_run_bg: vm_run in the background (output in $TMP/out, pid in
# RUN_PID) until the workload prints "started"; vm_kill_bg ends it
vm_run_bg() {
	vm_run "$@" > "$TMP/out" 2>&1 &
	RUN_PID=$!
	wait_for_started "$TMP/out"
}

vm_kill_bg() {
	hutch kill "$ID" KILL
	wait "$RUN_PID" || true
	RUN_PID=
}

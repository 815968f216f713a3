#!/usr/bin/env bats
# A sandboxed container on a bridge network: a tap on the bridge for the
# VMM's virtio-net, the lease's address on the guest's eth0, traffic with
# a plain container on the same bridge, nothing left after delete.
#
# As in tests/integration/network-*.bats, every test has a network
# namespace of its own that plays the host ($HOSTNS): hutch runs in it, so
# the bridge, the tap, the veths and the nftables table die with it.

load vm_helpers

hutch() {
	timeout -k 10 300 nsenter --net="$HOSTNS" "$HUTCH_BIN" --root "$ROOT" "$@"
}

inhost() {
	nsenter --net="$HOSTNS" "$@"
}

setup() {
	setup_vm_bundle
	HOSTNS=$TMP/hostns
	touch "$HOSTNS"
	unshare --net="$HOSTNS" ip link set lo up
	# busybox ping needs a raw socket
	update_config '.process.capabilities |= with_entries(.value += ["CAP_NET_RAW"])'
	BG=()
}

teardown() {
	local p id
	for p in "${BG[@]}"; do
		kill -9 "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	for id in $(ls "$ROOT" 2>/dev/null); do
		[ -d "$ROOT/$id" ] && hutch delete --force "$id" >/dev/null 2>&1
	done
	umount "$HOSTNS" 2>/dev/null
	teardown_bundle
}

# what a network leaves in the host namespace: taps and veths (both named
# vh*), leases, /etc files
leftovers() {
	inhost ip -o link show | grep ': vh'
	ls "$ROOT/.net/leases" "$ROOT/.net/files" 2>/dev/null | grep -v -e '^$' -e ':$'
	return 0
}

# a plain (not sandboxed) container of the same bundle
plain() {
	update_config 'del(.annotations["org.hutch.sandbox"])'
	use_cgroup "$1"
}

@test "network: the guest's eth0 has the lease's address, MAC and routes; /etc/hosts names it" {
	update_config '.hostname = "vm1"'
	set_args sh -c 'ip -o addr show dev eth0; ip -o link show dev eth0; ip route; ip -6 route; echo ==; cat /etc/hosts /etc/hostname'
	run hutch run --network bridge -b "$BUNDLE" "$ID"
	assert_status 0
	assert_output_contains "inet 10.77.0.2/16"
	assert_output_contains "inet6 fd68:7574:6368::2/64"
	assert_output_contains "default via 10.77.0.1 dev eth0"
	assert_output_contains "default via fd68:7574:6368::1 dev eth0"
	# the MAC netsetup gives the veth peer of host index 2
	echo "$output" | grep -qE "link/ether 02:[0-9a-f]{2}:00:00:00:02 " || fail "MAC: $output"
	assert_output_contains "10.77.0.2	vm1"
	# the tap is gone with the VM, the lease with delete (run deletes)
	[ -z "$(leftovers)" ] || fail "left: $(leftovers)"
}

@test "network: the host end is a tap on the bridge while the sandbox runs" {
	set_args sh -c 'echo started; sleep 600'
	hutch create --network bridge -b "$BUNDLE" "$ID"
	run inhost ip -d -o link show
	echo "$output" | grep -E ': vh[^:]*:.*master hutch0' | grep -q 'tun type tap' ||
		fail "no tap on hutch0: $output"
	hutch delete --force "$ID"
	[ -z "$(leftovers)" ] || fail "left: $(leftovers)"
}

@test "network: a sandboxed and a plain container on one bridge reach each other" {
	# the sandbox serves a TCP echo and answers ping
	set_args sh -c 'echo started; nc -ll -p 7000 -e /bin/cat'
	hutch create --network bridge -b "$BUNDLE" vm
	hutch start vm
	# the plain one talks to it, then serves for the sandbox's turn
	plain p
	set_args sh -c 'ping -c1 -W5 10.77.0.2 >/dev/null && echo ping ok; echo hello-vm | nc -w 5 10.77.0.2 7000; ping -c1 -W5 fd68:7574:6368::2 >/dev/null && echo ping6 ok'
	run hutch run --network bridge -b "$BUNDLE" p
	assert_status 0
	assert_output_contains "ping ok"
	assert_output_contains "hello-vm"
	assert_output_contains "ping6 ok"
	# the other way: a plain server (lease .3 or later), a sandboxed client
	set_args nc -ll -p 7001 -e /bin/cat
	hutch create --network bridge -b "$BUNDLE" srv
	hutch start srv
	srv=$(nsenter --net=/proc/"$(hutch state srv | jq -r .pid)"/ns/net \
		ip -4 -o addr show dev eth0 | awk '{print $4}' | cut -d/ -f1)
	update_config '.annotations["org.hutch.sandbox"] = "vm"'
	use_cgroup c
	set_args sh -c "echo hello-plain | nc -w 5 $srv 7001"
	run hutch run --network bridge -b "$BUNDLE" c
	assert_status 0
	assert_output_contains "hello-plain"
	hutch delete --force vm
	hutch delete --force srv
	[ -z "$(leftovers)" ] || fail "left: $(leftovers)"
}

@test "network: a sandbox that cannot boot leaves no tap, lease or file" {
	make_triple_fault_kernel "$TMP/broken"
	update_config ".annotations[\"org.hutch.vm.kernel\"] = \"$TMP/broken\""
	run hutch create --network bridge -b "$BUNDLE" "$ID"
	[ "$status" -ne 0 ] || fail "create succeeded: $output"
	[ ! -e "$ROOT/$ID" ] || fail "state dir left"
	[ -z "$(leftovers)" ] || fail "left: $(leftovers)"
}

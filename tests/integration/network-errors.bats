#!/usr/bin/env bats
# Bad network requests: one clear message, nothing left behind.

load network-helpers

setup() { net_setup; }
teardown() { net_teardown; }

# nothing of container $1 remains: state dir, lease, veth
nothing_left() {
	[ ! -d "$ROOT/$1" ] || fail "state dir of $1 left"
	[ -z "$(net_leftovers)" ] || fail "left: $(net_leftovers)"
}

@test "an unknown network is named" {
	run hutch create --network nope -b "$BUNDLE" "$ID"
	assert_status 1
	assert_output_contains "unknown network \`nope\`"
	nothing_left "$ID"
	update_config '.annotations["org.hutch.network"] = "host"'
	run hutch create -b "$BUNDLE" "$ID"
	assert_status 1
	assert_output_contains "unknown network \`host\` (to share the host's network, remove the network namespace"
	nothing_left "$ID"
}

@test "a network without a network namespace in the config is refused" {
	update_config 'del(.linux.namespaces[] | select(.type == "network"))'
	run hutch create --network bridge -b "$BUNDLE" "$ID"
	assert_status 1
	assert_output_contains "network \`bridge\` needs a network namespace"
	nothing_left "$ID"
}

@test "a bridge name taken by a link that is not a bridge" {
	inhost ip link add hutch0 type veth peer name hutch0p
	run hutch create --network bridge -b "$BUNDLE" "$ID"
	assert_status 1
	assert_output_contains "\`hutch0\` exists and is not a bridge (it is a veth link)"
	nothing_left "$ID"
}

@test "a subnet overlapping a route of the host" {
	inhost ip link add lan0 type veth peer name lan1
	inhost ip addr add 10.77.200.1/24 dev lan0
	inhost ip link set lan0 up
	run hutch create --network bridge -b "$BUNDLE" "$ID"
	assert_status 1
	assert_output_contains "subnet 10.77.0.0/16 overlaps the host's route 10.77.200.0/24 dev lan0"
	nothing_left "$ID"
	! inhost ip link show hutch0 2>/dev/null
}

@test "a broken networks.conf names file and line" {
	net_conf <<-EOF
	[back]
	bridge = hback
	subnet = 10.80.0.1/24
	EOF
	run hutch create --network back -b "$BUNDLE" "$ID"
	assert_status 1
	assert_output_contains "$ROOT/networks.conf:3: \`10.80.0.1/24\` has host bits set"
	nothing_left "$ID"
}

@test "a named network from networks.conf, with its own bridge, subnet and MTU" {
	net_conf <<-EOF
	# a back-end network
	[back]
	bridge = hback
	subnet = 10.80.0.0/24
	gateway = 10.80.0.254
	mtu = 1400
	EOF
	set_args sh -c 'ip -o addr show dev eth0; ip route; cat /sys/class/net/eth0/mtu'
	run hutch run --network back -b "$BUNDLE" "$ID"
	assert_status 0
	assert_output_contains "inet 10.80.0.1/24"
	assert_output_contains "default via 10.80.0.254"
	[ "${lines[-1]}" = 1400 ]
	! echo "$output" | grep -q 'inet6 .*scope global'
}

@test "a second --root on the same bridge is refused (its leases live elsewhere)" {
	net_start a --network bridge -- sleep 600
	use_cgroup other
	EXTRA_ROOTS+=("$TMP/other-root")
	run nsenter --net="$HOSTNS" "$HUTCH_BIN" --root "$TMP/other-root" create \
		--network bridge -b "$BUNDLE" other
	assert_status 1
	assert_output_contains "bridge \`hutch0\` belongs to hutch with another --root"
	[ ! -d "$TMP/other-root/other" ]
}

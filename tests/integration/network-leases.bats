#!/usr/bin/env bats
# Address leases: parallel creates, delete, reclaim after a killed runtime.

load network-helpers

setup() { net_setup; }
teardown() { net_teardown; }

@test "50 containers created in parallel get 50 distinct addresses; delete leaves nothing" {
	local i pids=()
	set_args sleep 600
	for i in $(seq 50); do
		mkdir -p "$TMP/b$i"
		jq ".linux.cgroupsPath = \"$CGROUP_PATH-$i\" | .root.path = \"$BUNDLE/rootfs\"" \
			"$BUNDLE/config.json" > "$TMP/b$i/config.json"
	done
	for i in $(seq 50); do
		hutch create --network bridge --publish $((9000 + i)):80 -b "$TMP/b$i" "p$i" \
			> "$TMP/create$i.log" 2>&1 &
		pids+=($!)
	done
	wait_all "${pids[@]}"
	[ "$FAILED" -eq 0 ] || fail "$FAILED creates failed: $(cat "$TMP"/create*.log)"
	# each container's own view of its address
	for i in $(seq 50); do addr4_of "p$i"; done > "$TMP/addrs"
	[ "$(sort -u "$TMP/addrs" | grep -c '^10\.77\.')" -eq 50 ] ||
		fail "addresses: $(sort "$TMP/addrs" | uniq -c)"
	[ "$(ls "$ROOT/.net/leases" | wc -l)" -eq 50 ]
	[ "$(inhost nft list chain inet hutch ports | grep -c dnat)" -eq 100 ]
	pids=()
	for i in $(seq 50); do
		hutch delete --force "p$i" > "$TMP/delete$i.log" 2>&1 &
		pids+=($!)
	done
	wait_all "${pids[@]}"
	[ "$FAILED" -eq 0 ] || fail "$FAILED deletes failed: $(cat "$TMP"/delete*.log)"
	[ -z "$(net_leftovers)" ] || fail "left: $(net_leftovers)"
	# the bridge and the network's NAT rules stay for the next container
	inhost ip link show hutch0 >/dev/null
	inhost nft list chain inet hutch post-bridge | grep -q masquerade
}

@test "after kill -9 of a runtime mid-create, the next create reclaims the address" {
	net_conf <<-EOF
	[tiny]
	bridge = htiny
	subnet = 10.99.0.0/30
	EOF
	# a createRuntime hook runs once the network is set up: it kills the
	# runtime (its parent) with SIGKILL; the container dies with it
	update_config '.hooks.createRuntime = [{"path": "/bin/sh",
		"args": ["sh", "-c", "kill -9 $PPID; sleep 5"]}]'
	run hutch create --network tiny --publish 8080:80 -b "$BUNDLE" dead
	[ "$status" -eq 137 ] || fail "status $status: $output"
	[ -e "$ROOT/.net/leases/dead" ]
	grep -q '^index=2$' "$ROOT/.net/leases/dead"
	# the subnet has that one address: the next create must reclaim it
	update_config 'del(.hooks)'
	use_cgroup next
	set_args sh -c 'ip -4 -o addr show dev eth0'
	run hutch run --network tiny --publish 8080:80 -b "$BUNDLE" next
	assert_status 0
	assert_output_contains "inet 10.99.0.2/30"
	[ ! -e "$ROOT/.net/leases/dead" ]
	[ -z "$(net_leftovers)" ] || fail "left: $(net_leftovers)"
	hutch delete --force dead
}

@test "a subnet that is full is a clear error that leaves nothing" {
	net_conf <<-EOF
	[tiny]
	bridge = htiny
	subnet = 10.99.0.0/30
	EOF
	net_start one --network tiny -- sleep 600
	use_cgroup two
	run hutch create --network tiny -b "$BUNDLE" two
	assert_status 1
	assert_output_contains "network \`tiny\`: subnet 10.99.0.0/30 is exhausted (1 addresses leased)"
	[ ! -d "$ROOT/two" ]
	[ ! -e "$ROOT/.net/leases/two" ]
	hutch delete --force one
	[ -z "$(net_leftovers)" ] || fail "left: $(net_leftovers)"
}

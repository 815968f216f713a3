#!/usr/bin/env bats
# Built-in networking: `none` and the default bridge network.

load network-helpers

setup() { net_setup; }
teardown() { net_teardown; }

@test "network none (the default): only loopback, and it is up" {
	set_args sh -c 'ip -o link | wc -l; ip -o link; ip -o addr'
	run hutch run -b "$BUNDLE" "$ID"
	assert_status 0
	[ "${lines[0]}" = 1 ] || fail "links: $output"
	assert_output_contains "1: lo: <LOOPBACK,UP,LOWER_UP>"
	assert_output_contains "inet 127.0.0.1/8"
	[ ! -e "$ROOT/.net/leases/$ID" ]
}

@test "bridge: eth0 with IPv4 and IPv6 addresses, default routes, the MTU of the bridge" {
	set_args sh -c 'ip -o addr show dev eth0; ip route; ip -6 route; cat /sys/class/net/eth0/mtu'
	run hutch run --network bridge -b "$BUNDLE" "$ID"
	assert_status 0
	assert_output_contains "inet 10.77.0.2/16"
	assert_output_contains "inet6 fd68:7574:6368::2/64"
	assert_output_contains "default via 10.77.0.1 dev eth0"
	assert_output_contains "default via fd68:7574:6368::1 dev eth0"
	[ "${lines[-1]}" = "$(inhost ip -o link show hutch0 | sed 's/.* mtu \([0-9]*\).*/\1/')" ]
	# the bridge stays; the container's veth and lease do not
	inhost ip -d link show hutch0 | grep -q bridge
	[ -z "$(net_leftovers)" ] || fail "left: $(net_leftovers)"
}

@test "bridge by annotation; /etc/hosts, /etc/hostname and resolv.conf are the container's" {
	update_config '.annotations["org.hutch.network"] = "bridge" | .hostname = "web1"'
	set_args sh -c 'cat /etc/hosts; echo ==; cat /etc/hostname; echo ==; cat /etc/resolv.conf'
	run hutch run -b "$BUNDLE" "$ID"
	assert_status 0
	assert_output_contains "10.77.0.2	web1"
	assert_output_contains "fd68:7574:6368::2	web1"
	assert_output_contains "127.0.0.1	localhost"
	[ "$(echo "$output" | sed -n '/^==$/{n;p;q}')" = web1 ]
	echo "$output" | sed -n '/^==$/,$p' | sed 1,3d | grep -q -e nameserver -e 'no nameserver' ||
		fail "resolv.conf: $output"
	# the bundle's rootfs is not written
	[ ! -s "$BUNDLE/rootfs/etc/hosts" ]
}

@test "two containers on the bridge reach each other: ping and a TCP echo" {
	net_start a --network bridge -- nc -ll -p 7000 -e /bin/cat
	a=$(addr4_of a)
	[ "$a" = 10.77.0.2 ]
	use_cgroup b
	allow_ping
	set_args sh -c "ping -c1 -W2 $a >/dev/null && echo ping ok; echo hello-echo | nc -w 2 $a 7000"
	run hutch run --network bridge -b "$BUNDLE" b
	assert_status 0
	assert_output_contains "ping ok"
	assert_output_contains "hello-echo"
	# and IPv6
	set_args ping -c1 -W2 fd68:7574:6368::2
	use_cgroup c
	run hutch run --network bridge -b "$BUNDLE" c
	assert_status 0
	hutch delete --force a
	[ -z "$(net_leftovers)" ] || fail "left: $(net_leftovers)"
}

@test "egress is masqueraded: a machine without a route back is reachable" {
	net_outside
	set_args ping -c1 -W2 192.0.2.2
	allow_ping
	run hutch run --network bridge -b "$BUNDLE" "$ID"
	assert_status 0
}

@test "a network namespace joined by path is not touched" {
	touch "$TMP/joined"
	unshare --net="$TMP/joined" true
	update_config "(.linux.namespaces[] | select(.type == \"network\")) += {path: \"$TMP/joined\"}"
	set_args true
	run hutch run -b "$BUNDLE" "$ID"
	assert_status 0
	# loopback stays as its owner left it: down
	nsenter --net="$TMP/joined" ip -o link show lo | grep -qv 'UP'
	run hutch run --network bridge -b "$BUNDLE" "$ID"
	assert_status 1
	assert_output_contains "joins the network namespace"
	[ ! -d "$ROOT/$ID" ]
}

@test "bridge with a user namespace: the /etc files reach the mapped root" {
	chmod 711 "$TMP" # like /run: searchable by the mapped root
	chown -R 200000:200000 "$BUNDLE/rootfs" # an image for that mapping
	update_config '.linux.namespaces += [{type: "user"}]
		| .linux.uidMappings = [{containerID: 0, hostID: 200000, size: 65536}]
		| .linux.gidMappings = [{containerID: 0, hostID: 200000, size: 65536}]'
	set_args sh -c 'cat /etc/hosts; ip -4 -o addr show dev eth0'
	run hutch run --network bridge -b "$BUNDLE" "$ID"
	assert_status 0
	assert_output_contains "10.77.0.2	hutch"
	assert_output_contains "inet 10.77.0.2/16"
	[ -z "$(net_leftovers)" ] || fail "left: $(net_leftovers)"
}

@test "two-step start (new user namespace, ipc joined by path): loopback up; bridge refused" {
	chmod 711 "$TMP"
	touch "$TMP/ipcns"
	unshare --ipc="$TMP/ipcns" true
	update_config ".linux.namespaces += [{type: \"user\"}]
		| (.linux.namespaces[] | select(.type == \"ipc\")) += {path: \"$TMP/ipcns\"}
		| del(.mounts[] | select(.destination == \"/dev/mqueue\"))
		| .linux.uidMappings = [{containerID: 0, hostID: 200000, size: 65536}]
		| .linux.gidMappings = [{containerID: 0, hostID: 200000, size: 65536}]"
	set_args ip -o link show lo
	run hutch run -b "$BUNDLE" "$ID"
	assert_status 0
	assert_output_contains "lo: <LOOPBACK,UP,LOWER_UP>"
	run hutch run --network bridge -b "$BUNDLE" "$ID"
	assert_status 1
	assert_output_contains "the network namespace is made only after start-up"
	[ ! -d "$ROOT/$ID" ]
}

#!/usr/bin/env bats
# Published ports: DNAT from the host itself, from outside, from another
# container (hairpin); removed with the container.

load network-helpers

setup() {
	net_setup
	mkdir -p "$BUNDLE/rootfs/www"
	echo hello-from-httpd > "$BUNDLE/rootfs/www/index.html"
}
teardown() { net_teardown; }

get() {
	timeout 5 busybox wget -q -O - "$1"
}

@test "--publish reaches a busybox httpd from the host namespace" {
	net_start web --network bridge --publish 8080:80 -- httpd -f -p 80 -h /www
	# the host's own connections go through the output hook; 127.0.0.1
	# needs route_localnet on the bridge
	run inhost timeout 5 busybox wget -q -O - http://127.0.0.1:8080/
	assert_status 0
	assert_output_contains hello-from-httpd
	run inhost timeout 5 busybox wget -q -O - http://10.77.0.1:8080/
	assert_output_contains hello-from-httpd
	run inhost timeout 5 busybox wget -q -O - "http://[fd68:7574:6368::1]:8080/"
	assert_output_contains hello-from-httpd
	# another container, through the published port of its own bridge
	use_cgroup client
	set_args wget -q -O - http://10.77.0.1:8080/
	run hutch run --network bridge -b "$BUNDLE" client
	assert_status 0
	assert_output_contains hello-from-httpd
	hutch delete --force web
	run inhost timeout 2 busybox wget -q -O - http://127.0.0.1:8080/
	[ "$status" -ne 0 ]
	[ -z "$(net_leftovers)" ] || fail "left: $(net_leftovers)"
}

@test "org.hutch.ports publishes to a machine outside, on a given host address" {
	net_outside
	update_config '.annotations["org.hutch.network"] = "bridge" |
		.annotations["org.hutch.ports"] = "192.0.2.1:8081:80/tcp"'
	net_start web -- httpd -f -p 80 -h /www
	run outside timeout 5 busybox wget -q -O - http://192.0.2.1:8081/
	assert_status 0
	assert_output_contains hello-from-httpd
	# only on that address
	run inhost timeout 2 busybox wget -q -O - http://10.77.0.1:8081/
	[ "$status" -ne 0 ]
}

@test "udp is forwarded too" {
	cp "$TEST_HELPERS/udp-echo" "$BUNDLE/rootfs/bin/"
	net_start echo --network bridge --publish 5353:53/udp -- /bin/udp-echo serve 53
	run inhost "$TEST_HELPERS/udp-echo" send 10.77.0.1 5353 udp-hello
	assert_status 0
	[ "$output" = udp-hello ]
	run inhost "$TEST_HELPERS/udp-echo" send fd68:7574:6368::1 5353 udp-hello6
	assert_status 0
	[ "$output" = udp-hello6 ]
}

@test "a port published twice, or in use on the host, is refused and leaves nothing" {
	net_start web --network bridge --publish 8080:80 -- httpd -f -p 80 -h /www
	use_cgroup two
	run hutch create --network bridge --publish 8080:8080 -b "$BUNDLE" two
	assert_status 1
	assert_output_contains "port 8080/tcp is already published by container \`web\`"
	[ ! -d "$ROOT/two" ]
	[ ! -e "$ROOT/.net/leases/two" ]
	[ "$(inhost ip -o link show type veth | grep -c ': vh')" = 1 ]
	# a listener of the host's own
	nsenter --net="$HOSTNS" busybox nc -l -p 8090 &
	BG_PIDS+=($!)
	sleep 0.3
	run hutch create --network bridge --publish 8090:80 -b "$BUNDLE" two
	assert_status 1
	assert_output_contains "port 8090/tcp is already in use on the host"
	[ ! -d "$ROOT/two" ]
	# bad syntax names the flag's value
	run hutch create --network bridge --publish 80 -b "$BUNDLE" two
	assert_status 1
	assert_output_contains "org.hutch.ports: port \`80\`: want [HOSTIP:]HOSTPORT:CONTAINERPORT"
	run hutch create --publish 8085:80 -b "$BUNDLE" two
	assert_status 1
	assert_output_contains "published ports need a network"
	[ ! -d "$ROOT/two" ]
}

@test "containers cannot reach the host's loopback services (route_localnet guard, CVE-2020-8558)" {
	# route_localnet on the bridge (for published ports on 127.0.0.1)
	# would let a container with CAP_NET_ADMIN route 127.0.0.0/8 to the
	# gateway and talk to services the host keeps to itself
	nsenter --net="$HOSTNS" busybox nc -l -p 9999 > "$TMP/got" &
	BG_PIDS+=($!)
	update_config '.linux.sysctl = {"net.ipv4.conf.all.route_localnet": "1",
			"net.ipv4.conf.eth0.route_localnet": "1"} |
		.process.capabilities |= with_entries(.value += ["CAP_NET_ADMIN"])'
	set_args sh -c 'ip route add 127.0.0.2/32 via 10.77.0.1 dev eth0 && ip route get 127.0.0.2 && echo secret | nc -w 2 127.0.0.2 9999; echo nc=$?'
	run hutch run --network bridge -b "$BUNDLE" "$ID"
	assert_status 0
	assert_output_contains "127.0.0.2 via 10.77.0.1 dev eth0"
	assert_output_contains "nc=1"
	[ ! -s "$TMP/got" ]
}

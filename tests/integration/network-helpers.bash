# Fixtures for the network-*.bats files.  Every test gets a network
# namespace of its own that plays the host ($HOSTNS, bind-mounted under the
# test's temp dir): hutch runs inside it, so the bridge, the nftables table
# and every veth live there and die with it; traffic only goes to addresses
# inside it.  (This kernel has no dummy links: veth pairs stand in.)

load helpers

net_setup() {
	setup_bundle
	HOSTNS=$TMP/hostns
	touch "$HOSTNS"
	unshare --net="$HOSTNS" ip link set lo up
	BG_PIDS=()
	EXTRA_ROOTS=()
}

net_teardown() {
	local id p r
	for p in "${BG_PIDS[@]}"; do
		kill -9 "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	# delete inside the test's host namespace, before teardown_bundle
	# would try outside it
	for r in "$ROOT" "${EXTRA_ROOTS[@]}"; do
		[ -d "$r" ] || continue
		for id in $(ls "$r" 2>/dev/null); do
			[ -d "$r/$id" ] && nsenter --net="$HOSTNS" "$HUTCH_BIN" \
				--root "$r" delete --force "$id" >/dev/null 2>&1
		done
	done
	# every namespace file this test bind-mounted (host, outside, ...)
	for p in $(awk -v t="$TMP/" '{ for (i = 7; i <= NF; i++) if ($i == "-") break;
			if ($(i + 1) == "nsfs" && index($5, t) == 1) print $5 }' /proc/self/mountinfo); do
		umount "$p"
	done
	teardown_bundle
}

# "outside": a machine behind the host's uplink ext0 (192.0.2.1), at
# 192.0.2.2, with no route to the containers' subnets; run commands there
# with `outside CMD...`
net_outside() {
	touch "$TMP/outside"
	unshare --net="$TMP/outside" ip link set lo up
	inhost ip link add ext0 type veth peer name ext1 netns "$TMP/outside"
	inhost ip addr add 192.0.2.1/24 dev ext0
	inhost ip link set ext0 up
	outside ip addr add 192.0.2.2/24 dev ext1
	outside ip link set ext1 up
}

outside() {
	nsenter --net="$TMP/outside" "$@"
}

# wait for background pids (not in a subshell: they are our children);
# $FAILED = how many failed
wait_all() {
	local p
	FAILED=0
	for p in "$@"; do
		wait "$p" || FAILED=$((FAILED + 1))
	done
}

# run a command in the test's host namespace
inhost() {
	nsenter --net="$HOSTNS" "$@"
}

# hutch, run in the test's host namespace
hutch() {
	nsenter --net="$HOSTNS" "$HUTCH_BIN" --root "$ROOT" "$@"
}

# a started container running CMD in the background: net_start ID [hutch
# create flags...] -- CMD...
net_start() {
	local id=$1 flags=()
	shift
	while [ "$1" != -- ]; do
		flags+=("$1")
		shift
	done
	shift
	set_args "$@"
	hutch create "${flags[@]}" -b "$BUNDLE" "$id" || return 1
	hutch start "$id"
}

# the IPv4 address of a container's eth0, as the container sees it
addr4_of() {
	nsenter --net=/proc/"$(hutch state "$1" | jq -r .pid)"/ns/net \
		ip -4 -o addr show dev eth0 | awk '{print $4}' | cut -d/ -f1
}

# what a container network leaves behind in the host namespace: veths,
# leases, files, port rules (one line each)
net_leftovers() {
	inhost ip -o link show type veth | grep ': vh'
	ls "$ROOT/.net/leases" "$ROOT/.net/files" 2>/dev/null | grep -v -e '^$' -e ':$'
	inhost nft list chain inet hutch ports 2>/dev/null | grep dnat
	return 0
}

# busybox ping needs a raw socket (docker's default set has CAP_NET_RAW)
allow_ping() {
	update_config '.process.capabilities |= with_entries(.value += ["CAP_NET_RAW"])'
}

# networks.conf for this test's --root
net_conf() {
	mkdir -p "$ROOT"
	cat > "$ROOT/networks.conf"
}

# Shared by the bats files that drive containerd (tests/engines/
# containerd.bats on the host, tests/vm/containerd.bats in the sandbox
# lane): `load ../engines/containerd`.  containerd 1.6 is a daemon of the
# file, its root, state and socket under $CTRD_DIR; it runs this tree's
# hutch through its runc shim (io.containerd.runc.v2), which calls hutch
# with --root $CTRD_DIR/hutch-state/default --log FILE --log-format json.

load ../engines/engines

CTRD_RUNTIME=${CTRD_RUNTIME:-$HUTCH_BIN}
IMG=$ENGINE_IMAGE_NAME
RUNTIME_DIRS="/run/containerd/s /run/containerd"

ctrc() {
	ctr --address "$CTRD_DIR/containerd.sock" "$@"
}

ctrd_setup_file() {
	CTRD_DIR=$(mktemp -d /tmp/hutch-containerd.XXXXXX)
	chmod 755 "$CTRD_DIR"
	export CTRD_DIR
	mkdir -p "$CTRD_DIR/fifo"
	# containerd 1.6 binds its shims' sockets in /run/containerd/s, a path
	# it has no setting for: remove the dirs at the end if we made them
	local d made=
	for d in $RUNTIME_DIRS; do
		[ -e "$d" ] || made="$made $d"
	done
	echo "$made" > "$CTRD_DIR/made-dirs"
	cat > "$CTRD_DIR/config.toml" <<EOF
version = 2
root = "$CTRD_DIR/root"
state = "$CTRD_DIR/state"
# no CRI (it wants CNI and a stream server), no snapshotters we do not use,
# nothing in /opt
disabled_plugins = ["io.containerd.grpc.v1.cri",
  "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs",
  "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs",
  "io.containerd.internal.v1.opt", "io.containerd.tracing.processor.v1.otlp",
  "io.containerd.internal.v1.tracing"]
[grpc]
  address = "$CTRD_DIR/containerd.sock"
[ttrpc]
  address = "$CTRD_DIR/containerd.sock.ttrpc"
EOF
	# ctr 1.6 drops --runc-binary when it sends task options of its own
	# (--no-pivot, --uidmap) and the shim then runs `runc` from PATH: make
	# that fail loudly instead of passing a test with runc
	mkdir -p "$CTRD_DIR/bin"
	printf '#!/bin/sh\necho "runc called instead of hutch: $*" >&2\nexit 1\n' \
		> "$CTRD_DIR/bin/runc"
	chmod 755 "$CTRD_DIR/bin/runc"
	# fd 3 is bats' own: a daemon holding it would keep bats waiting
	PATH=$CTRD_DIR/bin:/usr/bin containerd --config "$CTRD_DIR/config.toml" \
		>"$CTRD_DIR/containerd.log" 2>&1 3>&- &
	echo $! > "$CTRD_DIR/containerd.pid"
	wait_for ctrc version >/dev/null 2>&1 ||
		fail "containerd did not start: $(tail -5 "$CTRD_DIR/containerd.log")"
	ctrc image import "$(engine_image_dir)/oci.tar" >/dev/null
}

# kill, delete and remove every container of the daemon
remove_all() {
	local c
	for c in $(ctrc container ls -q 2>/dev/null); do
		ctrc task kill -s KILL "$c" >/dev/null 2>&1
		wait_for task_gone_or_stopped "$c" || true
		ctrc task rm -f "$c" >/dev/null 2>&1
		ctrc container rm "$c" >/dev/null 2>&1
	done
}

task_gone_or_stopped() {
	! ctrc task ls 2>/dev/null | grep -qE "^$1 .*(RUNNING|PAUSED|CREATED)"
}

ctrd_teardown_file() {
	[ -n "${CTRD_DIR:-}" ] || return 0
	local pid f d left
	remove_all
	ctrc image rm "$IMG" >/dev/null 2>&1 || true
	pid=$(cat "$CTRD_DIR/containerd.pid" 2>/dev/null)
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null
		wait_for sh -c "! kill -0 $pid 2>/dev/null" || kill -9 "$pid"
	fi
	# shims our daemon started and left (a test that failed half-way)
	for f in "$CTRD_DIR"/state/io.containerd.runtime.v2.task/*/*/shim.pid; do
		[ -r "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null
	done
	for d in $(cat "$CTRD_DIR/made-dirs"); do
		rmdir "$d" 2>/dev/null || true
	done
	left=$(awk -v d="$CTRD_DIR" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo)
	for f in $left; do
		umount -l "$f"
	done
	rm -rf "$CTRD_DIR"
	[ -z "$left" ] || fail "mounts left: $left"
}

ctrd_setup() {
	engine_setup
	NS_PID=
}

ctrd_teardown() {
	[ -z "$NS_PID" ] || kill "$NS_PID" 2>/dev/null || true
	remove_all
	engine_teardown "$CTRD_DIR/hutch-state/default" "$CTRD_DIR"
}

# ctr_run NAME [ctr run options] [-- CMD ARGS...]: a container of this tree's
# hutch ($CTRD_RUNTIME: hutch, or hutch-vm for a sandbox) in the cgroup
# $CGROUP_PATH/NAME
ctr_run() {
	local name=$1 opts=()
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	[ $# -eq 0 ] || shift
	ctrc run --fifo-dir "$CTRD_DIR/fifo" --runc-binary "$CTRD_RUNTIME" \
		--runc-root "$CTRD_DIR/hutch-state" --cgroup "$CGROUP_PATH/$name" \
		"${opts[@]}" "$IMG" "$name" "$@"
}

texec() {
	ctrc task exec --fifo-dir "$CTRD_DIR/fifo" "$@"
}

task_status() {
	ctrc task ls | awk -v c="$1" '$1 == c { print $3 }'
}

# hutch's state of containerd's container ID: the field JQ
hutch_state_of() {
	"$HUTCH_BIN" --root "$CTRD_DIR/hutch-state/default" state "$1" | jq -r "$2"
}

# Shared by the bats files that drive podman (tests/engines/podman.bats on
# the host, tests/vm/podman.bats in the sandbox lane): `load
# ../engines/podman`.  podman 4.3 + conmon run this tree's hutch, configured
# through contrib/podman/containers.conf; everything podman keeps (storage,
# run dir, tmp dir, locks, events, network config) is under $PODMAN_DIR.

load ../engines/engines

IMG=localhost/hutch-test/busybox:latest

# containers.conf for the tests: the contrib snippet with this tree's paths,
# plus what our machines need
podman_conf() {
	local d=$PODMAN_DIR
	cat <<EOF
[containers]
# podman's default rlimits (nofile 1048576, nproc 4194304) need
# CAP_SYS_RESOURCE, which the test machines do not have
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
# no bridge in the machine's network namespace
netns = "none"

[network]
# netavark keeps its state in /run/containers/networks whatever we say
network_backend = "cni"
network_config_dir = "$d/net"

EOF
	cat > "$d/engine.conf" <<EOF
runtime = "hutch"
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$d/events.log"
# shm locks would live in the machine-wide /dev/shm/libpod_lock
lock_type = "file"
tmp_dir = "$d/tmp"
static_dir = "$d/storage/libpod"
volume_path = "$d/storage/volumes"
image_copy_tmp_dir = "$d/tmp"
EOF
	sed -e "/^\[engine\]\$/r $d/engine.conf" \
		-e "s|^hutch = .*|hutch = [\"$d/bin/hutch\"]|" \
		-e "s|^hutch-vm = .*|hutch-vm = [\"$d/bin/hutch-vm\"]|" \
		"$HUTCH_TREE/contrib/podman/containers.conf"
}

podman_setup_file() {
	PODMAN_DIR=$(mktemp -d /tmp/hutch-podman.XXXXXX)
	chmod 755 "$PODMAN_DIR"
	export PODMAN_DIR
	export CONTAINERS_CONF=$PODMAN_DIR/containers.conf
	export CONTAINERS_STORAGE_CONF=$PODMAN_DIR/storage.conf
	engine_wrapper "$PODMAN_DIR/bin" "$PODMAN_DIR/hutch-state"
	mkdir -p "$PODMAN_DIR/tmp" "$PODMAN_DIR/net" "$PODMAN_DIR/xdg" \
		"$PODMAN_DIR/xdg-run"
	podman_conf > "$CONTAINERS_CONF"
	grep -q "$PODMAN_DIR/bin/hutch\"" "$CONTAINERS_CONF"
	cat > "$CONTAINERS_STORAGE_CONF" <<EOF
[storage]
driver = "overlay"
graphroot = "$PODMAN_DIR/storage"
runroot = "$PODMAN_DIR/run"
EOF
	# containers/image 5.23 puts its blob-info cache in
	# /var/lib/containers/cache for euid 0 and has no setting for it; under
	# podman's own rootless-uid variable it uses XDG_DATA_HOME instead (and
	# XDG_RUNTIME_DIR, which must exist, or it makes /run/user/1)
	_CONTAINERS_ROOTLESS_UID=1 XDG_DATA_HOME=$PODMAN_DIR/xdg \
		XDG_RUNTIME_DIR=$PODMAN_DIR/xdg-run \
		podman import -q "$(engine_image_dir)/rootfs.tar" "$IMG" >/dev/null
}

podman_teardown_file() {
	[ -n "${PODMAN_DIR:-}" ] || return 0
	# reset removes containers and images and unmounts the storage
	podman system reset -f >/dev/null 2>&1 || true
	local left
	left=$(grep -F "$PODMAN_DIR" /proc/self/mountinfo || true)
	rm -rf "$PODMAN_DIR"
	[ -z "$left" ] || fail "mounts left: $left"
}

podman_setup() {
	engine_setup
	# conmon writes its `oom` file into the cwd it inherits from podman
	cd "$TMP"
	NS_PID=
}

podman_teardown() {
	[ -z "$NS_PID" ] || kill "$NS_PID" 2>/dev/null || true
	podman rm -a -f -t 0 >/dev/null 2>&1 || true
	engine_teardown "$PODMAN_DIR/hutch-state" "$PODMAN_DIR" \
		"$PODMAN_DIR/storage/overlay"
}

prun() {
	podman run --cgroup-parent "$CGROUP_PATH" "$@"
}

# a container that leaves on SIGTERM (a plain sleep as pid 1 ignores it)
TERMABLE='trap "echo got TERM; exit 0" TERM; echo up; while :; do sleep 0.1; done'

full_id() {
	podman inspect -f '{{.Id}}' "$1"
}

# hutch's state of podman's container (full id) ID: the field JQ
hutch_state_of() {
	"$PODMAN_DIR/bin/hutch" state "$1" | jq -r "$2"
}

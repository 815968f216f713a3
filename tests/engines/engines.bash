# Shared by the engine bats files (podman.bats, containerd.bats): `load
# engines`.  The engine itself (its storage, config, daemon) lives in one
# temp dir per file, made in setup_file; every test gets its own temp dir
# ($TMP), id ($ID) and cgroup parent /hutch-test/$ID, which engine_teardown
# checks and removes.

load ../integration/helpers

ENGINE_IMAGE_NAME=hutch.test/busybox:latest

# the image archives of the test rootfs (tests/engines/mkimage), built once
# per tree: $dir/rootfs.tar and $dir/oci.tar
engine_image_dir() {
	local dir=$HUTCH_BUILD/engine-image
	if [ ! -s "$dir/oci.tar" ]; then
		mkdir -p "$dir"
		(
			flock 9
			[ -s "$dir/oci.tar" ] ||
				"$HUTCH_TREE/tests/engines/mkimage" "$(cached_rootfs)" \
					"$dir" "$ENGINE_IMAGE_NAME" >/dev/null
		) 9>"$HUTCH_BUILD/.engine-image.lock"
	fi
	echo "$dir"
}

# engine_wrapper DIR STATE: DIR/hutch and DIR/hutch-vm run this tree's
# binaries with --root STATE.  Engines call the runtime by path with no
# --root (podman 4.3 even drops --runtime-flag from the exit command conmon
# runs), and the tests must not share /run/hutch with anyone.  exec keeps the
# process the engine waits on, and argv[0] (hutch-vm mode), hutch's own.
engine_wrapper() {
	local dir=$1 state=$2 name
	mkdir -p "$dir" "$state"
	for name in hutch hutch-vm; do
		printf '#!/bin/sh\nexec %s --root %s "$@"\n' \
			"$(dirname "$HUTCH_BIN")/$name" "$state" > "$dir/$name"
		chmod 755 "$dir/$name"
	done
}

engine_setup() {
	TMP=$(mktemp -d /tmp/hutch-test.XXXXXX)
	chmod 755 "$TMP"
	ID=t$(basename "$TMP" | cut -d. -f2 | tr 'A-Z' 'a-z')
	CGROUP_NAME=$ID
	CGROUP_PATH=$CGROUP_TEST_PARENT/$CGROUP_NAME
}

# containers hutch knows under STATE (hutch keeps caches there too)
state_containers() {
	"$HUTCH_BIN" --root "$1" list -q 2>/dev/null
}

# mount points under DIR or $TMP but EXCEPT (the storage home some engines
# keep mounted while they run)
mounts_under() {
	awk -v d="$1" -v t="$TMP" -v x="${2:-}" \
		'(index($5, d) == 1 || index($5, t) == 1) && $5 != x { print $5 }' \
		/proc/self/mountinfo
}

# engine_teardown STATE ENGINE_DIR [MOUNT_EXCEPT]: after the engine removed
# the test's containers, nothing of them may be left: no hutch state, no
# mount under the engine's dir or $TMP, no process or dir in the test's
# cgroups
engine_teardown() {
	local state=$1 dir=$2 left="" ids m d
	[ -n "${TMP:-}" ] || return 0
	ids=$(state_containers "$state")
	if [ -n "$ids" ]; then
		left="hutch state left in $state: $ids"
		for d in $ids; do
			"$HUTCH_BIN" --root "$state" delete --force "$d" >/dev/null 2>&1
		done
	fi
	m=$(mounts_under "$dir" "${3:-}")
	[ -z "$m" ] || left="$left
mounts left: $m"
	# conmon and the shims leave a moment after their container
	wait_for test_cgroups_idle || true
	remove_test_cgroups
	if [ -n "$(test_cgroup_dirs)" ]; then
		left="$left
cgroups left: $(test_cgroup_dirs)"
	fi
	rm -rf "$TMP"
	[ -z "$left" ] || fail "teardown: $left"
}

# in_pty INPUT CMD...: CMD with a terminal (script(1)'s pty) as stdio, INPUT
# typed into it; status and output are CMD's
in_pty() {
	local input=$1
	shift
	printf '%s\n' "$input" | script -qec "$(printf '%q ' "$@")" /dev/null
}

# no process is left in the test's cgroups
test_cgroups_idle() {
	local d
	for d in $(test_cgroup_dirs); do
		find "$d" -name cgroup.procs -exec cat {} + 2>/dev/null
	done | grep -q . && return 1
	return 0
}

# own_netns PID: PID (an `unshare --net` of the test) is in its new netns
own_netns() {
	[ "$(readlink "/proc/$1/ns/net")" != "$(readlink /proc/self/ns/net)" ]
}

# assert_equal GOT EXPECTED
assert_equal() {
	[ "$1" = "$2" ] || fail "expected: $2
got: $1"
}

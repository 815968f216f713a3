# Shared fixtures for the bats files: `load helpers` then call setup_bundle in
# setup() and teardown_bundle in teardown().
#
# Each test gets its own temp dir ($TMP) holding its --root state dir
# ($ROOT), its bundle ($BUNDLE, a copy of a cached busybox rootfs) and a
# cgroupsPath under /hutch-test/<test> that teardown removes.  Tests call
# `hutch ...` (the binary of this tree with --root $ROOT).

HUTCH_TREE=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
HUTCH_BIN=${HUTCH_BIN:-$HUTCH_TREE/hutch}
HUTCH_BUILD=${HUTCH_BUILD:-$HUTCH_TREE/build}
TEST_HELPERS=$HUTCH_BUILD/tests/helpers
CGROUP_TEST_PARENT=/hutch-test

hutch() {
	"$HUTCH_BIN" --root "$ROOT" "$@"
}

# the busybox rootfs, built once per tree and copied for every test
cached_rootfs() {
	local cache=$HUTCH_BUILD/test-rootfs
	if [ ! -x "$cache/rootfs/bin/busybox" ]; then
		mkdir -p "$cache"
		(
			flock 9
			[ -x "$cache/rootfs/bin/busybox" ] ||
				"$HUTCH_TREE/tests/mkbundle" "$cache" --rootfs-only >/dev/null
		) 9>"$HUTCH_BUILD/.test-rootfs.lock"
	fi
	echo "$cache/rootfs"
}

setup_bundle() {
	TMP=$(mktemp -d /tmp/hutch-test.XXXXXX)
	# a container's root in a user namespace must be able to reach the rootfs
	chmod 755 "$TMP"
	ROOT=$TMP/state
	BUNDLE=$TMP/bundle
	ID=t$(basename "$TMP" | cut -d. -f2 | tr 'A-Z' 'a-z')
	CGROUP_NAME=$ID
	CGROUP_PATH=$CGROUP_TEST_PARENT/$CGROUP_NAME
	mkdir -p "$BUNDLE"
	cp -a "$(cached_rootfs)" "$BUNDLE/rootfs"
	(cd "$BUNDLE" && "$HUTCH_BIN" spec)
	# `hutch spec`'s root is read-only like runc's; tests write into it
	update_config ".process.terminal = false
		| .root.readonly = false
		| .linux.cgroupsPath = \"$CGROUP_PATH\"
		| .process.args = [\"true\"]"
	mountinfo_before=$(mounts_of_tmp)
}

# update_config 'jq expression' edits $BUNDLE/config.json in place
update_config() {
	jq "$@" "$BUNDLE/config.json" > "$BUNDLE/config.json.new" &&
		mv "$BUNDLE/config.json.new" "$BUNDLE/config.json"
}

set_args() {
	local json
	json=$(printf '%s\n' "$@" | jq -R . | jq -s -c .)
	update_config ".process.args = $json"
}

# host mounts that mention this test's temp dir (there must be none left)
mounts_of_tmp() {
	grep -F "$TMP" /proc/self/mountinfo || true
}

# use_cgroup SUFFIX: a sibling cgroupsPath for a second container of a test
use_cgroup() {
	update_config ".linux.cgroupsPath = \"$CGROUP_PATH-$1\""
}

# every cgroup dir this test may have made, on every hierarchy
test_cgroup_dirs() {
	local h d
	for h in /sys/fs/cgroup/*/ /sys/fs/cgroup/; do
		for d in "$h$CGROUP_TEST_PARENT/$CGROUP_NAME" "$h$CGROUP_TEST_PARENT/$CGROUP_NAME"-*; do
			[ -d "$d" ] && echo "$d"
		done
	done
	return 0
}

remove_test_cgroups() {
	local d
	for d in $(test_cgroup_dirs); do
		# depth first; rmdir only (cgroupfs has no files to unlink)
		find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null || true
	done
}

teardown_bundle() {
	[ -n "${TMP:-}" ] || return 0
	local id
	if [ -d "$ROOT" ]; then
		for id in $(ls "$ROOT" 2>/dev/null); do
			[ -d "$ROOT/$id" ] && hutch delete --force "$id" >/dev/null 2>&1
		done
	fi
	remove_test_cgroups
	local left
	left=$(mounts_of_tmp)
	rm -rf "$TMP"
	if [ -n "$left" ]; then
		echo "teardown: mounts left behind:" >&2
		echo "$left" >&2
		return 1
	fi
}

# assertions ---------------------------------------------------------------
fail() {
	echo "$@" >&2
	return 1
}

# assert_output_contains TEXT (checks $output from bats `run`)
assert_output_contains() {
	case "$output" in
	*"$1"*) return 0 ;;
	esac
	fail "expected output to contain: $1
got: $output"
}

assert_status() {
	[ "$status" -eq "$1" ] || fail "expected status $1, got $status
output: $output"
}

# state_field ID JQ-FILTER: one field of `hutch state`
state_field() {
	hutch state "$1" | jq -r "$2"
}

# wait_for CMD...: retry for up to 5 s (WAIT_TRIES tenths of a second)
wait_for() {
	local i
	for i in $(seq "${WAIT_TRIES:-50}"); do
		"$@" && return 0
		sleep 0.1
	done
	"$@"
}

#!/usr/bin/env bats
# Broken config.json files: `hutch create` must exit 1 with one message that
# names the file and the JSON path, and leave nothing behind (no state dir,
# no cgroup, no mount, no process).  Each fixture in fixtures/bad-config/ is
# NAME.json (with @CGROUPS_PATH@ replaced by the test's cgroupsPath) and
# NAME.expect (the message after "config.json: ").

load helpers

FIXTURES=$BATS_TEST_DIRNAME/fixtures/bad-config

# like setup_bundle, without a rootfs or `hutch spec`: the config is refused
# before either matters, and the test stays fast
setup() {
	TMP=$(mktemp -d /tmp/hutch-test.XXXXXX)
	ROOT=$TMP/state
	BUNDLE=$TMP/bundle
	ID=t$(basename "$TMP" | cut -d. -f2 | tr 'A-Z' 'a-z')
	CGROUP_NAME=$ID
	CGROUP_PATH=$CGROUP_TEST_PARENT/$CGROUP_NAME
	mkdir -p "$BUNDLE/rootfs"
}

teardown() {
	teardown_bundle
}

# pids whose root or cwd is inside this test's temp dir (one find, not a
# readlink per process: forks are slow on a busy machine)
procs_in_tmp() {
	find /proc/[0-9]*/root /proc/[0-9]*/cwd -maxdepth 0 \
		\( -lname "$TMP" -o -lname "$TMP/*" \) 2>/dev/null |
		cut -d/ -f3 | sort -u
}

assert_nothing_left() {
	[ ! -e "$ROOT/$ID" ] || fail "state dir left behind: $ROOT/$ID"
	[ -z "$(test_cgroup_dirs)" ] || fail "cgroup left behind: $(test_cgroup_dirs)"
	[ -z "$(mounts_of_tmp)" ] || fail "mounts left behind: $(mounts_of_tmp)"
	[ -z "$(procs_in_tmp)" ] || fail "processes left behind: $(procs_in_tmp)"
}

# create_fails MESSAGE: `hutch create` exits 1 naming config.json and MESSAGE
create_fails() {
	run hutch create --bundle "$BUNDLE" "$ID"
	assert_status 1
	assert_output_contains "$BUNDLE/config.json: $1"
	assert_nothing_left
}

check_fixture() {
	[ -f "$FIXTURES/$1.json" ] || fail "no fixture $1"
	sed "s|@CGROUPS_PATH@|$CGROUP_PATH|" "$FIXTURES/$1.json" > "$BUNDLE/config.json"
	create_fails "$(cat "$FIXTURES/$1.expect")"
}

@test "bad config: every fixture has a test below" {
	local f n
	for f in "$FIXTURES"/*.json; do
		n=$(basename "$f" .json)
		grep -q "^@test \"bad config: $n\"" "$BATS_TEST_FILENAME" ||
			fail "fixture $n has no @test"
		[ -f "$FIXTURES/$n.expect" ] || fail "fixture $n has no .expect"
	done
}

@test "bad config: missing config.json" {
	create_fails "No such file or directory"
}

@test "bad config: config.json is a directory" {
	mkdir "$BUNDLE/config.json"
	create_fails "Is a directory"
}

@test "bad config: 100 MB of nesting is refused by size" {
	head -c 104857600 /dev/zero | tr '\0' '[' > "$BUNDLE/config.json"
	create_fails "104857600 bytes is more than the 16 MiB limit"
}

@test "bad config: 15 MB of nesting is refused by depth" {
	head -c 15728640 /dev/zero | tr '\0' '[' > "$BUNDLE/config.json"
	create_fails "line 1, column 65: nesting deeper than 64 levels"
}

@test "bad config: annotation-not-string" {
	check_fixture annotation-not-string
}

@test "bad config: args-empty" {
	check_fixture args-empty
}

@test "bad config: args-not-strings" {
	check_fixture args-not-strings
}

@test "bad config: args-nul-byte" {
	check_fixture args-nul-byte
}

@test "bad config: capability-unknown" {
	check_fixture capability-unknown
}

@test "bad config: cgroups-path-dotdot" {
	check_fixture cgroups-path-dotdot
}

@test "bad config: cwd-relative" {
	check_fixture cwd-relative
}

@test "bad config: device-bad-type" {
	check_fixture device-bad-type
}

@test "bad config: device-missing-major" {
	check_fixture device-missing-major
}

@test "bad config: duplicate-key" {
	check_fixture duplicate-key
}

@test "bad config: empty" {
	check_fixture empty
}

@test "bad config: env-no-equals" {
	check_fixture env-no-equals
}

@test "bad config: hook-relative-path" {
	check_fixture hook-relative-path
}

@test "bad config: hook-zero-timeout" {
	check_fixture hook-zero-timeout
}

@test "bad config: hostname-without-uts" {
	check_fixture hostname-without-uts
}

@test "bad config: idmap-size-zero" {
	check_fixture idmap-size-zero
}

@test "bad config: invalid-utf8" {
	check_fixture invalid-utf8
}

@test "bad config: linux-not-object" {
	check_fixture linux-not-object
}

@test "bad config: masked-path-relative" {
	check_fixture masked-path-relative
}

@test "bad config: memory-limit-below-minus-one" {
	check_fixture memory-limit-below-minus-one
}

@test "bad config: missing-oci-version" {
	check_fixture missing-oci-version
}

@test "bad config: missing-root" {
	check_fixture missing-root
}

@test "bad config: mount-missing-destination" {
	check_fixture mount-missing-destination
}

@test "bad config: mount-uidmap-without-gidmap" {
	check_fixture mount-uidmap-without-gidmap
}

@test "bad config: namespace-duplicate" {
	check_fixture namespace-duplicate
}

@test "bad config: namespace-path-relative" {
	check_fixture namespace-path-relative
}

@test "bad config: namespace-unknown" {
	check_fixture namespace-unknown
}

@test "bad config: not-json" {
	check_fixture not-json
}

@test "bad config: oci-version-2" {
	check_fixture oci-version-2
}

@test "bad config: oci-version-not-semver" {
	check_fixture oci-version-not-semver
}

@test "bad config: oom-score-adj-range" {
	check_fixture oom-score-adj-range
}

@test "bad config: rlimit-duplicate" {
	check_fixture rlimit-duplicate
}

@test "bad config: rlimit-soft-above-hard" {
	check_fixture rlimit-soft-above-hard
}

@test "bad config: rlimit-unknown" {
	check_fixture rlimit-unknown
}

@test "bad config: root-path-number" {
	check_fixture root-path-number
}

@test "bad config: seccomp-errno-with-kill" {
	check_fixture seccomp-errno-with-kill
}

@test "bad config: seccomp-unknown-action" {
	check_fixture seccomp-unknown-action
}

@test "bad config: sysctl-empty-key" {
	check_fixture sysctl-empty-key
}

@test "bad config: time-offsets-without-timens" {
	check_fixture time-offsets-without-timens
}

@test "bad config: top-level-array" {
	check_fixture top-level-array
}

@test "bad config: trailing-garbage" {
	check_fixture trailing-garbage
}

@test "bad config: truncated" {
	check_fixture truncated
}

@test "bad config: uid-huge" {
	check_fixture uid-huge
}

@test "bad config: uid-negative" {
	check_fixture uid-negative
}

@test "bad config: uidmap-without-userns" {
	check_fixture uidmap-without-userns
}

@test "bad config: unified-escapes-cgroup" {
	check_fixture unified-escapes-cgroup
}

@test "bad config: userns-without-maps" {
	check_fixture userns-without-maps
}

# Leak audit: what hutch may leave behind, counted before and after a test.
#   audit_snapshot NAME   record the counts into $TMP/audit.NAME
#   audit_compare A B     fail naming every kind that grew from A to B
# Kinds: mounts naming the test's temp dir, cgroup dirs under the test's
# cgroup names (every hierarchy), state dirs under --root, processes that
# carry the test's env marker (every config of the test sets it), fds of
# the bats process, veth links and leases (netsetup) in the test's netns.

AUDIT_MARK=${AUDIT_MARK:-}

audit_mark_config() {
	AUDIT_MARK="HUTCH_AUDIT=$ID"
	update_config ".process.env += [\"$AUDIT_MARK\"]"
}

audit_processes() {
	[ -n "$AUDIT_MARK" ] || { echo 0; return; }
	grep -lsz "^$AUDIT_MARK\$" /proc/[0-9]*/environ 2>/dev/null | wc -l
}

audit_counts() {
	echo "mounts $(grep -cF "$TMP" /proc/self/mountinfo)"
	echo "cgroups $(test_cgroup_dirs | wc -l)"
	echo "statedirs $(ls -A "$ROOT" 2>/dev/null | grep -v '^\.seccomp' | wc -l)"
	echo "processes $(audit_processes)"
	echo "fds $(ls /proc/$$/fd | wc -l)"
	if [ -n "${AUDIT_NETNS:-}" ]; then
		echo "veths $(nsenter --net="$AUDIT_NETNS" ip -o link show type veth 2>/dev/null | wc -l)"
	fi
	if [ -d "$ROOT/.net" ]; then
		echo "leases $(find "$ROOT/.net" -name '*.lease' 2>/dev/null | wc -l)"
	fi
}

audit_snapshot() {
	audit_counts > "$TMP/audit.$1"
}

audit_compare() {
	local kind before after bad=""
	audit_snapshot "$2"
	while read -r kind after; do
		before=$(awk -v k="$kind" '$1 == k {print $2}' "$TMP/audit.$1")
		[ "$after" -le "${before:-0}" ] || bad="$bad $kind:${before:-0}->$after"
	done < "$TMP/audit.$2"
	[ -z "$bad" ] || fail "leak audit:$bad"
}

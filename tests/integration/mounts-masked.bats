#!/usr/bin/env bats
# linux.maskedPaths and linux.readonlyPaths (CVE-2025-31133 included).

load helpers

setup() { setup_bundle; }
teardown() { teardown_bundle; }

@test "a masked file reads empty and a masked directory is empty and read-only" {
	echo secret > "$BUNDLE/rootfs/etc/secret"
	mkdir "$BUNDLE/rootfs/etc/secrets"
	echo key > "$BUNDLE/rootfs/etc/secrets/key"
	update_config '.linux.maskedPaths += ["/etc/secret", "/etc/secrets", "/etc/absent"]'
	set_args sh -c 'echo "[$(cat /etc/secret)]"; ls -A /etc/secrets | wc -l; touch /etc/secrets/x || echo REFUSED'
	run hutch run -b "$BUNDLE" "$ID"
	assert_status 0
	[ "${lines[0]}" = "[]" ]
	[ "${lines[1]}" = 0 ]
	assert_output_contains REFUSED
	[ "$(cat "$BUNDLE/rootfs/etc/secret")" = secret ]
}

@test "the default masked /proc entries read empty" {
	set_args sh -c 'wc -c < /proc/keys; wc -c < /proc/timer_list; ls -A /sys/firmware | wc -l'
	run hutch run -b "$BUNDLE" "$ID"
	assert_status 0
	[ "${lines[0]}" = 0 ]
	[ "${lines[1]}" = 0 ]
	[ "${lines[2]}" = 0 ]
	# the host's are not empty
	[ "$(wc -l < /proc/timer_list)" -gt 0 ]
}

@test "a read-only path refuses writes, the rest of the root does not" {
	mkdir -p "$BUNDLE/rootfs/srv/data"
	update_config '.linux.readonlyPaths += ["/srv/data"]'
	set_args sh -c 'touch /srv/data/x || echo REFUSED; touch /srv/ok && echo WROTE; echo 1 > /proc/sys/kernel/ns_last_pid || echo PROC_RO'
	run hutch run -b "$BUNDLE" "$ID"
	assert_status 0
	assert_output_contains REFUSED
	assert_output_contains WROTE
	assert_output_contains PROC_RO
	[ ! -e "$BUNDLE/rootfs/srv/data/x" ]
}

@test "a masked path that is a symlink to a host file does not mask the host file" {
	echo "host file" > "$TMP/hostfile"
	ln -s "$TMP/hostfile" "$BUNDLE/rootfs/etc/hostlink"
	ln -s "../../../../../../../..$TMP/hostfile" "$BUNDLE/rootfs/etc/uplink"
	# the same path inside the rootfs exists and is what gets masked
	mkdir -p "$BUNDLE/rootfs$TMP"
	echo "inside" > "$BUNDLE/rootfs$TMP/hostfile"
	update_config '.linux.maskedPaths += ["/etc/hostlink", "/etc/uplink"]'
	set_args sh -c 'echo "[$(cat /etc/hostlink)]"; grep hostfile /proc/self/mountinfo | awk "{print \$5}"'
	run hutch run -b "$BUNDLE" "$ID"
	assert_status 0
	[ "${lines[0]}" = "[]" ]
	[ "${lines[1]}" = "$TMP/hostfile" ]
	[ "$(cat "$TMP/hostfile")" = "host file" ]
	[ "$(cat "$BUNDLE/rootfs$TMP/hostfile")" = "inside" ]
	[ -z "$(grep -F "$TMP/hostfile" /proc/self/mountinfo)" ]
}

@test "CVE-2025-31133: a /dev/null swapped for a symlink is never bound over masked paths" {
	echo "victim" > "$BUNDLE/rootfs/etc/victim"
	echo secret > "$BUNDLE/rootfs/etc/secret"
	update_config '.linux.maskedPaths += ["/etc/secret"]'
	# createContainer hooks run in the container's mount namespace after
	# the mounts and before pivot_root: where an attacker sharing the
	# rootfs could swap /dev/null
	cat > "$TMP/swap" <<-HOOK
	#!/bin/sh
	rm -f "$BUNDLE/rootfs/dev/null"
	ln -s /etc/victim "$BUNDLE/rootfs/dev/null"
	HOOK
	chmod +x "$TMP/swap"
	update_config '.hooks.createContainer = [{"path": "'"$TMP"'/swap"}]'
	set_args cat /etc/secret
	run hutch run -b "$BUNDLE" "$ID"
	[ "$status" -ne 0 ]
	assert_output_contains "is not the null device"
	case "$output" in *secret*) fail "the masked file leaked: $output" ;; esac
	[ ! -d "$ROOT/$ID" ] || fail "state dir left behind"
	[ "$(cat "$BUNDLE/rootfs/etc/victim")" = victim ]
}

#!/usr/bin/env bats
# OCI hooks: order, the state on stdin, which namespace they run in,
# args/env/timeout, and what a failing hook does (runtime.md).

load helpers

setup() {
	setup_bundle
	set_args sleep 30
	# runtime-namespace hooks (host paths): log "<name> <state json>"
	cat > "$TMP/hook" <<H
#!/bin/sh
printf '%s %s %s\n' "\$1" "\$(readlink /proc/self/ns/mnt)" "\$(cat)" >> "$TMP/hooks.log"
H
	chmod +x "$TMP/hook"
	# container-namespace hooks run after pivot_root: a busybox script in
	# the rootfs, logging into the rootfs
	cat > "$BUNDLE/rootfs/hook" <<'H'
#!/bin/sh
printf '%s %s %s\n' "$1" "$(readlink /proc/self/ns/mnt)" "$(cat)" >> /hooks.log
H
	chmod +x "$BUNDLE/rootfs/hook"
}
teardown() { teardown_bundle; }

hook() { # hook NAME [PATH]
	echo "{\"path\": \"${2:-$TMP/hook}\", \"args\": [\"hook\", \"$1\"]}"
}

@test "every hook runs, in order, with the state on stdin, where the spec says" {
	update_config ".hooks = {
		prestart: [$(hook prestart)],
		createRuntime: [$(hook createRuntime)],
		createContainer: [$(hook createContainer)],
		startContainer: [$(hook startContainer /hook)],
		poststart: [$(hook poststart)],
		poststop: [$(hook poststop)]}"
	hutch create -b "$BUNDLE" "$ID"
	pid=$(state_field "$ID" .pid)
	hutch start "$ID"
	hutch kill "$ID" KILL
	wait_for sh -c "[ \"\$($HUTCH_BIN --root $ROOT state $ID | jq -r .status)\" = stopped ]"
	hutch delete "$ID"
	host_mnt=$(readlink /proc/self/ns/mnt)
	cat "$TMP/hooks.log" "$BUNDLE/rootfs/hooks.log"
	[ "$(awk '{print $1}' "$TMP/hooks.log" | tr '\n' ' ')" = "prestart createRuntime createContainer poststart poststop " ]
	[ "$(awk '{print $1}' "$BUNDLE/rootfs/hooks.log")" = startContainer ]
	# runtime-namespace hooks see the host's mount ns; container ones not
	for h in prestart createRuntime poststart poststop; do
		[ "$(awk -v h=$h '$1 == h {print $2}' "$TMP/hooks.log")" = "$host_mnt" ]
	done
	[ "$(awk '$1 == "createContainer" {print $2}' "$TMP/hooks.log")" != "$host_mnt" ]
	[ "$(awk '{print $2}' "$BUNDLE/rootfs/hooks.log")" != "$host_mnt" ]
	# state on stdin: id, pid, bundle, and the status of the moment
	status_of() { grep "^$1 " "$2" | cut -d' ' -f3- | jq -r .status; }
	[ "$(status_of createRuntime "$TMP/hooks.log")" = creating ]
	[ "$(status_of startContainer "$BUNDLE/rootfs/hooks.log")" = created ]
	[ "$(status_of poststart "$TMP/hooks.log")" = running ]
	[ "$(status_of poststop "$TMP/hooks.log")" = stopped ]
	[ "$(grep '^createRuntime ' "$TMP/hooks.log" | cut -d' ' -f3- | jq -r .pid)" = "$pid" ]
	[ "$(grep '^prestart ' "$TMP/hooks.log" | cut -d' ' -f3- | jq -r .id)" = "$ID" ]
	[ "$(grep '^prestart ' "$TMP/hooks.log" | cut -d' ' -f3- | jq -r .bundle)" = "$BUNDLE" ]
}

@test "hook env and args are passed" {
	cat > "$TMP/envhook" <<H
#!/bin/sh
echo "\$0 \$1 \$2 \$HOOKVAR" > "$TMP/env.log"
H
	chmod +x "$TMP/envhook"
	update_config ".hooks.createRuntime = [{path: \"$TMP/envhook\",
		args: [\"envhook\", \"a\", \"b\"], env: [\"HOOKVAR=set\"]}]"
	set_args true
	hutch run -b "$BUNDLE" "$ID"
	[ "$(cut -d' ' -f2- "$TMP/env.log")" = "a b set" ]
}

@test "a failing createRuntime hook fails create, runs poststop, leaves nothing" {
	update_config ".hooks.createRuntime = [{path: \"/bin/false\"}]
		| .hooks.poststop = [$(hook poststop)]"
	run hutch create -b "$BUNDLE" "$ID"
	assert_status 1
	assert_output_contains "createRuntime hook 0 (\`/bin/false\`) exited with status 1"
	[ ! -d "$ROOT/$ID" ]
	[ -z "$(test_cgroup_dirs)" ]
	grep -q '^poststop ' "$TMP/hooks.log"
}

@test "a failing createContainer hook fails create and leaves nothing" {
	update_config ".hooks.createContainer = [{path: \"/bin/false\"}]"
	run hutch create -b "$BUNDLE" "$ID"
	assert_status 1
	assert_output_contains "createContainer hook 0"
	[ ! -d "$ROOT/$ID" ]
	[ -z "$(test_cgroup_dirs)" ]
}

@test "a hook that times out is killed and fails create" {
	update_config '.hooks.prestart = [{path: "/bin/sleep", args: ["sleep", "30"], timeout: 1}]'
	start=$(date +%s)
	run hutch create -b "$BUNDLE" "$ID"
	assert_status 1
	assert_output_contains "timed out after 1 s"
	[ $(($(date +%s) - start)) -lt 10 ]
	[ ! -d "$ROOT/$ID" ]
	[ -z "$(test_cgroup_dirs)" ]
}

@test "failing poststart and poststop hooks only warn" {
	update_config '.hooks.poststart = [{path: "/bin/false"}] | .hooks.poststop = [{path: "/bin/false"}]'
	set_args true
	run hutch run -b "$BUNDLE" "$ID"
	assert_status 0
	assert_output_contains "warning"
	[ ! -d "$ROOT/$ID" ]
}

# Shared by the cgroups-*.bats files (after `load helpers`): where this
# machine keeps a controller's files for the test's cgroup.  The same bats
# files run on the v1-hybrid host and in the cgroup-v2 QEMU guest
# (make check-v2).

cg_v2() {
	[ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]
}

# cg_dir CTRL [PATH]: the directory of PATH (default: the test's cgroup) on
# the hierarchy of controller CTRL ("unified" for the cgroup2 mount)
cg_dir() {
	local path=${2:-$CGROUP_PATH}
	if cg_v2; then
		echo "/sys/fs/cgroup$path"
	elif [ "$1" = unified ]; then
		echo "/sys/fs/cgroup/unified$path"
	elif [ -d "/sys/fs/cgroup/$1" ]; then
		echo "/sys/fs/cgroup/$1$path"
	else
		echo "/sys/fs/cgroup/cpu,cpuacct$path"
	fi
}

# cg_read CTRL V1-FILE V2-FILE: a file of the test's cgroup
cg_read() {
	if cg_v2; then cat "$(cg_dir "$1")/$3"; else cat "$(cg_dir "$1")/$2"; fi
}

# the cgroup a process is in, as /proc/PID/cgroup shows it
proc_cgroup() {
	if cg_v2; then
		sed -n 's/^0:://p' "/proc/$1/cgroup"
	else
		sed -n 's/^[0-9]*:memory://p' "/proc/$1/cgroup"
	fi
}

no_test_cgroups_left() {
	local left
	left=$(test_cgroup_dirs)
	[ -z "$left" ] || fail "cgroups left behind: $left"
}

# wait_long CMD...: retry for up to 20 s (an OOM kill on a loaded machine
# reclaims for a while first)
wait_long() {
	local i
	for i in $(seq 200); do
		"$@" && return 0
		sleep 0.1
	done
	"$@"
}

/* spec: each validation rule, with its exact message and JSON path.
 * Every case is a valid config with one slot replaced: the process body,
 * the linux body, or extra top-level members. */
#include "tests/unit/unit.h"
#include "tests/unit/test_spec.h"

#define PROC "'cwd': '/', 'args': ['sh']"
#define LNX "'namespaces': [{'type': 'uts'}]"

struct ecase {
	const char *process, *linux_, *top, *want;
};

static void run_cases(const struct ecase *c, size_t n, int *failed)
{
	char doc[4096];

	for (size_t i = 0; i < n; i++) {
		const char *got;
		snprintf(doc, sizeof(doc),
			 "{'ociVersion': '1.2.0', 'root': {'path': 'r'}, "
			 "'process': {%s}, 'linux': {%s}%s%s}",
			 c[i].process ? c[i].process : PROC,
			 c[i].linux_ ? c[i].linux_ : LNX, c[i].top ? ", " : "",
			 c[i].top ? c[i].top : "");
		got = parse_err(doc);
		if (strcmp(got, c[i].want)) {
			printf("#   case %zu: got \"%s\"\n#   want \"%s\"\n", i,
			       got, c[i].want);
			*failed = 1;
		}
	}
}

#define RUN(cases) run_cases(cases, sizeof(cases) / sizeof(cases[0]), \
			     unit_failed_)

TEST(valid_base_parses)
{
	static const struct ecase ok[] = {{NULL, NULL, NULL, ""}};
	RUN(ok);
}

TEST(top_level_rules)
{
	static const struct ecase cases[] = {
		{0, 0, "'hostname': 'h', 'ociVersion': '1.0.0'",
		 "duplicate key \"ociVersion\""},
		{0, 0, "'root': 5", "duplicate key \"root\""},
		{0, "'namespaces': []", "'hostname': 'h'",
		 "hostname: needs a uts namespace in linux.namespaces"},
		{0, "'namespaces': []", "'hostname': ''", ""},
		{0, 0, "'domainname': '"
		       "12345678901234567890123456789012345678901234567890"
		       "123456789012345'",
		 "domainname: longer than 64 bytes"},
		{0, 0, "'annotations': {'': 'x'}",
		 "annotations: keys must not be empty"},
		{0, 0, "'annotations': {'a.b': 1}",
		 "annotations[\"a.b\"]: must be a string (got a number)"},
		{0, 0, "'annotations': []",
		 "annotations: must be an object of strings (got an array)"},
		{0, 0, "'mounts': [{'type': 'tmpfs'}]",
		 "mounts[0].destination: required field is missing"},
		{0, 0, "'mounts': [{'destination': ''}]",
		 "mounts[0].destination: must not be empty"},
		{0, 0, "'mounts': [{'destination': '/a', 'options': 'ro'}]",
		 "mounts[0].options: must be an array of strings "
		 "(got a string)"},
		{0, 0, "'mounts': [{'destination': '/a', 'uidMappings': "
		       "[{'containerID': 0, 'hostID': 1, 'size': 1}]}]",
		 "mounts[0].gidMappings: required with uidMappings"},
		{0, 0, "'mounts': [{'destination': '/a', 'options': ['idmap']}]",
		 "mounts[0]: idmap needs uidMappings and gidMappings or a "
		 "user namespace"},
		{0, 0, "'hooks': {'poststop': [{'path': 'rel'}]}",
		 "hooks.poststop[0].path: must be an absolute path "
		 "(got \"rel\")"},
		{0, 0, "'hooks': {'prestart': [{'path': '/x', 'timeout': 0}]}",
		 "hooks.prestart[0].timeout: must be greater than 0, got 0"},
		{0, 0, "'hooks': {'createRuntime': [{'args': []}]}",
		 "hooks.createRuntime[0].path: required field is missing"},
		{0, 0, "'hooks': []",
		 "hooks: must be an object (got an array)"},
	};
	RUN(cases);
}

TEST(version_and_root_rules)
{
	static const char *const bad[][2] = {
		{"{'root': {'path': 'r'}}", "ociVersion: required field is "
					     "missing"},
		{"{'ociVersion': '1.2', 'root': {'path': 'r'}}",
		 "ociVersion: \"1.2\" is not a SemVer version like \"1.2.0\""},
		{"{'ociVersion': '01.2.0', 'root': {'path': 'r'}}",
		 "ociVersion: \"01.2.0\" is not a SemVer version like "
		 "\"1.2.0\""},
		{"{'ociVersion': '2.0.0', 'root': {'path': 'r'}}",
		 "ociVersion: version 2.0.0 is not supported (hutch reads "
		 "runtime-spec 1.x)"},
		{"{'ociVersion': 1, 'root': {'path': 'r'}}",
		 "ociVersion: must be a string (got a number)"},
		{"{'ociVersion': '1.0.0'}", "root: required field is missing"},
		{"{'ociVersion': '1.0.0', 'root': {}}",
		 "root.path: required field is missing"},
		{"{'ociVersion': '1.0.0', 'root': {'path': ''}}",
		 "root.path: must not be empty"},
		{"{'ociVersion': '1.0.0', 'root': {'path': 'r', "
		 "'readonly': 'yes'}}",
		 "root.readonly: must be a boolean (got a string)"},
	};
	static const char *const good[] = {
		"1.0.0", "1.0.2-dev", "1.1.0-rc.3", "1.2.0+build.007", "1.9.99",
	};
	char doc[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_STR(parse_err(bad[i][0]), bad[i][1]);
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(doc, sizeof(doc), "{'ociVersion': '%s', 'root': "
			 "{'path': 'r'}}", good[i]);
		CHECK_STR(parse_err(doc), "");
	}
}

TEST(process_rules)
{
	static const struct ecase cases[] = {
		{"'cwd': '/'", 0, 0, "process.args: required field is missing"},
		{"'cwd': '/', 'args': []", 0, 0,
		 "process.args: must be a non-empty array of strings"},
		{"'cwd': '/', 'args': 'sh'", 0, 0,
		 "process.args: must be a non-empty array of strings "
		 "(got a string)"},
		{"'cwd': '/', 'args': ['sh', 2]", 0, 0,
		 "process.args[1]: must be a string (got a number)"},
		{"'cwd': '/', 'args': ['s\\u0000h']", 0, 0,
		 "process.args[0]: must not contain a NUL character"},
		{"'args': ['sh']", 0, 0, "process.cwd: required field is missing"},
		{"'cwd': 'tmp', 'args': ['sh']", 0, 0,
		 "process.cwd: must be an absolute path (got \"tmp\")"},
		{PROC ", 'env': ['A=1', 'NOEQUALS']", 0, 0,
		 "process.env[1]: must look like NAME=value (got \"NOEQUALS\")"},
		{PROC ", 'env': ['=x']", 0, 0,
		 "process.env[0]: must look like NAME=value (got \"=x\")"},
		{PROC ", 'terminal': 1", 0, 0,
		 "process.terminal: must be a boolean (got a number)"},
		{PROC ", 'consoleSize': {'height': 1}", 0, 0,
		 "process.consoleSize.width: required field is missing"},
		{PROC ", 'user': {'uid': 0}", 0, 0,
		 "process.user.gid: required field is missing"},
		{PROC ", 'user': {'uid': -1, 'gid': 0}", 0, 0,
		 "process.user.uid: must be an integer between 0 and "
		 "4294967295 (got -1)"},
		{PROC ", 'user': {'uid': 4294967296, 'gid': 0}", 0, 0,
		 "process.user.uid: must be an integer between 0 and "
		 "4294967295 (got 4294967296)"},
		{PROC ", 'user': {'uid': 1.0, 'gid': 0}", 0, 0,
		 "process.user.uid: must be an integer between 0 and "
		 "4294967295 (got 1.0)"},
		{PROC ", 'user': {'uid': 0, 'gid': 0, 'umask': 512}", 0, 0,
		 "process.user.umask: must be at most 0777 (decimal 511), "
		 "got 512"},
		{PROC ", 'user': {'uid': 0, 'gid': 0, 'additionalGids': [1, "
		      "'2']}", 0, 0,
		 "process.user.additionalGids[1]: must be an integer "
		 "(got a string)"},
		{PROC ", 'oomScoreAdj': 1001", 0, 0,
		 "process.oomScoreAdj: must be between -1000 and 1000, got "
		 "1001"},
		{PROC ", 'oomScoreAdj': 99999999999", 0, 0,
		 "process.oomScoreAdj: must be an integer between -2147483648 "
		 "and 2147483647 (got 99999999999)"},
	};
	RUN(cases);
}

TEST(process_limits_caps_sched_rules)
{
	static const struct ecase cases[] = {
		{PROC ", 'rlimits': [{'type': 'RLIMIT_FOO', 'soft': 1, "
		      "'hard': 1}]", 0, 0,
		 "process.rlimits[0].type: unknown rlimit \"RLIMIT_FOO\""},
		{PROC ", 'rlimits': [{'type': 'RLIMIT_NOFILE', 'soft': 2, "
		      "'hard': 1}]", 0, 0,
		 "process.rlimits[0]: soft limit 2 is above the hard limit 1"},
		{PROC ", 'rlimits': [{'type': 'RLIMIT_NOFILE', 'hard': 1}]", 0,
		 0, "process.rlimits[0].soft: required field is missing"},
		{PROC ", 'rlimits': [{'type': 'RLIMIT_CPU', 'soft': 1, 'hard': "
		      "1}, {'type': 'RLIMIT_CPU', 'soft': 1, 'hard': 1}]", 0, 0,
		 "process.rlimits[1].type: duplicate rlimit \"RLIMIT_CPU\""},
		{PROC ", 'rlimits': [{'type': 'RLIMIT_CPU', 'soft': -1, "
		      "'hard': 1}]", 0, 0,
		 "process.rlimits[0].soft: must be an integer between 0 and "
		 "18446744073709551615 (got -1)"},
		{PROC ", 'capabilities': {'ambient': ['CAP_KILL', 'CAP_FOO']}",
		 0, 0, "process.capabilities.ambient[1]: unknown capability "
		       "\"CAP_FOO\""},
		{PROC ", 'capabilities': {'bounding': ['kill']}", 0, 0,
		 "process.capabilities.bounding[0]: unknown capability "
		 "\"kill\""},
		{PROC ", 'scheduler': {'policy': 'SCHED_FAST'}", 0, 0,
		 "process.scheduler.policy: unknown scheduling policy "
		 "\"SCHED_FAST\""},
		{PROC ", 'scheduler': {'policy': 'SCHED_OTHER', 'nice': 20}", 0,
		 0, "process.scheduler.nice: must be between -20 and 19, got 20"},
		{PROC ", 'scheduler': {'policy': 'SCHED_RR', 'flags': ['X']}", 0,
		 0, "process.scheduler.flags[0]: unknown scheduler flag \"X\""},
		{PROC ", 'scheduler': {}", 0, 0,
		 "process.scheduler.policy: required field is missing"},
		{PROC ", 'ioPriority': {'class': 'IOPRIO_CLASS_X', "
		      "'priority': 1}", 0, 0,
		 "process.ioPriority.class: unknown I/O priority class "
		 "\"IOPRIO_CLASS_X\""},
		{PROC ", 'ioPriority': {'class': 'IOPRIO_CLASS_RT', "
		      "'priority': 8}", 0, 0,
		 "process.ioPriority.priority: must be between 0 and 7, got 8"},
		{PROC ", 'execCPUAffinity': {'initial': '0-', 'final': '1'}", 0,
		 0, "process.execCPUAffinity.initial: must be a list like "
		    "\"0-3,7\" (got \"0-\")"},
		{PROC ", 'execCPUAffinity': {'final': '3-1'}", 0, 0,
		 "process.execCPUAffinity.final: must be a list like \"0-3,7\" "
		 "(got \"3-1\")"},
	};
	RUN(cases);
}

TEST(namespace_and_idmap_rules)
{
	static const struct ecase cases[] = {
		{0, "'namespaces': [{'type': 'pid'}, {'type': 'uts'}, "
		    "{'type': 'foo'}]", 0,
		 "linux.namespaces[2].type: unknown namespace \"foo\""},
		{0, "'namespaces': [{'type': 'uts'}, {'type': 'uts'}]", 0,
		 "linux.namespaces[1].type: duplicate namespace \"uts\""},
		{0, "'namespaces': [{'type': 'uts', 'path': 'x'}]", 0,
		 "linux.namespaces[0].path: must be an absolute path "
		 "(got \"x\")"},
		{0, "'namespaces': [{'path': '/x'}]", 0,
		 "linux.namespaces[0].type: required field is missing"},
		{0, "'namespaces': {'type': 'pid'}", 0,
		 "linux.namespaces: must be an array of objects "
		 "(got an object)"},
		{0, LNX ", 'uidMappings': [{'containerID': 0, 'hostID': 0, "
		    "'size': 1}]", 0,
		 "linux.uidMappings: needs a new user namespace in "
		 "linux.namespaces"},
		{0, "'namespaces': [{'type': 'uts'}, {'type': 'user'}], "
		    "'uidMappings': [{'containerID': 0, 'hostID': 0, "
		    "'size': 1}]", 0,
		 "linux.gidMappings: required with a new user namespace"},
		{0, "'namespaces': [{'type': 'uts'}, {'type': 'user', 'path': "
		    "'/proc/1/ns/user'}]", 0, ""},
		{0, "'namespaces': [{'type': 'user'}], 'uidMappings': "
		    "[{'containerID': 0, 'hostID': 0, 'size': 0}], "
		    "'gidMappings': []", 0,
		 "linux.uidMappings[0].size: must be greater than 0"},
		{0, "'namespaces': [{'type': 'user'}], 'gidMappings': "
		    "[{'containerID': 4294967295, 'hostID': 0, 'size': 2}], "
		    "'uidMappings': []", 0,
		 "linux.gidMappings[0]: range 4294967295+2 or 0+2 goes past "
		 "4294967295"},
		{0, "'namespaces': [{'type': 'user'}], 'uidMappings': "
		    "[{'hostID': 0, 'size': 1}]", 0,
		 "linux.uidMappings[0].containerID: required field is missing"},
		{0, LNX ", 'timeOffsets': {'monotonic': {'secs': 1}}", 0,
		 "linux.timeOffsets: needs a new time namespace in "
		 "linux.namespaces"},
		{0, "'namespaces': [{'type': 'time'}], 'timeOffsets': "
		    "{'realtime': {'secs': 1}}", 0,
		 "linux.timeOffsets: unknown clock \"realtime\""},
		{0, "'namespaces': [{'type': 'time'}], 'timeOffsets': "
		    "{'boottime': {'nanosecs': 1000000000}}", 0,
		 "linux.timeOffsets.boottime.nanosecs: must be below "
		 "1000000000, got 1000000000"},
	};
	RUN(cases);
}

TEST(linux_device_and_path_rules)
{
	static const struct ecase cases[] = {
		{0, LNX ", 'devices': [{'path': '/dev/x', 'type': 'c'}]", 0,
		 "linux.devices[0].major: required for device type 'c'"},
		{0, LNX ", 'devices': [{'path': '/dev/x', 'type': 'b', "
		    "'major': 1}]", 0,
		 "linux.devices[0].minor: required for device type 'b'"},
		{0, LNX ", 'devices': [{'path': '/dev/x', 'type': 'x', "
		    "'major': 1, 'minor': 1}]", 0,
		 "linux.devices[0].type: unknown device type \"x\" "
		 "(one of: cbup)"},
		{0, LNX ", 'devices': [{'path': 'dev/x', 'type': 'p'}]", 0,
		 "linux.devices[0].path: must be an absolute path "
		 "(got \"dev/x\")"},
		{0, LNX ", 'devices': [{'path': '/x', 'type': 'p', "
		    "'fileMode': 8192}]", 0,
		 "linux.devices[0].fileMode: must be permission bits, at most "
		 "07777 (decimal 4095), optionally with the file type of type "
		 "'p' (010000), got 8192 (020000)"},
		{0, LNX ", 'maskedPaths': ['/ok', 'proc/kcore']", 0,
		 "linux.maskedPaths[1]: must be an absolute path "
		 "(got \"proc/kcore\")"},
		{0, LNX ", 'readonlyPaths': ['x']", 0,
		 "linux.readonlyPaths[0]: must be an absolute path "
		 "(got \"x\")"},
		{0, LNX ", 'rootfsPropagation': 'rshare'", 0,
		 "linux.rootfsPropagation: unknown propagation \"rshare\""},
		{0, LNX ", 'cgroupsPath': '/hutch-test/../../x'", 0,
		 "linux.cgroupsPath: must not contain \"..\" components"},
		{0, LNX ", 'cgroupsPath': 'a..b/c..'", 0, ""},
		{0, LNX ", 'sysctl': {'': '1'}", 0,
		 "linux.sysctl: keys must not be empty"},
		{0, LNX ", 'sysctl': {'net.x': 1}", 0,
		 "linux.sysctl[\"net.x\"]: must be a string (got a number)"},
		{0, LNX ", 'personality': {'domain': 'LINUX64'}", 0,
		 "linux.personality.domain: unknown personality domain "
		 "\"LINUX64\""},
		{0, LNX ", 'personality': {'domain': 'LINUX', 'flags': ['X']}",
		 0, "linux.personality.flags[0]: unknown personality flag "
		    "\"X\""},
		{0, LNX ", 'intelRdt': {'memBwSchema': 'L3:0=1'}", 0,
		 "linux.intelRdt.memBwSchema: must be one line starting with "
		 "\"MB:\""},
		{0, LNX ", 'intelRdt': {'closID': '../x'}", 0,
		 "linux.intelRdt.closID: must be one directory name or \"/\""},
		{0, LNX ", 'netDevices': {'eth0/..': {}}", 0,
		 "linux.netDevices[\"eth0/..\"]: not a network interface name"},
		{0, LNX ", 'netDevices': {'eth0': {'name': 'a very long name'}}",
		 0, "linux.netDevices[\"eth0\"].name: not a network interface "
		    "name: \"a very long name\""},
	};
	RUN(cases);
}

TEST(seccomp_rules)
{
	static const struct ecase cases[] = {
		{0, LNX ", 'seccomp': {}", 0,
		 "linux.seccomp.defaultAction: required field is missing"},
		{0, LNX ", 'seccomp': {'defaultAction': 'SCMP_ACT_FOO'}", 0,
		 "linux.seccomp.defaultAction: unknown seccomp action "
		 "\"SCMP_ACT_FOO\""},
		{0, LNX ", 'seccomp': {'defaultAction': 'SCMP_ACT_KILL', "
		    "'defaultErrnoRet': 1}", 0,
		 "linux.seccomp.defaultErrnoRet: is only allowed with "
		 "SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not SCMP_ACT_KILL"},
		{0, LNX ", 'seccomp': {'defaultAction': 'SCMP_ACT_NOTIFY', "
		    "'listenerPath': '/s'}", 0,
		 "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the "
		 "default action"},
		{0, LNX ", 'seccomp': {'defaultAction': 'SCMP_ACT_ALLOW', "
		    "'architectures': ['SCMP_ARCH_X86_64', 'SCMP_ARCH_Z80']}",
		 0, "linux.seccomp.architectures[1]: unknown seccomp "
		    "architecture \"SCMP_ARCH_Z80\""},
		{0, LNX ", 'seccomp': {'defaultAction': 'SCMP_ACT_ALLOW', "
		    "'flags': ['SECCOMP_FILTER_FLAG_X']}", 0,
		 "linux.seccomp.flags[0]: unknown seccomp flag "
		 "\"SECCOMP_FILTER_FLAG_X\""},
		{0, LNX ", 'seccomp': {'defaultAction': 'SCMP_ACT_ALLOW', "
		    "'syscalls': [{'names': [], 'action': 'SCMP_ACT_KILL'}]}", 0,
		 "linux.seccomp.syscalls[0].names: must be a non-empty array "
		 "of strings"},
		{0, LNX ", 'seccomp': {'defaultAction': 'SCMP_ACT_ALLOW', "
		    "'syscalls': [{'names': ['a']}]}", 0,
		 "linux.seccomp.syscalls[0].action: required field is missing"},
		{0, LNX ", 'seccomp': {'defaultAction': 'SCMP_ACT_ALLOW', "
		    "'syscalls': [{'names': ['a'], 'action': 'SCMP_ACT_ERRNO', "
		    "'args': [{'index': 6, 'value': 1, 'op': 'SCMP_CMP_EQ'}]}]}",
		 0, "linux.seccomp.syscalls[0].args[0].index: must be between 0 "
		    "and 5, got 6"},
		{0, LNX ", 'seccomp': {'defaultAction': 'SCMP_ACT_ALLOW', "
		    "'syscalls': [{'names': ['a'], 'action': 'SCMP_ACT_ERRNO', "
		    "'args': [{'index': 0, 'value': 1, 'op': 'EQ'}]}]}", 0,
		 "linux.seccomp.syscalls[0].args[0].op: unknown seccomp "
		 "operator \"EQ\""},
		{0, LNX ", 'seccomp': {'defaultAction': 'SCMP_ACT_ALLOW', "
		    "'syscalls': [{'names': ['a'], 'action': "
		    "'SCMP_ACT_NOTIFY'}]}", 0,
		 "linux.seccomp.listenerPath: required when an action is "
		 "SCMP_ACT_NOTIFY"},
		{0, LNX ", 'seccomp': {'defaultAction': 'SCMP_ACT_ALLOW', "
		    "'listenerMetadata': 'm'}", 0,
		 "linux.seccomp.listenerMetadata: must not be set without "
		 "listenerPath"},
	};
	RUN(cases);
}

TEST(resources_rules)
{
	static const struct ecase cases[] = {
		{0, LNX ", 'resources': {'devices': [{'access': 'r'}]}", 0,
		 "linux.resources.devices[0].allow: required field is missing"},
		{0, LNX ", 'resources': {'devices': [{'allow': true, 'type': "
		    "'u'}]}", 0,
		 "linux.resources.devices[0].type: unknown device type \"u\" "
		 "(one of: acb)"},
		{0, LNX ", 'resources': {'devices': [{'allow': true, 'access': "
		    "'rwx'}]}", 0,
		 "linux.resources.devices[0].access: must be made of r, w and m "
		 "(got \"rwx\")"},
		{0, LNX ", 'resources': {'memory': {'limit': -2}}", 0,
		 "linux.resources.memory.limit: must be -1 (unlimited) or a "
		 "number of bytes, got -2"},
		{0, LNX ", 'resources': {'memory': {'limit': -1, 'swap': -1, "
		    "'kernel': -1}}", 0, ""},
		{0, LNX ", 'resources': {'memory': {'swappiness': 101}}", 0,
		 "linux.resources.memory.swappiness: must be between 0 and 100"},
		{0, LNX ", 'resources': {'memory': {'limit': 2000, 'swap': "
		    "1000}}", 0,
		 "linux.resources.memory.swap: memory+swap limit 1000 is below "
		 "the memory limit 2000"},
		{0, LNX ", 'resources': {'cpu': {'quota': -5}}", 0,
		 "linux.resources.cpu.quota: must be -1 (no limit) or a number "
		 "of microseconds, got -5"},
		{0, LNX ", 'resources': {'cpu': {'quota': 1000, 'burst': "
		    "2000}}", 0,
		 "linux.resources.cpu.burst: 2000 is larger than the quota "
		 "1000"},
		{0, LNX ", 'resources': {'cpu': {'shares': 1}}", 0,
		 "linux.resources.cpu.shares: must be between 2 and 262144, "
		 "got 1"},
		{0, LNX ", 'resources': {'cpu': {'shares': 0}}", 0, ""},
		{0, LNX ", 'resources': {'cpu': {'idle': 2}}", 0,
		 "linux.resources.cpu.idle: must be 0 or 1"},
		{0, LNX ", 'resources': {'cpu': {'cpus': 'all'}}", 0,
		 "linux.resources.cpu.cpus: must be a list like \"0-3,7\" "
		 "(got \"all\")"},
		{0, LNX ", 'resources': {'pids': {}}", 0,
		 "linux.resources.pids.limit: required field is missing"},
		{0, LNX ", 'resources': {'blockIO': {'weight': 70000}}", 0,
		 "linux.resources.blockIO.weight: must be an integer between 0 "
		 "and 65535 (got 70000)"},
		{0, LNX ", 'resources': {'blockIO': {'weightDevice': "
		    "[{'major': 8, 'minor': 0}]}}", 0,
		 "linux.resources.blockIO.weightDevice[0]: needs weight or "
		 "leafWeight"},
		{0, LNX ", 'resources': {'blockIO': {'throttleReadBpsDevice': "
		    "[{'major': 8, 'minor': 0}]}}", 0,
		 "linux.resources.blockIO.throttleReadBpsDevice[0].rate: "
		 "required field is missing"},
		{0, LNX ", 'resources': {'hugepageLimits': [{'pageSize': '2M', "
		    "'limit': 1}]}", 0,
		 "linux.resources.hugepageLimits[0].pageSize: must look like "
		 "2MB or 1GB (got \"2M\")"},
		{0, LNX ", 'resources': {'network': {'priorities': [{'name': "
		    "'eth0'}]}}", 0,
		 "linux.resources.network.priorities[0].priority: required "
		 "field is missing"},
		{0, LNX ", 'resources': {'rdma': {'mlx': {}}}", 0,
		 "linux.resources.rdma[\"mlx\"]: needs hcaHandles or "
		 "hcaObjects"},
		{0, LNX ", 'resources': {'unified': {'../../cgroup.procs': "
		    "'1'}}", 0,
		 "linux.resources.unified[\"../../cgroup.procs\"]: not a cgroup "
		 "file name"},
	};
	RUN(cases);
}

TEST(unknown_fields_are_ignored)
{
	static const struct ecase cases[] = {
		{PROC ", 'futureField': {'deep': [1, {'x': null}]}",
		 LNX ", 'vendorThing': 1", "'windows': {'layerFolders': []}",
		 ""},
	};
	RUN(cases);
}

UNIT_MAIN()

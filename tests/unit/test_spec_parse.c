/* spec: a config that sets every field parses into the right values. */
#include <sys/resource.h>

#include "tests/unit/unit.h"
#include "tests/unit/test_spec.h"

static const char full[] =
"{'ociVersion': '1.2.0',"
" 'root': {'path': 'rootfs', 'readonly': true},"
" 'hostname': 'box', 'domainname': 'example.org',"
" 'process': {"
"  'terminal': true, 'consoleSize': {'height': 25, 'width': 80},"
"  'user': {'uid': 1, 'gid': 2, 'umask': 18, 'additionalGids': [5, 6],"
"           'username': 'u'},"
"  'args': ['sh', '-c', 'true'], 'commandLine': 'cmd',"
"  'env': ['PATH=/bin', 'A=b=c'], 'cwd': '/root',"
"  'capabilities': {'bounding': ['CAP_KILL', 'CAP_BPF'],"
"    'effective': ['CAP_KILL'], 'inheritable': [], 'permitted': ['CAP_KILL'],"
"    'ambient': ['CAP_CHECKPOINT_RESTORE']},"
"  'rlimits': [{'type': 'RLIMIT_NOFILE', 'soft': 1024, 'hard': 4096},"
"    {'type': 'RLIMIT_CORE', 'soft': 0, 'hard': 18446744073709551615}],"
"  'noNewPrivileges': true, 'apparmorProfile': 'prof', 'oomScoreAdj': -500,"
"  'selinuxLabel': 'lbl',"
"  'scheduler': {'policy': 'SCHED_DEADLINE', 'nice': -5, 'priority': 3,"
"    'flags': ['SCHED_FLAG_RECLAIM'], 'runtime': 100, 'deadline': 200,"
"    'period': 300},"
"  'ioPriority': {'class': 'IOPRIO_CLASS_BE', 'priority': 4},"
"  'execCPUAffinity': {'initial': '7', 'final': '0-3,7'}},"
" 'mounts': [{'destination': '/proc', 'type': 'proc', 'source': 'proc'},"
"   {'destination': 'data', 'type': 'none', 'source': '/v',"
"    'options': ['rbind', 'idmap'],"
"    'uidMappings': [{'containerID': 0, 'hostID': 1000, 'size': 10}],"
"    'gidMappings': [{'containerID': 0, 'hostID': 2000, 'size': 20}]}],"
" 'hooks': {'prestart': [{'path': '/bin/a', 'args': ['a', '1'],"
"    'env': ['X=1'], 'timeout': 5}],"
"   'createRuntime': [{'path': '/bin/b'}],"
"   'createContainer': [{'path': '/bin/c'}],"
"   'startContainer': [{'path': '/bin/d'}], 'poststart': [{'path': '/bin/e'}],"
"   'poststop': [{'path': '/bin/f'}, {'path': '/bin/g'}]},"
" 'annotations': {'org.hutch.sandbox': 'vm', 'b': ''},"
" 'linux': {"
"  'namespaces': [{'type': 'pid'},"
"    {'type': 'network', 'path': '/var/run/netns/x'}, {'type': 'mount'},"
"    {'type': 'ipc'}, {'type': 'uts'}, {'type': 'user'}, {'type': 'cgroup'},"
"    {'type': 'time'}],"
"  'uidMappings': [{'containerID': 0, 'hostID': 100000, 'size': 65536}],"
"  'gidMappings': [{'containerID': 0, 'hostID': 200000, 'size': 65536},"
"    {'containerID': 65536, 'hostID': 5, 'size': 1}],"
"  'timeOffsets': {'monotonic': {'secs': -10, 'nanosecs': 5},"
"    'boottime': {'secs': 100}},"
"  'devices': [{'path': '/dev/fuse', 'type': 'c', 'major': 10, 'minor': 229,"
"    'fileMode': 438, 'uid': 0, 'gid': 3},"
"    {'path': '/dev/p', 'type': 'p', 'fileMode': 4516}],"
"  'cgroupsPath': '/hutch-test/x',"
"  'resources': {"
"   'devices': [{'allow': false, 'access': 'rwm'}, {'allow': true,"
"     'type': 'c', 'major': 10, 'minor': 229, 'access': 'rw'}],"
"   'memory': {'limit': 536870912, 'reservation': 1000,"
"     'swap': 1073741824, 'kernel': -1, 'kernelTCP': -1, 'swappiness': 60,"
"     'disableOOMKiller': true, 'useHierarchy': false,"
"     'checkBeforeUpdate': true},"
"   'cpu': {'shares': 1024, 'quota': 100000, 'burst': 5000,"
"     'period': 100000, 'realtimeRuntime': 950000,"
"     'realtimePeriod': 1000000, 'cpus': '0-1', 'mems': '0', 'idle': 1},"
"   'pids': {'limit': 32},"
"   'blockIO': {'weight': 10, 'leafWeight': 20, 'weightDevice': [{'major': 8,"
"     'minor': 0, 'weight': 500, 'leafWeight': 300}],"
"     'throttleReadBpsDevice': [{'major': 8, 'minor': 0, 'rate': 600}],"
"     'throttleWriteBpsDevice': [{'major': 8, 'minor': 1, 'rate': 700}],"
"     'throttleReadIOPSDevice': [{'major': 8, 'minor': 2, 'rate': 800}],"
"     'throttleWriteIOPSDevice': [{'major': 8, 'minor': 16, 'rate': 300}]},"
"   'hugepageLimits': [{'pageSize': '2MB', 'limit': 209715200}],"
"   'network': {'classID': 1048577,"
"     'priorities': [{'name': 'eth0', 'priority': 500}]},"
"   'rdma': {'mlx5_1': {'hcaHandles': 3, 'hcaObjects': 10000}},"
"   'unified': {'io.max': '259:0 rbps=2097152', 'memory.high': 'max'}},"
"  'sysctl': {'net.ipv4.ip_forward': '1'},"
"  'seccomp': {'defaultAction': 'SCMP_ACT_ERRNO', 'defaultErrnoRet': 38,"
"   'architectures': ['SCMP_ARCH_X86_64'],"
"   'flags': ['SECCOMP_FILTER_FLAG_LOG'], 'listenerPath': '/run/agent.sock',"
"   'listenerMetadata': 'meta',"
"   'syscalls': [{'names': ['getcwd', 'chmod'], 'action': 'SCMP_ACT_NOTIFY'},"
"    {'names': ['personality'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 1,"
"     'args': [{'index': 0, 'value': 8, 'valueTwo': 9,"
"      'op': 'SCMP_CMP_MASKED_EQ'}]}]},"
"  'rootfsPropagation': 'rslave', 'maskedPaths': ['/proc/kcore'],"
"  'readonlyPaths': ['/proc/sys', '/proc/bus'], 'mountLabel': 'mlabel',"
"  'intelRdt': {'closID': 'guaranteed', 'l3CacheSchema': 'L3:0=7f0',"
"    'memBwSchema': 'MB:0=20', 'enableCMT': true, 'enableMBM': true},"
"  'personality': {'domain': 'LINUX32', 'flags': []},"
"  'netDevices': {'eth1': {'name': 'ceth1'}, 'eth2': {}}},"
" 'unknownTopLevel': {'x': [1, 2, {'y': null}]}}";

TEST(top_level_and_root)
{
	struct spec *s = parse_ok(full);
	REQUIRE(s);
	CHECK_STR(s->oci_version, "1.2.0");
	CHECK_STR(s->root->path, "rootfs");
	CHECK(s->root->readonly);
	CHECK_STR(s->hostname, "box");
	CHECK_STR(s->domainname, "example.org");
	CHECK(s->nannotations == 2);
	CHECK_STR(spec_annotation(s, "org.hutch.sandbox"), "vm");
	CHECK_STR(spec_annotation(s, "b"), "");
	CHECK(spec_annotation(s, "c") == NULL);
	spec_free(s);
}

TEST(process_fields)
{
	struct spec *s = parse_ok(full);
	struct spec_process *p = s ? s->process : NULL;
	REQUIRE(p);
	CHECK(p->terminal && p->has_console_size);
	CHECK(p->console_height == 25 && p->console_width == 80);
	CHECK(p->user.uid == 1 && p->user.gid == 2);
	CHECK(p->user.has_umask && p->user.umask == 18);
	CHECK(p->user.nadditional_gids == 2 && p->user.additional_gids[1] == 6);
	CHECK_STR(p->user.username, "u");
	CHECK(p->nargs == 3);
	CHECK_STR(p->args[2], "true");
	CHECK(p->args[3] == NULL);
	CHECK_STR(p->command_line, "cmd");
	CHECK(p->nenv == 2);
	CHECK_STR(p->env[1], "A=b=c");
	CHECK_STR(p->cwd, "/root");
	CHECK(p->no_new_privileges);
	CHECK_STR(p->apparmor_profile, "prof");
	CHECK(p->has_oom_score_adj && p->oom_score_adj == -500);
	CHECK_STR(p->selinux_label, "lbl");
	CHECK_STR(p->exec_cpu_affinity_initial, "7");
	CHECK_STR(p->exec_cpu_affinity_final, "0-3,7");
	spec_free(s);
}

TEST(process_caps_rlimits_sched)
{
	struct spec *s = parse_ok(full);
	struct spec_process *p = s ? s->process : NULL;
	REQUIRE(p);
	CHECK(p->has_capabilities);
	CHECK(p->capabilities.has_bounding && p->capabilities.nbounding == 2);
	CHECK_STR(p->capabilities.bounding[1], "CAP_BPF");
	CHECK(p->capabilities.has_inheritable);
	CHECK(p->capabilities.ninheritable == 0);
	CHECK(p->capabilities.has_effective && p->capabilities.has_permitted);
	CHECK_STR(p->capabilities.ambient[0], "CAP_CHECKPOINT_RESTORE");
	CHECK(p->nrlimits == 2);
	CHECK_STR(p->rlimits[0].type, "RLIMIT_NOFILE");
	CHECK(p->rlimits[0].resource == RLIMIT_NOFILE);
	CHECK(p->rlimits[0].soft == 1024 && p->rlimits[0].hard == 4096);
	CHECK(p->rlimits[1].resource == RLIMIT_CORE);
	CHECK(p->rlimits[1].hard == UINT64_MAX);
	CHECK_STR(p->scheduler->policy, "SCHED_DEADLINE");
	CHECK(p->scheduler->has_nice && p->scheduler->nice == -5);
	CHECK(p->scheduler->has_priority && p->scheduler->priority == 3);
	CHECK(p->scheduler->nflags == 1);
	CHECK(p->scheduler->runtime == 100 && p->scheduler->deadline == 200);
	CHECK(p->scheduler->has_period && p->scheduler->period == 300);
	CHECK_STR(p->io_priority->class, "IOPRIO_CLASS_BE");
	CHECK(p->io_priority->priority == 4);
	spec_free(s);
}

TEST(mounts_and_hooks)
{
	struct spec *s = parse_ok(full);
	REQUIRE(s);
	CHECK(s->nmounts == 2);
	CHECK_STR(s->mounts[0].destination, "/proc");
	CHECK(s->mounts[0].options == NULL && s->mounts[0].noptions == 0);
	/* relative destinations are relative to "/" (config.md) */
	CHECK_STR(s->mounts[1].destination, "/data");
	CHECK_STR(s->mounts[1].type, "none");
	CHECK_STR(s->mounts[1].source, "/v");
	CHECK(s->mounts[1].noptions == 2);
	CHECK_STR(s->mounts[1].options[1], "idmap");
	CHECK(s->mounts[1].nuid_mappings == 1);
	CHECK(s->mounts[1].uid_mappings[0].host_id == 1000);
	CHECK(s->mounts[1].gid_mappings[0].size == 20);
	CHECK(s->hooks.nprestart == 1);
	CHECK_STR(s->hooks.prestart[0].path, "/bin/a");
	CHECK(s->hooks.prestart[0].nargs == 2 && s->hooks.prestart[0].nenv == 1);
	CHECK(s->hooks.prestart[0].has_timeout);
	CHECK(s->hooks.prestart[0].timeout == 5);
	CHECK_STR(s->hooks.create_runtime[0].path, "/bin/b");
	CHECK_STR(s->hooks.create_container[0].path, "/bin/c");
	CHECK_STR(s->hooks.start_container[0].path, "/bin/d");
	CHECK_STR(s->hooks.poststart[0].path, "/bin/e");
	CHECK(s->hooks.npoststop == 2);
	CHECK_STR(s->hooks.poststop[1].path, "/bin/g");
	CHECK(!s->hooks.poststop[1].has_timeout);
	spec_free(s);
}

TEST(linux_namespaces_maps_devices)
{
	struct spec *s = parse_ok(full);
	struct spec_linux *l = s ? s->linux : NULL;
	REQUIRE(l);
	CHECK(l->nnamespaces == 8);
	CHECK(l->namespaces[1].type == SPEC_NS_NETWORK);
	CHECK_STR(l->namespaces[1].path, "/var/run/netns/x");
	CHECK(spec_namespace(s, SPEC_NS_TIME) == &l->namespaces[7]);
	CHECK(spec_namespace(s, SPEC_NS_USER)->path == NULL);
	CHECK(l->nuid_mappings == 1 && l->uid_mappings[0].host_id == 100000);
	CHECK(l->ngid_mappings == 2 && l->gid_mappings[1].container_id == 65536);
	CHECK(l->time_monotonic.present && l->time_monotonic.secs == -10);
	CHECK(l->time_monotonic.nanosecs == 5);
	CHECK(l->time_boottime.present && l->time_boottime.secs == 100);
	CHECK(l->ndevices == 2);
	CHECK(l->devices[0].type == 'c' && l->devices[0].major == 10);
	CHECK(l->devices[0].minor == 229 && l->devices[0].has_file_mode);
	CHECK(l->devices[0].file_mode == 438 && l->devices[0].gid == 3);
	CHECK(l->devices[0].has_uid && l->devices[0].has_gid);
	CHECK(l->devices[1].type == 'p' && !l->devices[1].has_major);
	/* podman's S_IFIFO | 0644: the type bits go */
	CHECK(l->devices[1].file_mode == 0644);
	CHECK_STR(l->cgroups_path, "/hutch-test/x");
	CHECK(l->nsysctl == 1);
	CHECK_STR(l->sysctl[0].key, "net.ipv4.ip_forward");
	CHECK_STR(l->sysctl[0].value, "1");
	spec_free(s);
}

TEST(linux_other_fields)
{
	struct spec *s = parse_ok(full);
	struct spec_linux *l = s ? s->linux : NULL;
	REQUIRE(l);
	CHECK_STR(l->rootfs_propagation, "rslave");
	CHECK(l->nmasked_paths == 1 && l->nreadonly_paths == 2);
	CHECK_STR(l->readonly_paths[1], "/proc/bus");
	CHECK_STR(l->mount_label, "mlabel");
	CHECK_STR(l->intel_rdt->clos_id, "guaranteed");
	CHECK_STR(l->intel_rdt->l3_cache_schema, "L3:0=7f0");
	CHECK_STR(l->intel_rdt->mem_bw_schema, "MB:0=20");
	CHECK(l->intel_rdt->enable_cmt && l->intel_rdt->enable_mbm);
	CHECK_STR(l->personality->domain, "LINUX32");
	CHECK(l->personality->nflags == 0);
	CHECK(l->nnet_devices == 2);
	CHECK_STR(l->net_devices[0].name, "eth1");
	CHECK_STR(l->net_devices[0].new_name, "ceth1");
	CHECK(l->net_devices[1].new_name == NULL);
	spec_free(s);
}

TEST(linux_seccomp)
{
	struct spec *s = parse_ok(full);
	struct spec_seccomp *sc = s && s->linux ? s->linux->seccomp : NULL;
	REQUIRE(sc);
	CHECK_STR(sc->default_action, "SCMP_ACT_ERRNO");
	CHECK(sc->has_default_errno_ret && sc->default_errno_ret == 38);
	CHECK(sc->narchitectures == 1 && sc->nflags == 1);
	CHECK_STR(sc->listener_path, "/run/agent.sock");
	CHECK_STR(sc->listener_metadata, "meta");
	CHECK(sc->nsyscalls == 2);
	CHECK(sc->syscalls[0].nnames == 2);
	CHECK_STR(sc->syscalls[0].names[1], "chmod");
	CHECK(!sc->syscalls[0].has_errno_ret);
	CHECK(sc->syscalls[1].has_errno_ret && sc->syscalls[1].errno_ret == 1);
	CHECK(sc->syscalls[1].nargs == 1);
	CHECK(sc->syscalls[1].args[0].value == 8);
	CHECK(sc->syscalls[1].args[0].has_value_two);
	CHECK(sc->syscalls[1].args[0].value_two == 9);
	CHECK_STR(sc->syscalls[1].args[0].op, "SCMP_CMP_MASKED_EQ");
	spec_free(s);
}

TEST(linux_resources)
{
	struct spec *s = parse_ok(full);
	struct spec_resources *r = s && s->linux ? s->linux->resources : NULL;
	REQUIRE(r);
	CHECK(r->ndevices == 2);
	CHECK(!r->devices[0].allow && r->devices[0].type == 'a');
	CHECK(r->devices[0].major == -1 && r->devices[0].minor == -1);
	CHECK(r->devices[1].allow && r->devices[1].type == 'c');
	CHECK(r->devices[1].major == 10 && r->devices[1].has_minor);
	CHECK_STR(r->devices[1].access, "rw");
	CHECK(r->memory->has_limit && r->memory->limit == 536870912);
	CHECK(r->memory->reservation == 1000 && r->memory->kernel == -1);
	CHECK(r->memory->has_kernel_tcp && r->memory->kernel_tcp == -1);
	CHECK(r->memory->swap == 1073741824 && r->memory->swappiness == 60);
	CHECK(r->memory->disable_oom_killer && r->memory->has_use_hierarchy);
	CHECK(!r->memory->use_hierarchy && r->memory->check_before_update);
	CHECK(r->cpu->shares == 1024 && r->cpu->quota == 100000);
	CHECK(r->cpu->burst == 5000 && r->cpu->period == 100000);
	CHECK(r->cpu->realtime_runtime == 950000);
	CHECK(r->cpu->realtime_period == 1000000);
	CHECK_STR(r->cpu->cpus, "0-1");
	CHECK_STR(r->cpu->mems, "0");
	CHECK(r->cpu->has_idle && r->cpu->idle == 1);
	CHECK(r->has_pids_limit && r->pids_limit == 32);
	spec_free(s);
}

TEST(linux_resources_io_net)
{
	struct spec *s = parse_ok(full);
	struct spec_resources *r = s && s->linux ? s->linux->resources : NULL;
	REQUIRE(r);
	CHECK(r->block_io->weight == 10 && r->block_io->leaf_weight == 20);
	CHECK(r->block_io->nweight_device == 1);
	CHECK(r->block_io->weight_device[0].weight == 500);
	CHECK(r->block_io->weight_device[0].leaf_weight == 300);
	CHECK(r->block_io->throttle_read_bps[0].rate == 600);
	CHECK(r->block_io->throttle_write_bps[0].minor == 1);
	CHECK(r->block_io->throttle_read_iops[0].rate == 800);
	CHECK(r->block_io->throttle_write_iops[0].minor == 16);
	CHECK(r->nhugepage_limits == 1);
	CHECK_STR(r->hugepage_limits[0].page_size, "2MB");
	CHECK(r->hugepage_limits[0].limit == 209715200);
	CHECK(r->has_net_class_id && r->net_class_id == 1048577);
	CHECK(r->nnet_priorities == 1 && r->net_priorities[0].priority == 500);
	CHECK(r->nrdma == 1);
	CHECK_STR(r->rdma[0].device, "mlx5_1");
	CHECK(r->rdma[0].hca_handles == 3 && r->rdma[0].hca_objects == 10000);
	CHECK(r->nunified == 2);
	CHECK_STR(r->unified[1].key, "memory.high");
	spec_free(s);
}

TEST(minimal_config_and_nulls)
{
	/* null is the same as absent; process and linux are optional */
	struct spec *s = parse_ok("{'ociVersion': '1.0.2-dev', 'root': "
				  "{'path': '/r'}, 'process': null, "
				  "'mounts': null, 'linux': {'seccomp': null, "
				  "'namespaces': [], 'maskedPaths': null}}");
	REQUIRE(s);
	CHECK(s->process == NULL && s->nmounts == 0);
	CHECK(s->linux && s->linux->seccomp == NULL);
	CHECK(s->linux->nnamespaces == 0);
	CHECK(spec_namespace(s, SPEC_NS_PID) == NULL);
	spec_free(s);
}

TEST(ns_names_and_flags)
{
	CHECK_STR(spec_ns_name(SPEC_NS_NETWORK), "network");
	CHECK_STR(spec_ns_name(SPEC_NS_TIME), "time");
	CHECK(spec_ns_clone_flag(SPEC_NS_MOUNT) == 0x00020000);
	CHECK(spec_ns_clone_flag(SPEC_NS_TIME) == 0x00000080);
	CHECK(spec_ns_clone_flag(SPEC_NS_USER) == 0x10000000);
}

UNIT_MAIN()

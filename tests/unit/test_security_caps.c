/* security/: capabilities, user switch, rlimits, no_new_privs and the
 * exec trampoline, applied for real in forked children (run as root). */
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "security/internal.h"
#include "tests/unit/security_child.h"
#include "tests/unit/unit.h"

#define BIT(c) (1ULL << (c))

static char *bnd[] = {"CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE",
		      "CAP_SETUID"};
static char *eff[] = {"CAP_CHOWN", "CAP_KILL"};
static char *amb[] = {"CAP_NET_BIND_SERVICE"};

static struct spec_process proc_root(void)
{
	struct spec_process p = {0};

	p.has_capabilities = true;
	p.capabilities = (struct spec_caps){
		.bounding = bnd, .nbounding = 4, .has_bounding = true,
		.effective = eff, .neffective = 2, .has_effective = true,
		.permitted = eff, .npermitted = 2, .has_permitted = true,
	};
	return p;
}

TEST(caps_resolve_skips_what_the_kernel_lacks)
{
	char *names[] = {"CAP_CHOWN", "CAP_CHECKPOINT_RESTORE", "CAP_BPF",
			 "cap_kill"};
	uint64_t m;
	struct herr e;

	CHECK(sec_caps_resolve(names, 4, 38, &m, "test", &e) == 0);
	/* CAP_BPF = 39 and CAP_CHECKPOINT_RESTORE = 40 are beyond 38 */
	CHECK(m == (BIT(CAP_CHOWN) | BIT(CAP_KILL)));
	CHECK(sec_caps_resolve(names, 4, 40, &m, "test", &e) == 0);
	CHECK(m == (BIT(0) | BIT(5) | BIT(39) | BIT(40)));
	CHECK(sec_caps_last_cap() >= 40);
}

static int check_root_caps(void *arg)
{
	struct security *sec = arg;
	int nfd;
	struct herr e;

	EXPECT(security_apply(sec, &nfd, &e) == 0);
	EXPECT(nfd == -1);
	EXPECT(status_hex("CapBnd") == (BIT(CAP_CHOWN) | BIT(CAP_KILL) |
					BIT(CAP_NET_BIND_SERVICE) |
					BIT(CAP_SETUID)));
	EXPECT(status_hex("CapEff") == (BIT(CAP_CHOWN) | BIT(CAP_KILL)));
	EXPECT(status_hex("CapPrm") == (BIT(CAP_CHOWN) | BIT(CAP_KILL)));
	/* CVE-2022-29162: nothing inheritable unless asked */
	EXPECT(status_hex("CapInh") == 0);
	EXPECT(status_hex("CapAmb") == 0);
	EXPECT(status_hex("NoNewPrivs") == 0);
	EXPECT(getuid() == 0 && getgid() == 0);
	return 0;
}

TEST(root_gets_exactly_the_five_sets)
{
	struct spec_process p = proc_root();
	struct spec s = {.process = &p};
	struct security *sec;
	struct herr e;

	CHECK(security_prepare(&s, &p, &sec, &e) == 0);
	CHECK(in_child(check_root_caps, sec) == 0);
	security_free(sec);
}

static int check_user_ambient(void *arg)
{
	struct security *sec = arg;
	char buf[128];
	int nfd;
	struct herr e;

	EXPECT(security_apply(sec, &nfd, &e) == 0);
	EXPECT(getuid() == 1000 && geteuid() == 1000 && getgid() == 1001);
	EXPECT(!strcmp(status_text("Groups", buf, sizeof(buf)), "5 6"));
	EXPECT(status_hex("CapEff") == BIT(CAP_NET_BIND_SERVICE));
	EXPECT(status_hex("CapPrm") == BIT(CAP_NET_BIND_SERVICE));
	EXPECT(status_hex("CapInh") == BIT(CAP_NET_BIND_SERVICE));
	EXPECT(status_hex("CapAmb") == BIT(CAP_NET_BIND_SERVICE));
	EXPECT(status_hex("NoNewPrivs") == 1);
	EXPECT(umask(0) == 027);
	/* ambient survives execve for a non-root user: that is its point */
	{
		char *argv[] = {"sh", "-c",
				"grep -q '^CapEff:.*0000000000000400$' "
				"/proc/self/status",
				NULL};
		char *envp[] = {"PATH=/bin:/usr/bin", NULL};
		security_execve(sec, "/bin/sh", argv, envp, &e);
		printf("#   %s\n", e.msg);
	}
	return 1;
}

TEST(user_switch_keeps_ambient_caps)
{
	static gid_t gids[] = {5, 6};
	struct spec_process p = {0};
	struct spec s = {.process = &p};
	struct security *sec;
	struct herr e;

	p.user = (struct spec_user){.uid = 1000, .gid = 1001,
				    .additional_gids = gids,
				    .nadditional_gids = 2,
				    .has_umask = true, .umask = 027};
	p.no_new_privileges = true;
	p.has_capabilities = true;
	p.capabilities = (struct spec_caps){
		.bounding = bnd, .nbounding = 4,
		.effective = amb, .neffective = 1,
		.permitted = amb, .npermitted = 1,
		.inheritable = amb, .ninheritable = 1,
		.ambient = amb, .nambient = 1,
	};
	CHECK(security_prepare(&s, &p, &sec, &e) == 0);
	CHECK(in_child(check_user_ambient, sec) == 0);
	security_free(sec);
}

TEST(ambient_without_inheritable_is_dropped_in_prepare)
{
	struct spec_process p = proc_root();
	struct spec s = {.process = &p};
	struct security *sec;
	struct herr e;

	p.capabilities.ambient = amb;
	p.capabilities.nambient = 1;
	CHECK(security_prepare(&s, &p, &sec, &e) == 0);
	CHECK(sec->caps.ambient == 0);
	security_free(sec);
}

static int check_rlimits(void *arg)
{
	struct security *sec = arg;
	struct rlimit r;
	int nfd;
	struct herr e;

	EXPECT(security_apply(sec, &nfd, &e) == 0);
	EXPECT(getrlimit(RLIMIT_NOFILE, &r) == 0);
	EXPECT(r.rlim_cur == 100 && r.rlim_max == 200);
	return 0;
}

TEST(rlimits_apply_and_fail_clearly)
{
	struct spec_rlimit rl = {.type = "RLIMIT_NOFILE",
				 .resource = RLIMIT_NOFILE, .soft = 100,
				 .hard = 200};
	struct spec_process p = {.rlimits = &rl, .nrlimits = 1};
	struct spec s = {.process = &p};
	struct security *sec;
	struct herr e;

	CHECK(security_prepare(&s, &p, &sec, &e) == 0);
	CHECK(in_child(check_rlimits, sec) == 0);
	security_free(sec);
	rl.soft = 300;
	CHECK(security_prepare(&s, &p, &sec, &e) < 0);
	CHECK(strstr(e.msg, "process.rlimits[0] (RLIMIT_NOFILE)") != NULL);
}

/* A container binary that is `#!/proc/self/exe` must not reach the
 * runtime's binary (CVE-2019-5736): through the trampoline, it finds the
 * sealed trampoline, which refuses to run. */
static int check_trampoline(void *arg)
{
	const char *script = arg;
	char *argv[] = {"evil", NULL};
	char *envp[] = {NULL};
	struct herr e;
	struct security sec = {0};

	security_execve(&sec, script, argv, envp, &e);
	printf("#   %s\n", e.msg);
	return 99;
}

TEST(self_exe_shebang_runs_the_trampoline_not_us)
{
	char dir[] = "/tmp/hutch-unit-XXXXXX", path[64];
	struct herr e;
	int fd, st;

	CHECK(security_protect_self(&e) == 0);
	CHECK(prctl(PR_GET_DUMPABLE) == 0);
	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof(path), "%s/evil", dir);
	fd = open(path, O_WRONLY | O_CREAT, 0755);
	CHECK(fd >= 0);
	CHECK(write(fd, "#!/proc/self/exe\n", 17) == 17);
	close(fd);
	st = in_child(check_trampoline, path);
	/* the test binary would have run its tests again and exited 0/1 */
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 127);
	unlink(path);
	rmdir(dir);
	prctl(PR_SET_DUMPABLE, 1);
}

UNIT_MAIN()

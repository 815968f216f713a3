/* contrib/seccomp/default.json: parses, compiles, behaves as documented
 * in a real child, and the cache saves the compile (times are printed as
 * TAP comments for the record, never asserted). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "security/internal.h"
#include "tests/unit/security_child.h"
#include "tests/unit/unit.h"

#ifndef HUTCH_TREE
#define HUTCH_TREE "."
#endif

static struct spec *load_profile(void)
{
	_cleanup_free_ char *prof = NULL, *json = NULL;
	struct spec *s = NULL;
	size_t len;
	struct herr e;

	if (read_file_at(AT_FDCWD, HUTCH_TREE "/contrib/seccomp/default.json",
			 &prof, &len, 0, &e) < 0) {
		printf("#   %s\n", e.msg);
		return NULL;
	}
	json = xasprintf("{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":"
			 "\"rootfs\"},\"process\":{\"cwd\":\"/\",\"args\":"
			 "[\"true\"],\"user\":{\"uid\":0,\"gid\":0}},"
			 "\"linux\":{\"seccomp\":%s}}", prof);
	if (spec_parse(json, strlen(json), &s, &e) < 0)
		printf("#   %s\n", e.msg);
	return s;
}

static int check_default(void *arg)
{
	struct security *sec = arg;
	int nfd;
	struct herr e;

	EXPECT(security_apply(sec, &nfd, &e) == 0);
	EXPECT(mkdir("/tmp/hutch-unit-profile", 0700) == 0);
	EXPECT(rmdir("/tmp/hutch-unit-profile") == 0);
	EXPECT(unshare(CLONE_NEWUSER) < 0 && errno == EPERM);
	EXPECT(mount("none", "/tmp", "tmpfs", 0, NULL) < 0 && errno == EPERM);
	EXPECT(syscall(SYS_keyctl, 0, 0, 0, 0, 0) < 0 && errno == EPERM);
	/* libc falls back from clone3 to clone on ENOSYS */
	EXPECT(syscall(SYS_clone3, NULL, 0) < 0 && errno == ENOSYS);
	/* mseal (462, Linux 6.10) is in the profile but newer than Debian
	 * 12's libseccomp, which skips the name: ENOSYS (libc falls back),
	 * not EPERM */
	EXPECT(syscall(462, 0, 0, 0) < 0 && errno == ENOSYS);
	EXPECT(syscall(SYS_personality, 0xffffffffUL) >= 0);
	EXPECT(syscall(SYS_personality, 0x0040000UL) < 0 && errno == EPERM);
	/* a thread is fine, a new namespace is not */
	EXPECT(syscall(SYS_socket, 40, 1, 0) < 0 && errno == EPERM);
	{
		pid_t pid = fork();
		int st;
		if (pid == 0)
			_exit(0);
		EXPECT(pid > 0 && waitpid(pid, &st, 0) == pid && st == 0);
	}
	return 0;
}

TEST(default_profile_compiles_caches_and_behaves)
{
	char dir[] = "/tmp/hutch-unit-XXXXXX", cache[64];
	_cleanup_spec_ struct spec *s = load_profile();
	struct security_stats st;
	struct security *a = NULL, *b = NULL;
	struct herr e;

	CHECK(s != NULL);
	if (!s)
		return;
	CHECK(mkdtemp(dir) != NULL);
	snprintf(cache, sizeof(cache), "%s/cache", dir);
	security_init(&(struct security_options){.seccomp_cache_dir = cache});
	CHECK(security_prepare(s, s->process, &a, &e) == 0);
	security_get_stats(&st);
	printf("# default profile: %u BPF instructions, compiled in %.3f ms\n",
	       a ? a->seccomp->ninsns : 0, st.seccomp_prepare_ns / 1e6);
	CHECK(security_prepare(s, s->process, &b, &e) == 0);
	security_get_stats(&st);
	printf("# default profile: cache hit in %.3f ms\n",
	       st.seccomp_prepare_ns / 1e6);
	CHECK(st.seccomp_cache_hits >= 1);
	CHECK(b && in_child(check_default, b) == 0);
	security_free(a);
	security_free(b);
	security_init(&(struct security_options){0});
	{
		char file[160];
		snprintf(file, sizeof(file), "%s/%s", cache, st.seccomp_hash);
		unlink(file);
		rmdir(cache);
		rmdir(dir);
	}
}

UNIT_MAIN()

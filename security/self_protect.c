/* CVE-2019-5736: a container must never get a writable handle on the
 * hutch binary.  Two ways in, two defences, no re-exec of hutch:
 *
 * 1. /proc/PID/exe (or /proc/PID/fd, ptrace) of a hutch process that is
 *    visible in the container (`exec` joins its pid namespace; the child
 *    lives there until execve).  security_protect_self() makes us
 *    non-dumpable: the kernel then grants those only to CAP_SYS_PTRACE in
 *    the user namespace we were started in (the host's), and the flag is
 *    inherited by the child and kept across its setuid.
 * 2. The kernel itself running the hutch binary inside the container:
 *    execve of a container file that is `#!/proc/self/exe` or a symlink to
 *    /proc/self/exe resolves against the *caller's* executable.  That
 *    process is dumpable (a fresh exec) and the container may open its
 *    /proc/PID/exe with O_PATH, wait for every hutch to exit (ETXTBSY
 *    stops writes only while it runs) and reopen it for writing.  So the
 *    last exec goes through a sealed memfd holding a ~1 KiB static
 *    trampoline (security/dmz/dmz.c) instead of this binary: /proc/self/exe
 *    there is a sealed copy nobody can write.  Cost: one memfd and one
 *    extra execve of a tiny static file, only when our binary is writable
 *    (not on a read-only mount, not sealed, not immutable).
 * runc 1.2 re-executes itself from a read-only overlayfs file (it must
 * re-exec anyway: Go cannot fork); crun re-executes itself from a sealed
 * memfd copy unless its binary is on a read-only mount.  We never re-exec
 * hutch. */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>

#include "security/internal.h"

#ifdef HUTCH_DMZ_PATH
__asm__(".section .rodata.hutch_dmz,\"a\"\n"
	".balign 16\n"
	".hidden hutch_dmz_start\n.global hutch_dmz_start\n"
	"hutch_dmz_start:\n"
	".incbin \"" HUTCH_DMZ_PATH "\"\n"
	".hidden hutch_dmz_end\n.global hutch_dmz_end\n"
	"hutch_dmz_end:\n"
	".previous\n");
extern const char hutch_dmz_start[] __attribute__((visibility("hidden")));
extern const char hutch_dmz_end[] __attribute__((visibility("hidden")));
#define DMZ_SIZE ((size_t)(hutch_dmz_end - hutch_dmz_start))
#else
static const char hutch_dmz_start[1];
#define DMZ_SIZE ((size_t)0)
#endif

#define DMZ_SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

static int exe_safe = -1; /* 1: our binary cannot be written; -1: unknown */
static int dmz_fd = -1;   /* child: the sealed trampoline */

/* writable unless: a sealed memfd, on a read-only mount (a read-only
 * bind of the binary counts) or immutable */
static int check_exe(void)
{
	_cleanup_close_ int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	struct statvfs vfs;
	int seals, attr = 0;

	if (fd < 0)
		return 0;
	seals = fcntl(fd, F_GET_SEALS);
	if (seals >= 0 && (seals & DMZ_SEALS) == DMZ_SEALS)
		return 1;
	if (fstatvfs(fd, &vfs) == 0 && (vfs.f_flag & ST_RDONLY))
		return 1;
	if (ioctl(fd, FS_IOC_GETFLAGS, &attr) == 0 && (attr & FS_IMMUTABLE_FL))
		return 1;
	return 0;
}

int security_protect_self(struct herr *e)
{
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return herr_sys(e, "prctl PR_SET_DUMPABLE");
	if (exe_safe < 0)
		exe_safe = check_exe();
	if (!exe_safe && !DMZ_SIZE)
		sec_warn("this build has no exec trampoline and the hutch "
			 "binary is writable: CVE-2019-5736 protection is "
			 "incomplete");
	return 0;
}

/* MFD_EXEC: kernels with vm.memfd_noexec want executable memfds asked
 * for explicitly; older kernels reject the flag */
static int dmz_memfd(void)
{
#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif
	unsigned fl = MFD_CLOEXEC | MFD_ALLOW_SEALING;
	int fd = memfd_create("hutch-dmz", fl | MFD_EXEC);

	if (fd < 0 && errno == EINVAL)
		fd = memfd_create("hutch-dmz", fl);
	return fd;
}

int sec_dmz_prepare(struct herr *e)
{
	int fd;

	if (exe_safe < 0)
		exe_safe = check_exe();
	if (exe_safe || !DMZ_SIZE || dmz_fd >= 0)
		return 0;
	fd = dmz_memfd();
	if (fd < 0)
		return herr_sys(e, "CVE-2019-5736 protection: memfd_create for "
				"the exec trampoline (vm.memfd_noexec?)");
	if (write_all(fd, hutch_dmz_start, DMZ_SIZE) < 0 ||
	    fcntl(fd, F_ADD_SEALS, DMZ_SEALS) < 0) {
		close(fd);
		return herr_sys(e, "CVE-2019-5736 protection: seal the exec "
				"trampoline");
	}
	dmz_fd = fd;
	return 0;
}

/* execveat(fd, "", AT_EMPTY_PATH) resolves no path at all.  A seccomp
 * profile may allow execve but not execveat: then /proc/self/fd/N, which
 * only a container with CAP_SYS_ADMIN (able to mount over /proc) could
 * redirect.  Never a silent fall back to the unprotected exec. */
static void exec_dmz(const char *path, char *const argv[], char *const envp[])
{
	size_t n = 0;
	char **dargv, fdpath[64];

	while (argv[n])
		n++;
	dargv = xcalloc(n + 2, sizeof(char *));
	dargv[0] = (char *)path;
	memcpy(dargv + 1, argv, n * sizeof(char *));
	syscall(SYS_execveat, dmz_fd, "", dargv, envp, AT_EMPTY_PATH);
	if (errno == EPERM || errno == EACCES || errno == ENOSYS) {
		snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", dmz_fd);
		execve(fdpath, dargv, envp);
	}
	free(dargv);
}

int security_execve(const struct security *sec, const char *path,
		    char *const argv[], char *const envp[], struct herr *e)
{
	if (dmz_fd < 0 && sec_dmz_prepare(e) < 0)
		return -1;
	if (dmz_fd >= 0) {
		exec_dmz(path, argv, envp);
		return herr_sys(e, "exec `%s` through the CVE-2019-5736 "
				"trampoline", path);
	}
	execve(path, argv, envp);
	return herr_sys(e, "exec `%s`", path);
}

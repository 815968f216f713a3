/* hutch-dmz: the few hundred bytes that run between the runtime and the
 * container's process.  security_execve() copies it into a sealed memfd
 * and executes that; it then executes the real program:
 *     argv = { path, argv0, argv1, ... }  ->  execve(path, argv + 1, envp)
 * Why (CVE-2019-5736): whatever the container process is, the kernel
 * resolves `#!/proc/self/exe` (or a symlink to /proc/self/exe) against
 * the *calling* process's executable.  Called from hutch, that is the
 * hutch binary on the host, which would then run, dumpable, inside the
 * container, where /proc/PID/exe hands it out for rewriting.  Called from
 * here it is this sealed copy, which nobody can write.
 *
 * Built static, without libc (see security/rules.mk), only when
 * HUTCH_DMZ_BUILD is defined: the library build sees an empty file. */
#ifdef HUTCH_DMZ_BUILD
#include <asm/unistd.h>

static long sys3(long n, long a, long b, long c)
{
#if defined(__x86_64__)
	long r;
	__asm__ volatile("syscall"
			 : "=a"(r)
			 : "a"(n), "D"(a), "S"(b), "d"(c)
			 : "rcx", "r11", "memory");
	return r;
#elif defined(__aarch64__)
	register long x8 __asm__("x8") = n;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	__asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2)
			 : "memory");
	return x0;
#else
#error "hutch-dmz: no syscall stub for this architecture"
#endif
}

static void say(const char *s)
{
	long n = 0;

	while (s[n])
		n++;
	sys3(__NR_write, 2, (long)s, n);
}

static const char *errname(long err)
{
	switch (err) {
	case 2: return "No such file or directory";
	case 13: return "Permission denied";
	case 8: return "Exec format error";
	case 20: return "Not a directory";
	case 1: return "Operation not permitted";
	case 7: return "Argument list too long";
	case 12: return "Cannot allocate memory";
	default: return "exec failed";
	}
}

__attribute__((noreturn, used)) void dmz_main(long *sp)
{
	long argc = sp[0];
	char **argv = (char **)(sp + 1);
	char **envp = argv + argc + 1;
	long r;

	if (argc < 2) {
		/* not started by hutch (e.g. `#!/proc/self/exe` inside the
		 * container, which now finds us): refuse, do not loop */
		say("hutch-dmz: not a program\n");
		for (;;)
			sys3(__NR_exit_group, 127, 0, 0);
	}
	r = sys3(__NR_execve, (long)argv[0], (long)(argv + 1), (long)envp);
	say("hutch: exec `");
	say(argv[0]);
	say("`: ");
	say(errname(-r));
	say("\n");
	for (;;)
		sys3(__NR_exit_group, 127, 0, 0);
}

#if defined(__x86_64__)
__asm__(".text\n.global _start\n_start:\n\txor %rbp, %rbp\n"
	"\tmov %rsp, %rdi\n\tand $-16, %rsp\n\tcall dmz_main\n\thlt\n");
#elif defined(__aarch64__)
__asm__(".text\n.global _start\n_start:\n\tmov x0, sp\n\tbl dmz_main\n");
#endif

#else
typedef int hutch_dmz_not_in_this_build;
#endif

/* The runtime side of the KVM sandbox: see runtime/sandbox.h for how the
 * create sequence uses it. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>

#include "runtime/runtime.h"
#include "runtime/sandbox.h"
#include "vmm/vmm.h"

static bool created; /* READY went to `create` */

/* opened by the parent, inherited by the child (copy-on-write) */
static struct {
	int kvm_fd;
	int share_fd; /* the rootfs alone, without mounts below it (-1) */
	int exec_fd;  /* listening on <state dir>/vm.sock (-1) */
	void *kernel, *init;
	size_t kernel_len, init_len;
} host = {.kvm_fd = -1, .share_fd = -1, .exec_fd = -1};

static const char *annotation(const struct spec *s, const char *key)
{
	return spec_annotation(s, key);
}

bool sandbox_requested(const struct spec *spec)
{
	const char *v = annotation(spec, "org.hutch.sandbox");

	return v && !strcmp(v, "vm");
}

size_t sandbox_keep_fds(int *fds, size_t max)
{
	size_t n = 0;

	if (host.kvm_fd >= 0 && n < max)
		fds[n++] = host.kvm_fd;
	if (host.share_fd >= 0 && n < max)
		fds[n++] = host.share_fd;
	if (host.exec_fd >= 0 && n < max)
		fds[n++] = host.exec_fd;
	if (sandbox_net_fd() >= 0 && n < max)
		fds[n++] = sandbox_net_fd();
	return n + sandbox_binds_keep(fds + n, max - n);
}

int sandbox_listen(int state_dir_fd, struct herr *e)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return herr_sys(e, "sandbox: socket");
	/* the state dir's path may be long: bind through its fd */
	snprintf(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d/%s",
		 state_dir_fd, SANDBOX_SOCKET);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return herr_sys(e, "sandbox: bind %s", SANDBOX_SOCKET);
	if (fchmodat(state_dir_fd, SANDBOX_SOCKET, 0600, 0) < 0 ||
	    listen(fd, 16) < 0)
		return herr_sys(e, "sandbox: listen on %s", SANDBOX_SOCKET);
	host.exec_fd = steal_fd(&fd);
	return 0;
}

/* A detached clone of the rootfs directory, not recursive: the guest sees
 * the rootfs's own directories (/dev, /proc: empty, ready to be mounted on
 * in the guest) where the container has its mounts, which the 9p server
 * refuses to cross.  Needs CAP_SYS_ADMIN (not rootless): without it the
 * child shares its "/" and those mount points stay closed to the guest. */
static int clone_rootfs(const char *rootfs)
{
	long fd = syscall(SYS_open_tree, AT_FDCWD, rootfs,
			  OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	return fd < 0 ? -1 : (int)fd;
}

static int map_file(const char *path, void **p, size_t *len, struct herr *e)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;

	if (fd < 0)
		return herr_sys(e, "open `%s`", path);
	if (fstat(fd, &st) < 0)
		return herr_sys(e, "stat `%s`", path);
	if (!S_ISREG(st.st_mode) || st.st_size == 0)
		return herr_set(e, 0, "`%s` is not a non-empty regular file", path);
	*p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (*p == MAP_FAILED)
		return herr_sys(e, "mmap `%s`", path);
	*len = (size_t)st.st_size;
	return 0;
}

/* annotation, environment, the tree next to our binary, the prefix */
static char *find_guest_file(const struct spec *spec, const char *ann,
			     const char *env, const char *name)
{
	char exe[PATH_MAX], *slash, *p;
	ssize_t n;

	if (ann && annotation(spec, ann))
		return xstrdup(annotation(spec, ann));
	if (getenv(env) && *getenv(env))
		return xstrdup(getenv(env));
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = 0;
		slash = strrchr(exe, '/');
		*slash = 0;
		p = xasprintf("%s/build/guest/%s", exe, name);
		if (access(p, R_OK) == 0)
			return p;
		free(p);
		p = xasprintf("%s/../lib/hutch/%s", exe, name);
		if (access(p, R_OK) == 0)
			return p;
		free(p);
	}
	return xasprintf("/usr/local/lib/hutch/%s", name);
}

int sandbox_prepare(const struct spec *spec, const char *rootfs,
		    struct herr *e)
{
	_cleanup_free_ char *kernel = NULL, *init = NULL;

	host.kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (host.kvm_fd < 0)
		return herr_sys(e, "sandbox: /dev/kvm (the VM sandbox needs KVM: "
				   "hardware virtualization and the kvm module)");
	if (rootfs)
		host.share_fd = clone_rootfs(rootfs);
	kernel = find_guest_file(spec, "org.hutch.vm.kernel", "HUTCH_VM_KERNEL",
				 "vmlinux");
	init = find_guest_file(spec, NULL, "HUTCH_VM_INIT", "init");
	if (map_file(kernel, &host.kernel, &host.kernel_len, e) < 0)
		return herr_wrap(e, "sandbox: guest kernel (build it with `make "
				    "guest` or set org.hutch.vm.kernel)");
	if (map_file(init, &host.init, &host.init_len, e) < 0)
		return herr_wrap(e, "sandbox: guest init (build it with `make "
				    "guest`)");
	return 0;
}

static void item(struct strbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void item(struct strbuf *b, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	va_end(ap);
	strbuf_append(b, s, strlen(s) + 1); /* with its NUL */
	free(s);
}

/* kernel filesystems the guest mounts itself; binds stay on the host */
static void mount_items(struct strbuf *b, const struct spec *spec)
{
	static const struct { const char *name; unsigned long flag; } fl[] = {
		{"ro", MS_RDONLY}, {"nosuid", MS_NOSUID}, {"nodev", MS_NODEV},
		{"noexec", MS_NOEXEC}, {"strictatime", MS_STRICTATIME},
		{"relatime", MS_RELATIME}, {"noatime", MS_NOATIME},
	};
	static const char *const kinds[] = {"proc", "sysfs", "tmpfs", "devpts",
					    "mqueue", "cgroup2", NULL};

	for (size_t i = 0; i < spec->nmounts; i++) {
		const struct spec_mount *m = &spec->mounts[i];
		struct strbuf data = {0};
		unsigned long flags = 0;
		bool kernel_fs = false, ro = false;
		const char *bind = sandbox_bind_item(i, &ro);

		if (bind) { /* in the spec's order among the others */
			item(b, "mount=bind\t%s\t%lx\t%s", m->destination,
			     ro ? (unsigned long)MS_RDONLY : 0UL, bind);
			continue;
		}
		for (size_t k = 0; m->type && kinds[k]; k++)
			kernel_fs |= !strcmp(m->type, kinds[k]);
		if (!kernel_fs || !m->destination)
			continue;
		for (size_t o = 0; o < m->noptions; o++) {
			bool known = false;
			for (size_t f = 0; f < sizeof(fl) / sizeof(fl[0]); f++)
				if (!strcmp(m->options[o], fl[f].name))
					flags |= fl[f].flag, known = true;
			if (!known && strcmp(m->options[o], "rw") &&
			    !strchr(m->options[o], '\t')) {
				if (data.len)
					strbuf_puts(&data, ",");
				strbuf_puts(&data, m->options[o]);
			}
		}
		item(b, "mount=%s\t%s\t%lx\t%s", m->type, m->destination, flags,
		     data.len ? data.buf : "");
		strbuf_free(&data);
	}
}

void sandbox_process_items(struct strbuf *b, const struct spec_process *p,
			   char *const *env)
{
	for (size_t i = 0; i < p->nargs; i++)
		item(b, "arg=%s", p->args[i]);
	for (size_t i = 0; env && env[i]; i++)
		item(b, "env=%s", env[i]);
	item(b, "cwd=%s", p->cwd ? p->cwd : "/");
	item(b, "uid=%u", p->user.uid);
	item(b, "gid=%u", p->user.gid);
	for (size_t i = 0; i < p->user.nadditional_gids; i++)
		item(b, "gids=%u", p->user.additional_gids[i]);
	if (p->user.has_umask)
		item(b, "umask=%o", p->user.umask);
}

static void *guest_config(const struct spec *spec, char *const *env,
			  size_t *len)
{
	const struct spec_process *p = spec->process;
	struct strbuf b = {0};

	sandbox_process_items(&b, p, env);
	if (p->terminal)
		item(&b, "terminal=1");
	for (size_t i = 0; i < p->nrlimits; i++)
		item(&b, "rlimit=%d,%lld,%lld", p->rlimits[i].resource,
		     p->rlimits[i].soft == RLIM_INFINITY ? -1ll : (long long)p->rlimits[i].soft,
		     p->rlimits[i].hard == RLIM_INFINITY ? -1ll : (long long)p->rlimits[i].hard);
	if (spec->hostname)
		item(&b, "hostname=%s", spec->hostname);
	if (spec->root && spec->root->readonly)
		item(&b, "readonly=1");
	mount_items(&b, spec);
	sandbox_confine_items(&b, spec);
	sandbox_net_items(&b);
	*len = b.len;
	return strbuf_steal(&b);
}

static void report_timing(const struct vmm_result *r)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	fprintf(stderr, "hutch: vm: boot-to-init %.1f ms, boot-to-ready "
		"%.1f ms, boot-to-workload %.1f ms, total %.1f ms, vmm max rss "
		"%ld KiB\n", r->boot_ns / 1e6, r->ready_ns / 1e6,
		r->workload_ns / 1e6, r->total_ns / 1e6, ru.ru_maxrss);
}

int sandbox_run(const struct spec *spec, char *const *env,
		const struct sandbox_gate *g, struct herr *e)
{
	struct vmm_file init = {"init", host.init, host.init_len};
	_cleanup_free_ void *cpio = NULL, *cfg = NULL;
	_cleanup_close_ int root = -1;
	const char *v;
	bool debug = (v = annotation(spec, "org.hutch.vm.debug")) && !strcmp(v, "1");
	struct vmm_config c = {
		.kvm_fd = host.kvm_fd, .kernel = host.kernel,
		.kernel_len = host.kernel_len,
		.cmdline = annotation(spec, "org.hutch.vm.cmdline"),
		.share_readonly = spec->root && spec->root->readonly,
		.stdin_fd = 0, .stdout_fd = 1, .stderr_fd = 2,
		.log_fd = debug ? 2 : -1, .forward_signals = true, .debug = debug,
		.exec_fd = host.exec_fd,
	};
	struct vmm_result r;

	if (g) {
		c.ctx = g->ctx;
		c.on_ready = g->on_ready;
		c.on_start = g->on_start;
		c.start_fd = g->start_fd;
	}
	if (!spec->process || !spec->process->nargs)
		return herr_set(e, EINVAL, "sandbox: process.args: nothing to run");
	if (sandbox_guest_size(spec, &c.mem_mib, &c.vcpus, e) < 0)
		return herr_wrap(e, "sandbox");
	if (sandbox_net_vmm(&c, e) < 0)
		return -1;
	if (host.kvm_fd < 0 || !host.kernel)
		return herr_set(e, 0, "sandbox: not prepared (sandbox_prepare "
				"was not called before the clone)");
	/* else after pivot_root, "/" is the container's rootfs */
	root = host.share_fd >= 0 ? fcntl(host.share_fd, F_DUPFD_CLOEXEC, 3)
				  : open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return herr_sys(e, "sandbox: open the container's root");
	c.share_dirfd = root;
	sandbox_binds_vmm(&c);
	/* process.terminal: our stdio is the host pty's slave; the guest's
	 * pty does the line discipline, ours must pass bytes as they are */
	if (spec->process->terminal && isatty(0)) {
		struct termios t;
		if (tcgetattr(0, &t) == 0) {
			cfmakeraw(&t);
			tcsetattr(0, TCSANOW, &t);
		}
	}
	c.initrd = cpio = vmm_cpio(&init, 1, &c.initrd_len);
	c.guest_config = cfg = guest_config(spec, env, &c.guest_config_len);
	if (vmm_run(&c, &r, e) < 0)
		return herr_wrap(e, "sandbox");
	if ((v = annotation(spec, "org.hutch.vm.timing")) && !strcmp(v, "1"))
		report_timing(&r);
	if (WIFSIGNALED(r.wait_status))
		return 128 + WTERMSIG(r.wait_status);
	return WEXITSTATUS(r.wait_status);
}

/* The created state: READY tells `create` the guest is up; from here on
 * the VMM outlives it (PDEATHSIG off, as the container init does). */
static int gate_ready(void *ctx, struct herr *e)
{
	struct launch *l = ctx;

	prctl(PR_SET_PDEATHSIG, 0);
	if (sync_send(l->sync_child, SYNC_READY, NULL, 0, -1, e) < 0)
		return -1;
	created = true;
	return 0;
}

/* `start` wrote exec.fifo: the startContainer hooks, then the process */
static int gate_start(void *ctx, struct herr *e)
{
	struct launch *l = ctx;
	ssize_t n;
	char c;

	do
		n = read(l->fifo_fd, &c, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1)
		return herr_set(e, EPIPE, "exec.fifo closed before start");
	close(l->fifo_fd);
	l->fifo_fd = -1;
	if (hooks_run(l->spec->hooks.start_container,
		      l->spec->hooks.nstart_container, "startContainer",
		      l->start_state_json, e) < 0)
		return -1;
	/* `run` reads the sync socket until EOF (an exec's close-on-exec)
	 * before it waits for us: close it as execve would */
	close(l->sync_child);
	l->sync_child = -1;
	return 0;
}

/* runtime.h's call point in the child, in place of READY and execve */
int sandbox_exec(struct launch *l, bool *was_created, struct herr *e)
{
	struct sandbox_gate g = {.ctx = l, .on_ready = gate_ready,
				 .on_start = gate_start, .start_fd = l->fifo_fd};
	int code;

	created = false;
	code = sandbox_run(l->spec, l->env, &g, e);
	*was_created = created;
	if (code < 0)
		return -1;
	_exit(code);
}

/* The sandbox series, where /dev/kvm exists (on our machines: inside the
 * nested QEMU lane, `make bench-vm`).  Three contenders, rotated:
 *   hutch-vm  `hutch run` of /bin/true with org.hutch.sandbox=vm and
 *             org.hutch.vm.timing=1: to_init and to_workload come from the
 *             VMM's boot timer (the guest init writes markers to port
 *             0x4f0, the VMM timestamps them from its own start), wall and
 *             peak RSS from wait4;
 *   hutch     the same bundle as a plain container (VM/container ratio);
 *   qemu      the peer VMM: qemu-system-x86_64 -M microvm -accel kvm
 *             booting the same guest kernel with the same command line and
 *             memory, and a tiny init (bench/vminit.c) that writes the
 *             same markers to an isa-debugcon on port 0x4f0; we timestamp
 *             them from QEMU's launch.  Its "workload" is a fork+exec
 *             inside the initramfs (no 9p share).
 * Then create and start of the VM bundle against the container's. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench/hbench.h"

#define VM_MEM_MIB "256"
#define QEMU_TIMEOUT_MS 120000 /* nested emulation on a busy host is slow */
/* vmm/run.c's command line, so both VMMs boot the kernel alike */
#define GUEST_CMDLINE                                                          \
	"console=ttyS0 reboot=t panic=-1 pci=off nomodule io_delay=none "     \
	"no_timer_check cryptomgr.notests 8250.nr_uarts=1 rdinit=/init quiet"

extern volatile sig_atomic_t stopping;
char *vm_skipped, *vm_note;

static struct runtime vm_rt, *hutch_rt;
static char *kernel, *cpio, *qemu;

static struct runtime *find_rt(const char *name)
{
	for (int i = 0; i < NRT; i++)
		if (!strcmp(RT[i].name, name))
			return &RT[i];
	return NULL;
}

/* newc cpio: /init (our vminit) and /dev/console, like the VMM's own */
static void cpio_entry(FILE *f, const char *name, unsigned mode, unsigned rdev,
		       const void *data, size_t len)
{
	static unsigned ino = 1;
	size_t nlen = strlen(name) + 1;
	static const char pad[4];

	fprintf(f, "070701%08X%08X%08X%08X%08X%08X%08zX%08X%08X%08X%08X%08zX"
		"%08X", ino++, mode, 0u, 0u, 1u, 0u, len, 0u, 0u, rdev >> 8,
		rdev & 0xff, nlen, 0u);
	fwrite(name, 1, nlen, f);
	fwrite(pad, 1, (4 - (110 + nlen) % 4) % 4, f);
	if (len) {
		fwrite(data, 1, len, f);
		fwrite(pad, 1, (4 - len % 4) % 4, f);
	}
}

static char *make_cpio(void)
{
	char *path = fmt("%s/vminit.cpio", E.work), *data = NULL;
	FILE *in = fopen(O.vm_init, "re"), *out = fopen(path, "we");
	size_t len = 0, cap = 0, n;

	if (!in || !out)
		goto fail;
	do {
		if (len == cap)
			data = realloc(data, cap = cap ? 2 * cap : 1 << 20);
		n = fread(data + len, 1, cap - len, in);
		len += n;
	} while (n);
	cpio_entry(out, "dev", 040755, 0, NULL, 0);
	cpio_entry(out, "dev/console", 020600, 5 << 8 | 1, NULL, 0);
	cpio_entry(out, "init", 0100755, 0, data, len);
	cpio_entry(out, "TRAILER!!!", 0, 0, NULL, 0);
	free(data);
	data = NULL;
	fclose(in);
	in = NULL;
	if (fclose(out) == 0)
		return path;
	out = NULL;
fail:
	if (in)
		fclose(in);
	if (out)
		fclose(out);
	free(data);
	free(path);
	return NULL;
}

static char *find_kernel(void)
{
	const char *env = getenv("HUTCH_VM_KERNEL");
	char *p, *slash;

	if (O.vm_kernel)
		return strdup(O.vm_kernel);
	if (env && *env)
		return strdup(env);
	p = strdup(hutch_rt->path);
	slash = strrchr(p, '/');
	*slash = 0;
	slash = fmt("%s/build/guest/vmlinux", p);
	free(p);
	return slash;
}

/* "hutch: vm: boot-to-init X ms, boot-to-workload Y ms, total Z ms, vmm
 * max rss N KiB" (runtime/sandbox.c) */
static bool parse_timing(const char *errfile, double *init, double *work,
			 double *rss)
{
	char *text = read_text(errfile), *p = text ? strstr(text, "hutch: vm:") : NULL;
	double total;
	bool ok;

	ok = p && sscanf(p, "hutch: vm: boot-to-init %lf ms, boot-to-workload "
			 "%lf ms, total %lf ms, vmm max rss %lf KiB", init,
			 work, &total, rss) == 4;
	free(text);
	return ok;
}

static bool run_hutch(struct runtime *rt, const char *variant, int r,
		      bool keep)
{
	char *id = fmt("hb-%s-%s-%d", rt->name, variant, r);
	char *ef = fmt("%s/err/%s-vm", E.work, rt->name);
	char *bundle = bundle_for(hutch_rt, variant, 0);
	char *argv[] = {rt->path, "--root", rt->state, "run", "-b", bundle, id,
			NULL};
	const char *who = strcmp(variant, "vm") ? "hutch" : "hutch-vm";
	double init, work, rss;
	struct result res;
	bool ok = false;

	if (bundle && proc_run(rt, argv, ef, &res) == 0) {
		ok = true;
		if (!strcmp(variant, "vm") && !parse_timing(ef, &init, &work, &rss))
			ok = false;
		else if (keep) {
			add("vm", who, "wall", "ms", res.wall_ms);
			add("vm", who, "maxrss", "KiB", (double)res.maxrss_kib);
			if (!strcmp(variant, "vm")) {
				add("vm", who, "to_init", "ms", init);
				add("vm", who, "to_workload", "ms", work);
				add("vm", who, "vmm_rss", "KiB", rss);
			}
		}
	} else if (bundle) {
		note_failure(rt, ef, strcmp(variant, "vm") ? "run" : "run (VM)");
	}
	proc_reap_strays();
	leftovers_check(rt, id, cgroup_for(hutch_rt, variant, 0));
	free(id);
	free(ef);
	return ok;
}

/* QEMU's debugcon bytes: 1 = init started, 2 = workload */
static void run_qemu(int r)
{
	char *argv[] = {qemu, "-M", "microvm,x-option-roms=off,rtc=off",
			"-accel", "kvm", "-cpu", "host", "-m", VM_MEM_MIB,
			"-smp", "1", "-nodefaults", "-no-user-config",
			"-display", "none", "-no-reboot", "-serial", "null",
			"-kernel", kernel, "-initrd", cpio,
			"-append", GUEST_CMDLINE,
			"-chardev", "stdio,id=hb,signal=off",
			"-device", "isa-debugcon,iobase=0x4f0,chardev=hb", NULL};
	char *ef = fmt("%s/err/qemu", E.work);
	double t0, mark[3] = {0};
	struct result res;
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return;
	t0 = now_ms();
	pid = proc_spawn(argv, ef, p[1]);
	close(p[1]);
	for (;;) {
		struct pollfd pfd = {p[0], POLLIN, 0};
		unsigned char buf[64];
		ssize_t n;

		int left = (int)(QEMU_TIMEOUT_MS - (now_ms() - t0));

		if (left <= 0 || poll(&pfd, 1, left) <= 0) {
			warnx_("qemu round %d: no exit after %d s, killed", r,
			       QEMU_TIMEOUT_MS / 1000);
			kill(pid, SIGKILL);
			break;
		}
		n = read(p[0], buf, sizeof(buf));
		if (n <= 0)
			break;
		for (ssize_t i = 0; i < n; i++)
			if (buf[i] == 1 || buf[i] == 2)
				if (!mark[buf[i]])
					mark[buf[i]] = now_ms() - t0;
	}
	close(p[0]);
	if (pid > 0 && proc_wait(pid, t0, &res) == 0 && mark[1] && mark[2]) {
		if (r >= 1) {
			add("vm", "qemu", "to_init", "ms", mark[1]);
			add("vm", "qemu", "to_workload", "ms", mark[2]);
			add("vm", "qemu", "wall", "ms", res.wall_ms);
			add("vm", "qemu", "maxrss", "KiB", (double)res.maxrss_kib);
		}
	} else {
		char *msg = read_text(ef);

		warnx_("qemu round %d: no markers (status %d): %s", r,
		       pid > 0 ? res.status : -1, msg ? msg : "");
		free(msg);
	}
	free(ef);
}

static void vm_lifecycle(struct runtime *rt, const char *variant, int r)
{
	char *id = fmt("hb-%s-%s-life-%d", rt->name, variant, r);
	char *bundle = bundle_for(hutch_rt, variant, 0);
	char *ef = fmt("%s/err/%s-vmlife", E.work, rt->name);
	char *create[] = {rt->path, "--root", rt->state, "create", "-b", bundle,
			  id, NULL};
	char *start[] = {rt->path, "--root", rt->state, "start", id, NULL};
	char *del[] = {rt->path, "--root", rt->state, "delete", "--force", id,
		       NULL};
	const char *who = strcmp(variant, "vm") ? "hutch" : "hutch-vm";
	struct result c, s, d;

	if (bundle && proc_run(rt, create, ef, &c) == 0 &&
	    proc_run(rt, start, ef, &s) == 0) {
		if (r >= 1) {
			add("vm-life", who, "create", "ms", c.wall_ms);
			add("vm-life", who, "start", "ms", s.wall_ms);
		}
	} else if (bundle) {
		note_failure(rt, ef, "create/start (VM series)");
	}
	/* the guest may still be booting: the VMM exits when it is killed */
	proc_run(rt, del, ef, &d);
	proc_reap_strays();
	leftovers_check(rt, id, cgroup_for(hutch_rt, variant, 0));
	free(id);
	free(ef);
}

/* why hutch-vm is left out while the rest of the series runs, or NULL */
static char *hutch_vm_out;

static bool vm_ready(void)
{
	struct stat st;

	hutch_rt = find_rt("hutch");
	if (stat("/dev/kvm", &st) < 0 || !S_ISCHR(st.st_mode)) {
		vm_skipped = strdup("no /dev/kvm here (our hosts have none: "
				    "`make bench-vm` runs this series in the "
				    "nested-KVM QEMU lane)");
		return false;
	}
	kernel = find_kernel();
	if (access(kernel, R_OK) < 0) {
		vm_skipped = fmt("guest kernel %s missing (make guest)", kernel);
		return false;
	}
	setenv("HUTCH_VM_KERNEL", kernel, 1);
	vm_rt = *hutch_rt;
	vm_rt.name = "hutch-vm";
	vm_rt.failures = vm_rt.leftovers = 0;
	vm_rt.first_error = NULL;
	if (!run_hutch(&vm_rt, "vm", 0, false)) {
		/* a probe, not a sample: say why; QEMU and the container
		 * still give their figures */
		char *why = vm_rt.first_error, *nl = why ? strchr(why, '\n') : NULL;

		if (nl)
			*nl = 0;
		hutch_vm_out = why ? fmt("the VM sandbox failed: %s", why)
				   : strdup("this hutch has no VM sandbox yet (no "
					    "`hutch: vm:` boot-timer line with "
					    "org.hutch.vm.timing=1)");
		vm_rt.failures = 0;
		printf("vm: hutch-vm left out: %s\n", hutch_vm_out);
	}
	qemu = find_exe(O.qemu);
	cpio = O.vm_init && qemu ? make_cpio() : NULL;
	if (!cpio)
		printf("vm: QEMU peer left out: %s\n", qemu ? "no guest init "
		       "for it (--vm-init bench/vminit)" : "no qemu-system-x86_64");
	if (hutch_vm_out && !cpio) {
		vm_skipped = hutch_vm_out;
		return false;
	}
	return true;
}

void series_vm(void)
{
	if (!vm_ready()) {
		printf("vm: skipped: %s\n", vm_skipped);
		return;
	}
	printf("vm: %d rounds (1 warm-up), kernel %s\n", O.rounds_vm, kernel);
	for (int r = 0; r < 1 + O.rounds_vm && !stopping; r++) {
		printf("vm: round %d of %d\n", r + 1, 1 + O.rounds_vm);
		for (int k = 0; k < 3; k++) {
			switch ((r + k) % 3) {
			case 0:
				if (!hutch_vm_out)
					run_hutch(&vm_rt, "vm", r, r >= 1);
				break;
			case 1: run_hutch(&vm_rt, "net", r, r >= 1); break;
			case 2: if (cpio) run_qemu(r); break;
			}
		}
		if (hutch_vm_out)
			continue;
		vm_lifecycle(&vm_rt, (r % 2) ? "net" : "vm", r);
		vm_lifecycle(&vm_rt, (r % 2) ? "vm" : "net", r);
	}
	hutch_rt->failures += vm_rt.failures;
	hutch_rt->leftovers += vm_rt.leftovers;
	vm_note = hutch_vm_out;
}

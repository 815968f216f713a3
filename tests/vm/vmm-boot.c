/* vmm-boot: run one process in a guest with vmm_run() directly, no OCI and
 * no runtime; the VMM's own tests (tests/vm/vmm.bats) drive it.
 *
 *   vmm-boot -k KERNEL -i INIT [-s DIR] [-r] [-m MIB] [-c VCPUS]
 *            [-a CMDLINE] [-e K=V]... [-w CWD] [-t] [-d] -- ARGS...
 *
 * -s shares DIR as the guest's root (-r: read-only), -t prints the boot
 * timer and the VMM's peak RSS on stderr, -d shows the guest's console.
 * Exit status: the guest process's (128+N for a signal), 125 when the VMM
 * failed (the message on stderr). */
#include <fcntl.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "vmm/vmm.h"

static void add(struct strbuf *b, const char *k, const char *v)
{
	strbuf_printf(b, "%s=%s", k, v);
	strbuf_append(b, "", 1);
}

int main(int argc, char **argv)
{
	struct vmm_config c = {.kvm_fd = -1, .mem_mib = 256, .vcpus = 1,
			       .share_dirfd = -1, .stdin_fd = 0, .stdout_fd = 1,
			       .stderr_fd = 2, .log_fd = -1,
			       .forward_signals = true};
	const char *kernel = NULL, *init = NULL, *share = NULL, *cwd = "/";
	_cleanup_free_ char *k = NULL, *in = NULL;
	_cleanup_free_ void *cpio = NULL;
	struct strbuf cfg = {0};
	struct vmm_result r;
	struct herr e;
	bool timing = false;
	size_t kl, il;
	int o;

	while ((o = getopt(argc, argv, "k:i:s:rm:c:a:e:w:td")) != -1) {
		switch (o) {
		case 'k': kernel = optarg; break;
		case 'i': init = optarg; break;
		case 's': share = optarg; break;
		case 'r': c.share_readonly = true; break;
		case 'm': c.mem_mib = strtoull(optarg, NULL, 10); break;
		case 'c': c.vcpus = (unsigned)strtoul(optarg, NULL, 10); break;
		case 'a': c.cmdline = optarg; break;
		case 'e': add(&cfg, "env", optarg); break;
		case 'w': cwd = optarg; break;
		case 't': timing = true; break;
		case 'd': c.debug = true, c.log_fd = 2; break;
		default: return 2;
		}
	}
	if (!kernel || !init || optind >= argc) {
		fprintf(stderr, "usage: see the comment in tests/vm/vmm-boot.c\n");
		return 2;
	}
	if (read_file_at(AT_FDCWD, kernel, &k, &kl, 256u << 20, &e) < 0 ||
	    read_file_at(AT_FDCWD, init, &in, &il, 0, &e) < 0) {
		fprintf(stderr, "vmm-boot: %s\n", e.msg);
		return 125;
	}
	struct vmm_file f = {"init", in, il};
	cpio = vmm_cpio(&f, 1, &c.initrd_len);
	c.initrd = cpio;
	c.kernel = k, c.kernel_len = kl;
	for (int i = optind; i < argc; i++)
		add(&cfg, "arg", argv[i]);
	add(&cfg, "cwd", cwd);
	if (c.share_readonly)
		add(&cfg, "readonly", "1");
	add(&cfg, "mount", "proc\t/proc\t0\t");
	c.guest_config = cfg.buf, c.guest_config_len = cfg.len;
	if (share && (c.share_dirfd = open(share, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0) {
		perror(share);
		return 125;
	}
	if (vmm_run(&c, &r, &e) < 0) {
		fprintf(stderr, "vmm-boot: %s\n", e.msg);
		return 125;
	}
	if (timing) {
		struct rusage ru;
		getrusage(RUSAGE_SELF, &ru);
		fprintf(stderr, "vmm-boot: boot-to-init %.1f ms, boot-to-workload "
			"%.1f ms, total %.1f ms, max rss %ld KiB\n",
			r.boot_ns / 1e6, r.workload_ns / 1e6, r.total_ns / 1e6,
			ru.ru_maxrss);
	}
	strbuf_free(&cfg);
	if (WIFSIGNALED(r.wait_status))
		return 128 + WTERMSIG(r.wait_status);
	return WEXITSTATUS(r.wait_status);
}

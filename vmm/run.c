/* vmm_run: put the machine together, boot, serve, report. */
#include <errno.h>
#include <string.h>

#include "vmm/proto.h"
#include "vmm/virtio/virtio.h"

/* what every guest of ours wants on its command line: our console, no
 * probing of hardware we do not have, a reset (not a hang) on panic */
#define BASE_CMDLINE                                                           \
	"console=ttyS0 reboot=t panic=-1 nomodule io_delay=none "     \
	"no_timer_check cryptomgr.notests 8250.nr_uarts=1 rdinit=/init"

struct machine {
	struct vm vm;
	struct channel *ch;
	struct virtio_console *con;
	struct virtio_9p *p9;
	struct virtio_9p *binds[VMM_SHARES_MAX];
	struct virtio_net *net;
};

static int add_shares(struct machine *m, const struct vmm_config *c,
		      struct strbuf *cmd, struct herr *e)
{
	char tag[16];

	if (c->nshares > VMM_SHARES_MAX)
		return herr_set(e, EINVAL, "%u shares: at most %d", c->nshares,
				VMM_SHARES_MAX);
	for (unsigned i = 0; i < c->nshares; i++) {
		snprintf(tag, sizeof(tag), "bind%u", i);
		m->binds[i] = virtio_9p_new(&m->vm, c->shares[i].fd, tag,
					    c->shares[i].readonly,
					    c->shares[i].only, e);
		if (!m->binds[i] ||
		    virtio_dev_add(&m->vm, virtio_9p_dev(m->binds[i]), cmd, e) < 0)
			return -1;
	}
	return 0;
}

static int add_devices(struct machine *m, const struct vmm_config *c,
		       struct strbuf *cmd, struct herr *e)
{
	m->ch = channel_new(&m->vm, c);
	m->con = virtio_console_new(&m->vm, channel_from_guest, m->ch);
	channel_attach(m->ch, m->con);
	if (virtio_dev_add(&m->vm, virtio_console_dev(m->con), cmd, e) < 0)
		return -1;
	if (c->share_dirfd >= 0) {
		m->p9 = virtio_9p_new(&m->vm, c->share_dirfd, "root",
				      c->share_readonly, NULL, e);
		if (!m->p9 ||
		    virtio_dev_add(&m->vm, virtio_9p_dev(m->p9), cmd, e) < 0)
			return -1;
	}
	if (add_shares(m, c, cmd, e) < 0)
		return -1;
	if (c->net_fd <= 0)
		return 0;
	m->net = virtio_net_new(&m->vm, c->net_fd, c->net_mac, c->net_mtu, e);
	if (!m->net)
		return -1;
	return virtio_dev_add(&m->vm, virtio_net_dev(m->net), cmd, e);
}

static int boot(struct machine *m, const struct vmm_config *c, struct herr *e)
{
	struct vm *vm = &m->vm;
	struct strbuf cmd = {0};
	uint64_t entry;
	int r = -1;

	strbuf_puts(&cmd, BASE_CMDLINE);
	if (!c->debug)
		strbuf_puts(&cmd, " quiet");
	if (add_devices(m, c, &cmd, e) < 0)
		goto out;
	if (c->cmdline && *c->cmdline)
		strbuf_printf(&cmd, " %s", c->cmdline);
	vm->vcpus = xcalloc(vm->nvcpus, sizeof(*vm->vcpus));
	for (unsigned i = 0; i < vm->nvcpus; i++)
		vm->vcpus[i].fd = -1;
	for (unsigned i = 0; i < vm->nvcpus; i++)
		if (vcpu_create(vm, &vm->vcpus[i], (int)i, e) < 0)
			goto out;
	if (boot_load(vm, c, cmd.buf, &entry, e) < 0 ||
	    vcpu_setup_boot(&vm->vcpus[0], entry, e) < 0)
		goto out;
	if (c->debug)
		fprintf(stderr, "vmm: entry %#llx, command line: %s\n",
			(unsigned long long)entry, cmd.buf);
	r = 0;
out:
	strbuf_free(&cmd);
	return r;
}

static void stop_and_join(struct vm *vm)
{
	vm_stop(vm);
	for (unsigned i = 0; vm->vcpus && i < vm->nvcpus; i++)
		if (vm->vcpus[i].started)
			pthread_join(vm->vcpus[i].thread, NULL);
}

static int guest_died(struct machine *m, struct herr *e)
{
	char tail[2048], panic[256];

	/* the panic line says why; the stack under it rarely does */
	if (serial_find_line(m->vm.serial, "Kernel panic", panic, sizeof(panic)))
		return herr_set(e, 0, "%s: %s", m->vm.err.msg, panic);
	serial_tail(m->vm.serial, tail, sizeof(tail), 12);
	if (*tail)
		return herr_set(e, 0, "%s; the guest's last console lines:\n%s",
				m->vm.err.msg, tail);
	return herr_set(e, 0, "%s", m->vm.err.msg);
}

static int check_config(const struct vmm_config *c, struct herr *e)
{
	if (!c->kernel || !c->kernel_len)
		return herr_set(e, EINVAL, "no guest kernel");
	if (c->mem_mib < 64 || c->mem_mib > (1u << 20))
		return herr_set(e, EINVAL, "guest memory %llu MiB: want 64 MiB "
				"to 1 TiB", (unsigned long long)c->mem_mib);
	if (c->vcpus < 1 || c->vcpus > VM_MAX_VCPUS)
		return herr_set(e, EINVAL, "%u vCPUs: want 1 to %d", c->vcpus,
				VM_MAX_VCPUS);
	return 0;
}

static void machine_free(struct machine *m)
{
	virtio_net_free(m->net);
	virtio_9p_free(m->p9);
	for (unsigned i = 0; i < VMM_SHARES_MAX; i++)
		virtio_9p_free(m->binds[i]);
	virtio_console_free(m->con);
	channel_free(m->ch);
	serial_free(m->vm.serial);
	vm_destroy(&m->vm);
}

int vmm_run(const struct vmm_config *c, struct vmm_result *res, struct herr *e)
{
	struct machine m = {.vm = {.kvm_fd = -1, .vm_fd = -1, .wake_fd = -1}};
	struct vm *vm = &m.vm;
	int r = -1;

	memset(res, 0, sizeof(*res));
	if (check_config(c, e) < 0)
		return -1;
	vm->t0 = now_ns();
	vm->debug = c->debug;
	vm->nvcpus = c->vcpus;
	pthread_mutex_init(&vm->lock, NULL);
	channel_block_signals(c);
	if (vm_create(vm, c, e) < 0 || cpuid_init(vm, e) < 0)
		goto out;
	vm->serial = serial_new(vm, c->log_fd);
	if (boot(&m, c, e) < 0)
		goto out;
	for (unsigned i = 0; i < vm->nvcpus; i++)
		if (vcpu_start(&vm->vcpus[i], e) < 0) {
			stop_and_join(vm);
			goto out;
		}
	/* the VMM's seccomp filter goes on in channel.c's gate, before
	 * START: the runtime's READY and startContainer hooks need more */
	r = channel_loop(m.ch, e);
	stop_and_join(vm);
	if (r < 0)
		goto out;
	res->boot_ns = vm->marker_ns[PROTO_MARKER_INIT];
	res->ready_ns = vm->marker_ns[PROTO_MARKER_READY];
	res->workload_ns = vm->marker_ns[PROTO_MARKER_EXEC];
	res->total_ns = now_ns() - vm->t0;
	if (vm->exited) {
		res->wait_status = vm->wait_status;
		r = 0;
	} else {
		if (!vm->failed)
			snprintf(vm->err.msg, sizeof(vm->err.msg),
				 "the guest stopped without an exit status");
		r = guest_died(&m, e);
	}
out:
	machine_free(&m);
	return r;
}

/* cgroup v2 has no devices.allow: device access is decided by an eBPF
 * program of type BPF_PROG_TYPE_CGROUP_DEVICE attached to the cgroup.  The
 * program is assembled here by hand (no libbpf, no clang at run time) and
 * loaded with bpf(2).
 *
 * Shape: load type/access/major/minor from struct bpf_cgroup_dev_ctx, then
 * one block per rule, LAST rule first (the OCI list's last match wins);
 * a block jumps to the next when a field does not match, else returns its
 * verdict.  Falling off the end allows, as a cgroup without rules does.  An
 * allow rule matches when the request is a subset of its access, a deny
 * rule when they share any bit: O_RDWR on a node with `w` denied is
 * refused. */
#include <errno.h>
#include <linux/bpf.h>
#include <string.h>
#include <sys/syscall.h>

#include "cgroups/internal.h"

#define MAX_INSNS 4096

struct prog {
	struct bpf_insn in[MAX_INSNS];
	size_t n;
	bool full;
};

static void emit(struct prog *p, struct bpf_insn i)
{
	if (p->n == MAX_INSNS) {
		p->full = true;
		return;
	}
	p->in[p->n++] = i;
}

static struct bpf_insn ldx_w(int dst, int src, short off)
{
	return (struct bpf_insn){.code = BPF_LDX | BPF_MEM | BPF_W,
				 .dst_reg = dst, .src_reg = src, .off = off};
}

static struct bpf_insn alu_imm(int op, int dst, int32_t imm)
{
	return (struct bpf_insn){.code = BPF_ALU64 | op | BPF_K,
				 .dst_reg = dst, .imm = imm};
}

static struct bpf_insn mov_reg(int dst, int src)
{
	return (struct bpf_insn){.code = BPF_ALU64 | BPF_MOV | BPF_X,
				 .dst_reg = dst, .src_reg = src};
}

/* jump-if with the offset patched once the block's length is known */
static struct bpf_insn jmp_imm(int op, int dst, int32_t imm)
{
	return (struct bpf_insn){.code = BPF_JMP | op | BPF_K, .dst_reg = dst,
				 .imm = imm};
}

static struct bpf_insn exit_insn(void)
{
	return (struct bpf_insn){.code = BPF_JMP | BPF_EXIT};
}

/* R2 = type, R3 = access, R4 = major, R5 = minor */
static void prologue(struct prog *p)
{
	emit(p, ldx_w(BPF_REG_2, BPF_REG_1, 0));
	emit(p, alu_imm(BPF_AND, BPF_REG_2, 0xffff));
	emit(p, ldx_w(BPF_REG_3, BPF_REG_1, 0));
	emit(p, alu_imm(BPF_RSH, BPF_REG_3, 16));
	emit(p, ldx_w(BPF_REG_4, BPF_REG_1, 4));
	emit(p, ldx_w(BPF_REG_5, BPF_REG_1, 8));
}

static unsigned bpf_access(unsigned acc)
{
	return ((acc & CG_ACC_R) ? BPF_DEVCG_ACC_READ : 0) |
	       ((acc & CG_ACC_W) ? BPF_DEVCG_ACC_WRITE : 0) |
	       ((acc & CG_ACC_M) ? BPF_DEVCG_ACC_MKNOD : 0);
}

/* returns true when the rule matches everything (later blocks unreachable) */
static bool rule_block(struct prog *p, const struct cg_dev_rule *r)
{
	size_t start = p->n;
	unsigned acc = bpf_access(r->access);
	bool all_acc = r->access == CG_ACC_ALL;

	if (r->type != 'a')
		emit(p, jmp_imm(BPF_JNE, BPF_REG_2,
				r->type == 'b' ? BPF_DEVCG_DEV_BLOCK
					       : BPF_DEVCG_DEV_CHAR));
	if (!all_acc) {
		emit(p, mov_reg(BPF_REG_1, BPF_REG_3));
		emit(p, alu_imm(BPF_AND, BPF_REG_1, r->allow ? ~acc : acc));
		emit(p, jmp_imm(r->allow ? BPF_JNE : BPF_JEQ, BPF_REG_1, 0));
	}
	if (r->major >= 0)
		emit(p, jmp_imm(BPF_JNE, BPF_REG_4, (int32_t)r->major));
	if (r->minor >= 0)
		emit(p, jmp_imm(BPF_JNE, BPF_REG_5, (int32_t)r->minor));
	emit(p, alu_imm(BPF_MOV, BPF_REG_0, r->allow ? 1 : 0));
	emit(p, exit_insn());
	if (p->full)
		return true;
	/* every conditional jump of the block skips to its end */
	for (size_t i = start; i < p->n; i++)
		if (BPF_CLASS(p->in[i].code) == BPF_JMP &&
		    BPF_OP(p->in[i].code) != BPF_EXIT)
			p->in[i].off = (short)(p->n - i - 1);
	return p->n - start == 2;
}

static void build(struct prog *p, const struct cg_dev_rule *rules, size_t n)
{
	bool total = false;

	prologue(p);
	for (size_t i = n; i-- > 0 && !total;)
		total = rule_block(p, &rules[i]);
	if (!total) {
		emit(p, alu_imm(BPF_MOV, BPF_REG_0, 1));
		emit(p, exit_insn());
	}
}

static int sys_bpf(int cmd, union bpf_attr *attr)
{
	return (int)syscall(SYS_bpf, cmd, attr, sizeof(*attr));
}

static int load(const struct prog *p, struct herr *e)
{
	static char log[4096];
	union bpf_attr a;
	int fd;

	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	a.insns = (uintptr_t)p->in;
	a.insn_cnt = p->n;
	a.license = (uintptr_t) "GPL";
	fd = sys_bpf(BPF_PROG_LOAD, &a);
	if (fd >= 0)
		return fd;
	/* again with the verifier's log, for the error message */
	int err = errno;
	a.log_buf = (uintptr_t)log;
	a.log_size = sizeof(log);
	a.log_level = 1;
	log[0] = '\0';
	fd = sys_bpf(BPF_PROG_LOAD, &a);
	if (fd >= 0)
		return fd;
	return herr_set(e, err, "load the device eBPF program (%zu insns)%s%.200s",
			p->n, log[0] ? ": " : "", log);
}

/* the programs attached now, to detach once the new one is in place */
static int query(int cg_fd, uint32_t *ids, uint32_t *n)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.query.target_fd = cg_fd;
	a.query.attach_type = BPF_CGROUP_DEVICE;
	a.query.prog_ids = (uintptr_t)ids;
	a.query.prog_cnt = *n;
	if (sys_bpf(BPF_PROG_QUERY, &a) < 0)
		return -1;
	*n = a.query.prog_cnt;
	return 0;
}

static void detach(int cg_fd, uint32_t id)
{
	_cleanup_close_ int fd = -1;
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.prog_id = id;
	fd = sys_bpf(BPF_PROG_GET_FD_BY_ID, &a);
	if (fd < 0)
		return;
	memset(&a, 0, sizeof(a));
	a.target_fd = cg_fd;
	a.attach_bpf_fd = fd;
	a.attach_type = BPF_CGROUP_DEVICE;
	sys_bpf(BPF_PROG_DETACH, &a);
}

int cg_devices_bpf(int cg_fd, const struct cg_dev_rule *rules, size_t n,
		   struct herr *e)
{
	_cleanup_free_ struct prog *p = xcalloc(1, sizeof(*p));
	_cleanup_close_ int prog = -1;
	uint32_t old[64], nold = 64;
	union bpf_attr a;

	build(p, rules, n);
	if (p->full)
		return herr_set(e, E2BIG, "%zu rules make too big a program", n);
	if (query(cg_fd, old, &nold) < 0)
		nold = 0;
	prog = load(p, e);
	if (prog < 0)
		return -1;
	/* ALLOW_MULTI: a parent's program keeps applying too (all must
	 * allow), and `update` can attach the new program before removing
	 * the old one, so there is no moment without rules */
	memset(&a, 0, sizeof(a));
	a.target_fd = cg_fd;
	a.attach_bpf_fd = prog;
	a.attach_type = BPF_CGROUP_DEVICE;
	a.attach_flags = BPF_F_ALLOW_MULTI;
	if (sys_bpf(BPF_PROG_ATTACH, &a) < 0)
		return herr_sys(e, "attach the device eBPF program");
	for (uint32_t i = 0; i < nold; i++)
		detach(cg_fd, old[i]);
	return 0;
}

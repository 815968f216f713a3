/* guest init: what its files share (init.c: the channel and main,
 * config.c: the process description, setup.c: the root and the mounts,
 * relay.c: the process, its stdio and signals). */
#ifndef HUTCH_GUEST_H
#define HUTCH_GUEST_H

#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "vmm/proto.h"

#define MAX_ITEMS 4096

struct config {
	char *args[MAX_ITEMS], *env[MAX_ITEMS], *mounts[256];
	size_t nargs, nenv, nmounts;
	const char *cwd, *hostname;
	uid_t uid;
	gid_t gid;
	gid_t gids[256];
	size_t ngids;
	mode_t umask;
	int has_umask, readonly, terminal;
	unsigned short rows, cols; /* winsize=: the pty's size at start */
	struct { int res; struct rlimit lim; } rl[64];
	size_t nrl;
	/* confine.c: caps=, nnp=, seccomp= */
	struct {
		int set;
		uint64_t bounding, effective, permitted, inheritable, ambient;
	} caps;
	int nnp;
	unsigned long unshare; /* CLONE_NEW* */
	pid_t join;            /* exec sessions: the process whose
				  namespaces they enter (instead of unshare) */
	const char *seccomp; /* BPF, seccomp_len bytes; NULL: no filter */
	size_t seccomp_len;
	unsigned seccomp_flags;
};

extern int chan; /* /dev/hvc0, raw */
extern struct winsize tty_size; /* the last RESIZE (process.terminal) */

void marker(uint32_t v);
int write_all(int fd, const void *p, size_t n);
int read_full(int fd, void *p, size_t n);
void send_frame(uint8_t type, uint8_t stream, const void *p, uint32_t n);
void send_frame_s(uint8_t type, uint8_t stream, uint16_t session,
		  const void *p, uint32_t n);
__attribute__((noreturn)) void power_off(void);
/* before the process runs: report why to the VMM, exit status 127 */
__attribute__((noreturn, format(printf, 1, 2))) void die(const char *fmt, ...);

void open_channel(void);
void parse_config(struct config *c, char *p, size_t len);
void setup_root(const struct config *c);
/* in the process, in a pid namespace of its own: its proc mounts */
int remount_proc(const struct config *c);
/* confine.c: the spec's confinement of a process, in its child before
 * execve: confine_before_user() before the setgroups/setresgid/setresuid,
 * confine_after_user() after them, last before execve.  NULL or what
 * failed (errno set). */
void confine_caps_item(struct config *c, const char *v);
void confine_seccomp_item(struct config *c, char *v);
const char *confine_before_user(const struct config *c);
const char *confine_after_user(const struct config *c);
/* net.c: net.* items (without the prefix), then, with the root mounted
 * on /newroot: loopback, eth0, its addresses and routes, the /etc files */
void net_item(const char *key, char *v);
void net_setup(void);
/* start the process, relay until it ends, report, power off */
__attribute__((noreturn)) int relay(const struct config *c);

#endif

/* The wire protocol between the VMM and the guest init over the first
 * virtio console (hvc0, raw mode): frames of a fixed header and a payload.
 * Shared by vmm/ and guest/init.c; plain C, no dependencies. */
#ifndef HUTCH_VMM_PROTO_H
#define HUTCH_VMM_PROTO_H

#include <stdint.h>

enum proto_type {
	PROTO_HELLO = 1,  /* G->H: init is up, send the config */
	PROTO_CONFIG,     /* H->G: the process description (below) */
	PROTO_DATA,       /* both: stdio bytes of stream `stream` */
	PROTO_EOF,        /* both: stream closed */
	PROTO_SIGNAL,     /* H->G: payload u32 signal number */
	PROTO_EXIT,       /* G->H: payload u32 wait status; last frame */
	PROTO_ERROR,      /* G->H: payload text: why the process could not
			     start; an EXIT follows */
	PROTO_READY,      /* G->H: the root is set up, the process waits
			     for START (`hutch create` returns here) */
	PROTO_START,      /* H->G: run the process (`hutch start`); a
			     SIGNAL before it ends the guest as that signal
			     would have ended the waiting process */
	PROTO_EXEC,       /* H->G: start session `session`'s process,
			     payload as CONFIG's (arg, env, cwd, uid, gid,
			     gids, umask); its DATA/EOF/SIGNAL/ERROR/EXIT
			     frames carry the session.  An exec client speaks
			     the same frames on the VMM's socket, session 0 */
	PROTO_RESIZE,     /* H->G: payload u16 rows, u16 cols: the host
			     pty's size for the guest's (process.terminal);
			     one comes before START */
};

enum proto_stream { PROTO_STDIN = 0, PROTO_STDOUT = 1, PROTO_STDERR = 2 };
/* a SIGNAL's stream: to every process of the guest (kill --all), not the
 * session's; a client may send it alone, without an EXEC */
#define PROTO_SIGNAL_ALL 1

struct proto_hdr {
	uint8_t type;
	uint8_t stream;
	uint16_t session;  /* 0: the container's process; N: `hutch exec`
			      session N (vmm/channel.c numbers them) */
	uint32_t len; /* payload bytes, <= PROTO_MAX */
};
#define PROTO_MAX 65536

/* PROTO_CONFIG payload: NUL-terminated "key=value" strings, repeated keys
 * accumulate in order:
 *   arg=...        argv, in order (at least one)
 *   env=K=V        environment
 *   cwd=/path
 *   uid=N gid=N    the process's ids; gids=N additional groups
 *   umask=N        octal
 *   rlimit=RESOURCE,SOFT,HARD   RLIMIT_* number, limits (u64; -1 = inf)
 *   hostname=NAME
 *   readonly=1     the shared root is mounted read-only
 *   terminal=1     the process gets a pty (its stdout stream carries it)
 *   winsize=ROWS,COLS   that pty's size at start (an exec's; the
 *                  container's process gets a RESIZE before START)
 *   mount=TYPE,DEST,OPTIONS   a kernel filesystem the guest mounts itself
 *                  (proc, sysfs, tmpfs, devpts, mqueue, cgroup2), or TYPE
 *                  bind with OPTIONS "TAG" (the 9p share TAG on DEST) or
 *                  "TAG,NAME" (the file NAME of that share on DEST)
 *   unshare=FLAGS  CLONE_NEW* (hex) the process gets: pid, mount, uts, ipc,
 *                  cgroup (pid: it is pid 1 of it, exec sessions join it)
 *   caps=BND,EFF,PRM,INH,AMB   capability sets, hex masks (bit n = cap n);
 *                  absent: the capabilities are left as they are
 *   nnp=1          process.noNewPrivileges
 *   seccomp=FLAGS,HEX   the spec's filter compiled to BPF (struct
 *                  sock_filter[] in hex), SECCOMP_FILTER_FLAG_* in hex
 *   net.addr=ADDR/PREFIX  an address of eth0 (the virtio-net NIC), IPv4 or
 *                  IPv6 (repeated); loopback comes up in any case
 *   net.gw=ADDR    a default route via ADDR on eth0 (repeated)
 *   net.mac=MAC, net.mtu=N   the lease's (the NIC has them already)
 *   net.file=NAME\tTEXT   /etc/NAME (hosts, hostname, resolv.conf), bound
 *                  over the root's as container mode does
 */

/* I/O ports the guest writes (outl) */
#define PROTO_PORT_MARKER 0x04f0 /* value: 1 = init started, 2 = exec,
				   3 = ready */
#define PROTO_MARKER_INIT 1
#define PROTO_MARKER_EXEC 2
#define PROTO_MARKER_READY 3 /* before READY */

#endif

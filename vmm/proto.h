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
};

enum proto_stream { PROTO_STDIN = 0, PROTO_STDOUT = 1, PROTO_STDERR = 2 };

struct proto_hdr {
	uint8_t type;
	uint8_t stream;
	uint16_t reserved;
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
 *   mount=TYPE,DEST,OPTIONS   a kernel filesystem the guest mounts itself
 *                  (proc, sysfs, tmpfs, devpts, mqueue, cgroup2)
 *   unshare=FLAGS  CLONE_NEW* (hex) the process gets: mount, uts, ipc, cgroup
 *   caps=BND,EFF,PRM,INH,AMB   capability sets, hex masks (bit n = cap n);
 *                  absent: the capabilities are left as they are
 *   nnp=1          process.noNewPrivileges
 *   seccomp=FLAGS,HEX   the spec's filter compiled to BPF (struct
 *                  sock_filter[] in hex), SECCOMP_FILTER_FLAG_* in hex
 */

/* I/O ports the guest writes (outl) */
#define PROTO_PORT_MARKER 0x04f0 /* value: 1 = init started, 2 = exec */
#define PROTO_MARKER_INIT 1
#define PROTO_MARKER_EXEC 2

#endif

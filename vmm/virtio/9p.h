/* Internals of the 9P2000.L server (9p.c: transport and marshalling,
 * 9p_fs.c: the file operations, 9p_fid.c: fids and safe path resolution). */
#ifndef HUTCH_VMM_9P_H
#define HUTCH_VMM_9P_H

#include <stdint.h>
#include <sys/stat.h>

#include "vmm/virtio/virtio.h"

#define P9_MSIZE_MAX (512 * 1024)

/* a message being read (request) or written (reply) */
struct p9_msg {
	uint8_t *buf;
	size_t len, pos, cap;
	bool bad; /* read past the end / no room: the request is malformed */
};

struct p9_fid {
	bool used;
	int fd;      /* O_PATH, opened under the root without crossing
			symlinks or mounts */
	int ofd;     /* after lopen/lcreate, -1 before */
	char *path;  /* relative to the root, "" for the root itself */
	uint32_t uid;
	bool xattr;  /* an (unsupported) xattr fid */
};

struct p9_server {
	int root;          /* the shared directory */
	char *only;        /* a share of one file: its name in root, the
			      only one the guest reaches (NULL: all) */
	bool readonly;
	uint32_t msize;
	struct p9_fid *fids;
	uint32_t nfids;
	bool debug;
};

/* 9p_msg.c: little-endian marshalling */
uint8_t p9_get8(struct p9_msg *m);
uint16_t p9_get16(struct p9_msg *m);
uint32_t p9_get32(struct p9_msg *m);
uint64_t p9_get64(struct p9_msg *m);
/* a string: NUL-terminated copy in buf (len >= 256+1), NULL if malformed */
char *p9_getstr(struct p9_msg *m, char *buf, size_t len);
void p9_put8(struct p9_msg *m, uint8_t v);
void p9_put16(struct p9_msg *m, uint16_t v);
void p9_put32(struct p9_msg *m, uint32_t v);
void p9_put64(struct p9_msg *m, uint64_t v);
void p9_putstr(struct p9_msg *m, const char *s);
void p9_putqid(struct p9_msg *m, const struct stat *st);
/* room for n raw bytes at the current position (NULL if none) */
uint8_t *p9_reserve(struct p9_msg *m, size_t n);

/* 9p_fid.c */
struct p9_fid *p9_fid_get(struct p9_server *s, uint32_t fid);
struct p9_fid *p9_fid_new(struct p9_server *s, uint32_t fid); /* NULL: in use */
void p9_fid_clunk(struct p9_server *s, uint32_t fid);
void p9_fid_reset_all(struct p9_server *s);
/* open `path` (relative, "" = root) beneath the root: no symlink is
 * followed, no mount point crossed, nothing outside is reached; -errno */
int p9_resolve(struct p9_server *s, const char *path, int flags, mode_t mode);
/* a name the guest gives for one directory entry: not "", ".", "..", no
 * '/'; returns 0 or -errno */
int p9_check_name(const char *name);
char *p9_join(const char *dir, const char *name);
/* the directory of a fid and its last name, for *at() calls; -errno */
int p9_parent(struct p9_server *s, const struct p9_fid *f, const char **name);
/* after a rename: every fid at or below `from` moves to `to` */
void p9_fid_rename(struct p9_server *s, const char *from, const char *to);

/* 9p_fs.c: one request (type already read); fills the reply body after
 * its header, returns 0 or -errno (an Rlerror is sent instead) */
int p9_dispatch(struct p9_server *s, uint8_t type, struct p9_msg *in,
		struct p9_msg *out);
/* 9p_change.c: the operations that change the tree (and readlink, locks,
 * xattrs, fsync) */
int p9_dispatch_change(struct p9_server *s, uint8_t type, struct p9_msg *in,
		       struct p9_msg *out);

#endif

/* util: the error convention, cleanup attributes and small fd/file helpers
 * every other folder uses.  Nothing here knows about OCI or containers.
 *
 * Errors: a fallible function returns 0 (or a non-negative value) on success
 * and a negative value on failure, after filling a `struct herr`.  Callers add
 * context on the way up with herr_wrap():
 *     create container `web`: mount `proc` on `/proc`: Permission denied
 */
#ifndef HUTCH_UTIL_H
#define HUTCH_UTIL_H

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>

#define HERR_MSG_MAX 2048

struct herr {
	int errnum;             /* errno of the root cause, 0 if none */
	char msg[HERR_MSG_MAX]; /* full message, context first */
};

/* Set the error: msg = formatted text, plus ": strerror(errnum)" when
 * errnum != 0.  Always returns -1 so callers can `return herr_set(...)`. */
int herr_set(struct herr *e, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Same with errno captured at the call. */
#define herr_sys(e, ...) herr_set((e), errno, __VA_ARGS__)
/* Prefix context: "ctx: old message".  Returns -1. */
int herr_wrap(struct herr *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void herr_clear(struct herr *e);

/* cleanup attributes (hand ownership off with steal_fd()/steal_ptr()) */
void cleanup_fdp(int *fd);
void cleanup_freep(void *p);
void cleanup_fclosep(FILE **f);
void cleanup_closedirp(DIR **d);
#define _cleanup_close_ __attribute__((cleanup(cleanup_fdp)))
#define _cleanup_free_ __attribute__((cleanup(cleanup_freep)))
#define _cleanup_fclose_ __attribute__((cleanup(cleanup_fclosep)))
#define _cleanup_closedir_ __attribute__((cleanup(cleanup_closedirp)))

static inline int steal_fd(int *fd)
{
	int r = *fd;
	*fd = -1;
	return r;
}
#define steal_ptr(pp)                                                          \
	({                                                                     \
		__typeof__(*(pp)) _p = *(pp);                                  \
		*(pp) = NULL;                                                  \
		_p;                                                            \
	})

/* allocation that never returns NULL (aborts on OOM: nothing sane to do) */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t sz);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* files: all take a directory fd (AT_FDCWD allowed) */
/* Read a whole file; *out is NUL-terminated, *len excludes the NUL.
 * Refuses files bigger than max bytes (0 = 64 MiB). */
int read_file_at(int dirfd, const char *path, char **out, size_t *len,
		 size_t max, struct herr *e);
/* write(2) all of buf to an existing file (O_WRONLY|O_CLOEXEC), e.g. cgroupfs */
int write_file_at(int dirfd, const char *path, const char *buf, size_t len,
		  struct herr *e);
/* write a file atomically: tmp file + fsync-free rename (state files) */
int write_file_atomic_at(int dirfd, const char *path, const char *buf,
			 size_t len, mode_t mode, struct herr *e);
int write_all(int fd, const void *buf, size_t len);   /* -1 + errno */
ssize_t read_all(int fd, void *buf, size_t len);      /* until EOF/len */
/* mkdir -p relative to dirfd; existing directories are fine */
int mkdir_p_at(int dirfd, const char *path, mode_t mode, struct herr *e);
/* rm -rf of a directory tree below dirfd (does not cross mount points) */
int rm_rf_at(int dirfd, const char *path, struct herr *e);

/* fds */
int fd_set_cloexec(int fd, bool on);
/* close every fd >= from except those in keep[nkeep] (close_range where
 * possible) */
int close_fds_from(int from, const int *keep, size_t nkeep);

/* strings */
bool str_has_prefix(const char *s, const char *prefix);
/* parse a decimal integer strictly (whole string, range checked) */
int parse_i64(const char *s, int64_t *out);
int parse_u64(const char *s, uint64_t *out);

/* growable string buffer, and JSON string escaping for writers */
struct strbuf {
	char *buf;
	size_t len, cap;
};
void strbuf_append(struct strbuf *b, const char *s, size_t n);
void strbuf_puts(struct strbuf *b, const char *s);
void strbuf_printf(struct strbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void strbuf_json_string(struct strbuf *b, const char *s); /* quoted */
char *strbuf_steal(struct strbuf *b); /* never NULL; resets b */
void strbuf_free(struct strbuf *b);

/* time */
uint64_t now_ns(void);        /* CLOCK_MONOTONIC */
void rfc3339_now(char *buf, size_t len); /* UTC, nanoseconds */

#endif

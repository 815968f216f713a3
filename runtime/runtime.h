/* runtime: the lifecycle commands and what they share (global options,
 * the state dir, logging).  Only hutch.c includes this header from outside.
 *
 * Each command lives in its own file and registers itself with
 * HUTCH_COMMAND(); main() finds them through the linker section, so adding a
 * command never touches a shared table. */
#ifndef HUTCH_RUNTIME_H
#define HUTCH_RUNTIME_H

#include <stdbool.h>

#include "util/util.h"

struct globals {
	const char *root;       /* --root, default /run/hutch */
	const char *log_path;   /* --log */
	bool log_json;          /* --log-format json */
	bool debug;             /* --debug */
	bool systemd_cgroup;    /* --systemd-cgroup (accepted, cgroupfs used) */
	bool rootless;          /* --rootless */
	bool sandbox_vm;        /* called as hutch-vm */
	const char *argv0;
};

struct command {
	const char *name;
	const char *usage;   /* "[OPTIONS] ID" */
	const char *summary; /* one line for --help */
	/* argv[0] is the command name; returns the process exit status */
	int (*main)(struct globals *g, int argc, char **argv);
};

#define HUTCH_COMMAND(ident, ...)                                              \
	static const struct command hutch_cmd_##ident                          \
		__attribute__((used, section("hutch_commands"),                \
			       aligned(8))) = {__VA_ARGS__}

extern const struct command __start_hutch_commands[] __attribute__((weak)),
	__stop_hutch_commands[] __attribute__((weak));
const struct command *command_find(const char *name);

/* log.c: --log/--log-format.  Errors go to the log (JSON lines
 * {"level":"error","msg":"...","time":"..."} with --log-format json) and to
 * stderr. */
void log_init(struct globals *g);
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* report a failed command: logs e->msg and returns exit status 1 */
int log_fail(const struct herr *e);

#endif

/* --log FILE / --log-format text|json.  containerd's shim reads the JSON
 * lines and shows their "msg" to the user, so every error goes there in
 * addition to stderr. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include "runtime/runtime.h"

static struct {
	int fd;
	bool json, debug;
} logger = {.fd = -1};

void log_init(struct globals *g)
{
	logger.json = g->log_json;
	logger.debug = g->debug;
	if (g->log_path) {
		logger.fd = open(g->log_path,
				 O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
		if (logger.fd < 0)
			fprintf(stderr, "hutch: --log `%s`: %s\n", g->log_path,
				strerror(errno));
	}
}

static void log_line(const char *level, const char *fmt, va_list ap)
{
	char msg[HERR_MSG_MAX + 64];
	bool to_stderr = strcmp(level, "debug") != 0 || logger.fd < 0;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (logger.fd >= 0) {
		struct strbuf b = {0};
		char when[64];

		rfc3339_now(when, sizeof(when));
		if (logger.json) {
			strbuf_puts(&b, "{\"level\":");
			strbuf_json_string(&b, level);
			strbuf_puts(&b, ",\"msg\":");
			strbuf_json_string(&b, msg);
			strbuf_puts(&b, ",\"time\":");
			strbuf_json_string(&b, when);
			strbuf_puts(&b, "}\n");
		} else {
			strbuf_printf(&b, "%s %s: %s\n", when, level, msg);
		}
		if (write_all(logger.fd, b.buf, b.len) < 0) {
			/* the log is best effort; stderr still gets errors */
		}
		strbuf_free(&b);
	}
	if (to_stderr) {
		if (!strcmp(level, "error"))
			fprintf(stderr, "hutch: %s\n", msg);
		else
			fprintf(stderr, "hutch: %s: %s\n", level, msg);
	}
}

void log_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_line("error", fmt, ap);
	va_end(ap);
}

void log_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	log_line("warning", fmt, ap);
	va_end(ap);
}

void log_debug(const char *fmt, ...)
{
	va_list ap;
	if (!logger.debug)
		return;
	va_start(ap, fmt);
	log_line("debug", fmt, ap);
	va_end(ap);
}

int log_fail(const struct herr *e)
{
	log_error("%s", e->msg[0] ? e->msg : "unknown error");
	return 1;
}

/* The one error convention: negative return + struct herr with context. */
#include <errno.h>
#include <string.h>

#include "util.h"

int herr_set(struct herr *e, int errnum, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!e)
		return -1;
	va_start(ap, fmt);
	n = vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		e->msg[0] = '\0';
	e->errnum = errnum;
	if (errnum) {
		size_t used = strlen(e->msg);
		snprintf(e->msg + used, sizeof(e->msg) - used, ": %s",
			 strerror(errnum));
	}
	return -1;
}

int herr_wrap(struct herr *e, const char *fmt, ...)
{
	char prefix[HERR_MSG_MAX];
	size_t plen, olen;
	va_list ap;
	int n;

	if (!e)
		return -1;
	va_start(ap, fmt);
	n = vsnprintf(prefix, sizeof(prefix) - 2, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	plen = strlen(prefix);
	memcpy(prefix + plen, ": ", 3);
	plen += 2;
	if (plen >= sizeof(e->msg))
		plen = sizeof(e->msg) - 1;
	olen = strnlen(e->msg, sizeof(e->msg) - 1);
	if (plen + olen >= sizeof(e->msg))
		olen = sizeof(e->msg) - 1 - plen;
	memmove(e->msg + plen, e->msg, olen);
	memcpy(e->msg, prefix, plen);
	e->msg[plen + olen] = '\0';
	return -1;
}

void herr_clear(struct herr *e)
{
	e->errnum = 0;
	e->msg[0] = '\0';
}

/* Helpers for the security unit tests: run a check in a forked child
 * (security_apply changes the process for good) and read its status. */
#ifndef HUTCH_TEST_SECURITY_CHILD_H
#define HUTCH_TEST_SECURITY_CHILD_H

#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* fn returns 0 when all its checks passed; the child prints why not */
static inline int in_child(int (*fn)(void *), void *arg)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		int r = fn(arg);
		fflush(stdout);
		_exit(r);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return status; /* raw wait status */
}

#define EXPECT(cond)                                                           \
	do {                                                                   \
		if (!(cond)) {                                                 \
			printf("#   child %s:%d: %s failed\n", __FILE__,       \
			       __LINE__, #cond);                               \
			return 1;                                              \
		}                                                              \
	} while (0)

/* "CapEff:\t0000000000000400" -> the mask; ~0 when missing */
static inline uint64_t status_hex(const char *key)
{
	char line[256];
	uint64_t v = ~0ULL;
	size_t n = strlen(key);
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return v;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, n) && line[n] == ':')
			v = strtoull(line + n + 1, NULL, 16);
	fclose(f);
	return v;
}

/* the text after "Key:" (trimmed), e.g. Uid / Groups */
static inline char *status_text(const char *key, char *buf, size_t len)
{
	char line[256];
	size_t n = strlen(key);
	FILE *f = fopen("/proc/self/status", "r");

	buf[0] = 0;
	if (!f)
		return buf;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, n) && line[n] == ':') {
			char *p = line + n + 1;
			while (*p == '\t' || *p == ' ')
				p++;
			p[strcspn(p, "\n")] = 0;
			for (size_t k = strlen(p); k && p[k - 1] == ' ';)
				p[--k] = 0;
			snprintf(buf, len, "%s", p);
		}
	fclose(f);
	return buf;
}

#endif

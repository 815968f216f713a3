/* Status of a container (runtime.md "State"), derived the way runc does:
 * no state.json yet -> creating; process gone -> stopped; exec.fifo still
 * there -> created; frozen cgroup -> paused; else running. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>

#include "runtime/runtime.h"

/* starttime (field 22) of /proc/PID/stat; 0 if gone or a zombie */
unsigned long long proc_start_time(pid_t pid)
{
	_cleanup_free_ char *buf = NULL;
	struct herr e;
	char path[64], *p;
	unsigned long long start = 0;
	char state;

	if (pid <= 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (read_file_at(AT_FDCWD, path, &buf, NULL, 4096, &e) < 0)
		return 0;
	/* comm may hold spaces and parens: fields start after the last ')' */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 1, " %c", &state) != 1)
		return 0;
	if (state == 'Z' || state == 'X')
		return 0;
	p += 2;
	for (int field = 3; field < 22 && p; field++) {
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	if (!p || sscanf(p, "%llu", &start) != 1)
		return 0;
	return start;
}

bool container_pid_alive(const struct container *c)
{
	unsigned long long start = proc_start_time(c->st.pid);

	return start && (!c->st.pid_start || start == c->st.pid_start);
}

enum cstatus container_status(struct container *c)
{
	struct stat st;

	if (!c->have_state || c->st.creating)
		return ST_STOPPED;
	if (!container_pid_alive(c))
		return ST_STOPPED;
	if (fstatat(c->dir_fd, "exec.fifo", &st, AT_SYMLINK_NOFOLLOW) == 0)
		return ST_CREATED;
	if (container_paused(c))
		return ST_PAUSED;
	return ST_RUNNING;
}

const char *cstatus_name(enum cstatus s)
{
	static const char *const names[] = {
		[ST_CREATING] = "creating", [ST_CREATED] = "created",
		[ST_RUNNING] = "running",   [ST_PAUSED] = "paused",
		[ST_STOPPED] = "stopped",
	};
	return names[s];
}

char *container_state_json(struct container *c, bool pretty)
{
	enum cstatus s = container_status(c);
	struct spec_state st = {
		.oci_version = c->st.oci_version ? c->st.oci_version : "1.2.0",
		.id = c->id,
		.status = cstatus_name(s),
		/* runtime.md: pid is required while created or running */
		.pid = s == ST_STOPPED ? 0 : c->st.pid,
		.bundle = c->st.bundle ? c->st.bundle : "",
		.annotations = c->st.annotations,
		.nannotations = c->st.nannotations,
	};
	return spec_state_json(&st, pretty);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int container_list_ids(const char *root, char ***ids, size_t *n,
		       struct herr *e)
{
	_cleanup_closedir_ DIR *d = opendir(root);
	struct dirent *de;
	size_t cap = 0;

	*ids = NULL;
	*n = 0;
	if (!d)
		return errno == ENOENT ? 0 : herr_sys(e, "open `%s`", root);
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || de->d_type != DT_DIR)
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			*ids = xrealloc(*ids, cap * sizeof(char *));
		}
		(*ids)[(*n)++] = xstrdup(de->d_name);
	}
	qsort(*ids, *n, sizeof(char *), cmp_str);
	return 0;
}

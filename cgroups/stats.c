/* `events --stats`: cgroup counters in the JSON shape of runc's events
 * (types.Stats: cpu, memory, pids, blkio, hugetlb; zero "omitempty" fields
 * left out as runc's encoder does). */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "cgroups/internal.h"

struct js {
	struct strbuf *b;
	bool first;
};

static void key(struct js *j, const char *k)
{
	strbuf_printf(j->b, "%s\"%s\":", j->first ? "" : ",", k);
	j->first = false;
}

static void num(struct js *j, const char *k, uint64_t v, bool omitempty)
{
	if (omitempty && !v)
		return;
	key(j, k);
	strbuf_printf(j->b, "%llu", (unsigned long long)v);
}

static uint64_t rd(int fd, const char *file)
{
	uint64_t v = 0;
	struct herr e;

	if (fd < 0 || cg_read_u64(fd, file, &v, &e) < 0)
		return 0;
	return v;
}

static uint64_t keyed(int fd, const char *file, const char *k)
{
	uint64_t v = 0;

	if (fd < 0 || cg_read_keyed(fd, file, k, &v) < 0)
		return 0;
	return v;
}

/* "1 2 3" -> [1,2,3] */
static void num_list(struct js *j, const char *k, int fd, const char *file)
{
	_cleanup_free_ char *s = NULL;
	struct herr e;
	bool first = true;

	if (fd < 0 || cg_read(fd, file, &s, &e) < 0 || !*s)
		return;
	key(j, k);
	strbuf_puts(j->b, "[");
	for (char *p = s, *end; *p; p = end) {
		unsigned long long v = strtoull(p, &end, 10);
		if (end == p)
			break;
		strbuf_printf(j->b, "%s%llu", first ? "" : ",", v);
		first = false;
		while (isspace((unsigned char)*end))
			end++;
	}
	strbuf_puts(j->b, "]");
}

static void cpu(struct cgroup *cg, struct js *out)
{
	struct cg_dir *c = cg_dir_for(cg, CG_CPU);
	struct cg_dir *a = cg_dir_for(cg, CG_CPUACCT);
	int cfd = c ? c->fd : -1, afd = a ? a->fd : -1;
	struct js u = {out->b, true}, t = {out->b, true};
	bool v2 = c && c->m->v2;
	uint64_t hz = sysconf(_SC_CLK_TCK);

	key(out, "cpu");
	strbuf_puts(out->b, "{\"usage\":{");
	if (v2) {
		num(&u, "total", keyed(cfd, "cpu.stat", "usage_usec") * 1000, true);
		num(&u, "kernel", keyed(cfd, "cpu.stat", "system_usec") * 1000, false);
		num(&u, "user", keyed(cfd, "cpu.stat", "user_usec") * 1000, false);
	} else {
		num(&u, "total", rd(afd, "cpuacct.usage"), true);
		num_list(&u, "percpu", afd, "cpuacct.usage_percpu");
		num_list(&u, "percpu_kernel", afd, "cpuacct.usage_percpu_sys");
		num_list(&u, "percpu_user", afd, "cpuacct.usage_percpu_user");
		/* cpuacct.stat counts USER_HZ ticks */
		num(&u, "kernel", keyed(afd, "cpuacct.stat", "system") * 1000000000ull / hz, false);
		num(&u, "user", keyed(afd, "cpuacct.stat", "user") * 1000000000ull / hz, false);
	}
	strbuf_puts(out->b, "},\"throttling\":{");
	num(&t, "periods", keyed(cfd, "cpu.stat", "nr_periods"), true);
	num(&t, "throttledPeriods", keyed(cfd, "cpu.stat", "nr_throttled"), true);
	num(&t, "throttledTime",
	    v2 ? keyed(cfd, "cpu.stat", "throttled_usec") * 1000
	       : keyed(cfd, "cpu.stat", "throttled_time"), true);
	strbuf_puts(out->b, "}}");
}

static void mem_entry(struct js *out, const char *k, uint64_t usage,
		      uint64_t max, uint64_t limit, uint64_t failcnt)
{
	struct js j = {out->b, true};

	key(out, k);
	strbuf_puts(out->b, "{");
	num(&j, "limit", limit, false);
	num(&j, "usage", usage, true);
	num(&j, "max", max, true);
	num(&j, "failcnt", failcnt, false);
	strbuf_puts(out->b, "}");
}

static void raw_stat(struct js *out, int fd, const char *file)
{
	_cleanup_free_ char *s = NULL;
	struct herr e;
	bool first = true;

	if (cg_read(fd, file, &s, &e) < 0)
		return;
	key(out, "raw");
	strbuf_puts(out->b, "{");
	for (char *line = strtok(s, "\n"); line; line = strtok(NULL, "\n")) {
		char name[64];
		unsigned long long v;

		if (sscanf(line, "%63s %llu", name, &v) != 2)
			continue;
		strbuf_printf(out->b, "%s\"%s\":%llu", first ? "" : ",", name, v);
		first = false;
	}
	strbuf_puts(out->b, "}");
}

static void memory(struct cgroup *cg, struct js *out)
{
	struct cg_dir *d = cg_dir_for(cg, CG_MEMORY);
	struct js j = {out->b, true};
	int fd = d ? d->fd : -1;

	key(out, "memory");
	strbuf_puts(out->b, "{");
	if (d && d->m->v2) {
		uint64_t cur = rd(fd, "memory.current"), lim = rd(fd, "memory.max");
		uint64_t sw = rd(fd, "memory.swap.current");
		uint64_t swmax = rd(fd, "memory.swap.max");

		num(&j, "cache", keyed(fd, "memory.stat", "file"), true);
		mem_entry(&j, "usage", cur, rd(fd, "memory.peak"), lim,
			  keyed(fd, "memory.events", "max"));
		/* runc reports swap as memory+swap, like v1's memsw */
		mem_entry(&j, "swap", cur + sw, 0,
			  lim == UINT64_MAX || swmax == UINT64_MAX ? UINT64_MAX
								   : lim + swmax,
			  0);
		raw_stat(&j, fd, "memory.stat");
	} else if (d) {
		num(&j, "cache", keyed(fd, "memory.stat", "cache"), true);
		mem_entry(&j, "usage", rd(fd, "memory.usage_in_bytes"),
			  rd(fd, "memory.max_usage_in_bytes"),
			  rd(fd, "memory.limit_in_bytes"), rd(fd, "memory.failcnt"));
		mem_entry(&j, "swap", rd(fd, "memory.memsw.usage_in_bytes"),
			  rd(fd, "memory.memsw.max_usage_in_bytes"),
			  rd(fd, "memory.memsw.limit_in_bytes"),
			  rd(fd, "memory.memsw.failcnt"));
		mem_entry(&j, "kernel", rd(fd, "memory.kmem.usage_in_bytes"),
			  rd(fd, "memory.kmem.max_usage_in_bytes"),
			  rd(fd, "memory.kmem.limit_in_bytes"),
			  rd(fd, "memory.kmem.failcnt"));
		mem_entry(&j, "kernelTCP", rd(fd, "memory.kmem.tcp.usage_in_bytes"),
			  rd(fd, "memory.kmem.tcp.max_usage_in_bytes"),
			  rd(fd, "memory.kmem.tcp.limit_in_bytes"),
			  rd(fd, "memory.kmem.tcp.failcnt"));
		raw_stat(&j, fd, "memory.stat");
	}
	strbuf_puts(out->b, "}");
}

static void pids(struct cgroup *cg, struct js *out)
{
	struct cg_dir *d = cg_dir_for(cg, CG_PIDS);
	struct js j = {out->b, true};
	uint64_t max = d ? rd(d->fd, "pids.max") : 0;

	key(out, "pids");
	strbuf_puts(out->b, "{");
	if (d) {
		num(&j, "current", rd(d->fd, "pids.current"), true);
		num(&j, "limit", max == UINT64_MAX ? 0 : max, true);
	}
	strbuf_puts(out->b, "}");
}

/* blkio / io entries: {"major":8,"minor":0,"op":"Read","value":N} */
static void entry(struct strbuf *b, bool *first, unsigned maj, unsigned min,
		  const char *op, unsigned long long v)
{
	strbuf_printf(b, "%s{\"major\":%u,\"minor\":%u,\"op\":\"%s\",\"value\":%llu}",
		      *first ? "" : ",", maj, min, op, v);
	*first = false;
}

static void v1_list(struct js *out, const char *k, int fd, const char *file)
{
	_cleanup_free_ char *s = NULL;
	struct herr e;
	bool first = true;

	if (cg_read(fd, file, &s, &e) < 0)
		return;
	key(out, k);
	strbuf_puts(out->b, "[");
	for (char *line = strtok(s, "\n"); line; line = strtok(NULL, "\n")) {
		unsigned maj, min;
		unsigned long long v;
		char op[16];

		if (sscanf(line, "%u:%u %15s %llu", &maj, &min, op, &v) == 4)
			entry(out->b, &first, maj, min, op, v);
	}
	strbuf_puts(out->b, "]");
}

/* io.stat: "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0" */
static void v2_list(struct js *out, const char *k, int fd, const char *rkey,
		    const char *wkey)
{
	_cleanup_free_ char *s = NULL;
	struct herr e;
	bool first = true;

	if (cg_read(fd, "io.stat", &s, &e) < 0)
		return;
	key(out, k);
	strbuf_puts(out->b, "[");
	for (char *line = strtok(s, "\n"); line; line = strtok(NULL, "\n")) {
		unsigned maj, min;
		unsigned long long r = 0, w = 0;
		char *p;

		if (sscanf(line, "%u:%u", &maj, &min) != 2)
			continue;
		if ((p = strstr(line, rkey)))
			r = strtoull(p + strlen(rkey), NULL, 10);
		if ((p = strstr(line, wkey)))
			w = strtoull(p + strlen(wkey), NULL, 10);
		entry(out->b, &first, maj, min, "Read", r);
		entry(out->b, &first, maj, min, "Write", w);
		entry(out->b, &first, maj, min, "Total", r + w);
	}
	strbuf_puts(out->b, "]");
}

static void blkio(struct cgroup *cg, struct js *out)
{
	struct cg_dir *d = cg_dir_for(cg, CG_IO);
	struct js j = {out->b, true};

	if (!d)
		d = cg_dir_for(cg, CG_BLKIO);
	key(out, "blkio");
	strbuf_puts(out->b, "{");
	if (d && d->m->v2) {
		v2_list(&j, "ioServiceBytesRecursive", d->fd, "rbytes=", "wbytes=");
		v2_list(&j, "ioServicedRecursive", d->fd, "rios=", "wios=");
	} else if (d) {
		v1_list(&j, "ioServiceBytesRecursive", d->fd,
			"blkio.throttle.io_service_bytes_recursive");
		v1_list(&j, "ioServicedRecursive", d->fd,
			"blkio.throttle.io_serviced_recursive");
	}
	strbuf_puts(out->b, "}");
}

/* /sys/kernel/mm/hugepages/hugepages-2048kB -> "2MB" (the cgroup name) */
static bool page_size_name(const char *dname, char *out, size_t len)
{
	unsigned long kb;
	static const char *const units[] = {"KB", "MB", "GB"};
	int u = 0;

	if (sscanf(dname, "hugepages-%lukB", &kb) != 1)
		return false;
	while (u < 2 && kb >= 1024 && kb % 1024 == 0) {
		kb /= 1024;
		u++;
	}
	snprintf(out, len, "%lu%s", kb, units[u]);
	return true;
}

static void hugetlb(struct cgroup *cg, struct js *out)
{
	struct cg_dir *d = cg_dir_for(cg, CG_HUGETLB);
	_cleanup_closedir_ DIR *dir = opendir("/sys/kernel/mm/hugepages");
	struct js j = {out->b, true};
	struct dirent *de;

	key(out, "hugetlb");
	strbuf_puts(out->b, "{");
	while (d && dir && (de = readdir(dir))) {
		char size[32], f1[64], f2[64], f3[64];
		struct js h = {out->b, true};
		bool v2 = d->m->v2;

		if (!page_size_name(de->d_name, size, sizeof(size)))
			continue;
		snprintf(f1, sizeof(f1), "hugetlb.%s.%s", size,
			 v2 ? "current" : "usage_in_bytes");
		snprintf(f2, sizeof(f2), "hugetlb.%s.%s", size,
			 v2 ? "max" : "max_usage_in_bytes");
		snprintf(f3, sizeof(f3), "hugetlb.%s.%s", size,
			 v2 ? "events" : "failcnt");
		key(&j, size);
		strbuf_puts(out->b, "{");
		num(&h, "usage", rd(d->fd, f1), true);
		/* runc's v2 "max" is the limit, v1's the peak usage */
		num(&h, "max", rd(d->fd, f2), true);
		num(&h, "failcnt", v2 ? keyed(d->fd, f3, "max") : rd(d->fd, f3),
		    false);
		strbuf_puts(out->b, "}");
	}
	strbuf_puts(out->b, "}");
}

int cgroup_stats_json(struct cgroup *cg, struct strbuf *out, struct herr *e)
{
	struct js j = {out, true};

	if (!cg_dir_for(cg, CG_MEMORY) && !cg_dir_for(cg, CG_PIDS) &&
	    !cg_dir_for(cg, CG_CPU))
		return herr_set(e, ENOENT, "cgroup `%s` does not exist",
				cg->path);
	strbuf_puts(out, "{");
	cpu(cg, &j);
	memory(cg, &j);
	pids(cg, &j);
	blkio(cg, &j);
	hugetlb(cg, &j);
	strbuf_puts(out, "}");
	return 0;
}

/* The terminal table and the JSON file (every figure with its samples,
 * the ratios, the targets, failures and leftovers, the conditions). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench/hbench.h"

struct ratio { const char *group, *metric, *num, *den; };

static const struct ratio ratios[] = {
	{"run", "wall", "hutch", "crun"}, {"run", "wall", "hutch", "runc"},
	{"run", "wall", "hutch", "floor"},
	{"run", "cpu", "hutch", "crun"}, {"run", "cpu", "hutch", "runc"},
	{"run", "cpu", "hutch", "floor"},
	{"run", "maxrss", "hutch", "crun"}, {"run", "maxrss", "hutch", "runc"},
	{"run-seccomp", "wall", "hutch", "crun"},
	{"run-seccomp", "wall", "hutch", "runc"},
	{"run-seccomp", "cpu", "hutch", "crun"},
	{"run-seccomp", "cpu", "hutch", "runc"},
	{"life-net", "total", "hutch", "crun"},
	{"life-net", "total", "hutch", "runc"},
	{"life-nonet", "total", "hutch", "crun"},
	{"life-nonet", "total", "hutch", "runc"},
	{"par", "throughput", "hutch", "crun"},
	{"par", "throughput", "hutch", "runc"},
	{"par", "throughput", "hutch", "floor"},
	{"vm", "wall", "hutch-vm", "hutch"},
	{"vm", "wall", "hutch-vm", "qemu"},
	{"vm", "to_init", "hutch-vm", "qemu"},
	{"vm", "maxrss", "hutch-vm", "hutch"},
	{"vm", "maxrss", "hutch-vm", "qemu"},
	{"vm-life", "create", "hutch-vm", "hutch"},
	{"vm-life", "start", "hutch-vm", "hutch"},
};

struct target { const char *text, *group, *metric, *den; double max; };

static const struct target targets[] = {
	{"start-up (run) <= 0.8x crun", "run", "wall", "crun", 0.8},
	{"start-up (run) <= 1.3x floor", "run", "wall", "floor", 1.3},
	{"peak RSS <= crun's", "run", "maxrss", "crun", 1.0},
};

static double ratio_of(const struct ratio *r)
{
	return fig_median(r->group, r->num, r->metric) /
	       fig_median(r->group, r->den, r->metric);
}

static char *version_of(const struct runtime *rt)
{
	char *out, *text, *nl;

	if (rt->kind == RT_FLOOR)
		return strdup("bench/floor.c (static)");
	out = fmt("/tmp/hbench-version-%d", (int)getpid());
	sh_run((char *[]){rt->path, "--version", NULL}, out);
	text = read_text(out);
	unlink(out);
	free(out);
	if (!text)
		return strdup("?");
	nl = strchr(text, '\n');
	if (nl)
		*nl = 0;
	return text;
}

/* n median p90 min max, or a note when there is nothing */
static void stat_cols(const struct figure *f)
{
	struct stats s;

	if (!fig_stats(f, &s))
		printf(" %4d %8s %8s %8s %8s", 0, "-", "-", "-", "-");
	else
		printf(" %4zu %8.2f %8.2f %8.2f %8.2f", s.n, s.median, s.p90,
		       s.min, s.max);
}

#define STAT_HEAD "    n   median      p90      min      max"

static void print_ratios(const char *group, const char *metric)
{
	bool any = false;

	for (size_t i = 0; i < sizeof(ratios) / sizeof(ratios[0]); i++) {
		double v;

		if (strcmp(ratios[i].group, group) ||
		    strcmp(ratios[i].metric, metric))
			continue;
		v = ratio_of(&ratios[i]);
		if (isnan(v))
			continue;
		if (!any)
			printf("  %-8s ratios:", metric);
		printf("  %s/%s %.2f", ratios[i].num, ratios[i].den, v);
		any = true;
	}
	if (any)
		printf("\n");
}

static void table_run(const char *group, const char *title)
{
	if (!fig_find(group, "hutch", "wall"))
		return;
	printf("\n%-22s" STAT_HEAD " |  cpu ms | peak RSS KiB\n", title);
	for (int i = 0; i < NRT; i++) {
		const char *n = RT[i].name;

		if (!fig_find(group, n, "wall"))
			continue;
		printf("  %-20s", n);
		stat_cols(fig_find(group, n, "wall"));
		printf(" | %7.2f | %8.0f\n", fig_median(group, n, "cpu"),
		       fig_median(group, n, "maxrss"));
	}
	print_ratios(group, "wall");
	print_ratios(group, "cpu");
	print_ratios(group, "maxrss");
	for (int i = 0; i < NRT; i++) {
		struct stats w, c;

		if (!fig_stats(fig_find("run-delta", RT[i].name, "wall"), &w) ||
		    !fig_stats(fig_find("run-delta", RT[i].name, "cpu"), &c) ||
		    strcmp(group, "run"))
			continue;
		printf("  %s - hutch, paired by round: wall %+.2f ms, cpu %+.2f "
		       "ms (medians of %zu differences)\n", RT[i].name, w.median,
		       c.median, w.n);
	}
}

static void table_life(const char *variant)
{
	char *g = fmt("life-%s", variant);

	if (!fig_find(g, "hutch", "total"))
		goto out;
	printf("\ncreate+start+delete, %s, ms\n%-22s" STAT_HEAD
	       " |  cpu ms | create start delete\n",
	       strcmp(variant, "net") ? "no network namespace"
				      : "with a network namespace", "  total");
	for (int i = 0; i < NRT; i++) {
		const char *n = RT[i].name;

		if (!fig_find(g, n, "total"))
			continue;
		printf("  %-20s", n);
		stat_cols(fig_find(g, n, "total"));
		printf(" | %7.2f | %6.2f %5.2f %6.2f\n", fig_median(g, n, "cpu"),
		       fig_median(g, n, "create"), fig_median(g, n, "start"),
		       fig_median(g, n, "delete"));
	}
	print_ratios(g, "total");
out:
	free(g);
}

static void table_par(void)
{
	if (!fig_find("par", "hutch", "throughput"))
		return;
	printf("\n%d run in parallel, per s" STAT_HEAD " | latency ms\n",
	       O.par_n);
	for (int i = 0; i < NRT; i++) {
		const char *n = RT[i].name;

		if (!fig_find("par", n, "throughput"))
			continue;
		printf("  %-20s", n);
		stat_cols(fig_find("par", n, "throughput"));
		printf(" | %8.1f\n", fig_median("par", n, "latency"));
	}
	print_ratios("par", "throughput");
}

static void table_sizes(void)
{
	printf("\nbinary size, KiB          binary  with shared libraries\n");
	for (int i = 0; i < NRT; i++)
		printf("  %-18s %10.0f %10.0f\n", RT[i].name,
		       fig_median("size", RT[i].name, "binary"),
		       fig_median("size", RT[i].name, "with_libs"));
}

static void table_vm(void)
{
	static const char *const who[] = {"hutch-vm", "qemu", "hutch"};
	static const char *const what[] = {"to_init", "to_workload", "wall",
					   "maxrss"};

	if (vm_skipped) {
		printf("\nvm: skipped: %s\n", vm_skipped);
		return;
	}
	if (!fig_find("vm", "hutch-vm", "wall") && !fig_find("vm", "qemu", "wall"))
		return; /* not asked for (--only) */
	if (vm_note)
		printf("\nvm: hutch-vm left out: %s\n", vm_note);
	printf("\n%-22s" STAT_HEAD "   (ms; maxrss KiB)\n",
	       "sandbox VM, /bin/true");
	for (size_t w = 0; w < 3; w++)
		for (size_t m = 0; m < 4; m++) {
			struct figure *f = fig_find("vm", who[w], what[m]);
			char *l = fmt("%s %s", who[w], what[m]);

			if (f) {
				printf("  %-20s", l);
				stat_cols(f);
				printf("\n");
			}
			free(l);
		}
	if (fig_find("vm-life", "hutch-vm", "create"))
		printf("  create/start ms (medians): hutch-vm %.2f / %.2f, "
		       "hutch container %.2f / %.2f\n",
		       fig_median("vm-life", "hutch-vm", "create"),
		       fig_median("vm-life", "hutch-vm", "start"),
		       fig_median("vm-life", "hutch", "create"),
		       fig_median("vm-life", "hutch", "start"));
	printf("  hutch-vm to_init/to_workload: the VMM's boot timer (from "
	       "VMM start); qemu: its debugcon marker (from launch)\n");
	print_ratios("vm", "wall");
	print_ratios("vm", "to_init");
	print_ratios("vm", "maxrss");
	print_ratios("vm-life", "create");
}

static void table_targets(void)
{
	if (!fig_find("run", "hutch", "wall"))
		goto cleanup;
	printf("\ntargets (medians of this run):\n");
	for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
		const struct target *t = &targets[i];
		double v = fig_median(t->group, "hutch", t->metric) /
			   fig_median(t->group, t->den, t->metric);

		if (isnan(v))
			printf("  %-30s not measured\n", t->text);
		else
			printf("  %-30s %.2fx  %s\n", t->text, v,
			       v <= t->max ? "met" : "NOT met");
	}
cleanup:
	printf("\nfailures and leftovers (cgroups, state dirs) per runtime:");
	for (int i = 0; i < NRT; i++)
		printf("  %s %d/%d", RT[i].name, RT[i].failures, RT[i].leftovers);
	printf("\n");
}

void report_table(void)
{
	FILE *f = fopen("/proc/loadavg", "re");

	if (f) {
		if (fscanf(f, "%lf", &E.load_end) != 1)
			E.load_end = -1;
		fclose(f);
	}
	printf("\nhutch bench: %s, host %s, Linux %s, %d CPUs, load %.1f -> "
	       "%.1f\n", E.date, E.host, E.kernel, E.cpus, E.load_start,
	       E.load_end);
	printf("order rotated every round (A B C D, B C D A, ...), %d warm-up "
	       "round(s) discarded; state dirs and rootfs on tmpfs\n", O.warmup);
	for (int i = 0; i < NRT; i++) {
		char *v = version_of(&RT[i]);

		printf("  %-6s %s  (%s)\n", RT[i].name, v, RT[i].path);
		free(v);
	}
	table_run("run", "run /bin/true, wall ms");
	table_run("run-seccomp", "same, with seccomp");
	table_life("net");
	table_life("nonet");
	table_par();
	table_sizes();
	table_vm();
	table_targets();
}

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void json_num(FILE *f, double v)
{
	if (isnan(v) || isinf(v))
		fputs("null", f);
	else
		fprintf(f, "%.4f", v);
}

static void json_figures(FILE *f)
{
	size_t n;
	struct figure **all = fig_all(&n);

	fputs("  \"figures\": [\n", f);
	for (size_t i = 0; i < n; i++) {
		struct stats s;

		fig_stats(all[i], &s);
		fputs("    {\"group\": ", f);
		json_str(f, all[i]->group);
		fputs(", \"runtime\": ", f);
		json_str(f, all[i]->runtime);
		fputs(", \"metric\": ", f);
		json_str(f, all[i]->metric);
		fputs(", \"unit\": ", f);
		json_str(f, all[i]->unit);
		fprintf(f, ", \"n\": %zu, \"median\": ", s.n);
		json_num(f, s.median);
		fputs(", \"p90\": ", f);
		json_num(f, s.p90);
		fputs(", \"min\": ", f);
		json_num(f, s.min);
		fputs(", \"max\": ", f);
		json_num(f, s.max);
		fputs(", \"mean\": ", f);
		json_num(f, s.mean);
		fputs(", \"samples\": [", f);
		for (size_t k = 0; k < all[i]->n; k++) {
			if (k)
				fputs(", ", f);
			json_num(f, all[i]->v[k]);
		}
		fprintf(f, "]}%s\n", i + 1 < n ? "," : "");
	}
	fputs("  ]\n", f);
}

static void json_ratios(FILE *f)
{
	bool first = true;

	fputs("  \"ratios\": [", f);
	for (size_t i = 0; i < sizeof(ratios) / sizeof(ratios[0]); i++) {
		double v = ratio_of(&ratios[i]);

		if (isnan(v))
			continue;
		fprintf(f, "%s\n    {\"group\": \"%s\", \"metric\": \"%s\", "
			"\"of\": \"%s/%s\", \"ratio_of_medians\": ",
			first ? "" : ",", ratios[i].group, ratios[i].metric,
			ratios[i].num, ratios[i].den);
		json_num(f, v);
		fputs("}", f);
		first = false;
	}
	fputs("\n  ],\n  \"targets\": [", f);
	for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
		const struct target *t = &targets[i];
		double v = fig_median(t->group, "hutch", t->metric) /
			   fig_median(t->group, t->den, t->metric);

		fprintf(f, "%s\n    {\"target\": ", i ? "," : "");
		json_str(f, t->text);
		fputs(", \"ratio\": ", f);
		json_num(f, v);
		fprintf(f, ", \"limit\": %.2f, \"met\": %s}", t->max,
			isnan(v) ? "null" : v <= t->max ? "true" : "false");
	}
	fputs("\n  ],\n", f);
}

static void json_runtimes(FILE *f)
{
	fputs("  \"runtimes\": [", f);
	for (int i = 0; i < NRT; i++) {
		char *v = version_of(&RT[i]);

		fprintf(f, "%s\n    {\"name\": \"%s\", \"path\": ", i ? "," : "",
			RT[i].name);
		json_str(f, RT[i].path);
		fputs(", \"version\": ", f);
		json_str(f, v);
		fprintf(f, ", \"failures\": %d, \"leftovers\": %d, "
			"\"private_mount_ns\": %s, \"first_error\": ",
			RT[i].failures, RT[i].leftovers,
			RT[i].priv_ns && E.hybrid ? "true" : "false");
		if (RT[i].first_error)
			json_str(f, RT[i].first_error);
		else
			fputs("null", f);
		fputs("}", f);
		free(v);
	}
	fputs("\n  ],\n", f);
}

char *report_json(void)
{
	char *path = fmt("%s/%s-%s.json", O.outdir, E.stamp, E.host);
	char *tmp = fmt("%s.tmp", path);
	FILE *f;

	mkdir(O.outdir, 0755);
	f = fopen(tmp, "we");
	if (!f) {
		fail("write %s: %s", tmp, strerror(errno));
		return NULL;
	}
	fputs("{\n  \"date\": ", f);
	json_str(f, E.date);
	fputs(", \"host\": ", f);
	json_str(f, E.host);
	fputs(", \"kernel\": ", f);
	json_str(f, E.kernel);
	fprintf(f, ", \"cpus\": %d,\n  \"load_start\": %.2f, \"load_end\": "
		"%.2f, \"quick\": %s,\n", E.cpus, E.load_start, E.load_end,
		O.quick ? "true" : "false");
	fprintf(f, "  \"conditions\": {\"warmup_rounds\": %d, \"rounds_run\": "
		"%d, \"rounds_lifecycle\": %d, \"rounds_parallel\": %d, "
		"\"parallel\": %d, \"rounds_vm\": %d, \"order\": \"rotated "
		"every round\", \"state_and_rootfs\": \"tmpfs\", \"workload\": "
		"\"/bin/true (busybox-static)\", \"cgroups\": \"cgroupsPath "
		"%s/<runtime>-<variant>-<slot>\"},\n", O.warmup, O.rounds_run,
		O.rounds_life, O.rounds_par, O.par_n, O.rounds_vm, E.cg_base);
	fputs("  \"vm_skipped\": ", f);
	if (vm_skipped)
		json_str(f, vm_skipped);
	else
		fputs("null", f);
	fputs(", \"vm_hutch_left_out\": ", f);
	if (vm_note)
		json_str(f, vm_note);
	else
		fputs("null", f);
	fputs(",\n", f);
	json_runtimes(f);
	json_ratios(f);
	json_figures(f);
	fputs("}\n", f);
	if (fclose(f) != 0 || rename(tmp, path) < 0) {
		fail("write %s: %s", path, strerror(errno));
		return NULL;
	}
	printf("\nJSON: %s\n", path);
	free(tmp);
	return path;
}

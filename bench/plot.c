/* The PNG: small data files for bench/plot.gp (one per panel), then
 * gnuplot.  Missing figures are written as "?" (gnuplot skips them). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bench/hbench.h"

static const char *color(const char *rt)
{
	if (!strcmp(rt, "hutch") || !strcmp(rt, "hutch-vm"))
		return "0xe66101";
	if (!strcmp(rt, "crun"))
		return "0x5e3c99";
	if (!strcmp(rt, "runc"))
		return "0x1b9e77";
	if (!strcmp(rt, "qemu"))
		return "0x2c7bb6";
	return "0x999999";
}

static void num(FILE *f, double v)
{
	if (isnan(v))
		fputs(" ?", f);
	else
		fprintf(f, " %.3f", v);
}

static FILE *open_dat(const char *name)
{
	char *p = fmt("%s/%s", O.datadir, name);
	FILE *f = fopen(p, "we");

	if (!f)
		fail("write %s", p);
	free(p);
	return f;
}

/* name median p90 min max color */
static void dat_stats(const char *file, const char *group, const char *metric)
{
	FILE *f = open_dat(file);

	if (!f)
		return;
	for (int i = 0; i < NRT; i++) {
		struct stats s;

		if (!fig_stats(fig_find(group, RT[i].name, metric), &s))
			continue;
		fprintf(f, "\"%s\"", RT[i].name);
		num(f, s.median);
		num(f, s.p90);
		num(f, s.min);
		num(f, s.max);
		fprintf(f, " %s\n", color(RT[i].name));
	}
	fclose(f);
}

static void dat_life(void)
{
	static const char *const var[] = {"net", "nonet"};
	FILE *f = open_dat("life.dat");

	if (!f)
		return;
	for (int i = 0; i < NRT; i++)
		for (int v = 0; v < 2; v++) {
			char *g = fmt("life-%s", var[v]);

			if (fig_find(g, RT[i].name, "total")) {
				fprintf(f, "\"%s\\n%s\"", RT[i].name,
					v ? "no netns" : "netns");
				num(f, fig_median(g, RT[i].name, "create"));
				num(f, fig_median(g, RT[i].name, "start"));
				num(f, fig_median(g, RT[i].name, "delete"));
				fprintf(f, "\n");
			}
			free(g);
		}
	fclose(f);
}

static void dat_mem(void)
{
	FILE *f = open_dat("mem.dat");

	if (!f)
		return;
	for (int i = 0; i < NRT; i++) {
		fprintf(f, "\"%s\"", RT[i].name);
		num(f, fig_median("run", RT[i].name, "maxrss") / 1024);
		num(f, fig_median("size", RT[i].name, "binary") / 1024);
		num(f, fig_median("size", RT[i].name, "with_libs") / 1024);
		fprintf(f, "\n");
	}
	fclose(f);
}

static void dat_vm(void)
{
	static const char *const who[] = {"hutch-vm", "qemu", "hutch"};
	static const char *const label[] = {"hutch VM", "QEMU microvm",
					    "hutch container"};
	FILE *f = open_dat("vm.dat");

	if (!f)
		return;
	for (int w = 0; w < 3; w++) {
		fprintf(f, "\"%s\"", label[w]);
		num(f, fig_median("vm", who[w], "to_init"));
		num(f, fig_median("vm", who[w], "to_workload"));
		num(f, fig_median("vm", who[w], "wall"));
		num(f, fig_median("vm", who[w], "maxrss") / 1024);
		fprintf(f, " %s\n", color(who[w]));
	}
	fclose(f);
}

void plot_write(const char *json_path)
{
	char *png, *expr, *dot;
	bool vm = !vm_skipped && (fig_find("vm", "hutch-vm", "wall") ||
				  fig_find("vm", "qemu", "wall"));

	if (!O.plot || !O.datadir)
		return;
	bool runs = fig_find("run", "hutch", "wall");

	if (!runs && !vm) {
		printf("plot: left out (no run or VM series)\n");
		return;
	}
	mkdir(O.datadir, 0755);
	dat_stats("run.dat", "run", "wall");
	dat_stats("par.dat", "par", "throughput");
	dat_life();
	dat_mem();
	if (vm)
		dat_vm();
	png = strdup(json_path);
	dot = strrchr(png, '.');
	strcpy(dot, ".png");
	expr = fmt("dir='%s'; out='%s'; vm=%d; runs=%d; heading='hutch bench, %s, %s, "
		   "Linux %s, %d CPUs, load %.1f (shared machine)%s'",
		   O.datadir, png, vm, runs, E.date, E.host, E.kernel, E.cpus,
		   E.load_start, O.quick ? ", quick run" : "");
	if (sh_run((char *[]){"gnuplot", "-e", expr, (char *)O.plot, NULL},
		   NULL) == 0)
		printf("plot: %s\n", png);
	else
		warnx_("gnuplot failed: no plot (apt-get install gnuplot-nox)");
	free(expr);
	free(png);
}

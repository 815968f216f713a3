/* hbench [OPTIONS]: see bench/hbench.h and `hbench --help`. */
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/hbench.h"

struct opts O = {
	.warmup = 3, .rounds_run = 100, .rounds_life = 50, .rounds_par = 20,
	.par_n = 8, .rounds_vm = 10, .qemu = "qemu-system-x86_64",
};
struct env E = {.host_ns = -1, .priv_ns = -1};
struct runtime RT[MAX_RT];
int NRT;
volatile sig_atomic_t stopping;

static const char usage[] =
	"usage: hbench [OPTIONS]\n"
	"  --quick            about a minute: fewer rounds, 4 in parallel\n"
	"  --only SERIES      run, life, par or vm\n"
	"  --rounds N         rounds of `run` (default 100; the other series\n"
	"                     scale with it)\n"
	"  --warmup N         rounds thrown away first (default 3)\n"
	"  --parallel N       containers per parallel batch (default 8)\n"
	"  --hutch/--crun/--runc/--floor PATH   the binaries (crun and runc\n"
	"                     from PATH; a missing one is left out)\n"
	"  --rootfs DIR       busybox rootfs (copied onto tmpfs)\n"
	"  --true FILE        the workload, copied to /bin/true of that copy\n"
	"                     (bench/true.c: one page, so it hides no RSS)\n"
	"  --config FILE      config.json template (args /bin/true)\n"
	"  --seccomp FILE     a linux.seccomp profile: `run` once more with it\n"
	"  --out DIR          results: DIR/<date>-<host>.json and .png\n"
	"  --data DIR         gnuplot data files   --plot FILE  gnuplot script\n"
	"  --vm-kernel FILE --vm-init FILE --qemu PATH   the VM series\n"
	"  --alt NAME=PATH    one more hutch build in the container series\n"
	"                     (A/B of a change: static libs, a read-only\n"
	"                     binary...); up to 4\n";

static void on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

static void add_runtime(const char *name, const char *path, enum rt_kind k,
			bool required, int *bad)
{
	char *p = find_exe(path ? path : name);

	if (!p) {
		if (required) {
			fail("%s: `%s` not found", name, path ? path : name);
			(*bad)++;
		} else {
			printf("%s: not found, left out (make bench installs "
			       "it)\n", name);
		}
		return;
	}
	RT[NRT++] = (struct runtime){.name = name, .path = p, .kind = k,
				     .priv_ns = !strcmp(name, "crun")};
}

/* setns() into a mount namespace moves us to its root: every path we
 * keep must be absolute */
static char *absdir(const char *dir)
{
	sh_run((char *[]){"mkdir", "-p", (char *)dir, NULL}, NULL);
	return realpath(dir, NULL);
}

static int parse(int argc, char **argv)
{
	static const struct option lo[] = {
		{"quick", no_argument, NULL, 'q'},
		{"only", required_argument, NULL, 'o'},
		{"rounds", required_argument, NULL, 'n'},
		{"warmup", required_argument, NULL, 'w'},
		{"parallel", required_argument, NULL, 'p'},
		{"hutch", required_argument, NULL, 'H'},
		{"crun", required_argument, NULL, 'C'},
		{"runc", required_argument, NULL, 'R'},
		{"floor", required_argument, NULL, 'F'},
		{"rootfs", required_argument, NULL, 'r'},
		{"true", required_argument, NULL, 'T'},
		{"config", required_argument, NULL, 'c'},
		{"seccomp", required_argument, NULL, 'S'},
		{"out", required_argument, NULL, 'O'},
		{"data", required_argument, NULL, 'D'},
		{"plot", required_argument, NULL, 'P'},
		{"vm-kernel", required_argument, NULL, 'K'},
		{"vm-init", required_argument, NULL, 'I'},
		{"qemu", required_argument, NULL, 'Q'},
		{"alt", required_argument, NULL, 'A'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	int c, rounds = 0;

	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		switch (c) {
		case 'q': O.quick = true; break;
		case 'o': O.only = optarg; break;
		case 'n': rounds = atoi(optarg); break;
		case 'w': O.warmup = atoi(optarg); break;
		case 'p': O.par_n = atoi(optarg); break;
		case 'H': O.hutch = optarg; break;
		case 'C': O.crun = optarg; break;
		case 'R': O.runc = optarg; break;
		case 'F': O.floor = optarg; break;
		case 'r': O.rootfs = realpath(optarg, NULL); break;
		case 'T': O.true_bin = realpath(optarg, NULL); break;
		case 'c': O.config = realpath(optarg, NULL); break;
		case 'S': O.seccomp = realpath(optarg, NULL); break;
		case 'O': O.outdir = absdir(optarg); break;
		case 'D': O.datadir = absdir(optarg); break;
		case 'P': O.plot = realpath(optarg, NULL); break;
		case 'K': O.vm_kernel = realpath(optarg, NULL); break;
		case 'I': O.vm_init = realpath(optarg, NULL); break;
		case 'Q': O.qemu = optarg; break;
		case 'A':
			if (O.nalt == 4 || !strchr(optarg, '='))
				return fail("--alt NAME=PATH, at most 4");
			O.alt[O.nalt++] = optarg;
			break;
		case 'h': fputs(usage, stdout); return 1;
		default: fputs(usage, stderr); return -1;
		}
	}
	if (O.quick) {
		O.warmup = 2, O.rounds_run = 30, O.rounds_life = 12;
		O.rounds_par = 6, O.par_n = 4, O.rounds_vm = 3;
	}
	if (rounds > 0) {
		O.rounds_run = rounds;
		O.rounds_life = (rounds + 1) / 2;
		O.rounds_par = rounds / 5 > 1 ? rounds / 5 : 2;
		O.rounds_vm = rounds / 4 > 1 ? rounds / 4 : 2;
	}
	if (optind < argc || !O.rootfs || !O.config || !O.outdir ||
	    O.warmup < 0 || O.par_n < 1 || O.par_n > 256)
		return fail("--rootfs, --config and --out are needed (and "
			    "must exist); --parallel is 1..256; see --help");
	return 0;
}

static bool want(const char *series)
{
	return !O.only || !strcmp(O.only, series);
}

int main(int argc, char **argv)
{
	int bad = 0, r = parse(argc, argv);
	char *json;

	if (r)
		return r > 0 ? 0 : 2;
	if (geteuid() != 0)
		return fail("run me as root (containers, cgroups)"), 2;
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	add_runtime("hutch", O.hutch, RT_OCI, true, &bad);
	add_runtime("crun", O.crun, RT_OCI, false, &bad);
	add_runtime("runc", O.runc, RT_OCI, false, &bad);
	add_runtime("floor", O.floor, RT_FLOOR, true, &bad);
	for (int i = 0; i < O.nalt; i++) {
		char *name = strdup(O.alt[i]), *eq = strchr(name, '=');

		*eq = 0;
		add_runtime(name, eq + 1, RT_OCI, true, &bad);
		if (NRT && !strcmp(RT[NRT - 1].name, name))
			RT[NRT - 1].alt = true;
	}
	if (bad)
		return 2;
	if (proc_init() < 0 || setup_env() < 0) {
		setup_cleanup();
		return 1;
	}
	if (want("run"))
		series_run("run", "net", O.rounds_run);
	if (want("run") && O.seccomp && !stopping)
		series_run("run-seccomp", "seccomp", O.rounds_life);
	if (want("life") && !stopping)
		series_lifecycle("net");
	if (want("life") && !stopping)
		series_lifecycle("nonet");
	if (want("par") && !stopping)
		series_parallel();
	if (want("vm") && !stopping)
		series_vm();
	series_sizes();
	setup_cleanup();
	proc_fini();
	report_table();
	json = report_json();
	if (json)
		plot_write(json);
	return stopping ? 130 : 0;
}

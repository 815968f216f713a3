/* hbench: the start-up benchmark driver (`make bench`, DESIGN.md section 8).
 *
 * One process times every runtime the same way: posix_spawn, wait4 for
 * wall time, CPU time and peak RSS (ru_maxrss of the runtime and what it
 * waited for), in rounds that rotate the order of the runtimes (A B C D,
 * B C D A, ...) so drift on a shared machine hits all of them alike.  The
 * first rounds are warm-up and are thrown away.  Every figure keeps its
 * samples; the report gives n, median, p90, min, max and the ratios.
 *
 * Files: main.c (options, order of the series), proc.c (spawning, timing,
 * the private mount namespace crun needs, reaping), setup.c (work dir on
 * tmpfs, bundles, leftover checks), series.c (run, create/start/delete,
 * parallel, sizes), vm.c (the KVM sandbox against QEMU), figures.c
 * (samples and statistics), report.c (table and JSON), plot.c (gnuplot).
 */
#ifndef HBENCH_H
#define HBENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* ---- runtimes ------------------------------------------------------- */
#define MAX_RT 8 /* hutch crun runc floor + up to 4 --alt builds */
enum rt_kind { RT_OCI, RT_FLOOR };

struct runtime {
	const char *name;   /* hutch crun runc floor */
	char *path;         /* absolute path of the binary */
	enum rt_kind kind;
	bool priv_ns;       /* run in the private mount namespace (crun) */
	bool alt;           /* an --alt build of hutch (RT[0] is hutch) */
	char *state;        /* its --root, on tmpfs */
	int failures;       /* runs that exited non-zero */
	int leftovers;      /* cgroups or state dirs left after delete */
	char *first_error;  /* stderr of its first failure */
};

/* ---- options and the environment ------------------------------------ */
struct opts {
	bool quick;
	int warmup;        /* rounds thrown away */
	int rounds_run;    /* `run` of /bin/true */
	int rounds_life;   /* create/start/delete, per network variant;
			      also `run` with the seccomp profile */
	int rounds_par;    /* parallel batches */
	int par_n;         /* containers per parallel batch */
	int rounds_vm;
	const char *only;  /* run only this series (run, life, par, vm) */
	const char *hutch, *crun, *runc, *floor;
	const char *rootfs;    /* busybox rootfs to copy onto tmpfs */
	const char *true_bin;  /* bench/true.c: becomes /bin/true there */
	const char *config;    /* config.json template */
	const char *seccomp;   /* linux.seccomp of the "seccomp" variant */
	const char *outdir;    /* bench/results */
	const char *datadir;   /* gnuplot data (build/bench) */
	const char *plot;      /* bench/plot.gp */
	const char *vm_kernel; /* guest kernel for hutch-vm and QEMU */
	const char *vm_init;   /* bench/vminit for the QEMU peer */
	const char *qemu;
	const char *alt[4];    /* --alt NAME=PATH: more hutch builds */
	int nalt;
};

struct env {
	char *work;        /* tmpfs work dir */
	bool work_mounted; /* we mounted a tmpfs there */
	char *rootfs;      /* its copy of the rootfs */
	char *cg_base;     /* /hutch-test/bench-<pid> */
	char *cg_mounts[16]; /* cgroup hierarchies seen from the host ns */
	int ncg;
	int host_ns, priv_ns; /* mount namespace fds (-1: no private ns) */
	bool hybrid;       /* cgroup2 at /sys/fs/cgroup/unified: crun needs priv_ns */
	char host[64], kernel[128], date[32], stamp[32];
	int cpus;
	double load_start, load_end;
};

extern struct opts O;
extern struct env E;
extern struct runtime RT[MAX_RT];
extern int NRT;

/* ---- proc.c ---------------------------------------------------------- */
struct result {
	double wall_ms, cpu_ms;
	long maxrss_kib;
	int status;        /* wait status */
	pid_t pid;         /* the process reaped */
};

double now_ms(void);
int proc_init(void);   /* subreaper, private mount namespace for crun */
void proc_fini(void);
/* enter (in) or leave crun's private mount namespace, if rt needs it */
void proc_ns(const struct runtime *rt, bool in);
/* spawn argv (stdin/stdout /dev/null, stderr to errfile); returns the pid */
pid_t proc_spawn(char *const argv[],
		 const char *errfile, int outfd);
/* wait4 on pid (-1: any child); fills r (wall from t0) */
int proc_wait(pid_t pid, double t0, struct result *r);
/* spawn + wait; 0 when it exited 0 */
int proc_run(const struct runtime *rt, char *const argv[], const char *errfile,
	     struct result *r);
void proc_reap_strays(void);
/* run a helper (cp, jq, ldd) untimed; returns its exit status */
int sh_run(char *const argv[], const char *out_path);
char *read_text(const char *path);
/* NAME through $PATH (or a path), made absolute; NULL: not found */
char *find_exe(const char *name);
int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void warnx_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));

/* ---- setup.c --------------------------------------------------------- */
int setup_env(void);
void setup_cleanup(void);
/* a bundle for rt: variant is "net", "nonet" or "vm"; returns its dir */
char *bundle_for(const struct runtime *rt, const char *variant, int slot);
char *cgroup_for(const struct runtime *rt, const char *variant, int slot);
/* count (and remove) what rt left of container id with that cgroup */
int leftovers_check(struct runtime *rt, const char *id, const char *cgpath);
void note_failure(struct runtime *rt, const char *errfile, const char *what);

/* ---- figures.c ------------------------------------------------------- */
struct figure {
	char group[32], runtime[24], metric[32], unit[12];
	double *v;
	size_t n, cap;
};
struct stats {
	size_t n;
	double median, p90, min, max, mean;
};

struct figure *fig(const char *group, const char *runtime, const char *metric,
		   const char *unit);
void fig_add(struct figure *f, double v);
void add(const char *group, const char *runtime, const char *metric,
	 const char *unit, double v);
struct figure *fig_find(const char *group, const char *runtime,
			const char *metric);
bool fig_stats(const struct figure *f, struct stats *s);
double fig_median(const char *group, const char *runtime, const char *metric);
struct figure **fig_all(size_t *n);

/* ---- series.c / vm.c ------------------------------------------------- */
void series_run(const char *group, const char *variant, int rounds);
void series_lifecycle(const char *variant);
void series_parallel(void);
void series_sizes(void);
void series_vm(void);
extern char *vm_skipped; /* why the VM series did not run, or NULL */
extern char *vm_note;    /* why hutch-vm is missing from it, or NULL */

/* ---- report.c / plot.c ----------------------------------------------- */
void report_table(void);
char *report_json(void); /* returns the path written */
void plot_write(const char *json_path);

#endif

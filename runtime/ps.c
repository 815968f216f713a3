/* hutch ps [--format table|json] ID [PS OPTIONS...]: the processes in the
 * container's cgroup.  json prints the pids as an array (runc's format);
 * table runs the host's ps(1) (default options -ef) and keeps its header
 * and the lines of the container's processes. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <string.h>
#include <sys/wait.h>

#include "cgroups/cgroups.h"
#include "runtime/runtime.h"

static bool has_pid(const pid_t *pids, size_t n, long pid)
{
	for (size_t i = 0; i < n; i++)
		if (pids[i] == pid)
			return true;
	return false;
}

/* the column of the header named PID */
static int pid_column(const char *header)
{
	_cleanup_free_ char *h = xstrdup(header);
	char *save = NULL;
	int col = 0;

	for (char *t = strtok_r(h, " \t\n", &save); t;
	     t = strtok_r(NULL, " \t\n", &save), col++)
		if (!strcmp(t, "PID"))
			return col;
	return -1;
}

static long field(const char *line, int col)
{
	_cleanup_free_ char *l = xstrdup(line);
	char *save = NULL, *t = strtok_r(l, " \t\n", &save);

	for (int i = 0; t && i < col; i++)
		t = strtok_r(NULL, " \t\n", &save);
	return t ? strtol(t, NULL, 10) : -1;
}

static int filter(FILE *in, const pid_t *pids, size_t n, struct herr *e)
{
	_cleanup_free_ char *line = NULL;
	size_t cap = 0;
	int col = -1;

	if (getline(&line, &cap, in) <= 0)
		return herr_set(e, 0, "ps printed nothing");
	col = pid_column(line);
	if (col < 0)
		return herr_set(e, 0, "ps output has no PID column (options "
				"must keep it)");
	fputs(line, stdout);
	while (getline(&line, &cap, in) > 0)
		if (has_pid(pids, n, field(line, col)))
			fputs(line, stdout);
	return 0;
}

static int table(char **ps_args, int nargs, const pid_t *pids, size_t n,
		 struct herr *e)
{
	_cleanup_fclose_ FILE *in = NULL;
	char *argv[nargs + 3];
	int p[2], st = 0, r;
	pid_t child;

	argv[0] = "ps";
	for (int i = 0; i < nargs; i++)
		argv[i + 1] = ps_args[i];
	if (!nargs)
		argv[++nargs] = "-ef";
	argv[nargs + 1] = NULL;
	if (pipe2(p, O_CLOEXEC) < 0)
		return herr_sys(e, "pipe");
	child = fork();
	if (child < 0)
		return herr_sys(e, "fork");
	if (child == 0) {
		dup2(p[1], 1);
		execvp("ps", argv);
		_exit(127);
	}
	close(p[1]);
	in = fdopen(p[0], "r");
	r = filter(in, pids, n, e);
	while (waitpid(child, &st, 0) < 0 && errno == EINTR)
		;
	if (r == 0 && (!WIFEXITED(st) || WEXITSTATUS(st)))
		return herr_set(e, 0, "ps %s failed", nargs ? argv[1] : "");
	return r;
}

static int ps(struct globals *g, const char *id, bool json, char **args,
	      int nargs, struct herr *e)
{
	_cleanup_container_ struct container *c = NULL;
	_cleanup_cgroup_ struct cgroup *cg = NULL;
	_cleanup_free_ pid_t *pids = NULL;
	size_t n = 0;

	if (container_load_live(g, id, &c, &cg, e) < 0 ||
	    cgroup_pids(cg, &pids, &n, e) < 0)
		return -1;
	container_unlock(c);
	if (!json)
		return table(args, nargs, pids, n, e);
	fputs("[", stdout);
	for (size_t i = 0; i < n; i++)
		printf("%s%d", i ? "," : "", (int)pids[i]);
	fputs("]\n", stdout);
	return 0;
}

static int cmd_ps(struct globals *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{"format", required_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	bool json = false;
	struct herr e;
	int c;

	while ((c = getopt_long(argc, argv, "+f:h", opts, NULL)) != -1) {
		if (c == 'h')
			return command_usage("ps", stdout), 0;
		if (c != 'f')
			return 1;
		if (strcmp(optarg, "json") && strcmp(optarg, "table")) {
			fprintf(stderr, "hutch ps: --format: `%s` is not table "
				"or json\n", optarg);
			return 1;
		}
		json = !strcmp(optarg, "json");
	}
	if (optind >= argc) {
		fprintf(stderr, "hutch ps: expected a container id\n");
		return 1;
	}
	if (json && optind + 1 < argc) {
		fprintf(stderr, "hutch ps: ps options do not go with "
			"--format json\n");
		return 1;
	}
	if (ps(g, argv[optind], json, argv + optind + 1, argc - optind - 1,
	       &e) < 0)
		return log_fail(&e);
	return 0;
}

HUTCH_COMMAND(ps, .name = "ps", .usage = "[--format table|json] ID [PS OPTIONS]",
	      .summary = "list the processes of a container",
	      .main = cmd_ps);

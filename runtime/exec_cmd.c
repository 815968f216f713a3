/* `hutch exec` flags (runc's). */
#include <getopt.h>
#include <string.h>

#include "runtime/runtime.h"

static void push(char ***arr, size_t *n, const char *v)
{
	*arr = xrealloc(*arr, (*n + 1) * sizeof(char *));
	(*arr)[(*n)++] = (char *)v;
}

/* --additional-gids 5,6 or repeated */
static int push_gids(struct exec_opts *x, const char *list)
{
	_cleanup_free_ char *dup = xstrdup(list);
	char *save, *tok;

	for (tok = strtok_r(dup, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		uint64_t g;
		if (parse_u64(tok, &g) < 0 || g > UINT32_MAX)
			return -1;
		x->gids = xrealloc(x->gids, (x->ngids + 1) * sizeof(uint32_t));
		x->gids[x->ngids++] = g;
	}
	return 0;
}

static int parse_exec(int argc, char **argv, struct exec_opts *x)
{
	enum { O_CONSOLE = 256, O_PIDFILE, O_CWD, O_GIDS, O_CAP, O_NNP,
	       O_PRESERVE, O_CGROUP, O_IGNORE_PAUSED, O_IGNORED };
	static const struct option opts[] = {
		{"process", required_argument, NULL, 'p'},
		{"tty", no_argument, NULL, 't'},
		{"console-socket", required_argument, NULL, O_CONSOLE},
		{"detach", no_argument, NULL, 'd'},
		{"pid-file", required_argument, NULL, O_PIDFILE},
		{"cwd", required_argument, NULL, O_CWD},
		{"env", required_argument, NULL, 'e'},
		{"user", required_argument, NULL, 'u'},
		{"additional-gids", required_argument, NULL, 'g'},
		{"cap", required_argument, NULL, 'c'},
		{"no-new-privs", no_argument, NULL, O_NNP},
		{"preserve-fds", required_argument, NULL, O_PRESERVE},
		{"cgroup", required_argument, NULL, O_CGROUP},
		{"ignore-paused", no_argument, NULL, O_IGNORE_PAUSED},
		{"apparmor", required_argument, NULL, O_IGNORED},
		{"process-label", required_argument, NULL, O_IGNORED},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	uint64_t n;
	int c;

	while ((c = getopt_long(argc, argv, "+p:tde:u:g:c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'p': x->process_file = optarg; break;
		case 't': x->tty = true; break;
		case O_CONSOLE: x->console_socket = optarg; break;
		case 'd': x->detach = true; break;
		case O_PIDFILE: x->pid_file = optarg; break;
		case O_CWD: x->cwd = optarg; break;
		case 'e': push(&x->env, &x->nenv, optarg); break;
		case 'u': x->user = optarg; break;
		case 'g':
			if (push_gids(x, optarg) < 0) {
				fprintf(stderr, "hutch exec: --additional-gids: "
					"`%s` is not a list of numbers\n", optarg);
				return 1;
			}
			break;
		case 'c': push(&x->caps, &x->ncaps, optarg); break;
		case O_NNP: x->no_new_privs = true; break;
		case O_PRESERVE:
			if (parse_u64(optarg, &n) < 0 || n > 4096) {
				fprintf(stderr, "hutch exec: --preserve-fds: not a "
					"count: `%s`\n", optarg);
				return 1;
			}
			x->preserve_fds = n;
			break;
		case O_CGROUP: x->cgroup = optarg; break;
		case O_IGNORE_PAUSED: x->ignore_paused = true; break;
		case O_IGNORED: break;
		case 'h': command_usage("exec", stdout); return 2;
		default: return 1;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "hutch exec: expected a container id\n");
		return 1;
	}
	x->id = argv[optind++];
	x->args = argv + optind;
	x->nargs = argc - optind;
	if (!x->process_file && !x->nargs) {
		fprintf(stderr, "hutch exec: give a command or --process FILE\n");
		return 1;
	}
	return 0;
}

static int cmd_exec(struct globals *g, int argc, char **argv)
{
	struct exec_opts x = {0};
	struct herr e;
	int code = 0, r;

	herr_clear(&e);
	r = parse_exec(argc, argv, &x);
	if (r)
		return r == 2 ? 0 : r;
	r = exec_run(g, &x, &code, &e);
	free(x.env);
	free(x.caps);
	free(x.gids);
	if (r < 0)
		return log_fail(&e);
	return code;
}

HUTCH_COMMAND(exec, .name = "exec",
	      .usage = "[--process FILE] [--tty] [--console-socket PATH] [--detach]\n"
		       "       [--pid-file FILE] [--cwd DIR] [--env K=V]... [--user UID[:GID]]\n"
		       "       [--additional-gids G,...] [--cap CAP]... [--no-new-privs]\n"
		       "       [--preserve-fds N] [--cgroup [CTRL:]PATH] [--ignore-paused]\n"
		       "       ID [COMMAND [ARG...]]",
	      .summary = "run a new process in a running container",
	      .main = cmd_exec);

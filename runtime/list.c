/* hutch list [--format table|json] [--quiet]: every container under
 * --root.  A broken state dir is listed with its error, never fatal. */
#include <getopt.h>
#include <pwd.h>
#include <string.h>

#include "runtime/runtime.h"

static void owner_name(uid_t uid, char *buf, size_t len)
{
	struct passwd *pw = getpwuid(uid);

	if (pw)
		snprintf(buf, len, "%s", pw->pw_name);
	else
		snprintf(buf, len, "#%u", (unsigned)uid);
}

static void json_entry(struct strbuf *b, struct container *c,
		       const char *status)
{
	char owner[64];

	owner_name(c->st.owner, owner, sizeof(owner));
	strbuf_puts(b, "{\"ociVersion\":");
	strbuf_json_string(b, c->st.oci_version ? c->st.oci_version : "");
	strbuf_puts(b, ",\"id\":");
	strbuf_json_string(b, c->id);
	strbuf_printf(b, ",\"pid\":%d,\"status\":",
		      strcmp(status, "stopped") ? (int)c->st.pid : 0);
	strbuf_json_string(b, status);
	strbuf_puts(b, ",\"bundle\":");
	strbuf_json_string(b, c->st.bundle);
	strbuf_puts(b, ",\"rootfs\":");
	strbuf_json_string(b, c->st.rootfs);
	strbuf_puts(b, ",\"created\":");
	strbuf_json_string(b, c->st.created);
	strbuf_puts(b, ",\"annotations\":{");
	for (size_t i = 0; i < c->st.nannotations; i++) {
		strbuf_puts(b, i ? "," : "");
		strbuf_json_string(b, c->st.annotations[i].key);
		strbuf_puts(b, ":");
		strbuf_json_string(b, c->st.annotations[i].value);
	}
	strbuf_puts(b, "},\"owner\":");
	strbuf_json_string(b, owner);
	strbuf_puts(b, "}");
}

static void table_row(struct container *c, const char *status)
{
	char owner[64];

	owner_name(c->st.owner, owner, sizeof(owner));
	printf("%-12s %-8d %-10s %-40s %-30s %s\n", c->id,
	       strcmp(status, "stopped") ? (int)c->st.pid : 0, status,
	       c->st.bundle ? c->st.bundle : "", c->st.created ? c->st.created : "",
	       owner);
}

static int list(struct globals *g, bool json, bool quiet)
{
	struct strbuf b = {0};
	char **ids;
	size_t n, shown = 0;
	struct herr e;

	if (container_list_ids(g->root, &ids, &n, &e) < 0)
		return log_fail(&e);
	if (!json && !quiet)
		printf("%-12s %-8s %-10s %-40s %-30s %s\n", "ID", "PID",
		       "STATUS", "BUNDLE", "CREATED", "OWNER");
	strbuf_puts(&b, "[");
	for (size_t i = 0; i < n; i++) {
		_cleanup_container_ struct container *c = NULL;
		const char *status;

		if (container_load(g->root, ids[i], &c, &e) < 0) {
			log_warn("list: %s", e.msg);
			if (quiet)
				printf("%s\n", ids[i]);
			else if (!json)
				printf("%-12s %-8d %-10s %s\n", ids[i], 0,
				       "broken", e.msg);
			free(ids[i]);
			continue;
		}
		status = cstatus_name(container_status(c));
		if (quiet)
			printf("%s\n", c->id);
		else if (json) {
			strbuf_puts(&b, shown++ ? "," : "");
			json_entry(&b, c, status);
		} else
			table_row(c, status);
		free(ids[i]);
	}
	free(ids);
	strbuf_puts(&b, "]");
	if (json && !quiet)
		printf("%s\n", b.buf);
	strbuf_free(&b);
	return 0;
}

static int cmd_list(struct globals *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{"format", required_argument, NULL, 'f'},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	bool json = false, quiet = false;
	int c;

	while ((c = getopt_long(argc, argv, "+f:qh", opts, NULL)) != -1) {
		if (c == 'f') {
			if (strcmp(optarg, "json") && strcmp(optarg, "table")) {
				fprintf(stderr, "hutch list: --format: `%s` is "
					"not table or json\n", optarg);
				return 1;
			}
			json = !strcmp(optarg, "json");
		} else if (c == 'q') {
			quiet = true;
		} else if (c == 'h') {
			return command_usage("list", stdout), 0;
		} else {
			return 1;
		}
	}
	return list(g, json, quiet);
}

HUTCH_COMMAND(list, .name = "list",
	      .usage = "[--format table|json] [--quiet]",
	      .summary = "list the containers under --root",
	      .main = cmd_list);

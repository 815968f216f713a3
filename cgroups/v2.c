/* cgroup v2 set-up: a controller's files only appear in a cgroup when its
 * parent lists it in cgroup.subtree_control. */
#include <errno.h>
#include <string.h>

#include "cgroups/internal.h"

/* Enable on fd (a parent on our path) every controller it has that its
 * children do not get yet, as runc does.  One write for all; if the kernel
 * refuses (a controller can be busy, e.g. cpu with realtime tasks), one at a
 * time, skipping the refused: a resource that needs one of them then fails
 * with an error naming the field. */
int cg_v2_enable_controllers(int fd, struct herr *e)
{
	_cleanup_free_ char *avail = NULL, *on = NULL;
	uint32_t missing;
	struct strbuf b = {0};
	struct herr e1;

	if (cg_read(fd, "cgroup.controllers", &avail, e) < 0 ||
	    cg_read(fd, "cgroup.subtree_control", &on, e) < 0)
		return -1;
	missing = cg_ctrl_mask(avail, " ") & ~cg_ctrl_mask(on, " ");
	if (!missing)
		return 0;
	for (int c = 0; c < CG__COUNT; c++)
		if (missing & CG_BIT(c))
			strbuf_printf(&b, "%s+%s", b.len ? " " : "",
				      cg_ctrl_name(c));
	if (cg_write(fd, "cgroup.subtree_control", b.buf, &e1) == 0) {
		strbuf_free(&b);
		return 0;
	}
	strbuf_free(&b);
	for (int c = 0; c < CG__COUNT; c++) {
		if (!(missing & CG_BIT(c)))
			continue;
		if (cg_writef(fd, "cgroup.subtree_control", &e1, "+%s",
			      cg_ctrl_name(c)) < 0)
			cg_debug("cgroup: cannot enable %s: %s",
				 cg_ctrl_name(c), e1.msg);
	}
	return 0;
}

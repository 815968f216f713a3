/* A newc cpio archive (the initramfs format) built in memory: the guest
 * init and /dev/console, so the kernel can open the console for PID 1. */
#include <string.h>

#include "vmm/vmm.h"

static void entry(struct strbuf *b, const char *name, unsigned mode,
		  unsigned rmaj, unsigned rmin, const void *data, size_t len)
{
	static unsigned ino = 1;
	size_t nlen = strlen(name) + 1;

	strbuf_printf(b, "070701%08X%08X%08X%08X%08X%08X%08zX%08X%08X%08X%08X%08zX%08X",
		      ino++, mode, 0, 0, 1, 0, len, 0, 0, rmaj, rmin, nlen, 0);
	strbuf_append(b, name, nlen);
	while (b->len % 4)
		strbuf_append(b, "", 1);
	if (len)
		strbuf_append(b, data, len);
	while (b->len % 4)
		strbuf_append(b, "", 1);
}

void *vmm_cpio(const struct vmm_file *files, size_t n, size_t *len)
{
	struct strbuf b = {0};

	entry(&b, "dev", 040755, 0, 0, NULL, 0);
	entry(&b, "dev/console", 020600, 5, 1, NULL, 0);
	for (size_t i = 0; i < n; i++)
		entry(&b, files[i].name, 0100755, 0, 0, files[i].data,
		      files[i].len);
	entry(&b, "TRAILER!!!", 0, 0, 0, NULL, 0);
	*len = b.len;
	return strbuf_steal(&b);
}

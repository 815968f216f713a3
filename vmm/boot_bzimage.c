/* A bzImage: the setup header is copied into the zero page, the protected
 * mode part goes to the address the kernel was built for, and the CPU
 * enters the 64-bit entry 0x200 bytes into it (boot protocol 2.12+). */
#include <asm/bootparam.h>
#include <string.h>

#include "vmm/priv.h"

int boot_bzimage_load(struct vm *vm, const void *img, size_t len,
		      struct boot_params *bp, uint64_t *entry, struct herr *e)
{
	const struct setup_header *h =
		(const void *)((const uint8_t *)img + 0x1f1);
	size_t hlen = 0x202 + ((const uint8_t *)img)[0x201] - 0x1f1;
	unsigned sects;
	uint64_t load, off;
	void *dst;

	if (len < 0x1f1 + sizeof(*h) || hlen > sizeof(*h))
		return herr_set(e, 0, "bzImage header truncated");
	if (h->version < 0x020c || !(h->xloadflags & XLF_KERNEL_64))
		return herr_set(e, 0, "bzImage has no 64-bit entry point (boot "
				"protocol %#x)", h->version);
	memcpy(&bp->hdr, h, hlen);
	sects = h->setup_sects ? h->setup_sects : 4;
	off = (uint64_t)(sects + 1) * 512;
	if (off >= len)
		return herr_set(e, 0, "bzImage has no protected-mode kernel");
	/* relocatable or not, the address it was built for always works */
	load = h->pref_address ? h->pref_address : 0x1000000;
	dst = vm_ptr(vm, load, len - off);
	if (!dst || !vm_ptr(vm, load, h->init_size))
		return herr_set(e, 0, "bzImage needs %u bytes at %#llx: give the "
				"guest more memory", h->init_size,
				(unsigned long long)load);
	memcpy(dst, (const uint8_t *)img + off, len - off);
	bp->hdr.code32_start = (uint32_t)load;
	bp->hdr.pref_address = load;
	*entry = load + 0x200;
	return 0;
}

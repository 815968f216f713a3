/* x86-64 Linux boot: the zero page (struct boot_params) with the e820 map,
 * the command line and the initrd, for the 64-bit entry point of either an
 * uncompressed vmlinux (ELF) or a bzImage.  Documentation/x86/boot.rst. */
#include <asm/bootparam.h>
#include <elf.h>
#include <string.h>

#include "vmm/priv.h"

#define E820_RAM 1
#define E820_RESERVED 2

static void e820_add(struct boot_params *bp, uint64_t addr, uint64_t size,
		     uint32_t type)
{
	struct boot_e820_entry *x = &bp->e820_table[bp->e820_entries++];

	x->addr = addr;
	x->size = size;
	x->type = type;
}

static void fill_e820(struct vm *vm, struct boot_params *bp)
{
	bp->e820_entries = 0;
	e820_add(bp, 0, BOOT_EBDA_START, E820_RAM);
	e820_add(bp, BOOT_EBDA_START, 0xa0000 - BOOT_EBDA_START, E820_RESERVED);
	e820_add(bp, 0xf0000, 0x10000, E820_RESERVED);
	e820_add(bp, 0x100000, vm->low_size - 0x100000, E820_RAM);
	if (vm->mem_size > vm->low_size)
		e820_add(bp, VM_MEM_HOLE_END, vm->mem_size - vm->low_size,
			 E820_RAM);
}

/* the initrd goes as high as the kernel allows in low RAM, page aligned,
 * above everything the kernel needs while it unpacks itself */
static int place_initrd(struct vm *vm, const struct vmm_config *c,
			struct boot_params *bp, uint64_t kernel_end,
			struct herr *e)
{
	uint64_t max = bp->hdr.initrd_addr_max ? bp->hdr.initrd_addr_max
					       : 0x37ffffff;
	uint64_t top = vm->low_size < max + 1 ? vm->low_size : max + 1;
	uint64_t addr;
	void *dst;

	if (!c->initrd_len)
		return 0;
	if (c->initrd_len > top)
		return herr_set(e, 0, "initrd of %zu bytes does not fit in "
				"guest memory", c->initrd_len);
	addr = (top - c->initrd_len) & ~0xfffull;
	if (addr < kernel_end)
		return herr_set(e, 0, "initrd of %zu bytes does not fit above "
				"the kernel: give the guest more memory",
				c->initrd_len);
	dst = vm_ptr(vm, addr, c->initrd_len);
	if (!dst)
		return herr_set(e, 0, "initrd outside guest memory");
	memcpy(dst, c->initrd, c->initrd_len);
	bp->hdr.ramdisk_image = (uint32_t)addr;
	bp->hdr.ramdisk_size = (uint32_t)c->initrd_len;
	return 0;
}

int boot_load(struct vm *vm, const struct vmm_config *c, const char *cmdline,
	      uint64_t *entry, struct herr *e)
{
	struct boot_params *bp = vm_ptr(vm, BOOT_ZERO_PAGE, sizeof(*bp));
	const uint8_t *k = c->kernel;
	size_t n = strlen(cmdline);
	char *dst = vm_ptr(vm, BOOT_CMDLINE, BOOT_CMDLINE_MAX);
	uint64_t kernel_end;
	int r;

	if (!bp || !dst || vm->low_size < 64 * MIB)
		return herr_set(e, 0, "guest memory too small (at least 64 MiB)");
	memset(bp, 0, sizeof(*bp));
	if (c->kernel_len >= SELFMAG && !memcmp(k, ELFMAG, SELFMAG))
		r = boot_elf_load(vm, k, c->kernel_len, bp, entry, e);
	else if (c->kernel_len > 0x206 && !memcmp(k + 0x202, "HdrS", 4))
		r = boot_bzimage_load(vm, k, c->kernel_len, bp, entry, e);
	else
		return herr_set(e, 0, "guest kernel: neither an ELF vmlinux nor "
				"a bzImage");
	if (r < 0)
		return herr_wrap(e, "guest kernel");
	kernel_end = bp->hdr.pref_address + (bp->hdr.init_size ? bp->hdr.init_size
							       : 64 * MIB);
	if (n >= BOOT_CMDLINE_MAX ||
	    (bp->hdr.cmdline_size && n > bp->hdr.cmdline_size))
		return herr_set(e, 0, "kernel command line too long (%zu bytes)", n);
	memcpy(dst, cmdline, n + 1);
	bp->hdr.cmd_line_ptr = BOOT_CMDLINE;
	bp->hdr.type_of_loader = 0xff;
	bp->hdr.loadflags |= LOADED_HIGH | KEEP_SEGMENTS;
	fill_e820(vm, bp);
	if (place_initrd(vm, c, bp, kernel_end, e) < 0)
		return -1;
	return mptable_write(vm, e);
}

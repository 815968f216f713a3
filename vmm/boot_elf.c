/* An uncompressed vmlinux: its PT_LOAD segments go to their physical
 * addresses and the CPU enters at e_entry (phys_startup_64) in long mode,
 * the zero page in rsi. */
#include <asm/bootparam.h>
#include <elf.h>
#include <string.h>

#include "vmm/priv.h"

int boot_elf_load(struct vm *vm, const void *img, size_t len,
		  struct boot_params *bp, uint64_t *entry, struct herr *e)
{
	const Elf64_Ehdr *eh = img;
	uint64_t lo = UINT64_MAX, hi = 0;

	if (len < sizeof(*eh) || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_machine != EM_X86_64)
		return herr_set(e, 0, "not a 64-bit x86 ELF file");
	if (eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phoff > len ||
	    (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr) > len - eh->e_phoff)
		return herr_set(e, 0, "ELF program headers out of the file");
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		const Elf64_Phdr *ph =
			(const Elf64_Phdr *)((const uint8_t *)img + eh->e_phoff) + i;
		uint8_t *dst;

		if (ph->p_type != PT_LOAD)
			continue;
		if (ph->p_filesz > ph->p_memsz || ph->p_offset > len ||
		    ph->p_filesz > len - ph->p_offset)
			return herr_set(e, 0, "ELF segment %u out of the file", i);
		dst = vm_ptr(vm, ph->p_paddr, ph->p_memsz);
		if (!dst || ph->p_paddr < 0x100000)
			return herr_set(e, 0, "ELF segment %u (%#llx, %llu bytes) "
					"outside guest memory", i,
					(unsigned long long)ph->p_paddr,
					(unsigned long long)ph->p_memsz);
		memcpy(dst, (const uint8_t *)img + ph->p_offset, ph->p_filesz);
		memset(dst + ph->p_filesz, 0, ph->p_memsz - ph->p_filesz);
		if (ph->p_paddr < lo)
			lo = ph->p_paddr;
		if (ph->p_paddr + ph->p_memsz > hi)
			hi = ph->p_paddr + ph->p_memsz;
	}
	if (hi == 0)
		return herr_set(e, 0, "ELF file has nothing to load");
	if (!vm_ptr(vm, eh->e_entry, 16))
		return herr_set(e, 0, "ELF entry %#llx outside guest memory",
				(unsigned long long)eh->e_entry);
	bp->hdr.boot_flag = 0xaa55;
	bp->hdr.header = 0x53726448; /* "HdrS" */
	bp->hdr.version = 0x020f;
	bp->hdr.kernel_alignment = 0x1000000;
	bp->hdr.pref_address = lo;
	/* the kernel's brk and early page tables live past its image */
	bp->hdr.init_size = (uint32_t)(hi - lo + 16 * MIB);
	*entry = eh->e_entry;
	return 0;
}

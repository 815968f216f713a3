/* An Intel MP table (MultiProcessor Specification 1.4): without ACPI it is
 * how the guest finds its CPUs, the IOAPIC and the ISA interrupt routing
 * (edge-triggered, active high: what our pulsed lines need). */
#include <string.h>

#include "vmm/priv.h"

#define APIC_DEFAULT 0xfee00000u
#define IOAPIC_DEFAULT 0xfec00000u
#define IOAPIC_PINS 24

struct __attribute__((packed)) mpf {
	char sig[4];
	uint32_t physptr;
	uint8_t length, specrev, checksum, feature[5];
};

struct __attribute__((packed)) mpc_table {
	char sig[4];
	uint16_t length;
	uint8_t spec, checksum;
	char oem[8], product[12];
	uint32_t oemptr;
	uint16_t oemsize, oemcount;
	uint32_t lapic, reserved;
};

struct __attribute__((packed)) mpc_cpu {
	uint8_t type, apicid, apicver, cpuflag;
	uint32_t cpufeature, featureflag, reserved[2];
};

struct __attribute__((packed)) mpc_bus {
	uint8_t type, busid;
	char bustype[6];
};

struct __attribute__((packed)) mpc_ioapic {
	uint8_t type, apicid, apicver, flags;
	uint32_t apicaddr;
};

struct __attribute__((packed)) mpc_intsrc {
	uint8_t type, irqtype;
	uint16_t irqflag;
	uint8_t srcbus, srcbusirq, dstapic, dstirq;
};

static uint8_t checksum(const void *p, size_t n)
{
	uint8_t s = 0;

	for (size_t i = 0; i < n; i++)
		s += ((const uint8_t *)p)[i];
	return (uint8_t)-s;
}

int mptable_write(struct vm *vm, struct herr *e)
{
	size_t size = sizeof(struct mpf) + sizeof(struct mpc_table) +
		      vm->nvcpus * sizeof(struct mpc_cpu) +
		      sizeof(struct mpc_bus) + sizeof(struct mpc_ioapic) +
		      (IOAPIC_PINS + 2) * sizeof(struct mpc_intsrc);
	uint8_t *base = vm_ptr(vm, BOOT_MPTABLE, size), *p;
	struct mpf *f = (struct mpf *)base;
	struct mpc_table *t;
	uint8_t ioapic_id = (uint8_t)vm->nvcpus;
	uint16_t count = 0;

	if (!base || size > 0xa0000 - BOOT_MPTABLE)
		return herr_set(e, 0, "MP table does not fit (%u vCPUs)", vm->nvcpus);
	memset(base, 0, size);
	t = (struct mpc_table *)(base + sizeof(*f));
	p = (uint8_t *)(t + 1);
	for (unsigned i = 0; i < vm->nvcpus; i++, count++) {
		struct mpc_cpu *c = (struct mpc_cpu *)p;
		*c = (struct mpc_cpu){.type = 0, .apicid = (uint8_t)i,
				      .apicver = 0x14,
				      .cpuflag = 1 | (i == 0 ? 2 : 0),
				      .cpufeature = 0x600,
				      .featureflag = 0x201};
		p += sizeof(*c);
	}
	*(struct mpc_bus *)p = (struct mpc_bus){.type = 1, .busid = 0,
						.bustype = "ISA   "};
	p += sizeof(struct mpc_bus), count++;
	*(struct mpc_ioapic *)p = (struct mpc_ioapic){
		.type = 2, .apicid = ioapic_id, .apicver = 0x11, .flags = 1,
		.apicaddr = IOAPIC_DEFAULT};
	p += sizeof(struct mpc_ioapic), count++;
	for (uint8_t i = 0; i < IOAPIC_PINS; i++, count++) {
		*(struct mpc_intsrc *)p = (struct mpc_intsrc){
			.type = 3, .irqtype = 0, .srcbus = 0, .srcbusirq = i,
			.dstapic = ioapic_id, .dstirq = i};
		p += sizeof(struct mpc_intsrc);
	}
	/* LINT0 ExtINT (the PIC), LINT1 NMI, on every CPU */
	*(struct mpc_intsrc *)p = (struct mpc_intsrc){
		.type = 4, .irqtype = 3, .dstapic = 0xff, .dstirq = 0};
	p += sizeof(struct mpc_intsrc), count++;
	*(struct mpc_intsrc *)p = (struct mpc_intsrc){
		.type = 4, .irqtype = 1, .dstapic = 0xff, .dstirq = 1};
	p += sizeof(struct mpc_intsrc), count++;

	memcpy(t->sig, "PCMP", 4);
	t->length = (uint16_t)(p - (uint8_t *)t);
	t->spec = 4;
	memcpy(t->oem, "HUTCH   ", 8);
	memcpy(t->product, "MICROVM     ", 12);
	t->oemcount = count;
	t->lapic = APIC_DEFAULT;
	t->checksum = checksum(t, t->length);

	memcpy(f->sig, "_MP_", 4);
	f->physptr = BOOT_MPTABLE + sizeof(*f);
	f->length = 1;
	f->specrev = 4;
	f->checksum = checksum(f, sizeof(*f));
	return 0;
}

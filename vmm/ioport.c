/* Port I/O the in-kernel devices do not take.  Unclaimed ports must answer
 * cheaply and plausibly: a guest polling a port that reads 0xff (the RTC's
 * update-in-progress bit, the i8042's full buffers) spins through tens of
 * thousands of exits at ~60 us each when nested (shared/notes). */
#include <string.h>
#include <time.h>

#include "vmm/priv.h"
#include "vmm/proto.h"

#define RTC_INDEX 0x70
#define RTC_DATA 0x71
#define I8042_DATA 0x60
#define I8042_CMD 0x64

static uint8_t bcd(int v)
{
	return (uint8_t)(((v / 10) << 4) | (v % 10));
}

/* CMOS RTC: the host's time in BCD, 24-hour mode, never updating */
static uint8_t rtc_read(uint8_t index)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	switch (index & 0x7f) {
	case 0x00: return bcd(tm.tm_sec);
	case 0x02: return bcd(tm.tm_min);
	case 0x04: return bcd(tm.tm_hour);
	case 0x06: return bcd(tm.tm_wday + 1);
	case 0x07: return bcd(tm.tm_mday);
	case 0x08: return bcd(tm.tm_mon + 1);
	case 0x09: return bcd(tm.tm_year % 100);
	case 0x32: return bcd(19 + tm.tm_year / 100);
	case 0x0a: return 0x26; /* divider set, update not in progress */
	case 0x0b: return 0x02; /* 24 hour, BCD */
	case 0x0d: return 0x80; /* battery good */
	default: return 0;
	}
}

static void marker(struct vm *vm, uint32_t v)
{
	if (v < sizeof(vm->marker_ns) / sizeof(vm->marker_ns[0]) &&
	    !vm->marker_ns[v])
		vm->marker_ns[v] = now_ns() - vm->t0;
}

void ioport_access(struct vm *vm, uint16_t port, void *data, unsigned size,
		   bool write)
{
	static uint8_t rtc_index;

	if (size == 1 && vm->serial && serial_access(vm->serial, port, data, write))
		return;
	switch (port) {
	case RTC_INDEX:
		if (write)
			rtc_index = *(uint8_t *)data;
		else
			*(uint8_t *)data = rtc_index;
		return;
	case RTC_DATA:
		if (!write)
			*(uint8_t *)data = rtc_read(rtc_index);
		return;
	case I8042_CMD:
		/* 0xfe pulses the CPU reset line: Linux's reboot=k */
		if (write && *(uint8_t *)data == 0xfe) {
			if (!vm->exited)
				vm_fail(vm, "the guest reset itself through the "
					"keyboard controller before its init "
					"reported an exit status");
			vm_stop(vm);
		} else if (!write) {
			*(uint8_t *)data = 0; /* no data, input buffer empty */
		}
		return;
	case I8042_DATA:
		if (!write)
			*(uint8_t *)data = 0;
		return;
	case PROTO_PORT_MARKER:
		if (write && size == 4)
			marker(vm, *(uint32_t *)data);
		else if (!write)
			memset(data, 0, size);
		return;
	}
	/* nothing here: reads float high, writes vanish (port 0x80 delays,
	 * probes of absent legacy devices) */
	if (!write)
		memset(data, 0xff, size);
}

/* COM1, an 8250/16550A with just enough behaviour for Linux's driver: the
 * kernel's console writes here.  Output goes to a log fd or into a ring
 * kept for error messages (the panic text when the guest dies).  No input:
 * the process's stdin travels over virtio. */
#include <string.h>

#include "vmm/priv.h"

#define COM1 0x3f8
#define RING 8192

struct serial {
	struct vm *vm;
	pthread_mutex_t lock;
	int log_fd;
	uint8_t ier, lcr, mcr, scr, dll, dlm, fcr;
	bool thre_pending;
	char ring[RING];
	size_t head; /* bytes written so far (ring index = head % RING) */
};

struct serial *serial_new(struct vm *vm, int log_fd)
{
	struct serial *s = xcalloc(1, sizeof(*s));

	s->vm = vm;
	s->log_fd = log_fd;
	s->dll = 12; /* 9600 baud */
	pthread_mutex_init(&s->lock, NULL);
	return s;
}

void serial_free(struct serial *s)
{
	if (!s)
		return;
	pthread_mutex_destroy(&s->lock);
	free(s);
}

static void out_byte(struct serial *s, uint8_t c)
{
	s->ring[s->head++ % RING] = (char)c;
	if (s->log_fd >= 0 && write(s->log_fd, &c, 1) < 0)
		s->log_fd = -1; /* the log went away: keep the ring only */
}

static uint8_t read_reg(struct serial *s, unsigned off)
{
	bool dlab = s->lcr & 0x80;
	uint8_t fifo = (s->fcr & 1) ? 0xc0 : 0;

	switch (off) {
	case 0: return dlab ? s->dll : 0;
	case 1: return dlab ? s->dlm : s->ier;
	case 2:
		if (s->thre_pending && (s->ier & 0x02)) {
			s->thre_pending = false;
			return fifo | 0x02;
		}
		return fifo | 0x01;
	case 3: return s->lcr;
	case 4: return s->mcr;
	case 5: return 0x60; /* THR empty, transmitter empty */
	case 6:
		if (s->mcr & 0x10) /* loopback: the modem lines follow MCR */
			return (uint8_t)(((s->mcr & 0x01) << 5) |
					 ((s->mcr & 0x02) << 3) |
					 ((s->mcr & 0x0c) << 4));
		return 0xb0; /* DCD, DSR, CTS */
	default: return s->scr;
	}
}

static void write_reg(struct serial *s, unsigned off, uint8_t v)
{
	bool dlab = s->lcr & 0x80;

	switch (off) {
	case 0:
		if (dlab) {
			s->dll = v;
			return;
		}
		out_byte(s, v);
		if (s->ier & 0x02) {
			s->thre_pending = true;
			vm_irq_pulse(s->vm, SERIAL_IRQ);
		}
		return;
	case 1:
		if (dlab) {
			s->dlm = v;
			return;
		}
		if ((v & 0x02) && !(s->ier & 0x02)) {
			s->thre_pending = true;
			vm_irq_pulse(s->vm, SERIAL_IRQ);
		}
		s->ier = v & 0x0f;
		return;
	case 2: s->fcr = v; return;
	case 3: s->lcr = v; return;
	case 4: s->mcr = v & 0x1f; return;
	case 7: s->scr = v; return;
	default: return;
	}
}

bool serial_access(struct serial *s, uint16_t port, void *data, bool write)
{
	if (port < COM1 || port > COM1 + 7)
		return false;
	pthread_mutex_lock(&s->lock);
	if (write)
		write_reg(s, port - COM1, *(uint8_t *)data);
	else
		*(uint8_t *)data = read_reg(s, port - COM1);
	pthread_mutex_unlock(&s->lock);
	return true;
}

void serial_tail(struct serial *s, char *buf, size_t len, unsigned lines)
{
	size_t n = s->head < RING ? s->head : RING, start, o = 0;
	unsigned seen = 0;

	pthread_mutex_lock(&s->lock);
	/* walk back over `lines` newlines (a trailing one does not count) */
	start = n;
	while (start > 0) {
		char c = s->ring[(s->head - n + start - 1) % RING];
		if (c == '\n' && start != n && ++seen == lines)
			break;
		start--;
	}
	for (size_t i = start; i < n && o + 1 < len; i++) {
		char c = s->ring[(s->head - n + i) % RING];
		if (c != '\r')
			buf[o++] = c;
	}
	buf[o] = 0;
	pthread_mutex_unlock(&s->lock);
}

/* the line of the guest's console that holds `what` (the last one), if the
 * ring still has it */
bool serial_find_line(struct serial *s, const char *what, char *buf, size_t len)
{
	size_t n = s->head < RING ? s->head : RING;
	_cleanup_free_ char *flat = xmalloc(n + 1);
	char *hit = NULL, *p, *end;
	bool found = false;

	pthread_mutex_lock(&s->lock);
	for (size_t i = 0; i < n; i++)
		flat[i] = s->ring[(s->head - n + i) % RING];
	pthread_mutex_unlock(&s->lock);
	flat[n] = 0;
	for (p = flat; (p = strstr(p, what)); p++)
		hit = p;
	if (hit && len) {
		end = strchr(hit, '\n');
		if (end)
			*end = 0;
		snprintf(buf, len, "%s", hit);
		if ((end = strchr(buf, '\r')))
			*end = 0;
		found = true;
	}
	return found;
}

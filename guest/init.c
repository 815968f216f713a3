/* hutch's guest init: PID 1 inside the sandbox VM (static, no libraries of
 * ours).  It says hello to the VMM over hvc0 (frames of vmm/proto.h), gets
 * the process description, mounts the shared root (9p, tag `root`) and the
 * kernel filesystems the process expects, starts the process with its
 * args/env/cwd/user/rlimits, relays its stdio, forwards the signals the VMM
 * sends, reports its wait status and resets the machine (reboot=t: the VMM
 * sees the triple fault as the end).  Port 0x4f0 takes boot-timer markers. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "guest/guest.h"

int chan = -1;
struct winsize tty_size;

void marker(uint32_t v)
{
	outl(v, PROTO_PORT_MARKER);
}

int write_all(int fd, const void *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p = (const char *)p + w;
		n -= (size_t)w;
	}
	return 0;
}

void send_frame(uint8_t type, uint8_t stream, const void *p, uint32_t n)
{
	send_frame_s(type, stream, 0, p, n);
}

void send_frame_s(uint8_t type, uint8_t stream, uint16_t session,
		  const void *p, uint32_t n)
{
	struct proto_hdr h = {.type = type, .stream = stream,
			      .session = session, .len = n};

	if (write_all(chan, &h, sizeof(h)) < 0 || (n && write_all(chan, p, n) < 0))
		dprintf(2, "init: the channel to the VMM failed: %m\n");
}

void power_off(void)
{
	sync();
	reboot(RB_AUTOBOOT);
	for (;;)
		pause();
}

/* before the process runs: tell the VMM why, exit status 127 */
void die(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	uint32_t status = 127 << 8;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if ((size_t)n >= sizeof(msg))
		n = sizeof(msg) - 1;
	dprintf(2, "init: %s\n", msg);
	if (chan >= 0) {
		send_frame(PROTO_ERROR, 0, msg, (uint32_t)n);
		send_frame(PROTO_EXIT, 0, &status, 4);
		tcdrain(chan);
	}
	power_off();
}

int read_full(int fd, void *p, size_t n)
{
	while (n) {
		ssize_t r = read(fd, p, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p = (char *)p + r;
		n -= (size_t)r;
	}
	return 0;
}

void open_channel(void)
{
	struct termios t;

	mkdir("/dev", 0755);
	if (mount("devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755") < 0 &&
	    errno != EBUSY)
		dprintf(2, "init: mount /dev: %m\n");
	chan = open("/dev/hvc0", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (chan < 0) {
		dprintf(2, "init: /dev/hvc0: %m (no virtio console?)\n");
		power_off();
	}
	/* a byte pipe, not a terminal: no echo, no CR/LF games, no signals */
	if (tcgetattr(chan, &t) == 0) {
		cfmakeraw(&t);
		tcsetattr(chan, TCSANOW, &t);
	}
}

/* signals whose default action does not end a process */
static int harmless(uint32_t sig)
{
	return sig == SIGCHLD || sig == SIGWINCH || sig == SIGURG ||
	       sig == SIGCONT || sig == 0;
}

/* READY, then wait for START: the created state of the container.  A
 * signal meanwhile (`hutch kill` of a created container) ends the guest
 * with that signal's status, as it ends runc's waiting init. */
static void wait_start(void)
{
	static char payload[PROTO_MAX];
	struct proto_hdr h;
	uint32_t sig;

	marker(PROTO_MARKER_READY);
	send_frame(PROTO_READY, 0, NULL, 0);
	for (;;) {
		if (read_full(chan, &h, sizeof(h)) < 0 || h.len > PROTO_MAX ||
		    read_full(chan, payload, h.len) < 0)
			die("the channel closed before START");
		if (h.type == PROTO_START)
			return;
		if (h.type == PROTO_RESIZE && h.len >= 4) {
			memcpy(&tty_size.ws_row, payload, 2);
			memcpy(&tty_size.ws_col, payload + 2, 2);
		}
		if (h.type != PROTO_SIGNAL || h.len < 4)
			continue;
		memcpy(&sig, payload, 4);
		if (harmless(sig))
			continue;
		sig &= 0x7f;
		send_frame(PROTO_EXIT, 0, &sig, 4);
		tcdrain(chan);
		power_off();
	}
}

int main(void)
{
	static struct config cfg;
	static char payload[PROTO_MAX + 1];
	struct proto_hdr h;

	if (ioperm(PROTO_PORT_MARKER, 4, 1) == 0)
		marker(PROTO_MARKER_INIT);
	open_channel();
	send_frame(PROTO_HELLO, 0, NULL, 0);
	if (read_full(chan, &h, sizeof(h)) < 0 || h.type != PROTO_CONFIG ||
	    h.len > PROTO_MAX || read_full(chan, payload, h.len) < 0)
		die("no configuration from the VMM");
	payload[h.len] = 0;
	parse_config(&cfg, payload, h.len);
	setup_root(&cfg);
	wait_start();
	return relay(&cfg);
}

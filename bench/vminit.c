/* vminit: PID 1 of the QEMU peer in the VM series (bench/vm.c), static.
 * It writes the boot-timer markers the way hutch's guest init does (port
 * 0x4f0, here an isa-debugcon the bench reads): 1 when init starts, 2 when
 * a "workload" (this program again, fork + execve) starts; then it resets
 * the machine (reboot=t, QEMU runs with -no-reboot and exits). */
#include <stdio.h>
#include <string.h>
#include <sys/io.h>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <unistd.h>

#define MARKER_PORT 0x4f0

int main(int argc, char **argv)
{
	pid_t pid;

	if (ioperm(MARKER_PORT, 1, 1) < 0)
		perror("vminit: ioperm");
	if (argc > 1 && !strcmp(argv[1], "workload")) {
		outb(2, MARKER_PORT);
		return 0;
	}
	outb(1, MARKER_PORT);
	pid = fork();
	if (pid == 0) {
		execv("/init", (char *[]){"/init", "workload", NULL});
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
	reboot(RB_AUTOBOOT);
	return 0;
}

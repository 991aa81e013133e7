/*
 * guest-exit STATUS: hand STATUS to qemu through the isa-debug-exit device (I/O port 0xf4),
 * so the host sees how the guest's test run ended (qemu exits with (STATUS << 1) | 1).
 * Static, for the qemu guests' initramfs; falls back to a forced power-off.
 */
#include <stdlib.h>
#include <sys/io.h>
#include <sys/reboot.h>
#include <unistd.h>

#define DEBUG_EXIT_PORT 0xf4

int main(int argc, char **argv)
{
	int status = argc > 1 ? atoi(argv[1]) : 0;

	sync();
	if (ioperm(DEBUG_EXIT_PORT, 4, 1) == 0)
		outb((unsigned char)status, DEBUG_EXIT_PORT);
	/* No debug-exit device: power off, the host then reads the RESULT lines only. */
	reboot(RB_POWER_OFF);
	return 1;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Helper for hv_modules.sh: create a VM, print "ready", and keep it open
 * until stdin reaches end of file or the process is killed.
 */
#include <stdio.h>
#include <string.h>

#include "hv_test_util.h"

int main(void)
{
	char buf[64];
	int dev, vm;

	dev = hv_open_dev();
	if (dev < 0) {
		perror(hv_dev_path());
		return 1;
	}
	vm = hv_ioctl(dev, HV_CREATE_VM, 0);
	if (vm < 0) {
		fprintf(stderr, "HV_CREATE_VM: %s\n", strerror(-vm));
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	while (read(STDIN_FILENO, buf, sizeof(buf)) > 0)
		;
	return 0;
}

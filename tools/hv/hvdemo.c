// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvdemo: what "make run" shows inside the test host.  It talks to /dev/hv
 * the way a VMM starts: API version, vCPU mmap size, capabilities, a VM.
 * It grows with hv: once vCPUs exist it runs a guest and prints its output.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/hv.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static const struct {
	const char *name;
	unsigned long cap;
} caps[] = {
	{ "USER_MEMORY", HV_CAP_USER_MEMORY },
	{ "IMMEDIATE_EXIT", HV_CAP_IMMEDIATE_EXIT },
	{ "NR_VCPUS", HV_CAP_NR_VCPUS },
	{ "MAX_VCPUS", HV_CAP_MAX_VCPUS },
	{ "NR_MEMSLOTS", HV_CAP_NR_MEMSLOTS },
	{ "CHECK_EXTENSION_VM", HV_CAP_CHECK_EXTENSION_VM },
	{ "IRQCHIP", HV_CAP_IRQCHIP },
	{ "READONLY_MEM", HV_CAP_READONLY_MEM },
};

int main(void)
{
	unsigned int i;
	int dev, vm;

	dev = open("/dev/hv", O_RDWR | O_CLOEXEC);
	if (dev < 0) {
		perror("hvdemo: /dev/hv");
		return 1;
	}
	printf("hvdemo: API version %d\n", ioctl(dev, HV_GET_API_VERSION, 0));
	printf("hvdemo: vCPU mmap size %d bytes\n",
	       ioctl(dev, HV_GET_VCPU_MMAP_SIZE, 0));
	for (i = 0; i < ARRAY_SIZE(caps); i++)
		printf("hvdemo: CHECK_EXTENSION(%s) = %d\n", caps[i].name,
		       ioctl(dev, HV_CHECK_EXTENSION, caps[i].cap));

	vm = ioctl(dev, HV_CREATE_VM, 0);
	if (vm < 0) {
		printf("hvdemo: CREATE_VM: %s\n", strerror(errno));
		return 1;
	}
	printf("hvdemo: created VM fd %d\n", vm);
	if (ioctl(dev, HV_CHECK_EXTENSION, HV_CAP_USER_MEMORY) <= 0)
		printf("hvdemo: this hv has no vCPUs or memory slots yet, so no guest runs\n");
	close(vm);
	close(dev);
	return 0;
}

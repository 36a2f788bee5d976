// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvdemo: what "make run" shows inside the test host.  It talks to /dev/hv
 * the way a VMM does: API version, capabilities, a VM with one memory
 * slot and one vCPU, then it runs a tiny real-mode guest that prints a
 * line through port 0x3f8, one OUT per character, and halts.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/hv.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define GUEST_MEM	0x10000
#define GUEST_CODE	0x1000
#define GUEST_PORT	0x3f8

/* 16-bit code at GUEST_CODE; the message follows it. */
static const unsigned char guest_code[] = {
	0xbe, 0x0f, 0x10,	/* mov  si, msg (0x100f) */
	0xac,			/* 1: lodsb */
	0x84, 0xc0,		/* test al, al */
	0x74, 0x06,		/* jz   2f */
	0xba, 0xf8, 0x03,	/* mov  dx, 0x3f8 */
	0xee,			/* out  dx, al */
	0xeb, 0xf5,		/* jmp  1b */
	0xf4,			/* 2: hlt */
};

static const char guest_msg[] = "Hello from a real-mode guest running on hv!\n";

static const struct {
	const char *name;
	unsigned long cap;
} caps[] = {
	{ "USER_MEMORY", HV_CAP_USER_MEMORY },
	{ "IMMEDIATE_EXIT", HV_CAP_IMMEDIATE_EXIT },
	{ "NR_VCPUS", HV_CAP_NR_VCPUS },
	{ "NR_MEMSLOTS", HV_CAP_NR_MEMSLOTS },
	{ "READONLY_MEM", HV_CAP_READONLY_MEM },
	{ "IRQCHIP", HV_CAP_IRQCHIP },
};

/* hv's counters for this VM's vCPU 0, when debugfs is mounted. */
static void print_stats(int vm)
{
	char path[64], line[128];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/debug/hv/%d-%d/vcpu0",
		 getpid(), vm);
	f = fopen(path, "r");
	if (!f)
		return;
	printf("hvdemo: %s:\n", path);
	while (fgets(line, sizeof(line), f))
		printf("hvdemo:   %s", line);
	fclose(f);
}

static void die(const char *what)
{
	fprintf(stderr, "hvdemo: %s: %s\n", what, strerror(errno));
	exit(1);
}

int main(void)
{
	struct hv_userspace_memory_region region = { 0 };
	unsigned long exits = 0;
	struct hv_sregs sregs;
	struct hv_regs regs;
	struct hv_run *run;
	int dev, vm, vcpu;
	unsigned int i;
	char *mem;
	long size;

	dev = open("/dev/hv", O_RDWR | O_CLOEXEC);
	if (dev < 0)
		die("/dev/hv");
	printf("hvdemo: API version %d\n", ioctl(dev, HV_GET_API_VERSION, 0));
	for (i = 0; i < ARRAY_SIZE(caps); i++)
		printf("hvdemo: CHECK_EXTENSION(%s) = %d\n", caps[i].name,
		       ioctl(dev, HV_CHECK_EXTENSION, caps[i].cap));

	vm = ioctl(dev, HV_CREATE_VM, 0);
	if (vm < 0)
		die("HV_CREATE_VM");
	mem = mmap(NULL, GUEST_MEM, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		die("mmap");
	memcpy(mem + GUEST_CODE, guest_code, sizeof(guest_code));
	memcpy(mem + GUEST_CODE + sizeof(guest_code), guest_msg,
	       sizeof(guest_msg));
	region.memory_size = GUEST_MEM;
	region.userspace_addr = (unsigned long)mem;
	if (ioctl(vm, HV_SET_USER_MEMORY_REGION, &region))
		die("HV_SET_USER_MEMORY_REGION");

	vcpu = ioctl(vm, HV_CREATE_VCPU, 0);
	if (vcpu < 0)
		die("HV_CREATE_VCPU");
	size = ioctl(dev, HV_GET_VCPU_MMAP_SIZE, 0);
	run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		die("mmap vcpu");

	if (ioctl(vcpu, HV_GET_SREGS, &sregs))
		die("HV_GET_SREGS");
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	sregs.ds.base = 0;
	sregs.ds.selector = 0;
	if (ioctl(vcpu, HV_SET_SREGS, &sregs))
		die("HV_SET_SREGS");
	memset(&regs, 0, sizeof(regs));
	regs.rip = GUEST_CODE;
	regs.rflags = 0x2;
	if (ioctl(vcpu, HV_SET_REGS, &regs))
		die("HV_SET_REGS");

	printf("hvdemo: running the guest; its output follows\n");
	for (;;) {
		if (ioctl(vcpu, HV_RUN, 0))
			die("HV_RUN");
		exits++;
		if (run->exit_reason == HV_EXIT_IO &&
		    run->io.direction == HV_EXIT_IO_OUT &&
		    run->io.port == GUEST_PORT) {
			fwrite((char *)run + run->io.data_offset, run->io.size,
			       run->io.count, stdout);
			continue;
		}
		if (run->exit_reason == HV_EXIT_HLT)
			break;
		fprintf(stderr, "hvdemo: unexpected exit reason %u\n",
			run->exit_reason);
		return 1;
	}
	printf("hvdemo: the guest halted after %lu exits to userspace\n",
	       exits);
	print_stats(vm);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * errno_battery: bad inputs to every ioctl, and a check that GET ioctls
 * write every byte of their output.  It prints one line per case,
 *
 *	<case>: <result>
 *
 * where <result> is the return value, or the errno name of a failure, so
 * that the same program run against /dev/hv and against Linux's /dev/kvm
 * in one test host boot gives two files that must be equal except for
 * differences listed with their reasons (tools/testing/robust/run.sh).
 *
 * The inputs follow /work/shared/docs/robustness.md, section 3.  For
 * GET ioctls the output buffer is filled with 0x00 and with 0xa5 before
 * two calls; a byte still 0x00 and 0xa5 afterwards was not written by
 * the kernel (padding or reserved bytes left as the caller had them):
 * the case prints how many such bytes there are.
 *
 *	errno_battery [--dev /dev/hv]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdbool.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/hv.h>

#define PAGE		4096UL
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static const char *dev = "/dev/hv";
static int sys_fd;

static void result(const char *name, long r, int err)
{
	if (r < 0)
		printf("%s: %s\n", name, strerrorname_np(err) ?: "E?");
	else
		printf("%s: %ld\n", name, r);
	fflush(stdout);
}

/* Run an ioctl and print its result under @name. */
#define T(name, fd, req, arg) do {					\
		long __r = ioctl((fd), (req), (arg));			\
		result((name), __r, errno);				\
	} while (0)

static int xioctl(int fd, unsigned long req, unsigned long arg)
{
	int r = ioctl(fd, req, arg);

	if (r < 0) {
		fprintf(stderr, "errno_battery: ioctl %#lx: %s\n", req,
			strerror(errno));
		exit(2);
	}
	return r;
}

static int new_vm(void)
{
	return xioctl(sys_fd, HV_CREATE_VM, 0);
}

static void *guest_mem(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED) {
		perror("errno_battery: mmap");
		exit(2);
	}
	return p;
}

static long set_mem(int vm, unsigned int slot, unsigned int flags, __u64 gpa,
		    __u64 size, __u64 hva)
{
	struct hv_userspace_memory_region r = {
		.slot = slot, .flags = flags, .guest_phys_addr = gpa,
		.memory_size = size, .userspace_addr = hva,
	};

	return ioctl(vm, HV_SET_USER_MEMORY_REGION, &r);
}

#define M(name, vm, slot, flags, gpa, size, hva) do {			\
		long __r = set_mem((vm), (slot), (flags), (gpa), (size),\
				   (hva));				\
		result((name), __r, errno);				\
	} while (0)

/* ------------------------------------------------------------------ */

static void system_cases(void)
{
	struct {
		struct hv_msr_list l;
		__u32 idx[1024];
	} ml;
	struct hv_cpuid2 *c;
	int vm;

	T("sys.api_version", sys_fd, HV_GET_API_VERSION, 0);
	T("sys.api_version.arg1", sys_fd, HV_GET_API_VERSION, 1);
	T("sys.vcpu_mmap_size.arg1", sys_fd, HV_GET_VCPU_MMAP_SIZE, 1);
	T("sys.create_vm.type_dead", sys_fd, HV_CREATE_VM, 0xdead);
	T("sys.unknown_ioctl", sys_fd, _IO(HVIO, 0xfe), 0);
	T("sys.foreign_ioctl", sys_fd, _IO('X', 1), 0);
	T("sys.check_extension.huge", sys_fd, HV_CHECK_EXTENSION, 0x7fffffff);

	ml.l.nmsrs = 0;
	T("sys.msr_index_list.nmsrs0", sys_fd, HV_GET_MSR_INDEX_LIST, &ml);
	printf("sys.msr_index_list.nmsrs0.rewritten: %d\n", ml.l.nmsrs > 0);
	ml.l.nmsrs = 1024;
	T("sys.msr_index_list.big", sys_fd, HV_GET_MSR_INDEX_LIST, &ml);

	c = calloc(1, sizeof(*c) + 256 * sizeof(c->entries[0]));
	c->nent = 0;
	T("sys.supported_cpuid.nent0", sys_fd, HV_GET_SUPPORTED_CPUID, c);
	c->nent = 1;
	T("sys.supported_cpuid.nent1", sys_fd, HV_GET_SUPPORTED_CPUID, c);
	c->nent = 256;
	T("sys.supported_cpuid.nent256", sys_fd, HV_GET_SUPPORTED_CPUID, c);
	c->nent = 0x7fffffff;	/* clamped to the maximum, as KVM */
	T("sys.supported_cpuid.nent_huge", sys_fd, HV_GET_SUPPORTED_CPUID, c);
	free(c);

	vm = new_vm();
	close(vm);
}

static void memslot_cases(void)
{
	int vm = new_vm();
	char *mem = guest_mem(4 * PAGE);
	__u64 hva = (unsigned long)mem;

	M("mem.size_unaligned", vm, 0, 0, 0, PAGE + 1, hva);
	M("mem.gpa_unaligned", vm, 0, 0, 1, PAGE, hva);
	M("mem.hva_unaligned", vm, 0, 0, 0, PAGE, hva + 1);
	M("mem.hva_kernel", vm, 0, 0, 0, PAGE, 0xffff888000000000ULL);
	/* Non-canonical with 4- and 5-level paging alike. */
	M("mem.hva_noncanonical", vm, 0, 0, 0, PAGE, 0x0100000000000000ULL);
	M("mem.slot_32767", vm, 32767, 0, 0, PAGE, hva);
	M("mem.slot_as1", vm, 1 | (1 << 16), 0, 0, PAGE, hva);
	set_mem(vm, 1 | (1 << 16), 0, 0, 0, hva);	/* delete it again */
	M("mem.slot_as2", vm, 1 | (2 << 16), 0, 0, PAGE, hva);
	M("mem.gpa_wrap", vm, 0, 0, 0xfffffffffffff000ULL, 2 * PAGE, hva);
	M("mem.npages_2e31", vm, 0, 0, 0, (1ULL << 31) * PAGE, hva);
	M("mem.flag_unknown", vm, 0, 1u << 31, 0, PAGE, hva);
	M("mem.flag_4", vm, 0, 4, 0, PAGE, hva);
	M("mem.delete_empty", vm, 3, 0, 0, 0, hva);
	M("mem.unmapped_hva", vm, 4, 0, 0x100000, PAGE, 0x10000000ULL);
	set_mem(vm, 4, 0, 0x100000, 0, 0x10000000ULL);
	M("mem.add", vm, 0, 0, 0, 2 * PAGE, hva);
	M("mem.readd_identical", vm, 0, 0, 0, 2 * PAGE, hva);
	M("mem.overlap", vm, 1, 0, PAGE, PAGE, hva);
	M("mem.change_hva", vm, 0, 0, 0, 2 * PAGE, hva + 2 * PAGE);
	M("mem.change_size", vm, 0, 0, 0, PAGE, hva);
	M("mem.toggle_readonly", vm, 0, HV_MEM_READONLY, 0, 2 * PAGE, hva);
	M("mem.move", vm, 0, 0, 8 * PAGE, 2 * PAGE, hva);
	M("mem.delete", vm, 0, 0, 0, 0, hva);
	close(vm);
	munmap(mem, 4 * PAGE);
}

static void vm_cases(void)
{
	struct hv_enable_cap cap = { .cap = 0x7fffffff };
	struct hv_create_device cd = { .type = 0xff };
	struct hv_irq_routing *rt;
	struct hv_irq_level irq = { .irq = 4, .level = 1 };
	struct hv_msi msi = { .address_lo = 0xfee00000, .data = 0x30 };
	struct hv_irqchip chip = { .chip_id = 0 };
	struct hv_pit_config pit = { .flags = 0 };
	struct hv_clock_data clk = { 0 };
	long max_id;
	int vm = new_vm(), vcpu;

	T("vm.unknown_ioctl", vm, _IO(HVIO, 0xfe), 0);
	T("vm.foreign_ioctl", vm, _IO('X', 1), 0);
	T("vm.enable_cap.unknown", vm, HV_ENABLE_CAP, &cap);
	cap.cap = HV_CAP_MAX_VCPU_ID;
	cap.flags = 1;
	T("vm.enable_cap.flags", vm, HV_ENABLE_CAP, &cap);
	T("vm.create_device.type_ff", vm, HV_CREATE_DEVICE, &cd);

	/* Interrupt ioctls before HV_CREATE_IRQCHIP. */
	T("vm.irq_line.no_irqchip", vm, HV_IRQ_LINE, &irq);
	T("vm.signal_msi.no_irqchip", vm, HV_SIGNAL_MSI, &msi);
	T("vm.get_irqchip.no_irqchip", vm, HV_GET_IRQCHIP, &chip);
	rt = calloc(1, sizeof(*rt) + 2 * sizeof(rt->entries[0]));
	T("vm.gsi_routing.no_irqchip", vm, HV_SET_GSI_ROUTING, rt);
	T("vm.get_clock", vm, HV_GET_CLOCK, &clk);
	clk.flags = 0x80000000;
	T("vm.set_clock.bad_flags", vm, HV_SET_CLOCK, &clk);

	T("vm.create_irqchip", vm, HV_CREATE_IRQCHIP, 0);
	T("vm.create_irqchip.again", vm, HV_CREATE_IRQCHIP, 0);
	chip.chip_id = 3;
	T("vm.get_irqchip.bad_id", vm, HV_GET_IRQCHIP, &chip);
	T("vm.set_irqchip.bad_id", vm, HV_SET_IRQCHIP, &chip);
	rt->nr = 0x7fffffff;
	T("vm.gsi_routing.nr_huge", vm, HV_SET_GSI_ROUTING, rt);
	rt->nr = 1;
	rt->flags = 1;
	T("vm.gsi_routing.flags", vm, HV_SET_GSI_ROUTING, rt);
	rt->flags = 0;
	rt->entries[0].gsi = 1;
	rt->entries[0].type = 0x55;
	T("vm.gsi_routing.bad_type", vm, HV_SET_GSI_ROUTING, rt);
	rt->entries[0].type = HV_IRQ_ROUTING_IRQCHIP;
	rt->entries[0].u.irqchip.irqchip = 7;
	T("vm.gsi_routing.bad_chip", vm, HV_SET_GSI_ROUTING, rt);
	rt->entries[0].u.irqchip.irqchip = HV_IRQCHIP_PIC_MASTER;
	rt->entries[0].u.irqchip.pin = 8;
	T("vm.gsi_routing.bad_pin", vm, HV_SET_GSI_ROUTING, rt);
	rt->entries[0].gsi = 0x7fffffff;
	rt->entries[0].u.irqchip.pin = 1;
	T("vm.gsi_routing.bad_gsi", vm, HV_SET_GSI_ROUTING, rt);
	free(rt);
	msi.flags = 0x80;
	T("vm.signal_msi.bad_flags", vm, HV_SIGNAL_MSI, &msi);
	pit.flags = 0x80;
	T("vm.create_pit2.bad_flags", vm, HV_CREATE_PIT2, &pit);
	pit.flags = HV_PIT_SPEAKER_DUMMY;
	T("vm.create_pit2", vm, HV_CREATE_PIT2, &pit);
	T("vm.create_pit2.again", vm, HV_CREATE_PIT2, &pit);

	max_id = ioctl(vm, HV_CHECK_EXTENSION, HV_CAP_MAX_VCPU_ID);
	T("vm.create_vcpu.max_id", vm, HV_CREATE_VCPU, max_id);
	vcpu = ioctl(vm, HV_CREATE_VCPU, 0);
	result("vm.create_vcpu.0", vcpu < 0 ? -1 : 0, errno);
	T("vm.create_vcpu.dup", vm, HV_CREATE_VCPU, 0);
	T("vm.create_irqchip.after_vcpu", vm, HV_CREATE_IRQCHIP, 0);
	close(vcpu);
	close(vm);
}

static sigjmp_buf sigbus_env;

static void on_sigbus(int sig __attribute__((unused)))
{
	siglongjmp(sigbus_env, 1);
}

static void mmap_cases(int vcpu)
{
	long size = ioctl(sys_fd, HV_GET_VCPU_MMAP_SIZE, 0);
	struct sigaction sa = { .sa_handler = on_sigbus }, old;
	volatile unsigned char *p;
	long off;

	printf("vcpu.mmap_size_pages: %ld\n", size / (long)PAGE);
	sigaction(SIGBUS, &sa, &old);
	for (off = 0; off < 4; off++) {
		char name[40];

		p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, vcpu, off * PAGE);
		snprintf(name, sizeof(name), "vcpu.mmap.page%ld", off);
		if (p == MAP_FAILED) {
			result(name, -1, errno);
			continue;
		}
		if (sigsetjmp(sigbus_env, 1)) {
			printf("%s: SIGBUS\n", name);
		} else {
			(void)p[0];
			printf("%s: readable\n", name);
		}
		munmap((void *)p, PAGE);
	}
	sigaction(SIGBUS, &old, NULL);
}

static void vcpu_cases(void)
{
	struct {
		struct hv_msrs m;
		struct hv_msr_entry e[2];
	} msrs = { 0 };
	struct {
		struct hv_signal_mask m;
		__u8 bits[16];
	} sm = { 0 };
	struct hv_cpuid2 c2 = { 0 };
	struct hv_sregs s;
	struct hv_vcpu_events ev;
	struct hv_debugregs dbg;
	struct hv_xcrs xcrs;
	struct hv_mp_state mp;
	struct hv_interrupt in = { .irq = 256 };
	int vm = new_vm(), vcpu;

	vcpu = xioctl(vm, HV_CREATE_VCPU, 0);
	T("vcpu.run.arg1", vcpu, HV_RUN, 1);
	T("vcpu.run.no_memslots", vcpu, HV_RUN, 0);
	T("vcpu.unknown_ioctl", vcpu, _IO(HVIO, 0xfe), 0);
	T("vcpu.foreign_ioctl", vcpu, _IO('X', 1), 0);

	c2.nent = 257;
	T("vcpu.set_cpuid2.nent257", vcpu, HV_SET_CPUID2, &c2);
	c2.nent = 0xffffffff;
	T("vcpu.set_cpuid2.nent_max", vcpu, HV_SET_CPUID2, &c2);

	msrs.m.nmsrs = 256;
	T("vcpu.get_msrs.nmsrs256", vcpu, HV_GET_MSRS, &msrs);
	msrs.m.nmsrs = 0xffffffff;
	T("vcpu.set_msrs.nmsrs_max", vcpu, HV_SET_MSRS, &msrs);
	msrs.m.nmsrs = 2;
	msrs.e[0].index = 0x10;		/* TSC */
	msrs.e[1].index = 0xdeadbeef;	/* nothing */
	T("vcpu.get_msrs.second_unknown", vcpu, HV_GET_MSRS, &msrs);
	T("vcpu.set_msrs.second_unknown", vcpu, HV_SET_MSRS, &msrs);

	sm.m.len = 16;
	T("vcpu.signal_mask.len16", vcpu, HV_SET_SIGNAL_MASK, &sm);
	sm.m.len = 8;
	T("vcpu.signal_mask.len8", vcpu, HV_SET_SIGNAL_MASK, &sm);
	sm.m.len = 4;
	T("vcpu.signal_mask.len4", vcpu, HV_SET_SIGNAL_MASK, &sm);

	xioctl(vcpu, HV_GET_SREGS, (unsigned long)&s);
	s.cr0 = 0x80000000;		/* PG without PE */
	T("vcpu.set_sregs.pg_no_pe", vcpu, HV_SET_SREGS, &s);
	xioctl(vcpu, HV_GET_SREGS, (unsigned long)&s);
	s.efer = 1ULL << 63;
	T("vcpu.set_sregs.efer_reserved", vcpu, HV_SET_SREGS, &s);
	xioctl(vcpu, HV_GET_SREGS, (unsigned long)&s);
	s.cr4 = 1ULL << 63;
	T("vcpu.set_sregs.cr4_reserved", vcpu, HV_SET_SREGS, &s);

	xioctl(vcpu, HV_GET_VCPU_EVENTS, (unsigned long)&ev);
	ev.flags = 0x80000000;
	T("vcpu.set_events.bad_flags", vcpu, HV_SET_VCPU_EVENTS, &ev);
	xioctl(vcpu, HV_GET_VCPU_EVENTS, (unsigned long)&ev);
	ev.exception.injected = 1;
	ev.exception.nr = 32;
	T("vcpu.set_events.exception_nr32", vcpu, HV_SET_VCPU_EVENTS, &ev);

	xioctl(vcpu, HV_GET_DEBUGREGS, (unsigned long)&dbg);
	dbg.flags = 1;
	T("vcpu.set_debugregs.flags", vcpu, HV_SET_DEBUGREGS, &dbg);
	xioctl(vcpu, HV_GET_DEBUGREGS, (unsigned long)&dbg);
	dbg.dr6 = 1ULL << 40;
	T("vcpu.set_debugregs.dr6_high", vcpu, HV_SET_DEBUGREGS, &dbg);

	memset(&xcrs, 0, sizeof(xcrs));
	xcrs.nr_xcrs = 17;
	T("vcpu.set_xcrs.nr17", vcpu, HV_SET_XCRS, &xcrs);
	xcrs.nr_xcrs = 1;
	xcrs.xcrs[0].xcr = 0;
	xcrs.xcrs[0].value = 2;		/* SSE without x87 */
	T("vcpu.set_xcrs.no_x87", vcpu, HV_SET_XCRS, &xcrs);

	mp.mp_state = 99;
	T("vcpu.set_mp_state.99", vcpu, HV_SET_MP_STATE, &mp);
	T("vcpu.interrupt.irq256", vcpu, HV_INTERRUPT, &in);
	T("vcpu.get_lapic.no_irqchip", vcpu, HV_GET_LAPIC, &ev);
	T("vcpu.set_tsc_khz.0", vcpu, HV_SET_TSC_KHZ, 0);

	mmap_cases(vcpu);

	/* Another process: every ioctl is -EIO (api.rst). */
	fflush(stdout);
	if (fork() == 0) {
		T("fork.vm_ioctl", vm, HV_CHECK_EXTENSION, HV_CAP_USER_MEMORY);
		T("fork.vcpu_ioctl", vcpu, HV_GET_SREGS, &s);
		T("fork.create_vcpu", vm, HV_CREATE_VCPU, 1);
		fflush(stdout);
		_exit(0);
	}
	wait(NULL);
	close(vcpu);
	close(vm);
}

/* ------------------------------------------------------------------ */
/* GET ioctls must write every byte of a fixed-size output.            */

struct get_case {
	const char *name;
	unsigned long req;
	size_t size;
	bool vm;
};

static size_t unwritten_bytes(int fd, unsigned long req, size_t size)
{
	unsigned char *a = malloc(size), *b = malloc(size);
	size_t i, n = 0;

	memset(a, 0, size);
	memset(b, 0xa5, size);
	if (ioctl(fd, req, a) < 0 || ioctl(fd, req, b) < 0) {
		n = (size_t)-1;
		goto out;
	}
	/* Still the fill byte after both calls: never written. */
	for (i = 0; i < size; i++)
		n += a[i] == 0x00 && b[i] == 0xa5;
out:
	free(a);
	free(b);
	return n;
}

static void get_cases(void)
{
	static const struct get_case cases[] = {
		{ "regs", HV_GET_REGS, sizeof(struct hv_regs) },
		{ "sregs", HV_GET_SREGS, sizeof(struct hv_sregs) },
		{ "sregs2", HV_GET_SREGS2, sizeof(struct hv_sregs2) },
		{ "fpu", HV_GET_FPU, sizeof(struct hv_fpu) },
		{ "vcpu_events", HV_GET_VCPU_EVENTS,
		  sizeof(struct hv_vcpu_events) },
		{ "debugregs", HV_GET_DEBUGREGS, sizeof(struct hv_debugregs) },
		{ "xcrs", HV_GET_XCRS, sizeof(struct hv_xcrs) },
		{ "xsave", HV_GET_XSAVE, sizeof(struct hv_xsave) },
		{ "mp_state", HV_GET_MP_STATE, sizeof(struct hv_mp_state) },
		{ "lapic", HV_GET_LAPIC, sizeof(struct hv_lapic_state) },
		{ "clock", HV_GET_CLOCK, sizeof(struct hv_clock_data), true },
		{ "pit2", HV_GET_PIT2, sizeof(struct hv_pit_state2), true },
	};
	struct hv_pit_config pit = { .flags = HV_PIT_SPEAKER_DUMMY };
	int vm = new_vm(), vcpu;
	size_t i, n;

	/* With the in-kernel irqchip where the device has it. */
	ioctl(vm, HV_CREATE_IRQCHIP, 0);
	ioctl(vm, HV_CREATE_PIT2, &pit);
	vcpu = xioctl(vm, HV_CREATE_VCPU, 0);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		int fd = vcpu;
		char name[48];

		if (cases[i].vm)
			fd = vm;
		n = unwritten_bytes(fd, cases[i].req, cases[i].size);
		snprintf(name, sizeof(name), "get.%s.unwritten", cases[i].name);
		if (n == (size_t)-1)
			printf("%s: fails (%s)\n", name, strerrorname_np(errno));
		else
			printf("%s: %zu\n", name, n);
	}
	close(vcpu);
	close(vm);
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--dev")) {
		dev = argv[2];
	} else if (argc != 1) {
		fprintf(stderr, "usage: errno_battery [--dev /dev/hv]\n");
		return 2;
	}
	sys_fd = open(dev, O_RDWR | O_CLOEXEC);
	if (sys_fd < 0) {
		fprintf(stderr, "errno_battery: open %s: %s\n", dev,
			strerror(errno));
		return 2;
	}
	system_cases();
	memslot_cases();
	vm_cases();
	vcpu_cases();
	get_cases();
	return 0;
}

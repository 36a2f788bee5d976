// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvbench: micro-benchmarks of a KVM-ABI hypervisor device, run the same
 * way against hv (/dev/hv) and Linux's KVM (/dev/kvm) so the two can be
 * compared in one boot of one host.  The ioctl numbers and structures are
 * KVM's (hv's uapi headers rename them only), so one program drives both.
 *
 *   hvbench [--dev /dev/hv|/dev/kvm] [--quick] [--div D] [--only METRIC] [--list]
 *
 * Every metric prints one line on stdout:
 *
 *   result <TAB> metric <TAB> value <TAB> unit
 *   result <TAB> metric <TAB> n/a <TAB> reason
 *
 * and "info" lines (what backed the memory, counts) may follow.  A metric
 * the device cannot run (no ioeventfd, no in-kernel irqchip) is
 * "n/a" with the reason: a figure is never invented.  Timing never fails
 * the run; a wrong guest result, an unexpected exit or a failing ioctl
 * does ("FAIL" on stderr, exit status 1).  --quick runs every metric with
 * tiny counts: a correctness smoke test whose figures mean nothing; --div D
 * divides the full counts by D (slow hosts).
 *
 * The guest is 32-bit protected mode, flat segments, paging off, set up
 * through SET_SREGS; its code is the small loops below, one per metric,
 * entered at their own address with the loop's parameters in registers.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/hv.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define KIB		1024UL
#define MIB		(1024 * KIB)

/* Guest-physical layout. */
#define LOW_SIZE	(2 * MIB)	/* slot 0: code and stack */
#define CODE_GPA	0x1000
/* The HLT wake-up metrics' guest data (in-kernel irqchip). */
#define GDT_GPA		0x500		/* null, code 0x08, data 0x10 */
#define WAKE_ROUNDS	0x600		/* rounds per RUN, set by the host */
#define WAKE_COUNT0	0x604		/* vCPU 0's interrupts */
#define WAKE_COUNT1	0x608		/* vCPU 1's interrupts */
#define WAKE_PERIOD	0x60c		/* APIC timer initial count */
#define WAKE_READY1	0x610		/* vCPU 1's APIC is enabled */
#define IDT_GPA		0x800		/* 256 32-bit gates, to CODE_GPA */
#define STACK_TOP	0x1ff000
#define TOUCH_GPA	0x40000000UL	/* slot 1 of the first-touch metrics */
#define SLOTS_GPA	0x80000000UL	/* the memslot metric's slots */
#define MMIO_GPA	0xd0000000UL	/* no slot: every write exits */

/*
 * Ports: none is claimed by an in-kernel device (only the HLT wake-up
 * metrics create the irqchip, whose ports are below 0x100).
 */
#define PIO_PORT	0x500		/* the exit-to-userspace loop */
#define IOEVENT_PORT	0x502		/* the ioeventfd loop */

/* The wake-up metrics' interrupt vectors. */
#define VEC_TIMER	0x40		/* vCPU 0's APIC timer */
#define VEC_PING	0x41		/* vCPU 0 -> vCPU 1 */
#define VEC_PONG	0x42		/* vCPU 1 -> vCPU 0 */

/* Read by the guest's RDMSR loop: in-kernel in KVM and hv, always exits. */
#define BENCH_MSR	0x1b		/* IA32_APIC_BASE */

/*
 * The guest's loops, 32-bit code copied to CODE_GPA.  Each either counts
 * down EDI and ends with HLT, or loops forever exiting to userspace.
 *
 * A counted loop ends with HLT, not with an OUT: both KVM and hv move RIP
 * past HLT before the exit, so the SET_REGS that starts the next loop
 * wins.  After an OUT exit KVM completes the instruction on the next RUN
 * only if RIP is unchanged; hv (today) moves RIP past the OUT regardless,
 * overriding SET_REGS.
 */
asm(".pushsection .rodata\n"
	".code32\n"
	"hvb_guest_start:\n"
	/* CPUID leaf ESI, EDI times. */
	"hvb_g_cpuid:\n"
	"1:	mov %esi, %eax\n"
	"	xor %ecx, %ecx\n"
	"	cpuid\n"
	"	dec %edi\n"
	"	jnz 1b\n"
	"	hlt\n"
	/* RDMSR of ECX, EDI times. */
	"hvb_g_rdmsr:\n"
	"1:	rdmsr\n"
	"	dec %edi\n"
	"	jnz 1b\n"
	"	hlt\n"
	/* OUT EAX to port DX, EAX counting up: one exit to userspace each. */
	"hvb_g_pio:\n"
	"1:	out %eax, %dx\n"
	"	inc %eax\n"
	"	jmp 1b\n"
	/* MMIO write of EAX to [ESI], EAX counting up. */
	"hvb_g_mmio:\n"
	"1:	mov %eax, (%esi)\n"
	"	inc %eax\n"
	"	jmp 1b\n"
	/* HLT, EAX counting the wake-ups. */
	"hvb_g_hlt:\n"
	"1:	hlt\n"
	"	inc %eax\n"
	"	jmp 1b\n"
	/* Write a byte at ESI, ESI += EBX, EDI times. */
	"hvb_g_touch:\n"
	"1:	movb $1, (%esi)\n"
	"	add %ebx, %esi\n"
	"	dec %edi\n"
	"	jnz 1b\n"
	"	hlt\n"
	/* OUT AL to port DX, EDI times (an ioeventfd: no exit to userspace). */
	"hvb_g_ioevent:\n"
	"1:	out %al, %dx\n"
	"	dec %edi\n"
	"	jnz 1b\n"
	"	hlt\n"
	/*
	 * The HLT wake-up loops.  The local APIC is xAPIC at 0xfee00000
	 * (SDM vol. 3 10.4): SVR 0xf0, EOI 0xb0, ICR 0x300/0x310, LVT timer
	 * 0x320, initial count 0x380, divide 0x3e0.  Each loop runs
	 * [WAKE_ROUNDS] rounds, exits with an OUT to PIO_PORT and starts
	 * again when RUN is called: no SET_REGS between rounds.  In-kernel
	 * HLT never exits to userspace here.
	 */
	/* vCPU 0: arm the one-shot timer, halt until it fires, repeat. */
	"hvb_g_wake_timer:\n"
	"	movl $0x1ff, 0xfee000f0\n"
	"	movl $0xb, 0xfee003e0\n"
	"	movl $0x40, 0xfee00320\n"
	"2:	mov 0x600, %edi\n"
	"1:	cli\n"
	"	mov 0x60c, %eax\n"
	"	mov %eax, 0xfee00380\n"
	"	sti\n"			/* STI's shadow covers the HLT */
	"	hlt\n"
	"	dec %edi\n"
	"	jnz 1b\n"
	"	cli\n"
	"	mov $0x500, %dx\n"
	"	out %al, %dx\n"
	"	jmp 2b\n"
	/* vCPU 0: IPI vCPU 1, halt until its answer, repeat. */
	"hvb_g_wake_ping:\n"
	"	movl $0x1ff, 0xfee000f0\n"
	"2:	mov 0x600, %edi\n"
	"1:	cli\n"
	"	movl $0x01000000, 0xfee00310\n"
	"	movl $0x41, 0xfee00300\n"
	"	sti\n"
	"	hlt\n"
	"	dec %edi\n"
	"	jnz 1b\n"
	"	cli\n"
	"	mov $0x500, %dx\n"
	"	out %al, %dx\n"
	"	jmp 2b\n"
	/* vCPU 1: halt forever; its handler answers each IPI. */
	"hvb_g_wake_pong:\n"
	"	movl $0x1ff, 0xfee000f0\n"
	"	movl $1, 0x610\n"
	"1:	sti\n"
	"	hlt\n"
	"	jmp 1b\n"
	/* vCPU 0's handler (timer, pong): count, EOI. */
	"hvb_g_isr0:\n"
	"	incl 0x604\n"
	"	movl $0, 0xfee000b0\n"
	"	iret\n"
	/* vCPU 1's handler (ping): count, EOI, answer vCPU 0. */
	"hvb_g_isr1:\n"
	"	incl 0x608\n"
	"	movl $0, 0xfee000b0\n"
	"	movl $0, 0xfee00310\n"
	"	movl $0x42, 0xfee00300\n"
	"	iret\n"
	"hvb_guest_end:\n"
	".code64\n"
	".popsection\n");

extern const char hvb_guest_start[], hvb_guest_end[];
extern const char hvb_g_cpuid[], hvb_g_rdmsr[], hvb_g_pio[], hvb_g_mmio[];
extern const char hvb_g_hlt[], hvb_g_touch[], hvb_g_ioevent[];
extern const char hvb_g_wake_timer[], hvb_g_wake_ping[], hvb_g_wake_pong[];
extern const char hvb_g_isr0[], hvb_g_isr1[];

static const char *dev_path = "/dev/hv";
static bool quick;
static int sys_fd;
static long run_size;
static struct hv_cpuid2 *cpuid;
static int failures;

/*
 * Iteration counts: full run, and --quick; --div D divides the full
 * counts (for slow hosts such as Bochs), never below the quick ones.
 */
static unsigned long count_div = 1;

static unsigned long iters(unsigned long full, unsigned long small)
{
	if (quick || full / count_div < small)
		return small;
	return full / count_div;
}

struct vm {
	int fd;
	int vcpu;
	struct hv_run *run;
	int vcpu1;		/* the IPI metric's second vCPU, or -1 */
	struct hv_run *run1;
	char *low;
	void *touch;		/* slot 1's mapping, for the fault metrics */
	size_t touch_len;
};

static void fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "hvbench: FAIL: %s: ", dev_path);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	failures++;
}

static void fatal(const char *what)
{
	fprintf(stderr, "hvbench: FAIL: %s: %s: %s\n", dev_path, what,
		strerror(errno));
	exit(1);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void put_result(const char *metric, double value, const char *unit)
{
	printf("result\t%s\t%.1f\t%s\n", metric, value, unit);
	fflush(stdout);
}

static void put_na(const char *metric, const char *reason)
{
	printf("result\t%s\tn/a\t%s\n", metric, reason);
	fflush(stdout);
}

static void put_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("info\t");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	fflush(stdout);
}

static int check_cap(long cap)
{
	int r = ioctl(sys_fd, HV_CHECK_EXTENSION, cap);

	return r < 0 ? 0 : r;
}

static int set_slot(int vm, uint32_t slot, uint64_t gpa, uint64_t size,
		    void *hva)
{
	struct hv_userspace_memory_region r = {
		.slot = slot,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uintptr_t)hva,
	};

	return ioctl(vm, HV_SET_USER_MEMORY_REGION, &r);
}

static int create_vm(void)
{
	int fd;

	do {
		fd = ioctl(sys_fd, HV_CREATE_VM, 0);
	} while (fd < 0 && errno == EINTR);
	if (fd < 0)
		fatal("CREATE_VM");
	return fd;
}

static void flat_segment(struct hv_segment *s, uint16_t sel, uint8_t type)
{
	memset(s, 0, sizeof(*s));
	s->base = 0;
	s->limit = 0xffffffff;
	s->selector = sel;
	s->type = type;
	s->present = 1;
	s->db = 1;
	s->s = 1;
	s->g = 1;
}

static uint32_t gpa_of(const char *sym)
{
	return CODE_GPA + (sym - hvb_guest_start);
}

/* A vCPU in 32-bit protected mode, flat segments, paging off. */
static int vcpu_add(struct vm *v, unsigned int id, struct hv_run **run)
{
	struct hv_sregs sregs;
	int fd;

	fd = ioctl(v->fd, HV_CREATE_VCPU, id);
	if (fd < 0)
		fatal("CREATE_VCPU");
	*run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (*run == MAP_FAILED)
		fatal("mmap vcpu");
	if (ioctl(fd, HV_SET_CPUID2, cpuid))
		fatal("SET_CPUID2");
	if (ioctl(fd, HV_GET_SREGS, &sregs))
		fatal("GET_SREGS");
	flat_segment(&sregs.cs, 0x08, 0xb);
	flat_segment(&sregs.ds, 0x10, 0x3);
	flat_segment(&sregs.es, 0x10, 0x3);
	flat_segment(&sregs.fs, 0x10, 0x3);
	flat_segment(&sregs.gs, 0x10, 0x3);
	flat_segment(&sregs.ss, 0x10, 0x3);
	/* Interrupt delivery and IRET reload CS from the GDT. */
	sregs.gdt.base = GDT_GPA;
	sregs.gdt.limit = 3 * 8 - 1;
	sregs.idt.base = IDT_GPA;
	sregs.idt.limit = 256 * 8 - 1;
	sregs.cr0 = 0x11;		/* PE | ET, paging off */
	sregs.cr4 = 0;
	sregs.efer = 0;
	if (ioctl(fd, HV_SET_SREGS, &sregs))
		fatal("SET_SREGS");
	return fd;
}

/* IDT entry @vec: a 32-bit interrupt gate to @handler (SDM vol. 3 6.11). */
static void set_gate(struct vm *v, unsigned int vec, const char *handler)
{
	uint32_t off = gpa_of(handler);
	uint32_t gate[2] = {
		(0x08 << 16) | (off & 0xffff),
		(off & 0xffff0000) | 0x8e00,
	};

	memcpy(v->low + IDT_GPA + vec * 8, gate, sizeof(gate));
}

/*
 * A VM with low memory holding the guest code and one vCPU in 32-bit
 * mode; with @irqchip, the in-kernel irqchip (created before any vCPU, as
 * KVM requires) and a GDT and IDT for the wake-up metrics' handlers.
 */
static void vm_setup_irqchip(struct vm *v, bool irqchip)
{
	static const uint64_t gdt[3] = {
		0, 0x00cf9b000000ffffULL, 0x00cf93000000ffffULL,
	};

	memset(v, 0, sizeof(*v));
	v->vcpu1 = -1;
	v->fd = create_vm();
	v->low = mmap(NULL, LOW_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (v->low == MAP_FAILED)
		fatal("mmap");
	memcpy(v->low + CODE_GPA, hvb_guest_start,
	       hvb_guest_end - hvb_guest_start);
	memcpy(v->low + GDT_GPA, gdt, sizeof(gdt));
	if (set_slot(v->fd, 0, 0, LOW_SIZE, v->low))
		fatal("SET_USER_MEMORY_REGION (low memory)");
	if (irqchip && ioctl(v->fd, HV_CREATE_IRQCHIP, 0))
		fatal("CREATE_IRQCHIP");
	v->vcpu = vcpu_add(v, 0, &v->run);
}

static void vm_setup(struct vm *v)
{
	vm_setup_irqchip(v, false);
}

static void vm_free(struct vm *v)
{
	if (v->vcpu1 >= 0) {
		munmap(v->run1, run_size);
		close(v->vcpu1);
	}
	munmap(v->run, run_size);
	close(v->vcpu);
	close(v->fd);
	munmap(v->low, LOW_SIZE);
	if (v->touch)
		munmap(v->touch, v->touch_len);
}

/* Start the loop at @entry with its parameters. */
static void vm_enter(struct vm *v, const char *entry, struct hv_regs *regs)
{
	regs->rip = CODE_GPA + (entry - hvb_guest_start);
	regs->rflags = 0x2;
	regs->rsp = STACK_TOP;
	if (ioctl(v->vcpu, HV_SET_REGS, regs))
		fatal("SET_REGS");
}

static void vm_run(struct vm *v)
{
	int r;

	do {
		r = ioctl(v->vcpu, HV_RUN, 0);
	} while (r < 0 && (errno == EINTR || errno == EAGAIN));
	if (r < 0)
		fatal("RUN");
}

static bool is_done(struct vm *v)
{
	return v->run->exit_reason == HV_EXIT_HLT;
}

static void describe_exit(struct vm *v, const char *what)
{
	struct hv_run *r = v->run;

	if (r->exit_reason == HV_EXIT_IO)
		fail("%s: exit IO port %#x dir %u size %u", what, r->io.port,
		     r->io.direction, r->io.size);
	else if (r->exit_reason == HV_EXIT_MMIO)
		fail("%s: exit MMIO at %#llx", what,
		     (unsigned long long)r->mmio.phys_addr);
	else if (r->exit_reason == HV_EXIT_INTERNAL_ERROR)
		fail("%s: internal error, suberror %u", what,
		     r->internal.suberror);
	else
		fail("%s: exit reason %u", what, r->exit_reason);
}

/* Run a counted loop to its final HLT; returns the elapsed ns. */
static uint64_t run_counted(struct vm *v, const char *entry,
			    struct hv_regs *regs, const char *what)
{
	uint64_t t0, t1;

	vm_enter(v, entry, regs);
	t0 = now_ns();
	vm_run(v);
	t1 = now_ns();
	if (!is_done(v)) {
		describe_exit(v, what);
		return 0;
	}
	return t1 - t0;
}

/* ---- in-kernel exits ------------------------------------------------ */

static const struct hv_cpuid_entry2 *cpuid_leaf(uint32_t fn)
{
	uint32_t i;

	for (i = 0; i < cpuid->nent; i++)
		if (cpuid->entries[i].function == fn &&
		    cpuid->entries[i].index == 0)
			return &cpuid->entries[i];
	return NULL;
}

/*
 * CPUID of @fn.  Leaf 0 is a plain table lookup; leaf 1 has bits that
 * follow the vCPU's state (OSXSAVE from CR4, the APIC ID), which the
 * hypervisor computes at each exit: only EAX, the signature, is checked.
 */
static void bench_cpuid_leaf(const char *metric, uint32_t fn)
{
	const struct hv_cpuid_entry2 *leaf = cpuid_leaf(fn);
	unsigned long n = iters(5000, 50);
	struct hv_regs regs = { .rsi = fn, .rdi = 100 };
	struct vm v;
	uint64_t ns;

	vm_setup(&v);
	run_counted(&v, hvb_g_cpuid, &regs, metric);	/* warm up */
	memset(&regs, 0, sizeof(regs));
	regs.rsi = fn;
	regs.rdi = n;
	ns = run_counted(&v, hvb_g_cpuid, &regs, metric);
	if (ioctl(v.vcpu, HV_GET_REGS, &regs))
		fatal("GET_REGS");
	if (!leaf || regs.rax != leaf->eax ||
	    (fn == 0 && (regs.rbx != leaf->ebx || regs.rcx != leaf->ecx ||
			 regs.rdx != leaf->edx)))
		fail("%s: guest's CPUID(%u) %llx %llx %llx %llx is not the table's",
		     metric, fn, regs.rax, regs.rbx, regs.rcx, regs.rdx);
	else if (ns)
		put_result(metric, (double)ns / n, "ns");
	vm_free(&v);
}

static void bench_cpuid(const char *m) { bench_cpuid_leaf(m, 0); }
static void bench_cpuid1(const char *m) { bench_cpuid_leaf(m, 1); }

static void bench_rdmsr(const char *metric)
{
	struct {
		struct hv_msrs h;
		struct hv_msr_entry e;
	} msrs = { .h.nmsrs = 1, .e.index = BENCH_MSR };
	unsigned long n = iters(5000, 50);
	struct hv_regs regs = { .rcx = BENCH_MSR, .rdi = 100 };
	struct vm v;
	uint64_t ns;

	vm_setup(&v);
	run_counted(&v, hvb_g_rdmsr, &regs, metric);
	memset(&regs, 0, sizeof(regs));
	regs.rcx = BENCH_MSR;
	regs.rdi = n;
	ns = run_counted(&v, hvb_g_rdmsr, &regs, metric);
	if (ioctl(v.vcpu, HV_GET_REGS, &regs))
		fatal("GET_REGS");
	if (ioctl(v.vcpu, HV_GET_MSRS, &msrs) != 1)
		fatal("GET_MSRS");
	if (((regs.rdx & 0xffffffff) << 32 | (regs.rax & 0xffffffff)) !=
	    msrs.e.data)
		fail("%s: guest read %#llx:%llx, GET_MSRS says %#llx", metric,
		     regs.rdx, regs.rax, (unsigned long long)msrs.e.data);
	else if (ns)
		put_result(metric, (double)ns / n, "ns");
	vm_free(&v);
}

static void bench_ioeventfd(const char *metric)
{
	unsigned long n = iters(5000, 50);
	struct hv_ioeventfd ioev = {
		.addr = IOEVENT_PORT,
		.len = 1,
		.flags = HV_IOEVENTFD_FLAG_PIO,
	};
	struct hv_regs regs = { .rdx = IOEVENT_PORT, .rdi = 100 };
	uint64_t count = 0, ns;
	struct vm v;

	if (!check_cap(HV_CAP_IOEVENTFD)) {
		put_na(metric, "CHECK_EXTENSION(CAP_IOEVENTFD) is 0: no ioeventfd");
		return;
	}
	vm_setup(&v);
	ioev.fd = eventfd(0, EFD_NONBLOCK);
	if (ioev.fd < 0)
		fatal("eventfd");
	if (ioctl(v.fd, HV_IOEVENTFD, &ioev))
		fatal("IOEVENTFD");
	run_counted(&v, hvb_g_ioevent, &regs, metric);
	if (read(ioev.fd, &count, sizeof(count)) != sizeof(count) ||
	    count != 100)
		fail("%s: eventfd counted %llu of 100 writes", metric,
		     (unsigned long long)count);
	memset(&regs, 0, sizeof(regs));
	regs.rdx = IOEVENT_PORT;
	regs.rdi = n;
	ns = run_counted(&v, hvb_g_ioevent, &regs, metric);
	count = 0;
	if (read(ioev.fd, &count, sizeof(count)) != sizeof(count) ||
	    count != n)
		fail("%s: eventfd counted %llu of %lu writes", metric,
		     (unsigned long long)count, n);
	else if (ns)
		put_result(metric, (double)ns / n, "ns");
	close(ioev.fd);
	vm_free(&v);
}

/* ---- exits to userspace --------------------------------------------- */

enum user_exit { USER_PIO, USER_MMIO, USER_HLT };

/* One exit to userspace per iteration; checks each exit's data. */
static void bench_user_exit(const char *metric, enum user_exit kind)
{
	unsigned long n = iters(2000, 20), i, warm = 50;
	struct hv_regs regs = { 0 };
	uint64_t t0 = 0, t1;
	struct hv_run *run;
	const char *entry;
	struct vm v;
	uint32_t val;

	vm_setup(&v);
	run = v.run;
	switch (kind) {
	case USER_PIO:
		entry = hvb_g_pio;
		regs.rdx = PIO_PORT;
		break;
	case USER_MMIO:
		entry = hvb_g_mmio;
		regs.rsi = MMIO_GPA;
		break;
	default:
		entry = hvb_g_hlt;
		break;
	}
	vm_enter(&v, entry, &regs);
	for (i = 0; i < warm + n; i++) {
		if (i == warm)
			t0 = now_ns();
		vm_run(&v);
		switch (kind) {
		case USER_PIO:
			memcpy(&val, (char *)run + run->io.data_offset, 4);
			if (run->exit_reason != HV_EXIT_IO ||
			    run->io.port != PIO_PORT || run->io.size != 4 ||
			    run->io.direction != HV_EXIT_IO_OUT ||
			    run->io.count != 1 || val != i) {
				describe_exit(&v, metric);
				fail("%s: exit %lu: data %u", metric, i, val);
				goto out;
			}
			break;
		case USER_MMIO:
			memcpy(&val, run->mmio.data, 4);
			if (run->exit_reason != HV_EXIT_MMIO ||
			    run->mmio.phys_addr != MMIO_GPA ||
			    !run->mmio.is_write || run->mmio.len != 4 ||
			    val != i) {
				describe_exit(&v, metric);
				fail("%s: exit %lu: data %u", metric, i, val);
				goto out;
			}
			break;
		default:
			if (run->exit_reason != HV_EXIT_HLT) {
				describe_exit(&v, metric);
				goto out;
			}
			break;
		}
	}
	t1 = now_ns();
	if (kind == USER_HLT) {
		if (ioctl(v.vcpu, HV_GET_REGS, &regs))
			fatal("GET_REGS");
		/* The guest counts its wake-ups: all but the last HLT's. */
		if (regs.rax != warm + n - 1) {
			fail("%s: guest woke %llu times, not %lu", metric,
			     regs.rax, warm + n - 1);
			goto out;
		}
	}
	put_result(metric, (double)(t1 - t0) / n, "ns");
out:
	vm_free(&v);
}

/* ---- first touch of guest memory ------------------------------------ */

/* THP-backed KiB of the mapping holding @addr, from /proc/self/smaps. */
static long anon_huge_kib(void *addr)
{
	unsigned long a, b, p = (uintptr_t)addr;
	bool in = false;
	char line[256];
	long kib = -1;
	FILE *f;

	f = fopen("/proc/self/smaps", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		/* Only a mapping's header line parses as "start-end". */
		if (sscanf(line, "%lx-%lx ", &a, &b) == 2)
			in = a <= p && p < b;
		else if (in && sscanf(line, "AnonHugePages: %ld kB", &kib) == 1)
			break;
	}
	fclose(f);
	return kib;
}

static bool thp_available(void)
{
	char buf[128] = "";
	FILE *f;

	f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
	if (!f)
		return false;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);
	return !strstr(buf, "[never]") && buf[0];
}

/*
 * Write one byte in every 4 KiB page of @size bytes of fresh anonymous
 * memory (2 MiB aligned in both address spaces); @thp asks for THP.
 * Reports ns per 4 KiB page, or per 2 MiB with THP.
 */
static void bench_touch(const char *metric, bool thp)
{
	size_t size = thp ? iters(32, 4) * MIB : iters(16, 1) * MIB;
	unsigned long pages = size / 4096;
	struct hv_regs regs = { 0 };
	uint64_t ns;
	struct vm v;
	char *raw;
	long kib;

	if (thp && !thp_available()) {
		put_na(metric, "transparent hugepages are disabled in this host");
		return;
	}
	vm_setup(&v);
	v.touch_len = size + 2 * MIB;
	raw = mmap(NULL, v.touch_len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (raw == MAP_FAILED)
		fatal("mmap");
	v.touch = raw;
	raw = (char *)(((uintptr_t)raw + 2 * MIB - 1) & ~(2 * MIB - 1));
	if (madvise(raw, size, thp ? MADV_HUGEPAGE : MADV_NOHUGEPAGE))
		fatal("madvise");
	if (set_slot(v.fd, 1, TOUCH_GPA, size, raw))
		fatal("SET_USER_MEMORY_REGION (touch)");
	/* Warm the vCPU and the code page's mapping first. */
	regs.rdi = 1;
	regs.rsi = STACK_TOP;
	regs.rbx = 4096;
	run_counted(&v, hvb_g_touch, &regs, metric);

	memset(&regs, 0, sizeof(regs));
	regs.rsi = TOUCH_GPA;
	regs.rbx = 4096;
	regs.rdi = pages;
	ns = run_counted(&v, hvb_g_touch, &regs, metric);
	if (raw[0] != 1 || raw[size - 4096] != 1 || raw[size / 2] != 1) {
		fail("%s: the guest's writes are not in the host's memory",
		     metric);
		ns = 0;
	}
	if (ns) {
		if (thp)
			put_result(metric, (double)ns / (size / (2 * MIB)), "ns/2M");
		else
			put_result(metric, (double)ns / pages, "ns/4K");
	}
	kib = anon_huge_kib(raw);
	if (kib >= 0)
		put_info("%s: %ld of %zu KiB THP-backed", metric, kib, size / KIB);
	vm_free(&v);
}

/* ---- VM, vCPU and memslot ioctls ------------------------------------ */

static void bench_vm_create(const char *metric)
{
	unsigned long n = iters(20, 3), i;
	uint64_t t0;

	close(create_vm());		/* warm up */
	t0 = now_ns();
	for (i = 0; i < n; i++)
		close(create_vm());
	put_result(metric, (double)(now_ns() - t0) / n / 1000, "us");
}

static void bench_vcpu_create(const char *metric)
{
	unsigned long per_vm = iters(16, 2), vms = iters(4, 1), i, j;
	int fds[16], vm, max = check_cap(HV_CAP_MAX_VCPUS);
	uint64_t total = 0, t0;

	if (max && (long)per_vm > max)
		per_vm = max;
	for (i = 0; i < vms; i++) {
		vm = create_vm();
		t0 = now_ns();
		for (j = 0; j < per_vm; j++) {
			fds[j] = ioctl(vm, HV_CREATE_VCPU, j);
			if (fds[j] < 0)
				fatal("CREATE_VCPU");
		}
		total += now_ns() - t0;
		for (j = 0; j < per_vm; j++)
			close(fds[j]);
		close(vm);
	}
	put_result(metric, (double)total / (per_vm * vms) / 1000, "us");
}

/* Add and delete one 4 KiB slot while @present others exist. */
static void bench_memslot(const char *metric, unsigned int present)
{
	unsigned long n = iters(20, 3), i;
	unsigned int s;
	uint64_t t0, t1;
	char *mem;
	int vm;

	if ((unsigned int)check_cap(HV_CAP_NR_MEMSLOTS) < present + 1) {
		put_na(metric, "fewer memory slots than needed");
		return;
	}
	vm = create_vm();
	mem = mmap(NULL, (present + 1) * 4096UL, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		fatal("mmap");
	for (s = 0; s < present; s++)
		if (set_slot(vm, s, SLOTS_GPA + s * 4096UL, 4096,
			     mem + s * 4096UL))
			fatal("SET_USER_MEMORY_REGION (add)");
	t0 = now_ns();
	for (i = 0; i < n; i++) {
		if (set_slot(vm, present, SLOTS_GPA + present * 4096UL, 4096,
			     mem + present * 4096UL))
			fatal("SET_USER_MEMORY_REGION (add)");
		if (set_slot(vm, present, SLOTS_GPA + present * 4096UL, 0,
			     mem + present * 4096UL))
			fatal("SET_USER_MEMORY_REGION (delete)");
	}
	t1 = now_ns();
	put_result(metric, (double)(t1 - t0) / n / 1000, "us");
	close(vm);
	munmap(mem, (present + 1) * 4096UL);
}

static void bench_memslot_1(const char *m) { bench_memslot(m, 1); }
static void bench_memslot_100(const char *m) { bench_memslot(m, 100); }
static void bench_memslot_500(const char *m) { bench_memslot(m, 500); }

/* ---- kernel memory, from a fresh memory cgroup ---------------------- */

#define CGROOT	"/sys/fs/cgroup"
static char cg_path[128];

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY), r;

	if (fd < 0)
		return -1;
	r = write(fd, s, strlen(s)) == (ssize_t)strlen(s) ? 0 : -1;
	close(fd);
	return r;
}

static long cg_current(void)
{
	char path[160];
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/memory.current", cg_path);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

/* Move into a new child of the cgroup v2 root that has "memory". */
static const char *cg_enter(void)
{
	char path[160], pid[32];

	snprintf(path, sizeof(path), "%s/cgroup.subtree_control", CGROOT);
	if (access(path, F_OK))
		return "no cgroup v2 at " CGROOT;
	write_file(path, "+memory");
	snprintf(cg_path, sizeof(cg_path), "%s/hvbench.%d", CGROOT, getpid());
	if (mkdir(cg_path, 0755) && errno != EEXIST)
		return "cannot create a cgroup";
	snprintf(path, sizeof(path), "%s/memory.current", cg_path);
	if (access(path, F_OK)) {
		rmdir(cg_path);
		return "the memory controller is not enabled";
	}
	snprintf(path, sizeof(path), "%s/cgroup.procs", cg_path);
	snprintf(pid, sizeof(pid), "%d", getpid());
	if (write_file(path, pid)) {
		rmdir(cg_path);
		return "cannot join the cgroup";
	}
	return NULL;
}

static void cg_leave(void)
{
	char pid[32];

	snprintf(pid, sizeof(pid), "%d", getpid());
	write_file(CGROOT "/cgroup.procs", pid);
	rmdir(cg_path);
}

/*
 * memory.current charges in batches of up to 64 pages per CPU, so a count
 * of objects large enough to make that error small per object is made.
 */
static void bench_mem_vm(const char *metric)
{
	unsigned long n = quick ? 4 : 64, i;	/* never divided (--div) */
	const char *why;
	long before, after;
	int fds[64];

	why = cg_enter();
	if (why) {
		put_na(metric, why);
		return;
	}
	close(create_vm());
	before = cg_current();
	for (i = 0; i < n; i++)
		fds[i] = create_vm();
	after = cg_current();
	for (i = 0; i < n; i++)
		close(fds[i]);
	cg_leave();
	if (before < 0 || after < 0)
		put_na(metric, "memory.current unreadable");
	else
		put_result(metric, (double)(after - before) / n / KIB, "KiB");
}

static void bench_mem_vcpu(const char *metric)
{
	unsigned long n = quick ? 4 : 64, i;	/* never divided (--div) */
	int fds[64], vm, max = check_cap(HV_CAP_MAX_VCPUS);
	long before, after;
	const char *why;

	if (max && (long)n + 1 > max)
		n = max - 1;
	why = cg_enter();
	if (why) {
		put_na(metric, why);
		return;
	}
	vm = create_vm();
	fds[0] = ioctl(vm, HV_CREATE_VCPU, 0);	/* per-VM state made lazily */
	if (fds[0] < 0)
		fatal("CREATE_VCPU");
	close(fds[0]);
	before = cg_current();
	for (i = 0; i < n; i++) {
		fds[i] = ioctl(vm, HV_CREATE_VCPU, i + 1);
		if (fds[i] < 0)
			fatal("CREATE_VCPU");
	}
	after = cg_current();
	for (i = 0; i < n; i++)
		close(fds[i]);
	close(vm);
	cg_leave();
	if (before < 0 || after < 0)
		put_na(metric, "memory.current unreadable");
	else
		put_result(metric, (double)(after - before) / n / KIB, "KiB");
}

/* ---- in-kernel HLT wake-ups ----------------------------------------- */

/*
 * The guest's APIC timer counts at 1 GHz with divide-by-1 on KVM (its
 * APIC bus cycle is 1 ns) and on hv, which matches it.
 */
#define WAKE_PERIOD_NS	20000

static volatile sig_atomic_t wake_timed_out;

static void on_alarm(int sig)
{
	wake_timed_out = 1;
}

static uint32_t guest_u32(struct vm *v, uint32_t gpa)
{
	return *(volatile uint32_t *)(v->low + gpa);
}

static void guest_set_u32(struct vm *v, uint32_t gpa, uint32_t val)
{
	*(volatile uint32_t *)(v->low + gpa) = val;
}

/*
 * One RUN of vCPU 0 until its round's OUT; false (after a FAIL) on any
 * other exit, or when the guest has not finished in 60 s: an interrupt
 * the hypervisor lost leaves the vCPU halted in the kernel, and SIGALRM
 * gets it out.
 */
static bool wake_round(struct vm *v, const char *metric)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	int r;

	sigaction(SIGALRM, &sa, NULL);
	wake_timed_out = 0;
	alarm(60);
	do {
		r = ioctl(v->vcpu, HV_RUN, 0);
	} while (r < 0 && (errno == EINTR || errno == EAGAIN) &&
		 !wake_timed_out);
	alarm(0);
	if (wake_timed_out) {
		fail("%s: the guest halted for 60 s: a wake-up was lost", metric);
		return false;
	}
	if (r < 0)
		fatal("RUN");
	if (v->run->exit_reason != HV_EXIT_IO || v->run->io.port != PIO_PORT) {
		describe_exit(v, metric);
		return false;
	}
	return true;
}

/* Halt until the APIC timer fires, WAKE_PERIOD_NS after it was armed. */
static void bench_wake_timer(const char *metric)
{
	unsigned long n = iters(1000, 10), warm = iters(50, 2);
	struct hv_regs regs = { 0 };
	uint64_t t0, ns;
	struct vm v;

	if (!check_cap(HV_CAP_IRQCHIP)) {
		put_na(metric, "CHECK_EXTENSION(CAP_IRQCHIP) is 0: no in-kernel APIC");
		return;
	}
	vm_setup_irqchip(&v, true);
	set_gate(&v, VEC_TIMER, hvb_g_isr0);
	guest_set_u32(&v, WAKE_PERIOD, WAKE_PERIOD_NS);
	vm_enter(&v, hvb_g_wake_timer, &regs);
	guest_set_u32(&v, WAKE_ROUNDS, warm);
	if (!wake_round(&v, metric))
		goto out;
	guest_set_u32(&v, WAKE_ROUNDS, n);
	t0 = now_ns();
	if (!wake_round(&v, metric))
		goto out;
	ns = now_ns() - t0;
	if (guest_u32(&v, WAKE_COUNT0) != warm + n) {
		fail("%s: %u timer interrupts, not %lu", metric,
		     guest_u32(&v, WAKE_COUNT0), warm + n);
		goto out;
	}
	/* Each round waits at least the period: less means it fired early. */
	if (ns / n < WAKE_PERIOD_NS) {
		fail("%s: %llu ns per %u ns timer: it fired early", metric,
		     (unsigned long long)(ns / n), WAKE_PERIOD_NS);
		goto out;
	}
	put_result(metric, (double)ns / n - WAKE_PERIOD_NS, "ns");
	put_info("%s: ns per round beyond the timer's %u ns period", metric,
		 WAKE_PERIOD_NS);
out:
	vm_free(&v);
}

struct pong {
	struct vm *v;
	volatile bool stop;
	volatile bool done;
	bool failed;
};

/* vCPU 1's thread: RUN until told to stop; HLT stays in the kernel. */
static void *pong_thread(void *arg)
{
	struct pong *p = arg;
	sigset_t set;
	int r;

	sigemptyset(&set);
	sigaddset(&set, SIGALRM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	while (!p->stop) {
		r = ioctl(p->v->vcpu1, HV_RUN, 0);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		/* Any exit of vCPU 1 at all is wrong. */
		p->failed = true;
		break;
	}
	p->done = true;
	return NULL;
}

static void on_usr1(int sig)
{
}

/* vCPU 0 IPIs halted vCPU 1, which IPIs halted vCPU 0 back: 2 wake-ups. */
static void bench_wake_ipi(const char *metric)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	struct hv_mp_state mp = { .mp_state = HV_MP_STATE_RUNNABLE };
	unsigned long n = iters(1000, 10), warm = iters(50, 2), i;
	struct hv_regs regs = { 0 };
	struct pong p = { 0 };
	pthread_t thread;
	uint64_t t0, ns = 0;
	struct vm v;

	if (!check_cap(HV_CAP_IRQCHIP)) {
		put_na(metric, "CHECK_EXTENSION(CAP_IRQCHIP) is 0: no in-kernel APIC");
		return;
	}
	if (check_cap(HV_CAP_MAX_VCPUS) < 2) {
		put_na(metric, "fewer than 2 vCPUs per VM");
		return;
	}
	vm_setup_irqchip(&v, true);
	v.vcpu1 = vcpu_add(&v, 1, &v.run1);
	set_gate(&v, VEC_PONG, hvb_g_isr0);
	set_gate(&v, VEC_PING, hvb_g_isr1);
	/* With the in-kernel APIC an AP waits for INIT-SIPI: start it now. */
	if (ioctl(v.vcpu1, HV_SET_MP_STATE, &mp))
		fatal("SET_MP_STATE");
	regs.rip = gpa_of(hvb_g_wake_pong);
	regs.rflags = 0x2;
	regs.rsp = STACK_TOP - 0x10000;
	if (ioctl(v.vcpu1, HV_SET_REGS, &regs))
		fatal("SET_REGS");
	memset(&regs, 0, sizeof(regs));
	vm_enter(&v, hvb_g_wake_ping, &regs);

	sigaction(SIGUSR1, &sa, NULL);
	p.v = &v;
	if (pthread_create(&thread, NULL, pong_thread, &p))
		fatal("pthread_create");
	/* vCPU 1's APIC must accept the first IPI: wait until it is on. */
	for (i = 0; i < 10000 && !guest_u32(&v, WAKE_READY1); i++)
		usleep(1000);
	if (!guest_u32(&v, WAKE_READY1)) {
		fail("%s: vCPU 1 did not start", metric);
		goto stop;
	}
	guest_set_u32(&v, WAKE_ROUNDS, warm);
	if (!wake_round(&v, metric))
		goto stop;
	guest_set_u32(&v, WAKE_ROUNDS, n);
	t0 = now_ns();
	if (!wake_round(&v, metric))
		goto stop;
	ns = now_ns() - t0;
	if (guest_u32(&v, WAKE_COUNT0) != warm + n ||
	    guest_u32(&v, WAKE_COUNT1) != warm + n) {
		fail("%s: %u and %u IPIs received, not %lu each", metric,
		     guest_u32(&v, WAKE_COUNT0), guest_u32(&v, WAKE_COUNT1),
		     warm + n);
		ns = 0;
	}
stop:
	p.stop = true;
	v.run1->immediate_exit = 1;
	/* immediate_exit covers a signal that comes before its RUN. */
	while (!p.done) {
		struct timespec ts = { 0, 1000000 };

		pthread_kill(thread, SIGUSR1);
		nanosleep(&ts, NULL);
	}
	pthread_join(thread, NULL);
	if (p.failed) {
		fail("%s: vCPU 1 left the kernel: exit reason %u", metric,
		     v.run1->exit_reason);
		ns = 0;
	}
	if (ns)
		put_result(metric, (double)ns / n / 2, "ns");
	vm_free(&v);
}

/* ---- not in hvbench ------------------------------------------------- */

static void na_boot(const char *metric)
{
	put_na(metric, "scripts/bench.sh times hv-vmm's Linux boot in a real-time x86-svm host");
}

/* ---- driver --------------------------------------------------------- */

static void bench_pio(const char *m) { bench_user_exit(m, USER_PIO); }
static void bench_mmio(const char *m) { bench_user_exit(m, USER_MMIO); }
static void bench_hlt(const char *m) { bench_user_exit(m, USER_HLT); }
static void bench_touch_4k(const char *m) { bench_touch(m, false); }
static void bench_touch_thp(const char *m) { bench_touch(m, true); }

static const struct metric {
	const char *name;
	void (*fn)(const char *name);
	const char *what;
} metrics[] = {
	{ "exit_cpuid", bench_cpuid, "CPUID(0) round trip, handled in the kernel" },
	{ "exit_cpuid1", bench_cpuid1, "CPUID(1): state-dependent bits computed" },
	{ "exit_rdmsr", bench_rdmsr, "RDMSR of IA32_APIC_BASE, in the kernel" },
	{ "exit_ioeventfd", bench_ioeventfd, "OUT to a PIO ioeventfd, in the kernel" },
	{ "user_pio", bench_pio, "OUT exit to userspace and RUN again" },
	{ "user_mmio", bench_mmio, "MMIO write exit to userspace and RUN again" },
	{ "user_hlt", bench_hlt, "HLT exit to userspace and RUN again" },
	{ "wake_hlt_timer", bench_wake_timer, "HLT woken by the APIC timer, beyond its period" },
	{ "wake_hlt_ipi", bench_wake_ipi, "HLT woken by another vCPU's IPI (round trip / 2)" },
	{ "touch_4k", bench_touch_4k, "first guest write per 4 KiB page" },
	{ "touch_thp", bench_touch_thp, "first guest writes per 2 MiB of THP" },
	{ "vm_create", bench_vm_create, "CREATE_VM and close" },
	{ "vcpu_create", bench_vcpu_create, "CREATE_VCPU" },
	{ "memslot_1", bench_memslot_1, "add + delete a slot, 1 other present" },
	{ "memslot_100", bench_memslot_100, "add + delete a slot, 100 present" },
	{ "memslot_500", bench_memslot_500, "add + delete a slot, 500 present" },
	{ "mem_per_vm", bench_mem_vm, "memcg-charged kernel memory per VM" },
	{ "mem_per_vcpu", bench_mem_vcpu, "memcg-charged kernel memory per vCPU" },
	{ "boot_linux", na_boot, "Linux guest boot to init" },
};

static void print_usage(void)
{
	fprintf(stderr,
		"usage: hvbench [--dev /dev/hv|/dev/kvm] [--quick] [--div D] [--only METRIC] [--list]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *only = NULL;
	bool list = false;
	unsigned int i;
	int nent = 256;

	for (i = 1; i < (unsigned int)argc; i++) {
		if (!strcmp(argv[i], "--dev") && i + 1 < (unsigned int)argc)
			dev_path = argv[++i];
		else if (!strcmp(argv[i], "--quick"))
			quick = true;
		else if (!strcmp(argv[i], "--div") && i + 1 < (unsigned int)argc)
			count_div = strtoul(argv[++i], NULL, 0) ?: 1;
		else if (!strcmp(argv[i], "--only") && i + 1 < (unsigned int)argc)
			only = argv[++i];
		else if (!strcmp(argv[i], "--list"))
			list = true;
		else
			print_usage();
	}
	if (list) {
		for (i = 0; i < ARRAY_SIZE(metrics); i++)
			printf("%-16s %s\n", metrics[i].name, metrics[i].what);
		return 0;
	}

	sys_fd = open(dev_path, O_RDWR | O_CLOEXEC);
	if (sys_fd < 0)
		fatal("open");
	if (ioctl(sys_fd, HV_GET_API_VERSION, 0) != 12)
		fatal("GET_API_VERSION is not 12");
	run_size = ioctl(sys_fd, HV_GET_VCPU_MMAP_SIZE, 0);
	if (run_size <= 0)
		fatal("GET_VCPU_MMAP_SIZE");
	for (;;) {
		cpuid = calloc(1, sizeof(*cpuid) +
			       nent * sizeof(cpuid->entries[0]));
		if (!cpuid)
			fatal("calloc");
		cpuid->nent = nent;
		if (!ioctl(sys_fd, HV_GET_SUPPORTED_CPUID, cpuid))
			break;
		if (errno != E2BIG)
			fatal("GET_SUPPORTED_CPUID");
		free(cpuid);
		nent *= 2;
	}

	for (i = 0; i < ARRAY_SIZE(metrics); i++) {
		if (only && strcmp(only, metrics[i].name))
			continue;
		metrics[i].fn(metrics[i].name);
	}
	close(sys_fd);
	if (failures)
		fprintf(stderr, "hvbench: %s: %d failures\n", dev_path,
			failures);
	return failures ? 1 : 0;
}

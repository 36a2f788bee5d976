// SPDX-License-Identifier: GPL-2.0-only
/*
 * The in-kernel local APIC (HV_CREATE_IRQCHIP), driven by guests through
 * its xAPIC page at 0xfee00000:
 *   - the timer in one-shot, periodic and TSC-deadline mode interrupts
 *     the guest no earlier than programmed, against the guest's TSC;
 *   - four vCPUs pass a fixed IPI around a ring, waiting in HLT: every
 *     vCPU takes each of its IPIs exactly once;
 *   - an AP waits in UNINITIALIZED until the BSP's INIT and SIPI start it
 *     in real mode at the SIPI vector's page;
 *   - a vCPU halted on a long timer uses (almost) no CPU meanwhile;
 *   - x2APIC mode: IA32_APIC_BASE.EXTD, ID and LDR MSRs, self IPIs through
 *     the SELF IPI and 64-bit ICR MSRs, the timer through MSRs, the xAPIC
 *     page reading all ones, the ID in HV_GET/SET_LAPIC;
 *   - ICR delivery modes and destinations on one vCPU: NMI (physical),
 *     lowest priority (logical flat and cluster), fixed (shorthand all);
 *   - external interrupts reach the APIC: an MSI (HV_SIGNAL_MSI), IOAPIC
 *     edge and level pins (the level pin's EOI reaches the IOAPIC, which
 *     then delivers it again), and the PIC through LVT0 in ExtINT mode;
 *   - HV_GET_LAPIC/HV_SET_LAPIC round trip with a running periodic timer;
 *     HV_INTERRUPT is ENXIO, MP states are checked as on KVM;
 *     HV_SET_VAPIC_ADDR takes 0 (QEMU's reset), EINVAL without the APIC.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <time.h>

#include "kselftest_harness.h"
#include "ucall.h"
#include "x86/processor.h"
#include "x86/state.h"

#define APIC_GPA	0xfee00000UL
#define APIC_ID		0x20
#define APIC_TPR	0x80
#define APIC_EOI	0xb0
#define APIC_SVR	0xf0
#define APIC_ICR	0x300
#define APIC_ICR2	0x310
#define APIC_LVTT	0x320
#define APIC_TMICT	0x380
#define APIC_TMCCT	0x390
#define APIC_TDCR	0x3e0
#define LVTT_PERIODIC	(1U << 17)
#define LVTT_TSCDL	(2U << 17)
#define LVT_MASKED	(1U << 16)
#define MSR_TSC_DEADLINE 0x6e0

#define TIMER_VECTOR	0x40
#define IPI_VECTOR	0x50
#define NR_RING		4
#define RING_ROUNDS	50

static inline void apic_write(u32 reg, u32 v)
{
	*(volatile u32 *)(APIC_GPA + reg) = v;
}

static inline u32 apic_read(u32 reg)
{
	return *(volatile u32 *)(APIC_GPA + reg);
}

/* Guest globals. */
static u64 tsc_khz;
static volatile u64 ticks;
static volatile u64 ring_got[NR_RING];
static volatile u64 ring_token[NR_RING];
static volatile u64 ring_ready;

static void timer_handler(struct hv_ex_regs *regs)
{
	ticks++;
	apic_write(APIC_EOI, 0);
}

static void ipi_handler(struct hv_ex_regs *regs)
{
	u32 me = apic_read(APIC_ID) >> 24;

	ring_got[me]++;
	ring_token[me]++;
	apic_write(APIC_EOI, 0);
}

/* Wait for @n ticks with interrupts on; returns the TSC when it came. */
static u64 wait_ticks(u64 n)
{
	u64 start = rdtsc();

	while (ticks < n) {
		/* sti's shadow covers hlt: no wakeup is lost. */
		cli();
		if (ticks < n)
			asm volatile("sti; hlt" ::: "memory");
		sti();
		GUEST_ASSERT(rdtsc() - start < tsc_khz * 20000);
	}
	return rdtsc();
}

static void apic_enable(void)
{
	apic_write(APIC_SVR, 0x1ff);
	apic_write(APIC_TPR, 0);
}

/* mode 0 one-shot, 1 periodic, 2 TSC deadline; a period of @us. */
static void guest_timer(u64 mode, u64 us)
{
	u64 start, end, n = mode == 1 ? 10 : 1, i;

	apic_enable();
	apic_write(APIC_TDCR, 0xb);		/* divide by 1: 1 ns a count */
	if (mode == 2) {
		apic_write(APIC_LVTT, TIMER_VECTOR | LVTT_TSCDL);
		start = rdtsc();
		wrmsr(MSR_TSC_DEADLINE, start + us * tsc_khz / 1000);
		GUEST_ASSERT(rdmsr(MSR_TSC_DEADLINE) != 0);
	} else {
		apic_write(APIC_LVTT, TIMER_VECTOR |
			   (mode ? LVTT_PERIODIC : 0));
		start = rdtsc();
		apic_write(APIC_TMICT, us * 1000);
		GUEST_ASSERT(apic_read(APIC_TMCCT) <= us * 1000);
	}
	end = wait_ticks(n);
	if (mode == 2)
		GUEST_ASSERT_EQ(rdmsr(MSR_TSC_DEADLINE), 0);
	if (mode == 0)
		GUEST_ASSERT_EQ(apic_read(APIC_TMCCT), 0);
	if (mode == 1)
		apic_write(APIC_TMICT, 0);	/* stop */
	/* No interrupt after the last one expected. */
	for (i = 0; i < 3 * us * tsc_khz / 1000; i += 1000) {
		u64 t = rdtsc();

		while (rdtsc() - t < 1000)
			;
	}
	GUEST_SYNC_ARGS(end - start, ticks, n, 0);
	GUEST_DONE();
}

FIXTURE(lapic) {
	int unused;
};

FIXTURE_SETUP(lapic)
{
}

FIXTURE_TEARDOWN(lapic)
{
}

/* A VM with the in-kernel irqchip, or NULL and -errno in @r. */
static struct hv_vm *irqchip_vm(int *r)
{
	struct hv_vm *vm = hv_vm_create();

	*r = __vm_ioctl(vm, HV_CREATE_IRQCHIP, 0);
	if (*r) {
		hv_vm_free(vm);
		return NULL;
	}
	return vm;
}

#define REQUIRE_IRQCHIP(vm)						\
	do {								\
		struct hv_vm *__vm;					\
		int __r;						\
									\
		__vm = irqchip_vm(&__r);				\
		if (!__vm)						\
			SKIP(return, "HV_CREATE_IRQCHIP: %s",		\
			     strerror(-__r));				\
		(vm) = __vm;						\
	} while (0)

static void set_tsc_khz(struct hv_vm *vm, struct hv_vcpu *vcpu)
{
	tsc_khz = vcpu_ioctl(vcpu, HV_GET_TSC_KHZ, 0);
	sync_global_to_guest(vm, tsc_khz);
}

static void mp_state_set(struct hv_vcpu *vcpu, u32 state)
{
	struct hv_mp_state mp = { .mp_state = state };

	vcpu_ioctl(vcpu, HV_SET_MP_STATE, &mp);
}

static u32 mp_state_get(struct hv_vcpu *vcpu)
{
	struct hv_mp_state mp;

	vcpu_ioctl(vcpu, HV_GET_MP_STATE, &mp);
	return mp.mp_state;
}

static void run_timer(struct __test_metadata *_metadata, u64 mode, u64 us)
{
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;
	struct ucall uc;
	u64 cycles, min;

	HV_REQUIRE_GUEST(return);
	REQUIRE_IRQCHIP(vm);
	vm_install_exception_handler(vm, TIMER_VECTOR, timer_handler);
	vcpu = hv_vcpu_add(vm, 0, guest_timer);
	vcpu_set_cpuid_supported(vcpu);
	vcpu_args_set(vcpu, 2, mode, us);
	set_tsc_khz(vm, vcpu);
	vcpu_expect_ucall(vcpu, UCALL_SYNC, &uc);
	cycles = uc.args[0];
	/* A periodic tick may land before the guest stops the timer. */
	EXPECT_TRUE(uc.args[1] == uc.args[2] ||
		    (mode == 1 && uc.args[1] == uc.args[2] + 1)) {
		TH_LOG("mode %llu: %llu interrupts, expected %llu",
		       mode, uc.args[1], uc.args[2]);
	}
	/* Never early: n periods of @us (a timer fires at or after). */
	min = uc.args[2] * us * tsc_khz / 1000;
	TH_LOG("mode %llu: %llu interrupts of %llu us in %llu us", mode,
	       uc.args[1], us, cycles * 1000 / tsc_khz);
	EXPECT_GE(cycles, min - min / 50) {
		TH_LOG("mode %llu: %llu TSC cycles for %llu interrupts of %llu us",
		       mode, cycles, uc.args[2], us);
	}
	EXPECT_LT(cycles, min * 20 + tsc_khz * 1000);
	vcpu_expect_ucall(vcpu, UCALL_DONE, NULL);
	hv_vm_free(vm);
}

TEST(timer_oneshot)
{
	run_timer(_metadata, 0, 20000);
}

TEST(timer_periodic)
{
	run_timer(_metadata, 1, 5000);
}

TEST(timer_tsc_deadline)
{
	HV_REQUIRE(return, HV_CAP_TSC_DEADLINE_TIMER);
	run_timer(_metadata, 2, 20000);
}

/* vCPU @me passes the token to (me + 1) % NR_RING, RING_ROUNDS times. */
static void guest_ring(u64 me)
{
	u64 next = (me + 1) % NR_RING, r;

	apic_enable();
	sti();
	GUEST_ASSERT_EQ(apic_read(APIC_ID) >> 24, me);
	/* A software-disabled APIC drops fixed IPIs: start when all are on. */
	__atomic_add_fetch(&ring_ready, 1, __ATOMIC_SEQ_CST);
	while (ring_ready < NR_RING)
		asm volatile("pause" ::: "memory");
	for (r = 0; r < RING_ROUNDS; r++) {
		/* vCPU 0 starts each round; the others wait for it. */
		if (me != 0 || r != 0) {
			while (!ring_token[me]) {
				cli();
				if (!ring_token[me])
					asm volatile("sti; hlt" ::: "memory");
				sti();
			}
			ring_token[me]--;
		}
		apic_write(APIC_ICR2, next << 24);
		apic_write(APIC_ICR, IPI_VECTOR);	/* fixed, physical */
	}
	/* vCPU 0 takes the last token of the last round. */
	while (me == 0 && ring_got[0] < RING_ROUNDS) {
		cli();
		if (ring_got[0] < RING_ROUNDS)
			asm volatile("sti; hlt" ::: "memory");
		sti();
	}
	GUEST_DONE();
}

/* Set by the watchdog before it interrupts the ring's vCPU threads. */
static volatile bool ring_stalled;

static void ring_wake(int sig)
{
}

static bool apic_vec_set(const struct hv_lapic_state *l, u32 reg, u32 vec)
{
	u32 w;

	memcpy(&w, l->regs + reg + (vec / 32) * 0x10, sizeof(w));
	return w & (1U << (vec % 32));
}

/*
 * Where a vCPU stands when the ring stalls: its MP state and the IPI
 * vector in IRR and ISR, then the registers and events the library
 * prints for an unexpected exit.
 */
static void ring_dump(struct hv_vcpu *vcpu)
{
	struct hv_lapic_state l;

	vcpu_ioctl(vcpu, HV_GET_LAPIC, &l);
	/* stderr: the harness ends the test without flushing stdout. */
	fprintf(stderr, "# vCPU %u: mp_state %u, IPI vector in IRR %d ISR %d\n",
		vcpu->id, mp_state_get(vcpu),
		apic_vec_set(&l, 0x200, IPI_VECTOR),
		apic_vec_set(&l, 0x100, IPI_VECTOR));
	hv_arch_dump_vcpu(vcpu);
}

/* hv's per-vCPU exit counters, when debugfs has them. */
static void ring_debugfs(struct hv_vm *vm, int n)
{
	char path[96], buf[2048];
	ssize_t len;
	int i, fd;

	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/sys/kernel/debug/hv/%d-%d/vcpu%d",
			 getpid(), vm->fd, i);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			return;
		len = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (len <= 0)
			continue;
		buf[len] = 0;
		for (char *c = buf; *c; c++)
			if (*c == '\n')
				*c = ' ';
		fprintf(stderr, "# vCPU %d stats: %s\n", i, buf);
	}
}

static void *ring_thread(void *arg)
{
	struct hv_vcpu *vcpu = arg;
	struct ucall uc;
	int r;

	for (;;) {
		r = ring_stalled ? -EINTR : __vcpu_run(vcpu);
		if (r == -EINTR && ring_stalled) {
			ring_dump(vcpu);
			return NULL;
		}
		errno = -r;
		TEST_ASSERT(!r || r == -EINTR, "HV_RUN on vCPU %u: %d", vcpu->id, r);
		if (r)
			continue;
		switch (get_ucall_ok(vcpu, &uc)) {
		case UCALL_DONE:
			return NULL;
		case UCALL_PRINTF:
			continue;
		default:
			hv_arch_dump_vcpu(vcpu);
			errno = 0;
			TEST_FAIL("vCPU %u: expected ucall DONE, got %llu (exit %u)",
				  vcpu->id, uc.cmd, vcpu->run->exit_reason);
		}
	}
}

TEST_F_TIMEOUT(lapic, ipi_ring, 120)
{
	struct hv_vcpu *vcpus[NR_RING];
	pthread_t threads[NR_RING];
	struct sigaction wake = { .sa_handler = ring_wake };
	struct timespec deadline;
	struct hv_vm *vm;
	u64 got[NR_RING];
	int i;

	HV_REQUIRE_GUEST(return);
	REQUIRE_IRQCHIP(vm);
	vm_install_exception_handler(vm, IPI_VECTOR, ipi_handler);
	for (i = 0; i < NR_RING; i++) {
		vcpus[i] = hv_vcpu_add(vm, i, guest_ring);
		vcpu_args_set(vcpus[i], 1, (u64)i);
		/* APs wait for INIT/SIPI; these start where they are set up. */
		if (i) {
			EXPECT_EQ(HV_MP_STATE_UNINITIALIZED,
				  mp_state_get(vcpus[i]));
			mp_state_set(vcpus[i], HV_MP_STATE_RUNNABLE);
		}
	}
	ring_stalled = false;
	/* No SA_RESTART: the signal makes RUN return -EINTR. */
	sigaction(SIGUSR1, &wake, NULL);
	for (i = 0; i < NR_RING; i++)
		ASSERT_EQ(0, pthread_create(&threads[i], NULL, ring_thread,
					    vcpus[i]));
	/*
	 * 200 rounds of a few exits each take well under a second even in
	 * an emulated host: after 30 s the ring has lost its token.  Say
	 * where each vCPU stands before failing, so the loss can be traced.
	 */
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += 30;
	for (i = 0; i < NR_RING; i++) {
		if (pthread_timedjoin_np(threads[i], NULL, &deadline) != ETIMEDOUT)
			continue;
		hv_sync_from_guest(vm, (void *)ring_got, sizeof(ring_got));
		hv_sync_from_guest(vm, (void *)ring_token, sizeof(ring_token));
		TH_LOG("the ring stalled: got %llu %llu %llu %llu, tokens %llu %llu %llu %llu",
		       ring_got[0], ring_got[1], ring_got[2], ring_got[3],
		       ring_token[0], ring_token[1], ring_token[2], ring_token[3]);
		ring_debugfs(vm, NR_RING);
		sleep(1);
		ring_debugfs(vm, NR_RING);
		ring_stalled = true;
		for (; i < NR_RING; i++) {
			pthread_kill(threads[i], SIGUSR1);
			pthread_join(threads[i], NULL);
		}
		ASSERT_FALSE(ring_stalled);
	}
	hv_sync_from_guest(vm, (void *)ring_got, sizeof(ring_got));
	memcpy(got, (void *)ring_got, sizeof(got));
	for (i = 0; i < NR_RING; i++) {
		u64 n = got[i];

		EXPECT_EQ(RING_ROUNDS, n) {
			TH_LOG("vCPU %d took %llu IPIs", i, n);
		}
	}
	hv_vm_free(vm);
}

/* Real-mode trampoline at 0x8000 (SIPI vector 8): flag, then OUT 0x2001. */
#define TRAMPOLINE	0x8000
#define AP_FLAG		0x9000
#define AP_PORT		0x2001
static const u8 trampoline[] = {
	0xc7, 0x06, 0x00, 0x90, 0x34, 0x12,	/* mov word [0x9000], 0x1234 */
	0xba, 0x01, 0x20,			/* mov dx, 0x2001 */
	0xee,					/* out dx, al */
	0xf4,					/* hlt */
	0xeb, 0xfd,				/* jmp hlt */
};

static void guest_bsp(void)
{
	apic_enable();
	/* INIT, assert, edge, to APIC 1; then SIPI with vector 8 (SDM 8.4.4.1). */
	apic_write(APIC_ICR2, 1U << 24);
	apic_write(APIC_ICR, 0x4500);
	apic_write(APIC_ICR2, 1U << 24);
	apic_write(APIC_ICR, 0x4600 | (TRAMPOLINE >> 12));
	GUEST_SYNC(1);
	while (*(volatile u16 *)AP_FLAG != 0x1234)
		asm volatile("pause" ::: "memory");
	GUEST_DONE();
}

TEST_F_TIMEOUT(lapic, init_sipi, 60)
{
	struct hv_vcpu *bsp, *ap;
	struct hv_sregs sregs;
	struct hv_vm *vm;
	u8 *low;

	HV_REQUIRE_GUEST(return);
	REQUIRE_IRQCHIP(vm);
	low = hv_vm_add_region(vm, 3, 0, 0x10000, 0, HV_BACKING_ANON);
	memcpy(low + TRAMPOLINE, trampoline, sizeof(trampoline));
	bsp = hv_vcpu_add(vm, 0, guest_bsp);
	ap = hv_vcpu_create(vm, 1);
	EXPECT_EQ(HV_MP_STATE_RUNNABLE, mp_state_get(bsp));
	EXPECT_EQ(HV_MP_STATE_UNINITIALIZED, mp_state_get(ap));

	vcpu_expect_ucall(bsp, UCALL_SYNC, NULL);
	/* The INIT and SIPI were sent: GET_MP_STATE processes them. */
	EXPECT_EQ(HV_MP_STATE_RUNNABLE, mp_state_get(ap));
	vcpu_sregs_get(ap, &sregs);
	EXPECT_EQ(TRAMPOLINE >> 4, sregs.cs.selector);
	EXPECT_EQ(TRAMPOLINE, sregs.cs.base);
	EXPECT_EQ(0, sregs.cr0 & X86_CR0_PE);
	vcpu_run(ap);
	vcpu_assert_exit(ap, HV_EXIT_IO);
	EXPECT_EQ(AP_PORT, ap->run->io.port);
	EXPECT_EQ(0x1234, *(u16 *)(low + AP_FLAG));
	vcpu_expect_ucall(bsp, UCALL_DONE, NULL);
	hv_vm_free(vm);
}

static void guest_halt(u64 us)
{
	apic_enable();
	apic_write(APIC_TDCR, 0xb);
	apic_write(APIC_LVTT, TIMER_VECTOR);
	GUEST_SYNC(0);
	apic_write(APIC_TMICT, us * 1000);
	wait_ticks(1);
	GUEST_DONE();
}

static double now(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

TEST_F_TIMEOUT(lapic, halt_sleeps, 60)
{
	struct hv_vcpu *vcpu;
	double wall, cpu;
	struct hv_vm *vm;

	HV_REQUIRE_GUEST(return, HV_CAP_HLT);
	REQUIRE_IRQCHIP(vm);
	vm_install_exception_handler(vm, TIMER_VECTOR, timer_handler);
	vcpu = hv_vcpu_add(vm, 0, guest_halt);
	vcpu_args_set(vcpu, 1, 2000000ULL);	/* 2 s */
	set_tsc_khz(vm, vcpu);
	vcpu_expect_ucall(vcpu, UCALL_SYNC, NULL);
	wall = now(CLOCK_MONOTONIC);
	cpu = now(CLOCK_THREAD_CPUTIME_ID);
	vcpu_expect_ucall(vcpu, UCALL_DONE, NULL);
	wall = now(CLOCK_MONOTONIC) - wall;
	cpu = now(CLOCK_THREAD_CPUTIME_ID) - cpu;
	TH_LOG("halted %.3f s, vCPU thread used %.3f s of CPU", wall, cpu);
	EXPECT_GE(wall, 1.9);
	EXPECT_LT(cpu, wall / 10);
	hv_vm_free(vm);
}

static void guest_periodic(void)
{
	u64 n;

	apic_enable();
	apic_write(APIC_TDCR, 0x3);		/* divide by 16 */
	apic_write(APIC_LVTT, TIMER_VECTOR | LVTT_PERIODIC);
	apic_write(APIC_TMICT, 1000000);	/* 16 ms */
	sti();
	for (n = 1;; n++) {
		wait_ticks(n);
		GUEST_SYNC(ticks);
	}
}

TEST_F_TIMEOUT(lapic, get_set_lapic, 60)
{
	struct hv_lapic_state s, s2;
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;
	struct ucall uc;
	u32 tmcct, *r;
	u64 t;

	HV_REQUIRE_GUEST(return);
	/* Without an in-kernel irqchip there is no APIC state (KVM). */
	vm = hv_vm_create();
	vcpu = hv_vcpu_create(vm, 0);
	EXPECT_EQ(-EINVAL, __vcpu_ioctl(vcpu, HV_GET_LAPIC, &s));
	hv_vm_free(vm);

	REQUIRE_IRQCHIP(vm);
	vm_install_exception_handler(vm, TIMER_VECTOR, timer_handler);
	vcpu = hv_vcpu_add(vm, 0, guest_periodic);
	set_tsc_khz(vm, vcpu);
	vcpu_expect_ucall(vcpu, UCALL_SYNC, &uc);
	vcpu_expect_ucall(vcpu, UCALL_SYNC, &uc);
	t = uc.args[0];

	vcpu_ioctl(vcpu, HV_GET_LAPIC, &s);
	r = (u32 *)s.regs;
	EXPECT_EQ(0, r[APIC_ID / 4]);
	EXPECT_EQ(0x1ff, r[APIC_SVR / 4]);
	EXPECT_EQ(TIMER_VECTOR | LVTT_PERIODIC, r[APIC_LVTT / 4]);
	EXPECT_EQ(1000000, r[APIC_TMICT / 4]);
	EXPECT_EQ(3, r[APIC_TDCR / 4]);
	tmcct = r[APIC_TMCCT / 4];
	EXPECT_LE(tmcct, 1000000);

	/* Back in: the timer keeps running from the saved count. */
	vcpu_ioctl(vcpu, HV_SET_LAPIC, &s);
	vcpu_ioctl(vcpu, HV_GET_LAPIC, &s2);
	r = (u32 *)s2.regs;
	EXPECT_EQ(TIMER_VECTOR | LVTT_PERIODIC, r[APIC_LVTT / 4]);
	EXPECT_EQ(1000000, r[APIC_TMICT / 4]);
	EXPECT_LE(r[APIC_TMCCT / 4], tmcct);
	EXPECT_EQ(0, r[APIC_ID / 4]);
	EXPECT_EQ(0x1ff, r[APIC_SVR / 4]);
	EXPECT_EQ(3, r[APIC_TDCR / 4]);
	vcpu_expect_ucall(vcpu, UCALL_SYNC, &uc);
	vcpu_expect_ucall(vcpu, UCALL_SYNC, &uc);
	EXPECT_GT(uc.args[0], t);	/* still ticking */

	/* A stopped timer stays stopped after SET_LAPIC. */
	r = (u32 *)s.regs;
	r[APIC_TMICT / 4] = 0;
	vcpu_ioctl(vcpu, HV_SET_LAPIC, &s);
	vcpu_ioctl(vcpu, HV_GET_LAPIC, &s2);
	EXPECT_EQ(0, ((u32 *)s2.regs)[APIC_TMCCT / 4]);
	hv_vm_free(vm);
}

#define IOAPIC_GPA	0xfec00000UL
#define MSI_VECTOR	0x71
#define EDGE_VECTOR	0x72
#define LEVEL_VECTOR	0x73
#define PIC_BASE	0x80
#define PIC_IRQ		3
#define EDGE_PIN	10
#define LEVEL_PIN	11
static volatile u64 vec_count[256];

static void ext_handler(struct hv_ex_regs *regs)
{
	vec_count[regs->vector]++;
	if (regs->vector == PIC_BASE + PIC_IRQ) {
		outb(0x20, 0x20);		/* non-specific EOI to the PIC */
		return;
	}
	/* The host lowers the level line before the EOI. */
	if (regs->vector == LEVEL_VECTOR)
		GUEST_SYNC(LEVEL_VECTOR);
	apic_write(APIC_EOI, 0);
}

static void ioapic_write(u32 reg, u32 val)
{
	*(volatile u32 *)IOAPIC_GPA = reg;
	*(volatile u32 *)(IOAPIC_GPA + 0x10) = val;
}

static void vec_wait(u32 vec, u64 n)
{
	u64 spins = 0;

	while (vec_count[vec] < n) {
		cli();
		if (vec_count[vec] < n)
			asm volatile("sti; hlt" ::: "memory");
		sti();
	}
	/* And nothing more follows. */
	while (++spins < 100000)
		asm volatile("pause" ::: "memory");
	GUEST_ASSERT_EQ(vec_count[vec], n);
}

/* Initialise both 8259s (ICW1-4), every input masked. */
static void pic_init_masked(void)
{
	outb(0x20, 0x11);
	outb(0x21, PIC_BASE);
	outb(0x21, 0x04);		/* slave on IR2 */
	outb(0x21, 0x01);
	outb(0xa0, 0x11);
	outb(0xa1, PIC_BASE + 8);
	outb(0xa1, 0x02);
	outb(0xa1, 0x01);
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
}

static void guest_external(void)
{
	/*
	 * GSIs 0-15 reach the PIC too, whose inputs start unmasked, and
	 * LVT0 passes ExtINT: mask the PIC before using IOAPIC pins.
	 */
	pic_init_masked();
	apic_enable();
	sti();
	GUEST_SYNC(1);				/* host: MSI */
	vec_wait(MSI_VECTOR, 1);
	/* Redirection entries (82093AA): vector, fixed, physical, to APIC 0. */
	ioapic_write(0x10 + 2 * EDGE_PIN + 1, 0);
	ioapic_write(0x10 + 2 * EDGE_PIN, EDGE_VECTOR);
	ioapic_write(0x10 + 2 * LEVEL_PIN + 1, 0);
	ioapic_write(0x10 + 2 * LEVEL_PIN, LEVEL_VECTOR | (1 << 15));
	GUEST_SYNC(2);				/* host: edge pin pulse */
	vec_wait(EDGE_VECTOR, 1);
	GUEST_SYNC(3);				/* host: level pin high */
	vec_wait(LEVEL_VECTOR, 1);
	GUEST_SYNC(4);				/* host: level pin high again */
	vec_wait(LEVEL_VECTOR, 2);

	/* One PIC input unmasked; LVT0 is ExtINT since reset. */
	outb(0x21, (u8)~(1 << PIC_IRQ));
	GUEST_SYNC(5);				/* host: PIC IRQ pulse */
	vec_wait(PIC_BASE + PIC_IRQ, 1);
	GUEST_DONE();
}

static void irq_line(struct hv_vm *vm, u32 gsi, u32 level)
{
	struct hv_irq_level irq = { .irq = gsi, .level = level };

	vm_ioctl(vm, HV_IRQ_LINE, &irq);
}

TEST_F_TIMEOUT(lapic, external_interrupts, 60)
{
	struct hv_msi msi = { .address_lo = APIC_GPA, .data = MSI_VECTOR };
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;
	struct ucall uc;
	unsigned int v;

	HV_REQUIRE_GUEST(return);
	REQUIRE_IRQCHIP(vm);
	for (v = 0x70; v < 0x90; v++)
		vm_install_exception_handler(vm, v, ext_handler);
	vcpu = hv_vcpu_add(vm, 0, guest_external);
	vcpu_expect_ucall(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(1, __vm_ioctl(vm, HV_SIGNAL_MSI, &msi));
	vcpu_expect_ucall(vcpu, UCALL_SYNC, &uc);
	ASSERT_EQ(2, uc.args[0]);
	irq_line(vm, EDGE_PIN, 1);
	irq_line(vm, EDGE_PIN, 0);

	vcpu_expect_ucall(vcpu, UCALL_SYNC, &uc);
	ASSERT_EQ(3, uc.args[0]);
	irq_line(vm, LEVEL_PIN, 1);
	vcpu_expect_ucall(vcpu, UCALL_SYNC, &uc);	/* in the handler */
	ASSERT_EQ(LEVEL_VECTOR, uc.args[0]);
	irq_line(vm, LEVEL_PIN, 0);
	vcpu_expect_ucall(vcpu, UCALL_SYNC, &uc);
	ASSERT_EQ(4, uc.args[0]);
	/* Delivered again only if the EOI cleared the entry's Remote IRR. */
	irq_line(vm, LEVEL_PIN, 1);
	vcpu_expect_ucall(vcpu, UCALL_SYNC, &uc);
	ASSERT_EQ(LEVEL_VECTOR, uc.args[0]);
	irq_line(vm, LEVEL_PIN, 0);

	vcpu_expect_ucall(vcpu, UCALL_SYNC, &uc);
	ASSERT_EQ(5, uc.args[0]);
	irq_line(vm, PIC_IRQ, 1);
	irq_line(vm, PIC_IRQ, 0);
	vcpu_expect_ucall(vcpu, UCALL_DONE, NULL);
	hv_vm_free(vm);
}

#define APIC_LDR	0xd0
#define APIC_DFR	0xe0
#define SELF_VECTOR	0x74
static volatile u64 nmi_count;

static void nmi_handler(struct hv_ex_regs *regs)
{
	nmi_count++;
}

static void guest_icr_modes(void)
{
	apic_enable();
	sti();
	/* NMI, physical destination 0: the handler runs, IF untouched. */
	apic_write(APIC_ICR2, 0);
	apic_write(APIC_ICR, 0x400);
	while (!nmi_count)
		asm volatile("pause" ::: "memory");
	GUEST_ASSERT_EQ(vec_count[SELF_VECTOR], 0);

	/* Lowest priority, logical flat: LDR bit 0 matches 0x01 (10.6.2.2). */
	apic_write(APIC_DFR, 0xffffffff);
	apic_write(APIC_LDR, 1U << 24);
	apic_write(APIC_ICR2, 0x01U << 24);
	apic_write(APIC_ICR, 0x100 | 0x800 | SELF_VECTOR);
	vec_wait(SELF_VECTOR, 1);
	/* Logical flat 0x02 matches nobody. */
	apic_write(APIC_ICR2, 0x02U << 24);
	apic_write(APIC_ICR, 0x800 | SELF_VECTOR);
	/* Cluster model: cluster 3, member bit 1. */
	apic_write(APIC_DFR, 0x0fffffff);
	apic_write(APIC_LDR, 0x31U << 24);
	apic_write(APIC_ICR2, 0x33U << 24);
	apic_write(APIC_ICR, 0x800 | SELF_VECTOR);
	vec_wait(SELF_VECTOR, 2);
	/* Shorthand "all including self" ignores the destination. */
	apic_write(APIC_ICR2, 0x44U << 24);
	apic_write(APIC_ICR, 0x80000 | SELF_VECTOR);
	vec_wait(SELF_VECTOR, 3);
	/* A masked TPR class holds it back until TPR drops (CR8 write). */
	write_cr8((SELF_VECTOR >> 4) & 0xf);
	apic_write(APIC_ICR, 0x40000 | SELF_VECTOR);	/* self */
	GUEST_ASSERT_EQ(vec_count[SELF_VECTOR], 3);
	write_cr8(0);
	vec_wait(SELF_VECTOR, 4);
	GUEST_ASSERT_EQ(nmi_count, 1);
	GUEST_DONE();
}

TEST(icr_modes)
{
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;

	HV_REQUIRE_GUEST(return);
	REQUIRE_IRQCHIP(vm);
	vm_install_exception_handler(vm, 2, nmi_handler);
	vm_install_exception_handler(vm, SELF_VECTOR, ext_handler);
	vcpu = hv_vcpu_add(vm, 0, guest_icr_modes);
	vcpu_expect_ucall(vcpu, UCALL_DONE, NULL);
	hv_vm_free(vm);
}

/* The library's save/restore (a VMM's) carries the APIC along. */
TEST_F_TIMEOUT(lapic, save_restore, 60)
{
	struct hv_x86_state *saved, *now;
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;
	struct ucall uc;
	u64 t;

	HV_REQUIRE_GUEST(return);
	REQUIRE_IRQCHIP(vm);
	vm_install_exception_handler(vm, TIMER_VECTOR, timer_handler);
	vcpu = hv_vcpu_add(vm, 0, guest_periodic);
	set_tsc_khz(vm, vcpu);
	vcpu_expect_ucall(vcpu, UCALL_SYNC, &uc);
	t = uc.args[0];
	saved = vcpu_save_state(vcpu);
	ASSERT_TRUE(saved->has_lapic);
	vcpu_load_state(vcpu, saved);
	now = vcpu_read_state(vcpu);
	EXPECT_EQ(0, hv_x86_state_diff(saved, now));
	vcpu_expect_ucall(vcpu, UCALL_SYNC, &uc);
	vcpu_expect_ucall(vcpu, UCALL_SYNC, &uc);
	EXPECT_GT(uc.args[0], t);	/* still ticking */
	hv_x86_state_free(saved);
	hv_x86_state_free(now);
	hv_vm_free(vm);
}

TEST(irqchip_ioctls)
{
	struct hv_interrupt irq = { .irq = 0x30 };
	struct hv_vapic_addr va = { .vapic_addr = 0 };
	struct hv_mp_state mp;
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;

	HV_REQUIRE_GUEST(return);
	/* Without the APIC only RUNNABLE is a valid MP state (KVM). */
	vm = hv_vm_create();
	vcpu = hv_vcpu_create(vm, 1);
	EXPECT_EQ(HV_MP_STATE_RUNNABLE, mp_state_get(vcpu));
	mp.mp_state = HV_MP_STATE_HALTED;
	EXPECT_EQ(-EINVAL, __vcpu_ioctl(vcpu, HV_SET_MP_STATE, &mp));
	/* SET_VAPIC_ADDR needs the in-kernel APIC (KVM). */
	EXPECT_EQ(-EINVAL, __vcpu_ioctl(vcpu, HV_SET_VAPIC_ADDR, &va));
	hv_vm_free(vm);

	REQUIRE_IRQCHIP(vm);
	vcpu = hv_vcpu_create(vm, 0);
	/* Address 0, no TPR shadow page: what QEMU sets at every reset. */
	EXPECT_EQ(0, __vcpu_ioctl(vcpu, HV_SET_VAPIC_ADDR, &va));
	EXPECT_EQ(-EFAULT, __vcpu_ioctl(vcpu, HV_SET_VAPIC_ADDR, NULL));
	EXPECT_EQ(-ENXIO, __vcpu_ioctl(vcpu, HV_INTERRUPT, &irq));
	irq.irq = 256;
	EXPECT_EQ(-EINVAL, __vcpu_ioctl(vcpu, HV_INTERRUPT, &irq));
	mp_state_set(vcpu, HV_MP_STATE_HALTED);
	EXPECT_EQ(HV_MP_STATE_HALTED, mp_state_get(vcpu));
	mp_state_set(vcpu, HV_MP_STATE_INIT_RECEIVED);
	EXPECT_EQ(HV_MP_STATE_INIT_RECEIVED, mp_state_get(vcpu));
	mp.mp_state = HV_MP_STATE_STOPPED;	/* s390 */
	EXPECT_EQ(-EINVAL, __vcpu_ioctl(vcpu, HV_SET_MP_STATE, &mp));
	mp.mp_state = 1000;
	EXPECT_EQ(-EINVAL, __vcpu_ioctl(vcpu, HV_SET_MP_STATE, &mp));
	/* SIPI_RECEIVED: INIT_RECEIVED with a SIPI pending, which starts it. */
	mp_state_set(vcpu, HV_MP_STATE_SIPI_RECEIVED);
	EXPECT_EQ(HV_MP_STATE_RUNNABLE, mp_state_get(vcpu));
	hv_vm_free(vm);
}

#define X2APIC_MSR(reg)	(0x800 + ((reg) >> 4))
#define X2_VCPU		5
#define X2_VECTOR	0x60
static volatile u64 x2_count;

static void x2_handler(struct hv_ex_regs *regs)
{
	x2_count++;
	wrmsr(X2APIC_MSR(APIC_EOI), 0);
}

static void x2_wait(u64 n)
{
	while (x2_count < n) {
		cli();
		if (x2_count < n)
			asm volatile("sti; hlt" ::: "memory");
		sti();
	}
}

static void guest_x2apic(void)
{
	u64 base = rdmsr(MSR_IA32_APICBASE);

	GUEST_ASSERT(base & (1U << 11));
	GUEST_ASSERT_EQ(apic_read(APIC_ID), X2_VCPU << 24);
	wrmsr(MSR_IA32_APICBASE, base | (1U << 10));		/* EXTD */
	GUEST_ASSERT_EQ(rdmsr(X2APIC_MSR(APIC_ID)), X2_VCPU);
	GUEST_ASSERT_EQ(rdmsr(X2APIC_MSR(0xd0)), 1U << X2_VCPU); /* LDR */
	/* The xAPIC page is gone: all ones (KVM's LAPIC_MMIO_HOLE). */
	GUEST_ASSERT_EQ(apic_read(APIC_ID), 0xffffffff);
	wrmsr(X2APIC_MSR(APIC_SVR), 0x1ff);
	sti();
	wrmsr(X2APIC_MSR(0x3f0), X2_VECTOR);			/* SELF IPI */
	x2_wait(1);
	/* ICR: one 64-bit write, destination in 63:32, physical. */
	wrmsr(X2APIC_MSR(APIC_ICR), (u64)X2_VCPU << 32 | X2_VECTOR);
	x2_wait(2);
	/* Logical: cluster 0, bit X2_VCPU. */
	wrmsr(X2APIC_MSR(APIC_ICR), (1ULL << X2_VCPU) << 32 | 0x800 |
	      X2_VECTOR);
	x2_wait(3);
	wrmsr(X2APIC_MSR(APIC_TDCR), 0xb);
	wrmsr(X2APIC_MSR(APIC_LVTT), X2_VECTOR);
	wrmsr(X2APIC_MSR(APIC_TMICT), 1000000);
	x2_wait(4);
	GUEST_ASSERT_EQ(rdmsr(X2APIC_MSR(APIC_TMCCT)), 0);
	GUEST_SYNC(x2_count);
	GUEST_DONE();
}

TEST(x2apic)
{
	struct hv_lapic_state s;
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;
	struct ucall uc;
	u32 *r;

	HV_REQUIRE_GUEST(return);
	REQUIRE_IRQCHIP(vm);
	vm_install_exception_handler(vm, X2_VECTOR, x2_handler);
	vcpu = hv_vcpu_add(vm, X2_VCPU, guest_x2apic);
	vcpu_set_cpuid_supported(vcpu);
	mp_state_set(vcpu, HV_MP_STATE_RUNNABLE);
	vcpu_expect_ucall(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(4, uc.args[0]);
	/* Without HV_CAP_X2APIC_API the ID travels in xAPIC position. */
	vcpu_ioctl(vcpu, HV_GET_LAPIC, &s);
	r = (u32 *)s.regs;
	EXPECT_EQ(X2_VCPU << 24, r[APIC_ID / 4]);
	EXPECT_EQ(1U << X2_VCPU, r[0xd0 / 4]);
	r[0xd0 / 4] = 0;			/* SET recomputes LDR */
	vcpu_ioctl(vcpu, HV_SET_LAPIC, &s);
	vcpu_ioctl(vcpu, HV_GET_LAPIC, &s);
	EXPECT_EQ(X2_VCPU << 24, r[APIC_ID / 4]);
	EXPECT_EQ(1U << X2_VCPU, r[0xd0 / 4]);
	vcpu_expect_ucall(vcpu, UCALL_DONE, NULL);
	hv_vm_free(vm);
}

int main(int argc, char **argv)
{
	hv_require_dev();
	return test_harness_run(argc, argv);
}

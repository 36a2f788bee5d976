// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest's generic timers and WFI, with the in-kernel GICv3:
 *   - the virtual timer (CNTV_*, PPI 27) and the EL1 physical timer
 *     (CNTP_*, PPI 30) interrupt the guest through the vGIC, into its own
 *     vector table, several times in a row, each at or after its CVAL;
 *   - the guest's virtual count starts near 0 (CNTVOFF), and ONE_REG
 *     TIMER_CNT reads and moves it;
 *   - WFI with a timer 200 ms ahead and interrupts masked sleeps: the
 *     vCPU thread uses far less CPU time than the wait lasts, and the
 *     wait ends once the count passed CVAL.
 * With HV_DEV=/dev/kvm the same program runs against Linux's KVM.
 */
#include <time.h>

#include "kselftest_harness.h"
#include "ucall.h"
#include "arm64/gic.h"

#define VTIMER_PPI	27
#define PTIMER_PPI	30
#define ROUNDS		4

/* Guest globals. */
static u64 irq_count, bad_intid, early;
static bool use_ptimer;

static void timer_set(u64 cval, u64 ctl)
{
	if (use_ptimer) {
		write_sysreg(cval, cntp_cval_el0);
		write_sysreg(ctl, cntp_ctl_el0);
	} else {
		write_sysreg(cval, cntv_cval_el0);
		write_sysreg(ctl, cntv_ctl_el0);
	}
	isb();
}

static u64 timer_count(void)
{
	isb();
	return use_ptimer ? read_sysreg(cntpct_el0) : read_sysreg(cntvct_el0);
}

static void guest_irq(struct hv_ex_regs *regs)
{
	u32 want = use_ptimer ? PTIMER_PPI : VTIMER_PPI;
	u32 intid = gic_guest_ack();
	u64 ctl = use_ptimer ? read_sysreg(cntp_ctl_el0) :
			       read_sysreg(cntv_ctl_el0);

	if (intid != want) {
		WRITE_ONCE(bad_intid, intid);
	} else {
		/* The condition holds: ISTATUS (Arm ARM D11.2.4). */
		if (!(ctl & CNT_CTL_ISTATUS))
			WRITE_ONCE(early, early + 1);
		WRITE_ONCE(irq_count, irq_count + 1);
		/* Silence the source before the EOI, as Linux does. */
		timer_set(0, CNT_CTL_IMASK);
	}
	if (intid != GIC_SPURIOUS)
		gic_guest_eoi(intid);
}

static void guest_timer_irq(void)
{
	u64 freq = read_sysreg(cntfrq_el0);
	int i;

	gic_guest_init();
	gic_guest_enable(0, use_ptimer ? PTIMER_PPI : VTIMER_PPI);
	local_irq_enable();
	for (i = 0; i < ROUNDS; i++) {
		u64 cval = timer_count() + freq / 1000;	/* 1 ms */

		timer_set(cval, CNT_CTL_ENABLE);
		while (READ_ONCE(irq_count) <= (u64)i && !READ_ONCE(bad_intid))
			wfi();
		GUEST_ASSERT_EQ(READ_ONCE(bad_intid), 0);
		GUEST_ASSERT(timer_count() >= cval);
	}
	GUEST_ASSERT_EQ(READ_ONCE(early), 0);
	GUEST_DONE();
}

static void run_timer_irq(struct __test_metadata *_metadata, bool ptimer)
{
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;
	int fd;

	vm = hv_vm_create();
	vcpu = hv_vcpu_add(vm, 0, guest_timer_irq);
	vm_install_exception_handler(vm, HV_VEC_IRQ_EL1H, guest_irq);
	use_ptimer = ptimer;
	sync_global_to_guest(vm, use_ptimer);
	fd = vgic_v3_setup(vm, 64);
	vcpu_expect_ucall(vcpu, UCALL_DONE, NULL);
	sync_global_from_guest(vm, irq_count);
	EXPECT_EQ(ROUNDS, irq_count);
	close(fd);
	hv_vm_free(vm);
}

TEST(vtimer_irq)
{
	HV_REQUIRE_GUEST(return, HV_CAP_DEVICE_CTRL);
	run_timer_irq(_metadata, false);
}

TEST(ptimer_irq)
{
	HV_REQUIRE_GUEST(return, HV_CAP_DEVICE_CTRL);
	run_timer_irq(_metadata, true);
}

static void guest_counter(void)
{
	GUEST_SYNC(timer_count());
	GUEST_SYNC(timer_count());
	GUEST_DONE();
}

TEST(virtual_counter)
{
	struct hv_vcpu *vcpu;
	struct ucall uc;
	struct hv_vm *vm;
	u64 freq, cnt;

	HV_REQUIRE_GUEST(return);
	vm = hv_vm_create();
	vcpu = hv_vcpu_add(vm, 0, guest_counter);
	use_ptimer = false;
	sync_global_to_guest(vm, use_ptimer);
	asm volatile("mrs %0, cntfrq_el0" : "=r"(freq));

	/* Counting from VM creation: well under a minute so far. */
	vcpu_expect_ucall(vcpu, UCALL_SYNC, &uc);
	EXPECT_GT(60 * freq, uc.args[0]);
	cnt = vcpu_get_reg(vcpu, HV_REG_ARM_TIMER_CNT);
	EXPECT_LE(uc.args[0], cnt);
	/* Move it 1000 s ahead: the guest sees that. */
	vcpu_set_reg(vcpu, HV_REG_ARM_TIMER_CNT, cnt + 1000 * freq);
	vcpu_expect_ucall(vcpu, UCALL_SYNC, &uc);
	EXPECT_LE(cnt + 1000 * freq, uc.args[0]);
	EXPECT_GT(cnt + 1060 * freq, uc.args[0]);
	vcpu_expect_ucall(vcpu, UCALL_DONE, NULL);
	hv_vm_free(vm);
}

static void guest_wfi(void)
{
	u64 freq = read_sysreg(cntfrq_el0);
	u64 cval, n = 0;

	gic_guest_init();
	gic_guest_enable(0, VTIMER_PPI);
	/* Interrupts stay masked: WFI still ends on the pending timer. */
	cval = timer_count() + freq / 5;		/* 200 ms */
	timer_set(cval, CNT_CTL_ENABLE);
	while (timer_count() < cval) {
		wfi();
		n++;
	}
	timer_set(0, 0);
	GUEST_SYNC(n);
	GUEST_DONE();
}

static u64 ns_of(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

TEST(wfi_sleeps)
{
	u64 wall, cpu;
	struct hv_vcpu *vcpu;
	struct ucall uc;
	struct hv_vm *vm;
	int fd;

	HV_REQUIRE_GUEST(return, HV_CAP_DEVICE_CTRL);
	vm = hv_vm_create();
	vcpu = hv_vcpu_add(vm, 0, guest_wfi);
	use_ptimer = false;
	sync_global_to_guest(vm, use_ptimer);
	fd = vgic_v3_setup(vm, 64);

	wall = ns_of(CLOCK_MONOTONIC);
	cpu = ns_of(CLOCK_THREAD_CPUTIME_ID);
	vcpu_expect_ucall(vcpu, UCALL_SYNC, &uc);
	cpu = ns_of(CLOCK_THREAD_CPUTIME_ID) - cpu;
	wall = ns_of(CLOCK_MONOTONIC) - wall;
	TH_LOG("200 ms of WFI: %llu ms wall, %llu ms CPU, %llu WFIs",
	       wall / 1000000, cpu / 1000000, uc.args[0]);
	EXPECT_LE(190000000ULL, wall);
	/* A WFI that returned at once would spin: CPU time close to wall. */
	EXPECT_GT(wall / 2, cpu);
	EXPECT_GT(1000, uc.args[0]);
	vcpu_expect_ucall(vcpu, UCALL_DONE, NULL);
	close(fd);
	hv_vm_free(vm);
}

int main(int argc, char **argv)
{
	hv_require_dev();
	return test_harness_run(argc, argv);
}

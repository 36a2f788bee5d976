// SPDX-License-Identifier: GPL-2.0-only
/*
 * NMIs from userspace (HV_NMI), as QEMU's kernel-irqchip=off injects them:
 *   - the guest's vector 2 handler runs where the guest resumes, even with
 *     IF=0;
 *   - while that handler has not executed IRET, further NMIs are held
 *     (SDM vol. 3, 6.7.1) and one of them is delivered right after the
 *     IRET, before the interrupted code runs on;
 *   - however many NMIs arrive meanwhile, only one is held.
 */
#include "kselftest_harness.h"
#include "ucall.h"
#include "x86/irq_inject.h"
#include "x86/processor.h"

/* Guest: handlers of NMI running (all share the IST1 stack). */
static u64 nmi_depth;
/* Guest: the first handler makes a ucall before it returns. */
static u64 nmi_sync_first;

static void nmi_handler(struct hv_ex_regs *regs)
{
	if (READ_ONCE(nmi_depth))
		GUEST_FAIL("NMI nested in the handler of NMI 0x%llx",
			   READ_ONCE(irq_nr));
	WRITE_ONCE(nmi_depth, 1);
	irq_record(regs);
	if (READ_ONCE(irq_nr) == 1 && READ_ONCE(nmi_sync_first)) {
		/* the host queues NMIs now, they must wait for IRET */
		GUEST_SYNC(1);
		irq_linger_expect(1);
	}
	WRITE_ONCE(nmi_depth, 0);
}

/* IF=0; a ucall the host answers with HV_NMI; wait for @expect NMIs. */
static void guest_nmis(u64 expect)
{
	cli();
	GUEST_SYNC(0);
	GUEST_ASSERT(irq_wait(expect));
	irq_linger_expect(expect);
	GUEST_DONE();
}

static struct hv_vcpu *nmi_guest(struct hv_vm *vm, u64 expect, bool sync)
{
	struct hv_vcpu *vcpu;

	nmi_sync_first = sync;
	sync_global_to_guest(vm, nmi_sync_first);
	vcpu = hv_vcpu_add(vm, 0, guest_nmis);
	vm_install_exception_handler(vm, NMI_VECTOR, nmi_handler);
	vcpu_args_set(vcpu, 1, expect);
	return vcpu;
}

/* Run to the guest's first ucall; returns where an NMI then lands. */
static u64 run_to_nmi(struct __test_metadata *_metadata,
		      struct hv_vcpu *vcpu)
{
	struct ucall uc;

	vcpu_expect_ucall(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(0, uc.args[0]);
	EXPECT_EQ(0, vcpu->run->if_flag);
	return vcpu_rip(vcpu) + UCALL_OUT_LEN;
}

static void expect_nmi(struct __test_metadata *_metadata, unsigned int i,
		       u64 rip)
{
	struct irq_event *e = &irq_log[i];

	EXPECT_EQ(NMI_VECTOR, e->vector);
	EXPECT_EQ(rip, e->rip);
	EXPECT_FALSE(e->rflags & (X86_EFLAGS_IF | X86_EFLAGS_TF));
}

TEST(nmi_delivered)
{
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;
	u64 rip;

	HV_REQUIRE_GUEST(return, HV_CAP_USER_NMI);
	HV_REQUIRE_IRQ_IOCTL(return, true);
	vm = hv_vm_create();
	vcpu = nmi_guest(vm, 1, false);
	rip = run_to_nmi(_metadata, vcpu);
	ASSERT_EQ(0, __vcpu_ioctl(vcpu, HV_NMI, 0));
	vcpu_expect_ucall(vcpu, UCALL_DONE, NULL);
	sync_global_from_guest(vm, irq_nr);
	sync_global_from_guest(vm, irq_log);
	ASSERT_EQ(1, irq_nr);
	expect_nmi(_metadata, 0, rip);
	hv_vm_free(vm);
}

/*
 * The first handler stops at a ucall; the host injects @nmis NMIs; the
 * handler runs on and returns; exactly one more NMI follows, at the RIP
 * the first one interrupted (no instruction runs between IRET and it),
 * and with the interrupted RFLAGS (no TF of a single-step over IRET).
 */
static void nmi_during_handler(struct __test_metadata *_metadata, int nmis)
{
	struct hv_vcpu *vcpu;
	struct ucall uc;
	struct hv_vm *vm;
	u64 rip;
	int i;

	vm = hv_vm_create();
	vcpu = nmi_guest(vm, 2, true);
	rip = run_to_nmi(_metadata, vcpu);
	vcpu_nmi(vcpu);
	vcpu_expect_ucall(vcpu, UCALL_SYNC, &uc);
	ASSERT_EQ(1, uc.args[0]);
	for (i = 0; i < nmis; i++)
		vcpu_nmi(vcpu);
	vcpu_expect_ucall(vcpu, UCALL_DONE, NULL);
	sync_global_from_guest(vm, irq_nr);
	sync_global_from_guest(vm, irq_log);
	ASSERT_EQ(2, irq_nr);
	expect_nmi(_metadata, 0, rip);
	expect_nmi(_metadata, 1, rip);
	hv_vm_free(vm);
}

TEST(nmi_blocked_until_iret)
{
	HV_REQUIRE_GUEST(return, HV_CAP_USER_NMI);
	HV_REQUIRE_IRQ_IOCTL(return, true);
	nmi_during_handler(_metadata, 1);
}

TEST(nmi_held_at_most_one)
{
	HV_REQUIRE_GUEST(return, HV_CAP_USER_NMI);
	HV_REQUIRE_IRQ_IOCTL(return, true);
	nmi_during_handler(_metadata, 3);
}

int main(int argc, char **argv)
{
	hv_require_dev();
	return test_harness_run(argc, argv);
}

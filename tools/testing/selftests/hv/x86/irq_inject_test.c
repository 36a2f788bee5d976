// SPDX-License-Identifier: GPL-2.0-only
/*
 * External interrupts from a userspace irqchip (QEMU's kernel-irqchip=off):
 * HV_INTERRUPT queues a vector that the next RUN delivers through the
 * guest's IDT.  Userspace injects only when the last exit reported
 * ready_for_interrupt_injection (x86/irq_window_test.c covers waiting for
 * that); then the guest takes the interrupt right where it resumes:
 *   - the handler runs once, at the instruction after the exit's OUT;
 *   - vectors past 255 are EINVAL and queue nothing;
 *   - a second HV_INTERRUPT before RUN replaces the queued vector;
 *   - an interrupt whose delivery takes a nested page fault (IDT, TSS or
 *     IST stack never touched by the guest, or zapped by the host) is
 *     delivered again after the fault, and exactly once.
 */
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "ucall.h"
#include "x86/irq_inject.h"
#include "x86/processor.h"

/* Offset of IST1 in the 64-bit TSS (SDM vol. 3, figure 8-11). */
#define TSS_IST1	0x24

/*
 * IF=1; for each of @rounds: a ucall the host answers with HV_INTERRUPT,
 * then wait for that interrupt and check that no other one follows.
 */
static void guest_irq_rounds(u64 rounds)
{
	u64 i;

	sti();
	for (i = 1; i <= rounds; i++) {
		GUEST_SYNC(i);
		GUEST_ASSERT(irq_wait(i));
		irq_linger_expect(i);
	}
	GUEST_DONE();
}

/* A vCPU at @guest_code whose guest logs vectors 0x20-0xff. */
static struct hv_vcpu *irq_guest(struct hv_vm *vm, void *guest_code)
{
	unsigned int v;

	for (v = 0x20; v < HV_NR_VECTORS; v++)
		vm_install_exception_handler(vm, v, irq_record);
	return hv_vcpu_add(vm, 0, guest_code);
}

static struct hv_vcpu *rounds_guest(struct hv_vm *vm, u64 rounds)
{
	struct hv_vcpu *vcpu = irq_guest(vm, guest_irq_rounds);

	vcpu_args_set(vcpu, 1, rounds);
	return vcpu;
}

/*
 * Run to the guest's ucall of round @round: it is ready for an interrupt.
 * Returns the RIP after that ucall's OUT, where the interrupt lands.
 */
static u64 run_to_round(struct __test_metadata *_metadata,
			struct hv_vcpu *vcpu, u64 round)
{
	struct ucall uc;

	vcpu_expect_ucall(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(round, uc.args[0]);
	EXPECT_EQ(1, vcpu->run->if_flag);
	EXPECT_EQ(1, vcpu->run->ready_for_interrupt_injection);
	return vcpu_rip(vcpu) + UCALL_OUT_LEN;
}

static void expect_irq(struct __test_metadata *_metadata, unsigned int i,
		       u64 vector, u64 rip)
{
	struct irq_event *e = &irq_log[i];

	EXPECT_EQ(vector, e->vector);
	EXPECT_EQ(rip, e->rip);
	EXPECT_TRUE(e->rflags & X86_EFLAGS_IF);
	/* an interrupt gate clears IF */
	EXPECT_FALSE(e->handler_rflags & X86_EFLAGS_IF);
}

TEST(interrupt_delivered)
{
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;
	u64 rip;

	HV_REQUIRE_GUEST(return);
	HV_REQUIRE_IRQ_IOCTL(return, false);
	vm = hv_vm_create();
	vcpu = rounds_guest(vm, 1);
	rip = run_to_round(_metadata, vcpu, 1);
	ASSERT_EQ(0, __vcpu_interrupt(vcpu, IRQ_VECTOR));
	vcpu_expect_ucall(vcpu, UCALL_DONE, NULL);
	sync_global_from_guest(vm, irq_nr);
	sync_global_from_guest(vm, irq_log);
	ASSERT_EQ(1, irq_nr);
	expect_irq(_metadata, 0, IRQ_VECTOR, rip);
	hv_vm_free(vm);
}

static void guest_vector_range(void)
{
	sti();
	GUEST_SYNC(1);		/* the host's HV_INTERRUPTs all fail */
	irq_linger_expect(0);
	GUEST_SYNC(2);		/* vector 255 */
	GUEST_ASSERT(irq_wait(1));
	irq_linger_expect(1);
	GUEST_DONE();
}

TEST(interrupt_vector_range)
{
	static const u32 bad[] = { 256, 257, 0x1030, 0x80000030, 0xffffffff };
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;
	unsigned int i;
	u64 rip;

	HV_REQUIRE_GUEST(return);
	HV_REQUIRE_IRQ_IOCTL(return, false);
	vm = hv_vm_create();
	vcpu = irq_guest(vm, guest_vector_range);
	run_to_round(_metadata, vcpu, 1);
	for (i = 0; i < HV_ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(-EINVAL, __vcpu_interrupt(vcpu, bad[i])) {
			TH_LOG("irq 0x%x", bad[i]);
		}
	}
	rip = run_to_round(_metadata, vcpu, 2);
	ASSERT_EQ(0, __vcpu_interrupt(vcpu, 255));
	vcpu_expect_ucall(vcpu, UCALL_DONE, NULL);
	sync_global_from_guest(vm, irq_log);
	expect_irq(_metadata, 0, 255, rip);
	hv_vm_free(vm);
}

/*
 * Without an in-kernel irqchip KVM keeps one queued interrupt and
 * HV_INTERRUPT overwrites it (kvm_queue_interrupt()): the second call
 * succeeds and only its vector is delivered.  EEXIST is for the split
 * irqchip, ENXIO for an in-kernel PIC.
 */
TEST(second_interrupt_replaces_first)
{
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;
	u64 rip;

	HV_REQUIRE_GUEST(return);
	HV_REQUIRE_IRQ_IOCTL(return, false);
	vm = hv_vm_create();
	vcpu = rounds_guest(vm, 1);
	rip = run_to_round(_metadata, vcpu, 1);
	ASSERT_EQ(0, __vcpu_interrupt(vcpu, IRQ_VECTOR));
	EXPECT_EQ(0, __vcpu_interrupt(vcpu, IRQ_VECTOR + 1));
	/* the guest checks that exactly one interrupt arrives */
	vcpu_expect_ucall(vcpu, UCALL_DONE, NULL);
	sync_global_from_guest(vm, irq_log);
	expect_irq(_metadata, 0, IRQ_VECTOR + 1, rip);
	hv_vm_free(vm);
}

/*
 * Delivery reads the IDT gate and the TSS and pushes the frame on the IST
 * stack.  Put the IDT and the IST stack on a new memory slot the guest
 * never touched (the TSS it never touched either): the first delivery
 * exits on a nested page fault and the interrupt in flight must be
 * delivered again after it.  Then the host drops the stack page
 * (MADV_DONTNEED, which unmaps it from the nested page tables) and a
 * second interrupt faults on it again.  Each is delivered exactly once,
 * at the RIP the guest resumed at.
 */
TEST(interrupt_redelivered_after_npf)
{
	struct hv_sregs sregs;
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;
	u64 ist, rip[2];
	char *mem;

	HV_REQUIRE_GUEST(return);
	HV_REQUIRE_IRQ_IOCTL(return, false);
	vm = hv_vm_create();
	vcpu = rounds_guest(vm, 2);
	mem = hv_vm_add_region(vm, HV_SLOT_TEST, HV_TEST_GPA,
			       2 * HV_PAGE_SIZE, 0, HV_BACKING_ANON);
	memcpy(mem, hv_gpa2hva(vm, vm->idt), HV_PAGE_SIZE);
	vcpu_sregs_get(vcpu, &sregs);
	sregs.idt.base = HV_TEST_GPA;
	vcpu_sregs_set(vcpu, &sregs);
	ist = HV_TEST_GPA + 2 * HV_PAGE_SIZE;
	memcpy((char *)hv_gpa2hva(vm, vcpu->tss) + TSS_IST1, &ist, 8);

	rip[0] = run_to_round(_metadata, vcpu, 1);
	vcpu_interrupt(vcpu, IRQ_VECTOR);
	rip[1] = run_to_round(_metadata, vcpu, 2);
	ASSERT_EQ(0, madvise(mem + HV_PAGE_SIZE, HV_PAGE_SIZE,
			     MADV_DONTNEED));
	vcpu_interrupt(vcpu, IRQ_VECTOR + 1);
	vcpu_expect_ucall(vcpu, UCALL_DONE, NULL);

	sync_global_from_guest(vm, irq_nr);
	sync_global_from_guest(vm, irq_log);
	ASSERT_EQ(2, irq_nr);
	expect_irq(_metadata, 0, IRQ_VECTOR, rip[0]);
	expect_irq(_metadata, 1, IRQ_VECTOR + 1, rip[1]);
	hv_vm_free(vm);
}

int main(int argc, char **argv)
{
	hv_require_dev();
	return test_harness_run(argc, argv);
}

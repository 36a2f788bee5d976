// SPDX-License-Identifier: GPL-2.0-only
/*
 * When a userspace irqchip may inject: every exit reports RFLAGS.IF in
 * run->if_flag and whether HV_INTERRUPT may be used now (IF=1, no
 * interrupt shadow) in run->ready_for_interrupt_injection, and
 * run->request_interrupt_window makes RUN return HV_EXIT_IRQ_WINDOW_OPEN
 * as soon as the guest can take an interrupt:
 *   - after an IF=0 stretch, at the first instruction after STI's shadow,
 *     where the injected interrupt is then taken;
 *   - at once when the guest is interruptible already;
 *   - if_flag and ready_for_interrupt_injection after OUT and HLT exits
 *     with IF=0, IF=1 and in the STI shadow;
 *   - run->cr8 is the guest's CR8 both ways (RUN fails with EINVAL above
 *     15); a guest lowering CR8 exits with HV_EXIT_SET_TPR, as an
 *     interrupt may be deliverable now; CR8 does not mask injected
 *     interrupts: the TPR is the userspace APIC's business.
 */
#include "kselftest_harness.h"
#include "ucall.h"
#include "x86/irq_inject.h"
#include "x86/processor.h"

#define FLAGS_PORT	0x80
/* Iterations the guest runs with IF=0 before STI. */
#define CLI_SPINS	(1ULL << 18)

/* Guest: counted after the STI shadow; what the handler saw. */
static u64 spins_after;
static u64 seen_rdx, seen_spins_after;

static void shadow_handler(struct hv_ex_regs *regs)
{
	seen_rdx = regs->rdx;
	seen_spins_after = READ_ONCE(spins_after);
	irq_record(regs);
}

/*
 * IF=0 for a while, STI, one instruction in its shadow, then wait.  The
 * instruction in the shadow only sets RDX: an exit inside the shadow
 * (say, a nested page fault on a store) would be legitimate but loses
 * the shadow under QEMU's TCG emulation of SVM.
 */
static void guest_sti_late(void)
{
	u64 budget = IRQ_WAIT_SPINS, rdx = 0;
	u64 i;

	WRITE_ONCE(spins_after, 0);	/* map its page now */
	cli();
	GUEST_SYNC(0);
	for (i = 0; i < CLI_SPINS; i++)
		asm volatile("" : : : "memory");
	asm volatile("sti\n\t"
		     "mov $1, %%edx\n"
		     "after_shadow:\n\t"
		     "incq %[after]\n\t"
		     "cmpq $0, %[nr]\n\t"
		     "jne 1f\n\t"
		     "decq %[budget]\n\t"
		     "jnz after_shadow\n"
		     "1:"
		     : [after] "+m"(spins_after), [budget] "+r"(budget),
		       "+d"(rdx)
		     : [nr] "m"(irq_nr)
		     : "memory", "cc");
	GUEST_ASSERT(budget);
	irq_linger_expect(1);
	GUEST_DONE();
}

TEST(window_opens_after_sti_shadow)
{
	struct hv_vcpu *vcpu;
	struct hv_regs regs;
	struct hv_vm *vm;

	HV_REQUIRE_GUEST(return);
	HV_REQUIRE_IRQ_IOCTL(return, false);
	vm = hv_vm_create();
	vm_install_exception_handler(vm, IRQ_VECTOR, shadow_handler);
	vcpu = hv_vcpu_add(vm, 0, guest_sti_late);
	vcpu_expect_ucall(vcpu, UCALL_SYNC, NULL);
	EXPECT_EQ(0, vcpu->run->if_flag);
	EXPECT_EQ(0, vcpu->run->ready_for_interrupt_injection);

	vcpu->run->request_interrupt_window = 1;
	vcpu_run(vcpu);
	vcpu_assert_exit(vcpu, HV_EXIT_IRQ_WINDOW_OPEN);
	EXPECT_EQ(1, vcpu->run->if_flag);
	EXPECT_EQ(1, vcpu->run->ready_for_interrupt_injection);
	vcpu_regs_get(vcpu, &regs);
	EXPECT_EQ(ASM_ADDR(after_shadow), regs.rip);
	EXPECT_EQ(1, regs.rdx);
	sync_global_from_guest(vm, spins_after);
	EXPECT_EQ(0, spins_after);

	vcpu->run->request_interrupt_window = 0;
	vcpu_interrupt(vcpu, IRQ_VECTOR);
	vcpu_expect_ucall(vcpu, UCALL_DONE, NULL);
	sync_global_from_guest(vm, irq_log);
	sync_global_from_guest(vm, seen_rdx);
	sync_global_from_guest(vm, seen_spins_after);
	EXPECT_EQ(IRQ_VECTOR, irq_log[0].vector);
	EXPECT_EQ(ASM_ADDR(after_shadow), irq_log[0].rip);
	EXPECT_EQ(1, seen_rdx);
	EXPECT_EQ(0, seen_spins_after);
	hv_vm_free(vm);
}

/* IF=1; a ucall with the guest's CR8, then wait for one interrupt. */
static void guest_wait_sti(void)
{
	sti();
	GUEST_SYNC(read_cr8());
	GUEST_ASSERT(irq_wait(1));
	irq_linger_expect(1);
	GUEST_DONE();
}

/*
 * Request the window at the guest's ucall: RUN exits with
 * HV_EXIT_IRQ_WINDOW_OPEN before the guest's own next exit (KVM enters
 * the guest, which exits on the window at once), and the interrupt
 * injected then is taken where that exit left the guest.
 */
static void window_at_ucall(struct __test_metadata *_metadata, u64 cr8)
{
	struct hv_vcpu *vcpu;
	struct ucall uc;
	struct hv_vm *vm;
	u64 out_rip, rip;

	vm = hv_vm_create();
	vm_install_exception_handler(vm, IRQ_VECTOR, irq_record);
	vcpu = hv_vcpu_add(vm, 0, guest_wait_sti);
	vcpu->run->cr8 = cr8;
	vcpu_expect_ucall(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(cr8, uc.args[0]);
	EXPECT_EQ(1, vcpu->run->if_flag);
	EXPECT_EQ(1, vcpu->run->ready_for_interrupt_injection);
	out_rip = vcpu_rip(vcpu) + UCALL_OUT_LEN;

	vcpu->run->request_interrupt_window = 1;
	vcpu_run(vcpu);
	vcpu_assert_exit(vcpu, HV_EXIT_IRQ_WINDOW_OPEN);
	EXPECT_EQ(1, vcpu->run->if_flag);
	EXPECT_EQ(1, vcpu->run->ready_for_interrupt_injection);
	EXPECT_EQ(cr8, vcpu->run->cr8);
	rip = vcpu_rip(vcpu);
	TH_LOG("window exit %llu bytes after the ucall's OUT", rip - out_rip);

	vcpu->run->request_interrupt_window = 0;
	vcpu_interrupt(vcpu, IRQ_VECTOR);
	vcpu_expect_ucall(vcpu, UCALL_DONE, NULL);
	sync_global_from_guest(vm, irq_log);
	EXPECT_EQ(IRQ_VECTOR, irq_log[0].vector);
	EXPECT_EQ(rip, irq_log[0].rip);
	hv_vm_free(vm);
}

TEST(window_when_interruptible)
{
	HV_REQUIRE_GUEST(return);
	HV_REQUIRE_IRQ_IOCTL(return, false);
	window_at_ucall(_metadata, 0);
}

/* CR8 = 15 would mask vector 0x30 at a local APIC: not here. */
TEST(cr8_does_not_mask_injection)
{
	HV_REQUIRE_GUEST(return);
	HV_REQUIRE_IRQ_IOCTL(return, false);
	window_at_ucall(_metadata, 15);
}

static void guest_flags(void)
{
	asm volatile("cli\n\t"
		     "outb %%al, %[port]\n\t"
		     "sti\n\t"
		     "nop\n\t"
		     "outb %%al, %[port]\n\t"
		     "cli\n\t"
		     "sti\n\t"
		     "outb %%al, %[port]\n\t"
		     "cli\n\t"
		     "hlt\n\t"
		     "sti\n\t"
		     "hlt\n\t"
		     "cli"
		     : : "a"(0), [port] "i"(FLAGS_PORT) : "memory");
	GUEST_DONE();
}

TEST(run_reports_if_flag)
{
	static const struct {
		const char *what;
		u32 exit;
		u8 if_flag, ready;
	} exits[] = {
		{ "cli; out", HV_EXIT_IO, 0, 0 },
		{ "sti; nop; out", HV_EXIT_IO, 1, 1 },
		{ "sti; out (STI shadow)", HV_EXIT_IO, 1, 0 },
		{ "cli; hlt", HV_EXIT_HLT, 0, 0 },
		{ "sti; hlt", HV_EXIT_HLT, 1, 1 },
	};
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;
	unsigned int i;

	HV_REQUIRE_GUEST(return);
	HV_REQUIRE_IRQ_IOCTL(return, false);
	vm = hv_vm_create();
	vcpu = hv_vcpu_add(vm, 0, guest_flags);
	for (i = 0; i < HV_ARRAY_SIZE(exits); i++) {
		vcpu_run(vcpu);
		vcpu_assert_exit(vcpu, exits[i].exit);
		if (exits[i].exit == HV_EXIT_IO)
			EXPECT_EQ(FLAGS_PORT, vcpu->run->io.port);
		EXPECT_EQ(exits[i].if_flag, vcpu->run->if_flag) {
			TH_LOG("%s", exits[i].what);
		}
		EXPECT_EQ(exits[i].ready,
			  vcpu->run->ready_for_interrupt_injection) {
			TH_LOG("%s", exits[i].what);
		}
	}
	vcpu_expect_ucall(vcpu, UCALL_DONE, NULL);
	hv_vm_free(vm);
}

static void guest_cr8(void)
{
	GUEST_SYNC(read_cr8());
	write_cr8(12);
	GUEST_SYNC(read_cr8());
	asm volatile("mov %0, %%cr8\n"
		     "after_cr8_lower:" : : "r"(3ULL) : "memory");
	GUEST_SYNC(read_cr8());
	GUEST_SYNC(read_cr8());
	GUEST_DONE();
}

TEST(run_cr8)
{
	static const u64 bad[] = { 16, 0x100, 1ULL << 63 };
	struct hv_vcpu *vcpu;
	struct ucall uc;
	struct hv_vm *vm;
	unsigned int i;
	u64 rip;

	HV_REQUIRE_GUEST(return);
	HV_REQUIRE_IRQ_IOCTL(return, false);
	vm = hv_vm_create();
	vcpu = hv_vcpu_add(vm, 0, guest_cr8);
	/* RUN loads run->cr8 into CR8 ... */
	vcpu->run->cr8 = 7;
	vcpu_expect_ucall(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(7, uc.args[0]);
	EXPECT_EQ(7, vcpu->run->cr8);
	/* ... exits report the guest's writes; raising it does not exit */
	vcpu_expect_ucall(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(12, uc.args[0]);
	EXPECT_EQ(12, vcpu->run->cr8);
	/* lowering it may unmask an interrupt: HV_EXIT_SET_TPR after it */
	vcpu_run(vcpu);
	vcpu_assert_exit(vcpu, HV_EXIT_SET_TPR);
	EXPECT_EQ(3, vcpu->run->cr8);
	EXPECT_EQ(ASM_ADDR(after_cr8_lower), vcpu_rip(vcpu));
	vcpu_expect_ucall(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(3, uc.args[0]);
	EXPECT_EQ(3, vcpu->run->cr8);

	/* No entry with a reserved bit; the exit's values are reported. */
	rip = vcpu_rip(vcpu);
	for (i = 0; i < HV_ARRAY_SIZE(bad); i++) {
		vcpu->run->cr8 = bad[i];
		EXPECT_EQ(-EINVAL, __vcpu_run(vcpu)) {
			TH_LOG("cr8 0x%llx", bad[i]);
		}
		EXPECT_EQ(3, vcpu->run->cr8);
		EXPECT_EQ(rip, vcpu_rip(vcpu));
	}
	vcpu->run->cr8 = 9;
	vcpu_expect_ucall(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(9, uc.args[0]);
	EXPECT_EQ(9, vcpu->run->cr8);
	vcpu_expect_ucall(vcpu, UCALL_DONE, NULL);
	hv_vm_free(vm);
}

int main(int argc, char **argv)
{
	hv_require_dev();
	return test_harness_run(argc, argv);
}

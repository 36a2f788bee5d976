// SPDX-License-Identifier: GPL-2.0-only
/*
 * Interrupts into a guest through the in-kernel GICv3:
 *   - HV_IRQ_LINE raises a level-triggered SPI: the guest's handler sees
 *     its INTID and the line stays pending until userspace lowers it; an
 *     edge-triggered SPI (a pulse) and a PPI of vCPU 0 are delivered too;
 *   - an irqfd on GSI 3 (KVM's default routing: SPI 35) delivers when
 *     its eventfd is written;
 *   - an SGI the guest sends itself through ICC_SGI1R_EL1.
 * With HV_DEV=/dev/kvm the same program runs against Linux's KVM.
 */
#include <sys/eventfd.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "ucall.h"
#include "arm64/gic.h"

#define LEVEL_SPI	40
#define EDGE_SPI	41
#define TEST_PPI	23
#define IRQFD_GSI	3
#define IRQFD_SPI	(32 + IRQFD_GSI)
#define TEST_SGI	5

static u64 got[1024];

static void guest_irq(struct hv_ex_regs *regs)
{
	u32 intid = gic_guest_ack();

	if (intid == GIC_SPURIOUS)
		return;
	/* The host sees which one, and lowers a level line now. */
	GUEST_SYNC_ARGS(1, intid, 0, 0);
	WRITE_ONCE(got[intid & 1023], got[intid & 1023] + 1);
	gic_guest_eoi(intid);
}

static void wait_for(u32 intid)
{
	while (!READ_ONCE(got[intid]))
		wfi();
}

static void guest_code(void)
{
	gic_guest_init();
	gic_guest_enable(0, LEVEL_SPI);
	gic_guest_set_edge(EDGE_SPI);
	gic_guest_enable(0, EDGE_SPI);
	gic_guest_enable(0, TEST_PPI);
	gic_guest_set_edge(IRQFD_SPI);
	gic_guest_enable(0, IRQFD_SPI);
	local_irq_enable();

	GUEST_SYNC_ARGS(0, LEVEL_SPI, 0, 0);
	wait_for(LEVEL_SPI);
	GUEST_SYNC_ARGS(0, EDGE_SPI, 0, 0);
	wait_for(EDGE_SPI);
	GUEST_SYNC_ARGS(0, TEST_PPI, 0, 0);
	wait_for(TEST_PPI);
	GUEST_SYNC_ARGS(0, IRQFD_SPI, 0, 0);
	wait_for(IRQFD_SPI);
	/* SGI 5 to this CPU: Aff3.Aff2.Aff1 0, TargetList bit 0. */
	write_sysreg_s(((u64)TEST_SGI << 24) | 1, SYS_ICC_SGI1R_EL1);
	isb();
	wait_for(TEST_SGI);
	/* Each one exactly once. */
	GUEST_ASSERT_EQ(got[LEVEL_SPI], 1);
	GUEST_ASSERT_EQ(got[EDGE_SPI], 1);
	GUEST_ASSERT_EQ(got[TEST_PPI], 1);
	GUEST_ASSERT_EQ(got[IRQFD_SPI], 1);
	GUEST_ASSERT_EQ(got[TEST_SGI], 1);
	GUEST_DONE();
}

/* Run until the guest says it is ready for @intid. */
static void expect_ready(struct __test_metadata *_metadata,
			 struct hv_vcpu *vcpu, u32 intid)
{
	struct ucall uc;

	vcpu_expect_ucall(vcpu, UCALL_SYNC, &uc);
	ASSERT_EQ(0, uc.args[0]);
	ASSERT_EQ(intid, uc.args[1]);
}

/* Run until the guest's handler reports @intid. */
static void expect_irq(struct __test_metadata *_metadata,
		       struct hv_vcpu *vcpu, u32 intid)
{
	struct ucall uc;

	vcpu_expect_ucall(vcpu, UCALL_SYNC, &uc);
	ASSERT_EQ(1, uc.args[0]);
	ASSERT_EQ(intid, uc.args[1]);
}

TEST(inject)
{
	struct hv_irqfd irqfd = { .gsi = IRQFD_GSI };
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;
	u64 one = 1;
	int fd, efd;

	HV_REQUIRE_GUEST(return, HV_CAP_DEVICE_CTRL, HV_CAP_IRQFD);
	vm = hv_vm_create();
	vcpu = hv_vcpu_add(vm, 0, guest_code);
	vm_install_exception_handler(vm, HV_VEC_IRQ_EL1H, guest_irq);
	fd = vgic_v3_setup(vm, 64);
	efd = eventfd(0, EFD_CLOEXEC);
	ASSERT_LE(0, efd);
	irqfd.fd = efd;
	ASSERT_EQ(0, __vm_ioctl(vm, HV_IRQFD, &irqfd));

	expect_ready(_metadata, vcpu, LEVEL_SPI);
	ASSERT_EQ(0, __irq_line(vm, HV_ARM_IRQ_TYPE_SPI, 0, LEVEL_SPI, 1));
	expect_irq(_metadata, vcpu, LEVEL_SPI);
	ASSERT_EQ(0, __irq_line(vm, HV_ARM_IRQ_TYPE_SPI, 0, LEVEL_SPI, 0));

	expect_ready(_metadata, vcpu, EDGE_SPI);
	ASSERT_EQ(0, __irq_line(vm, HV_ARM_IRQ_TYPE_SPI, 0, EDGE_SPI, 1));
	ASSERT_EQ(0, __irq_line(vm, HV_ARM_IRQ_TYPE_SPI, 0, EDGE_SPI, 0));
	expect_irq(_metadata, vcpu, EDGE_SPI);

	expect_ready(_metadata, vcpu, TEST_PPI);
	ASSERT_EQ(0, __irq_line(vm, HV_ARM_IRQ_TYPE_PPI, 0, TEST_PPI, 1));
	expect_irq(_metadata, vcpu, TEST_PPI);
	ASSERT_EQ(0, __irq_line(vm, HV_ARM_IRQ_TYPE_PPI, 0, TEST_PPI, 0));

	expect_ready(_metadata, vcpu, IRQFD_SPI);
	ASSERT_EQ(8, write(efd, &one, sizeof(one)));
	expect_irq(_metadata, vcpu, IRQFD_SPI);

	expect_irq(_metadata, vcpu, TEST_SGI);
	vcpu_expect_ucall(vcpu, UCALL_DONE, NULL);

	irqfd.flags = HV_IRQFD_FLAG_DEASSIGN;
	EXPECT_EQ(0, __vm_ioctl(vm, HV_IRQFD, &irqfd));
	close(efd);
	close(fd);
	hv_vm_free(vm);
}

int main(int argc, char **argv)
{
	hv_require_dev();
	return test_harness_run(argc, argv);
}

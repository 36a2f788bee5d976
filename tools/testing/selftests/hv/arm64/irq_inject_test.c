// SPDX-License-Identifier: GPL-2.0-only
/*
 * Interrupts into a guest through the in-kernel GICv3:
 *   - HV_IRQ_LINE raises a level-triggered SPI: the guest's handler sees
 *     its INTID and the line stays pending until userspace lowers it; an
 *     edge-triggered SPI (a pulse) and a PPI of vCPU 0 are delivered too;
 *   - an irqfd on GSI 3 (KVM's default routing: SPI 35) delivers when
 *     its eventfd is written;
 *   - an SGI the guest sends itself through ICC_SGI1R_EL1;
 *   - a resampling irqfd holds a level-triggered SPI until the guest
 *     deactivates it, then signals its resamplefd once;
 *   - two vCPUs in their own threads: an SGI from vCPU 0 to vCPU 1, an
 *     SPI routed to vCPU 1 by GICD_IROUTER (and not seen by vCPU 0), and
 *     both vCPUs taking their own virtual timer's interrupts from WFI.
 * With HV_DEV=/dev/kvm the same program runs against Linux's KVM.
 */
#include <pthread.h>
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
	gic_guest_set_level(LEVEL_SPI);
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

#define RESAMPLE_GSI	13
#define RESAMPLE_SPI	(32 + RESAMPLE_GSI)

static void guest_resample(void)
{
	gic_guest_init();
	gic_guest_set_level(RESAMPLE_SPI);
	gic_guest_enable(0, RESAMPLE_SPI);
	local_irq_enable();
	GUEST_SYNC_ARGS(0, RESAMPLE_SPI, 0, 0);
	wait_for(RESAMPLE_SPI);
	/* Deactivated in the handler; this exit shows it to the host. */
	GUEST_SYNC_ARGS(2, RESAMPLE_SPI, 0, 0);
	GUEST_ASSERT_EQ(READ_ONCE(got[RESAMPLE_SPI]), 1);
	GUEST_DONE();
}

TEST(resample_irqfd)
{
	struct hv_irqfd irqfd = {
		.gsi = RESAMPLE_GSI, .flags = HV_IRQFD_FLAG_RESAMPLE,
	};
	struct hv_vcpu *vcpu;
	struct ucall uc;
	struct hv_vm *vm;
	u64 one = 1, n = 0;
	int fd, efd, rfd;

	HV_REQUIRE_GUEST(return, HV_CAP_DEVICE_CTRL, HV_CAP_IRQFD_RESAMPLE);
	vm = hv_vm_create();
	vcpu = hv_vcpu_add(vm, 0, guest_resample);
	vm_install_exception_handler(vm, HV_VEC_IRQ_EL1H, guest_irq);
	fd = vgic_v3_setup(vm, 64);
	efd = eventfd(0, EFD_CLOEXEC);
	rfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ASSERT_LE(0, efd);
	ASSERT_LE(0, rfd);
	irqfd.fd = efd;
	irqfd.resamplefd = rfd;
	ASSERT_EQ(0, __vm_ioctl(vm, HV_IRQFD, &irqfd));

	expect_ready(_metadata, vcpu, RESAMPLE_SPI);
	ASSERT_EQ(8, write(efd, &one, sizeof(one)));
	expect_irq(_metadata, vcpu, RESAMPLE_SPI);
	/* Taken, not deactivated yet: no resample. */
	EXPECT_EQ(-1, read(rfd, &n, sizeof(n)));
	vcpu_expect_ucall(vcpu, UCALL_SYNC, &uc);
	ASSERT_EQ(2, uc.args[0]);
	EXPECT_EQ(8, read(rfd, &n, sizeof(n)));
	EXPECT_EQ(1, n);
	vcpu_expect_ucall(vcpu, UCALL_DONE, NULL);
	close(rfd);
	close(efd);
	close(fd);
	hv_vm_free(vm);
}

#define ROUTED_SPI	50
#define CPU1_SGI	3
#define VTIMER_PPI	27

static u64 got2[2][64];
static u64 ready2[2];

static void guest_irq2(struct hv_ex_regs *regs)
{
	u32 cpu = read_sysreg(mpidr_el1) & 1;
	u32 intid = gic_guest_ack();

	if (intid == GIC_SPURIOUS)
		return;
	if (intid == VTIMER_PPI)
		write_sysreg(CNT_CTL_IMASK, cntv_ctl_el0);
	isb();
	if (intid < 64)
		WRITE_ONCE(got2[cpu][intid], got2[cpu][intid] + 1);
	gic_guest_eoi(intid);
}

static void guest_two(u64 cpu)
{
	u64 freq = read_sysreg(cntfrq_el0);
	int i;

	gic_guest_init();
	gic_guest_enable(cpu, VTIMER_PPI);
	gic_guest_enable(cpu, CPU1_SGI);
	if (cpu == 0) {
		gic_guest_set_edge(ROUTED_SPI);
		writeq(1, HV_GIC_DIST_GPA + GICD_IROUTER(ROUTED_SPI));
		gic_guest_enable(0, ROUTED_SPI);
	}
	WRITE_ONCE(ready2[cpu], 1);
	local_irq_enable();
	if (cpu == 0) {
		while (!READ_ONCE(ready2[1]))
			;
		/* Aff3.Aff2.Aff1 0, TargetList bit 1: vCPU 1. */
		write_sysreg_s(((u64)CPU1_SGI << 24) | BIT(1), SYS_ICC_SGI1R_EL1);
		isb();
		GUEST_SYNC(ROUTED_SPI);
	} else {
		while (!READ_ONCE(got2[1][CPU1_SGI]) ||
		       !READ_ONCE(got2[1][ROUTED_SPI]))
			wfi();
	}
	for (i = 0; i < 3; i++) {
		u64 cval = read_sysreg(cntvct_el0) + freq / 500;	/* 2 ms */

		write_sysreg(cval, cntv_cval_el0);
		write_sysreg(CNT_CTL_ENABLE, cntv_ctl_el0);
		isb();
		while (READ_ONCE(got2[cpu][VTIMER_PPI]) <= (u64)i)
			wfi();
	}
	GUEST_ASSERT_EQ(READ_ONCE(got2[cpu][VTIMER_PPI]), 3);
	GUEST_ASSERT_EQ(READ_ONCE(got2[cpu][CPU1_SGI]), cpu == 1);
	GUEST_ASSERT_EQ(READ_ONCE(got2[cpu][ROUTED_SPI]), cpu == 1);
	GUEST_DONE();
}

static void *run_two(void *arg)
{
	struct hv_vcpu *vcpu = arg;
	struct ucall uc;

	for (;;) {
		switch (vcpu_run_ucall(vcpu, &uc)) {
		case UCALL_SYNC:
			TEST_ASSERT(!__irq_line(vcpu->vm, HV_ARM_IRQ_TYPE_SPI, 0,
						uc.args[0], 1) &&
				    !__irq_line(vcpu->vm, HV_ARM_IRQ_TYPE_SPI, 0,
						uc.args[0], 0),
				    "IRQ_LINE SPI %llu", uc.args[0]);
			break;
		case UCALL_DONE:
			return NULL;
		default:
			TEST_FAIL("unexpected ucall %llu", uc.cmd);
		}
	}
}

TEST(two_vcpus)
{
	struct hv_vcpu *vcpu[2];
	pthread_t t[2];
	struct hv_vm *vm;
	int fd, i;

	HV_REQUIRE_GUEST(return, HV_CAP_DEVICE_CTRL);
	vm = hv_vm_create();
	for (i = 0; i < 2; i++) {
		vcpu[i] = hv_vcpu_add(vm, i, guest_two);
		vcpu_args_set(vcpu[i], 1, (u64)i);
	}
	vm_install_exception_handler(vm, HV_VEC_IRQ_EL1H, guest_irq2);
	fd = vgic_v3_setup(vm, 64);
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, pthread_create(&t[i], NULL, run_two, vcpu[i]));
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, pthread_join(t[i], NULL));
	close(fd);
	hv_vm_free(vm);
}

int main(int argc, char **argv)
{
	hv_require_dev();
	return test_harness_run(argc, argv);
}

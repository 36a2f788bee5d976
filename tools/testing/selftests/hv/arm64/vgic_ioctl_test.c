// SPDX-License-Identifier: GPL-2.0-only
/*
 * The in-kernel GICv3 device (HV_CREATE_DEVICE HV_DEV_TYPE_ARM_VGIC_V3)
 * and HV_IRQ_LINE on arm64, with KVM's errno (Linux 6.1,
 * arch/arm64/kvm/vgic/vgic-kvm-device.c, arm.c):
 *   - device creation: unknown type ENODEV, the TEST flag, a second
 *     GICv3 EEXIST, a GICv3 after a vCPU ran EBUSY;
 *   - GRP_ADDR: alignment EINVAL, beyond the IPA space E2BIG, twice
 *     EEXIST, other models' frames ENXIO, reading back, undefined ~0;
 *   - GRP_NR_IRQS: the bounds and steps (EINVAL), once (EBUSY), read back;
 *   - GRP_CTRL INIT: then no more vCPUs (EBUSY) and no NR_IRQS (EBUSY);
 *   - HV_IRQ_LINE: ENXIO without a GIC for SPIs and PPIs, ENXIO with one
 *     for the CPU lines, EBUSY before INIT, EINVAL for INTIDs out of the
 *     type's range or a vCPU that does not exist;
 *   - RUN with the frames not placed fails with ENXIO;
 *   - the guest reads the distributor's and redistributor's ID registers
 *     as the configuration says;
 *   - a REDIST_REGION (one region), its errors, the frames' registers
 *     through GRP_DIST_REGS/GRP_REDIST_REGS, line levels through
 *     GRP_LEVEL_INFO, and the vCPU's timer interrupt attributes.
 * With HV_DEV=/dev/kvm the same program runs against Linux's KVM.
 */
#include "kselftest_harness.h"
#include "ucall.h"
#include "arm64/gic.h"

static int get_u64_attr(int fd, u32 group, u64 attr, u64 *val)
{
	return __vgic_attr(fd, HV_GET_DEVICE_ATTR, group, attr, val);
}

static int set_u64_attr(int fd, u32 group, u64 attr, u64 val)
{
	return __vgic_attr(fd, HV_SET_DEVICE_ATTR, group, attr, &val);
}

static int set_nr_irqs(int fd, u32 n)
{
	return __vgic_attr(fd, HV_SET_DEVICE_ATTR, HV_DEV_ARM_VGIC_GRP_NR_IRQS,
			   0, &n);
}

static void guest_done(void)
{
	GUEST_DONE();
}

TEST(create)
{
	struct hv_vm *vm;
	int fd;

	HV_REQUIRE_GUEST(return, HV_CAP_DEVICE_CTRL);
	vm = hv_vm_create_bare();
	EXPECT_EQ(-ENODEV, __vgic_create(vm, 0xffff, 0));
	EXPECT_EQ(0, __vgic_create(vm, HV_DEV_TYPE_ARM_VGIC_V3,
				   HV_CREATE_DEVICE_TEST));
	fd = __vgic_create(vm, HV_DEV_TYPE_ARM_VGIC_V3, 0);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-EEXIST, __vgic_create(vm, HV_DEV_TYPE_ARM_VGIC_V3, 0));
	/* The test flag asks about the type, not about this VM. */
	EXPECT_EQ(0, __vgic_create(vm, HV_DEV_TYPE_ARM_VGIC_V3,
				   HV_CREATE_DEVICE_TEST));
	EXPECT_EQ(0, hv_ioctl(fd, HV_HAS_DEVICE_ATTR, (unsigned long)
			      &(struct hv_device_attr){
				      .group = HV_DEV_ARM_VGIC_GRP_CTRL,
				      .attr = HV_DEV_ARM_VGIC_CTRL_INIT }));
	close(fd);
	hv_vm_free(vm);
}

TEST(addresses)
{
	struct hv_vm *vm;
	u64 val;
	int fd;

	HV_REQUIRE_GUEST(return, HV_CAP_DEVICE_CTRL);
	vm = hv_vm_create_bare();
	fd = __vgic_create(vm, HV_DEV_TYPE_ARM_VGIC_V3, 0);
	ASSERT_LE(0, fd);

	ASSERT_EQ(0, get_u64_attr(fd, HV_DEV_ARM_VGIC_GRP_ADDR,
				  HV_VGIC_V3_ADDR_TYPE_REDIST, &val));
	EXPECT_EQ(~0ULL, val);
	EXPECT_EQ(-EINVAL, set_u64_attr(fd, HV_DEV_ARM_VGIC_GRP_ADDR,
					HV_VGIC_V3_ADDR_TYPE_DIST, 0x81000));
	EXPECT_EQ(-E2BIG, set_u64_attr(fd, HV_DEV_ARM_VGIC_GRP_ADDR,
				       HV_VGIC_V3_ADDR_TYPE_DIST, 1ULL << 40));
	EXPECT_EQ(-ENXIO, set_u64_attr(fd, HV_DEV_ARM_VGIC_GRP_ADDR,
				       HV_VGIC_V2_ADDR_TYPE_DIST,
				       HV_GIC_DIST_GPA));
	EXPECT_EQ(-ENXIO, set_u64_attr(fd, HV_DEV_ARM_VGIC_GRP_ADDR, 99,
				       HV_GIC_DIST_GPA));
	EXPECT_EQ(0, set_u64_attr(fd, HV_DEV_ARM_VGIC_GRP_ADDR,
				  HV_VGIC_V3_ADDR_TYPE_DIST, HV_GIC_DIST_GPA));
	EXPECT_EQ(-EEXIST, set_u64_attr(fd, HV_DEV_ARM_VGIC_GRP_ADDR,
					HV_VGIC_V3_ADDR_TYPE_DIST,
					HV_GIC_DIST_GPA + 0x10000));
	ASSERT_EQ(0, get_u64_attr(fd, HV_DEV_ARM_VGIC_GRP_ADDR,
				  HV_VGIC_V3_ADDR_TYPE_DIST, &val));
	EXPECT_EQ(HV_GIC_DIST_GPA, val);
	EXPECT_EQ(-EINVAL, set_u64_attr(fd, HV_DEV_ARM_VGIC_GRP_ADDR,
					HV_VGIC_V3_ADDR_TYPE_REDIST,
					HV_GIC_REDIST_GPA + 0x800));
	EXPECT_EQ(0, set_u64_attr(fd, HV_DEV_ARM_VGIC_GRP_ADDR,
				  HV_VGIC_V3_ADDR_TYPE_REDIST,
				  HV_GIC_REDIST_GPA));
	EXPECT_EQ(-EEXIST, set_u64_attr(fd, HV_DEV_ARM_VGIC_GRP_ADDR,
					HV_VGIC_V3_ADDR_TYPE_REDIST,
					HV_GIC_REDIST_GPA));
	ASSERT_EQ(0, get_u64_attr(fd, HV_DEV_ARM_VGIC_GRP_ADDR,
				  HV_VGIC_V3_ADDR_TYPE_REDIST, &val));
	EXPECT_EQ(HV_GIC_REDIST_GPA, val);
	close(fd);
	hv_vm_free(vm);
}

TEST(nr_irqs_and_init)
{
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;
	u32 n = 0;
	int fd;

	HV_REQUIRE_GUEST(return, HV_CAP_DEVICE_CTRL);
	vm = hv_vm_create();
	vcpu = hv_vcpu_add(vm, 0, guest_done);
	fd = __vgic_create(vm, HV_DEV_TYPE_ARM_VGIC_V3, 0);
	ASSERT_LE(0, fd);

	EXPECT_EQ(-EINVAL, set_nr_irqs(fd, 48));
	EXPECT_EQ(-EINVAL, set_nr_irqs(fd, 100));
	EXPECT_EQ(-EINVAL, set_nr_irqs(fd, 1024));
	/* SPIs before INIT: KVM's lazy init refuses for a GICv3. */
	EXPECT_EQ(-EBUSY, __irq_line(vm, HV_ARM_IRQ_TYPE_SPI, 0, 40, 1));
	EXPECT_EQ(0, set_nr_irqs(fd, 128));
	EXPECT_EQ(-EBUSY, set_nr_irqs(fd, 128));
	ASSERT_EQ(0, __vgic_attr(fd, HV_GET_DEVICE_ATTR,
				 HV_DEV_ARM_VGIC_GRP_NR_IRQS, 0, &n));
	EXPECT_EQ(128, n);
	EXPECT_EQ(-ENXIO, __vgic_attr(fd, HV_SET_DEVICE_ATTR,
				      HV_DEV_ARM_VGIC_GRP_CTRL, 0x1234, NULL));
	ASSERT_EQ(0, __vgic_attr(fd, HV_SET_DEVICE_ATTR,
				 HV_DEV_ARM_VGIC_GRP_CTRL,
				 HV_DEV_ARM_VGIC_CTRL_INIT, NULL));
	EXPECT_EQ(-EBUSY, __vm_ioctl(vm, HV_CREATE_VCPU, 1));

	/* HV_IRQ_LINE's ranges with a GIC. */
	EXPECT_EQ(0, __irq_line(vm, HV_ARM_IRQ_TYPE_SPI, 0, 40, 1));
	EXPECT_EQ(0, __irq_line(vm, HV_ARM_IRQ_TYPE_SPI, 0, 40, 0));
	EXPECT_EQ(0, __irq_line(vm, HV_ARM_IRQ_TYPE_SPI, 0, 127, 0));
	EXPECT_EQ(-EINVAL, __irq_line(vm, HV_ARM_IRQ_TYPE_SPI, 0, 128, 1));
	EXPECT_EQ(-EINVAL, __irq_line(vm, HV_ARM_IRQ_TYPE_SPI, 0, 31, 1));
	EXPECT_EQ(0, __irq_line(vm, HV_ARM_IRQ_TYPE_PPI, 0, 20, 0));
	EXPECT_EQ(-EINVAL, __irq_line(vm, HV_ARM_IRQ_TYPE_PPI, 0, 15, 1));
	EXPECT_EQ(-EINVAL, __irq_line(vm, HV_ARM_IRQ_TYPE_PPI, 0, 32, 1));
	EXPECT_EQ(-EINVAL, __irq_line(vm, HV_ARM_IRQ_TYPE_PPI, 5, 20, 1));
	EXPECT_EQ(-ENXIO, __irq_line(vm, HV_ARM_IRQ_TYPE_CPU, 0,
				     HV_ARM_IRQ_CPU_IRQ, 1));
	EXPECT_EQ(-EINVAL, __irq_line(vm, 3, 0, 40, 1));

	/* The frames were never placed: the first RUN fails. */
	EXPECT_EQ(-ENXIO, __vcpu_run(vcpu));
	close(fd);
	hv_vm_free(vm);
}

TEST(irq_line_without_gic)
{
	struct hv_vm *vm;

	HV_REQUIRE_GUEST(return);
	vm = hv_vm_create();
	hv_vcpu_add(vm, 0, guest_done);
	EXPECT_EQ(-ENXIO, __irq_line(vm, HV_ARM_IRQ_TYPE_SPI, 0, 40, 1));
	EXPECT_EQ(-ENXIO, __irq_line(vm, HV_ARM_IRQ_TYPE_PPI, 0, 20, 1));
	/* The CPU's own IRQ and FIQ inputs, for a userspace GIC. */
	EXPECT_EQ(0, __irq_line(vm, HV_ARM_IRQ_TYPE_CPU, 0,
				HV_ARM_IRQ_CPU_IRQ, 0));
	EXPECT_EQ(-EINVAL, __irq_line(vm, HV_ARM_IRQ_TYPE_CPU, 0, 2, 1));
	EXPECT_EQ(-EINVAL, __irq_line(vm, HV_ARM_IRQ_TYPE_CPU, 3,
				      HV_ARM_IRQ_CPU_IRQ, 1));
	hv_vm_free(vm);
}

TEST(create_after_run)
{
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;

	HV_REQUIRE_GUEST(return, HV_CAP_DEVICE_CTRL);
	vm = hv_vm_create();
	vcpu = hv_vcpu_add(vm, 0, guest_done);
	vcpu_expect_ucall(vcpu, UCALL_DONE, NULL);
	EXPECT_EQ(-EBUSY, __vgic_create(vm, HV_DEV_TYPE_ARM_VGIC_V3, 0));
	hv_vm_free(vm);
}

static void guest_read_ids(void)
{
	GUEST_SYNC_ARGS(readl(HV_GIC_DIST_GPA + GICD_TYPER),
			readl(HV_GIC_DIST_GPA + GICD_PIDR2),
			readq(gicr_base(0) + GICR_TYPER),
			readq(gicr_base(1) + GICR_TYPER));
	GUEST_SYNC(readl(HV_GIC_DIST_GPA + GICD_CTLR));
	writel(GICD_CTLR_ENABLE_G1, HV_GIC_DIST_GPA + GICD_CTLR);
	GUEST_SYNC(readl(HV_GIC_DIST_GPA + GICD_CTLR));
	/* IROUTER of SPI 40: the affinity is kept. */
	writeq(0x101ULL, HV_GIC_DIST_GPA + GICD_IROUTER(40));
	GUEST_SYNC(readq(HV_GIC_DIST_GPA + GICD_IROUTER(40)));
	GUEST_DONE();
}

TEST(guest_registers)
{
	struct hv_vcpu *vcpu;
	struct ucall uc;
	struct hv_vm *vm;
	int fd;

	HV_REQUIRE_GUEST(return, HV_CAP_DEVICE_CTRL);
	vm = hv_vm_create();
	vcpu = hv_vcpu_add(vm, 0, guest_read_ids);
	hv_vcpu_add(vm, 1, guest_done);
	fd = vgic_v3_setup(vm, 96);

	vcpu_expect_ucall(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(96 / 32 - 1, uc.args[0] & 0x1f);	/* ITLinesNumber */
	EXPECT_EQ(3, (uc.args[1] >> 4) & 0xf);		/* ArchRev: GICv3 */
	/* Affinity 0.0.0.0, processor 0, not last; then 0.0.0.1, last. */
	EXPECT_EQ(0, uc.args[2] >> 32);
	EXPECT_EQ(0, (uc.args[2] >> 8) & 0xffff);
	EXPECT_EQ(0, uc.args[2] & BIT(4));
	EXPECT_EQ(1, uc.args[3] >> 32);
	EXPECT_EQ(1, (uc.args[3] >> 8) & 0xffff);
	EXPECT_EQ(BIT(4), uc.args[3] & BIT(4));
	vcpu_expect_ucall(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(GICD_CTLR_ARE, uc.args[0] & (GICD_CTLR_ARE | 3));
	vcpu_expect_ucall(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(GICD_CTLR_ARE | GICD_CTLR_ENABLE_G1,
		  uc.args[0] & (GICD_CTLR_ARE | 3));
	vcpu_expect_ucall(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(0x101ULL, uc.args[0]);
	vcpu_expect_ucall(vcpu, UCALL_DONE, NULL);
	close(fd);
	hv_vm_free(vm);
}

#define RDIST_REGION(base, count, index) \
	((u64)(index) | (base) | ((u64)(count) << 52))

static int regs_attr(int fd, unsigned long cmd, u32 group, u32 mpidr,
		     u32 off, u32 *val)
{
	return __vgic_attr(fd, cmd, group, ((u64)mpidr << 32) | off, val);
}

TEST(region_and_registers)
{
	struct hv_device_attr a = { .group = HV_ARM_VCPU_TIMER_CTRL };
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;
	u32 val;
	u64 r;
	int fd, irq;

	HV_REQUIRE_GUEST(return, HV_CAP_DEVICE_CTRL);
	vm = hv_vm_create();
	vcpu = hv_vcpu_add(vm, 0, guest_done);
	hv_vcpu_add(vm, 1, guest_done);
	fd = __vgic_create(vm, HV_DEV_TYPE_ARM_VGIC_V3, 0);
	ASSERT_LE(0, fd);

	ASSERT_EQ(0, set_u64_attr(fd, HV_DEV_ARM_VGIC_GRP_ADDR,
				  HV_VGIC_V3_ADDR_TYPE_DIST, HV_GIC_DIST_GPA));
	EXPECT_EQ(-EINVAL, set_u64_attr(fd, HV_DEV_ARM_VGIC_GRP_ADDR,
					HV_VGIC_V3_ADDR_TYPE_REDIST_REGION,
					RDIST_REGION(HV_GIC_REDIST_GPA, 0, 0)));
	EXPECT_EQ(-EINVAL, set_u64_attr(fd, HV_DEV_ARM_VGIC_GRP_ADDR,
					HV_VGIC_V3_ADDR_TYPE_REDIST_REGION,
					RDIST_REGION(HV_GIC_REDIST_GPA, 2, 0) |
					BIT(12)));
	ASSERT_EQ(0, set_u64_attr(fd, HV_DEV_ARM_VGIC_GRP_ADDR,
				  HV_VGIC_V3_ADDR_TYPE_REDIST_REGION,
				  RDIST_REGION(HV_GIC_REDIST_GPA, 2, 0)));
	/* No legacy base beside a region. */
	EXPECT_EQ(-EINVAL, set_u64_attr(fd, HV_DEV_ARM_VGIC_GRP_ADDR,
					HV_VGIC_V3_ADDR_TYPE_REDIST,
					HV_GIC_REDIST_GPA + 0x100000));
	r = 0;
	ASSERT_EQ(0, get_u64_attr(fd, HV_DEV_ARM_VGIC_GRP_ADDR,
				  HV_VGIC_V3_ADDR_TYPE_REDIST_REGION, &r));
	EXPECT_EQ(RDIST_REGION(HV_GIC_REDIST_GPA, 2, 0), r);
	r = 1;
	EXPECT_EQ(-ENOENT, get_u64_attr(fd, HV_DEV_ARM_VGIC_GRP_ADDR,
					HV_VGIC_V3_ADDR_TYPE_REDIST_REGION, &r));
	ASSERT_EQ(0, set_nr_irqs(fd, 64));
	ASSERT_EQ(0, __vgic_attr(fd, HV_SET_DEVICE_ATTR,
				 HV_DEV_ARM_VGIC_GRP_CTRL,
				 HV_DEV_ARM_VGIC_CTRL_INIT, NULL));

	/* The distributor: enable SPI 40, read it back; TYPER. */
	val = BIT(8);
	EXPECT_EQ(0, regs_attr(fd, HV_SET_DEVICE_ATTR,
			       HV_DEV_ARM_VGIC_GRP_DIST_REGS, 0,
			       GICD_ISENABLER(1), &val));
	val = 0;
	EXPECT_EQ(0, regs_attr(fd, HV_GET_DEVICE_ATTR,
			       HV_DEV_ARM_VGIC_GRP_DIST_REGS, 0,
			       GICD_ISENABLER(1), &val));
	EXPECT_EQ(BIT(8), val);
	EXPECT_EQ(0, regs_attr(fd, HV_GET_DEVICE_ATTR,
			       HV_DEV_ARM_VGIC_GRP_DIST_REGS, 0, GICD_TYPER,
			       &val));
	EXPECT_EQ(1, val & 0x1f);
	/* vCPU 1's redistributor: the last one, processor 1; its PPIs. */
	EXPECT_EQ(0, regs_attr(fd, HV_GET_DEVICE_ATTR,
			       HV_DEV_ARM_VGIC_GRP_REDIST_REGS, 1, GICR_TYPER,
			       &val));
	EXPECT_EQ((1U << 8) | BIT(4), val & 0xffff10);
	val = BIT(27);
	EXPECT_EQ(0, regs_attr(fd, HV_SET_DEVICE_ATTR,
			       HV_DEV_ARM_VGIC_GRP_REDIST_REGS, 1,
			       GICR_ISENABLER0, &val));
	EXPECT_EQ(0, regs_attr(fd, HV_GET_DEVICE_ATTR,
			       HV_DEV_ARM_VGIC_GRP_REDIST_REGS, 1,
			       GICR_ISENABLER0, &val));
	EXPECT_EQ(0xffffU | BIT(27), val);
	EXPECT_EQ(-EINVAL, regs_attr(fd, HV_GET_DEVICE_ATTR,
				     HV_DEV_ARM_VGIC_GRP_REDIST_REGS, 5,
				     GICR_TYPER, &val));

	/* Line level of SPI 40, made level-triggered (SPIs reset to edge). */
	val = 0;
	EXPECT_EQ(0, regs_attr(fd, HV_SET_DEVICE_ATTR,
			       HV_DEV_ARM_VGIC_GRP_DIST_REGS, 0, GICD_ICFGR(2),
			       &val));
	val = BIT(8);
	EXPECT_EQ(0, __vgic_attr(fd, HV_SET_DEVICE_ATTR,
				 HV_DEV_ARM_VGIC_GRP_LEVEL_INFO, 32, &val));
	val = 0;
	EXPECT_EQ(0, __vgic_attr(fd, HV_GET_DEVICE_ATTR,
				 HV_DEV_ARM_VGIC_GRP_LEVEL_INFO, 32, &val));
	EXPECT_EQ(BIT(8), val);

	/* The timers' PPIs, as vCPU attributes. */
	a.addr = (u64)&irq;
	a.attr = HV_ARM_VCPU_TIMER_IRQ_VTIMER;
	EXPECT_EQ(0, __vcpu_ioctl(vcpu, HV_HAS_DEVICE_ATTR, &a));
	EXPECT_EQ(0, __vcpu_ioctl(vcpu, HV_GET_DEVICE_ATTR, &a));
	EXPECT_EQ(27, irq);
	EXPECT_EQ(0, __vcpu_ioctl(vcpu, HV_SET_DEVICE_ATTR, &a));
	a.attr = HV_ARM_VCPU_TIMER_IRQ_PTIMER;
	EXPECT_EQ(0, __vcpu_ioctl(vcpu, HV_GET_DEVICE_ATTR, &a));
	EXPECT_EQ(30, irq);
	a.attr = 7;
	EXPECT_EQ(-ENXIO, __vcpu_ioctl(vcpu, HV_HAS_DEVICE_ATTR, &a));
	a.group = 99;
	EXPECT_EQ(-ENXIO, __vcpu_ioctl(vcpu, HV_HAS_DEVICE_ATTR, &a));
	close(fd);
	hv_vm_free(vm);
}

int main(int argc, char **argv)
{
	hv_require_dev();
	return test_harness_run(argc, argv);
}

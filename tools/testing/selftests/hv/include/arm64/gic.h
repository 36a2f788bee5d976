/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The in-kernel GICv3 from both sides: the host creates and places it
 * (HV_CREATE_DEVICE, KVM's arm-vgic-v3 device ABI), the guest programs
 * its distributor, redistributor and CPU interface (Arm IHI 0069H).
 */
#ifndef _HV_ARM64_GIC_H
#define _HV_ARM64_GIC_H

#include "arm64/processor.h"

#define GICD_CTLR		0x0000
#define GICD_TYPER		0x0004
#define GICD_ISENABLER(n)	(0x0100 + 4 * (n))
#define GICD_ICENABLER(n)	(0x0180 + 4 * (n))
#define GICD_ISPENDR(n)		(0x0200 + 4 * (n))
#define GICD_IPRIORITYR(n)	(0x0400 + (n))
#define GICD_ICFGR(n)		(0x0c00 + 4 * (n))
#define GICD_IROUTER(n)		(0x6000 + 8 * (n))
#define GICD_PIDR2		0xffe8
#define GICD_CTLR_ENABLE_G1	BIT(1)
#define GICD_CTLR_ARE		BIT(4)

#define GICR_TYPER		0x0008
#define GICR_SGI		0x10000
#define GICR_ISENABLER0		(GICR_SGI + 0x0100)
#define GICR_ICENABLER0		(GICR_SGI + 0x0180)

#define GIC_SPURIOUS		1023

static inline u64 gicr_base(unsigned int cpu)
{
	return HV_GIC_REDIST_GPA + cpu * HV_GIC_REDIST_SIZE;
}

/* Guest: distributor group 1 on, this CPU's interface on, PMR open. */
static inline void gic_guest_init(void)
{
	writel(GICD_CTLR_ENABLE_G1, HV_GIC_DIST_GPA + GICD_CTLR);
	write_sysreg_s(0xf0, SYS_ICC_PMR_EL1);
	write_sysreg_s(1, SYS_ICC_IGRPEN1_EL1);
	isb();
}

/* Guest: enable @intid (a PPI on @cpu's redistributor, or an SPI). */
static inline void gic_guest_enable(unsigned int cpu, u32 intid)
{
	if (intid < 32)
		writel(BIT(intid), gicr_base(cpu) + GICR_ISENABLER0);
	else
		writel(BIT(intid % 32),
		       HV_GIC_DIST_GPA + GICD_ISENABLER(intid / 32));
}

/* Guest: make SPI @intid edge-triggered (ICFGR, 2 bits per interrupt). */
static inline void gic_guest_set_edge(u32 intid)
{
	u64 reg = HV_GIC_DIST_GPA + GICD_ICFGR(intid / 16);

	writel(readl(reg) | (2U << (2 * (intid % 16))), reg);
}

/* Guest: make SPI @intid level-sensitive. */
static inline void gic_guest_set_level(u32 intid)
{
	u64 reg = HV_GIC_DIST_GPA + GICD_ICFGR(intid / 16);

	writel(readl(reg) & ~(2U << (2 * (intid % 16))), reg);
}

static inline u32 gic_guest_ack(void)
{
	u32 iar = read_sysreg_s(SYS_ICC_IAR1_EL1);

	isb();
	return iar & 0xffffff;
}

static inline void gic_guest_eoi(u32 intid)
{
	write_sysreg_s(intid, SYS_ICC_EOIR1_EL1);
	isb();
}

/* Host: device attributes. */
static inline int __vgic_attr(int fd, unsigned long cmd, u32 group, u64 attr,
			      void *val)
{
	struct hv_device_attr a = {
		.group = group, .attr = attr, .addr = (u64)val,
	};

	return hv_ioctl(fd, cmd, (unsigned long)&a);
}

static inline int __vgic_create(struct hv_vm *vm, u32 type, u32 flags)
{
	struct hv_create_device cd = { .type = type, .flags = flags };
	int r = __vm_ioctl(vm, HV_CREATE_DEVICE, &cd);

	return r < 0 ? r : (int)cd.fd;
}

/*
 * Host: a GICv3 with @nr_irqs interrupts, frames at HV_GIC_*, initialized
 * (after the vCPUs are created).  Returns the device fd.
 */
static inline int vgic_v3_setup(struct hv_vm *vm, u32 nr_irqs)
{
	u64 addr;
	int fd = __vgic_create(vm, HV_DEV_TYPE_ARM_VGIC_V3, 0);

	TEST_ASSERT(fd >= 0, "HV_CREATE_DEVICE VGIC_V3: %d", fd);
	addr = HV_GIC_DIST_GPA;
	TEST_ASSERT(!__vgic_attr(fd, HV_SET_DEVICE_ATTR,
				 HV_DEV_ARM_VGIC_GRP_ADDR,
				 HV_VGIC_V3_ADDR_TYPE_DIST, &addr),
		    "GRP_ADDR DIST");
	addr = HV_GIC_REDIST_GPA;
	TEST_ASSERT(!__vgic_attr(fd, HV_SET_DEVICE_ATTR,
				 HV_DEV_ARM_VGIC_GRP_ADDR,
				 HV_VGIC_V3_ADDR_TYPE_REDIST, &addr),
		    "GRP_ADDR REDIST");
	TEST_ASSERT(!__vgic_attr(fd, HV_SET_DEVICE_ATTR,
				 HV_DEV_ARM_VGIC_GRP_NR_IRQS, 0, &nr_irqs),
		    "GRP_NR_IRQS %u", nr_irqs);
	TEST_ASSERT(!__vgic_attr(fd, HV_SET_DEVICE_ATTR,
				 HV_DEV_ARM_VGIC_GRP_CTRL,
				 HV_DEV_ARM_VGIC_CTRL_INIT, NULL),
		    "GRP_CTRL INIT");
	return fd;
}

/* Host: HV_IRQ_LINE with KVM's arm64 encoding. */
static inline int __irq_line(struct hv_vm *vm, u32 type, u32 vcpu_idx,
			     u32 num, u32 level)
{
	struct hv_irq_level l = {
		.irq = (type << HV_ARM_IRQ_TYPE_SHIFT) |
		       ((vcpu_idx & HV_ARM_IRQ_VCPU_MASK) << HV_ARM_IRQ_VCPU_SHIFT) |
		       num,
		.level = level,
	};

	return __vm_ioctl(vm, HV_IRQ_LINE, &l);
}

#endif /* _HV_ARM64_GIC_H */

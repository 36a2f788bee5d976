/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * hv userspace ABI, arm64 part: Linux 6.1's arm64 <asm/kvm.h> with KVM_*
 * renamed HV_*; numbers and layouts are KVM's (see <linux/hv.h>).
 *
 * Left out for now: the vGIC and ITS devices, MTE tag copies, the PMU
 * event filter and SVE register ids; hv has no in-kernel irqchip yet.
 */
#ifndef _ASM_ARM64_HV_H
#define _ASM_ARM64_HV_H

#define HV_SPSR_EL1	0
#define HV_SPSR_SVC	HV_SPSR_EL1
#define HV_SPSR_ABT	1
#define HV_SPSR_UND	2
#define HV_SPSR_IRQ	3
#define HV_SPSR_FIQ	4
#define HV_NR_SPSR	5

#ifndef __ASSEMBLY__
#include <linux/ioctl.h>
#include <linux/psci.h>
#include <linux/types.h>
#include <asm/ptrace.h>
#include <asm/sve_context.h>

#define __HV_HAVE_GUEST_DEBUG
#define __HV_HAVE_IRQ_LINE
#define __HV_HAVE_VCPU_EVENTS

#define HV_COALESCED_MMIO_PAGE_OFFSET	1
/* <linux/kvm.h>'s default: arm64 has no dirty ring in Linux 6.1 */
#define HV_DIRTY_LOG_PAGE_OFFSET	0

#define HV_REG_SIZE(id)						\
	(1U << (((id) & HV_REG_SIZE_MASK) >> HV_REG_SIZE_SHIFT))

/* HV_GET_REGS has no arm64 implementation: registers go through ONE_REG. */
struct hv_regs {
	struct user_pt_regs regs;	/* sp = sp_el0 */

	__u64	sp_el1;
	__u64	elr_el1;

	__u64	spsr[HV_NR_SPSR];

	struct user_fpsimd_state fp_regs;
};

/* HV_ARM_VCPU_INIT targets; HV_ARM_PREFERRED_TARGET reports GENERIC_V8. */
#define HV_ARM_TARGET_AEM_V8		0
#define HV_ARM_TARGET_FOUNDATION_V8	1
#define HV_ARM_TARGET_CORTEX_A57	2
#define HV_ARM_TARGET_XGENE_POTENZA	3
#define HV_ARM_TARGET_CORTEX_A53	4
#define HV_ARM_TARGET_GENERIC_V8	5

#define HV_ARM_NUM_TARGETS		6

/* hv_vcpu_init.features[0] bits */
#define HV_ARM_VCPU_POWER_OFF		0 /* vCPU starts powered off */
#define HV_ARM_VCPU_EL1_32BIT		1 /* AArch32 EL1 */
#define HV_ARM_VCPU_PSCI_0_2		2 /* PSCI v0.2 and later */
#define HV_ARM_VCPU_PMU_V3		3 /* guest PMUv3 */
#define HV_ARM_VCPU_SVE			4 /* SVE */
#define HV_ARM_VCPU_PTRAUTH_ADDRESS	5 /* address authentication */
#define HV_ARM_VCPU_PTRAUTH_GENERIC	6 /* generic authentication */

/* HV_ARM_VCPU_INIT, HV_ARM_PREFERRED_TARGET */
struct hv_vcpu_init {
	__u32 target;
	__u32 features[7];
};

/*
 * <linux/kvm.h> has these two with the generic vCPU ioctls; they are here
 * because only arm64 defines their structure (HVIO is <linux/hv.h>'s).
 */
/* vCPU: reset the vCPU as a target with features */
#define HV_ARM_VCPU_INIT		_IOW(HVIO, 0xae, struct hv_vcpu_init)
/* VM: the target HV_ARM_VCPU_INIT takes */
#define HV_ARM_PREFERRED_TARGET		_IOR(HVIO, 0xaf, struct hv_vcpu_init)

struct hv_sregs {
};

struct hv_fpu {
};

#define HV_ARM_MAX_DBG_REGS 16
struct hv_guest_debug_arch {
	__u64 dbg_bcr[HV_ARM_MAX_DBG_REGS];
	__u64 dbg_bvr[HV_ARM_MAX_DBG_REGS];
	__u64 dbg_wcr[HV_ARM_MAX_DBG_REGS];
	__u64 dbg_wvr[HV_ARM_MAX_DBG_REGS];
};

#define HV_DEBUG_ARCH_HSR_HIGH_VALID	(1 << 0)
struct hv_debug_exit_arch {
	__u32 hsr;
	__u32 hsr_high;	/* ESR_EL2[61:32] */
	__u64 far;	/* watchpoints */
};

#define HV_GUESTDBG_USE_SW_BP		(1 << 16)
#define HV_GUESTDBG_USE_HW		(1 << 17)

struct hv_sync_regs {
	/* HV_CAP_ARM_USER_IRQ */
	__u64 device_irq_level;
};

/* HV_GET_VCPU_EVENTS / HV_SET_VCPU_EVENTS */
struct hv_vcpu_events {
	struct {
		__u8 serror_pending;
		__u8 serror_has_esr;
		__u8 ext_dabt_pending;
		/* align to 8 bytes */
		__u8 pad[5];
		__u64 serror_esr;
	} exception;
	__u32 reserved[12];
};

/* Register ids (HV_GET_ONE_REG): HV_REG_ARM64 | size | coprocessor | index */
#define HV_REG_ARM_COPROC_MASK		0x000000000FFF0000
#define HV_REG_ARM_COPROC_SHIFT		16

/* Core registers: the index is the offset in struct hv_regs, in u32s. */
#define HV_REG_ARM_CORE			(0x0010 << HV_REG_ARM_COPROC_SHIFT)
#define HV_REG_ARM_CORE_REG(name)	(offsetof(struct hv_regs, name) / sizeof(__u32))

#define HV_REG_ARM_DEMUX		(0x0011 << HV_REG_ARM_COPROC_SHIFT)
#define HV_REG_ARM_DEMUX_ID_MASK	0x000000000000FF00
#define HV_REG_ARM_DEMUX_ID_SHIFT	8
#define HV_REG_ARM_DEMUX_ID_CCSIDR	(0x00 << HV_REG_ARM_DEMUX_ID_SHIFT)
#define HV_REG_ARM_DEMUX_VAL_MASK	0x00000000000000FF
#define HV_REG_ARM_DEMUX_VAL_SHIFT	0

#define HV_REG_ARM64_SYSREG		(0x0013 << HV_REG_ARM_COPROC_SHIFT)
#define HV_REG_ARM64_SYSREG_OP0_MASK	0x000000000000c000
#define HV_REG_ARM64_SYSREG_OP0_SHIFT	14
#define HV_REG_ARM64_SYSREG_OP1_MASK	0x0000000000003800
#define HV_REG_ARM64_SYSREG_OP1_SHIFT	11
#define HV_REG_ARM64_SYSREG_CRN_MASK	0x0000000000000780
#define HV_REG_ARM64_SYSREG_CRN_SHIFT	7
#define HV_REG_ARM64_SYSREG_CRM_MASK	0x0000000000000078
#define HV_REG_ARM64_SYSREG_CRM_SHIFT	3
#define HV_REG_ARM64_SYSREG_OP2_MASK	0x0000000000000007
#define HV_REG_ARM64_SYSREG_OP2_SHIFT	0

#define HV_ARM64_SYS_REG_SHIFT_MASK(x, n)				\
	(((x) << HV_REG_ARM64_SYSREG_ ## n ## _SHIFT) &			\
	 HV_REG_ARM64_SYSREG_ ## n ## _MASK)

#define __HV_ARM64_SYS_REG(op0, op1, crn, crm, op2)			\
	(HV_REG_ARM64 | HV_REG_ARM64_SYSREG |				\
	 HV_ARM64_SYS_REG_SHIFT_MASK(op0, OP0) |			\
	 HV_ARM64_SYS_REG_SHIFT_MASK(op1, OP1) |			\
	 HV_ARM64_SYS_REG_SHIFT_MASK(crn, CRN) |			\
	 HV_ARM64_SYS_REG_SHIFT_MASK(crm, CRM) |			\
	 HV_ARM64_SYS_REG_SHIFT_MASK(op2, OP2))

#define HV_ARM64_SYS_REG(...) (__HV_ARM64_SYS_REG(__VA_ARGS__) | HV_REG_SIZE_U64)

#define HV_REG_ARM_PTIMER_CTL		HV_ARM64_SYS_REG(3, 3, 14, 2, 1)
#define HV_REG_ARM_PTIMER_CVAL		HV_ARM64_SYS_REG(3, 3, 14, 2, 2)
#define HV_REG_ARM_PTIMER_CNT		HV_ARM64_SYS_REG(3, 3, 14, 0, 1)

#define HV_REG_ARM_TIMER_CTL		HV_ARM64_SYS_REG(3, 3, 14, 3, 1)
#define HV_REG_ARM_TIMER_CVAL		HV_ARM64_SYS_REG(3, 3, 14, 0, 2)
#define HV_REG_ARM_TIMER_CNT		HV_ARM64_SYS_REG(3, 3, 14, 3, 2)

/* Firmware pseudo-registers */
#define HV_REG_ARM_FW			(0x0014 << HV_REG_ARM_COPROC_SHIFT)
#define HV_REG_ARM_FW_REG(r)		(HV_REG_ARM64 | HV_REG_SIZE_U64 | \
					 HV_REG_ARM_FW | ((r) & 0xffff))
#define HV_REG_ARM_PSCI_VERSION		HV_REG_ARM_FW_REG(0)

/* HV_CREATE_DEVICE HV_DEV_TYPE_ARM_VGIC_V3: HV_SET_DEVICE_ATTR groups */
#define HV_DEV_ARM_VGIC_GRP_ADDR	0
#define HV_DEV_ARM_VGIC_GRP_DIST_REGS	1
#define HV_DEV_ARM_VGIC_GRP_CPU_REGS	2
#define   HV_DEV_ARM_VGIC_CPUID_SHIFT	32
#define   HV_DEV_ARM_VGIC_CPUID_MASK	(0xffULL << HV_DEV_ARM_VGIC_CPUID_SHIFT)
#define   HV_DEV_ARM_VGIC_V3_MPIDR_SHIFT 32
#define   HV_DEV_ARM_VGIC_V3_MPIDR_MASK \
			(0xffffffffULL << HV_DEV_ARM_VGIC_V3_MPIDR_SHIFT)
#define   HV_DEV_ARM_VGIC_OFFSET_SHIFT	0
#define   HV_DEV_ARM_VGIC_OFFSET_MASK	(0xffffffffULL << HV_DEV_ARM_VGIC_OFFSET_SHIFT)
#define   HV_DEV_ARM_VGIC_SYSREG_INSTR_MASK (0xffff)
#define HV_DEV_ARM_VGIC_GRP_NR_IRQS	3
#define HV_DEV_ARM_VGIC_GRP_CTRL	4
#define HV_DEV_ARM_VGIC_GRP_REDIST_REGS 5
#define HV_DEV_ARM_VGIC_GRP_CPU_SYSREGS 6
#define HV_DEV_ARM_VGIC_GRP_LEVEL_INFO  7
#define HV_DEV_ARM_VGIC_GRP_ITS_REGS	8
#define HV_DEV_ARM_VGIC_LINE_LEVEL_INFO_SHIFT	10
#define HV_DEV_ARM_VGIC_LINE_LEVEL_INFO_MASK \
			(0x3fffffULL << HV_DEV_ARM_VGIC_LINE_LEVEL_INFO_SHIFT)
#define HV_DEV_ARM_VGIC_LINE_LEVEL_INTID_MASK	0x3ff
#define HV_VGIC_LEVEL_INFO_LINE_LEVEL	0
#define   HV_DEV_ARM_VGIC_CTRL_INIT		0
#define   HV_DEV_ARM_ITS_SAVE_TABLES		1
#define   HV_DEV_ARM_ITS_RESTORE_TABLES		2
#define   HV_DEV_ARM_VGIC_SAVE_PENDING_TABLES	3
#define   HV_DEV_ARM_ITS_CTRL_RESET		4

/* HV_DEV_ARM_VGIC_GRP_ADDR attributes (GICv3) and the frames' sizes */
#define HV_VGIC_V2_ADDR_TYPE_DIST	0
#define HV_VGIC_V2_ADDR_TYPE_CPU	1
#define HV_VGIC_V3_ADDR_TYPE_DIST	2
#define HV_VGIC_V3_ADDR_TYPE_REDIST	3
#define HV_VGIC_ITS_ADDR_TYPE		4
#define HV_VGIC_V3_ADDR_TYPE_REDIST_REGION	5
#define HV_VGIC_V3_DIST_SIZE		0x10000
#define HV_VGIC_V3_REDIST_SIZE		(2 * 0x10000)

/* vCPU device attributes */
#define HV_ARM_VCPU_PMU_V3_CTRL		0
#define HV_ARM_VCPU_TIMER_CTRL		1
#define   HV_ARM_VCPU_TIMER_IRQ_VTIMER	0
#define   HV_ARM_VCPU_TIMER_IRQ_PTIMER	1
#define HV_ARM_VCPU_PVTIME_CTRL		2

/* HV_IRQ_LINE: hv_irq_level.irq */
#define HV_ARM_IRQ_VCPU2_SHIFT		28
#define HV_ARM_IRQ_VCPU2_MASK		0xf
#define HV_ARM_IRQ_TYPE_SHIFT		24
#define HV_ARM_IRQ_TYPE_MASK		0xf
#define HV_ARM_IRQ_VCPU_SHIFT		16
#define HV_ARM_IRQ_VCPU_MASK		0xff
#define HV_ARM_IRQ_NUM_SHIFT		0
#define HV_ARM_IRQ_NUM_MASK		0xffff

#define HV_ARM_IRQ_TYPE_CPU		0
#define HV_ARM_IRQ_TYPE_SPI		1
#define HV_ARM_IRQ_TYPE_PPI		2

#define HV_ARM_IRQ_CPU_IRQ		0
#define HV_ARM_IRQ_CPU_FIQ		1

/* One irqchip, the vGIC */
#define HV_NR_IRQCHIPS			1

/* hv_run.system_event.data[0] for PSCI SYSTEM_RESET2 */
#define HV_SYSTEM_EVENT_RESET_FLAG_PSCI_RESET2	(1ULL << 0)

#endif /* !__ASSEMBLY__ */
#endif /* _ASM_ARM64_HV_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * arm64 guest environment of the hv selftests (lib/arm64/processor.c).
 *
 * A guest VM runs the test's C functions at EL1 with the MMU on: one
 * level-1 table maps the first 4 GiB flat with 1 GiB blocks, Normal
 * write-back memory below 2 GiB (system slot, test image, HV_TEST_GPA)
 * and Device-nGnRnE above (the GIC frames at HV_GIC_*, HV_MMIO_GPA).
 * The vector table (lib/arm64/handlers.S) saves the registers and calls
 * the handler installed for the exception's kind, if any, else reports
 * UCALL_UNHANDLED.  ucall writes the address of its struct ucall to
 * HV_UCALL_MMIO (an MMIO exit).
 */
#ifndef _HV_ARM64_PROCESSOR_H
#define _HV_ARM64_PROCESSOR_H

#include "hv_util.h"

/* Guest physical placement of the vGIC's frames (Device memory). */
#define HV_GIC_DIST_GPA		0x80000000UL
#define HV_GIC_REDIST_GPA	0x80100000UL
#define HV_GIC_REDIST_SIZE	0x20000UL	/* per vCPU: RD + SGI frames */

/* Exception kinds: the vector table's 16 entries (Arm ARM D1.10.2). */
enum hv_vector {
	HV_VEC_SYNC_EL1T, HV_VEC_IRQ_EL1T, HV_VEC_FIQ_EL1T, HV_VEC_ERR_EL1T,
	HV_VEC_SYNC_EL1H, HV_VEC_IRQ_EL1H, HV_VEC_FIQ_EL1H, HV_VEC_ERR_EL1H,
	HV_VEC_SYNC_EL0_64, HV_VEC_IRQ_EL0_64, HV_VEC_FIQ_EL0_64,
	HV_VEC_ERR_EL0_64,
	HV_VEC_SYNC_EL0_32, HV_VEC_IRQ_EL0_32, HV_VEC_FIQ_EL0_32,
	HV_VEC_ERR_EL0_32,
	HV_NR_VECTORS,
};

/* Saved by the vector stubs; handlers may change them (ERET restores). */
struct hv_ex_regs {
	u64 x[31];
	u64 sp;
	u64 elr;
	u64 spsr;
	u64 vector;
};

typedef void (*hv_ex_handler_t)(struct hv_ex_regs *regs);

void vm_install_exception_handler(struct hv_vm *vm, unsigned int vector,
				  hv_ex_handler_t handler);

/* lib/arm64/handlers.S: the table; it calls hv_guest_exception(). */
extern const char hv_vectors[];
void hv_guest_exception(struct hv_ex_regs *regs);

/* ONE_REG ids */
#define ARM64_CORE_REG(field) \
	(HV_REG_ARM64 | HV_REG_SIZE_U64 | HV_REG_ARM_CORE | \
	 (offsetof(struct hv_regs, field) / sizeof(__u32)))
#define ARM64_SYS_REG(op0, op1, crn, crm, op2) \
	HV_ARM64_SYS_REG(op0, op1, crn, crm, op2)

u64 vcpu_get_reg(struct hv_vcpu *vcpu, u64 id);
void vcpu_set_reg(struct hv_vcpu *vcpu, u64 id, u64 val);
int __vcpu_set_reg(struct hv_vcpu *vcpu, u64 id, u64 val);

/* HV_ARM_VCPU_INIT with the preferred target and @features[0]. */
void vcpu_arm_init(struct hv_vcpu *vcpu, u32 features);

/* Guest accessors */
#define read_sysreg(r) ({						\
	u64 __v;							\
	asm volatile("mrs %0, " #r : "=r"(__v) : : "memory");		\
	__v;								\
})
#define write_sysreg(v, r) ({						\
	asm volatile("msr " #r ", %x0" : : "rZ"((u64)(v)) : "memory");	\
})

static inline void isb(void)
{
	asm volatile("isb" : : : "memory");
}

static inline void wfi(void)
{
	asm volatile("wfi" : : : "memory");
}

static inline void local_irq_enable(void)
{
	asm volatile("msr daifclr, #2" : : : "memory");
}

static inline void local_irq_disable(void)
{
	asm volatile("msr daifset, #2" : : : "memory");
}

/* GICv3 CPU interface registers by encoding (IHI 0069H 12.2). */
#define SYS_ICC_PMR_EL1		"S3_0_C4_C6_0"
#define SYS_ICC_IAR1_EL1	"S3_0_C12_C12_0"
#define SYS_ICC_EOIR1_EL1	"S3_0_C12_C12_1"
#define SYS_ICC_CTLR_EL1	"S3_0_C12_C12_4"
#define SYS_ICC_SRE_EL1		"S3_0_C12_C12_5"
#define SYS_ICC_IGRPEN1_EL1	"S3_0_C12_C12_7"
#define SYS_ICC_SGI1R_EL1	"S3_0_C12_C11_5"
/* @r: one of the strings above */
#define read_sysreg_s(r) ({						\
	u64 __v;							\
	asm volatile("mrs %0, " r : "=r"(__v) : : "memory");		\
	__v;								\
})
#define write_sysreg_s(v, r) ({						\
	asm volatile("msr " r ", %x0" : : "rZ"((u64)(v)) : "memory");	\
})

static inline void writel(u32 v, u64 addr)
{
	asm volatile("str %w0, [%1]" : : "rZ"(v), "r"(addr) : "memory");
}

static inline u32 readl(u64 addr)
{
	u32 v;

	asm volatile("ldr %w0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

static inline void writeq(u64 v, u64 addr)
{
	asm volatile("str %x0, [%1]" : : "rZ"(v), "r"(addr) : "memory");
}

static inline u64 readq(u64 addr)
{
	u64 v;

	asm volatile("ldr %0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

/* CNTx_CTL_EL0 */
#define CNT_CTL_ENABLE	BIT(0)
#define CNT_CTL_IMASK	BIT(1)
#define CNT_CTL_ISTATUS	BIT(2)

#endif /* _HV_ARM64_PROCESSOR_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The VMCB: AMD64 APM Vol. 2, Appendix B "Layout of VMCB" (rev. 3.42).
 * Offsets are asserted at the bottom; a field added in a gap must keep
 * every assertion true.
 */
#ifndef _HV_SVM_VMCB_H
#define _HV_SVM_VMCB_H

#include <linux/build_bug.h>
#include <linux/stddef.h>
#include <linux/types.h>

/* CR intercepts (offset 0x00): writes are bits 16-31. */
#define SVM_INTERCEPT_CR8_WRITE		BIT(16 + 8)
/* Exception intercepts (offset 0x08): one bit per vector. */
#define SVM_INTERCEPT_DB		BIT(1)

/* Intercept vector 3 (offset 0x0c), APM Table B-1. */
#define SVM_INTERCEPT_INTR		BIT(0)
#define SVM_INTERCEPT_NMI		BIT(1)
#define SVM_INTERCEPT_SMI		BIT(2)
#define SVM_INTERCEPT_INIT		BIT(3)
#define SVM_INTERCEPT_VINTR		BIT(4)
#define SVM_INTERCEPT_CPUID		BIT(18)
#define SVM_INTERCEPT_RSM		BIT(19)
#define SVM_INTERCEPT_IRET		BIT(20)
#define SVM_INTERCEPT_INVD		BIT(22)
#define SVM_INTERCEPT_HLT		BIT(24)
#define SVM_INTERCEPT_INVLPGA		BIT(26)
#define SVM_INTERCEPT_IOIO_PROT		BIT(27)
#define SVM_INTERCEPT_MSR_PROT		BIT(28)
#define SVM_INTERCEPT_SHUTDOWN		BIT(31)
/* Intercept vector 4 (offset 0x10). */
#define SVM_INTERCEPT_VMRUN		BIT(0)
#define SVM_INTERCEPT_VMMCALL		BIT(1)
#define SVM_INTERCEPT_VMLOAD		BIT(2)
#define SVM_INTERCEPT_VMSAVE		BIT(3)
#define SVM_INTERCEPT_STGI		BIT(4)
#define SVM_INTERCEPT_CLGI		BIT(5)
#define SVM_INTERCEPT_SKINIT		BIT(6)
#define SVM_INTERCEPT_WBINVD		BIT(9)
#define SVM_INTERCEPT_MONITOR		BIT(10)
#define SVM_INTERCEPT_MWAIT		BIT(11)
#define SVM_INTERCEPT_XSETBV		BIT(13)
#define SVM_INTERCEPT_RDPRU		BIT(14)

/* Exit codes, APM Appendix C. */
#define SVM_EXIT_WRITE_CR8	0x018
#define SVM_EXIT_READ_DR0	0x020
#define SVM_EXIT_WRITE_DR0	0x030
#define SVM_EXIT_WRITE_DR7	0x037
#define SVM_EXIT_EXCP_BASE	0x040
#define SVM_EXIT_EXCP_DB	0x041
#define SVM_EXIT_INTR		0x060
#define SVM_EXIT_NMI		0x061
#define SVM_EXIT_SMI		0x062
#define SVM_EXIT_INIT		0x063
#define SVM_EXIT_VINTR		0x064
#define SVM_EXIT_CPUID		0x072
#define SVM_EXIT_RSM		0x073
#define SVM_EXIT_IRET		0x074
#define SVM_EXIT_INVD		0x076
#define SVM_EXIT_HLT		0x078
#define SVM_EXIT_INVLPGA	0x07a
#define SVM_EXIT_IOIO		0x07b
#define SVM_EXIT_MSR		0x07c
#define SVM_EXIT_SHUTDOWN	0x07f
#define SVM_EXIT_VMRUN		0x080
#define SVM_EXIT_VMMCALL	0x081
#define SVM_EXIT_VMLOAD		0x082
#define SVM_EXIT_VMSAVE		0x083
#define SVM_EXIT_STGI		0x084
#define SVM_EXIT_CLGI		0x085
#define SVM_EXIT_SKINIT		0x086
#define SVM_EXIT_WBINVD		0x089
#define SVM_EXIT_MONITOR	0x08a
#define SVM_EXIT_MWAIT		0x08b
#define SVM_EXIT_XSETBV		0x08d
#define SVM_EXIT_RDPRU		0x08e
#define SVM_EXIT_NPF		0x400
/*
 * -1 in EXITCODE.  Codes fit in 32 bits; only the low half is compared,
 * since not every implementation (QEMU's) writes the high half.
 */
#define SVM_EXIT_INVALID	0xffffffffU

/* IOIO exit information 1, APM 15.10.2 Figure 15-2. */
#define SVM_IOIO_IN		BIT(0)
#define SVM_IOIO_STR		BIT(2)
#define SVM_IOIO_REP		BIT(3)
#define SVM_IOIO_SIZE_SHIFT	4	/* SZ8, SZ16, SZ32: one-hot */
#define SVM_IOIO_ASIZE_SHIFT	7	/* A16, A32, A64: one-hot */
#define SVM_IOIO_PORT_SHIFT	16

/* Nested page fault error code (EXITINFO1), APM 15.25.6. */
#define SVM_NPF_PRESENT		BIT_ULL(0)
#define SVM_NPF_WRITE		BIT_ULL(1)
#define SVM_NPF_FETCH		BIT_ULL(4)

/* TLB_CONTROL, APM 15.16.1. */
#define SVM_TLB_NONE		0
#define SVM_TLB_FLUSH_ALL	1
#define SVM_TLB_FLUSH_ASID	3

/* EVENTINJ, APM 15.20. */
#define SVM_EVTINJ_VALID	BIT(31)
#define SVM_EVTINJ_VALID_ERR	BIT(11)
#define SVM_EVTINJ_TYPE_EXEPT	(3 << 8)

/* VMCB.NP_ENABLE (offset 0x90) bit 0. */
#define SVM_NESTED_CTL_NP_ENABLE	BIT_ULL(0)
/* VMCB int_ctl, APM 15.21.4: V_TPR, V_IRQ, priority, ignore TPR, masking. */
#define SVM_V_TPR_MASK		0xfULL
#define SVM_V_IRQ		BIT_ULL(8)
#define SVM_V_INTR_PRIO_SHIFT	16
#define SVM_V_IGN_TPR		BIT_ULL(20)
#define SVM_V_INTR_MASKING	BIT_ULL(24)
#define SVM_V_INTR_VECTOR_SHIFT	32
#define SVM_V_INTR_VECTOR_MASK	(0xffULL << SVM_V_INTR_VECTOR_SHIFT)
/* int_state bit 0: interrupt shadow (APM 15.21.5). */
#define SVM_INTERRUPT_SHADOW	BIT_ULL(0)
/* EXITINTINFO has EVENTINJ's layout (APM 15.7.2). */
#define SVM_EVTINJ_TYPE_SHIFT	8
#define SVM_EVTINJ_TYPE_MASK	(7 << SVM_EVTINJ_TYPE_SHIFT)

struct vmcb_control {
	u32 intercept_cr;		/* 0x000 */
	u32 intercept_dr;		/* 0x004 */
	u32 intercept_exceptions;	/* 0x008 */
	u32 intercept_misc1;		/* 0x00c */
	u32 intercept_misc2;		/* 0x010 */
	u32 intercept_misc3;		/* 0x014 */
	u8 reserved_1[0x3c - 0x18];
	u16 pause_filter_thresh;	/* 0x03c */
	u16 pause_filter_count;		/* 0x03e */
	u64 iopm_base_pa;		/* 0x040 */
	u64 msrpm_base_pa;		/* 0x048 */
	u64 tsc_offset;			/* 0x050 */
	u32 asid;			/* 0x058 */
	u8 tlb_ctl;			/* 0x05c */
	u8 reserved_2[3];
	u64 int_ctl;			/* 0x060 */
	u64 int_state;			/* 0x068 */
	u32 exit_code;			/* 0x070 */
	u32 exit_code_hi;		/* 0x074 */
	u64 exit_info_1;		/* 0x078 */
	u64 exit_info_2;		/* 0x080 */
	u64 exit_int_info;		/* 0x088 */
	u64 nested_ctl;			/* 0x090 */
	u64 avic_vapic_bar;		/* 0x098 */
	u64 ghcb_gpa;			/* 0x0a0 */
	u64 event_inj;			/* 0x0a8 */
	u64 nested_cr3;			/* 0x0b0 */
	u64 virt_ext;			/* 0x0b8 */
	u32 clean;			/* 0x0c0 */
	u32 reserved_3;
	u64 next_rip;			/* 0x0c8 */
	u8 insn_len;			/* 0x0d0 */
	u8 insn_bytes[15];		/* 0x0d1 */
	u8 reserved_4[0x400 - 0xe0];
} __packed;

/* Segment attributes are descriptor bits 40-47 and 52-55, packed. */
struct vmcb_seg {
	u16 selector;
	u16 attrib;
	u32 limit;
	u64 base;
} __packed;

#define SVM_SEG_TYPE_MASK	0x00f
#define SVM_SEG_S		BIT(4)
#define SVM_SEG_DPL_SHIFT	5
#define SVM_SEG_P		BIT(7)
#define SVM_SEG_AVL		BIT(8)
#define SVM_SEG_L		BIT(9)
#define SVM_SEG_DB		BIT(10)
#define SVM_SEG_G		BIT(11)

struct vmcb_save {
	struct vmcb_seg es;		/* 0x400 */
	struct vmcb_seg cs;		/* 0x410 */
	struct vmcb_seg ss;		/* 0x420 */
	struct vmcb_seg ds;		/* 0x430 */
	struct vmcb_seg fs;		/* 0x440 */
	struct vmcb_seg gs;		/* 0x450 */
	struct vmcb_seg gdtr;		/* 0x460 */
	struct vmcb_seg ldtr;		/* 0x470 */
	struct vmcb_seg idtr;		/* 0x480 */
	struct vmcb_seg tr;		/* 0x490 */
	u8 reserved_1[0x4cb - 0x4a0];
	u8 cpl;				/* 0x4cb */
	u32 reserved_2;
	u64 efer;			/* 0x4d0 */
	u8 reserved_3[0x548 - 0x4d8];
	u64 cr4;			/* 0x548 */
	u64 cr3;			/* 0x550 */
	u64 cr0;			/* 0x558 */
	u64 dr7;			/* 0x560 */
	u64 dr6;			/* 0x568 */
	u64 rflags;			/* 0x570 */
	u64 rip;			/* 0x578 */
	u8 reserved_4[0x5d8 - 0x580];
	u64 rsp;			/* 0x5d8 */
	u64 s_cet;			/* 0x5e0 */
	u64 ssp;			/* 0x5e8 */
	u64 isst_addr;			/* 0x5f0 */
	u64 rax;			/* 0x5f8 */
	u64 star;			/* 0x600 */
	u64 lstar;			/* 0x608 */
	u64 cstar;			/* 0x610 */
	u64 sfmask;			/* 0x618 */
	u64 kernel_gs_base;		/* 0x620 */
	u64 sysenter_cs;		/* 0x628 */
	u64 sysenter_esp;		/* 0x630 */
	u64 sysenter_eip;		/* 0x638 */
	u64 cr2;			/* 0x640 */
	u8 reserved_5[0x668 - 0x648];
	u64 g_pat;			/* 0x668 */
	u64 dbgctl;			/* 0x670 */
	u64 br_from;			/* 0x678 */
	u64 br_to;			/* 0x680 */
	u64 last_excp_from;		/* 0x688 */
	u64 last_excp_to;		/* 0x690 */
} __packed;

struct vmcb {
	struct vmcb_control control;
	struct vmcb_save save;
} __packed;

#define VMCB_ASSERT(field, off) \
	static_assert(offsetof(struct vmcb, field) == (off))
VMCB_ASSERT(control.iopm_base_pa, 0x040);
VMCB_ASSERT(control.asid, 0x058);
VMCB_ASSERT(control.int_ctl, 0x060);
VMCB_ASSERT(control.exit_code, 0x070);
VMCB_ASSERT(control.nested_ctl, 0x090);
VMCB_ASSERT(control.event_inj, 0x0a8);
VMCB_ASSERT(control.nested_cr3, 0x0b0);
VMCB_ASSERT(control.clean, 0x0c0);
VMCB_ASSERT(control.next_rip, 0x0c8);
VMCB_ASSERT(control.insn_bytes, 0x0d1);
VMCB_ASSERT(save.es, 0x400);
VMCB_ASSERT(save.tr, 0x490);
VMCB_ASSERT(save.cpl, 0x4cb);
VMCB_ASSERT(save.efer, 0x4d0);
VMCB_ASSERT(save.cr4, 0x548);
VMCB_ASSERT(save.rip, 0x578);
VMCB_ASSERT(save.rsp, 0x5d8);
VMCB_ASSERT(save.rax, 0x5f8);
VMCB_ASSERT(save.kernel_gs_base, 0x620);
VMCB_ASSERT(save.cr2, 0x640);
VMCB_ASSERT(save.g_pat, 0x668);
static_assert(sizeof(struct vmcb) <= 4096);

#endif /* _HV_SVM_VMCB_H */

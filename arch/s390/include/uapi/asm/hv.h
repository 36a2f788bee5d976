/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * hv userspace ABI, s390 part: Linux 6.1's s390 <asm/kvm.h> with KVM_*
 * renamed HV_*, plus the s390 ioctls and structures <linux/kvm.h> has
 * for s390 only; numbers and layouts are KVM's (see <linux/hv.h>).
 *
 * Left out for now: the FLIC device and adapter interrupts, the VM
 * attributes (TOD, CPU model, crypto, migration), storage keys, CMMA,
 * MEM_OP, ucontrol VMs and protected virtualization; hv does not
 * implement them (Documentation/virt/hv/api.rst, "s390").
 */
#ifndef _ASM_S390_HV_H
#define _ASM_S390_HV_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define __HV_S390

/* HV_GET_REGS, HV_SET_REGS: the general registers */
struct hv_regs {
	__u64 gprs[16];
};

/* HV_GET_SREGS, HV_SET_SREGS: access and control registers */
struct hv_sregs {
	__u32 acrs[16];
	__u64 crs[16];
};

/* HV_GET_FPU, HV_SET_FPU */
struct hv_fpu {
	__u32 fpc;
	__u64 fprs[16];
};

/* hv_run.debug.arch: the guest-debug exit (hv has no guest debug yet) */
struct hv_debug_exit_arch {
	__u64 addr;
	__u8 type;
	__u8 pad[7];
};

struct hv_hw_breakpoint {
	__u64 addr;
	__u64 phys_addr;
	__u64 len;
	__u8 type;
	__u8 pad[7];
};

/* hv_guest_debug.arch */
struct hv_guest_debug_arch {
	__u32 nr_hw_bp;
	__u32 pad;
	struct hv_hw_breakpoint *hw_bp;
};

/* for HV_SYNC_PFAULT and HV_REG_S390_PFTOKEN */
#define HV_S390_PFAULT_TOKEN_INVALID	0xffffffffffffffffULL

/*
 * hv_run.hv_valid_regs / hv_dirty_regs: which parts of hv_run.s.regs
 * hv filled at the exit and which userspace changed for the next RUN.
 */
#define HV_SYNC_PREFIX (1UL << 0)
#define HV_SYNC_GPRS   (1UL << 1)
#define HV_SYNC_ACRS   (1UL << 2)
#define HV_SYNC_CRS    (1UL << 3)
#define HV_SYNC_ARCH0  (1UL << 4)
#define HV_SYNC_PFAULT (1UL << 5)
#define HV_SYNC_VRS    (1UL << 6)
#define HV_SYNC_RICCB  (1UL << 7)
#define HV_SYNC_FPRS   (1UL << 8)
#define HV_SYNC_GSCB   (1UL << 9)
#define HV_SYNC_BPBC   (1UL << 10)
#define HV_SYNC_ETOKEN (1UL << 11)
#define HV_SYNC_DIAG318 (1UL << 12)

#define HV_SYNC_S390_VALID_FIELDS \
	(HV_SYNC_PREFIX | HV_SYNC_GPRS | HV_SYNC_ACRS | HV_SYNC_CRS | \
	 HV_SYNC_ARCH0 | HV_SYNC_PFAULT | HV_SYNC_VRS | HV_SYNC_RICCB | \
	 HV_SYNC_FPRS | HV_SYNC_GSCB | HV_SYNC_BPBC | HV_SYNC_ETOKEN | \
	 HV_SYNC_DIAG318)

/* hv_run.s.regs: the vCPU registers shared through the run page */
struct hv_sync_regs {
	__u64 prefix;	/* prefix register */
	__u64 gprs[16];	/* general registers */
	__u32 acrs[16];	/* access registers */
	__u64 crs[16];	/* control registers */
	__u64 todpr;	/* TOD programmable register [ARCH0] */
	__u64 cputm;	/* CPU timer [ARCH0] */
	__u64 ckc;	/* clock comparator [ARCH0] */
	__u64 pp;	/* program parameter [ARCH0] */
	__u64 gbea;	/* guest breaking-event address [ARCH0] */
	__u64 pft;	/* pfault token [PFAULT] */
	__u64 pfs;	/* pfault select [PFAULT] */
	__u64 pfc;	/* pfault compare [PFAULT] */

	__extension__ union {
		__u64 vrs[32][2];	/* vector registers (HV_SYNC_VRS) */
		__u64 fprs[16];		/* FP registers (HV_SYNC_FPRS) */
	};
	__u8  reserved[512];	/* room for longer vector registers */
	__u32 fpc;		/* with HV_SYNC_VRS or HV_SYNC_FPRS */
	__u8 bpbc : 1;		/* branch-prediction blocking */
	__u8 reserved2 : 7;
	__u8 padding1[51];	/* riccb is 64-byte aligned */
	__u8 riccb[64];		/* runtime-instrumentation controls */
	__u64 diag318;		/* DIAGNOSE 0x318 information */
	__u8 padding2[184];	/* sdnx is 256-byte aligned */

	__extension__ union {
		__u8 sdnx[256];	/* state-description annex */

		__extension__ struct {
			__u64 reserved1[2];
			__u64 gscb[4];
			__u64 etoken;
			__u64 etoken_extension;
		};
	};
};

/* HV_GET_ONE_REG / HV_SET_ONE_REG ids */
#define HV_REG_S390_TODPR	(HV_REG_S390 | HV_REG_SIZE_U32 | 0x1)
#define HV_REG_S390_EPOCHDIFF	(HV_REG_S390 | HV_REG_SIZE_U64 | 0x2)
#define HV_REG_S390_CPU_TIMER	(HV_REG_S390 | HV_REG_SIZE_U64 | 0x3)
#define HV_REG_S390_CLOCK_COMP	(HV_REG_S390 | HV_REG_SIZE_U64 | 0x4)
#define HV_REG_S390_PFTOKEN	(HV_REG_S390 | HV_REG_SIZE_U64 | 0x5)
#define HV_REG_S390_PFCOMPARE	(HV_REG_S390 | HV_REG_SIZE_U64 | 0x6)
#define HV_REG_S390_PFSELECT	(HV_REG_S390 | HV_REG_SIZE_U64 | 0x7)
#define HV_REG_S390_PP		(HV_REG_S390 | HV_REG_SIZE_U64 | 0x8)
#define HV_REG_S390_GBEA	(HV_REG_S390 | HV_REG_SIZE_U64 | 0x9)

/*
 * From here on, what <linux/kvm.h> has for s390 only.  HVIO and
 * HV_REG_* are <linux/hv.h>'s.
 */

/* HV_S390_SET_INITIAL_PSW */
struct hv_s390_psw {
	__u64 mask;
	__u64 addr;
};

/* hv_s390_interrupt.type */
#define HV_S390_SIGP_STOP		0xfffe0000u
#define HV_S390_PROGRAM_INT		0xfffe0001u
#define HV_S390_SIGP_SET_PREFIX		0xfffe0002u
#define HV_S390_RESTART			0xfffe0003u
#define HV_S390_INT_PFAULT_INIT		0xfffe0004u
#define HV_S390_INT_PFAULT_DONE		0xfffe0005u
#define HV_S390_MCHK			0xfffe1000u
#define HV_S390_INT_CLOCK_COMP		0xffff1004u
#define HV_S390_INT_CPU_TIMER		0xffff1005u
#define HV_S390_INT_VIRTIO		0xffff2603u
#define HV_S390_INT_SERVICE		0xffff2401u
#define HV_S390_INT_EMERGENCY		0xffff1201u
#define HV_S390_INT_EXTERNAL_CALL	0xffff1202u

/* HV_S390_INTERRUPT */
struct hv_s390_interrupt {
	__u32 type;
	__u32 parm;
	__u64 parm64;
};

/* system: give the calling process page tables with PGSTEs (for SIE) */
#define HV_S390_ENABLE_SIE	_IO(HVIO, 0x06)
/* vCPU: interrupt the vCPU (also a VM ioctl for floating interrupts) */
#define HV_S390_INTERRUPT	_IOW(HVIO, 0x94, struct hv_s390_interrupt)
/* vCPU: set the PSW the vCPU starts with */
#define HV_S390_SET_INITIAL_PSW	_IOW(HVIO, 0x96, struct hv_s390_psw)
/* vCPU: initial CPU reset (z/Architecture Principles of Operation, 4-50) */
#define HV_S390_INITIAL_RESET	_IO(HVIO, 0x97)
/* vCPU: CPU reset and clear reset (HV_CAP_S390_VCPU_RESETS) */
#define HV_S390_NORMAL_RESET	_IO(HVIO, 0xc3)
#define HV_S390_CLEAR_RESET	_IO(HVIO, 0xc4)

#endif /* _ASM_S390_HV_H */

/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * hv x86 userspace ABI: register files, interrupt controller state and
 * the other x86-only structures used by the ioctls in <linux/hv.h>.
 *
 * hv speaks KVM's ABI.  Every struct hv_x here has the layout of struct
 * kvm_x in Linux 6.1's <asm/kvm.h> and every HV_X has the value of KVM_X;
 * only the prefix differs, so renaming kvm_ to hv_ and KVM_ to HV_ ports a
 * KVM client.  "make -C tools/testing/abi check" proves it; run it after
 * any change here.
 */
#ifndef _ASM_X86_HV_H
#define _ASM_X86_HV_H

#include <linux/types.h>

/* Page offsets (in pages) of the areas a vCPU fd can mmap after hv_run. */
#define HV_PIO_PAGE_OFFSET		1
#define HV_COALESCED_MMIO_PAGE_OFFSET	2
#define HV_DIRTY_LOG_PAGE_OFFSET	64

/*
 * Architectural exception vectors, as used in hv_vcpu_events.exception.nr
 * and hv_debug_exit_arch.exception.  KVM names these without a prefix.
 */
#define HV_DE_VECTOR	0
#define HV_DB_VECTOR	1
#define HV_BP_VECTOR	3
#define HV_OF_VECTOR	4
#define HV_BR_VECTOR	5
#define HV_UD_VECTOR	6
#define HV_NM_VECTOR	7
#define HV_DF_VECTOR	8
#define HV_TS_VECTOR	10
#define HV_NP_VECTOR	11
#define HV_SS_VECTOR	12
#define HV_GP_VECTOR	13
#define HV_PF_VECTOR	14
#define HV_MF_VECTOR	16
#define HV_AC_VECTOR	17
#define HV_MC_VECTOR	18
#define HV_XM_VECTOR	19
#define HV_VE_VECTOR	20

/* Optional parts of <linux/hv.h> that exist on x86. */
#define __HV_HAVE_PIT
#define __HV_HAVE_IOAPIC
#define __HV_HAVE_IRQ_LINE
#define __HV_HAVE_MSI
#define __HV_HAVE_USER_NMI
#define __HV_HAVE_GUEST_DEBUG
#define __HV_HAVE_MSIX
#define __HV_HAVE_MCE
#define __HV_HAVE_PIT_STATE2
#define __HV_HAVE_XEN_HVM
#define __HV_HAVE_VCPU_EVENTS
#define __HV_HAVE_DEBUGREGS
#define __HV_HAVE_XSAVE
#define __HV_HAVE_XCRS
#define __HV_HAVE_READONLY_MEM

/* Number of interrupt vectors; sizes hv_sregs.interrupt_bitmap. */
#define HV_NR_INTERRUPTS 256

/*
 * In-kernel irqchip state for HV_GET_IRQCHIP / HV_SET_IRQCHIP.
 * One 8259 PIC, chip_id HV_IRQCHIP_PIC_MASTER or HV_IRQCHIP_PIC_SLAVE.
 */
struct hv_pic_state {
	__u8 last_irr;		/* IRR as of the last edge check */
	__u8 irr;
	__u8 imr;
	__u8 isr;
	__u8 priority_add;	/* IRQ that has the highest priority */
	__u8 irq_base;		/* vector of IRQ 0 (ICW2) */
	__u8 read_reg_select;	/* OCW3 RR/RIS: read ISR instead of IRR */
	__u8 poll;
	__u8 special_mask;
	__u8 init_state;	/* ICW expected next, 0 when initialised */
	__u8 auto_eoi;
	__u8 rotate_on_auto_eoi;
	__u8 special_fully_nested_mode;
	__u8 init4;		/* ICW4 expected */
	__u8 elcr;		/* edge/level control register */
	__u8 elcr_mask;		/* ELCR bits the guest may change */
};

/* The IOAPIC, chip_id HV_IRQCHIP_IOAPIC. */
#define HV_IOAPIC_NUM_PINS	24
struct hv_ioapic_state {
	__u64 base_address;
	__u32 ioregsel;
	__u32 id;
	__u32 irr;
	__u32 pad;
	union {
		__u64 bits;
		struct {
			__u8 vector;
			__u8 delivery_mode:3;
			__u8 dest_mode:1;
			__u8 delivery_status:1;
			__u8 polarity:1;
			__u8 remote_irr:1;
			__u8 trig_mode:1;
			__u8 mask:1;
			__u8 reserve:7;
			__u8 reserved[4];
			__u8 dest_id;
		} fields;
	} redirtbl[HV_IOAPIC_NUM_PINS];
};

/* hv_irqchip.chip_id values */
#define HV_IRQCHIP_PIC_MASTER	0
#define HV_IRQCHIP_PIC_SLAVE	1
#define HV_IRQCHIP_IOAPIC	2
#define HV_NR_IRQCHIPS		3

/* hv_run.flags */
#define HV_RUN_X86_SMM		(1 << 0)	/* vCPU was in SMM at exit */
#define HV_RUN_X86_BUS_LOCK	(1 << 1)	/* exit follows a bus lock */

/* HV_GET_REGS / HV_SET_REGS: general purpose registers */
struct hv_regs {
	__u64 rax, rbx, rcx, rdx;
	__u64 rsi, rdi, rsp, rbp;
	__u64 r8,  r9,  r10, r11;
	__u64 r12, r13, r14, r15;
	__u64 rip, rflags;
};

/* HV_GET_LAPIC / HV_SET_LAPIC: the 1 KiB xAPIC register page, raw */
#define HV_APIC_REG_SIZE 0x400
struct hv_lapic_state {
	char regs[HV_APIC_REG_SIZE];
};

/* A segment register with its hidden part, attributes unpacked. */
struct hv_segment {
	__u64 base;
	__u32 limit;
	__u16 selector;
	__u8  type;
	__u8  present, dpl, db, s, l, g, avl;
	__u8  unusable;
	__u8  padding;
};

/* GDTR / IDTR */
struct hv_dtable {
	__u64 base;
	__u16 limit;
	__u16 padding[3];
};

/* HV_GET_SREGS / HV_SET_SREGS: system registers */
struct hv_sregs {
	struct hv_segment cs, ds, es, fs, gs, ss;
	struct hv_segment tr, ldt;
	struct hv_dtable gdt, idt;
	__u64 cr0, cr2, cr3, cr4, cr8;
	__u64 efer;
	__u64 apic_base;
	/* one bit per vector: an external interrupt waiting for injection */
	__u64 interrupt_bitmap[(HV_NR_INTERRUPTS + 63) / 64];
};

/*
 * HV_GET_SREGS2 / HV_SET_SREGS2: as hv_sregs without the interrupt bitmap
 * (use hv_vcpu_events), plus the PAE PDPTRs so a PAE guest migrates with
 * the PDPTRs it actually loaded.
 */
struct hv_sregs2 {
	struct hv_segment cs, ds, es, fs, gs, ss;
	struct hv_segment tr, ldt;
	struct hv_dtable gdt, idt;
	__u64 cr0, cr2, cr3, cr4, cr8;
	__u64 efer;
	__u64 apic_base;
	__u64 flags;
	__u64 pdptrs[4];
};

#define HV_SREGS2_FLAGS_PDPTRS_VALID 1

/* HV_GET_FPU / HV_SET_FPU: legacy FPU and SSE state, FXSAVE-like */
struct hv_fpu {
	__u8  fpr[8][16];
	__u16 fcw;
	__u16 fsw;
	__u8  ftwx;		/* abridged tag word, as FXSAVE stores it */
	__u8  pad1;
	__u16 last_opcode;
	__u64 last_ip;
	__u64 last_dp;
	__u8  xmm[16][16];
	__u32 mxcsr;
	__u32 pad2;
};

struct hv_msr_entry {
	__u32 index;
	__u32 reserved;
	__u64 data;
};

/* HV_GET_MSRS / HV_SET_MSRS: nmsrs entries follow the header */
struct hv_msrs {
	__u32 nmsrs;
	__u32 pad;
	struct hv_msr_entry entries[];
};

/* HV_GET_MSR_INDEX_LIST / HV_GET_MSR_FEATURE_INDEX_LIST */
struct hv_msr_list {
	__u32 nmsrs;		/* in: room in indices[]; out: count */
	__u32 indices[];
};

/* Largest bitmap one hv_msr_filter_range may point to, in bytes. */
#define HV_MSR_FILTER_MAX_BITMAP_SIZE 0x600

/*
 * One range of HV_X86_SET_MSR_FILTER: MSRs base .. base + nmsrs - 1, one
 * bit each in bitmap; a set bit allows the accesses named in flags.
 */
struct hv_msr_filter_range {
#define HV_MSR_FILTER_READ	(1 << 0)
#define HV_MSR_FILTER_WRITE	(1 << 1)
	__u32 flags;
	__u32 nmsrs;
	__u32 base;
	__u8 *bitmap;
};

#define HV_MSR_FILTER_MAX_RANGES 16
struct hv_msr_filter {
/* what happens to an MSR no range covers */
#define HV_MSR_FILTER_DEFAULT_ALLOW	(0 << 0)
#define HV_MSR_FILTER_DEFAULT_DENY	(1 << 0)
	__u32 flags;
	struct hv_msr_filter_range ranges[HV_MSR_FILTER_MAX_RANGES];
};

/* HV_SET_CPUID: the original CPUID table, without subleaf indices */
struct hv_cpuid_entry {
	__u32 function;
	__u32 eax;
	__u32 ebx;
	__u32 ecx;
	__u32 edx;
	__u32 padding;
};

struct hv_cpuid {
	__u32 nent;
	__u32 padding;
	struct hv_cpuid_entry entries[];
};

/* CPUID table entry of HV_SET_CPUID2 and friends, one per leaf/subleaf */
struct hv_cpuid_entry2 {
	__u32 function;
	__u32 index;
	__u32 flags;
	__u32 eax;
	__u32 ebx;
	__u32 ecx;
	__u32 edx;
	__u32 padding[3];
};

/* hv_cpuid_entry2.flags; "SIGNIFCANT" is KVM's spelling, kept for sed. */
#define HV_CPUID_FLAG_SIGNIFCANT_INDEX		(1 << 0)
#define HV_CPUID_FLAG_STATEFUL_FUNC		(1 << 1)
#define HV_CPUID_FLAG_STATE_READ_NEXT		(1 << 2)

/* HV_SET_CPUID2, HV_GET_CPUID2, HV_GET_SUPPORTED_CPUID, ... */
struct hv_cpuid2 {
	__u32 nent;		/* too small: E2BIG, nent not written */
	__u32 padding;
	struct hv_cpuid_entry2 entries[];
};

/* One 8254 PIT counter. */
struct hv_pit_channel_state {
	__u32 count;		/* a reload value of 0 means 65536 */
	__u16 latched_count;
	__u8 count_latched;
	__u8 status_latched;
	__u8 status;
	__u8 read_state;
	__u8 write_state;
	__u8 write_latch;
	__u8 rw_mode;
	__u8 mode;
	__u8 bcd;
	__u8 gate;
	__s64 count_load_time;	/* host ns when count was loaded */
};

/* hv_run.debug.arch, for HV_EXIT_DEBUG */
struct hv_debug_exit_arch {
	__u32 exception;	/* HV_DB_VECTOR or HV_BP_VECTOR */
	__u32 pad;
	__u64 pc;
	__u64 dr6;
	__u64 dr7;
};

/* hv_guest_debug.control bits beyond the generic ones */
#define HV_GUESTDBG_USE_SW_BP		0x00010000
#define HV_GUESTDBG_USE_HW_BP		0x00020000
#define HV_GUESTDBG_INJECT_DB		0x00040000
#define HV_GUESTDBG_INJECT_BP		0x00080000
#define HV_GUESTDBG_BLOCKIRQ		0x00100000

/* HV_SET_GUEST_DEBUG: DR0-DR7 to use while debugging the guest */
struct hv_guest_debug_arch {
	__u64 debugreg[8];
};

/* HV_GET_PIT / HV_SET_PIT */
struct hv_pit_state {
	struct hv_pit_channel_state channels[3];
};

/* hv_pit_state2.flags */
#define HV_PIT_FLAGS_HPET_LEGACY	0x00000001
#define HV_PIT_FLAGS_SPEAKER_DATA_ON	0x00000002

/* HV_GET_PIT2 / HV_SET_PIT2 */
struct hv_pit_state2 {
	struct hv_pit_channel_state channels[3];
	__u32 flags;
	__u32 reserved[9];
};

/* HV_REINJECT_CONTROL */
struct hv_reinject_control {
	__u8 pit_reinject;	/* catch up on missed PIT ticks */
	__u8 reserved[31];
};

/* hv_vcpu_events.flags: which optional fields HV_SET_VCPU_EVENTS reads */
#define HV_VCPUEVENT_VALID_NMI_PENDING		0x00000001
#define HV_VCPUEVENT_VALID_SIPI_VECTOR		0x00000002
#define HV_VCPUEVENT_VALID_SHADOW		0x00000004
#define HV_VCPUEVENT_VALID_SMM			0x00000008
#define HV_VCPUEVENT_VALID_PAYLOAD		0x00000010
#define HV_VCPUEVENT_VALID_TRIPLE_FAULT		0x00000020

/* hv_vcpu_events.interrupt.shadow: why interrupts are blocked for 1 insn */
#define HV_X86_SHADOW_INT_MOV_SS	0x01
#define HV_X86_SHADOW_INT_STI		0x02

/* HV_GET_VCPU_EVENTS / HV_SET_VCPU_EVENTS: pending and injected events */
struct hv_vcpu_events {
	struct {
		__u8 injected;
		__u8 nr;
		__u8 has_error_code;
		__u8 pending;
		__u32 error_code;
	} exception;
	struct {
		__u8 injected;
		__u8 nr;
		__u8 soft;
		__u8 shadow;
	} interrupt;
	struct {
		__u8 injected;
		__u8 pending;
		__u8 masked;
		__u8 pad;
	} nmi;
	__u32 sipi_vector;
	__u32 flags;
	struct {
		__u8 smm;
		__u8 pending;
		__u8 smm_inside_nmi;
		__u8 latched_init;
	} smi;
	struct {
		__u8 pending;
	} triple_fault;
	__u8 reserved[26];
	__u8 exception_has_payload;
	__u64 exception_payload;	/* CR2 or DR6 value for #PF / #DB */
};

/* HV_GET_DEBUGREGS / HV_SET_DEBUGREGS */
struct hv_debugregs {
	__u64 db[4];
	__u64 dr6;
	__u64 dr7;
	__u64 flags;
	__u64 reserved[9];
};

/*
 * HV_GET_XSAVE / HV_SET_XSAVE / HV_GET_XSAVE2: an XSAVE image laid out
 * as the host's CPUID leaf 0xD says.  With dynamically enabled features
 * (AMX) the image is longer than region[]: its size is the value
 * HV_CHECK_EXTENSION(HV_CAP_XSAVE2) returns on the VM fd, and extra[]
 * holds the rest.
 */
struct hv_xsave {
	__u32 region[1024];
	__u32 extra[];
};

#define HV_MAX_XCRS	16

struct hv_xcr {
	__u32 xcr;
	__u32 reserved;
	__u64 value;
};

/* HV_GET_XCRS / HV_SET_XCRS: extended control registers (XCR0) */
struct hv_xcrs {
	__u32 nr_xcrs;
	__u32 flags;
	struct hv_xcr xcrs[HV_MAX_XCRS];
	__u64 padding[16];
};

/* hv_run.hv_valid_regs / hv_dirty_regs bits for hv_sync_regs */
#define HV_SYNC_X86_REGS	(1UL << 0)
#define HV_SYNC_X86_SREGS	(1UL << 1)
#define HV_SYNC_X86_EVENTS	(1UL << 2)

#define HV_SYNC_X86_VALID_FIELDS \
	(HV_SYNC_X86_REGS | HV_SYNC_X86_SREGS | HV_SYNC_X86_EVENTS)

/*
 * Register state mirrored in hv_run.s (HV_CAP_SYNC_REGS), saving a
 * GET/SET ioctl per exit.  The page is shared with userspace, which may
 * change it at any time: the kernel must copy before it validates.
 */
struct hv_sync_regs {
	struct hv_regs regs;
	struct hv_sregs sregs;
	struct hv_vcpu_events events;
};

/* HV_CAP_DISABLE_QUIRKS(2): legacy behaviours userspace may turn off */
#define HV_X86_QUIRK_LINT0_REENABLED		(1 << 0)
#define HV_X86_QUIRK_CD_NW_CLEARED		(1 << 1)
#define HV_X86_QUIRK_LAPIC_MMIO_HOLE		(1 << 2)
#define HV_X86_QUIRK_OUT_7E_INC_RIP		(1 << 3)
#define HV_X86_QUIRK_MISC_ENABLE_NO_MWAIT	(1 << 4)
#define HV_X86_QUIRK_FIX_HYPERCALL_INSN		(1 << 5)
#define HV_X86_QUIRK_MWAIT_NEVER_UD_FAULTS	(1 << 6)

/* hv_nested_state.format */
#define HV_STATE_NESTED_FORMAT_VMX	0
#define HV_STATE_NESTED_FORMAT_SVM	1

/* hv_nested_state.flags */
#define HV_STATE_NESTED_GUEST_MODE	0x00000001
#define HV_STATE_NESTED_RUN_PENDING	0x00000002
#define HV_STATE_NESTED_EVMCS		0x00000004
#define HV_STATE_NESTED_MTF_PENDING	0x00000008
#define HV_STATE_NESTED_GIF_SET		0x00000100

/* hv_vmx_nested_state_hdr.smm.flags */
#define HV_STATE_NESTED_SMM_GUEST_MODE	0x00000001
#define HV_STATE_NESTED_SMM_VMXON	0x00000002

#define HV_STATE_NESTED_VMX_VMCS_SIZE	0x1000

#define HV_STATE_NESTED_SVM_VMCB_SIZE	0x1000

/* hv_vmx_nested_state_hdr.flags */
#define HV_STATE_VMX_PREEMPTION_TIMER_DEADLINE	0x00000001

/* HV_GET_DEVICE_ATTR on the system fd, group 0: XCR0 bits a guest gets */
#define HV_X86_XCOMP_GUEST_SUPP	0

struct hv_vmx_nested_state_data {
	__u8 vmcs12[HV_STATE_NESTED_VMX_VMCS_SIZE];
	__u8 shadow_vmcs12[HV_STATE_NESTED_VMX_VMCS_SIZE];
};

struct hv_vmx_nested_state_hdr {
	__u64 vmxon_pa;
	__u64 vmcs12_pa;

	struct {
		__u16 flags;
	} smm;

	__u16 pad;

	__u32 flags;
	__u64 preemption_timer_deadline;
};

struct hv_svm_nested_state_data {
	/* L1's VMCB12, meaningful with HV_STATE_NESTED_RUN_PENDING */
	__u8 vmcb12[HV_STATE_NESTED_SVM_VMCB_SIZE];
};

struct hv_svm_nested_state_hdr {
	__u64 vmcb_pa;
};

/*
 * HV_GET_NESTED_STATE / HV_SET_NESTED_STATE.  The fixed part is 128 bytes;
 * size says how much vendor data follows.  data is declared with zero
 * length because the ioctl numbers encode sizeof() of this struct.
 */
struct hv_nested_state {
	__u16 flags;
	__u16 format;
	__u32 size;

	union {
		struct hv_vmx_nested_state_hdr vmx;
		struct hv_svm_nested_state_hdr svm;
		__u8 pad[120];	/* fixes the header at 128 bytes */
	} hdr;

	__extension__ union {
		struct hv_vmx_nested_state_data vmx[0];
		struct hv_svm_nested_state_data svm[0];
	} data;
};

/* HV_SET_PMU_EVENT_FILTER */
struct hv_pmu_event_filter {
	__u32 action;		/* HV_PMU_EVENT_ALLOW or _DENY */
	__u32 nevents;
	__u32 fixed_counter_bitmap;
	__u32 flags;
	__u32 pad[4];
	__u64 events[];
};

#define HV_PMU_EVENT_ALLOW 0
#define HV_PMU_EVENT_DENY 1

/* vCPU device attributes (HV_{GET,SET,HAS}_DEVICE_ATTR on a vCPU fd) */
#define HV_VCPU_TSC_CTRL	0	/* group: the guest TSC */
#define   HV_VCPU_TSC_OFFSET	0	/* attr: TSC offset, __u64 */

#endif /* _ASM_X86_HV_H */

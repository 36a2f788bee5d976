/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * hv userspace ABI: /dev/hv and the VM, vCPU and device fds it hands out.
 *
 * hv implements KVM's ABI, not a look-alike: ioctl numbers (type HVIO ==
 * KVMIO), struct layouts, exit reasons and capability numbers are those
 * of Linux 6.1's <linux/kvm.h>, so unmodified KVM clients work against
 * /dev/hv.  Only the names differ: struct kvm_x is struct hv_x, KVM_X is
 * HV_X, field kvm_x is hv_x.  A few KVM names carry no KVM_ prefix; ours
 * do (HV_DE_VECTOR, HV_SYNC_REGS_SIZE_BYTES).
 *
 * tools/testing/abi compares every struct and constant here with
 * <linux/kvm.h>; run "make -C tools/testing/abi check" after any change.
 * An hv-only addition needs an ioctl type of its own and an entry in
 * tools/testing/abi/hv-only.txt, or that check fails.
 *
 * Left out on purpose: interfaces KVM deprecated or removed before 6.1
 * (tracing, device assignment, memory aliases, the old memory region
 * ioctl) and those of other architectures (s390, PowerPC, MIPS, RISC-V,
 * arm64; ports add theirs), except where numbers or layouts are shared
 * with x86: capability and exit reason numbers, hv_run's exit union.
 * "make -C tools/testing/abi missing" lists every KVM name left out.
 */
#ifndef _UAPI_LINUX_HV_H
#define _UAPI_LINUX_HV_H

#include <linux/types.h>
#include <linux/ioctl.h>
#include <asm/hv.h>

/* Returned by HV_GET_API_VERSION; never changes, use capabilities. */
#define HV_API_VERSION 12

/* ioctl type of every KVM-compatible ioctl; KVM's KVMIO */
#define HVIO 0xAE

/* ---------------------------------------------------------------------
 * Memory slots
 */

/*
 * HV_SET_USER_MEMORY_REGION.  slot is (address space id << 16) | slot
 * number; memory_size 0 deletes the slot.
 */
struct hv_userspace_memory_region {
	__u32 slot;
	__u32 flags;
	__u64 guest_phys_addr;
	__u64 memory_size;	/* bytes */
	__u64 userspace_addr;	/* host virtual address of the backing */
};

/* hv_userspace_memory_region.flags; bits 16-31 are kernel-internal */
#define HV_MEM_LOG_DIRTY_PAGES	(1UL << 0)
#define HV_MEM_READONLY		(1UL << 1)

/* HV_GET_DIRTY_LOG: fetch and reset a slot's dirty bitmap */
struct hv_dirty_log {
	__u32 slot;
	__u32 padding1;

	__extension__ union {
		void *dirty_bitmap;	/* one bit per page of the slot */
		__u64 padding2;		/* fixes the size for 32-bit users */
	};
};

/* HV_CLEAR_DIRTY_LOG: write-protect again part of a slot's pages */
struct hv_clear_dirty_log {
	__u32 slot;
	__u32 num_pages;
	__u64 first_page;	/* a multiple of 64 */

	__extension__ union {
		void *dirty_bitmap;	/* bit n is page first_page + n */
		__u64 padding2;
	};
};

/* HV_CAP_MANUAL_DIRTY_LOG_PROTECT2 arguments */
#define HV_DIRTY_LOG_MANUAL_PROTECT_ENABLE	(1 << 0)
#define HV_DIRTY_LOG_INITIALLY_SET		(1 << 1)

/*
 * Dirty ring (HV_CAP_DIRTY_LOG_RING): each vCPU fd maps an array of
 * hv_dirty_gfn at page HV_DIRTY_LOG_PAGE_OFFSET.  An entry goes from
 * invalid (flags 0) to DIRTY when hv publishes it; userspace harvests
 * entries in order and sets RESET; HV_RESET_DIRTY_RINGS recycles them.
 */
#define HV_DIRTY_GFN_F_DIRTY	(1UL << 0)
#define HV_DIRTY_GFN_F_RESET	(1UL << 1)
#define HV_DIRTY_GFN_F_MASK	0x3

struct hv_dirty_gfn {
	__u32 flags;
	__u32 slot;		/* as in hv_userspace_memory_region.slot */
	__u64 offset;		/* page offset inside the slot */
};

/* ---------------------------------------------------------------------
 * hv_run: the page shared between hv and userspace for HV_RUN
 */

/* hv_run.exit_reason */
#define HV_EXIT_UNKNOWN			0
#define HV_EXIT_EXCEPTION		1
#define HV_EXIT_IO			2
#define HV_EXIT_HYPERCALL		3
#define HV_EXIT_DEBUG			4
#define HV_EXIT_HLT			5
#define HV_EXIT_MMIO			6
#define HV_EXIT_IRQ_WINDOW_OPEN		7
#define HV_EXIT_SHUTDOWN		8
#define HV_EXIT_FAIL_ENTRY		9
#define HV_EXIT_INTR			10
#define HV_EXIT_SET_TPR			11
#define HV_EXIT_TPR_ACCESS		12
#define HV_EXIT_S390_SIEIC		13
#define HV_EXIT_S390_RESET		14
#define HV_EXIT_DCR			15	/* unused since 2013 */
#define HV_EXIT_NMI			16
#define HV_EXIT_INTERNAL_ERROR		17
#define HV_EXIT_OSI			18
#define HV_EXIT_PAPR_HCALL		19
#define HV_EXIT_S390_UCONTROL		20
#define HV_EXIT_WATCHDOG		21
#define HV_EXIT_S390_TSCH		22
#define HV_EXIT_EPR			23
#define HV_EXIT_SYSTEM_EVENT		24
#define HV_EXIT_S390_STSI		25
#define HV_EXIT_IOAPIC_EOI		26
#define HV_EXIT_HYPERV			27
#define HV_EXIT_ARM_NISV		28
#define HV_EXIT_X86_RDMSR		29
#define HV_EXIT_X86_WRMSR		30
#define HV_EXIT_DIRTY_RING_FULL		31
#define HV_EXIT_AP_RESET_HOLD		32
#define HV_EXIT_X86_BUS_LOCK		33
#define HV_EXIT_XEN			34
#define HV_EXIT_RISCV_SBI		35
#define HV_EXIT_RISCV_CSR		36
#define HV_EXIT_NOTIFY			37

/* hv_run.internal.suberror for HV_EXIT_INTERNAL_ERROR */
#define HV_INTERNAL_ERROR_EMULATION			1
#define HV_INTERNAL_ERROR_SIMUL_EX			2
#define HV_INTERNAL_ERROR_DELIVERY_EV			3
#define HV_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON	4

/* hv_run.emulation_failure.flags: insn_size and insn_bytes are valid */
#define HV_INTERNAL_ERROR_EMULATION_FLAG_INSTRUCTION_BYTES (1ULL << 0)

/* Guest request to leave Hyper-V emulation (HV_EXIT_HYPERV). */
struct hv_hyperv_exit {
#define HV_EXIT_HYPERV_SYNIC	1
#define HV_EXIT_HYPERV_HCALL	2
#define HV_EXIT_HYPERV_SYNDBG	3
	__u32 type;
	__u32 pad1;
	union {
		struct {
			__u32 msr;
			__u32 pad2;
			__u64 control;
			__u64 evt_page;
			__u64 msg_page;
		} synic;
		struct {
			__u64 input;
			__u64 result;
			__u64 params[2];
		} hcall;
		struct {
			__u32 msr;
			__u32 pad2;
			__u64 control;
			__u64 status;
			__u64 send_page;
			__u64 recv_page;
			__u64 pending_page;
		} syndbg;
	} u;
};

/* Guest Xen hypercall handed to userspace (HV_EXIT_XEN). */
struct hv_xen_exit {
#define HV_EXIT_XEN_HCALL	1
	__u32 type;
	union {
		struct {
			__u32 longmode;
			__u32 cpl;
			__u64 input;
			__u64 result;
			__u64 params[6];
		} hcall;
	} u;
};

/* Size of hv_run.s, whatever the architecture's hv_sync_regs needs. */
#define HV_SYNC_REGS_SIZE_BYTES 2048

/*
 * mmap(vcpu_fd, 0) maps this; HV_GET_VCPU_MMAP_SIZE gives the length of
 * the mapping, which also holds the PIO data and coalesced MMIO pages.
 * Fields marked "in" are read by HV_RUN, "out" are written by it.
 */
struct hv_run {
	/* in */
	__u8 request_interrupt_window;
	__u8 immediate_exit;	/* return -EINTR before entering the guest */
	__u8 padding1[6];

	/* out */
	__u32 exit_reason;	/* HV_EXIT_* */
	__u8 ready_for_interrupt_injection;
	__u8 if_flag;
	__u16 flags;		/* HV_RUN_X86_* */

	/* in and out */
	__u64 cr8;
	__u64 apic_base;

#ifdef __HV_S390
	/* program status word of the s390 vCPU */
	__u64 psw_mask;
	__u64 psw_addr;
#endif
	/* exit details: the member exit_reason names is valid */
	__extension__ union {
		/* HV_EXIT_UNKNOWN */
		struct {
			__u64 hardware_exit_reason;
		} hw;
		/* HV_EXIT_FAIL_ENTRY */
		struct {
			__u64 hardware_entry_failure_reason;
			__u32 cpu;
		} fail_entry;
		/* HV_EXIT_EXCEPTION */
		struct {
			__u32 exception;
			__u32 error_code;
		} ex;
		/* HV_EXIT_IO: data is at (char *)run + data_offset */
		struct {
#define HV_EXIT_IO_IN	0
#define HV_EXIT_IO_OUT	1
			__u8 direction;
			__u8 size;	/* bytes per access */
			__u16 port;
			__u32 count;	/* accesses, > 1 for rep ins/outs */
			__u64 data_offset;
		} io;
		/* HV_EXIT_DEBUG */
		struct {
			struct hv_debug_exit_arch arch;
		} debug;
		/* HV_EXIT_MMIO */
		struct {
			__u64 phys_addr;
			__u8  data[8];
			__u32 len;
			__u8  is_write;
		} mmio;
		/* HV_EXIT_HYPERCALL (HV_CAP_EXIT_HYPERCALL) */
		struct {
			__u64 nr;
			__u64 args[6];
			__u64 ret;
			__u32 longmode;
			__u32 pad;
		} hypercall;
		/* HV_EXIT_TPR_ACCESS */
		struct {
			__u64 rip;
			__u32 is_write;
			__u32 pad;
		} tpr_access;
		/* HV_EXIT_S390_SIEIC */
		struct {
			__u8 icptcode;
			__u16 ipa;
			__u32 ipb;
		} s390_sieic;
		/* HV_EXIT_S390_RESET */
		__u64 s390_reset_flags;
		/* HV_EXIT_S390_UCONTROL */
		struct {
			__u64 trans_exc_code;
			__u32 pgm_code;
		} s390_ucontrol;
		/* HV_EXIT_DCR */
		struct {
			__u32 dcrn;
			__u32 data;
			__u8  is_write;
		} dcr;
		/* HV_EXIT_INTERNAL_ERROR */
		struct {
			__u32 suberror;
			/* valid data[] entries (HV_CAP_INTERNAL_ERROR_DATA) */
			__u32 ndata;
			__u64 data[16];
		} internal;
		/*
		 * HV_EXIT_INTERNAL_ERROR with HV_INTERNAL_ERROR_EMULATION: a
		 * view of "internal" whose first data[] words are defined,
		 * as flags announce.  ndata still counts all __u64 words
		 * after ndata, including any unspecified debug data.
		 */
		struct {
			__u32 suberror;
			__u32 ndata;
			__u64 flags;

			__extension__ union {
				struct {
					__u8  insn_size;
					__u8  insn_bytes[15];
				};
			};
		} emulation_failure;
		/* HV_EXIT_OSI */
		struct {
			__u64 gprs[32];
		} osi;
		/* HV_EXIT_PAPR_HCALL */
		struct {
			__u64 nr;
			__u64 ret;
			__u64 args[9];
		} papr_hcall;
		/* HV_EXIT_S390_TSCH */
		struct {
			__u16 subchannel_id;
			__u16 subchannel_nr;
			__u32 io_int_parm;
			__u32 io_int_word;
			__u32 ipb;
			__u8 dequeued;
		} s390_tsch;
		/* HV_EXIT_EPR */
		struct {
			__u32 epr;
		} epr;
		/* HV_EXIT_SYSTEM_EVENT */
		struct {
#define HV_SYSTEM_EVENT_SHUTDOWN	1
#define HV_SYSTEM_EVENT_RESET		2
#define HV_SYSTEM_EVENT_CRASH		3
#define HV_SYSTEM_EVENT_WAKEUP		4
#define HV_SYSTEM_EVENT_SUSPEND		5
#define HV_SYSTEM_EVENT_SEV_TERM	6
			__u32 type;
			__u32 ndata;	/* HV_CAP_SYSTEM_EVENT_DATA */

			__extension__ union {
				__u64 flags;
				__u64 data[16];
			};
		} system_event;
		/* HV_EXIT_S390_STSI */
		struct {
			__u64 addr;
			__u8 ar;
			__u8 reserved;
			__u8 fc;
			__u8 sel1;
			__u16 sel2;
		} s390_stsi;
		/* HV_EXIT_IOAPIC_EOI (split irqchip) */
		struct {
			__u8 vector;
		} eoi;
		/* HV_EXIT_HYPERV */
		struct hv_hyperv_exit hyperv;
		/* HV_EXIT_ARM_NISV */
		struct {
			__u64 esr_iss;
			__u64 fault_ipa;
		} arm_nisv;
		/* HV_EXIT_X86_RDMSR / HV_EXIT_X86_WRMSR */
		struct {
			__u8 error;	/* in: nonzero injects #GP */
			__u8 pad[7];
#define HV_MSR_EXIT_REASON_INVAL	(1 << 0)
#define HV_MSR_EXIT_REASON_UNKNOWN	(1 << 1)
#define HV_MSR_EXIT_REASON_FILTER	(1 << 2)
			__u32 reason;	/* out: HV_MSR_EXIT_REASON_* */
			__u32 index;	/* out: the MSR */
			__u64 data;	/* out for WRMSR, in for RDMSR */
		} msr;
		/* HV_EXIT_XEN */
		struct hv_xen_exit xen;
		/* HV_EXIT_RISCV_SBI */
		struct {
			unsigned long extension_id;
			unsigned long function_id;
			unsigned long args[6];
			unsigned long ret[2];
		} riscv_sbi;
		/* HV_EXIT_RISCV_CSR */
		struct {
			unsigned long csr_num;
			unsigned long new_value;
			unsigned long write_mask;
			unsigned long ret_value;
		} riscv_csr;
		/* HV_EXIT_NOTIFY */
		struct {
#define HV_NOTIFY_CONTEXT_INVALID	(1 << 0)
			__u32 flags;
		} notify;
		/* keeps the union, and what follows, where KVM has it */
		char padding[256];
	};

	/*
	 * Register sync (HV_CAP_SYNC_REGS): hv fills s.regs and sets the
	 * classes it filled in hv_valid_regs; userspace sets hv_dirty_regs
	 * for the classes it changed and wants loaded on the next HV_RUN.
	 */
	__u64 hv_valid_regs;
	__u64 hv_dirty_regs;
	union {
		struct hv_sync_regs regs;
		char padding[HV_SYNC_REGS_SIZE_BYTES];
	} s;
};

/* ---------------------------------------------------------------------
 * Coalesced MMIO and PIO: writes queued in a ring instead of exiting
 */

/* HV_REGISTER_COALESCED_MMIO / HV_UNREGISTER_COALESCED_MMIO */
struct hv_coalesced_mmio_zone {
	__u64 addr;
	__u32 size;

	__extension__ union {
		__u32 pad;
		__u32 pio;	/* 1: addr is a port (HV_CAP_COALESCED_PIO) */
	};
};

struct hv_coalesced_mmio {
	__u64 phys_addr;
	__u32 len;

	__extension__ union {
		__u32 pad;
		__u32 pio;
	};
	__u8  data[8];
};

/*
 * The ring at page HV_COALESCED_MMIO_PAGE_OFFSET of the vCPU mapping.
 * hv produces at last, userspace consumes at first; first == last means
 * empty.
 */
struct hv_coalesced_mmio_ring {
	__u32 first, last;
	struct hv_coalesced_mmio coalesced_mmio[];
};

/* Entries in the ring page; needs PAGE_SIZE from the includer. */
#define HV_COALESCED_MMIO_MAX \
	((PAGE_SIZE - sizeof(struct hv_coalesced_mmio_ring)) / \
	 sizeof(struct hv_coalesced_mmio))

/* ---------------------------------------------------------------------
 * vCPU state and control
 */

/* HV_TRANSLATE: guest linear to guest physical, current paging mode */
struct hv_translation {
	/* in */
	__u64 linear_address;

	/* out */
	__u64 physical_address;
	__u8  valid;
	__u8  writeable;
	__u8  usermode;
	__u8  pad[5];
};

/* HV_INTERRUPT: queue an external interrupt (userspace irqchip only) */
struct hv_interrupt {
	/* in */
	__u32 irq;
};

/* HV_SET_SIGNAL_MASK: signals blocked while in the guest */
struct hv_signal_mask {
	__u32 len;		/* bytes of sigset; 8 on x86-64 */
	__u8  sigset[];
};

/* HV_TPR_ACCESS_REPORTING */
struct hv_tpr_access_ctl {
	__u32 enabled;
	__u32 flags;
	__u32 reserved[8];
};

/* HV_SET_VAPIC_ADDR */
struct hv_vapic_addr {
	__u64 vapic_addr;
};

/* hv_mp_state.mp_state; each architecture uses a subset */
#define HV_MP_STATE_RUNNABLE		0
#define HV_MP_STATE_UNINITIALIZED	1
#define HV_MP_STATE_INIT_RECEIVED	2
#define HV_MP_STATE_HALTED		3
#define HV_MP_STATE_SIPI_RECEIVED	4
#define HV_MP_STATE_STOPPED		5
#define HV_MP_STATE_CHECK_STOP		6
#define HV_MP_STATE_OPERATING		7
#define HV_MP_STATE_LOAD		8
#define HV_MP_STATE_AP_RESET_HOLD	9
#define HV_MP_STATE_SUSPENDED		10

/* HV_GET_MP_STATE / HV_SET_MP_STATE */
struct hv_mp_state {
	__u32 mp_state;
};

/* hv_guest_debug.control; arch bits (HV_GUESTDBG_USE_*) in <asm/hv.h> */
#define HV_GUESTDBG_ENABLE		0x00000001
#define HV_GUESTDBG_SINGLESTEP		0x00000002

/* HV_SET_GUEST_DEBUG */
struct hv_guest_debug {
	__u32 control;
	__u32 pad;
	struct hv_guest_debug_arch arch;
};

/* HV_ENABLE_CAP on a VM or vCPU fd */
struct hv_enable_cap {
	/* in */
	__u32 cap;
	__u32 flags;
	__u64 args[4];
	__u8  pad[64];
};

/* args[0] of HV_ENABLE_CAP(HV_CAP_X86_DISABLE_EXITS) */
#define HV_X86_DISABLE_EXITS_MWAIT	(1 << 0)
#define HV_X86_DISABLE_EXITS_HLT	(1 << 1)
#define HV_X86_DISABLE_EXITS_PAUSE	(1 << 2)
#define HV_X86_DISABLE_EXITS_CSTATE	(1 << 3)
#define HV_X86_DISABLE_VALID_EXITS	(HV_X86_DISABLE_EXITS_MWAIT | \
					 HV_X86_DISABLE_EXITS_HLT | \
					 HV_X86_DISABLE_EXITS_PAUSE | \
					 HV_X86_DISABLE_EXITS_CSTATE)

/* args[0] of HV_ENABLE_CAP(HV_CAP_X2APIC_API) */
#define HV_X2APIC_API_USE_32BIT_IDS		(1ULL << 0)
#define HV_X2APIC_API_DISABLE_BROADCAST_QUIRK	(1ULL << 1)

/* args[0] of HV_ENABLE_CAP(HV_CAP_X86_BUS_LOCK_EXIT) */
#define HV_BUS_LOCK_DETECTION_OFF	(1 << 0)
#define HV_BUS_LOCK_DETECTION_EXIT	(1 << 1)

/* args[0] of HV_ENABLE_CAP(HV_CAP_PMU_CAPABILITY) */
#define HV_PMU_CAP_DISABLE		(1 << 0)

/* args[0] of HV_ENABLE_CAP(HV_CAP_X86_NOTIFY_VMEXIT) */
#define HV_X86_NOTIFY_VMEXIT_ENABLED	(1ULL << 0)
#define HV_X86_NOTIFY_VMEXIT_USER	(1ULL << 1)

#ifdef __HV_HAVE_MCE
/* HV_X86_SET_MCE: inject a machine check (HV_CAP_MCE) */
struct hv_x86_mce {
	__u64 status;
	__u64 addr;
	__u64 misc;
	__u64 mcg_status;
	__u8 bank;
	__u8 pad1[7];
	__u64 pad2[3];
};
#endif

/*
 * HV_GET_ONE_REG / HV_SET_ONE_REG.  A register id is an arch code, a
 * size code and an arch-defined number, ORed together.
 */
#define HV_REG_ARCH_MASK	0xff00000000000000ULL
#define HV_REG_GENERIC		0x0000000000000000ULL

#define HV_REG_PPC		0x1000000000000000ULL
#define HV_REG_X86		0x2000000000000000ULL
#define HV_REG_IA64		0x3000000000000000ULL
#define HV_REG_ARM		0x4000000000000000ULL
#define HV_REG_S390		0x5000000000000000ULL
#define HV_REG_ARM64		0x6000000000000000ULL
#define HV_REG_MIPS		0x7000000000000000ULL
#define HV_REG_RISCV		0x8000000000000000ULL

#define HV_REG_SIZE_SHIFT	52
#define HV_REG_SIZE_MASK	0x00f0000000000000ULL
#define HV_REG_SIZE_U8		0x0000000000000000ULL
#define HV_REG_SIZE_U16		0x0010000000000000ULL
#define HV_REG_SIZE_U32		0x0020000000000000ULL
#define HV_REG_SIZE_U64		0x0030000000000000ULL
#define HV_REG_SIZE_U128	0x0040000000000000ULL
#define HV_REG_SIZE_U256	0x0050000000000000ULL
#define HV_REG_SIZE_U512	0x0060000000000000ULL
#define HV_REG_SIZE_U1024	0x0070000000000000ULL
#define HV_REG_SIZE_U2048	0x0080000000000000ULL

/* HV_GET_REG_LIST */
struct hv_reg_list {
	__u64 n;		/* in: room in reg[]; out: count */
	__u64 reg[];
};

struct hv_one_reg {
	__u64 id;
	__u64 addr;		/* user address of the value */
};

/* ---------------------------------------------------------------------
 * Interrupt controllers and interrupt delivery
 */

/* HV_IRQ_LINE / HV_IRQ_LINE_STATUS */
struct hv_irq_level {
	/*
	 * in: GSI (x86: PIC pins 0-15, IOAPIC pins 0-23); out for
	 * HV_IRQ_LINE_STATUS: > 0 delivered, 0 coalesced, < 0 masked.
	 */
	__extension__ union {
		__u32 irq;
		__s32 status;
	};
	__u32 level;
};

/* HV_GET_IRQCHIP / HV_SET_IRQCHIP */
struct hv_irqchip {
	__u32 chip_id;		/* HV_IRQCHIP_* */
	__u32 pad;
	union {
		char dummy[512];	/* fixes the size */
#ifdef __HV_HAVE_PIT
		struct hv_pic_state pic;
#endif
#ifdef __HV_HAVE_IOAPIC
		struct hv_ioapic_state ioapic;
#endif
	} chip;
};

/* HV_CREATE_PIT2 */
struct hv_pit_config {
	__u32 flags;
	__u32 pad[15];
};

/* hv_pit_config.flags: emulate the port 0x61 speaker gate */
#define HV_PIT_SPEAKER_DUMMY	1

/* HV_SET_GSI_ROUTING: what a GSI delivers */
struct hv_irq_routing_irqchip {
	__u32 irqchip;
	__u32 pin;
};

struct hv_irq_routing_msi {
	__u32 address_lo;
	__u32 address_hi;
	__u32 data;

	__extension__ union {
		__u32 pad;
		__u32 devid;	/* with HV_MSI_VALID_DEVID in flags */
	};
};

struct hv_irq_routing_s390_adapter {
	__u64 ind_addr;
	__u64 summary_addr;
	__u64 ind_offset;
	__u32 summary_offset;
	__u32 adapter_id;
};

struct hv_irq_routing_hv_sint {
	__u32 vcpu;
	__u32 sint;
};

struct hv_irq_routing_xen_evtchn {
	__u32 port;
	__u32 vcpu;
	__u32 priority;
};

#define HV_IRQ_ROUTING_XEN_EVTCHN_PRIO_2LEVEL ((__u32)(-1))

/* hv_irq_routing_entry.type */
#define HV_IRQ_ROUTING_IRQCHIP		1
#define HV_IRQ_ROUTING_MSI		2
#define HV_IRQ_ROUTING_S390_ADAPTER	3
#define HV_IRQ_ROUTING_HV_SINT		4
#define HV_IRQ_ROUTING_XEN_EVTCHN	5

struct hv_irq_routing_entry {
	__u32 gsi;
	__u32 type;
	__u32 flags;
	__u32 pad;
	union {
		struct hv_irq_routing_irqchip irqchip;
		struct hv_irq_routing_msi msi;
		struct hv_irq_routing_s390_adapter adapter;
		struct hv_irq_routing_hv_sint hv_sint;
		struct hv_irq_routing_xen_evtchn xen_evtchn;
		__u32 pad[8];
	} u;
};

/* The whole table; it replaces the previous one. */
struct hv_irq_routing {
	__u32 nr;
	__u32 flags;
	struct hv_irq_routing_entry entries[];
};

/* hv_irqfd.flags */
#define HV_IRQFD_FLAG_DEASSIGN	(1 << 0)
/* level-triggered: resamplefd is signalled on EOI (HV_CAP_IRQFD_RESAMPLE) */
#define HV_IRQFD_FLAG_RESAMPLE	(1 << 1)

/* HV_IRQFD: an eventfd whose signal raises gsi */
struct hv_irqfd {
	__u32 fd;
	__u32 gsi;
	__u32 flags;
	__u32 resamplefd;
	__u8  pad[16];
};

/* HV_SIGNAL_MSI */
#define HV_MSI_VALID_DEVID	(1U << 0)
struct hv_msi {
	__u32 address_lo;
	__u32 address_hi;
	__u32 data;
	__u32 flags;
	__u32 devid;
	__u8  pad[12];
};

/* Bit numbers of hv_ioeventfd.flags */
enum {
	hv_ioeventfd_flag_nr_datamatch,
	hv_ioeventfd_flag_nr_pio,
	hv_ioeventfd_flag_nr_deassign,
	hv_ioeventfd_flag_nr_virtio_ccw_notify,
	hv_ioeventfd_flag_nr_fast_mmio,
	hv_ioeventfd_flag_nr_max,
};

#define HV_IOEVENTFD_FLAG_DATAMATCH	(1 << hv_ioeventfd_flag_nr_datamatch)
#define HV_IOEVENTFD_FLAG_PIO		(1 << hv_ioeventfd_flag_nr_pio)
#define HV_IOEVENTFD_FLAG_DEASSIGN	(1 << hv_ioeventfd_flag_nr_deassign)
#define HV_IOEVENTFD_FLAG_VIRTIO_CCW_NOTIFY \
	(1 << hv_ioeventfd_flag_nr_virtio_ccw_notify)

#define HV_IOEVENTFD_VALID_FLAG_MASK	((1 << hv_ioeventfd_flag_nr_max) - 1)

/* HV_IOEVENTFD: signal fd on a guest write instead of exiting */
struct hv_ioeventfd {
	__u64 datamatch;
	__u64 addr;		/* port or guest physical address */
	__u32 len;		/* 1, 2, 4 or 8; 0 matches any length */
	__s32 fd;
	__u32 flags;
	__u8  pad[36];
};

/* ---------------------------------------------------------------------
 * kvmclock
 */

/*
 * hv_clock_data.flags.  Bit 0 stays unused: CHECK_EXTENSION of
 * HV_CAP_ADJUST_CLOCK returned 1 before flags existed.
 */
#define HV_CLOCK_TSC_STABLE	2
#define HV_CLOCK_REALTIME	(1 << 2)
#define HV_CLOCK_HOST_TSC	(1 << 3)

/* HV_GET_CLOCK / HV_SET_CLOCK */
struct hv_clock_data {
	__u64 clock;		/* kvmclock ns */
	__u32 flags;
	__u32 pad0;
	__u64 realtime;		/* CLOCK_REALTIME ns, with HV_CLOCK_REALTIME */
	__u64 host_tsc;		/* with HV_CLOCK_HOST_TSC */
	__u32 pad[4];
};

/* ---------------------------------------------------------------------
 * Devices (HV_CAP_DEVICE_CTRL) and attributes
 */

/* hv_create_device.flags: only check that the type is supported */
#define HV_CREATE_DEVICE_TEST	1

/* HV_CREATE_DEVICE */
struct hv_create_device {
	__u32	type;		/* in: HV_DEV_TYPE_* */
	__u32	fd;		/* out: the device fd */
	__u32	flags;		/* in: HV_CREATE_DEVICE_* */
};

/* HV_{SET,GET,HAS}_DEVICE_ATTR on a device, vCPU, VM or system fd */
struct hv_device_attr {
	__u32	flags;		/* none defined, must be 0 */
	__u32	group;		/* defined by the device */
	__u64	attr;		/* defined by the group */
	__u64	addr;		/* user address of the value */
};

/* Groups and attributes of HV_DEV_TYPE_VFIO */
#define  HV_DEV_VFIO_GROUP			1
#define   HV_DEV_VFIO_GROUP_ADD			1
#define   HV_DEV_VFIO_GROUP_DEL			2

/*
 * hv_create_device.type.  The numbering is shared with other
 * architectures, so every type is listed.  (The tag is not
 * hv_device_type: Hyper-V's asm-generic/hyperv-tlfs.h owns that name.)
 */
enum hv_dev_type {
	HV_DEV_TYPE_FSL_MPIC_20	= 1,
#define HV_DEV_TYPE_FSL_MPIC_20		HV_DEV_TYPE_FSL_MPIC_20
	HV_DEV_TYPE_FSL_MPIC_42,
#define HV_DEV_TYPE_FSL_MPIC_42		HV_DEV_TYPE_FSL_MPIC_42
	HV_DEV_TYPE_XICS,
#define HV_DEV_TYPE_XICS		HV_DEV_TYPE_XICS
	HV_DEV_TYPE_VFIO,
#define HV_DEV_TYPE_VFIO		HV_DEV_TYPE_VFIO
	HV_DEV_TYPE_ARM_VGIC_V2,
#define HV_DEV_TYPE_ARM_VGIC_V2		HV_DEV_TYPE_ARM_VGIC_V2
	HV_DEV_TYPE_FLIC,
#define HV_DEV_TYPE_FLIC		HV_DEV_TYPE_FLIC
	HV_DEV_TYPE_ARM_VGIC_V3,
#define HV_DEV_TYPE_ARM_VGIC_V3		HV_DEV_TYPE_ARM_VGIC_V3
	HV_DEV_TYPE_ARM_VGIC_ITS,
#define HV_DEV_TYPE_ARM_VGIC_ITS	HV_DEV_TYPE_ARM_VGIC_ITS
	HV_DEV_TYPE_XIVE,
#define HV_DEV_TYPE_XIVE		HV_DEV_TYPE_XIVE
	HV_DEV_TYPE_ARM_PV_TIME,
#define HV_DEV_TYPE_ARM_PV_TIME		HV_DEV_TYPE_ARM_PV_TIME
	HV_DEV_TYPE_MAX,
};

/* ---------------------------------------------------------------------
 * Binary statistics (HV_GET_STATS_FD): read(2) the fd from offset 0
 */

/* At offset 0 of the stats fd; the offsets locate the other blocks. */
struct hv_stats_header {
	__u32 flags;		/* none defined, 0 */
	__u32 name_size;	/* bytes of hv_stats_desc.name, with NUL */
	__u32 num_desc;
	__u32 id_offset;	/* the VM or vCPU id string */
	__u32 desc_offset;	/* num_desc descriptors */
	__u32 data_offset;	/* the __u64 values */
};

/* hv_stats_desc.flags: type, unit and base of the exponent */
#define HV_STATS_TYPE_SHIFT		0
#define HV_STATS_TYPE_MASK		(0xF << HV_STATS_TYPE_SHIFT)
#define HV_STATS_TYPE_CUMULATIVE	(0x0 << HV_STATS_TYPE_SHIFT)
#define HV_STATS_TYPE_INSTANT		(0x1 << HV_STATS_TYPE_SHIFT)
#define HV_STATS_TYPE_PEAK		(0x2 << HV_STATS_TYPE_SHIFT)
#define HV_STATS_TYPE_LINEAR_HIST	(0x3 << HV_STATS_TYPE_SHIFT)
#define HV_STATS_TYPE_LOG_HIST		(0x4 << HV_STATS_TYPE_SHIFT)
#define HV_STATS_TYPE_MAX		HV_STATS_TYPE_LOG_HIST

#define HV_STATS_UNIT_SHIFT		4
#define HV_STATS_UNIT_MASK		(0xF << HV_STATS_UNIT_SHIFT)
#define HV_STATS_UNIT_NONE		(0x0 << HV_STATS_UNIT_SHIFT)
#define HV_STATS_UNIT_BYTES		(0x1 << HV_STATS_UNIT_SHIFT)
#define HV_STATS_UNIT_SECONDS		(0x2 << HV_STATS_UNIT_SHIFT)
#define HV_STATS_UNIT_CYCLES		(0x3 << HV_STATS_UNIT_SHIFT)
#define HV_STATS_UNIT_BOOLEAN		(0x4 << HV_STATS_UNIT_SHIFT)
#define HV_STATS_UNIT_MAX		HV_STATS_UNIT_BOOLEAN

#define HV_STATS_BASE_SHIFT		8
#define HV_STATS_BASE_MASK		(0xF << HV_STATS_BASE_SHIFT)
#define HV_STATS_BASE_POW10		(0x0 << HV_STATS_BASE_SHIFT)
#define HV_STATS_BASE_POW2		(0x1 << HV_STATS_BASE_SHIFT)
#define HV_STATS_BASE_MAX		HV_STATS_BASE_POW2

/* One statistic; name_size bytes of name follow each descriptor. */
struct hv_stats_desc {
	__u32 flags;
	__s16 exponent;		/* value * base^exponent is in the unit */
	__u16 size;		/* number of __u64 values (buckets) */
	__u32 offset;		/* of the values, from data_offset */
	__u32 bucket_size;	/* linear histograms only */
	char name[];
};

/* ---------------------------------------------------------------------
 * Xen HVM emulation (HV_CAP_XEN_HVM)
 */

#ifdef __HV_HAVE_XEN_HVM
/* hv_xen_hvm_config.flags, also the HV_CAP_XEN_HVM value */
#define HV_XEN_HVM_CONFIG_HYPERCALL_MSR		(1 << 0)
#define HV_XEN_HVM_CONFIG_INTERCEPT_HCALL	(1 << 1)
#define HV_XEN_HVM_CONFIG_SHARED_INFO		(1 << 2)
#define HV_XEN_HVM_CONFIG_RUNSTATE		(1 << 3)
#define HV_XEN_HVM_CONFIG_EVTCHN_2LEVEL		(1 << 4)
#define HV_XEN_HVM_CONFIG_EVTCHN_SEND		(1 << 5)

/* HV_XEN_HVM_CONFIG */
struct hv_xen_hvm_config {
	__u32 flags;
	__u32 msr;		/* writing it loads a hypercall page */
	__u64 blob_addr_32;
	__u64 blob_addr_64;
	__u8 blob_size_32;
	__u8 blob_size_64;
	__u8 pad2[30];
};
#endif

/* HV_XEN_HVM_GET_ATTR / HV_XEN_HVM_SET_ATTR */
struct hv_xen_hvm_attr {
	__u16 type;		/* HV_XEN_ATTR_TYPE_* */
	__u16 pad[3];
	union {
		__u8 long_mode;
		__u8 vector;
		struct {
			__u64 gfn;
		} shared_info;
		struct {
			__u32 send_port;
			__u32 type;	/* EVTCHNSTAT_ipi or _interdomain */
			__u32 flags;
#define HV_XEN_EVTCHN_DEASSIGN		(1 << 0)
#define HV_XEN_EVTCHN_UPDATE		(1 << 1)
#define HV_XEN_EVTCHN_RESET		(1 << 2)
			/* loop back into the guest, or signal an eventfd */
			union {
				struct {
					__u32 port;
					__u32 vcpu;
					__u32 priority;
				} port;
				struct {
					__u32 port;	/* 0 for an eventfd */
					__s32 fd;
				} eventfd;
				__u32 padding[4];
			} deliver;
		} evtchn;
		__u32 xen_version;
		__u64 pad[8];
	} u;
};

/* hv_xen_hvm_attr.type */
#define HV_XEN_ATTR_TYPE_LONG_MODE		0x0
#define HV_XEN_ATTR_TYPE_SHARED_INFO		0x1
#define HV_XEN_ATTR_TYPE_UPCALL_VECTOR		0x2
/* these two need HV_XEN_HVM_CONFIG_EVTCHN_SEND */
#define HV_XEN_ATTR_TYPE_EVTCHN			0x3
#define HV_XEN_ATTR_TYPE_XEN_VERSION		0x4

/* HV_XEN_VCPU_GET_ATTR / HV_XEN_VCPU_SET_ATTR */
struct hv_xen_vcpu_attr {
	__u16 type;		/* HV_XEN_VCPU_ATTR_TYPE_* */
	__u16 pad[3];
	union {
		__u64 gpa;
		__u64 pad[8];
		struct {
			__u64 state;
			__u64 state_entry_time;
			__u64 time_running;
			__u64 time_runnable;
			__u64 time_blocked;
			__u64 time_offline;
		} runstate;
		__u32 vcpu_id;
		struct {
			__u32 port;
			__u32 priority;
			__u64 expires_ns;
		} timer;
		__u8 vector;
	} u;
};

/* hv_xen_vcpu_attr.type; 0x6 and up need HV_XEN_HVM_CONFIG_EVTCHN_SEND */
#define HV_XEN_VCPU_ATTR_TYPE_VCPU_INFO		0x0
#define HV_XEN_VCPU_ATTR_TYPE_VCPU_TIME_INFO	0x1
#define HV_XEN_VCPU_ATTR_TYPE_RUNSTATE_ADDR	0x2
#define HV_XEN_VCPU_ATTR_TYPE_RUNSTATE_CURRENT	0x3
#define HV_XEN_VCPU_ATTR_TYPE_RUNSTATE_DATA	0x4
#define HV_XEN_VCPU_ATTR_TYPE_RUNSTATE_ADJUST	0x5
#define HV_XEN_VCPU_ATTR_TYPE_VCPU_ID		0x6
#define HV_XEN_VCPU_ATTR_TYPE_TIMER		0x7
#define HV_XEN_VCPU_ATTR_TYPE_UPCALL_VECTOR	0x8

/* ---------------------------------------------------------------------
 * Hyper-V emulation
 */

/* HV_HYPERV_EVENTFD: signal fd on HvSignalEvent for conn_id */
struct hv_hyperv_eventfd {
	__u32 conn_id;
	__s32 fd;
	__u32 flags;
	__u32 padding[3];
};

#define HV_HYPERV_CONN_ID_MASK		0x00ffffff
#define HV_HYPERV_EVENTFD_DEASSIGN	(1 << 0)

/* ---------------------------------------------------------------------
 * Memory encryption (AMD SEV) through HV_MEMORY_ENCRYPT_OP
 */

/* HV_MEMORY_ENCRYPT_REG_REGION / HV_MEMORY_ENCRYPT_UNREG_REGION */
struct hv_enc_region {
	__u64 addr;
	__u64 size;
};

/* hv_sev_cmd.id (KVM calls the tag sev_cmd_id) */
enum hv_sev_cmd_id {
	/* guest initialization */
	HV_SEV_INIT = 0,
	HV_SEV_ES_INIT,
	/* launch */
	HV_SEV_LAUNCH_START,
	HV_SEV_LAUNCH_UPDATE_DATA,
	HV_SEV_LAUNCH_UPDATE_VMSA,
	HV_SEV_LAUNCH_SECRET,
	HV_SEV_LAUNCH_MEASURE,
	HV_SEV_LAUNCH_FINISH,
	/* outgoing migration */
	HV_SEV_SEND_START,
	HV_SEV_SEND_UPDATE_DATA,
	HV_SEV_SEND_UPDATE_VMSA,
	HV_SEV_SEND_FINISH,
	/* incoming migration */
	HV_SEV_RECEIVE_START,
	HV_SEV_RECEIVE_UPDATE_DATA,
	HV_SEV_RECEIVE_UPDATE_VMSA,
	HV_SEV_RECEIVE_FINISH,
	/* status and debug */
	HV_SEV_GUEST_STATUS,
	HV_SEV_DBG_DECRYPT,
	HV_SEV_DBG_ENCRYPT,
	/* certificates */
	HV_SEV_CERT_EXPORT,
	/* attestation */
	HV_SEV_GET_ATTESTATION_REPORT,
	/* migration extension */
	HV_SEV_SEND_CANCEL,

	HV_SEV_NR_MAX,
};

/* The HV_MEMORY_ENCRYPT_OP argument; data points to a per-id struct. */
struct hv_sev_cmd {
	__u32 id;
	__u64 data;
	__u32 error;		/* out: firmware status */
	__u32 sev_fd;		/* an open /dev/sev */
};

struct hv_sev_launch_start {
	__u32 handle;
	__u32 policy;
	__u64 dh_uaddr;
	__u32 dh_len;
	__u64 session_uaddr;
	__u32 session_len;
};

struct hv_sev_launch_update_data {
	__u64 uaddr;
	__u32 len;
};

struct hv_sev_launch_secret {
	__u64 hdr_uaddr;
	__u32 hdr_len;
	__u64 guest_uaddr;
	__u32 guest_len;
	__u64 trans_uaddr;
	__u32 trans_len;
};

struct hv_sev_launch_measure {
	__u64 uaddr;
	__u32 len;
};

struct hv_sev_guest_status {
	__u32 handle;
	__u32 policy;
	__u32 state;
};

struct hv_sev_dbg {
	__u64 src_uaddr;
	__u64 dst_uaddr;
	__u32 len;
};

struct hv_sev_attestation_report {
	__u8 mnonce[16];
	__u64 uaddr;
	__u32 len;
};

struct hv_sev_send_start {
	__u32 policy;
	__u64 pdh_cert_uaddr;
	__u32 pdh_cert_len;
	__u64 plat_certs_uaddr;
	__u32 plat_certs_len;
	__u64 amd_certs_uaddr;
	__u32 amd_certs_len;
	__u64 session_uaddr;
	__u32 session_len;
};

struct hv_sev_send_update_data {
	__u64 hdr_uaddr;
	__u32 hdr_len;
	__u64 guest_uaddr;
	__u32 guest_len;
	__u64 trans_uaddr;
	__u32 trans_len;
};

struct hv_sev_receive_start {
	__u32 handle;
	__u32 policy;
	__u64 pdh_uaddr;
	__u32 pdh_len;
	__u64 session_uaddr;
	__u32 session_len;
};

struct hv_sev_receive_update_data {
	__u64 hdr_uaddr;
	__u32 hdr_len;
	__u64 guest_uaddr;
	__u32 guest_len;
	__u64 trans_uaddr;
	__u32 trans_len;
};

/* ---------------------------------------------------------------------
 * Capabilities: HV_CHECK_EXTENSION(HV_CAP_x) > 0 means supported.
 * The numbers are KVM's and shared by all architectures, so all are
 * listed.  Numbers missing from the sequence were retired by KVM; they
 * must never be reused.
 */
#define HV_CAP_IRQCHIP				0
#define HV_CAP_HLT				1
#define HV_CAP_MMU_SHADOW_CACHE_CONTROL		2
#define HV_CAP_USER_MEMORY			3
#define HV_CAP_SET_TSS_ADDR			4
#define HV_CAP_VAPIC				6
#define HV_CAP_EXT_CPUID			7
#define HV_CAP_CLOCKSOURCE			8
#define HV_CAP_NR_VCPUS				9	/* recommended max */
#define HV_CAP_NR_MEMSLOTS			10
#define HV_CAP_PIT				11
#define HV_CAP_NOP_IO_DELAY			12
#define HV_CAP_PV_MMU				13
#define HV_CAP_MP_STATE				14
#define HV_CAP_COALESCED_MMIO			15
#define HV_CAP_SYNC_MMU				16
#define HV_CAP_IOMMU				18
#define HV_CAP_DESTROY_MEMORY_REGION_WORKS	21
#define HV_CAP_USER_NMI				22
#ifdef __HV_HAVE_GUEST_DEBUG
#define HV_CAP_SET_GUEST_DEBUG			23
#endif
#ifdef __HV_HAVE_PIT
#define HV_CAP_REINJECT_CONTROL			24
#endif
#define HV_CAP_IRQ_ROUTING			25
#define HV_CAP_IRQ_INJECT_STATUS		26
#define HV_CAP_ASSIGN_DEV_IRQ			29
#define HV_CAP_JOIN_MEMORY_REGIONS_WORKS	30
#ifdef __HV_HAVE_MCE
#define HV_CAP_MCE				31
#endif
#define HV_CAP_IRQFD				32
#ifdef __HV_HAVE_PIT
#define HV_CAP_PIT2				33
#endif
#define HV_CAP_SET_BOOT_CPU_ID			34
#ifdef __HV_HAVE_PIT_STATE2
#define HV_CAP_PIT_STATE2			35
#endif
#define HV_CAP_IOEVENTFD			36
#define HV_CAP_SET_IDENTITY_MAP_ADDR		37
#ifdef __HV_HAVE_XEN_HVM
#define HV_CAP_XEN_HVM				38
#endif
#define HV_CAP_ADJUST_CLOCK			39
#define HV_CAP_INTERNAL_ERROR_DATA		40
#ifdef __HV_HAVE_VCPU_EVENTS
#define HV_CAP_VCPU_EVENTS			41
#endif
#define HV_CAP_S390_PSW				42
#define HV_CAP_PPC_SEGSTATE			43
#define HV_CAP_HYPERV				44
#define HV_CAP_HYPERV_VAPIC			45
#define HV_CAP_HYPERV_SPIN			46
#define HV_CAP_PCI_SEGMENT			47
#define HV_CAP_PPC_PAIRED_SINGLES		48
#define HV_CAP_INTR_SHADOW			49
#ifdef __HV_HAVE_DEBUGREGS
#define HV_CAP_DEBUGREGS			50
#endif
#define HV_CAP_X86_ROBUST_SINGLESTEP		51
#define HV_CAP_PPC_OSI				52
#define HV_CAP_PPC_UNSET_IRQ			53
#define HV_CAP_ENABLE_CAP			54
#ifdef __HV_HAVE_XSAVE
#define HV_CAP_XSAVE				55
#endif
#ifdef __HV_HAVE_XCRS
#define HV_CAP_XCRS				56
#endif
#define HV_CAP_PPC_GET_PVINFO			57
#define HV_CAP_PPC_IRQ_LEVEL			58
#define HV_CAP_ASYNC_PF				59
#define HV_CAP_TSC_CONTROL			60
#define HV_CAP_GET_TSC_KHZ			61
#define HV_CAP_PPC_BOOKE_SREGS			62
#define HV_CAP_SPAPR_TCE			63
#define HV_CAP_PPC_SMT				64
#define HV_CAP_PPC_RMA				65
#define HV_CAP_MAX_VCPUS			66
#define HV_CAP_PPC_HIOR				67
#define HV_CAP_PPC_PAPR				68
#define HV_CAP_SW_TLB				69
#define HV_CAP_ONE_REG				70
#define HV_CAP_S390_GMAP			71
#define HV_CAP_TSC_DEADLINE_TIMER		72
#define HV_CAP_S390_UCONTROL			73
#define HV_CAP_SYNC_REGS			74
#define HV_CAP_PCI_2_3				75
#define HV_CAP_KVMCLOCK_CTRL			76
#define HV_CAP_SIGNAL_MSI			77
#define HV_CAP_PPC_GET_SMMU_INFO		78
#define HV_CAP_S390_COW				79
#define HV_CAP_PPC_ALLOC_HTAB			80
#define HV_CAP_READONLY_MEM			81
#define HV_CAP_IRQFD_RESAMPLE			82
#define HV_CAP_PPC_BOOKE_WATCHDOG		83
#define HV_CAP_PPC_HTAB_FD			84
#define HV_CAP_S390_CSS_SUPPORT			85
#define HV_CAP_PPC_EPR				86
#define HV_CAP_ARM_PSCI				87
#define HV_CAP_ARM_SET_DEVICE_ADDR		88
#define HV_CAP_DEVICE_CTRL			89
#define HV_CAP_IRQ_MPIC				90
#define HV_CAP_PPC_RTAS				91
#define HV_CAP_IRQ_XICS				92
#define HV_CAP_ARM_EL1_32BIT			93
#define HV_CAP_SPAPR_MULTITCE			94
#define HV_CAP_EXT_EMUL_CPUID			95
#define HV_CAP_HYPERV_TIME			96
#define HV_CAP_IOAPIC_POLARITY_IGNORED		97
#define HV_CAP_ENABLE_CAP_VM			98
#define HV_CAP_S390_IRQCHIP			99
#define HV_CAP_IOEVENTFD_NO_LENGTH		100
#define HV_CAP_VM_ATTRIBUTES			101
#define HV_CAP_ARM_PSCI_0_2			102
#define HV_CAP_PPC_FIXUP_HCALL			103
#define HV_CAP_PPC_ENABLE_HCALL			104
#define HV_CAP_CHECK_EXTENSION_VM		105
#define HV_CAP_S390_USER_SIGP			106
#define HV_CAP_S390_VECTOR_REGISTERS		107
#define HV_CAP_S390_MEM_OP			108
#define HV_CAP_S390_USER_STSI			109
#define HV_CAP_S390_SKEYS			110
#define HV_CAP_MIPS_FPU				111
#define HV_CAP_MIPS_MSA				112
#define HV_CAP_S390_INJECT_IRQ			113
#define HV_CAP_S390_IRQ_STATE			114
#define HV_CAP_PPC_HWRNG			115
#define HV_CAP_DISABLE_QUIRKS			116
#define HV_CAP_X86_SMM				117
#define HV_CAP_MULTI_ADDRESS_SPACE		118
#define HV_CAP_GUEST_DEBUG_HW_BPS		119
#define HV_CAP_GUEST_DEBUG_HW_WPS		120
#define HV_CAP_SPLIT_IRQCHIP			121
#define HV_CAP_IOEVENTFD_ANY_LENGTH		122
#define HV_CAP_HYPERV_SYNIC			123
#define HV_CAP_S390_RI				124
#define HV_CAP_SPAPR_TCE_64			125
#define HV_CAP_ARM_PMU_V3			126
#define HV_CAP_VCPU_ATTRIBUTES			127
#define HV_CAP_MAX_VCPU_ID			128
#define HV_CAP_X2APIC_API			129
#define HV_CAP_S390_USER_INSTR0			130
#define HV_CAP_MSI_DEVID			131
#define HV_CAP_PPC_HTM				132
#define HV_CAP_SPAPR_RESIZE_HPT			133
#define HV_CAP_PPC_MMU_RADIX			134
#define HV_CAP_PPC_MMU_HASH_V3			135
#define HV_CAP_IMMEDIATE_EXIT			136
#define HV_CAP_MIPS_VZ				137
#define HV_CAP_MIPS_TE				138
#define HV_CAP_MIPS_64BIT			139
#define HV_CAP_S390_GS				140
#define HV_CAP_S390_AIS				141
#define HV_CAP_SPAPR_TCE_VFIO			142
#define HV_CAP_X86_DISABLE_EXITS		143
#define HV_CAP_ARM_USER_IRQ			144
#define HV_CAP_S390_CMMA_MIGRATION		145
#define HV_CAP_PPC_FWNMI			146
#define HV_CAP_PPC_SMT_POSSIBLE			147
#define HV_CAP_HYPERV_SYNIC2			148
#define HV_CAP_HYPERV_VP_INDEX			149
#define HV_CAP_S390_AIS_MIGRATION		150
#define HV_CAP_PPC_GET_CPU_CHAR			151
#define HV_CAP_S390_BPB				152
#define HV_CAP_GET_MSR_FEATURES			153
#define HV_CAP_HYPERV_EVENTFD			154
#define HV_CAP_HYPERV_TLBFLUSH			155
#define HV_CAP_S390_HPAGE_1M			156
#define HV_CAP_NESTED_STATE			157
#define HV_CAP_ARM_INJECT_SERROR_ESR		158
#define HV_CAP_MSR_PLATFORM_INFO		159
#define HV_CAP_PPC_NESTED_HV			160
#define HV_CAP_HYPERV_SEND_IPI			161
#define HV_CAP_COALESCED_PIO			162
#define HV_CAP_HYPERV_ENLIGHTENED_VMCS		163
#define HV_CAP_EXCEPTION_PAYLOAD		164
#define HV_CAP_ARM_VM_IPA_SIZE			165
#define HV_CAP_MANUAL_DIRTY_LOG_PROTECT		166	/* use ..._PROTECT2 */
#define HV_CAP_HYPERV_CPUID			167
#define HV_CAP_MANUAL_DIRTY_LOG_PROTECT2	168
#define HV_CAP_PPC_IRQ_XIVE			169
#define HV_CAP_ARM_SVE				170
#define HV_CAP_ARM_PTRAUTH_ADDRESS		171
#define HV_CAP_ARM_PTRAUTH_GENERIC		172
#define HV_CAP_PMU_EVENT_FILTER			173
#define HV_CAP_ARM_IRQ_LINE_LAYOUT_2		174
#define HV_CAP_HYPERV_DIRECT_TLBFLUSH		175
#define HV_CAP_PPC_GUEST_DEBUG_SSTEP		176
#define HV_CAP_ARM_NISV_TO_USER			177
#define HV_CAP_ARM_INJECT_EXT_DABT		178
#define HV_CAP_S390_VCPU_RESETS			179
#define HV_CAP_S390_PROTECTED			180
#define HV_CAP_PPC_SECURE_GUEST			181
#define HV_CAP_HALT_POLL			182
#define HV_CAP_ASYNC_PF_INT			183
#define HV_CAP_LAST_CPU				184
#define HV_CAP_SMALLER_MAXPHYADDR		185
#define HV_CAP_S390_DIAG318			186
#define HV_CAP_STEAL_TIME			187
#define HV_CAP_X86_USER_SPACE_MSR		188
#define HV_CAP_X86_MSR_FILTER			189
#define HV_CAP_ENFORCE_PV_FEATURE_CPUID		190
#define HV_CAP_SYS_HYPERV_CPUID			191
#define HV_CAP_DIRTY_LOG_RING			192
#define HV_CAP_X86_BUS_LOCK_EXIT		193
#define HV_CAP_PPC_DAWR1			194
#define HV_CAP_SET_GUEST_DEBUG2			195
#define HV_CAP_SGX_ATTRIBUTE			196
#define HV_CAP_VM_COPY_ENC_CONTEXT_FROM		197
#define HV_CAP_PTP_KVM				198
#define HV_CAP_HYPERV_ENFORCE_CPUID		199
#define HV_CAP_SREGS2				200
#define HV_CAP_EXIT_HYPERCALL			201
#define HV_CAP_PPC_RPT_INVALIDATE		202
#define HV_CAP_BINARY_STATS_FD			203
#define HV_CAP_EXIT_ON_EMULATION_FAILURE	204
#define HV_CAP_ARM_MTE				205
#define HV_CAP_VM_MOVE_ENC_CONTEXT_FROM		206
#define HV_CAP_VM_GPA_BITS			207
#define HV_CAP_XSAVE2				208
#define HV_CAP_SYS_ATTRIBUTES			209
#define HV_CAP_PPC_AIL_MODE_3			210
#define HV_CAP_S390_MEM_OP_EXTENSION		211
#define HV_CAP_PMU_CAPABILITY			212
#define HV_CAP_DISABLE_QUIRKS2			213
#define HV_CAP_VM_TSC_CONTROL			214
#define HV_CAP_SYSTEM_EVENT_DATA		215
#define HV_CAP_ARM_SYSTEM_SUSPEND		216
#define HV_CAP_S390_PROTECTED_DUMP		217
#define HV_CAP_X86_TRIPLE_FAULT_EVENT		218
#define HV_CAP_X86_NOTIFY_VMEXIT		219
#define HV_CAP_VM_DISABLE_NX_HUGE_PAGES		220
#define HV_CAP_S390_ZPCI_OP			221
#define HV_CAP_S390_CPU_TOPOLOGY		222
#define HV_CAP_DIRTY_LOG_RING_ACQ_REL		223

/* ---------------------------------------------------------------------
 * ioctls on /dev/hv (system ioctls)
 */
#define HV_GET_API_VERSION		_IO(HVIO,   0x00)
#define HV_CREATE_VM			_IO(HVIO,   0x01)	/* arg: type */
/* arm64 HV_CREATE_VM type: bits 7:0 are the IPA size, 0 for 40 bits */
#define HV_VM_TYPE_ARM_IPA_SIZE_MASK	0xffULL
#define HV_VM_TYPE_ARM_IPA_SIZE(x)	((x) & HV_VM_TYPE_ARM_IPA_SIZE_MASK)
#define HV_GET_MSR_INDEX_LIST		_IOWR(HVIO, 0x02, struct hv_msr_list)
#define HV_CHECK_EXTENSION		_IO(HVIO,   0x03)	/* also VM fd */
#define HV_GET_VCPU_MMAP_SIZE		_IO(HVIO,   0x04)
#define HV_GET_SUPPORTED_CPUID		_IOWR(HVIO, 0x05, struct hv_cpuid2)
/* 0x06-0x08: s390 SIE enable and the removed trace interface */
#define HV_GET_EMULATED_CPUID		_IOWR(HVIO, 0x09, struct hv_cpuid2)
#define HV_GET_MSR_FEATURE_INDEX_LIST	_IOWR(HVIO, 0x0a, struct hv_msr_list)

/* ---------------------------------------------------------------------
 * ioctls on a VM fd
 */

/* vCPUs and memory */
#define HV_CREATE_VCPU			_IO(HVIO,   0x41)	/* arg: id */
#define HV_GET_DIRTY_LOG		_IOW(HVIO,  0x42, struct hv_dirty_log)
#define HV_SET_NR_MMU_PAGES		_IO(HVIO,   0x44)
#define HV_GET_NR_MMU_PAGES		_IO(HVIO,   0x45)
#define HV_SET_USER_MEMORY_REGION	_IOW(HVIO,  0x46, \
					     struct hv_userspace_memory_region)
#define HV_SET_TSS_ADDR			_IO(HVIO,   0x47)
#define HV_SET_IDENTITY_MAP_ADDR	_IOW(HVIO,  0x48, __u64)

/* in-kernel irqchip and PIT */
#define HV_CREATE_IRQCHIP		_IO(HVIO,   0x60)
#define HV_IRQ_LINE			_IOW(HVIO,  0x61, struct hv_irq_level)
#define HV_GET_IRQCHIP			_IOWR(HVIO, 0x62, struct hv_irqchip)
#define HV_SET_IRQCHIP			_IOR(HVIO,  0x63, struct hv_irqchip)
#define HV_CREATE_PIT			_IO(HVIO,   0x64)
#define HV_GET_PIT			_IOWR(HVIO, 0x65, struct hv_pit_state)
#define HV_SET_PIT			_IOR(HVIO,  0x66, struct hv_pit_state)
#define HV_IRQ_LINE_STATUS		_IOWR(HVIO, 0x67, struct hv_irq_level)
#define HV_REGISTER_COALESCED_MMIO \
			_IOW(HVIO,  0x67, struct hv_coalesced_mmio_zone)
#define HV_UNREGISTER_COALESCED_MMIO \
			_IOW(HVIO,  0x68, struct hv_coalesced_mmio_zone)
#define HV_SET_GSI_ROUTING		_IOW(HVIO,  0x6a, struct hv_irq_routing)
#define HV_REINJECT_CONTROL		_IO(HVIO,   0x71)
#define HV_IRQFD			_IOW(HVIO,  0x76, struct hv_irqfd)
#define HV_CREATE_PIT2			_IOW(HVIO,  0x77, struct hv_pit_config)
#define HV_SET_BOOT_CPU_ID		_IO(HVIO,   0x78)
#define HV_IOEVENTFD			_IOW(HVIO,  0x79, struct hv_ioeventfd)
#define HV_XEN_HVM_CONFIG		_IOW(HVIO,  0x7a, struct hv_xen_hvm_config)
#define HV_SET_CLOCK			_IOW(HVIO,  0x7b, struct hv_clock_data)
#define HV_GET_CLOCK			_IOR(HVIO,  0x7c, struct hv_clock_data)
#define HV_GET_PIT2			_IOR(HVIO,  0x9f, struct hv_pit_state2)
#define HV_SET_PIT2			_IOW(HVIO,  0xa0, struct hv_pit_state2)
/* per vCPU, or the VM default with HV_CAP_VM_TSC_CONTROL */
#define HV_SET_TSC_KHZ			_IO(HVIO,   0xa2)
#define HV_GET_TSC_KHZ			_IO(HVIO,   0xa3)
#define HV_SIGNAL_MSI			_IOW(HVIO,  0xa5, struct hv_msi)
#define HV_SET_PMU_EVENT_FILTER		_IOW(HVIO,  0xb2, \
					     struct hv_pmu_event_filter)

/* memory encryption (AMD SEV) */
#define HV_MEMORY_ENCRYPT_OP		_IOWR(HVIO, 0xba, unsigned long)
#define HV_MEMORY_ENCRYPT_REG_REGION	_IOR(HVIO,  0xbb, struct hv_enc_region)
#define HV_MEMORY_ENCRYPT_UNREG_REGION	_IOR(HVIO,  0xbc, struct hv_enc_region)

#define HV_HYPERV_EVENTFD		_IOW(HVIO,  0xbd, struct hv_hyperv_eventfd)
#define HV_CLEAR_DIRTY_LOG		_IOWR(HVIO, 0xc0, struct hv_clear_dirty_log)
#define HV_X86_SET_MSR_FILTER		_IOW(HVIO,  0xc6, struct hv_msr_filter)
#define HV_RESET_DIRTY_RINGS		_IO(HVIO,   0xc7)
#define HV_XEN_HVM_GET_ATTR		_IOWR(HVIO, 0xc8, struct hv_xen_hvm_attr)
#define HV_XEN_HVM_SET_ATTR		_IOW(HVIO,  0xc9, struct hv_xen_hvm_attr)
#define HV_XEN_HVM_EVTCHN_SEND		_IOW(HVIO,  0xd0, \
					     struct hv_irq_routing_xen_evtchn)

/* devices: HV_CREATE_DEVICE returns an fd taking the _DEVICE_ATTR calls */
#define HV_CREATE_DEVICE		_IOWR(HVIO, 0xe0, struct hv_create_device)

/* ---------------------------------------------------------------------
 * ioctls on a vCPU fd
 */
#define HV_RUN				_IO(HVIO,   0x80)
#define HV_GET_REGS			_IOR(HVIO,  0x81, struct hv_regs)
#define HV_SET_REGS			_IOW(HVIO,  0x82, struct hv_regs)
#define HV_GET_SREGS			_IOR(HVIO,  0x83, struct hv_sregs)
#define HV_SET_SREGS			_IOW(HVIO,  0x84, struct hv_sregs)
#define HV_TRANSLATE			_IOWR(HVIO, 0x85, struct hv_translation)
#define HV_INTERRUPT			_IOW(HVIO,  0x86, struct hv_interrupt)
/* 0x87: the removed KVM_DEBUG_GUEST */
#define HV_GET_MSRS			_IOWR(HVIO, 0x88, struct hv_msrs)
#define HV_SET_MSRS			_IOW(HVIO,  0x89, struct hv_msrs)
#define HV_SET_CPUID			_IOW(HVIO,  0x8a, struct hv_cpuid)
#define HV_SET_SIGNAL_MASK		_IOW(HVIO,  0x8b, struct hv_signal_mask)
#define HV_GET_FPU			_IOR(HVIO,  0x8c, struct hv_fpu)
#define HV_SET_FPU			_IOW(HVIO,  0x8d, struct hv_fpu)
#define HV_GET_LAPIC			_IOR(HVIO,  0x8e, struct hv_lapic_state)
#define HV_SET_LAPIC			_IOW(HVIO,  0x8f, struct hv_lapic_state)
#define HV_SET_CPUID2			_IOW(HVIO,  0x90, struct hv_cpuid2)
#define HV_GET_CPUID2			_IOWR(HVIO, 0x91, struct hv_cpuid2)
#define HV_TPR_ACCESS_REPORTING		_IOWR(HVIO, 0x92, struct hv_tpr_access_ctl)
#define HV_SET_VAPIC_ADDR		_IOW(HVIO,  0x93, struct hv_vapic_addr)
#define HV_GET_MP_STATE			_IOR(HVIO,  0x98, struct hv_mp_state)
#define HV_SET_MP_STATE			_IOW(HVIO,  0x99, struct hv_mp_state)
#define HV_NMI				_IO(HVIO,   0x9a)
#define HV_SET_GUEST_DEBUG		_IOW(HVIO,  0x9b, struct hv_guest_debug)
#define HV_X86_SETUP_MCE		_IOW(HVIO,  0x9c, __u64)
/* a system ioctl, though numbered among the vCPU ones */
#define HV_X86_GET_MCE_CAP_SUPPORTED	_IOR(HVIO,  0x9d, __u64)
#define HV_X86_SET_MCE			_IOW(HVIO,  0x9e, struct hv_x86_mce)
#define HV_GET_VCPU_EVENTS		_IOR(HVIO,  0x9f, struct hv_vcpu_events)
#define HV_SET_VCPU_EVENTS		_IOW(HVIO,  0xa0, struct hv_vcpu_events)
#define HV_GET_DEBUGREGS		_IOR(HVIO,  0xa1, struct hv_debugregs)
#define HV_SET_DEBUGREGS		_IOW(HVIO,  0xa2, struct hv_debugregs)
/* also on a VM fd with HV_CAP_ENABLE_CAP_VM */
#define HV_ENABLE_CAP			_IOW(HVIO,  0xa3, struct hv_enable_cap)
#define HV_GET_XSAVE			_IOR(HVIO,  0xa4, struct hv_xsave)
#define HV_SET_XSAVE			_IOW(HVIO,  0xa5, struct hv_xsave)
#define HV_GET_XCRS			_IOR(HVIO,  0xa6, struct hv_xcrs)
#define HV_SET_XCRS			_IOW(HVIO,  0xa7, struct hv_xcrs)
#define HV_GET_ONE_REG			_IOW(HVIO,  0xab, struct hv_one_reg)
#define HV_SET_ONE_REG			_IOW(HVIO,  0xac, struct hv_one_reg)
/* tell the guest it was paused, so its watchdogs do not fire */
#define HV_KVMCLOCK_CTRL		_IO(HVIO,   0xad)
/* 0xae, 0xaf: HV_ARM_VCPU_INIT, HV_ARM_PREFERRED_TARGET in arm64 <asm/hv.h> */
#define HV_GET_REG_LIST			_IOWR(HVIO, 0xb0, struct hv_reg_list)
#define HV_SMI				_IO(HVIO,   0xb7)
#define HV_GET_NESTED_STATE		_IOWR(HVIO, 0xbe, struct hv_nested_state)
#define HV_SET_NESTED_STATE		_IOW(HVIO,  0xbf, struct hv_nested_state)
/* also a system ioctl with HV_CAP_SYS_HYPERV_CPUID */
#define HV_GET_SUPPORTED_HV_CPUID	_IOWR(HVIO, 0xc1, struct hv_cpuid2)
#define HV_XEN_VCPU_GET_ATTR		_IOWR(HVIO, 0xca, struct hv_xen_vcpu_attr)
#define HV_XEN_VCPU_SET_ATTR		_IOW(HVIO,  0xcb, struct hv_xen_vcpu_attr)
#define HV_GET_SREGS2			_IOR(HVIO,  0xcc, struct hv_sregs2)
#define HV_SET_SREGS2			_IOW(HVIO,  0xcd, struct hv_sregs2)
/* also on a VM fd */
#define HV_GET_STATS_FD			_IO(HVIO,   0xce)
#define HV_GET_XSAVE2			_IOR(HVIO,  0xcf, struct hv_xsave)

/* ---------------------------------------------------------------------
 * ioctls on device fds; also on vCPU, VM and system fds that have
 * attributes (HV_CAP_VCPU_ATTRIBUTES, _VM_ATTRIBUTES, _SYS_ATTRIBUTES)
 */
#define HV_SET_DEVICE_ATTR		_IOW(HVIO,  0xe1, struct hv_device_attr)
#define HV_GET_DEVICE_ATTR		_IOW(HVIO,  0xe2, struct hv_device_attr)
#define HV_HAS_DEVICE_ATTR		_IOW(HVIO,  0xe3, struct hv_device_attr)

#endif /* _UAPI_LINUX_HV_H */

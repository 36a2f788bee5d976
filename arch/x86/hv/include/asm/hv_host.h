/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * x86 part of the hv core <-> backend contract: the architectural vCPU
 * state the core keeps, and the operations a backend (SVM, VMX) provides
 * for state that lives in its hardware structure (VMCB, VMCS).
 */
#ifndef _ASM_X86_HV_HOST_H
#define _ASM_X86_HV_HOST_H

#include <linux/signal_types.h>
#include <linux/types.h>
#include <asm/fpu/api.h>
#include <asm/fpu/types.h>
#include <asm/hv.h>

/* The MMIO instruction emulator's state, embedded in the vCPU. */
#include "../../emulate.h"

struct hv_memslot;
struct hv_vcpu;
struct hv_vm;
struct hv_lapic;
struct hv_pic;
struct hv_ioapic;
struct hv_pit;

/* Interrupt controllers a routing entry can name: PIC master/slave, IOAPIC. */
#define HV_NR_IRQCHIPS		3
#define HV_IRQCHIP_NUM_PINS	24

/* Architectural register numbers (SDM Vol. 2, 2.1.5). */
enum hv_gpr {
	HV_REG_RAX, HV_REG_RCX, HV_REG_RDX, HV_REG_RBX,
	HV_REG_RSP, HV_REG_RBP, HV_REG_RSI, HV_REG_RDI,
	HV_REG_R8, HV_REG_R9, HV_REG_R10, HV_REG_R11,
	HV_REG_R12, HV_REG_R13, HV_REG_R14, HV_REG_R15,
	HV_NR_GPRS,
};

/* An access to userspace that the next RUN completes. */
enum hv_x86_pending {
	HV_PENDING_NONE,
	HV_PENDING_PIO_IN,	/* copy run->io data into RAX or memory */
	HV_PENDING_PIO_OUT,	/* only advance RIP / string registers */
	HV_PENDING_MMIO,	/* complete the instruction in arch.mmio */
};

/**
 * struct hv_x86_pio - the port I/O exit being completed
 * @port:	first port.
 * @size:	bytes per access: 1, 2 or 4.
 * @count:	accesses handed to userspace.
 * @string:	INS/OUTS: data goes to or comes from guest memory.
 * @rep:	REP prefix: RCX counts down.
 * @addr_size:	string address size in bytes (2, 4, 8).
 * @gva:	string: linear address of the first element.
 * @rip:	RIP of the instruction, to see whether userspace moved it.
 * @next_rip:	RIP after the instruction.
 */
struct hv_x86_pio {
	u16 port;
	u8 size;
	u32 count;
	bool string;
	bool rep;
	u8 addr_size;
	u64 gva;
	u64 rip;
	u64 next_rip;
};

/**
 * struct hv_vcpu_arch - x86 vCPU state kept by the core
 * @regs:	general-purpose registers, by enum hv_gpr.  The backend
 *		syncs RAX and RSP with its hardware structure around entry.
 * @rip:	instruction pointer, synced likewise.
 * @rflags:	flags, synced likewise.
 * @xcr0:	the guest's XCR0, loaded around guest entry.
 * @guest_fpu:	the guest's FPU/SSE/AVX state, swapped with the host's by
 *		the kernel's guest FPU API.
 * @pending:	an access to finish on the next RUN.
 * @pio:	details for HV_PENDING_PIO_*.
 * @cpuid:	the CPUID table userspace set (HV_SET_CPUID2), or NULL.
 * @cpuid_nent:	entries in @cpuid.
 * @has_run:	RUN entered the guest once: CPUID is fixed from then on.
 * @tsc_aux:	IA32_TSC_AUX; kept, never loaded into the host's.
 * @tsc_adjust:	IA32_TSC_ADJUST as written.
 * @misc_enable: IA32_MISC_ENABLE.
 * @apic_base:	[v][a] IA32_APIC_BASE; with an in-kernel APIC written
 *		through hv_x86_set_apic_base() only.
 * @arch_capabilities: IA32_ARCH_CAPABILITIES the guest reads.
 * @perf_capabilities: IA32_PERF_CAPABILITIES (0: no PMU).
 * @ucode_rev:	IA32_UCODE_REV (PATCH_LEVEL on AMD) the guest reads.
 * @de_cfg:	AMD's DE_CFG (LFENCE_SERIALIZE).
 * @kvm_wall_clock: KVM's PV wall clock MSR, stored for save/restore.
 * @kvm_system_time: KVM's PV system time MSR, likewise.
 * @mtrr_def_type: IA32_MTRR_DEF_TYPE.
 * @mtrr_fixed:	the 11 fixed-range MTRRs.
 * @mtrr_var:	the variable-range MTRRs, base/mask pairs.
 * @tsc_khz:	rate set by HV_SET_TSC_KHZ, 0 for the host's.
 * @tsc_catchup: @tsc_khz is faster than the host's: the TSC is moved
 *		forward before each entry (hv_x86_tsc_catchup()).
 * @tsc_base_host: host TSC when the guest's was last written.
 * @tsc_base_guest: the guest's TSC then.
 * @queued_irq: vector from HV_INTERRUPT not yet delivered, or -1.
 * @nmi_pending: NMIs from HV_NMI not yet delivered (at most 2, as KVM).
 * @mmio:	the instruction behind the pending MMIO exit.
 * @mmio_gpa:	its guest-physical address.
 * @apic:	the in-kernel local APIC (lapic.c), NULL without
 *		HV_CREATE_IRQCHIP.
 * @mp_state:	HV_MP_STATE_* with an in-kernel APIC (halted, waiting
 *		for INIT/SIPI); always RUNNABLE without.
 */
struct hv_vcpu_arch {
	unsigned long regs[HV_NR_GPRS];
	unsigned long rip;
	unsigned long rflags;
	u64 xcr0;
	struct fpu_guest guest_fpu;
	enum hv_x86_pending pending;
	struct hv_x86_pio pio;
	struct hv_cpuid_entry2 *cpuid;
	u32 cpuid_nent;
	bool has_run;
	u64 tsc_aux;
	u64 tsc_adjust;
	u64 misc_enable;
	u64 apic_base;
	u64 arch_capabilities;
	u64 perf_capabilities;
	u64 ucode_rev;
	u64 de_cfg;
	u64 kvm_wall_clock;
	u64 kvm_system_time;
	u64 mtrr_def_type;
	u64 mtrr_fixed[11];
	u64 mtrr_var[16];
	u32 tsc_khz;
	bool tsc_catchup;
	u64 tsc_base_host;
	u64 tsc_base_guest;
	int queued_irq;
	u32 nmi_pending;
	struct hv_x86_mmio mmio;
	u64 mmio_gpa;
	struct hv_lapic *apic;
	u32 mp_state;
};

/**
 * struct hv_vm_arch - x86 state of a VM kept by the core
 * @nr_mmu_pages: what HV_SET_NR_MMU_PAGES asked for.  Nested page tables
 *		grow on demand, so the value is only stored and reported.
 * @irqchip_in_kernel: [a] HV_CREATE_IRQCHIP completed; set once, before
 *		any vCPU exists (vCPUs then get a local APIC).
 * @pic:	the dual 8259 (i8259.c), or NULL.
 * @ioapic:	the IOAPIC (ioapic.c), or NULL.
 * @pit:	the 8254 (i8254.c, HV_CREATE_PIT2), or NULL.
 * @bsp_vcpu_id: the vCPU that starts RUNNABLE (others wait for SIPI).
 * @kvmclock_offset: guest clock = host monotonic raw ns + this
 *		(HV_SET_CLOCK).
 * @tsc_base:	(c) host TSC at VM creation: a vCPU's TSC starts as the
 *		host's minus this, so every vCPU reads 0 then and they agree,
 *		as KVM's TSC synchronization gives.
 */
struct hv_vm_arch {
	unsigned long nr_mmu_pages;
	bool irqchip_in_kernel;
	struct hv_pic *pic;
	struct hv_ioapic *ioapic;
	struct hv_pit *pit;
	u32 bsp_vcpu_id;
	s64 kvmclock_offset;
	u64 tsc_base;
};

/* Event types for inject_event, as the hardware encodes them (APM 15.20). */
enum hv_x86_event_type {
	HV_X86_EVENT_INTR = 0,
	HV_X86_EVENT_NMI = 2,
	HV_X86_EVENT_EXCEPTION = 3,
	HV_X86_EVENT_SOFT_INT = 4,
};

/**
 * struct hv_x86_event - an event the backend delivers at the next entry
 * @type:	its type, as inject_event takes it.
 * @vector:	the vector (2 for an NMI).
 * @has_error:	an error code is pushed.
 * @error_code:	the error code.
 */
struct hv_x86_event {
	enum hv_x86_event_type type;
	u8 vector;
	bool has_error;
	u32 error_code;
};

/**
 * struct hv_arch_backend_ops - x86 state held by the backend
 * @get_sregs:	read segment, descriptor-table and control registers.
 * @set_sregs:	write them; the core has validated @sregs.
 * @inject_event: deliver an event of @type and @vector (with @error_code
 *		if @has_error) at the next entry.
 * @get_interrupt_shadow: whether interrupts are blocked for one instruction
 *		(after STI or MOV SS), as HV_VCPU_EVENTS encodes it.
 * @set_interrupt_shadow: set it.
 * @event_pending: an event is set to be delivered at the next entry.
 * @get_event:	that event, for HV_GET_VCPU_EVENTS: one given to
 *		inject_event, or one whose delivery an exit interrupted and
 *		that the backend delivers again (SVM's EXITINTINFO, APM
 *		15.7.2; VMX's IDT-vectoring information, SDM 27.2.4); false
 *		if there is none.
 * @cancel_event: forget that event (HV_SET_VCPU_EVENTS replaces it).
 * @interrupt_allowed: the guest can take an external interrupt now
 *		(RFLAGS.IF, no interrupt shadow, no event pending).
 * @nmi_allowed: the guest can take an NMI now.
 * @nmi_masked:	an NMI is in service (its handler has not returned).
 * @set_nmi_masked: set that state (HV_SET_VCPU_EVENTS nmi.masked): when
 *		masked, NMIs stay blocked until the guest's next IRET.
 * @enable_irq_window: exit as soon as the guest can take an interrupt.
 * @enable_nmi_window: exit as soon as the guest can take an NMI.
 * @get_cr4:	the guest's CR4 as it sees it, without building the whole
 *		hv_sregs (CPUID's OSXSAVE bit on every CPUID(1) exit).
 * @get_cr8:	the guest's task priority (CR8, the VMCB's V_TPR on SVM).
 * @set_cr8:	set it.
 * @get_debugregs: DR0-3, DR6, DR7 as the guest sees them.
 * @set_debugregs: write them; validated by the core.
 * @get_msr:	read an MSR held in the hardware structure; -ENOENT if the
 *		backend does not hold it.
 * @set_msr:	write one; -ENOENT unknown, -EINVAL for a bad value.
 *		@host is true for userspace writes.
 * @vcpu_reset:	reset the state the backend holds: power-on, or with
 *		@init_event the INIT state (SDM Table 9-1: segments, control
 *		and debug registers, EFER, pending events, NMI blocking; MSRs
 *		kept), as KVM's vcpu_reset.  The core resets its own part.
 *
 * All run with the vCPU mutex held and may not sleep.
 */
struct hv_arch_backend_ops {
	void (*get_sregs)(struct hv_vcpu *vcpu, struct hv_sregs *sregs);
	void (*set_sregs)(struct hv_vcpu *vcpu, const struct hv_sregs *sregs);
	void (*inject_event)(struct hv_vcpu *vcpu, enum hv_x86_event_type type,
			     u8 vector, bool has_error, u32 error_code);
	u32 (*get_interrupt_shadow)(struct hv_vcpu *vcpu);
	bool (*event_pending)(struct hv_vcpu *vcpu);
	bool (*get_event)(struct hv_vcpu *vcpu, struct hv_x86_event *ev);
	void (*cancel_event)(struct hv_vcpu *vcpu);
	bool (*interrupt_allowed)(struct hv_vcpu *vcpu);
	bool (*nmi_allowed)(struct hv_vcpu *vcpu);
	bool (*nmi_masked)(struct hv_vcpu *vcpu);
	void (*set_nmi_masked)(struct hv_vcpu *vcpu, bool masked);
	void (*enable_irq_window)(struct hv_vcpu *vcpu);
	void (*enable_nmi_window)(struct hv_vcpu *vcpu);
	unsigned long (*get_cr4)(struct hv_vcpu *vcpu);
	u8 (*get_cr8)(struct hv_vcpu *vcpu);
	void (*set_cr8)(struct hv_vcpu *vcpu, u8 cr8);
	void (*set_interrupt_shadow)(struct hv_vcpu *vcpu, u32 shadow);
	void (*get_debugregs)(struct hv_vcpu *vcpu, struct hv_debugregs *dbg);
	void (*set_debugregs)(struct hv_vcpu *vcpu,
			      const struct hv_debugregs *dbg);
	int (*get_msr)(struct hv_vcpu *vcpu, u32 msr, u64 *data);
	int (*set_msr)(struct hv_vcpu *vcpu, u32 msr, u64 data, bool host);
	void (*vcpu_reset)(struct hv_vcpu *vcpu, bool init_event);
};

/* Whether a backend that runs vCPUs provides every x86 op. */
static inline bool
hv_arch_backend_ops_valid(const struct hv_arch_backend_ops *ops)
{
	return ops->get_sregs && ops->set_sregs && ops->inject_event &&
	       ops->get_interrupt_shadow && ops->set_interrupt_shadow &&
	       ops->get_cr4 && ops->get_cr8 && ops->set_cr8 &&
	       ops->event_pending &&
	       ops->get_event && ops->cancel_event &&
	       ops->interrupt_allowed && ops->nmi_allowed && ops->nmi_masked &&
	       ops->set_nmi_masked &&
	       ops->enable_irq_window && ops->enable_nmi_window &&
	       ops->get_debugregs && ops->set_debugregs &&
	       ops->get_msr && ops->set_msr && ops->vcpu_reset;
}

/* x86 code of hv.ko used by the core and by backends. */
int hv_arch_vcpu_init(struct hv_vcpu *vcpu);
void hv_arch_vcpu_destroy(struct hv_vcpu *vcpu);
long hv_arch_vcpu_ioctl(struct hv_vcpu *vcpu, unsigned int cmd,
			unsigned long arg);
int hv_arch_vcpu_complete_pending(struct hv_vcpu *vcpu);
int hv_arch_vcpu_pre_run(struct hv_vcpu *vcpu);
void hv_arch_vcpu_post_run(struct hv_vcpu *vcpu);
long hv_arch_check_extension(long cap);
long hv_arch_dev_ioctl(unsigned int cmd, unsigned long arg);
long hv_arch_vm_ioctl(struct hv_vm *vm, unsigned int cmd, unsigned long arg);
void hv_arch_vm_destroy(struct hv_vm *vm);
bool hv_x86_valid_xcr0(struct hv_vcpu *vcpu, u64 xcr0);
u64 hv_x86_guest_xcr0_allowed(const struct hv_vcpu *vcpu);
int hv_x86_get_msr(struct hv_vcpu *vcpu, u32 msr, u64 *data, bool host);
int hv_x86_set_msr(struct hv_vcpu *vcpu, u32 msr, u64 data, bool host);
void hv_x86_msr_reset(struct hv_vcpu *vcpu);
u64 hv_arch_max_gfn(void);
int hv_arch_vm_init(struct hv_vm *vm, unsigned long type);
int hv_arch_check_memslot(struct hv_vm *vm,
			  const struct hv_userspace_memory_region *mem);

/* Slots are mapped by nested faults: nothing to do when they change. */
static inline void hv_arch_commit_memslot(struct hv_vm *vm,
					  const struct hv_memslot *old,
					  const struct hv_memslot *new) { }
void hv_arch_load_guest_fpu(struct hv_vcpu *vcpu);
void hv_arch_put_guest_fpu(struct hv_vcpu *vcpu);

int hv_x86_handle_pio(struct hv_vcpu *vcpu, u16 port, u8 size, bool in,
		      bool string, bool rep, u8 addr_size, u64 next_rip);
int hv_x86_handle_mmio(struct hv_vcpu *vcpu, u64 gpa, bool write,
		       const u8 *insn, unsigned int insn_len);
int hv_x86_handle_cpuid(struct hv_vcpu *vcpu, u64 next_rip);
void hv_x86_skip_to(struct hv_vcpu *vcpu, u64 next_rip);
int hv_x86_copy_linear(struct hv_vcpu *vcpu, u64 gva, void *data,
		       unsigned int len, bool write);
void hv_x86_inject_pending(struct hv_vcpu *vcpu);
/* Backends call it before every entry, interrupts disabled. */
void hv_x86_tsc_catchup(struct hv_vcpu *vcpu);
int hv_x86_check_irq_window(struct hv_vcpu *vcpu);
int hv_x86_internal_error(struct hv_vcpu *vcpu, u32 suberror, int ndata,
			  const u64 *data);
int hv_x86_gva_to_gpa(struct hv_vcpu *vcpu, u64 gva, bool write, u64 *gpa);

#endif /* _ASM_X86_HV_HOST_H */

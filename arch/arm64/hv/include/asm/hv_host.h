/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * arm64 part of the hv core <-> backend contract: the vCPU state the core
 * keeps (KVM's struct kvm_regs layout, so ONE_REG core ids index it
 * directly) and the EL1 system registers a backend switches.
 */
#ifndef _ASM_ARM64_HV_HOST_H
#define _ASM_ARM64_HV_HOST_H

#include <linux/hrtimer.h>
#include <linux/signal_types.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <asm/hv.h>

struct hv_memslot;
struct hv_vcpu;
struct hv_vm;

/* GSI routing's irqchip table (<linux/hv_irq.h>): one GIC, as KVM. */
#define HV_NR_IRQCHIPS		1
#define HV_IRQCHIP_NUM_PINS	988

/* The vGIC's list registers hv uses at most (ICH_VTR_EL2.ListRegs + 1). */
#define HV_VGIC_MAX_LRS		16
/* SGIs and PPIs: INTIDs 0-31, banked per vCPU (IHI 0069 2.2). */
#define HV_VGIC_NR_PRIVATE	32
/* The timers' PPIs, as KVM's defaults (the Arm BSA's numbers). */
#define HV_VTIMER_PPI		27
#define HV_PTIMER_PPI		30

/**
 * struct hv_vgic_irq - one interrupt of the emulated GICv3
 * @route:	SPIs: GICD_IROUTER's affinity and IRM bits.
 * @priority:	GICD/GICR_IPRIORITYR byte.
 * @group:	group 1 (GICD/GICR_IGROUPR); group 0 otherwise.
 * @enabled:	GICD/GICR_ISENABLER.
 * @edge:	edge-triggered (GICD/GICR_ICFGR); level otherwise.
 * @latch:	the pending latch: an edge, a write to ISPENDR, or the
 *		pending state a list register handed back.
 * @sources:	sources driving the line high: bit HV_*_IRQ_SOURCE_ID, and
 *		bit 7 for a timer.
 * @line:	the input level: @sources is not 0.
 * @active:	active (GICD/GICR_ISACTIVER, or a list register's state).
 * @in_lr:	in one of its vCPU's list registers since the last entry.
 *
 * All fields under hv_vgic.lock.
 */
struct hv_vgic_irq {
	u64 route;
	u8 priority;
	u8 sources;
	u8 group:1;
	u8 enabled:1;
	u8 edge:1;
	u8 latch:1;
	u8 line:1;
	u8 active:1;
	u8 in_lr:1;
};

/**
 * struct hv_vgic_cpu - a vCPU's part of the vGIC
 * @irqs:	its SGIs and PPIs (redistributor state).
 * @lr:		the list registers as loaded at the last entry and read
 *		back at the exit.
 * @lr_orig:	the list registers as loaded (to see what the guest did).
 * @lr_intid:	the INTID each used list register holds.
 * @nr_lr:	list registers used at the last entry.
 * @lr_latched:	bit n: list register n's pending state came from the
 *		interrupt's pending latch (not only from its line).
 * @vmcr:	ICH_VMCR_EL2: the guest's view of its CPU interface.
 * @ap0r:	ICH_AP0R<n>_EL2: active priorities, group 0.
 * @ap1r:	ICH_AP1R<n>_EL2: active priorities, group 1.
 * @hcr:	ICH_HCR_EL2: as loaded (UIE, LRENPIE chosen by the flush),
 *		and as read back (EOIcount) at the exit.
 */
struct hv_vgic_cpu {
	struct hv_vgic_irq irqs[HV_VGIC_NR_PRIVATE];
	u64 lr[HV_VGIC_MAX_LRS];
	u64 lr_orig[HV_VGIC_MAX_LRS];
	u32 lr_intid[HV_VGIC_MAX_LRS];
	u32 nr_lr;
	u32 lr_latched;
	u32 vmcr;
	u32 ap0r[4];
	u32 ap1r[4];
	u32 hcr;
};

/*
 * Guest EL1 (and EL0) system registers the world switch loads and saves,
 * by index into hv_vcpu_arch.sys.  The EL1 ones are reached through their
 * *_EL12 aliases from the VHE host (Arm ARM D13.2, "E2H redirection").
 */
enum hv_arm64_sysreg {
	HV_SCTLR_EL1,
	HV_CPACR_EL1,
	HV_TTBR0_EL1,
	HV_TTBR1_EL1,
	HV_TCR_EL1,
	HV_ESR_EL1,
	HV_AFSR0_EL1,
	HV_AFSR1_EL1,
	HV_FAR_EL1,
	HV_MAIR_EL1,
	HV_VBAR_EL1,
	HV_CONTEXTIDR_EL1,
	HV_AMAIR_EL1,
	HV_CNTKCTL_EL1,
	HV_PAR_EL1,
	HV_TPIDR_EL1,
	HV_TPIDR_EL0,
	HV_TPIDRRO_EL0,
	HV_CSSELR_EL1,
	HV_MPIDR_EL1,
	HV_CNTV_CTL_EL0,
	HV_CNTV_CVAL_EL0,
	HV_CNTP_CTL_EL0,
	HV_CNTP_CVAL_EL0,
	HV_NR_SYSREGS,
};

/**
 * struct hv_vcpu_arch - arm64 vCPU state kept by the core
 * @core:	x0-x30, SP_EL0, PC, PSTATE, SP_EL1, ELR_EL1, SPSR_EL1..,
 *		FP/SIMD: struct hv_regs, so that ONE_REG core register ids
 *		(offsets in u32 units) index it.  Kept first: the world
 *		switch is handed &arch.core.
 * @sys:	EL1/EL0 system registers, by enum hv_arm64_sysreg.
 * @target:	the HV_ARM_VCPU_INIT target, -1 before the first init.
 * @features:	HV_ARM_VCPU_INIT features[0]; fixed by the first init.
 * @power_off:	[a] PSCI CPU_OFF, SYSTEM_OFF or the POWER_OFF feature: RUN
 *		waits in @wq until CPU_ON from another vCPU.
 * @on_lock:	protects @on_pending, @on_pc and @on_ctx (CPU_ON from
 *		another vCPU's thread).
 * @on_pending:	CPU_ON asked to start at @on_pc with x0 = @on_ctx.
 * @wq:		where a powered-off vCPU waits.
 * @mmio_pending: the last exit was an MMIO read or write: the next RUN
 *		completes it (loads a read's data into @mmio_rt) and steps
 *		over the instruction.
 * @mmio_rt:	the load's target register (31: XZR, nothing to load).
 * @mmio_len:	bytes of the access.
 * @mmio_sign:	sign-extend the loaded value (ESR ISS.SSE).
 * @mmio_sf:	64-bit target register (ISS.SF); else 32-bit.
 * @mmio_write:	the access was a store.
 * @halted:	[v] the guest waits in WFI: RUN sleeps until an interrupt
 *		or a timer is pending (hv_arch_vcpu_runnable()).
 * @wfi_timer:	[v] wakes a halted vCPU when its earliest timer fires.
 * @vgic:	the vCPU's part of the in-kernel GIC.
 * @vgic_idx:	[v] the vCPU's index (creation order): its redistributor.
 * @irq_line:	[a] without a vGIC, IRQ_LINE's CPU IRQ input (HCR_EL2.VI).
 * @fiq_line:	[a] the same for FIQ (HCR_EL2.VF).
 */
struct hv_vcpu_arch {
	struct hv_regs core;
	u64 sys[HV_NR_SYSREGS];
	s32 target;
	u32 features;
	bool power_off;
	spinlock_t on_lock;		/* CPU_ON requests */
	bool on_pending;
	u64 on_pc;
	u64 on_ctx;
	wait_queue_head_t wq;
	bool mmio_pending;
	u8 mmio_rt;
	u8 mmio_len;
	bool mmio_sign;
	bool mmio_sf;
	bool mmio_write;
	bool halted;
	struct hrtimer wfi_timer;
	struct hv_vgic_cpu vgic;
	u32 vgic_idx;
	bool irq_line;
	bool fiq_line;
};

struct hv_vgic;

/**
 * struct hv_vm_arch - arm64 state of a VM kept by the core
 * @ipa_bits:	(c) guest physical address size (HV_CREATE_VM type).
 * @cntvoff:	[a] CNTVOFF_EL2 of every vCPU: the physical count when the
 *		guest's virtual count was 0 (ONE_REG TIMER_CNT moves it).
 * @vgic:	the in-kernel GICv3 (HV_CREATE_DEVICE), or NULL; set once
 *		under hv_vm.lock, freed with the VM.
 * @ran:	[a] a vCPU entered RUN: no vGIC may be created any more.
 */
struct hv_vm_arch {
	u32 ipa_bits;
	u64 cntvoff;
	struct hv_vgic *vgic;
	bool ran;
};

/* Nothing of the vCPU state lives only in the backend yet. */
struct hv_arch_backend_ops {
	int unused;
};

static inline bool
hv_arch_backend_ops_valid(const struct hv_arch_backend_ops *ops)
{
	return true;
}

/* Smallest and largest IPA sizes a VM can have, and the default. */
#define HV_ARM64_IPA_MIN	32
#define HV_ARM64_IPA_MAX	40
#define HV_ARM64_IPA_DEFAULT	40

/* arm64 code of hv.ko used by the core. */
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
int hv_arch_vm_init(struct hv_vm *vm, unsigned long type);
int hv_arch_check_memslot(struct hv_vm *vm,
			  const struct hv_userspace_memory_region *mem);

/* Slots are mapped by nested faults: nothing to do when they change. */
static inline void hv_arch_commit_memslot(struct hv_vm *vm,
					  const struct hv_memslot *old,
					  const struct hv_memslot *new) { }
void hv_arch_vm_destroy(struct hv_vm *vm);

/* The FP/SIMD registers are switched by the backend around each entry. */
static inline void hv_arch_load_guest_fpu(struct hv_vcpu *vcpu) { }
static inline void hv_arch_put_guest_fpu(struct hv_vcpu *vcpu) { }

/* arm64 code of hv.ko used by backends: exits shared by every backend. */
int hv_arm64_handle_mmio(struct hv_vcpu *vcpu, u64 gpa, u64 esr);
int hv_arm64_handle_hvc(struct hv_vcpu *vcpu);
void hv_arm64_skip_instr(struct hv_vcpu *vcpu, u64 esr);
int hv_arm64_internal_error(struct hv_vcpu *vcpu, u64 esr, u64 far);
int hv_arm64_wait_power_on(struct hv_vcpu *vcpu);
void hv_arm64_inject_undef(struct hv_vcpu *vcpu);
int hv_arm64_handle_wfx(struct hv_vcpu *vcpu, u64 esr);
int hv_arm64_handle_sysreg(struct hv_vcpu *vcpu, u64 esr);

/*
 * The in-kernel GIC (arch/arm64/hv/vgic.c).  A backend calls
 * hv_arm64_vgic_flush() with interrupts off just before the entry (it
 * fills vcpu->arch.vgic.lr[] for the list registers and returns whether
 * the virtual CPU interface is to be enabled), and hv_arm64_vgic_sync()
 * after the exit, with the list registers read back, interrupts on.
 */
bool hv_arm64_vgic_flush(struct hv_vcpu *vcpu, unsigned int nr_lrs);
/* ICH_HCR_EL2 bits the flush may add to En (IHI 0069H 12.4.4). */
#define HV_ICH_HCR_EN		BIT(0)
#define HV_ICH_HCR_UIE		BIT(1)
#define HV_ICH_HCR_LRENPIE	BIT(2)
#define HV_ICH_HCR_EOICOUNT(h)	(((h) >> 27) & 0x1f)
void hv_arm64_vgic_sync(struct hv_vcpu *vcpu);
/* Inside hv.ko. */
int hv_arm64_vgic_pre_run(struct hv_vcpu *vcpu);
void hv_arm64_vgic_vcpu_init(struct hv_vcpu *vcpu);
bool hv_arm64_vgic_ready(struct hv_vm *vm);
void hv_arm64_vgic_destroy(struct hv_vm *vm);
bool hv_arm64_vgic_has_pending(struct hv_vcpu *vcpu);
void hv_arm64_vgic_set_idx(struct hv_vcpu *vcpu);
void hv_arm64_vgic_sgi(struct hv_vcpu *vcpu, u64 val);
bool hv_arm64_irq_pending(struct hv_vcpu *vcpu);
u64 hv_arm64_counter(void);
void hv_arm64_timer_vcpu_init(struct hv_vcpu *vcpu);
void hv_arm64_unhalt(struct hv_vcpu *vcpu);
/* The level of a timer's interrupt line now (arch/arm64/hv/arch_timer.c). */
bool hv_arm64_timer_line(struct hv_vcpu *vcpu, bool phys);

/* HV_CREATE_DEVICE and HV_IRQ_LINE take the arm64 paths. */
#define HV_ARCH_HAS_CREATE_DEVICE	1
#define HV_ARCH_HAS_IRQ_LINE		1
struct hv_create_device;
struct hv_irq_level;
int hv_arch_create_device(struct hv_vm *vm, struct hv_create_device *cd);
int hv_arch_irq_line(struct hv_vm *vm, struct hv_irq_level *irq, bool status);

#endif /* _ASM_ARM64_HV_HOST_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * arm64 part of the hv core <-> backend contract: the vCPU state the core
 * keeps (KVM's struct kvm_regs layout, so ONE_REG core ids index it
 * directly) and the EL1 system registers a backend switches.
 */
#ifndef _ASM_ARM64_HV_HOST_H
#define _ASM_ARM64_HV_HOST_H

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
};

/**
 * struct hv_vm_arch - arm64 state of a VM kept by the core
 * @ipa_bits:	(c) guest physical address size (HV_CREATE_VM type).
 */
struct hv_vm_arch {
	u32 ipa_bits;
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

/* Counters exposed through debugfs (Documentation/virt/hv/api.rst). */
struct hv_vm_stats {
	u64 nested_faults;
	u64 nested_mapped_4k;
	u64 nested_mapped_2m;
	u64 invalidations;
	u64 tlb_flushes;
};

#define HV_STATS_EXIT_REASONS	64

/* Same names as x86 so hv_stats.c stays common; x86-only ones stay 0. */
struct hv_vcpu_stats {
	u64 entries;
	u64 exit_reason[HV_STATS_EXIT_REASONS];	/* returns to userspace */
	u64 io_exits;
	u64 mmio_exits;
	u64 halt_exits;			/* WFI/WFE */
	u64 halt_sleeps;
	u64 signal_exits;
	u64 cpuid_exits;
	u64 msr_exits;			/* trapped system register accesses */
	u64 nested_fault_exits;		/* stage-2 aborts */
	u64 intr_exits;
};

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

#endif /* _ASM_ARM64_HV_HOST_H */

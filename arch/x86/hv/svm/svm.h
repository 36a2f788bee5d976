/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Internal declarations of hv-amd.
 */
#ifndef _HV_SVM_H
#define _HV_SVM_H

#include <linux/hv_host.h>

#include "vmcb.h"

/*
 * Legend: (c) set at creation; [m] mmu_lock; [v] vCPU mutex, or the vCPU
 * thread with preemption disabled for per-CPU state.
 */

/**
 * struct svm_vm - a VM on AMD-V
 * @vm:		the core part.
 * @npt_root:	[m] the nested PML4 (APM 15.25.3), allocated at creation.
 */
struct svm_vm {
	struct hv_vm vm;
	u64 *npt_root;
};

/* 8-byte words of the VMCB that hv tracks for VMCB clean bits. */
#define SVM_CLEAN_WORDS		32

/* Nested page-table pages a fault may need, allocated before mmu_lock. */
#define SVM_NPT_CACHE_PAGES	4	/* levels below a 5-level root */
static_assert(SVM_NPT_CACHE_PAGES <= HV_MMU_CACHE_PAGES);

/**
 * struct svm_vcpu - a vCPU on AMD-V
 * @vcpu:	the core part.
 * @vmcb:	(c) its VMCB page.
 * @vmcb_pa:	(c) physical address of @vmcb.
 * @asid:	[v] ASID on @asid_cpu, valid while @asid_generation matches.
 * @asid_cpu:	[v] the CPU @asid belongs to.
 * @asid_generation: [v] that CPU's generation when @asid was taken.
 * @npt_cache:	[v] pages for the next nested fault.
 * @guest_dr:	[v] DR0-DR3 of the guest once it uses them.
 * @guest_uses_dr: [v] the guest wrote a debug register: DR accesses are
 *		no longer intercepted and DR0-3 are switched on entry/exit.
 * @nmi_masked: [v] an NMI was delivered and its handler has not executed
 *		IRET yet: further NMIs wait (SDM 6.7.1).
 * @nmi_iret_rip: [v] RIP of the IRET that ends the NMI handler; NMIs are
 *		unmasked once the guest has moved past it.
 * @nmi_iret_seen: [v] the IRET intercept fired; waiting to move past it.
 * @nmi_singlestep: [v] single-stepping the handler's IRET (RFLAGS.TF set
 *		by hv) to unmask NMIs right after it.
 * @virq_injected: [v] the interrupt of the last entry went in as V_IRQ
 *		(svm_intr_to_virq()); the exit tells whether it was taken.
 * @host_pkru:	[v] host PKRU, restored after an exit if the guest
 *		changed it (it can set CR4.PKE without an intercept).
 * @clean_cpu:	[v] the CPU @clean_seen was taken on, -1 if none is valid.
 * @clean_seen:	[v] the VMCB words of the clean-bit groups as the last
 *		#VMEXIT left them (svm_vcpu.c, APM 15.15.3).
 */
struct svm_vcpu {
	struct hv_vcpu vcpu;
	struct vmcb *vmcb;
	u64 vmcb_pa;
	u32 asid;
	int asid_cpu;
	u64 asid_generation;
	struct hv_mmu_page_cache npt_cache;
	unsigned long guest_dr[4];
	bool guest_uses_dr;
	bool nmi_masked;
	bool nmi_iret_seen;
	bool nmi_singlestep;
	bool virq_injected;
	u64 nmi_iret_rip;
	u32 host_pkru;
	int clean_cpu;
	u64 clean_seen[SVM_CLEAN_WORDS];
};

static inline struct svm_vm *to_svm_vm(struct hv_vm *vm)
{
	return container_of(vm, struct svm_vm, vm);
}

static inline struct svm_vcpu *to_svm(struct hv_vcpu *vcpu)
{
	return container_of(vcpu, struct svm_vcpu, vcpu);
}

/* Features of the CPU found at load (CPUID 8000_000A, APM 15.4). */
extern bool svm_has_nrips;
extern bool svm_has_flush_by_asid;
extern bool svm_has_decode_assists;
extern bool svm_has_vmcb_clean;
extern u32 svm_nr_asids;
extern u64 svm_iopm_pa;
extern u64 svm_msrpm_pa;

/* svm_run.S */
void __svm_vmrun(unsigned long *regs, u64 vmcb_pa, u64 host_save_pa);

/* svm_vcpu.c */
int svm_vcpu_create(struct hv_vcpu *vcpu);
void svm_vcpu_free(struct hv_vcpu *vcpu);
void svm_vcpu_load(struct hv_vcpu *vcpu, int cpu);
void svm_vcpu_put(struct hv_vcpu *vcpu);
int svm_vcpu_run(struct hv_vcpu *vcpu);
void svm_vcpu_reset(struct svm_vcpu *svm);
void svm_get_sregs(struct hv_vcpu *vcpu, struct hv_sregs *sregs);
void svm_set_sregs(struct hv_vcpu *vcpu, const struct hv_sregs *sregs);
void svm_inject_event(struct hv_vcpu *vcpu, enum hv_x86_event_type type,
		      u8 vector, bool has_error, u32 error_code);
u32 svm_get_interrupt_shadow(struct hv_vcpu *vcpu);
unsigned long svm_get_cr4(struct hv_vcpu *vcpu);
u8 svm_get_cr8(struct hv_vcpu *vcpu);
bool svm_event_pending(struct hv_vcpu *vcpu);
bool svm_interrupt_allowed(struct hv_vcpu *vcpu);
bool svm_nmi_allowed(struct hv_vcpu *vcpu);
bool svm_nmi_masked(struct hv_vcpu *vcpu);
void svm_set_nmi_masked(struct hv_vcpu *vcpu, bool masked);
bool svm_get_event(struct hv_vcpu *vcpu, struct hv_x86_event *ev);
void svm_cancel_event(struct hv_vcpu *vcpu);
void svm_enable_irq_window(struct hv_vcpu *vcpu);
void svm_enable_nmi_window(struct hv_vcpu *vcpu);
void svm_set_cr8(struct hv_vcpu *vcpu, u8 cr8);
void svm_set_interrupt_shadow(struct hv_vcpu *vcpu, u32 shadow);
void svm_get_debugregs(struct hv_vcpu *vcpu, struct hv_debugregs *dbg);
void svm_set_debugregs(struct hv_vcpu *vcpu, const struct hv_debugregs *dbg);
int svm_get_msr(struct hv_vcpu *vcpu, u32 msr, u64 *data);
int svm_set_msr(struct hv_vcpu *vcpu, u32 msr, u64 data, bool host);
void svm_vcpu_reset_op(struct hv_vcpu *vcpu, bool init_event);
int svm_cpu_setup(void);
void svm_cpu_unsetup(void);

/* svm_exit.c */
int svm_handle_exit(struct svm_vcpu *svm);

/* svm_npt.c */
int svm_npt_init(struct hv_vm *vm);
void svm_npt_destroy(struct hv_vm *vm);
bool svm_npt_zap(struct hv_vm *vm, u64 start, u64 end);
int svm_npt_fault(struct svm_vcpu *svm, u64 gpa, u64 error_code);

#endif /* _HV_SVM_H */

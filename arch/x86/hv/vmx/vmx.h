/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Internal declarations of hv-intel.
 */
#ifndef _HV_VMX_H
#define _HV_VMX_H

#include <linux/hv_host.h>
#include <linux/list.h>
#include <linux/percpu.h>

#include "vmcs.h"

/*
 * Legend: (c) set at creation; [m] mmu_lock; [v] vCPU mutex, or the vCPU
 * thread with preemption disabled for per-CPU state; [l] the VMCS's
 * current CPU with interrupts disabled (vmx_vmcs_load(), cpu_disable).
 */

/**
 * struct vmx_vm - a VM on VT-x
 * @vm:		the core part.
 * @ept_root:	[m] the EPT PML4 (SDM 28.3.2), allocated at creation.
 * @eptp:	(c) the EPT pointer of every vCPU of the VM (SDM 24.6.11).
 */
struct vmx_vm {
	struct hv_vm vm;
	u64 *ept_root;
	u64 eptp;
};

/* EPT pages a fault may need, allocated before mmu_lock. */
#define VMX_EPT_CACHE_PAGES	3	/* levels below the 4-level root */
static_assert(VMX_EPT_CACHE_PAGES <= HV_MMU_CACHE_PAGES);

/**
 * struct vmx_host_state - host state a VM exit does not restore
 * @loaded:	the guest's syscall MSRs are in the CPU, the host's here.
 * @fs_sel:	host FS/GS/DS/ES/LDT selectors, reloaded when not null.
 * @gs_sel:	see @fs_sel.
 * @ds_sel:	see @fs_sel.
 * @es_sel:	see @fs_sel.
 * @ldt_sel:	see @fs_sel.
 * @kernel_gs_base: the host's (user) GS base, swapped by SWAPGS.
 * @star:	host SYSCALL MSRs.
 * @lstar:	see @star.
 * @sfmask:	see @star.
 */
struct vmx_host_state {
	bool loaded;
	u16 fs_sel, gs_sel, ds_sel, es_sel, ldt_sel;
	u64 kernel_gs_base;
	u64 star;
	u64 lstar;
	u64 sfmask;
};

/**
 * struct vmx_vcpu - a vCPU on VT-x
 * @vcpu:	the core part.
 * @vmcs:	(c) its VMCS region.
 * @vmcs_pa:	(c) physical address of @vmcs.
 * @cpu:	[l] CPU on which @vmcs is active (loaded, not cleared), or -1.
 * @launched:	[l] VMLAUNCH succeeded since the last VMCLEAR: VMRESUME next.
 * @loaded_list: [l] entry in the per-CPU list of active VMCSs.
 * @vpid:	(c) VPID tagging the guest's linear translations, 0 if none.
 * @flush_tlb:	[v] flush EPT and VPID translations at the next entry.
 * @flush_vpid: [v] flush the guest's linear translations (its VPID) at the
 *		next entry, as a CR0/CR3/CR4 write hv emulated would have.
 * @ept_cache:	[v] pages for the next EPT violation.
 * @host:	[v] host state restored at vcpu_put.
 * @kernel_gs_base: [v] guest MSRs VT-x does not switch (SDM 27.5), kept
 *		here and in the CPU while @host.loaded.
 * @star:	see @kernel_gs_base.
 * @lstar:	see @kernel_gs_base.
 * @cstar:	see @kernel_gs_base; never used by Intel CPUs, only stored.
 * @sfmask:	see @kernel_gs_base.
 * @cr0:	[v] CR0 as the guest wrote it (read shadow for masked bits).
 * @cr4:	[v] CR4 as the guest wrote it.
 * @cr2:	[v] CR2, which VT-x does not switch: loaded around the entry.
 * @cr8:	[v] CR8 (task priority), CR8 accesses exit.
 * @guest_dr:	[v] DR0-DR3 of the guest once it uses them.
 * @guest_dr6:	[v] its DR6, likewise; DR7 is in the VMCS.
 * @guest_uses_dr: [v] the guest accessed a debug register: MOV DR no longer
 *		exits and DR0-3/DR6 are switched around entry.
 * @host_pkru:	[v] host PKRU, restored after an exit if the guest changed it.
 * @host_debugctl: [v] host IA32_DEBUGCTL, which a VM exit clears.
 * @host_cr3:	[v] value in the VMCS's host CR3 field.
 * @host_cr4:	[v] value in the VMCS's host CR4 field.
 * @pin:	[v] the pin-based controls in the VMCS.
 * @exit_reason: [v] the last exit's reason.
 * @exit_qual:	[v] its qualification.
 */
struct vmx_vcpu {
	struct hv_vcpu vcpu;
	void *vmcs;
	u64 vmcs_pa;
	int cpu;
	bool launched;
	struct list_head loaded_list;
	u16 vpid;
	bool flush_tlb;
	bool flush_vpid;
	struct hv_mmu_page_cache ept_cache;
	struct vmx_host_state host;
	u64 kernel_gs_base;
	u64 star;
	u64 lstar;
	u64 cstar;
	u64 sfmask;
	unsigned long cr0;
	unsigned long cr4;
	unsigned long cr2;
	u8 cr8;
	unsigned long guest_dr[4];
	unsigned long guest_dr6;
	bool guest_uses_dr;
	u32 host_pkru;
	u64 host_debugctl;
	unsigned long host_cr3;
	unsigned long host_cr4;
	u32 pin;
	u32 exit_reason;
	unsigned long exit_qual;
};

static inline struct vmx_vm *to_vmx_vm(struct hv_vm *vm)
{
	return container_of(vm, struct vmx_vm, vm);
}

static inline struct vmx_vcpu *to_vmx(struct hv_vcpu *vcpu)
{
	return container_of(vcpu, struct vmx_vcpu, vcpu);
}

/**
 * struct vmx_config - what vmx_main.c found at load
 * @revision_id: VMCS revision identifier (IA32_VMX_BASIC).
 * @pin:	pin-based controls to use.
 * @proc:	primary processor-based controls, without window exits.
 * @proc2:	secondary controls.
 * @exit:	VM-exit controls.
 * @entry:	VM-entry controls, without IA-32e mode guest.
 * @cr0_fixed0:	CR0 bits that must be 1 in VMX operation (A.7).
 * @cr0_fixed1:	CR0 bits that may be 1.
 * @cr4_fixed0:	likewise for CR4 (A.8).
 * @cr4_fixed1:	see @cr4_fixed0.
 * @ept_2m:	EPT can map 2 MiB pages.
 * @has_vpid:	VPIDs and INVVPID single-context are usable.
 * @inout_info:	INS/OUTS exits report the address size (SDM A.1).
 * @timer_ticks: VMX-preemption timer value for about 1 ms, 0 without
 *		the timer (vmx_vcpu.c says why it is used).
 * @msr_bitmap_pa: the MSR bitmap shared by all vCPUs.
 */
struct vmx_config {
	u32 revision_id;
	u32 pin;
	u32 proc;
	u32 proc2;
	u32 exit;
	u32 entry;
	u64 cr0_fixed0;
	u64 cr0_fixed1;
	u64 cr4_fixed0;
	u64 cr4_fixed1;
	bool ept_2m;
	bool has_vpid;
	bool inout_info;
	u32 timer_ticks;
	u64 msr_bitmap_pa;
};

extern struct vmx_config vmx_cfg;
extern u64 vmx_host_xcr0;

void vmx_vmcs_load(struct vmx_vcpu *vmx);

/* The VMCS of @vmx current on this CPU, for an access outside RUN. */
static inline void vmx_vmcs_enter(struct vmx_vcpu *vmx)
{
	preempt_disable();
	vmx_vmcs_load(vmx);
}

static inline void vmx_vmcs_exit(void)
{
	preempt_enable();
}

/* vmx_run.S */
int __vmx_vcpu_run(unsigned long *regs, bool launched);
void vmx_vmexit(void);

/* vmx_main.c */
void vmx_loaded_list_add(struct vmx_vcpu *vmx, int cpu);
void vmx_loaded_list_del(struct vmx_vcpu *vmx);

/* vmx_vcpu.c */
int vmx_vcpu_create(struct hv_vcpu *vcpu);
void vmx_vcpu_free(struct hv_vcpu *vcpu);
void vmx_vcpu_load(struct hv_vcpu *vcpu, int cpu);
void vmx_vcpu_put(struct hv_vcpu *vcpu);
void vmx_vmcs_clear_local(struct vmx_vcpu *vmx);
int vmx_vcpu_run(struct hv_vcpu *vcpu);
void vmx_vcpu_reset(struct vmx_vcpu *vmx);

/* vmx_state.c: the backend's x86 ops */
void vmx_get_sregs(struct hv_vcpu *vcpu, struct hv_sregs *sregs);
void vmx_set_sregs(struct hv_vcpu *vcpu, const struct hv_sregs *sregs);
void vmx_inject_event(struct hv_vcpu *vcpu, enum hv_x86_event_type type,
		      u8 vector, bool has_error, u32 error_code);
u32 vmx_get_interrupt_shadow(struct hv_vcpu *vcpu);
void vmx_set_interrupt_shadow(struct hv_vcpu *vcpu, u32 shadow);
bool vmx_event_pending(struct hv_vcpu *vcpu);
bool vmx_interrupt_allowed(struct hv_vcpu *vcpu);
bool vmx_nmi_allowed(struct hv_vcpu *vcpu);
bool vmx_nmi_masked(struct hv_vcpu *vcpu);
bool vmx_get_event(struct hv_vcpu *vcpu, struct hv_x86_event *ev);
void vmx_cancel_event(struct hv_vcpu *vcpu);
void vmx_set_nmi_masked(struct hv_vcpu *vcpu, bool masked);
void vmx_vcpu_reset_op(struct hv_vcpu *vcpu, bool init_event);
void vmx_enable_irq_window(struct hv_vcpu *vcpu);
void vmx_enable_nmi_window(struct hv_vcpu *vcpu);
unsigned long vmx_get_cr4(struct hv_vcpu *vcpu);
u8 vmx_get_cr8(struct hv_vcpu *vcpu);
void vmx_set_cr8(struct hv_vcpu *vcpu, u8 cr8);
void vmx_get_debugregs(struct hv_vcpu *vcpu, struct hv_debugregs *dbg);
void vmx_set_debugregs(struct hv_vcpu *vcpu, const struct hv_debugregs *dbg);
int vmx_get_msr(struct hv_vcpu *vcpu, u32 msr, u64 *data);
int vmx_set_msr(struct hv_vcpu *vcpu, u32 msr, u64 data, bool host);

/* vmx_state.c */
unsigned long vmx_cr0_mask(void);
unsigned long vmx_cr4_mask(void);
unsigned long vmx_read_cr0(struct vmx_vcpu *vmx);
unsigned long vmx_read_cr4(struct vmx_vcpu *vmx);
void vmx_write_cr0(struct vmx_vcpu *vmx, unsigned long cr0);
void vmx_write_cr4(struct vmx_vcpu *vmx, unsigned long cr4);
void vmx_write_efer(struct vmx_vcpu *vmx, u64 efer);
int vmx_load_pdptrs(struct vmx_vcpu *vmx);
void vmx_reset_state(struct vmx_vcpu *vmx);
void vmx_complete_events(struct vmx_vcpu *vmx);
int vmx_vpid_alloc(void);
void vmx_vpid_free(int vpid);

/* vmx_exit.c */
int vmx_handle_exit(struct vmx_vcpu *vmx);

/* vmx_ept.c */
int vmx_ept_init(struct hv_vm *vm);
void vmx_ept_destroy(struct hv_vm *vm);
bool vmx_ept_zap(struct hv_vm *vm, u64 start, u64 end);
int vmx_ept_violation(struct vmx_vcpu *vmx, u64 gpa, unsigned long qual);

#endif /* _HV_VMX_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hv-arm64: the VHE backend.  The host kernel runs at EL2 with
 * HCR_EL2.{E2H,TGE} = {1,1} (Arm ARM D5.10, "Virtualization Host
 * Extensions"); a guest runs at EL1 with TGE clear and stage 2 on.
 */
#ifndef _HV_VHE_H
#define _HV_VHE_H

/* Offsets into struct hv_regs for vhe_entry.S; checked in vhe_main.c. */
#define VHE_CORE_X0		0
#define VHE_CORE_SP		248
#define VHE_CORE_PC		256
#define VHE_CORE_PSTATE		264
#define VHE_CORE_SP_EL1		272
#define VHE_CORE_FP		336
#define VHE_FP_FPSR		512

/* Why __vhe_guest_run() returned: the vector the guest exit came through. */
#define VHE_EXIT_SYNC		0
#define VHE_EXIT_IRQ		1
#define VHE_EXIT_FIQ		2
#define VHE_EXIT_SERROR		3
#define VHE_EXIT_AARCH32	4

#ifndef __ASSEMBLY__

#include <linux/hv_host.h>

/* Stage-2 tables a fault may need: one level 2 and one level 3 table. */
#define VHE_S2_CACHE_PAGES	2
static_assert(VHE_S2_CACHE_PAGES <= HV_MMU_CACHE_PAGES);

/**
 * struct vhe_vm - a VM of the VHE backend
 * @vm:		the core part.
 * @pgd:	(c) the stage-2 level 1 table(s): up to two concatenated
 *		pages for a 40-bit IPA space (Arm ARM D8.2.6).
 * @vttbr:	(c) VTTBR_EL2 for the VM: @pgd and the VMID.
 * @vtcr:	(c) VTCR_EL2 for the VM.
 * @vmid:	(c) the VMID.
 * @vmid_shared: (c) @vmid is the shared one, not from the allocator.
 */
struct vhe_vm {
	struct hv_vm vm;
	u64 *pgd;
	u64 vttbr;
	u64 vtcr;
	u16 vmid;
	bool vmid_shared;
};

/**
 * struct vhe_vcpu - a vCPU of the VHE backend
 * @vcpu:	the core part.
 * @s2_cache:	[v] pages for stage-2 tables, filled before mmu_lock.
 */
struct vhe_vcpu {
	struct hv_vcpu vcpu;
	struct hv_mmu_page_cache s2_cache;
};

static inline struct vhe_vm *to_vhe_vm(struct hv_vm *vm)
{
	return container_of(vm, struct vhe_vm, vm);
}

static inline struct vhe_vcpu *to_vhe(struct hv_vcpu *vcpu)
{
	return container_of(vcpu, struct vhe_vcpu, vcpu);
}

/* vhe_entry.S */
extern char __vhe_vectors[];
int __vhe_guest_run(struct hv_regs *core);

/* vhe_main.c */
extern u32 vhe_vmid_bits;
extern u32 vhe_parange;
extern unsigned int vhe_nr_lrs;
extern unsigned int vhe_nr_aprs;
extern int vhe_vtimer_irq;
extern int vhe_ptimer_irq;

/* vhe_s2.c */
int vhe_s2_init(struct hv_vm *vm);
void vhe_s2_destroy(struct hv_vm *vm);
bool vhe_s2_zap(struct hv_vm *vm, u64 start, u64 end);
int vhe_s2_fault(struct hv_vcpu *vcpu, u64 esr, u64 far, u64 hpfar);

/* vhe_run.c */
int vhe_vcpu_run(struct hv_vcpu *vcpu);

#endif /* !__ASSEMBLY__ */
#endif /* _HV_VHE_H */

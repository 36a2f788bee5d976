/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Per-CPU state of hv-amd and the SVM instructions used from C.
 */
#ifndef _HV_SVM_CPU_H
#define _HV_SVM_CPU_H

#include <linux/percpu.h>
#include <linux/types.h>

/**
 * struct svm_cpu_data - one CPU's SVM resources
 * @hsave:	the host save area VMRUN uses (VM_HSAVE_PA, APM 15.30.4).
 * @host_save:	where VMSAVE keeps the host's FS/GS/TR/LDTR/syscall MSRs.
 * @host_save_pa: physical address of @host_save.
 * @next_asid:	the next free ASID in @asid_generation.
 * @asid_generation: bumped when the ASIDs run out (all are flushed).
 * @last_vmcb_pa: the VMCB this CPU ran last, 0 after SVM was enabled: only
 *		that VMCB's state may be cached (VMCB clean bits, APM 15.15.3).
 */
struct svm_cpu_data {
	struct page *hsave;
	struct page *host_save;
	u64 host_save_pa;
	u32 next_asid;
	u64 asid_generation;
	u64 last_vmcb_pa;
};

DECLARE_PER_CPU(struct svm_cpu_data, svm_cpu_data);
extern u64 svm_host_xcr0;

static inline void clgi(void)
{
	asm volatile("clgi" : : : "memory");
}

static inline void stgi(void)
{
	asm volatile("stgi" : : : "memory");
}

#endif /* _HV_SVM_CPU_H */

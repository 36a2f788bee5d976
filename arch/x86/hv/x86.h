/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Internal declarations of the x86 part of hv.ko.
 */
#ifndef _HV_X86_H
#define _HV_X86_H

#include <linux/hv_host.h>

static inline const struct hv_arch_backend_ops *hv_x86_ops(struct hv_vcpu *vcpu)
{
	return &vcpu->vm->ops->arch;
}

int hv_x86_complete_mmio(struct hv_vcpu *vcpu);

/* x86_state.c, x86_save.c */
int hv_x86_apply_sregs(struct hv_vcpu *vcpu, const struct hv_sregs *sregs);
void hv_x86_read_sregs(struct hv_vcpu *vcpu, struct hv_sregs *sregs);
long hv_x86_save_ioctl(struct hv_vcpu *vcpu, unsigned int cmd,
		       unsigned long arg);
long hv_x86_xsave2_size(void);
void hv_x86_tsc_rebase(struct hv_vcpu *vcpu);

/* x86_irq.c */
long hv_x86_irq_ioctl(struct hv_vcpu *vcpu, unsigned int cmd,
		      unsigned long arg);
void hv_x86_irq_post_run(struct hv_vcpu *vcpu);

/* x86_msr.c */
long hv_x86_get_msr_index_list(struct hv_msr_list __user *argp);
long hv_x86_get_feature_msr_index_list(struct hv_msr_list __user *argp);
long hv_x86_msrs_ioctl(struct hv_vcpu *vcpu, bool set,
		       struct hv_msrs __user *argp);

/* x86_cpuid.c */
enum { HV_CPUID_EAX, HV_CPUID_EBX, HV_CPUID_ECX, HV_CPUID_EDX };
long hv_x86_get_supported_cpuid(struct hv_cpuid2 __user *argp);
long hv_x86_cpuid_ioctl(struct hv_vcpu *vcpu, unsigned int cmd,
			void __user *argp);
void hv_x86_cpuid_free(struct hv_vcpu *vcpu);
bool hv_x86_guest_has(const struct hv_vcpu *vcpu, u32 function, u32 index,
		      int reg, u32 bit);
u64 hv_x86_guest_xcr0_allowed(const struct hv_vcpu *vcpu);
u64 hv_x86_supported_xcr0(void);

#endif /* _HV_X86_H */

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

int hv_x86_copy_linear(struct hv_vcpu *vcpu, u64 gva, void *data,
		       unsigned int len, bool write);
int hv_x86_complete_mmio(struct hv_vcpu *vcpu);

#endif /* _HV_X86_H */

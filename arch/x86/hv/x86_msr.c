// SPDX-License-Identifier: GPL-2.0-only
/*
 * MSRs: the list a VMM saves and restores (HV_GET_MSR_INDEX_LIST), the
 * vCPU's HV_GET_MSRS/HV_SET_MSRS, and the guest's RDMSR/WRMSR.
 *
 * MSRs that live in the backend's hardware structure (EFER, PAT, the
 * syscall/sysenter MSRs, FS/GS bases, the TSC offset) go through the
 * backend's get_msr/set_msr; the rest are kept here.  Userspace ("host
 * initiated", as KVM calls it) may write every listed MSR, so a VMM can
 * restore what it saved; the guest gets #GP for MSRs its CPUID does not
 * offer and for any MSR hv does not know, never a host value.
 */
#define pr_fmt(fmt) "hv: " fmt

#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/hv_host.h>
#include <asm/msr-index.h>

#include "lapic.h"
#include "x86.h"

/* KVM's MAX_IO_MSRS: GET/SET_MSRS with more entries is E2BIG. */
#define HV_MAX_IO_MSRS		256

/* KVM's paravirtual clock MSRs, which VMMs write at every reset. */
#define MSR_KVM_WALL_CLOCK	0x11
#define MSR_KVM_SYSTEM_TIME	0x12
#define MSR_KVM_WALL_CLOCK_NEW	0x4b564d00
#define MSR_KVM_SYSTEM_TIME_NEW	0x4b564d01

/*
 * MTRRs, SDM 11.11 (Table 11-8): capabilities, default type, 11 fixed
 * ranges (0x250, 0x258-0x259, 0x268-0x26f) and base/mask pairs from 0x200.
 */
#define HV_MSR_MTRR_CAP		0x0fe
#define HV_MSR_MTRR_DEF_TYPE	0x2ff
#define HV_MSR_MTRR_FIX64K	0x250
#define HV_MSR_MTRR_FIX16K	0x258	/* and 0x259 */
#define HV_MSR_MTRR_FIX4K	0x268	/* to 0x26f */
#define HV_MSR_MTRR_VAR		0x200
#define HV_MTRR_VAR_COUNT	8
#define HV_MTRR_CAP		(HV_MTRR_VAR_COUNT | BIT(8) /* fixed */ | \
				 BIT(10) /* write-combining */)

static const u32 hv_msrs_to_save[] = {
	MSR_IA32_SYSENTER_CS, MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP,
	MSR_STAR, MSR_CSTAR, MSR_KERNEL_GS_BASE, MSR_SYSCALL_MASK, MSR_LSTAR,
	MSR_IA32_TSC, MSR_IA32_CR_PAT, MSR_EFER, MSR_TSC_AUX,
	MSR_IA32_TSC_ADJUST, MSR_IA32_MISC_ENABLE, MSR_IA32_APICBASE,
	MSR_IA32_TSC_DEADLINE,
	MSR_KVM_WALL_CLOCK, MSR_KVM_SYSTEM_TIME,
	MSR_KVM_WALL_CLOCK_NEW, MSR_KVM_SYSTEM_TIME_NEW,
	HV_MSR_MTRR_CAP, HV_MSR_MTRR_DEF_TYPE,
	0x250, 0x258, 0x259, 0x268, 0x269, 0x26a, 0x26b, 0x26c, 0x26d,
	0x26e, 0x26f,
	0x200, 0x201, 0x202, 0x203, 0x204, 0x205, 0x206, 0x207,	/* var */
	0x208, 0x209, 0x20a, 0x20b, 0x20c, 0x20d, 0x20e, 0x20f,
};

/* Index of a fixed-range MTRR in arch.mtrr_fixed, or -1. */
static int hv_mtrr_fixed_index(u32 msr)
{
	switch (msr) {
	case HV_MSR_MTRR_FIX64K:
		return 0;
	case HV_MSR_MTRR_FIX16K ... HV_MSR_MTRR_FIX16K + 1:
		return 1 + msr - HV_MSR_MTRR_FIX16K;
	case HV_MSR_MTRR_FIX4K ... HV_MSR_MTRR_FIX4K + 7:
		return 3 + msr - HV_MSR_MTRR_FIX4K;
	default:
		return -1;
	}
}

/*
 * The guest may use an MSR of a feature only when its CPUID has the
 * feature; userspace always may.
 */
static bool hv_msr_allowed(struct hv_vcpu *vcpu, u32 msr, bool host)
{
	if (host)
		return true;
	switch (msr) {
	case MSR_TSC_AUX:	/* RDTSCP */
		return hv_x86_guest_has(vcpu, 0x80000001, 0, HV_CPUID_EDX,
					BIT(27));
	case MSR_IA32_TSC_ADJUST:
		return hv_x86_guest_has(vcpu, 7, 0, HV_CPUID_EBX, BIT(1));
	case HV_MSR_MTRR_CAP:
	case HV_MSR_MTRR_DEF_TYPE:
	case HV_MSR_MTRR_VAR ... HV_MSR_MTRR_VAR + 2 * HV_MTRR_VAR_COUNT - 1:
	case HV_MSR_MTRR_FIX64K:
	case HV_MSR_MTRR_FIX16K ... HV_MSR_MTRR_FIX16K + 1:
	case HV_MSR_MTRR_FIX4K ... HV_MSR_MTRR_FIX4K + 7:
		return hv_x86_guest_has(vcpu, 1, 0, HV_CPUID_EDX, BIT(12));
	case MSR_KVM_WALL_CLOCK:
	case MSR_KVM_SYSTEM_TIME:
	case MSR_KVM_WALL_CLOCK_NEW:
	case MSR_KVM_SYSTEM_TIME_NEW:
		return false;	/* no KVM paravirtual clock for guests */
	default:
		return true;
	}
}

/**
 * hv_x86_get_msr - read an MSR of a vCPU
 * @vcpu: the vCPU.
 * @msr: the index.
 * @data: the value.
 * @host: userspace asks (HV_GET_MSRS), not the guest.
 *
 * Return: 0, or -ENOENT if the MSR is unknown or not the caller's.
 */
int hv_x86_get_msr(struct hv_vcpu *vcpu, u32 msr, u64 *data, bool host)
{
	struct hv_vcpu_arch *a = &vcpu->arch;
	int i;

	if (!hv_msr_allowed(vcpu, msr, host))
		return -ENOENT;
	i = hv_mtrr_fixed_index(msr);
	if (i >= 0) {
		*data = a->mtrr_fixed[i];
		return 0;
	}
	switch (msr) {
	case MSR_TSC_AUX:
		*data = a->tsc_aux;
		return 0;
	case MSR_IA32_TSC_ADJUST:
		*data = a->tsc_adjust;
		return 0;
	case MSR_IA32_MISC_ENABLE:
		*data = a->misc_enable;
		return 0;
	case MSR_IA32_APICBASE:
		*data = a->apic_base;
		return 0;
	case MSR_IA32_TSC_DEADLINE:
		*data = hv_lapic_get_tsc_deadline(vcpu);
		return 0;
	case APIC_BASE_MSR ... APIC_BASE_MSR + 0xff:
		/* x2APIC registers (SDM 10.12.1.2): only in x2APIC mode. */
		return hv_lapic_x2apic_read(vcpu, msr, data) ? -ENOENT : 0;
	case MSR_KVM_WALL_CLOCK:
	case MSR_KVM_WALL_CLOCK_NEW:
		*data = a->kvm_wall_clock;
		return 0;
	case MSR_KVM_SYSTEM_TIME:
	case MSR_KVM_SYSTEM_TIME_NEW:
		*data = a->kvm_system_time;
		return 0;
	case HV_MSR_MTRR_CAP:
		*data = HV_MTRR_CAP;
		return 0;
	case HV_MSR_MTRR_DEF_TYPE:
		*data = a->mtrr_def_type;
		return 0;
	case HV_MSR_MTRR_VAR ... HV_MSR_MTRR_VAR + 2 * HV_MTRR_VAR_COUNT - 1:
		*data = a->mtrr_var[msr - HV_MSR_MTRR_VAR];
		return 0;
	default:
		return hv_x86_ops(vcpu)->get_msr(vcpu, msr, data);
	}
}
EXPORT_SYMBOL_GPL(hv_x86_get_msr);

/**
 * hv_x86_set_msr - write an MSR of a vCPU
 * @vcpu: the vCPU.
 * @msr: the index.
 * @data: the value.
 * @host: userspace writes (HV_SET_MSRS), not the guest.
 *
 * Return: 0, -ENOENT for an unknown MSR, -EINVAL for a value the MSR
 * cannot hold (the guest gets #GP for either).
 */
int hv_x86_set_msr(struct hv_vcpu *vcpu, u32 msr, u64 data, bool host)
{
	struct hv_vcpu_arch *a = &vcpu->arch;
	int i;

	if (!hv_msr_allowed(vcpu, msr, host))
		return -ENOENT;
	i = hv_mtrr_fixed_index(msr);
	if (i >= 0) {
		a->mtrr_fixed[i] = data;
		return 0;
	}
	switch (msr) {
	case MSR_TSC_AUX:
		if (data >> 32)
			return -EINVAL;
		a->tsc_aux = data;
		return 0;
	case MSR_IA32_TSC_ADJUST:
		a->tsc_adjust = data;
		return 0;
	case MSR_IA32_MISC_ENABLE:
		a->misc_enable = data;
		return 0;
	case MSR_IA32_APICBASE:
		return hv_x86_set_apic_base(vcpu, data, host);
	case MSR_IA32_TSC_DEADLINE:
		/* Ignored without an APIC in TSC-deadline mode, as KVM. */
		hv_lapic_set_tsc_deadline(vcpu, data);
		return 0;
	case APIC_BASE_MSR ... APIC_BASE_MSR + 0xff:
		return hv_lapic_x2apic_write(vcpu, msr, data);
	case MSR_KVM_WALL_CLOCK:
	case MSR_KVM_WALL_CLOCK_NEW:
		a->kvm_wall_clock = data;
		return 0;
	case MSR_KVM_SYSTEM_TIME:
	case MSR_KVM_SYSTEM_TIME_NEW:
		a->kvm_system_time = data;
		return 0;
	case HV_MSR_MTRR_CAP:
		return host ? 0 : -EINVAL;	/* read-only */
	case HV_MSR_MTRR_DEF_TYPE:
		a->mtrr_def_type = data;
		return 0;
	case HV_MSR_MTRR_VAR ... HV_MSR_MTRR_VAR + 2 * HV_MTRR_VAR_COUNT - 1:
		a->mtrr_var[msr - HV_MSR_MTRR_VAR] = data;
		return 0;
	default:
		return hv_x86_ops(vcpu)->set_msr(vcpu, msr, data, host);
	}
}
EXPORT_SYMBOL_GPL(hv_x86_set_msr);

/* HV_GET_MSR_INDEX_LIST: nmsrs written back, then E2BIG if too small. */
long hv_x86_get_msr_index_list(struct hv_msr_list __user *argp)
{
	struct hv_msr_list list;
	u32 room;

	if (copy_from_user(&list, argp, sizeof(list)))
		return -EFAULT;
	room = list.nmsrs;
	list.nmsrs = ARRAY_SIZE(hv_msrs_to_save);
	if (copy_to_user(argp, &list, sizeof(list)))
		return -EFAULT;
	if (room < list.nmsrs)
		return -E2BIG;
	if (copy_to_user(argp->indices, hv_msrs_to_save,
			 sizeof(hv_msrs_to_save)))
		return -EFAULT;
	return 0;
}

/*
 * HV_GET_MSRS / HV_SET_MSRS: process entries in order, stop at the first
 * MSR that fails, return how many were processed (QEMU asserts on it).
 */
long hv_x86_msrs_ioctl(struct hv_vcpu *vcpu, bool set,
		       struct hv_msrs __user *argp)
{
	struct hv_msr_entry *entries;
	struct hv_msrs hdr;
	u32 i;
	long r;

	if (copy_from_user(&hdr, argp, sizeof(hdr)))
		return -EFAULT;
	if (hdr.nmsrs >= HV_MAX_IO_MSRS)
		return -E2BIG;
	entries = memdup_user(argp->entries, hdr.nmsrs * sizeof(*entries));
	if (IS_ERR(entries))
		return PTR_ERR(entries);

	for (i = 0; i < hdr.nmsrs; i++) {
		if (set ? hv_x86_set_msr(vcpu, entries[i].index,
					 entries[i].data, true) :
			  hv_x86_get_msr(vcpu, entries[i].index,
					 &entries[i].data, true))
			break;
	}
	r = i;
	if (!set && copy_to_user(argp->entries, entries, i * sizeof(*entries)))
		r = -EFAULT;
	kfree(entries);
	return r;
}

/* Power-on values of the MSRs kept here (SDM 9.1.1, Table 9-1). */
void hv_x86_msr_reset(struct hv_vcpu *vcpu)
{
	struct hv_vcpu_arch *a = &vcpu->arch;

	a->apic_base = HV_APIC_DEFAULT_BASE | MSR_IA32_APICBASE_ENABLE |
		       (vcpu->vcpu_id == vcpu->vm->arch.bsp_vcpu_id ?
			MSR_IA32_APICBASE_BSP : 0);
	a->misc_enable = MSR_IA32_MISC_ENABLE_FAST_STRING;
	/* The in-kernel APIC follows (and sets the same base). */
	hv_lapic_reset(vcpu, false);
}
EXPORT_SYMBOL_GPL(hv_x86_msr_reset);

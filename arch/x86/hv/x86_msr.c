// SPDX-License-Identifier: GPL-2.0-only
/*
 * MSRs: the list a VMM saves and restores (HV_GET_MSR_INDEX_LIST), the
 * vCPU's HV_GET_MSRS/HV_SET_MSRS, the guest's RDMSR/WRMSR, and the
 * feature MSRs of the system fd (HV_GET_MSR_FEATURE_INDEX_LIST and
 * HV_GET_MSRS on /dev/hv), which tell a VMM what it may put in them.
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
#include <asm/cpufeature.h>
#include <asm/msr-index.h>
#include <asm/processor.h>

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
#define HV_MSR_K8_INT_PENDING_MSG 0xc0010055	/* BKDG fam. 10h: Interrupt Pending */
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
	MSR_IA32_ARCH_CAPABILITIES, MSR_IA32_PERF_CAPABILITIES,
	MSR_IA32_UCODE_REV,
};

/*
 * Feature MSRs, as KVM lists them on AMD (msr_based_features_all[] and
 * svm_get_msr_feature() in Linux 6.1): the values a VMM may give a vCPU.
 * DE_CFG is AMD's (APM Vol. 2, 7.6.4 "Serializing Instructions"; PPR);
 * hv_feature_msr() refuses it on other CPUs.
 */
static const u32 hv_feature_msrs[] = {
	MSR_AMD64_DE_CFG, MSR_IA32_UCODE_REV, MSR_IA32_ARCH_CAPABILITIES,
	MSR_IA32_PERF_CAPABILITIES,
};

/*
 * IA32_ARCH_CAPABILITIES bits (SDM Vol. 4, Table 2-2) that only describe
 * the CPU hv runs the guest on, so the host's value holds for the guest:
 * "not affected" (_NO) bits and properties of instructions the guest
 * executes natively.  Bits that promise an MSR (TSX_CTRL, FB_CLEAR_CTRL,
 * GDS_CTRL, IBRS_ALL with SPEC_CTRL, DOITM ...) are left out: hv does not
 * give the guest those MSRs.
 */
#define HV_ARCH_CAP_HOST	(ARCH_CAP_RDCL_NO | ARCH_CAP_RSBA |	\
				 ARCH_CAP_SSB_NO | ARCH_CAP_MDS_NO |	\
				 ARCH_CAP_PSCHANGE_MC_NO |		\
				 ARCH_CAP_TAA_NO | ARCH_CAP_SBDR_SSDP_NO | \
				 ARCH_CAP_FBSDP_NO | ARCH_CAP_PSDP_NO |	\
				 ARCH_CAP_FB_CLEAR | ARCH_CAP_RRSBA |	\
				 ARCH_CAP_BHI_NO | ARCH_CAP_PBRSB_NO |	\
				 ARCH_CAP_GDS_NO | ARCH_CAP_RFDS_NO |	\
				 ARCH_CAP_RFDS_CLEAR | ARCH_CAP_ITS_NO)

/*
 * The value offered: the host's bits above, plus the _NO bits the kernel
 * derived for a CPU without the MSR (its X86_BUG_* flags).  Unlike KVM,
 * PSCHANGE_MC_NO and SKIP_VMENTRY_L1DFLUSH are not claimed by default:
 * the former only when the CPU has no ITLB multihit erratum (hv does not
 * split huge pages for it), the latter never (no nested VMX in hv).
 */
static u64 hv_arch_capabilities(void)
{
	u64 data = 0;

	if (boot_cpu_has(X86_FEATURE_ARCH_CAPABILITIES))
		rdmsrl(MSR_IA32_ARCH_CAPABILITIES, data);
	data &= HV_ARCH_CAP_HOST;
	if (!boot_cpu_has_bug(X86_BUG_CPU_MELTDOWN))
		data |= ARCH_CAP_RDCL_NO;
	if (!boot_cpu_has_bug(X86_BUG_SPEC_STORE_BYPASS))
		data |= ARCH_CAP_SSB_NO;
	if (!boot_cpu_has_bug(X86_BUG_MDS))
		data |= ARCH_CAP_MDS_NO;
	if (!boot_cpu_has_bug(X86_BUG_ITLB_MULTIHIT))
		data |= ARCH_CAP_PSCHANGE_MC_NO;
	if (!boot_cpu_has_bug(X86_BUG_RFDS))
		data |= ARCH_CAP_RFDS_NO;
	if (!boot_cpu_has_bug(X86_BUG_GDS))
		data |= ARCH_CAP_GDS_NO;
	if (!boot_cpu_has_bug(X86_BUG_ITS))
		data |= ARCH_CAP_ITS_NO;
	/* TAA needs TSX: without RTM the guest knows it is not affected. */
	if (!boot_cpu_has(X86_FEATURE_RTM))
		data &= ~ARCH_CAP_TAA_NO;
	else if (!boot_cpu_has_bug(X86_BUG_TAA))
		data |= ARCH_CAP_TAA_NO;
	return data;
}

static bool hv_cpu_is_amd(void)
{
	return boot_cpu_data.x86_vendor == X86_VENDOR_AMD ||
	       boot_cpu_data.x86_vendor == X86_VENDOR_HYGON;
}

/**
 * hv_feature_msr - the value of a feature MSR
 * @msr: the index.
 * @data: the value: the bits a vCPU may have.
 *
 * Return: 0, or -ENOENT if @msr is not a feature MSR hv offers.
 */
static int hv_feature_msr(u32 msr, u64 *data)
{
	switch (msr) {
	case MSR_AMD64_DE_CFG:
		if (!hv_cpu_is_amd())
			return -ENOENT;
		/* LFENCE is dispatch-serializing, which RDTSC relies on. */
		*data = boot_cpu_has(X86_FEATURE_LFENCE_RDTSC) ?
			MSR_AMD64_DE_CFG_LFENCE_SERIALIZE : 0;
		return 0;
	case MSR_IA32_UCODE_REV:
		*data = 0;
		rdmsrl_safe(MSR_IA32_UCODE_REV, data);
		return 0;
	case MSR_IA32_ARCH_CAPABILITIES:
		*data = hv_arch_capabilities();
		return 0;
	case MSR_IA32_PERF_CAPABILITIES:
		*data = 0;	/* no PMU in hv guests */
		return 0;
	default:
		return -ENOENT;
	}
}

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
	case MSR_IA32_ARCH_CAPABILITIES:
		return hv_x86_guest_has(vcpu, 7, 0, HV_CPUID_EDX, BIT(29));
	case MSR_IA32_PERF_CAPABILITIES:	/* PDCM */
		return hv_x86_guest_has(vcpu, 1, 0, HV_CPUID_ECX, BIT(15));
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
	case MSR_IA32_ARCH_CAPABILITIES:
		*data = a->arch_capabilities;
		return 0;
	case MSR_IA32_PERF_CAPABILITIES:
		*data = a->perf_capabilities;
		return 0;
	case MSR_IA32_UCODE_REV:
		*data = a->ucode_rev;
		return 0;
	case MSR_AMD64_DE_CFG:
		if (!hv_cpu_is_amd())
			return -ENOENT;
		*data = a->de_cfg;
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
	case MSR_AMD64_SYSCFG:
		/*
		 * APM Vol. 2, 3.2.1 "System Configuration Register": Linux
		 * reads it with the MTRRs on AMD family 0xf and later
		 * (k8_check_syscfg_dram_mod_en()), without a fixup.  The
		 * guest has none of its features (MtrrFixDramEn, TOM2, SME),
		 * so 0; KVM reads it as 0 too.  Writes stay #GP.
		 */
		*data = 0;
		return 0;
	case HV_MSR_K8_INT_PENDING_MSG:
		/*
		 * Linux reads it on AMD family 0xf-0x11 for the E400 erratum
		 * (C1E); no SMI or C1E message is ever pending here.  KVM
		 * reads it as 0 too.
		 */
		*data = 0;
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
	u64 feature;
	int i, r;

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
		/*
		 * SDM 17.17.3: a guest write moves the TSC by the change;
		 * userspace only restores the value (KVM's host_initiated).
		 */
		if (!host) {
			const struct hv_arch_backend_ops *ops = hv_x86_ops(vcpu);
			u64 tsc;

			if (!ops->get_msr(vcpu, MSR_IA32_TSC, &tsc) &&
			    !ops->set_msr(vcpu, MSR_IA32_TSC,
					  tsc + data - a->tsc_adjust, true))
				hv_x86_tsc_rebase(vcpu);
		}
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
	case MSR_IA32_ARCH_CAPABILITIES:
		/* Read-only for the guest; the VMM's choice, as in KVM 6.1. */
		if (!host)
			return -EINVAL;
		a->arch_capabilities = data;
		return 0;
	case MSR_IA32_PERF_CAPABILITIES:
		hv_feature_msr(msr, &feature);
		if (!host || (data & ~feature))
			return -EINVAL;
		a->perf_capabilities = data;
		return 0;
	case MSR_IA32_UCODE_REV:
		/* The guest writes it to load a patch: ignored (SDM 10.11.6). */
		if (host)
			a->ucode_rev = data;
		return 0;
	case MSR_AMD64_DE_CFG:
		/* Only supported bits; the guest may not change any. */
		if (hv_feature_msr(msr, &feature))
			return -ENOENT;
		if ((data & ~feature) || (!host && data != feature))
			return -EINVAL;
		a->de_cfg = data;
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
		/* SDM 17.17.3: a guest TSC write moves TSC_ADJUST with it. */
		if (msr == MSR_IA32_TSC && !host) {
			u64 old;

			if (!hv_x86_ops(vcpu)->get_msr(vcpu, MSR_IA32_TSC, &old))
				a->tsc_adjust += data - old;
		}
		r = hv_x86_ops(vcpu)->set_msr(vcpu, msr, data, host);
		/* A faster TSC counts on from the value written. */
		if (!r && msr == MSR_IA32_TSC)
			hv_x86_tsc_rebase(vcpu);
		return r;
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

/* HV_GET_MSR_FEATURE_INDEX_LIST: like HV_GET_MSR_INDEX_LIST. */
long hv_x86_get_feature_msr_index_list(struct hv_msr_list __user *argp)
{
	u32 indices[ARRAY_SIZE(hv_feature_msrs)];
	struct hv_msr_list list;
	u32 room, i;
	u64 data;

	if (copy_from_user(&list, argp, sizeof(list)))
		return -EFAULT;
	room = list.nmsrs;
	list.nmsrs = 0;
	for (i = 0; i < ARRAY_SIZE(hv_feature_msrs); i++)
		if (!hv_feature_msr(hv_feature_msrs[i], &data))
			indices[list.nmsrs++] = hv_feature_msrs[i];
	if (copy_to_user(argp, &list, sizeof(list)))
		return -EFAULT;
	if (room < list.nmsrs)
		return -E2BIG;
	if (copy_to_user(argp->indices, indices, list.nmsrs * sizeof(u32)))
		return -EFAULT;
	return 0;
}

/*
 * HV_GET_MSRS / HV_SET_MSRS on a vCPU, HV_GET_MSRS on the system fd (no
 * @vcpu: feature MSRs): process entries in order, stop at the first MSR
 * that fails, return how many were processed (QEMU asserts on it).  As in
 * KVM, GET writes all entries back, the failing one with data 0.
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
		struct hv_msr_entry *e = &entries[i];

		if (set) {
			if (hv_x86_set_msr(vcpu, e->index, e->data, true))
				break;
		} else if (vcpu ? hv_x86_get_msr(vcpu, e->index, &e->data, true) :
				  hv_feature_msr(e->index, &e->data)) {
			e->data = 0;
			break;
		}
	}
	r = i;
	if (!set && copy_to_user(argp->entries, entries,
				 hdr.nmsrs * sizeof(*entries)))
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
	/*
	 * Feature MSRs start with what hv offers, as in KVM; the microcode
	 * revision is KVM's made-up one (0x01000065 for AMD CPUs, SVM's
	 * choice, else 0x100000000).
	 */
	a->arch_capabilities = hv_arch_capabilities();
	a->perf_capabilities = 0;
	a->de_cfg = 0;
	a->ucode_rev = hv_cpu_is_amd() ? 0x01000065 : 0x100000000ULL;
	/* The in-kernel APIC follows (and sets the same base). */
	hv_lapic_reset(vcpu, false);
}
EXPORT_SYMBOL_GPL(hv_x86_msr_reset);

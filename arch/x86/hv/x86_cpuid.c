// SPDX-License-Identifier: GPL-2.0-only
/*
 * CPUID: what hv can offer a guest (HV_GET_SUPPORTED_CPUID), the table a
 * VMM gives each vCPU (HV_SET_CPUID2 / HV_GET_CPUID2), and the guest's
 * CPUID instruction answered from that table.
 *
 * "Supported" means the host has it AND it works in an hv guest: the
 * instruction runs natively (no intercept) or hv emulates what it needs.
 * Features needing state hv does not switch or emulate yet (MTRR, MCE,
 * TSC_AUX for RDTSCP/RDPID, PKU, PCID, nested SVM, PMU) are left out.
 * The local APIC, x2APIC and its TSC-deadline timer are offered whatever
 * the host has, as KVM does: hv emulates them (lapic.c) once the VMM
 * creates the in-kernel irqchip; without it a VMM emulates them itself.
 * The bit masks below cite the CPUID leaves of the SDM Vol. 2 (CPUID
 * instruction) and AMD's CPUID specification (publication 25481).
 */
#define pr_fmt(fmt) "hv: " fmt

#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/hv_host.h>
#include <asm/fpu/xcr.h>
#include <asm/msr-index.h>
#include <asm/fpu/xstate.h>
#include <asm/processor.h>
#include <asm/processor-flags.h>

#include "x86.h"

/* KVM_MAX_CPUID_ENTRIES: SET_CPUID2 beyond this is E2BIG. */
#define HV_MAX_CPUID_ENTRIES	256

/* Leaf 1 ECX: SSE3, PCLMULQDQ, SSSE3, FMA, CX16, SSE4.1/4.2, MOVBE,
 * POPCNT, AES, XSAVE, AVX, F16C, RDRAND; bit 31 "hypervisor" is set.
 */
#define LEAF1_ECX	(BIT(0) | BIT(1) | BIT(9) | BIT(12) | BIT(13) | \
			 BIT(19) | BIT(20) | BIT(22) | BIT(23) | BIT(25) | \
			 BIT(26) | BIT(28) | BIT(29) | BIT(30))
#define LEAF1_ECX_OSXSAVE	BIT(27)
/* Emulated by the in-kernel APIC: x2APIC, TSC-deadline timer. */
#define LEAF1_ECX_EMULATED	(BIT(21) | BIT(24))
#define LEAF1_EDX_APIC		BIT(9)
#define LEAF1_ECX_HYPERVISOR	BIT(31)
/* Leaf 1 EDX: FPU, VME, DE, PSE, TSC, MSR, PAE, CX8, SEP, PGE, CMOV, PAT,
 * PSE36, CLFSH, MMX, FXSR, SSE, SSE2.
 */
#define LEAF1_EDX	(BIT(0) | BIT(1) | BIT(2) | BIT(3) | BIT(4) | BIT(5) | \
			 BIT(6) | BIT(8) | BIT(11) | BIT(13) | BIT(15) | \
			 BIT(16) | BIT(17) | BIT(19) | BIT(23) | BIT(24) | \
			 BIT(25) | BIT(26))
/* Leaf 7.0 EBX: FSGSBASE, BMI1, AVX2, SMEP, BMI2, ERMS, RDSEED, ADX,
 * SMAP, CLFLUSHOPT, CLWB, SHA, and AVX-512 F/DQ/IFMA/CD/BW/VL.
 */
#define LEAF7_EBX	(BIT(0) | BIT(3) | BIT(5) | BIT(7) | BIT(8) | BIT(9) | \
			 BIT(18) | BIT(19) | BIT(20) | BIT(23) | BIT(24) | \
			 BIT(29))
#define LEAF7_EBX_AVX512 (BIT(16) | BIT(17) | BIT(21) | BIT(28) | BIT(30) | \
			  BIT(31))
/* Leaf 7.0 ECX: AVX512_VBMI, GFNI, VAES, VPCLMULQDQ, AVX512_VNNI,
 * AVX512_BITALG, AVX512_VPOPCNTDQ; EDX: FSRM.
 */
#define LEAF7_ECX_AVX512 (BIT(1) | BIT(11) | BIT(12) | BIT(14))
#define LEAF7_ECX	(BIT(8) | BIT(9) | BIT(10))
#define LEAF7_EDX	BIT(4)
/* Leaf 7.0 EDX: IA32_ARCH_CAPABILITIES, which hv emulates on any CPU. */
#define LEAF7_EDX_ARCH_CAP	BIT(29)
/* Leaf 0xd.1 EAX: XSAVEOPT, XSAVEC, XGETBV with ECX=1 (not XSAVES). */
#define LEAFD1_EAX	(BIT(0) | BIT(1) | BIT(2))
/* 0x80000001 ECX: LAHF/SAHF, ABM (LZCNT), SSE4A, MISALIGNSSE,
 * 3DNowPrefetch; EDX: SYSCALL, NX, MMXEXT, FXSR_OPT, Page1GB, LM.
 */
#define LEAF81_ECX	(BIT(0) | BIT(5) | BIT(6) | BIT(7) | BIT(8))
#define LEAF81_EDX	(BIT(11) | BIT(20) | BIT(22) | BIT(25) | BIT(26) | \
			 BIT(29))
/* 0x80000007 EDX: invariant TSC. */
#define LEAF87_EDX	BIT(8)

/* XSAVE components a guest may enable: x87, SSE, AVX, AVX-512. */
#define HV_GUEST_XFEATURES	(XFEATURE_MASK_FP | XFEATURE_MASK_SSE | \
				 XFEATURE_MASK_YMM | XFEATURE_MASK_AVX512)

/*
 * Entries past @max go to @spill and set @overflow, so the builder can
 * fill them unconditionally and report E2BIG once at the end.
 */
struct hv_cpuid_builder {
	struct hv_cpuid_entry2 *entries;
	u32 nent;
	u32 max;
	bool overflow;
	struct hv_cpuid_entry2 spill;
};

static struct hv_cpuid_entry2 *hv_cpuid_add(struct hv_cpuid_builder *b,
					    u32 function, u32 index, u32 flags)
{
	struct hv_cpuid_entry2 *e;

	if (b->nent >= b->max) {
		b->overflow = true;
		e = &b->spill;
	} else {
		e = &b->entries[b->nent++];
	}
	memset(e, 0, sizeof(*e));
	e->function = function;
	e->index = index;
	e->flags = flags;
	cpuid_count(function, index, &e->eax, &e->ebx, &e->ecx, &e->edx);
	return e;
}

/* XCR0 bits hv lets a guest use: the host's, limited to the list above. */
u64 hv_x86_supported_xcr0(void)
{
	if (!boot_cpu_has(X86_FEATURE_OSXSAVE))
		return 0;
	return xgetbv(XCR_XFEATURE_ENABLED_MASK) & HV_GUEST_XFEATURES;
}

/* Size of the XSAVE area (standard format) for the components in @xcr0. */
static u32 hv_xsave_size(u64 xcr0)
{
	u32 size = 512 + 64, eax, ebx, ecx, edx;
	int i;

	for (i = 2; i < 64; i++) {
		if (!(xcr0 & BIT_ULL(i)))
			continue;
		cpuid_count(0xd, i, &eax, &ebx, &ecx, &edx);
		size = max(size, eax + ebx);
	}
	return size;
}

static int hv_cpuid_build(struct hv_cpuid_builder *b)
{
	u64 xcr0 = hv_x86_supported_xcr0();
	struct hv_cpuid_entry2 *e;
	u32 max_basic, max_ext, host_ext, i;

#define ADD(fn, idx, fl)	(e = hv_cpuid_add(b, fn, idx, fl))
	max_basic = min(cpuid_eax(0), 0xdU);
	ADD(0, 0, 0)->eax = max_basic;

	ADD(1, 0, 0);
	e->ebx &= 0x0000ffff;		/* APIC id, logical count: the VMM's */
	e->ecx = (e->ecx & LEAF1_ECX) | LEAF1_ECX_EMULATED |
		 LEAF1_ECX_HYPERVISOR;
	if (!xcr0)
		e->ecx &= ~(BIT(26) | BIT(28) | BIT(12) | BIT(29));
	else if (!(xcr0 & XFEATURE_MASK_YMM))
		e->ecx &= ~(BIT(28) | BIT(12) | BIT(29));
	e->edx = (e->edx & LEAF1_EDX) | LEAF1_EDX_APIC;

	if (max_basic >= 2)
		ADD(2, 0, 0);

	if (max_basic >= 7) {
		ADD(7, 0, HV_CPUID_FLAG_SIGNIFCANT_INDEX);
		e->eax = 0;			/* no subleaf beyond 0 */
		e->ebx &= LEAF7_EBX | ((xcr0 & XFEATURE_MASK_AVX512) ==
				       XFEATURE_MASK_AVX512 ? LEAF7_EBX_AVX512 : 0);
		if (!(xcr0 & XFEATURE_MASK_YMM))
			e->ebx &= ~BIT(5);
		e->ecx &= LEAF7_ECX | ((xcr0 & XFEATURE_MASK_AVX512) ==
				       XFEATURE_MASK_AVX512 ? LEAF7_ECX_AVX512 : 0);
		e->edx = (e->edx & LEAF7_EDX) | LEAF7_EDX_ARCH_CAP;
		/* IA32_TSC_ADJUST is emulated (x86_msr.c), as on KVM. */
		e->ebx |= BIT(1);
	}

	if (max_basic >= 0xd && xcr0) {
		ADD(0xd, 0, HV_CPUID_FLAG_SIGNIFCANT_INDEX);
		e->eax = (u32)xcr0;
		e->edx = xcr0 >> 32;
		e->ebx = hv_xsave_size(XFEATURE_MASK_FP | XFEATURE_MASK_SSE);
		e->ecx = hv_xsave_size(xcr0);
		ADD(0xd, 1, HV_CPUID_FLAG_SIGNIFCANT_INDEX);
		e->eax &= LEAFD1_EAX;
		e->ebx = 0;
		e->ecx = 0;
		e->edx = 0;
		for (i = 2; i < 64; i++) {
			if (!(xcr0 & BIT_ULL(i)))
				continue;
			ADD(0xd, i, HV_CPUID_FLAG_SIGNIFCANT_INDEX);
			e->ecx &= BIT(1);	/* 64-byte alignment flag */
			e->edx = 0;
		}
	}

	/*
	 * KVM's paravirtual leaves (Documentation/virt/kvm/x86/cpuid.rst):
	 * the "KVMKVMKVM\0\0\0" signature with 0x40000001 the highest, and
	 * no paravirtual feature in it: hv speaks KVM's ABI but offers none
	 * of KVM's PV interfaces (kvmclock, async PF, PV EOI...) yet.
	 */
	ADD(0x40000000, 0, 0);
	e->eax = 0x40000001;
	e->ebx = 0x4b4d564b;	/* "KVMK" */
	e->ecx = 0x564b4d56;	/* "VMKV" */
	e->edx = 0x0000004d;	/* "M\0\0\0" */
	ADD(0x40000001, 0, 0);
	e->eax = 0;
	e->ebx = 0;
	e->ecx = 0;
	e->edx = 0;

	host_ext = cpuid_eax(0x80000000);
	if (host_ext < 0x80000008)
		return b->overflow ? -E2BIG : 0;
	/*
	 * Offer up to the AMD topology leaves even when the host stops
	 * earlier (as KVM does): VMMs such as Firecracker require them, and
	 * a missing leaf reads as zeros.
	 */
	max_ext = 0x8000001e;
	ADD(0x80000000, 0, 0)->eax = max_ext;
	ADD(0x80000001, 0, 0);
	e->ecx &= LEAF81_ECX;
	e->edx &= LEAF81_EDX;
	for (i = 0x80000002; i <= 0x80000006; i++)
		ADD(i, 0, 0);			/* brand string, caches */
	ADD(0x80000007, 0, 0);
	e->eax = 0;
	e->ebx = 0;
	e->ecx = 0;
	e->edx &= LEAF87_EDX;
	ADD(0x80000008, 0, 0);
	/* Guest linear addresses are 48 bits: no 5-level paging for it. */
	e->eax = (e->eax & 0xff) | (48 << 8);
	e->ebx = 0;
	e->ecx = 0;
	e->edx = 0;

	/* AMD cache properties (PPR): the host's, up to the type-0 end. */
	for (i = 0; i < 8; i++) {
		ADD(0x8000001d, i, HV_CPUID_FLAG_SIGNIFCANT_INDEX);
		if (host_ext < 0x8000001d) {
			e->eax = 0;
			e->ebx = 0;
			e->ecx = 0;
			e->edx = 0;
		}
		if (!(e->eax & 0x1f))
			break;			/* type 0: no more caches */
	}
	/* Extended APIC id, compute unit and node: the VMM's to fill in. */
	ADD(0x8000001e, 0, 0);
	e->eax = 0;
	e->ebx = 0;
	e->ecx = 0;
	e->edx = 0;
#undef ADD
	return b->overflow ? -E2BIG : 0;
}

/*
 * HV_GET_SUPPORTED_CPUID, with KVM's rules (kvm_dev_ioctl_get_cpuid()):
 * nent < 1 or too small for the table: E2BIG with nothing written, not
 * even nent (unlike the MSR lists), so callers retry with a larger
 * buffer; nent above 256 is taken as 256.  On success nent is the count.
 */
long hv_x86_get_supported_cpuid(struct hv_cpuid2 __user *argp)
{
	struct hv_cpuid_builder b = { 0 };
	struct hv_cpuid2 hdr;
	long r;

	if (copy_from_user(&hdr, argp, sizeof(hdr)))
		return -EFAULT;
	if (hdr.nent < 1)
		return -E2BIG;
	b.max = min_t(u32, hdr.nent, HV_MAX_CPUID_ENTRIES);
	b.entries = kvcalloc(b.max, sizeof(*b.entries), GFP_KERNEL_ACCOUNT);
	if (!b.entries)
		return -ENOMEM;
	r = hv_cpuid_build(&b);
	if (r)
		goto out;
	hdr.nent = b.nent;
	r = -EFAULT;
	if (copy_to_user(argp->entries, b.entries, b.nent * sizeof(*b.entries)) ||
	    copy_to_user(argp, &hdr, sizeof(hdr)))
		goto out;
	r = 0;
out:
	kvfree(b.entries);
	return r;
}

static const struct hv_cpuid_entry2 *
hv_cpuid_find(const struct hv_vcpu *vcpu, u32 function, u32 index)
{
	const struct hv_cpuid_entry2 *e;
	u32 i;

	for (i = 0; i < vcpu->arch.cpuid_nent; i++) {
		e = &vcpu->arch.cpuid[i];
		if (e->function == function &&
		    (!(e->flags & HV_CPUID_FLAG_SIGNIFCANT_INDEX) ||
		     e->index == index))
			return e;
	}
	return NULL;
}

/* Whether the vCPU's CPUID has @bit in register @reg of leaf @function. */
bool hv_x86_guest_has(const struct hv_vcpu *vcpu, u32 function, u32 index,
		      int reg, u32 bit)
{
	const struct hv_cpuid_entry2 *e = hv_cpuid_find(vcpu, function, index);
	u32 regs[4];

	if (!e)
		return false;
	regs[0] = e->eax;
	regs[1] = e->ebx;
	regs[2] = e->ecx;
	regs[3] = e->edx;
	return regs[reg] & bit;
}

/* XCR0 bits this vCPU's CPUID lets its guest set (0xd.0 EDX:EAX). */
u64 hv_x86_guest_xcr0_allowed(const struct hv_vcpu *vcpu)
{
	const struct hv_cpuid_entry2 *e = hv_cpuid_find(vcpu, 0xd, 0);

	if (!e || !hv_x86_guest_has(vcpu, 1, 0, HV_CPUID_ECX, BIT(26)))
		return XFEATURE_MASK_FP;
	return (((u64)e->edx << 32 | e->eax) & hv_x86_supported_xcr0()) |
	       XFEATURE_MASK_FP;
}
EXPORT_SYMBOL_GPL(hv_x86_guest_xcr0_allowed);

/* HV_SET_CPUID2.  After the first RUN only an identical table is taken,
 * as on KVM (6.1 refuses changes then).
 */
static long hv_x86_set_cpuid2(struct hv_vcpu *vcpu,
			      struct hv_cpuid2 __user *argp)
{
	struct hv_cpuid_entry2 *entries;
	struct hv_cpuid2 hdr;
	size_t size;
	u32 i;

	if (copy_from_user(&hdr, argp, sizeof(hdr)))
		return -EFAULT;
	if (hdr.nent > HV_MAX_CPUID_ENTRIES)
		return -E2BIG;
	size = array_size(hdr.nent, sizeof(*entries));
	entries = hdr.nent ? vmemdup_user(argp->entries, size) : NULL;
	if (IS_ERR(entries))
		return PTR_ERR(entries);

	/* KVM's kvm_check_cpuid(): linear address width 48, 57 or unset. */
	for (i = 0; i < hdr.nent; i++) {
		u32 vbits = (entries[i].eax >> 8) & 0xff;

		if (entries[i].function == 0x80000008 &&
		    vbits != 48 && vbits != 57 && vbits != 0) {
			kvfree(entries);
			return -EINVAL;
		}
	}

	if (vcpu->arch.has_run) {
		bool same = hdr.nent == vcpu->arch.cpuid_nent &&
			    (!size || !memcmp(entries, vcpu->arch.cpuid, size));

		kvfree(entries);
		return same ? 0 : -EINVAL;
	}
	kvfree(vcpu->arch.cpuid);
	vcpu->arch.cpuid = entries;
	vcpu->arch.cpuid_nent = hdr.nent;
	/* XCR0 may have to shrink to what the new CPUID allows. */
	vcpu->arch.xcr0 &= hv_x86_guest_xcr0_allowed(vcpu);
	return 0;
}

/* The bits of a leaf that follow vCPU state (KVM's cpuid runtime update). */
static void hv_cpuid_runtime(struct hv_vcpu *vcpu, struct hv_cpuid_entry2 *e,
			     u64 cr4)
{
	if (e->function == 1) {
		e->ecx &= ~LEAF1_ECX_OSXSAVE;
		if (cr4 & X86_CR4_OSXSAVE)
			e->ecx |= LEAF1_ECX_OSXSAVE;
		/* CPUID.1:EDX.APIC follows IA32_APIC_BASE.EN (SDM 10.4.3). */
		if (!(vcpu->arch.apic_base & MSR_IA32_APICBASE_ENABLE))
			e->edx &= ~LEAF1_EDX_APIC;
	} else if (e->function == 0xd && e->index == 0) {
		e->ebx = hv_xsave_size(vcpu->arch.xcr0);
	}
}

/*
 * HV_GET_CPUID2: E2BIG with nothing written, not even nent, if the table
 * does not fit (as KVM's ioctl, which copies nent back only on success).
 * On success nent is the table's size, as in current KVM; 6.1 left the
 * caller's value there.
 */
static long hv_x86_get_cpuid2(struct hv_vcpu *vcpu,
			      struct hv_cpuid2 __user *argp)
{
	struct hv_cpuid_entry2 *entries = NULL;
	struct hv_cpuid2 hdr;
	unsigned long cr4;
	size_t size;
	long r = 0;
	u32 i;

	if (copy_from_user(&hdr, argp, sizeof(hdr)))
		return -EFAULT;
	if (hdr.nent < vcpu->arch.cpuid_nent)
		return -E2BIG;
	hdr.nent = vcpu->arch.cpuid_nent;
	size = array_size(hdr.nent, sizeof(*entries));
	if (hdr.nent) {
		entries = kvmalloc(size, GFP_KERNEL_ACCOUNT);
		if (!entries)
			return -ENOMEM;
		memcpy(entries, vcpu->arch.cpuid, size);
		cr4 = hv_x86_ops(vcpu)->get_cr4(vcpu);
		for (i = 0; i < hdr.nent; i++)
			hv_cpuid_runtime(vcpu, &entries[i], cr4);
	}
	if ((size && copy_to_user(argp->entries, entries, size)) ||
	    copy_to_user(argp, &hdr, sizeof(hdr)))
		r = -EFAULT;
	kvfree(entries);
	return r;
}

long hv_x86_cpuid_ioctl(struct hv_vcpu *vcpu, unsigned int cmd,
			void __user *argp)
{
	if (cmd == HV_SET_CPUID2)
		return hv_x86_set_cpuid2(vcpu, argp);
	return hv_x86_get_cpuid2(vcpu, argp);
}

void hv_x86_cpuid_free(struct hv_vcpu *vcpu)
{
	kvfree(vcpu->arch.cpuid);
}

/**
 * hv_x86_handle_cpuid - CPUID in the guest
 * @vcpu: the vCPU.
 * @next_rip: RIP after CPUID.
 *
 * Answers from the vCPU's table (zeros for a leaf it lacks, as AMD CPUs
 * and KVM for them do), with the bits that follow guest state: OSXSAVE
 * mirrors CR4.OSXSAVE and leaf 0xd.0 EBX is the size for the current
 * XCR0.
 *
 * Return: 1 (re-enter the guest).
 */
int hv_x86_handle_cpuid(struct hv_vcpu *vcpu, u64 next_rip)
{
	unsigned long *r = vcpu->arch.regs;
	u32 function = r[HV_REG_RAX], index = r[HV_REG_RCX];
	const struct hv_cpuid_entry2 *e = hv_cpuid_find(vcpu, function, index);
	u32 eax = 0, ebx = 0, ecx = 0, edx = 0;

	if (e) {
		eax = e->eax;
		ebx = e->ebx;
		ecx = e->ecx;
		edx = e->edx;
	}
	if (e && (function == 1 || (function == 0xd && index == 0))) {
		struct hv_cpuid_entry2 live = *e;

		hv_cpuid_runtime(vcpu, &live, hv_x86_ops(vcpu)->get_cr4(vcpu));
		ecx = live.ecx;
		ebx = live.ebx;
	}
	r[HV_REG_RAX] = eax;
	r[HV_REG_RBX] = ebx;
	r[HV_REG_RCX] = ecx;
	r[HV_REG_RDX] = edx;
	hv_x86_skip_to(vcpu, next_rip);
	vcpu->stats.cpuid_exits++;
	return 1;
}
EXPORT_SYMBOL_GPL(hv_x86_handle_cpuid);

// SPDX-License-Identifier: GPL-2.0-only
/*
 * x86 vCPU register state ioctls: GET/SET_REGS, GET/SET_SREGS,
 * GET/SET_FPU.  Validation matches KVM's kvm_is_valid_sregs(): a VMM gets
 * the same -EINVAL for the same illegal CR0/CR4/EFER combination.
 */
#define pr_fmt(fmt) "hv: " fmt

#include <linux/uaccess.h>
#include <linux/hv_host.h>
#include <asm/cpufeature.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>

#include "lapic.h"
#include "x86.h"

/*
 * CR4 bits a guest may have (SDM 2.5): the architectural ones, plus those
 * of optional features its CPUID has (HV_SET_CPUID2), as KVM's
 * kvm_is_valid_cr4().  PKE, LA57, UMIP, PCIDE and VMXE are never offered.
 */
#define HV_CR4_ALLOWED	(X86_CR4_VME | X86_CR4_PVI | X86_CR4_TSD |	\
			 X86_CR4_DE | X86_CR4_PSE | X86_CR4_PAE |	\
			 X86_CR4_MCE | X86_CR4_PGE | X86_CR4_PCE |	\
			 X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT)

static u64 hv_x86_cr4_allowed(const struct hv_vcpu *vcpu)
{
	u64 allowed = HV_CR4_ALLOWED;

	/*
	 * Before HV_SET_CPUID2, KVM checks only what the host could offer:
	 * the optional bits of features hv supports at all.
	 */
	if (!vcpu->arch.cpuid)
		return allowed | X86_CR4_OSXSAVE | X86_CR4_FSGSBASE |
		       X86_CR4_SMEP | X86_CR4_SMAP;

	if (hv_x86_guest_has(vcpu, 1, 0, HV_CPUID_ECX, BIT(26)))
		allowed |= X86_CR4_OSXSAVE;
	if (hv_x86_guest_has(vcpu, 7, 0, HV_CPUID_EBX, BIT(0)))
		allowed |= X86_CR4_FSGSBASE;
	if (hv_x86_guest_has(vcpu, 7, 0, HV_CPUID_EBX, BIT(7)))
		allowed |= X86_CR4_SMEP;
	if (hv_x86_guest_has(vcpu, 7, 0, HV_CPUID_EBX, BIT(20)))
		allowed |= X86_CR4_SMAP;
	return allowed;
}

static bool hv_x86_valid_cr0(u64 cr0)
{
	if (cr0 >> 32)
		return false;
	if ((cr0 & X86_CR0_NW) && !(cr0 & X86_CR0_CD))
		return false;
	if ((cr0 & X86_CR0_PG) && !(cr0 & X86_CR0_PE))
		return false;
	return true;
}

static bool hv_x86_valid_sregs(const struct hv_vcpu *vcpu,
			       const struct hv_sregs *s)
{
	if ((s->efer & EFER_LME) && (s->cr0 & X86_CR0_PG)) {
		/* 64-bit mode: PAE and LMA are required (APM 14.6). */
		if (!(s->cr4 & X86_CR4_PAE) || !(s->efer & EFER_LMA))
			return false;
		if (s->cr3 >> boot_cpu_data.x86_phys_bits)
			return false;
	} else if ((s->efer & EFER_LMA) || s->cs.l) {
		return false;
	}
	return !(s->cr4 & ~hv_x86_cr4_allowed(vcpu)) && hv_x86_valid_cr0(s->cr0);
}

static int hv_x86_get_regs(struct hv_vcpu *vcpu, struct hv_regs __user *argp)
{
	const unsigned long *r = vcpu->arch.regs;
	struct hv_regs regs = {
		.rax = r[HV_REG_RAX], .rbx = r[HV_REG_RBX],
		.rcx = r[HV_REG_RCX], .rdx = r[HV_REG_RDX],
		.rsi = r[HV_REG_RSI], .rdi = r[HV_REG_RDI],
		.rsp = r[HV_REG_RSP], .rbp = r[HV_REG_RBP],
		.r8 = r[HV_REG_R8], .r9 = r[HV_REG_R9],
		.r10 = r[HV_REG_R10], .r11 = r[HV_REG_R11],
		.r12 = r[HV_REG_R12], .r13 = r[HV_REG_R13],
		.r14 = r[HV_REG_R14], .r15 = r[HV_REG_R15],
		.rip = vcpu->arch.rip, .rflags = vcpu->arch.rflags,
	};

	return copy_to_user(argp, &regs, sizeof(regs)) ? -EFAULT : 0;
}

static int hv_x86_set_regs(struct hv_vcpu *vcpu, struct hv_regs __user *argp)
{
	unsigned long *r = vcpu->arch.regs;
	struct hv_regs regs;

	if (copy_from_user(&regs, argp, sizeof(regs)))
		return -EFAULT;
	r[HV_REG_RAX] = regs.rax;
	r[HV_REG_RBX] = regs.rbx;
	r[HV_REG_RCX] = regs.rcx;
	r[HV_REG_RDX] = regs.rdx;
	r[HV_REG_RSI] = regs.rsi;
	r[HV_REG_RDI] = regs.rdi;
	r[HV_REG_RSP] = regs.rsp;
	r[HV_REG_RBP] = regs.rbp;
	r[HV_REG_R8] = regs.r8;
	r[HV_REG_R9] = regs.r9;
	r[HV_REG_R10] = regs.r10;
	r[HV_REG_R11] = regs.r11;
	r[HV_REG_R12] = regs.r12;
	r[HV_REG_R13] = regs.r13;
	r[HV_REG_R14] = regs.r14;
	r[HV_REG_R15] = regs.r15;
	vcpu->arch.rip = regs.rip;
	/* Bit 1 of RFLAGS always reads as 1 (SDM 3.4.3). */
	vcpu->arch.rflags = regs.rflags | X86_EFLAGS_FIXED;
	return 0;
}

/* GET_SREGS(2): with an in-kernel APIC, CR8 is its TPR (SDM 10.8.6.1). */
void hv_x86_read_sregs(struct hv_vcpu *vcpu, struct hv_sregs *sregs)
{
	memset(sregs, 0, sizeof(*sregs));
	hv_x86_ops(vcpu)->get_sregs(vcpu, sregs);
	if (hv_lapic_in_kernel(vcpu))
		sregs->cr8 = hv_lapic_get_cr8(vcpu);
	sregs->apic_base = vcpu->arch.apic_base;
}

static int hv_x86_get_sregs(struct hv_vcpu *vcpu, struct hv_sregs __user *argp)
{
	struct hv_sregs sregs;

	hv_x86_read_sregs(vcpu, &sregs);
	return copy_to_user(argp, &sregs, sizeof(sregs)) ? -EFAULT : 0;
}

/*
 * SET_SREGS and SET_SREGS2: validate, then hand to the backend.  The APIC
 * base goes through IA32_APIC_BASE's checks (-EINVAL) and the in-kernel
 * APIC takes CR8 as its TPR, as KVM's __set_sregs_common().
 */
int hv_x86_apply_sregs(struct hv_vcpu *vcpu, const struct hv_sregs *sregs)
{
	if (!hv_x86_valid_sregs(vcpu, sregs))
		return -EINVAL;
	if (sregs->apic_base != vcpu->arch.apic_base &&
	    hv_x86_set_apic_base(vcpu, sregs->apic_base, true))
		return -EINVAL;
	hv_x86_ops(vcpu)->set_sregs(vcpu, sregs);
	if (hv_lapic_in_kernel(vcpu))
		hv_lapic_set_cr8(vcpu, sregs->cr8);
	return 0;
}

static int hv_x86_set_sregs(struct hv_vcpu *vcpu, struct hv_sregs __user *argp)
{
	struct hv_sregs sregs;

	if (copy_from_user(&sregs, argp, sizeof(sregs)))
		return -EFAULT;
	return hv_x86_apply_sregs(vcpu, &sregs);
}

/* The guest FPU state is in its fpstate outside RUN (as on KVM). */
static struct fxregs_state *hv_x86_fxsave(struct hv_vcpu *vcpu)
{
	return &vcpu->arch.guest_fpu.fpstate->regs.fxsave;
}

static int hv_x86_get_fpu(struct hv_vcpu *vcpu, struct hv_fpu __user *argp)
{
	struct fxregs_state *fx = hv_x86_fxsave(vcpu);
	struct hv_fpu fpu;

	memset(&fpu, 0, sizeof(fpu));
	memcpy(fpu.fpr, fx->st_space, sizeof(fpu.fpr));
	fpu.fcw = fx->cwd;
	fpu.fsw = fx->swd;
	fpu.ftwx = fx->twd;
	fpu.last_opcode = fx->fop;
	fpu.last_ip = fx->rip;
	fpu.last_dp = fx->rdp;
	memcpy(fpu.xmm, fx->xmm_space, sizeof(fpu.xmm));
	fpu.mxcsr = fx->mxcsr;
	return copy_to_user(argp, &fpu, sizeof(fpu)) ? -EFAULT : 0;
}

static int hv_x86_set_fpu(struct hv_vcpu *vcpu, struct hv_fpu __user *argp)
{
	struct fxregs_state *fx = hv_x86_fxsave(vcpu);
	struct hv_fpu fpu;

	if (copy_from_user(&fpu, argp, sizeof(fpu)))
		return -EFAULT;
	memcpy(fx->st_space, fpu.fpr, sizeof(fpu.fpr));
	fx->cwd = fpu.fcw;
	fx->swd = fpu.fsw;
	fx->twd = fpu.ftwx;
	fx->fop = fpu.last_opcode;
	fx->rip = fpu.last_ip;
	fx->rdp = fpu.last_dp;
	memcpy(fx->xmm_space, fpu.xmm, sizeof(fpu.xmm));
	fx->mxcsr = fpu.mxcsr;
	return 0;
}

long hv_arch_vcpu_ioctl(struct hv_vcpu *vcpu, unsigned int cmd,
			unsigned long arg)
{
	void __user *argp = (void __user *)arg;

	lockdep_assert_held(&vcpu->mutex);

	switch (cmd) {
	case HV_GET_REGS:
		return hv_x86_get_regs(vcpu, argp);
	case HV_SET_REGS:
		return hv_x86_set_regs(vcpu, argp);
	case HV_GET_SREGS:
		return hv_x86_get_sregs(vcpu, argp);
	case HV_SET_SREGS:
		return hv_x86_set_sregs(vcpu, argp);
	case HV_GET_FPU:
		return hv_x86_get_fpu(vcpu, argp);
	case HV_SET_FPU:
		return hv_x86_set_fpu(vcpu, argp);
	case HV_GET_MSRS:
		return hv_x86_msrs_ioctl(vcpu, false, argp);
	case HV_SET_MSRS:
		return hv_x86_msrs_ioctl(vcpu, true, argp);
	case HV_INTERRUPT:
	case HV_NMI:
		return hv_x86_irq_ioctl(vcpu, cmd, arg);
	case HV_SET_CPUID2:
	case HV_GET_CPUID2:
		return hv_x86_cpuid_ioctl(vcpu, cmd, argp);
	default:
		/* Unknown ones get -EINVAL there, as KVM's kvm_arch_vcpu_ioctl(). */
		return hv_x86_save_ioctl(vcpu, cmd, arg);
	}
}

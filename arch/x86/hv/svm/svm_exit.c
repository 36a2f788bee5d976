// SPDX-License-Identifier: GPL-2.0-only
/*
 * AMD-V exit handlers, one per exit code (APM Appendix C), with KVM's
 * return convention: > 0 enter the guest again, 0 return to userspace with
 * hv_run.exit_reason set, < 0 an error for the RUN ioctl.  Exits hv does
 * not handle become HV_EXIT_INTERNAL_ERROR with the exit code in
 * internal.data[0], never a host error.
 */
#define pr_fmt(fmt) "hv-amd: " fmt

#include <linux/hv_host.h>
#include <asm/debugreg.h>
#include <asm/fpu/xcr.h>
#include <asm/fpu/xstate.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>
#include <asm/traps.h>

#include "svm.h"
#include "../lapic.h"

static u64 svm_next_rip(struct svm_vcpu *svm, unsigned int len)
{
	/* APM 15.7.1: with next-RIP save the VMCB has it for these exits. */
	if (svm_has_nrips && svm->vmcb->control.next_rip)
		return svm->vmcb->control.next_rip;
	return svm->vcpu.arch.rip + len;
}

static int svm_inject_ud(struct svm_vcpu *svm)
{
	svm_inject_event(&svm->vcpu, HV_X86_EVENT_EXCEPTION, X86_TRAP_UD,
			 false, 0);
	return 1;
}

static int svm_inject_gp(struct svm_vcpu *svm)
{
	svm_inject_event(&svm->vcpu, HV_X86_EVENT_EXCEPTION, X86_TRAP_GP,
			 true, 0);
	return 1;
}

static int svm_exit_ioio(struct svm_vcpu *svm)
{
	u64 info = svm->vmcb->control.exit_info_1;
	u8 size = (info >> SVM_IOIO_SIZE_SHIFT) & 7;
	u8 asize = (info >> SVM_IOIO_ASIZE_SHIFT) & 7;

	/* One-hot fields (APM 15.10.2): 1, 2 or 4 bytes; 16, 32, 64 bits. */
	size = size == 4 ? 4 : size;
	asize = asize == 1 ? 2 : asize == 2 ? 4 : 8;
	return hv_x86_handle_pio(&svm->vcpu, info >> SVM_IOIO_PORT_SHIFT, size,
				 info & SVM_IOIO_IN, info & SVM_IOIO_STR,
				 info & SVM_IOIO_REP, asize,
				 svm->vmcb->control.exit_info_2);
}

static int svm_exit_hlt(struct svm_vcpu *svm)
{
	hv_x86_skip_to(&svm->vcpu, svm_next_rip(svm, 1));
	/* The in-kernel APIC wakes the vCPU; without it userspace waits. */
	if (hv_lapic_in_kernel(&svm->vcpu))
		return hv_x86_halt(&svm->vcpu);
	svm->vcpu.run->exit_reason = HV_EXIT_HLT;
	svm->vcpu.stats.halt_exits++;
	return 0;
}

static int svm_exit_shutdown(struct svm_vcpu *svm)
{
	/*
	 * Triple fault.  The VMCB is undefined after a shutdown intercept
	 * (APM 15.14): start from power-on state, as KVM does.
	 */
	svm_vcpu_reset(svm);
	svm->vcpu.run->exit_reason = HV_EXIT_SHUTDOWN;
	return 0;
}

static int svm_exit_cpuid(struct svm_vcpu *svm)
{
	return hv_x86_handle_cpuid(&svm->vcpu, svm_next_rip(svm, 2));
}

static int svm_exit_skip2(struct svm_vcpu *svm)
{
	/* INVD, WBINVD: caches are the host's business. */
	hv_x86_skip_to(&svm->vcpu, svm_next_rip(svm, 2));
	return 1;
}

static int svm_exit_msr(struct svm_vcpu *svm)
{
	unsigned long *r = svm->vcpu.arch.regs;
	u32 msr = r[HV_REG_RCX];
	u64 data;

	svm->vcpu.stats.msr_exits++;
	if (svm->vmcb->control.exit_info_1) {
		data = (r[HV_REG_RDX] << 32) | (u32)r[HV_REG_RAX];
		if (hv_x86_set_msr(&svm->vcpu, msr, data, false))
			return svm_inject_gp(svm);
	} else {
		if (hv_x86_get_msr(&svm->vcpu, msr, &data, false))
			return svm_inject_gp(svm);
		r[HV_REG_RAX] = (u32)data;
		r[HV_REG_RDX] = data >> 32;
	}
	hv_x86_skip_to(&svm->vcpu, svm_next_rip(svm, 2));
	return 1;
}

static int svm_exit_xsetbv(struct svm_vcpu *svm)
{
	unsigned long *r = svm->vcpu.arch.regs;
	u64 xcr0 = (r[HV_REG_RDX] << 32) | (u32)r[HV_REG_RAX];

	/* SDM XSETBV: #GP at CPL > 0, for an XCR other than 0, or a value
	 * XSETBV refuses or the guest's CPUID does not offer.
	 */
	if (svm->vmcb->save.cpl || (u32)r[HV_REG_RCX] ||
	    !hv_x86_valid_xcr0(&svm->vcpu, xcr0))
		return svm_inject_gp(svm);
	svm->vcpu.arch.xcr0 = xcr0;
	hv_x86_skip_to(&svm->vcpu, svm_next_rip(svm, 3));
	return 1;
}

/*
 * First access to a debug register: stop intercepting and switch DR0-3 on
 * every entry and exit from now on (svm_vcpu.c); the instruction runs
 * again, natively.
 */
static int svm_exit_dr(struct svm_vcpu *svm)
{
	svm->guest_uses_dr = true;
	svm->vmcb->control.intercept_dr = 0;
	return 1;
}

static int svm_exit_npf(struct svm_vcpu *svm)
{
	return svm_npt_fault(svm, svm->vmcb->control.exit_info_2,
			     svm->vmcb->control.exit_info_1);
}

static int svm_exit_interrupted(struct svm_vcpu *svm)
{
	/* The host took the interrupt, NMI or SMI when GIF was set again. */
	svm->vcpu.stats.intr_exits++;
	return 1;
}

/* The guest can take an interrupt now; hv_x86_inject_pending() acts. */
static int svm_exit_vintr(struct svm_vcpu *svm)
{
	return 1;
}

/*
 * The NMI handler's IRET is about to run.  Single-step it: TF at the
 * start of an instruction traps after it (SDM 17.3.1.4), even though
 * IRET loads new flags, so the #DB exit comes right after the IRET and a
 * held NMI is delivered there, as KVM does.  svm_complete_events() also
 * unmasks once RIP moves, should the trap not come.
 */
static int svm_exit_iret(struct svm_vcpu *svm)
{
	struct vmcb_control *c = &svm->vmcb->control;

	c->intercept_misc1 &= ~SVM_INTERCEPT_IRET;
	svm->nmi_iret_seen = true;
	svm->nmi_iret_rip = svm->vcpu.arch.rip;
	if (!(svm->vcpu.arch.rflags & X86_EFLAGS_TF)) {
		svm->nmi_singlestep = true;
		svm->vcpu.arch.rflags |= X86_EFLAGS_TF | X86_EFLAGS_RF;
		c->intercept_exceptions |= SVM_INTERCEPT_DB;
	}
	return 1;
}

/* The single step over the NMI handler's IRET trapped: NMIs unmasked. */
static int svm_exit_db(struct svm_vcpu *svm)
{
	struct vmcb_control *c = &svm->vmcb->control;

	if (!svm->nmi_singlestep) {
		/* Not ours: the guest's own #DB goes to the guest. */
		svm_inject_event(&svm->vcpu, HV_X86_EVENT_EXCEPTION,
				 X86_TRAP_DB, false, 0);
		return 1;
	}
	svm->nmi_singlestep = false;
	svm->nmi_masked = false;
	svm->nmi_iret_seen = false;
	c->intercept_exceptions &= ~SVM_INTERCEPT_DB;
	svm->vcpu.arch.rflags &= ~X86_EFLAGS_TF;
	/* The trap set DR6.BS for the guest; it never asked for one. */
	svm->vmcb->save.dr6 &= ~BIT_ULL(14);	/* DR6.BS, SDM 17.2.3 */
	return 1;
}

/*
 * MOV to CR8 (APM 15.9, no decode assists in every implementation): the
 * instruction is 0F 22 /r with ModRM.reg (+ REX.R) = 8, or LOCK MOV CR0
 * (F0 0F 22 /r, AMD's CR8 alias outside 64-bit mode); the source is the
 * GPR in ModRM.rm (+ REX.B).  Returns the GPR and the length, or -1.
 */
static int svm_decode_mov_cr8(struct svm_vcpu *svm, unsigned int *len)
{
	u8 b[8] = { 0 };
	unsigned int i = 0, rex = 0;
	bool lock = false;
	u64 rip = svm->vmcb->save.cs.base + svm->vcpu.arch.rip;

	if (hv_x86_copy_linear(&svm->vcpu, rip, b, sizeof(b), false) &&
	    hv_x86_copy_linear(&svm->vcpu, rip, b, 4, false))
		return -1;
	for (; i < 4; i++) {
		if (b[i] == 0xf0)
			lock = true;
		else if ((b[i] & 0xf0) == 0x40 && svm->vmcb->save.cs.attrib & SVM_SEG_L)
			rex = b[i];
		else if (b[i] != 0x66 && b[i] != 0x67)
			break;
	}
	if (i + 3 > sizeof(b) || b[i] != 0x0f || b[i + 1] != 0x22 ||
	    (b[i + 2] >> 6) != 3)
		return -1;
	if ((((b[i + 2] >> 3) & 7) | (rex & 4 ? 8 : 0)) != (lock ? 0 : 8))
		return -1;
	*len = i + 3;
	return (b[i + 2] & 7) | (rex & 1 ? 8 : 0);
}

static int svm_exit_write_cr8(struct svm_vcpu *svm)
{
	struct hv_vcpu *vcpu = &svm->vcpu;
	unsigned int len;
	u8 prev = svm_get_cr8(vcpu);
	u64 val;
	int reg;

	reg = svm_decode_mov_cr8(svm, &len);
	if (reg < 0) {
		u64 data[2] = { svm->vmcb->control.exit_code, vcpu->arch.rip };

		return hv_x86_internal_error(vcpu, HV_INTERNAL_ERROR_EMULATION,
					     2, data);
	}
	val = vcpu->arch.regs[reg];
	if (val >> 4)			/* reserved bits: #GP (SDM 2.5) */
		return svm_inject_gp(svm);
	svm_set_cr8(vcpu, val);
	hv_x86_skip_to(vcpu, vcpu->arch.rip + len);
	/*
	 * The in-kernel APIC takes the new TPR; an interrupt it unmasks is
	 * injected at the next entry.  Every CR8 write exits, so V_TPR never
	 * differs from TPR[7:4] while the guest runs.
	 */
	if (hv_lapic_in_kernel(vcpu)) {
		hv_lapic_set_cr8(vcpu, val);
		return 1;
	}
	/* KVM: lowering the priority needs userspace's APIC (SET_TPR). */
	if (val >= prev)
		return 1;
	vcpu->run->exit_reason = HV_EXIT_SET_TPR;
	return 0;
}

static int svm_exit_invalid(struct svm_vcpu *svm)
{
	struct hv_run *run = svm->vcpu.run;

	/* VMRUN's consistency checks failed (APM 15.5.1). */
	run->exit_reason = HV_EXIT_FAIL_ENTRY;
	run->fail_entry.hardware_entry_failure_reason =
		svm->vmcb->control.exit_code;
	run->fail_entry.cpu = svm->asid_cpu;
	return 0;
}

typedef int (*svm_exit_handler)(struct svm_vcpu *svm);

static const svm_exit_handler svm_exit_handlers[] = {
	[SVM_EXIT_WRITE_CR8]	= svm_exit_write_cr8,
	[SVM_EXIT_READ_DR0 ... SVM_EXIT_WRITE_DR7 + 8] = svm_exit_dr,
	[SVM_EXIT_EXCP_DB]	= svm_exit_db,
	[SVM_EXIT_INTR]		= svm_exit_interrupted,
	[SVM_EXIT_NMI]		= svm_exit_interrupted,
	[SVM_EXIT_SMI]		= svm_exit_interrupted,
	[SVM_EXIT_VINTR]	= svm_exit_vintr,
	[SVM_EXIT_IRET]		= svm_exit_iret,
	[SVM_EXIT_CPUID]	= svm_exit_cpuid,
	[SVM_EXIT_RSM]		= svm_inject_ud,
	[SVM_EXIT_INVD]		= svm_exit_skip2,
	[SVM_EXIT_HLT]		= svm_exit_hlt,
	[SVM_EXIT_INVLPGA]	= svm_inject_ud,
	[SVM_EXIT_IOIO]		= svm_exit_ioio,
	[SVM_EXIT_MSR]		= svm_exit_msr,
	[SVM_EXIT_SHUTDOWN]	= svm_exit_shutdown,
	/* No nested virtualization: SVM instructions are undefined. */
	[SVM_EXIT_VMRUN]	= svm_inject_ud,
	[SVM_EXIT_VMMCALL]	= svm_inject_ud,
	[SVM_EXIT_VMLOAD]	= svm_inject_ud,
	[SVM_EXIT_VMSAVE]	= svm_inject_ud,
	[SVM_EXIT_STGI]		= svm_inject_ud,
	[SVM_EXIT_CLGI]		= svm_inject_ud,
	[SVM_EXIT_SKINIT]	= svm_inject_ud,
	[SVM_EXIT_WBINVD]	= svm_exit_skip2,
	[SVM_EXIT_MONITOR]	= svm_inject_ud,
	[SVM_EXIT_MWAIT]	= svm_inject_ud,
	[SVM_EXIT_XSETBV]	= svm_exit_xsetbv,
	[SVM_EXIT_RDPRU]	= svm_inject_ud,
};

int svm_handle_exit(struct svm_vcpu *svm)
{
	u32 code = svm->vmcb->control.exit_code;
	u64 data[2];

	if (code == SVM_EXIT_NPF)
		return svm_exit_npf(svm);
	if (code == SVM_EXIT_INVALID)
		return svm_exit_invalid(svm);
	if (code < ARRAY_SIZE(svm_exit_handlers) && svm_exit_handlers[code])
		return svm_exit_handlers[code](svm);

	data[0] = code;
	data[1] = svm->asid_cpu;
	return hv_x86_internal_error(&svm->vcpu,
				     HV_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON,
				     2, data);
}

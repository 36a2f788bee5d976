// SPDX-License-Identifier: GPL-2.0-only
/*
 * VT-x exit handlers, one per basic exit reason (SDM Vol. 3 Appendix C),
 * with the same semantics as the SVM backend's and KVM's return
 * convention: > 0 enter the guest again, 0 return to userspace with
 * hv_run.exit_reason set, < 0 an error for the RUN ioctl.  Exits hv does
 * not handle become HV_EXIT_INTERNAL_ERROR with the exit reason in
 * internal.data[0], never a host error.
 *
 * They run in RUN with preemption enabled: the VMCS is current whenever
 * the vCPU thread runs (vcpu_load from the preempt notifier).
 */
#define pr_fmt(fmt) "hv-intel: " fmt

#include <linux/bitfield.h>
#include <linux/hv_host.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>
#include <asm/traps.h>

#include "../lapic.h"
#include "vmx.h"

/* RIP after the instruction that exited (SDM 27.2.5). */
static u64 vmx_next_rip(struct vmx_vcpu *vmx)
{
	return vmx->vcpu.arch.rip + vmcs_read32(VMCS_EXIT_INSN_LEN);
}

static void vmx_skip_insn(struct vmx_vcpu *vmx)
{
	hv_x86_skip_to(&vmx->vcpu, vmx_next_rip(vmx));
}

static int vmx_inject_ud(struct vmx_vcpu *vmx)
{
	vmx_inject_event(&vmx->vcpu, HV_X86_EVENT_EXCEPTION, X86_TRAP_UD,
			 false, 0);
	return 1;
}

static int vmx_inject_gp(struct vmx_vcpu *vmx)
{
	vmx_inject_event(&vmx->vcpu, HV_X86_EVENT_EXCEPTION, X86_TRAP_GP,
			 true, 0);
	return 1;
}

/* CPL is SS.DPL (SDM 26.3.1.2 keeps them equal). */
static unsigned int vmx_cpl(void)
{
	return (vmcs_read32(VMCS_GUEST_ES_AR + 2 * VMX_SS) >>
		VMX_AR_DPL_SHIFT) & 3;
}

/*
 * Address size of INS/OUTS: from the instruction information where the
 * CPU reports it (SDM 27.2.5, IA32_VMX_BASIC[54]), else from the code
 * segment, which misses an address-size prefix.
 */
static u8 vmx_string_addr_size(struct vmx_vcpu *vmx)
{
	u32 cs_ar;

	if (vmx_cfg.inout_info)
		return 2 << FIELD_GET(INSN_INFO_ADDR_SIZE,
				      vmcs_read32(VMCS_EXIT_INSN_INFO));
	cs_ar = vmcs_read32(VMCS_GUEST_ES_AR + 2 * VMX_CS);
	if ((vmcs_read(VMCS_GUEST_EFER) & EFER_LMA) && (cs_ar & VMX_AR_L))
		return 8;
	return cs_ar & VMX_AR_DB ? 4 : 2;
}

/* SDM 27.2.1 Table 27-5. */
static int vmx_exit_io(struct vmx_vcpu *vmx)
{
	unsigned long q = vmx->exit_qual;
	bool string = q & IO_QUAL_STRING;

	return hv_x86_handle_pio(&vmx->vcpu, FIELD_GET(IO_QUAL_PORT, q),
				 FIELD_GET(IO_QUAL_SIZE, q) + 1,
				 q & IO_QUAL_IN, string, q & IO_QUAL_REP,
				 string ? vmx_string_addr_size(vmx) : 0,
				 vmx_next_rip(vmx));
}

static int vmx_exit_hlt(struct vmx_vcpu *vmx)
{
	vmx_skip_insn(vmx);
	/* The in-kernel APIC wakes the vCPU; without it userspace waits. */
	if (hv_lapic_in_kernel(&vmx->vcpu))
		return hv_x86_halt(&vmx->vcpu);
	vmx->vcpu.run->exit_reason = HV_EXIT_HLT;
	vmx->vcpu.stats.halt_exits++;
	return 0;
}

static int vmx_exit_triple_fault(struct vmx_vcpu *vmx)
{
	/* As KVM and the SVM backend: power-on state, then SHUTDOWN. */
	vmx_vcpu_reset(vmx);
	vmx->vcpu.run->exit_reason = HV_EXIT_SHUTDOWN;
	return 0;
}

static int vmx_exit_cpuid(struct vmx_vcpu *vmx)
{
	return hv_x86_handle_cpuid(&vmx->vcpu, vmx_next_rip(vmx));
}

static int vmx_exit_skip(struct vmx_vcpu *vmx)
{
	/* INVD, WBINVD: caches are the host's business. */
	vmx_skip_insn(vmx);
	return 1;
}

static int vmx_exit_msr(struct vmx_vcpu *vmx)
{
	unsigned long *r = vmx->vcpu.arch.regs;
	u32 msr = r[HV_REG_RCX];
	u64 data;

	vmx->vcpu.stats.msr_exits++;
	if ((u16)vmx->exit_reason == EXIT_REASON_WRMSR) {
		data = (r[HV_REG_RDX] << 32) | (u32)r[HV_REG_RAX];
		if (hv_x86_set_msr(&vmx->vcpu, msr, data, false))
			return vmx_inject_gp(vmx);
	} else {
		if (hv_x86_get_msr(&vmx->vcpu, msr, &data, false))
			return vmx_inject_gp(vmx);
		r[HV_REG_RAX] = (u32)data;
		r[HV_REG_RDX] = data >> 32;
	}
	vmx_skip_insn(vmx);
	return 1;
}

static int vmx_exit_xsetbv(struct vmx_vcpu *vmx)
{
	unsigned long *r = vmx->vcpu.arch.regs;
	u64 xcr0 = (r[HV_REG_RDX] << 32) | (u32)r[HV_REG_RAX];

	/*
	 * SDM XSETBV: #GP at CPL > 0, for an XCR other than 0, or a value
	 * XSETBV refuses or the guest's CPUID does not offer.
	 */
	if (vmx_cpl() || (u32)r[HV_REG_RCX] ||
	    !hv_x86_valid_xcr0(&vmx->vcpu, xcr0))
		return vmx_inject_gp(vmx);
	vmx->vcpu.arch.xcr0 = xcr0;
	vmx_skip_insn(vmx);
	return 1;
}

/*
 * First access to a debug register: stop intercepting and switch DR0-3
 * and DR6 around every entry from now on (vmx_vcpu.c); the instruction
 * runs again, natively.
 */
static int vmx_exit_dr(struct vmx_vcpu *vmx)
{
	vmx->guest_uses_dr = true;
	vmcs_clear_bits(VMCS_PROC_CONTROLS, PROC_MOV_DR_EXITING);
	return 1;
}

/*
 * MOV to CR0 changing a bit hv owns (PE, PG, NE...), or LMSW doing so.
 * The checks of SDM Vol. 2 MOV CR, then EFER.LMA follows CR0.PG with
 * EFER.LME (SDM 9.8.5) as the CPU would do without the exit.
 */
static int vmx_mov_cr0(struct vmx_vcpu *vmx, unsigned long val)
{
	unsigned long old = vmx->cr0;
	u64 efer = vmcs_read(VMCS_GUEST_EFER);

	if (val >> 32 || ((val & X86_CR0_PG) && !(val & X86_CR0_PE)) ||
	    ((val & X86_CR0_NW) && !(val & X86_CR0_CD)))
		return vmx_inject_gp(vmx);
	if (!(old & X86_CR0_PG) && (val & X86_CR0_PG) && (efer & EFER_LME)) {
		if (!(vmx_read_cr4(vmx) & X86_CR4_PAE))
			return vmx_inject_gp(vmx);
		vmx_write_efer(vmx, efer | EFER_LMA);
	} else if ((old & X86_CR0_PG) && !(val & X86_CR0_PG) &&
		   (efer & EFER_LMA)) {
		vmx_write_efer(vmx, efer & ~EFER_LMA);
	}
	/* Keep the bits the guest changes natively (TS, MP...). */
	vmx_write_cr0(vmx, val);
	if (vmx_load_pdptrs(vmx))
		return vmx_inject_gp(vmx);
	/* Paging changed mode: the CPU would have flushed (SDM 4.10.4.1). */
	vmx->flush_vpid = true;
	vmx_skip_insn(vmx);
	return 1;
}

static int vmx_mov_cr4(struct vmx_vcpu *vmx, unsigned long val)
{
	/* No nested VMX; bits VMX operation cannot run with are reserved. */
	if ((val & X86_CR4_VMXE) || (val & ~vmx_cfg.cr4_fixed1) ||
	    ((vmcs_read(VMCS_GUEST_EFER) & EFER_LMA) && !(val & X86_CR4_PAE)))
		return vmx_inject_gp(vmx);
	vmx_write_cr4(vmx, val);
	if (vmx_load_pdptrs(vmx))
		return vmx_inject_gp(vmx);
	vmx->flush_vpid = true;
	vmx_skip_insn(vmx);
	return 1;
}

/* Only if the CPU forces CR3 exiting (no TRUE controls). */
static int vmx_mov_cr3(struct vmx_vcpu *vmx, unsigned long val)
{
	/* Bit 63 with CR4.PCIDE: keep the TLB; hv flushes anyway. */
	vmcs_write(VMCS_GUEST_CR3, val & ~BIT_ULL(63));
	if (vmx_load_pdptrs(vmx))
		return vmx_inject_gp(vmx);
	vmx->flush_vpid = true;
	vmx_skip_insn(vmx);
	return 1;
}

/*
 * MOV to CR8: as on SVM, reserved bits #GP (SDM 2.5); the in-kernel APIC
 * takes the new TPR (an interrupt it unmasks is injected at the next
 * entry); without it, lowering the priority needs userspace's APIC
 * (HV_EXIT_SET_TPR, as KVM).
 */
static int vmx_mov_cr8(struct vmx_vcpu *vmx, unsigned long val)
{
	u8 prev = vmx->cr8;

	if (val >> 4)
		return vmx_inject_gp(vmx);
	vmx->cr8 = val;
	vmx_skip_insn(vmx);
	if (hv_lapic_in_kernel(&vmx->vcpu)) {
		hv_lapic_set_cr8(&vmx->vcpu, val);
		return 1;
	}
	if (val >= prev)
		return 1;
	vmx->vcpu.run->exit_reason = HV_EXIT_SET_TPR;
	return 0;
}

/* SDM 27.2.1 Table 27-3. */
static int vmx_exit_cr(struct vmx_vcpu *vmx)
{
	unsigned long q = vmx->exit_qual;
	unsigned long *regs = vmx->vcpu.arch.regs;
	unsigned int reg = FIELD_GET(CR_QUAL_GPR, q);
	unsigned int cr = FIELD_GET(CR_QUAL_NR, q);
	unsigned long val;
	u64 data[2];

	switch (FIELD_GET(CR_QUAL_TYPE, q)) {
	case CR_QUAL_TYPE_MOV_TO:
		val = regs[reg];
		switch (cr) {
		case 0:
			return vmx_mov_cr0(vmx, val);
		case 3:
			return vmx_mov_cr3(vmx, val);
		case 4:
			return vmx_mov_cr4(vmx, val);
		case 8:
			return vmx_mov_cr8(vmx, val);
		}
		break;
	case CR_QUAL_TYPE_MOV_FROM:
		switch (cr) {
		case 3:
			regs[reg] = vmcs_read(VMCS_GUEST_CR3);
			vmx_skip_insn(vmx);
			return 1;
		case 8:
			regs[reg] = vmx->cr8;
			vmx_skip_insn(vmx);
			return 1;
		}
		break;
	case CR_QUAL_TYPE_LMSW:
		/* LMSW writes PE, MP, EM, TS and cannot clear PE. */
		val = FIELD_GET(CR_QUAL_LMSW_DATA, q) & 0xf;
		return vmx_mov_cr0(vmx, (vmx_read_cr0(vmx) & ~0xeUL) | val);
	}
	data[0] = vmx->exit_reason;
	data[1] = q;
	return hv_x86_internal_error(&vmx->vcpu, HV_INTERNAL_ERROR_EMULATION,
				     2, data);
}

static int vmx_exit_ept_violation(struct vmx_vcpu *vmx)
{
	/*
	 * SDM 27.2.3: the exit came in the middle of an IRET that unblocked
	 * NMIs; the IRET runs again, so block them again meanwhile.
	 */
	if ((vmx->exit_qual & EPT_QUAL_NMI_UNBLOCK_IRET) &&
	    !(vmcs_read32(VMCS_IDT_VECTORING_INFO) & INTR_INFO_VALID))
		vmcs_set_bits(VMCS_GUEST_INTERRUPTIBILITY, INTERRUPTIBILITY_NMI);
	return vmx_ept_violation(vmx, vmcs_read(VMCS_GUEST_PHYS_ADDR),
				 vmx->exit_qual);
}

/*
 * A machine check in the guest is the host's to handle: run the kernel's
 * #MC handler through its IDT gate, as KVM does (SDM 25.2: the exception
 * bitmap makes it exit instead of reaching the guest's IDT).
 */
static void vmx_host_machine_check(void)
{
	asm volatile("int $0x12");
}

/*
 * Exception bitmap: only #MC (and an NMI for the host, passed on in
 * vmx_vcpu.c) lands here.  Anything else is the guest's: deliver it as
 * the CPU would have.
 */
static int vmx_exit_exception_nmi(struct vmx_vcpu *vmx)
{
	u32 info = vmcs_read32(VMCS_EXIT_INTR_INFO);
	u32 type = FIELD_GET(INTR_INFO_TYPE, info);
	u8 vector = info & INTR_INFO_VECTOR;

	if (type == INTR_TYPE_NMI) {
		vmx->vcpu.stats.intr_exits++;
		return 1;
	}
	if (type == INTR_TYPE_HW_EXCEPTION && vector == X86_TRAP_MC) {
		vmx_host_machine_check();
		return 1;
	}
	if (type == INTR_TYPE_HW_EXCEPTION) {
		if ((info & INTR_INFO_NMI_UNBLOCK_IRET) && vector != X86_TRAP_DF)
			vmcs_set_bits(VMCS_GUEST_INTERRUPTIBILITY,
				      INTERRUPTIBILITY_NMI);
		vmx_inject_event(&vmx->vcpu, HV_X86_EVENT_EXCEPTION, vector,
				 info & INTR_INFO_HAS_ERROR,
				 vmcs_read32(VMCS_EXIT_INTR_ERROR_CODE));
		return 1;
	}
	/* #BP/#OF (software exceptions) run again with their INT3/INTO. */
	return 1;
}

static int vmx_exit_interrupted(struct vmx_vcpu *vmx)
{
	/* The host took the interrupt when interrupts were enabled again. */
	vmx->vcpu.stats.intr_exits++;
	return 1;
}

/* The guest can take an interrupt or NMI now; inject_pending acts. */
static int vmx_exit_window(struct vmx_vcpu *vmx)
{
	return 1;
}

/* VM entry checked the guest state and refused it (SDM 26.3, 26.8). */
static int vmx_exit_failed_entry(struct vmx_vcpu *vmx)
{
	struct hv_run *run = vmx->vcpu.run;

	if ((u16)vmx->exit_reason == EXIT_REASON_MCE_DURING_ENTRY)
		vmx_host_machine_check();

	run->exit_reason = HV_EXIT_FAIL_ENTRY;
	run->fail_entry.hardware_entry_failure_reason = vmx->exit_reason;
	run->fail_entry.cpu = vmx->cpu;
	return 0;
}

typedef int (*vmx_exit_handler)(struct vmx_vcpu *vmx);

static const vmx_exit_handler vmx_exit_handlers[] = {
	[EXIT_REASON_EXCEPTION_NMI]	= vmx_exit_exception_nmi,
	[EXIT_REASON_EXTERNAL_INTR]	= vmx_exit_interrupted,
	[EXIT_REASON_TRIPLE_FAULT]	= vmx_exit_triple_fault,
	[EXIT_REASON_INTR_WINDOW]	= vmx_exit_window,
	[EXIT_REASON_NMI_WINDOW]	= vmx_exit_window,
	[EXIT_REASON_CPUID]		= vmx_exit_cpuid,
	[EXIT_REASON_GETSEC]		= vmx_inject_ud,
	[EXIT_REASON_HLT]		= vmx_exit_hlt,
	[EXIT_REASON_INVD]		= vmx_exit_skip,
	[EXIT_REASON_RSM]		= vmx_inject_ud,
	/* No nested virtualization: VMX instructions are undefined. */
	[EXIT_REASON_VMCALL]		= vmx_inject_ud,
	[EXIT_REASON_VMCLEAR]		= vmx_inject_ud,
	[EXIT_REASON_VMLAUNCH]		= vmx_inject_ud,
	[EXIT_REASON_VMPTRLD]		= vmx_inject_ud,
	[EXIT_REASON_VMPTRST]		= vmx_inject_ud,
	[EXIT_REASON_VMREAD]		= vmx_inject_ud,
	[EXIT_REASON_VMRESUME]		= vmx_inject_ud,
	[EXIT_REASON_VMWRITE]		= vmx_inject_ud,
	[EXIT_REASON_VMXOFF]		= vmx_inject_ud,
	[EXIT_REASON_VMXON]		= vmx_inject_ud,
	[EXIT_REASON_INVEPT]		= vmx_inject_ud,
	[EXIT_REASON_INVVPID]		= vmx_inject_ud,
	[EXIT_REASON_VMFUNC]		= vmx_inject_ud,
	[EXIT_REASON_CR_ACCESS]		= vmx_exit_cr,
	[EXIT_REASON_DR_ACCESS]		= vmx_exit_dr,
	[EXIT_REASON_IO]		= vmx_exit_io,
	[EXIT_REASON_RDMSR]		= vmx_exit_msr,
	[EXIT_REASON_WRMSR]		= vmx_exit_msr,
	[EXIT_REASON_INVALID_STATE]	= vmx_exit_failed_entry,
	[EXIT_REASON_MSR_LOADING]	= vmx_exit_failed_entry,
	[EXIT_REASON_MCE_DURING_ENTRY]	= vmx_exit_failed_entry,
	[EXIT_REASON_MWAIT]		= vmx_inject_ud,
	[EXIT_REASON_MONITOR]		= vmx_inject_ud,
	[EXIT_REASON_EPT_VIOLATION]	= vmx_exit_ept_violation,
	[EXIT_REASON_WBINVD]		= vmx_exit_skip,
	[EXIT_REASON_XSETBV]		= vmx_exit_xsetbv,
	[EXIT_REASON_PREEMPTION_TIMER]	= vmx_exit_interrupted,
};

int vmx_handle_exit(struct vmx_vcpu *vmx)
{
	u16 reason = vmx->exit_reason;
	u64 data[2];

	if (reason < ARRAY_SIZE(vmx_exit_handlers) && vmx_exit_handlers[reason])
		return vmx_exit_handlers[reason](vmx);

	data[0] = vmx->exit_reason;
	data[1] = vmx->cpu;
	return hv_x86_internal_error(&vmx->vcpu,
				     HV_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON,
				     2, data);
}

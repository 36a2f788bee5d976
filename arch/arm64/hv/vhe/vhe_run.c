// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv-arm64: the world switch and exit handling.
 *
 * With VHE the host kernel runs at EL2 and keeps its own state in EL2
 * registers (SCTLR_EL2, TTBR*_EL2, ...), so the EL1 registers are free
 * for the guest: they are reached through the *_EL12 aliases (Arm ARM
 * D13.2.2).  What EL1 and EL2 share (TPIDR_EL0, TPIDRRO_EL0, TPIDR_EL1,
 * PAR_EL1, CSSELR_EL1, SP_EL0) and every EL2 control hv changes
 * (HCR_EL2, VTTBR_EL2, VTCR_EL2, MDCR_EL2, VMPIDR_EL2, VBAR_EL2) is saved
 * before the entry and restored after the exit, with interrupts masked,
 * so nothing of a guest outlives the exit.  Linux's own KVM does the same
 * around its guests, which is why the two can share a host: neither
 * leaves state behind between two of its entries.
 *
 * All guest state is loaded at every entry and saved at every exit; the
 * guest's FP/SIMD registers are switched inside kernel_neon_begin()/end().
 */
#define pr_fmt(fmt) "hv-arm64: " fmt

#include <linux/interrupt.h>
#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <asm/barrier.h>
#include <asm/esr.h>
#include <asm/kvm_arm.h>
#include <asm/neon.h>
#include <asm/sysreg.h>
#include <asm/tlbflush.h>

#include "vhe.h"

/*
 * HCR_EL2 while the guest runs (Arm ARM D17.2.48): stage 2 on; physical
 * IRQ, FIQ and SError to EL2; trap SMC, WFI, set/way cache maintenance,
 * ACTLR, implementation-defined registers, LORegions and the ID
 * registers (TID3: the guest sees hv_arm64_id_reg()); EL1 is AArch64;
 * broadcast maintenance inner shareable.  E2H stays set (the host's EL2
 * regime is still live), TGE is clear.  Not set: API/APK, so pointer
 * authentication instructions and key registers trap rather than touch
 * the host's keys, and ATA, so MTE stays off.
 */
#define VHE_HCR_GUEST	(HCR_VM | HCR_SWIO | HCR_PTW | HCR_FB | HCR_BSU_IS | \
			 HCR_FMO | HCR_IMO | HCR_AMO | HCR_TSC | HCR_TWI | \
			 HCR_TACR | HCR_TIDCP | HCR_TSW | HCR_TLOR | HCR_RW | \
			 HCR_TID3 | HCR_E2H)

/* MDCR_EL2 additions: debug, PMU and trace registers trap (RAZ/WI here). */
#define VHE_MDCR_GUEST	(MDCR_EL2_TPM | MDCR_EL2_TPMCR | MDCR_EL2_TDA | \
			 MDCR_EL2_TDOSA | MDCR_EL2_TDRA | MDCR_EL2_TTRF)

/*
 * CPTR_EL2 in its VHE layout (written as CPACR_EL1 from EL2, Arm ARM
 * D13.2.30): SVE and SME trap to EL2 (hv offers neither; the guest gets an
 * UNDEF as on KVM, and cannot leave streaming mode or ZA on for the host),
 * so do trace and activity-monitor registers.  FP/SIMD stays enabled.
 */
#define VHE_CPTR_GUEST_CLEAR	(CPACR_EL1_ZEN_EL0EN | CPACR_EL1_ZEN_EL1EN | \
				 CPACR_EL1_SMEN_EL0EN | CPACR_EL1_SMEN_EL1EN)
#define VHE_CPTR_GUEST_SET	(CPACR_EL1_TTA | CPTR_EL2_TAM)

/*
 * CNTHCTL_EL2 with E2H set (Arm ARM D17.11.1): EL1PCTEN and EL1PCEN, so
 * the guest reads the physical counter and uses its EL1 physical timer
 * without trapping (KVM's kvm_timer_init_vhe() sets the same bits).
 */
#define VHE_CNTHCTL_GUEST	(BIT(10) | BIT(11))

struct vhe_host_state {
	u64 hcr, vttbr, vtcr, mdcr, vmpidr, cptr, cntvoff, cnthctl;
	u64 tpidr_el0, tpidrro_el0, tpidr_el1, par, csselr;
};

/* ICH_LR<n>_EL2 by number: the register is part of the instruction. */
static u64 vhe_lr_read(unsigned int n)
{
	switch (n) {
	case 0:
		return read_sysreg_s(SYS_ICH_LR0_EL2);
	case 1:
		return read_sysreg_s(SYS_ICH_LR1_EL2);
	case 2:
		return read_sysreg_s(SYS_ICH_LR2_EL2);
	case 3:
		return read_sysreg_s(SYS_ICH_LR3_EL2);
	case 4:
		return read_sysreg_s(SYS_ICH_LR4_EL2);
	case 5:
		return read_sysreg_s(SYS_ICH_LR5_EL2);
	case 6:
		return read_sysreg_s(SYS_ICH_LR6_EL2);
	case 7:
		return read_sysreg_s(SYS_ICH_LR7_EL2);
	case 8:
		return read_sysreg_s(SYS_ICH_LR8_EL2);
	case 9:
		return read_sysreg_s(SYS_ICH_LR9_EL2);
	case 10:
		return read_sysreg_s(SYS_ICH_LR10_EL2);
	case 11:
		return read_sysreg_s(SYS_ICH_LR11_EL2);
	case 12:
		return read_sysreg_s(SYS_ICH_LR12_EL2);
	case 13:
		return read_sysreg_s(SYS_ICH_LR13_EL2);
	case 14:
		return read_sysreg_s(SYS_ICH_LR14_EL2);
	case 15:
		return read_sysreg_s(SYS_ICH_LR15_EL2);
	default:
		return 0;
	}
}

static void vhe_lr_write(unsigned int n, u64 v)
{
	switch (n) {
	case 0:
		write_sysreg_s(v, SYS_ICH_LR0_EL2);
		break;
	case 1:
		write_sysreg_s(v, SYS_ICH_LR1_EL2);
		break;
	case 2:
		write_sysreg_s(v, SYS_ICH_LR2_EL2);
		break;
	case 3:
		write_sysreg_s(v, SYS_ICH_LR3_EL2);
		break;
	case 4:
		write_sysreg_s(v, SYS_ICH_LR4_EL2);
		break;
	case 5:
		write_sysreg_s(v, SYS_ICH_LR5_EL2);
		break;
	case 6:
		write_sysreg_s(v, SYS_ICH_LR6_EL2);
		break;
	case 7:
		write_sysreg_s(v, SYS_ICH_LR7_EL2);
		break;
	case 8:
		write_sysreg_s(v, SYS_ICH_LR8_EL2);
		break;
	case 9:
		write_sysreg_s(v, SYS_ICH_LR9_EL2);
		break;
	case 10:
		write_sysreg_s(v, SYS_ICH_LR10_EL2);
		break;
	case 11:
		write_sysreg_s(v, SYS_ICH_LR11_EL2);
		break;
	case 12:
		write_sysreg_s(v, SYS_ICH_LR12_EL2);
		break;
	case 13:
		write_sysreg_s(v, SYS_ICH_LR13_EL2);
		break;
	case 14:
		write_sysreg_s(v, SYS_ICH_LR14_EL2);
		break;
	case 15:
		write_sysreg_s(v, SYS_ICH_LR15_EL2);
		break;
	default:
		break;
	}
}

/* ICH_AP0R<n>_EL2 and ICH_AP1R<n>_EL2 */
static void vhe_apr_read(unsigned int n, u32 *ap0r, u32 *ap1r)
{
	switch (n) {
	case 0:
		ap0r[0] = read_sysreg_s(SYS_ICH_AP0R0_EL2);
		ap1r[0] = read_sysreg_s(SYS_ICH_AP1R0_EL2);
		break;
	case 1:
		ap0r[1] = read_sysreg_s(SYS_ICH_AP0R1_EL2);
		ap1r[1] = read_sysreg_s(SYS_ICH_AP1R1_EL2);
		break;
	case 2:
		ap0r[2] = read_sysreg_s(SYS_ICH_AP0R2_EL2);
		ap1r[2] = read_sysreg_s(SYS_ICH_AP1R2_EL2);
		break;
	case 3:
		ap0r[3] = read_sysreg_s(SYS_ICH_AP0R3_EL2);
		ap1r[3] = read_sysreg_s(SYS_ICH_AP1R3_EL2);
		break;
	default:
		break;
	}
}

static void vhe_apr_write(unsigned int n, const u32 *ap0r, const u32 *ap1r)
{
	switch (n) {
	case 0:
		write_sysreg_s(ap0r[0], SYS_ICH_AP0R0_EL2);
		write_sysreg_s(ap1r[0], SYS_ICH_AP1R0_EL2);
		break;
	case 1:
		write_sysreg_s(ap0r[1], SYS_ICH_AP0R1_EL2);
		write_sysreg_s(ap1r[1], SYS_ICH_AP1R1_EL2);
		break;
	case 2:
		write_sysreg_s(ap0r[2], SYS_ICH_AP0R2_EL2);
		write_sysreg_s(ap1r[2], SYS_ICH_AP1R2_EL2);
		break;
	case 3:
		write_sysreg_s(ap0r[3], SYS_ICH_AP0R3_EL2);
		write_sysreg_s(ap1r[3], SYS_ICH_AP1R3_EL2);
		break;
	default:
		break;
	}
}

/*
 * The virtual CPU interface (IHI 0069H 12.4): the list registers the
 * vGIC filled, the guest's VMCR and active priorities, and ICH_HCR_EL2
 * (En, and the maintenance interrupts the flush asked for: their
 * handler is KVM's, which does nothing; the exit is the point).  KVM
 * loads the same registers for its own guests and clears ICH_HCR_EL2
 * after them, so each hypervisor finds the interface off.
 */
static void vhe_vgic_load(struct hv_vcpu *vcpu)
{
	struct hv_vgic_cpu *c = &vcpu->arch.vgic;
	unsigned int i;

	for (i = 0; i < vhe_nr_lrs; i++)
		vhe_lr_write(i, i < c->nr_lr ? c->lr[i] : 0);
	for (i = 0; i < vhe_nr_aprs; i++)
		vhe_apr_write(i, c->ap0r, c->ap1r);
	write_sysreg_s(c->vmcr, SYS_ICH_VMCR_EL2);
	write_sysreg_s(c->hcr, SYS_ICH_HCR_EL2);
}

static void vhe_vgic_save(struct hv_vcpu *vcpu)
{
	struct hv_vgic_cpu *c = &vcpu->arch.vgic;
	unsigned int i;

	for (i = 0; i < c->nr_lr; i++)
		c->lr[i] = vhe_lr_read(i);
	for (i = 0; i < vhe_nr_aprs; i++)
		vhe_apr_read(i, c->ap0r, c->ap1r);
	c->vmcr = read_sysreg_s(SYS_ICH_VMCR_EL2);
	c->hcr = read_sysreg_s(SYS_ICH_HCR_EL2);
	write_sysreg_s(0, SYS_ICH_HCR_EL2);
}

/*
 * A guest timer whose line is high keeps its physical PPI active on
 * this CPU, or the interrupt would make the guest exit again at once
 * while the guest has not handled the virtual one; the list register's
 * HW bit hands the deactivation to the guest (IHI 0069H 6.3.2).  With
 * the line low the PPI is made inactive, so the timer firing makes the
 * guest exit.  KVM does the same around its own entries, and sets the
 * state it needs when it loads a vCPU.
 */
static void vhe_timer_phys_active(struct hv_vcpu *vcpu)
{
	if (vhe_vtimer_irq > 0)
		irq_set_irqchip_state(vhe_vtimer_irq, IRQCHIP_STATE_ACTIVE,
				      hv_arm64_timer_line(vcpu, false));
	if (vhe_ptimer_irq > 0)
		irq_set_irqchip_state(vhe_ptimer_irq, IRQCHIP_STATE_ACTIVE,
				      hv_arm64_timer_line(vcpu, true));
}

/* Invalidate the current VMID's EL1&0 entries on this CPU; TGE clear. */
static __always_inline void vhe_flush_vmid_local(void)
{
	dsb(nshst);
	asm volatile("tlbi vmalls12e1" : : : "memory");
	dsb(nsh);
	isb();
}

static void vhe_load_guest(struct hv_vcpu *vcpu, struct vhe_host_state *h)
{
	struct vhe_vm *v = to_vhe_vm(vcpu->vm);
	const u64 *s = vcpu->arch.sys;

	h->hcr = read_sysreg(hcr_el2);
	h->vttbr = read_sysreg(vttbr_el2);
	h->vtcr = read_sysreg(vtcr_el2);
	h->mdcr = read_sysreg(mdcr_el2);
	h->vmpidr = read_sysreg(vmpidr_el2);
	h->cptr = read_sysreg(cpacr_el1);
	h->cntvoff = read_sysreg(cntvoff_el2);
	h->cnthctl = read_sysreg(cnthctl_el2);
	h->tpidr_el0 = read_sysreg(tpidr_el0);
	h->tpidrro_el0 = read_sysreg(tpidrro_el0);
	h->tpidr_el1 = read_sysreg(tpidr_el1);
	h->par = read_sysreg(par_el1);
	h->csselr = read_sysreg(csselr_el1);

	write_sysreg_s(s[HV_SCTLR_EL1], SYS_SCTLR_EL12);
	write_sysreg_s(s[HV_CPACR_EL1], SYS_CPACR_EL12);
	write_sysreg_s(s[HV_TTBR0_EL1], SYS_TTBR0_EL12);
	write_sysreg_s(s[HV_TTBR1_EL1], SYS_TTBR1_EL12);
	write_sysreg_s(s[HV_TCR_EL1], SYS_TCR_EL12);
	write_sysreg_s(s[HV_ESR_EL1], SYS_ESR_EL12);
	write_sysreg_s(s[HV_AFSR0_EL1], SYS_AFSR0_EL12);
	write_sysreg_s(s[HV_AFSR1_EL1], SYS_AFSR1_EL12);
	write_sysreg_s(s[HV_FAR_EL1], SYS_FAR_EL12);
	write_sysreg_s(s[HV_MAIR_EL1], SYS_MAIR_EL12);
	write_sysreg_s(s[HV_VBAR_EL1], SYS_VBAR_EL12);
	write_sysreg_s(s[HV_CONTEXTIDR_EL1], SYS_CONTEXTIDR_EL12);
	write_sysreg_s(s[HV_AMAIR_EL1], SYS_AMAIR_EL12);
	write_sysreg_s(s[HV_CNTKCTL_EL1], SYS_CNTKCTL_EL12);
	write_sysreg_s(s[HV_CNTV_CVAL_EL0], SYS_CNTV_CVAL_EL02);
	write_sysreg_s(s[HV_CNTV_CTL_EL0], SYS_CNTV_CTL_EL02);
	write_sysreg_s(s[HV_CNTP_CVAL_EL0], SYS_CNTP_CVAL_EL02);
	write_sysreg_s(s[HV_CNTP_CTL_EL0], SYS_CNTP_CTL_EL02);
	write_sysreg_s(vcpu->arch.core.elr_el1, SYS_ELR_EL12);
	write_sysreg_s(vcpu->arch.core.spsr[HV_SPSR_EL1], SYS_SPSR_EL12);
	write_sysreg(s[HV_PAR_EL1], par_el1);
	write_sysreg(s[HV_TPIDR_EL1], tpidr_el1);
	write_sysreg(s[HV_TPIDR_EL0], tpidr_el0);
	write_sysreg(s[HV_TPIDRRO_EL0], tpidrro_el0);
	write_sysreg(s[HV_CSSELR_EL1], csselr_el1);
	write_sysreg(s[HV_MPIDR_EL1], vmpidr_el2);
	write_sysreg(READ_ONCE(vcpu->vm->arch.cntvoff), cntvoff_el2);
	write_sysreg(h->cnthctl | VHE_CNTHCTL_GUEST, cnthctl_el2);

	write_sysreg((h->cptr & ~VHE_CPTR_GUEST_CLEAR) | VHE_CPTR_GUEST_SET,
		     cpacr_el1);
	write_sysreg(h->mdcr | VHE_MDCR_GUEST, mdcr_el2);
	write_sysreg(v->vtcr, vtcr_el2);
	write_sysreg(v->vttbr, vttbr_el2);
	/* Without a vGIC, IRQ_LINE's CPU inputs (Arm ARM D1.3.6, vIRQ). */
	write_sysreg(VHE_HCR_GUEST |
		     (READ_ONCE(vcpu->arch.irq_line) ? HCR_VI : 0) |
		     (READ_ONCE(vcpu->arch.fiq_line) ? HCR_VF : 0), hcr_el2);
	isb();
	/*
	 * Another hypervisor (KVM) may have used this VMID on this CPU, and
	 * the core may have zapped mappings since the last entry.
	 */
	vhe_flush_vmid_local();
}

static void vhe_put_guest(struct hv_vcpu *vcpu, const struct vhe_host_state *h)
{
	u64 *s = vcpu->arch.sys;

	s[HV_SCTLR_EL1] = read_sysreg_s(SYS_SCTLR_EL12);
	s[HV_CPACR_EL1] = read_sysreg_s(SYS_CPACR_EL12);
	s[HV_TTBR0_EL1] = read_sysreg_s(SYS_TTBR0_EL12);
	s[HV_TTBR1_EL1] = read_sysreg_s(SYS_TTBR1_EL12);
	s[HV_TCR_EL1] = read_sysreg_s(SYS_TCR_EL12);
	s[HV_ESR_EL1] = read_sysreg_s(SYS_ESR_EL12);
	s[HV_AFSR0_EL1] = read_sysreg_s(SYS_AFSR0_EL12);
	s[HV_AFSR1_EL1] = read_sysreg_s(SYS_AFSR1_EL12);
	s[HV_FAR_EL1] = read_sysreg_s(SYS_FAR_EL12);
	s[HV_MAIR_EL1] = read_sysreg_s(SYS_MAIR_EL12);
	s[HV_VBAR_EL1] = read_sysreg_s(SYS_VBAR_EL12);
	s[HV_CONTEXTIDR_EL1] = read_sysreg_s(SYS_CONTEXTIDR_EL12);
	s[HV_AMAIR_EL1] = read_sysreg_s(SYS_AMAIR_EL12);
	s[HV_CNTKCTL_EL1] = read_sysreg_s(SYS_CNTKCTL_EL12);
	s[HV_CNTV_CVAL_EL0] = read_sysreg_s(SYS_CNTV_CVAL_EL02);
	s[HV_CNTV_CTL_EL0] = read_sysreg_s(SYS_CNTV_CTL_EL02);
	s[HV_CNTP_CVAL_EL0] = read_sysreg_s(SYS_CNTP_CVAL_EL02);
	s[HV_CNTP_CTL_EL0] = read_sysreg_s(SYS_CNTP_CTL_EL02);
	/* No guest timer may interrupt the host: hv samples them instead. */
	write_sysreg_s(0, SYS_CNTV_CTL_EL02);
	write_sysreg_s(0, SYS_CNTP_CTL_EL02);
	vcpu->arch.core.elr_el1 = read_sysreg_s(SYS_ELR_EL12);
	vcpu->arch.core.spsr[HV_SPSR_EL1] = read_sysreg_s(SYS_SPSR_EL12);
	s[HV_PAR_EL1] = read_sysreg(par_el1);
	s[HV_TPIDR_EL1] = read_sysreg(tpidr_el1);
	s[HV_TPIDR_EL0] = read_sysreg(tpidr_el0);
	s[HV_TPIDRRO_EL0] = read_sysreg(tpidrro_el0);
	s[HV_CSSELR_EL1] = read_sysreg(csselr_el1);

	/* Leave no translation of ours behind for another hypervisor. */
	vhe_flush_vmid_local();
	write_sysreg(h->hcr, hcr_el2);
	isb();
	write_sysreg(h->vttbr, vttbr_el2);
	write_sysreg(h->vtcr, vtcr_el2);
	write_sysreg(h->mdcr, mdcr_el2);
	write_sysreg(h->vmpidr, vmpidr_el2);
	write_sysreg(h->cptr, cpacr_el1);
	write_sysreg(h->cntvoff, cntvoff_el2);
	write_sysreg(h->cnthctl, cnthctl_el2);
	write_sysreg(h->tpidr_el0, tpidr_el0);
	write_sysreg(h->tpidrro_el0, tpidrro_el0);
	write_sysreg(h->tpidr_el1, tpidr_el1);
	write_sysreg(h->par, par_el1);
	write_sysreg(h->csselr, csselr_el1);
	isb();
}

static int vhe_handle_sync(struct hv_vcpu *vcpu, u64 esr, u64 far, u64 hpfar)
{
	switch (ESR_ELx_EC(esr)) {
	case ESR_ELx_EC_WFx:
		return hv_arm64_handle_wfx(vcpu, esr);
	case ESR_ELx_EC_HVC64:
		/* The PC is already past the HVC. */
		if (esr & ESR_ELx_xVC_IMM_MASK) {
			vcpu->arch.core.regs.regs[0] = ~0ULL;
			return 1;
		}
		return hv_arm64_handle_hvc(vcpu);
	case ESR_ELx_EC_SMC64:
		/* A trapped SMC returns to itself (Arm ARM D1.10.5). */
		hv_arm64_skip_instr(vcpu, esr);
		if (esr & ESR_ELx_xVC_IMM_MASK) {
			vcpu->arch.core.regs.regs[0] = ~0ULL;
			return 1;
		}
		return hv_arm64_handle_hvc(vcpu);
	case ESR_ELx_EC_SYS64:
		return hv_arm64_handle_sysreg(vcpu, esr);
	case ESR_ELx_EC_DABT_LOW:
	case ESR_ELx_EC_IABT_LOW:
		return vhe_s2_fault(vcpu, esr, far, hpfar);
	default:
		/* KVM's answer to what it does not emulate (PAC, SVE, ...). */
		pr_debug("injecting UNDEF for ESR %#llx at %#llx\n", esr,
			 vcpu->arch.core.regs.pc);
		hv_arm64_inject_undef(vcpu);
		return 1;
	}
}

/**
 * vhe_vcpu_run - enter the guest once and handle the exit
 * @vcpu: the vCPU, loaded, with its mutex and the VM's SRCU held.
 *
 * Return: 1 to enter again, 0 to return to userspace, or -errno.
 */
int vhe_vcpu_run(struct hv_vcpu *vcpu)
	__must_hold(&vcpu->vm->srcu)
{
	struct vhe_host_state host;
	u64 esr, far, hpfar;
	bool vgic;
	int code, r;

	r = hv_arm64_wait_power_on(vcpu);
	if (r <= 0)
		return r;

	/* The task's FP/SIMD (and SVE) state is saved; the registers are ours. */
	kernel_neon_begin();
	local_irq_disable();
	/*
	 * Request protocol (hv_vm_request_all()): publish that we are about
	 * to enter, then look at the requests.  A later request interrupts
	 * us; the interrupt stays pending and makes the guest exit at once.
	 */
	WRITE_ONCE(vcpu->mode, HV_IN_GUEST_MODE);
	/* Order the mode before reading requests; pairs with the requester. */
	smp_mb();
	/* Every entry flushes the VMID's TLB entries: nothing more to do. */
	hv_test_and_clear_request(vcpu, HV_REQ_TLB_FLUSH);
	if (need_resched() || signal_pending(current)) {
		WRITE_ONCE(vcpu->mode, HV_OUTSIDE_GUEST_MODE);
		local_irq_enable();
		kernel_neon_end();
		return 1;
	}

	vgic = hv_arm64_vgic_flush(vcpu, vhe_nr_lrs);
	vhe_timer_phys_active(vcpu);
	/* No SRCU in guest mode (the vcpu_run contract, hv_host.h). */
	hv_vcpu_srcu_read_unlock(vcpu);
	vhe_load_guest(vcpu, &host);
	if (vgic)
		vhe_vgic_load(vcpu);
	hv_guest_enter_irqoff();
	code = __vhe_guest_run(&vcpu->arch.core);
	hv_guest_exit_irqoff();
	esr = read_sysreg(esr_el2);
	far = read_sysreg(far_el2);
	hpfar = read_sysreg(hpfar_el2);
	if (vgic)
		vhe_vgic_save(vcpu);
	vhe_put_guest(vcpu, &host);
	WRITE_ONCE(vcpu->mode, HV_OUTSIDE_GUEST_MODE);
	/* Take the interrupt that made the guest exit, still as guest time. */
	local_irq_enable();
	local_irq_disable();
	hv_guest_timing_exit_irqoff();
	local_irq_enable();
	hv_vcpu_srcu_read_lock(vcpu);
	kernel_neon_end();
	if (vgic)
		hv_arm64_vgic_sync(vcpu);

	switch (code) {
	case VHE_EXIT_SYNC:
		return vhe_handle_sync(vcpu, esr, far, hpfar);
	case VHE_EXIT_IRQ:
	case VHE_EXIT_FIQ:
		vcpu->stats.intr_exits++;
		return 1;
	case VHE_EXIT_SERROR:
		/*
		 * HCR_EL2.AMO routed a physical SError here (Arm ARM D1.3.5);
		 * the guest caused it or the host's next access would see it.
		 * KVM's answer without RAS support is to go on, too.
		 */
		pr_warn_ratelimited("SError taken from the guest (ESR %#llx)\n",
				    esr);
		return 1;
	default:
		return hv_arm64_internal_error(vcpu, esr, far);
	}
}

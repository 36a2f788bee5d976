// SPDX-License-Identifier: GPL-2.0-only
/*
 * arm64 part of hv.ko: the guest's generic timers and WFI.
 *
 * On a VHE host the guest's EL1 virtual and physical timers are the
 * CPU's own (CNTV_*_EL02, CNTP_*_EL02, Arm ARM D11.2 "The AArch64 view of
 * the Generic Timer"), loaded while the guest runs: the virtual one
 * counts from CNTVOFF_EL2, which hv sets per VM so the guest's virtual
 * count starts at 0 when the VM is created (as KVM), and the physical
 * one has no offset (KVM 6.1 on VHE without FEAT_ECV does the same).
 * Outside the guest their state lives in hv_vcpu_arch.sys and their
 * interrupt lines are computed from it: ENABLE set, IMASK clear and the
 * count at or past CVAL (Arm ARM D11.2.4, "Operation of the CompareValue
 * views of the timers").
 *
 * WFI (trapped by HCR_EL2.TWI) puts the vCPU to sleep in the core's
 * hv_vcpu_block() until an interrupt is pending for it; an hrtimer set
 * to the earliest armed timer's deadline kicks it awake.
 */
#define pr_fmt(fmt) "hv: " fmt

#include <linux/hrtimer.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/hv_host.h>
#include <asm/arch_timer.h>
#include <asm/barrier.h>
#include <asm/esr.h>
#include <asm/sysreg.h>

/* CNTx_CTL_EL0 bits (Arm ARM D17.8.13). */
#define HV_CNT_CTL_ENABLE	BIT(0)
#define HV_CNT_CTL_IMASK	BIT(1)

/**
 * hv_arm64_counter - the physical count, as the guest's timers see it
 *
 * The ISB orders the read after what came before, as the kernel's own
 * counter accessors do (Arm ARM D11.2.2: reads may be speculated).
 */
u64 hv_arm64_counter(void)
{
	isb();
	return read_sysreg(cntpct_el0);
}

static void hv_timer_regs(struct hv_vcpu *vcpu, bool phys, u64 *ctl,
			  u64 *cval, u64 *now)
{
	const u64 *s = vcpu->arch.sys;

	*ctl = READ_ONCE(s[phys ? HV_CNTP_CTL_EL0 : HV_CNTV_CTL_EL0]);
	*cval = READ_ONCE(s[phys ? HV_CNTP_CVAL_EL0 : HV_CNTV_CVAL_EL0]);
	*now = hv_arm64_counter();
	if (!phys)
		*now -= READ_ONCE(vcpu->vm->arch.cntvoff);
}

/**
 * hv_arm64_timer_line - a guest timer's interrupt output now
 * @vcpu: the vCPU, outside the guest (its timers saved).
 * @phys: the EL1 physical timer; else the virtual one.
 */
bool hv_arm64_timer_line(struct hv_vcpu *vcpu, bool phys)
{
	u64 ctl, cval, now;

	hv_timer_regs(vcpu, phys, &ctl, &cval, &now);
	return (ctl & HV_CNT_CTL_ENABLE) && !(ctl & HV_CNT_CTL_IMASK) &&
	       now >= cval;
}
EXPORT_SYMBOL_GPL(hv_arm64_timer_line);

/* Nanoseconds until an armed timer fires; 0 if it has; U64_MAX if off. */
static u64 hv_timer_ns(struct hv_vcpu *vcpu, bool phys)
{
	u64 ctl, cval, now;
	u32 freq;

	hv_timer_regs(vcpu, phys, &ctl, &cval, &now);
	if (!(ctl & HV_CNT_CTL_ENABLE) || (ctl & HV_CNT_CTL_IMASK))
		return U64_MAX;
	if (now >= cval)
		return 0;
	freq = arch_timer_get_cntfrq();
	if (!freq)
		return U64_MAX;
	/* A deadline years away is as good as none. */
	if (cval - now > (u64)freq * 3600 * 24)
		return U64_MAX;
	return mul_u64_u32_div(cval - now, NSEC_PER_SEC, freq);
}

/**
 * hv_arm64_irq_pending - something would end the vCPU's WFI
 * @vcpu: the vCPU.
 *
 * A timer's line (whether or not the guest's GIC would deliver it, as
 * KVM's kvm_timer_is_pending()), an interrupt of the vGIC for this vCPU,
 * or IRQ_LINE's CPU inputs without a vGIC.
 */
bool hv_arm64_irq_pending(struct hv_vcpu *vcpu)
{
	return hv_arm64_timer_line(vcpu, false) ||
	       hv_arm64_timer_line(vcpu, true) ||
	       READ_ONCE(vcpu->arch.irq_line) ||
	       READ_ONCE(vcpu->arch.fiq_line) ||
	       hv_arm64_vgic_has_pending(vcpu);
}

static enum hrtimer_restart hv_wfi_timer_fn(struct hrtimer *t)
{
	struct hv_vcpu *vcpu = container_of(t, struct hv_vcpu, arch.wfi_timer);

	hv_vcpu_kick(vcpu);
	return HRTIMER_NORESTART;
}

void hv_arm64_timer_vcpu_init(struct hv_vcpu *vcpu)
{
	hrtimer_init(&vcpu->arch.wfi_timer, CLOCK_MONOTONIC,
		     HRTIMER_MODE_REL_HARD);
	vcpu->arch.wfi_timer.function = hv_wfi_timer_fn;
}

/* The vCPU leaves WFI (runnable again, or RUN returns). */
void hv_arm64_unhalt(struct hv_vcpu *vcpu)
{
	if (!vcpu->arch.halted)
		return;
	WRITE_ONCE(vcpu->arch.halted, false);
	hrtimer_cancel(&vcpu->arch.wfi_timer);
}

/**
 * hv_arm64_handle_wfx - a trapped WFI or WFE (EC 0x01)
 * @vcpu: the vCPU.
 * @esr: the syndrome; ISS.TI (bit 0) is 1 for WFE (Arm ARM D17.2.37).
 *
 * WFE has no event hv could wait for: it completes at once.  WFI with
 * nothing pending halts the vCPU; hv_arch_vcpu_runnable() then keeps
 * the core's run loop in hv_vcpu_block() until an interrupt comes or
 * the hrtimer for the earliest armed guest timer kicks it.
 *
 * Return: 1 (the run loop goes on).
 */
int hv_arm64_handle_wfx(struct hv_vcpu *vcpu, u64 esr)
{
	u64 ns;

	vcpu->stats.halt_exits++;
	hv_arm64_skip_instr(vcpu, esr);
	if ((esr & 1) || hv_arm64_irq_pending(vcpu))
		return 1;
	ns = min(hv_timer_ns(vcpu, false), hv_timer_ns(vcpu, true));
	WRITE_ONCE(vcpu->arch.halted, true);
	if (ns != U64_MAX)
		hrtimer_start(&vcpu->arch.wfi_timer, ns_to_ktime(ns),
			      HRTIMER_MODE_REL_HARD);
	return 1;
}
EXPORT_SYMBOL_GPL(hv_arm64_handle_wfx);

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Interrupts from a userspace interrupt controller (QEMU with
 * kernel-irqchip=off): HV_INTERRUPT queues an external interrupt, HV_NMI
 * an NMI; hv delivers them when the guest can take them, asks the
 * hardware to exit when it becomes able to (an "interrupt window"), and
 * tells userspace when it may inject (ready_for_interrupt_injection,
 * HV_EXIT_IRQ_WINDOW_OPEN), with KVM's semantics (arch/x86/kvm/x86.c,
 * inject_pending_event() and the dm_request_for_irq_injection() exit).
 *
 * With the in-kernel irqchip (HV_CREATE_IRQCHIP) the interrupts come from
 * the local APIC and the PIC instead (irqchip.h): NMIs first, then the
 * PIC's ExtINT if the APIC passes it, then the APIC's highest vector
 * above its PPR; HV_INTERRUPT is -ENXIO then, as on KVM.
 *
 * Delivery itself (event injection, re-injecting an event whose delivery
 * an exit interrupted, NMI blocking until IRET) is the backend's.
 */
#define pr_fmt(fmt) "hv: " fmt

#include <linux/uaccess.h>
#include <linux/hv_host.h>

#include "lapic.h"
#include "x86.h"

/* Whether userspace could inject an interrupt now. */
static bool hv_x86_ready_for_injection(struct hv_vcpu *vcpu)
{
	return vcpu->arch.queued_irq < 0 &&
	       hv_x86_ops(vcpu)->interrupt_allowed(vcpu);
}

/*
 * The in-kernel irqchip's part of hv_x86_inject_pending(): the TPR into
 * V_TPR, the APIC's NMIs into nmi_pending, then an interrupt if the guest
 * can take one; returns whether one is still waiting for a window.
 */
static bool hv_x86_inject_irqchip(struct hv_vcpu *vcpu)
{
	const struct hv_arch_backend_ops *ops = hv_x86_ops(vcpu);
	struct hv_vcpu_arch *a = &vcpu->arch;
	int vec;

	/*
	 * Whatever asked for HV_REQ_EVENT is looked at now: requests and
	 * IRR are read after vcpu->mode was published (svm_vcpu_run()), so
	 * one posted later kicks the guest out again.
	 */
	hv_test_and_clear_request(vcpu, HV_REQ_EVENT);
	ops->set_cr8(vcpu, hv_lapic_get_cr8(vcpu));
	a->nmi_pending = min(a->nmi_pending +
			     atomic_xchg(&a->apic->nmi_queued, 0), 2U);
	if (ops->nmi_masked(vcpu) && a->nmi_pending > 1)
		a->nmi_pending = 1;
	if (ops->event_pending(vcpu))
		goto window;

	if (a->nmi_pending && ops->nmi_allowed(vcpu)) {
		a->nmi_pending--;
		ops->inject_event(vcpu, HV_X86_EVENT_NMI, 2, false, 0);
	} else if (ops->interrupt_allowed(vcpu)) {
		/*
		 * An interrupt SET_VCPU_EVENTS restored as in delivery was
		 * acknowledged already; then the PIC (KVM's
		 * kvm_cpu_get_interrupt()), then the APIC.
		 */
		if (a->queued_irq >= 0) {
			vec = a->queued_irq;
			a->queued_irq = -1;
		} else if (hv_x86_extint_pending(vcpu)) {
			vec = hv_pic_read_irq(vcpu->vm);
		} else {
			vec = hv_lapic_ack_interrupt(vcpu);
		}
		if (vec >= 0)
			ops->inject_event(vcpu, HV_X86_EVENT_INTR, vec, false, 0);
	}
window:
	if (a->nmi_pending)
		ops->enable_nmi_window(vcpu);
	return a->queued_irq >= 0 || hv_x86_extint_pending(vcpu) ||
	       hv_lapic_has_interrupt(vcpu) >= 0;
}

/**
 * hv_x86_inject_pending - deliver what is queued, or open a window
 * @vcpu: the vCPU, about to enter, interrupts disabled.
 *
 * NMIs first, then the queued interrupt; what cannot be delivered now
 * gets a window exit.  A userspace request for a window gets one too.
 */
void hv_x86_inject_pending(struct hv_vcpu *vcpu)
{
	const struct hv_arch_backend_ops *ops = hv_x86_ops(vcpu);
	struct hv_vcpu_arch *a = &vcpu->arch;

	if (hv_lapic_in_kernel(vcpu)) {
		if (hv_x86_inject_irqchip(vcpu))
			ops->enable_irq_window(vcpu);
		return;
	}

	/* One NMI in service: at most one more is held (KVM's process_nmi()). */
	if (ops->nmi_masked(vcpu) && a->nmi_pending > 1)
		a->nmi_pending = 1;

	/* An event is already on its way (re-injection, VCPU_EVENTS). */
	if (ops->event_pending(vcpu))
		goto windows;

	if (a->nmi_pending && ops->nmi_allowed(vcpu)) {
		a->nmi_pending--;
		ops->inject_event(vcpu, HV_X86_EVENT_NMI, 2, false, 0);
	} else if (a->queued_irq >= 0 && ops->interrupt_allowed(vcpu)) {
		ops->inject_event(vcpu, HV_X86_EVENT_INTR, a->queued_irq,
				  false, 0);
		a->queued_irq = -1;
	}
windows:
	if (a->nmi_pending)
		ops->enable_nmi_window(vcpu);
	if (a->queued_irq >= 0 || READ_ONCE(vcpu->run->request_interrupt_window))
		ops->enable_irq_window(vcpu);
}
EXPORT_SYMBOL_GPL(hv_x86_inject_pending);

/**
 * hv_x86_check_irq_window - after an exit handled in the kernel
 * @vcpu: the vCPU.
 *
 * Return: 0 with HV_EXIT_IRQ_WINDOW_OPEN if userspace asked for a window
 * and may inject now, else 1 (enter the guest again).
 */
int hv_x86_check_irq_window(struct hv_vcpu *vcpu)
{
	/* Only a userspace irqchip asks for windows (KVM). */
	if (hv_irqchip_in_kernel(vcpu->vm) ||
	    !READ_ONCE(vcpu->run->request_interrupt_window) ||
	    !hv_x86_ready_for_injection(vcpu))
		return 1;
	vcpu->run->exit_reason = HV_EXIT_IRQ_WINDOW_OPEN;
	return 0;
}
EXPORT_SYMBOL_GPL(hv_x86_check_irq_window);

/* For hv_arch_vcpu_post_run(); always ready with an in-kernel PIC (KVM). */
void hv_x86_irq_post_run(struct hv_vcpu *vcpu)
{
	vcpu->run->ready_for_interrupt_injection =
		hv_irqchip_in_kernel(vcpu->vm) ||
		hv_x86_ready_for_injection(vcpu);
}

/*
 * HV_INTERRUPT: -EINVAL beyond vector 255.  A second interrupt before the
 * first was delivered replaces it, as KVM does with a userspace irqchip
 * (its -ENXIO is the in-kernel PIC's answer).
 */
static long hv_x86_interrupt(struct hv_vcpu *vcpu,
			     struct hv_interrupt __user *argp)
{
	struct hv_interrupt irq;

	if (copy_from_user(&irq, argp, sizeof(irq)))
		return -EFAULT;
	if (irq.irq >= 256)
		return -EINVAL;
	/* The in-kernel PIC owns external interrupts (KVM's -ENXIO). */
	if (hv_irqchip_in_kernel(vcpu->vm))
		return -ENXIO;
	vcpu->arch.queued_irq = irq.irq;
	return 0;
}

long hv_x86_irq_ioctl(struct hv_vcpu *vcpu, unsigned int cmd,
		      unsigned long arg)
{
	if (cmd == HV_INTERRUPT)
		return hv_x86_interrupt(vcpu, (void __user *)arg);
	/* HV_NMI: NMIs are counted, as KVM's nmi_queued. */
	vcpu->arch.nmi_pending = min(vcpu->arch.nmi_pending + 1, 2U);
	return 0;
}

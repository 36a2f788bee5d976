// SPDX-License-Identifier: GPL-2.0-only
/*
 * The rest of the state a VMM saves, restores and configures per vCPU:
 * XSAVE/XSAVE2, XCRS, DEBUGREGS, VCPU_EVENTS, MP_STATE, SREGS2, the TSC
 * frequency and the signal mask used while in the guest; and the x86 VM
 * ioctls SET_TSS_ADDR / SET_IDENTITY_MAP_ADDR.  Each follows KVM's
 * validation and errno (arch/x86/kvm/x86.c in Linux 6.1).
 */
#define pr_fmt(fmt) "hv: " fmt

#include <linux/math64.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/hv_host.h>
#include <asm/fpu/api.h>
#include <asm/fpu/xcr.h>
#include <asm/fpu/xstate.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>
#include <asm/trapnr.h>
#include <asm/tsc.h>

#include "lapic.h"
#include "x86.h"

/* HV_GET_XSAVE(2): the guest's XSAVE image in KVM's uabi layout. */
static int hv_x86_get_xsave(struct hv_vcpu *vcpu, struct hv_xsave __user *argp,
			    unsigned int size)
{
	void *buf;
	int r = 0;

	buf = kvzalloc(size, GFP_KERNEL_ACCOUNT);
	if (!buf)
		return -ENOMEM;
	fpu_copy_guest_fpstate_to_uabi(&vcpu->arch.guest_fpu, buf, size,
				       hv_x86_supported_xcr0(), 0);
	if (copy_to_user(argp, buf, size))
		r = -EFAULT;
	kvfree(buf);
	return r;
}

static int hv_x86_set_xsave(struct hv_vcpu *vcpu, struct hv_xsave __user *argp)
{
	struct hv_xsave *xsave;
	u32 pkru = 0;
	int r;

	xsave = memdup_user(argp, sizeof(*xsave));
	if (IS_ERR(xsave))
		return PTR_ERR(xsave);
	r = fpu_copy_uabi_to_guest_fpstate(&vcpu->arch.guest_fpu, xsave->region,
					   hv_x86_supported_xcr0(), &pkru);
	kfree(xsave);
	return r ? -EINVAL : 0;
}

/* Size HV_CAP_XSAVE2 reports and HV_GET_XSAVE2 writes. */
long hv_x86_xsave2_size(void)
{
	return sizeof(struct hv_xsave);
}

static int hv_x86_get_xcrs(struct hv_vcpu *vcpu, struct hv_xcrs __user *argp)
{
	struct hv_xcrs xcrs;

	memset(&xcrs, 0, sizeof(xcrs));
	xcrs.nr_xcrs = 1;
	xcrs.xcrs[0].xcr = XCR_XFEATURE_ENABLED_MASK;
	xcrs.xcrs[0].value = vcpu->arch.xcr0;
	return copy_to_user(argp, &xcrs, sizeof(xcrs)) ? -EFAULT : 0;
}

/* SDM XSETBV rules, against what the vCPU's CPUID allows. */
bool hv_x86_valid_xcr0(struct hv_vcpu *vcpu, u64 xcr0)
{
	if (!(xcr0 & XFEATURE_MASK_FP))
		return false;
	if ((xcr0 & XFEATURE_MASK_YMM) && !(xcr0 & XFEATURE_MASK_SSE))
		return false;
	if ((xcr0 & XFEATURE_MASK_AVX512) &&
	    (xcr0 & XFEATURE_MASK_AVX512) != XFEATURE_MASK_AVX512)
		return false;
	if ((xcr0 & XFEATURE_MASK_AVX512) && !(xcr0 & XFEATURE_MASK_YMM))
		return false;
	return !(xcr0 & ~hv_x86_guest_xcr0_allowed(vcpu));
}
EXPORT_SYMBOL_GPL(hv_x86_valid_xcr0);

static int hv_x86_set_xcrs(struct hv_vcpu *vcpu, struct hv_xcrs __user *argp)
{
	struct hv_xcrs xcrs;
	u32 i;

	if (copy_from_user(&xcrs, argp, sizeof(xcrs)))
		return -EFAULT;
	if (xcrs.nr_xcrs > HV_MAX_XCRS || xcrs.flags)
		return -EINVAL;
	for (i = 0; i < xcrs.nr_xcrs; i++) {
		if (xcrs.xcrs[i].xcr != XCR_XFEATURE_ENABLED_MASK)
			continue;
		if (!hv_x86_valid_xcr0(vcpu, xcrs.xcrs[i].value))
			return -EINVAL;
		vcpu->arch.xcr0 = xcrs.xcrs[i].value;
		break;
	}
	return 0;
}

static int hv_x86_get_debugregs(struct hv_vcpu *vcpu,
				struct hv_debugregs __user *argp)
{
	struct hv_debugregs dbg;

	memset(&dbg, 0, sizeof(dbg));
	hv_x86_ops(vcpu)->get_debugregs(vcpu, &dbg);
	return copy_to_user(argp, &dbg, sizeof(dbg)) ? -EFAULT : 0;
}

static int hv_x86_set_debugregs(struct hv_vcpu *vcpu,
				struct hv_debugregs __user *argp)
{
	struct hv_debugregs dbg;

	if (copy_from_user(&dbg, argp, sizeof(dbg)))
		return -EFAULT;
	/* DR6 and DR7 are 32-bit registers (SDM 17.2). */
	if (dbg.flags || (dbg.dr6 >> 32) || (dbg.dr7 >> 32))
		return -EINVAL;
	hv_x86_ops(vcpu)->set_debugregs(vcpu, &dbg);
	return 0;
}

/*
 * Events, as KVM reports and restores them without
 * HV_CAP_EXCEPTION_PAYLOAD (kvm_vcpu_ioctl_x86_{get,set}_vcpu_events() in
 * Linux 6.1): the event the backend delivers at the next entry (given by
 * SET_VCPU_EVENTS, raised by hv, or re-injected after an exit interrupted
 * its delivery), the interrupt queued by HV_INTERRUPT, pending NMIs and
 * NMI masking, the interrupt shadow.  hv has no SMM: VALID_SMM is
 * accepted with all SMM fields 0 (as KVM built without SMM); payloads and
 * triple-fault events need capabilities hv does not offer.
 */
#define HV_VCPUEVENT_VALID	(HV_VCPUEVENT_VALID_NMI_PENDING |	\
				 HV_VCPUEVENT_VALID_SIPI_VECTOR |	\
				 HV_VCPUEVENT_VALID_SHADOW |		\
				 HV_VCPUEVENT_VALID_SMM)

/*
 * #BP and #OF come from INT3/INTO, whose length the ABI cannot carry:
 * like KVM, report them as neither injected nor pending; the guest
 * executes the instruction again.
 */
static bool hv_exception_is_soft(u8 vector)
{
	return vector == X86_TRAP_BP || vector == X86_TRAP_OF;
}

static int hv_x86_get_vcpu_events(struct hv_vcpu *vcpu,
				  struct hv_vcpu_events __user *argp)
{
	const struct hv_arch_backend_ops *ops = hv_x86_ops(vcpu);
	struct hv_vcpu_events ev;
	struct hv_x86_event e;

	memset(&ev, 0, sizeof(ev));
	/* NMIs the in-kernel APIC received count too (KVM's process_nmi()). */
	if (vcpu->arch.apic)
		vcpu->arch.nmi_pending =
			min(vcpu->arch.nmi_pending +
			    atomic_xchg(&vcpu->arch.apic->nmi_queued, 0), 2U);
	if (vcpu->arch.queued_irq >= 0) {
		ev.interrupt.injected = 1;
		ev.interrupt.nr = vcpu->arch.queued_irq;
	}
	if (ops->get_event(vcpu, &e)) {
		switch (e.type) {
		case HV_X86_EVENT_EXCEPTION:
			/* KVM conflates pending and injected here. */
			ev.exception.injected = !hv_exception_is_soft(e.vector);
			ev.exception.nr = e.vector;
			ev.exception.has_error_code = e.has_error;
			ev.exception.error_code = e.error_code;
			break;
		case HV_X86_EVENT_NMI:
			ev.nmi.injected = 1;
			break;
		case HV_X86_EVENT_INTR:
			ev.interrupt.injected = 1;
			ev.interrupt.nr = e.vector;
			break;
		default:	/* software interrupts are not re-injected */
			break;
		}
	}
	ev.interrupt.shadow = ops->get_interrupt_shadow(vcpu);
	ev.nmi.pending = !!vcpu->arch.nmi_pending;
	ev.nmi.masked = ops->nmi_masked(vcpu);
	ev.flags = HV_VCPUEVENT_VALID_NMI_PENDING | HV_VCPUEVENT_VALID_SHADOW |
		   HV_VCPUEVENT_VALID_SMM;
	return copy_to_user(argp, &ev, sizeof(ev)) ? -EFAULT : 0;
}

static int hv_x86_set_vcpu_events(struct hv_vcpu *vcpu,
				  struct hv_vcpu_events __user *argp)
{
	const struct hv_arch_backend_ops *ops = hv_x86_ops(vcpu);
	struct hv_vcpu_events ev;

	if (copy_from_user(&ev, argp, sizeof(ev)))
		return -EFAULT;
	if (ev.flags & ~HV_VCPUEVENT_VALID)
		return -EINVAL;
	/* Without VALID_PAYLOAD "pending" is not part of the ABI: ignored. */
	ev.exception.pending = 0;
	/* Vectors 0-31 are exceptions; NMI (2) has its own field. */
	if (ev.exception.injected &&
	    (ev.exception.nr > 31 || ev.exception.nr == 2))
		return -EINVAL;
	if ((ev.flags & HV_VCPUEVENT_VALID_SMM) &&
	    (ev.smi.smm || ev.smi.pending || ev.smi.smm_inside_nmi))
		return -EINVAL;

	/* The events given replace whatever was to be delivered. */
	ops->cancel_event(vcpu);
	if (ev.exception.injected)
		ops->inject_event(vcpu, HV_X86_EVENT_EXCEPTION, ev.exception.nr,
				  ev.exception.has_error_code,
				  ev.exception.error_code);
	if (ev.flags & HV_VCPUEVENT_VALID_SHADOW)
		ops->set_interrupt_shadow(vcpu, ev.interrupt.shadow);
	if (ev.flags & HV_VCPUEVENT_VALID_NMI_PENDING)
		vcpu->arch.nmi_pending = !!ev.nmi.pending;
	ops->set_nmi_masked(vcpu, ev.nmi.masked);
	/*
	 * An NMI being delivered: again at the next entry, or after the
	 * exception if there is one.  Injection masks NMIs (SDM 6.7.1).
	 */
	if (ev.nmi.injected) {
		if (ev.exception.injected)
			vcpu->arch.nmi_pending = min(vcpu->arch.nmi_pending + 1,
						     2U);
		else
			ops->inject_event(vcpu, HV_X86_EVENT_NMI, 2, false, 0);
	}
	/* A software interrupt's instruction runs again: not queued. */
	/* The vector a later SIPI_RECEIVED MP state uses (KVM). */
	if ((ev.flags & HV_VCPUEVENT_VALID_SIPI_VECTOR) && vcpu->arch.apic)
		vcpu->arch.apic->sipi_vector = ev.sipi_vector;
	vcpu->arch.queued_irq = ev.interrupt.injected && !ev.interrupt.soft ?
				ev.interrupt.nr : -1;
	return 0;
}

/*
 * Without an in-kernel local APIC a vCPU is always RUNNABLE, as on KVM.
 * With one, GET first acts on a received INIT/SIPI; SET accepts the
 * states of an x86 CPU (KVM's kvm_arch_vcpu_ioctl_set_mpstate(); no
 * SEV-ES AP_RESET_HOLD), SIPI_RECEIVED meaning "INIT_RECEIVED with the
 * last SIPI vector pending".
 */
static int hv_x86_mp_state(struct hv_vcpu *vcpu, bool set,
			   struct hv_mp_state __user *argp)
{
	struct hv_lapic *apic = vcpu->arch.apic;
	struct hv_mp_state mp = { .mp_state = HV_MP_STATE_RUNNABLE };

	if (!set) {
		if (apic) {
			hv_lapic_accept_events(vcpu);
			mp.mp_state = vcpu->arch.mp_state;
		}
		return copy_to_user(argp, &mp, sizeof(mp)) ? -EFAULT : 0;
	}
	if (copy_from_user(&mp, argp, sizeof(mp)))
		return -EFAULT;
	switch (mp.mp_state) {
	case HV_MP_STATE_RUNNABLE:
		break;
	case HV_MP_STATE_UNINITIALIZED:
	case HV_MP_STATE_HALTED:
	case HV_MP_STATE_INIT_RECEIVED:
	case HV_MP_STATE_SIPI_RECEIVED:
		if (!apic)
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	if (mp.mp_state == HV_MP_STATE_SIPI_RECEIVED) {
		vcpu->arch.mp_state = HV_MP_STATE_INIT_RECEIVED;
		set_bit(HV_LAPIC_SIPI, &apic->pending_events);
	} else {
		WRITE_ONCE(vcpu->arch.mp_state, mp.mp_state);
	}
	set_bit(HV_REQ_EVENT, &vcpu->requests);
	return 0;
}

static void hv_sregs2_to_sregs(const struct hv_sregs2 *s2, struct hv_sregs *s)
{
	memset(s, 0, sizeof(*s));
	s->cs = s2->cs;
	s->ds = s2->ds;
	s->es = s2->es;
	s->fs = s2->fs;
	s->gs = s2->gs;
	s->ss = s2->ss;
	s->tr = s2->tr;
	s->ldt = s2->ldt;
	s->gdt = s2->gdt;
	s->idt = s2->idt;
	s->cr0 = s2->cr0;
	s->cr2 = s2->cr2;
	s->cr3 = s2->cr3;
	s->cr4 = s2->cr4;
	s->cr8 = s2->cr8;
	s->efer = s2->efer;
	s->apic_base = s2->apic_base;
}

static int hv_x86_get_sregs2(struct hv_vcpu *vcpu, struct hv_sregs2 __user *argp)
{
	struct hv_sregs2 s2;
	struct hv_sregs s;

	hv_x86_read_sregs(vcpu, &s);
	memset(&s2, 0, sizeof(s2));
	s2.cs = s.cs;
	s2.ds = s.ds;
	s2.es = s.es;
	s2.fs = s.fs;
	s2.gs = s.gs;
	s2.ss = s.ss;
	s2.tr = s.tr;
	s2.ldt = s.ldt;
	s2.gdt = s.gdt;
	s2.idt = s.idt;
	s2.cr0 = s.cr0;
	s2.cr2 = s.cr2;
	s2.cr3 = s.cr3;
	s2.cr4 = s.cr4;
	s2.cr8 = s.cr8;
	s2.efer = s.efer;
	s2.apic_base = s.apic_base;
	/* Nested paging reloads PDPTEs from CR3: none are cached to report. */
	return copy_to_user(argp, &s2, sizeof(s2)) ? -EFAULT : 0;
}

static int hv_x86_set_sregs2(struct hv_vcpu *vcpu, struct hv_sregs2 __user *argp)
{
	struct hv_sregs2 s2;
	struct hv_sregs s;

	if (copy_from_user(&s2, argp, sizeof(s2)))
		return -EFAULT;
	if (s2.flags & ~HV_SREGS2_FLAGS_PDPTRS_VALID)
		return -EINVAL;
	/* PDPTRs exist only under PAE paging (KVM's __set_sregs2()). */
	if ((s2.flags & HV_SREGS2_FLAGS_PDPTRS_VALID) &&
	    !((s2.cr0 & X86_CR0_PG) && (s2.cr4 & X86_CR4_PAE) &&
	      !(s2.efer & EFER_LMA)))
		return -EINVAL;
	hv_sregs2_to_sregs(&s2, &s);
	return hv_x86_apply_sregs(vcpu, &s);
}

/*
 * HV_SET_TSC_KHZ, as KVM on a CPU without TSC scaling (kvm_set_tsc_khz()
 * and set_tsc_khz() in Linux 6.1); hv never uses the TSC ratio MSR (APM
 * 15.30.5).  The argument is a u32 (KVM truncates it), 0 meaning the
 * host's rate.  Within 250 ppm of the host's rate (KVM's default
 * tsc_tolerance_ppm) the guest's TSC simply runs at the host's; slower
 * cannot be done without scaling and is -EINVAL, as is every rate if the
 * host's is unknown.  Faster is KVM's "catch-up" mode: the TSC still
 * counts at the host's rate while the guest runs, and before each entry
 * hv moves it forward to where the set rate would have brought it since
 * it was last written (hv_x86_tsc_catchup()).  GET_TSC_KHZ reports the
 * rate set.
 */
#define HV_TSC_TOLERANCE_PPM	250

static u64 hv_tsc_khz_adjust(s32 ppm)
{
	return div_u64((u64)tsc_khz * (1000000 + ppm), 1000000);
}

static int hv_x86_set_tsc_khz(struct hv_vcpu *vcpu, unsigned long arg)
{
	u32 khz = (u32)arg ?: tsc_khz;

	if (!khz || khz < hv_tsc_khz_adjust(-HV_TSC_TOLERANCE_PPM))
		return -EINVAL;
	vcpu->arch.tsc_khz = khz;
	vcpu->arch.tsc_catchup = khz > hv_tsc_khz_adjust(HV_TSC_TOLERANCE_PPM);
	hv_x86_tsc_rebase(vcpu);
	return 0;
}

/**
 * hv_x86_tsc_rebase - count the guest's TSC at the set rate from now
 * @vcpu: the vCPU; its TSC was just written, or the rate just set.
 */
void hv_x86_tsc_rebase(struct hv_vcpu *vcpu)
{
	struct hv_vcpu_arch *a = &vcpu->arch;

	if (!a->tsc_catchup)
		return;
	a->tsc_base_host = rdtsc();
	if (hv_x86_ops(vcpu)->get_msr(vcpu, MSR_IA32_TSC, &a->tsc_base_guest))
		a->tsc_catchup = false;
}

/**
 * hv_x86_tsc_catchup - move a faster guest TSC to where its rate says
 * @vcpu: the vCPU, about to enter, interrupts disabled.
 *
 * A backend calls it before every entry.  The TSC only ever moves
 * forward, as in KVM's kvm_guest_time_update().
 */
void hv_x86_tsc_catchup(struct hv_vcpu *vcpu)
{
	const struct hv_arch_backend_ops *ops = hv_x86_ops(vcpu);
	struct hv_vcpu_arch *a = &vcpu->arch;
	u64 target, cur;

	if (!a->tsc_catchup)
		return;
	target = a->tsc_base_guest +
		 mul_u64_u32_div(rdtsc() - a->tsc_base_host, a->tsc_khz,
				 tsc_khz);
	if (ops->get_msr(vcpu, MSR_IA32_TSC, &cur) || (s64)(target - cur) <= 0)
		return;
	ops->set_msr(vcpu, MSR_IA32_TSC, target, true);
}
EXPORT_SYMBOL_GPL(hv_x86_tsc_catchup);

/*
 * HV_SET_VAPIC_ADDR: KVM's TPR shadow page for guests whose option ROM
 * (QEMU's kvmvapic) patched their TPR accesses, which needs TPR access
 * exits (HV_CAP_VAPIC).  hv has neither, so the only address it takes is
 * 0, "no page": QEMU sets that at every reset of an in-kernel APIC and
 * aborts if it fails.  -EINVAL without the in-kernel APIC, as KVM.
 */
static long hv_x86_set_vapic_addr(struct hv_vcpu *vcpu,
				  struct hv_vapic_addr __user *argp)
{
	struct hv_vapic_addr va;

	if (!vcpu->arch.apic)
		return -EINVAL;
	if (copy_from_user(&va, argp, sizeof(va)))
		return -EFAULT;
	return va.vapic_addr ? -EINVAL : 0;
}

long hv_x86_save_ioctl(struct hv_vcpu *vcpu, unsigned int cmd,
		       unsigned long arg)
{
	void __user *argp = (void __user *)arg;

	switch (cmd) {
	case HV_GET_XSAVE:
		return hv_x86_get_xsave(vcpu, argp, sizeof(struct hv_xsave));
	case HV_GET_XSAVE2:
		return hv_x86_get_xsave(vcpu, argp, hv_x86_xsave2_size());
	case HV_SET_XSAVE:
		return hv_x86_set_xsave(vcpu, argp);
	case HV_GET_XCRS:
		return hv_x86_get_xcrs(vcpu, argp);
	case HV_SET_XCRS:
		return hv_x86_set_xcrs(vcpu, argp);
	case HV_GET_DEBUGREGS:
		return hv_x86_get_debugregs(vcpu, argp);
	case HV_SET_DEBUGREGS:
		return hv_x86_set_debugregs(vcpu, argp);
	case HV_GET_VCPU_EVENTS:
		return hv_x86_get_vcpu_events(vcpu, argp);
	case HV_SET_VCPU_EVENTS:
		return hv_x86_set_vcpu_events(vcpu, argp);
	case HV_GET_LAPIC:
	case HV_SET_LAPIC:
		return hv_lapic_ioctl(vcpu, cmd, argp);
	case HV_GET_MP_STATE:
		return hv_x86_mp_state(vcpu, false, argp);
	case HV_SET_MP_STATE:
		return hv_x86_mp_state(vcpu, true, argp);
	case HV_GET_SREGS2:
		return hv_x86_get_sregs2(vcpu, argp);
	case HV_SET_SREGS2:
		return hv_x86_set_sregs2(vcpu, argp);
	case HV_GET_TSC_KHZ:
		return vcpu->arch.tsc_khz ?: tsc_khz;
	case HV_SET_TSC_KHZ:
		return hv_x86_set_tsc_khz(vcpu, arg);
	case HV_SET_VAPIC_ADDR:
		return hv_x86_set_vapic_addr(vcpu, argp);
	default:
		return -EINVAL;
	}
}

/* KVM_MIN_ALLOC_MMU_PAGES: a smaller SET_NR_MMU_PAGES is -EINVAL. */
#define HV_MIN_MMU_PAGES	64

/* x86 VM ioctls (KVM's kvm_arch_vm_ioctl). */
long hv_arch_vm_ioctl(struct hv_vm *vm, unsigned int cmd, unsigned long arg)
{
	u64 ident;

	switch (cmd) {
	case HV_SET_NR_MMU_PAGES:
		/* KVM's selftests call it before running any guest. */
		if (arg < HV_MIN_MMU_PAGES)
			return -EINVAL;
		mutex_lock(&vm->lock);
		vm->arch.nr_mmu_pages = arg;
		mutex_unlock(&vm->lock);
		return 0;
	case HV_GET_NR_MMU_PAGES:
		return READ_ONCE(vm->arch.nr_mmu_pages);
	case HV_SET_TSS_ADDR:
		/*
		 * Only VMX without unrestricted guests needs this TSS; AMD-V
		 * runs real mode natively.  KVM's range check is kept.
		 */
		if (arg > (unsigned int)(-3 * PAGE_SIZE))
			return -EINVAL;
		return 0;
	case HV_SET_IDENTITY_MAP_ADDR:
		if (copy_from_user(&ident, (void __user *)arg, sizeof(ident)))
			return -EFAULT;
		return atomic_read(&vm->nr_vcpus) ? -EINVAL : 0;
	default:
		/* The irqchip, PIT and clock (x86_irqchip.c). */
		return hv_x86_irqchip_vm_ioctl(vm, cmd, arg);
	}
}

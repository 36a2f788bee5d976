// SPDX-License-Identifier: GPL-2.0-only
/*
 * AMD-V vCPUs: the VMCB, its state as seen by userspace, ASIDs, and the
 * guest entry with the host state that VMRUN does not switch.
 * References: AMD64 APM Vol. 2 (rev. 3.42), chapter 15.
 */
#define pr_fmt(fmt) "hv-amd: " fmt

#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <asm/debugreg.h>
#include <asm/fpu/api.h>
#include <asm/fpu/xcr.h>
#include <asm/hw_breakpoint.h>
#include <asm/io.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>
#include <asm/special_insns.h>

#include "svm.h"
#include "svm_cpu.h"

/* Guest PAT at reset, SDM 11.12.4 / APM 7.8.2. */
#define SVM_PAT_RESET		0x0007040600070406ULL
/* An exit code no hardware exit has: VMRUN faulted (SVM was turned off). */
#define SVM_EXIT_NONE		0xdead0000U

static u16 svm_attrib(const struct hv_segment *s)
{
	u16 a = s->type & SVM_SEG_TYPE_MASK;

	a |= s->s ? SVM_SEG_S : 0;
	a |= (s->dpl & 3) << SVM_SEG_DPL_SHIFT;
	a |= (s->present && !s->unusable) ? SVM_SEG_P : 0;
	a |= s->avl ? SVM_SEG_AVL : 0;
	a |= s->l ? SVM_SEG_L : 0;
	a |= s->db ? SVM_SEG_DB : 0;
	a |= s->g ? SVM_SEG_G : 0;
	return a;
}

static void svm_seg_set(struct vmcb_seg *v, const struct hv_segment *s)
{
	v->selector = s->selector;
	v->attrib = svm_attrib(s);
	v->limit = s->limit;
	v->base = s->base;
}

static void svm_seg_get(const struct vmcb_seg *v, struct hv_segment *s)
{
	s->base = v->base;
	s->limit = v->limit;
	s->selector = v->selector;
	s->type = v->attrib & SVM_SEG_TYPE_MASK;
	s->s = !!(v->attrib & SVM_SEG_S);
	s->dpl = (v->attrib >> SVM_SEG_DPL_SHIFT) & 3;
	s->present = !!(v->attrib & SVM_SEG_P);
	s->avl = !!(v->attrib & SVM_SEG_AVL);
	s->l = !!(v->attrib & SVM_SEG_L);
	s->db = !!(v->attrib & SVM_SEG_DB);
	s->g = !!(v->attrib & SVM_SEG_G);
	s->unusable = !s->present;
}

void svm_get_sregs(struct hv_vcpu *vcpu, struct hv_sregs *s)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	struct vmcb_save *save = &svm->vmcb->save;

	svm_seg_get(&save->cs, &s->cs);
	svm_seg_get(&save->ds, &s->ds);
	svm_seg_get(&save->es, &s->es);
	svm_seg_get(&save->fs, &s->fs);
	svm_seg_get(&save->gs, &s->gs);
	svm_seg_get(&save->ss, &s->ss);
	svm_seg_get(&save->tr, &s->tr);
	svm_seg_get(&save->ldtr, &s->ldt);
	s->gdt.base = save->gdtr.base;
	s->gdt.limit = save->gdtr.limit;
	s->idt.base = save->idtr.base;
	s->idt.limit = save->idtr.limit;
	s->cr0 = save->cr0;
	s->cr2 = save->cr2;
	s->cr3 = save->cr3;
	s->cr4 = save->cr4;
	s->cr8 = svm->vmcb->control.int_ctl & 0xf;	/* V_TPR */
	s->efer = save->efer & ~EFER_SVME;
	s->apic_base = vcpu->arch.apic_base;
}

void svm_set_sregs(struct hv_vcpu *vcpu, const struct hv_sregs *s)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	struct vmcb_save *save = &svm->vmcb->save;

	svm_seg_set(&save->cs, &s->cs);
	svm_seg_set(&save->ds, &s->ds);
	svm_seg_set(&save->es, &s->es);
	svm_seg_set(&save->fs, &s->fs);
	svm_seg_set(&save->gs, &s->gs);
	svm_seg_set(&save->ss, &s->ss);
	svm_seg_set(&save->tr, &s->tr);
	svm_seg_set(&save->ldtr, &s->ldt);
	save->gdtr.base = s->gdt.base;
	save->gdtr.limit = s->gdt.limit;
	save->idtr.base = s->idt.base;
	save->idtr.limit = s->idt.limit;
	/* APM 15.5.1: VMRUN takes CPL from here; it equals SS.DPL. */
	save->cpl = s->ss.dpl & 3;
	save->cr0 = s->cr0;
	save->cr2 = s->cr2;
	save->cr3 = s->cr3;
	save->cr4 = s->cr4;
	svm->vmcb->control.int_ctl = (svm->vmcb->control.int_ctl & ~0xfULL) |
				     (s->cr8 & 0xf);
	/* EFER.SVME must be set in the guest's EFER (APM 15.5.1). */
	save->efer = s->efer | EFER_SVME;
	vcpu->arch.apic_base = s->apic_base;
}

/* EFER bits a guest may set; it has no SVM, LMSLE or TCE (APM 3.1.7). */
#define SVM_GUEST_EFER	(EFER_SCE | EFER_LME | EFER_NX | EFER_FFXSR)

/* SDM 11.12.2: PAT entries may hold memory types 0, 1, 4, 5, 6, 7. */
static bool svm_valid_pat(u64 pat)
{
	int i;

	for (i = 0; i < 8; i++) {
		u8 type = pat >> (i * 8);

		if (type > 7 || type == 2 || type == 3)
			return false;
	}
	return true;
}

/* The MSRs held in the VMCB (APM 15.5.2), for hv_x86_get_msr(). */
int svm_get_msr(struct hv_vcpu *vcpu, u32 msr, u64 *data)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	struct vmcb_save *s = &svm->vmcb->save;

	switch (msr) {
	case MSR_EFER:
		*data = s->efer & ~EFER_SVME;
		break;
	case MSR_IA32_CR_PAT:
		*data = s->g_pat;
		break;
	case MSR_STAR:
		*data = s->star;
		break;
	case MSR_LSTAR:
		*data = s->lstar;
		break;
	case MSR_CSTAR:
		*data = s->cstar;
		break;
	case MSR_SYSCALL_MASK:
		*data = s->sfmask;
		break;
	case MSR_KERNEL_GS_BASE:
		*data = s->kernel_gs_base;
		break;
	case MSR_IA32_SYSENTER_CS:
		*data = s->sysenter_cs;
		break;
	case MSR_IA32_SYSENTER_ESP:
		*data = s->sysenter_esp;
		break;
	case MSR_IA32_SYSENTER_EIP:
		*data = s->sysenter_eip;
		break;
	case MSR_FS_BASE:
		*data = s->fs.base;
		break;
	case MSR_GS_BASE:
		*data = s->gs.base;
		break;
	case MSR_IA32_TSC:
		*data = rdtsc() + svm->vmcb->control.tsc_offset;
		break;
	default:
		return -ENOENT;
	}
	return 0;
}

int svm_set_msr(struct hv_vcpu *vcpu, u32 msr, u64 data, bool host)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	struct vmcb_save *s = &svm->vmcb->save;

	switch (msr) {
	case MSR_EFER:
		if (data & ~(SVM_GUEST_EFER | EFER_LMA))
			return -EINVAL;
		/* The guest may not flip LME with paging on (APM 14.6.1). */
		if (!host && (s->cr0 & X86_CR0_PG) &&
		    ((data ^ s->efer) & EFER_LME))
			return -EINVAL;
		/*
		 * LMA is not written through the MSR, by the guest or by
		 * userspace (KVM's set_efer() keeps it too): it follows
		 * CR0.PG, and userspace sets it with SET_SREGS, which checks
		 * it against CR0 and CS.
		 */
		s->efer = (data & SVM_GUEST_EFER) | (s->efer & EFER_LMA) |
			  EFER_SVME;
		break;
	case MSR_IA32_CR_PAT:
		if (!svm_valid_pat(data))
			return -EINVAL;
		s->g_pat = data;
		break;
	case MSR_STAR:
		s->star = data;
		break;
	case MSR_LSTAR:
		s->lstar = data;
		break;
	case MSR_CSTAR:
		s->cstar = data;
		break;
	case MSR_SYSCALL_MASK:
		s->sfmask = data;
		break;
	case MSR_KERNEL_GS_BASE:
		s->kernel_gs_base = data;
		break;
	case MSR_IA32_SYSENTER_CS:
		s->sysenter_cs = data;
		break;
	case MSR_IA32_SYSENTER_ESP:
		s->sysenter_esp = data;
		break;
	case MSR_IA32_SYSENTER_EIP:
		s->sysenter_eip = data;
		break;
	case MSR_FS_BASE:
		s->fs.base = data;
		break;
	case MSR_GS_BASE:
		s->gs.base = data;
		break;
	case MSR_IA32_TSC:
		/* The guest's TSC is the host's plus this offset. */
		svm->vmcb->control.tsc_offset = data - rdtsc();
		break;
	default:
		return -ENOENT;
	}
	return 0;
}

void svm_inject_event(struct hv_vcpu *vcpu, enum hv_x86_event_type type,
		      u8 vector, bool has_error, u32 error_code)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	u64 inj = vector | ((u64)type << 8) | SVM_EVTINJ_VALID;

	if (has_error)
		inj |= SVM_EVTINJ_VALID_ERR | ((u64)error_code << 32);
	svm->vmcb->control.event_inj = inj;
	if (type == HV_X86_EVENT_NMI) {
		/* Block NMIs until the handler's IRET (SDM 6.7.1). */
		svm->nmi_masked = true;
		svm->nmi_iret_seen = false;
		svm->vmcb->control.intercept_misc1 |= SVM_INTERCEPT_IRET;
	}
}

bool svm_event_pending(struct hv_vcpu *vcpu)
{
	return to_svm(vcpu)->vmcb->control.event_inj & SVM_EVTINJ_VALID;
}

/*
 * EVENTINJ (APM 15.20) holds both what inject_event set and what
 * svm_complete_events() copied from EXITINTINFO, in the same format.
 */
bool svm_get_event(struct hv_vcpu *vcpu, struct hv_x86_event *ev)
{
	u64 inj = to_svm(vcpu)->vmcb->control.event_inj;

	if (!(inj & SVM_EVTINJ_VALID))
		return false;
	ev->type = (inj & SVM_EVTINJ_TYPE_MASK) >> SVM_EVTINJ_TYPE_SHIFT;
	ev->vector = inj & 0xff;
	ev->has_error = inj & SVM_EVTINJ_VALID_ERR;
	ev->error_code = inj >> 32;
	return true;
}

void svm_cancel_event(struct hv_vcpu *vcpu)
{
	to_svm(vcpu)->vmcb->control.event_inj = 0;
}

/* APM 15.21: an external interrupt needs RFLAGS.IF and no shadow. */
bool svm_interrupt_allowed(struct hv_vcpu *vcpu)
{
	struct vmcb_control *c = &to_svm(vcpu)->vmcb->control;

	return (vcpu->arch.rflags & X86_EFLAGS_IF) &&
	       !(c->int_state & SVM_INTERRUPT_SHADOW) &&
	       !(c->event_inj & SVM_EVTINJ_VALID);
}

bool svm_nmi_allowed(struct hv_vcpu *vcpu)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	struct vmcb_control *c = &svm->vmcb->control;

	return !svm->nmi_masked && !(c->int_state & SVM_INTERRUPT_SHADOW) &&
	       !(c->event_inj & SVM_EVTINJ_VALID);
}

bool svm_nmi_masked(struct hv_vcpu *vcpu)
{
	return to_svm(vcpu)->nmi_masked;
}

/* Masked: wait for the handler's IRET as after an injected NMI. */
void svm_set_nmi_masked(struct hv_vcpu *vcpu, bool masked)
{
	struct svm_vcpu *svm = to_svm(vcpu);

	if (masked == svm->nmi_masked)
		return;
	svm->nmi_masked = masked;
	svm->nmi_iret_seen = false;
	if (masked)
		svm->vmcb->control.intercept_misc1 |= SVM_INTERCEPT_IRET;
	else
		svm->vmcb->control.intercept_misc1 &= ~SVM_INTERCEPT_IRET;
}

/*
 * APM 15.21.4: a virtual interrupt (V_IRQ) with the VINTR intercept set
 * exits as soon as the guest could take it; it is never delivered.
 */
void svm_enable_irq_window(struct hv_vcpu *vcpu)
{
	struct vmcb_control *c = &to_svm(vcpu)->vmcb->control;

	c->int_ctl |= SVM_V_IRQ | SVM_V_IGN_TPR |
		      (0xfULL << SVM_V_INTR_PRIO_SHIFT);
	c->intercept_misc1 |= SVM_INTERCEPT_VINTR;
}

/*
 * An NMI held by a running handler waits for the IRET intercept (set at
 * injection); one held by an interrupt shadow takes the next interrupt
 * window, a simplification: the shadow lasts one instruction.
 */
void svm_enable_nmi_window(struct hv_vcpu *vcpu)
{
	if (!to_svm(vcpu)->nmi_masked)
		svm_enable_irq_window(vcpu);
}

/*
 * After an exit: re-deliver an event whose delivery the exit interrupted
 * (EXITINTINFO, APM 15.7.2), except software interrupts, which their
 * instruction raises again; drop the window request (armed again at the
 * next entry if still needed); unmask NMIs once past the handler's IRET.
 */
static void svm_complete_events(struct svm_vcpu *svm)
{
	struct vmcb_control *c = &svm->vmcb->control;
	u64 info = c->exit_int_info;
	u32 type = (info & SVM_EVTINJ_TYPE_MASK) >> SVM_EVTINJ_TYPE_SHIFT;

	c->event_inj = 0;
	if (svm->virq_injected && (c->int_ctl & SVM_V_IRQ)) {
		/*
		 * svm_intr_to_virq()'s interrupt was not taken (the CPU
		 * clears V_IRQ when it takes it, APM 15.21.4), or its
		 * delivery was cut short: inject it again.  Nothing else
		 * can have been in delivery, so EXITINTINFO, if valid,
		 * names this one; QEMU's TCG reports it as an exception.
		 */
		c->event_inj = SVM_EVTINJ_VALID |
			       (c->int_ctl & SVM_V_INTR_VECTOR_MASK) >>
			       SVM_V_INTR_VECTOR_SHIFT;
	} else if ((info & SVM_EVTINJ_VALID) &&
		   (type == HV_X86_EVENT_INTR || type == HV_X86_EVENT_NMI ||
		    type == HV_X86_EVENT_EXCEPTION)) {
		c->event_inj = info;
	}
	svm->virq_injected = false;
	c->int_ctl &= ~(SVM_V_IRQ | SVM_V_IGN_TPR | SVM_V_INTR_VECTOR_MASK |
			(0xfULL << SVM_V_INTR_PRIO_SHIFT));
	c->intercept_misc1 &= ~SVM_INTERCEPT_VINTR;
	if (svm->nmi_iret_seen && svm->vcpu.arch.rip != svm->nmi_iret_rip) {
		svm->nmi_masked = false;
		svm->nmi_iret_seen = false;
	}
}

/*
 * An external interrupt that the guest can take now (RFLAGS.IF set, no
 * interrupt shadow: when hv_x86_inject_pending() injects one) enters as
 * a virtual interrupt, V_IRQ with its vector, highest priority and TPR
 * ignored (APM 15.21.4), instead of through EVENTINJ.  The guest sees no
 * difference: the CPU takes it before the first guest instruction, as
 * it would deliver EVENTINJ, and svm_complete_events() injects it again
 * if an exit came first.  The reason is QEMU's TCG, the CPU of the
 * x86-svm test host: its VMRUN delivers an EVENTINJ interrupt but leaves
 * it behind as a pending exception (helper_vmrun(), QEMU 7.2), which it
 * delivers a second time if the CPU is kicked before the guest's next
 * exit; its V_IRQ path has no such leftover.  A re-injection with IF
 * clear, or an entry that needs V_IRQ for an interrupt window, keeps
 * EVENTINJ.
 */
static void svm_intr_to_virq(struct svm_vcpu *svm)
{
	struct vmcb_control *c = &svm->vmcb->control;
	u64 inj = c->event_inj;

	if (!(inj & SVM_EVTINJ_VALID) ||
	    (inj & SVM_EVTINJ_TYPE_MASK) != HV_X86_EVENT_INTR ||
	    (c->intercept_misc1 & SVM_INTERCEPT_VINTR) ||
	    (c->int_ctl & SVM_V_IRQ) ||
	    !(svm->vmcb->save.rflags & X86_EFLAGS_IF) ||
	    (c->int_state & SVM_INTERRUPT_SHADOW))
		return;
	c->int_ctl = (c->int_ctl & ~SVM_V_INTR_VECTOR_MASK) | SVM_V_IRQ |
		     SVM_V_IGN_TPR | (0xfULL << SVM_V_INTR_PRIO_SHIFT) |
		     (inj & 0xff) << SVM_V_INTR_VECTOR_SHIFT;
	c->event_inj = 0;
	svm->virq_injected = true;
}

/* The VMCB holds the guest's own CR4: hv does not shadow it. */
unsigned long svm_get_cr4(struct hv_vcpu *vcpu)
{
	return to_svm(vcpu)->vmcb->save.cr4;
}

/* CR8 is V_TPR with V_INTR_MASKING (APM 15.21.4). */
u8 svm_get_cr8(struct hv_vcpu *vcpu)
{
	return to_svm(vcpu)->vmcb->control.int_ctl & 0xf;
}

void svm_set_cr8(struct hv_vcpu *vcpu, u8 cr8)
{
	struct vmcb_control *c = &to_svm(vcpu)->vmcb->control;

	c->int_ctl = (c->int_ctl & ~0xfULL) | (cr8 & 0xf);
}

/* VMCB INTERRUPT_SHADOW (APM 15.21.5): bit 0 of int_state. */
u32 svm_get_interrupt_shadow(struct hv_vcpu *vcpu)
{
	return to_svm(vcpu)->vmcb->control.int_state & 1 ?
	       HV_X86_SHADOW_INT_MOV_SS | HV_X86_SHADOW_INT_STI : 0;
}

void svm_set_interrupt_shadow(struct hv_vcpu *vcpu, u32 shadow)
{
	struct vmcb_control *c = &to_svm(vcpu)->vmcb->control;

	c->int_state = (c->int_state & ~1ULL) | (shadow ? 1 : 0);
}

void svm_get_debugregs(struct hv_vcpu *vcpu, struct hv_debugregs *dbg)
{
	struct svm_vcpu *svm = to_svm(vcpu);

	memcpy(dbg->db, svm->guest_dr, sizeof(dbg->db));
	dbg->dr6 = svm->vmcb->save.dr6;
	dbg->dr7 = svm->vmcb->save.dr7;
}

void svm_set_debugregs(struct hv_vcpu *vcpu, const struct hv_debugregs *dbg)
{
	struct svm_vcpu *svm = to_svm(vcpu);

	memcpy(svm->guest_dr, dbg->db, sizeof(svm->guest_dr));
	/* DR6/DR7 fixed bits (SDM 17.2.3, 17.2.4). */
	svm->vmcb->save.dr6 = dbg->dr6 | DR6_RESERVED;
	svm->vmcb->save.dr7 = (dbg->dr7 & ~0x0000d800ULL) | 0x400;
	/* Load them from the next entry on, as after a guest access. */
	svm->guest_uses_dr = true;
	svm->vmcb->control.intercept_dr = 0;
}

static void svm_seg_reset(struct vmcb_seg *s, u16 attrib)
{
	s->selector = 0;
	s->attrib = attrib;
	s->limit = 0xffff;
	s->base = 0;
}

/*
 * The VMCB of a vCPU at power-on or after a triple fault: intercepts,
 * nested paging, and the architectural reset state (APM 14.1.3, SDM 9.1).
 */
void svm_vcpu_reset(struct svm_vcpu *svm)
{
	struct vmcb *vmcb = svm->vmcb;
	struct vmcb_control *c = &vmcb->control;
	struct vmcb_save *s = &vmcb->save;
	struct hv_vcpu *vcpu = &svm->vcpu;

	memset(vmcb, 0, sizeof(*vmcb));

	/*
	 * Intercepts.  Everything that could touch host state or that the
	 * guest must not do itself exits; CR accesses run natively under
	 * nested paging.  DR accesses exit until the guest first uses them.
	 */
	c->intercept_dr = 0xffffffff;
	c->intercept_misc1 = SVM_INTERCEPT_INTR | SVM_INTERCEPT_NMI |
			     SVM_INTERCEPT_SMI | SVM_INTERCEPT_CPUID |
			     SVM_INTERCEPT_RSM | SVM_INTERCEPT_INVD |
			     SVM_INTERCEPT_HLT | SVM_INTERCEPT_INVLPGA |
			     SVM_INTERCEPT_IOIO_PROT | SVM_INTERCEPT_MSR_PROT |
			     SVM_INTERCEPT_SHUTDOWN;
	/* APM 15.5.1: VMRUN fails unless the VMRUN intercept is set. */
	c->intercept_misc2 = SVM_INTERCEPT_VMRUN | SVM_INTERCEPT_VMMCALL |
			     SVM_INTERCEPT_VMLOAD | SVM_INTERCEPT_VMSAVE |
			     SVM_INTERCEPT_STGI | SVM_INTERCEPT_CLGI |
			     SVM_INTERCEPT_SKINIT | SVM_INTERCEPT_WBINVD |
			     SVM_INTERCEPT_MONITOR | SVM_INTERCEPT_MWAIT |
			     SVM_INTERCEPT_XSETBV | SVM_INTERCEPT_RDPRU;
	/*
	 * A guest that lowers CR8 exits: to userspace (HV_EXIT_SET_TPR) so
	 * its APIC can deliver what the old priority held back, or to the
	 * in-kernel APIC, which then does.
	 */
	c->intercept_cr = SVM_INTERCEPT_CR8_WRITE;
	c->iopm_base_pa = svm_iopm_pa;
	c->msrpm_base_pa = svm_msrpm_pa;
	/*
	 * V_INTR_MASKING: the guest's EFLAGS.IF and CR8 act on its virtual
	 * interrupts only; host interrupts always exit (APM 15.21.1).
	 */
	c->int_ctl = SVM_V_INTR_MASKING;
	c->nested_ctl = SVM_NESTED_CTL_NP_ENABLE;
	c->nested_cr3 = __pa(to_svm_vm(vcpu->vm)->npt_root);
	c->tlb_ctl = SVM_TLB_FLUSH_ALL;
	c->tsc_offset = -vcpu->vm->arch.tsc_base;

	svm_seg_reset(&s->cs, SVM_SEG_P | SVM_SEG_S | 0xb);
	s->cs.selector = 0xf000;
	s->cs.base = 0xffff0000;
	svm_seg_reset(&s->ds, SVM_SEG_P | SVM_SEG_S | 0x3);
	svm_seg_reset(&s->es, SVM_SEG_P | SVM_SEG_S | 0x3);
	svm_seg_reset(&s->fs, SVM_SEG_P | SVM_SEG_S | 0x3);
	svm_seg_reset(&s->gs, SVM_SEG_P | SVM_SEG_S | 0x3);
	svm_seg_reset(&s->ss, SVM_SEG_P | SVM_SEG_S | 0x3);
	svm_seg_reset(&s->gdtr, 0);
	svm_seg_reset(&s->idtr, 0);
	svm_seg_reset(&s->ldtr, SVM_SEG_P | 0x2);
	svm_seg_reset(&s->tr, SVM_SEG_P | 0xb);
	s->efer = EFER_SVME;
	s->cr0 = X86_CR0_ET | X86_CR0_CD | X86_CR0_NW;
	s->dr6 = DR6_RESERVED;
	s->dr7 = 0x400;		/* DR7 reset value, SDM 17.2.4 */
	s->g_pat = SVM_PAT_RESET;

	memset(vcpu->arch.regs, 0, sizeof(vcpu->arch.regs));
	vcpu->arch.regs[HV_REG_RDX] = 0x600;
	vcpu->arch.rip = 0xfff0;
	vcpu->arch.rflags = X86_EFLAGS_FIXED;
	vcpu->arch.pending = HV_PENDING_NONE;
	hv_x86_msr_reset(vcpu);
	svm->asid_generation = 0;
	svm->clean_cpu = -1;
	svm->guest_uses_dr = false;
	memset(svm->guest_dr, 0, sizeof(svm->guest_dr));
	svm->nmi_masked = false;
	svm->nmi_iret_seen = false;
	svm->nmi_singlestep = false;
	vcpu->arch.queued_irq = -1;
	vcpu->arch.nmi_pending = 0;
}

static void svm_flush_tlb(struct svm_vcpu *svm);

/*
 * INIT (SDM 9.1, Table 9-1; APM 14.1.3): the real-mode reset state of the
 * registers the VMCB holds.  MSRs (EFER aside), PAT and the TSC offset
 * survive; CR0.CD/NW keep their values; pending events and NMI blocking
 * are dropped.  The core resets the GPRs, RIP, RFLAGS and the APIC.
 */
static void svm_vcpu_init_event(struct svm_vcpu *svm)
{
	struct vmcb_control *c = &svm->vmcb->control;
	struct vmcb_save *s = &svm->vmcb->save;

	svm_seg_reset(&s->cs, SVM_SEG_P | SVM_SEG_S | 0xb);
	s->cs.selector = 0xf000;
	s->cs.base = 0xffff0000;
	svm_seg_reset(&s->ds, SVM_SEG_P | SVM_SEG_S | 0x3);
	svm_seg_reset(&s->es, SVM_SEG_P | SVM_SEG_S | 0x3);
	svm_seg_reset(&s->fs, SVM_SEG_P | SVM_SEG_S | 0x3);
	svm_seg_reset(&s->gs, SVM_SEG_P | SVM_SEG_S | 0x3);
	svm_seg_reset(&s->ss, SVM_SEG_P | SVM_SEG_S | 0x3);
	svm_seg_reset(&s->gdtr, 0);
	svm_seg_reset(&s->idtr, 0);
	svm_seg_reset(&s->ldtr, SVM_SEG_P | 0x2);
	svm_seg_reset(&s->tr, SVM_SEG_P | 0xb);
	s->cpl = 0;
	s->efer = EFER_SVME;
	s->cr0 = X86_CR0_ET | (s->cr0 & (X86_CR0_CD | X86_CR0_NW));
	s->cr2 = 0;
	s->cr3 = 0;
	s->cr4 = 0;
	s->dr6 = DR6_RESERVED;
	s->dr7 = 0x400;
	memset(svm->guest_dr, 0, sizeof(svm->guest_dr));
	c->int_ctl &= ~(0xfULL | SVM_V_IRQ | SVM_V_IGN_TPR |
			(0xfULL << SVM_V_INTR_PRIO_SHIFT));
	c->intercept_misc1 &= ~(SVM_INTERCEPT_VINTR | SVM_INTERCEPT_IRET);
	c->intercept_exceptions &= ~SVM_INTERCEPT_DB;
	c->event_inj = 0;
	c->int_state = 0;
	svm->nmi_masked = false;
	svm->nmi_iret_seen = false;
	svm->nmi_singlestep = false;
	/* Paging is off now: no translation of the old mode may be used. */
	svm_flush_tlb(svm);
}

void svm_vcpu_reset_op(struct hv_vcpu *vcpu, bool init_event)
{
	if (init_event)
		svm_vcpu_init_event(to_svm(vcpu));
	else
		svm_vcpu_reset(to_svm(vcpu));
}

int svm_vcpu_create(struct hv_vcpu *vcpu)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	struct page *page;

	page = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!page)
		return -ENOMEM;
	svm->vmcb = page_address(page);
	svm->vmcb_pa = page_to_phys(page);
	svm->asid_cpu = -1;
	svm_vcpu_reset(svm);
	return 0;
}

void svm_vcpu_free(struct hv_vcpu *vcpu)
{
	struct svm_vcpu *svm = to_svm(vcpu);

	hv_mmu_cache_free(&svm->npt_cache);
	free_page((unsigned long)svm->vmcb);
}

/* Nothing per CPU survives a context switch: VMRUN reloads it all. */
void svm_vcpu_load(struct hv_vcpu *vcpu, int cpu)
{
}

void svm_vcpu_put(struct hv_vcpu *vcpu)
{
}

/*
 * APM 15.16: an ASID tags the guest's TLB entries on one CPU.  Take a new
 * one when the vCPU moves or the CPU ran out and started a generation.
 */
static void svm_assign_asid(struct svm_vcpu *svm, int cpu)
{
	struct svm_cpu_data *sd = this_cpu_ptr(&svm_cpu_data);
	struct vmcb_control *c = &svm->vmcb->control;

	if (svm->asid_cpu == cpu && svm->asid_generation == sd->asid_generation)
		return;
	if (sd->next_asid >= svm_nr_asids) {
		sd->asid_generation++;
		sd->next_asid = 1;
		c->tlb_ctl = SVM_TLB_FLUSH_ALL;
	}
	svm->asid = sd->next_asid++;
	svm->asid_cpu = cpu;
	svm->asid_generation = sd->asid_generation;
	c->asid = svm->asid;
	/* A recycled ASID may still tag another guest's translations. */
	if (c->tlb_ctl == SVM_TLB_NONE)
		c->tlb_ctl = svm_has_flush_by_asid ? SVM_TLB_FLUSH_ASID :
						     SVM_TLB_FLUSH_ALL;
}

static void svm_flush_tlb(struct svm_vcpu *svm)
{
	struct vmcb_control *c = &svm->vmcb->control;

	if (c->tlb_ctl == SVM_TLB_NONE)
		c->tlb_ctl = svm_has_flush_by_asid ? SVM_TLB_FLUSH_ASID :
						     SVM_TLB_FLUSH_ALL;
}

/*
 * Host state VMRUN leaves to software, with GIF=0: XCR0 (APM 15.5 does
 * not switch it), PKRU (the guest may set CR4.PKE and write it), and the
 * debug registers once the guest uses them.  The feature tests are
 * patched branches (cpu_feature_enabled()), not bitmap reads: this runs
 * twice per exit.
 */
static void svm_load_guest_state(struct svm_vcpu *svm)
{
	struct hv_vcpu *vcpu = &svm->vcpu;

	if (cpu_feature_enabled(X86_FEATURE_OSXSAVE) &&
	    vcpu->arch.xcr0 != svm_host_xcr0)
		xsetbv(XCR_XFEATURE_ENABLED_MASK, vcpu->arch.xcr0);
	if (cpu_feature_enabled(X86_FEATURE_OSPKE))
		svm->host_pkru = rdpkru();
	if (svm->guest_uses_dr) {
		/*
		 * Disarm the host's breakpoints before their address
		 * registers take guest values; the guest's DR7 comes from
		 * the VMCB, the host's is restored after the exit.
		 */
		set_debugreg(0, 7);
		set_debugreg(svm->guest_dr[0], 0);
		set_debugreg(svm->guest_dr[1], 1);
		set_debugreg(svm->guest_dr[2], 2);
		set_debugreg(svm->guest_dr[3], 3);
	}
}

static void svm_put_guest_state(struct svm_vcpu *svm)
{
	if (svm->guest_uses_dr) {
		get_debugreg(svm->guest_dr[0], 0);
		get_debugreg(svm->guest_dr[1], 1);
		get_debugreg(svm->guest_dr[2], 2);
		get_debugreg(svm->guest_dr[3], 3);
	}
	/* #VMEXIT leaves DR7 at its reset value; rearm host breakpoints. */
	if (hw_breakpoint_active() || svm->guest_uses_dr)
		hw_breakpoint_restore();
	if (cpu_feature_enabled(X86_FEATURE_OSPKE) && rdpkru() != svm->host_pkru)
		wrpkru(svm->host_pkru);
	/*
	 * Compare with the register, not with what hv loaded: an XSETBV the
	 * hardware failed to intercept (QEMU's SVM has been seen to) must not
	 * leave the guest's XCR0 in force in the host.
	 */
	if (cpu_feature_enabled(X86_FEATURE_OSXSAVE) &&
	    xgetbv(XCR_XFEATURE_ENABLED_MASK) != svm_host_xcr0)
		xsetbv(XCR_XFEATURE_ENABLED_MASK, svm_host_xcr0);
}

/*
 * VMCB clean bits (APM 15.15.3, "VMCB State Caching"): a set bit lets
 * VMRUN use what the CPU cached of that group of fields at the last
 * #VMEXIT of this VMCB on this CPU instead of reading them again.  Rather
 * than make every writer of the VMCB (state ioctls, event injection, exit
 * handlers) mark what it changed, the 8-byte words holding each group's
 * fields are kept as the #VMEXIT left them and compared before the next
 * VMRUN: a group is clean only if none of its words changed since.  A
 * word may also hold reserved bytes or a neighbouring field (TLB_CONTROL
 * beside the ASID): a change there only costs a reload.  Groups hv does
 * not track (LBR, AVIC, CET) stay dirty, which is always correct.
 */
#define SVM_CLEAN_I		BIT(0)	/* intercepts, pause filter, TSC offset */
#define SVM_CLEAN_IOPM		BIT(1)	/* IOPM_BASE, MSRPM_BASE */
#define SVM_CLEAN_ASID		BIT(2)
#define SVM_CLEAN_TPR		BIT(3)	/* V_TPR ... V_INTR_VECTOR, 60h-67h */
#define SVM_CLEAN_NP		BIT(4)	/* N_CR3, G_PAT (and NP_ENABLE) */
#define SVM_CLEAN_CRX		BIT(5)	/* CR0, CR3, CR4, EFER */
#define SVM_CLEAN_DRX		BIT(6)	/* DR6, DR7 */
#define SVM_CLEAN_DT		BIT(7)	/* GDTR, IDTR */
#define SVM_CLEAN_SEG		BIT(8)	/* ES, CS, SS, DS, CPL */
#define SVM_CLEAN_CR2		BIT(9)

/* The 8-byte word of struct vmcb that holds @field. */
#define W(field)	(((const u64 *)v)[offsetof(struct vmcb, field) / 8])

/*
 * The tracked words of @v, by group, in this order (svm_clean_bits()
 * follows it); written out rather than table-driven: this runs at every
 * exit.
 */
static __always_inline void svm_clean_words(const struct vmcb *v, u64 *w)
{
	w[0] = W(control.intercept_cr);		/* I: and DR */
	w[1] = W(control.intercept_exceptions);	/* and misc1 */
	w[2] = W(control.intercept_misc2);	/* and misc3 */
	w[3] = W(control.pause_filter_thresh);	/* and count */
	w[4] = W(control.tsc_offset);
	w[5] = W(control.iopm_base_pa);		/* IOPM */
	w[6] = W(control.msrpm_base_pa);
	w[7] = W(control.asid);			/* ASID (and TLB_CONTROL) */
	w[8] = W(control.int_ctl);		/* TPR */
	w[9] = W(control.nested_ctl);		/* NP */
	w[10] = W(control.nested_cr3);
	w[11] = W(save.g_pat);
	w[12] = W(save.cr0);			/* CRx */
	w[13] = W(save.cr3);
	w[14] = W(save.cr4);
	w[15] = W(save.efer);
	w[16] = W(save.dr6);			/* DRx */
	w[17] = W(save.dr7);
	w[18] = W(save.gdtr);			/* DT: limit, then base */
	w[19] = W(save.gdtr.base);
	w[20] = W(save.idtr);
	w[21] = W(save.idtr.base);
	w[22] = W(save.es);			/* SEG */
	w[23] = W(save.es.base);
	w[24] = W(save.cs);
	w[25] = W(save.cs.base);
	w[26] = W(save.ss);
	w[27] = W(save.ss.base);
	w[28] = W(save.ds);
	w[29] = W(save.ds.base);
	w[30] = W(save.cpl);
	w[31] = W(save.cr2);			/* CR2 */
}

/* Whether word @i of svm_clean_words() changed since the last exit. */
#define D(i, field)	(W(field) ^ seen[i])

/*
 * The clean bits for the next VMRUN on @cpu: none unless this VMCB was
 * the last one this CPU ran and its words were seen there (a new CPU, a
 * reset, a failed VMRUN or SVM re-enabled on the CPU all start over).
 */
static u32 svm_clean_bits(struct svm_vcpu *svm, struct svm_cpu_data *sd,
			  int cpu)
{
	const struct vmcb *v = svm->vmcb;
	const u64 *seen = svm->clean_seen;
	u32 clean = 0;

	if (svm->clean_cpu != cpu || sd->last_vmcb_pa != svm->vmcb_pa)
		return 0;
	if (!(D(0, control.intercept_cr) | D(1, control.intercept_exceptions) |
	      D(2, control.intercept_misc2) |
	      D(3, control.pause_filter_thresh) | D(4, control.tsc_offset)))
		clean |= SVM_CLEAN_I;
	if (!(D(5, control.iopm_base_pa) | D(6, control.msrpm_base_pa)))
		clean |= SVM_CLEAN_IOPM;
	if (!D(7, control.asid))
		clean |= SVM_CLEAN_ASID;
	if (!D(8, control.int_ctl))
		clean |= SVM_CLEAN_TPR;
	if (!(D(9, control.nested_ctl) | D(10, control.nested_cr3) |
	      D(11, save.g_pat)))
		clean |= SVM_CLEAN_NP;
	if (!(D(12, save.cr0) | D(13, save.cr3) | D(14, save.cr4) |
	      D(15, save.efer)))
		clean |= SVM_CLEAN_CRX;
	if (!(D(16, save.dr6) | D(17, save.dr7)))
		clean |= SVM_CLEAN_DRX;
	if (!(D(18, save.gdtr) | D(19, save.gdtr.base) | D(20, save.idtr) |
	      D(21, save.idtr.base)))
		clean |= SVM_CLEAN_DT;
	if (!(D(22, save.es) | D(23, save.es.base) | D(24, save.cs) |
	      D(25, save.cs.base) | D(26, save.ss) | D(27, save.ss.base) |
	      D(28, save.ds) | D(29, save.ds.base) | D(30, save.cpl)))
		clean |= SVM_CLEAN_SEG;
	if (!D(31, save.cr2))
		clean |= SVM_CLEAN_CR2;
	return clean;
}

#undef D
#undef W

/* After a #VMEXIT on @cpu: what the CPU may now have cached. */
static void svm_clean_seen(struct svm_vcpu *svm, struct svm_cpu_data *sd,
			   int cpu)
{
	u32 code = svm->vmcb->control.exit_code;

	sd->last_vmcb_pa = svm->vmcb_pa;
	/* A VMRUN that faulted or failed its checks cached nothing sure. */
	if (code == SVM_EXIT_NONE || code == SVM_EXIT_INVALID) {
		svm->clean_cpu = -1;
		return;
	}
	svm_clean_words(svm->vmcb, svm->clean_seen);
	svm->clean_cpu = cpu;
}

/**
 * svm_vcpu_run - enter the guest once and handle the exit
 * @vcpu: the vCPU, loaded, with its mutex and the VM's SRCU held.
 *
 * Return: 1 to enter again, 0 to return to userspace, or -errno.
 */
int svm_vcpu_run(struct hv_vcpu *vcpu)
	__must_hold(&vcpu->vm->srcu)
{
	struct svm_vcpu *svm = to_svm(vcpu);
	struct vmcb *vmcb = svm->vmcb;
	struct svm_cpu_data *sd;
	int cpu, r;

	vmcb->save.rax = vcpu->arch.regs[HV_REG_RAX];
	vmcb->save.rsp = vcpu->arch.regs[HV_REG_RSP];
	vmcb->save.rip = vcpu->arch.rip;
	vmcb->save.rflags = vcpu->arch.rflags;

	local_irq_disable();
	/*
	 * Request protocol (hv_vm_request_all()): publish that we are about
	 * to enter, then look at the requests.  A request made after this
	 * check sees our mode and interrupts us; the interrupt stays pending
	 * with GIF=0 and makes the guest exit right at entry.
	 */
	WRITE_ONCE(vcpu->mode, HV_IN_GUEST_MODE);
	/* Order the mode before reading requests; pairs with the requester. */
	smp_mb();
	if (hv_test_and_clear_request(vcpu, HV_REQ_TLB_FLUSH))
		svm_flush_tlb(svm);
	if (need_resched() || signal_pending(current)) {
		WRITE_ONCE(vcpu->mode, HV_OUTSIDE_GUEST_MODE);
		local_irq_enable();
		return 1;
	}

	/*
	 * The thread may have been scheduled out since RUN loaded the guest
	 * FPU: the kernel then restores it only on return to userspace
	 * (TIF_NEED_FPU_LOAD).  Reload it now, or the guest would run with
	 * whatever another task left in the registers (KVM does the same).
	 */
	if (test_thread_flag(TIF_NEED_FPU_LOAD))
		switch_fpu_return();

	cpu = smp_processor_id();
	svm_assign_asid(svm, cpu);
	vcpu->arch.has_run = true;
	hv_x86_tsc_catchup(vcpu);
	hv_x86_inject_pending(vcpu);
	svm_intr_to_virq(svm);
	sd = this_cpu_ptr(&svm_cpu_data);
	/* No SRCU in guest mode (the vcpu_run contract, hv_host.h). */
	hv_vcpu_srcu_read_unlock(vcpu);

	clgi();
	svm_load_guest_state(svm);
	vmcb->control.exit_code = SVM_EXIT_NONE;
	vmcb->control.clean = svm_has_vmcb_clean ?
			      svm_clean_bits(svm, sd, cpu) : 0;
	hv_guest_enter_irqoff();
	/*
	 * With V_INTR_MASKING, RFLAGS.IF at VMRUN masks physical interrupts
	 * for the whole guest run (APM 15.21.1): set it, or host interrupts
	 * (and the IPIs that kick vCPUs) never make the guest exit.  GIF=0
	 * keeps the host from taking any meanwhile.
	 */
	raw_local_irq_enable();
	__svm_vmrun(vcpu->arch.regs, svm->vmcb_pa, sd->host_save_pa);
	raw_local_irq_disable();
	if (svm_has_vmcb_clean)
		svm_clean_seen(svm, sd, cpu);
	hv_guest_exit_irqoff();
	svm_put_guest_state(svm);
	WRITE_ONCE(vcpu->mode, HV_OUTSIDE_GUEST_MODE);
	stgi();
	/* Take the interrupt that made the guest exit, still as guest time. */
	local_irq_enable();
	local_irq_disable();
	hv_guest_timing_exit_irqoff();
	local_irq_enable();
	hv_vcpu_srcu_read_lock(vcpu);

	vcpu->arch.regs[HV_REG_RAX] = vmcb->save.rax;
	vcpu->arch.regs[HV_REG_RSP] = vmcb->save.rsp;
	vcpu->arch.rip = vmcb->save.rip;
	vcpu->arch.rflags = vmcb->save.rflags;
	vmcb->control.tlb_ctl = SVM_TLB_NONE;

	if (unlikely(vmcb->control.exit_code == SVM_EXIT_NONE)) {
		/* VMRUN faulted: SVM is off under us (emergency disable). */
		hv_vm_mark_dead(vcpu->vm);
		return -EIO;
	}
	svm_complete_events(svm);
	r = svm_handle_exit(svm);
	/* KVM's dm_request_for_irq_injection() exit. */
	return r > 0 ? hv_x86_check_irq_window(vcpu) : r;
}

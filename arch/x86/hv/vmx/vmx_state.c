// SPDX-License-Identifier: GPL-2.0-only
/*
 * VT-x vCPU state as the core and userspace see it: segments and control
 * registers in the VMCS guest-state area, events (VM-entry interruption
 * information, guest interruptibility state, virtual NMIs), debug
 * registers and the MSRs the VMCS holds.  These are the x86 ops of
 * asm/hv_host.h; they may run outside RUN, so each makes the VMCS
 * current first.  References: Intel SDM Vol. 3 (325384-080).
 */
#define pr_fmt(fmt) "hv-intel: " fmt

#include <linux/bitfield.h>
#include <linux/hv_host.h>
#include <asm/debugreg.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>
#include <asm/traps.h>

#include "vmx.h"

/* Guest PAT at reset, SDM 11.12.4. */
#define VMX_PAT_RESET		0x0007040600070406ULL
/* EFER bits a guest may set on Intel (SDM 2.2.1): no FFXSR, no SVME. */
#define VMX_GUEST_EFER		(EFER_SCE | EFER_LME | EFER_NX)
/* IA32_DEBUGCTL bits accepted and ignored, as KVM does without LBRs. */
#define VMX_DEBUGCTL_IGNORED	(DEBUGCTLMSR_LBR | DEBUGCTLMSR_BTF)

/*
 * CR0 and CR4 bits owned by hv (SDM 24.6.6): a guest write that changes
 * one exits, a read gets the read shadow.  CR0.PE and CR0.PG, because
 * EFER.LMA and the IA-32e mode guest entry control follow them, and
 * because unrestricted guest exempts them from the fixed bits (SDM
 * 26.3.1.1); every bit VMX operation fixes (NE, CR4.VMXE).
 */
unsigned long vmx_cr0_mask(void)
{
	return lower_32_bits(X86_CR0_PE | X86_CR0_PG | vmx_cfg.cr0_fixed0 |
			     ~vmx_cfg.cr0_fixed1);
}

unsigned long vmx_cr4_mask(void)
{
	return lower_32_bits(vmx_cfg.cr4_fixed0 | ~vmx_cfg.cr4_fixed1);
}

unsigned long vmx_read_cr0(struct vmx_vcpu *vmx)
{
	unsigned long mask = vmx_cr0_mask();

	return (vmcs_read(VMCS_GUEST_CR0) & ~mask) | (vmx->cr0 & mask);
}

unsigned long vmx_read_cr4(struct vmx_vcpu *vmx)
{
	unsigned long mask = vmx_cr4_mask();

	return (vmcs_read(VMCS_GUEST_CR4) & ~mask) | (vmx->cr4 & mask);
}

/* The guest sees @cr0; the CPU runs with the fixed bits applied. */
void vmx_write_cr0(struct vmx_vcpu *vmx, unsigned long cr0)
{
	u64 fixed0 = vmx_cfg.cr0_fixed0 & ~(X86_CR0_PE | X86_CR0_PG);

	vmx->cr0 = cr0;
	vmcs_write(VMCS_CR0_SHADOW, cr0);
	vmcs_write(VMCS_GUEST_CR0, (cr0 | fixed0) & vmx_cfg.cr0_fixed1);
}

void vmx_write_cr4(struct vmx_vcpu *vmx, unsigned long cr4)
{
	vmx->cr4 = cr4;
	vmcs_write(VMCS_CR4_SHADOW, cr4);
	vmcs_write(VMCS_GUEST_CR4, (cr4 | vmx_cfg.cr4_fixed0) &
				   vmx_cfg.cr4_fixed1);
}

/* EFER.LMA is also the IA-32e mode guest entry control (SDM 24.8.1). */
void vmx_write_efer(struct vmx_vcpu *vmx, u64 efer)
{
	vmcs_write(VMCS_GUEST_EFER, efer);
	vmcs_write(VMCS_ENTRY_CONTROLS, vmx_cfg.entry |
		   (efer & EFER_LMA ? ENTRY_IA32E_MODE : 0));
}

/*
 * PAE paging with EPT: VM entry takes the four PDPTEs from the VMCS, not
 * from memory (SDM 26.3.2.4), so whenever hv, not the guest, changes what
 * CR3 or the paging mode point to, it loads them like MOV to CR3 would.
 * Returns -EFAULT if they are not in guest RAM.
 */
int vmx_load_pdptrs(struct vmx_vcpu *vmx)
{
	u64 pdpte[4];
	int i;

	if (!(vmx->cr0 & X86_CR0_PG) || !(vmx->cr4 & X86_CR4_PAE) ||
	    (vmcs_read(VMCS_GUEST_EFER) & EFER_LMA))
		return 0;
	if (hv_read_guest(vmx->vcpu.vm, vmcs_read(VMCS_GUEST_CR3) & ~0x1fULL,
			  pdpte, sizeof(pdpte)))
		return -EFAULT;
	for (i = 0; i < 4; i++)
		vmcs_write(VMCS_GUEST_PDPTE0 + 2 * i, pdpte[i]);
	return 0;
}

/* SDM 24.4.1: access rights as the descriptor's bits 47:40 and 55:52. */
static u32 vmx_ar(const struct hv_segment *s)
{
	u32 ar;

	/* A null or absent segment is "unusable"; nothing else counts. */
	if (s->unusable || !s->present)
		return VMX_AR_UNUSABLE;
	ar = s->type & VMX_AR_TYPE;
	ar |= s->s ? VMX_AR_S : 0;
	ar |= (s->dpl & 3) << VMX_AR_DPL_SHIFT;
	ar |= VMX_AR_P;
	ar |= s->avl ? VMX_AR_AVL : 0;
	ar |= s->l ? VMX_AR_L : 0;
	ar |= s->db ? VMX_AR_DB : 0;
	ar |= s->g ? VMX_AR_G : 0;
	return ar;
}

static void vmx_seg_set(enum vmx_seg seg, const struct hv_segment *s)
{
	vmcs_write(VMCS_GUEST_ES_SEL + 2 * seg, s->selector);
	vmcs_write(VMCS_GUEST_ES_BASE + 2 * seg, s->base);
	vmcs_write(VMCS_GUEST_ES_LIMIT + 2 * seg, s->limit);
	vmcs_write(VMCS_GUEST_ES_AR + 2 * seg, vmx_ar(s));
}

static void vmx_seg_get(enum vmx_seg seg, struct hv_segment *s)
{
	u32 ar = vmcs_read32(VMCS_GUEST_ES_AR + 2 * seg);

	s->selector = vmcs_read16(VMCS_GUEST_ES_SEL + 2 * seg);
	s->base = vmcs_read(VMCS_GUEST_ES_BASE + 2 * seg);
	s->limit = vmcs_read32(VMCS_GUEST_ES_LIMIT + 2 * seg);
	s->type = ar & VMX_AR_TYPE;
	s->s = !!(ar & VMX_AR_S);
	s->dpl = (ar >> VMX_AR_DPL_SHIFT) & 3;
	s->avl = !!(ar & VMX_AR_AVL);
	s->l = !!(ar & VMX_AR_L);
	s->db = !!(ar & VMX_AR_DB);
	s->g = !!(ar & VMX_AR_G);
	s->unusable = !!(ar & VMX_AR_UNUSABLE);
	/* A usable segment is present (SDM 26.3.1.2), as KVM reports. */
	s->present = !s->unusable;
}

void vmx_get_sregs(struct hv_vcpu *vcpu, struct hv_sregs *s)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);

	vmx_vmcs_enter(vmx);
	vmx_seg_get(VMX_CS, &s->cs);
	vmx_seg_get(VMX_DS, &s->ds);
	vmx_seg_get(VMX_ES, &s->es);
	vmx_seg_get(VMX_FS, &s->fs);
	vmx_seg_get(VMX_GS, &s->gs);
	vmx_seg_get(VMX_SS, &s->ss);
	vmx_seg_get(VMX_TR, &s->tr);
	vmx_seg_get(VMX_LDTR, &s->ldt);
	s->gdt.base = vmcs_read(VMCS_GUEST_GDTR_BASE);
	s->gdt.limit = vmcs_read32(VMCS_GUEST_GDTR_LIMIT);
	s->idt.base = vmcs_read(VMCS_GUEST_IDTR_BASE);
	s->idt.limit = vmcs_read32(VMCS_GUEST_IDTR_LIMIT);
	s->cr0 = vmx_read_cr0(vmx);
	s->cr2 = vmx->cr2;
	s->cr3 = vmcs_read(VMCS_GUEST_CR3);
	s->cr4 = vmx_read_cr4(vmx);
	s->cr8 = vmx->cr8;
	s->efer = vmcs_read(VMCS_GUEST_EFER);
	s->apic_base = vcpu->arch.apic_base;
	vmx_vmcs_exit();
}

void vmx_set_sregs(struct hv_vcpu *vcpu, const struct hv_sregs *s)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);

	vmx_vmcs_enter(vmx);
	vmx_seg_set(VMX_CS, &s->cs);
	vmx_seg_set(VMX_DS, &s->ds);
	vmx_seg_set(VMX_ES, &s->es);
	vmx_seg_set(VMX_FS, &s->fs);
	vmx_seg_set(VMX_GS, &s->gs);
	vmx_seg_set(VMX_SS, &s->ss);
	vmx_seg_set(VMX_TR, &s->tr);
	vmx_seg_set(VMX_LDTR, &s->ldt);
	vmcs_write(VMCS_GUEST_GDTR_BASE, s->gdt.base);
	vmcs_write(VMCS_GUEST_GDTR_LIMIT, s->gdt.limit);
	vmcs_write(VMCS_GUEST_IDTR_BASE, s->idt.base);
	vmcs_write(VMCS_GUEST_IDTR_LIMIT, s->idt.limit);
	vmx_write_efer(vmx, s->efer);
	vmx_write_cr0(vmx, s->cr0);
	vmcs_write(VMCS_GUEST_CR3, s->cr3);
	vmx_write_cr4(vmx, s->cr4);
	vmx->cr2 = s->cr2;
	vmx->cr8 = s->cr8 & 0xf;
	vcpu->arch.apic_base = s->apic_base;
	/* As KVM: PDPTEs outside guest RAM are left for the entry to find. */
	vmx_load_pdptrs(vmx);
	vmx->flush_vpid = true;
	vmx_vmcs_exit();
}

/* SDM 11.12.2: PAT entries may hold memory types 0, 1, 4, 5, 6, 7. */
static bool vmx_valid_pat(u64 pat)
{
	int i;

	for (i = 0; i < 8; i++) {
		u8 type = pat >> (i * 8);

		if (type > 7 || type == 2 || type == 3)
			return false;
	}
	return true;
}

/*
 * A syscall MSR VT-x does not switch: kept in @soft, and in the CPU while
 * the guest's are loaded (vmx_vcpu.c).  Preemption disabled by the caller.
 */
static void vmx_write_soft_msr(struct vmx_vcpu *vmx, u32 msr, u64 *soft,
			       u64 data)
{
	*soft = data;
	if (vmx->host.loaded)
		wrmsrl(msr, data);
}

/* The MSRs held in the VMCS or switched by hv, for hv_x86_get_msr(). */
int vmx_get_msr(struct hv_vcpu *vcpu, u32 msr, u64 *data)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	int r = 0;

	vmx_vmcs_enter(vmx);
	switch (msr) {
	case MSR_EFER:
		*data = vmcs_read(VMCS_GUEST_EFER);
		break;
	case MSR_IA32_CR_PAT:
		*data = vmcs_read(VMCS_GUEST_PAT);
		break;
	case MSR_IA32_DEBUGCTLMSR:
		*data = vmcs_read(VMCS_GUEST_DEBUGCTL);
		break;
	case MSR_STAR:
		*data = vmx->star;
		break;
	case MSR_LSTAR:
		*data = vmx->lstar;
		break;
	case MSR_CSTAR:
		*data = vmx->cstar;
		break;
	case MSR_SYSCALL_MASK:
		*data = vmx->sfmask;
		break;
	case MSR_KERNEL_GS_BASE:
		/* SWAPGS changes it in the CPU without an exit. */
		if (vmx->host.loaded)
			rdmsrl(MSR_KERNEL_GS_BASE, vmx->kernel_gs_base);
		*data = vmx->kernel_gs_base;
		break;
	case MSR_IA32_SYSENTER_CS:
		*data = vmcs_read32(VMCS_GUEST_SYSENTER_CS);
		break;
	case MSR_IA32_SYSENTER_ESP:
		*data = vmcs_read(VMCS_GUEST_SYSENTER_ESP);
		break;
	case MSR_IA32_SYSENTER_EIP:
		*data = vmcs_read(VMCS_GUEST_SYSENTER_EIP);
		break;
	case MSR_FS_BASE:
		*data = vmcs_read(VMCS_GUEST_ES_BASE + 2 * VMX_FS);
		break;
	case MSR_GS_BASE:
		*data = vmcs_read(VMCS_GUEST_ES_BASE + 2 * VMX_GS);
		break;
	case MSR_IA32_TSC:
		*data = rdtsc() + vmcs_read(VMCS_TSC_OFFSET);
		break;
	default:
		r = -ENOENT;
	}
	vmx_vmcs_exit();
	return r;
}

static int vmx_set_efer(struct vmx_vcpu *vmx, u64 data, bool host)
{
	u64 old = vmcs_read(VMCS_GUEST_EFER);

	if (data & ~(VMX_GUEST_EFER | EFER_LMA))
		return -EINVAL;
	/* The guest may not flip LME with paging on (SDM 9.8.5). */
	if (!host && (vmx->cr0 & X86_CR0_PG) && ((data ^ old) & EFER_LME))
		return -EINVAL;
	/*
	 * LMA is not written through the MSR, by the guest or by userspace
	 * (KVM's set_efer() keeps it too): it follows CR0.PG, and userspace
	 * sets it with SET_SREGS, which checks it against CR0 and CS.
	 */
	data = (data & ~EFER_LMA) | (old & EFER_LMA);
	vmx_write_efer(vmx, data);
	return 0;
}

static int __vmx_set_msr(struct vmx_vcpu *vmx, u32 msr, u64 data, bool host)
{
	switch (msr) {
	case MSR_EFER:
		return vmx_set_efer(vmx, data, host);
	case MSR_IA32_CR_PAT:
		if (!vmx_valid_pat(data))
			return -EINVAL;
		vmcs_write(VMCS_GUEST_PAT, data);
		break;
	case MSR_IA32_DEBUGCTLMSR:
		/* No LBR or BTS virtualization: KVM's answer without them. */
		if (data & ~VMX_DEBUGCTL_IGNORED)
			return -EINVAL;
		vmcs_write(VMCS_GUEST_DEBUGCTL, 0);
		break;
	case MSR_STAR:
		vmx_write_soft_msr(vmx, msr, &vmx->star, data);
		break;
	case MSR_LSTAR:
		vmx_write_soft_msr(vmx, msr, &vmx->lstar, data);
		break;
	case MSR_CSTAR:
		vmx->cstar = data;	/* no effect on Intel CPUs */
		break;
	case MSR_SYSCALL_MASK:
		vmx_write_soft_msr(vmx, msr, &vmx->sfmask, data);
		break;
	case MSR_KERNEL_GS_BASE:
		vmx_write_soft_msr(vmx, msr, &vmx->kernel_gs_base, data);
		break;
	case MSR_IA32_SYSENTER_CS:
		vmcs_write(VMCS_GUEST_SYSENTER_CS, (u32)data);
		break;
	case MSR_IA32_SYSENTER_ESP:
		vmcs_write(VMCS_GUEST_SYSENTER_ESP, data);
		break;
	case MSR_IA32_SYSENTER_EIP:
		vmcs_write(VMCS_GUEST_SYSENTER_EIP, data);
		break;
	case MSR_FS_BASE:
		vmcs_write(VMCS_GUEST_ES_BASE + 2 * VMX_FS, data);
		break;
	case MSR_GS_BASE:
		vmcs_write(VMCS_GUEST_ES_BASE + 2 * VMX_GS, data);
		break;
	case MSR_IA32_TSC:
		/* The guest's TSC is the host's plus this offset. */
		vmcs_write(VMCS_TSC_OFFSET, data - rdtsc());
		break;
	default:
		return -ENOENT;
	}
	return 0;
}

int vmx_set_msr(struct hv_vcpu *vcpu, u32 msr, u64 data, bool host)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	int r;

	vmx_vmcs_enter(vmx);
	r = __vmx_set_msr(vmx, msr, data, host);
	vmx_vmcs_exit();
	return r;
}

/*
 * SDM 26.2.1.3: VM entry delivers an error code exactly for these
 * exceptions, and only in protected mode (unrestricted guest).
 */
static bool vmx_exception_has_error(struct vmx_vcpu *vmx, u8 vector)
{
	if (!(vmx_read_cr0(vmx) & X86_CR0_PE))
		return false;
	switch (vector) {
	case X86_TRAP_DF:
	case X86_TRAP_TS:
	case X86_TRAP_NP:
	case X86_TRAP_SS:
	case X86_TRAP_GP:
	case X86_TRAP_PF:
	case X86_TRAP_AC:
		return true;
	default:
		return false;
	}
}

/* SDM 24.8.3: the event goes into the VM-entry interruption info. */
void vmx_inject_event(struct hv_vcpu *vcpu, enum hv_x86_event_type type,
		      u8 vector, bool has_error, u32 error_code)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	u32 info = vector | (type << INTR_INFO_TYPE_SHIFT) | INTR_INFO_VALID;

	vmx_vmcs_enter(vmx);
	if (type == HV_X86_EVENT_EXCEPTION &&
	    vmx_exception_has_error(vmx, vector)) {
		info |= INTR_INFO_HAS_ERROR;
		vmcs_write(VMCS_ENTRY_ERROR_CODE, has_error ? error_code : 0);
	}
	/* INT n is two bytes; VM entry pushes RIP past it (SDM 26.6.1.1). */
	if (type == HV_X86_EVENT_SOFT_INT)
		vmcs_write(VMCS_ENTRY_INSN_LEN, 2);
	vmcs_write(VMCS_ENTRY_INTR_INFO, info);
	vmx_vmcs_exit();
}

static u32 vmx_interruptibility(struct vmx_vcpu *vmx)
{
	return vmcs_read32(VMCS_GUEST_INTERRUPTIBILITY);
}

bool vmx_event_pending(struct hv_vcpu *vcpu)
{
	bool r;

	vmx_vmcs_enter(to_vmx(vcpu));
	r = vmcs_read32(VMCS_ENTRY_INTR_INFO) & INTR_INFO_VALID;
	vmx_vmcs_exit();
	return r;
}

/* SDM 6.8.1 / 24.4.2: IF set, no STI or MOV SS shadow, nothing queued. */
bool vmx_interrupt_allowed(struct hv_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	bool r;

	vmx_vmcs_enter(vmx);
	r = (vcpu->arch.rflags & X86_EFLAGS_IF) &&
	    !(vmx_interruptibility(vmx) &
	      (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS)) &&
	    !(vmcs_read32(VMCS_ENTRY_INTR_INFO) & INTR_INFO_VALID);
	vmx_vmcs_exit();
	return r;
}

/*
 * The event VM entry will deliver (SDM 24.8.3): one hv or userspace
 * queued, or one re-injected from the IDT-vectoring information after an
 * exit interrupted its delivery.  The interruption types hv uses encode
 * as enum hv_x86_event_type does.
 */
bool vmx_get_event(struct hv_vcpu *vcpu, struct hv_x86_event *ev)
{
	u32 info;

	vmx_vmcs_enter(to_vmx(vcpu));
	info = vmcs_read32(VMCS_ENTRY_INTR_INFO);
	if (info & INTR_INFO_VALID) {
		ev->type = FIELD_GET(INTR_INFO_TYPE, info);
		ev->vector = info & 0xff;
		ev->has_error = info & INTR_INFO_HAS_ERROR;
		ev->error_code = ev->has_error ?
				 vmcs_read32(VMCS_ENTRY_ERROR_CODE) : 0;
	}
	vmx_vmcs_exit();
	return info & INTR_INFO_VALID;
}

void vmx_cancel_event(struct hv_vcpu *vcpu)
{
	vmx_vmcs_enter(to_vmx(vcpu));
	vmcs_write(VMCS_ENTRY_INTR_INFO, 0);
	vmx_vmcs_exit();
}

/* Virtual-NMI blocking lives in the interruptibility state (SDM 24.4.2). */
void vmx_set_nmi_masked(struct hv_vcpu *vcpu, bool masked)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	u32 state;

	vmx_vmcs_enter(vmx);
	state = vmx_interruptibility(vmx) & ~INTERRUPTIBILITY_NMI;
	if (masked)
		state |= INTERRUPTIBILITY_NMI;
	vmcs_write(VMCS_GUEST_INTERRUPTIBILITY, state);
	vmx_vmcs_exit();
}

/*
 * With virtual NMIs the CPU tracks NMI blocking in the interruptibility
 * state: set when an NMI is delivered, cleared by IRET (SDM 25.3).  An NMI
 * injected but not yet delivered counts as in service, as on SVM.
 */
bool vmx_nmi_masked(struct hv_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	u32 info;
	bool r;

	vmx_vmcs_enter(vmx);
	info = vmcs_read32(VMCS_ENTRY_INTR_INFO);
	r = (vmx_interruptibility(vmx) & INTERRUPTIBILITY_NMI) ||
	    ((info & INTR_INFO_VALID) &&
	     FIELD_GET(INTR_INFO_TYPE, info) == INTR_TYPE_NMI);
	vmx_vmcs_exit();
	return r;
}

bool vmx_nmi_allowed(struct hv_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	bool r;

	vmx_vmcs_enter(vmx);
	r = !(vmx_interruptibility(vmx) &
	      (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS |
	       INTERRUPTIBILITY_NMI)) &&
	    !(vmcs_read32(VMCS_ENTRY_INTR_INFO) & INTR_INFO_VALID);
	vmx_vmcs_exit();
	return r;
}

/* SDM 25.6.5 / 25.6.6: exit as soon as the guest can take the event. */
void vmx_enable_irq_window(struct hv_vcpu *vcpu)
{
	vmx_vmcs_enter(to_vmx(vcpu));
	vmcs_set_bits(VMCS_PROC_CONTROLS, PROC_INTR_WINDOW_EXITING);
	vmx_vmcs_exit();
}

void vmx_enable_nmi_window(struct hv_vcpu *vcpu)
{
	vmx_vmcs_enter(to_vmx(vcpu));
	vmcs_set_bits(VMCS_PROC_CONTROLS, PROC_NMI_WINDOW_EXITING);
	vmx_vmcs_exit();
}

/*
 * After an exit (VMCS current): re-deliver an event whose delivery the exit
 * interrupted (IDT-vectoring information, SDM 27.2.4), except software
 * interrupts and exceptions, whose instruction runs again as on SVM; drop
 * the window requests (armed again before the next entry if still needed).
 */
void vmx_complete_events(struct vmx_vcpu *vmx)
{
	u32 info = vmcs_read32(VMCS_IDT_VECTORING_INFO);
	u32 type = FIELD_GET(INTR_INFO_TYPE, info);

	vmcs_clear_bits(VMCS_PROC_CONTROLS, PROC_INTR_WINDOW_EXITING |
			PROC_NMI_WINDOW_EXITING);
	vmcs_write(VMCS_ENTRY_INTR_INFO, 0);
	if (!(info & INTR_INFO_VALID))
		return;
	if (type != INTR_TYPE_EXT_INTR && type != INTR_TYPE_NMI &&
	    type != INTR_TYPE_HW_EXCEPTION)
		return;
	if (info & INTR_INFO_HAS_ERROR)
		vmcs_write(VMCS_ENTRY_ERROR_CODE,
			   vmcs_read32(VMCS_IDT_VECTORING_ERROR_CODE));
	/* Bits 30:12 are reserved in the entry field. */
	vmcs_write(VMCS_ENTRY_INTR_INFO, info & (INTR_INFO_VECTOR |
		   INTR_INFO_TYPE | INTR_INFO_HAS_ERROR | INTR_INFO_VALID));
	/* An NMI being delivered again is not blocked by itself yet. */
	if (type == INTR_TYPE_NMI)
		vmcs_clear_bits(VMCS_GUEST_INTERRUPTIBILITY,
				INTERRUPTIBILITY_NMI);
}

unsigned long vmx_get_cr4(struct hv_vcpu *vcpu)
{
	return vmx_read_cr4(to_vmx(vcpu));
}

/* CR8 accesses exit (vmx_exit.c); its value lives here. */
u8 vmx_get_cr8(struct hv_vcpu *vcpu)
{
	return to_vmx(vcpu)->cr8;
}

void vmx_set_cr8(struct hv_vcpu *vcpu, u8 cr8)
{
	to_vmx(vcpu)->cr8 = cr8 & 0xf;
}

/* SDM 24.4.2: blocking by STI and by MOV SS, as HV_VCPU_EVENTS has it. */
u32 vmx_get_interrupt_shadow(struct hv_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	u32 intr, r = 0;

	vmx_vmcs_enter(vmx);
	intr = vmx_interruptibility(vmx);
	vmx_vmcs_exit();
	if (intr & INTERRUPTIBILITY_STI)
		r |= HV_X86_SHADOW_INT_STI;
	if (intr & INTERRUPTIBILITY_MOV_SS)
		r |= HV_X86_SHADOW_INT_MOV_SS;
	return r;
}

/* Both at once is invalid guest state (SDM 26.3.1.5): MOV SS wins. */
void vmx_set_interrupt_shadow(struct hv_vcpu *vcpu, u32 shadow)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	u32 intr;

	vmx_vmcs_enter(vmx);
	intr = vmx_interruptibility(vmx) &
	       ~(INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOV_SS);
	if (shadow & HV_X86_SHADOW_INT_MOV_SS)
		intr |= INTERRUPTIBILITY_MOV_SS;
	else if (shadow & HV_X86_SHADOW_INT_STI)
		intr |= INTERRUPTIBILITY_STI;
	vmcs_write(VMCS_GUEST_INTERRUPTIBILITY, intr);
	vmx_vmcs_exit();
}

void vmx_get_debugregs(struct hv_vcpu *vcpu, struct hv_debugregs *dbg)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);

	memcpy(dbg->db, vmx->guest_dr, sizeof(dbg->db));
	dbg->dr6 = vmx->guest_dr6;
	vmx_vmcs_enter(vmx);
	dbg->dr7 = vmcs_read(VMCS_GUEST_DR7);
	vmx_vmcs_exit();
}

void vmx_set_debugregs(struct hv_vcpu *vcpu, const struct hv_debugregs *dbg)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);

	memcpy(vmx->guest_dr, dbg->db, sizeof(vmx->guest_dr));
	/* DR6/DR7 fixed bits (SDM 17.2.3, 17.2.4). */
	vmx->guest_dr6 = dbg->dr6 | DR6_RESERVED;
	/* Load them from the next entry on, as after a guest access. */
	vmx->guest_uses_dr = true;
	vmx_vmcs_enter(vmx);
	vmcs_write(VMCS_GUEST_DR7, (dbg->dr7 & ~0x0000d800ULL) | 0x400);
	vmcs_clear_bits(VMCS_PROC_CONTROLS, PROC_MOV_DR_EXITING);
	vmx_vmcs_exit();
}

/* A segment at reset: selector 0, base 0, limit 0xffff (SDM 9.1.1). */
static void vmx_seg_reset(enum vmx_seg seg, u32 ar)
{
	vmcs_write(VMCS_GUEST_ES_SEL + 2 * seg, 0);
	vmcs_write(VMCS_GUEST_ES_BASE + 2 * seg, 0);
	vmcs_write(VMCS_GUEST_ES_LIMIT + 2 * seg, 0xffff);
	vmcs_write(VMCS_GUEST_ES_AR + 2 * seg, ar);
}

/**
 * vmx_reset_state - controls and power-on guest state in the VMCS
 * @vmx: the vCPU, its VMCS current.
 *
 * Controls as vmx_main.c chose them; the architectural reset state of
 * SDM 9.1.1 (Table 9-1), which unrestricted guest runs as is.
 */
void vmx_reset_state(struct vmx_vcpu *vmx)
{
	const u32 data_ar = VMX_AR_P | VMX_AR_S | 0x3;
	u32 proc2 = vmx_cfg.proc2;

	if (!vmx->vpid)
		proc2 &= ~PROC2_ENABLE_VPID;
	vmcs_write(VMCS_PIN_CONTROLS, vmx_cfg.pin);
	vmx->pin = vmx_cfg.pin;
	vmcs_write(VMCS_PROC_CONTROLS, vmx_cfg.proc);
	vmcs_write(VMCS_PROC_CONTROLS2, proc2);
	vmcs_write(VMCS_EXIT_CONTROLS, vmx_cfg.exit);
	vmcs_write(VMCS_ENTRY_CONTROLS, vmx_cfg.entry);
	/* Machine checks are the host's (vmx_exit.c); nothing else exits. */
	vmcs_write(VMCS_EXCEPTION_BITMAP, BIT(X86_TRAP_MC));
	vmcs_write(VMCS_CR3_TARGET_COUNT, 0);
	vmcs_write(VMCS_EXIT_MSR_STORE_COUNT, 0);
	vmcs_write(VMCS_EXIT_MSR_LOAD_COUNT, 0);
	vmcs_write(VMCS_ENTRY_MSR_LOAD_COUNT, 0);
	vmcs_write(VMCS_ENTRY_INTR_INFO, 0);
	vmcs_write(VMCS_MSR_BITMAP, vmx_cfg.msr_bitmap_pa);
	vmcs_write(VMCS_EPT_POINTER, to_vmx_vm(vmx->vcpu.vm)->eptp);
	if (vmx->vpid)
		vmcs_write(VMCS_VPID, vmx->vpid);
	/* SDM 26.3.1.5: no shadow VMCS, the link pointer is all ones. */
	vmcs_write(VMCS_LINK_POINTER, ~0ULL);
	vmcs_write(VMCS_CR0_MASK, vmx_cr0_mask());
	vmcs_write(VMCS_CR4_MASK, vmx_cr4_mask());
	vmcs_write(VMCS_TSC_OFFSET, -vmx->vcpu.vm->arch.tsc_base);

	vmx_seg_reset(VMX_CS, VMX_AR_P | VMX_AR_S | 0xb);
	vmcs_write(VMCS_GUEST_ES_SEL + 2 * VMX_CS, 0xf000);
	vmcs_write(VMCS_GUEST_ES_BASE + 2 * VMX_CS, 0xffff0000);
	vmx_seg_reset(VMX_DS, data_ar);
	vmx_seg_reset(VMX_ES, data_ar);
	vmx_seg_reset(VMX_FS, data_ar);
	vmx_seg_reset(VMX_GS, data_ar);
	vmx_seg_reset(VMX_SS, data_ar);
	vmx_seg_reset(VMX_LDTR, VMX_AR_P | 0x2);
	vmx_seg_reset(VMX_TR, VMX_AR_P | 0xb);
	vmcs_write(VMCS_GUEST_GDTR_BASE, 0);
	vmcs_write(VMCS_GUEST_GDTR_LIMIT, 0xffff);
	vmcs_write(VMCS_GUEST_IDTR_BASE, 0);
	vmcs_write(VMCS_GUEST_IDTR_LIMIT, 0xffff);

	vmx_write_efer(vmx, 0);
	vmx_write_cr0(vmx, X86_CR0_ET | X86_CR0_CD | X86_CR0_NW);
	vmcs_write(VMCS_GUEST_CR3, 0);
	vmx_write_cr4(vmx, 0);
	vmcs_write(VMCS_GUEST_DR7, 0x400);	/* DR7 reset value, SDM 17.2.4 */
	vmcs_write(VMCS_GUEST_DEBUGCTL, 0);
	vmcs_write(VMCS_GUEST_PAT, VMX_PAT_RESET);
	vmcs_write(VMCS_GUEST_SYSENTER_CS, 0);
	vmcs_write(VMCS_GUEST_SYSENTER_ESP, 0);
	vmcs_write(VMCS_GUEST_SYSENTER_EIP, 0);
	vmcs_write(VMCS_GUEST_ACTIVITY_STATE, 0);
	vmcs_write(VMCS_GUEST_INTERRUPTIBILITY, 0);
	vmcs_write(VMCS_GUEST_PENDING_DBG, 0);
}

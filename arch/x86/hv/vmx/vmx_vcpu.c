// SPDX-License-Identifier: GPL-2.0-only
/*
 * VT-x vCPUs: the VMCS's life (creation, VMPTRLD/VMCLEAR as the vCPU
 * thread moves between CPUs), the host state a VM exit does not restore,
 * and the guest entry.  References: Intel SDM Vol. 3 (325384-080),
 * chapters 24-27 and 31.
 */
#define pr_fmt(fmt) "hv-intel: " fmt

#include <linux/bitfield.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/smp.h>
#include <asm/apic.h>
#include <asm/debugreg.h>
#include <asm/desc.h>
#include <asm/fpu/api.h>
#include <asm/fpu/xcr.h>
#include <asm/hw_breakpoint.h>
#include <asm/io.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/segment.h>
#include <asm/special_insns.h>
#include <asm/tlbflush.h>

#include "vmx.h"

/* The VMCS this CPU's VMREAD/VMWRITE act on (SDM 24.11.2), or NULL. */
static DEFINE_PER_CPU(struct vmx_vcpu *, vmx_current_vmcs);
/* The host IDTR; a VM exit sets its limit to 0xffff (SDM 27.5.2). */
static DEFINE_PER_CPU(struct desc_ptr, vmx_host_idt);

/**
 * vmx_vmcs_clear_local - VMCLEAR a VMCS active on this CPU
 * @vmx: the vCPU; interrupts off, on @vmx->cpu.
 *
 * SDM 24.11.1: the VMCS's state reaches memory and it becomes inactive and
 * "clear", so the next entry, on any CPU, must be a VMLAUNCH.
 */
void vmx_vmcs_clear_local(struct vmx_vcpu *vmx)
{
	vmcs_clear(vmx->vmcs_pa);
	if (__this_cpu_read(vmx_current_vmcs) == vmx)
		__this_cpu_write(vmx_current_vmcs, NULL);
	vmx_loaded_list_del(vmx);
	vmx->launched = false;
	/* The list entry is gone before another CPU sees the VMCS free. */
	smp_wmb();
	WRITE_ONCE(vmx->cpu, -1);
}

static void vmx_vmcs_clear_ipi(void *arg)
{
	struct vmx_vcpu *vmx = arg;

	/* cpu_disable may have cleared it meanwhile. */
	if (READ_ONCE(vmx->cpu) == smp_processor_id())
		vmx_vmcs_clear_local(vmx);
}

/* Clear the VMCS wherever it is active; may not run with irqs off. */
static void vmx_vmcs_clear(struct vmx_vcpu *vmx)
{
	int cpu = READ_ONCE(vmx->cpu);

	/* An offline CPU cleared its VMCSs in cpu_disable. */
	if (cpu >= 0)
		smp_call_function_single(cpu, vmx_vmcs_clear_ipi, vmx, 1);
}

/*
 * Host state that differs between CPUs (SDM 27.5.2/27.5.3: the TR and GDTR
 * bases, SYSENTER_ESP pointing at this CPU's entry stack).  The GDTR read
 * back is this CPU's read-only GDT mapping, the one the kernel runs on.
 */
static void vmx_set_host_cpu_state(void)
{
	struct desc_ptr gdt;
	struct ldttss_desc *tss;
	u64 tr_base, sysenter_esp;

	native_store_gdt(&gdt);
	tss = (struct ldttss_desc *)(gdt.address + GDT_ENTRY_TSS * 8);
	tr_base = tss->base0 | ((u64)tss->base1 << 16) |
		  ((u64)tss->base2 << 24) | ((u64)tss->base3 << 32);
	vmcs_write(VMCS_HOST_TR_BASE, tr_base);
	vmcs_write(VMCS_HOST_GDTR_BASE, gdt.address);
	rdmsrl(MSR_IA32_SYSENTER_ESP, sysenter_esp);
	vmcs_write(VMCS_HOST_SYSENTER_ESP, sysenter_esp);
	store_idt(this_cpu_ptr(&vmx_host_idt));
}

/**
 * vmx_vmcs_load - make the vCPU's VMCS current on this CPU
 * @vmx: the vCPU; preemption disabled.
 *
 * A VMCS may be active on one CPU only (SDM 24.11.1): when the vCPU moved,
 * it is cleared on the CPU it left (by IPI) before VMPTRLD here.  The new
 * CPU may hold stale translations tagged with this EPTP and VPID from an
 * earlier stay, made before a zap that flushed only the CPUs the vCPU then
 * ran on: flush them at the next entry.
 */
void vmx_vmcs_load(struct vmx_vcpu *vmx)
{
	int cpu = smp_processor_id();
	unsigned long flags;

	lockdep_assert_preemption_disabled();
	if (READ_ONCE(vmx->cpu) == cpu) {
		if (__this_cpu_read(vmx_current_vmcs) != vmx) {
			vmcs_load(vmx->vmcs_pa);
			__this_cpu_write(vmx_current_vmcs, vmx);
		}
		return;
	}

	vmx_vmcs_clear(vmx);
	/* Pairs with the smp_wmb() in vmx_vmcs_clear_local(). */
	smp_rmb();

	local_irq_save(flags);
	/* SDM 24.11.3: VMCLEAR a VMCS before its first VMPTRLD. */
	vmcs_clear(vmx->vmcs_pa);
	vmx->launched = false;
	vmcs_load(vmx->vmcs_pa);
	__this_cpu_write(vmx_current_vmcs, vmx);
	vmx_loaded_list_add(vmx, cpu);
	WRITE_ONCE(vmx->cpu, cpu);
	local_irq_restore(flags);

	vmx_set_host_cpu_state();
	vmx->flush_tlb = true;
}

void vmx_vcpu_load(struct hv_vcpu *vcpu, int cpu)
{
	vmx_vmcs_load(to_vmx(vcpu));
}

/*
 * Host state that stays the same for every vCPU on every CPU (SDM 27.5):
 * the kernel's code and data selectors, IDT, SYSENTER target, PAT, EFER.
 * CR3 and CR4 are checked before each entry (the vCPU thread's address
 * space may be switched, CR4 bits toggled).
 */
static void vmx_set_host_constant_state(struct vmx_vcpu *vmx)
{
	struct desc_ptr idt;
	u64 val;

	vmcs_write(VMCS_HOST_CR0, read_cr0());
	vmx->host_cr3 = __read_cr3();
	vmcs_write(VMCS_HOST_CR3, vmx->host_cr3);
	vmx->host_cr4 = cr4_read_shadow();
	vmcs_write(VMCS_HOST_CR4, vmx->host_cr4);
	vmcs_write(VMCS_HOST_CS_SEL, __KERNEL_CS);
	vmcs_write(VMCS_HOST_SS_SEL, __KERNEL_DS);
	/* Null data selectors (SDM 26.2.3); the host's are reloaded at put. */
	vmcs_write(VMCS_HOST_DS_SEL, 0);
	vmcs_write(VMCS_HOST_ES_SEL, 0);
	vmcs_write(VMCS_HOST_FS_SEL, 0);
	vmcs_write(VMCS_HOST_GS_SEL, 0);
	vmcs_write(VMCS_HOST_TR_SEL, GDT_ENTRY_TSS * 8);
	store_idt(&idt);
	vmcs_write(VMCS_HOST_IDTR_BASE, idt.address);
	vmcs_write(VMCS_HOST_RIP, (unsigned long)vmx_vmexit);
	rdmsrl(MSR_IA32_SYSENTER_CS, val);
	vmcs_write(VMCS_HOST_SYSENTER_CS, (u32)val);
	rdmsrl(MSR_IA32_SYSENTER_EIP, val);
	vmcs_write(VMCS_HOST_SYSENTER_EIP, val);
	rdmsrl(MSR_IA32_CR_PAT, val);
	vmcs_write(VMCS_HOST_PAT, val);
	rdmsrl(MSR_EFER, val);
	vmcs_write(VMCS_HOST_EFER, val);
}

/**
 * vmx_vcpu_reset - power-on state, also after a triple fault
 * @vmx: the vCPU.
 */
void vmx_vcpu_reset(struct vmx_vcpu *vmx)
{
	struct hv_vcpu *vcpu = &vmx->vcpu;

	vmx_vmcs_enter(vmx);
	vmx_reset_state(vmx);
	vmx_vmcs_exit();

	memset(vcpu->arch.regs, 0, sizeof(vcpu->arch.regs));
	vcpu->arch.regs[HV_REG_RDX] = 0x600;
	vcpu->arch.rip = 0xfff0;
	vcpu->arch.rflags = X86_EFLAGS_FIXED;
	vcpu->arch.pending = HV_PENDING_NONE;
	hv_x86_msr_reset(vcpu);
	vcpu->arch.queued_irq = -1;
	vcpu->arch.nmi_pending = 0;
	vmx->guest_uses_dr = false;
	memset(vmx->guest_dr, 0, sizeof(vmx->guest_dr));
	vmx->guest_dr6 = DR6_RESERVED;
	vmx->cstar = 0;
	/* After a triple fault in RUN the guest's values may be in the CPU. */
	preempt_disable();
	vmx->kernel_gs_base = 0;
	vmx->star = 0;
	vmx->lstar = 0;
	vmx->sfmask = 0;
	if (vmx->host.loaded) {
		wrmsrl(MSR_KERNEL_GS_BASE, 0);
		wrmsrl(MSR_STAR, 0);
		wrmsrl(MSR_LSTAR, 0);
		wrmsrl(MSR_SYSCALL_MASK, 0);
	}
	preempt_enable();
	vmx->cr2 = 0;
	vmx->cr8 = 0;
	/* The guest's TLB starts empty (a reused VPID may tag old entries). */
	vmx->flush_tlb = true;
}

/*
 * INIT (SDM 9.1, Table 9-1): the real-mode reset state of what the VMCS
 * holds, keeping what INIT keeps: MSRs other than EFER (PAT, SYSENTER,
 * the TSC offset, DEBUGCTL), CR0.CD/NW.  Pending events and NMI blocking
 * are dropped.  The core resets the GPRs, RIP, RFLAGS and the APIC.
 */
static void vmx_vcpu_init_event(struct vmx_vcpu *vmx)
{
	u64 pat, tsc_offset, debugctl, sysenter[3], cr0;

	vmx_vmcs_enter(vmx);
	pat = vmcs_read(VMCS_GUEST_PAT);
	tsc_offset = vmcs_read(VMCS_TSC_OFFSET);
	debugctl = vmcs_read(VMCS_GUEST_DEBUGCTL);
	sysenter[0] = vmcs_read(VMCS_GUEST_SYSENTER_CS);
	sysenter[1] = vmcs_read(VMCS_GUEST_SYSENTER_ESP);
	sysenter[2] = vmcs_read(VMCS_GUEST_SYSENTER_EIP);
	cr0 = vmx_read_cr0(vmx) & (X86_CR0_CD | X86_CR0_NW);
	vmx_reset_state(vmx);
	vmcs_write(VMCS_GUEST_PAT, pat);
	vmcs_write(VMCS_TSC_OFFSET, tsc_offset);
	vmcs_write(VMCS_GUEST_DEBUGCTL, debugctl);
	vmcs_write(VMCS_GUEST_SYSENTER_CS, sysenter[0]);
	vmcs_write(VMCS_GUEST_SYSENTER_ESP, sysenter[1]);
	vmcs_write(VMCS_GUEST_SYSENTER_EIP, sysenter[2]);
	vmx_write_cr0(vmx, X86_CR0_ET | cr0);
	vmx_vmcs_exit();
	vmx->guest_uses_dr = false;
	memset(vmx->guest_dr, 0, sizeof(vmx->guest_dr));
	vmx->guest_dr6 = DR6_RESERVED;
	vmx->cr2 = 0;
	vmx->cr8 = 0;
	/* Paging is off now: no translation of the old mode may be used. */
	vmx->flush_tlb = true;
}

void vmx_vcpu_reset_op(struct hv_vcpu *vcpu, bool init_event)
{
	if (init_event)
		vmx_vcpu_init_event(to_vmx(vcpu));
	else
		vmx_vcpu_reset(to_vmx(vcpu));
}

int vmx_vcpu_create(struct hv_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	struct page *page;

	/* SDM 24.2: a 4 KiB region starting with the revision identifier. */
	page = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!page)
		return -ENOMEM;
	vmx->vmcs = page_address(page);
	vmx->vmcs_pa = page_to_phys(page);
	*(u32 *)vmx->vmcs = vmx_cfg.revision_id;
	vmx->cpu = -1;
	INIT_LIST_HEAD(&vmx->loaded_list);
	vmx->vpid = vmx_vpid_alloc();

	vmx_vmcs_enter(vmx);
	vmx_set_host_constant_state(vmx);
	vmx_vmcs_exit();
	vmx_vcpu_reset(vmx);
	return 0;
}

void vmx_vcpu_free(struct hv_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);

	vmx_vmcs_clear(vmx);
	vmx_vpid_free(vmx->vpid);
	hv_mmu_cache_free(&vmx->ept_cache);
	free_page((unsigned long)vmx->vmcs);
}

/*
 * Before the first entry since the vCPU thread came to this CPU: keep the
 * host's segment selectors and the MSRs VT-x does not switch (SDM 27.5),
 * and put the guest's into the CPU.  They stay there while the thread
 * stays in the kernel: the kernel itself never uses SYSCALL, nor the user
 * GS base, until vmx_vcpu_put() restores them (KVM's approach).
 */
static void vmx_prepare_switch_to_guest(struct vmx_vcpu *vmx)
{
	struct vmx_host_state *h = &vmx->host;
	u64 base;

	if (h->loaded)
		return;
	savesegment(fs, h->fs_sel);
	savesegment(gs, h->gs_sel);
	savesegment(ds, h->ds_sel);
	savesegment(es, h->es_sel);
	asm volatile("sldt %0" : "=g" (h->ldt_sel));
	/* The VMCS can hold only null-TI, RPL 0 selectors (SDM 26.2.3). */
	vmcs_write(VMCS_HOST_FS_SEL, h->fs_sel & 7 ? 0 : h->fs_sel);
	vmcs_write(VMCS_HOST_GS_SEL, h->gs_sel & 7 ? 0 : h->gs_sel);
	rdmsrl(MSR_FS_BASE, base);
	vmcs_write(VMCS_HOST_FS_BASE, base);
	rdmsrl(MSR_GS_BASE, base);
	vmcs_write(VMCS_HOST_GS_BASE, base);

	rdmsrl(MSR_KERNEL_GS_BASE, h->kernel_gs_base);
	rdmsrl(MSR_STAR, h->star);
	rdmsrl(MSR_LSTAR, h->lstar);
	rdmsrl(MSR_SYSCALL_MASK, h->sfmask);
	wrmsrl(MSR_KERNEL_GS_BASE, vmx->kernel_gs_base);
	wrmsrl(MSR_STAR, vmx->star);
	wrmsrl(MSR_LSTAR, vmx->lstar);
	wrmsrl(MSR_SYSCALL_MASK, vmx->sfmask);
	h->loaded = true;
}

/*
 * The vCPU thread leaves the CPU or returns to userspace: the host's
 * selectors, syscall MSRs, user GS base, and the descriptor-table limits a
 * VM exit changed (SDM 27.5.2: GDTR and IDTR limits 0xffff, TR limit
 * 0x67, LDTR null).
 */
void vmx_vcpu_put(struct hv_vcpu *vcpu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	struct vmx_host_state *h = &vmx->host;

	if (!h->loaded)
		return;
	/* SWAPGS in the guest changes it without an exit. */
	rdmsrl(MSR_KERNEL_GS_BASE, vmx->kernel_gs_base);

	if (h->ldt_sel)
		asm volatile("lldt %0" : : "rm" (h->ldt_sel));
	if (h->gs_sel & 7)
		load_gs_index(h->gs_sel);
	if (h->fs_sel & 7)
		loadsegment(fs, h->fs_sel);
	if (h->ds_sel)
		loadsegment(ds, h->ds_sel);
	if (h->es_sel)
		loadsegment(es, h->es_sel);
	/* TR's limit is 0x67: reload it before an I/O bitmap is needed. */
	invalidate_tss_limit();

	wrmsrl(MSR_KERNEL_GS_BASE, h->kernel_gs_base);
	wrmsrl(MSR_STAR, h->star);
	wrmsrl(MSR_LSTAR, h->lstar);
	wrmsrl(MSR_SYSCALL_MASK, h->sfmask);
	load_fixmap_gdt(smp_processor_id());
	load_idt(this_cpu_ptr(&vmx_host_idt));
	h->loaded = false;
}

/*
 * Host state VM entry and exit leave to software, with interrupts off:
 * XCR0 and PKRU (the guest may set CR4.PKE and write PKRU), CR2, the debug
 * registers once the guest uses them, and IA32_DEBUGCTL, which a VM exit
 * clears (SDM 27.5.1).
 */
static void vmx_load_guest_state(struct vmx_vcpu *vmx)
{
	struct hv_vcpu *vcpu = &vmx->vcpu;

	if (boot_cpu_has(X86_FEATURE_OSXSAVE) &&
	    vcpu->arch.xcr0 != vmx_host_xcr0)
		xsetbv(XCR_XFEATURE_ENABLED_MASK, vcpu->arch.xcr0);
	if (boot_cpu_has(X86_FEATURE_OSPKE))
		vmx->host_pkru = rdpkru();
	vmx->host_debugctl = get_debugctlmsr();
	if (vmx->guest_uses_dr) {
		/* Disarm the host's breakpoints; DR7 comes from the VMCS. */
		set_debugreg(0, 7);
		set_debugreg(vmx->guest_dr[0], 0);
		set_debugreg(vmx->guest_dr[1], 1);
		set_debugreg(vmx->guest_dr[2], 2);
		set_debugreg(vmx->guest_dr[3], 3);
		set_debugreg(vmx->guest_dr6, 6);
	}
	if (native_read_cr2() != vmx->cr2)
		native_write_cr2(vmx->cr2);
}

static void vmx_put_guest_state(struct vmx_vcpu *vmx)
{
	vmx->cr2 = native_read_cr2();
	if (vmx->guest_uses_dr) {
		get_debugreg(vmx->guest_dr[0], 0);
		get_debugreg(vmx->guest_dr[1], 1);
		get_debugreg(vmx->guest_dr[2], 2);
		get_debugreg(vmx->guest_dr[3], 3);
		get_debugreg(vmx->guest_dr6, 6);
	}
	/* A VM exit leaves DR7 at 0x400 (SDM 27.5.1): rearm the host's. */
	if (hw_breakpoint_active() || vmx->guest_uses_dr)
		hw_breakpoint_restore();
	if (vmx->host_debugctl)
		update_debugctlmsr(vmx->host_debugctl);
	if (boot_cpu_has(X86_FEATURE_OSPKE) && rdpkru() != vmx->host_pkru)
		wrpkru(vmx->host_pkru);
	if (boot_cpu_has(X86_FEATURE_OSXSAVE) &&
	    xgetbv(XCR_XFEATURE_ENABLED_MASK) != vmx_host_xcr0)
		xsetbv(XCR_XFEATURE_ENABLED_MASK, vmx_host_xcr0);
}

/*
 * SDM 28.3.3.4 / 28.4.3: INVEPT single-context drops what was cached for
 * the EPTP, guest-physical and combined (linear) mappings of every VPID;
 * INVVPID single-context only the linear ones of the vCPU's VPID.  Without
 * VPIDs every entry and exit flushes linear translations anyway.
 */
static void vmx_flush_tlb(struct vmx_vcpu *vmx)
{
	if (vmx->flush_tlb) {
		vmx_invept(INVEPT_SINGLE_CONTEXT,
			   to_vmx_vm(vmx->vcpu.vm)->eptp);
		vmx->vcpu.vm->stats.tlb_flushes++;
	} else if (vmx->flush_vpid && vmx->vpid) {
		vmx_invvpid(INVVPID_SINGLE_CONTEXT, vmx->vpid);
	}
	vmx->flush_tlb = false;
	vmx->flush_vpid = false;
}

/* Host CR3 and CR4 as they are now (SDM 27.5.1 loads them at exit). */
static void vmx_update_host_cr(struct vmx_vcpu *vmx)
{
	unsigned long cr3 = __read_cr3(), cr4 = cr4_read_shadow();

	if (cr3 != vmx->host_cr3) {
		vmcs_write(VMCS_HOST_CR3, cr3);
		vmx->host_cr3 = cr3;
	}
	if (cr4 != vmx->host_cr4) {
		vmcs_write(VMCS_HOST_CR4, cr4);
		vmx->host_cr4 = cr4;
	}
}

/*
 * SDM 26.3.1.5: blocking by STI needs RFLAGS.IF, which userspace may have
 * cleared after setting the shadow.
 */
static void vmx_sanitize_interruptibility(struct vmx_vcpu *vmx)
{
	u32 intr = vmcs_read32(VMCS_GUEST_INTERRUPTIBILITY);

	if ((intr & INTERRUPTIBILITY_STI) &&
	    !(vmx->vcpu.arch.rflags & X86_EFLAGS_IF))
		vmcs_write(VMCS_GUEST_INTERRUPTIBILITY,
			   intr & ~INTERRUPTIBILITY_STI);
}

/*
 * A guest entered with RFLAGS.IF clear gets the VMX-preemption timer
 * (SDM 25.5.1) as a backstop: external interrupts make it exit anyway on
 * real hardware, but Bochs's VT-x masks them when the entry loads IF=0 and
 * only unmasks them when the guest changes IF, so a guest spinning with
 * interrupts off would never give the CPU back.  The timer costs at most
 * one exit per millisecond, only while the guest keeps IF clear.
 */
static void vmx_arm_backstop_timer(struct vmx_vcpu *vmx)
{
	u32 pin = vmx_cfg.pin;

	if (vmx_cfg.timer_ticks && !(vmx->vcpu.arch.rflags & X86_EFLAGS_IF)) {
		pin |= PIN_PREEMPTION_TIMER;
		vmcs_write(VMCS_PREEMPTION_TIMER, vmx_cfg.timer_ticks);
	}
	if (pin != vmx->pin) {
		vmcs_write(VMCS_PIN_CONTROLS, pin);
		vmx->pin = pin;
	}
}

/* VMLAUNCH/VMRESUME failed with VMfail: the VMCS is wrong (SDM 30.4). */
static int vmx_entry_failed(struct vmx_vcpu *vmx, u32 error)
{
	struct hv_run *run = vmx->vcpu.run;

	run->exit_reason = HV_EXIT_FAIL_ENTRY;
	run->fail_entry.hardware_entry_failure_reason = error;
	run->fail_entry.cpu = vmx->cpu;
	return 0;
}

/**
 * vmx_vcpu_run - enter the guest once and handle the exit
 * @vcpu: the vCPU, loaded, with its mutex and the VM's SRCU held.
 *
 * Return: 1 to enter again, 0 to return to userspace, or -errno.
 */
int vmx_vcpu_run(struct hv_vcpu *vcpu)
	__must_hold(&vcpu->vm->srcu)
{
	struct vmx_vcpu *vmx = to_vmx(vcpu);
	u32 intr_info = 0;
	int r;

	local_irq_disable();
	/*
	 * Request protocol (hv_vm_request_all()): publish that we are about
	 * to enter, then look at the requests.  A request made after this
	 * check sees our mode and sends an IPI, which stays pending with
	 * interrupts off and makes the guest exit right at entry (external
	 * interrupts exit, SDM 25.2).
	 */
	WRITE_ONCE(vcpu->mode, HV_IN_GUEST_MODE);
	/* Order the mode before reading requests; pairs with the requester. */
	smp_mb();
	if (hv_test_and_clear_request(vcpu, HV_REQ_TLB_FLUSH))
		vmx->flush_tlb = true;
	if (need_resched() || signal_pending(current)) {
		WRITE_ONCE(vcpu->mode, HV_OUTSIDE_GUEST_MODE);
		local_irq_enable();
		return 1;
	}

	/* As on SVM: the guest FPU may have to be reloaded after a switch. */
	if (test_thread_flag(TIF_NEED_FPU_LOAD))
		switch_fpu_return();

	/* Interrupts off: no migration; vcpu_load made the VMCS current. */
	vmx_vmcs_load(vmx);
	vcpu->arch.has_run = true;
	hv_x86_tsc_catchup(vcpu);
	hv_x86_inject_pending(vcpu);
	vmx_prepare_switch_to_guest(vmx);
	vmx_update_host_cr(vmx);
	vmx_flush_tlb(vmx);
	vmcs_write(VMCS_GUEST_RSP, vcpu->arch.regs[HV_REG_RSP]);
	vmcs_write(VMCS_GUEST_RIP, vcpu->arch.rip);
	vmcs_write(VMCS_GUEST_RFLAGS, vcpu->arch.rflags);
	vmx_sanitize_interruptibility(vmx);
	vmx_arm_backstop_timer(vmx);
	/* No SRCU in guest mode (the vcpu_run contract, hv_host.h). */
	hv_vcpu_srcu_read_unlock(vcpu);

	vmx_load_guest_state(vmx);
	hv_guest_enter_irqoff();
	r = __vmx_vcpu_run(vcpu->arch.regs, vmx->launched);
	hv_guest_exit_irqoff();
	vmx_put_guest_state(vmx);
	if (!r) {
		vmx->exit_reason = vmcs_read32(VMCS_EXIT_REASON);
		/*
		 * A failed VM entry (exit reason bit 31) leaves the launch
		 * state alone (SDM 26.8); any other exit means the VMCS is
		 * launched.
		 */
		if (!(vmx->exit_reason & EXIT_REASON_FAILED_ENTRY))
			vmx->launched = true;
		/*
		 * An NMI for the host made the guest exit; NMI exiting kept
		 * it from the host's handler (SDM 25.2).  Send it again, to
		 * ourselves, so the kernel sees a real NMI.
		 */
		if ((u16)vmx->exit_reason == EXIT_REASON_EXCEPTION_NMI) {
			intr_info = vmcs_read32(VMCS_EXIT_INTR_INFO);
			if ((intr_info & INTR_INFO_VALID) &&
			    FIELD_GET(INTR_INFO_TYPE, intr_info) ==
			    INTR_TYPE_NMI)
				apic->send_IPI(smp_processor_id(), NMI_VECTOR);
		}
	}
	WRITE_ONCE(vcpu->mode, HV_OUTSIDE_GUEST_MODE);
	/* Take the interrupt that made the guest exit, still as guest time. */
	local_irq_enable();
	local_irq_disable();
	hv_guest_timing_exit_irqoff();
	local_irq_enable();
	hv_vcpu_srcu_read_lock(vcpu);

	if (unlikely(r == 2)) {
		/* VMX is off under us (emergency disable). */
		hv_vm_mark_dead(vcpu->vm);
		return -EIO;
	}
	preempt_disable();
	vmx_vmcs_load(vmx);
	if (unlikely(r == 1)) {
		r = vmx_entry_failed(vmx, vmcs_read32(VMCS_INSN_ERROR));
		preempt_enable();
		return r;
	}
	vcpu->arch.regs[HV_REG_RSP] = vmcs_read(VMCS_GUEST_RSP);
	vcpu->arch.rip = vmcs_read(VMCS_GUEST_RIP);
	vcpu->arch.rflags = vmcs_read(VMCS_GUEST_RFLAGS);
	vmx->exit_qual = vmcs_read(VMCS_EXIT_QUALIFICATION);
	vmx_complete_events(vmx);
	preempt_enable();

	r = vmx_handle_exit(vmx);
	/* KVM's dm_request_for_irq_injection() exit. */
	return r > 0 ? hv_x86_check_irq_window(vcpu) : r;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv-intel: the Intel VT-x (VMX) backend.
 *
 * This file probes the hardware, chooses the VMX controls from the
 * capability MSRs, enters and leaves VMX root operation per CPU (the core
 * decides when: virt/hv/hv_backend.c), keeps the per-CPU list of active
 * VMCSs that must be cleared before a CPU leaves VMX operation, and holds
 * the backend's ops table.  References are to the Intel 64 and IA-32
 * Architectures Software Developer's Manual, Volume 3 (SDM), order number
 * 325384-080.
 */
#define pr_fmt(fmt) "hv-intel: " fmt

#include <linux/bitfield.h>
#include <linux/gfp.h>
#include <linux/idr.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/hv_host.h>
#include <asm/asm.h>
#include <asm/cpufeature.h>
#include <asm/fpu/xcr.h>
#include <asm/io.h>
#include <asm/msr.h>
#include <asm/reboot.h>
#include <asm/tlbflush.h>
#include <asm/tsc.h>

#include "vmx.h"

/* SDM A.1 "Basic VMX Information": fields of IA32_VMX_BASIC. */
#define VMX_BASIC_REVISION_ID	GENMASK_ULL(30, 0)
#define VMX_BASIC_REGION_SIZE	GENMASK_ULL(44, 32)
#define VMX_BASIC_MEMTYPE	GENMASK_ULL(53, 50)
#define VMX_BASIC_MEMTYPE_WB	6
#define VMX_BASIC_INOUT_INFO	BIT_ULL(54)
#define VMX_BASIC_TRUE	BIT_ULL(55)

/* SDM A.10 IA32_VMX_EPT_VPID_CAP. */
#define VMX_EPT_CAP_WALK4	BIT_ULL(6)
#define VMX_EPT_CAP_WB		BIT_ULL(14)
#define VMX_EPT_CAP_2M		BIT_ULL(16)
#define VMX_EPT_CAP_INVEPT	BIT_ULL(20)
#define VMX_EPT_CAP_INVEPT_CTX	BIT_ULL(25)
#define VMX_VPID_CAP_INVVPID	BIT_ULL(32)
#define VMX_VPID_CAP_INVVPID_CTX BIT_ULL(41)

/* SDM 24.6.9: the MSR bitmap, read and write halves for two ranges. */
#define VMX_MSR_BITMAP_READ_LOW		0x000
#define VMX_MSR_BITMAP_READ_HIGH	0x400
#define VMX_MSR_BITMAP_WRITE_LOW	0x800
#define VMX_MSR_BITMAP_WRITE_HIGH	0xc00

struct vmx_config vmx_cfg;
u64 vmx_host_xcr0;

/*
 * SDM 24.11.5 "VMXON Region": one naturally aligned 4 KiB region per CPU,
 * starting with the VMCS revision identifier.  Allocated up front because
 * resume enables a CPU with interrupts off.
 */
static DEFINE_PER_CPU(struct page *, vmx_vmxon_page);
/* Whether this CPU is in VMX root operation because of us. */
static DEFINE_PER_CPU(bool, vmx_in_root);
/*
 * The VMCSs active on this CPU (SDM 24.11.1: launched or current), which
 * must be cleared before VMXOFF so their state reaches memory.  Changed
 * only on this CPU with interrupts off, walked by the emergency path.
 */
static DEFINE_PER_CPU(struct list_head, vmx_loaded_vmcss);
static struct page *vmx_msr_bitmap;
static DEFINE_IDA(vmx_vpids);

void vmx_loaded_list_add(struct vmx_vcpu *vmx, int cpu)
{
	lockdep_assert_irqs_disabled();
	list_add(&vmx->loaded_list, &per_cpu(vmx_loaded_vmcss, cpu));
}

void vmx_loaded_list_del(struct vmx_vcpu *vmx)
{
	lockdep_assert_irqs_disabled();
	list_del(&vmx->loaded_list);
}

void vmx_vmwrite_error(unsigned long field, unsigned long value)
{
	pr_err_ratelimited("VMWRITE %#lx = %#lx failed, error %u\n", field,
			   value, vmcs_read32(VMCS_INSN_ERROR));
}

/* VPIDs 1..65535; 0 is the host's (SDM 28.1). */
int vmx_vpid_alloc(void)
{
	int vpid;

	if (!vmx_cfg.has_vpid)
		return 0;
	vpid = ida_alloc_range(&vmx_vpids, 1, 0xffff, GFP_KERNEL);
	return vpid < 0 ? 0 : vpid;
}

void vmx_vpid_free(int vpid)
{
	if (vpid)
		ida_free(&vmx_vpids, vpid);
}

/*
 * SDM 31.3 VMXON: VMfailInvalid (CF=1) becomes -EIO; a #GP or #UD, caught
 * through the exception table, becomes -EFAULT.
 */
static int vmx_vmxon(u64 vmxon_pa)
{
	asm goto("1: vmxon %[pa]\n\t"
		 "jnc %l[done]\n\t"
		 "jmp %l[fail]\n\t"
		 "2: jmp %l[fault]\n\t"
		 _ASM_EXTABLE(1b, 2b)
		 : : [pa] "m" (vmxon_pa) : "cc", "memory" : done, fail, fault);
done:
	return 0;
fail:
	return -EIO;
fault:
	return -EFAULT;
}

/* Leave VMX operation; a #UD (not in VMX operation) is harmless here. */
static void vmx_vmxoff(void)
{
	asm volatile("1: vmxoff\n\t"
		     "2:\n\t"
		     _ASM_EXTABLE(1b, 2b)
		     : : : "cc", "memory");
	cr4_clear_bits(X86_CR4_VMXE);
}

static int vmx_cpu_enable(void)
{
	u64 feat_ctl;
	int r;

	/*
	 * CR4.VMXE already set means another hypervisor is in VMX operation
	 * on this CPU (SDM 24.7); a second VMXON would fail or worse.
	 */
	if (cr4_read_shadow() & X86_CR4_VMXE) {
		pr_err("CPU %d: CR4.VMXE is already set: another hypervisor is in VMX operation\n",
		       smp_processor_id());
		return -EBUSY;
	}

	/*
	 * SDM 24.7: VMXON #GPs unless the control MSR is locked with VMX on.
	 * vmx_probe() checked the boot CPU; the firmware may have set up
	 * another CPU differently.
	 */
	rdmsrl(MSR_IA32_FEAT_CTL, feat_ctl);
	if (!(feat_ctl & FEAT_CTL_LOCKED) ||
	    !(feat_ctl & FEAT_CTL_VMX_ENABLED_OUTSIDE_SMX)) {
		pr_err("CPU %d: VT-x is %s by the firmware (IA32_FEATURE_CONTROL %#llx)\n",
		       smp_processor_id(), feat_ctl & FEAT_CTL_LOCKED ?
		       "locked off" : "not enabled and locked", feat_ctl);
		return -EOPNOTSUPP;
	}

	cr4_set_bits(X86_CR4_VMXE);
	r = vmx_vmxon(page_to_phys(__this_cpu_read(vmx_vmxon_page)));
	if (r) {
		cr4_clear_bits(X86_CR4_VMXE);
		return r;
	}
	/*
	 * Translations cached for EPTPs and VPIDs before an earlier VMXOFF
	 * may survive it (SDM 28.3.3.1): start from a clean TLB.
	 */
	vmx_invept(INVEPT_ALL_CONTEXT, 0);
	if (vmx_cfg.has_vpid)
		vmx_invvpid(INVVPID_ALL_CONTEXT, 0);
	__this_cpu_write(vmx_in_root, true);
	return 0;
}

/*
 * CPU offline, suspend or module unload: write every VMCS active here back
 * to memory (SDM 24.11.1) so that its vCPU can resume on another CPU.
 */
static void vmx_cpu_disable(void)
{
	struct list_head *head = this_cpu_ptr(&vmx_loaded_vmcss);
	struct vmx_vcpu *vmx, *tmp;
	unsigned long flags;

	if (!__this_cpu_read(vmx_in_root))
		return;
	local_irq_save(flags);
	list_for_each_entry_safe(vmx, tmp, head, loaded_list)
		vmx_vmcs_clear_local(vmx);
	local_irq_restore(flags);
	vmx_vmxoff();
	__this_cpu_write(vmx_in_root, false);
}

/*
 * VMX root operation blocks INIT (SDM 24.8), so a crash kernel or the
 * firmware could not restart this CPU.  The kernel calls this on every CPU
 * on crash and emergency restart, possibly from NMI context: no locks, no
 * list changes; the VMCSs are cleared so that memory holds their state.
 */
static void vmx_emergency_disable(void)
{
	struct list_head *head = this_cpu_ptr(&vmx_loaded_vmcss);
	struct vmx_vcpu *vmx;

	if (!__this_cpu_read(vmx_in_root))
		return;
	list_for_each_entry(vmx, head, loaded_list)
		vmcs_clear(vmx->vmcs_pa);
	vmx_vmxoff();
	__this_cpu_write(vmx_in_root, false);
}

static void vmx_free_vmxon_pages(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		if (per_cpu(vmx_vmxon_page, cpu))
			__free_page(per_cpu(vmx_vmxon_page, cpu));
		per_cpu(vmx_vmxon_page, cpu) = NULL;
	}
}

/*
 * MSRs the guest reads and writes directly: each is in the VMCS guest
 * state and switched by VM entry and exit (SDM 26.3.2.1, 27.3.1), or is
 * KERNEL_GS_BASE, which SWAPGS changes without any exit anyway and which
 * hv switches around the guest (vmx_vcpu.c).  Every other MSR exits.
 */
static const u32 vmx_direct_msrs[] = {
	MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE,
	MSR_IA32_SYSENTER_CS, MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP,
};

/* SDM 24.6.9: one bit per MSR; a clear bit lets the access through. */
static void vmx_msr_bitmap_allow(u8 *bitmap, u32 msr)
{
	unsigned int read, write;

	if (msr <= 0x1fff) {
		read = VMX_MSR_BITMAP_READ_LOW;
		write = VMX_MSR_BITMAP_WRITE_LOW;
	} else if (msr - 0xc0000000 <= 0x1fff) {
		read = VMX_MSR_BITMAP_READ_HIGH;
		write = VMX_MSR_BITMAP_WRITE_HIGH;
	} else {
		return;
	}
	msr &= 0x1fff;
	bitmap[read + msr / 8] &= ~BIT(msr % 8);
	bitmap[write + msr / 8] &= ~BIT(msr % 8);
}

static int vmx_hardware_setup(void)
{
	struct page *page;
	unsigned int i;
	int cpu;

	for_each_possible_cpu(cpu) {
		INIT_LIST_HEAD(&per_cpu(vmx_loaded_vmcss, cpu));
		page = alloc_pages_node(cpu_to_node(cpu),
					GFP_KERNEL | __GFP_ZERO, 0);
		if (!page) {
			vmx_free_vmxon_pages();
			return -ENOMEM;
		}
		*(u32 *)page_address(page) = vmx_cfg.revision_id;
		per_cpu(vmx_vmxon_page, cpu) = page;
	}

	vmx_msr_bitmap = alloc_page(GFP_KERNEL);
	if (!vmx_msr_bitmap) {
		vmx_free_vmxon_pages();
		return -ENOMEM;
	}
	memset(page_address(vmx_msr_bitmap), 0xff, PAGE_SIZE);
	for (i = 0; i < ARRAY_SIZE(vmx_direct_msrs); i++)
		vmx_msr_bitmap_allow(page_address(vmx_msr_bitmap),
				     vmx_direct_msrs[i]);
	vmx_cfg.msr_bitmap_pa = page_to_phys(vmx_msr_bitmap);

	if (boot_cpu_has(X86_FEATURE_OSXSAVE))
		vmx_host_xcr0 = xgetbv(XCR_XFEATURE_ENABLED_MASK);
	/*
	 * The kernel has one slot for this hook; the core has checked that
	 * kvm_intel, its only other user, is not loaded.
	 */
	cpu_emergency_register_virt_callback(vmx_emergency_disable);
	return 0;
}

static void vmx_hardware_unsetup(void)
{
	cpu_emergency_unregister_virt_callback(vmx_emergency_disable);
	__free_page(vmx_msr_bitmap);
	vmx_msr_bitmap = NULL;
	vmx_free_vmxon_pages();
}

static const char *const vmx_conflicts[] = { "kvm_intel", NULL };

static const struct hv_backend_ops vmx_backend_ops = {
	.name			= "vmx",
	.owner			= THIS_MODULE,
	.conflicts		= vmx_conflicts,
	.vm_size		= sizeof(struct vmx_vm),
	.vcpu_size		= sizeof(struct vmx_vcpu),
	.hardware_setup		= vmx_hardware_setup,
	.hardware_unsetup	= vmx_hardware_unsetup,
	.cpu_enable		= vmx_cpu_enable,
	.cpu_disable		= vmx_cpu_disable,
	.vm_init		= vmx_ept_init,
	.vm_destroy		= vmx_ept_destroy,
	.vcpu_create		= vmx_vcpu_create,
	.vcpu_free		= vmx_vcpu_free,
	.vcpu_load		= vmx_vcpu_load,
	.vcpu_put		= vmx_vcpu_put,
	.vcpu_run		= vmx_vcpu_run,
	.zap_gfn_range		= vmx_ept_zap,
	.arch = {
		.get_sregs		= vmx_get_sregs,
		.set_sregs		= vmx_set_sregs,
		.inject_event		= vmx_inject_event,
		.get_interrupt_shadow	= vmx_get_interrupt_shadow,
		.set_interrupt_shadow	= vmx_set_interrupt_shadow,
		.event_pending		= vmx_event_pending,
		.interrupt_allowed	= vmx_interrupt_allowed,
		.nmi_allowed		= vmx_nmi_allowed,
		.nmi_masked		= vmx_nmi_masked,
		.set_nmi_masked		= vmx_set_nmi_masked,
		.get_event		= vmx_get_event,
		.cancel_event		= vmx_cancel_event,
		.vcpu_reset		= vmx_vcpu_reset_op,
		.enable_irq_window	= vmx_enable_irq_window,
		.enable_nmi_window	= vmx_enable_nmi_window,
		.get_cr4		= vmx_get_cr4,
		.get_cr8		= vmx_get_cr8,
		.set_cr8		= vmx_set_cr8,
		.get_debugregs		= vmx_get_debugregs,
		.set_debugregs		= vmx_set_debugregs,
		.get_msr		= vmx_get_msr,
		.set_msr		= vmx_set_msr,
	},
};

/**
 * vmx_adjust_controls - choose a VMX control field from its capability MSR
 * @msr: IA32_VMX_*_CTLS, or its IA32_VMX_TRUE_*_CTLS counterpart when
 *	IA32_VMX_BASIC[55] says those exist (SDM A.2): only the TRUE MSRs
 *	report which "default1" controls may be 0.
 * @required: controls hv cannot work without.
 * @optional: controls hv uses when the CPU has them.
 * @result: the value to write: the bits above, plus those that must be 1.
 *
 * SDM A.3-A.5: bits 31:0 of the MSR are the allowed 0-settings (a 1 there
 * means the control must be 1), bits 63:32 the allowed 1-settings.
 *
 * Return: 0, or -EOPNOTSUPP if a required control cannot be 1.
 */
static int vmx_adjust_controls(u32 msr, u32 required, u32 optional,
			       u32 *result)
{
	u32 must_be_1, may_be_1;
	u64 caps;

	if (rdmsrl_safe(msr, &caps))
		return -EOPNOTSUPP;
	must_be_1 = lower_32_bits(caps);
	may_be_1 = upper_32_bits(caps);
	if (required & ~may_be_1) {
		pr_err("MSR %#x lacks controls %#x\n", msr, required & ~may_be_1);
		return -EOPNOTSUPP;
	}
	*result = ((required | optional) & may_be_1) | must_be_1;
	return 0;
}

/* SDM 24.6 "Discovering Support for VMX", appendix A: what hv needs. */
static int vmx_probe(void)
{
	u64 basic, ept_vpid = 0, misc;
	bool true_ctls;
	int r;

	/* CPUID.1:ECX.VMX[bit 5], read raw: the kernel clears its copy... */
	if (!(cpuid_ecx(1) & BIT(5))) {
		pr_err("this CPU has no VT-x (VMX)\n");
		return -ENODEV;
	}
	/* ...when IA32_FEATURE_CONTROL is locked with VMX off (feat_ctl.c). */
	if (!boot_cpu_has(X86_FEATURE_VMX)) {
		pr_err("VT-x is disabled by the firmware (IA32_FEATURE_CONTROL)\n");
		return -EOPNOTSUPP;
	}

	if (rdmsrl_safe(MSR_IA32_VMX_BASIC, &basic) ||
	    FIELD_GET(VMX_BASIC_REGION_SIZE, basic) > PAGE_SIZE ||
	    FIELD_GET(VMX_BASIC_MEMTYPE, basic) != VMX_BASIC_MEMTYPE_WB) {
		pr_err("unusable IA32_VMX_BASIC %#llx\n", basic);
		return -EOPNOTSUPP;
	}
	vmx_cfg.revision_id = FIELD_GET(VMX_BASIC_REVISION_ID, basic);
	vmx_cfg.inout_info = basic & VMX_BASIC_INOUT_INFO;
	true_ctls = basic & VMX_BASIC_TRUE;

	/*
	 * Host interrupts and NMIs always exit; NMIs to the guest are
	 * virtual so that the CPU tracks their blocking (SDM 24.6.1, 25.3).
	 */
	r = vmx_adjust_controls(true_ctls ? MSR_IA32_VMX_TRUE_PINBASED_CTLS :
					    MSR_IA32_VMX_PINBASED_CTLS,
				PIN_EXT_INTR_EXITING | PIN_NMI_EXITING |
				PIN_VIRTUAL_NMIS, PIN_PREEMPTION_TIMER,
				&vmx_cfg.pin);
	if (r)
		goto no;
	/*
	 * SDM 25.5.1: the timer counts down at the TSC rate divided by
	 * 2^IA32_VMX_MISC[4:0]; armed per entry (vmx_vcpu.c), not here.
	 */
	if (vmx_cfg.pin & PIN_PREEMPTION_TIMER) {
		rdmsrl(MSR_IA32_VMX_MISC, misc);
		vmx_cfg.timer_ticks = max_t(u64, 1, (u64)tsc_khz >> (misc & 0x1f));
		vmx_cfg.pin &= ~PIN_PREEMPTION_TIMER;
	}
	/*
	 * All port I/O exits, HLT exits to userspace, CR8 accesses exit (no
	 * in-kernel APIC: userspace's needs SET_TPR), MSRs exit unless the
	 * bitmap lets them through, MOV DR exits until the guest uses debug
	 * registers, MONITOR/MWAIT are #UD as on SVM.  CR3 accesses run
	 * natively under EPT where the TRUE MSRs allow it.
	 */
	r = vmx_adjust_controls(true_ctls ? MSR_IA32_VMX_TRUE_PROCBASED_CTLS :
					    MSR_IA32_VMX_PROCBASED_CTLS,
				PROC_HLT_EXITING | PROC_CR8_LOAD_EXITING |
				PROC_CR8_STORE_EXITING | PROC_UNCOND_IO_EXITING |
				PROC_USE_MSR_BITMAPS | PROC_MOV_DR_EXITING |
				PROC_MWAIT_EXITING | PROC_MONITOR_EXITING |
				PROC_TSC_OFFSETTING | PROC_SECONDARY_CONTROLS,
				0, &vmx_cfg.proc);
	if (r)
		goto no;
	/* The window exits are armed on demand, not at every entry. */
	vmx_cfg.proc &= ~(PROC_INTR_WINDOW_EXITING | PROC_NMI_WINDOW_EXITING);
	/*
	 * EPT and unrestricted guest (real mode and unpaged protected mode
	 * run natively, SDM 26.3.1.1) are required; the rest is used when
	 * there: RDTSCP and INVPCID would otherwise be #UD in the guest.
	 */
	r = vmx_adjust_controls(MSR_IA32_VMX_PROCBASED_CTLS2,
				PROC2_ENABLE_EPT | PROC2_UNRESTRICTED_GUEST |
				PROC2_WBINVD_EXITING,
				PROC2_ENABLE_VPID | PROC2_ENABLE_RDTSCP |
				PROC2_ENABLE_INVPCID, &vmx_cfg.proc2);
	if (r)
		goto no;
	/* A 64-bit host, EFER and PAT switched by the CPU (SDM 27.5.1). */
	r = vmx_adjust_controls(true_ctls ? MSR_IA32_VMX_TRUE_EXIT_CTLS :
					    MSR_IA32_VMX_EXIT_CTLS,
				EXIT_HOST_ADDR_SPACE_SIZE | EXIT_SAVE_PAT |
				EXIT_LOAD_PAT | EXIT_SAVE_EFER |
				EXIT_LOAD_EFER | EXIT_SAVE_DEBUG_CONTROLS,
				0, &vmx_cfg.exit);
	if (r)
		goto no;
	r = vmx_adjust_controls(true_ctls ? MSR_IA32_VMX_TRUE_ENTRY_CTLS :
					    MSR_IA32_VMX_ENTRY_CTLS,
				ENTRY_LOAD_PAT | ENTRY_LOAD_EFER |
				ENTRY_LOAD_DEBUG_CONTROLS, 0, &vmx_cfg.entry);
	if (r)
		goto no;
	vmx_cfg.entry &= ~ENTRY_IA32E_MODE;

	rdmsrl_safe(MSR_IA32_VMX_EPT_VPID_CAP, &ept_vpid);
	if (!(ept_vpid & VMX_EPT_CAP_WALK4) || !(ept_vpid & VMX_EPT_CAP_WB) ||
	    !(ept_vpid & VMX_EPT_CAP_INVEPT) ||
	    !(ept_vpid & VMX_EPT_CAP_INVEPT_CTX)) {
		pr_err("EPT lacks 4-level tables, WB or INVEPT (%#llx)\n",
		       ept_vpid);
		goto no;
	}
	vmx_cfg.ept_2m = ept_vpid & VMX_EPT_CAP_2M;
	vmx_cfg.has_vpid = (vmx_cfg.proc2 & PROC2_ENABLE_VPID) &&
			   (ept_vpid & VMX_VPID_CAP_INVVPID) &&
			   (ept_vpid & VMX_VPID_CAP_INVVPID_CTX);
	if (!vmx_cfg.has_vpid)
		vmx_cfg.proc2 &= ~PROC2_ENABLE_VPID;

	/* SDM A.7/A.8: CR0 and CR4 bits fixed in VMX operation. */
	rdmsrl(MSR_IA32_VMX_CR0_FIXED0, vmx_cfg.cr0_fixed0);
	rdmsrl(MSR_IA32_VMX_CR0_FIXED1, vmx_cfg.cr0_fixed1);
	rdmsrl(MSR_IA32_VMX_CR4_FIXED0, vmx_cfg.cr4_fixed0);
	rdmsrl(MSR_IA32_VMX_CR4_FIXED1, vmx_cfg.cr4_fixed1);

	pr_info("EPT%s%s, controls %#x/%#x/%#x/%#x/%#x%s\n",
		vmx_cfg.ept_2m ? " with 2 MiB pages" : "",
		vmx_cfg.has_vpid ? ", VPID" : "", vmx_cfg.pin, vmx_cfg.proc,
		vmx_cfg.proc2, vmx_cfg.exit, vmx_cfg.entry,
		true_ctls ? " (TRUE MSRs)" : "");
	return 0;

no:
	pr_err("this CPU lacks VT-x features hv requires\n");
	return -EOPNOTSUPP;
}

static int __init vmx_init(void)
{
	int r;

	r = vmx_probe();
	if (r)
		return r;
	return hv_core_register_backend(&vmx_backend_ops);
}

static void __exit vmx_exit(void)
{
	hv_core_unregister_backend(&vmx_backend_ops);
	ida_destroy(&vmx_vpids);
}

module_init(vmx_init);
module_exit(vmx_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("The hv developers");
MODULE_DESCRIPTION("hv: Intel VT-x (VMX) backend with EPT");

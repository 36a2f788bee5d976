// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv-intel: the Intel VT-x (VMX) backend.
 *
 * This file probes the hardware and enters and leaves VMX root operation per
 * CPU; the core decides when (see virt/hv/hv_backend.c).  References are to
 * the Intel 64 and IA-32 Architectures Software Developer's Manual, Volume 3
 * (SDM), order number 325384-080.
 */
#define pr_fmt(fmt) "hv-intel: " fmt

#include <linux/bitfield.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/hv_host.h>
#include <asm/asm.h>
#include <asm/cpufeature.h>
#include <asm/io.h>
#include <asm/msr.h>
#include <asm/reboot.h>
#include <asm/tlbflush.h>

/* SDM A.1 "Basic VMX Information": fields of IA32_VMX_BASIC. */
#define VMX_BASIC_REVISION_ID	GENMASK_ULL(30, 0)
#define VMX_BASIC_REGION_SIZE	GENMASK_ULL(44, 32)
#define VMX_BASIC_MEMTYPE	GENMASK_ULL(53, 50)
#define VMX_BASIC_MEMTYPE_WB	6

/*
 * SDM A.3.2/A.3.3: the high 32 bits of IA32_VMX_PROCBASED_CTLS(2) are the
 * controls that may be 1.  Bit 31 of the primary controls activates the
 * secondary ones; bit 1 of the secondary controls is "enable EPT".
 */
#define VMX_PROCBASED_ALLOW_SECONDARY	BIT_ULL(32 + 31)
#define VMX_SECONDARY_ALLOW_EPT		BIT_ULL(32 + 1)

/*
 * SDM 24.11.5 "VMXON Region": one naturally aligned 4 KiB region per CPU,
 * starting with the VMCS revision identifier.  Allocated up front because
 * resume enables a CPU with interrupts off.
 */
static DEFINE_PER_CPU(struct page *, vmx_vmxon_page);
/* Whether this CPU is in VMX root operation because of us. */
static DEFINE_PER_CPU(bool, vmx_in_root);
static u32 vmx_revision_id;

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
	if (cr4_read_shadow() & X86_CR4_VMXE)
		return -EBUSY;

	/* SDM 24.7: VMXON #GPs unless the control MSR is locked with VMX on. */
	rdmsrl(MSR_IA32_FEAT_CTL, feat_ctl);
	if (!(feat_ctl & FEAT_CTL_LOCKED) ||
	    !(feat_ctl & FEAT_CTL_VMX_ENABLED_OUTSIDE_SMX))
		return -EOPNOTSUPP;

	cr4_set_bits(X86_CR4_VMXE);
	r = vmx_vmxon(page_to_phys(__this_cpu_read(vmx_vmxon_page)));
	if (r) {
		cr4_clear_bits(X86_CR4_VMXE);
		return r;
	}
	__this_cpu_write(vmx_in_root, true);
	return 0;
}

static void vmx_cpu_disable(void)
{
	if (!__this_cpu_read(vmx_in_root))
		return;
	vmx_vmxoff();
	__this_cpu_write(vmx_in_root, false);
}

/*
 * VMX root operation blocks INIT (SDM 24.8), so a crash kernel or the
 * firmware could not restart this CPU.  The kernel calls this on every CPU
 * on crash and emergency restart, possibly from NMI context.
 */
static void vmx_emergency_disable(void)
{
	if (__this_cpu_read(vmx_in_root)) {
		vmx_vmxoff();
		__this_cpu_write(vmx_in_root, false);
	}
}

static void vmx_free_vmxon_pages(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		__free_page(per_cpu(vmx_vmxon_page, cpu));
		per_cpu(vmx_vmxon_page, cpu) = NULL;
	}
}

static int vmx_hardware_setup(void)
{
	struct page *page;
	int cpu;

	for_each_possible_cpu(cpu) {
		page = alloc_pages_node(cpu_to_node(cpu),
					GFP_KERNEL | __GFP_ZERO, 0);
		if (!page) {
			vmx_free_vmxon_pages();
			return -ENOMEM;
		}
		*(u32 *)page_address(page) = vmx_revision_id;
		per_cpu(vmx_vmxon_page, cpu) = page;
	}
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
	vmx_free_vmxon_pages();
}

/* VMs without vCPUs until the VT-x world switch exists (hv_host.h). */
static int vmx_vm_init(struct hv_vm *vm)
{
	return 0;
}

static void vmx_vm_destroy(struct hv_vm *vm)
{
}

static const char *const vmx_conflicts[] = { "kvm_intel", NULL };

static const struct hv_backend_ops vmx_backend_ops = {
	.name			= "vmx",
	.owner			= THIS_MODULE,
	.conflicts		= vmx_conflicts,
	.vm_size		= sizeof(struct hv_vm),
	.vm_init		= vmx_vm_init,
	.vm_destroy		= vmx_vm_destroy,
	.hardware_setup		= vmx_hardware_setup,
	.hardware_unsetup	= vmx_hardware_unsetup,
	.cpu_enable		= vmx_cpu_enable,
	.cpu_disable		= vmx_cpu_disable,
};

/* SDM 24.6 "Discovering Support for VMX", A.1 and A.3: what hv needs. */
static int vmx_probe(void)
{
	u64 basic, procbased, secondary;

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
	vmx_revision_id = FIELD_GET(VMX_BASIC_REVISION_ID, basic);

	if (rdmsrl_safe(MSR_IA32_VMX_PROCBASED_CTLS, &procbased) ||
	    !(procbased & VMX_PROCBASED_ALLOW_SECONDARY) ||
	    rdmsrl_safe(MSR_IA32_VMX_PROCBASED_CTLS2, &secondary) ||
	    !(secondary & VMX_SECONDARY_ALLOW_EPT)) {
		pr_err("this CPU has no EPT, which hv requires\n");
		return -EOPNOTSUPP;
	}
	return 0;
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
}

module_init(vmx_init);
module_exit(vmx_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("The hv developers");
MODULE_DESCRIPTION("hv: Intel VT-x (VMX) backend with EPT");

// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv-amd: the AMD-V (SVM) backend.
 *
 * This file probes the hardware and turns SVM on and off per CPU; the core
 * decides when (see virt/hv/hv_backend.c).  References are to the AMD64
 * Architecture Programmer's Manual, Volume 2 (APM), revision 3.42.
 */
#define pr_fmt(fmt) "hv-amd: " fmt

#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/hv_host.h>
#include <asm/cpufeature.h>
#include <asm/io.h>
#include <asm/msr.h>

/* APM 15.30.1: VM_CR MSR, bit 4 SVMDIS: "EFER.SVME cannot be set". */
#define SVM_VM_CR_SVMDIS	BIT_ULL(4)

/*
 * APM 15.30.4: the host save area whose physical address is in
 * VM_HSAVE_PA; VMRUN saves host state there.  One page per CPU, allocated
 * up front because resume enables a CPU with interrupts off.
 */
static DEFINE_PER_CPU(struct page *, svm_hsave_page);

static int svm_cpu_enable(void)
{
	u64 efer;

	/*
	 * SVME already set means another hypervisor runs guests on this CPU
	 * (APM 15.4); taking over would corrupt its state.
	 */
	rdmsrl(MSR_EFER, efer);
	if (efer & EFER_SVME)
		return -EBUSY;

	wrmsrl(MSR_EFER, efer | EFER_SVME);
	wrmsrl(MSR_VM_HSAVE_PA, page_to_phys(__this_cpu_read(svm_hsave_page)));
	return 0;
}

static void svm_cpu_disable(void)
{
	u64 efer;

	wrmsrl(MSR_VM_HSAVE_PA, 0);
	rdmsrl(MSR_EFER, efer);
	wrmsrl(MSR_EFER, efer & ~EFER_SVME);
}

static void svm_free_hsave_pages(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		__free_page(per_cpu(svm_hsave_page, cpu));
		per_cpu(svm_hsave_page, cpu) = NULL;
	}
}

/*
 * The kernel's own emergency path (cpu_emergency_disable_virtualization())
 * always clears EFER.SVME on crash and emergency restart, so SVM needs no
 * emergency hook of its own.
 */
static int svm_hardware_setup(void)
{
	struct page *page;
	int cpu;

	for_each_possible_cpu(cpu) {
		page = alloc_pages_node(cpu_to_node(cpu),
					GFP_KERNEL | __GFP_ZERO, 0);
		if (!page) {
			svm_free_hsave_pages();
			return -ENOMEM;
		}
		per_cpu(svm_hsave_page, cpu) = page;
	}
	return 0;
}

static void svm_hardware_unsetup(void)
{
	svm_free_hsave_pages();
}

static const char *const svm_conflicts[] = { "kvm_amd", NULL };

static const struct hv_backend_ops svm_backend_ops = {
	.name			= "svm",
	.owner			= THIS_MODULE,
	.conflicts		= svm_conflicts,
	.hardware_setup		= svm_hardware_setup,
	.hardware_unsetup	= svm_hardware_unsetup,
	.cpu_enable		= svm_cpu_enable,
	.cpu_disable		= svm_cpu_disable,
};

/* APM 15.4 "Enabling SVM" and 15.25 "Nested Paging": what hv needs. */
static int svm_probe(void)
{
	u64 vm_cr;

	if (!boot_cpu_has(X86_FEATURE_SVM)) {
		pr_err("this CPU has no AMD-V (SVM)\n");
		return -ENODEV;
	}
	if (!rdmsrl_safe(MSR_VM_CR, &vm_cr) && (vm_cr & SVM_VM_CR_SVMDIS)) {
		pr_err("AMD-V is disabled by the firmware (VM_CR.SVMDIS)\n");
		return -EOPNOTSUPP;
	}
	if (!boot_cpu_has(X86_FEATURE_NPT)) {
		pr_err("this CPU has no nested paging (NPT), which hv requires\n");
		return -EOPNOTSUPP;
	}
	return 0;
}

static int __init svm_init(void)
{
	int r;

	r = svm_probe();
	if (r)
		return r;
	return hv_core_register_backend(&svm_backend_ops);
}

static void __exit svm_exit(void)
{
	hv_core_unregister_backend(&svm_backend_ops);
}

module_init(svm_init);
module_exit(svm_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("The hv developers");
MODULE_DESCRIPTION("hv: AMD-V (SVM) backend with nested paging");

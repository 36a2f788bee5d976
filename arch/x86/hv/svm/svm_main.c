// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv-amd: the AMD-V (SVM) backend.
 *
 * This file probes the hardware, owns the per-CPU SVM resources and turns
 * SVM on and off per CPU (the core decides when: virt/hv/hv_backend.c),
 * and holds the backend's ops table.  References are to the AMD64
 * Architecture Programmer's Manual, Volume 2 (APM), revision 3.42.
 */
#define pr_fmt(fmt) "hv-amd: " fmt

#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/hv_host.h>
#include <asm/cpufeature.h>
#include <asm/fpu/xcr.h>
#include <asm/io.h>
#include <asm/msr.h>

#include "svm.h"
#include "svm_cpu.h"

/* APM 15.30.1: VM_CR MSR, bit 4 SVMDIS: "EFER.SVME cannot be set". */
#define SVM_VM_CR_SVMDIS	BIT_ULL(4)

/* CPUID Fn8000_000A_EDX, APM 15.4 / CPUID specification. */
#define SVM_FEATURE_NPT			BIT(0)
#define SVM_FEATURE_NRIPS		BIT(3)
#define SVM_FEATURE_VMCB_CLEAN		BIT(5)
#define SVM_FEATURE_FLUSH_BY_ASID	BIT(6)
#define SVM_FEATURE_DECODE_ASSISTS	BIT(7)

/* APM 15.10.1 / 15.11: sizes of the I/O and MSR permission maps. */
#define SVM_IOPM_ORDER		2	/* 12 KiB used */
#define SVM_MSRPM_ORDER		1	/* 8 KiB */

bool svm_has_nrips;
bool svm_has_flush_by_asid;
bool svm_has_decode_assists;
bool svm_has_vmcb_clean;
u32 svm_nr_asids;
u64 svm_iopm_pa;
u64 svm_msrpm_pa;
u64 svm_host_xcr0;
DEFINE_PER_CPU(struct svm_cpu_data, svm_cpu_data);

/* hv-amd.vmcb_clean=0 reloads the whole VMCB on every VMRUN. */
static bool vmcb_clean = true;
module_param(vmcb_clean, bool, 0444);
MODULE_PARM_DESC(vmcb_clean, "Use VMCB clean bits where the CPU has them (default: on)");

static struct page *svm_iopm;
static struct page *svm_msrpm;

static int svm_cpu_enable(void)
{
	struct svm_cpu_data *sd = this_cpu_ptr(&svm_cpu_data);
	u64 efer;

	/*
	 * SVME already set means another hypervisor runs guests on this CPU
	 * (APM 15.4); taking over would corrupt its state.
	 */
	rdmsrl(MSR_EFER, efer);
	if (efer & EFER_SVME)
		return -EBUSY;

	wrmsrl(MSR_EFER, efer | EFER_SVME);
	wrmsrl(MSR_VM_HSAVE_PA, page_to_phys(sd->hsave));
	/* ASID 0 is the host's (APM 15.16); TLB contents are unknown. */
	sd->next_asid = svm_nr_asids;
	sd->asid_generation++;
	/* Nothing this CPU cached of a VMCB before is to be trusted. */
	sd->last_vmcb_pa = 0;
	return 0;
}

static void svm_cpu_disable(void)
{
	u64 efer;

	wrmsrl(MSR_VM_HSAVE_PA, 0);
	rdmsrl(MSR_EFER, efer);
	wrmsrl(MSR_EFER, efer & ~EFER_SVME);
}

static void svm_free_cpu_pages(void)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct svm_cpu_data *sd = per_cpu_ptr(&svm_cpu_data, cpu);

		if (sd->hsave)
			__free_page(sd->hsave);
		if (sd->host_save)
			__free_page(sd->host_save);
		sd->hsave = NULL;
		sd->host_save = NULL;
	}
}

/*
 * MSRs the guest reads and writes directly: each is in the VMCB and
 * switched by VMRUN or VMLOAD/VMSAVE (APM 15.5.2), so it cannot reach host
 * state.  Every other MSR exits.
 */
static const u32 svm_direct_msrs[] = {
	MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE,
	MSR_STAR, MSR_LSTAR, MSR_CSTAR, MSR_SYSCALL_MASK,
	MSR_IA32_SYSENTER_CS, MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP,
};

/* APM 15.11: two bits per MSR (read, write) in three 2 KiB ranges. */
static void svm_msrpm_allow(u8 *msrpm, u32 msr)
{
	u32 offset;

	if (msr <= 0x1fff)
		offset = 0;
	else if (msr - 0xc0000000 <= 0x1fff)
		offset = 0x800;
	else if (msr - 0xc0010000 <= 0x1fff)
		offset = 0x1000;
	else
		return;
	offset = offset * 8 + (msr & 0x1fff) * 2;
	msrpm[offset / 8] &= ~(3 << (offset % 8));
}

static int svm_hardware_setup(void)
{
	unsigned int i;
	int cpu;

	for_each_possible_cpu(cpu) {
		struct svm_cpu_data *sd = per_cpu_ptr(&svm_cpu_data, cpu);

		sd->hsave = alloc_pages_node(cpu_to_node(cpu),
					     GFP_KERNEL | __GFP_ZERO, 0);
		sd->host_save = alloc_pages_node(cpu_to_node(cpu),
						 GFP_KERNEL | __GFP_ZERO, 0);
		if (!sd->hsave || !sd->host_save)
			goto err_free;
		sd->host_save_pa = page_to_phys(sd->host_save);
	}

	/* All ports and MSRs exit unless listed. */
	svm_iopm = alloc_pages(GFP_KERNEL, SVM_IOPM_ORDER);
	svm_msrpm = alloc_pages(GFP_KERNEL, SVM_MSRPM_ORDER);
	if (!svm_iopm || !svm_msrpm)
		goto err_free;
	memset(page_address(svm_iopm), 0xff, PAGE_SIZE << SVM_IOPM_ORDER);
	memset(page_address(svm_msrpm), 0xff, PAGE_SIZE << SVM_MSRPM_ORDER);
	for (i = 0; i < ARRAY_SIZE(svm_direct_msrs); i++)
		svm_msrpm_allow(page_address(svm_msrpm), svm_direct_msrs[i]);
	svm_iopm_pa = page_to_phys(svm_iopm);
	svm_msrpm_pa = page_to_phys(svm_msrpm);

	if (boot_cpu_has(X86_FEATURE_OSXSAVE))
		svm_host_xcr0 = xgetbv(XCR_XFEATURE_ENABLED_MASK);
	/*
	 * The kernel's own emergency path (cpu_emergency_disable_
	 * virtualization()) always clears EFER.SVME on crash and emergency
	 * restart, so SVM needs no emergency hook of its own.
	 */
	return 0;

err_free:
	if (svm_iopm)
		__free_pages(svm_iopm, SVM_IOPM_ORDER);
	if (svm_msrpm)
		__free_pages(svm_msrpm, SVM_MSRPM_ORDER);
	svm_iopm = NULL;
	svm_msrpm = NULL;
	svm_free_cpu_pages();
	return -ENOMEM;
}

static void svm_hardware_unsetup(void)
{
	__free_pages(svm_iopm, SVM_IOPM_ORDER);
	__free_pages(svm_msrpm, SVM_MSRPM_ORDER);
	svm_free_cpu_pages();
}

static const char *const svm_conflicts[] = { "kvm_amd", NULL };

static const struct hv_backend_ops svm_backend_ops = {
	.name			= "svm",
	.owner			= THIS_MODULE,
	.conflicts		= svm_conflicts,
	.vm_size		= sizeof(struct svm_vm),
	.vcpu_size		= sizeof(struct svm_vcpu),
	.hardware_setup		= svm_hardware_setup,
	.hardware_unsetup	= svm_hardware_unsetup,
	.cpu_enable		= svm_cpu_enable,
	.cpu_disable		= svm_cpu_disable,
	.vm_init		= svm_npt_init,
	.vm_destroy		= svm_npt_destroy,
	.vcpu_create		= svm_vcpu_create,
	.vcpu_free		= svm_vcpu_free,
	.vcpu_load		= svm_vcpu_load,
	.vcpu_put		= svm_vcpu_put,
	.vcpu_run		= svm_vcpu_run,
	.zap_gfn_range		= svm_npt_zap,
	.arch = {
		.get_sregs		= svm_get_sregs,
		.set_sregs		= svm_set_sregs,
		.inject_event		= svm_inject_event,
		.get_interrupt_shadow	= svm_get_interrupt_shadow,
		.set_interrupt_shadow	= svm_set_interrupt_shadow,
		.event_pending		= svm_event_pending,
		.get_event		= svm_get_event,
		.cancel_event		= svm_cancel_event,
		.interrupt_allowed	= svm_interrupt_allowed,
		.nmi_allowed		= svm_nmi_allowed,
		.nmi_masked		= svm_nmi_masked,
		.set_nmi_masked		= svm_set_nmi_masked,
		.enable_irq_window	= svm_enable_irq_window,
		.enable_nmi_window	= svm_enable_nmi_window,
		.get_cr4		= svm_get_cr4,
		.get_cr8		= svm_get_cr8,
		.set_cr8		= svm_set_cr8,
		.get_debugregs		= svm_get_debugregs,
		.set_debugregs		= svm_set_debugregs,
		.get_msr		= svm_get_msr,
		.set_msr		= svm_set_msr,
		.vcpu_reset		= svm_vcpu_reset_op,
	},
};

/* APM 15.4 "Enabling SVM" and 15.25 "Nested Paging": what hv needs. */
static int svm_probe(void)
{
	u32 edx;
	u64 vm_cr;

	if (!boot_cpu_has(X86_FEATURE_SVM)) {
		pr_err("this CPU has no AMD-V (SVM)\n");
		return -ENODEV;
	}
	if (!rdmsrl_safe(MSR_VM_CR, &vm_cr) && (vm_cr & SVM_VM_CR_SVMDIS)) {
		pr_err("AMD-V is disabled by the firmware (VM_CR.SVMDIS)\n");
		return -EOPNOTSUPP;
	}
	edx = cpuid_edx(0x8000000a);
	if (!(edx & SVM_FEATURE_NPT)) {
		pr_err("this CPU has no nested paging (NPT), which hv requires\n");
		return -EOPNOTSUPP;
	}
	svm_nr_asids = cpuid_ebx(0x8000000a);
	if (svm_nr_asids < 2) {
		pr_err("this CPU has no guest ASIDs\n");
		return -EOPNOTSUPP;
	}
	svm_has_nrips = edx & SVM_FEATURE_NRIPS;
	svm_has_flush_by_asid = edx & SVM_FEATURE_FLUSH_BY_ASID;
	svm_has_decode_assists = edx & SVM_FEATURE_DECODE_ASSISTS;
	svm_has_vmcb_clean = vmcb_clean && (edx & SVM_FEATURE_VMCB_CLEAN);
	pr_info("%u ASIDs%s%s%s%s\n", svm_nr_asids,
		svm_has_nrips ? ", next-RIP save" : "",
		svm_has_flush_by_asid ? ", flush by ASID" : "",
		svm_has_decode_assists ? ", decode assists" : "",
		svm_has_vmcb_clean ? ", VMCB clean bits" : "");
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

// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv-arm64: hv's backend for arm64 hosts running at EL2 with VHE
 * (FEAT_VHE, Arm ARM D5.10).  With VHE the host kernel already owns EL2,
 * so there is no extension to switch on per CPU: the backend checks that
 * the kernel runs at EL2 with E2H set, allocates VMIDs and stage-2
 * tables, and switches HCR_EL2/VTTBR_EL2/VTCR_EL2 around each guest
 * entry (vhe_run.c).
 *
 * Linux's KVM is built into Debian's arm64 kernel.  It, too, programs
 * EL2 only around its own guest entries (and while one of its vCPU
 * threads is loaded on a CPU), so hv and KVM can share the host: see
 * vhe_run.c for what hv saves and restores, and vhe_s2.c for the TLB.
 */
#define pr_fmt(fmt) "hv-arm64: " fmt

#include <linux/idr.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/of_irq.h>
#include <asm/cpufeature.h>
#include <asm/virt.h>

#include "vhe.h"

u32 vhe_vmid_bits;
u32 vhe_parange;
unsigned int vhe_nr_lrs;
unsigned int vhe_nr_aprs;
int vhe_vtimer_irq;
int vhe_ptimer_irq;
static DEFINE_IDA(vhe_vmid_ida);

/* The offsets vhe_entry.S uses. */
static_assert(offsetof(struct hv_regs, regs.regs[0]) == VHE_CORE_X0);
static_assert(offsetof(struct hv_regs, regs.sp) == VHE_CORE_SP);
static_assert(offsetof(struct hv_regs, regs.pc) == VHE_CORE_PC);
static_assert(offsetof(struct hv_regs, regs.pstate) == VHE_CORE_PSTATE);
static_assert(offsetof(struct hv_regs, sp_el1) == VHE_CORE_SP_EL1);
/* sparse gives __uint128_t (the vregs) 8-byte alignment: not its business. */
#ifndef __CHECKER__
static_assert(offsetof(struct hv_regs, fp_regs) == VHE_CORE_FP);
#endif
static_assert(offsetof(struct user_fpsimd_state, fpsr) == VHE_FP_FPSR);
static_assert(offsetof(struct user_fpsimd_state, fpcr) == VHE_FP_FPSR + 4);
static_assert(offsetof(struct vhe_vcpu, vcpu) == 0);
static_assert(offsetof(struct vhe_vm, vm) == 0);

static int vhe_hardware_setup(void)
{
	return 0;
}

/* Nothing to turn on: the kernel itself runs at EL2.  Check it still does. */
static int vhe_cpu_enable(void)
{
	return is_kernel_in_hyp_mode() ? 0 : -ENODEV;
}

static void vhe_cpu_disable(void)
{
}

/*
 * VMIDs are taken from the top of the space down: Linux's KVM allocates
 * from 1 upwards, so the two rarely share one, and where they do the
 * per-entry TLB invalidation keeps them apart.  That invalidation also
 * makes a shared VMID correct (TLB entries are private to a PE without
 * VTTBR_EL2.CnP), so when the space is used up (255 VMs with 8-bit
 * VMIDs) a VM gets VMID 1 instead of failing: only more invalidations.
 */
static void vhe_vmid_free(struct vhe_vm *v)
{
	if (!v->vmid_shared)
		ida_free(&vhe_vmid_ida, (1U << vhe_vmid_bits) - 1 - v->vmid);
}

static int vhe_vm_init(struct hv_vm *vm)
{
	struct vhe_vm *v = to_vhe_vm(vm);
	u32 max = (1U << vhe_vmid_bits) - 1;
	int id, r;

	id = ida_alloc_max(&vhe_vmid_ida, max - 2, GFP_KERNEL_ACCOUNT);
	if (id < 0 && id != -ENOSPC)
		return id;
	v->vmid_shared = id < 0;
	v->vmid = v->vmid_shared ? 1 : max - id;
	r = vhe_s2_init(vm);
	if (r)
		vhe_vmid_free(v);
	return r;
}

static void vhe_vm_destroy(struct hv_vm *vm)
{
	vhe_s2_destroy(vm);
	vhe_vmid_free(to_vhe_vm(vm));
}

static int vhe_vcpu_create(struct hv_vcpu *vcpu)
{
	return 0;
}

static void vhe_vcpu_free(struct hv_vcpu *vcpu)
{
	hv_mmu_cache_free(&to_vhe(vcpu)->s2_cache);
}

/* All guest state is switched at each entry: nothing per CPU to load. */
static void vhe_vcpu_load(struct hv_vcpu *vcpu, int cpu)
{
}

static void vhe_vcpu_put(struct hv_vcpu *vcpu)
{
}

static const struct hv_backend_ops vhe_backend_ops = {
	.name			= "arm64-vhe",
	.owner			= THIS_MODULE,
	.vm_size		= sizeof(struct vhe_vm),
	.vcpu_size		= sizeof(struct vhe_vcpu),
	.hardware_setup		= vhe_hardware_setup,
	.cpu_enable		= vhe_cpu_enable,
	.cpu_disable		= vhe_cpu_disable,
	.vm_init		= vhe_vm_init,
	.vm_destroy		= vhe_vm_destroy,
	.vcpu_create		= vhe_vcpu_create,
	.vcpu_free		= vhe_vcpu_free,
	.vcpu_load		= vhe_vcpu_load,
	.vcpu_put		= vhe_vcpu_put,
	.vcpu_run		= vhe_vcpu_run,
	.zap_gfn_range		= vhe_s2_zap,
};

/*
 * The GICv3 virtual CPU interface (IHI 0069H 12.4.9, ICH_VTR_EL2): list
 * registers and priority bits, which give the active-priority registers
 * (5 bits: one each, 6: two, 7: four).  And the Linux interrupts of the
 * EL1 timers' PPIs, from the devicetree's "arm,armv8-timer" node (its
 * interrupts: secure, non-secure physical, virtual, hypervisor), so the
 * world switch can hold them active (vhe_run.c).
 */
static void vhe_probe_gic_timer(void)
{
	struct device_node *np;
	u64 vtr;

	if (!cpus_have_const_cap(ARM64_HAS_SYSREG_GIC_CPUIF)) {
		pr_info("no GICv3 system register interface: no in-kernel GIC\n");
		return;
	}
	vtr = read_sysreg_s(SYS_ICH_VTR_EL2);
	vhe_nr_lrs = min_t(unsigned int, (vtr & 0x1f) + 1, HV_VGIC_MAX_LRS);
	vhe_nr_aprs = 1U << (((vtr & ICH_VTR_PRI_BITS_MASK) >>
			      ICH_VTR_PRI_BITS_SHIFT) + 1 - 5);
	np = of_find_compatible_node(NULL, NULL, "arm,armv8-timer");
	if (np) {
		vhe_ptimer_irq = irq_of_parse_and_map(np, 1);
		vhe_vtimer_irq = irq_of_parse_and_map(np, 2);
		of_node_put(np);
	}
	if (vhe_vtimer_irq <= 0 || vhe_ptimer_irq <= 0)
		pr_warn("timer PPIs not found: a guest timer interrupt waits for the next exit\n");
}

static int vhe_probe(void)
{
	u64 mmfr0 = read_sanitised_ftr_reg(SYS_ID_AA64MMFR0_EL1);
	u64 mmfr1 = read_sanitised_ftr_reg(SYS_ID_AA64MMFR1_EL1);

	if (!is_kernel_in_hyp_mode() || !has_vhe()) {
		pr_err("the kernel does not run at EL2 with VHE: no hv on this host\n");
		return -ENODEV;
	}
	if (PAGE_SIZE != SZ_4K) {
		pr_err("only 4KB pages are supported\n");
		return -ENODEV;
	}
	/*
	 * With GIC priority masking, "interrupts off" is ICC_PMR_EL1 rather
	 * than PSTATE.I, and host interrupts would not make a guest exit.
	 */
	if (system_uses_irq_prio_masking()) {
		pr_err("pseudo-NMI (irqchip.gicv3_pseudo_nmi=1) is not supported\n");
		return -ENODEV;
	}
	vhe_parange = cpuid_feature_extract_unsigned_field(mmfr0,
							   ID_AA64MMFR0_EL1_PARANGE_SHIFT);
	/* PARange 2 is 40 bits: what the largest IPA space needs. */
	if (vhe_parange < 2) {
		pr_err("physical address range below 40 bits\n");
		return -ENODEV;
	}
	vhe_vmid_bits = get_vmid_bits(mmfr1);
	vhe_probe_gic_timer();
	return 0;
}

static int __init vhe_init(void)
{
	int r;

	r = vhe_probe();
	if (r)
		return r;
	r = hv_core_register_backend(&vhe_backend_ops);
	if (r)
		return r;
	pr_info("EL2 with VHE, %u-bit VMIDs, IPA up to %u bits, %u list registers\n",
		vhe_vmid_bits, HV_ARM64_IPA_MAX, vhe_nr_lrs);
	return 0;
}

static void __exit vhe_exit(void)
{
	hv_core_unregister_backend(&vhe_backend_ops);
}

module_init(vhe_init);
module_exit(vhe_exit);
MODULE_DESCRIPTION("hv backend for arm64 hosts at EL2 with VHE");
MODULE_LICENSE("GPL");

// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv-s390: hv's backend for s390 hosts, running vCPUs with the START
 * INTERPRETIVE EXECUTION instruction (SIE, "IBM System/370 Extended
 * Architecture Interpretive Execution", SA22-7095, and the z/Architecture
 * state-description format KVM uses).
 *
 * The host kernel does the world switch for us: sie64a() (entry.S,
 * exported for KVM) loads the guest general registers, the guest ASCE of
 * the gmap enabled on this CPU, runs SIE on a state description and
 * returns at the interception or at the first host interrupt, whose
 * handlers take the CPU out of SIE.  Guest storage is the VM's gmap
 * (arch/s390/hv/s390.c): a guest access the gmap has no page for is a
 * host page fault, resolved by the host's fault handler (PIF_GUEST_FAULT),
 * which links the page into the gmap and resumes; an address outside
 * every memory slot makes sie64a() return -EFAULT.  None of this needs a
 * per-CPU switch, so Linux's kvm.ko and hv share the host.
 *
 * Interceptions: DIAGNOSE 0x44 and 0x9c (time-slice end, directed yield)
 * yield the host CPU; everything else goes to userspace as
 * HV_EXIT_S390_SIEIC with the interception code and the instruction's
 * IPA/IPB bytes, the way KVM forwards what it does not handle.
 */
#define pr_fmt(fmt) "hv-s390: " fmt

#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/hv_host.h>
#include <asm/facility.h>
#include <asm/fpu/api.h>
#include <asm/gmap.h>
#include <asm/processor.h>
#include <asm/sclp.h>

#include "sie.h"

/*
 * The state description is the first 512 bytes of a page of its own: the
 * host's machine-check handler stores what it found while the CPU was in
 * SIE right behind it (struct sie_page in asm/kvm_host.h).
 */
struct sie_vm {
	struct hv_vm vm;
	u64 *fac_list;
};

struct sie_vcpu {
	struct hv_vcpu vcpu;
	struct hv_sie_block *sb;
	unsigned int prefix_faults;
};

static_assert(offsetof(struct sie_vm, vm) == 0);
static_assert(offsetof(struct sie_vcpu, vcpu) == 0);

static struct sie_vcpu *to_sie(struct hv_vcpu *vcpu)
{
	return container_of(vcpu, struct sie_vcpu, vcpu);
}

static int sie_hardware_setup(void)
{
	return 0;
}

/* SIE needs no per-CPU enabling. */
static int sie_cpu_enable(void)
{
	return 0;
}

static void sie_cpu_disable(void)
{
}

static struct sie_vm *to_sie_vm(struct hv_vm *vm)
{
	return container_of(vm, struct sie_vm, vm);
}

/*
 * The facility list STFLE shows the guest, and by which SIE decides what
 * the guest may execute: the state description holds its 31-bit address
 * (GFP_DMA is below 2 GiB on s390).  hv offers the host's facilities, as
 * stored by the host's STFLE at boot.
 */
static int sie_vm_init(struct hv_vm *vm)
{
	struct sie_vm *svm = to_sie_vm(vm);

	svm->fac_list = (u64 *)get_zeroed_page(GFP_KERNEL_ACCOUNT | GFP_DMA);
	if (!svm->fac_list)
		return -ENOMEM;
	memcpy(svm->fac_list, stfle_fac_list, sizeof(stfle_fac_list));
	/* The VM's guest address space, in the creator's mm (PGSTEs). */
	vm->arch.gmap = gmap_create(vm->mm, vm->arch.mem_limit - 1);
	if (!vm->arch.gmap) {
		free_page((unsigned long)svm->fac_list);
		return -ENOMEM;
	}
	vm->arch.gmap->private = vm;
	return 0;
}

static void sie_vm_destroy(struct hv_vm *vm)
{
	gmap_remove(vm->arch.gmap);
	vm->arch.gmap = NULL;
	free_page((unsigned long)to_sie_vm(vm)->fac_list);
}

static int sie_vcpu_create(struct hv_vcpu *vcpu)
{
	struct sie_vcpu *sv = to_sie(vcpu);

	sv->sb = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!sv->sb)
		return -ENOMEM;
	sv->sb->cpuflags = SIE_CPUSTAT_ZARCH | SIE_CPUSTAT_SM;
	sv->sb->fac = (u32)__pa(to_sie_vm(vcpu->vm)->fac_list);
	/*
	 * Guest storage is the gmap from absolute 0: no origin, and a limit
	 * beyond any slot (the machine's highest address, as KVM), or every
	 * access above it is an addressing exception.
	 */
	sv->sb->mso = 0;
	sv->sb->msl = sclp.hamax;
	/* No host CPU has run this vCPU: purge the guest TLB at entry. */
	sv->sb->ihcpu = 0xffff;
	return 0;
}

static void sie_vcpu_free(struct hv_vcpu *vcpu)
{
	free_page((unsigned long)to_sie(vcpu)->sb);
}

/*
 * sie64a() and the fault handler find the guest address space in the
 * lowcore (gmap_enable()); it follows the vCPU thread across CPUs.
 */
static void sie_vcpu_load(struct hv_vcpu *vcpu, int cpu)
{
	gmap_enable(vcpu->vm->arch.gmap);
}

static void sie_vcpu_put(struct hv_vcpu *vcpu)
{
	gmap_disable(vcpu->vm->arch.gmap);
}

/* The gmap follows host invalidations itself: nothing to zap here. */
static bool sie_zap_gfn_range(struct hv_vm *vm, u64 start, u64 end)
{
	return false;
}

/* hv's copy of the vCPU state into the state description and back. */
static void sie_load_state(struct hv_vcpu *vcpu, struct hv_sie_block *sb)
{
	struct hv_vcpu_arch *a = &vcpu->arch;

	sb->psw_mask = a->psw_mask;
	sb->psw_addr = a->psw_addr;
	sb->prefix = a->prefix;
	memcpy(sb->gcr, a->crs, sizeof(sb->gcr));
	sb->cputm = a->cputm;
	sb->ckc = a->ckc;
	sb->todpr = a->todpr;
	sb->pp = a->pp;
	sb->gbea = a->gbea;
	sb->epoch = a->epoch;
	sb->gg14 = vcpu->run->s.regs.gprs[14];
	sb->gg15 = vcpu->run->s.regs.gprs[15];
}

static void sie_save_state(struct hv_vcpu *vcpu, struct hv_sie_block *sb)
{
	struct hv_vcpu_arch *a = &vcpu->arch;

	a->psw_mask = sb->psw_mask;
	a->psw_addr = sb->psw_addr;
	a->prefix = sb->prefix & 0x7fffe000;
	memcpy(a->crs, sb->gcr, sizeof(a->crs));
	a->cputm = sb->cputm;
	a->ckc = sb->ckc;
	a->todpr = sb->todpr;
	a->pp = sb->pp;
	a->gbea = sb->gbea;
	vcpu->run->s.regs.gprs[14] = sb->gg14;
	vcpu->run->s.regs.gprs[15] = sb->gg15;
}

/*
 * DIAGNOSE's function code: base register plus displacement of its RS
 * format, low 16 bits (POP "DIAGNOSE"; KVM's kvm_s390_get_base_disp_rs()).
 */
static u16 sie_diag_code(struct hv_vcpu *vcpu, const struct hv_sie_block *sb)
{
	u32 b2 = sb->ipb >> 28;
	u32 d2 = (sb->ipb & 0x0fff0000) >> 16;

	return ((b2 ? vcpu->run->s.regs.gprs[b2] : 0) + d2) & 0xffff;
}

/*
 * The length of the instruction an interception reports, for the ILC of a
 * program interruption injected next (KVM's kvm_s390_get_ilen()): from
 * the opcode's first two bits (POP 5-6), or the EXECUTE's length when
 * the instruction was its target (icptstatus bit 7).
 */
static u8 sie_icpt_ilen(const struct hv_sie_block *sb)
{
	u8 ilen;

	switch (sb->icptcode) {
	case SIE_ICPT_INST:
	case SIE_ICPT_INSTPROGI:
	case SIE_ICPT_OPEREXC:
	case SIE_ICPT_PARTEXEC:
	case SIE_ICPT_IOINST:
		ilen = (sb->ipa >> 14) == 0 ? 2 : (sb->ipa >> 14) == 3 ? 6 : 4;
		if (sb->icptstatus & 1) {
			ilen = (sb->icptstatus >> 4) & 0x6;
			if (!ilen)
				ilen = 4;
		}
		return ilen;
	case SIE_ICPT_PROGI:
		return sb->pgmilc & 0x6;
	default:
		return 0;
	}
}

static int sie_exit_to_user(struct hv_vcpu *vcpu, const struct hv_sie_block *sb)
{
	struct hv_run *run = vcpu->run;

	run->exit_reason = HV_EXIT_S390_SIEIC;
	run->s390_sieic.icptcode = sb->icptcode;
	run->s390_sieic.ipa = sb->ipa;
	run->s390_sieic.ipb = sb->ipb;
	return 0;
}

/*
 * SIE needs the two pages of the guest's prefix area present and writable
 * in the host (SIE refuses the entry with validity reason 0x37): the gmap
 * resolves them like any host fault.  KVM keeps them mapped ahead with a
 * gmap notifier; hv maps them when SIE asks and enters again.  A prefix
 * outside every memory slot cannot be mapped: -EFAULT.
 */
static int sie_map_prefix(struct hv_vcpu *vcpu, struct hv_sie_block *sb)
{
	struct sie_vcpu *sv = to_sie(vcpu);
	unsigned long prefix = sb->prefix & 0x7fffe000;
	int r;

	if (++sv->prefix_faults > SIE_PREFIX_RETRIES)
		return -EINVAL;
	r = gmap_fault(vcpu->vm->arch.gmap, prefix, FAULT_FLAG_WRITE);
	if (!r)
		r = gmap_fault(vcpu->vm->arch.gmap, prefix + PAGE_SIZE,
			       FAULT_FLAG_WRITE);
	return r ? -EFAULT : 1;
}

/* Real address to absolute: prefixing (POP 3-19). */
static u64 sie_real_to_abs(u64 addr, u64 prefix)
{
	if (addr < 2 * PAGE_SIZE)
		return addr + prefix;
	if (addr >= prefix && addr < prefix + 2 * PAGE_SIZE)
		return addr - prefix;
	return addr;
}

/* The second operand address of an S-format instruction, in the PSW's mode. */
static u64 sie_operand_addr(struct hv_vcpu *vcpu, const struct hv_sie_block *sb)
{
	u32 b2 = sb->ipb >> 28;
	u64 addr = ((b2 ? vcpu->run->s.regs.gprs[b2] : 0) +
		    ((sb->ipb >> 16) & 0xfff));

	if (sb->psw_mask & PSW_MASK_EA)
		return addr;
	if (sb->psw_mask & PSW_MASK_BA)
		return addr & 0x7fffffff;
	return addr & 0xffffff;
}

/*
 * STORE PREFIX (B211), which SIE intercepts and KVM emulates: store the
 * prefix at the word the operand designates.  hv handles the case of a
 * supervisor-state guest with DAT off and a word-aligned operand inside
 * guest memory; anything else (where KVM would inject a program
 * interruption or translate) goes to userspace as the interception.
 */
static int sie_handle_stpx(struct hv_vcpu *vcpu, struct hv_sie_block *sb)
{
	u64 addr = sie_operand_addr(vcpu, sb);
	u32 prefix = sb->prefix & 0x7fffe000;

	if (sb->psw_mask & (PSW_MASK_PSTATE | PSW_MASK_DAT) || addr & 3)
		return sie_exit_to_user(vcpu, sb);
	if (hv_write_guest(vcpu->vm, sie_real_to_abs(addr, prefix), &prefix,
			   sizeof(prefix)))
		return sie_exit_to_user(vcpu, sb);
	return 1;
}

static int sie_handle_intercept(struct hv_vcpu *vcpu, struct hv_sie_block *sb)
{
	switch (sb->icptcode) {
	case SIE_ICPT_INST:
		/*
		 * DIAGNOSE 0x44 (time-slice end) and 0x9c (directed yield):
		 * the guest spins on a lock held by a preempted vCPU; let
		 * the scheduler run whoever waits for this CPU (KVM yields
		 * to another vCPU of the VM, hv does not track their
		 * threads yet).  The PSW already points after the
		 * instruction.
		 */
		if ((sb->ipa >> 8) == 0x83 &&
		    !(sb->psw_mask & PSW_MASK_PSTATE)) {
			u16 code = sie_diag_code(vcpu, sb);

			if (code == 0x44 || code == 0x9c) {
				hv_vcpu_srcu_read_unlock(vcpu);
				cond_resched();
				hv_vcpu_srcu_read_lock(vcpu);
				return 1;
			}
		}
		if (sb->ipa == 0xb211)
			return sie_handle_stpx(vcpu, sb);
		return sie_exit_to_user(vcpu, sb);
	case SIE_ICPT_VALIDITY:
		if ((sb->ipb >> 16) == SIE_VIR_PREFIX)
			return sie_map_prefix(vcpu, sb);
		/* hv built a state description SIE refuses: KVM's -EINVAL. */
		pr_warn_ratelimited("validity intercept 0x%x\n", sb->ipb >> 16);
		return -EINVAL;
	default:
		return sie_exit_to_user(vcpu, sb);
	}
}

/*
 * One SIE entry.  Host interrupts are enabled while the guest runs, as
 * for KVM: an interrupt takes the CPU out of SIE (entry.S), is handled,
 * and sie64a() returns with interception code 0; the core's loop then
 * checks signals, need_resched() and requests before entering again.
 */
static int sie_vcpu_run(struct hv_vcpu *vcpu)
	__must_hold(&vcpu->vm->srcu)
{
	struct hv_sie_block *sb = to_sie(vcpu)->sb;
	int rc;

	rc = hv_s390_deliver_pending(vcpu);
	if (rc)
		return rc;
	sie_load_state(vcpu, sb);
	sb->icptcode = 0;

	local_irq_disable();
	/*
	 * Request protocol (hv_vm_request_all()): publish that we are about
	 * to enter, then look at the requests; a later kick is an IPI, which
	 * takes the CPU out of SIE.  One arriving between here and the SIE
	 * instruction is taken first and the guest runs until the next host
	 * interrupt (KVM closes that window with PROG_REQUEST in the state
	 * description; hv has no request that needs it yet).
	 */
	WRITE_ONCE(vcpu->mode, HV_IN_GUEST_MODE);
	/* Order the mode before reading requests; pairs with the requester. */
	smp_mb();
	/* The gmap follows host invalidations: no TLB flush to do here. */
	hv_test_and_clear_request(vcpu, HV_REQ_TLB_FLUSH);
	if (need_resched() || signal_pending(current)) {
		WRITE_ONCE(vcpu->mode, HV_OUTSIDE_GUEST_MODE);
		local_irq_enable();
		return 1;
	}
	/* No SRCU in SIE (the vcpu_run contract, hv_host.h). */
	hv_vcpu_srcu_read_unlock(vcpu);
	hv_guest_enter_irqoff();
	local_irq_enable();
	/* The guest FP registers, left in memory by a context switch. */
	if (test_cpu_flag(CIF_FPU))
		load_fpu_regs();
	rc = sie64a(sb, vcpu->run->s.regs.gprs);
	local_irq_disable();
	hv_guest_exit_irqoff();
	WRITE_ONCE(vcpu->mode, HV_OUTSIDE_GUEST_MODE);
	hv_guest_timing_exit_irqoff();
	local_irq_enable();
	hv_vcpu_srcu_read_lock(vcpu);

	sie_save_state(vcpu, sb);
	vcpu->arch.last_ilen = sie_icpt_ilen(sb);
	/* A new host CPU invalidates what SIE cached for another one. */
	sb->ihcpu = 0xffff;

	if (rc == -EINTR)	/* a machine check was handled: go on */
		return 1;
	if (sb->icptcode != SIE_ICPT_VALIDITY)
		to_sie(vcpu)->prefix_faults = 0;
	if (sb->icptcode)
		return sie_handle_intercept(vcpu, sb);
	if (rc == -EFAULT) {
		/* Storage outside every memory slot (KVM injects an addressing exception). */
		vcpu->stats.nested_fault_exits++;
		return -EFAULT;
	}
	vcpu->stats.intr_exits++;
	return 1;
}

static const struct hv_backend_ops sie_backend_ops = {
	.name			= "s390-sie",
	.owner			= THIS_MODULE,
	.vm_size		= sizeof(struct sie_vm),
	.vcpu_size		= sizeof(struct sie_vcpu),
	.hardware_setup		= sie_hardware_setup,
	.cpu_enable		= sie_cpu_enable,
	.cpu_disable		= sie_cpu_disable,
	.vm_init		= sie_vm_init,
	.vm_destroy		= sie_vm_destroy,
	.vcpu_create		= sie_vcpu_create,
	.vcpu_free		= sie_vcpu_free,
	.vcpu_load		= sie_vcpu_load,
	.vcpu_put		= sie_vcpu_put,
	.vcpu_run		= sie_vcpu_run,
	.zap_gfn_range		= sie_zap_gfn_range,
};

static int __init sie_init(void)
{
	int r;

	/* SIE format 2, which z/Architecture guests need (KVM's check). */
	if (!sclp.has_sief2) {
		pr_err("the machine has no SIE (format 2): no hv on this host\n");
		return -ENODEV;
	}
	r = hv_core_register_backend(&sie_backend_ops);
	if (r)
		return r;
	pr_info("SIE available\n");
	return 0;
}

static void __exit sie_exit_module(void)
{
	hv_core_unregister_backend(&sie_backend_ops);
}

module_init(sie_init);
module_exit(sie_exit_module);
MODULE_DESCRIPTION("hv backend for s390 hosts (SIE)");
MODULE_LICENSE("GPL");

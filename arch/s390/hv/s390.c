// SPDX-License-Identifier: GPL-2.0-only
/*
 * s390 part of hv.ko, shared by every s390 backend: KVM's s390 VM and
 * vCPU ABI (CREATE_VM with PGSTE page tables, memory slots as 1 MiB
 * segments of a gmap, REGS/SREGS/FPU, ONE_REG, the resets, the PSW and
 * sync registers in the run structure) and the guest FP and access
 * registers, which live in the run page while RUN executes.
 *
 * References: "z/Architecture Principles of Operation" (SA22-7832),
 * chapters 4 (Control: PSW, prefixing, CPU timer, clock comparator,
 * resets) and 9 (Floating-point control).
 */
#define pr_fmt(fmt) "hv: " fmt

#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/uaccess.h>
#include <linux/hv_host.h>
#include <asm/fpu/api.h>
#include <asm/fpu/internal.h>
#include <asm/gmap.h>
#include <asm/pgtable.h>
#include <asm/sclp.h>
#include <asm/switch_to.h>

/* What the run structure's valid/dirty masks may hold (KVM's check). */
#define HV_S390_SYNC_MASK	HV_SYNC_S390_VALID_FIELDS
/* The classes hv fills at each exit and loads when dirty. */
#define HV_S390_SYNC_DONE	(HV_SYNC_PREFIX | HV_SYNC_GPRS | HV_SYNC_ACRS | \
				 HV_SYNC_CRS | HV_SYNC_ARCH0 | HV_SYNC_PFAULT | \
				 HV_SYNC_FPRS | HV_SYNC_DIAG318)
/* The prefix register holds bits 33-50 of an address (POP, 3-21). */
#define HV_S390_PREFIX_MASK	0x7fffe000UL

/* ---------------------------------------------------------------- VM ---- */

/*
 * HV_CREATE_VM: type 0 only (no ucontrol VMs).  The VMM's page tables
 * must have PGSTEs, which only a process started with vm.allocate_pgste
 * (or the s390-specific ELF flag) has: s390_enable_sie() refuses the rest
 * with -EINVAL, the errno KVM returns.  The backend's vm_init creates the
 * gmap (which translates guest absolute addresses through the VMM's page
 * tables) below @mem_limit: allocations belong there, whose error path
 * the core unwinds.
 */
int hv_arch_vm_init(struct hv_vm *vm, unsigned long type)
{
	int r;

	if (type)
		return -EINVAL;
	r = s390_enable_sie();
	if (r)
		return r;
	/* KVM's limit: the largest address the machine's storage may have. */
	if (sclp.hamax == U64_MAX)
		vm->arch.mem_limit = TASK_SIZE_MAX;
	else
		vm->arch.mem_limit = min_t(u64, TASK_SIZE_MAX, sclp.hamax + 1);
	return 0;
}

/* The backend's vm_destroy removes the gmap. */
void hv_arch_vm_destroy(struct hv_vm *vm)
{
}

/*
 * The gmap maps whole 1 MiB segments: a slot's user address and size
 * must be multiples of 1 MiB, and it must end below the storage limit,
 * else -EINVAL (KVM's kvm_arch_prepare_memory_region()).  s390 KVM has
 * no read-only memory (no __KVM_HAVE_READONLY_MEM): -EINVAL for the flag.
 */
int hv_arch_check_memslot(struct hv_vm *vm,
			  const struct hv_userspace_memory_region *mem)
{
	if (mem->flags & HV_MEM_READONLY)
		return -EINVAL;
	if (mem->userspace_addr & (HV_S390_SEGMENT_SIZE - 1) ||
	    mem->memory_size & (HV_S390_SEGMENT_SIZE - 1))
		return -EINVAL;
	if (mem->guest_phys_addr + mem->memory_size > vm->arch.mem_limit)
		return -EINVAL;
	return 0;
}

/*
 * After a slot change is published: unmap the old range from the gmap,
 * map the new one.  Pages are then linked on the guest's first touch by
 * the host's fault handler, and unlinked by the host's own invalidations
 * (the PGSTE notifier), so nothing more is needed for mmu notifiers.  A
 * failure (no memory for a region table) leaves the range unmapped: the
 * guest's accesses then end RUN with -EFAULT; KVM only warns, too.
 */
void hv_arch_commit_memslot(struct hv_vm *vm, const struct hv_memslot *old,
			    const struct hv_memslot *new)
{
	int r = 0;

	lockdep_assert_held(&vm->slots_lock);
	if (old)
		r = gmap_unmap_segment(vm->arch.gmap, old->base_gfn << PAGE_SHIFT,
				       old->npages << PAGE_SHIFT);
	if (!r && new)
		r = gmap_map_segment(vm->arch.gmap, new->userspace_addr,
				     new->base_gfn << PAGE_SHIFT,
				     new->npages << PAGE_SHIFT);
	if (r)
		pr_warn_ratelimited("gmap update of a memory slot failed: %d\n", r);
}

long hv_arch_check_extension(long cap)
{
	switch (cap) {
	case HV_CAP_S390_PSW:
	case HV_CAP_S390_GMAP:
	case HV_CAP_SYNC_REGS:
	case HV_CAP_ONE_REG:
	case HV_CAP_S390_VCPU_RESETS:
		return 1;
	default:
		return 0;
	}
}

/* /dev/hv: HV_S390_ENABLE_SIE gives the caller PGSTEs if it can. */
long hv_arch_dev_ioctl(unsigned int cmd, unsigned long arg)
{
	if (cmd == HV_S390_ENABLE_SIE)
		return s390_enable_sie();
	return -EINVAL;
}

/* Floating interrupts, attributes...: not yet; KVM's -ENOTTY. */
long hv_arch_vm_ioctl(struct hv_vm *vm, unsigned int cmd, unsigned long arg)
{
	return -ENOTTY;
}

bool hv_arch_irqchip_in_kernel(struct hv_vm *vm)
{
	return false;
}

int hv_arch_set_routing_entry(struct hv_vm *vm,
			      struct hv_kernel_irq_routing_entry *e,
			      const struct hv_irq_routing_entry *ue)
{
	return -EINVAL;
}

/* -------------------------------------------------------------- resets ---- */

/* CPU reset (POP 4-50, "CPU Reset"): what KVM's normal reset does. */
static void hv_s390_normal_reset(struct hv_vcpu *vcpu)
{
	struct hv_run *run = vcpu->run;

	vcpu->arch.psw_mask &= ~PSW_MASK_RI;
	run->psw_mask &= ~PSW_MASK_RI;
	vcpu->arch.pft = HV_S390_PFAULT_TOKEN_INVALID;
	memset(run->s.regs.riccb, 0, sizeof(run->s.regs.riccb));
	/* Pending interruptions of the vCPU are cleared. */
	vcpu->arch.pgm_pending = false;
	/* The vCPU is stopped until the next RUN starts it. */
	vcpu->arch.stopped = true;
}

/*
 * Initial CPU reset (POP 4-50): PSW, prefix, CPU timer, clock comparator,
 * TOD programmable register and control registers to their initial
 * values; breaking-event address 1.  Both hv's copy and the run
 * structure's are reset, as KVM does.
 */
void hv_s390_initial_reset(struct hv_vcpu *vcpu)
{
	struct hv_vcpu_arch *a = &vcpu->arch;
	struct hv_run *run = vcpu->run;

	hv_s390_normal_reset(vcpu);
	a->psw_mask = 0;
	a->psw_addr = 0;
	a->prefix = 0;
	a->cputm = 0;
	a->ckc = 0;
	memset(a->crs, 0, sizeof(a->crs));
	a->crs[0] = HV_S390_CR0_INITIAL;
	a->crs[14] = HV_S390_CR14_INITIAL;
	a->todpr = 0;
	a->pp = 0;
	a->gbea = 1;

	memcpy(run->s.regs.crs, a->crs, sizeof(a->crs));
	run->psw_mask = 0;
	run->psw_addr = 0;
	run->s.regs.todpr = 0;
	run->s.regs.cputm = 0;
	run->s.regs.ckc = 0;
	run->s.regs.pp = 0;
	run->s.regs.gbea = 1;
	run->s.regs.fpc = 0;
}
EXPORT_SYMBOL_GPL(hv_s390_initial_reset);

/* Clear reset: initial reset plus the general, FP and access registers. */
static void hv_s390_clear_reset(struct hv_vcpu *vcpu)
{
	struct hv_sync_regs *regs = &vcpu->run->s.regs;

	hv_s390_initial_reset(vcpu);
	memset(regs->gprs, 0, sizeof(regs->gprs));
	memset(regs->vrs, 0, sizeof(regs->vrs));
	memset(regs->acrs, 0, sizeof(regs->acrs));
	memset(regs->gscb, 0, sizeof(regs->gscb));
	regs->etoken = 0;
	regs->etoken_extension = 0;
}

/*
 * A new vCPU is stopped with every register zero (KVM resets nothing at
 * creation: userspace does an initial reset, as QEMU does).
 */
int hv_arch_vcpu_init(struct hv_vcpu *vcpu)
{
	/* The exit fills these classes; userspace may mark them dirty. */
	vcpu->run->hv_valid_regs = HV_S390_SYNC_DONE;
	vcpu->arch.pft = HV_S390_PFAULT_TOKEN_INVALID;
	vcpu->arch.stopped = true;
	return 0;
}

void hv_arch_vcpu_destroy(struct hv_vcpu *vcpu)
{
}

/* ------------------------------------------------------------- registers ---- */

static int hv_s390_get_fpu(struct hv_vcpu *vcpu, struct hv_fpu __user *argp)
{
	struct hv_sync_regs *regs = &vcpu->run->s.regs;
	struct hv_fpu fpu = { .fpc = regs->fpc };
	int i;

	/* With the vector facility FPR i is the left half of VR i. */
	for (i = 0; i < 16; i++)
		fpu.fprs[i] = MACHINE_HAS_VX ? regs->vrs[i][0] : regs->fprs[i];
	return copy_to_user(argp, &fpu, sizeof(fpu)) ? -EFAULT : 0;
}

static int hv_s390_set_fpu(struct hv_vcpu *vcpu, struct hv_fpu __user *argp)
{
	struct hv_sync_regs *regs = &vcpu->run->s.regs;
	struct hv_fpu fpu;
	int i;

	if (copy_from_user(&fpu, argp, sizeof(fpu)))
		return -EFAULT;
	regs->fpc = fpu.fpc;
	for (i = 0; i < 16; i++) {
		if (MACHINE_HAS_VX)
			regs->vrs[i][0] = fpu.fprs[i];
		else
			regs->fprs[i] = fpu.fprs[i];
	}
	return 0;
}

/* HV_GET_ONE_REG / HV_SET_ONE_REG: KVM's s390 ids; others -EINVAL. */
static int hv_s390_one_reg(struct hv_vcpu *vcpu, void __user *argp, bool set)
{
	struct hv_vcpu_arch *a = &vcpu->arch;
	struct hv_one_reg reg;
	u64 *val64 = NULL;
	u64 v;

	if (copy_from_user(&reg, argp, sizeof(reg)))
		return -EFAULT;

	if (reg.id == HV_REG_S390_TODPR) {
		u32 __user *u = u64_to_user_ptr(reg.addr);
		u32 v32;

		if (!set)
			return put_user((u32)a->todpr, u);
		if (get_user(v32, u))
			return -EFAULT;
		a->todpr = v32 & 0xffff;
		return 0;
	}

	switch (reg.id) {
	case HV_REG_S390_EPOCHDIFF:
		val64 = &a->epoch;
		break;
	case HV_REG_S390_CPU_TIMER:
		val64 = &a->cputm;
		break;
	case HV_REG_S390_CLOCK_COMP:
		val64 = &a->ckc;
		break;
	case HV_REG_S390_PFTOKEN:
		val64 = &a->pft;
		break;
	case HV_REG_S390_PFCOMPARE:
		val64 = &a->pfc;
		break;
	case HV_REG_S390_PFSELECT:
		val64 = &a->pfs;
		break;
	case HV_REG_S390_PP:
		val64 = &a->pp;
		break;
	case HV_REG_S390_GBEA:
		val64 = &a->gbea;
		break;
	default:
		return -EINVAL;
	}
	if (!set)
		return put_user(*val64, (u64 __user *)u64_to_user_ptr(reg.addr));
	if (get_user(v, (u64 __user *)u64_to_user_ptr(reg.addr)))
		return -EFAULT;
	*val64 = v;
	return 0;
}

/*
 * HV_S390_SET_INITIAL_PSW: only while the vCPU is stopped (before its
 * first RUN or after a reset), else -EBUSY; it sets the run structure's
 * PSW, which the next RUN loads (KVM's semantics).
 */
static int hv_s390_set_initial_psw(struct hv_vcpu *vcpu,
				   struct hv_s390_psw __user *argp)
{
	struct hv_s390_psw psw;

	if (copy_from_user(&psw, argp, sizeof(psw)))
		return -EFAULT;
	if (!vcpu->arch.stopped)
		return -EBUSY;
	vcpu->run->psw_mask = psw.mask;
	vcpu->run->psw_addr = psw.addr;
	return 0;
}

/*
 * Program interruption codes hv injects: those for which KVM stores only
 * the code, ILC and old PSW (no translation-exception, data-exception or
 * monitor code; no PER).
 */
static bool hv_s390_pgm_code_ok(u32 code)
{
	switch (code) {
	case 0x01:	/* operation */
	case 0x02:	/* privileged operation */
	case 0x03:	/* execute */
	case 0x05:	/* addressing */
	case 0x06:	/* specification */
	case 0x08:	/* fixed-point overflow */
	case 0x09:	/* fixed-point divide */
		return true;
	default:
		return false;
	}
}

/*
 * HV_S390_INTERRUPT on a vCPU: only HV_S390_PROGRAM_INT for now, its code
 * in @parm (above 16 bits: -EINVAL, as KVM), delivered at the next entry.
 * Other types, and codes that need more than code, ILC and PSW: -EINVAL.
 */
static int hv_s390_interrupt(struct hv_vcpu *vcpu,
			     struct hv_s390_interrupt __user *argp)
{
	struct hv_s390_interrupt irq;

	if (copy_from_user(&irq, argp, sizeof(irq)))
		return -EFAULT;
	if (irq.type != HV_S390_PROGRAM_INT || irq.parm & 0xffff0000 ||
	    !hv_s390_pgm_code_ok(irq.parm))
		return -EINVAL;
	vcpu->arch.pgm_code = irq.parm;
	vcpu->arch.pgm_ilc = vcpu->arch.last_ilen;
	vcpu->arch.pgm_pending = true;
	return 0;
}

/* Lowcore fields of a program interruption (POP, "Assigned Storage"). */
#define HV_LC_PGM_ILC		0x8c
#define HV_LC_PGM_CODE		0x8e
#define HV_LC_PGM_LAST_BREAK	0x110
#define HV_LC_PGM_OLD_PSW	0x150
#define HV_LC_PGM_NEW_PSW	0x1d0

/*
 * Before an entry: deliver a pending program interruption the way the CPU
 * does (POP, "Program Interruption"): ILC (of the last intercepted
 * instruction, as KVM),
 * code and breaking-event address into the lowcore at the prefix, the
 * current PSW stored as the program old PSW, the program new PSW loaded.
 * -EFAULT if the prefix area is outside guest memory.  SRCU held.
 */
int hv_s390_deliver_pending(struct hv_vcpu *vcpu)
{
	struct hv_vcpu_arch *a = &vcpu->arch;
	u64 old[2] = { a->psw_mask, a->psw_addr }, new[2];
	u16 ilc = a->pgm_ilc, code = a->pgm_code;
	struct hv_vm *vm = vcpu->vm;
	u64 lc = a->prefix;

	if (!a->pgm_pending)
		return 0;
	a->pgm_pending = false;
	if (hv_write_guest(vm, lc + HV_LC_PGM_ILC, &ilc, sizeof(ilc)) ||
	    hv_write_guest(vm, lc + HV_LC_PGM_CODE, &code, sizeof(code)) ||
	    hv_write_guest(vm, lc + HV_LC_PGM_LAST_BREAK, &a->gbea,
			   sizeof(a->gbea)) ||
	    hv_write_guest(vm, lc + HV_LC_PGM_OLD_PSW, old, sizeof(old)) ||
	    hv_read_guest(vm, lc + HV_LC_PGM_NEW_PSW, new, sizeof(new)))
		return -EFAULT;
	a->psw_mask = new[0];
	a->psw_addr = new[1];
	return 0;
}
EXPORT_SYMBOL_GPL(hv_s390_deliver_pending);

/* vCPU ioctls of the s390 code; unknown ones get KVM's -ENOTTY. */
long hv_arch_vcpu_ioctl(struct hv_vcpu *vcpu, unsigned int cmd,
			unsigned long arg)
{
	void __user *argp = (void __user *)arg;
	struct hv_run *run = vcpu->run;
	struct hv_sregs sregs;
	struct hv_regs regs;

	lockdep_assert_held(&vcpu->mutex);

	switch (cmd) {
	case HV_GET_REGS:
		memcpy(regs.gprs, run->s.regs.gprs, sizeof(regs.gprs));
		return copy_to_user(argp, &regs, sizeof(regs)) ? -EFAULT : 0;
	case HV_SET_REGS:
		if (copy_from_user(&regs, argp, sizeof(regs)))
			return -EFAULT;
		memcpy(run->s.regs.gprs, regs.gprs, sizeof(regs.gprs));
		return 0;
	case HV_GET_SREGS:
		memcpy(sregs.acrs, run->s.regs.acrs, sizeof(sregs.acrs));
		memcpy(sregs.crs, vcpu->arch.crs, sizeof(sregs.crs));
		return copy_to_user(argp, &sregs, sizeof(sregs)) ? -EFAULT : 0;
	case HV_SET_SREGS:
		if (copy_from_user(&sregs, argp, sizeof(sregs)))
			return -EFAULT;
		memcpy(run->s.regs.acrs, sregs.acrs, sizeof(sregs.acrs));
		memcpy(vcpu->arch.crs, sregs.crs, sizeof(sregs.crs));
		return 0;
	case HV_GET_FPU:
		return hv_s390_get_fpu(vcpu, argp);
	case HV_SET_FPU:
		return hv_s390_set_fpu(vcpu, argp);
	case HV_GET_ONE_REG:
	case HV_SET_ONE_REG:
		return hv_s390_one_reg(vcpu, argp, cmd == HV_SET_ONE_REG);
	case HV_S390_SET_INITIAL_PSW:
		return hv_s390_set_initial_psw(vcpu, argp);
	case HV_S390_INTERRUPT:
		return hv_s390_interrupt(vcpu, argp);
	case HV_S390_NORMAL_RESET:
		hv_s390_normal_reset(vcpu);
		return 0;
	case HV_S390_INITIAL_RESET:
		hv_s390_initial_reset(vcpu);
		return 0;
	case HV_S390_CLEAR_RESET:
		hv_s390_clear_reset(vcpu);
		return 0;
	default:
		return -ENOTTY;
	}
}

/* ---------------------------------------------------------------- RUN ---- */

/*
 * The guest's FP and access registers are the thread's while RUN runs:
 * the thread's FP save area is pointed at the run structure, so that the
 * host's lazy FP switching (save_fpu_regs() at a context switch or kernel
 * FP use, CIF_FPU) saves the guest's registers there, and the backend
 * loads them before entering SIE (load_fpu_regs()).  Called with the
 * vCPU loaded, before the pre-run checks, and undone after the post-run.
 */
void hv_arch_load_guest_fpu(struct hv_vcpu *vcpu)
{
	struct hv_sync_regs *regs = &vcpu->run->s.regs;

	save_fpu_regs();
	vcpu->arch.host_fpc = current->thread.fpu.fpc;
	vcpu->arch.host_fpregs = current->thread.fpu.regs;
	current->thread.fpu.regs = MACHINE_HAS_VX ? (void *)regs->vrs :
						    (void *)regs->fprs;
	/* An invalid FPC would make the load fail: 0, as KVM. */
	current->thread.fpu.fpc = test_fp_ctl(regs->fpc) ? 0 : regs->fpc;

	save_access_regs(vcpu->arch.host_acrs);
	restore_access_regs(regs->acrs);
}

void hv_arch_put_guest_fpu(struct hv_vcpu *vcpu)
{
	struct hv_sync_regs *regs = &vcpu->run->s.regs;

	save_fpu_regs();
	regs->fpc = current->thread.fpu.fpc;
	current->thread.fpu.fpc = vcpu->arch.host_fpc;
	current->thread.fpu.regs = vcpu->arch.host_fpregs;

	save_access_regs(regs->acrs);
	restore_access_regs(vcpu->arch.host_acrs);
}

/*
 * Before the first entry of a RUN: check the sync masks, start the vCPU
 * and load what userspace changed in the run structure (always the PSW;
 * the classes marked dirty), KVM's sync_regs().
 */
int hv_arch_vcpu_pre_run(struct hv_vcpu *vcpu)
{
	struct hv_vcpu_arch *a = &vcpu->arch;
	struct hv_run *run = vcpu->run;
	u64 dirty = run->hv_dirty_regs;

	if ((run->hv_valid_regs & ~HV_S390_SYNC_MASK) ||
	    (dirty & ~HV_S390_SYNC_MASK))
		return -EINVAL;

	a->stopped = false;
	a->psw_mask = run->psw_mask;
	a->psw_addr = run->psw_addr;
	if (dirty & HV_SYNC_PREFIX)
		a->prefix = run->s.regs.prefix & HV_S390_PREFIX_MASK;
	if (dirty & HV_SYNC_CRS)
		memcpy(a->crs, run->s.regs.crs, sizeof(a->crs));
	if (dirty & HV_SYNC_ARCH0) {
		a->cputm = run->s.regs.cputm;
		a->ckc = run->s.regs.ckc;
		a->todpr = run->s.regs.todpr & 0xffff;
		a->pp = run->s.regs.pp;
		a->gbea = run->s.regs.gbea;
	}
	if (dirty & HV_SYNC_PFAULT) {
		a->pft = run->s.regs.pft;
		a->pfs = run->s.regs.pfs;
		a->pfc = run->s.regs.pfc;
	}
	run->hv_dirty_regs = 0;
	a->synced = true;
	return 0;
}

/* Nothing is left half-done at an s390 exit. */
int hv_arch_vcpu_complete_pending(struct hv_vcpu *vcpu)
{
	return 1;
}

/* After the last exit of a RUN: KVM's store_regs(). */
void hv_arch_vcpu_post_run(struct hv_vcpu *vcpu)
{
	struct hv_vcpu_arch *a = &vcpu->arch;
	struct hv_run *run = vcpu->run;

	if (!a->synced)
		return;
	a->synced = false;
	run->psw_mask = a->psw_mask;
	run->psw_addr = a->psw_addr;
	run->s.regs.prefix = a->prefix;
	memcpy(run->s.regs.crs, a->crs, sizeof(a->crs));
	run->s.regs.cputm = a->cputm;
	run->s.regs.ckc = a->ckc;
	run->s.regs.todpr = a->todpr;
	run->s.regs.pp = a->pp;
	run->s.regs.gbea = a->gbea;
	run->s.regs.pft = a->pft;
	run->s.regs.pfs = a->pfs;
	run->s.regs.pfc = a->pfc;
}

/* No wait state is emulated yet: a vCPU can always enter SIE. */
bool hv_arch_vcpu_runnable(struct hv_vcpu *vcpu)
{
	return true;
}

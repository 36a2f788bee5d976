// SPDX-License-Identifier: GPL-2.0-only
/*
 * arm64 part of hv.ko, shared by every arm64 backend: KVM's arm64 vCPU
 * ABI (VCPU_INIT, ONE_REG, REG_LIST), MMIO exits and their completion,
 * PSCI and SMCCC calls, and exceptions hv makes the guest take.
 */
#define pr_fmt(fmt) "hv: " fmt

#include <linux/arm-smccc.h>
#include <linux/kernel.h>
#include <linux/psci.h>
#include <linux/sched/signal.h>
#include <linux/uaccess.h>
#include <linux/hv_host.h>
#include <asm/cpufeature.h>
#include <asm/cputype.h>
#include <asm/sysreg.h>
#include <asm/esr.h>
#include <asm/ptrace.h>
#include <uapi/linux/psci.h>

/* SCTLR_EL1 at reset: MMU and caches off, RES1 bits set (as KVM). */
#define HV_SCTLR_EL1_RESET	0x00C50078ULL
/* PSTATE at reset and at exception entry: EL1h, D, A, I, F masked. */
#define HV_PSTATE_RESET		(PSR_MODE_EL1h | PSR_D_BIT | PSR_A_BIT | \
				 PSR_I_BIT | PSR_F_BIT)
/* PSCI version offered: 1.1, as KVM 6.1 by default. */
#define HV_PSCI_VERSION		PSCI_VERSION(1, 1)
#define HV_VCPU_FEATURES	(BIT(HV_ARM_VCPU_POWER_OFF) | \
				 BIT(HV_ARM_VCPU_PSCI_0_2))
#define HV_VCPU_NR_FEATURES	7

/* ---------------------------------------------------------------- VM ---- */

int hv_arch_vm_init(struct hv_vm *vm, unsigned long type)
{
	u32 ipa;

	if (type & ~HV_VM_TYPE_ARM_IPA_SIZE_MASK)
		return -EINVAL;
	ipa = HV_VM_TYPE_ARM_IPA_SIZE(type);
	if (!ipa)
		ipa = HV_ARM64_IPA_DEFAULT;
	if (ipa < HV_ARM64_IPA_MIN || ipa > HV_ARM64_IPA_MAX)
		return -EINVAL;
	vm->arch.ipa_bits = ipa;
	/* The guest's virtual count starts at 0 now, as on KVM. */
	vm->arch.cntvoff = hv_arm64_counter();
	return 0;
}

/* A slot beyond the IPA space: KVM arm64's -EFAULT. */
int hv_arch_check_memslot(struct hv_vm *vm,
			  const struct hv_userspace_memory_region *mem)
{
	u64 end_gfn = (mem->guest_phys_addr + mem->memory_size) >> PAGE_SHIFT;

	return end_gfn > 1ULL << (vm->arch.ipa_bits - PAGE_SHIFT) ? -EFAULT : 0;
}

long hv_arch_check_extension(long cap)
{
	switch (cap) {
	case HV_CAP_ONE_REG:
	case HV_CAP_ARM_PSCI:
	case HV_CAP_ARM_PSCI_0_2:
	case HV_CAP_ENABLE_CAP:
		return 1;
	case HV_CAP_ARM_VM_IPA_SIZE:
		return HV_ARM64_IPA_MAX;
	/* The in-kernel GICv3 and what comes with it (arch/arm64/hv/vgic.c). */
	case HV_CAP_IRQCHIP:
	case HV_CAP_DEVICE_CTRL:
	case HV_CAP_ARM_IRQ_LINE_LAYOUT_2:
		return 1;
	default:
		return 0;
	}
}

long hv_arch_dev_ioctl(unsigned int cmd, unsigned long arg)
{
	return -EINVAL;
}

long hv_arch_vm_ioctl(struct hv_vm *vm, unsigned int cmd, unsigned long arg)
{
	struct hv_vcpu_init init = { .target = HV_ARM_TARGET_GENERIC_V8 };

	switch (cmd) {
	case HV_ARM_PREFERRED_TARGET:
		if (copy_to_user((void __user *)arg, &init, sizeof(init)))
			return -EFAULT;
		return 0;
	default:
		return -EINVAL;
	}
}

/* -------------------------------------------------------------- reset ---- */

/* MPIDR_EL1 as KVM derives it from the vCPU id: 16 vCPUs per cluster. */
static u64 hv_vcpu_mpidr(const struct hv_vcpu *vcpu)
{
	u32 id = vcpu->vcpu_id;

	return BIT_ULL(31) | (id & 0xf) | (((id >> 4) & 0xff) << 8) |
	       (((u64)(id >> 12) & 0xff) << 16);
}

static void hv_vcpu_reset(struct hv_vcpu *vcpu)
{
	struct hv_vcpu_arch *a = &vcpu->arch;

	memset(&a->core, 0, sizeof(a->core));
	memset(a->sys, 0, sizeof(a->sys));
	a->core.regs.pstate = HV_PSTATE_RESET;
	a->sys[HV_SCTLR_EL1] = HV_SCTLR_EL1_RESET;
	a->sys[HV_MPIDR_EL1] = hv_vcpu_mpidr(vcpu);
	a->mmio_pending = false;
}

int hv_arch_vcpu_init(struct hv_vcpu *vcpu)
{
	/* KVM: no vCPU after the vGIC is initialized. */
	if (hv_arm64_vgic_ready(vcpu->vm))
		return -EBUSY;
	hv_arm64_vgic_vcpu_init(vcpu);
	hv_arm64_timer_vcpu_init(vcpu);
	vcpu->arch.target = -1;
	spin_lock_init(&vcpu->arch.on_lock);
	init_waitqueue_head(&vcpu->arch.wq);
	hv_vcpu_reset(vcpu);
	return 0;
}

void hv_arch_vcpu_destroy(struct hv_vcpu *vcpu)
{
	hrtimer_cancel(&vcpu->arch.wfi_timer);
}

/* HV_ARM_VCPU_INIT: KVM's kvm_arch_vcpu_ioctl_vcpu_init() checks. */
static int hv_vcpu_init_ioctl(struct hv_vcpu *vcpu,
			      const struct hv_vcpu_init *init)
{
	int i;

	if (init->target != HV_ARM_TARGET_GENERIC_V8)
		return -EINVAL;
	for (i = 1; i < ARRAY_SIZE(init->features); i++)
		if (init->features[i])
			return -ENOENT;
	if (init->features[0] & ~GENMASK(HV_VCPU_NR_FEATURES - 1, 0))
		return -ENOENT;
	/* AArch32, PMU, SVE and pointer authentication are not offered. */
	if (init->features[0] & ~HV_VCPU_FEATURES)
		return -EINVAL;
	/* The features are fixed by the first init. */
	if (vcpu->arch.target >= 0 && init->features[0] != vcpu->arch.features)
		return -EINVAL;

	hv_vcpu_reset(vcpu);
	vcpu->arch.features = init->features[0];
	spin_lock(&vcpu->arch.on_lock);
	WRITE_ONCE(vcpu->arch.power_off,
		   !!(init->features[0] & BIT(HV_ARM_VCPU_POWER_OFF)));
	vcpu->arch.on_pending = false;
	spin_unlock(&vcpu->arch.on_lock);
	WRITE_ONCE(vcpu->arch.target, init->target);
	return 0;
}

/* ----------------------------------------------------------- ONE_REG ---- */

#define HV_CORE_OFF(f)	(offsetof(struct hv_regs, f) / sizeof(u32))
#define HV_NR_CORE_U32	(sizeof(struct hv_regs) / sizeof(u32))

/*
 * Size in bytes of the core register at @off (in u32 units), 0 if no
 * register starts there: KVM's core_reg_size_from_offset().
 */
static unsigned int hv_core_reg_size(u64 off)
{
	if (off >= HV_NR_CORE_U32)
		return 0;
	if (off < HV_CORE_OFF(fp_regs.vregs[0]))	/* x0..spsr[4] */
		return off % 2 ? 0 : 8;
	if (off < HV_CORE_OFF(fp_regs.fpsr))		/* v0..v31 */
		return (off - HV_CORE_OFF(fp_regs.vregs[0])) % 4 ? 0 : 16;
	if (off == HV_CORE_OFF(fp_regs.fpsr) ||
	    off == HV_CORE_OFF(fp_regs.fpcr))
		return 4;
	return 0;
}

static u64 hv_core_reg_id(u64 off, unsigned int size)
{
	return HV_REG_ARM64 | HV_REG_ARM_CORE | off |
	       ((u64)ilog2(size) << HV_REG_SIZE_SHIFT);
}

/* PSTATE values userspace may set: AArch64 EL0t, EL1t or EL1h only. */
static bool hv_valid_pstate(u64 pstate)
{
	switch (pstate & (PSR_MODE32_BIT | PSR_MODE_MASK)) {
	case PSR_MODE_EL0t:
	case PSR_MODE_EL1t:
	case PSR_MODE_EL1h:
		return true;
	default:
		return false;
	}
}

static int hv_core_reg(struct hv_vcpu *vcpu, const struct hv_one_reg *reg,
		       bool set)
{
	void __user *uaddr = u64_to_user_ptr(reg->addr);
	u64 off = reg->id & ~(HV_REG_ARCH_MASK | HV_REG_SIZE_MASK |
			      HV_REG_ARM_CORE);
	unsigned int size = hv_core_reg_size(off);
	u8 *p = (u8 *)&vcpu->arch.core + off * sizeof(u32);
	u8 val[16];

	if (!size || HV_REG_SIZE(reg->id) != size)
		return -EINVAL;
	if (!set)
		return copy_to_user(uaddr, p, size) ? -EFAULT : 0;
	if (copy_from_user(val, uaddr, size))
		return -EFAULT;
	if (off == HV_CORE_OFF(regs.pstate) && !hv_valid_pstate(*(u64 *)val))
		return -EINVAL;
	memcpy(p, val, size);
	return 0;
}

/* System registers userspace can reach by id, with their slots. */
#define HV_SYSREG_ID(op0, op1, crn, crm, op2) \
	HV_ARM64_SYS_REG(op0, op1, crn, crm, op2)

static const struct {
	u64 id;
	enum hv_arm64_sysreg idx;
} hv_sysreg_ids[] = {
	/* Sorted by id, as KVM's list. */
	{ HV_SYSREG_ID(3, 0, 0, 0, 5),   HV_MPIDR_EL1 },
	{ HV_SYSREG_ID(3, 0, 1, 0, 0),   HV_SCTLR_EL1 },
	{ HV_SYSREG_ID(3, 0, 1, 0, 2),   HV_CPACR_EL1 },
	{ HV_SYSREG_ID(3, 0, 2, 0, 0),   HV_TTBR0_EL1 },
	{ HV_SYSREG_ID(3, 0, 2, 0, 1),   HV_TTBR1_EL1 },
	{ HV_SYSREG_ID(3, 0, 2, 0, 2),   HV_TCR_EL1 },
	{ HV_SYSREG_ID(3, 0, 5, 1, 0),   HV_AFSR0_EL1 },
	{ HV_SYSREG_ID(3, 0, 5, 1, 1),   HV_AFSR1_EL1 },
	{ HV_SYSREG_ID(3, 0, 5, 2, 0),   HV_ESR_EL1 },
	{ HV_SYSREG_ID(3, 0, 6, 0, 0),   HV_FAR_EL1 },
	{ HV_SYSREG_ID(3, 0, 7, 4, 0),   HV_PAR_EL1 },
	{ HV_SYSREG_ID(3, 0, 10, 2, 0),  HV_MAIR_EL1 },
	{ HV_SYSREG_ID(3, 0, 10, 3, 0),  HV_AMAIR_EL1 },
	{ HV_SYSREG_ID(3, 0, 12, 0, 0),  HV_VBAR_EL1 },
	{ HV_SYSREG_ID(3, 0, 13, 0, 1),  HV_CONTEXTIDR_EL1 },
	{ HV_SYSREG_ID(3, 0, 13, 0, 4),  HV_TPIDR_EL1 },
	{ HV_SYSREG_ID(3, 0, 14, 1, 0),  HV_CNTKCTL_EL1 },
	{ HV_SYSREG_ID(3, 2, 0, 0, 0),   HV_CSSELR_EL1 },
	{ HV_SYSREG_ID(3, 3, 13, 0, 2),  HV_TPIDR_EL0 },
	{ HV_SYSREG_ID(3, 3, 13, 0, 3),  HV_TPIDRRO_EL0 },
	/* KVM's timer ids: CVAL and CNT have each other's encodings. */
	{ HV_REG_ARM_TIMER_CVAL,         HV_CNTV_CVAL_EL0 },
	{ HV_REG_ARM_PTIMER_CTL,         HV_CNTP_CTL_EL0 },
	{ HV_REG_ARM_PTIMER_CVAL,        HV_CNTP_CVAL_EL0 },
	{ HV_REG_ARM_TIMER_CTL,          HV_CNTV_CTL_EL0 },
};

/*
 * The counters: TIMER_CNT is the guest's virtual count, and setting it
 * moves CNTVOFF for the whole VM (KVM's update_vtimer_cntvoff()); the
 * physical count (PTIMER_CNT, not in KVM 6.1's list) has no offset.
 */
static int hv_counter_reg(struct hv_vcpu *vcpu, const struct hv_one_reg *reg,
			  bool set)
{
	u64 __user *uaddr = u64_to_user_ptr(reg->addr);
	u64 val, now = hv_arm64_counter();

	if (!set) {
		if (reg->id == HV_REG_ARM_TIMER_CNT)
			now -= READ_ONCE(vcpu->vm->arch.cntvoff);
		return put_user(now, uaddr);
	}
	if (reg->id == HV_REG_ARM_PTIMER_CNT)
		return -EINVAL;
	if (get_user(val, uaddr))
		return -EFAULT;
	WRITE_ONCE(vcpu->vm->arch.cntvoff, now - val);
	return 0;
}

static u64 hv_arm64_id_reg(u32 enc);

/* An ONE_REG id of the ID space (op0 3, op1 0, CRn 0, CRm 1-7), or 0. */
static u32 hv_id_reg_enc(u64 id)
{
	u32 crm = (id & HV_REG_ARM64_SYSREG_CRM_MASK) >>
		  HV_REG_ARM64_SYSREG_CRM_SHIFT;
	u32 op2 = (id & HV_REG_ARM64_SYSREG_OP2_MASK) >>
		  HV_REG_ARM64_SYSREG_OP2_SHIFT;

	if ((id & ~(HV_REG_ARM64_SYSREG_CRM_MASK |
		    HV_REG_ARM64_SYSREG_OP2_MASK)) != HV_ARM64_SYS_REG(3, 0, 0, 0, 0) ||
	    !crm)
		return 0;
	return sys_reg(3, 0, 0, crm, op2);
}

/*
 * The ID registers as the guest reads them (hv_arm64_id_reg()); as KVM
 * 6.1, only the value they have can be written back.
 */
static int hv_id_one_reg(struct hv_vcpu *vcpu, u32 enc, u64 __user *uaddr,
			 bool set)
{
	u64 val, cur = hv_arm64_id_reg(enc);

	if (!set)
		return put_user(cur, uaddr);
	if (get_user(val, uaddr))
		return -EFAULT;
	return val == cur ? 0 : -EINVAL;
}

static int hv_other_reg(struct hv_vcpu *vcpu, const struct hv_one_reg *reg,
			bool set)
{
	void __user *uaddr = u64_to_user_ptr(reg->addr);
	u32 enc = hv_id_reg_enc(reg->id);
	u64 val;
	int i;

	if (enc)
		return hv_id_one_reg(vcpu, enc, uaddr, set);
	if (reg->id == HV_REG_ARM_TIMER_CNT || reg->id == HV_REG_ARM_PTIMER_CNT)
		return hv_counter_reg(vcpu, reg, set);
	if (reg->id == HV_REG_ARM_PSCI_VERSION) {
		if (!set)
			return put_user((u64)HV_PSCI_VERSION, (u64 __user *)uaddr);
		if (get_user(val, (u64 __user *)uaddr))
			return -EFAULT;
		/* Only the version offered can be restored. */
		return val == HV_PSCI_VERSION ? 0 : -EINVAL;
	}
	for (i = 0; i < ARRAY_SIZE(hv_sysreg_ids); i++) {
		u64 *p = &vcpu->arch.sys[hv_sysreg_ids[i].idx];

		if (hv_sysreg_ids[i].id != reg->id)
			continue;
		if (!set)
			return put_user(*p, (u64 __user *)uaddr);
		if (get_user(val, (u64 __user *)uaddr))
			return -EFAULT;
		*p = val;
		return 0;
	}
	return -ENOENT;
}

static int hv_one_reg(struct hv_vcpu *vcpu, void __user *argp, bool set)
{
	struct hv_one_reg reg;

	if (copy_from_user(&reg, argp, sizeof(reg)))
		return -EFAULT;
	if ((reg.id & HV_REG_ARCH_MASK) != HV_REG_ARM64)
		return -EINVAL;
	if ((reg.id & HV_REG_ARM_COPROC_MASK) == HV_REG_ARM_CORE)
		return hv_core_reg(vcpu, &reg, set);
	return hv_other_reg(vcpu, &reg, set);
}

/* HV_GET_REG_LIST: core registers, PSCI version, system registers. */
static int hv_reg_list(struct hv_vcpu *vcpu, struct hv_reg_list __user *argp)
{
	u64 __user *out = argp->reg;
	u64 n, count = 0, off;
	unsigned int size;
	int i;

	if (get_user(n, &argp->n))
		return -EFAULT;
	for (off = 0; off < HV_NR_CORE_U32; off++)
		if (hv_core_reg_size(off))
			count++;
	count += 2 + ARRAY_SIZE(hv_sysreg_ids);
	if (put_user(count, &argp->n))
		return -EFAULT;
	if (n < count)
		return -E2BIG;

	for (off = 0; off < HV_NR_CORE_U32; off++) {
		size = hv_core_reg_size(off);
		if (size && put_user(hv_core_reg_id(off, size), out++))
			return -EFAULT;
	}
	if (put_user((u64)HV_REG_ARM_PSCI_VERSION, out++) ||
	    put_user((u64)HV_REG_ARM_TIMER_CNT, out++))
		return -EFAULT;
	for (i = 0; i < ARRAY_SIZE(hv_sysreg_ids); i++)
		if (put_user(hv_sysreg_ids[i].id, out++))
			return -EFAULT;
	return 0;
}

/*
 * vCPU device attributes: the timers' PPIs (HV_ARM_VCPU_TIMER_CTRL), as
 * KVM's kvm_arm_timer_{get,set,has}_attr().  hv keeps KVM's defaults, 27
 * and 30: setting them to those succeeds, moving them is -EINVAL.  The
 * PMU and PV-time groups are not offered (-ENXIO).
 */
static int hv_vcpu_attr(struct hv_vcpu *vcpu, unsigned int cmd,
			const struct hv_device_attr *a)
{
	int __user *uaddr = u64_to_user_ptr(a->addr);
	int irq;

	if (a->group != HV_ARM_VCPU_TIMER_CTRL ||
	    (a->attr != HV_ARM_VCPU_TIMER_IRQ_VTIMER &&
	     a->attr != HV_ARM_VCPU_TIMER_IRQ_PTIMER))
		return -ENXIO;
	irq = a->attr == HV_ARM_VCPU_TIMER_IRQ_VTIMER ? HV_VTIMER_PPI :
							 HV_PTIMER_PPI;
	switch (cmd) {
	case HV_HAS_DEVICE_ATTR:
		return 0;
	case HV_GET_DEVICE_ATTR:
		return put_user(irq, uaddr);
	default: {
		int want = irq;

		if (!hv_arch_irqchip_in_kernel(vcpu->vm))
			return -EINVAL;
		if (get_user(irq, uaddr))
			return -EFAULT;
		return irq == want ? 0 : -EINVAL;
	}
	}
}

/* vCPU ioctls of the arm64 code; unknown ones get KVM's -EINVAL. */
long hv_arch_vcpu_ioctl(struct hv_vcpu *vcpu, unsigned int cmd,
			unsigned long arg)
{
	void __user *argp = (void __user *)arg;
	struct hv_device_attr attr;
	struct hv_vcpu_init init;

	lockdep_assert_held(&vcpu->mutex);

	switch (cmd) {
	case HV_ARM_VCPU_INIT:
		if (copy_from_user(&init, argp, sizeof(init)))
			return -EFAULT;
		return hv_vcpu_init_ioctl(vcpu, &init);
	case HV_SET_DEVICE_ATTR:
	case HV_GET_DEVICE_ATTR:
	case HV_HAS_DEVICE_ATTR:
		if (copy_from_user(&attr, argp, sizeof(attr)))
			return -EFAULT;
		return hv_vcpu_attr(vcpu, cmd, &attr);
	case HV_GET_ONE_REG:
	case HV_SET_ONE_REG:
	case HV_GET_REG_LIST:
		break;
	default:
		return -EINVAL;
	}
	/* KVM: registers exist only once the vCPU is initialized. */
	if (READ_ONCE(vcpu->arch.target) < 0)
		return -ENOEXEC;
	if (cmd == HV_GET_REG_LIST)
		return hv_reg_list(vcpu, argp);
	return hv_one_reg(vcpu, argp, cmd == HV_SET_ONE_REG);
}

/* ---------------------------------------------------------------- RUN ---- */

int hv_arch_vcpu_pre_run(struct hv_vcpu *vcpu)
{
	/* KVM_RUN before KVM_ARM_VCPU_INIT is -ENOEXEC. */
	if (READ_ONCE(vcpu->arch.target) < 0)
		return -ENOEXEC;
	if (!READ_ONCE(vcpu->vm->arch.ran)) {
		/* Ordered with HV_CREATE_DEVICE by vm->lock. */
		mutex_lock(&vcpu->vm->lock);
		WRITE_ONCE(vcpu->vm->arch.ran, true);
		mutex_unlock(&vcpu->vm->lock);
	}
	hv_arm64_vgic_set_idx(vcpu);
	/* The vGIC goes on the MMIO bus at the first RUN, as KVM's. */
	return hv_arm64_vgic_pre_run(vcpu);
}

/* A WFI does not outlive RUN: KVM has no halted state between runs. */
void hv_arch_vcpu_post_run(struct hv_vcpu *vcpu)
{
	hv_arm64_unhalt(vcpu);
}

/**
 * hv_arm64_skip_instr - step over the instruction that trapped
 * @vcpu: the vCPU.
 * @esr: the exit's syndrome; IL says whether it was 16 or 32 bits.
 */
void hv_arm64_skip_instr(struct hv_vcpu *vcpu, u64 esr)
{
	vcpu->arch.core.regs.pc += (esr & ESR_ELx_IL) ? 4 : 2;
}
EXPORT_SYMBOL_GPL(hv_arm64_skip_instr);

/*
 * Finish the MMIO access userspace handled: a load takes run->mmio.data,
 * sign-extended (ISS.SSE) and cut to 32 bits for a W register (ISS.SF)
 * (Arm ARM D17.2.40, ESR_EL2 ISS encoding for a Data Abort).
 */
static void hv_arm64_mmio_finish(struct hv_vcpu *vcpu, const u8 *bytes)
{
	struct hv_vcpu_arch *a = &vcpu->arch;
	unsigned int bits = a->mmio_len * 8;
	u64 data = 0;

	a->mmio_pending = false;
	if (!a->mmio_write && a->mmio_rt != 31) {
		memcpy(&data, bytes, a->mmio_len);
		if (a->mmio_sign && bits < 64)
			data = (u64)sign_extend64(data, bits - 1);
		if (!a->mmio_sf)
			data = lower_32_bits(data);
		a->core.regs.regs[a->mmio_rt] = data;
	}
	a->core.regs.pc += 4;
}

int hv_arch_vcpu_complete_pending(struct hv_vcpu *vcpu)
{
	if (vcpu->arch.mmio_pending)
		hv_arm64_mmio_finish(vcpu, vcpu->run->mmio.data);
	return 1;
}

/**
 * hv_arm64_handle_mmio - a data abort outside guest memory
 * @vcpu: the vCPU.
 * @gpa: the faulting IPA.
 * @esr: ESR_EL2 of the abort.
 *
 * Only an access the syndrome describes (ISS.ISV) can go to userspace;
 * the others (load/store pair, writeback, ...) would need an instruction
 * decoder, which KVM does not have either: KVM fails RUN with -ENOSYS
 * unless userspace enabled HV_CAP_ARM_NISV_TO_USER (not offered yet).
 *
 * Return: 0 with an HV_EXIT_MMIO exit prepared, 1 when an in-kernel
 * device took the access, or -ENOSYS.
 */
int hv_arm64_handle_mmio(struct hv_vcpu *vcpu, u64 gpa, u64 esr)
{
	struct hv_vcpu_arch *a = &vcpu->arch;
	struct hv_run *run = vcpu->run;
	u64 data;

	if (!(esr & ESR_ELx_ISV)) {
		pr_info_ratelimited("data abort at IPA %#llx without a valid syndrome (esr %#llx)\n",
				    gpa, esr);
		return -ENOSYS;
	}
	a->mmio_len = 1U << ((esr & ESR_ELx_SAS) >> ESR_ELx_SAS_SHIFT);
	a->mmio_rt = (esr & ESR_ELx_SRT_MASK) >> ESR_ELx_SRT_SHIFT;
	a->mmio_sign = esr & ESR_ELx_SSE;
	a->mmio_sf = esr & ESR_ELx_SF;
	a->mmio_write = esr & ESR_ELx_WNR;
	a->mmio_pending = true;

	/* An in-kernel device (ioeventfd, coalesced zone) first. */
	data = a->mmio_write && a->mmio_rt != 31 ? a->core.regs.regs[a->mmio_rt] : 0;
	if (!(a->mmio_write ?
	      hv_io_bus_write(vcpu, HV_MMIO_BUS, gpa, a->mmio_len, &data) :
	      hv_io_bus_read(vcpu, HV_MMIO_BUS, gpa, a->mmio_len, &data))) {
		hv_arm64_mmio_finish(vcpu, (const u8 *)&data);
		return 1;
	}

	run->exit_reason = HV_EXIT_MMIO;
	run->mmio.phys_addr = gpa;
	run->mmio.len = a->mmio_len;
	run->mmio.is_write = a->mmio_write;
	memset(run->mmio.data, 0, sizeof(run->mmio.data));
	if (a->mmio_write) {
		data = a->mmio_rt == 31 ? 0 : a->core.regs.regs[a->mmio_rt];
		memcpy(run->mmio.data, &data, a->mmio_len);
	}
	vcpu->stats.mmio_exits++;
	return 0;
}
EXPORT_SYMBOL_GPL(hv_arm64_handle_mmio);

/* ------------------------------------------------------ PSCI, SMCCC ---- */

static void hv_smccc_ret(struct hv_vcpu *vcpu, u64 a0)
{
	u64 *r = vcpu->arch.core.regs.regs;

	r[0] = a0;
	r[1] = 0;
	r[2] = 0;
	r[3] = 0;
}

static int hv_system_event(struct hv_vcpu *vcpu, u32 type)
{
	struct hv_run *run = vcpu->run;

	/* The vCPU stays off until userspace resets it (VCPU_INIT). */
	WRITE_ONCE(vcpu->arch.power_off, true);
	memset(&run->system_event, 0, sizeof(run->system_event));
	run->exit_reason = HV_EXIT_SYSTEM_EVENT;
	run->system_event.type = type;
	run->system_event.ndata = 1;
	return 0;
}

static struct hv_vcpu *hv_vcpu_by_mpidr(struct hv_vm *vm, u64 mpidr)
{
	struct hv_vcpu *v;
	unsigned long i;

	mpidr &= MPIDR_HWID_BITMASK;
	xa_for_each(&vm->vcpus, i, v)
		/* Another vCPU's ONE_REG may change it: a racy read is fine. */
		if ((READ_ONCE(v->arch.sys[HV_MPIDR_EL1]) &
		     MPIDR_HWID_BITMASK) == mpidr)
			return v;
	return NULL;
}

/* PSCI CPU_ON: the target starts at @pc with x0 = @ctx (PSCI 5.1.4). */
static long hv_psci_cpu_on(struct hv_vcpu *vcpu, u64 mpidr, u64 pc, u64 ctx)
{
	struct hv_vcpu *t;
	long r;

	/* vm->lock keeps the vCPU list stable; vCPUs are never removed. */
	mutex_lock(&vcpu->vm->lock);
	t = hv_vcpu_by_mpidr(vcpu->vm, mpidr);
	if (!t || READ_ONCE(t->arch.target) < 0) {
		mutex_unlock(&vcpu->vm->lock);
		return PSCI_RET_INVALID_PARAMS;
	}
	spin_lock(&t->arch.on_lock);
	if (t->arch.on_pending) {
		r = PSCI_RET_ON_PENDING;
	} else if (!READ_ONCE(t->arch.power_off)) {
		r = PSCI_RET_ALREADY_ON;
	} else {
		t->arch.on_pending = true;
		t->arch.on_pc = pc;
		t->arch.on_ctx = ctx;
		r = PSCI_RET_SUCCESS;
	}
	spin_unlock(&t->arch.on_lock);
	if (r == PSCI_RET_SUCCESS)
		wake_up_interruptible(&t->arch.wq);
	mutex_unlock(&vcpu->vm->lock);
	return r;
}

static long hv_psci_affinity_info(struct hv_vcpu *vcpu, u64 aff, u64 level)
{
	struct hv_vcpu *t;

	if (level)
		return PSCI_RET_INVALID_PARAMS;
	mutex_lock(&vcpu->vm->lock);
	t = hv_vcpu_by_mpidr(vcpu->vm, aff);
	mutex_unlock(&vcpu->vm->lock);
	if (!t)
		return PSCI_RET_INVALID_PARAMS;
	return READ_ONCE(t->arch.power_off) ? PSCI_0_2_AFFINITY_LEVEL_OFF :
					       PSCI_0_2_AFFINITY_LEVEL_ON;
}

static bool hv_psci_known(u32 fn)
{
	switch (fn) {
	case PSCI_0_2_FN_PSCI_VERSION:
	case PSCI_0_2_FN_CPU_SUSPEND:
	case PSCI_0_2_FN64_CPU_SUSPEND:
	case PSCI_0_2_FN_CPU_OFF:
	case PSCI_0_2_FN_CPU_ON:
	case PSCI_0_2_FN64_CPU_ON:
	case PSCI_0_2_FN_AFFINITY_INFO:
	case PSCI_0_2_FN64_AFFINITY_INFO:
	case PSCI_0_2_FN_MIGRATE_INFO_TYPE:
	case PSCI_0_2_FN_SYSTEM_OFF:
	case PSCI_0_2_FN_SYSTEM_RESET:
	case PSCI_1_0_FN_PSCI_FEATURES:
	case ARM_SMCCC_VERSION_FUNC_ID:
		return true;
	default:
		return false;
	}
}

/**
 * hv_arm64_handle_hvc - an HVC (or a trapped SMC) from the guest
 * @vcpu: the vCPU; the PC is already past the instruction.
 *
 * PSCI 1.1 and SMCCC 1.1 as KVM offers them (DEN0022, DEN0028).  Calls
 * hv does not know return SMCCC_RET_NOT_SUPPORTED in x0, as on KVM.
 *
 * Return: 1 to re-enter, 0 for an HV_EXIT_SYSTEM_EVENT exit.
 */
int hv_arm64_handle_hvc(struct hv_vcpu *vcpu)
{
	u64 *r = vcpu->arch.core.regs.regs;
	u32 fn = r[0];
	u64 a1 = r[1], a2 = r[2], a3 = r[3];

	/* The SMC32 calling convention passes 32-bit arguments. */
	if (!(fn & BIT(ARM_SMCCC_CALL_CONV_SHIFT))) {
		a1 = lower_32_bits(a1);
		a2 = lower_32_bits(a2);
		a3 = lower_32_bits(a3);
	}
	if (!(vcpu->arch.features & BIT(HV_ARM_VCPU_PSCI_0_2)) &&
	    fn != ARM_SMCCC_VERSION_FUNC_ID) {
		/* PSCI 0.1's KVM-specific function ids are not offered. */
		hv_smccc_ret(vcpu, SMCCC_RET_NOT_SUPPORTED);
		return 1;
	}

	switch (fn) {
	case PSCI_0_2_FN_PSCI_VERSION:
		hv_smccc_ret(vcpu, HV_PSCI_VERSION);
		break;
	case PSCI_0_2_FN_CPU_SUSPEND:
	case PSCI_0_2_FN64_CPU_SUSPEND:
		/* A standby state: returning at once is allowed (PSCI 5.4). */
		hv_smccc_ret(vcpu, PSCI_RET_SUCCESS);
		break;
	case PSCI_0_2_FN_CPU_OFF:
		WRITE_ONCE(vcpu->arch.power_off, true);
		hv_smccc_ret(vcpu, PSCI_RET_SUCCESS);
		break;
	case PSCI_0_2_FN_CPU_ON:
	case PSCI_0_2_FN64_CPU_ON:
		hv_smccc_ret(vcpu, hv_psci_cpu_on(vcpu, a1, a2, a3));
		break;
	case PSCI_0_2_FN_AFFINITY_INFO:
	case PSCI_0_2_FN64_AFFINITY_INFO:
		hv_smccc_ret(vcpu, hv_psci_affinity_info(vcpu, a1, a2));
		break;
	case PSCI_0_2_FN_MIGRATE_INFO_TYPE:
		/* No trusted OS: nothing to migrate. */
		hv_smccc_ret(vcpu, PSCI_0_2_TOS_MP);
		break;
	case PSCI_0_2_FN_SYSTEM_OFF:
		hv_smccc_ret(vcpu, PSCI_RET_INTERNAL_FAILURE);
		return hv_system_event(vcpu, HV_SYSTEM_EVENT_SHUTDOWN);
	case PSCI_0_2_FN_SYSTEM_RESET:
		hv_smccc_ret(vcpu, PSCI_RET_INTERNAL_FAILURE);
		return hv_system_event(vcpu, HV_SYSTEM_EVENT_RESET);
	case PSCI_1_0_FN_PSCI_FEATURES:
		hv_smccc_ret(vcpu, hv_psci_known(a1) ? PSCI_RET_SUCCESS :
						      PSCI_RET_NOT_SUPPORTED);
		break;
	case ARM_SMCCC_VERSION_FUNC_ID:
		hv_smccc_ret(vcpu, ARM_SMCCC_VERSION_1_1);
		break;
	default:
		/* Includes ARCH_FEATURES: no workaround is advertised. */
		hv_smccc_ret(vcpu, SMCCC_RET_NOT_SUPPORTED);
		break;
	}
	return 1;
}
EXPORT_SYMBOL_GPL(hv_arm64_handle_hvc);

/**
 * hv_arm64_wait_power_on - hold RUN while the vCPU is powered off
 * @vcpu: the vCPU, from its own thread.
 *
 * A powered-off vCPU (PSCI CPU_OFF, the POWER_OFF feature) waits for
 * CPU_ON from another vCPU, which resets it to the requested entry point,
 * as KVM's kvm_vcpu_sleep() does; a signal ends the wait.
 *
 * Return: 1 when the vCPU may run, -EINTR (HV_EXIT_INTR) on a signal.
 */
int hv_arm64_wait_power_on(struct hv_vcpu *vcpu)
	__must_hold(&vcpu->vm->srcu)
{
	struct hv_vcpu_arch *a = &vcpu->arch;
	bool on;
	int r;

	/* The core's loop found the vCPU runnable: its WFI is over. */
	hv_arm64_unhalt(vcpu);
	for (;;) {
		spin_lock(&a->on_lock);
		if (a->on_pending) {
			u64 pc = a->on_pc, ctx = a->on_ctx;

			a->on_pending = false;
			hv_vcpu_reset(vcpu);
			a->core.regs.pc = pc;
			a->core.regs.regs[0] = ctx;
			WRITE_ONCE(a->power_off, false);
		}
		on = !READ_ONCE(a->power_off);
		spin_unlock(&a->on_lock);
		if (on)
			return 1;
		/* No slot change may wait for a vCPU that is off. */
		hv_vcpu_srcu_read_unlock(vcpu);
		r = wait_event_interruptible(a->wq, READ_ONCE(a->on_pending));
		hv_vcpu_srcu_read_lock(vcpu);
		if (r) {
			vcpu->run->exit_reason = HV_EXIT_INTR;
			vcpu->stats.signal_exits++;
			return -EINTR;
		}
	}
}
EXPORT_SYMBOL_GPL(hv_arm64_wait_power_on);

/* ------------------------------------------------- system registers ---- */

/* ESR_EL2 ISS of a trapped MSR/MRS (EC 0x18), Arm ARM D17.2.37. */
#define HV_SYSREG_ISS(op0, op1, crn, crm, op2) \
	(((op0) << 20) | ((op2) << 17) | ((op1) << 14) | ((crn) << 10) | \
	 ((crm) << 1))
#define HV_SYSREG_ISS_MASK	HV_SYSREG_ISS(3, 7, 15, 15, 7)
#define HV_ISS_ICC_SGI1R_EL1	HV_SYSREG_ISS(3, 0, 12, 11, 5)
/* The ID space: op0 3, op1 0, CRn 0 (CRm and op2 vary). */
#define HV_ISS_ID_MASK		HV_SYSREG_ISS(3, 7, 15, 0, 0)
#define HV_ISS_ID		HV_SYSREG_ISS(3, 0, 0, 0, 0)

/*
 * The ID registers the host kernel keeps a sanitised copy of (every one
 * a guest can meet; the rest of the ID space, op0 3 op1 0 CRn 0 CRm
 * 1-7, is RAZ, Arm ARM D17.2 "reserved ID registers").  Reads trap with
 * HCR_EL2.TID3 (Arm ARM D17.2.48).
 */
static const u32 hv_id_regs[] = {
	SYS_ID_PFR0_EL1, SYS_ID_PFR1_EL1, SYS_ID_DFR0_EL1, SYS_ID_MMFR0_EL1,
	SYS_ID_MMFR1_EL1, SYS_ID_MMFR2_EL1, SYS_ID_MMFR3_EL1,
	SYS_ID_ISAR0_EL1, SYS_ID_ISAR1_EL1, SYS_ID_ISAR2_EL1,
	SYS_ID_ISAR3_EL1, SYS_ID_ISAR4_EL1, SYS_ID_ISAR5_EL1,
	SYS_ID_MMFR4_EL1, SYS_ID_ISAR6_EL1, SYS_MVFR0_EL1, SYS_MVFR1_EL1,
	SYS_MVFR2_EL1, SYS_ID_PFR2_EL1, SYS_ID_DFR1_EL1, SYS_ID_MMFR5_EL1,
	SYS_ID_AA64PFR0_EL1, SYS_ID_AA64PFR1_EL1, SYS_ID_AA64ZFR0_EL1,
	SYS_ID_AA64SMFR0_EL1, SYS_ID_AA64DFR0_EL1, SYS_ID_AA64DFR1_EL1,
	SYS_ID_AA64ISAR0_EL1, SYS_ID_AA64ISAR1_EL1, SYS_ID_AA64ISAR2_EL1,
	SYS_ID_AA64MMFR0_EL1, SYS_ID_AA64MMFR1_EL1, SYS_ID_AA64MMFR2_EL1,
};

#define HV_ID_FIELD(hi, lo)	GENMASK_ULL(hi, lo)

/**
 * hv_arm64_id_reg - what the guest reads in an ID register
 * @enc: the register's sys_reg() encoding.
 *
 * The host's sanitised value without what hv does not give guests
 * (Arm ARM D17.2.64 and following for the fields): SVE and SME (their
 * registers trap, CPTR_EL2), MTE (HCR_EL2.ATA clear), pointer
 * authentication (HCR_EL2.API/APK clear), the activity monitors, MPAM,
 * EL2 and secure EL2, the PMU, statistical profiling and trace (MDCR_EL2
 * traps them, RAZ/WI), VHE, nested virtualization, LORegions (TLOR), and
 * AArch32 at EL0 and EL1 (hv runs AArch64 only): KVM hides the same.
 */
static u64 hv_arm64_id_reg(u32 enc)
{
	unsigned int i;
	u64 v;

	for (i = 0; i < ARRAY_SIZE(hv_id_regs); i++)
		if (hv_id_regs[i] == enc)
			break;
	if (i == ARRAY_SIZE(hv_id_regs))
		return 0;
	v = read_sanitised_ftr_reg(enc);
	switch (enc) {
	case SYS_ID_AA64PFR0_EL1:
		/* AMU, MPAM, SEL2, SVE, EL2; EL1 and EL0 AArch64 only. */
		v &= ~(HV_ID_FIELD(47, 32) | HV_ID_FIELD(11, 0));
		v |= 0x11;
		break;
	case SYS_ID_AA64PFR1_EL1:
		/* SME, MPAM_frac, MTE */
		v &= ~(HV_ID_FIELD(27, 24) | HV_ID_FIELD(19, 16) |
		       HV_ID_FIELD(11, 8));
		break;
	case SYS_ID_AA64ZFR0_EL1:
	case SYS_ID_AA64SMFR0_EL1:
		v = 0;
		break;
	case SYS_ID_AA64ISAR1_EL1:
		/* GPI, GPA, API, APA */
		v &= ~(HV_ID_FIELD(31, 24) | HV_ID_FIELD(11, 4));
		break;
	case SYS_ID_AA64ISAR2_EL1:
		/* APA3, GPA3 */
		v &= ~HV_ID_FIELD(15, 8);
		break;
	case SYS_ID_AA64DFR0_EL1:
		/* BRBE, TraceBuffer, TraceFilt, PMSVer, PMUVer, TraceVer */
		v &= ~(HV_ID_FIELD(55, 52) | HV_ID_FIELD(47, 40) |
		       HV_ID_FIELD(35, 32) | HV_ID_FIELD(11, 4));
		break;
	case SYS_ID_AA64MMFR1_EL1:
		/* LO, VH */
		v &= ~(HV_ID_FIELD(19, 16) | HV_ID_FIELD(11, 8));
		break;
	case SYS_ID_AA64MMFR2_EL1:
		/* NV */
		v &= ~HV_ID_FIELD(27, 24);
		break;
	default:
		break;
	}
	return v;
}

/**
 * hv_arm64_handle_sysreg - a trapped MSR/MRS/SYS (EC 0x18)
 * @vcpu: the vCPU.
 * @esr: the syndrome: Rt in bits 9:5, direction (1: read) in bit 0.
 *
 * ICC_SGI1R_EL1 writes (trapped by HCR_EL2.IMO) send SGIs through the
 * vGIC; ID register reads (HCR_EL2.TID3) see hv_arm64_id_reg().
 * Set/way cache maintenance (TSW) is done by the CPU's own coherency
 * under TCG and by stage-2 cache cleaning on map, so it is skipped; the
 * debug, PMU, ACTLR and IMPDEF registers the guest cannot have read as
 * zero and ignore writes.
 *
 * Return: 1.
 */
int hv_arm64_handle_sysreg(struct hv_vcpu *vcpu, u64 esr)
{
	unsigned int rt = (esr >> 5) & 0x1f;
	u64 *regs = vcpu->arch.core.regs.regs;

	vcpu->stats.msr_exits++;
	u32 crm = (esr >> 1) & 0xf, op2 = (esr >> 17) & 7;

	if ((esr & HV_SYSREG_ISS_MASK) == HV_ISS_ICC_SGI1R_EL1 && !(esr & 1)) {
		hv_arm64_vgic_sgi(vcpu, rt == 31 ? 0 : regs[rt]);
	} else if ((esr & HV_ISS_ID_MASK) == HV_ISS_ID && crm) {
		/* Writes to ID registers are UNDEFINED at EL1. */
		if (!(esr & 1)) {
			hv_arm64_inject_undef(vcpu);
			return 1;
		}
		if (rt != 31)
			regs[rt] = hv_arm64_id_reg(sys_reg(3, 0, 0, crm, op2));
	} else if ((esr & 1) && rt != 31) {
		regs[rt] = 0;
	}
	hv_arm64_skip_instr(vcpu, esr);
	return 1;
}
EXPORT_SYMBOL_GPL(hv_arm64_handle_sysreg);

/* ---------------------------------------------------- guest exceptions ---- */

/*
 * Offset into the guest's vector table for a synchronous exception taken
 * to EL1 (Arm ARM D1.10.2): from EL1 with SP_EL0, EL1 with SP_EL1, or EL0.
 */
static u64 hv_el1_vector_offset(u64 pstate)
{
	switch (pstate & PSR_MODE_MASK) {
	case PSR_MODE_EL1t:
		return 0x000;
	case PSR_MODE_EL1h:
		return 0x200;
	default:
		return 0x400;
	}
}

/**
 * hv_arm64_inject_undef - make the guest take an Undefined Instruction
 * @vcpu: the vCPU; its PC is at the offending instruction.
 *
 * What KVM does for a trap it cannot emulate: EL1 sees ESR.EC "unknown
 * reason" with IL set, ELR at the instruction (Arm ARM D1.10).
 */
void hv_arm64_inject_undef(struct hv_vcpu *vcpu)
{
	struct hv_vcpu_arch *a = &vcpu->arch;
	u64 pstate = a->core.regs.pstate;

	a->core.elr_el1 = a->core.regs.pc;
	a->core.spsr[HV_SPSR_EL1] = pstate;
	a->sys[HV_ESR_EL1] = ESR_ELx_IL;
	a->core.regs.pc = a->sys[HV_VBAR_EL1] + hv_el1_vector_offset(pstate);
	a->core.regs.pstate = HV_PSTATE_RESET;
}
EXPORT_SYMBOL_GPL(hv_arm64_inject_undef);

/**
 * hv_arm64_internal_error - an exit hv cannot handle
 * @vcpu: the vCPU.
 * @esr: the syndrome.
 * @far: the fault address, if any.
 *
 * Return: 0 with HV_EXIT_INTERNAL_ERROR (suberror UNEXPECTED_EXIT_REASON,
 * data: ESR, FAR, PC).
 */
int hv_arm64_internal_error(struct hv_vcpu *vcpu, u64 esr, u64 far)
{
	struct hv_run *run = vcpu->run;

	run->exit_reason = HV_EXIT_INTERNAL_ERROR;
	run->internal.suberror = HV_INTERNAL_ERROR_UNEXPECTED_EXIT_REASON;
	run->internal.ndata = 3;
	run->internal.data[0] = esr;
	run->internal.data[1] = far;
	run->internal.data[2] = vcpu->arch.core.regs.pc;
	return 0;
}
EXPORT_SYMBOL_GPL(hv_arm64_internal_error);

/* Halted in WFI with nothing pending: sleep in hv_vcpu_block(). */
bool hv_arch_vcpu_runnable(struct hv_vcpu *vcpu)
{
	return !READ_ONCE(vcpu->arch.halted) || hv_arm64_irq_pending(vcpu);
}

void hv_arch_vm_destroy(struct hv_vm *vm)
{
	hv_arm64_vgic_destroy(vm);
}

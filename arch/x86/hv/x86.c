// SPDX-License-Identifier: GPL-2.0-only
/*
 * x86 part of hv.ko, shared by the SVM and VMX backends: vCPU state set
 * up, the guest FPU, port I/O and MMIO exits to userspace and their
 * completion on the next RUN, CPUID, and guest linear address
 * translation for string I/O and instruction fetch.
 */
#define pr_fmt(fmt) "hv: " fmt

#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/hv_host.h>
#include <asm/cpufeature.h>
#include <asm/fpu/api.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>

#include "irqchip.h"
#include "lapic.h"
#include "x86.h"

int hv_arch_vcpu_init(struct hv_vcpu *vcpu)
{
	if (!fpu_alloc_guest_fpstate(&vcpu->arch.guest_fpu))
		return -ENOMEM;
	/* Power-on values (SDM 9.1.1; APM 14.1.3): EDX holds the CPU type. */
	vcpu->arch.regs[HV_REG_RDX] = 0x600;
	vcpu->arch.rip = 0xfff0;
	vcpu->arch.rflags = X86_EFLAGS_FIXED;
	vcpu->arch.xcr0 = XFEATURE_MASK_FP;
	vcpu->arch.queued_irq = -1;
	vcpu->arch.mp_state = HV_MP_STATE_RUNNABLE;
	hv_x86_msr_reset(vcpu);
	/*
	 * With the irqchip in the kernel every vCPU has a local APIC, and
	 * the APs wait for INIT/SIPI (KVM's kvm_arch_vcpu_create()).
	 */
	if (hv_irqchip_in_kernel(vcpu->vm)) {
		int r = hv_lapic_create(vcpu);

		if (r) {
			fpu_free_guest_fpstate(&vcpu->arch.guest_fpu);
			return r;
		}
		if (vcpu->vcpu_id != vcpu->vm->arch.bsp_vcpu_id)
			vcpu->arch.mp_state = HV_MP_STATE_UNINITIALIZED;
	}
	return 0;
}

/**
 * hv_arch_vcpu_runnable - whether the vCPU may enter the guest
 * @vcpu: the vCPU, in its thread with the mutex held (the run loop, or
 *	  hv_vcpu_block() after it set the task state: nothing here sleeps).
 *
 * One that may not sleeps in hv_vcpu_block().  Without an in-kernel APIC
 * it always may (HLT exits to userspace).  With one, INIT and SIPI are
 * processed here, and a halted vCPU becomes runnable when an event it
 * can take is pending (KVM's kvm_arch_vcpu_runnable()).
 */
bool hv_arch_vcpu_runnable(struct hv_vcpu *vcpu)
{
	if (!hv_lapic_in_kernel(vcpu))
		return READ_ONCE(vcpu->arch.mp_state) == HV_MP_STATE_RUNNABLE;
	hv_lapic_accept_events(vcpu);
	switch (vcpu->arch.mp_state) {
	case HV_MP_STATE_RUNNABLE:
		return true;
	case HV_MP_STATE_HALTED:
		if (!hv_x86_has_events(vcpu))
			return false;
		WRITE_ONCE(vcpu->arch.mp_state, HV_MP_STATE_RUNNABLE);
		return true;
	default:
		return false;
	}
}

void hv_arch_vcpu_destroy(struct hv_vcpu *vcpu)
{
	hv_lapic_free(vcpu);
	hv_x86_cpuid_free(vcpu);
	fpu_free_guest_fpstate(&vcpu->arch.guest_fpu);
}

/* The guest's FPU is the thread's FPU for the duration of RUN. */
void hv_arch_load_guest_fpu(struct hv_vcpu *vcpu)
{
	fpu_swap_kvm_fpstate(&vcpu->arch.guest_fpu, true);
}

void hv_arch_put_guest_fpu(struct hv_vcpu *vcpu)
{
	fpu_swap_kvm_fpstate(&vcpu->arch.guest_fpu, false);
}

/* Capabilities of the x86 code, for a backend that runs vCPUs. */
long hv_arch_check_extension(long cap)
{
	switch (cap) {
	case HV_CAP_EXT_CPUID:
	case HV_CAP_SET_TSS_ADDR:
	case HV_CAP_SET_IDENTITY_MAP_ADDR:
	case HV_CAP_MP_STATE:
	case HV_CAP_VCPU_EVENTS:
	case HV_CAP_XSAVE:
	case HV_CAP_XCRS:
	case HV_CAP_DEBUGREGS:
	case HV_CAP_SREGS2:
	case HV_CAP_GET_TSC_KHZ:
	case HV_CAP_USER_NMI:
	case HV_CAP_GET_MSR_FEATURES:
	case HV_CAP_HLT:
	case HV_CAP_TSC_DEADLINE_TIMER:
		return 1;
	case HV_CAP_IRQCHIP:
	case HV_CAP_PIT:
	case HV_CAP_PIT2:
	case HV_CAP_PIT_STATE2:
	case HV_CAP_REINJECT_CONTROL:
		return 1;
	case HV_CAP_ADJUST_CLOCK:
		return HV_X86_CLOCK_CAPS;
	case HV_CAP_XSAVE2:
		return hv_x86_xsave2_size();
	default:
		return 0;
	}
}

/* System ioctls of the x86 code; unknown ones get KVM's -EINVAL. */
long hv_arch_dev_ioctl(unsigned int cmd, unsigned long arg)
{
	switch (cmd) {
	case HV_GET_SUPPORTED_CPUID:
		return hv_x86_get_supported_cpuid((void __user *)arg);
	case HV_GET_MSR_INDEX_LIST:
		return hv_x86_get_msr_index_list((void __user *)arg);
	case HV_GET_MSR_FEATURE_INDEX_LIST:
		return hv_x86_get_feature_msr_index_list((void __user *)arg);
	case HV_GET_MSRS:	/* feature MSRs */
		return hv_x86_msrs_ioctl(NULL, false, (void __user *)arg);
	default:
		return -EINVAL;
	}
}

u64 hv_arch_max_gfn(void)
{
	return (1ULL << (boot_cpu_data.x86_phys_bits - PAGE_SHIFT)) - 1;
}

/* x86 has one machine type, 0 (KVM_X86_DEFAULT_VM in later kernels). */
int hv_arch_vm_init(struct hv_vm *vm, unsigned long type)
{
	if (type)
		return -EINVAL;
	/* Guest TSCs count from 0 at VM creation, in step (KVM's sync). */
	vm->arch.tsc_base = rdtsc();
	return 0;
}

/* A slot beyond the guest's physical address width: KVM's -EINVAL. */
int hv_arch_check_memslot(struct hv_vm *vm,
			  const struct hv_userspace_memory_region *mem)
{
	u64 end_gfn = (mem->guest_phys_addr + mem->memory_size) >> PAGE_SHIFT;

	return end_gfn > hv_arch_max_gfn() + 1 ? -EINVAL : 0;
}

/**
 * hv_x86_skip_to - finish an instruction hv emulated
 * @vcpu: the vCPU.
 * @next_rip: RIP after it.
 *
 * Also ends an interrupt shadow: the instruction after STI or MOV SS has
 * now executed (KVM's skip_emulated_instruction()).
 */
void hv_x86_skip_to(struct hv_vcpu *vcpu, u64 next_rip)
{
	vcpu->arch.rip = next_rip;
	hv_x86_ops(vcpu)->set_interrupt_shadow(vcpu, 0);
}
EXPORT_SYMBOL_GPL(hv_x86_skip_to);

/**
 * hv_x86_internal_error - return to userspace with HV_EXIT_INTERNAL_ERROR
 * @vcpu: the vCPU.
 * @suberror: HV_INTERNAL_ERROR_*.
 * @ndata: entries of @data, at most 16.
 * @data: details, e.g. the hardware exit code.
 *
 * Return: 0, for the backend's vcpu_run to return.
 */
int hv_x86_internal_error(struct hv_vcpu *vcpu, u32 suberror, int ndata,
			  const u64 *data)
{
	struct hv_run *run = vcpu->run;

	ndata = min_t(int, ndata, ARRAY_SIZE(run->internal.data));
	run->exit_reason = HV_EXIT_INTERNAL_ERROR;
	run->internal.suberror = suberror;
	run->internal.ndata = ndata;
	memcpy(run->internal.data, data, ndata * sizeof(u64));
	return 0;
}
EXPORT_SYMBOL_GPL(hv_x86_internal_error);

/*
 * Walk the guest's page tables for @gva (SDM 4.3-4.5; APM 5.3).  Only
 * presence is checked: callers read instruction bytes or complete string
 * I/O the guest itself issued, so a permission violation there would have
 * faulted in the guest before exiting.
 */
int hv_x86_gva_to_gpa(struct hv_vcpu *vcpu, u64 gva, bool write, u64 *gpa)
{
	struct hv_vm *vm = vcpu->vm;
	struct hv_sregs s;
	int level, shift, pte_size;
	u64 table, pte = 0;

	hv_x86_ops(vcpu)->get_sregs(vcpu, &s);
	if (!(s.cr0 & X86_CR0_PG)) {
		*gpa = gva & 0xffffffffULL;
		return 0;
	}

	if (s.efer & EFER_LMA) {
		level = 4;
		pte_size = 8;
		table = s.cr3 & PHYSICAL_PAGE_MASK;
	} else if (s.cr4 & X86_CR4_PAE) {
		gva &= 0xffffffffULL;
		/* The four PDPTEs are at CR3[31:5] (SDM 4.4.1). */
		if (hv_read_guest(vm, (s.cr3 & ~0x1fULL) + ((gva >> 30) & 3) * 8,
				  &pte, 8) || !(pte & _PAGE_PRESENT))
			return -EFAULT;
		level = 2;
		pte_size = 8;
		table = pte & PHYSICAL_PAGE_MASK;
	} else {
		gva &= 0xffffffffULL;
		level = 2;
		pte_size = 4;
		table = s.cr3 & 0xfffff000ULL;
	}

	for (; level > 0; level--) {
		u64 index;

		shift = PAGE_SHIFT + (level - 1) * (pte_size == 8 ? 9 : 10);
		index = (gva >> shift) & (pte_size == 8 ? 511 : 1023);
		pte = 0;
		if (hv_read_guest(vm, table + index * pte_size, &pte, pte_size))
			return -EFAULT;
		if (!(pte & _PAGE_PRESENT))
			return -EFAULT;
		/* Large pages: 1 GiB, 2 MiB (or 4 MiB without PAE, CR4.PSE). */
		if (level > 1 && (pte & _PAGE_PSE) &&
		    (pte_size == 8 || (s.cr4 & X86_CR4_PSE))) {
			u64 base = pte & PHYSICAL_PAGE_MASK & ~((1ULL << shift) - 1);

			if (pte_size == 4)	/* PSE-36: bits 20:13 are 39:32 */
				base = (pte & 0xffc00000ULL) |
				       ((pte & 0x1fe000ULL) << 19);
			*gpa = base | (gva & ((1ULL << shift) - 1));
			return 0;
		}
		table = pte & (pte_size == 8 ? PHYSICAL_PAGE_MASK : 0xfffff000ULL);
	}
	*gpa = table | (gva & ~PAGE_MASK);
	return 0;
}
EXPORT_SYMBOL_GPL(hv_x86_gva_to_gpa);

int hv_x86_copy_linear(struct hv_vcpu *vcpu, u64 gva, void *data,
		       unsigned int len, bool write)
{
	while (len) {
		unsigned int n = min_t(unsigned int, len,
				       PAGE_SIZE - offset_in_page(gva));
		u64 gpa;
		int r;

		if (hv_x86_gva_to_gpa(vcpu, gva, write, &gpa))
			return -EFAULT;
		r = write ? hv_write_guest(vcpu->vm, gpa, data, n) :
			    hv_read_guest(vcpu->vm, gpa, data, n);
		if (r)
			return r;
		gva += n;
		data += n;
		len -= n;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(hv_x86_copy_linear);

static u64 hv_x86_addr_mask(u8 addr_size)
{
	return addr_size == 8 ? ~0ULL : (1ULL << (addr_size * 8)) - 1;
}

/* Update RSI/RDI/RCX after @count string elements, SDM INS/OUTS. */
static void hv_x86_string_advance(struct hv_vcpu *vcpu, int index_reg)
{
	struct hv_x86_pio *pio = &vcpu->arch.pio;
	u64 mask = hv_x86_addr_mask(pio->addr_size);
	unsigned long *r = vcpu->arch.regs;
	s64 step = (s64)pio->size * pio->count;

	if (vcpu->arch.rflags & X86_EFLAGS_DF)
		step = -step;
	r[index_reg] = (r[index_reg] & ~mask) | ((r[index_reg] + step) & mask);
	if (pio->rep) {
		r[HV_REG_RCX] = (r[HV_REG_RCX] & ~mask) |
				((r[HV_REG_RCX] - pio->count) & mask);
		/* More to do: run the instruction again (SDM REP). */
		if (r[HV_REG_RCX] & mask)
			return;
	}
	hv_x86_skip_to(vcpu, pio->next_rip);
}

/*
 * Without an in-kernel local APIC, userspace owns the task priority: RUN
 * loads hv_run.cr8 into the guest's CR8 (-EINVAL above 15), and every
 * exit reports CR8, RFLAGS.IF and the APIC base back, as KVM does
 * (kvm_arch_vcpu_ioctl_run(), post_kvm_run_save()).  With one, the APIC's
 * TPR is the CR8 reported and hv_run.cr8 is ignored.
 */
int hv_arch_vcpu_pre_run(struct hv_vcpu *vcpu)
{
	u64 cr8 = READ_ONCE(vcpu->run->cr8);

	if (hv_lapic_in_kernel(vcpu))
		return 0;
	if (cr8 > 15)
		return -EINVAL;
	hv_x86_ops(vcpu)->set_cr8(vcpu, cr8);
	return 0;
}

void hv_arch_vcpu_post_run(struct hv_vcpu *vcpu)
{
	struct hv_run *run = vcpu->run;

	run->if_flag = !!(vcpu->arch.rflags & X86_EFLAGS_IF);
	run->cr8 = hv_lapic_in_kernel(vcpu) ? hv_lapic_get_cr8(vcpu) :
		   hv_x86_ops(vcpu)->get_cr8(vcpu);
	run->apic_base = vcpu->arch.apic_base;
	hv_x86_irq_post_run(vcpu);
}

/**
 * hv_arch_vcpu_complete_pending - finish the access userspace handled
 * @vcpu: the vCPU, in HV_RUN.
 *
 * Return: 1 to enter the guest, 0 or a negative errno to return now.
 */
int hv_arch_vcpu_complete_pending(struct hv_vcpu *vcpu)
{
	struct hv_x86_pio *pio = &vcpu->arch.pio;
	enum hv_x86_pending pending = vcpu->arch.pending;
	u64 val = 0;

	vcpu->arch.pending = HV_PENDING_NONE;
	/*
	 * Userspace moved RIP (SET_REGS) after a port I/O exit: the
	 * instruction is abandoned, not completed, as KVM does
	 * (complete_fast_pio_out() and _in() check the linear RIP).
	 */
	if ((pending == HV_PENDING_PIO_IN || pending == HV_PENDING_PIO_OUT) &&
	    vcpu->arch.rip != pio->rip)
		return 1;
	/*
	 * REP INS/OUTS: userspace may have lowered RCX meanwhile (KVM's
	 * userspace_io_test does): never move more elements than RCX still
	 * asks for, and none once it is 0.
	 */
	if (pio->string && pio->rep &&
	    (pending == HV_PENDING_PIO_IN || pending == HV_PENDING_PIO_OUT)) {
		u64 rcx = vcpu->arch.regs[HV_REG_RCX] &
			  hv_x86_addr_mask(pio->addr_size);

		if (!rcx) {
			hv_x86_skip_to(vcpu, pio->next_rip);
			return 1;
		}
		pio->count = min_t(u64, pio->count, rcx);
	}
	switch (pending) {
	case HV_PENDING_NONE:
		break;
	case HV_PENDING_PIO_IN:
		if (pio->string) {
			if (hv_x86_copy_linear(vcpu, pio->gva, vcpu->pio_data,
					       pio->size * pio->count, true))
				return hv_x86_internal_error(vcpu,
					HV_INTERNAL_ERROR_EMULATION, 0, NULL);
			hv_x86_string_advance(vcpu, HV_REG_RDI);
			break;
		}
		memcpy(&val, vcpu->pio_data, pio->size);
		vcpu->arch.regs[HV_REG_RAX] =
			hv_x86_merge_gpr(vcpu->arch.regs[HV_REG_RAX],
					 pio->size, val);
		hv_x86_skip_to(vcpu, pio->next_rip);
		break;
	case HV_PENDING_PIO_OUT:
		if (pio->string)
			hv_x86_string_advance(vcpu, HV_REG_RSI);
		else
			hv_x86_skip_to(vcpu, pio->next_rip);
		break;
	case HV_PENDING_MMIO:
		return hv_x86_complete_mmio(vcpu);
	}
	return 1;
}

/**
 * hv_x86_handle_pio - an IN/OUT/INS/OUTS exit for userspace
 * @vcpu: the vCPU; its RIP is still at the instruction.
 * @port: the port.
 * @size: bytes per access.
 * @in: IN/INS.
 * @string: INS/OUTS.
 * @rep: with a REP prefix.
 * @addr_size: string: address size in bytes.
 * @next_rip: RIP after the instruction.
 *
 * Fills hv_run.io like KVM: for OUT the data is in the PIO page already;
 * for IN userspace fills it and the next RUN completes the instruction.
 * String forms move up to a page of elements per exit, as KVM does.
 * A port claimed by an in-kernel device (<linux/hv_irq.h>) is handled
 * here without an exit; string I/O always goes to userspace.
 *
 * Return: 0 to exit to userspace, 1 when handled in the kernel.
 */
int hv_x86_handle_pio(struct hv_vcpu *vcpu, u16 port, u8 size, bool in,
		      bool string, bool rep, u8 addr_size, u64 next_rip)
{
	struct hv_x86_pio *pio = &vcpu->arch.pio;
	struct hv_run *run = vcpu->run;
	unsigned long *r = vcpu->arch.regs;
	u64 mask = hv_x86_addr_mask(addr_size);
	u32 count = 1;

	pio->port = port;
	pio->size = size;
	pio->string = string;
	pio->rep = rep;
	pio->addr_size = addr_size;
	pio->rip = vcpu->arch.rip;
	pio->next_rip = next_rip;

	if (string) {
		struct hv_sregs s;
		u64 index = r[in ? HV_REG_RDI : HV_REG_RSI] & mask;
		u64 seg_base;

		hv_x86_ops(vcpu)->get_sregs(vcpu, &s);
		/* INS writes ES:rDI; OUTS reads DS:rSI (no override kept). */
		seg_base = in ? s.es.base : s.ds.base;
		if ((s.efer & EFER_LMA) && s.cs.l)
			seg_base = 0;
		pio->gva = seg_base + index;
		if (rep) {
			u64 rcx = r[HV_REG_RCX] & mask;

			if (!rcx) {	/* nothing to do: skip it */
				hv_x86_skip_to(vcpu, next_rip);
				return 1;
			}
			/* Forward copies up to the end of the page only. */
			if (!(vcpu->arch.rflags & X86_EFLAGS_DF))
				count = min_t(u64, rcx,
					      (PAGE_SIZE - offset_in_page(pio->gva)) / size);
			count = max_t(u32, count, 1);
		}
		if (!in && hv_x86_copy_linear(vcpu, pio->gva, vcpu->pio_data,
					      size * count, false))
			return hv_x86_internal_error(vcpu,
				HV_INTERNAL_ERROR_EMULATION, 0, NULL);
	} else if (in) {
		u64 val = 0;

		/* An in-kernel device (PIC, PIT, ioeventfd...) first. */
		if (!hv_io_bus_read(vcpu, HV_PIO_BUS, port, size, &val)) {
			r[HV_REG_RAX] = hv_x86_merge_gpr(r[HV_REG_RAX], size, val);
			hv_x86_skip_to(vcpu, next_rip);
			return 1;
		}
	} else {
		if (!hv_io_bus_write(vcpu, HV_PIO_BUS, port, size,
				     &r[HV_REG_RAX])) {
			hv_x86_skip_to(vcpu, next_rip);
			return 1;
		}
		memcpy(vcpu->pio_data, &r[HV_REG_RAX], size);
	}
	pio->count = count;

	run->exit_reason = HV_EXIT_IO;
	run->io.direction = in ? HV_EXIT_IO_IN : HV_EXIT_IO_OUT;
	run->io.size = size;
	run->io.port = port;
	run->io.count = count;
	run->io.data_offset = PAGE_SIZE;
	vcpu->arch.pending = in ? HV_PENDING_PIO_IN : HV_PENDING_PIO_OUT;
	vcpu->stats.io_exits++;
	return 0;
}
EXPORT_SYMBOL_GPL(hv_x86_handle_pio);

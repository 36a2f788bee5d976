// SPDX-License-Identifier: GPL-2.0-only
/*
 * MMIO exits: a guest access to a guest-physical address with no memory
 * slot, or a write to a read-only slot, becomes HV_EXIT_MMIO.  The
 * hardware reports only the address; the instruction is decoded
 * (emulate.c) to learn the size, the direction and, for a write, the
 * data; a read completes on the next RUN with what userspace put in
 * hv_run.mmio.data.  Read-modify-write instructions take two exits, a
 * read then a write, as on KVM.
 */
#define pr_fmt(fmt) "hv: " fmt

#include <linux/mm.h>
#include <linux/hv_host.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>

#include "lapic.h"
#include "x86.h"

#define HV_X86_MAX_INSN_LEN	15

static enum hv_x86_mode hv_x86_cpu_mode(const struct hv_sregs *s,
					unsigned long rflags)
{
	if (!(s->cr0 & X86_CR0_PE) || (rflags & X86_EFLAGS_VM))
		return HV_X86_MODE_REAL;
	if ((s->efer & EFER_LMA) && s->cs.l)
		return HV_X86_MODE_LONG64;
	return s->cs.db ? HV_X86_MODE_PROT32 : HV_X86_MODE_PROT16;
}

static u64 hv_x86_seg_base(const struct hv_sregs *s, enum hv_x86_mode mode,
			   u8 seg)
{
	static const size_t offs[] = {
		[HV_X86_SEG_ES] = offsetof(struct hv_sregs, es),
		[HV_X86_SEG_CS] = offsetof(struct hv_sregs, cs),
		[HV_X86_SEG_SS] = offsetof(struct hv_sregs, ss),
		[HV_X86_SEG_DS] = offsetof(struct hv_sregs, ds),
		[HV_X86_SEG_FS] = offsetof(struct hv_sregs, fs),
		[HV_X86_SEG_GS] = offsetof(struct hv_sregs, gs),
	};

	if (seg >= ARRAY_SIZE(offs))
		return 0;
	/* 64-bit mode: only FS and GS have a base (SDM 3.4.2.1). */
	if (mode == HV_X86_MODE_LONG64 && seg != HV_X86_SEG_FS &&
	    seg != HV_X86_SEG_GS)
		return 0;
	return ((const struct hv_segment *)((const u8 *)s + offs[seg]))->base;
}

static void hv_x86_regs_get(struct hv_vcpu *vcpu, struct hv_x86_regs *regs)
{
	memcpy(regs->gpr, vcpu->arch.regs, sizeof(regs->gpr));
	regs->rip = vcpu->arch.rip;
	regs->rflags = vcpu->arch.rflags;
}

static void hv_x86_regs_put(struct hv_vcpu *vcpu, const struct hv_x86_regs *regs)
{
	memcpy(vcpu->arch.regs, regs->gpr, sizeof(regs->gpr));
	vcpu->arch.rip = regs->rip;
	vcpu->arch.rflags = regs->rflags;
}

/* The emulation failure exit KVM gives: the instruction bytes as data. */
static int hv_x86_mmio_failed(struct hv_vcpu *vcpu, const u8 *insn,
			      unsigned int len)
{
	u64 data[3] = { vcpu->arch.rip, 0, 0 };

	if (insn)
		memcpy(&data[1], insn, min_t(unsigned int, len, 16));
	return hv_x86_internal_error(vcpu, HV_INTERNAL_ERROR_EMULATION,
				     ARRAY_SIZE(data), data);
}

/* Describe the current access of arch.mmio in hv_run and exit. */
static int hv_x86_mmio_exit(struct hv_vcpu *vcpu)
{
	struct hv_x86_mmio *op = &vcpu->arch.mmio;
	struct hv_run *run = vcpu->run;

	run->exit_reason = HV_EXIT_MMIO;
	run->mmio.phys_addr = vcpu->arch.mmio_gpa;
	run->mmio.len = op->size;
	run->mmio.is_write = op->is_write;
	memset(run->mmio.data, 0, sizeof(run->mmio.data));
	if (op->is_write)
		hv_x86_mmio_put_data(op, run->mmio.data);
	vcpu->arch.pending = HV_PENDING_MMIO;
	vcpu->stats.mmio_exits++;
	return 0;
}

/*
 * Retire the decoded instruction with @value, the data of its read half
 * (ignored for a write).  Return: 1 to enter the guest, 0 after an
 * emulation failure exit; *@write_next when the instruction now writes
 * to the same address (read-modify-write, XCHG).
 */
static int hv_x86_mmio_finish(struct hv_vcpu *vcpu, u64 value,
			      bool *write_next)
{
	struct hv_x86_mmio *op = &vcpu->arch.mmio;
	struct hv_x86_regs regs;
	int r;

	*write_next = false;
	/* A MOVS read from MMIO stores the element to RAM at ES:rDI. */
	if ((op->flags & HV_X86_MMIO_MOVS) && !op->is_write) {
		struct hv_sregs s;
		enum hv_x86_mode mode;
		u64 dst;

		hv_x86_ops(vcpu)->get_sregs(vcpu, &s);
		mode = hv_x86_cpu_mode(&s, vcpu->arch.rflags);
		dst = hv_x86_seg_base(&s, mode, HV_X86_SEG_ES) + op->str_dst;
		if (hv_x86_copy_linear(vcpu, dst, &value, op->size, true))
			return hv_x86_mmio_failed(vcpu, NULL, 0);
	}

	hv_x86_regs_get(vcpu, &regs);
	r = hv_x86_mmio_complete(op, value, &regs);
	if (r < 0)
		return hv_x86_mmio_failed(vcpu, NULL, 0);
	hv_x86_regs_put(vcpu, &regs);
	if (r == HV_X86_MMIO_WRITE_NEXT)
		*write_next = true;
	else if (r == HV_X86_MMIO_DONE)
		hv_x86_skip_to(vcpu, regs.rip);
	return 1;
}

/*
 * An in-kernel device at the address: the per-vCPU local APIC first,
 * then the MMIO bus.  0 if one handled the access.
 */
static int hv_x86_mmio_dev_write(struct hv_vcpu *vcpu, u64 gpa, int len,
				 const void *data)
{
	if (!hv_lapic_mmio_write(vcpu, gpa, len, data))
		return 0;
	return hv_io_bus_write(vcpu, HV_MMIO_BUS, gpa, len, data);
}

static int hv_x86_mmio_dev_read(struct hv_vcpu *vcpu, u64 gpa, int len,
				void *data)
{
	if (!hv_lapic_mmio_read(vcpu, gpa, len, data))
		return 0;
	return hv_io_bus_read(vcpu, HV_MMIO_BUS, gpa, len, data);
}

/*
 * Perform the access arch.mmio describes: in the kernel while a device
 * claims the address, else exit to userspace.
 * Return: 1 to enter the guest, 0 to exit.
 */
static int hv_x86_mmio_access(struct hv_vcpu *vcpu)
{
	struct hv_x86_mmio *op = &vcpu->arch.mmio;
	u64 gpa = vcpu->arch.mmio_gpa;
	bool write_next;
	u8 data[8];
	int r;

	do {
		memset(data, 0, sizeof(data));
		if (op->is_write) {
			hv_x86_mmio_put_data(op, data);
			if (hv_x86_mmio_dev_write(vcpu, gpa, op->size, data))
				return hv_x86_mmio_exit(vcpu);
		} else if (hv_x86_mmio_dev_read(vcpu, gpa, op->size, data)) {
			return hv_x86_mmio_exit(vcpu);
		}
		r = hv_x86_mmio_finish(vcpu, op->is_write ? 0 :
				       hv_x86_mmio_get_data(op, data),
				       &write_next);
	} while (write_next);
	return r;
}

/**
 * hv_x86_handle_mmio - turn a nested page fault on MMIO into an exit
 * @vcpu: the vCPU; RIP at the faulting instruction.
 * @gpa: the guest-physical address accessed.
 * @write: the access was a write.
 * @insn: instruction bytes from the hardware (decode assists), or NULL.
 * @insn_len: bytes in @insn.
 *
 * Return: 0 to exit to userspace (HV_EXIT_MMIO, or an emulation failure).
 */
int hv_x86_handle_mmio(struct hv_vcpu *vcpu, u64 gpa, bool write,
		       const u8 *insn, unsigned int insn_len)
{
	struct hv_x86_mmio *op = &vcpu->arch.mmio;
	u8 bytes[HV_X86_MAX_INSN_LEN] = { 0 };
	enum hv_x86_mode mode;
	struct hv_x86_regs regs;
	struct hv_sregs s;
	unsigned int len;
	u64 rip_linear;
	int r;

	hv_x86_ops(vcpu)->get_sregs(vcpu, &s);
	mode = hv_x86_cpu_mode(&s, vcpu->arch.rflags);
	hv_x86_regs_get(vcpu, &regs);

	if (insn && insn_len) {
		len = min_t(unsigned int, insn_len, sizeof(bytes));
		memcpy(bytes, insn, len);
	} else {
		/* Fetch up to 15 bytes; what lies past an unmapped page end
		 * is left out and the decoder says whether it needs it.
		 */
		rip_linear = hv_x86_seg_base(&s, mode, HV_X86_SEG_CS) +
			     vcpu->arch.rip;
		len = min_t(unsigned int, sizeof(bytes),
			    PAGE_SIZE - offset_in_page(rip_linear));
		if (hv_x86_copy_linear(vcpu, rip_linear, bytes, len, false))
			return hv_x86_mmio_failed(vcpu, bytes, 0);
		if (len < sizeof(bytes) &&
		    !hv_x86_copy_linear(vcpu, rip_linear + len, bytes + len,
					sizeof(bytes) - len, false))
			len = sizeof(bytes);
	}

	r = hv_x86_decode_mmio(bytes, len, mode, &regs, op);
	if (r)
		return hv_x86_mmio_failed(vcpu, bytes, len);

	if (op->flags & HV_X86_MMIO_MOVS) {
		u64 value = 0;

		/*
		 * MOVS decodes as "read the MMIO source".  A write fault means
		 * the destination is the MMIO side: read the source from RAM.
		 */
		if (write) {
			u64 src = hv_x86_seg_base(&s, mode, op->str_src_seg) +
				  op->str_src;

			if (hv_x86_copy_linear(vcpu, src, &value, op->size,
					       false) ||
			    hv_x86_mmio_movs_to_mmio(op, value))
				return hv_x86_mmio_failed(vcpu, bytes, len);
		}
	}
	vcpu->arch.mmio_gpa = gpa;
	return hv_x86_mmio_access(vcpu);
}
EXPORT_SYMBOL_GPL(hv_x86_handle_mmio);

/**
 * hv_x86_complete_mmio - finish the instruction behind an MMIO exit
 * @vcpu: the vCPU, in RUN, with userspace's answer in hv_run.mmio.
 *
 * Return: 1 to enter the guest, 0 to exit again (the write half of a
 * read-modify-write instruction, or an emulation failure).
 */
int hv_x86_complete_mmio(struct hv_vcpu *vcpu)
{
	struct hv_x86_mmio *op = &vcpu->arch.mmio;
	bool write_next;
	u64 value = 0;
	int r;

	if (!op->is_write)
		value = hv_x86_mmio_get_data(op, vcpu->run->mmio.data);
	r = hv_x86_mmio_finish(vcpu, value, &write_next);
	return write_next ? hv_x86_mmio_access(vcpu) : r;
}

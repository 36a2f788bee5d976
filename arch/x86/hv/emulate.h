/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hv: decoding and completing guest instructions that access MMIO.
 *
 * When a guest touches a guest-physical address with no memory slot behind
 * it, the hardware reports a nested page fault (AMD: #NPF exit, with up to
 * 15 instruction bytes in the VMCB when decode assists are present; Intel:
 * EPT violation or misconfiguration) with the faulting GPA but not the
 * value.  hv decodes the instruction with hv_x86_decode_mmio(), lets the VMM
 * perform the access through KVM_EXIT_MMIO, and finishes the instruction
 * with hv_x86_mmio_complete().  The decoder is pure: it reads only the bytes
 * and registers it is given and never guest memory, so it can be unit
 * tested in userspace (tools/testing/unit).
 *
 * Flow, for one fault:
 *
 *	ret = hv_x86_decode_mmio(bytes, n, mode, &regs, &op);
 *	-ENODATA: fetch more instruction bytes (up to 15) and decode again.
 *	other errors: emulation failure (KVM_EXIT_INTERNAL_ERROR).
 *
 *	again:
 *	run->mmio = { gpa, op.size, op.is_write }, and for writes
 *	hv_x86_mmio_put_data(&op, run->mmio.data); exit to userspace.
 *	On the next KVM_RUN:
 *	ret = hv_x86_mmio_complete(&op, op.is_write ? 0 :
 *				   hv_x86_mmio_get_data(&op, run->mmio.data),
 *				   &regs);
 *	HV_X86_MMIO_WRITE_NEXT: op now describes a write to the same GPA
 *	(read-modify-write and XCHG): goto again.
 *	HV_X86_MMIO_DONE / HV_X86_MMIO_REPEAT: re-enter the guest.
 *
 * A write does not depend on userspace, so the caller may as well call
 * hv_x86_mmio_complete() before exiting; what it must not do is run the
 * guest between the phases of one instruction.  Registers are written only
 * when the instruction retires, so a VMM reading them while an exit is
 * pending sees the state before the instruction, as with KVM.
 *
 * The caller owns everything outside the instruction itself: the GPA and
 * the access type (from the exit), segment limits and permissions, guest
 * memory for the RAM side of MOVS, RFLAGS.TF single-step, the interrupt
 * shadow, and checking that the decoded access agrees with the fault.
 *
 * A read-modify-write, even with LOCK, becomes two separate accesses: it
 * is not atomic with respect to other vCPUs or the device, as in KVM.
 */
#ifndef _HV_X86_EMULATE_H
#define _HV_X86_EMULATE_H

#include <linux/bits.h>
#include <linux/types.h>

/* Intel SDM Vol. 2, 2.3.11 / AMD APM Vol. 3, 1.1: at most 15 bytes. */
#define HV_X86_MAX_INSN_LEN	15

/*
 * How the processor interprets code, derived by the caller from CR0.PE,
 * EFER.LMA, CS.L and CS.D: REAL for real mode; PROT16 and PROT32 for
 * protected mode (and compatibility mode) with CS.D = 0 and 1; LONG64 for
 * 64-bit mode (EFER.LMA = 1 and CS.L = 1).  Virtual-8086 mode decodes like
 * REAL.  The mode sets only the default operand and address sizes (SDM
 * Vol. 1, Tables 3-3 and 3-4) and the width of IP, so real mode with a
 * 32-bit code segment may be passed as PROT32.
 */
enum hv_x86_mode {
	HV_X86_MODE_REAL,
	HV_X86_MODE_PROT16,
	HV_X86_MODE_PROT32,
	HV_X86_MODE_LONG64,
};

/* General-purpose registers by their x86 number (SDM Vol. 2, Table 2-2). */
enum hv_x86_reg {
	HV_X86_RAX,
	HV_X86_RCX,
	HV_X86_RDX,
	HV_X86_RBX,
	HV_X86_RSP,
	HV_X86_RBP,
	HV_X86_RSI,
	HV_X86_RDI,
	HV_X86_R8,
	HV_X86_R9,
	HV_X86_R10,
	HV_X86_R11,
	HV_X86_R12,
	HV_X86_R13,
	HV_X86_R14,
	HV_X86_R15,
	HV_X86_NR_GPRS,
};

/* hv_x86_mmio.reg when a completed read writes no register. */
#define HV_X86_REG_NONE		0xff

/* Segment registers by their Sreg encoding (SDM Vol. 2, Table B-6). */
enum hv_x86_seg {
	HV_X86_SEG_ES,
	HV_X86_SEG_CS,
	HV_X86_SEG_SS,
	HV_X86_SEG_DS,
	HV_X86_SEG_FS,
	HV_X86_SEG_GS,
};

/* RFLAGS bits used here (SDM Vol. 1, 3.4.3). */
#define HV_X86_RFLAGS_CF	BIT(0)
#define HV_X86_RFLAGS_PF	BIT(2)
#define HV_X86_RFLAGS_AF	BIT(4)
#define HV_X86_RFLAGS_ZF	BIT(6)
#define HV_X86_RFLAGS_SF	BIT(7)
#define HV_X86_RFLAGS_DF	BIT(10)
#define HV_X86_RFLAGS_OF	BIT(11)
#define HV_X86_RFLAGS_RF	BIT(16)
#define HV_X86_RFLAGS_ARITH	(HV_X86_RFLAGS_CF | HV_X86_RFLAGS_PF | \
				 HV_X86_RFLAGS_AF | HV_X86_RFLAGS_ZF | \
				 HV_X86_RFLAGS_SF | HV_X86_RFLAGS_OF)

/**
 * struct hv_x86_regs - the guest state the emulator reads and writes
 * @gpr:    general-purpose registers, indexed by enum hv_x86_reg
 * @rip:    instruction pointer: linear address minus CS base, as in the VMCB
 *          and VMCS
 * @rflags: flags
 */
struct hv_x86_regs {
	u64 gpr[HV_X86_NR_GPRS];
	u64 rip;
	u64 rflags;
};

/* How a value read is widened to the destination register. */
enum hv_x86_ext {
	HV_X86_EXT_NONE,	/* same width as the register */
	HV_X86_EXT_ZERO,	/* MOVZX */
	HV_X86_EXT_SIGN,	/* MOVSX, MOVSXD */
};

/* hv_x86_mmio.flags */
#define HV_X86_MMIO_RMW		BIT(0)	/* a write to the same GPA follows */
#define HV_X86_MMIO_FLAGS	BIT(1)	/* completion updates RFLAGS */
#define HV_X86_MMIO_HIGH8	BIT(2)	/* @reg is AH/CH/DH/BH: bits 15:8 */
#define HV_X86_MMIO_LOCK	BIT(3)	/* LOCK prefix or implicit lock (XCHG) */
#define HV_X86_MMIO_STRING	BIT(4)	/* MOVS, STOS or LODS: see @str_* */
#define HV_X86_MMIO_REP		BIT(5)	/* REP/REPNE prefix on a string op */
#define HV_X86_MMIO_DOWN	BIT(6)	/* RFLAGS.DF: string addresses decrease */
#define HV_X86_MMIO_MOVS	BIT(7)	/* MOVS: see hv_x86_mmio_movs_to_mmio() */

/* Positive results of hv_x86_mmio_complete(). */
#define HV_X86_MMIO_DONE	0	/* retired, RIP advanced */
#define HV_X86_MMIO_WRITE_NEXT	1	/* now write @data to the same GPA */
#define HV_X86_MMIO_REPEAT	2	/* REP element done, RIP unchanged */

/**
 * struct hv_x86_mmio - one decoded memory access and how to finish it
 * @data:        for a write, the value to write in the low @size bytes
 *               (hv_x86_mmio_put_data() stores it little-endian); zero for
 *               a read
 * @str_src:     string ops: rSI truncated to @addr_size, the source offset
 *               in segment @str_src_seg
 * @str_dst:     string ops: rDI truncated to @addr_size, the destination
 *               offset in ES
 * @str_count:   string ops with REP: rCX truncated to @addr_size, elements
 *               left including this one; 0 without REP
 * @flags:       HV_X86_MMIO_*
 * @size:        bytes accessed at the faulting GPA: 1, 2, 4 or 8
 *               (run->mmio.len)
 * @insn_len:    length of the instruction, 1 to 15 bytes
 * @is_write:    this phase writes @data (run->mmio.is_write); else it reads
 * @seg:         segment of the MMIO operand (enum hv_x86_seg): the override
 *               prefix if any, else the default (SS for rBP/rSP based
 *               addresses, ES for string destinations, else DS).  In 64-bit
 *               mode only FS and GS have a base.
 * @str_src_seg: string ops: segment of the source (DS or an override)
 * @reg:         register a completed read writes (enum hv_x86_reg), or
 *               HV_X86_REG_NONE when it writes none (stores, CMP, TEST,
 *               read-modify-write)
 * @reg_size:    bytes of @reg written: 1, 2, 4 (zeroing bits 63:32) or 8
 * @ext:         enum hv_x86_ext: widening from @size to @reg_size
 * @addr_size:   address size of the instruction: 2, 4 or 8
 */
struct hv_x86_mmio {
	u64 data;
	u64 str_src;
	u64 str_dst;
	u64 str_count;
	u16 flags;
	u8 size;
	u8 insn_len;
	bool is_write;
	u8 seg;
	u8 str_src_seg;
	u8 reg;
	u8 reg_size;
	u8 ext;
	u8 addr_size;
	/* private: state for hv_x86_mmio_complete() */
	u8 mode;
	u8 kind;
	u8 alu;
	u8 phase;
	u64 src;
	u64 pending;
};

/* A register after writing @val to its low @size bytes (x86 semantics). */
u64 hv_x86_merge_gpr(u64 old, unsigned int size, u64 val);

/**
 * hv_x86_decode_mmio() - decode the instruction that faulted on MMIO
 * @bytes: instruction bytes from RIP; only the first min(@len, 15) are read
 * @len:   number of valid bytes at @bytes (may be 0)
 * @mode:  execution mode
 * @regs:  registers at the fault (source values of writes, rSI/rDI/rCX)
 * @op:    filled with the access and its completion on success; zeroed on
 *         failure
 *
 * Return: 0 on success;
 * -ENODATA if @len bytes end before the instruction does (@len < 15): fetch
 * more bytes and decode again;
 * -EINVAL if the bytes are not an instruction that can access memory:
 * undefined opcodes, register-only forms, LOCK where it raises #UD,
 * prefixes an opcode forbids, more than 15 bytes, REP with a zero count;
 * -EOPNOTSUPP for memory instructions hv does not emulate (see emulate.c).
 */
int hv_x86_decode_mmio(const u8 *bytes, unsigned int len,
		       enum hv_x86_mode mode, const struct hv_x86_regs *regs,
		       struct hv_x86_mmio *op);

/**
 * hv_x86_mmio_movs_to_mmio() - make a MOVS write its destination
 * @op:    a MOVS as decoded (HV_X86_MMIO_MOVS), before its completion
 * @value: the element read by the caller from guest memory at
 *         @op->str_src_seg:@op->str_src
 *
 * As decoded, a MOVS reads its source from MMIO and the caller stores the
 * value read to guest memory at ES:@op->str_dst.  When the fault was a
 * write instead (the destination is MMIO), this turns @op into a write of
 * @value to ES:@op->str_dst.  MOVS with both sides in MMIO cannot be
 * emulated one access at a time: the caller finds the RAM side missing
 * and must fail it.
 *
 * Return: 0, or -EINVAL if @op is not a MOVS awaiting its access.
 */
int hv_x86_mmio_movs_to_mmio(struct hv_x86_mmio *op, u64 value);

/**
 * hv_x86_mmio_complete() - finish the current access of @op
 * @op:    the operation from hv_x86_decode_mmio()
 * @value: for a read, the value read (only the low @op->size bytes are
 *         used); ignored for a write
 * @regs:  registers to update
 *
 * Return: HV_X86_MMIO_DONE: the instruction retired; registers, RFLAGS,
 * rSI/rDI/rCX and RIP are updated and RFLAGS.RF is cleared.
 * HV_X86_MMIO_WRITE_NEXT: the read half of a read-modify-write or XCHG is
 * done, @regs are untouched and @op now is a write of @op->data to the same
 * GPA; call again once it is done.
 * HV_X86_MMIO_REPEAT: one element of a REP string op is done and rSI/rDI/rCX
 * are updated, but the count is not exhausted: RIP still points at the
 * instruction, which the guest executes again when re-entered.
 * -EINVAL if @op is already retired or malformed.
 */
int hv_x86_mmio_complete(struct hv_x86_mmio *op, u64 value,
			 struct hv_x86_regs *regs);

/**
 * hv_x86_mmio_put_data() - store the value to write as bytes
 * @op:  a write
 * @buf: receives @op->data little-endian in @op->size bytes, the rest 0
 *       (for run->mmio.data)
 */
void hv_x86_mmio_put_data(const struct hv_x86_mmio *op, u8 buf[8]);

/**
 * hv_x86_mmio_get_data() - load a value read from bytes
 * @op:  a read
 * @buf: @op->size bytes, little-endian (run->mmio.data)
 *
 * Return: the value, for hv_x86_mmio_complete().
 */
u64 hv_x86_mmio_get_data(const struct hv_x86_mmio *op, const u8 buf[8]);

#endif /* _HV_X86_EMULATE_H */

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of arch/x86/hv/emulate.c, the MMIO instruction decoder and
 * emulator, compiled in userspace through the shim headers in include/.
 *
 *   emulate_test [-v] [--fuzz N] [--seed N]   run the tests
 *   emulate_test --dump N [--seed N]          print N random instructions
 *                                             that decode, for
 *                                             binutils_check.py
 *
 * Every input is copied into a heap block of exactly its length, so that
 * valgrind and AddressSanitizer catch any read past it.
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/types.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emulate_test.h"
#include "unit.h"

#define L64	HV_X86_MODE_LONG64
#define P32	HV_X86_MODE_PROT32
#define P16	HV_X86_MODE_PROT16
#define R16	HV_X86_MODE_REAL

#define RIP0	0x1000ULL	/* RIP before each instruction */
#define RFLAGS0	0x2ULL		/* bit 1 always reads as 1 */

static const char *const mode_names[] = {
	[HV_X86_MODE_REAL] = "real",
	[HV_X86_MODE_PROT16] = "prot16",
	[HV_X86_MODE_PROT32] = "prot32",
	[HV_X86_MODE_LONG64] = "long64",
};

/* Byte j of register i is (i << 4 | (j + 1)): every byte differs. */
static void pattern_regs(struct hv_x86_regs *regs)
{
	unsigned int i, j;

	memset(regs, 0, sizeof(*regs));
	for (i = 0; i < HV_X86_NR_GPRS; i++)
		for (j = 0; j < 8; j++)
			regs->gpr[i] |= (u64)(i << 4 | (j + 1)) << (j * 8);
	regs->rip = RIP0;
	regs->rflags = RFLAGS0;
}

/* Decode from a heap copy of exactly @len bytes. */
static int decode_exact(const u8 *bytes, unsigned int len, u8 mode,
			const struct hv_x86_regs *regs, struct hv_x86_mmio *op)
{
	u8 *copy = malloc(len);
	int ret;

	if (!copy && len) {
		perror("malloc");
		exit(2);
	}
	if (len)
		memcpy(copy, bytes, len);
	ret = hv_x86_decode_mmio(copy, len, mode, regs, op);
	free(copy);
	return ret;
}

static bool op_is_zero(const struct hv_x86_mmio *op)
{
	static const struct hv_x86_mmio zero;

	return !memcmp(op, &zero, sizeof(zero));
}

/* Field by field, so that padding does not matter. */
static bool op_equal(const struct hv_x86_mmio *a, const struct hv_x86_mmio *b)
{
	return a->data == b->data && a->str_src == b->str_src &&
	       a->str_dst == b->str_dst && a->str_count == b->str_count &&
	       a->flags == b->flags && a->size == b->size &&
	       a->insn_len == b->insn_len && a->is_write == b->is_write &&
	       a->seg == b->seg && a->str_src_seg == b->str_src_seg &&
	       a->reg == b->reg && a->reg_size == b->reg_size &&
	       a->ext == b->ext && a->addr_size == b->addr_size &&
	       a->mode == b->mode && a->kind == b->kind && a->alu == b->alu &&
	       a->phase == b->phase && a->src == b->src &&
	       a->pending == b->pending;
}

static void hex(char *buf, size_t size, const u8 *bytes, unsigned int len)
{
	unsigned int i;

	buf[0] = 0;
	for (i = 0; i < len && 3 * i + 3 < size; i++)
		snprintf(buf + 3 * i, size - 3 * i, "%s%02x", i ? " " : "",
			 bytes[i]);
}

/* ---- decoder vectors ---------------------------------------------- */

static void check_expect(struct unit_case *c, const struct vector *v,
			 const struct hv_x86_mmio *op)
{
	const struct expect *e = &v->e;
	u8 seg = e->segx ? e->segx - 1 : HV_X86_SEG_DS;

	UNIT_EQ(c, "insn_len", op->insn_len, v->len);
	UNIT_EQ(c, "size", op->size, e->size);
	UNIT_EQ(c, "is_write", op->is_write, e->is_write);
	UNIT_EQ(c, "data", op->data, e->is_write ? e->data : 0);
	UNIT_EQ(c, "reg", op->reg, e->reg);
	if (e->reg != HV_X86_REG_NONE)
		UNIT_EQ(c, "reg_size", op->reg_size,
			e->reg_size ? e->reg_size : e->size);
	UNIT_EQ(c, "ext", op->ext, e->ext);
	UNIT_EQ(c, "flags", op->flags, e->flags);
	UNIT_EQ(c, "seg", op->seg, seg);
}

static void test_vector(const struct vector *v)
{
	struct hv_x86_regs regs;
	struct hv_x86_mmio op, op2;
	struct unit_case c;
	u8 buf[32];
	int ret;

	pattern_regs(&regs);
	unit_begin(&c, "decode %s \"%s\"", mode_names[v->mode], v->text);
	ret = decode_exact(v->bytes, v->len, v->mode, &regs, &op);
	UNIT_EQ(&c, "return", ret, v->e.ret);
	if (!ret && !v->e.ret)
		check_expect(&c, v, &op);
	if (ret && !op_is_zero(&op))
		unit_fail(&c, "op not zeroed on error");

	/* Bytes after the instruction change nothing, up to and past 15. */
	memset(buf, 0xcc, sizeof(buf));
	memcpy(buf, v->bytes, v->len);
	ret = decode_exact(buf, HV_X86_MAX_INSN_LEN, v->mode, &regs, &op2);
	UNIT_EQ(&c, "return with 15 bytes", ret, v->e.ret);
	if (!ret && !v->e.ret && !op_equal(&op, &op2))
		unit_fail(&c, "op differs with 15 bytes");
	ret = decode_exact(buf, sizeof(buf), v->mode, &regs, &op2);
	UNIT_EQ(&c, "return with 32 bytes", ret, v->e.ret);
	if (!ret && !v->e.ret && !op_equal(&op, &op2))
		unit_fail(&c, "op differs with 32 bytes");
	unit_end(&c);
}

/* Every proper prefix of a valid instruction asks for more bytes. */
static void test_truncated(const struct vector *v)
{
	struct hv_x86_regs regs;
	struct hv_x86_mmio op;
	struct unit_case c;
	unsigned int n;
	int ret;

	pattern_regs(&regs);
	unit_begin(&c, "truncated %s \"%s\"", mode_names[v->mode], v->text);
	for (n = 0; n < v->len; n++) {
		ret = decode_exact(v->bytes, n, v->mode, &regs, &op);
		if (ret != -ENODATA)
			unit_fail(&c, "%u of %u bytes: return %d", n, v->len,
				  ret);
		else if (!op_is_zero(&op))
			unit_fail(&c, "%u bytes: op not zeroed", n);
	}
	unit_end(&c);
}

static void test_vectors(void)
{
	unsigned int i;

	for (i = 0; i < emulate_nr_vectors; i++) {
		test_vector(&emulate_vectors[i]);
		if (!emulate_vectors[i].e.ret)
			test_truncated(&emulate_vectors[i]);
	}
}

/* ---- decode and complete: register semantics -------------------------- */

#define GPR_RIP		16
#define GPR_RFLAGS	17

/* A register (+1, so that 0 ends a list) and its value. */
struct reg_val {
	u8 reg;
	u64 val;
};

#define SET(r, v)	{ HV_X86_##r + 1, v }
#define SET_RIP(v)	{ GPR_RIP + 1, v }
#define SET_FL(v)	{ GPR_RFLAGS + 1, v }
#define B(...)								\
	.len = sizeof((const u8[]){ __VA_ARGS__ }),			\
	.bytes = { __VA_ARGS__ }

/*
 * Decode @bytes with pattern_regs() changed by @in (RIP 0x1000, RFLAGS 2),
 * complete with @read: the first completion returns @ret, and a write
 * (decoded, or after HV_X86_MMIO_WRITE_NEXT) writes @wdata.  Afterwards the
 * registers are those before, changed by @out; unless @out says otherwise,
 * RIP has advanced and RF is clear once the instruction retired.
 */
struct run_case {
	const char *name;
	u8 mode;
	u8 len;
	u8 bytes[HV_X86_MAX_INSN_LEN];
	struct reg_val in[4];
	u64 read;
	int ret;
	u64 wdata;
	struct reg_val out[5];
};

static const struct run_case run_cases[] = {
	/* Loads: 8-bit and 16-bit keep the rest, 32-bit zero-extends. */
	{ .name = "mov al, [rax]", .mode = L64, B(0x8a, 0x00), .read = 0xab,
	  .out = { SET(RAX, 0x08070605040302ab) } },
	{ .name = "mov ah, [rax]", .mode = L64, B(0x8a, 0x20), .read = 0xab,
	  .out = { SET(RAX, 0x080706050403ab01) } },
	{ .name = "mov bh, [rax]", .mode = L64, B(0x8a, 0x38), .read = 0xcd,
	  .out = { SET(RBX, 0x383736353433cd31) } },
	{ .name = "mov spl, [rax]", .mode = L64, B(0x40, 0x8a, 0x20),
	  .read = 0xab, .out = { SET(RSP, 0x48474645444342ab) } },
	{ .name = "mov r8b, [rax]", .mode = L64, B(0x44, 0x8a, 0x00),
	  .read = 0xab, .out = { SET(R8, 0x88878685848382ab) } },
	{ .name = "mov r15b, [r15]", .mode = L64, B(0x45, 0x8a, 0x3f),
	  .read = 0x7f, .out = { SET(R15, 0xf8f7f6f5f4f3f27f) } },
	{ .name = "mov ax, [rax]", .mode = L64, B(0x66, 0x8b, 0x00),
	  .read = 0xbeef, .out = { SET(RAX, 0x080706050403beef) } },
	{ .name = "mov eax, [rax]", .mode = L64, B(0x8b, 0x00),
	  .read = 0xdeadbeef, .out = { SET(RAX, 0xdeadbeef) } },
	{ .name = "mov eax, [rax]: value bits 63:32 ignored", .mode = L64,
	  B(0x8b, 0x00), .read = 0xffffffff12345678,
	  .out = { SET(RAX, 0x12345678) } },
	{ .name = "mov al, [rax]: value bits 63:8 ignored", .mode = L64,
	  B(0x8a, 0x00), .read = 0x1234,
	  .out = { SET(RAX, 0x0807060504030234) } },
	{ .name = "mov rax, [rax]", .mode = L64, B(0x48, 0x8b, 0x00),
	  .read = 0x1122334455667788, .out = { SET(RAX, 0x1122334455667788) } },
	{ .name = "mov r9d, [rax]", .mode = L64, B(0x44, 0x8b, 0x08),
	  .read = 0x80000000, .out = { SET(R9, 0x80000000) } },
	{ .name = "movzx eax, byte [rax]", .mode = L64, B(0x0f, 0xb6, 0x00),
	  .read = 0xff, .out = { SET(RAX, 0xff) } },
	{ .name = "movzx ax, byte [rax]", .mode = L64,
	  B(0x66, 0x0f, 0xb6, 0x00), .read = 0xff,
	  .out = { SET(RAX, 0x08070605040300ff) } },
	{ .name = "movzx rax, word [rax]", .mode = L64,
	  B(0x48, 0x0f, 0xb7, 0x00), .read = 0xfedc,
	  .out = { SET(RAX, 0xfedc) } },
	{ .name = "movsx eax, byte [rax]", .mode = L64, B(0x0f, 0xbe, 0x00),
	  .read = 0x80, .out = { SET(RAX, 0xffffff80) } },
	{ .name = "movsx eax, byte [rax] positive", .mode = L64,
	  B(0x0f, 0xbe, 0x00), .read = 0x7f, .out = { SET(RAX, 0x7f) } },
	{ .name = "movsx rax, byte [rax]", .mode = L64,
	  B(0x48, 0x0f, 0xbe, 0x00), .read = 0x80,
	  .out = { SET(RAX, 0xffffffffffffff80) } },
	{ .name = "movsx ax, byte [rax]", .mode = L64,
	  B(0x66, 0x0f, 0xbe, 0x00), .read = 0x80,
	  .out = { SET(RAX, 0x080706050403ff80) } },
	{ .name = "movsx rcx, word [rax]", .mode = L64,
	  B(0x48, 0x0f, 0xbf, 0x08), .read = 0x8000,
	  .out = { SET(RCX, 0xffffffffffff8000) } },
	{ .name = "movsx ecx, word [rax]", .mode = L64, B(0x0f, 0xbf, 0x08),
	  .read = 0x8001, .out = { SET(RCX, 0xffff8001) } },
	{ .name = "movsxd rax, [rax]", .mode = L64, B(0x48, 0x63, 0x00),
	  .read = 0x80000000, .out = { SET(RAX, 0xffffffff80000000) } },
	{ .name = "movsxd rax, [rax] positive", .mode = L64,
	  B(0x48, 0x63, 0x00), .read = 0x7fffffff,
	  .out = { SET(RAX, 0x7fffffff) } },
	{ .name = "movsxd eax, [rax]", .mode = L64, B(0x63, 0x00),
	  .read = 0x80000000, .out = { SET(RAX, 0x80000000) } },
	{ .name = "movsxd ax, [rax]", .mode = L64, B(0x66, 0x63, 0x00),
	  .read = 0x8000, .out = { SET(RAX, 0x0807060504038000) } },
	{ .name = "mov eax, moffs64", .mode = L64,
	  B(0xa1, 1, 2, 3, 4, 5, 6, 7, 8), .read = 0xcafe,
	  .out = { SET(RAX, 0xcafe) } },
	{ .name = "mov al, moffs64", .mode = L64,
	  B(0xa0, 1, 2, 3, 4, 5, 6, 7, 8), .read = 0x99,
	  .out = { SET(RAX, 0x0807060504030299) } },
	{ .name = "mov eax, [eax]", .mode = P32, B(0x8b, 0x00),
	  .read = 0xdeadbeef, .out = { SET(RAX, 0xdeadbeef) } },
	{ .name = "mov eax, [eax]: EIP wraps", .mode = P32, B(0x8b, 0x00),
	  .in = { SET_RIP(0xfffffffe) }, .read = 1,
	  .out = { SET(RAX, 1), SET_RIP(0) } },
	{ .name = "mov ax, [bx+si]", .mode = R16, B(0x8b, 0x00),
	  .read = 0x1234, .out = { SET(RAX, 0x0807060504031234) } },
	{ .name = "mov ax, [bx+si]: IP wraps", .mode = R16, B(0x8b, 0x00),
	  .in = { SET_RIP(0xffff) }, .read = 0x1234,
	  .out = { SET(RAX, 0x0807060504031234), SET_RIP(1) } },
	{ .name = "mov ax, [bx+si]: IP wraps, prot16", .mode = P16,
	  B(0x8b, 0x00), .in = { SET_RIP(0xfffe) }, .read = 0x1234,
	  .out = { SET(RAX, 0x0807060504031234), SET_RIP(0) } },
	{ .name = "mov eax, [bx]", .mode = R16, B(0x66, 0x8b, 0x07),
	  .read = 0x12345678, .out = { SET(RAX, 0x12345678) } },
	{ .name = "mov ah, [bx]", .mode = R16, B(0x8a, 0x27), .read = 0x55,
	  .out = { SET(RAX, 0x0807060504035501) } },
	{ .name = "mov eax, [rax]: RF cleared", .mode = L64, B(0x8b, 0x00),
	  .in = { SET_FL(0x10002) }, .read = 7,
	  .out = { SET(RAX, 7), SET_FL(0x2) } },
	{ .name = "mov eax, [rax]: RIP wraps", .mode = L64, B(0x8b, 0x00),
	  .in = { SET_RIP(0xffffffffffffffff) }, .read = 7,
	  .out = { SET(RAX, 7), SET_RIP(1) } },

	/* Stores: only RIP changes. */
	{ .name = "mov [rax], ecx", .mode = L64, B(0x89, 0x08),
	  .wdata = 0x14131211 },
	{ .name = "mov [rax], ch", .mode = L64, B(0x88, 0x28), .wdata = 0x12 },
	{ .name = "mov qword [rax], -2", .mode = L64,
	  B(0x48, 0xc7, 0x00, 0xfe, 0xff, 0xff, 0xff),
	  .wdata = 0xfffffffffffffffe },
	{ .name = "movnti [rax], ecx", .mode = L64, B(0x0f, 0xc3, 0x08),
	  .wdata = 0x14131211 },
	{ .name = "mov moffs64, rax", .mode = L64,
	  B(0x48, 0xa3, 1, 2, 3, 4, 5, 6, 7, 8),
	  .wdata = 0x0807060504030201 },
	{ .name = "mov word [di], 0x1234", .mode = R16,
	  B(0xc7, 0x05, 0x34, 0x12), .wdata = 0x1234 },

	/* ALU with a register destination, CMP and TEST. */
	{ .name = "add eax, [rax]", .mode = L64, B(0x03, 0x00), .read = 0x10,
	  .out = { SET(RAX, 0x04030211), SET_FL(0x6) } },
	{ .name = "cmp eax, [rax] equal", .mode = L64, B(0x3b, 0x00),
	  .read = 0x04030201, .out = { SET_FL(0x46) } },
	{ .name = "cmp eax, [rax] below", .mode = L64, B(0x3b, 0x00),
	  .read = 0x04030202, .out = { SET_FL(0x97) } },
	{ .name = "and dh, [rax]", .mode = L64, B(0x22, 0x30), .read = 0x0f,
	  .out = { SET(RDX, 0x2827262524230221), SET_FL(0x2) } },
	{ .name = "or sil, [rax]", .mode = L64, B(0x40, 0x0a, 0x30),
	  .read = 0x80, .out = { SET(RSI, 0x68676665646362e1), SET_FL(0x86) } },
	{ .name = "adc rdx, [rax] with CF", .mode = L64, B(0x48, 0x13, 0x10),
	  .in = { SET_FL(0x3) }, .read = 1,
	  .out = { SET(RDX, 0x2827262524232223), SET_FL(0x2) } },
	{ .name = "sub rax, [rax]", .mode = L64, B(0x48, 0x2b, 0x00),
	  .read = 0x0807060504030201, .out = { SET(RAX, 0), SET_FL(0x46) } },
	{ .name = "xor r9w, [rax]", .mode = L64, B(0x66, 0x44, 0x33, 0x08),
	  .read = 0xffff,
	  .out = { SET(R9, 0x9897969594936d6e), SET_FL(0x2) } },
	{ .name = "sbb bx, [rax] with CF", .mode = L64, B(0x66, 0x1b, 0x18),
	  .in = { SET_FL(0x3) }, .read = 0x3231,
	  .out = { SET(RBX, 0x383736353433ffff), SET_FL(0x97) } },
	{ .name = "test [rax], ecx: clears CF and OF", .mode = L64,
	  B(0x85, 0x08), .in = { SET_FL(0x8d7) }, .read = 0,
	  .out = { SET_FL(0x46) } },
	{ .name = "test byte [rax], 0x80", .mode = L64, B(0xf6, 0x00, 0x80),
	  .read = 0x80, .out = { SET_FL(0x82) } },
	{ .name = "cmp dword [rax], 5", .mode = L64, B(0x83, 0x38, 0x05),
	  .read = 3, .out = { SET_FL(0x93) } },
	{ .name = "cmp qword [rax], -1", .mode = L64,
	  B(0x48, 0x83, 0x38, 0xff), .read = 0xffffffffffffffff,
	  .out = { SET_FL(0x46) } },
	{ .name = "cmp byte [rax], cl", .mode = L64, B(0x38, 0x08),
	  .read = 0x10, .out = { SET_FL(0x97) } },
	{ .name = "cmp ah, [rax]", .mode = L64, B(0x3a, 0x20), .read = 0x01,
	  .out = { SET_FL(0x2) } },
	{ .name = "test qword [rax], -1", .mode = L64,
	  B(0x48, 0xf7, 0x00, 0xff, 0xff, 0xff, 0xff),
	  .read = 0x8000000000000000, .out = { SET_FL(0x86) } },

	/* Read-modify-write: the write, then flags and RIP. */
	{ .name = "or [rax], ecx", .mode = L64, B(0x09, 0x08),
	  .read = 0x80000000, .ret = HV_X86_MMIO_WRITE_NEXT,
	  .wdata = 0x94131211, .out = { SET_FL(0x86) } },
	{ .name = "add byte [rax], al", .mode = L64, B(0x00, 0x00),
	  .read = 0xff, .ret = HV_X86_MMIO_WRITE_NEXT, .wdata = 0,
	  .out = { SET_FL(0x57) } },
	{ .name = "lock inc qword [rax]: CF kept", .mode = L64,
	  B(0xf0, 0x48, 0xff, 0x00), .in = { SET_FL(0x3) },
	  .read = 0x7fffffffffffffff, .ret = HV_X86_MMIO_WRITE_NEXT,
	  .wdata = 0x8000000000000000, .out = { SET_FL(0x897) } },
	{ .name = "dec byte [rax]", .mode = L64, B(0xfe, 0x08), .read = 0,
	  .ret = HV_X86_MMIO_WRITE_NEXT, .wdata = 0xff,
	  .out = { SET_FL(0x96) } },
	{ .name = "neg dword [rax] of 0", .mode = L64, B(0xf7, 0x18),
	  .read = 0, .ret = HV_X86_MMIO_WRITE_NEXT, .wdata = 0,
	  .out = { SET_FL(0x46) } },
	{ .name = "neg dword [rax] of 1", .mode = L64, B(0xf7, 0x18),
	  .read = 1, .ret = HV_X86_MMIO_WRITE_NEXT, .wdata = 0xffffffff,
	  .out = { SET_FL(0x97) } },
	{ .name = "not byte [rax]: flags kept", .mode = L64, B(0xf6, 0x10),
	  .in = { SET_FL(0x8d7) }, .read = 0x0f,
	  .ret = HV_X86_MMIO_WRITE_NEXT, .wdata = 0xf0,
	  .out = { SET_FL(0x8d7) } },
	{ .name = "sub qword [rax], 0x7fffffff", .mode = L64,
	  B(0x48, 0x81, 0x28, 0xff, 0xff, 0xff, 0x7f), .read = 0,
	  .ret = HV_X86_MMIO_WRITE_NEXT, .wdata = 0xffffffff80000001,
	  .out = { SET_FL(0x93) } },
	{ .name = "adc dword [rax], 1 with CF", .mode = L64,
	  B(0x83, 0x10, 0x01), .in = { SET_FL(0x3) }, .read = 0xfffffffe,
	  .ret = HV_X86_MMIO_WRITE_NEXT, .wdata = 0,
	  .out = { SET_FL(0x57) } },
	{ .name = "sbb byte [rax], al with CF", .mode = L64, B(0x18, 0x00),
	  .in = { SET_FL(0x3) }, .read = 0x01,
	  .ret = HV_X86_MMIO_WRITE_NEXT, .wdata = 0xff,
	  .out = { SET_FL(0x97) } },
	{ .name = "and byte [rax], 0xfe", .mode = L64, B(0x80, 0x20, 0xfe),
	  .read = 0x81, .ret = HV_X86_MMIO_WRITE_NEXT, .wdata = 0x80,
	  .out = { SET_FL(0x82) } },
	{ .name = "add word [rax], -1", .mode = L64,
	  B(0x66, 0x83, 0x00, 0xff), .read = 1,
	  .ret = HV_X86_MMIO_WRITE_NEXT, .wdata = 0, .out = { SET_FL(0x57) } },
	{ .name = "xor qword [rax], rdi", .mode = L64, B(0x48, 0x31, 0x38),
	  .read = 0x7877767574737271, .ret = HV_X86_MMIO_WRITE_NEXT,
	  .wdata = 0, .out = { SET_FL(0x46) } },
	{ .name = "or byte [bx+si+0x10], 0x80", .mode = R16,
	  B(0x80, 0x48, 0x10, 0x80), .read = 0x01,
	  .ret = HV_X86_MMIO_WRITE_NEXT, .wdata = 0x81,
	  .out = { SET_FL(0x86) } },
	{ .name = "xchg [rax], ecx", .mode = L64, B(0x87, 0x08),
	  .read = 0xcafef00d, .ret = HV_X86_MMIO_WRITE_NEXT,
	  .wdata = 0x14131211, .out = { SET(RCX, 0xcafef00d) } },
	{ .name = "xchg [rax], ah", .mode = L64, B(0x86, 0x20), .read = 0x55,
	  .ret = HV_X86_MMIO_WRITE_NEXT, .wdata = 0x02,
	  .out = { SET(RAX, 0x0807060504035501) } },
	{ .name = "xchg qword [rax], r11", .mode = L64, B(0x4c, 0x87, 0x18),
	  .read = 0x1122334455667788, .ret = HV_X86_MMIO_WRITE_NEXT,
	  .wdata = 0xb8b7b6b5b4b3b2b1,
	  .out = { SET(R11, 0x1122334455667788) } },

	/* Strings: rSI/rDI step by the size, down with DF; REP counts rCX. */
	{ .name = "stosb", .mode = L64, B(0xaa), .wdata = 0x01,
	  .out = { SET(RDI, 0x7877767574737272) } },
	{ .name = "stosb with DF", .mode = L64, B(0xaa),
	  .in = { SET_FL(0x402) }, .wdata = 0x01,
	  .out = { SET(RDI, 0x7877767574737270) } },
	{ .name = "stosq", .mode = L64, B(0x48, 0xab),
	  .wdata = 0x0807060504030201,
	  .out = { SET(RDI, 0x7877767574737279) } },
	{ .name = "rep stosd, rcx 2", .mode = L64, B(0xf3, 0xab),
	  .in = { SET(RCX, 2) }, .ret = HV_X86_MMIO_REPEAT,
	  .wdata = 0x04030201,
	  .out = { SET(RCX, 1), SET(RDI, 0x7877767574737275) } },
	{ .name = "rep stosd, rcx 1", .mode = L64, B(0xf3, 0xab),
	  .in = { SET(RCX, 1) }, .wdata = 0x04030201,
	  .out = { SET(RCX, 0), SET(RDI, 0x7877767574737275) } },
	{ .name = "addr32 rep stosb: EDI and ECX zero-extend", .mode = L64,
	  B(0x67, 0xf3, 0xaa),
	  .in = { SET(RDI, 0x1ffffffff), SET(RCX, 0x100000001) },
	  .wdata = 0x01, .out = { SET(RDI, 0), SET(RCX, 0) } },
	{ .name = "addr32 rep stosb: ECX counts", .mode = L64,
	  B(0x67, 0xf3, 0xaa),
	  .in = { SET(RDI, 0x1ffffffff), SET(RCX, 0x100000002) },
	  .ret = HV_X86_MMIO_REPEAT, .wdata = 0x01,
	  .out = { SET(RDI, 0), SET(RCX, 1) } },
	{ .name = "lodsb", .mode = L64, B(0xac), .read = 0xab,
	  .out = { SET(RAX, 0x08070605040302ab),
		   SET(RSI, 0x6867666564636262) } },
	{ .name = "lodsd", .mode = L64, B(0xad), .read = 0xdeadbeef,
	  .out = { SET(RAX, 0xdeadbeef), SET(RSI, 0x6867666564636265) } },
	{ .name = "lodsq with DF", .mode = L64, B(0x48, 0xad),
	  .in = { SET_FL(0x402) }, .read = 1,
	  .out = { SET(RAX, 1), SET(RSI, 0x6867666564636259) } },
	{ .name = "movsb from MMIO", .mode = L64, B(0xa4), .read = 0x5a,
	  .out = { SET(RSI, 0x6867666564636262),
		   SET(RDI, 0x7877767574737272) } },
	{ .name = "rep movsq with DF, rcx 3", .mode = L64,
	  B(0xf3, 0x48, 0xa5), .in = { SET_FL(0x402), SET(RCX, 3) },
	  .read = 1, .ret = HV_X86_MMIO_REPEAT,
	  .out = { SET(RSI, 0x6867666564636259),
		   SET(RDI, 0x7877767574737269), SET(RCX, 2) } },
	{ .name = "rep stosw: DI wraps, bits 63:16 kept", .mode = R16,
	  B(0xf3, 0xab),
	  .in = { SET(RDI, 0x787776757473fffe), SET(RCX, 0x1817161514130001) },
	  .wdata = 0x0201,
	  .out = { SET(RDI, 0x7877767574730000),
		   SET(RCX, 0x1817161514130000) } },
	{ .name = "rep movsd: ESI wraps", .mode = P32, B(0xf3, 0xa5),
	  .in = { SET(RSI, 0xfffffffe), SET(RCX, 1) }, .read = 9,
	  .out = { SET(RSI, 2), SET(RDI, 0x74737275), SET(RCX, 0) } },
	{ .name = "fs lodsw", .mode = L64, B(0x64, 0x66, 0xad), .read = 0x1234,
	  .out = { SET(RAX, 0x0807060504031234),
		   SET(RSI, 0x6867666564636263) } },
};

static u64 *reg_slot(struct hv_x86_regs *regs, u8 reg)
{
	if (reg == GPR_RIP)
		return &regs->rip;
	if (reg == GPR_RFLAGS)
		return &regs->rflags;
	return &regs->gpr[reg];
}

static void apply(struct hv_x86_regs *regs, const struct reg_val *rv,
		  unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n && rv[i].reg; i++)
		*reg_slot(regs, rv[i].reg - 1) = rv[i].val;
}

static bool sets(const struct reg_val *rv, unsigned int n, u8 reg)
{
	unsigned int i;

	for (i = 0; i < n && rv[i].reg; i++)
		if (rv[i].reg - 1 == reg)
			return true;
	return false;
}

static void compare_regs(struct unit_case *c, const char *when,
			 const struct hv_x86_regs *got,
			 const struct hv_x86_regs *want)
{
	unsigned int i;

	for (i = 0; i < HV_X86_NR_GPRS; i++)
		if (got->gpr[i] != want->gpr[i])
			unit_fail(c, "%s: gpr[%u] %#llx, want %#llx", when, i,
				  (unsigned long long)got->gpr[i],
				  (unsigned long long)want->gpr[i]);
	if (got->rip != want->rip)
		unit_fail(c, "%s: rip %#llx, want %#llx", when,
			  (unsigned long long)got->rip,
			  (unsigned long long)want->rip);
	if (got->rflags != want->rflags)
		unit_fail(c, "%s: rflags %#llx, want %#llx", when,
			  (unsigned long long)got->rflags,
			  (unsigned long long)want->rflags);
}

/* What RIP becomes: the code segment's IP size wraps it. */
static u64 next_rip(u8 mode, u64 rip, unsigned int len)
{
	rip += len;
	if (mode == P32)
		return (u32)rip;
	if (mode != L64)
		return (u16)rip;
	return rip;
}

static void test_run_case(const struct run_case *rc)
{
	struct hv_x86_regs regs, before, want;
	struct hv_x86_mmio op;
	struct unit_case c;
	int ret;

	unit_begin(&c, "run %s \"%s\"", mode_names[rc->mode], rc->name);
	pattern_regs(&regs);
	apply(&regs, rc->in, ARRAY_SIZE(rc->in));
	before = regs;

	ret = decode_exact(rc->bytes, rc->len, rc->mode, &regs, &op);
	if (ret) {
		unit_fail(&c, "decode returned %d", ret);
		unit_end(&c);
		return;
	}
	UNIT_EQ(&c, "insn_len", op.insn_len, rc->len);
	if (op.is_write)
		UNIT_EQ(&c, "data", op.data, rc->wdata);

	ret = hv_x86_mmio_complete(&op, op.is_write ? 0 : rc->read, &regs);
	UNIT_EQ(&c, "complete", ret, rc->ret);
	if (ret == HV_X86_MMIO_WRITE_NEXT) {
		compare_regs(&c, "before the write", &regs, &before);
		UNIT_EQ(&c, "is_write", op.is_write, true);
		UNIT_EQ(&c, "write data", op.data, rc->wdata);
		ret = hv_x86_mmio_complete(&op, 0, &regs);
		UNIT_EQ(&c, "second complete", ret, HV_X86_MMIO_DONE);
	}

	want = before;
	if (ret == HV_X86_MMIO_DONE) {
		want.rip = next_rip(rc->mode, before.rip, rc->len);
		want.rflags &= ~(u64)HV_X86_RFLAGS_RF;
	}
	apply(&want, rc->out, ARRAY_SIZE(rc->out));
	if (!sets(rc->out, ARRAY_SIZE(rc->out), GPR_RFLAGS) &&
	    (op.flags & HV_X86_MMIO_FLAGS))
		unit_fail(&c, "case must state the flags");
	compare_regs(&c, "after", &regs, &want);

	ret = hv_x86_mmio_complete(&op, 0, &regs);
	UNIT_EQ(&c, "complete after retiring", ret, -EINVAL);
	compare_regs(&c, "after the extra complete", &regs, &want);
	unit_end(&c);
}

static void test_run_cases(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(run_cases); i++)
		test_run_case(&run_cases[i]);
}

/* ---- API details ------------------------------------------------------- */

/* A REP STOSB of 5 elements: 5 faults, 4 repeats, then retired. */
static void test_rep_loop(void)
{
	static const u8 rep_stosb[] = { 0xf3, 0xaa };
	struct hv_x86_regs regs;
	struct hv_x86_mmio op;
	struct unit_case c;
	unsigned int n;
	int ret = 0;

	unit_begin(&c, "rep stosb loop of 5");
	pattern_regs(&regs);
	regs.gpr[HV_X86_RCX] = 5;
	regs.gpr[HV_X86_RDI] = 0x100;
	for (n = 0; n < 10; n++) {
		ret = decode_exact(rep_stosb, 2, L64, &regs, &op);
		if (ret) {
			unit_fail(&c, "decode %u returned %d", n, ret);
			break;
		}
		UNIT_EQ(&c, "str_count", op.str_count, 5 - n);
		UNIT_EQ(&c, "str_dst", op.str_dst, 0x100 + n);
		ret = hv_x86_mmio_complete(&op, 0, &regs);
		if (ret != HV_X86_MMIO_REPEAT)
			break;
		UNIT_EQ(&c, "rip while repeating", regs.rip, RIP0);
	}
	UNIT_EQ(&c, "last complete", ret, HV_X86_MMIO_DONE);
	UNIT_EQ(&c, "elements", n + 1, 5);
	UNIT_EQ(&c, "rcx", regs.gpr[HV_X86_RCX], 0);
	UNIT_EQ(&c, "rdi", regs.gpr[HV_X86_RDI], 0x105);
	UNIT_EQ(&c, "rip", regs.rip, RIP0 + 2);
	unit_end(&c);
}

/* REP with a zero count accesses nothing, so it cannot have faulted. */
static void test_rep_zero(void)
{
	static const u8 rep_stosb[] = { 0xf3, 0xaa };
	static const u8 a32_rep_stosb[] = { 0x67, 0xf3, 0xaa };
	struct hv_x86_regs regs;
	struct hv_x86_mmio op;
	struct unit_case c;

	unit_begin(&c, "rep with a zero count");
	pattern_regs(&regs);
	regs.gpr[HV_X86_RCX] = 0;
	UNIT_EQ(&c, "rcx 0", decode_exact(rep_stosb, 2, L64, &regs, &op),
		-EINVAL);
	regs.gpr[HV_X86_RCX] = 0x100000000;
	UNIT_EQ(&c, "ecx 0", decode_exact(a32_rep_stosb, 3, L64, &regs, &op),
		-EINVAL);
	UNIT_EQ(&c, "rcx 2^32", decode_exact(rep_stosb, 2, L64, &regs, &op),
		0);
	UNIT_EQ(&c, "str_count", op.str_count, 0x100000000);
	regs.gpr[HV_X86_RCX] = 0x10000;
	UNIT_EQ(&c, "cx 0", decode_exact(rep_stosb, 2, R16, &regs, &op),
		-EINVAL);
	UNIT_EQ(&c, "ecx 2^16", decode_exact(a32_rep_stosb, 3, R16, &regs,
					     &op), 0);
	unit_end(&c);
}

/* String operands: segments, addresses and count as reported. */
static void test_string_fields(void)
{
	static const u8 fs_movsd[] = { 0x67, 0x64, 0xf3, 0xa5 };
	struct hv_x86_regs regs;
	struct hv_x86_mmio op;
	struct unit_case c;
	int ret;

	unit_begin(&c, "addr32 fs rep movsd fields");
	pattern_regs(&regs);
	regs.rflags |= HV_X86_RFLAGS_DF;
	ret = decode_exact(fs_movsd, sizeof(fs_movsd), L64, &regs, &op);
	UNIT_EQ(&c, "decode", ret, 0);
	UNIT_EQ(&c, "flags", op.flags,
		HV_X86_MMIO_STRING | HV_X86_MMIO_MOVS | HV_X86_MMIO_REP |
		HV_X86_MMIO_DOWN);
	UNIT_EQ(&c, "addr_size", op.addr_size, 4);
	UNIT_EQ(&c, "str_src", op.str_src, 0x64636261);
	UNIT_EQ(&c, "str_dst", op.str_dst, 0x74737271);
	UNIT_EQ(&c, "str_count", op.str_count, 0x14131211);
	UNIT_EQ(&c, "str_src_seg", op.str_src_seg, HV_X86_SEG_FS);
	UNIT_EQ(&c, "seg", op.seg, HV_X86_SEG_FS);
	UNIT_EQ(&c, "is_write", op.is_write, false);
	unit_end(&c);
}

/* MOVS whose destination is MMIO: the caller supplies the element. */
static void test_movs_to_mmio(void)
{
	static const u8 movsw[] = { 0x66, 0xa5 };
	static const u8 stosb[] = { 0xaa };
	struct hv_x86_regs regs;
	struct hv_x86_mmio op;
	struct unit_case c;

	unit_begin(&c, "movsw to MMIO");
	pattern_regs(&regs);
	UNIT_EQ(&c, "decode", decode_exact(movsw, 2, L64, &regs, &op), 0);
	UNIT_EQ(&c, "seg before", op.seg, HV_X86_SEG_DS);
	UNIT_EQ(&c, "to mmio", hv_x86_mmio_movs_to_mmio(&op, 0xabcdef), 0);
	UNIT_EQ(&c, "is_write", op.is_write, true);
	UNIT_EQ(&c, "data", op.data, 0xcdef);
	UNIT_EQ(&c, "seg", op.seg, HV_X86_SEG_ES);
	UNIT_EQ(&c, "str_src_seg", op.str_src_seg, HV_X86_SEG_DS);
	UNIT_EQ(&c, "to mmio twice", hv_x86_mmio_movs_to_mmio(&op, 1),
		-EINVAL);
	UNIT_EQ(&c, "complete", hv_x86_mmio_complete(&op, 0, &regs),
		HV_X86_MMIO_DONE);
	UNIT_EQ(&c, "rsi", regs.gpr[HV_X86_RSI], 0x6867666564636263);
	UNIT_EQ(&c, "rdi", regs.gpr[HV_X86_RDI], 0x7877767574737273);
	UNIT_EQ(&c, "rax", regs.gpr[HV_X86_RAX], 0x0807060504030201);
	UNIT_EQ(&c, "to mmio after", hv_x86_mmio_movs_to_mmio(&op, 1),
		-EINVAL);
	UNIT_EQ(&c, "decode stosb", decode_exact(stosb, 1, L64, &regs, &op),
		0);
	UNIT_EQ(&c, "stosb to mmio", hv_x86_mmio_movs_to_mmio(&op, 1),
		-EINVAL);
	unit_end(&c);
}

static void test_data_bytes(void)
{
	struct hv_x86_mmio op = { .data = 0x8877665544332211 };
	static const u8 zero[8];
	struct unit_case c;
	unsigned int size;
	u8 buf[8];

	for (size = 1; size <= 8; size <<= 1) {
		unit_begin(&c, "put/get data, size %u", size);
		op.size = size;
		memset(buf, 0xee, sizeof(buf));
		hv_x86_mmio_put_data(&op, buf);
		UNIT_EQ(&c, "byte 0", buf[0], 0x11);
		UNIT_EQ(&c, "last byte", buf[size - 1], 0x11 * size);
		if (memcmp(buf + size, zero, 8 - size))
			unit_fail(&c, "bytes past size not zero");
		memset(buf + size, 0xee, 8 - size);
		UNIT_EQ(&c, "get", hv_x86_mmio_get_data(&op, buf),
			op.data & (size == 8 ? ~0ULL : (1ULL << size * 8) - 1));
		unit_end(&c);
	}
}

static void test_misuse(void)
{
	static const u8 mov[] = { 0x8b, 0x00 };
	struct hv_x86_regs regs;
	struct hv_x86_mmio op;
	struct unit_case c;

	unit_begin(&c, "misuse");
	pattern_regs(&regs);
	UNIT_EQ(&c, "bad mode", decode_exact(mov, 2, 4, &regs, &op), -EINVAL);
	if (!op_is_zero(&op))
		unit_fail(&c, "op not zeroed for a bad mode");
	UNIT_EQ(&c, "no bytes", hv_x86_decode_mmio(NULL, 0, L64, &regs, &op),
		-ENODATA);

	memset(&op, 0, sizeof(op));
	UNIT_EQ(&c, "zeroed op", hv_x86_mmio_complete(&op, 0, &regs),
		-EINVAL);
	UNIT_EQ(&c, "decode", decode_exact(mov, 2, L64, &regs, &op), 0);
	op.reg = 16;
	UNIT_EQ(&c, "bad reg", hv_x86_mmio_complete(&op, 0, &regs), -EINVAL);
	op.reg = HV_X86_RAX;
	op.size = 3;
	UNIT_EQ(&c, "bad size", hv_x86_mmio_complete(&op, 0, &regs), -EINVAL);
	op.size = 4;
	op.kind = 200;
	UNIT_EQ(&c, "bad kind", hv_x86_mmio_complete(&op, 0, &regs), -EINVAL);
	op.kind = 0;
	op.phase = 7;
	UNIT_EQ(&c, "bad phase", hv_x86_mmio_complete(&op, 0, &regs),
		-EINVAL);
	UNIT_EQ(&c, "regs untouched", regs.rip, RIP0);
	unit_end(&c);
}

/* ---- ALU against the CPU ------------------------------------------------ */

/* One ALU operation of the emulator, with its encodings. */
struct alu_desc {
	const char *name;
	u8 mem_op;	/* "op Eb, Gb", +1 for Ev, Gv; or F6/FE for unary */
	u8 reg_op;	/* "op Gb, Eb", +1 for Gv, Ev; 0 if none */
	u8 ext;		/* unary: ModRM.reg */
	bool unary;
	bool writes;
	u64 flags;	/* flags defined by the SDM for the operation */
};

#define ARITH	HV_X86_RFLAGS_ARITH
#define LOGIC	(ARITH & ~(u64)HV_X86_RFLAGS_AF)

static const struct alu_desc alu_descs[] = {
	{ "add", 0x00, 0x02, 0, false, true, ARITH },
	{ "or", 0x08, 0x0a, 0, false, true, LOGIC },
	{ "adc", 0x10, 0x12, 0, false, true, ARITH },
	{ "sbb", 0x18, 0x1a, 0, false, true, ARITH },
	{ "and", 0x20, 0x22, 0, false, true, LOGIC },
	{ "sub", 0x28, 0x2a, 0, false, true, ARITH },
	{ "xor", 0x30, 0x32, 0, false, true, LOGIC },
	{ "cmp", 0x38, 0x3a, 0, false, false, ARITH },
	{ "test", 0x84, 0, 0, false, false, LOGIC },
	{ "inc", 0xfe, 0, 0, true, true, ARITH & ~(u64)HV_X86_RFLAGS_CF },
	{ "dec", 0xfe, 0, 1, true, true, ARITH & ~(u64)HV_X86_RFLAGS_CF },
	{ "not", 0xf6, 0, 2, true, true, 0 },
	{ "neg", 0xf6, 0, 3, true, true, ARITH },
};

static u64 size_mask(unsigned int size)
{
	return size == 8 ? ~0ULL : (1ULL << size * 8) - 1;
}

static unsigned int alu_insn(const struct alu_desc *d, unsigned int size,
			     bool reg_form, u8 *insn)
{
	unsigned int n = 0;

	if (size == 2)
		insn[n++] = 0x66;
	if (size == 8)
		insn[n++] = 0x48;
	insn[n++] = (reg_form ? d->reg_op : d->mem_op) + (size != 1);
	insn[n++] = d->unary ? d->ext << 3 : 0x08;	/* [rax], rcx */
	return n;
}

/*
 * Run "op [mem], rcx" (or the unary op) reading @a, with RCX = @b; or,
 * @reg_form, "op rcx, [mem]" with RCX = @a reading @b.  Returns the
 * result; *@flags gets RFLAGS afterwards.
 */
static int emulate_alu(const struct alu_desc *d, unsigned int size,
		       bool reg_form, u64 a, u64 b, u64 cf, u64 *res,
		       u64 *flags)
{
	struct hv_x86_regs regs;
	struct hv_x86_mmio op;
	u8 insn[4];
	unsigned int n = alu_insn(d, size, reg_form, insn);
	bool writes;
	int ret;

	pattern_regs(&regs);
	regs.gpr[HV_X86_RCX] = reg_form ? a : b;
	regs.rflags = RFLAGS0 | cf;
	ret = hv_x86_decode_mmio(insn, n, L64, &regs, &op);
	if (ret)
		return ret;
	ret = hv_x86_mmio_complete(&op, reg_form ? b : a, &regs);
	*res = 0;
	if (ret == HV_X86_MMIO_WRITE_NEXT) {
		*res = op.data;
		ret = hv_x86_mmio_complete(&op, 0, &regs);
	} else if (reg_form) {
		*res = regs.gpr[HV_X86_RCX] & size_mask(size);
	}
	if (ret != HV_X86_MMIO_DONE)
		return -1000 + ret;
	if (reg_form)
		writes = op.reg != HV_X86_REG_NONE;
	else
		writes = op.flags & HV_X86_MMIO_RMW;
	if (writes != d->writes)
		return -2000;
	*flags = regs.rflags;
	return 0;
}

#ifdef __x86_64__
/*
 * The operations on this CPU, one function per operation and size: CF
 * from @cf (BT), the operation on @a (and @b), then PUSHFQ below the red
 * zone.
 */
#define NATIVE_BIN(name, insn, type)					\
static void name(u64 a, u64 b, u64 cf, u64 *res, u64 *flags)		\
{									\
	type x = a, y = b;						\
									\
	asm volatile("bt $0, %[c]\n\t"					\
		     insn " %[y], %[x]\n\t"				\
		     "lea -128(%%rsp), %%rsp\n\t"			\
		     "pushfq\n\t"						\
		     "popq %[f]\n\t"					\
		     "lea 128(%%rsp), %%rsp"				\
		     : [x] "+r" (x), [f] "=&r" (*flags)			\
		     : [y] "r" (y), [c] "r" (cf)			\
		     : "cc");						\
	*res = x;							\
}

#define NATIVE_UN(name, insn, type)					\
static void name(u64 a, u64 b, u64 cf, u64 *res, u64 *flags)		\
{									\
	type x = a;							\
									\
	(void)b;	/* unary */					\
	asm volatile("bt $0, %[c]\n\t"					\
		     insn " %[x]\n\t"					\
		     "lea -128(%%rsp), %%rsp\n\t"			\
		     "pushfq\n\t"						\
		     "popq %[f]\n\t"					\
		     "lea 128(%%rsp), %%rsp"				\
		     : [x] "+r" (x), [f] "=&r" (*flags)			\
		     : [c] "r" (cf)					\
		     : "cc");						\
	*res = x;							\
}

NATIVE_BIN(native_add_1, "add", u8)
NATIVE_BIN(native_add_2, "add", u16)
NATIVE_BIN(native_add_4, "add", u32)
NATIVE_BIN(native_add_8, "add", u64)
NATIVE_BIN(native_or_1, "or", u8)
NATIVE_BIN(native_or_2, "or", u16)
NATIVE_BIN(native_or_4, "or", u32)
NATIVE_BIN(native_or_8, "or", u64)
NATIVE_BIN(native_adc_1, "adc", u8)
NATIVE_BIN(native_adc_2, "adc", u16)
NATIVE_BIN(native_adc_4, "adc", u32)
NATIVE_BIN(native_adc_8, "adc", u64)
NATIVE_BIN(native_sbb_1, "sbb", u8)
NATIVE_BIN(native_sbb_2, "sbb", u16)
NATIVE_BIN(native_sbb_4, "sbb", u32)
NATIVE_BIN(native_sbb_8, "sbb", u64)
NATIVE_BIN(native_and_1, "and", u8)
NATIVE_BIN(native_and_2, "and", u16)
NATIVE_BIN(native_and_4, "and", u32)
NATIVE_BIN(native_and_8, "and", u64)
NATIVE_BIN(native_sub_1, "sub", u8)
NATIVE_BIN(native_sub_2, "sub", u16)
NATIVE_BIN(native_sub_4, "sub", u32)
NATIVE_BIN(native_sub_8, "sub", u64)
NATIVE_BIN(native_xor_1, "xor", u8)
NATIVE_BIN(native_xor_2, "xor", u16)
NATIVE_BIN(native_xor_4, "xor", u32)
NATIVE_BIN(native_xor_8, "xor", u64)
NATIVE_BIN(native_cmp_1, "cmp", u8)
NATIVE_BIN(native_cmp_2, "cmp", u16)
NATIVE_BIN(native_cmp_4, "cmp", u32)
NATIVE_BIN(native_cmp_8, "cmp", u64)
NATIVE_BIN(native_test_1, "test", u8)
NATIVE_BIN(native_test_2, "test", u16)
NATIVE_BIN(native_test_4, "test", u32)
NATIVE_BIN(native_test_8, "test", u64)
NATIVE_UN(native_inc_1, "inc", u8)
NATIVE_UN(native_inc_2, "inc", u16)
NATIVE_UN(native_inc_4, "inc", u32)
NATIVE_UN(native_inc_8, "inc", u64)
NATIVE_UN(native_dec_1, "dec", u8)
NATIVE_UN(native_dec_2, "dec", u16)
NATIVE_UN(native_dec_4, "dec", u32)
NATIVE_UN(native_dec_8, "dec", u64)
NATIVE_UN(native_not_1, "not", u8)
NATIVE_UN(native_not_2, "not", u16)
NATIVE_UN(native_not_4, "not", u32)
NATIVE_UN(native_not_8, "not", u64)
NATIVE_UN(native_neg_1, "neg", u8)
NATIVE_UN(native_neg_2, "neg", u16)
NATIVE_UN(native_neg_4, "neg", u32)
NATIVE_UN(native_neg_8, "neg", u64)

/* In the order of alu_descs[], by size 1, 2, 4, 8. */
static void (*const native_fns[][4])(u64 a, u64 b, u64 cf, u64 *res,
				     u64 *flags) = {
	{ native_add_1, native_add_2, native_add_4, native_add_8 },
	{ native_or_1, native_or_2, native_or_4, native_or_8 },
	{ native_adc_1, native_adc_2, native_adc_4, native_adc_8 },
	{ native_sbb_1, native_sbb_2, native_sbb_4, native_sbb_8 },
	{ native_and_1, native_and_2, native_and_4, native_and_8 },
	{ native_sub_1, native_sub_2, native_sub_4, native_sub_8 },
	{ native_xor_1, native_xor_2, native_xor_4, native_xor_8 },
	{ native_cmp_1, native_cmp_2, native_cmp_4, native_cmp_8 },
	{ native_test_1, native_test_2, native_test_4, native_test_8 },
	{ native_inc_1, native_inc_2, native_inc_4, native_inc_8 },
	{ native_dec_1, native_dec_2, native_dec_4, native_dec_8 },
	{ native_not_1, native_not_2, native_not_4, native_not_8 },
	{ native_neg_1, native_neg_2, native_neg_4, native_neg_8 },
};

static u64 native_alu(unsigned int i, unsigned int size, u64 a, u64 b,
		      u64 cf, u64 *flags)
{
	unsigned int s = size == 1 ? 0 : size == 2 ? 1 : size == 4 ? 2 : 3;
	u64 res;

	native_fns[i][s](a, b, cf, &res, flags);
	return res;
}
#endif

static u64 rng_state = 0x9e3779b97f4a7c15ULL;

static u64 rnd(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

#define NR_ALU_VALUES	28

static void alu_values(unsigned int size, u64 *v)
{
	u64 mask = size_mask(size), msb = 1ULL << (size * 8 - 1);
	static const u64 fixed[] = { 0, 1, 2, 0x0f, 0x10, 0x55, 0xaa };
	unsigned int i, n = 0;

	for (i = 0; i < ARRAY_SIZE(fixed); i++)
		v[n++] = fixed[i] * (mask / 0xff) & mask;
	v[n++] = 1;
	v[n++] = msb;
	v[n++] = msb - 1;
	v[n++] = msb + 1;
	v[n++] = mask;
	v[n++] = mask - 1;
	v[n++] = 0x0f;
	while (n < NR_ALU_VALUES)
		v[n++] = rnd() & mask;
}

/* One operand pair and carry in: invariants, then against the CPU. */
static void alu_pair(struct unit_case *c, unsigned int i, unsigned int size,
		     bool reg_form, u64 a, u64 b, u64 cf)
{
	const struct alu_desc *d = &alu_descs[i];
	u64 res = 0, flags = 0, mask = size_mask(size);
	int ret;

	ret = emulate_alu(d, size, reg_form, a, b, cf, &res, &flags);
	if (ret) {
		unit_fail(c, "%#llx %#llx: emulate %d", (unsigned long long)a,
			  (unsigned long long)b, ret);
		return;
	}
	/* Bits the operation does not define stay: CF of INC, all of NOT. */
	if ((flags ^ (RFLAGS0 | cf)) & ~d->flags)
		unit_fail(c, "%#llx %#llx cf %u: flags %#llx changed other bits",
			  (unsigned long long)a, (unsigned long long)b,
			  (unsigned int)cf, (unsigned long long)flags);
#ifdef __x86_64__
	{
		u64 nflags = 0, nres = native_alu(i, size, a, b, cf, &nflags);

		if (d->writes && res != (nres & mask))
			unit_fail(c, "%#llx %#llx cf %u: result %#llx, cpu %#llx",
				  (unsigned long long)a, (unsigned long long)b,
				  (unsigned int)cf, (unsigned long long)res,
				  (unsigned long long)(nres & mask));
		if ((flags ^ nflags) & d->flags)
			unit_fail(c, "%#llx %#llx cf %u: flags %#llx, cpu %#llx",
				  (unsigned long long)a, (unsigned long long)b,
				  (unsigned int)cf,
				  (unsigned long long)(flags & d->flags),
				  (unsigned long long)(nflags & d->flags));
	}
#else
	(void)mask;
#endif
}

/*
 * Each operation and size, in both forms, against what the CPU computes
 * for all pairs of edge and random values and both carries in.  Without
 * an x86-64 CPU only the invariants are checked.
 */
static void test_alu_native(void)
{
	static const unsigned int sizes[] = { 1, 2, 4, 8 };
	unsigned int i, s, x, y, form;
	u64 v[NR_ALU_VALUES];
	struct unit_case c;

	for (i = 0; i < ARRAY_SIZE(alu_descs); i++) {
		for (s = 0; s < ARRAY_SIZE(sizes); s++) {
			unit_begin(&c, "alu %s size %u", alu_descs[i].name,
				   sizes[s]);
			alu_values(sizes[s], v);
			for (form = 0; form < 2; form++) {
				if (form && !alu_descs[i].reg_op)
					continue;
				for (x = 0; x < NR_ALU_VALUES; x++) {
					for (y = 0; y < NR_ALU_VALUES; y++) {
						alu_pair(&c, i, sizes[s], form,
							 v[x], v[y], 0);
						alu_pair(&c, i, sizes[s], form,
							 v[x], v[y], 1);
					}
				}
			}
			unit_end(&c);
		}
	}
}

/* ---- random instructions -------------------------------------------------- */

static const u8 fuzz_prefixes[] = {
	0x66, 0x67, 0xf0, 0xf2, 0xf3, 0x2e, 0x36, 0x3e, 0x26, 0x64, 0x65,
};

static const u8 fuzz_opcodes[] = {
	0x00, 0x01, 0x02, 0x03, 0x08, 0x09, 0x0a, 0x0b, 0x10, 0x11, 0x12,
	0x13, 0x18, 0x19, 0x1a, 0x1b, 0x20, 0x21, 0x22, 0x23, 0x28, 0x29,
	0x2a, 0x2b, 0x30, 0x31, 0x32, 0x33, 0x38, 0x39, 0x3a, 0x3b, 0x63,
	0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a,
	0x8b, 0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xaa, 0xab, 0xac, 0xad,
	0xc6, 0xc7, 0xf6, 0xf7, 0xfe, 0xff, 0x0f,
};

static const u8 fuzz_opcodes_0f[] = { 0xb6, 0xb7, 0xbe, 0xbf, 0xc3 };

/* Random plausible instruction bytes; returns how many are valid. */
static unsigned int fuzz_insn(u8 *buf, u8 *mode, struct hv_x86_regs *regs)
{
	unsigned int i, n = 0, nr_prefixes;

	*mode = rnd() % 4;
	nr_prefixes = rnd() % 8 == 0 ? rnd() % 15 : rnd() % 4;
	for (i = 0; i < nr_prefixes; i++) {
		if (*mode == L64 && rnd() % 4 == 0)
			buf[n++] = 0x40 | (rnd() & 15);
		else
			buf[n++] = fuzz_prefixes[rnd() %
						 ARRAY_SIZE(fuzz_prefixes)];
	}
	if (*mode == L64 && rnd() % 2)
		buf[n++] = 0x40 | (rnd() & 15);
	if (n < HV_X86_MAX_INSN_LEN)
		buf[n++] = rnd() % 8 ? fuzz_opcodes[rnd() %
						    ARRAY_SIZE(fuzz_opcodes)] :
				       rnd();
	if (n < HV_X86_MAX_INSN_LEN && buf[n - 1] == 0x0f)
		buf[n++] = rnd() % 4 ? fuzz_opcodes_0f[rnd() %
						       ARRAY_SIZE(fuzz_opcodes_0f)] :
				       rnd();
	/* ModRM: mostly a memory form. */
	if (n < HV_X86_MAX_INSN_LEN)
		buf[n++] = rnd() % 4 ? rnd() % 0xc0 : rnd();
	while (n < HV_X86_MAX_INSN_LEN)
		buf[n++] = rnd();

	pattern_regs(regs);
	if (rnd() % 2) {
		for (i = 0; i < HV_X86_NR_GPRS; i++)
			regs->gpr[i] = rnd() >> (rnd() % 64);
		regs->rflags = RFLAGS0 | (rnd() & 0x8d5) |
			       (rnd() % 2 ? HV_X86_RFLAGS_DF : 0);
	}
	return rnd() % 8 ? HV_X86_MAX_INSN_LEN : rnd() % 16;
}

static void fuzz_check_complete(struct unit_case *c, const char *what,
				struct hv_x86_mmio *op,
				struct hv_x86_regs *regs)
{
	bool rmw = op->flags & HV_X86_MMIO_RMW;
	int ret;

	if (op->flags & HV_X86_MMIO_MOVS && rnd() % 2)
		if (hv_x86_mmio_movs_to_mmio(op, rnd()))
			unit_fail(c, "%s: movs_to_mmio failed", what);
	ret = hv_x86_mmio_complete(op, rnd(), regs);
	if (rmw) {
		if (ret != HV_X86_MMIO_WRITE_NEXT || !op->is_write)
			unit_fail(c, "%s: RMW complete %d", what, ret);
		ret = hv_x86_mmio_complete(op, rnd(), regs);
	}
	if (ret != HV_X86_MMIO_DONE && ret != HV_X86_MMIO_REPEAT)
		unit_fail(c, "%s: complete %d", what, ret);
	if (ret == HV_X86_MMIO_REPEAT && !(op->flags & HV_X86_MMIO_REP))
		unit_fail(c, "%s: repeat without REP", what);
	if (hv_x86_mmio_complete(op, 0, regs) != -EINVAL)
		unit_fail(c, "%s: completes twice", what);
}

static void fuzz_one(struct unit_case *c, const u8 *buf, unsigned int len,
		     u8 mode, struct hv_x86_regs *regs)
{
	struct hv_x86_mmio op, op2;
	unsigned int n;
	char what[64];
	int ret;

	hex(what, sizeof(what), buf, len);
	ret = decode_exact(buf, len, mode, regs, &op);
	if (ret && !op_is_zero(&op))
		unit_fail(c, "%s: op not zeroed", what);
	switch (ret) {
	case -EINVAL:
	case -EOPNOTSUPP:
		return;
	case -ENODATA:
		if (len >= HV_X86_MAX_INSN_LEN)
			unit_fail(c, "%s: -ENODATA with 15 bytes", what);
		return;
	case 0:
		break;
	default:
		unit_fail(c, "%s: return %d", what, ret);
		return;
	}

	if (!op.insn_len || op.insn_len > len)
		unit_fail(c, "%s: insn_len %u", what, op.insn_len);
	if (op.size != 1 && op.size != 2 && op.size != 4 && op.size != 8)
		unit_fail(c, "%s: size %u", what, op.size);
	if (decode_exact(buf, op.insn_len, mode, regs, &op2) ||
	    !op_equal(&op, &op2))
		unit_fail(c, "%s: differs with %u bytes", what, op.insn_len);
	for (n = 0; n < op.insn_len; n++)
		if (decode_exact(buf, n, mode, regs, &op2) != -ENODATA)
			unit_fail(c, "%s: not -ENODATA with %u bytes", what,
				  n);
	fuzz_check_complete(c, what, &op, regs);
}

static void test_fuzz(unsigned long iterations)
{
	u8 buf[HV_X86_MAX_INSN_LEN], mode;
	struct hv_x86_regs regs;
	unsigned long i, decoded[4] = { 0 };
	struct unit_case c[4];
	unsigned int len;
	int m;

	for (m = 0; m < 4; m++)
		unit_begin(&c[m], "fuzz %s", mode_names[m]);
	for (i = 0; i < iterations; i++) {
		len = fuzz_insn(buf, &mode, &regs);
		fuzz_one(&c[mode], buf, len, mode, &regs);
		decoded[mode]++;
	}
	for (m = 0; m < 4; m++) {
		if (iterations >= 1000 && !decoded[m])
			unit_fail(&c[m], "no input");
		unit_end(&c[m]);
	}
}

/* For binutils_check.py: "mode hex-bytes insn_len", decodable only. */
static void dump(unsigned long count)
{
	u8 buf[HV_X86_MAX_INSN_LEN], mode;
	struct hv_x86_regs regs;
	struct hv_x86_mmio op;
	unsigned int i;
	char text[64];

	while (count) {
		fuzz_insn(buf, &mode, &regs);
		if (hv_x86_decode_mmio(buf, sizeof(buf), mode, &regs, &op))
			continue;
		for (i = 0; i < sizeof(buf); i++)
			snprintf(text + 2 * i, sizeof(text) - 2 * i, "%02x",
				 buf[i]);
		printf("%s %s %u\n", mode_names[mode], text, op.insn_len);
		count--;
	}
}

static void bad_args(void)
{
	fprintf(stderr,
		"usage: emulate_test [-v] [--fuzz N] [--seed N] [--dump N]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned long fuzz = 200000, dump_count = 0;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-v"))
			unit_verbose = true;
		else if (!strcmp(argv[i], "--fuzz") && i + 1 < argc)
			fuzz = strtoul(argv[++i], NULL, 0);
		else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
			rng_state = strtoull(argv[++i], NULL, 0) | 1;
		else if (!strcmp(argv[i], "--dump") && i + 1 < argc)
			dump_count = strtoul(argv[++i], NULL, 0);
		else
			bad_args();
	}
	if (dump_count) {
		dump(dump_count);
		return 0;
	}

	test_vectors();
	test_run_cases();
	test_rep_loop();
	test_rep_zero();
	test_string_fields();
	test_movs_to_mmio();
	test_data_bytes();
	test_misuse();
	test_alu_native();
	test_fuzz(fuzz);
	return unit_summary();
}

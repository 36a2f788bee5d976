// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv: decode and complete guest instructions that fault on MMIO.
 *
 * References:
 *  SDM  Intel 64 and IA-32 Architectures Software Developer's Manual,
 *       Volume 2: 2.1.1 (legacy prefixes), 2.1.5 (ModR/M and SIB, Tables
 *       2-1, 2-2, 2-3), 2.2.1 (REX prefixes, Table 2-5 special cases),
 *       Appendix A (opcode maps, Tables and group Table A-6).
 *  APM  AMD64 Architecture Programmer's Manual, Volume 3: 1.2 (prefixes),
 *       1.4 (ModRM and SIB), 1.5/1.6 (displacements and immediates),
 *       1.7 (RIP-relative addressing), Appendix A (opcode maps).
 *
 * Supported (everything a driver or firmware does to a register):
 *  MOV          88 89 8A 8B, C6 /0, C7 /0, A0-A3 (moffs)
 *  MOVZX/MOVSX  0F B6, 0F B7, 0F BE, 0F BF;  MOVSXD 63 (64-bit mode)
 *  MOVNTI       0F C3
 *  XCHG         86 87 (read, then write)
 *  ALU          ADD OR ADC SBB AND SUB XOR CMP: 00-3B (forms /r),
 *               80 81 83 (and 82 outside 64-bit mode); TEST 84 85, F6/F7 /0
 *               (and the /1 alias); NOT NEG F6/F7 /2 /3; INC DEC FE/FF /0 /1.
 *               With a memory destination these read, then write.
 *  String       MOVS A4 A5, STOS AA AB, LODS AC AD, with REP or REPNE
 *               (which these treat as REP): one element per call.
 *
 * -EOPNOTSUPP, decided from the opcode (and ModRM.reg for groups): VEX and
 * EVEX (and LES/LDS/BOUND, which share their opcodes outside 64-bit mode),
 * XOP/POP r/m, SSE/MMX/x87 loads and stores (MOVD, MOVQ, MOVDQA, MOVAPS, ...
 * with 0F 38 and 0F 3A), CMPXCHG, CMPXCHG8B/16B, XADD, BT/BTS/BTR/BTC,
 * SHLD/SHRD, shifts and rotates, MUL/IMUL/DIV/IDIV, CMOVcc, SETcc, BSF/BSR/
 * POPCNT/LZCNT/TZCNT, CMPS/SCAS, INS/OUTS, XLAT, ARPL, MOV to/from Sreg,
 * LSS/LFS/LGS, PUSH/POP/CALL/JMP through memory, 0F 00/0F 01 system
 * instructions and 0F AE (FXSAVE, CLFLUSH, ...).
 */
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/types.h>

#include "emulate.h"

/* What an opcode is, from the decoder's point of view. */
enum insn_kind {
	K_INVALID,	/* #UD, or no memory operand: -EINVAL */
	K_UNSUP,	/* accesses memory, not emulated: -EOPNOTSUPP */
	K_GROUP,	/* ModRM.reg selects the entry of group @arg */
	K_LOAD,		/* reg <- [mem]; @arg: memory size limit, 0 if none */
	K_STORE,	/* [mem] <- reg */
	K_STORE_IMM,	/* [mem] <- imm */
	K_MOFFS_LOAD,	/* rAX <- [moffs] */
	K_MOFFS_STORE,	/* [moffs] <- rAX */
	K_ALU_REG,	/* reg <- reg op [mem]; @arg: enum alu_op */
	K_ALU_MEM,	/* [mem] <- [mem] op reg/imm; @arg: enum alu_op */
	K_UNARY,	/* [mem] <- op [mem]; @arg: enum alu_op */
	K_XCHG,		/* reg <-> [mem] */
	K_MOVS,
	K_STOS,
	K_LODS,
};

/* How hv_x86_mmio_complete() finishes an operation (hv_x86_mmio.kind). */
enum complete_kind {
	C_LOAD,		/* reg <- extend(value) */
	C_STORE,	/* nothing but RIP */
	C_ALU_REG,	/* reg <- src op value, CMP: flags only */
	C_ALU_MEM,	/* write value op src, CMP/TEST: flags only */
	C_XCHG,		/* write src, then reg <- value */
	C_STOS,
	C_LODS,
	C_MOVS,
};

/* hv_x86_mmio.phase */
enum phase {
	PHASE_ACCESS,	/* the decoded access is pending */
	PHASE_WRITE,	/* the write half of a read-modify-write is pending */
	PHASE_RETIRED,
};

/* In the order of the ALU opcodes 00-3F and of group 1 (SDM Table A-6). */
enum alu_op {
	ALU_ADD,
	ALU_OR,
	ALU_ADC,
	ALU_SBB,
	ALU_AND,
	ALU_SUB,
	ALU_XOR,
	ALU_CMP,
	ALU_TEST,
	ALU_INC,
	ALU_DEC,
	ALU_NOT,
	ALU_NEG,
};

/* Opcode attributes, after the SDM Appendix A.2 abbreviations. */
#define F_BYTE		BIT(0)	/* "b": 8-bit operands */
#define F_MODRM		BIT(1)	/* a ModR/M byte follows the opcode */
#define F_IMM8		BIT(2)	/* "Ib": imm8, sign-extended to the size */
#define F_IMMZ		BIT(3)	/* "Iz": imm16 or imm32 (sign-extended) */
#define F_IMMOP		BIT(4)	/* group entry: imm8 if F_BYTE, else Iz */
#define F_NP		BIT(5)	/* "NP": 66, F2 and F3 are not allowed */
#define F_I64		BIT(6)	/* "i64": #UD in 64-bit mode */
#define F_O64		BIT(7)	/* "o64": another instruction elsewhere */
#define F_OP32		BIT(8)	/* 32-bit operand unless REX.W (MOVNTI) */
#define F_SX		BIT(9)	/* K_LOAD: sign-extend (MOVSX, MOVSXD) */

struct opcode {
	u8 kind;	/* enum insn_kind */
	u8 arg;
	u16 flags;	/* F_* */
};

enum group {
	GRP1,		/* 80-83: ALU r/m, imm */
	GRP3,		/* F6/F7: TEST NOT NEG MUL IMUL DIV IDIV */
	GRP4,		/* FE: INC DEC */
	GRP5,		/* FF: INC DEC CALL CALLF JMP JMPF PUSH */
	GRP11,		/* C6/C7: MOV r/m, imm */
	NR_GROUPS,
};

#define MODRM	F_MODRM
#define MODRM_B	(F_MODRM | F_BYTE)

/* SDM Table A-2, APM Vol. 3 A.1 (primary map): one-byte opcodes. */
static const struct opcode one_byte[256] = {
	[0x00] = { K_ALU_MEM, ALU_ADD, MODRM_B },
	[0x01] = { K_ALU_MEM, ALU_ADD, MODRM },
	[0x02] = { K_ALU_REG, ALU_ADD, MODRM_B },
	[0x03] = { K_ALU_REG, ALU_ADD, MODRM },
	[0x08] = { K_ALU_MEM, ALU_OR, MODRM_B },
	[0x09] = { K_ALU_MEM, ALU_OR, MODRM },
	[0x0a] = { K_ALU_REG, ALU_OR, MODRM_B },
	[0x0b] = { K_ALU_REG, ALU_OR, MODRM },
	[0x10] = { K_ALU_MEM, ALU_ADC, MODRM_B },
	[0x11] = { K_ALU_MEM, ALU_ADC, MODRM },
	[0x12] = { K_ALU_REG, ALU_ADC, MODRM_B },
	[0x13] = { K_ALU_REG, ALU_ADC, MODRM },
	[0x18] = { K_ALU_MEM, ALU_SBB, MODRM_B },
	[0x19] = { K_ALU_MEM, ALU_SBB, MODRM },
	[0x1a] = { K_ALU_REG, ALU_SBB, MODRM_B },
	[0x1b] = { K_ALU_REG, ALU_SBB, MODRM },
	[0x20] = { K_ALU_MEM, ALU_AND, MODRM_B },
	[0x21] = { K_ALU_MEM, ALU_AND, MODRM },
	[0x22] = { K_ALU_REG, ALU_AND, MODRM_B },
	[0x23] = { K_ALU_REG, ALU_AND, MODRM },
	[0x28] = { K_ALU_MEM, ALU_SUB, MODRM_B },
	[0x29] = { K_ALU_MEM, ALU_SUB, MODRM },
	[0x2a] = { K_ALU_REG, ALU_SUB, MODRM_B },
	[0x2b] = { K_ALU_REG, ALU_SUB, MODRM },
	[0x30] = { K_ALU_MEM, ALU_XOR, MODRM_B },
	[0x31] = { K_ALU_MEM, ALU_XOR, MODRM },
	[0x32] = { K_ALU_REG, ALU_XOR, MODRM_B },
	[0x33] = { K_ALU_REG, ALU_XOR, MODRM },
	[0x38] = { K_ALU_MEM, ALU_CMP, MODRM_B },
	[0x39] = { K_ALU_MEM, ALU_CMP, MODRM },
	[0x3a] = { K_ALU_REG, ALU_CMP, MODRM_B },
	[0x3b] = { K_ALU_REG, ALU_CMP, MODRM },
	[0x62] = { K_UNSUP },			/* EVEX; BOUND */
	[0x63] = { K_LOAD, 4, MODRM | F_SX | F_O64 },	/* MOVSXD; ARPL */
	[0x69] = { K_UNSUP },			/* IMUL */
	[0x6b] = { K_UNSUP },			/* IMUL */
	[0x6c ... 0x6f] = { K_UNSUP },		/* INS, OUTS */
	[0x80] = { K_GROUP, GRP1, MODRM_B | F_IMM8 },
	[0x81] = { K_GROUP, GRP1, MODRM | F_IMMZ },
	[0x82] = { K_GROUP, GRP1, MODRM_B | F_IMM8 | F_I64 },
	[0x83] = { K_GROUP, GRP1, MODRM | F_IMM8 },
	[0x84] = { K_ALU_MEM, ALU_TEST, MODRM_B },
	[0x85] = { K_ALU_MEM, ALU_TEST, MODRM },
	[0x86] = { K_XCHG, 0, MODRM_B },
	[0x87] = { K_XCHG, 0, MODRM },
	[0x88] = { K_STORE, 0, MODRM_B },
	[0x89] = { K_STORE, 0, MODRM },
	[0x8a] = { K_LOAD, 0, MODRM_B },
	[0x8b] = { K_LOAD, 0, MODRM },
	[0x8c] = { K_UNSUP },			/* MOV r/m, Sreg */
	[0x8e] = { K_UNSUP },			/* MOV Sreg, r/m */
	[0x8f] = { K_UNSUP },			/* POP r/m; XOP */
	[0xa0] = { K_MOFFS_LOAD, 0, F_BYTE },
	[0xa1] = { K_MOFFS_LOAD },
	[0xa2] = { K_MOFFS_STORE, 0, F_BYTE },
	[0xa3] = { K_MOFFS_STORE },
	[0xa4] = { K_MOVS, 0, F_BYTE },
	[0xa5] = { K_MOVS },
	[0xa6] = { K_UNSUP },			/* CMPS */
	[0xa7] = { K_UNSUP },
	[0xaa] = { K_STOS, 0, F_BYTE },
	[0xab] = { K_STOS },
	[0xac] = { K_LODS, 0, F_BYTE },
	[0xad] = { K_LODS },
	[0xae] = { K_UNSUP },			/* SCAS */
	[0xaf] = { K_UNSUP },
	[0xc0] = { K_UNSUP },			/* shifts and rotates */
	[0xc1] = { K_UNSUP },
	[0xc4] = { K_UNSUP },			/* VEX; LES */
	[0xc5] = { K_UNSUP },			/* VEX; LDS */
	[0xc6] = { K_GROUP, GRP11, MODRM_B },
	[0xc7] = { K_GROUP, GRP11, MODRM },
	[0xd0 ... 0xd3] = { K_UNSUP },		/* shifts and rotates */
	[0xd7] = { K_UNSUP },			/* XLAT */
	[0xd8 ... 0xdf] = { K_UNSUP },		/* x87 */
	[0xf6] = { K_GROUP, GRP3, MODRM_B },
	[0xf7] = { K_GROUP, GRP3, MODRM },
	[0xfe] = { K_GROUP, GRP4, MODRM_B },
	[0xff] = { K_GROUP, GRP5, MODRM },
};

/* SDM Table A-3, APM Vol. 3 A.1 (secondary map): after 0F. */
static const struct opcode two_byte[256] = {
	[0x00 ... 0x01] = { K_UNSUP },		/* SLDT, SGDT, ... */
	[0x10 ... 0x17] = { K_UNSUP },		/* MOVUPS, MOVLPS, ... */
	[0x28 ... 0x2f] = { K_UNSUP },		/* MOVAPS, MOVNTPS, ... */
	[0x38] = { K_UNSUP },			/* three-byte map: MOVBE, ... */
	[0x3a] = { K_UNSUP },			/* three-byte map */
	[0x40 ... 0x4f] = { K_UNSUP },		/* CMOVcc */
	[0x50 ... 0x7f] = { K_UNSUP },		/* SSE, MMX: MOVD, MOVQ, ... */
	[0x90 ... 0x9f] = { K_UNSUP },		/* SETcc */
	[0xa3 ... 0xa5] = { K_UNSUP },		/* BT, SHLD */
	[0xab ... 0xaf] = { K_UNSUP },		/* BTS, SHRD, 0F AE, IMUL */
	[0xb0 ... 0xb5] = { K_UNSUP },		/* CMPXCHG, LSS, BTR, LFS, LGS */
	[0xb6] = { K_LOAD, 1, MODRM },		/* MOVZX Gv, Eb */
	[0xb7] = { K_LOAD, 2, MODRM },		/* MOVZX Gv, Ew */
	[0xb8] = { K_UNSUP },			/* POPCNT */
	[0xba ... 0xbd] = { K_UNSUP },		/* BT* imm, BTC, BSF, BSR */
	[0xbe] = { K_LOAD, 1, MODRM | F_SX },		/* MOVSX Gv, Eb */
	[0xbf] = { K_LOAD, 2, MODRM | F_SX },		/* MOVSX Gv, Ew */
	[0xc0 ... 0xc2] = { K_UNSUP },		/* XADD, CMPPS */
	[0xc3] = { K_STORE, 0, MODRM | F_NP | F_OP32 },	/* MOVNTI */
	[0xc4 ... 0xc7] = { K_UNSUP },		/* PINSRW, ..., CMPXCHG8B */
	[0xd0 ... 0xfe] = { K_UNSUP },		/* SSE, MMX */
};

/* SDM Table A-6: opcode extensions in ModRM.reg, by group. */
static const struct opcode groups[NR_GROUPS][8] = {
	[GRP1] = {
		{ K_ALU_MEM, ALU_ADD }, { K_ALU_MEM, ALU_OR },
		{ K_ALU_MEM, ALU_ADC }, { K_ALU_MEM, ALU_SBB },
		{ K_ALU_MEM, ALU_AND }, { K_ALU_MEM, ALU_SUB },
		{ K_ALU_MEM, ALU_XOR }, { K_ALU_MEM, ALU_CMP },
	},
	[GRP3] = {
		/* /1 is an undocumented alias of TEST that processors run. */
		{ K_ALU_MEM, ALU_TEST, F_IMMOP },
		{ K_ALU_MEM, ALU_TEST, F_IMMOP },
		{ K_UNARY, ALU_NOT }, { K_UNARY, ALU_NEG },
		{ K_UNSUP }, { K_UNSUP }, { K_UNSUP }, { K_UNSUP },
	},
	[GRP4] = {
		{ K_UNARY, ALU_INC }, { K_UNARY, ALU_DEC },
	},
	[GRP5] = {
		{ K_UNARY, ALU_INC }, { K_UNARY, ALU_DEC },
		{ K_UNSUP }, { K_UNSUP }, { K_UNSUP }, { K_UNSUP }, { K_UNSUP },
	},
	[GRP11] = {
		{ K_STORE_IMM, 0, F_IMMOP },
	},
};

#define SEG_NONE	0xff

/* Decoder state for one instruction; small, it lives on the stack. */
struct decoder {
	const u8 *bytes;
	unsigned int len;	/* valid bytes, at most HV_X86_MAX_INSN_LEN */
	unsigned int pos;	/* next byte to fetch */
	u8 mode;		/* enum hv_x86_mode */
	u8 rex;			/* REX prefix in effect, or 0 */
	u8 seg;			/* segment override, or SEG_NONE */
	u8 rep;			/* last of F2/F3, or 0 */
	bool lock;
	bool opsize_prefix;	/* 66 */
	bool addrsize_prefix;	/* 67 */
	u8 opsize;		/* operand size: 2, 4 or 8 */
	u8 addrsize;		/* address size: 2, 4 or 8 */
	u8 modrm;
	u8 def_seg;		/* default segment of the ModRM operand */
	u64 imm;
};

#define REX_B	BIT(0)
#define REX_X	BIT(1)
#define REX_R	BIT(2)
#define REX_W	BIT(3)

static u64 size_mask(unsigned int size)
{
	return size >= 8 ? ~0ULL : BIT_ULL(size * 8) - 1;
}

static u64 sign_extend(u64 val, unsigned int size)
{
	u64 sign = BIT_ULL(size * 8 - 1);

	val &= size_mask(size);
	return (val ^ sign) - sign;
}

/*
 * Take @n bytes (little-endian) from the instruction.  Running past the 15
 * byte limit is #GP (-EINVAL); running past @len only means the caller
 * gave too few bytes (-ENODATA).
 */
static int fetch(struct decoder *d, unsigned int n, u64 *val)
{
	unsigned int i;

	if (d->pos + n > HV_X86_MAX_INSN_LEN)
		return -EINVAL;
	if (d->pos + n > d->len)
		return -ENODATA;

	*val = 0;
	for (i = 0; i < n; i++)
		*val |= (u64)d->bytes[d->pos + i] << (i * 8);
	d->pos += n;
	return 0;
}

static int fetch_u8(struct decoder *d, u8 *byte)
{
	u64 val = 0;
	int ret;

	ret = fetch(d, 1, &val);
	*byte = val;
	return ret;
}

/* Skip a displacement or address of @n bytes; its value is not needed. */
static int skip(struct decoder *d, unsigned int n)
{
	u64 unused;

	return n ? fetch(d, n, &unused) : 0;
}

static int seg_prefix(u8 byte)
{
	switch (byte) {
	case 0x26: return HV_X86_SEG_ES;
	case 0x2e: return HV_X86_SEG_CS;
	case 0x36: return HV_X86_SEG_SS;
	case 0x3e: return HV_X86_SEG_DS;
	case 0x64: return HV_X86_SEG_FS;
	case 0x65: return HV_X86_SEG_GS;
	default:   return -1;
	}
}

/* Record legacy prefix @byte (SDM 2.1.1); false if it is not one. */
static bool legacy_prefix(struct decoder *d, u8 byte)
{
	int seg = seg_prefix(byte);

	if (seg >= 0) {
		d->seg = seg;	/* the last override wins */
		return true;
	}
	switch (byte) {
	case 0x66:
		d->opsize_prefix = true;
		return true;
	case 0x67:
		d->addrsize_prefix = true;
		return true;
	case 0xf0:
		d->lock = true;
		return true;
	case 0xf2:
	case 0xf3:
		d->rep = byte;	/* the last of F2/F3 wins */
		return true;
	default:
		return false;
	}
}

/*
 * Consume prefixes and return the first opcode byte in @opcode.  A REX
 * prefix (64-bit mode only, SDM 2.2.1, APM 1.2.7) counts only when it
 * immediately precedes the opcode: one followed by a legacy prefix or by
 * another REX is ignored, and only it: legacy prefixes on either side of it
 * still apply (as processors do; objdump, unlike them, drops them).
 */
static int decode_prefixes(struct decoder *d, u8 *opcode)
{
	u8 byte;
	int ret;

	for (;;) {
		ret = fetch_u8(d, &byte);
		if (ret)
			return ret;
		if (legacy_prefix(d, byte)) {
			d->rex = 0;
			continue;
		}
		if (d->mode == HV_X86_MODE_LONG64 && (byte & 0xf0) == 0x40) {
			d->rex = byte;
			continue;
		}
		*opcode = byte;
		return 0;
	}
}

/* SDM Vol. 1 Tables 3-3 and 3-4: effective operand and address sizes. */
static void set_sizes(struct decoder *d)
{
	switch (d->mode) {
	case HV_X86_MODE_LONG64:
		if (d->rex & REX_W)
			d->opsize = 8;
		else
			d->opsize = d->opsize_prefix ? 2 : 4;
		d->addrsize = d->addrsize_prefix ? 4 : 8;
		break;
	case HV_X86_MODE_PROT32:
		d->opsize = d->opsize_prefix ? 2 : 4;
		d->addrsize = d->addrsize_prefix ? 2 : 4;
		break;
	default:
		d->opsize = d->opsize_prefix ? 4 : 2;
		d->addrsize = d->addrsize_prefix ? 4 : 2;
		break;
	}
}

/* SDM Table 2-1: 16-bit addressing forms, no SIB. */
static int decode_modrm16(struct decoder *d, u8 mod, u8 rm)
{
	/* BP+SI, BP+DI and BP+disp use SS (SDM Vol. 1, 3.7.4). */
	if (rm == 2 || rm == 3 || (rm == 6 && mod != 0))
		d->def_seg = HV_X86_SEG_SS;

	if (mod == 1)
		return skip(d, 1);
	if (mod == 2 || rm == 6)
		return skip(d, 2);	/* mod 0, r/m 110: disp16 only */
	return 0;
}

/*
 * SDM Tables 2-2 and 2-3, with Table 2-5 for REX: r/m 100 always means a
 * SIB byte, mod 00 with r/m 101 means disp32 (RIP/EIP-relative in 64-bit
 * mode, APM 1.7) and base 101 with mod 00 means disp32 without base, all
 * whatever REX.B.  rSP and rBP bases default to SS; r12 and r13 do not.
 */
static int decode_modrm32(struct decoder *d, u8 mod, u8 rm)
{
	u8 base = rm, sib;
	int ret;

	if (rm == 4) {
		ret = fetch_u8(d, &sib);
		if (ret)
			return ret;
		base = sib & 7;
		if (base == 5 && mod == 0)
			return skip(d, 4);
	} else if (rm == 5 && mod == 0) {
		return skip(d, 4);
	}

	if (!(d->rex & REX_B) && (base == 4 || base == 5))
		d->def_seg = HV_X86_SEG_SS;

	if (mod == 1)
		return skip(d, 1);
	if (mod == 2)
		return skip(d, 4);
	return 0;
}

/* The addressing bytes after ModRM: SIB and displacement. */
static int decode_address(struct decoder *d)
{
	u8 mod = d->modrm >> 6, rm = d->modrm & 7;

	d->def_seg = HV_X86_SEG_DS;
	if (d->addrsize == 2)
		return decode_modrm16(d, mod, rm);
	return decode_modrm32(d, mod, rm);
}

/* Immediate per SDM A.2.1 codes "Ib" and "Iz", sign-extended as "sx". */
static int decode_imm(struct decoder *d, u16 flags)
{
	unsigned int n;
	int ret;

	if (flags & F_IMMOP)
		flags |= (flags & F_BYTE) ? F_IMM8 : F_IMMZ;

	if (flags & F_IMM8)
		n = 1;
	else if (flags & F_IMMZ)
		n = d->opsize == 2 ? 2 : 4;
	else
		return 0;

	ret = fetch(d, n, &d->imm);
	if (ret)
		return ret;
	d->imm = sign_extend(d->imm, n);
	return 0;
}

/* Look the opcode up, honouring mode restrictions and 0F escapes. */
static int lookup_opcode(struct decoder *d, u8 byte, struct opcode *oc)
{
	const struct opcode *table = one_byte;
	int ret;

	if (byte == 0x0f) {
		ret = fetch_u8(d, &byte);
		if (ret)
			return ret;
		table = two_byte;
	}
	*oc = table[byte];

	if (d->mode == HV_X86_MODE_LONG64 && (oc->flags & F_I64))
		return -EINVAL;
	if (d->mode != HV_X86_MODE_LONG64 && (oc->flags & F_O64))
		return -EOPNOTSUPP;
	if (oc->kind == K_INVALID)
		return -EINVAL;
	if (oc->kind == K_UNSUP)
		return -EOPNOTSUPP;
	if ((oc->flags & F_NP) && (d->opsize_prefix || d->rep))
		return -EINVAL;
	return 0;
}

/* Replace a group opcode by its ModRM.reg entry, keeping size flags. */
static int resolve_group(struct decoder *d, struct opcode *oc)
{
	const struct opcode *entry;

	if (oc->kind != K_GROUP)
		return 0;

	entry = &groups[oc->arg][(d->modrm >> 3) & 7];
	if (entry->kind == K_INVALID)
		return -EINVAL;
	if (entry->kind == K_UNSUP)
		return -EOPNOTSUPP;
	oc->kind = entry->kind;
	oc->arg = entry->arg;
	oc->flags |= entry->flags;
	return 0;
}

static bool alu_writes(u8 alu)
{
	return alu != ALU_CMP && alu != ALU_TEST;
}

/*
 * LOCK is valid only on a read-modify-write of memory (SDM Vol. 2, LOCK;
 * APM 1.2.5); elsewhere it is #UD.
 */
static bool lock_allowed(const struct opcode *oc)
{
	switch (oc->kind) {
	case K_ALU_MEM:
		return alu_writes(oc->arg);
	case K_UNARY:
	case K_XCHG:
		return true;
	default:
		return false;
	}
}

/*
 * The ModRM.reg register for an operand of @size bytes.  Without REX, byte
 * registers 4-7 are AH, CH, DH and BH, that is bits 15:8 of registers 0-3;
 * with any REX they are SPL, BPL, SIL and DIL (SDM 2.2.1.2, Table 3-1).
 */
static u8 modrm_reg(const struct decoder *d, unsigned int size, bool *high8)
{
	u8 reg = (d->modrm >> 3) & 7;

	*high8 = false;
	if (d->rex & REX_R)
		return reg + 8;
	if (size == 1 && !d->rex && reg >= 4) {
		*high8 = true;
		return reg - 4;
	}
	return reg;
}

/* The value of the ModRM.reg operand, for writes and ALU sources. */
static u64 modrm_reg_value(const struct decoder *d,
			   const struct hv_x86_regs *regs, unsigned int size)
{
	bool high8;
	u8 reg = modrm_reg(d, size, &high8);

	if (high8)
		return (regs->gpr[reg] >> 8) & 0xff;
	return regs->gpr[reg] & size_mask(size);
}

/* Make the ModRM.reg operand the destination of the value read. */
static void set_dest_reg(const struct decoder *d, struct hv_x86_mmio *op,
			 unsigned int size)
{
	bool high8;

	op->reg = modrm_reg(d, size, &high8);
	op->reg_size = size;
	if (high8)
		op->flags |= HV_X86_MMIO_HIGH8;
}

/* MOV, MOVZX, MOVSX, MOVSXD: reg <- [mem]. */
static void setup_load(const struct decoder *d, const struct opcode *oc,
		       struct hv_x86_mmio *op)
{
	set_dest_reg(d, op, op->size);
	op->kind = C_LOAD;
	/* MOVZX and MOVSX read 1 or 2 bytes, MOVSXD at most 4. */
	if (oc->arg && oc->arg < op->size) {
		op->size = oc->arg;
		op->ext = (oc->flags & F_SX) ? HV_X86_EXT_SIGN :
					       HV_X86_EXT_ZERO;
	}
}

/* The ALU forms: reg op [mem], [mem] op reg/imm, op [mem]. */
static void setup_alu(const struct decoder *d, const struct opcode *oc,
		      const struct hv_x86_regs *regs, struct hv_x86_mmio *op)
{
	bool imm = oc->flags & (F_IMM8 | F_IMMZ | F_IMMOP);

	op->alu = oc->arg;
	if (oc->arg != ALU_NOT)
		op->flags |= HV_X86_MMIO_FLAGS;

	switch (oc->kind) {
	case K_ALU_REG:
		op->kind = C_ALU_REG;
		op->src = modrm_reg_value(d, regs, op->size);
		if (alu_writes(oc->arg))
			set_dest_reg(d, op, op->size);
		return;
	case K_ALU_MEM:
		op->src = imm ? d->imm & size_mask(op->size) :
				modrm_reg_value(d, regs, op->size);
		break;
	default:	/* K_UNARY */
		break;
	}
	op->kind = C_ALU_MEM;
	if (alu_writes(oc->arg))
		op->flags |= HV_X86_MMIO_RMW;
}

/* Instructions with a ModRM memory operand. */
static void setup_modrm_op(const struct decoder *d, const struct opcode *oc,
			   const struct hv_x86_regs *regs,
			   struct hv_x86_mmio *op)
{
	op->seg = d->seg != SEG_NONE ? d->seg : d->def_seg;

	switch (oc->kind) {
	case K_LOAD:
		setup_load(d, oc, op);
		break;
	case K_STORE:
		op->kind = C_STORE;
		op->is_write = true;
		op->data = modrm_reg_value(d, regs, op->size);
		break;
	case K_STORE_IMM:
		op->kind = C_STORE;
		op->is_write = true;
		op->data = d->imm & size_mask(op->size);
		break;
	case K_XCHG:
		/* Read into reg, then write the old reg; always locked. */
		op->kind = C_XCHG;
		op->src = modrm_reg_value(d, regs, op->size);
		set_dest_reg(d, op, op->size);
		op->flags |= HV_X86_MMIO_RMW | HV_X86_MMIO_LOCK;
		break;
	default:
		setup_alu(d, oc, regs, op);
		break;
	}
}

/* A0-A3: MOV between rAX and a direct offset (moffs), default DS. */
static void setup_moffs(const struct decoder *d, const struct opcode *oc,
			const struct hv_x86_regs *regs,
			struct hv_x86_mmio *op)
{
	op->seg = d->seg != SEG_NONE ? d->seg : HV_X86_SEG_DS;
	if (oc->kind == K_MOFFS_LOAD) {
		op->kind = C_LOAD;
		op->reg = HV_X86_RAX;
		op->reg_size = op->size;
	} else {
		op->kind = C_STORE;
		op->is_write = true;
		op->data = regs->gpr[HV_X86_RAX] & size_mask(op->size);
	}
}

/*
 * MOVS, STOS, LODS: source DS:rSI (segment overridable), destination
 * ES:rDI (not overridable), with rSI/rDI/rCX of the address size (SDM
 * Vol. 1, 7.3.9; APM 1.2.6).  F2 repeats these like F3: neither tests ZF.
 */
static int setup_string(const struct decoder *d, const struct opcode *oc,
			const struct hv_x86_regs *regs,
			struct hv_x86_mmio *op)
{
	u64 amask = size_mask(d->addrsize);

	op->flags |= HV_X86_MMIO_STRING;
	op->str_src_seg = d->seg != SEG_NONE ? d->seg : HV_X86_SEG_DS;
	op->str_src = regs->gpr[HV_X86_RSI] & amask;
	op->str_dst = regs->gpr[HV_X86_RDI] & amask;
	if (regs->rflags & HV_X86_RFLAGS_DF)
		op->flags |= HV_X86_MMIO_DOWN;
	if (d->rep) {
		op->flags |= HV_X86_MMIO_REP;
		op->str_count = regs->gpr[HV_X86_RCX] & amask;
		if (!op->str_count)
			return -EINVAL;	/* no access: cannot have faulted */
	}

	switch (oc->kind) {
	case K_STOS:
		op->kind = C_STOS;
		op->seg = HV_X86_SEG_ES;
		op->is_write = true;
		op->data = regs->gpr[HV_X86_RAX] & size_mask(op->size);
		break;
	case K_LODS:
		op->kind = C_LODS;
		op->seg = op->str_src_seg;
		op->reg = HV_X86_RAX;
		op->reg_size = op->size;
		break;
	default:	/* K_MOVS: read the source until told otherwise */
		op->kind = C_MOVS;
		op->seg = op->str_src_seg;
		op->flags |= HV_X86_MMIO_MOVS;
		break;
	}
	return 0;
}

/* Bytes after the opcode: ModRM, SIB, displacement or moffs, immediate. */
static int decode_operands(struct decoder *d, struct opcode *oc)
{
	int ret;

	if (oc->flags & F_MODRM) {
		ret = fetch_u8(d, &d->modrm);
		if (ret)
			return ret;
		if ((d->modrm >> 6) == 3)
			return -EINVAL;	/* register operand: no MMIO */
		ret = resolve_group(d, oc);
		if (ret)
			return ret;
		ret = decode_address(d);
	} else if (oc->kind == K_MOFFS_LOAD || oc->kind == K_MOFFS_STORE) {
		ret = skip(d, d->addrsize);
	} else {
		ret = 0;
	}
	if (ret)
		return ret;
	return decode_imm(d, oc->flags);
}

static int decode(struct decoder *d, const struct hv_x86_regs *regs,
		  struct hv_x86_mmio *op)
{
	struct opcode oc;
	u8 byte;
	int ret;

	ret = decode_prefixes(d, &byte);
	if (ret)
		return ret;
	set_sizes(d);

	ret = lookup_opcode(d, byte, &oc);
	if (ret)
		return ret;
	if (oc.flags & F_OP32)
		d->opsize = (d->rex & REX_W) ? 8 : 4;

	ret = decode_operands(d, &oc);
	if (ret)
		return ret;
	if (d->lock && !lock_allowed(&oc))
		return -EINVAL;

	op->insn_len = d->pos;
	op->mode = d->mode;
	op->addr_size = d->addrsize;
	op->size = (oc.flags & F_BYTE) ? 1 : d->opsize;
	op->reg = HV_X86_REG_NONE;
	if (d->lock)
		op->flags |= HV_X86_MMIO_LOCK;

	switch (oc.kind) {
	case K_MOFFS_LOAD:
	case K_MOFFS_STORE:
		setup_moffs(d, &oc, regs, op);
		return 0;
	case K_MOVS:
	case K_STOS:
	case K_LODS:
		return setup_string(d, &oc, regs, op);
	default:
		setup_modrm_op(d, &oc, regs, op);
		return 0;
	}
}

int hv_x86_decode_mmio(const u8 *bytes, unsigned int len,
		       enum hv_x86_mode mode, const struct hv_x86_regs *regs,
		       struct hv_x86_mmio *op)
{
	struct decoder d = {
		.bytes = bytes,
		.len = min_t(unsigned int, len, HV_X86_MAX_INSN_LEN),
		.mode = mode,
		.seg = SEG_NONE,
	};
	int ret;

	memset(op, 0, sizeof(*op));
	if (mode > HV_X86_MODE_LONG64)
		return -EINVAL;

	ret = decode(&d, regs, op);
	if (ret)
		memset(op, 0, sizeof(*op));
	return ret;
}

int hv_x86_mmio_movs_to_mmio(struct hv_x86_mmio *op, u64 value)
{
	if (op->kind != C_MOVS || op->phase != PHASE_ACCESS || op->is_write)
		return -EINVAL;

	op->is_write = true;
	op->data = value & size_mask(op->size);
	op->seg = HV_X86_SEG_ES;
	return 0;
}

/* PF: set when the low byte of the result has an even number of ones. */
static u64 parity_flag(u64 res)
{
	u8 p = res;

	p ^= p >> 4;
	p ^= p >> 2;
	p ^= p >> 1;
	return (p & 1) ? 0 : HV_X86_RFLAGS_PF;
}

/* ZF, SF and PF of a result of @size bytes. */
static u64 result_flags(u64 res, unsigned int size)
{
	u64 flags = parity_flag(res);

	if (!(res & size_mask(size)))
		flags |= HV_X86_RFLAGS_ZF;
	if (res & BIT_ULL(size * 8 - 1))
		flags |= HV_X86_RFLAGS_SF;
	return flags;
}

/*
 * CF, AF and OF of r = a + b (+ carry).  Bit i carries out when two of
 * a_i, b_i and the carry in (a_i ^ b_i ^ r_i) are set; CF is the carry
 * out of the top bit, AF out of bit 3; OF is set when a and b have the
 * same sign and r another.
 */
static u64 add_flags(u64 a, u64 b, u64 r, u64 msb)
{
	u64 carries = (a & b) | ((a | b) & ~r);
	u64 flags = 0;

	if (carries & msb)
		flags |= HV_X86_RFLAGS_CF;
	if ((a ^ b ^ r) & BIT(4))
		flags |= HV_X86_RFLAGS_AF;
	if ((a ^ r) & (b ^ r) & msb)
		flags |= HV_X86_RFLAGS_OF;
	return flags;
}

/* The same for r = a - b (- borrow): borrows instead of carries. */
static u64 sub_flags(u64 a, u64 b, u64 r, u64 msb)
{
	u64 borrows = (~a & b) | ((~a | b) & r);
	u64 flags = 0;

	if (borrows & msb)
		flags |= HV_X86_RFLAGS_CF;
	if ((a ^ b ^ r) & BIT(4))
		flags |= HV_X86_RFLAGS_AF;
	if ((a ^ b) & (a ^ r) & msb)
		flags |= HV_X86_RFLAGS_OF;
	return flags;
}

/* The RFLAGS bits an operation writes; the others are preserved. */
static u64 alu_flag_mask(u8 alu)
{
	switch (alu) {
	case ALU_NOT:
		return 0;
	case ALU_INC:
	case ALU_DEC:
		return HV_X86_RFLAGS_ARITH & ~HV_X86_RFLAGS_CF;
	default:
		return HV_X86_RFLAGS_ARITH;
	}
}

/*
 * Compute a @op b on @size bytes and the arithmetic flags (SDM Vol. 2 for
 * each instruction, Vol. 1 Appendix A).  Logical operations clear CF, OF
 * and AF (AF is undefined for them).  Returns the result; *@rflags gets
 * the new flags in the bits alu_flag_mask() names.
 */
static u64 alu_compute(u8 alu, u64 a, u64 b, unsigned int size, u64 *rflags)
{
	u64 mask = size_mask(size), msb = BIT_ULL(size * 8 - 1);
	u64 carry = (*rflags & HV_X86_RFLAGS_CF) ? 1 : 0;
	u64 r, flags = 0;

	a &= mask;
	b &= mask;
	switch (alu) {
	case ALU_ADD:
	case ALU_ADC:
	case ALU_INC:
		if (alu == ALU_INC)
			b = 1;
		r = (a + b + (alu == ALU_ADC ? carry : 0)) & mask;
		flags = add_flags(a, b, r, msb);
		break;
	case ALU_SUB:
	case ALU_SBB:
	case ALU_CMP:
	case ALU_DEC:
		if (alu == ALU_DEC)
			b = 1;
		r = (a - b - (alu == ALU_SBB ? carry : 0)) & mask;
		flags = sub_flags(a, b, r, msb);
		break;
	case ALU_NEG:
		r = (0 - a) & mask;
		flags = sub_flags(0, a, r, msb);
		break;
	case ALU_OR:
		r = a | b;
		break;
	case ALU_XOR:
		r = a ^ b;
		break;
	case ALU_NOT:
		r = ~a & mask;
		break;
	default:	/* ALU_AND, ALU_TEST */
		r = a & b;
		break;
	}
	flags |= result_flags(r, size);
	*rflags = (*rflags & ~alu_flag_mask(alu)) | (flags & alu_flag_mask(alu));
	return r;
}

/*
 * A register's value after writing @val to its low @size bytes, with x86
 * semantics: 8- and 16-bit writes keep the other bits, 32-bit writes zero
 * bits 63:32 (SDM Vol. 1, 3.4.1.1; outside 64-bit mode those bits are not
 * visible to the guest).
 */
u64 hv_x86_merge_gpr(u64 old, unsigned int size, u64 val)
{
	switch (size) {
	case 1:
		return (old & ~0xffULL) | (val & 0xff);
	case 2:
		return (old & ~0xffffULL) | (val & 0xffff);
	case 4:
		return (u32)val;
	default:
		return val;
	}
}

/* Write @val to a register; @high8 selects AH/CH/DH/BH. */
static void write_reg(struct hv_x86_regs *regs, u8 reg, unsigned int size,
		      bool high8, u64 val)
{
	u64 *r = &regs->gpr[reg];

	if (size == 1 && high8)
		*r = (*r & ~0xff00ULL) | ((val & 0xff) << 8);
	else
		*r = hv_x86_merge_gpr(*r, size, val);
}

static void write_dest(struct hv_x86_regs *regs, const struct hv_x86_mmio *op,
		       u64 val)
{
	write_reg(regs, op->reg, op->reg_size,
		  op->flags & HV_X86_MMIO_HIGH8, val);
}

/*
 * Retire: advance RIP within the code segment's IP size and clear RF, as
 * after any completed instruction (SDM Vol. 3A, 17.3.1.1).
 */
static int retire(struct hv_x86_mmio *op, struct hv_x86_regs *regs)
{
	u64 ip = regs->rip + op->insn_len;

	if (op->mode == HV_X86_MODE_PROT32)
		ip = (u32)ip;
	else if (op->mode != HV_X86_MODE_LONG64)
		ip = (u16)ip;
	regs->rip = ip;
	regs->rflags &= ~(u64)HV_X86_RFLAGS_RF;
	op->phase = PHASE_RETIRED;
	return HV_X86_MMIO_DONE;
}

/* Add @delta to rSI, rDI or rCX as a register of the address size. */
static void add_addr_reg(struct hv_x86_regs *regs, u8 reg, u64 delta,
			 unsigned int addr_size)
{
	write_reg(regs, reg, addr_size, false, regs->gpr[reg] + delta);
}

/* One element of MOVS, STOS or LODS: step rSI/rDI, count down rCX. */
static int complete_string(struct hv_x86_mmio *op, u64 value,
			   struct hv_x86_regs *regs)
{
	u64 step = (op->flags & HV_X86_MMIO_DOWN) ? -(u64)op->size : op->size;

	if (op->kind == C_LODS)
		write_dest(regs, op, value);
	if (op->kind != C_STOS)
		add_addr_reg(regs, HV_X86_RSI, step, op->addr_size);
	if (op->kind != C_LODS)
		add_addr_reg(regs, HV_X86_RDI, step, op->addr_size);

	if (op->flags & HV_X86_MMIO_REP) {
		add_addr_reg(regs, HV_X86_RCX, -1ULL, op->addr_size);
		if (regs->gpr[HV_X86_RCX] & size_mask(op->addr_size)) {
			op->phase = PHASE_RETIRED;
			return HV_X86_MMIO_REPEAT;
		}
	}
	return retire(op, regs);
}

/* Turn the read half of a read-modify-write into its write half. */
static int start_write(struct hv_x86_mmio *op, u64 data, u64 pending)
{
	op->is_write = true;
	op->data = data & size_mask(op->size);
	op->pending = pending;
	op->phase = PHASE_WRITE;
	return HV_X86_MMIO_WRITE_NEXT;
}

/* The write half is done: commit what the read half computed. */
static int complete_write_phase(struct hv_x86_mmio *op,
				struct hv_x86_regs *regs)
{
	u64 mask;

	if (op->kind == C_XCHG) {
		write_dest(regs, op, op->pending);
	} else {
		mask = alu_flag_mask(op->alu);
		regs->rflags = (regs->rflags & ~mask) | (op->pending & mask);
	}
	return retire(op, regs);
}

/* The decoded access is done; @value is what a read returned. */
static int complete_access(struct hv_x86_mmio *op, u64 value,
			   struct hv_x86_regs *regs)
{
	u64 rflags = regs->rflags, res;

	value &= size_mask(op->size);
	switch (op->kind) {
	case C_LOAD:
		if (op->ext == HV_X86_EXT_SIGN)
			value = sign_extend(value, op->size);
		write_dest(regs, op, value);
		break;
	case C_ALU_REG:
		res = alu_compute(op->alu, op->src, value, op->size, &rflags);
		regs->rflags = rflags;
		if (op->reg != HV_X86_REG_NONE)
			write_dest(regs, op, res);
		break;
	case C_ALU_MEM:
		res = alu_compute(op->alu, value, op->src, op->size, &rflags);
		if (op->flags & HV_X86_MMIO_RMW)
			return start_write(op, res, rflags);
		regs->rflags = rflags;
		break;
	case C_XCHG:
		return start_write(op, op->src, value);
	case C_STOS:
	case C_LODS:
	case C_MOVS:
		return complete_string(op, value, regs);
	default:	/* C_STORE */
		break;
	}
	return retire(op, regs);
}

/* Reject an @op that decode did not produce, before indexing with it. */
static bool op_valid(const struct hv_x86_mmio *op)
{
	if (op->size != 1 && op->size != 2 && op->size != 4 && op->size != 8)
		return false;
	if (op->reg != HV_X86_REG_NONE && op->reg >= HV_X86_NR_GPRS)
		return false;
	return op->kind <= C_MOVS && op->mode <= HV_X86_MODE_LONG64;
}

int hv_x86_mmio_complete(struct hv_x86_mmio *op, u64 value,
			 struct hv_x86_regs *regs)
{
	if (!op_valid(op))
		return -EINVAL;

	switch (op->phase) {
	case PHASE_ACCESS:
		return complete_access(op, value, regs);
	case PHASE_WRITE:
		return complete_write_phase(op, regs);
	default:
		return -EINVAL;
	}
}

void hv_x86_mmio_put_data(const struct hv_x86_mmio *op, u8 buf[8])
{
	unsigned int i;

	for (i = 0; i < 8; i++)
		buf[i] = i < op->size ? (u8)(op->data >> (i * 8)) : 0;
}

u64 hv_x86_mmio_get_data(const struct hv_x86_mmio *op, const u8 buf[8])
{
	unsigned int i;
	u64 val = 0;

	for (i = 0; i < op->size && i < 8; i++)
		val |= (u64)buf[i] << (i * 8);
	return val;
}

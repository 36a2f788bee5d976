/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared by the tests of arch/x86/hv/emulate.c. */
#ifndef _HV_EMULATE_TEST_H
#define _HV_EMULATE_TEST_H

#include <linux/types.h>

#include "emulate.h"

/*
 * What decoding a vector must produce, with the registers of
 * pattern_regs(): byte j of register i is (i << 4 | (j + 1)), so RAX is
 * 0x0807060504030201, AH is 0x02, SIL is 0x61 and R15 0xf8f7...f1.
 */
struct expect {
	int ret;
	bool is_write;
	u8 size;
	u8 reg;
	u8 reg_size;	/* 0 means @size */
	u8 ext;
	u8 segx;	/* segment + 1; 0 means DS */
	u16 flags;
	u64 data;
};

/*
 * One instruction, exactly: @len bytes.  @text is its GNU as Intel syntax,
 * or "raw: description" for encodings no assembler emits (redundant
 * prefixes, aliases, invalid forms); binutils_check.py re-assembles the
 * first kind and has objdump measure the second.
 */
struct vector {
	const char *text;
	u8 mode;
	u8 len;
	u8 bytes[HV_X86_MAX_INSN_LEN + 1];
	struct expect e;
};

extern const struct vector emulate_vectors[];
extern const unsigned int emulate_nr_vectors;

#endif

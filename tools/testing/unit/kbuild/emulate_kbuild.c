// SPDX-License-Identifier: GPL-2.0-only
/*
 * A caller of arch/x86/hv/emulate.c for the scratch kbuild check: it only
 * has to compile, link and load; it runs one decode and completion.
 */
#include <linux/module.h>

#include "emulate.h"

static int __init emulate_kbuild_init(void)
{
	static const u8 insn[] = { 0x09, 0x08 };	/* or [rax], ecx */
	struct hv_x86_regs regs = { .rflags = 2 };
	struct hv_x86_mmio op;
	u8 buf[8] = { 0x80 };
	int ret;

	ret = hv_x86_decode_mmio(insn, sizeof(insn), HV_X86_MODE_LONG64,
				 &regs, &op);
	if (ret)
		return ret;
	ret = hv_x86_mmio_complete(&op, hv_x86_mmio_get_data(&op, buf), &regs);
	if (ret == HV_X86_MMIO_WRITE_NEXT) {
		hv_x86_mmio_put_data(&op, buf);
		ret = hv_x86_mmio_complete(&op, 0, &regs);
	}
	return ret < 0 ? ret : 0;
}

static void __exit emulate_kbuild_exit(void)
{
}

module_init(emulate_kbuild_init);
module_exit(emulate_kbuild_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("hv: build check of the MMIO instruction emulator");

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Compile hv's uapi headers the way hv's modules see them: in a kernel
 * build (kernel <linux/types.h>, no libc), with W=1, next to the kernel's
 * Hyper-V headers.  Those already own many hv_* and HV_* names, so a new
 * name in our headers that collides with them fails here, not later in
 * some backend that happens to include both.
 */
#include <linux/build_bug.h>
#include <linux/module.h>
#include <linux/hyperv.h>
#include <asm/mshyperv.h>
#include <linux/hv.h>

/* The sizes abi-clients.md lists; abi_check.py checks everything else. */
static_assert(sizeof(struct hv_run) == 2352);
static_assert(sizeof(struct hv_regs) == 144);
static_assert(sizeof(struct hv_sregs) == 312);
static_assert(sizeof(struct hv_sregs2) == 320);
static_assert(sizeof(struct hv_xsave) == 4096);
static_assert(sizeof(struct hv_nested_state) == 128);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("hv uapi header build test (not meant to be loaded)");
MODULE_AUTHOR("hv developers");

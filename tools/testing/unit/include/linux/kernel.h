/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace stand-in for the kernel's <linux/kernel.h>, for unit tests:
 * only what hv code compiled by tools/testing/unit uses.
 */
#ifndef _HV_UNIT_LINUX_KERNEL_H
#define _HV_UNIT_LINUX_KERNEL_H

#include <linux/types.h>

#define __printf(a, b)		__attribute__((__format__(__printf__, a, b)))

#define ARRAY_SIZE(arr)		(sizeof(arr) / sizeof((arr)[0]))

#define min_t(type, x, y) \
	({ type __x = (x); type __y = (y); __x < __y ? __x : __y; })
#define max_t(type, x, y) \
	({ type __x = (x); type __y = (y); __x > __y ? __x : __y; })

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
/* Userspace stand-in for the kernel's <linux/types.h>, for unit tests. */
#ifndef _HV_UNIT_LINUX_TYPES_H
#define _HV_UNIT_LINUX_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* As the kernel's asm-generic/int-ll64.h. */
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef signed char s8;
typedef signed short s16;
typedef signed int s32;
typedef signed long long s64;

#endif

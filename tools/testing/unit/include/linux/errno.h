/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace stand-in for the kernel's <linux/errno.h>: the uapi error
 * numbers, which are the kernel's.  glibc's <errno.h> includes
 * <linux/errno.h> too, and so reaches this file.
 */
#ifndef _HV_UNIT_LINUX_ERRNO_H
#define _HV_UNIT_LINUX_ERRNO_H

#include <asm/errno.h>

#endif

/* SPDX-License-Identifier: GPL-2.0-only */
/* Userspace stand-in for the kernel's <linux/string.h>, for unit tests. */
#ifndef _HV_UNIT_LINUX_STRING_H
#define _HV_UNIT_LINUX_STRING_H

#include <string.h>

#endif

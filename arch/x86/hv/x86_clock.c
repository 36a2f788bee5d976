// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VM's kvmclock base (HV_GET_CLOCK / HV_SET_CLOCK): not yet.
 */
#define pr_fmt(fmt) "hv: " fmt

#include <linux/hv_host.h>

#include "irqchip.h"

long hv_x86_clock_vm_ioctl(struct hv_vm *vm, unsigned int cmd,
			   unsigned long arg)
{
	return -ENOTTY;
}

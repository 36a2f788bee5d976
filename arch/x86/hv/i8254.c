// SPDX-License-Identifier: GPL-2.0-only
/*
 * The 8254 programmable interval timer (HV_CREATE_PIT2): not yet.
 */
#define pr_fmt(fmt) "hv: " fmt

#include <linux/hv_host.h>

#include "irqchip.h"

void hv_pit_destroy(struct hv_vm *vm)
{
}

void hv_pit_pin_unmasked(struct hv_vm *vm, unsigned int irqchip,
			 unsigned int pin)
{
}

long hv_pit_vm_ioctl(struct hv_vm *vm, unsigned int cmd, unsigned long arg)
{
	return -ENOTTY;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * The x86 in-kernel irqchip's VM-level glue: whether it exists, and how
 * a GSI routing entry reaches a controller (arch/x86/hv/irqchip.h).
 */
#define pr_fmt(fmt) "hv: " fmt

#include <linux/hv_host.h>

#include "irqchip.h"

bool hv_arch_irqchip_in_kernel(struct hv_vm *vm)
{
	return hv_irqchip_in_kernel(vm);
}

int hv_arch_set_routing_entry(struct hv_vm *vm,
			      struct hv_kernel_irq_routing_entry *e,
			      const struct hv_irq_routing_entry *ue)
{
	return -EINVAL;
}

/* After every vCPU is gone, before the backend's part. */
void hv_arch_vm_destroy(struct hv_vm *vm)
{
}

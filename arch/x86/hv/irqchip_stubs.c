// SPDX-License-Identifier: GPL-2.0-only
/*
 * TEMPORARY: link stubs for what the lapic and irq-generic branches
 * implement, so this branch builds and its ioctls can be tested alone.
 * Drop this commit when merging them.
 */
#include <linux/hv_host.h>

#include "irqchip.h"

int hv_set_irq_routing(struct hv_vm *vm, const struct hv_irq_routing_entry *ue,
		       unsigned int nr, unsigned int flags)
{
	return 0;
}

int hv_set_irq(struct hv_vm *vm, int irq_source_id, u32 gsi, int level,
	       bool line_status)
{
	return -1;
}

int hv_irq_map_chip_pin(struct hv_vm *vm, unsigned int irqchip,
			unsigned int pin)
{
	return -1;
}

void hv_notify_acked_irq(struct hv_vm *vm, unsigned int irqchip,
			 unsigned int pin)
{
}

void hv_register_irq_ack_notifier(struct hv_vm *vm,
				  struct hv_irq_ack_notifier *kian)
{
}

void hv_unregister_irq_ack_notifier(struct hv_vm *vm,
				    struct hv_irq_ack_notifier *kian)
{
}

int hv_irq_delivery_to_apic(struct hv_vm *vm, struct hv_lapic *src,
			    const struct hv_lapic_irq *irq)
{
	return -1;
}

int hv_x86_set_msi(struct hv_kernel_irq_routing_entry *e, struct hv_vm *vm,
		   int irq_source_id, int level, bool line_status)
{
	return -1;
}

bool hv_lapic_accepts_pic_intr(struct hv_vcpu *vcpu)
{
	return false;
}

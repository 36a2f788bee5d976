// SPDX-License-Identifier: GPL-2.0-only
/*
 * The x86 in-kernel irqchip's VM-level glue: HV_CREATE_IRQCHIP and
 * HV_GET/SET_IRQCHIP, whether the irqchip exists, how a GSI routing entry
 * reaches a controller (arch/x86/hv/irqchip.h), and the VM ioctls of the
 * PIT and the clock, dispatched from here.
 */
#define pr_fmt(fmt) "hv: " fmt

#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/hv_host.h>

#include "irqchip.h"

bool hv_arch_irqchip_in_kernel(struct hv_vm *vm)
{
	return hv_irqchip_in_kernel(vm);
}

static int hv_x86_set_pic_irq(struct hv_kernel_irq_routing_entry *e,
			      struct hv_vm *vm, int irq_source_id, int level,
			      bool line_status)
{
	return hv_pic_set_irq(vm, e->irqchip.pin, irq_source_id, level);
}

static int hv_x86_set_ioapic_irq(struct hv_kernel_irq_routing_entry *e,
				 struct hv_vm *vm, int irq_source_id,
				 int level, bool line_status)
{
	return hv_ioapic_set_irq(vm, e->irqchip.pin, irq_source_id, level,
				 line_status);
}

/*
 * As KVM, the PIC's 16 inputs are one pin space: a slave pin is stored
 * as 8-15, so hv_irq_map_chip_pin(vm, HV_IRQCHIP_PIC_SLAVE, 8 + n) finds
 * the GSI of the slave's IRn and hv_pic_set_irq() gets the IRQ number.
 */
int hv_arch_set_routing_entry(struct hv_vm *vm,
			      struct hv_kernel_irq_routing_entry *e,
			      const struct hv_irq_routing_entry *ue)
{
	/* Device IDs in MSIs are an ARM GIC ITS notion (HV_CAP_MSI_DEVID). */
	if (ue->flags)
		return -EINVAL;
	e->gsi = ue->gsi;
	e->type = ue->type;
	switch (ue->type) {
	case HV_IRQ_ROUTING_IRQCHIP:
		e->irqchip.irqchip = ue->u.irqchip.irqchip;
		e->irqchip.pin = ue->u.irqchip.pin;
		switch (ue->u.irqchip.irqchip) {
		case HV_IRQCHIP_PIC_SLAVE:
		case HV_IRQCHIP_PIC_MASTER:
			if (ue->u.irqchip.pin >= 8)
				return -EINVAL;
			if (ue->u.irqchip.irqchip == HV_IRQCHIP_PIC_SLAVE)
				e->irqchip.pin += 8;
			e->set = hv_x86_set_pic_irq;
			return 0;
		case HV_IRQCHIP_IOAPIC:
			if (ue->u.irqchip.pin >= HV_IOAPIC_NUM_PINS)
				return -EINVAL;
			e->set = hv_x86_set_ioapic_irq;
			return 0;
		default:
			return -EINVAL;
		}
	case HV_IRQ_ROUTING_MSI:
		e->msi.address_lo = ue->u.msi.address_lo;
		e->msi.address_hi = ue->u.msi.address_hi;
		e->msi.data = ue->u.msi.data;
		e->msi.flags = 0;
		e->msi.devid = 0;
		e->set = hv_x86_set_msi;
		return 0;
	default:
		return -EINVAL;
	}
}

/*
 * KVM's default table (irq_comm.c default_routing): GSI 0-15 go to the
 * IOAPIC pin of the same number and to the PIC (master 0-7, slave
 * 8-15); GSI 16-23 only to the IOAPIC.  The ISA IRQ0 -> IOAPIC pin 2
 * override the MADT describes is the VMM's business (QEMU installs its
 * own table); KVM's default has none and neither has this one.
 */
static int hv_x86_setup_default_routing(struct hv_vm *vm)
{
	struct hv_irq_routing_entry *ue;
	unsigned int gsi, n = 0;
	int r;

	ue = kcalloc(16 * 2 + 8, sizeof(*ue), GFP_KERNEL_ACCOUNT);
	if (!ue)
		return -ENOMEM;
	for (gsi = 0; gsi < HV_IOAPIC_NUM_PINS; gsi++) {
		ue[n].gsi = gsi;
		ue[n].type = HV_IRQ_ROUTING_IRQCHIP;
		ue[n].u.irqchip.irqchip = HV_IRQCHIP_IOAPIC;
		ue[n].u.irqchip.pin = gsi;
		n++;
		if (gsi >= 16)
			continue;
		ue[n].gsi = gsi;
		ue[n].type = HV_IRQ_ROUTING_IRQCHIP;
		ue[n].u.irqchip.irqchip = gsi < 8 ? HV_IRQCHIP_PIC_MASTER :
						    HV_IRQCHIP_PIC_SLAVE;
		ue[n].u.irqchip.pin = gsi % 8;
		n++;
	}
	r = hv_set_irq_routing(vm, ue, n, 0);
	kfree(ue);
	return r;
}

/*
 * HV_CREATE_IRQCHIP: the PIC pair, the IOAPIC and the default routing.
 * Only before the first vCPU (KVM checks under kvm->lock that none was
 * created: vCPUs created later get a local APIC).
 */
static int hv_x86_create_irqchip(struct hv_vm *vm)
{
	int r;

	mutex_lock(&vm->lock);
	r = -EEXIST;
	if (vm->arch.irqchip_in_kernel)
		goto out;
	r = -EINVAL;
	if (vm->created_vcpus)
		goto out;
	r = hv_pic_create(vm);
	if (r)
		goto out;
	r = hv_ioapic_create(vm);
	if (r)
		goto err_pic;
	r = hv_x86_setup_default_routing(vm);
	if (r)
		goto err_ioapic;
	/* Pairs with smp_load_acquire() in hv_irqchip_in_kernel(). */
	smp_store_release(&vm->arch.irqchip_in_kernel, true);
	mutex_unlock(&vm->lock);
	return 0;

err_ioapic:
	hv_ioapic_destroy(vm);
err_pic:
	hv_pic_destroy(vm);
out:
	mutex_unlock(&vm->lock);
	return r;
}

/* HV_GET_IRQCHIP (@set false) and HV_SET_IRQCHIP. */
static int hv_x86_irqchip_state(struct hv_vm *vm, struct hv_irqchip __user *argp,
				bool set)
{
	struct hv_irqchip *chip;
	int r = 0;

	chip = memdup_user(argp, sizeof(*chip));
	if (IS_ERR(chip))
		return PTR_ERR(chip);
	if (!hv_irqchip_in_kernel(vm)) {
		r = -ENXIO;
		goto out;
	}
	switch (chip->chip_id) {
	case HV_IRQCHIP_PIC_MASTER:
	case HV_IRQCHIP_PIC_SLAVE:
		if (set)
			hv_pic_set_state(vm, chip->chip_id ==
					 HV_IRQCHIP_PIC_SLAVE, &chip->chip.pic);
		else
			hv_pic_get_state(vm, chip->chip_id ==
					 HV_IRQCHIP_PIC_SLAVE, &chip->chip.pic);
		break;
	case HV_IRQCHIP_IOAPIC:
		if (set)
			hv_ioapic_set_state(vm, &chip->chip.ioapic);
		else
			hv_ioapic_get_state(vm, &chip->chip.ioapic);
		break;
	default:
		r = -EINVAL;
		goto out;
	}
	if (!set && copy_to_user(argp, chip, sizeof(*chip)))
		r = -EFAULT;
out:
	kfree(chip);
	return r;
}

/* The VM ioctls of the irqchip, the PIT and the clock; -ENOTTY others. */
long hv_x86_irqchip_vm_ioctl(struct hv_vm *vm, unsigned int cmd,
			     unsigned long arg)
{
	void __user *argp = (void __user *)arg;

	switch (cmd) {
	case HV_CREATE_IRQCHIP:
		return hv_x86_create_irqchip(vm);
	case HV_GET_IRQCHIP:
		return hv_x86_irqchip_state(vm, argp, false);
	case HV_SET_IRQCHIP:
		return hv_x86_irqchip_state(vm, argp, true);
	case HV_CREATE_PIT:
	case HV_CREATE_PIT2:
	case HV_GET_PIT:
	case HV_SET_PIT:
	case HV_GET_PIT2:
	case HV_SET_PIT2:
	case HV_REINJECT_CONTROL:
		return hv_pit_vm_ioctl(vm, cmd, arg);
	case HV_GET_CLOCK:
	case HV_SET_CLOCK:
		return hv_x86_clock_vm_ioctl(vm, cmd, arg);
	default:
		return -ENOTTY;
	}
}

/*
 * After every vCPU is gone, before the backend's part: the PIT first
 * (its worker raises lines on the PIC and IOAPIC), then the chips.
 */
void hv_arch_vm_destroy(struct hv_vm *vm)
{
	hv_pit_destroy(vm);
	hv_ioapic_destroy(vm);
	hv_pic_destroy(vm);
}

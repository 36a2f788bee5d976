/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * In-kernel devices and interrupt routing.
 *
 * The core (virt/hv/) owns what is the same on every architecture:
 *  - I/O buses (hv_iobus.c): in-kernel devices claim ranges of guest
 *    physical addresses (MMIO bus) or ports (PIO bus); an exit on such an
 *    address is handled by the device instead of userspace;
 *  - GSI routing (hv_irqchip.c): HV_SET_GSI_ROUTING, HV_IRQ_LINE(_STATUS),
 *    HV_SIGNAL_MSI, and the ack notifiers an interrupt controller calls on
 *    EOI (level-triggered resampling, the PIT's reinjection);
 *  - irqfd and ioeventfd (hv_eventfd.c), coalesced MMIO (hv_coalesced_mmio.c).
 * The architecture owns the interrupt controllers themselves (x86: PIC,
 * IOAPIC, local APIC, PIT in arch/x86/hv/) and tells the core, through
 * the hooks at the end of this file, how a routing entry reaches them.
 *
 * Locking (Documentation/virt/hv/locking.rst):
 *  - the buses are published with RCU; readers hold hv_vm.srcu (every
 *    vCPU ioctl does), writers hold hv_vm.slots_lock and wait for readers
 *    before a removed device may be freed;
 *  - the routing table is published with RCU too; readers hold
 *    hv_vm.irq_srcu, writers hold hv_vm.irq_lock;
 *  - ack notifiers are an RCU list under hv_vm.irq_lock, read under
 *    hv_vm.irq_srcu.
 */
#ifndef _LINUX_HV_IRQ_H
#define _LINUX_HV_IRQ_H

#include <linux/list.h>
#include <linux/types.h>
#include <linux/hv.h>

struct hv_vm;
struct hv_vcpu;

/* ------------------------------------------------------------------ */
/* I/O buses                                                           */

enum hv_bus {
	HV_MMIO_BUS,
	HV_PIO_BUS,
	HV_NR_BUSES,
};

/* Devices on one bus, as KVM's NR_IOBUS_DEVS. */
#define HV_IO_BUS_MAX_DEVS	1000

struct hv_io_device;

/**
 * struct hv_io_device_ops - an in-kernel device's accesses
 * @read:	a guest read of @len bytes at @addr into @val.
 * @write:	a guest write of @len bytes at @addr from @val.
 *
 * Both run in the vCPU thread (@vcpu) with hv_vm.srcu held, preemption
 * enabled; they must not sleep for long (no userspace faults).  Return
 * 0 when the device handled the access, -EOPNOTSUPP when it declines
 * (the bus then tries the next device on the range, then userspace).
 * A missing op declines.
 */
struct hv_io_device_ops {
	int (*read)(struct hv_vcpu *vcpu, struct hv_io_device *dev,
		    u64 addr, int len, void *val);
	int (*write)(struct hv_vcpu *vcpu, struct hv_io_device *dev,
		     u64 addr, int len, const void *val);
};

/* Embedded in the device's own structure (container_of). */
struct hv_io_device {
	const struct hv_io_device_ops *ops;
};

/*
 * Add @dev for [@addr, @addr + @len) on @bus; several devices may claim
 * overlapping ranges (ioeventfds with different data).  -ENOSPC beyond
 * HV_IO_BUS_MAX_DEVS, -ENOMEM.  hv_vm.slots_lock held.
 */
int hv_io_bus_register(struct hv_vm *vm, enum hv_bus bus, u64 addr, int len,
		       struct hv_io_device *dev);
/*
 * Remove every range of @dev from @bus and wait until no vCPU can be in
 * its ops: on return the caller may free it.  hv_vm.slots_lock held.
 */
void hv_io_bus_unregister(struct hv_vm *vm, enum hv_bus bus,
			  struct hv_io_device *dev);
/*
 * An access by @vcpu: 0 if a device handled it, -EOPNOTSUPP if none did.
 * Accesses spanning two devices' ranges are not split: a device sees only
 * accesses wholly inside its range.  hv_vm.srcu held.
 */
int hv_io_bus_write(struct hv_vcpu *vcpu, enum hv_bus bus, u64 addr, int len,
		    const void *val);
int hv_io_bus_read(struct hv_vcpu *vcpu, enum hv_bus bus, u64 addr, int len,
		   void *val);

/* ------------------------------------------------------------------ */
/* GSI routing                                                         */

/* Sources of a level on an interrupt controller pin (OR-ed per pin). */
#define HV_USERSPACE_IRQ_SOURCE_ID		0
#define HV_IRQFD_RESAMPLE_IRQ_SOURCE_ID		1
#define HV_PIT_IRQ_SOURCE_ID			2
#define HV_NR_IRQ_SOURCES			3

/* GSIs a routing table may name, as KVM_MAX_IRQ_ROUTES. */
#define HV_MAX_IRQ_ROUTES	4096

/**
 * struct hv_kernel_irq_routing_entry - one route of a GSI
 * @gsi:	the GSI.
 * @type:	HV_IRQ_ROUTING_IRQCHIP or HV_IRQ_ROUTING_MSI.
 * @set:	raise (@level 1) or lower (0) the GSI through this route;
 *		set by hv_arch_set_routing_entry().  Returns <0 if the
 *		interrupt was not delivered (masked, no destination), 0 if it
 *		was coalesced with one already pending, >0 if delivered (the
 *		HV_IRQ_LINE_STATUS convention).  May be called from the
 *		vCPU thread, the VM ioctl, or the irqfd work item (process
 *		context); must not sleep.
 * @irqchip:	HV_IRQ_ROUTING_IRQCHIP: controller (HV_IRQCHIP_*) and pin.
 * @msi:	HV_IRQ_ROUTING_MSI: the message, as userspace gave it.
 * @link:	in hv_irq_routing_table.map[@gsi].
 */
struct hv_kernel_irq_routing_entry {
	u32 gsi;
	u32 type;
	int (*set)(struct hv_kernel_irq_routing_entry *e, struct hv_vm *vm,
		   int irq_source_id, int level, bool line_status);
	union {
		struct {
			unsigned int irqchip;
			unsigned int pin;
		} irqchip;
		struct {
			u32 address_lo;
			u32 address_hi;
			u32 data;
			u32 flags;
			u32 devid;
		} msi;
	};
	struct hlist_node link;
};

/**
 * struct hv_irq_routing_table - a GSI routing table, immutable once
 *	published
 * @chip:	GSI of each (irqchip, pin), or -1.
 * @nr_rt_entries: GSIs in @map (highest GSI + 1).
 * @map:	routes of each GSI.
 */
struct hv_irq_routing_table {
	int chip[HV_NR_IRQCHIPS][HV_IRQCHIP_NUM_PINS];
	u32 nr_rt_entries;
	struct hlist_head map[];
};

/**
 * struct hv_irq_ack_notifier - called when a guest acknowledges (EOIs)
 *	the interrupt of a GSI routed to an irqchip pin
 * @link:	in hv_vm.irq_ack_notifier_list.
 * @gsi:	the GSI to watch.
 * @irq_acked:	the callback; hv_vm.irq_srcu held, must not sleep.
 */
struct hv_irq_ack_notifier {
	struct hlist_node link;
	unsigned int gsi;
	void (*irq_acked)(struct hv_irq_ack_notifier *kian);
};

/*
 * Replace the VM's routing table (HV_SET_GSI_ROUTING, and the arch's
 * default table at HV_CREATE_IRQCHIP).  @flags must be 0.  Validates
 * every entry (-EINVAL), waits for readers of the old table, then
 * updates the irqfds' cached routes.  Takes hv_vm.irq_lock.
 */
int hv_set_irq_routing(struct hv_vm *vm,
		       const struct hv_irq_routing_entry *ue,
		       unsigned int nr, unsigned int flags);
/*
 * Raise or lower @gsi from @irq_source_id through all its routes.
 * Returns the merged status of the routes (see .set), -1 without routes.
 */
int hv_set_irq(struct hv_vm *vm, int irq_source_id, u32 gsi, int level,
	       bool line_status);
/* The GSI an irqchip pin is routed from, or -1. */
int hv_irq_map_chip_pin(struct hv_vm *vm, unsigned int irqchip,
			unsigned int pin);
/* Whether an ack notifier watches the GSI of (@irqchip, @pin). */
bool hv_irq_has_notifier(struct hv_vm *vm, unsigned int irqchip,
			 unsigned int pin);
/* Called by an interrupt controller when the guest EOIs (@irqchip, @pin). */
void hv_notify_acked_irq(struct hv_vm *vm, unsigned int irqchip,
			 unsigned int pin);
void hv_register_irq_ack_notifier(struct hv_vm *vm,
				  struct hv_irq_ack_notifier *kian);
void hv_unregister_irq_ack_notifier(struct hv_vm *vm,
				    struct hv_irq_ack_notifier *kian);

/* ------------------------------------------------------------------ */
/* Provided by the architecture (x86: arch/x86/hv/x86_irqchip.c)      */

/* HV_CREATE_IRQCHIP has completed: routing and eventfds may be used. */
bool hv_arch_irqchip_in_kernel(struct hv_vm *vm);
/*
 * Check a userspace routing entry and fill @e (type, union, .set).
 * -EINVAL for an unknown type, chip, pin or MSI flags.
 */
int hv_arch_set_routing_entry(struct hv_vm *vm,
			      struct hv_kernel_irq_routing_entry *e,
			      const struct hv_irq_routing_entry *ue);

#endif /* _LINUX_HV_IRQ_H */

// SPDX-License-Identifier: GPL-2.0-only
/*
 * GSI routing: which interrupt controller pins or MSI messages a GSI
 * (a line number userspace, irqfds and in-kernel devices raise) reaches,
 * and the ack notifiers a controller calls when the guest EOIs a pin.
 *
 * The table is immutable once published (RCU): hv_set_irq() looks a GSI
 * up under hv_vm.irq_srcu without a lock; HV_SET_GSI_ROUTING builds a new
 * table, swaps it in under hv_vm.irq_lock and frees the old one after
 * the SRCU grace period (Documentation/virt/hv/locking.rst).
 *
 * A GSI may have one route per irqchip (x86 ISA interrupts go to both
 * the PIC and the IOAPIC, the guest uses one of them) or exactly one
 * route of another kind (MSI): KVM's rule, which bounds the routes of a
 * GSI by HV_NR_IRQCHIPS.
 */
#define pr_fmt(fmt) "hv: " fmt

#include <linux/nospec.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/hv_host.h>

#include "hv_internal.h"

static struct hv_irq_routing_table *hv_irq_table(struct hv_vm *vm)
{
	return srcu_dereference_check(vm->irq_routing, &vm->irq_srcu,
				      lockdep_is_held(&vm->irq_lock));
}

/*
 * Copy the routes of @gsi into @entries (at most HV_NR_IRQCHIPS, see the
 * top of the file); returns how many.  irq_srcu or irq_lock held.
 */
int hv_irq_map_gsi(struct hv_vm *vm,
		   struct hv_kernel_irq_routing_entry *entries, u32 gsi)
{
	struct hv_irq_routing_table *rt = hv_irq_table(vm);
	struct hv_kernel_irq_routing_entry *e;
	int n = 0;

	if (!rt || gsi >= rt->nr_rt_entries)
		return 0;
	gsi = array_index_nospec(gsi, rt->nr_rt_entries);
	hlist_for_each_entry(e, &rt->map[gsi], link) {
		if (n == HV_NR_IRQCHIPS)
			break;
		entries[n++] = *e;
	}
	return n;
}

/**
 * hv_set_irq - raise or lower a GSI through all its routes
 * @vm: the VM.
 * @irq_source_id: HV_*_IRQ_SOURCE_ID; levels of sources are OR-ed per pin.
 * @gsi: the GSI.
 * @level: 1 to raise, 0 to lower.
 * @line_status: the caller wants the IOAPIC's coalescing status.
 *
 * The routes are copied under irq_srcu and called after it is dropped,
 * as KVM does: a controller may take its own locks in .set.
 *
 * Return: -1 when no route delivered (or there is none), else the sum
 * of the non-negative results (0: coalesced, >0: delivered).
 */
int hv_set_irq(struct hv_vm *vm, int irq_source_id, u32 gsi, int level,
	       bool line_status)
{
	struct hv_kernel_irq_routing_entry routes[HV_NR_IRQCHIPS];
	int n, idx, ret = -1;

	idx = srcu_read_lock(&vm->irq_srcu);
	n = hv_irq_map_gsi(vm, routes, gsi);
	srcu_read_unlock(&vm->irq_srcu, idx);

	while (n--) {
		int r = routes[n].set(&routes[n], vm, irq_source_id, level,
				      line_status);

		if (r >= 0)
			ret = (ret < 0 ? 0 : ret) + r;
	}
	return ret;
}
EXPORT_SYMBOL_GPL(hv_set_irq);

int hv_irq_map_chip_pin(struct hv_vm *vm, unsigned int irqchip,
			unsigned int pin)
{
	struct hv_irq_routing_table *rt;
	int idx, gsi = -1;

	if (irqchip >= HV_NR_IRQCHIPS || pin >= HV_IRQCHIP_NUM_PINS)
		return -1;
	idx = srcu_read_lock(&vm->irq_srcu);
	rt = srcu_dereference(vm->irq_routing, &vm->irq_srcu);
	if (rt)
		gsi = rt->chip[irqchip][pin];
	srcu_read_unlock(&vm->irq_srcu, idx);
	return gsi;
}
EXPORT_SYMBOL_GPL(hv_irq_map_chip_pin);

bool hv_irq_has_notifier(struct hv_vm *vm, unsigned int irqchip,
			 unsigned int pin)
{
	struct hv_irq_ack_notifier *kian;
	bool found = false;
	int gsi, idx;

	idx = srcu_read_lock(&vm->irq_srcu);
	gsi = hv_irq_map_chip_pin(vm, irqchip, pin);
	if (gsi >= 0) {
		hlist_for_each_entry_srcu(kian, &vm->irq_ack_notifier_list,
					  link,
					  srcu_read_lock_held(&vm->irq_srcu)) {
			if (kian->gsi == gsi) {
				found = true;
				break;
			}
		}
	}
	srcu_read_unlock(&vm->irq_srcu, idx);
	return found;
}
EXPORT_SYMBOL_GPL(hv_irq_has_notifier);

/*
 * The guest EOI'd (@irqchip, @pin): run the notifiers of its GSI.  The
 * caller must not hold a lock the notifiers take through hv_set_irq()
 * (the controller's own lock): KVM's IOAPIC drops it around this call.
 */
void hv_notify_acked_irq(struct hv_vm *vm, unsigned int irqchip,
			 unsigned int pin)
{
	struct hv_irq_ack_notifier *kian;
	int gsi, idx;

	idx = srcu_read_lock(&vm->irq_srcu);
	gsi = hv_irq_map_chip_pin(vm, irqchip, pin);
	if (gsi >= 0) {
		hlist_for_each_entry_srcu(kian, &vm->irq_ack_notifier_list,
					  link,
					  srcu_read_lock_held(&vm->irq_srcu))
			if (kian->gsi == gsi)
				kian->irq_acked(kian);
	}
	srcu_read_unlock(&vm->irq_srcu, idx);
}
EXPORT_SYMBOL_GPL(hv_notify_acked_irq);

void hv_register_irq_ack_notifier(struct hv_vm *vm,
				  struct hv_irq_ack_notifier *kian)
{
	mutex_lock(&vm->irq_lock);
	hlist_add_head_rcu(&kian->link, &vm->irq_ack_notifier_list);
	mutex_unlock(&vm->irq_lock);
}
EXPORT_SYMBOL_GPL(hv_register_irq_ack_notifier);

/*
 * On return no callback of @kian runs or will run: the caller may free
 * it.  Must not be called inside an irq_srcu read section (it waits for
 * them), e.g. not from an ack notifier.
 */
void hv_unregister_irq_ack_notifier(struct hv_vm *vm,
				    struct hv_irq_ack_notifier *kian)
{
	mutex_lock(&vm->irq_lock);
	hlist_del_init_rcu(&kian->link);
	mutex_unlock(&vm->irq_lock);
	synchronize_srcu(&vm->irq_srcu);
}
EXPORT_SYMBOL_GPL(hv_unregister_irq_ack_notifier);

static void hv_irq_routing_table_free(struct hv_irq_routing_table *rt)
{
	struct hv_kernel_irq_routing_entry *e;
	struct hlist_node *tmp;
	u32 i;

	if (!rt)
		return;
	for (i = 0; i < rt->nr_rt_entries; i++) {
		hlist_for_each_entry_safe(e, tmp, &rt->map[i], link) {
			hlist_del(&e->link);
			kfree(e);
		}
	}
	kfree(rt);
}

/*
 * Check @ue (flags, the one-route-per-irqchip rule) and add its route to
 * @rt, which is not published yet.
 */
static int hv_irq_routing_add(struct hv_vm *vm, struct hv_irq_routing_table *rt,
			      const struct hv_irq_routing_entry *ue)
{
	struct hv_kernel_irq_routing_entry *e, *other;
	u32 gsi = array_index_nospec(ue->gsi, HV_MAX_IRQ_ROUTES);
	int r;

	/*
	 * Only an MSI route has flags (HV_MSI_VALID_DEVID, whose meaning
	 * the architecture decides); the padding is not checked, as KVM.
	 */
	if (ue->type == HV_IRQ_ROUTING_MSI) {
		if (ue->flags & ~HV_MSI_VALID_DEVID)
			return -EINVAL;
	} else if (ue->flags) {
		return -EINVAL;
	}
	/* At most one route per irqchip, or a single route of another kind. */
	hlist_for_each_entry(other, &rt->map[gsi], link)
		if (other->type != HV_IRQ_ROUTING_IRQCHIP ||
		    ue->type != HV_IRQ_ROUTING_IRQCHIP ||
		    other->irqchip.irqchip == ue->u.irqchip.irqchip)
			return -EINVAL;

	e = kzalloc(sizeof(*e), GFP_KERNEL_ACCOUNT);
	if (!e)
		return -ENOMEM;
	e->gsi = gsi;
	e->type = ue->type;
	r = hv_arch_set_routing_entry(vm, e, ue);
	/* The arch may not leave an entry it accepted unusable. */
	if (!r && (!e->set || e->type != ue->type ||
		   (e->type == HV_IRQ_ROUTING_IRQCHIP &&
		    (e->irqchip.irqchip >= HV_NR_IRQCHIPS ||
		     e->irqchip.pin >= HV_IRQCHIP_NUM_PINS))))
		r = -EINVAL;
	if (r) {
		kfree(e);
		return r;
	}
	if (e->type == HV_IRQ_ROUTING_IRQCHIP)
		rt->chip[e->irqchip.irqchip][e->irqchip.pin] = gsi;
	hlist_add_head(&e->link, &rt->map[gsi]);
	return 0;
}

/**
 * hv_set_irq_routing - replace the VM's GSI routing table
 * @vm: the VM.
 * @ue: @nr entries, in kernel memory.
 * @nr: entries; at most HV_MAX_IRQ_ROUTES.
 * @flags: must be 0.
 *
 * Return: 0, -EINVAL for a bad entry (the old table stays), -ENOMEM.
 */
int hv_set_irq_routing(struct hv_vm *vm,
		       const struct hv_irq_routing_entry *ue,
		       unsigned int nr, unsigned int flags)
{
	struct hv_irq_routing_table *new, *old;
	u32 i, j, nr_rt_entries = 0;
	int r;

	if (flags || nr > HV_MAX_IRQ_ROUTES)
		return -EINVAL;
	for (i = 0; i < nr; i++) {
		if (ue[i].gsi >= HV_MAX_IRQ_ROUTES)
			return -EINVAL;
		nr_rt_entries = max(nr_rt_entries, ue[i].gsi + 1);
	}

	new = kzalloc(struct_size(new, map, nr_rt_entries), GFP_KERNEL_ACCOUNT);
	if (!new)
		return -ENOMEM;
	new->nr_rt_entries = nr_rt_entries;
	for (i = 0; i < HV_NR_IRQCHIPS; i++)
		for (j = 0; j < HV_IRQCHIP_NUM_PINS; j++)
			new->chip[i][j] = -1;
	for (i = 0; i < nr; i++) {
		r = hv_irq_routing_add(vm, new, &ue[i]);
		if (r) {
			hv_irq_routing_table_free(new);
			return r;
		}
	}

	mutex_lock(&vm->irq_lock);
	old = rcu_dereference_protected(vm->irq_routing,
					lockdep_is_held(&vm->irq_lock));
	rcu_assign_pointer(vm->irq_routing, new);
	/* irqfds cache their route: refresh them before readers drain. */
	hv_irqfd_routing_update(vm);
	mutex_unlock(&vm->irq_lock);

	synchronize_srcu_expedited(&vm->irq_srcu);
	hv_irq_routing_table_free(old);
	return 0;
}
EXPORT_SYMBOL_GPL(hv_set_irq_routing);

/* At VM destruction: nothing can look the table up any more. */
void hv_irq_routing_free(struct hv_vm *vm)
{
	hv_irq_routing_table_free(rcu_dereference_protected(vm->irq_routing,
							    1));
	RCU_INIT_POINTER(vm->irq_routing, NULL);
}

/* ------------------------------------------------------------------ */
/* VM ioctls                                                           */

/*
 * HV_SET_GSI_ROUTING.  x86 KVM refuses it without an in-kernel irqchip
 * (-EINVAL); the size is bounded before anything is allocated.
 */
int hv_vm_ioctl_set_gsi_routing(struct hv_vm *vm,
				struct hv_irq_routing __user *argp)
{
	struct hv_irq_routing_entry *entries = NULL;
	struct hv_irq_routing routing;
	int r;

	if (copy_from_user(&routing, argp, sizeof(routing)))
		return -EFAULT;
	if (!hv_arch_irqchip_in_kernel(vm) ||
	    routing.nr > HV_MAX_IRQ_ROUTES || routing.flags)
		return -EINVAL;
	if (routing.nr) {
		entries = vmemdup_user(argp->entries,
				       array_size(sizeof(*entries),
						  routing.nr));
		if (IS_ERR(entries))
			return PTR_ERR(entries);
	}
	r = hv_set_irq_routing(vm, entries, routing.nr, routing.flags);
	kvfree(entries);
	return r;
}

/*
 * HV_IRQ_LINE and HV_IRQ_LINE_STATUS: userspace drives a GSI; the
 * _STATUS form reports hv_set_irq()'s result in the same structure.
 */
int hv_vm_ioctl_irq_line(struct hv_vm *vm, struct hv_irq_level __user *argp,
			 bool status)
{
	struct hv_irq_level irq;

	if (copy_from_user(&irq, argp, sizeof(irq)))
		return -EFAULT;
#ifdef HV_ARCH_HAS_IRQ_LINE
	/* arm64 encodes the interrupt's type and vCPU in irq.irq. */
	{
		int r = hv_arch_irq_line(vm, &irq, status);

		if (r)
			return r;
	}
#else
	if (!hv_arch_irqchip_in_kernel(vm))
		return -ENXIO;
	irq.status = hv_set_irq(vm, HV_USERSPACE_IRQ_SOURCE_ID, irq.irq,
				irq.level, status);
#endif
	if (status && copy_to_user(argp, &irq, sizeof(irq)))
		return -EFAULT;
	return 0;
}

/*
 * HV_SIGNAL_MSI: deliver one MSI as an MSI route would.  The result is
 * the route's: >0 delivered, 0 blocked, -1 (-EPERM to userspace, as on
 * KVM) not delivered.
 */
int hv_vm_ioctl_signal_msi(struct hv_vm *vm, struct hv_msi __user *argp)
{
	struct hv_kernel_irq_routing_entry e = {};
	struct hv_irq_routing_entry ue = {};
	struct hv_msi msi;
	int r;

	if (copy_from_user(&msi, argp, sizeof(msi)))
		return -EFAULT;
	if (!hv_arch_irqchip_in_kernel(vm) ||
	    (msi.flags & ~HV_MSI_VALID_DEVID))
		return -EINVAL;
	ue.type = HV_IRQ_ROUTING_MSI;
	ue.flags = msi.flags;
	ue.u.msi.address_lo = msi.address_lo;
	ue.u.msi.address_hi = msi.address_hi;
	ue.u.msi.data = msi.data;
	ue.u.msi.devid = msi.devid;
	e.type = HV_IRQ_ROUTING_MSI;
	r = hv_arch_set_routing_entry(vm, &e, &ue);
	if (r)
		return r;
	if (!e.set)
		return -EINVAL;
	return e.set(&e, vm, HV_USERSPACE_IRQ_SOURCE_ID, 1, false);
}

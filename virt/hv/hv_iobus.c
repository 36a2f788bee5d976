// SPDX-License-Identifier: GPL-2.0-only
/*
 * I/O buses: in-kernel devices (interrupt controllers, the PIT,
 * ioeventfds, coalesced MMIO zones) claim guest-physical or port ranges,
 * and the exit path hands an access in such a range to the device
 * instead of userspace.
 *
 * A bus is an immutable array of ranges sorted by start address,
 * replaced as a whole on every change (RCU): lookups on the exit path
 * take no lock, only hv_vm.srcu, which the vCPU holds while it runs.
 */
#define pr_fmt(fmt) "hv: " fmt

#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/hv_host.h>

#include "hv_internal.h"

struct hv_io_range {
	u64 addr;
	int len;
	struct hv_io_device *dev;
};

struct hv_io_bus {
	int nr;
	struct hv_io_range range[];
};

static int hv_io_range_cmp(const void *a, const void *b)
{
	const struct hv_io_range *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->len - y->len;
}

static struct hv_io_bus *hv_io_bus_get(struct hv_vm *vm, enum hv_bus bus)
{
	return srcu_dereference_check(vm->buses[bus], &vm->srcu,
				      lockdep_is_held(&vm->slots_lock));
}

int hv_io_bus_register(struct hv_vm *vm, enum hv_bus bus, u64 addr, int len,
		       struct hv_io_device *dev)
{
	struct hv_io_bus *old, *new;
	int nr;

	lockdep_assert_held(&vm->slots_lock);
	if (len <= 0 || addr + len < addr)
		return -EINVAL;
	old = hv_io_bus_get(vm, bus);
	nr = old ? old->nr : 0;
	if (nr >= HV_IO_BUS_MAX_DEVS)
		return -ENOSPC;
	new = kmalloc(struct_size(new, range, nr + 1), GFP_KERNEL_ACCOUNT);
	if (!new)
		return -ENOMEM;
	if (old)
		memcpy(new->range, old->range, nr * sizeof(new->range[0]));
	new->range[nr] = (struct hv_io_range){ addr, len, dev };
	new->nr = nr + 1;
	sort(new->range, new->nr, sizeof(new->range[0]), hv_io_range_cmp,
	     NULL);
	rcu_assign_pointer(vm->buses[bus], new);
	synchronize_srcu_expedited(&vm->srcu);
	kfree(old);
	return 0;
}
EXPORT_SYMBOL_GPL(hv_io_bus_register);

void hv_io_bus_unregister(struct hv_vm *vm, enum hv_bus bus,
			  struct hv_io_device *dev)
{
	struct hv_io_bus *old, *new;
	int i, n = 0;

	lockdep_assert_held(&vm->slots_lock);
	old = hv_io_bus_get(vm, bus);
	if (!old)
		return;
	/*
	 * Removal must not fail, the device is about to be freed, and
	 * readers may be walking the old array: the smaller copy is
	 * allocated with __GFP_NOFAIL (it is small, in process context).
	 */
	new = kmalloc(struct_size(new, range, old->nr),
		      GFP_KERNEL_ACCOUNT | __GFP_NOFAIL);
	for (i = 0; i < old->nr; i++)
		if (old->range[i].dev != dev)
			new->range[n++] = old->range[i];
	new->nr = n;
	rcu_assign_pointer(vm->buses[bus], new);
	synchronize_srcu_expedited(&vm->srcu);
	kfree(old);
}
EXPORT_SYMBOL_GPL(hv_io_bus_unregister);

static bool hv_io_range_covers(const struct hv_io_range *r, u64 addr, int len)
{
	return addr >= r->addr && addr + len <= r->addr + r->len;
}

static int hv_io_bus_access(struct hv_vcpu *vcpu, enum hv_bus bus, u64 addr,
			    int len, void *val, bool write)
{
	struct hv_vm *vm = vcpu->vm;
	struct hv_io_bus *b;
	int i;

	b = srcu_dereference(vm->buses[bus], &vm->srcu);
	if (!b || !b->nr || len <= 0)
		return -EOPNOTSUPP;
	/*
	 * A range starting below addr may still cover it (ranges overlap:
	 * ioeventfds with different data on one doorbell), so every range
	 * up to addr is a candidate; tried in order, as KVM tries each
	 * device.  Buses hold a handful of devices.
	 */
	for (i = 0; i < b->nr && b->range[i].addr <= addr; i++) {
		const struct hv_io_range *r = &b->range[i];
		const struct hv_io_device_ops *ops = r->dev->ops;
		int ret;

		if (!hv_io_range_covers(r, addr, len))
			continue;
		if (write)
			ret = ops->write ? ops->write(vcpu, r->dev, addr, len,
						      val) : -EOPNOTSUPP;
		else
			ret = ops->read ? ops->read(vcpu, r->dev, addr, len,
						    val) : -EOPNOTSUPP;
		if (ret != -EOPNOTSUPP)
			return ret;
	}
	return -EOPNOTSUPP;
}

int hv_io_bus_write(struct hv_vcpu *vcpu, enum hv_bus bus, u64 addr, int len,
		    const void *val)
{
	return hv_io_bus_access(vcpu, bus, addr, len, (void *)val, true);
}
EXPORT_SYMBOL_GPL(hv_io_bus_write);

int hv_io_bus_read(struct hv_vcpu *vcpu, enum hv_bus bus, u64 addr, int len,
		   void *val)
{
	return hv_io_bus_access(vcpu, bus, addr, len, val, false);
}
EXPORT_SYMBOL_GPL(hv_io_bus_read);

/* At VM destruction: every device has unregistered or is gone with it. */
void hv_io_buses_free(struct hv_vm *vm)
{
	int i;

	for (i = 0; i < HV_NR_BUSES; i++)
		kfree(rcu_dereference_protected(vm->buses[i], 1));
}

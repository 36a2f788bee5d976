// SPDX-License-Identifier: GPL-2.0-only
/*
 * Coalesced MMIO and PIO: guest writes to registered zones are queued in
 * a ring the VMM reads later, instead of each exiting to userspace.  For
 * devices whose writes have no side effect the guest must see at once
 * (a framebuffer, a VGA index register...).
 *
 * The ring (struct hv_coalesced_mmio_ring) is one page per VM, shared by
 * every vCPU's mapping at page HV_COALESCED_MMIO_PAGE_OFFSET.  hv is the
 * producer (ring->last, under hv_vm.coalesced_mmio_lock since vCPUs
 * write concurrently), userspace the consumer (ring->first), usually on
 * every exit.  One slot stays empty so that first == last means empty.
 * A write that finds the ring full is declined: it exits to userspace as
 * an ordinary MMIO (or I/O) exit, and the VMM drains the ring first.
 * Reads of a zone always exit.
 *
 * A zone is a device on the MMIO (or, with pio = 1, the PIO) bus; zones
 * are added and removed under hv_vm.slots_lock.
 */
#define pr_fmt(fmt) "hv: " fmt

#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/hv_host.h>

#include "hv_internal.h"

struct hv_coalesced_zone {
	struct list_head list;		/* in hv_vm.coalesced_zones */
	struct hv_vm *vm;
	struct hv_coalesced_mmio_zone zone;
	bool on_bus;
	struct hv_io_device dev;
};

/* [addr, addr + len) lies wholly inside the zone. */
static bool hv_zone_covers(const struct hv_coalesced_mmio_zone *zone,
			   u64 addr, u64 len)
{
	return addr + len >= addr && addr >= zone->addr &&
	       addr + len <= zone->addr + zone->size;
}

static int hv_coalesced_write(struct hv_vcpu *vcpu, struct hv_io_device *dev,
			      u64 addr, int len, const void *val)
{
	struct hv_coalesced_zone *z =
		container_of(dev, struct hv_coalesced_zone, dev);
	struct hv_vm *vm = z->vm;
	struct hv_coalesced_mmio_ring *ring = vm->coalesced_mmio_ring;
	struct hv_coalesced_mmio *ent;
	u32 first, last;

	if (len <= 0 || (size_t)len > sizeof(ent->data) ||
	    !hv_zone_covers(&z->zone, addr, len))
		return -EOPNOTSUPP;

	spin_lock(&vm->coalesced_mmio_lock);
	/*
	 * Userspace may write anything to the ring: bound what we use.
	 * Full is last + 1 == first.  (KVM 6.1 computes the free slots as
	 * (first - last - 1) % MAX in u32, which wraps and reports the
	 * ring full early; hv fills it, see api.rst.)
	 */
	last = READ_ONCE(ring->last);
	first = READ_ONCE(ring->first);
	if (last >= HV_COALESCED_MMIO_MAX ||
	    (last + 1) % HV_COALESCED_MMIO_MAX == first) {
		spin_unlock(&vm->coalesced_mmio_lock);
		return -EOPNOTSUPP;
	}
	ent = &ring->coalesced_mmio[last];
	ent->phys_addr = addr;
	ent->len = len;
	ent->pio = z->zone.pio;
	memcpy(ent->data, val, len);
	/* The entry before the index that publishes it. */
	smp_wmb();
	WRITE_ONCE(ring->last, (last + 1) % HV_COALESCED_MMIO_MAX);
	spin_unlock(&vm->coalesced_mmio_lock);
	return 0;
}

static const struct hv_io_device_ops hv_coalesced_ops = {
	.write = hv_coalesced_write,
};

/* At VM creation: the ring every vCPU maps. */
int hv_coalesced_mmio_init(struct hv_vm *vm)
{
	/* An order-0 page of its own: the vCPU mmap takes references. */
	vm->coalesced_mmio_ring = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	return vm->coalesced_mmio_ring ? 0 : -ENOMEM;
}

static enum hv_bus hv_zone_bus(const struct hv_coalesced_mmio_zone *zone)
{
	return zone->pio ? HV_PIO_BUS : HV_MMIO_BUS;
}

/*
 * HV_REGISTER_COALESCED_MMIO.  As KVM: pio must be 0 or 1; zones may
 * overlap; a zone of size 0 (or one wrapping around the address space)
 * is accepted but never matches an access, so it is not put on a bus.
 */
int hv_vm_ioctl_register_coalesced_mmio(struct hv_vm *vm,
					const struct hv_coalesced_mmio_zone *zone)
{
	struct hv_coalesced_zone *z;
	int r = 0;

	if (zone->pio != 0 && zone->pio != 1)
		return -EINVAL;
	z = kzalloc(sizeof(*z), GFP_KERNEL_ACCOUNT);
	if (!z)
		return -ENOMEM;
	z->vm = vm;
	z->zone = *zone;
	z->dev.ops = &hv_coalesced_ops;

	mutex_lock(&vm->slots_lock);
	if (zone->size && zone->addr + zone->size > zone->addr) {
		r = hv_io_bus_register(vm, hv_zone_bus(zone), zone->addr,
				       zone->size, &z->dev);
		z->on_bus = !r;
	}
	if (!r)
		list_add_tail(&z->list, &vm->coalesced_zones);
	mutex_unlock(&vm->slots_lock);
	if (r)
		kfree(z);
	return r;
}

static void hv_coalesced_zone_free(struct hv_vm *vm,
				   struct hv_coalesced_zone *z)
{
	lockdep_assert_held(&vm->slots_lock);
	if (z->on_bus)
		hv_io_bus_unregister(vm, hv_zone_bus(&z->zone), &z->dev);
	list_del(&z->list);
	kfree(z);
}

/*
 * HV_UNREGISTER_COALESCED_MMIO: removes every zone of the same kind that
 * contains the given range (KVM's rule), 0 even if none does.
 */
int hv_vm_ioctl_unregister_coalesced_mmio(struct hv_vm *vm,
					  const struct hv_coalesced_mmio_zone *zone)
{
	struct hv_coalesced_zone *z, *tmp;

	if (zone->pio != 0 && zone->pio != 1)
		return -EINVAL;
	mutex_lock(&vm->slots_lock);
	list_for_each_entry_safe(z, tmp, &vm->coalesced_zones, list)
		if (z->zone.pio == zone->pio &&
		    hv_zone_covers(&z->zone, zone->addr, zone->size))
			hv_coalesced_zone_free(vm, z);
	mutex_unlock(&vm->slots_lock);
	return 0;
}

/* At VM destruction, after the vCPUs: zones off the buses, then the ring. */
void hv_coalesced_mmio_free(struct hv_vm *vm)
{
	struct hv_coalesced_zone *z, *tmp;

	mutex_lock(&vm->slots_lock);
	list_for_each_entry_safe(z, tmp, &vm->coalesced_zones, list)
		hv_coalesced_zone_free(vm, z);
	mutex_unlock(&vm->slots_lock);
	free_page((unsigned long)vm->coalesced_mmio_ring);
	vm->coalesced_mmio_ring = NULL;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Memory slots: guest-physical ranges backed by the VMM's ordinary user
 * memory (HV_SET_USER_MEMORY_REGION).
 *
 * The slots of a VM form an immutable, sorted array published with
 * rcu_assign_pointer() and read under hv_vm.srcu: a change builds a new
 * array under slots_lock, publishes it, waits for the readers of the old
 * one (synchronize_srcu()), then removes the old range's nested mappings.
 * A vCPU faulting concurrently therefore sees either the old slot (and its
 * mapping is zapped before the change returns) or the new one: never host
 * memory that no slot maps any more.  Documentation/virt/hv/locking.rst.
 *
 * Validation follows KVM's __kvm_set_memory_region() errno for errno.
 */
#define pr_fmt(fmt) "hv: " fmt

#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "hv_internal.h"

static struct hv_memslots *hv_memslots(struct hv_vm *vm)
{
	return srcu_dereference_check(vm->memslots, &vm->srcu,
				      lockdep_is_held(&vm->slots_lock));
}

/* The slot containing @gfn, or NULL.  Caller holds hv_vm.srcu. */
struct hv_memslot *hv_gfn_to_memslot(struct hv_vm *vm, u64 gfn)
{
	struct hv_memslots *ms = hv_memslots(vm);
	int lo = 0, hi = ms->nr - 1;

	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;
		struct hv_memslot *slot = ms->slots[mid];

		if (gfn < slot->base_gfn)
			hi = mid - 1;
		else if (gfn >= slot->base_gfn + slot->npages)
			lo = mid + 1;
		else
			return slot;
	}
	return NULL;
}
EXPORT_SYMBOL_GPL(hv_gfn_to_memslot);

unsigned long hv_memslot_gfn_to_hva(const struct hv_memslot *slot, u64 gfn)
{
	return slot->userspace_addr + ((gfn - slot->base_gfn) << PAGE_SHIFT);
}
EXPORT_SYMBOL_GPL(hv_memslot_gfn_to_hva);

static struct hv_memslot *hv_find_slot_id(struct hv_memslots *ms, u16 id)
{
	int i;

	for (i = 0; i < ms->nr; i++)
		if (ms->slots[i]->id == id)
			return ms->slots[i];
	return NULL;
}

static bool hv_slots_overlap(struct hv_memslots *ms, u16 id, u64 start,
			     u64 end)
{
	int i;

	for (i = 0; i < ms->nr; i++) {
		struct hv_memslot *s = ms->slots[i];

		if (s->id != id && start < s->base_gfn + s->npages &&
		    s->base_gfn < end)
			return true;
	}
	return false;
}

/*
 * A copy of @old without @remove, with @add inserted in gfn order.  Either
 * may be NULL.
 */
static struct hv_memslots *hv_memslots_edit(struct hv_memslots *old,
					    struct hv_memslot *remove,
					    struct hv_memslot *add)
{
	struct hv_memslots *ms;
	int i, n = 0;

	ms = kvzalloc(struct_size(ms, slots, old->nr + 1), GFP_KERNEL_ACCOUNT);
	if (!ms)
		return NULL;
	for (i = 0; i < old->nr; i++) {
		struct hv_memslot *s = old->slots[i];

		if (s == remove)
			continue;
		if (add && add->base_gfn < s->base_gfn) {
			ms->slots[n++] = add;
			add = NULL;
		}
		ms->slots[n++] = s;
	}
	if (add)
		ms->slots[n++] = add;
	ms->nr = n;
	return ms;
}

/* Remove every nested mapping of @slot's range and flush the TLBs. */
static void hv_memslot_zap(struct hv_vm *vm, const struct hv_memslot *slot)
{
	bool flush;

	if (!vm->ops->zap_gfn_range)	/* no vCPU ever mapped anything */
		return;
	spin_lock(&vm->mmu_lock);
	flush = vm->ops->zap_gfn_range(vm, slot->base_gfn,
				       slot->base_gfn + slot->npages);
	spin_unlock(&vm->mmu_lock);
	if (flush)
		hv_vm_request_all(vm, HV_REQ_TLB_FLUSH);
}

static int hv_memslots_replace(struct hv_vm *vm, struct hv_memslot *old,
			       struct hv_memslot *new)
{
	struct hv_memslots *cur = hv_memslots(vm), *next;

	lockdep_assert_held(&vm->slots_lock);

	next = hv_memslots_edit(cur, old, new);
	if (!next)
		return -ENOMEM;
	rcu_assign_pointer(vm->memslots, next);
	synchronize_srcu_expedited(&vm->srcu);
	kvfree(cur);
	if (old)
		hv_memslot_zap(vm, old);
	/* s390 maps the slots into its gmap here (no nested faults). */
	hv_arch_commit_memslot(vm, old, new);
	kfree(old);
	return 0;
}

static int hv_check_region(const struct hv_userspace_memory_region *mem)
{
	if (mem->flags & ~HV_MEM_READONLY)
		return -EINVAL;	/* LOG_DIRTY_PAGES: no dirty logging yet */
	if ((mem->memory_size & (PAGE_SIZE - 1)) ||
	    mem->memory_size != (unsigned long)mem->memory_size)
		return -EINVAL;
	if (mem->guest_phys_addr & (PAGE_SIZE - 1))
		return -EINVAL;
	if ((mem->userspace_addr & (PAGE_SIZE - 1)) ||
	    mem->userspace_addr != untagged_addr(mem->userspace_addr) ||
	    !access_ok(u64_to_user_ptr(mem->userspace_addr), mem->memory_size))
		return -EINVAL;
	if ((mem->slot >> 16) || (u16)mem->slot >= HV_USER_MEM_SLOTS)
		return -EINVAL;
	if (mem->guest_phys_addr + mem->memory_size < mem->guest_phys_addr)
		return -EINVAL;
	if ((mem->memory_size >> PAGE_SHIFT) > HV_MEM_MAX_NR_PAGES)
		return -EINVAL;
	return 0;
}

static int hv_set_memory_region(struct hv_vm *vm,
				const struct hv_userspace_memory_region *mem)
{
	struct hv_memslots *ms = hv_memslots(vm);
	struct hv_memslot *old, *new;
	u64 base_gfn, npages;
	int r;

	lockdep_assert_held(&vm->slots_lock);

	r = hv_check_region(mem);
	if (r)
		return r;

	old = hv_find_slot_id(ms, (u16)mem->slot);
	if (!mem->memory_size) {
		if (!old)
			return -EINVAL;
		return hv_memslots_replace(vm, old, NULL);
	}

	base_gfn = mem->guest_phys_addr >> PAGE_SHIFT;
	npages = mem->memory_size >> PAGE_SHIFT;
	if (old) {
		/* Only moving (base_gfn) is a change; KVM refuses the rest. */
		if (mem->userspace_addr != old->userspace_addr ||
		    npages != old->npages ||
		    ((mem->flags ^ old->flags) & HV_MEM_READONLY))
			return -EINVAL;
		if (base_gfn == old->base_gfn && mem->flags == old->flags)
			return 0;
	}
	r = hv_arch_check_memslot(vm, mem);
	if (r)
		return r;
	if (hv_slots_overlap(ms, (u16)mem->slot, base_gfn, base_gfn + npages))
		return -EEXIST;

	new = kzalloc(sizeof(*new), GFP_KERNEL_ACCOUNT);
	if (!new)
		return -ENOMEM;
	new->id = (u16)mem->slot;
	new->base_gfn = base_gfn;
	new->npages = npages;
	new->userspace_addr = mem->userspace_addr;
	new->flags = mem->flags;

	r = hv_memslots_replace(vm, old, new);
	if (r)
		kfree(new);
	return r;
}

int hv_vm_set_memory_region(struct hv_vm *vm,
			    const struct hv_userspace_memory_region *mem)
{
	int r;

	mutex_lock(&vm->slots_lock);
	r = hv_set_memory_region(vm, mem);
	mutex_unlock(&vm->slots_lock);
	return r;
}

int hv_memslots_init(struct hv_vm *vm)
{
	struct hv_memslots *ms;

	ms = kvzalloc(sizeof(*ms), GFP_KERNEL_ACCOUNT);
	if (!ms)
		return -ENOMEM;
	RCU_INIT_POINTER(vm->memslots, ms);
	return 0;
}

/* At VM destruction: no vCPU and no notifier can look any more. */
void hv_memslots_free(struct hv_vm *vm)
{
	struct hv_memslots *ms = rcu_dereference_protected(vm->memslots, 1);
	int i;

	for (i = 0; i < ms->nr; i++)
		kfree(ms->slots[i]);
	kvfree(ms);
}

/*
 * Copy between guest-physical memory and a kernel buffer, through the
 * slots' user mappings: the calling thread must be in the VM's mm (every
 * vCPU ioctl is).  Returns 0 or -EFAULT (no slot, or the user mapping
 * faulted).  Caller holds hv_vm.srcu.
 */
static int hv_guest_copy(struct hv_vm *vm, u64 gpa, void *data,
			 unsigned long len, bool write)
{
	while (len) {
		unsigned long off = offset_in_page(gpa);
		unsigned long n = min(len, PAGE_SIZE - off);
		struct hv_memslot *slot = hv_gfn_to_memslot(vm, gpa >> PAGE_SHIFT);
		void __user *uaddr;

		if (!slot || (write && (slot->flags & HV_MEM_READONLY)))
			return -EFAULT;
		uaddr = (void __user *)(hv_memslot_gfn_to_hva(slot, gpa >> PAGE_SHIFT) + off);
		if (write ? copy_to_user(uaddr, data, n) :
			    copy_from_user(data, uaddr, n))
			return -EFAULT;
		gpa += n;
		data += n;
		len -= n;
	}
	return 0;
}

int hv_read_guest(struct hv_vm *vm, u64 gpa, void *data, unsigned long len)
{
	return hv_guest_copy(vm, gpa, data, len, false);
}
EXPORT_SYMBOL_GPL(hv_read_guest);

int hv_write_guest(struct hv_vm *vm, u64 gpa, const void *data,
		   unsigned long len)
{
	return hv_guest_copy(vm, gpa, (void *)data, len, true);
}
EXPORT_SYMBOL_GPL(hv_write_guest);

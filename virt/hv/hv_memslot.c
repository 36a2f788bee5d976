// SPDX-License-Identifier: GPL-2.0-only
/*
 * Memory slots: guest-physical ranges backed by the VMM's ordinary user
 * memory (HV_SET_USER_MEMORY_REGION).
 *
 * A VM has two sets of its slots (struct hv_memslots): one published
 * through hv_vm.memslots and read under hv_vm.srcu, the other private to
 * the writer (slots_lock).  A change edits the private set, publishes it,
 * waits for the readers of the old one (synchronize_srcu()), applies the
 * same edit to the old set, which becomes the private one, and then
 * removes the old range's nested mappings.  Each set is a gfn rb-tree and
 * an hva interval tree over the same slots, so a change costs O(log n)
 * in the number of slots (KVM's memslot sets work the same way).  A vCPU
 * faulting concurrently sees either the old slot (and its mapping is
 * zapped before the change returns) or the new one: never host memory
 * that no slot maps any more.  Documentation/virt/hv/locking.rst.
 *
 * Validation follows KVM's __kvm_set_memory_region() errno for errno.
 */
#define pr_fmt(fmt) "hv: " fmt

#include <linux/interval_tree.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "hv_internal.h"

static struct hv_memslots *hv_memslots(struct hv_vm *vm)
{
	return srcu_dereference_check(vm->memslots, &vm->srcu,
				      lockdep_is_held(&vm->slots_lock));
}

/* container_of() needs a constant index: one per set. */
static struct hv_memslot *gfn_node_slot(struct rb_node *node, int idx)
{
	return idx ? container_of(node, struct hv_memslot, gfn_node[1]) :
		     container_of(node, struct hv_memslot, gfn_node[0]);
}

struct hv_memslot *hv_hva_node_slot(struct interval_tree_node *node, int idx)
{
	return idx ? container_of(node, struct hv_memslot, hva_node[1]) :
		     container_of(node, struct hv_memslot, hva_node[0]);
}

/* The slot containing @gfn, or NULL.  Caller holds hv_vm.srcu. */
struct hv_memslot *hv_gfn_to_memslot(struct hv_vm *vm, u64 gfn)
{
	struct hv_memslots *ms = hv_memslots(vm);
	struct rb_node *node = ms->gfn_tree.rb_node;

	while (node) {
		struct hv_memslot *slot = gfn_node_slot(node, ms->node_idx);

		if (gfn < slot->base_gfn)
			node = node->rb_left;
		else if (gfn >= slot->base_gfn + slot->npages)
			node = node->rb_right;
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

/*
 * Does [start, end) overlap a slot other than @id's?  Slots never overlap
 * each other, so their ends are sorted like their bases: find the first
 * slot ending after @start, then at most @id's own slot and one other
 * are looked at.
 */
static bool hv_slots_overlap(struct hv_memslots *ms, u16 id, u64 start,
			     u64 end)
{
	struct rb_node *node = ms->gfn_tree.rb_node, *first = NULL;

	while (node) {
		struct hv_memslot *s = gfn_node_slot(node, ms->node_idx);

		if (s->base_gfn + s->npages > start) {
			first = node;
			node = node->rb_left;
		} else {
			node = node->rb_right;
		}
	}
	for (node = first; node; node = rb_next(node)) {
		struct hv_memslot *s = gfn_node_slot(node, ms->node_idx);

		if (s->base_gfn >= end)
			break;
		if (s->id != id)
			return true;
	}
	return false;
}

static void hv_memslots_insert(struct hv_memslots *ms, struct hv_memslot *slot)
{
	struct rb_node **link = &ms->gfn_tree.rb_node, *parent = NULL;
	int idx = ms->node_idx;

	while (*link) {
		parent = *link;
		if (slot->base_gfn < gfn_node_slot(parent, idx)->base_gfn)
			link = &parent->rb_left;
		else
			link = &parent->rb_right;
	}
	rb_link_node(&slot->gfn_node[idx], parent, link);
	rb_insert_color(&slot->gfn_node[idx], &ms->gfn_tree);

	slot->hva_node[idx].start = slot->userspace_addr;
	slot->hva_node[idx].last = slot->userspace_addr +
				   (slot->npages << PAGE_SHIFT) - 1;
	interval_tree_insert(&slot->hva_node[idx], &ms->hva_tree);
	ms->nr++;
}

static void hv_memslots_remove(struct hv_memslots *ms, struct hv_memslot *slot)
{
	int idx = ms->node_idx;

	rb_erase(&slot->gfn_node[idx], &ms->gfn_tree);
	interval_tree_remove(&slot->hva_node[idx], &ms->hva_tree);
	ms->nr--;
}

/* Replace @remove by @add in @ms; either may be NULL. */
static void hv_memslots_edit(struct hv_memslots *ms, struct hv_memslot *remove,
			     struct hv_memslot *add)
{
	if (remove)
		hv_memslots_remove(ms, remove);
	if (add)
		hv_memslots_insert(ms, add);
}

/*
 * Remove every nested mapping of the dying slot's range, flush the TLBs,
 * and stop MMU notifiers looking at the slot.
 */
static void hv_memslot_zap_dying(struct hv_vm *vm)
{
	const struct hv_memslot *slot;
	bool flush = false;

	spin_lock(&vm->mmu_lock);
	slot = vm->dying_slot;
	if (vm->ops->zap_gfn_range)	/* else no vCPU ever mapped anything */
		flush = vm->ops->zap_gfn_range(vm, slot->base_gfn,
					       slot->base_gfn + slot->npages);
	vm->dying_slot = NULL;
	spin_unlock(&vm->mmu_lock);
	if (flush)
		hv_vm_request_all(vm, HV_REQ_TLB_FLUSH);
}

static int hv_memslots_replace(struct hv_vm *vm, struct hv_memslot *old,
			       struct hv_memslot *new)
{
	struct hv_memslots *cur = hv_memslots(vm), *next;
	int r;

	lockdep_assert_held(&vm->slots_lock);

	/* The only step that can fail goes first: nothing to undo. */
	if (new) {
		r = xa_err(xa_store(&vm->memslot_ids, new->id, new,
				    GFP_KERNEL_ACCOUNT));
		if (r)
			return r;
	} else {
		xa_erase(&vm->memslot_ids, old->id);
	}

	/*
	 * Until its mappings are zapped below, the old slot stays visible to
	 * the MMU notifiers: a munmap() or migration of its memory in the
	 * meantime must still remove them, or the guest would keep using
	 * pages the host has freed.
	 */
	if (old) {
		spin_lock(&vm->mmu_lock);
		vm->dying_slot = old;
		spin_unlock(&vm->mmu_lock);
	}
	next = cur == &vm->memslot_sets[0] ? &vm->memslot_sets[1] :
					     &vm->memslot_sets[0];
	hv_memslots_edit(next, old, new);
	rcu_assign_pointer(vm->memslots, next);
	synchronize_srcu_expedited(&vm->srcu);
	/* No reader is left in @cur: bring it up to date. */
	hv_memslots_edit(cur, old, new);
	if (old)
		hv_memslot_zap_dying(vm);
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

	old = xa_load(&vm->memslot_ids, (u16)mem->slot);
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
	int i;

	for (i = 0; i < ARRAY_SIZE(vm->memslot_sets); i++) {
		vm->memslot_sets[i].gfn_tree = RB_ROOT;
		vm->memslot_sets[i].hva_tree = RB_ROOT_CACHED;
		vm->memslot_sets[i].node_idx = i;
	}
	RCU_INIT_POINTER(vm->memslots, &vm->memslot_sets[0]);
	xa_init(&vm->memslot_ids);
	return 0;
}

/* At VM destruction: no vCPU and no notifier can look any more. */
void hv_memslots_free(struct hv_vm *vm)
{
	struct hv_memslot *slot;
	unsigned long id;

	xa_for_each(&vm->memslot_ids, id, slot)
		kfree(slot);
	xa_destroy(&vm->memslot_ids);
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

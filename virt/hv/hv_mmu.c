// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest memory stays ordinary user memory: hv maps a host page into the
 * nested page tables only on a guest fault and keeps no reference on it.
 * This MMU notifier removes the nested mapping before the host page goes
 * away (munmap, swap-out, THP split or collapse, KSM merge, migration,
 * compaction), and the invalidate sequence below keeps a fault that raced
 * with such an invalidation from installing a stale pfn: the fault path
 * samples the sequence before looking the page up, and under mmu_lock
 * gives up if an invalidation covering its address is running or has
 * finished since.
 */
#define pr_fmt(fmt) "hv: " fmt

#include <linux/mm.h>
#include <linux/mmu_notifier.h>
#include <linux/smp.h>

#include "hv_internal.h"

static void hv_request_ipi(void *unused)
{
	/* The interrupt itself made the CPU leave guest mode. */
}

/**
 * hv_vm_request_all - make every vCPU of @vm do @req before entering again
 * @vm: the VM.
 * @req: HV_REQ_*.
 *
 * vCPUs in guest mode are sent an IPI and waited for: when this returns,
 * none still runs the guest without having seen @req.  The vCPU side sets
 * its mode to HV_IN_GUEST_MODE, then (after a full barrier) checks its
 * requests with interrupts disabled, so either it sees @req or we see its
 * mode and interrupt it.
 */
void hv_vm_request_all(struct hv_vm *vm, int req)
{
	struct hv_vcpu *vcpu;
	cpumask_var_t cpus;
	unsigned long i;
	bool have_mask;
	int me, cpu;

	have_mask = zalloc_cpumask_var(&cpus, GFP_ATOMIC);
	me = get_cpu();
	xa_for_each(&vm->vcpus, i, vcpu) {
		set_bit(req, &vcpu->requests);
		/* Order the request before reading the mode; pairs with the
		 * barrier after the vCPU sets HV_IN_GUEST_MODE.
		 */
		smp_mb__after_atomic();
		cpu = READ_ONCE(vcpu->cpu);
		if (READ_ONCE(vcpu->mode) != HV_IN_GUEST_MODE || cpu == me ||
		    cpu < 0)
			continue;
		if (have_mask)
			cpumask_set_cpu(cpu, cpus);
		else
			smp_call_function_single(cpu, hv_request_ipi, NULL, 1);
	}
	if (have_mask)
		smp_call_function_many(cpus, hv_request_ipi, NULL, 1);
	put_cpu();
	free_cpumask_var(cpus);
	vm->stats.tlb_flushes++;
}
EXPORT_SYMBOL_GPL(hv_vm_request_all);

static inline struct hv_vm *mn_to_vm(struct mmu_notifier *mn)
{
	return container_of(mn, struct hv_vm, mmu_notifier);
}

/* Zap @s's nested mappings of the host range [start, end), if any. */
static bool hv_zap_slot_hva(struct hv_vm *vm, const struct hv_memslot *s,
			    unsigned long start, unsigned long end)
{
	unsigned long s_end = s->userspace_addr + (s->npages << PAGE_SHIFT);
	unsigned long lo = max(start, s->userspace_addr);
	unsigned long hi = min(end, s_end);
	u64 first, last;

	if (lo >= hi)
		return false;
	first = (lo - s->userspace_addr) >> PAGE_SHIFT;
	last = DIV_ROUND_UP(hi - s->userspace_addr, PAGE_SIZE);
	return vm->ops->zap_gfn_range(vm, s->base_gfn + first,
				      s->base_gfn + last);
}

/*
 * Zap the nested mappings of every slot overlapping [start, end) (hva):
 * those of the current set, and a slot being deleted or moved, whose
 * mappings live until hv_memslots_replace() zaps them.
 */
static bool hv_zap_hva_range(struct hv_vm *vm, unsigned long start,
			     unsigned long end)
{
	struct interval_tree_node *node;
	struct hv_memslots *ms;
	bool flush = false;

	lockdep_assert_held(&vm->mmu_lock);

	if (!vm->ops->zap_gfn_range)
		return false;
	ms = srcu_dereference(vm->memslots, &vm->srcu);
	for (node = interval_tree_iter_first(&ms->hva_tree, start, end - 1);
	     node; node = interval_tree_iter_next(node, start, end - 1))
		flush |= hv_zap_slot_hva(vm, hv_hva_node_slot(node, ms->node_idx),
					 start, end);
	if (vm->dying_slot)
		flush |= hv_zap_slot_hva(vm, vm->dying_slot, start, end);
	return flush;
}

static int hv_mmu_invalidate_range_start(struct mmu_notifier *mn,
					 const struct mmu_notifier_range *range)
{
	struct hv_vm *vm = mn_to_vm(mn);
	bool flush;
	int idx;

	idx = srcu_read_lock(&vm->srcu);
	spin_lock(&vm->mmu_lock);
	if (!vm->mmu_invalidate_in_progress++) {
		vm->mmu_invalidate_start = range->start;
		vm->mmu_invalidate_end = range->end;
	} else {
		vm->mmu_invalidate_start = min(vm->mmu_invalidate_start,
					       range->start);
		vm->mmu_invalidate_end = max(vm->mmu_invalidate_end,
					     range->end);
	}
	flush = hv_zap_hva_range(vm, range->start, range->end);
	vm->stats.invalidations++;
	spin_unlock(&vm->mmu_lock);
	/* No vCPU may use a zapped translation once we return. */
	if (flush)
		hv_vm_request_all(vm, HV_REQ_TLB_FLUSH);
	srcu_read_unlock(&vm->srcu, idx);
	return 0;
}

static void hv_mmu_invalidate_range_end(struct mmu_notifier *mn,
					const struct mmu_notifier_range *range)
{
	struct hv_vm *vm = mn_to_vm(mn);

	spin_lock(&vm->mmu_lock);
	vm->mmu_invalidate_seq++;
	/* A fault seeing in_progress drop must also see the new sequence. */
	smp_wmb();
	vm->mmu_invalidate_in_progress--;
	spin_unlock(&vm->mmu_lock);
}

/* The mm is going away (exit, or a last mmput): drop every mapping. */
static void hv_mmu_release(struct mmu_notifier *mn, struct mm_struct *mm)
{
	struct hv_vm *vm = mn_to_vm(mn);
	bool flush;
	int idx;

	idx = srcu_read_lock(&vm->srcu);
	spin_lock(&vm->mmu_lock);
	flush = hv_zap_hva_range(vm, 0, ULONG_MAX);
	spin_unlock(&vm->mmu_lock);
	if (flush)
		hv_vm_request_all(vm, HV_REQ_TLB_FLUSH);
	srcu_read_unlock(&vm->srcu, idx);
}

static const struct mmu_notifier_ops hv_mmu_notifier_ops = {
	.invalidate_range_start	= hv_mmu_invalidate_range_start,
	.invalidate_range_end	= hv_mmu_invalidate_range_end,
	.release		= hv_mmu_release,
};

int hv_mmu_notifier_register(struct hv_vm *vm)
{
	vm->mmu_notifier.ops = &hv_mmu_notifier_ops;
	return mmu_notifier_register(&vm->mmu_notifier, vm->mm);
}

void hv_mmu_notifier_unregister(struct hv_vm *vm)
{
	mmu_notifier_unregister(&vm->mmu_notifier, vm->mm);
}

/**
 * hv_mmu_fault_begin - start a nested page fault
 * @vm: the VM.
 *
 * Return: the invalidate sequence, for hv_mmu_fault_retry().  Sample it
 * before looking up the host page.
 */
unsigned long hv_mmu_fault_begin(struct hv_vm *vm)
{
	unsigned long seq = READ_ONCE(vm->mmu_invalidate_seq);

	/* Pairs with the smp_wmb() in hv_mmu_invalidate_range_end(). */
	smp_rmb();
	return seq;
}
EXPORT_SYMBOL_GPL(hv_mmu_fault_begin);

/**
 * hv_mmu_fault_retry - whether a fault's host page may be stale
 * @vm: the VM; mmu_lock held.
 * @seq: from hv_mmu_fault_begin().
 * @hva: the host address the fault looked up.
 *
 * Return: true if an invalidation covering @hva is running, or any
 * invalidation ended since @seq: the fault must not install its pfn.
 */
bool hv_mmu_fault_retry(struct hv_vm *vm, unsigned long seq,
			unsigned long hva)
{
	lockdep_assert_held(&vm->mmu_lock);

	if (vm->mmu_invalidate_in_progress &&
	    hva >= vm->mmu_invalidate_start && hva < vm->mmu_invalidate_end)
		return true;
	return vm->mmu_invalidate_seq != seq;
}
EXPORT_SYMBOL_GPL(hv_mmu_fault_retry);

int hv_mmu_cache_topup(struct hv_mmu_page_cache *cache, int min)
{
	while (cache->nr < min) {
		void *page = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);

		if (!page)
			return -ENOMEM;
		cache->pages[cache->nr++] = page;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(hv_mmu_cache_topup);

void hv_mmu_cache_free(struct hv_mmu_page_cache *cache)
{
	while (cache->nr)
		free_page((unsigned long)cache->pages[--cache->nr]);
}
EXPORT_SYMBOL_GPL(hv_mmu_cache_free);

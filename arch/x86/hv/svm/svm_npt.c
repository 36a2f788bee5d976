// SPDX-License-Identifier: GPL-2.0-only
/*
 * Nested page tables (APM 15.25), built lazily from the memory slots.
 *
 * A guest access to a guest-physical address without a nested mapping
 * exits with a nested page fault.  If a slot covers the address, the host
 * page behind the slot's user address is looked up with GUP (faulting it
 * in like any user access would), mapped, and released again: hv keeps no
 * reference, the MMU notifier (virt/hv/hv_mmu.c) removes the mapping
 * before the host page changes.  Where the host maps the range with a
 * transparent huge page, a 2 MiB nested mapping is used.  Without a slot
 * the access is MMIO.
 *
 * The tables use the long-mode format (APM 5.3.3) with the host's number
 * of levels, U/S set on every entry because nested accesses are user
 * accesses (APM 15.25.5).
 * mmu_lock protects them; their pages are freed only with the VM.
 */
#define pr_fmt(fmt) "hv-amd: " fmt

#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/sched/mm.h>
#include <asm/io.h>

#include "svm.h"

#define NPT_P		BIT_ULL(0)
#define NPT_RW		BIT_ULL(1)
#define NPT_US		BIT_ULL(2)
#define NPT_A		BIT_ULL(5)
#define NPT_D		BIT_ULL(6)
#define NPT_PS		BIT_ULL(7)
#define NPT_ADDR	GENMASK_ULL(51, 12)
/* Non-leaf entries allow everything; the leaf decides. */
#define NPT_TABLE	(NPT_P | NPT_RW | NPT_US | NPT_A)
#define NPT_ENTRIES	512

/*
 * Nested tables have as many levels as the host's own paging (APM 15.25.3:
 * the nested walk uses the host's CR4.LA57): 5 under 5-level paging.
 */
static inline int npt_levels(void)
{
	return pgtable_l5_enabled() ? 5 : 4;
}

/* gfns one entry at @level covers: 1 at level 1 (PTE), 512 at level 2. */
static inline u64 npt_span(int level)
{
	return 1ULL << (9 * (level - 1));
}

static inline unsigned int npt_index(u64 gfn, int level)
{
	return (gfn >> (9 * (level - 1))) & (NPT_ENTRIES - 1);
}

static inline u64 *npt_table(u64 entry)
{
	return __va(entry & NPT_ADDR);
}

int svm_npt_init(struct hv_vm *vm)
{
	struct svm_vm *svm_vm = to_svm_vm(vm);

	svm_vm->npt_root = (u64 *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	return svm_vm->npt_root ? 0 : -ENOMEM;
}

static void npt_free_table(u64 *table, int level)
{
	int i;

	for (i = 0; level > 1 && i < NPT_ENTRIES; i++)
		if ((table[i] & NPT_P) && !(table[i] & NPT_PS))
			npt_free_table(npt_table(table[i]), level - 1);
	free_page((unsigned long)table);
}

void svm_npt_destroy(struct hv_vm *vm)
{
	struct svm_vm *svm_vm = to_svm_vm(vm);

	if (svm_vm->npt_root)
		npt_free_table(svm_vm->npt_root, npt_levels());
}

/* Clear the mappings of gfns [start, end) in @table, which maps @base. */
static bool npt_zap_table(u64 *table, int level, u64 base, u64 start, u64 end)
{
	u64 span = npt_span(level);
	unsigned int i, first, last;
	bool flushed = false;

	first = start > base ? (start - base) / span : 0;
	last = min_t(u64, NPT_ENTRIES, DIV_ROUND_UP(end - base, span));
	for (i = first; i < last; i++) {
		u64 e = table[i];

		if (!(e & NPT_P))
			continue;
		if (level == 1 || (e & NPT_PS)) {
			/* A huge leaf overlapping the range goes whole. */
			WRITE_ONCE(table[i], 0);
			flushed = true;
			continue;
		}
		flushed |= npt_zap_table(npt_table(e), level - 1,
					 base + i * span, start, end);
	}
	return flushed;
}

/**
 * svm_npt_zap - remove the nested mappings of gfns [@start, @end)
 * @vm: the VM; mmu_lock held.
 * @start: first gfn.
 * @end: gfn after the last.
 *
 * Return: whether a mapping was removed; the caller flushes the TLBs.
 */
bool svm_npt_zap(struct hv_vm *vm, u64 start, u64 end)
{
	lockdep_assert_held(&vm->mmu_lock);

	if (start >= end)
		return false;
	return npt_zap_table(to_svm_vm(vm)->npt_root, npt_levels(), 0, start,
			     min(end, 1ULL << (9 * npt_levels())));
}

/*
 * Map @gfn to @pfn, with one 2 MiB leaf if @huge and no 4 KiB table
 * already hangs there.  Returns the level mapped (1 or 2).
 */
static int npt_map(struct svm_vm *svm_vm, struct hv_mmu_page_cache *cache,
		   u64 gfn, u64 pfn, bool huge, bool writable)
{
	u64 flags = NPT_P | NPT_US | NPT_A | (writable ? NPT_RW | NPT_D : 0);
	u64 *table = svm_vm->npt_root;
	int l;

	lockdep_assert_held(&svm_vm->vm.mmu_lock);

	for (l = npt_levels(); l > 1; l--) {
		u64 *e = &table[npt_index(gfn, l)];

		if (l == 2 && huge && (!(*e & NPT_P) || (*e & NPT_PS))) {
			WRITE_ONCE(*e, (ALIGN_DOWN(pfn, NPT_ENTRIES) << PAGE_SHIFT) |
				   flags | NPT_PS);
			return 2;
		}
		/*
		 * No table yet, or a huge leaf that this 4 KiB mapping
		 * replaces (e.g. to make one page writable): a new table.
		 * The other 511 pages fault in again as needed.
		 */
		if (!(*e & NPT_P) || (*e & NPT_PS)) {
			void *page = hv_mmu_cache_alloc(cache);

			WRITE_ONCE(*e, __pa(page) | NPT_TABLE);
		}
		table = npt_table(*e);
	}
	WRITE_ONCE(table[npt_index(gfn, 1)], (pfn << PAGE_SHIFT) | flags);
	return 1;
}

/*
 * Whether the host maps @hva with a PMD-sized transparent huge page, read
 * locklessly as GUP-fast does (interrupts off keep the tables alive); a
 * split or collapse after the check is an invalidation, which makes the
 * fault retry.
 */
static bool npt_host_huge(struct mm_struct *mm, unsigned long hva)
{
	unsigned long flags;
	bool huge = false;
	pgd_t pgd;
	p4d_t p4d;
	pud_t pud;
	pmd_t pmd;

	local_irq_save(flags);
	pgd = READ_ONCE(*pgd_offset(mm, hva));
	if (pgd_none(pgd) || !pgd_present(pgd))
		goto out;
	p4d = READ_ONCE(*p4d_offset(&pgd, hva));
	if (p4d_none(p4d) || !p4d_present(p4d))
		goto out;
	pud = READ_ONCE(*pud_offset(&p4d, hva));
	if (pud_none(pud) || !pud_present(pud) || pud_leaf(pud))
		goto out;
	pmd = READ_ONCE(*pmd_offset(&pud, hva));
	huge = pmd_present(pmd) && pmd_trans_huge(pmd);
out:
	local_irq_restore(flags);
	return huge;
}

static int npt_mmio(struct svm_vcpu *svm, u64 gpa, bool write, bool fetch)
{
	struct vmcb_control *c = &svm->vmcb->control;
	u64 data[2] = { gpa, svm->vcpu.arch.rip };

	/* Nothing to fetch instructions from: KVM's emulation failure. */
	if (fetch)
		return hv_x86_internal_error(&svm->vcpu,
					     HV_INTERNAL_ERROR_EMULATION, 2, data);
	return hv_x86_handle_mmio(&svm->vcpu, gpa, write,
				  svm_has_decode_assists ? c->insn_bytes : NULL,
				  svm_has_decode_assists ? c->insn_len : 0);
}

/**
 * svm_npt_fault - handle a nested page fault exit
 * @svm: the vCPU.
 * @gpa: the guest-physical address (EXITINFO2).
 * @error_code: EXITINFO1, APM 15.25.6.
 *
 * Return: 1 to re-enter the guest, 0 for an MMIO exit, -EFAULT when the
 * slot's user memory cannot be faulted in (e.g. it was unmapped), as KVM.
 */
int svm_npt_fault(struct svm_vcpu *svm, u64 gpa, u64 error_code)
{
	struct hv_vm *vm = svm->vcpu.vm;
	bool write = error_code & SVM_NPF_WRITE;
	bool fetch = error_code & SVM_NPF_FETCH;
	struct hv_memslot *slot;
	bool writable = false;
	unsigned long hva, seq;
	struct page *page;
	u64 gfn = gpa >> PAGE_SHIFT;
	bool huge;
	int level, r;

	svm->vcpu.stats.nested_fault_exits++;
	vm->stats.nested_faults++;
	slot = hv_gfn_to_memslot(vm, gfn);
	if (!slot)
		return npt_mmio(svm, gpa, write, fetch);
	/* A write to a read-only slot is MMIO for userspace (READONLY_MEM). */
	if (write && (slot->flags & HV_MEM_READONLY))
		return npt_mmio(svm, gpa, true, false);

	r = hv_mmu_cache_topup(&svm->npt_cache, SVM_NPT_CACHE_PAGES);
	if (r)
		return r;

	hva = hv_memslot_gfn_to_hva(slot, gfn);
	seq = hv_mmu_fault_begin(vm);
	/*
	 * Map writable whenever the slot and the host page allow it without
	 * a fault (GUP-fast with FOLL_WRITE), to avoid a second exit; else
	 * fault the page in for this access only.
	 */
	if (!(slot->flags & HV_MEM_READONLY) &&
	    get_user_page_fast_only(hva, FOLL_WRITE, &page)) {
		writable = true;
	} else {
		if (get_user_pages_unlocked(hva, 1, &page,
					    write ? FOLL_WRITE : 0) != 1)
			return -EFAULT;
		writable = write;
	}

	/*
	 * A 2 MiB mapping needs the same 2 MiB alignment on both sides, the
	 * whole 2 MiB range inside the slot, and a THP behind it: a page that
	 * is not part of a compound page cannot be, so the host page-table
	 * walk is skipped for it.
	 */
	huge = ((gfn ^ (hva >> PAGE_SHIFT)) & (NPT_ENTRIES - 1)) == 0 &&
	       ALIGN_DOWN(gfn, NPT_ENTRIES) >= slot->base_gfn &&
	       ALIGN_DOWN(gfn, NPT_ENTRIES) + NPT_ENTRIES <=
			slot->base_gfn + slot->npages &&
	       PageTransCompound(page) && npt_host_huge(vm->mm, hva);

	spin_lock(&vm->mmu_lock);
	if (hv_mmu_fault_retry(vm, seq, hva)) {
		/* Raced with an invalidation: let the guest fault again. */
		spin_unlock(&vm->mmu_lock);
		put_page(page);
		return 1;
	}
	level = npt_map(to_svm_vm(vm), &svm->npt_cache, gfn,
			page_to_pfn(page), huge, writable);
	if (level == 2)
		vm->stats.nested_mapped_2m++;
	else
		vm->stats.nested_mapped_4k++;
	spin_unlock(&vm->mmu_lock);

	/*
	 * The guest writes the page behind the host's back: mark it dirty so
	 * reclaim writes it out rather than dropping it.  Only a file page
	 * needs the page lock against truncation; an anonymous page's dirty
	 * bit is just a flag (set_page_dirty_lock() costs a lock_page()).
	 */
	if (writable) {
		if (PageAnon(page))
			set_page_dirty(page);
		else
			set_page_dirty_lock(page);
	}
	put_page(page);
	return 1;
}

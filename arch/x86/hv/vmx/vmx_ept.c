// SPDX-License-Identifier: GPL-2.0-only
/*
 * Extended page tables (SDM Vol. 3 28.3), built lazily from the memory
 * slots, with the same rules as the SVM backend's nested page tables.
 *
 * A guest access to a guest-physical address without an EPT mapping exits
 * with an EPT violation.  If a slot covers the address, the host
 * page behind the slot's user address is looked up with GUP (faulting it
 * in like any user access would), mapped, and released again: hv keeps no
 * reference, the MMU notifier (virt/hv/hv_mmu.c) removes the mapping
 * before the host page changes.  Where the host maps the range with a
 * transparent huge page, a 2 MiB EPT mapping is used.  Without a slot
 * the access is MMIO.
 *
 * The tables have 4 levels (48-bit guest-physical addresses, SDM 28.3.2);
 * leaves are write-back with "ignore PAT" clear, so the guest's PAT and
 * MTRR-less write-back combine as on SVM (SDM 28.3.7).  mmu_lock protects
 * them; their pages are freed only with the VM.
 */
#define pr_fmt(fmt) "hv-intel: " fmt

#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/sched/mm.h>
#include <asm/io.h>

#include "vmx.h"

/* SDM 28.3.2 Tables 28-1 to 28-6. */
#define EPT_R		BIT_ULL(0)
#define EPT_W		BIT_ULL(1)
#define EPT_X		BIT_ULL(2)
#define EPT_RWX		(EPT_R | EPT_W | EPT_X)
#define EPT_MT_WB	(6ULL << 3)
#define EPT_PS		BIT_ULL(7)
#define EPT_ADDR	GENMASK_ULL(51, 12)
/* Non-leaf entries allow everything; the leaf decides. */
#define EPT_TABLE	EPT_RWX
#define EPT_ENTRIES	512
#define EPT_LEVELS	4

/* SDM 24.6.11: EPTP memory type WB, page-walk length 4 (minus one). */
#define EPTP_WB		6ULL
#define EPTP_WALK4	(3ULL << 3)

/* gfns one entry at @level covers: 1 at level 1 (PTE), 512 at level 2. */
static inline u64 ept_span(int level)
{
	return 1ULL << (9 * (level - 1));
}

static inline unsigned int ept_index(u64 gfn, int level)
{
	return (gfn >> (9 * (level - 1))) & (EPT_ENTRIES - 1);
}

static inline u64 *ept_table(u64 entry)
{
	return __va(entry & EPT_ADDR);
}

int vmx_ept_init(struct hv_vm *vm)
{
	struct vmx_vm *vmx_vm = to_vmx_vm(vm);

	vmx_vm->ept_root = (u64 *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!vmx_vm->ept_root)
		return -ENOMEM;
	vmx_vm->eptp = __pa(vmx_vm->ept_root) | EPTP_WALK4 | EPTP_WB;
	return 0;
}

static void ept_free_table(u64 *table, int level)
{
	int i;

	for (i = 0; level > 1 && i < EPT_ENTRIES; i++)
		if ((table[i] & EPT_RWX) && !(table[i] & EPT_PS))
			ept_free_table(ept_table(table[i]), level - 1);
	free_page((unsigned long)table);
}

void vmx_ept_destroy(struct hv_vm *vm)
{
	struct vmx_vm *vmx_vm = to_vmx_vm(vm);

	if (vmx_vm->ept_root)
		ept_free_table(vmx_vm->ept_root, EPT_LEVELS);
}

/* Clear the mappings of gfns [start, end) in @table, which maps @base. */
static bool ept_zap_table(u64 *table, int level, u64 base, u64 start, u64 end)
{
	u64 span = ept_span(level);
	unsigned int i, first, last;
	bool flushed = false;

	first = start > base ? (start - base) / span : 0;
	last = min_t(u64, EPT_ENTRIES, DIV_ROUND_UP(end - base, span));
	for (i = first; i < last; i++) {
		u64 e = table[i];

		if (!(e & EPT_RWX))
			continue;
		if (level == 1 || (e & EPT_PS)) {
			/* A huge leaf overlapping the range goes whole. */
			WRITE_ONCE(table[i], 0);
			flushed = true;
			continue;
		}
		flushed |= ept_zap_table(ept_table(e), level - 1,
					 base + i * span, start, end);
	}
	return flushed;
}

/**
 * vmx_ept_zap - remove the EPT mappings of gfns [@start, @end)
 * @vm: the VM; mmu_lock held.
 * @start: first gfn.
 * @end: gfn after the last.
 *
 * Return: whether a mapping was removed; the caller flushes the TLBs.
 */
bool vmx_ept_zap(struct hv_vm *vm, u64 start, u64 end)
{
	lockdep_assert_held(&vm->mmu_lock);

	if (start >= end)
		return false;
	return ept_zap_table(to_vmx_vm(vm)->ept_root, EPT_LEVELS, 0, start,
			     min(end, 1ULL << (9 * EPT_LEVELS)));
}

/*
 * Map @gfn to @pfn, with one 2 MiB leaf if @huge and no 4 KiB table
 * already hangs there.  Returns the level mapped (1 or 2).
 */
static int ept_map(struct vmx_vm *vmx_vm, struct hv_mmu_page_cache *cache,
		   u64 gfn, u64 pfn, bool huge, bool writable)
{
	u64 flags = EPT_R | EPT_X | EPT_MT_WB | (writable ? EPT_W : 0);
	u64 *table = vmx_vm->ept_root;
	int l;

	lockdep_assert_held(&vmx_vm->vm.mmu_lock);

	for (l = EPT_LEVELS; l > 1; l--) {
		u64 *e = &table[ept_index(gfn, l)];

		if (l == 2 && huge && (!(*e & EPT_RWX) || (*e & EPT_PS))) {
			WRITE_ONCE(*e, (ALIGN_DOWN(pfn, EPT_ENTRIES) << PAGE_SHIFT) |
				   flags | EPT_PS);
			return 2;
		}
		/*
		 * No table yet, or a huge leaf that this 4 KiB mapping
		 * replaces (e.g. to make one page writable): a new table.
		 * The other 511 pages fault in again as needed.
		 */
		if (!(*e & EPT_RWX) || (*e & EPT_PS)) {
			void *page = hv_mmu_cache_alloc(cache);

			WRITE_ONCE(*e, __pa(page) | EPT_TABLE);
		}
		table = ept_table(*e);
	}
	WRITE_ONCE(table[ept_index(gfn, 1)], (pfn << PAGE_SHIFT) | flags);
	return 1;
}

/*
 * Whether the host maps @hva with a PMD-sized transparent huge page, read
 * locklessly as GUP-fast does (interrupts off keep the tables alive); a
 * split or collapse after the check is an invalidation, which makes the
 * fault retry.
 */
static bool ept_host_huge(struct mm_struct *mm, unsigned long hva)
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

static int ept_mmio(struct vmx_vcpu *vmx, u64 gpa, bool write, bool fetch)
{
	u64 data[2] = { gpa, vmx->vcpu.arch.rip };

	/* Nothing to fetch instructions from: KVM's emulation failure. */
	if (fetch)
		return hv_x86_internal_error(&vmx->vcpu,
					     HV_INTERNAL_ERROR_EMULATION, 2, data);
	/*
	 * VT-x reports no instruction bytes: the shared decoder fetches
	 * them from the guest's RIP (hv_x86_copy_linear()).
	 */
	return hv_x86_handle_mmio(&vmx->vcpu, gpa, write, NULL, 0);
}

/**
 * vmx_ept_violation - handle an EPT violation exit
 * @vmx: the vCPU.
 * @gpa: the guest-physical address (SDM 27.2.1).
 * @qual: the exit qualification, SDM Table 27-7.
 *
 * Return: 1 to re-enter the guest, 0 for an MMIO exit, -EFAULT when the
 * slot's user memory cannot be faulted in (e.g. it was unmapped), as KVM.
 */
int vmx_ept_violation(struct vmx_vcpu *vmx, u64 gpa, unsigned long qual)
{
	struct hv_vm *vm = vmx->vcpu.vm;
	bool write = qual & EPT_QUAL_WRITE;
	bool fetch = qual & EPT_QUAL_FETCH;
	struct hv_memslot *slot;
	bool writable = false;
	unsigned long hva, seq;
	struct page *page;
	u64 gfn = gpa >> PAGE_SHIFT;
	bool huge;
	int level, r;

	vmx->vcpu.stats.nested_fault_exits++;
	vm->stats.nested_faults++;
	slot = hv_gfn_to_memslot(vm, gfn);
	/* Beyond what 4-level EPT maps (never a slot: hv_arch_max_gfn()). */
	if (!slot || gfn >> (9 * EPT_LEVELS))
		return ept_mmio(vmx, gpa, write, fetch);
	/* A write to a read-only slot is MMIO for userspace (READONLY_MEM). */
	if (write && (slot->flags & HV_MEM_READONLY))
		return ept_mmio(vmx, gpa, true, false);

	r = hv_mmu_cache_topup(&vmx->ept_cache, VMX_EPT_CACHE_PAGES);
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
	 * whole 2 MiB range inside the slot, and a THP behind it.
	 */
	huge = vmx_cfg.ept_2m &&
	       ((gfn ^ (hva >> PAGE_SHIFT)) & (EPT_ENTRIES - 1)) == 0 &&
	       ALIGN_DOWN(gfn, EPT_ENTRIES) >= slot->base_gfn &&
	       ALIGN_DOWN(gfn, EPT_ENTRIES) + EPT_ENTRIES <=
			slot->base_gfn + slot->npages &&
	       ept_host_huge(vm->mm, hva);

	spin_lock(&vm->mmu_lock);
	if (hv_mmu_fault_retry(vm, seq, hva)) {
		/* Raced with an invalidation: let the guest fault again. */
		spin_unlock(&vm->mmu_lock);
		put_page(page);
		return 1;
	}
	level = ept_map(to_vmx_vm(vm), &vmx->ept_cache, gfn,
			page_to_pfn(page), huge, writable);
	if (level == 2)
		vm->stats.nested_mapped_2m++;
	else
		vm->stats.nested_mapped_4k++;
	spin_unlock(&vm->mmu_lock);

	/*
	 * The guest writes the page behind the host's back: mark it dirty so
	 * reclaim writes it out rather than dropping it.
	 */
	if (writable)
		set_page_dirty_lock(page);
	put_page(page);
	return 1;
}

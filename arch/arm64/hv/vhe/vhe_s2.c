// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv-arm64: stage-2 translation (Arm ARM D8, "The AArch64 Virtual Memory
 * System Architecture") from the VM's memory slots.
 *
 * 4KB granule, levels 1 to 3, the level 1 table concatenated over up to
 * two pages for a 40-bit IPA space.  Mappings are made at 4KB on a guest
 * fault and removed by the core's MMU notifier through vhe_s2_zap(); the
 * fault path follows the notifier's sequence/retry protocol exactly as
 * the SVM backend does (Documentation/virt/hv/locking.rst).  Tables are
 * freed only with the VM.
 *
 * TLB: every guest entry and exit invalidates the VMID's stage 1 and 2
 * entries on the local CPU (vhe_run.c), so a zap needs no broadcast TLBI
 * of its own: the core kicks every vCPU out of the guest before the
 * notifier returns.
 */
#define pr_fmt(fmt) "hv-arm64: " fmt

#include <linux/gfp.h>
#include <linux/mm.h>
#include <asm/cacheflush.h>
#include <asm/esr.h>
#include <asm/kvm_arm.h>

#include "vhe.h"

#define S2_VALID	BIT_ULL(0)
#define S2_TABLE	BIT_ULL(1)	/* table (levels 1-2) or page (level 3) */
#define S2_MEMATTR_WB	(0xfULL << 2)	/* Normal, inner and outer write-back */
#define S2AP_R		BIT_ULL(6)
#define S2AP_W		BIT_ULL(7)
#define S2_SH_IS	(3ULL << 8)
#define S2_AF		BIT_ULL(10)
#define S2_ADDR		GENMASK_ULL(47, 12)
#define S2_ENTRIES	512

static inline unsigned int s2_shift(int level)
{
	return PAGE_SHIFT + 9 * (3 - level);
}

static inline u64 *s2_table(u64 e)
{
	return __va(e & S2_ADDR);
}

/* Entries of the (concatenated) level 1 table. */
static inline unsigned int s2_root_entries(struct hv_vm *vm)
{
	return 1U << (vm->arch.ipa_bits - s2_shift(1));
}

static inline unsigned int s2_index(u64 ipa, int level)
{
	if (level == 1)
		return ipa >> s2_shift(1);
	return (ipa >> s2_shift(level)) & (S2_ENTRIES - 1);
}

int vhe_s2_init(struct hv_vm *vm)
{
	struct vhe_vm *v = to_vhe_vm(vm);
	unsigned int ps = min_t(u32, vhe_parange, 5);	/* at most 48 bits */

	/* Two pages, naturally aligned, as concatenated tables must be. */
	v->pgd = (u64 *)__get_free_pages(GFP_KERNEL_ACCOUNT | __GFP_ZERO, 1);
	if (!v->pgd)
		return -ENOMEM;
	/*
	 * VTCR_EL2 (Arm ARM D17.2.159): T0SZ, start at level 1, write-back
	 * inner shareable walks, 4KB granule, PS, 16-bit VMID if present.
	 */
	v->vtcr = (64 - vm->arch.ipa_bits) | (1ULL << 6) | (1ULL << 8) |
		  (1ULL << 10) | (3ULL << 12) | ((u64)ps << 16) |
		  (vhe_vmid_bits == 16 ? BIT_ULL(19) : 0) | BIT_ULL(31);
	v->vttbr = virt_to_phys(v->pgd) | ((u64)v->vmid << 48);
	return 0;
}

static void s2_free_table(u64 *table, int level, unsigned int n)
{
	unsigned int i;

	for (i = 0; level < 3 && i < n; i++)
		if (table[i] & S2_VALID)
			s2_free_table(s2_table(table[i]), level + 1, S2_ENTRIES);
	if (level > 1)
		free_page((unsigned long)table);
}

void vhe_s2_destroy(struct hv_vm *vm)
{
	struct vhe_vm *v = to_vhe_vm(vm);

	if (!v->pgd)
		return;
	s2_free_table(v->pgd, 1, s2_root_entries(vm));
	free_pages((unsigned long)v->pgd, 1);
}

static bool s2_zap_table(u64 *table, int level, u64 base, u64 start, u64 end,
			 unsigned int n)
{
	u64 span = 1ULL << (s2_shift(level) - PAGE_SHIFT);	/* in gfns */
	unsigned int i, first, last;
	bool zapped = false;

	first = start > base ? (start - base) / span : 0;
	last = min_t(u64, n, DIV_ROUND_UP(end - base, span));
	for (i = first; i < last; i++) {
		u64 e = table[i];

		if (!(e & S2_VALID))
			continue;
		if (level == 3) {
			WRITE_ONCE(table[i], 0);
			zapped = true;
			continue;
		}
		zapped |= s2_zap_table(s2_table(e), level + 1, base + i * span,
				       start, end, S2_ENTRIES);
	}
	return zapped;
}

/* Remove the mappings of gfns [start, end); mmu_lock held. */
bool vhe_s2_zap(struct hv_vm *vm, u64 start, u64 end)
{
	bool zapped;

	lockdep_assert_held(&vm->mmu_lock);

	end = min(end, 1ULL << (vm->arch.ipa_bits - PAGE_SHIFT));
	if (start >= end)
		return false;
	zapped = s2_zap_table(to_vhe_vm(vm)->pgd, 1, 0, start, end,
			      s2_root_entries(vm));
	/* The walker must see the cleared entries before the TLB flushes. */
	dsb(ishst);
	return zapped;
}

static void s2_map(struct hv_vm *vm, struct hv_mmu_page_cache *cache, u64 gfn,
		   phys_addr_t pa, bool writable)
{
	u64 ipa = gfn << PAGE_SHIFT;
	u64 *table = to_vhe_vm(vm)->pgd;
	int level;

	lockdep_assert_held(&vm->mmu_lock);

	for (level = 1; level < 3; level++) {
		u64 *e = &table[s2_index(ipa, level)];

		if (!(*e & S2_VALID)) {
			void *page = hv_mmu_cache_alloc(cache);

			WRITE_ONCE(*e, virt_to_phys(page) | S2_TABLE | S2_VALID);
		}
		table = s2_table(*e);
	}
	/*
	 * A permission change of a valid entry needs no break-before-make
	 * (Arm ARM D8.14.1); the output address of a live entry never
	 * changes here: the notifier zaps it first.
	 */
	WRITE_ONCE(table[s2_index(ipa, 3)],
		   pa | S2_VALID | S2_TABLE | S2_MEMATTR_WB | S2AP_R |
		   (writable ? S2AP_W : 0) | S2_SH_IS | S2_AF);
	dsb(ishst);
}

/*
 * Make the page's contents visible to a guest running with its MMU or
 * caches off (non-cacheable accesses see the point of coherency) and to
 * its instruction fetches: clean to PoC, then invalidate the I-cache to
 * PoU (Arm ARM D7.5.9, "Data and instruction cache maintenance").
 */
static void s2_clean_page(struct page *page)
{
	unsigned long va = (unsigned long)page_address(page);
	unsigned long line = 4UL << ((read_cpuid_cachetype() >> 16) & 0xf);
	unsigned long p;

	for (p = va; p < va + PAGE_SIZE; p += line)
		asm volatile("dc cvac, %0" : : "r" (p) : "memory");
	dsb(ish);
	caches_clean_inval_pou(va, va + PAGE_SIZE);
}

/* FSC types of a stage-2 fault hv resolves (ESR_EL2 ISS.DFSC/IFSC). */
static bool s2_fault_resolvable(u64 esr)
{
	switch (esr & ESR_ELx_FSC_TYPE) {
	case ESR_ELx_FSC_FAULT:		/* translation, levels 0-3 */
	case ESR_ELx_FSC_ACCESS:
	case ESR_ELx_FSC_PERM:
		return true;
	default:
		return false;
	}
}

/**
 * vhe_s2_fault - a stage-2 abort (instruction or data) from the guest
 * @vcpu: the vCPU.
 * @esr: ESR_EL2.
 * @far: FAR_EL2: the low 12 bits of the address.
 * @hpfar: HPFAR_EL2: the IPA's page (Arm ARM D17.2.57).
 *
 * Return: 1 to re-enter, 0 for an MMIO or error exit, or -errno.
 */
int vhe_s2_fault(struct hv_vcpu *vcpu, u64 esr, u64 far, u64 hpfar)
{
	struct vhe_vcpu *vhe = to_vhe(vcpu);
	struct hv_vm *vm = vcpu->vm;
	bool iabt = ESR_ELx_EC(esr) == ESR_ELx_EC_IABT_LOW;
	bool s1ptw = esr & ESR_ELx_S1PTW;
	u64 ipa = ((hpfar & HPFAR_MASK) << 8) | (far & ~PAGE_MASK);
	u64 gfn = ipa >> PAGE_SHIFT;
	struct hv_memslot *slot;
	unsigned long hva, seq;
	bool write, writable;
	struct page *page;
	int r;

	vcpu->stats.nested_fault_exits++;
	vm->stats.nested_faults++;
	if (!s2_fault_resolvable(esr))
		return hv_arm64_internal_error(vcpu, esr, ipa);
	/*
	 * A stage-1 walk that writes (hardware access flag) reports a
	 * permission fault on the table page: it needs write access.
	 */
	if (iabt)
		write = false;
	else if (s1ptw)
		write = (esr & ESR_ELx_FSC_TYPE) == ESR_ELx_FSC_PERM;
	else
		write = esr & ESR_ELx_WNR;

	slot = hv_gfn_to_memslot(vm, gfn);
	if (!slot || (write && (slot->flags & HV_MEM_READONLY))) {
		/* No memory to fetch from or to walk: KVM injects an abort. */
		if (iabt || s1ptw)
			return hv_arm64_internal_error(vcpu, esr, ipa);
		return hv_arm64_handle_mmio(vcpu, ipa, esr);
	}

	r = hv_mmu_cache_topup(&vhe->s2_cache, VHE_S2_CACHE_PAGES);
	if (r)
		return r;
	hva = hv_memslot_gfn_to_hva(slot, gfn);
	seq = hv_mmu_fault_begin(vm);
	/* Map writable when the page already is: saves a second fault. */
	if (!(slot->flags & HV_MEM_READONLY) &&
	    get_user_page_fast_only(hva, FOLL_WRITE, &page)) {
		writable = true;
	} else {
		if (get_user_pages_unlocked(hva, 1, &page,
					    write ? FOLL_WRITE : 0) != 1)
			return -EFAULT;
		writable = write;
	}
	s2_clean_page(page);

	spin_lock(&vm->mmu_lock);
	if (hv_mmu_fault_retry(vm, seq, hva)) {
		/* Raced with an invalidation: let the guest fault again. */
		spin_unlock(&vm->mmu_lock);
		put_page(page);
		return 1;
	}
	s2_map(vm, &vhe->s2_cache, gfn, page_to_phys(page), writable);
	vm->stats.nested_mapped_4k++;
	spin_unlock(&vm->mmu_lock);

	/* The mapping does not pin the page: the notifier removes it. */
	if (writable)
		set_page_dirty_lock(page);
	put_page(page);
	return 1;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * x86 guest environment of the hv selftests: 4-level page tables, GDT with
 * a TSS per vCPU, IDT whose handlers report to the host, and the register
 * state that starts a vCPU in 64-bit, 32-bit protected or real mode.
 */
#include <assert.h>
#include <stdarg.h>

#include "ucall.h"
#include "x86/processor.h"
#include "x86/state.h"

#define PTE_P		BIT_ULL(0)
#define PTE_RW		BIT_ULL(1)
#define PTE_PS		BIT_ULL(7)
#define PTE_ADDR	0x000ffffffffff000ULL

#define STACK_PAGES	4
#define IST_PAGES	2

/* 64-bit TSS (104 bytes): only IST1 is used, by every exception vector. */
#define TSS_SIZE	104
#define TSS_RSP0	0x04
#define TSS_IST1	0x24
#define TSS_IOPB	0x66

/* 64-bit interrupt gate; no padding in this layout. */
struct hv_idt_gate {
	u16 offset0;
	u16 selector;
	u8 ist;
	u8 attr;
	u16 offset1;
	u32 offset2;
	u32 reserved;
};

static_assert(sizeof(struct hv_idt_gate) == 16, "IDT gate layout");

/* Guest copy: per-vector handlers, written by the host. */
hv_ex_handler_t hv_guest_handlers[HV_NR_VECTORS];

/* Called by the stubs, in the guest. */
void hv_guest_exception(struct hv_ex_regs *regs)
{
	hv_ex_handler_t handler = hv_guest_handlers[regs->vector & 0xff];

	if (handler) {
		handler(regs);
		return;
	}
	ucall(UCALL_UNHANDLED, regs->vector, regs->rip, regs->error_code,
	      read_cr2());
	for (;;)
		hlt();
}

/* Where a guest function returns to: the same as GUEST_DONE(). */
static void hv_guest_returned(void)
{
	for (;;)
		GUEST_DONE();
}

void vm_install_exception_handler(struct hv_vm *vm, unsigned int vector,
				  hv_ex_handler_t handler)
{
	hv_ex_handler_t *slot;

	TEST_ASSERT(vector < HV_NR_VECTORS, "vector %u", vector);
	slot = hv_gpa2hva(vm, (u64)&hv_guest_handlers[vector]);
	*slot = handler;
}

/* A zeroed page of the system slot: returns its GPA. */
static u64 sys_alloc(struct hv_vm *vm, unsigned int pages)
{
	u64 gpa = vm->sys_next;

	TEST_ASSERT(gpa + pages * HV_PAGE_SIZE <= HV_SYS_GPA + HV_SYS_SIZE,
		    "system slot full");
	vm->sys_next += pages * HV_PAGE_SIZE;
	memset(hv_gpa2hva(vm, gpa), 0, pages * HV_PAGE_SIZE);
	return gpa;
}

static u64 *pte_at(struct hv_vm *vm, u64 table, u64 gva, int level)
{
	u64 *t = hv_gpa2hva(vm, table);

	return &t[(gva >> (12 + 9 * level)) & 511];
}

/* Map one page of @level (0: 4 KiB, 1: 2 MiB) at @gva to @gpa. */
static void map_page(struct hv_vm *vm, u64 gva, u64 gpa, int level)
{
	u64 table = vm->pml4, *pte;
	int l;

	for (l = 3; l > level; l--) {
		pte = pte_at(vm, table, gva, l);
		TEST_ASSERT(!(*pte & PTE_PS), "GVA 0x%llx already mapped", gva);
		if (!(*pte & PTE_P))
			*pte = sys_alloc(vm, 1) | PTE_P | PTE_RW;
		table = *pte & PTE_ADDR;
	}
	pte = pte_at(vm, table, gva, level);
	TEST_ASSERT(!(*pte & PTE_P), "GVA 0x%llx already mapped", gva);
	*pte = gpa | PTE_P | PTE_RW | (level ? PTE_PS : 0);
}

void hv_virt_map(struct hv_vm *vm, u64 gva, u64 gpa, u64 size)
{
	u64 off;

	TEST_ASSERT(!((gva | gpa | size) & (HV_PAGE_SIZE - 1)),
		    "unaligned mapping");
	for (off = 0; off < size; off += HV_PAGE_SIZE)
		map_page(vm, gva + off, gpa + off, 0);
}

static void gdt_set(struct hv_vm *vm, unsigned int sel, u64 desc)
{
	u64 *gdt = hv_gpa2hva(vm, vm->gdt);

	gdt[sel / 8] = desc;
}

/* A code or data descriptor; @flags holds G, D/B and L (bits 55:52). */
static u64 seg_desc(u64 base, u32 limit, u8 type, u8 flags)
{
	return (limit & 0xffffULL) | ((base & 0xffffffULL) << 16) |
	       ((u64)(type | 0x90) << 40) | ((u64)(limit >> 16 & 0xf) << 48) |
	       ((u64)flags << 52) | ((base >> 24 & 0xff) << 56);
}

static void seg_set(struct hv_segment *s, u16 sel, u64 base, u32 limit,
		    u8 type, bool code64, bool db, bool g)
{
	*s = (struct hv_segment){
		.base = base,
		.limit = limit,
		.selector = sel,
		.type = type,
		.present = 1,
		.s = 1,
		.l = code64,
		.db = db,
		.g = g,
	};
}

static void seg_unusable(struct hv_segment *s)
{
	*s = (struct hv_segment){ .type = 2, .unusable = 1 };
}

struct hv_vm *hv_vm_create(void)
{
	struct hv_vm *vm = hv_vm_create_bare();
	struct hv_idt_gate *idt;
	unsigned int v;
	u64 gva;

	vm->sys_hva = hv_vm_add_region(vm, HV_SLOT_SYS, HV_SYS_GPA,
				       HV_SYS_SIZE, 0, HV_BACKING_ANON);
	vm->sys_next = HV_SYS_GPA;
	hv_vm_load_image(vm);

	/* Identity map of the first 4 GiB with 2 MiB pages. */
	vm->pml4 = sys_alloc(vm, 1);
	for (gva = 0; gva < HV_4G; gva += HV_2M)
		map_page(vm, gva, gva, 1);

	vm->gdt = sys_alloc(vm, 1);
	gdt_set(vm, HV_SEL_CODE64, seg_desc(0, 0xfffff, 0xb, 0xa));
	gdt_set(vm, HV_SEL_DATA, seg_desc(0, 0xfffff, 0x3, 0xc));
	gdt_set(vm, HV_SEL_CODE32, seg_desc(0, 0xfffff, 0xb, 0xc));

	vm->idt = sys_alloc(vm, 1);
	idt = hv_gpa2hva(vm, vm->idt);
	for (v = 0; v < HV_NR_VECTORS; v++) {
		u64 h = (u64)hv_ex_stubs + v * HV_EX_STUB_SIZE;

		idt[v] = (struct hv_idt_gate){
			.offset0 = h & 0xffff,
			.selector = HV_SEL_CODE64,
			.ist = 1,
			.attr = 0x8e,	/* present, DPL 0, interrupt gate */
			.offset1 = h >> 16 & 0xffff,
			.offset2 = h >> 32,
		};
	}
	return vm;
}

void hv_sregs_lmode(struct hv_vm *vm, struct hv_vcpu *vcpu,
		    struct hv_sregs *sregs)
{
	seg_set(&sregs->cs, HV_SEL_CODE64, 0, 0xffffffff, 0xb, true, false,
		true);
	seg_set(&sregs->ds, HV_SEL_DATA, 0, 0xffffffff, 0x3, false, true, true);
	sregs->es = sregs->ds;
	sregs->fs = sregs->ds;
	sregs->gs = sregs->ds;
	sregs->ss = sregs->ds;
	sregs->tr = (struct hv_segment){
		.base = vcpu->tss,
		.limit = TSS_SIZE - 1,
		.selector = HV_SEL_TSS(vcpu->id),
		.type = 0xb,	/* busy 64-bit TSS */
		.present = 1,
	};
	seg_unusable(&sregs->ldt);
	sregs->gdt.base = vm->gdt;
	sregs->gdt.limit = HV_PAGE_SIZE - 1;
	sregs->idt.base = vm->idt;
	sregs->idt.limit = HV_NR_VECTORS * sizeof(struct hv_idt_gate) - 1;
	sregs->cr0 = X86_CR0_PE | X86_CR0_MP | X86_CR0_ET | X86_CR0_NE |
		     X86_CR0_WP | X86_CR0_PG;
	sregs->cr3 = vm->pml4;
	sregs->cr4 = X86_CR4_PAE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT;
	sregs->efer = EFER_LME | EFER_LMA;
}

void vcpu_setup_lmode(struct hv_vcpu *vcpu, void *guest_code)
{
	struct hv_vm *vm = vcpu->vm;
	struct hv_sregs sregs;
	struct hv_regs regs;
	u64 *ret, ist;
	u16 iopb = TSS_SIZE;
	char *tss;

	TEST_ASSERT(vm->sys_hva, "vCPU %u: not a guest VM", vcpu->id);
	if (!vcpu->tss) {
		TEST_ASSERT(HV_SEL_TSS(vcpu->id) + 16 <= HV_PAGE_SIZE,
			    "vCPU id %u too large for the GDT", vcpu->id);
		vcpu->tss = sys_alloc(vm, 1);
		vcpu->stack_top = sys_alloc(vm, STACK_PAGES) +
				  STACK_PAGES * HV_PAGE_SIZE;
		ist = sys_alloc(vm, IST_PAGES) + IST_PAGES * HV_PAGE_SIZE;
		tss = hv_gpa2hva(vm, vcpu->tss);
		memcpy(tss + TSS_RSP0, &vcpu->stack_top, 8);
		memcpy(tss + TSS_IST1, &ist, 8);
		memcpy(tss + TSS_IOPB, &iopb, 2);
		/* The system descriptor is 16 bytes: type 0xb (busy). */
		gdt_set(vm, HV_SEL_TSS(vcpu->id),
			(TSS_SIZE - 1) | (vcpu->tss & 0xffffff) << 16 |
			0x8bULL << 40 | (vcpu->tss >> 24 & 0xff) << 56);
		gdt_set(vm, HV_SEL_TSS(vcpu->id) + 8, vcpu->tss >> 32);
	}

	vcpu_sregs_get(vcpu, &sregs);
	hv_sregs_lmode(vm, vcpu, &sregs);
	vcpu_sregs_set(vcpu, &sregs);

	/* A return from guest_code lands in hv_guest_returned(). */
	ret = hv_gpa2hva(vm, vcpu->stack_top - 8);
	*ret = (u64)hv_guest_returned;
	memset(&regs, 0, sizeof(regs));
	regs.rip = (u64)guest_code;
	regs.rsp = vcpu->stack_top - 8;
	regs.rflags = X86_EFLAGS_FIXED;
	vcpu_regs_set(vcpu, &regs);
}

struct hv_vcpu *hv_vcpu_add(struct hv_vm *vm, u32 id, void *guest_code)
{
	struct hv_vcpu *vcpu = hv_vcpu_create(vm, id);

	vcpu_setup_lmode(vcpu, guest_code);
	return vcpu;
}

void vcpu_setup_rmode(struct hv_vcpu *vcpu, u16 cs, u16 ip, u16 sp)
{
	struct hv_sregs sregs;
	struct hv_regs regs;

	vcpu_sregs_get(vcpu, &sregs);
	seg_set(&sregs.cs, cs, (u64)cs << 4, 0xffff, 0xb, false, false, false);
	seg_set(&sregs.ds, cs, (u64)cs << 4, 0xffff, 0x3, false, false, false);
	sregs.es = sregs.ds;
	sregs.fs = sregs.ds;
	sregs.gs = sregs.ds;
	sregs.ss = sregs.ds;
	sregs.cr0 &= ~(u64)(X86_CR0_PE | X86_CR0_PG);
	sregs.cr4 = 0;
	sregs.efer = 0;
	vcpu_sregs_set(vcpu, &sregs);

	memset(&regs, 0, sizeof(regs));
	regs.rip = ip;
	regs.rsp = sp;
	regs.rflags = X86_EFLAGS_FIXED;
	vcpu_regs_set(vcpu, &regs);
}

void vcpu_setup_pmode(struct hv_vcpu *vcpu, u64 gdt_gpa, u32 eip, u32 esp)
{
	u64 *gdt = hv_gpa2hva(vcpu->vm, gdt_gpa);
	struct hv_sregs sregs;
	struct hv_regs regs;

	gdt[0] = 0;
	gdt[HV_PM_SEL_CODE / 8] = seg_desc(0, 0xfffff, 0xb, 0xc);
	gdt[HV_PM_SEL_DATA / 8] = seg_desc(0, 0xfffff, 0x3, 0xc);

	vcpu_sregs_get(vcpu, &sregs);
	seg_set(&sregs.cs, HV_PM_SEL_CODE, 0, 0xffffffff, 0xb, false, true,
		true);
	seg_set(&sregs.ds, HV_PM_SEL_DATA, 0, 0xffffffff, 0x3, false, true,
		true);
	sregs.es = sregs.ds;
	sregs.fs = sregs.ds;
	sregs.gs = sregs.ds;
	sregs.ss = sregs.ds;
	sregs.gdt.base = gdt_gpa;
	sregs.gdt.limit = 3 * 8 - 1;
	sregs.cr0 = X86_CR0_PE | X86_CR0_ET | X86_CR0_NE;
	sregs.cr4 = 0;
	sregs.efer = 0;
	vcpu_sregs_set(vcpu, &sregs);

	memset(&regs, 0, sizeof(regs));
	regs.rip = eip;
	regs.rsp = esp;
	regs.rflags = X86_EFLAGS_FIXED;
	vcpu_regs_set(vcpu, &regs);
}

void vcpu_set_cpuid_supported(struct hv_vcpu *vcpu)
{
	struct hv_cpuid2 *cpuid = hv_get_supported_cpuid();

	vcpu_set_cpuid(vcpu, cpuid);
	free(cpuid);
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv selftest library: a copy of a VM's memory slots, and a fresh VM
 * built from it, for tests that save a guest and restore it elsewhere.
 */
#include <sys/mman.h>

#include "hv_util.h"

struct hv_vm_memory *hv_vm_save_memory(struct hv_vm *vm)
{
	struct hv_vm_memory *mem = calloc(1, sizeof(*mem));
	unsigned int i;

	TEST_ASSERT(mem, "out of memory");
	for (i = 0; i < HV_MAX_REGIONS; i++) {
		const struct hv_region *r = &vm->regions[i];
		unsigned int n = mem->nr;

		if (!r->used)
			continue;
		mem->mr[n] = r->mr;
		mem->data[n] = malloc(r->mr.memory_size);
		TEST_ASSERT(mem->data[n], "out of memory");
		memcpy(mem->data[n], (void *)r->mr.userspace_addr,
		       r->mr.memory_size);
		mem->nr++;
	}
	mem->sys_next = vm->sys_next;
	mem->pml4 = vm->pml4;
	mem->gdt = vm->gdt;
	mem->idt = vm->idt;
	mem->guest_vm = !!vm->sys_hva;
	return mem;
}

/*
 * A new VM whose slots have the saved numbers, flags, addresses, sizes
 * and contents (in new anonymous memory), and, for a guest VM, the same
 * guest environment (page tables, GDT, IDT).
 */
struct hv_vm *hv_vm_create_from_memory(const struct hv_vm_memory *mem)
{
	struct hv_vm *vm = hv_vm_create_bare();
	unsigned int i;
	void *hva;

	for (i = 0; i < mem->nr; i++) {
		hva = hv_vm_add_region(vm, mem->mr[i].slot,
				       mem->mr[i].guest_phys_addr,
				       mem->mr[i].memory_size,
				       mem->mr[i].flags, HV_BACKING_ANON);
		memcpy(hva, mem->data[i], mem->mr[i].memory_size);
	}
	if (mem->guest_vm) {
		vm->sys_hva = hv_gpa2hva(vm, HV_SYS_GPA);
		vm->sys_next = mem->sys_next;
		vm->pml4 = mem->pml4;
		vm->gdt = mem->gdt;
		vm->idt = mem->idt;
	}
	return vm;
}

void hv_vm_memory_free(struct hv_vm_memory *mem)
{
	unsigned int i;

	for (i = 0; i < mem->nr; i++)
		free(mem->data[i]);
	free(mem);
}

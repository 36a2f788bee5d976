// SPDX-License-Identifier: GPL-2.0-only
/*
 * arm64 guest environment of the hv selftests: a flat stage-1 map with
 * the MMU on, a vector table whose handlers report to the host, and the
 * register state that starts a vCPU at EL1 in a test's C function
 * (include/arm64/processor.h).
 */
#include <assert.h>
#include <stdarg.h>

#include "ucall.h"
#include "arm64/processor.h"

#define STACK_PAGES	4

/* Stage-1 level-1 block descriptor (Arm ARM D8.3.1, 4 KiB granule). */
#define PTE_BLOCK	1ULL
#define PTE_ATTRIDX(i)	((u64)(i) << 2)
#define PTE_SH_INNER	(3ULL << 8)
#define PTE_AF		BIT_ULL(10)
#define PTE_PXN		BIT_ULL(53)
#define PTE_UXN		BIT_ULL(54)

/* MAIR_EL1: attribute 0 Normal write-back, 1 Device-nGnRnE. */
#define MAIR_VALUE	0x00ffULL
/*
 * TCR_EL1: T0SZ 32 (4 GiB, level-1 start), WB walks, inner shareable,
 * 4 KiB granule, no TTBR1 walks (EPD1), 32-bit IPS.
 */
#define TCR_VALUE	(32ULL | (1ULL << 8) | (1ULL << 10) | (3ULL << 12) | \
			 BIT_ULL(23))
/* SCTLR_EL1: RES1 bits, M, C, I. */
#define SCTLR_VALUE	(0x30d00800ULL | BIT(0) | BIT(2) | BIT(12))
#define CPACR_FPEN	(3ULL << 20)
/* EL1h, D, A, I, F masked. */
#define PSTATE_EL1H	0x3c5ULL

#define SYS_SCTLR_EL1	ARM64_SYS_REG(3, 0, 1, 0, 0)
#define SYS_CPACR_EL1	ARM64_SYS_REG(3, 0, 1, 0, 2)
#define SYS_TTBR0_EL1	ARM64_SYS_REG(3, 0, 2, 0, 0)
#define SYS_TCR_EL1	ARM64_SYS_REG(3, 0, 2, 0, 2)
#define SYS_MAIR_EL1	ARM64_SYS_REG(3, 0, 10, 2, 0)
#define SYS_VBAR_EL1	ARM64_SYS_REG(3, 0, 12, 0, 0)

/* Guest copy: per-kind handlers, written by the host. */
hv_ex_handler_t hv_guest_handlers[HV_NR_VECTORS];

/* Called by hv_ex_common, in the guest. */
void hv_guest_exception(struct hv_ex_regs *regs)
{
	hv_ex_handler_t handler = hv_guest_handlers[regs->vector & 15];

	if (handler) {
		handler(regs);
		return;
	}
	ucall(UCALL_UNHANDLED, regs->vector, regs->elr, read_sysreg(esr_el1),
	      read_sysreg(far_el1));
	for (;;)
		wfi();
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

static u64 sys_alloc(struct hv_vm *vm, unsigned int pages)
{
	u64 gpa = vm->sys_next;

	TEST_ASSERT(gpa + pages * HV_PAGE_SIZE <= HV_SYS_GPA + HV_SYS_SIZE,
		    "system slot full");
	vm->sys_next += pages * HV_PAGE_SIZE;
	memset(hv_gpa2hva(vm, gpa), 0, pages * HV_PAGE_SIZE);
	return gpa;
}

struct hv_vm *hv_vm_create(void)
{
	struct hv_vm *vm = hv_vm_create_bare();
	u64 *l1;
	int i;

	vm->sys_hva = hv_vm_add_region(vm, HV_SLOT_SYS, HV_SYS_GPA,
				       HV_SYS_SIZE, 0, HV_BACKING_ANON);
	vm->sys_next = HV_SYS_GPA;
	hv_vm_load_image(vm);
	/* One level-1 table: 4 blocks of 1 GiB (pml4 holds TTBR0_EL1). */
	vm->pml4 = sys_alloc(vm, 1);
	l1 = hv_gpa2hva(vm, vm->pml4);
	for (i = 0; i < 4; i++) {
		l1[i] = ((u64)i << 30) | PTE_BLOCK | PTE_AF;
		if (i < 2)
			l1[i] |= PTE_ATTRIDX(0) | PTE_SH_INNER;
		else
			l1[i] |= PTE_ATTRIDX(1) | PTE_PXN | PTE_UXN;
	}
	return vm;
}

int __vcpu_set_reg(struct hv_vcpu *vcpu, u64 id, u64 val)
{
	struct hv_one_reg reg = { .id = id, .addr = (u64)&val };

	return __vcpu_ioctl(vcpu, HV_SET_ONE_REG, &reg);
}

void vcpu_set_reg(struct hv_vcpu *vcpu, u64 id, u64 val)
{
	struct hv_one_reg reg = { .id = id, .addr = (u64)&val };

	vcpu_ioctl(vcpu, HV_SET_ONE_REG, &reg);
}

u64 vcpu_get_reg(struct hv_vcpu *vcpu, u64 id)
{
	u64 val = 0;
	struct hv_one_reg reg = { .id = id, .addr = (u64)&val };

	vcpu_ioctl(vcpu, HV_GET_ONE_REG, &reg);
	return val;
}

void vcpu_arm_init(struct hv_vcpu *vcpu, u32 features)
{
	struct hv_vcpu_init init;

	vm_ioctl(vcpu->vm, HV_ARM_PREFERRED_TARGET, &init);
	init.features[0] |= features;
	vcpu_ioctl(vcpu, HV_ARM_VCPU_INIT, &init);
}

struct hv_vcpu *hv_vcpu_add(struct hv_vm *vm, u32 id, void *guest_code)
{
	struct hv_vcpu *vcpu = hv_vcpu_create(vm, id);

	vcpu_arm_init(vcpu, BIT(HV_ARM_VCPU_PSCI_0_2));
	vcpu->stack_top = sys_alloc(vm, STACK_PAGES) +
			  STACK_PAGES * HV_PAGE_SIZE;
	vcpu_set_reg(vcpu, SYS_MAIR_EL1, MAIR_VALUE);
	vcpu_set_reg(vcpu, SYS_TCR_EL1, TCR_VALUE);
	vcpu_set_reg(vcpu, SYS_TTBR0_EL1, vm->pml4);
	vcpu_set_reg(vcpu, SYS_CPACR_EL1, CPACR_FPEN);
	vcpu_set_reg(vcpu, SYS_VBAR_EL1, (u64)hv_vectors);
	vcpu_set_reg(vcpu, SYS_SCTLR_EL1, SCTLR_VALUE);
	vcpu_set_reg(vcpu, ARM64_CORE_REG(sp_el1), vcpu->stack_top);
	vcpu_set_reg(vcpu, ARM64_CORE_REG(regs.regs[30]),
		     (u64)hv_guest_returned);
	vcpu_set_reg(vcpu, ARM64_CORE_REG(regs.pstate), PSTATE_EL1H);
	vcpu_set_reg(vcpu, ARM64_CORE_REG(regs.pc), (u64)guest_code);
	return vcpu;
}

void vcpu_args_set(struct hv_vcpu *vcpu, unsigned int n, ...)
{
	va_list ap;
	unsigned int i;

	TEST_ASSERT(n <= 8, "%u arguments", n);
	va_start(ap, n);
	for (i = 0; i < n; i++)
		vcpu_set_reg(vcpu, ARM64_CORE_REG(regs.regs[i]),
			     va_arg(ap, u64));
	va_end(ap);
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Exit reasons other than I/O and MMIO:
 *   HV_EXIT_HLT             HLT without an in-kernel interrupt controller
 *   HV_EXIT_SHUTDOWN        a triple fault
 *   HV_EXIT_FAIL_ENTRY      guest state SET_SREGS accepts but VM entry
 *                           refuses (CS.L and CS.D both set in long mode)
 *   HV_EXIT_INTERNAL_ERROR  instruction fetch from guest physical memory
 *                           that no slot backs (emulation failure), also
 *                           with no memory slot at all
 */
#include <sys/sysinfo.h>

#include "kselftest_harness.h"
#include "ucall.h"
#include "x86/processor.h"

static void guest_hlt(void)
{
	asm volatile("hlt\n\t"
		     "after_hlt1: hlt\n\t"
		     "after_hlt2:" ::: "memory");
	GUEST_DONE();
}

TEST(hlt_exit)
{
	struct hv_vcpu *vcpu;
	struct hv_regs regs;
	struct hv_vm *vm;

	HV_REQUIRE_GUEST(return);
	vm = hv_vm_create();
	vcpu = hv_vcpu_add(vm, 0, guest_hlt);
	vcpu_run(vcpu);
	vcpu_assert_exit(vcpu, HV_EXIT_HLT);
	vcpu_regs_get(vcpu, &regs);
	EXPECT_EQ(ASM_ADDR(after_hlt1), regs.rip);
	vcpu_run(vcpu);
	vcpu_assert_exit(vcpu, HV_EXIT_HLT);
	vcpu_regs_get(vcpu, &regs);
	EXPECT_EQ(ASM_ADDR(after_hlt2), regs.rip);
	/* RUN after HLT continues with the next instruction. */
	vcpu_expect_ucall(vcpu, UCALL_DONE, NULL);
	hv_vm_free(vm);
}

/* No IDT: int3 faults, the #GP for it faults, the #DF faults: shutdown. */
static void guest_triple_fault(void)
{
	u16 idtr[5] = { 0 };	/* limit 0, base 0 */

	asm volatile("lidt %0\n\t"
		     "int3" : : "m"(idtr) : "memory");
	GUEST_FAIL("int3 returned without an IDT");
}

TEST(shutdown_on_triple_fault)
{
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;

	HV_REQUIRE_GUEST(return);
	vm = hv_vm_create();
	vcpu = hv_vcpu_add(vm, 0, guest_triple_fault);
	vcpu_run(vcpu);
	vcpu_assert_exit(vcpu, HV_EXIT_SHUTDOWN);
	hv_vm_free(vm);
}

static bool cpu_has_flag(const char *flag)
{
	char line[4096], *p;
	bool found = false;
	FILE *f = fopen("/proc/cpuinfo", "r");

	while (f && !found && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "flags", 5))
			continue;
		for (p = strtok(strchr(line, ':'), "\n "); p && !found;
		     p = strtok(NULL, "\n "))
			found = !strcmp(p, flag);
	}
	if (f)
		fclose(f);
	return found;
}

static void guest_should_not_run(void)
{
	hlt();
	GUEST_DONE();
}

TEST(fail_entry_cs_l_and_d)
{
	struct hv_vcpu *vcpu;
	struct hv_sregs sregs;
	struct hv_run *run;
	struct hv_vm *vm;
	char buf[256];

	HV_REQUIRE_GUEST(return);
	vm = hv_vm_create();
	vcpu = hv_vcpu_add(vm, 0, guest_should_not_run);
	run = vcpu->run;
	vcpu_sregs_get(vcpu, &sregs);
	sregs.cs.db = 1;	/* with cs.l = 1, EFER.LMA = 1: reserved */
	ASSERT_EQ(0, __vcpu_ioctl(vcpu, HV_SET_SREGS, &sregs));

	vcpu_run(vcpu);
	hv_describe_exit(vcpu, buf, sizeof(buf));
	TH_LOG("CS.L = CS.D = 1: %s", buf);
	if (run->exit_reason == HV_EXIT_HLT)
		SKIP(return, "%s %s", "the CPU entered a guest with CS.L = CS.D = 1:",
		     "its VM-entry consistency check is missing");
	ASSERT_EQ(HV_EXIT_FAIL_ENTRY, run->exit_reason);
	EXPECT_GT(get_nprocs_conf(), run->fail_entry.cpu);
	/*
	 * The hardware's reason: SVM's VMEXIT_INVALID as KVM reports it
	 * (the 32-bit exit code -1), VMX's exit reason with bit 31 set.
	 */
	if (cpu_has_flag("svm"))
		EXPECT_EQ(0xffffffffULL,
			  run->fail_entry.hardware_entry_failure_reason);
	if (cpu_has_flag("vmx"))
		EXPECT_NE(0, run->fail_entry.hardware_entry_failure_reason &
			  0x80000000ULL);
	hv_vm_free(vm);
}

static void expect_emulation_failure(struct __test_metadata *_metadata,
				     struct hv_vcpu *vcpu)
{
	struct hv_run *run = vcpu->run;
	char buf[256];

	vcpu_run(vcpu);
	hv_describe_exit(vcpu, buf, sizeof(buf));
	TH_LOG("%s", buf);
	ASSERT_EQ(HV_EXIT_INTERNAL_ERROR, run->exit_reason);
	EXPECT_EQ(HV_INTERNAL_ERROR_EMULATION, run->internal.suberror);
}

TEST(internal_error_rip_in_hole)
{
	struct hv_vcpu *vcpu;
	struct hv_regs regs;
	struct hv_vm *vm;

	HV_REQUIRE_GUEST(return);
	vm = hv_vm_create();
	vcpu = hv_vcpu_add(vm, 0, guest_should_not_run);
	vcpu_regs_get(vcpu, &regs);
	regs.rip = HV_MMIO_GPA;
	vcpu_regs_set(vcpu, &regs);
	expect_emulation_failure(_metadata, vcpu);
	hv_vm_free(vm);
}

/*
 * KVM sizes its x86 MMU page budget from the memory slots: with none, RUN
 * fails with ENOSPC unless HV_SET_NR_MMU_PAGES gave it pages, as KVM's
 * own set_memory_region_test does.  Then the fetch of the reset vector
 * is an emulation failure.
 */
TEST(internal_error_no_memslots)
{
	struct hv_vm *vm;
	long r;

	HV_REQUIRE_GUEST(return);
	vm = hv_vm_create_bare();
	r = __vm_ioctl(vm, HV_SET_NR_MMU_PAGES, 64);
	TH_LOG("HV_SET_NR_MMU_PAGES(64): %ld", r);
	expect_emulation_failure(_metadata, hv_vcpu_create(vm, 0));
	hv_vm_free(vm);
}

int main(int argc, char **argv)
{
	hv_require_dev();
	return test_harness_run(argc, argv);
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * HV_GET_SREGS2/HV_SET_SREGS2: the registers of SREGS round-trip, flags
 * KVM refuses are refused, and the PAE PDPTRs.  With PAE paging KVM
 * reports the PDPTRs it loaded from CR3 and takes PDPTRs from userspace
 * (a migrated PAE guest's); hv documents that it reports none (api.rst
 * 4.15: nested paging reloads them from CR3), which is asserted on
 * /dev/hv only.
 */
#include "kselftest_harness.h"
#include "ucall.h"
#include "x86/processor.h"

static void guest_done(void)
{
	GUEST_DONE();
}

static struct hv_vcpu *new_vcpu(struct hv_vm **vm)
{
	*vm = hv_vm_create();
	return hv_vcpu_add(*vm, 0, guest_done);
}

TEST(sregs2_round_trip)
{
	struct hv_sregs2 set, got;
	struct hv_sregs sregs;
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;

	HV_REQUIRE_GUEST(return, HV_CAP_SREGS2);
	vcpu = new_vcpu(&vm);
	vcpu_ioctl(vcpu, HV_GET_SREGS2, &set);
	EXPECT_EQ(0, set.flags);	/* long mode: no PDPTRs */
	set.cr2 = 0xabc000;
	set.efer |= EFER_SCE;
	set.fs.base = 0xfeed0000;
	set.gs.base = 0xffff888000000000ULL;
	vcpu_ioctl(vcpu, HV_SET_SREGS2, &set);
	vcpu_ioctl(vcpu, HV_GET_SREGS2, &got);
	EXPECT_EQ(0, memcmp(&set, &got, sizeof(got)));
	/* SREGS has the same registers, up to its interrupt bitmap. */
	vcpu_sregs_get(vcpu, &sregs);
	EXPECT_EQ(0, memcmp(&sregs, &got,
			    offsetof(struct hv_sregs, interrupt_bitmap)));
	hv_vm_free(vm);
}

TEST(sregs2_rejects_flags)
{
	struct hv_sregs2 set, got, before;
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;

	HV_REQUIRE_GUEST(return, HV_CAP_SREGS2);
	vcpu = new_vcpu(&vm);
	vcpu_ioctl(vcpu, HV_GET_SREGS2, &before);
	set = before;
	set.cr2 = 0x1000;
	set.flags = 2;			/* unknown */
	EXPECT_EQ(-EINVAL, __vcpu_ioctl(vcpu, HV_SET_SREGS2, &set));
	/* PDPTRs exist only with PAE paging, not in long mode. */
	set.flags = HV_SREGS2_FLAGS_PDPTRS_VALID;
	EXPECT_EQ(-EINVAL, __vcpu_ioctl(vcpu, HV_SET_SREGS2, &set));
	vcpu_ioctl(vcpu, HV_GET_SREGS2, &got);
	EXPECT_EQ(0, memcmp(&before, &got, sizeof(got)));
	hv_vm_free(vm);
}

/* A PDPTE pointing at the page @n pages above @base: present only. */
#define PDPTE(base, n)	(((base) + (n) * HV_PAGE_SIZE) | 1)

TEST(sregs2_pae_pdptrs)
{
	struct hv_sregs2 s2, got;
	struct hv_sregs sregs;
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;
	u64 *pdpt;
	int i;

	HV_REQUIRE_GUEST(return, HV_CAP_SREGS2);
	vm = hv_vm_create();
	pdpt = hv_vm_add_region(vm, HV_SLOT_TEST, HV_TEST_GPA, HV_2M, 0,
				HV_BACKING_ANON);
	for (i = 0; i < 4; i++)
		pdpt[i] = PDPTE(HV_TEST_GPA, i + 1);
	vcpu = hv_vcpu_create(vm, 0);
	vcpu_setup_pmode(vcpu, HV_SYS_GPA + HV_SYS_SIZE - 64, 0x1000, 0x2000);
	vcpu_sregs_get(vcpu, &sregs);
	sregs.cr4 |= X86_CR4_PAE;
	sregs.cr0 |= X86_CR0_PG;
	sregs.cr3 = HV_TEST_GPA;	/* 32-byte aligned PDPT */
	vcpu_sregs_set(vcpu, &sregs);

	vcpu_ioctl(vcpu, HV_GET_SREGS2, &s2);
	if (hv_dev_is_hv()) {
		EXPECT_EQ(0, s2.flags);
	} else {
		EXPECT_EQ(HV_SREGS2_FLAGS_PDPTRS_VALID, s2.flags);
		for (i = 0; i < 4; i++)
			EXPECT_EQ(pdpt[i], s2.pdptrs[i]);
	}

	s2.flags = HV_SREGS2_FLAGS_PDPTRS_VALID;
	for (i = 0; i < 4; i++)
		s2.pdptrs[i] = PDPTE(HV_TEST_GPA, i + 5);
	EXPECT_EQ(0, __vcpu_ioctl(vcpu, HV_SET_SREGS2, &s2));
	vcpu_ioctl(vcpu, HV_GET_SREGS2, &got);
	EXPECT_EQ(s2.cr3, got.cr3);
	if (hv_dev_is_hv()) {
		EXPECT_EQ(0, got.flags);
	} else {
		EXPECT_EQ(HV_SREGS2_FLAGS_PDPTRS_VALID, got.flags);
		for (i = 0; i < 4; i++)
			EXPECT_EQ(s2.pdptrs[i], got.pdptrs[i]);
	}
	hv_vm_free(vm);
}

int main(int argc, char **argv)
{
	hv_require_dev();
	return test_harness_run(argc, argv);
}

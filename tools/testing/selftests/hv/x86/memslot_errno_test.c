// SPDX-License-Identifier: GPL-2.0-only
/*
 * HV_SET_USER_MEMORY_REGION input validation, one bad field at a time on
 * an otherwise valid request, with the errno Linux's KVM returns
 * (Documentation/virt/kvm/api.rst and virt/kvm/kvm_main.c):
 *   misaligned GPA, size or host address, a host range access_ok()
 *   refuses (kernel half, beyond the user address space of 4- and
 *   5-level paging alike), GPA + size wrapping, more than 2^31 - 1 pages,
 *   slot id >= HV_CAP_NR_MEMSLOTS, address space id beyond the last,
 *   unknown flags: EINVAL.  Overlapping another slot: EEXIST.  Changing
 *   the host address, the size or READONLY of an existing slot, or
 *   deleting an empty slot: EINVAL.  Repeating a slot exactly, moving it
 *   and deleting it: 0.  A host address with nothing mapped is accepted.
 */
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "hv_util.h"

#define GPA	HV_TEST_GPA
#define SIZE	(2 * HV_2M)

static void *backing(size_t size)
{
	size_t map_size;
	void *map;

	return hv_mmap_backing(size, HV_BACKING_ANON, &map, &map_size);
}

/*
 * Expect @err from a request; if a request that should fail succeeds,
 * delete the slot again so that it does not spoil the next check.
 */
static int set_expect(struct __test_metadata *_metadata, struct hv_vm *vm,
		      int err, u32 slot, u32 flags, u64 gpa, u64 size, u64 hva)
{
	int r = __hv_vm_set_region(vm, slot, flags, gpa, size, (void *)hva);

	EXPECT_EQ(err, r) {
		TH_LOG("slot 0x%x flags 0x%x gpa 0x%llx size 0x%llx hva 0x%llx",
		       slot, flags, gpa, size, hva);
	}
	if (err && !r && size)
		__hv_vm_set_region(vm, slot, 0, 0, 0, NULL);
	return r;
}

#define SET(err, slot, flags, gpa, size, hva) \
	set_expect(_metadata, vm, err, slot, flags, gpa, size, (u64)(hva))

TEST(misaligned)
{
	struct hv_vm *vm;
	char *hva;

	HV_REQUIRE(return, HV_CAP_USER_MEMORY);
	vm = hv_vm_create_bare();
	hva = backing(SIZE + HV_PAGE_SIZE);
	SET(-EINVAL, 0, 0, GPA + 0x800, SIZE, hva);
	SET(-EINVAL, 0, 0, GPA + 1, SIZE, hva);
	SET(-EINVAL, 0, 0, GPA, SIZE + 0x800, hva);
	SET(-EINVAL, 0, 0, GPA, SIZE - 1, hva);
	SET(-EINVAL, 0, 0, GPA, SIZE, hva + 0x800);
	SET(-EINVAL, 0, 0, GPA, SIZE, hva + 8);
	SET(0, 0, 0, GPA, SIZE, hva);
	hv_vm_free(vm);
}

TEST(bad_host_address)
{
	struct hv_vm *vm;

	HV_REQUIRE(return, HV_CAP_USER_MEMORY);
	vm = hv_vm_create_bare();
	/* kernel half; above 2^56; a range that ends above 2^56 */
	SET(-EINVAL, 0, 0, GPA, SIZE, 0xffff888000000000ULL);
	SET(-EINVAL, 0, 0, GPA, SIZE, 0x0100000000000000ULL);
	SET(-EINVAL, 0, 0, GPA, SIZE, 0x00fffffffff00000ULL);
	hv_vm_free(vm);
}

TEST(unmapped_host_address_accepted)
{
	struct hv_vm *vm;
	char *hva;

	HV_REQUIRE(return, HV_CAP_USER_MEMORY);
	vm = hv_vm_create_bare();
	hva = backing(SIZE);
	ASSERT_EQ(0, munmap(hva, SIZE));
	SET(0, 0, 0, GPA, SIZE, hva);
	hv_vm_free(vm);
}

TEST(size_limits)
{
	struct hv_vm *vm;
	char *hva;

	HV_REQUIRE(return, HV_CAP_USER_MEMORY);
	vm = hv_vm_create_bare();
	hva = backing(SIZE);
	/* GPA + size wraps past 2^64 */
	SET(-EINVAL, 0, 0, -HV_PAGE_SIZE, 2 * HV_PAGE_SIZE, hva);
	/* 2^31 pages: one more than a slot may have (the address is low) */
	SET(-EINVAL, 0, 0, 0, (1ULL << 31) * HV_PAGE_SIZE, 0x10000000ULL);
	/* larger than the address space */
	SET(-EINVAL, 0, 0, 0, -HV_PAGE_SIZE, hva);
	hv_vm_free(vm);
}

TEST(slot_id_range)
{
	long nr = hv_check_cap(HV_CAP_NR_MEMSLOTS);
	long as = hv_check_cap(HV_CAP_MULTI_ADDRESS_SPACE);
	struct hv_vm *vm;
	char *hva;

	HV_REQUIRE(return, HV_CAP_USER_MEMORY, HV_CAP_NR_MEMSLOTS);
	TH_LOG("HV_CAP_NR_MEMSLOTS %ld, HV_CAP_MULTI_ADDRESS_SPACE %ld", nr, as);
	vm = hv_vm_create_bare();
	hva = backing(3 * SIZE);
	SET(-EINVAL, nr, 0, GPA, SIZE, hva);
	SET(-EINVAL, 0xffff, 0, GPA, SIZE, hva);
	SET(0, nr - 1, 0, GPA, SIZE, hva);
	/* address space id: slot >> 16, below the capability (1 if 0) */
	SET(-EINVAL, (as > 1 ? as : 1) << 16, 0, GPA + SIZE, SIZE, hva + SIZE);
	SET(-EINVAL, 0xffffu << 16, 0, GPA + SIZE, SIZE, hva + SIZE);
	hv_vm_free(vm);
}

TEST(unknown_flags)
{
	struct hv_vm *vm;
	char *hva;
	int bit;

	HV_REQUIRE(return, HV_CAP_USER_MEMORY);
	vm = hv_vm_create_bare();
	hva = backing(SIZE);
	for (bit = 2; bit < 32; bit++)
		SET(-EINVAL, 0, 1u << bit, GPA, SIZE, hva);
	hv_vm_free(vm);
}

TEST(overlap_is_eexist)
{
	struct hv_vm *vm;
	char *hva;

	HV_REQUIRE(return, HV_CAP_USER_MEMORY);
	vm = hv_vm_create_bare();
	hva = backing(4 * SIZE);
	ASSERT_EQ(0, SET(0, 0, 0, GPA, SIZE, hva));
	SET(-EEXIST, 1, 0, GPA, SIZE, hva + SIZE);
	SET(-EEXIST, 1, 0, GPA + SIZE - HV_PAGE_SIZE, SIZE, hva + SIZE);
	SET(-EEXIST, 1, 0, GPA - HV_PAGE_SIZE, 2 * HV_PAGE_SIZE, hva + SIZE);
	SET(-EEXIST, 1, 0, GPA - SIZE, 3 * SIZE, hva + SIZE);
	/* adjacent is fine, and the same host memory twice too */
	SET(0, 1, 0, GPA + SIZE, SIZE, hva + SIZE);
	SET(0, 2, 0, GPA - SIZE, SIZE, hva);
	/* moving a slot onto another */
	SET(-EEXIST, 2, 0, GPA - HV_PAGE_SIZE, SIZE, hva);
	hv_vm_free(vm);
}

TEST(existing_slot_changes)
{
	bool ro = hv_check_cap(HV_CAP_READONLY_MEM) > 0;
	struct hv_vm *vm;
	char *hva;

	HV_REQUIRE(return, HV_CAP_USER_MEMORY);
	vm = hv_vm_create_bare();
	hva = backing(2 * SIZE);
	ASSERT_EQ(0, SET(0, 0, 0, GPA, SIZE, hva));
	SET(0, 0, 0, GPA, SIZE, hva);	/* no change */
	SET(-EINVAL, 0, 0, GPA, SIZE, hva + SIZE);
	SET(-EINVAL, 0, 0, GPA, SIZE - HV_PAGE_SIZE, hva);
	SET(-EINVAL, 0, 0, GPA, 2 * SIZE, hva);
	if (ro)
		SET(-EINVAL, 0, HV_MEM_READONLY, GPA, SIZE, hva);
	else
		TH_LOG("HV_CAP_READONLY_MEM is 0: READONLY toggle not tested");
	/* a move keeps size, address and flags */
	SET(0, 0, 0, GPA + SIZE, SIZE, hva);
	SET(0, 0, 0, GPA, SIZE, hva);
	hv_vm_free(vm);
}

TEST(delete)
{
	struct hv_vm *vm;
	char *hva;

	HV_REQUIRE(return, HV_CAP_USER_MEMORY);
	vm = hv_vm_create_bare();
	hva = backing(2 * SIZE);
	SET(-EINVAL, 0, 0, 0, 0, 0);
	SET(-EINVAL, 5, 0, GPA, 0, hva);
	ASSERT_EQ(0, SET(0, 5, 0, GPA, SIZE, hva));
	/* size 0 deletes whatever the other fields say */
	SET(0, 5, 0, 0x1000, 0, hva + SIZE);
	SET(-EINVAL, 5, 0, GPA, 0, hva);
	/* the slot and its range can be used again, with new values */
	SET(0, 5, 0, GPA, 2 * SIZE, hva);
	SET(0, 5, 0, 0, 0, 0);
	SET(0, 6, 0, GPA, SIZE, hva + SIZE);
	hv_vm_free(vm);
}

int main(int argc, char **argv)
{
	hv_require_dev();
	return test_harness_run(argc, argv);
}

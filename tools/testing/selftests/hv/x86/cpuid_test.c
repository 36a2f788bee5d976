// SPDX-License-Identifier: GPL-2.0-only
/*
 * CPUID tables: HV_GET_SUPPORTED_CPUID (E2BIG, the leaves VMMs rely on)
 * and the vCPU's (HV_SET_CPUID2/HV_GET_CPUID2: round trip, E2BIG, what
 * SET refuses, changes after the first RUN).  The expectations are KVM's
 * (Linux 6.1 kvm_amd); what hv documents differently is asserted only
 * on /dev/hv.  cpuid_guest_test has the guest's side.
 */
#include "kselftest_harness.h"
#include "ucall.h"
#include "x86/state.h"

static u32 host_cpuid(u32 leaf, int reg)
{
	u32 r[4];

	hv_cpuid(leaf, 0, &r[0], &r[1], &r[2], &r[3]);
	return r[reg];
}

/* The supported table as a new vCPU holds it (see hv_cpuid_reset_view()). */
static struct hv_cpuid2 *reset_cpuid(void)
{
	struct hv_cpuid2 *c = hv_get_supported_cpuid();

	hv_cpuid_reset_view(c);
	return c;
}

static bool entry_eq(const struct hv_cpuid_entry2 *a,
		     const struct hv_cpuid_entry2 *b)
{
	return a->function == b->function && a->index == b->index &&
	       a->flags == b->flags && a->eax == b->eax && a->ebx == b->ebx &&
	       a->ecx == b->ecx && a->edx == b->edx;
}

static void expect_same_table(struct __test_metadata *_metadata,
			      struct hv_cpuid2 *want, struct hv_cpuid2 *got)
{
	const struct hv_cpuid_entry2 *a, *b;
	unsigned int i;

	ASSERT_EQ(want->nent, got->nent);
	for (i = 0; i < want->nent; i++) {
		a = &want->entries[i];
		b = &got->entries[i];
		EXPECT_TRUE(entry_eq(a, b)) {
			TH_LOG("entry %u set: 0x%x.%u %08x %08x %08x %08x",
			       i, a->function, a->index, a->eax, a->ebx,
			       a->ecx, a->edx);
			TH_LOG("entry %u got: 0x%x.%u %08x %08x %08x %08x",
			       i, b->function, b->index, b->eax, b->ebx,
			       b->ecx, b->edx);
		}
	}
}

TEST(supported_cpuid_e2big)
{
	struct hv_cpuid2 *c = hv_cpuid2_alloc(HV_CPUID_MAX_ENTRIES);
	unsigned int n;

	HV_REQUIRE(return, HV_CAP_EXT_CPUID);
	ASSERT_EQ(0, hv_sys_ioctl(HV_GET_SUPPORTED_CPUID, (unsigned long)c));
	n = c->nent;
	ASSERT_LT(1, n);
	ASSERT_GT(HV_CPUID_MAX_ENTRIES, n);	/* nent was written */

	/* Too small, 0 included: E2BIG and nent as it was. */
	c->nent = 0;
	EXPECT_EQ(-E2BIG, hv_sys_ioctl(HV_GET_SUPPORTED_CPUID, (unsigned long)c));
	EXPECT_EQ(0, c->nent);
	c->nent = n - 1;
	EXPECT_EQ(-E2BIG, hv_sys_ioctl(HV_GET_SUPPORTED_CPUID, (unsigned long)c));
	EXPECT_EQ(n - 1, c->nent);
	c->nent = n;
	EXPECT_EQ(0, hv_sys_ioctl(HV_GET_SUPPORTED_CPUID, (unsigned long)c));
	EXPECT_EQ(n, c->nent);
	free(c);
}

TEST(supported_cpuid_leaves)
{
	static const u32 leaves[] = { 0, 1, 7, 0xd, 0x80000000, 0x80000001,
		0x80000002, 0x80000003, 0x80000004, 0x80000005, 0x80000006,
		0x80000007, 0x80000008 };
	struct hv_cpuid2 *c;
	struct hv_cpuid_entry2 *e;
	u32 max_basic, max_ext, i;

	HV_REQUIRE(return, HV_CAP_EXT_CPUID);
	c = hv_get_supported_cpuid();
	/* Firecracker and other Rust VMMs have room for 80 entries. */
	EXPECT_GE(80, c->nent);
	for (i = 0; i < HV_ARRAY_SIZE(leaves); i++)
		EXPECT_NE(NULL, hv_cpuid_find(c, leaves[i], 0)) {
			TH_LOG("no leaf 0x%x", leaves[i]);
		}
	/*
	 * The AMD cache and topology leaves: hv always has them
	 * (api.rst); KVM only when the host CPU reaches 0x8000001d, which
	 * QEMU's "max" CPU (0x8000000a) does not.
	 */
	if (hv_dev_is_hv() || host_cpuid(0x80000000, 0) >= 0x8000001d) {
		EXPECT_NE(NULL, hv_cpuid_find(c, 0x8000001d, 0));
		EXPECT_NE(NULL, hv_cpuid_find(c, 0x8000001e, 0));
	}
	/* Every entry lies within the range its class's leaf announces. */
	ASSERT_NE(NULL, e = hv_cpuid_find(c, 0, 0));
	max_basic = e->eax;
	ASSERT_NE(NULL, e = hv_cpuid_find(c, 0x80000000, 0));
	max_ext = e->eax;
	EXPECT_LE(0xd, max_basic);
	EXPECT_LE(0x80000008, max_ext);
	for (i = 0; i < c->nent; i++) {
		e = &c->entries[i];
		EXPECT_TRUE(e->function < 0x40000000 ? e->function <= max_basic :
			    e->function < 0x80000000 ||
			    e->function <= max_ext) {
			TH_LOG("leaf 0x%x is out of range", e->function);
		}
	}
	free(c);
}

TEST(supported_cpuid_index_flags)
{
	struct hv_cpuid_entry2 *e, *f;
	struct hv_cpuid2 *c;
	unsigned int i, j;
	bool indexed;

	HV_REQUIRE(return, HV_CAP_EXT_CPUID);
	c = hv_get_supported_cpuid();
	for (i = 0; i < c->nent; i++) {
		e = &c->entries[i];
		indexed = e->flags & HV_CPUID_FLAG_SIGNIFCANT_INDEX;
		if (e->function == 7 || e->function == 0xd ||
		    e->function == 0x8000001d)
			EXPECT_TRUE(indexed) {
				TH_LOG("0x%x.%u lacks SIGNIFCANT_INDEX",
				       e->function, e->index);
			}
		if (e->function == 0 || e->function == 1 ||
		    (e->function >= 0x80000000 && e->function <= 0x80000008))
			EXPECT_FALSE(indexed);
		if (!indexed)
			EXPECT_EQ(0, e->index);
		for (j = 0; j < i; j++) {
			f = &c->entries[j];
			EXPECT_FALSE(f->function == e->function &&
				     f->index == e->index) {
				TH_LOG("0x%x.%u twice", e->function, e->index);
			}
		}
	}
	free(c);
}

TEST(supported_cpuid_address_sizes)
{
	struct hv_cpuid_entry2 *e;
	struct hv_cpuid2 *c;
	u32 phys, virt;

	HV_REQUIRE(return, HV_CAP_EXT_CPUID);
	c = hv_get_supported_cpuid();
	ASSERT_NE(NULL, e = hv_cpuid_find(c, 0x80000008, 0));
	phys = e->eax & 0xff;
	virt = e->eax >> 8 & 0xff;
	TH_LOG("physical %u bits, linear %u bits", phys, virt);
	/* With nested paging the guest has the host's physical width. */
	EXPECT_EQ(host_cpuid(0x80000008, 0) & 0xff, phys);
	EXPECT_LE(32, phys);
	EXPECT_GE(52, phys);
	/* SET_CPUID2 refuses linear widths other than 48 and 57. */
	EXPECT_TRUE(virt == 48 || virt == 57);
	if (hv_dev_is_hv())
		EXPECT_EQ(48, virt);	/* api.rst: no 5-level paging */
	free(c);
}

TEST(cpuid2_round_trip)
{
	struct hv_cpuid2 *set, *got;
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;

	HV_REQUIRE_GUEST(return, HV_CAP_EXT_CPUID);
	vm = hv_vm_create_bare();
	vcpu = hv_vcpu_create(vm, 0);
	got = vcpu_get_cpuid(vcpu);
	EXPECT_EQ(0, got->nent);	/* no table before SET_CPUID2 */
	free(got);

	set = reset_cpuid();
	vcpu_set_cpuid(vcpu, set);
	got = vcpu_get_cpuid(vcpu);
	expect_same_table(_metadata, set, got);
	free(got);

	/*
	 * hv writes the table's size back into nent (api.rst: in-out);
	 * KVM 6.1 leaves the caller's nent (it updates its own copy only).
	 */
	got = hv_cpuid2_alloc(HV_CPUID_MAX_ENTRIES);
	EXPECT_EQ(0, __vcpu_ioctl(vcpu, HV_GET_CPUID2, got));
	EXPECT_EQ(hv_dev_is_hv() ? set->nent : HV_CPUID_MAX_ENTRIES,
		  got->nent);
	free(got);
	free(set);
	hv_vm_free(vm);
}

TEST(get_cpuid2_e2big)
{
	struct hv_cpuid2 *set, *got;
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;

	HV_REQUIRE_GUEST(return, HV_CAP_EXT_CPUID);
	vm = hv_vm_create_bare();
	vcpu = hv_vcpu_create(vm, 0);
	set = reset_cpuid();
	vcpu_set_cpuid(vcpu, set);
	got = hv_cpuid2_alloc(set->nent);
	got->nent = set->nent - 1;
	EXPECT_EQ(-E2BIG, __vcpu_ioctl(vcpu, HV_GET_CPUID2, got));
	EXPECT_EQ(set->nent - 1, got->nent);
	got->nent = 0;
	EXPECT_EQ(-E2BIG, __vcpu_ioctl(vcpu, HV_GET_CPUID2, got));
	got->nent = set->nent;
	EXPECT_EQ(0, __vcpu_ioctl(vcpu, HV_GET_CPUID2, got));
	EXPECT_EQ(set->nent, got->nent);
	free(got);
	free(set);
	hv_vm_free(vm);
}

TEST(set_cpuid2_e2big)
{
	struct hv_cpuid2 *set, *big, *got;
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;
	unsigned int i;

	HV_REQUIRE_GUEST(return, HV_CAP_EXT_CPUID);
	vm = hv_vm_create_bare();
	vcpu = hv_vcpu_create(vm, 0);
	set = reset_cpuid();
	vcpu_set_cpuid(vcpu, set);
	big = hv_cpuid2_alloc(HV_CPUID_MAX_ENTRIES + 1);
	for (i = 0; i < big->nent; i++)
		big->entries[i] = set->entries[i % set->nent];
	EXPECT_EQ(-E2BIG, __vcpu_ioctl(vcpu, HV_SET_CPUID2, big));
	got = vcpu_get_cpuid(vcpu);	/* the table is unchanged */
	expect_same_table(_metadata, set, got);
	free(got);
	free(big);
	free(set);
	hv_vm_free(vm);
}

TEST(set_cpuid2_rejects_bad_linear_width)
{
	struct hv_cpuid_entry2 *e;
	struct hv_vcpu *vcpu;
	struct hv_cpuid2 *c;
	struct hv_vm *vm;

	HV_REQUIRE_GUEST(return, HV_CAP_EXT_CPUID);
	vm = hv_vm_create_bare();
	vcpu = hv_vcpu_create(vm, 0);
	c = reset_cpuid();
	ASSERT_NE(NULL, e = hv_cpuid_find(c, 0x80000008, 0));
	/* KVM's canonical checks know 48 and 57 bits (and 0) only. */
	e->eax = (e->eax & ~0xff00u) | 40 << 8;
	EXPECT_EQ(-EINVAL, __vcpu_ioctl(vcpu, HV_SET_CPUID2, c));
	free(c);
	hv_vm_free(vm);
}

static void guest_done(void)
{
	GUEST_DONE();
}

TEST(set_cpuid2_after_run)
{
	struct hv_cpuid2 *set, *before, *changed, *got;
	struct hv_cpuid_entry2 *e;
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;

	HV_REQUIRE_GUEST(return, HV_CAP_EXT_CPUID);
	vm = hv_vm_create();
	vcpu = hv_vcpu_create(vm, 0);
	set = reset_cpuid();
	vcpu_set_cpuid(vcpu, set);
	vcpu_setup_lmode(vcpu, guest_done);
	vcpu_expect_ucall(vcpu, UCALL_DONE, NULL);
	before = vcpu_get_cpuid(vcpu);

	/* KVM 6.1 takes only the table the vCPU has once it ran. */
	EXPECT_EQ(0, __vcpu_ioctl(vcpu, HV_SET_CPUID2, set));
	changed = hv_cpuid2_dup(set);
	ASSERT_NE(NULL, e = hv_cpuid_find(changed, 0x80000006, 0));
	e->edx ^= 1;
	EXPECT_EQ(-EINVAL, __vcpu_ioctl(vcpu, HV_SET_CPUID2, changed));
	free(changed);
	changed = hv_cpuid2_dup(set);
	changed->nent--;
	EXPECT_EQ(-EINVAL, __vcpu_ioctl(vcpu, HV_SET_CPUID2, changed));
	got = vcpu_get_cpuid(vcpu);
	expect_same_table(_metadata, before, got);
	free(changed);
	free(got);
	free(before);
	free(set);
	hv_vm_free(vm);
}

int main(int argc, char **argv)
{
	hv_require_dev();
	return test_harness_run(argc, argv);
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * The vCPU's CPUID table as the guest and SET_SREGS see it: the guest's
 * CPUID instruction returns the table's values, except the bits that
 * follow its own state (OSXSAVE follows CR4.OSXSAVE, 0xd.0 EBX the XSAVE
 * size for XCR0), and zeros for a leaf the table lacks; the CR4 bits
 * SET_SREGS accepts follow the table once there is one.  KVM's
 * GET_CPUID2 reports the bits that follow vCPU state as well.
 */
#include "kselftest_harness.h"
#include "ucall.h"
#include "x86/state.h"

#define XCR0_AVX	(XFEATURE_MASK_FP | XFEATURE_MASK_SSE | XFEATURE_MASK_YMM)

/* Filled by the host; answers[0] as the vCPU starts, [1] after CR4. */
static struct hv_cpuid_entry2 queries[HV_CPUID_MAX_ENTRIES];
static u32 nr_queries;
static u32 answers[2][HV_CPUID_MAX_ENTRIES][4];

static void query_all(u32 (*a)[4])
{
	u32 i;

	for (i = 0; i < nr_queries; i++)
		hv_cpuid(queries[i].function, queries[i].index, &a[i][0],
			 &a[i][1], &a[i][2], &a[i][3]);
}

/* @osxsave: then set CR4.OSXSAVE and ask again. */
static void guest_query(u64 osxsave)
{
	query_all(answers[0]);
	if (osxsave) {
		write_cr4(read_cr4() | X86_CR4_OSXSAVE);
		query_all(answers[1]);
	}
	GUEST_DONE();
}

/*
 * Ask the guest the leaves of @q, with @table as its CPUID and, if
 * @xcr0 is not 0, CR4.OSXSAVE and that XCR0 from the start.  The host
 * sets XCR0 (SET_XCRS), not the guest: QEMU's TCG does not implement
 * the SVM XSETBV intercept, so in the x86-svm test host neither KVM nor
 * hv would see a guest's XSETBV.
 */
static void run_queries(struct hv_cpuid2 *table, const struct hv_cpuid2 *q,
			bool osxsave, u64 xcr0)
{
	struct hv_xcrs xcrs = { .nr_xcrs = 1 };
	struct hv_sregs sregs;
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;

	vm = hv_vm_create();
	vcpu = hv_vcpu_create(vm, 0);
	vcpu_set_cpuid(vcpu, table);
	vcpu_setup_lmode(vcpu, guest_query);
	vcpu_args_set(vcpu, 1, (u64)osxsave);
	if (xcr0) {
		vcpu_sregs_get(vcpu, &sregs);
		sregs.cr4 |= X86_CR4_OSXSAVE;
		vcpu_sregs_set(vcpu, &sregs);
		xcrs.xcrs[0].value = xcr0;
		vcpu_ioctl(vcpu, HV_SET_XCRS, &xcrs);
	}
	TEST_ASSERT(q->nent <= HV_CPUID_MAX_ENTRIES, "%u queries", q->nent);
	memcpy(queries, q->entries, q->nent * sizeof(q->entries[0]));
	nr_queries = q->nent;
	sync_global_to_guest(vm, queries);
	sync_global_to_guest(vm, nr_queries);
	vcpu_expect_ucall(vcpu, UCALL_DONE, NULL);
	sync_global_from_guest(vm, answers);
	hv_vm_free(vm);
}

/* The supported table as a new vCPU holds it (hv_cpuid_reset_view()). */
static struct hv_cpuid2 *reset_cpuid(void)
{
	struct hv_cpuid2 *c = hv_get_supported_cpuid();

	hv_cpuid_reset_view(c);
	return c;
}

static bool has_avx_state(struct hv_cpuid2 *c)
{
	struct hv_cpuid_entry2 *e1 = hv_cpuid_find(c, 1, 0);
	struct hv_cpuid_entry2 *ed = hv_cpuid_find(c, 0xd, 0);

	return e1 && ed && (e1->ecx & CPUID_1_ECX_XSAVE) &&
	       (ed->eax & XCR0_AVX) == XCR0_AVX;
}

TEST(guest_sees_table)
{
	const struct hv_cpuid_entry2 *e;
	struct hv_cpuid2 *c;
	unsigned int i;

	HV_REQUIRE_GUEST(return, HV_CAP_EXT_CPUID);
	c = reset_cpuid();
	run_queries(c, c, false, 0);
	for (i = 0; i < c->nent; i++) {
		const u32 *a = answers[0][i];

		e = &c->entries[i];
		EXPECT_TRUE(a[0] == e->eax && a[1] == e->ebx &&
			    a[2] == e->ecx && a[3] == e->edx) {
			TH_LOG("0x%x.%u: table %08x %08x %08x %08x, guest %08x %08x %08x %08x",
			       e->function, e->index, e->eax, e->ebx, e->ecx,
			       e->edx, a[0], a[1], a[2], a[3]);
		}
	}
	free(c);
}

TEST(guest_osxsave_follows_cr4)
{
	struct hv_cpuid_entry2 *e;
	struct hv_cpuid2 *c, *q;

	HV_REQUIRE_GUEST(return, HV_CAP_EXT_CPUID);
	c = reset_cpuid();
	e = hv_cpuid_find(c, 1, 0);
	ASSERT_NE(NULL, e);
	if (!(e->ecx & CPUID_1_ECX_XSAVE))
		SKIP(return, "no XSAVE in the supported CPUID");
	q = hv_cpuid2_alloc(1);
	q->entries[0] = *e;
	run_queries(c, q, true, 0);
	EXPECT_EQ(e->ecx, answers[0][0][2]);
	EXPECT_EQ(e->ecx | CPUID_1_ECX_OSXSAVE, answers[1][0][2]);
	EXPECT_EQ(e->edx, answers[1][0][3]);
	free(q);
	free(c);
}

TEST(guest_xsave_size_follows_xcr0)
{
	const u64 fpsse = XFEATURE_MASK_FP | XFEATURE_MASK_SSE;
	struct hv_cpuid_entry2 *e;
	struct hv_cpuid2 *c, *q;

	HV_REQUIRE_GUEST(return, HV_CAP_EXT_CPUID, HV_CAP_XCRS);
	c = reset_cpuid();
	if (!has_avx_state(c))
		SKIP(return, "no XSAVE with AVX state in the supported CPUID");
	e = hv_cpuid_find(c, 0xd, 0);
	q = hv_cpuid2_alloc(1);
	q->entries[0] = *e;
	run_queries(c, q, false, XCR0_AVX);
	EXPECT_EQ(hv_cpuid_xsave_size(c, XCR0_AVX), answers[0][0][1]);
	EXPECT_LT(HV_XSAVE_LEGACY_SIZE, answers[0][0][1]);
	/* The other registers do not depend on XCR0. */
	EXPECT_EQ(e->eax, answers[0][0][0]);
	EXPECT_EQ(e->ecx, answers[0][0][2]);
	EXPECT_EQ(e->edx, answers[0][0][3]);
	run_queries(c, q, false, fpsse);
	EXPECT_EQ(HV_XSAVE_LEGACY_SIZE, answers[0][0][1]);
	free(q);
	free(c);
}

/*
 * Leaves within the announced ranges that the table lacks read as
 * zeros.  (Beyond the ranges, KVM answers a guest with Intel's vendor
 * string from the last basic leaf, as Intel CPUs do; not tested here.)
 */
TEST(guest_absent_leaf_reads_zero)
{
	static const u32 absent[][2] = { { 0x80000006, 0 }, { 0xd, 63 },
					 { 7, 5 } };
	struct hv_cpuid2 *c, *q;
	unsigned int i;

	HV_REQUIRE_GUEST(return, HV_CAP_EXT_CPUID);
	c = reset_cpuid();
	hv_cpuid_remove(c, 0x80000006, ~0u);
	q = hv_cpuid2_alloc(HV_ARRAY_SIZE(absent));
	for (i = 0; i < q->nent; i++) {
		q->entries[i].function = absent[i][0];
		q->entries[i].index = absent[i][1];
	}
	run_queries(c, q, false, 0);
	for (i = 0; i < q->nent; i++) {
		const u32 *a = answers[0][i];

		EXPECT_TRUE(!a[0] && !a[1] && !a[2] && !a[3]) {
			TH_LOG("0x%x.%u: %08x %08x %08x %08x", absent[i][0],
			       absent[i][1], a[0], a[1], a[2], a[3]);
		}
	}
	free(q);
	free(c);
}

static void guest_done(void)
{
	GUEST_DONE();
}

TEST(cr4_osxsave_follows_cpuid)
{
	struct hv_cpuid2 *c, *no_xsave;
	struct hv_cpuid_entry2 *e;
	struct hv_sregs sregs, got;
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;

	HV_REQUIRE_GUEST(return, HV_CAP_EXT_CPUID);
	c = reset_cpuid();
	e = hv_cpuid_find(c, 1, 0);
	ASSERT_NE(NULL, e);
	if (!(e->ecx & CPUID_1_ECX_XSAVE))
		SKIP(return, "no XSAVE in the supported CPUID");
	no_xsave = hv_cpuid2_dup(c);
	hv_cpuid_find(no_xsave, 1, 0)->ecx &= ~CPUID_1_ECX_XSAVE;

	vm = hv_vm_create();
	vcpu = hv_vcpu_add(vm, 0, guest_done);
	vcpu_set_cpuid(vcpu, no_xsave);
	vcpu_sregs_get(vcpu, &sregs);
	sregs.cr4 |= X86_CR4_OSXSAVE;
	EXPECT_EQ(-EINVAL, __vcpu_ioctl(vcpu, HV_SET_SREGS, &sregs));
	vcpu_sregs_get(vcpu, &got);
	EXPECT_EQ(0, got.cr4 & X86_CR4_OSXSAVE);

	vcpu_set_cpuid(vcpu, c);
	EXPECT_EQ(0, __vcpu_ioctl(vcpu, HV_SET_SREGS, &sregs));
	vcpu_sregs_get(vcpu, &got);
	EXPECT_EQ(sregs.cr4, got.cr4);
	free(no_xsave);
	free(c);
	hv_vm_free(vm);
}

/*
 * KVM checks CR4 against the guest's CPUID only once SET_CPUID2 gave it
 * one (kvm_vcpu_after_set_cpuid() computes the reserved bits); before,
 * it takes any CR4 bit the host has, OSXSAVE included.
 */
TEST(cr4_unchecked_before_set_cpuid)
{
	struct hv_sregs sregs, got;
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;
	u32 a, b, c, d;

	HV_REQUIRE_GUEST(return);
	hv_cpuid(1, 0, &a, &b, &c, &d);
	if (!(c & CPUID_1_ECX_XSAVE))
		SKIP(return, "the host has no XSAVE");
	vm = hv_vm_create();
	vcpu = hv_vcpu_add(vm, 0, guest_done);
	vcpu_sregs_get(vcpu, &sregs);
	sregs.cr4 |= X86_CR4_OSXSAVE;
	EXPECT_EQ(0, __vcpu_ioctl(vcpu, HV_SET_SREGS, &sregs));
	vcpu_sregs_get(vcpu, &got);
	EXPECT_EQ(sregs.cr4, got.cr4);
	hv_vm_free(vm);
}

/*
 * KVM keeps the bits that follow vCPU state up to date in the table
 * itself (kvm_update_cpuid_runtime() on CR4 and XCR0 changes), so
 * GET_CPUID2 reports OSXSAVE and the XSAVE size the guest would see.
 */
TEST(get_cpuid2_follows_vcpu_state)
{
	struct hv_cpuid_entry2 *e;
	struct hv_xcrs xcrs = { .nr_xcrs = 1 };
	struct hv_cpuid2 *c, *got;
	struct hv_sregs sregs;
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;

	HV_REQUIRE_GUEST(return, HV_CAP_EXT_CPUID, HV_CAP_XCRS);
	c = reset_cpuid();
	if (!has_avx_state(c))
		SKIP(return, "no XSAVE with AVX state in the supported CPUID");
	vm = hv_vm_create();
	vcpu = hv_vcpu_create(vm, 0);
	vcpu_set_cpuid(vcpu, c);
	vcpu_setup_lmode(vcpu, guest_done);
	vcpu_sregs_get(vcpu, &sregs);
	sregs.cr4 |= X86_CR4_OSXSAVE;
	vcpu_sregs_set(vcpu, &sregs);
	xcrs.xcrs[0].value = XCR0_AVX;
	vcpu_ioctl(vcpu, HV_SET_XCRS, &xcrs);

	got = vcpu_get_cpuid(vcpu);
	ASSERT_NE(NULL, e = hv_cpuid_find(got, 1, 0));
	EXPECT_NE(0, e->ecx & CPUID_1_ECX_OSXSAVE);
	ASSERT_NE(NULL, e = hv_cpuid_find(got, 0xd, 0));
	EXPECT_EQ(hv_cpuid_xsave_size(c, XCR0_AVX), e->ebx);
	free(got);
	free(c);
	hv_vm_free(vm);
}

int main(int argc, char **argv)
{
	hv_require_dev();
	return test_harness_run(argc, argv);
}

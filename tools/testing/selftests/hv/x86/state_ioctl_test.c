// SPDX-License-Identifier: GPL-2.0-only
/*
 * vCPU state ioctls beyond REGS/SREGS/FPU: XCRS, DEBUGREGS, XSAVE and
 * XSAVE2.  Values round-trip, and what KVM refuses (Linux 6.1,
 * arch/x86/kvm/x86.c) is refused with its errno and changes nothing.
 */
#include "kselftest_harness.h"
#include "ucall.h"
#include "x86/state.h"

#define XSAVE_FCW		0	/* byte offsets in the XSAVE image */
#define XSAVE_MXCSR		24
#define XSAVE_XMM		160
#define XSAVE_XSTATE_BV		512
#define XSAVE_XCOMP_BV		520
#define XSAVE_HDR_RESERVED	528

static void guest_done(void)
{
	GUEST_DONE();
}

/* A long-mode vCPU with the supported CPUID, as VMMs set one up. */
static struct hv_vcpu *new_vcpu(struct hv_vm **vm)
{
	struct hv_vcpu *vcpu;

	*vm = hv_vm_create();
	vcpu = hv_vcpu_create(*vm, 0);
	vcpu_set_cpuid_supported(vcpu);
	vcpu_setup_lmode(vcpu, guest_done);
	return vcpu;
}

/* XCR0 bits the supported CPUID offers, 0 without XSAVE. */
static u64 supported_xcr0(void)
{
	struct hv_cpuid2 *c = hv_get_supported_cpuid();
	struct hv_cpuid_entry2 *e1 = hv_cpuid_find(c, 1, 0);
	struct hv_cpuid_entry2 *ed = hv_cpuid_find(c, 0xd, 0);
	u64 xcr0 = 0;

	if (e1 && ed && (e1->ecx & CPUID_1_ECX_XSAVE))
		xcr0 = ed->eax | (u64)ed->edx << 32;
	free(c);
	return xcr0;
}

static u64 get_xcr0(struct hv_vcpu *vcpu)
{
	struct hv_xcrs xcrs;

	vcpu_ioctl(vcpu, HV_GET_XCRS, &xcrs);
	TEST_ASSERT(xcrs.nr_xcrs == 1 && xcrs.xcrs[0].xcr == 0,
		    "GET_XCRS: %u XCRs, first %u", xcrs.nr_xcrs,
		    xcrs.xcrs[0].xcr);
	return xcrs.xcrs[0].value;
}

static int set_xcr0(struct hv_vcpu *vcpu, u64 xcr0, u32 nr, u32 flags)
{
	struct hv_xcrs xcrs = { .nr_xcrs = nr, .flags = flags };

	xcrs.xcrs[0].value = xcr0;
	return __vcpu_ioctl(vcpu, HV_SET_XCRS, &xcrs);
}

TEST(xcrs_round_trip)
{
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;
	u64 want;

	HV_REQUIRE_GUEST(return, HV_CAP_XCRS, HV_CAP_EXT_CPUID);
	if (!supported_xcr0())
		SKIP(return, "no XSAVE in the supported CPUID");
	vcpu = new_vcpu(&vm);
	EXPECT_EQ(XFEATURE_MASK_FP, get_xcr0(vcpu));	/* reset value */
	want = (XFEATURE_MASK_FP | XFEATURE_MASK_SSE | XFEATURE_MASK_YMM) &
	       supported_xcr0();
	EXPECT_EQ(0, set_xcr0(vcpu, want, 1, 0));
	EXPECT_EQ(want, get_xcr0(vcpu));
	hv_vm_free(vm);
}

TEST(xcrs_rejects_invalid)
{
	const u64 fpsse = XFEATURE_MASK_FP | XFEATURE_MASK_SSE;
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;

	HV_REQUIRE_GUEST(return, HV_CAP_XCRS, HV_CAP_EXT_CPUID);
	if (!supported_xcr0())
		SKIP(return, "no XSAVE in the supported CPUID");
	vcpu = new_vcpu(&vm);
	ASSERT_EQ(0, set_xcr0(vcpu, fpsse, 1, 0));
	EXPECT_EQ(-EINVAL, set_xcr0(vcpu, fpsse, 1, 1));	/* flags */
	EXPECT_EQ(-EINVAL, set_xcr0(vcpu, fpsse, HV_MAX_XCRS + 1, 0));
	EXPECT_EQ(-EINVAL, set_xcr0(vcpu, XFEATURE_MASK_SSE, 1, 0));
	EXPECT_EQ(-EINVAL, set_xcr0(vcpu, XFEATURE_MASK_FP |
				     XFEATURE_MASK_YMM, 1, 0));
	EXPECT_EQ(-EINVAL, set_xcr0(vcpu, fpsse | BIT_ULL(62), 1, 0));
	EXPECT_EQ(fpsse, get_xcr0(vcpu));
	hv_vm_free(vm);
}

static const struct hv_debugregs dbg_values = {
	.db = { 0x1000, 0x7fff0008, 0xffffffff81000000ULL, 0x123456789000ULL },
	.dr6 = 0xffff4ff0,	/* BS, fixed bits */
	.dr7 = 0x000d0401,	/* L0, 8-byte write breakpoint */
};

TEST(debugregs_round_trip)
{
	struct hv_debugregs got;
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;

	HV_REQUIRE_GUEST(return, HV_CAP_DEBUGREGS);
	vcpu = new_vcpu(&vm);
	vcpu_ioctl(vcpu, HV_SET_DEBUGREGS, &dbg_values);
	vcpu_ioctl(vcpu, HV_GET_DEBUGREGS, &got);
	EXPECT_EQ(0, memcmp(&dbg_values, &got, sizeof(got)));
	hv_vm_free(vm);
}

TEST(debugregs_rejects_invalid)
{
	struct hv_debugregs bad, got;
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;

	HV_REQUIRE_GUEST(return, HV_CAP_DEBUGREGS);
	vcpu = new_vcpu(&vm);
	vcpu_ioctl(vcpu, HV_SET_DEBUGREGS, &dbg_values);
	bad = dbg_values;
	bad.flags = 1;
	bad.db[0] = 0x2000;
	EXPECT_EQ(-EINVAL, __vcpu_ioctl(vcpu, HV_SET_DEBUGREGS, &bad));
	bad.flags = 0;
	bad.dr6 |= 1ULL << 32;		/* DR6 and DR7 are 32 bits */
	EXPECT_EQ(-EINVAL, __vcpu_ioctl(vcpu, HV_SET_DEBUGREGS, &bad));
	bad.dr6 = dbg_values.dr6;
	bad.dr7 |= 1ULL << 63;
	EXPECT_EQ(-EINVAL, __vcpu_ioctl(vcpu, HV_SET_DEBUGREGS, &bad));
	vcpu_ioctl(vcpu, HV_GET_DEBUGREGS, &got);
	EXPECT_EQ(0, memcmp(&dbg_values, &got, sizeof(got)));
	hv_vm_free(vm);
}

/* A field of @size bytes at byte @off of an XSAVE image. */
static u64 xfield(const struct hv_xsave *x, unsigned int off, int size)
{
	u64 v = 0;

	memcpy(&v, (const u8 *)x->region + off, size);
	return v;
}

static void xfield_set(struct hv_xsave *x, unsigned int off, int size, u64 v)
{
	memcpy((u8 *)x->region + off, &v, size);
}

TEST(xsave2_size_and_image)
{
	struct hv_xsave *x1, *x2;
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;
	long size;

	HV_REQUIRE_GUEST(return, HV_CAP_XSAVE, HV_CAP_XSAVE2);
	vcpu = new_vcpu(&vm);
	size = __vm_ioctl(vm, HV_CHECK_EXTENSION, HV_CAP_XSAVE2);
	TH_LOG("HV_CAP_XSAVE2: %ld", size);
	ASSERT_LE(sizeof(struct hv_xsave), size);
	x1 = calloc(1, sizeof(*x1));
	x2 = calloc(1, size);
	ASSERT_TRUE(x1 && x2);
	vcpu_ioctl(vcpu, HV_GET_XSAVE, x1);
	vcpu_ioctl(vcpu, HV_GET_XSAVE2, x2);
	EXPECT_EQ(0, memcmp(x1, x2, sizeof(*x1)));
	/* Standard (uncompacted) format: XCOMP_BV is 0. */
	EXPECT_EQ(0, xfield(x2, XSAVE_XCOMP_BV, 8));
	free(x2);
	free(x1);
	hv_vm_free(vm);
}

TEST(xsave_round_trip)
{
	const u64 fpsse = XFEATURE_MASK_FP | XFEATURE_MASK_SSE;
	struct hv_xsave *set, *got;
	struct hv_vcpu *vcpu;
	struct hv_fpu fpu;
	struct hv_vm *vm;
	u8 *xmm;
	int i;

	HV_REQUIRE_GUEST(return, HV_CAP_XSAVE);
	vcpu = new_vcpu(&vm);
	set = calloc(1, sizeof(*set));
	got = calloc(1, sizeof(*got));
	ASSERT_TRUE(set && got);
	vcpu_ioctl(vcpu, HV_GET_XSAVE, set);
	xmm = (u8 *)set->region + XSAVE_XMM;
	for (i = 0; i < 16 * 16; i++)
		xmm[i] = i * 7 + 1;
	xfield_set(set, XSAVE_FCW, 2, 0x27f);
	xfield_set(set, XSAVE_MXCSR, 4, 0x7f80);
	xfield_set(set, XSAVE_XSTATE_BV, 8,
		   xfield(set, XSAVE_XSTATE_BV, 8) | fpsse);
	vcpu_ioctl(vcpu, HV_SET_XSAVE, set);
	vcpu_ioctl(vcpu, HV_GET_XSAVE, got);
	EXPECT_EQ(0, memcmp(xmm, (u8 *)got->region + XSAVE_XMM, 16 * 16));
	EXPECT_EQ(0x27f, xfield(got, XSAVE_FCW, 2));
	EXPECT_EQ(0x7f80, xfield(got, XSAVE_MXCSR, 4));
	EXPECT_EQ(fpsse, xfield(got, XSAVE_XSTATE_BV, 8) & fpsse);
	vcpu_fpu_get(vcpu, &fpu);	/* the same state through GET_FPU */
	EXPECT_EQ(0, memcmp(xmm, fpu.xmm, sizeof(fpu.xmm)));
	EXPECT_EQ(0x27f, fpu.fcw);
	free(got);
	free(set);
	hv_vm_free(vm);
}

/* The kernel's checks of a user XSAVE image, which KVM relies on. */
TEST(xsave_rejects_bad_image)
{
	static const struct { unsigned int off; int size; u64 val; } bad[] = {
		{ XSAVE_XSTATE_BV, 8, BIT_ULL(62) },	/* unknown component */
		{ XSAVE_XCOMP_BV, 8, BIT_ULL(63) },	/* compacted */
		{ XSAVE_HDR_RESERVED, 8, 1 },
		{ XSAVE_MXCSR, 4, BIT_ULL(31) },	/* reserved MXCSR bit */
	};
	struct hv_xsave *good, *x;
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;
	unsigned int i;

	HV_REQUIRE_GUEST(return, HV_CAP_XSAVE);
	vcpu = new_vcpu(&vm);
	good = calloc(1, sizeof(*good));
	x = calloc(1, sizeof(*x));
	ASSERT_TRUE(good && x);
	vcpu_ioctl(vcpu, HV_GET_XSAVE, good);
	/* MXCSR is checked when the image has SSE state. */
	xfield_set(good, XSAVE_XSTATE_BV, 8,
		   xfield(good, XSAVE_XSTATE_BV, 8) | XFEATURE_MASK_SSE);
	EXPECT_EQ(0, __vcpu_ioctl(vcpu, HV_SET_XSAVE, good));
	for (i = 0; i < HV_ARRAY_SIZE(bad); i++) {
		*x = *good;
		xfield_set(x, bad[i].off, bad[i].size,
			   xfield(x, bad[i].off, bad[i].size) | bad[i].val);
		EXPECT_EQ(-EINVAL, __vcpu_ioctl(vcpu, HV_SET_XSAVE, x)) {
			TH_LOG("accepted 0x%llx at offset %u", bad[i].val,
			       bad[i].off);
		}
	}
	free(x);
	free(good);
	hv_vm_free(vm);
}

int main(int argc, char **argv)
{
	hv_require_dev();
	return test_harness_run(argc, argv);
}

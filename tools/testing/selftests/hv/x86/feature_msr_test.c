// SPDX-License-Identifier: GPL-2.0-only
/*
 * Feature MSRs: HV_CAP_GET_MSR_FEATURES, HV_GET_MSR_FEATURE_INDEX_LIST
 * and HV_GET_MSRS on the system fd (E2BIG, processing that stops at an
 * MSR that is not a feature MSR and writes it back as 0), and how a vCPU
 * takes the values: the host may set what the feature MSR offers (and
 * ARCH_CAPABILITIES freely, as KVM 6.1), the guest reads them and gets
 * #GP for writes it may not do.  The MSRs are those KVM reports on AMD:
 * DE_CFG (AMD CPUs only), UCODE_REV, ARCH_CAPABILITIES, PERF_CAPABILITIES.
 */
#include "kselftest_harness.h"
#include "ucall.h"
#include "x86/state.h"

#define MSR_IA32_UCODE_REV		0x0000008b
#define MSR_IA32_ARCH_CAPABILITIES	0x0000010a
#define MSR_IA32_PERF_CAPABILITIES	0x00000345
#define MSR_AMD64_DE_CFG		0xc0011029
#define UNKNOWN_MSR			0x2fff0000

static bool host_is_amd(void)
{
	u32 a, b, c, d;

	hv_cpuid(0, 0, &a, &b, &c, &d);
	return b == 0x68747541;	/* "Auth"enticAMD */
}

/* HV_GET_MSR_FEATURE_INDEX_LIST, the whole list. */
static struct hv_msr_list *feature_list(void)
{
	struct hv_msr_list probe = { .nmsrs = 0 }, *list;
	long r;

	r = hv_sys_ioctl(HV_GET_MSR_FEATURE_INDEX_LIST, (unsigned long)&probe);
	TEST_ASSERT(r == -E2BIG, "FEATURE_INDEX_LIST (size): %ld", r);
	list = calloc(1, sizeof(*list) + probe.nmsrs * sizeof(u32));
	TEST_ASSERT(list, "out of memory");
	list->nmsrs = probe.nmsrs;
	r = hv_sys_ioctl(HV_GET_MSR_FEATURE_INDEX_LIST, (unsigned long)list);
	TEST_ASSERT(!r, "FEATURE_INDEX_LIST: %ld", r);
	return list;
}

static bool listed(const struct hv_msr_list *list, u32 msr)
{
	unsigned int i;

	for (i = 0; i < list->nmsrs; i++)
		if (list->indices[i] == msr)
			return true;
	return false;
}

/* The system fd's value of feature MSR @msr. */
static u64 feature_msr(u32 msr)
{
	struct hv_msrs *msrs = hv_msrs_alloc(1);
	long r;
	u64 v;

	msrs->entries[0].index = msr;
	r = hv_sys_ioctl(HV_GET_MSRS, (unsigned long)msrs);
	TEST_ASSERT(r == 1, "system GET_MSRS 0x%x: %ld", msr, r);
	v = msrs->entries[0].data;
	free(msrs);
	return v;
}

/* SET_MSRS of one MSR: 1 if taken, 0 if refused. */
static long set_one(struct hv_vcpu *vcpu, u32 msr, u64 v)
{
	struct hv_msrs *msrs = hv_msrs_alloc(1);
	long r;

	msrs->entries[0].index = msr;
	msrs->entries[0].data = v;
	r = __vcpu_ioctl(vcpu, HV_SET_MSRS, msrs);
	free(msrs);
	return r;
}

static void guest_feature_msrs(u64 arch_cap, u64 decfg, u64 amd);

static struct hv_vcpu *new_vcpu(struct hv_vm **vm, void *guest_code)
{
	struct hv_vcpu *vcpu;

	*vm = hv_vm_create();
	vcpu = hv_vcpu_create(*vm, 0);
	vcpu_set_cpuid_supported(vcpu);
	vcpu_setup_lmode(vcpu, guest_code);
	return vcpu;
}

TEST(cap_get_msr_features)
{
	EXPECT_EQ(1, hv_check_cap(HV_CAP_GET_MSR_FEATURES));
}

TEST(feature_list_e2big_and_contents)
{
	struct hv_msr_list *list;
	struct {
		struct hv_msr_list l;
		u32 room[64];
	} small = { .l.nmsrs = 0 };

	list = feature_list();
	EXPECT_LT(0, list->nmsrs);
	EXPECT_GT(64, list->nmsrs);
	/* E2BIG with the size written back, as HV_GET_MSR_INDEX_LIST. */
	small.l.nmsrs = list->nmsrs - 1;
	EXPECT_EQ(-E2BIG, hv_sys_ioctl(HV_GET_MSR_FEATURE_INDEX_LIST,
				       (unsigned long)&small));
	EXPECT_EQ(list->nmsrs, small.l.nmsrs);
	small.l.nmsrs = 64;
	EXPECT_EQ(0, hv_sys_ioctl(HV_GET_MSR_FEATURE_INDEX_LIST,
				  (unsigned long)&small));
	EXPECT_EQ(list->nmsrs, small.l.nmsrs);
	EXPECT_TRUE(listed(list, MSR_IA32_UCODE_REV));
	EXPECT_TRUE(listed(list, MSR_IA32_ARCH_CAPABILITIES));
	EXPECT_TRUE(listed(list, MSR_IA32_PERF_CAPABILITIES));
	if (host_is_amd())
		EXPECT_TRUE(listed(list, MSR_AMD64_DE_CFG));
	free(list);
}

/* Every listed MSR reads on the system fd. */
TEST(system_get_msrs_every_listed)
{
	struct hv_msr_list *list = feature_list();
	struct hv_msrs *msrs = hv_msrs_alloc(list->nmsrs);
	unsigned int i;

	for (i = 0; i < list->nmsrs; i++)
		msrs->entries[i].index = list->indices[i];
	EXPECT_EQ(list->nmsrs, hv_sys_ioctl(HV_GET_MSRS, (unsigned long)msrs));
	for (i = 0; i < list->nmsrs; i++)
		TH_LOG("feature MSR 0x%x = 0x%llx", msrs->entries[i].index,
		       msrs->entries[i].data);
	free(msrs);
	free(list);
}

/*
 * KVM's errno: the count processed, stopping at the first MSR that is not
 * a feature MSR (whose data comes back 0); E2BIG at 256 entries.
 */
TEST(system_get_msrs_stops_at_unknown)
{
	struct hv_msrs *msrs = hv_msrs_alloc(3);

	msrs->entries[0].index = MSR_IA32_UCODE_REV;
	msrs->entries[1].index = UNKNOWN_MSR;
	msrs->entries[1].data = 0x1234;
	msrs->entries[2].index = MSR_IA32_ARCH_CAPABILITIES;
	msrs->entries[2].data = 0x5678;
	EXPECT_EQ(1, hv_sys_ioctl(HV_GET_MSRS, (unsigned long)msrs));
	EXPECT_EQ(0, msrs->entries[1].data);
	EXPECT_EQ(0x5678, msrs->entries[2].data);	/* not reached */

	/* A vCPU MSR is no feature MSR. */
	msrs->entries[0].index = MSR_STAR;
	EXPECT_EQ(0, hv_sys_ioctl(HV_GET_MSRS, (unsigned long)msrs));
	msrs->nmsrs = 0;
	EXPECT_EQ(0, hv_sys_ioctl(HV_GET_MSRS, (unsigned long)msrs));
	free(msrs);
}

TEST(system_get_msrs_e2big)
{
	struct hv_msrs *msrs = hv_msrs_alloc(HV_MAX_IO_MSRS);
	unsigned int i;

	for (i = 0; i < msrs->nmsrs; i++)
		msrs->entries[i].index = MSR_IA32_UCODE_REV;
	EXPECT_EQ(-E2BIG, hv_sys_ioctl(HV_GET_MSRS, (unsigned long)msrs));
	msrs->nmsrs = HV_MAX_IO_MSRS - 1;
	EXPECT_EQ(HV_MAX_IO_MSRS - 1,
		  hv_sys_ioctl(HV_GET_MSRS, (unsigned long)msrs));
	free(msrs);
}

/* A VMM gives the vCPU the feature values; bits beyond them are refused. */
TEST(vcpu_takes_feature_values)
{
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;
	u64 perf, decfg, bit;

	HV_REQUIRE_GUEST(return, HV_CAP_EXT_CPUID);
	vcpu = new_vcpu(&vm, guest_feature_msrs);

	/* A new vCPU has the offered ARCH_CAPABILITIES. */
	EXPECT_EQ(feature_msr(MSR_IA32_ARCH_CAPABILITIES),
		  vcpu_get_msr(vcpu, MSR_IA32_ARCH_CAPABILITIES));
	EXPECT_EQ(1, set_one(vcpu, MSR_IA32_ARCH_CAPABILITIES, 0));
	EXPECT_EQ(0, vcpu_get_msr(vcpu, MSR_IA32_ARCH_CAPABILITIES));

	EXPECT_EQ(1, set_one(vcpu, MSR_IA32_UCODE_REV, 0x1234500000000ULL));
	EXPECT_EQ(0x1234500000000ULL, vcpu_get_msr(vcpu, MSR_IA32_UCODE_REV));

	perf = feature_msr(MSR_IA32_PERF_CAPABILITIES);
	EXPECT_EQ(1, set_one(vcpu, MSR_IA32_PERF_CAPABILITIES, perf));
	EXPECT_EQ(perf, vcpu_get_msr(vcpu, MSR_IA32_PERF_CAPABILITIES));
	for (bit = 1; bit && (perf & bit); bit <<= 1)
		;
	if (bit)
		EXPECT_EQ(0, set_one(vcpu, MSR_IA32_PERF_CAPABILITIES,
				     perf | bit));

	if (host_is_amd()) {
		decfg = feature_msr(MSR_AMD64_DE_CFG);
		EXPECT_EQ(1, set_one(vcpu, MSR_AMD64_DE_CFG, decfg));
		EXPECT_EQ(decfg, vcpu_get_msr(vcpu, MSR_AMD64_DE_CFG));
		EXPECT_EQ(1, set_one(vcpu, MSR_AMD64_DE_CFG, 0));
		EXPECT_EQ(0, set_one(vcpu, MSR_AMD64_DE_CFG, decfg | BIT(0)));
		EXPECT_EQ(0, vcpu_get_msr(vcpu, MSR_AMD64_DE_CFG));
	}
	hv_vm_free(vm);
}

/* The guest side: #GP counted by the handler, which skips the insn. */
static u64 gp_count;

/* #GPs so far, read after the RDMSR/WRMSR before it (asm ordering). */
static u64 gp_seen(void)
{
	asm volatile("" : : : "memory");
	return READ_ONCE(gp_count);
}

static void guest_gp_handler(struct hv_ex_regs *regs)
{
	gp_count++;
	regs->rip += 2;		/* RDMSR and WRMSR are 0f 32 / 0f 30 */
}

#define UCODE_HOST	0x0abcd00000000ULL

static void guest_feature_msrs(u64 arch_cap, u64 decfg, u64 amd)
{
	GUEST_ASSERT_EQ(rdmsr(MSR_IA32_ARCH_CAPABILITIES), arch_cap);
	GUEST_ASSERT_EQ(gp_seen(), 0);
	/* Read-only for the guest. */
	wrmsr(MSR_IA32_ARCH_CAPABILITIES, 0);
	GUEST_ASSERT_EQ(gp_seen(), 1);
	GUEST_ASSERT_EQ(rdmsr(MSR_IA32_ARCH_CAPABILITIES), arch_cap);

	/* A microcode load (write) is ignored. */
	GUEST_ASSERT_EQ(rdmsr(MSR_IA32_UCODE_REV), UCODE_HOST);
	wrmsr(MSR_IA32_UCODE_REV, 0);
	GUEST_ASSERT_EQ(gp_seen(), 1);
	GUEST_ASSERT_EQ(rdmsr(MSR_IA32_UCODE_REV), UCODE_HOST);

	/* PERF_CAPABILITIES needs PDCM, which no supported CPUID has. */
	rdmsr(MSR_IA32_PERF_CAPABILITIES);
	GUEST_ASSERT_EQ(gp_seen(), 2);

	if (amd) {
		/* The guest may write DE_CFG's value, and change no bit. */
		GUEST_ASSERT_EQ(rdmsr(MSR_AMD64_DE_CFG), decfg);
		wrmsr(MSR_AMD64_DE_CFG, decfg);
		GUEST_ASSERT_EQ(gp_seen(), 2);
		wrmsr(MSR_AMD64_DE_CFG, decfg ^ BIT(1));
		GUEST_ASSERT_EQ(gp_seen(), 3);
	}
	GUEST_DONE();
}

TEST(guest_access_feature_msrs)
{
	struct hv_cpuid2 *cpuid;
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;
	u64 arch_cap, decfg = 0;
	bool amd = host_is_amd();

	HV_REQUIRE_GUEST(return, HV_CAP_EXT_CPUID);
	vcpu = new_vcpu(&vm, guest_feature_msrs);
	/* KVM offers ARCH_CAPABILITIES in CPUID on any host; so does hv. */
	cpuid = vcpu_get_cpuid(vcpu);
	ASSERT_NE(NULL, hv_cpuid_find(cpuid, 7, 0));
	EXPECT_TRUE(hv_cpuid_find(cpuid, 7, 0)->edx & BIT(29));
	EXPECT_FALSE(hv_cpuid_find(cpuid, 1, 0)->ecx & BIT(15));	/* PDCM */
	free(cpuid);

	vm_install_exception_handler(vm, GP_VECTOR, guest_gp_handler);
	arch_cap = feature_msr(MSR_IA32_ARCH_CAPABILITIES);
	vcpu_set_msr(vcpu, MSR_IA32_UCODE_REV, UCODE_HOST);
	if (amd) {
		decfg = feature_msr(MSR_AMD64_DE_CFG);
		vcpu_set_msr(vcpu, MSR_AMD64_DE_CFG, decfg);
	}
	vcpu_args_set(vcpu, 3, arch_cap, decfg, (u64)amd);
	vcpu_expect_ucall(vcpu, UCALL_DONE, NULL);
	hv_vm_free(vm);
}

int main(int argc, char **argv)
{
	hv_require_dev();
	return test_harness_run(argc, argv);
}

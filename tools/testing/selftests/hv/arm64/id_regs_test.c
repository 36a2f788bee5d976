// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the guest reads in its ID registers: the features hv does not
 * give guests (SVE, SME, MTE, pointer authentication, activity monitors,
 * PMU, nested virtualization) read as absent, as on KVM without the
 * corresponding vCPU features, while what the guest does get (FP/SIMD,
 * the GICv3 system registers, 4 KiB pages) is still there.
 * ONE_REG reads the same values and writes back only those.
 * With HV_DEV=/dev/kvm the same program runs against Linux's KVM.
 */
#include "kselftest_harness.h"
#include "ucall.h"
#include "arm64/processor.h"

#define FIELD(v, lo)	(((v) >> (lo)) & 0xf)
#define ID_AA64PFR0	ARM64_SYS_REG(3, 0, 0, 4, 0)

static void guest_code(void)
{
	GUEST_SYNC_ARGS(read_sysreg(id_aa64pfr0_el1),
			read_sysreg(id_aa64pfr1_el1),
			read_sysreg(id_aa64isar1_el1),
			read_sysreg(S3_0_C0_C4_4));	/* ID_AA64ZFR0_EL1 */
	GUEST_SYNC_ARGS(read_sysreg(id_aa64dfr0_el1),
			read_sysreg(id_aa64mmfr0_el1),
			read_sysreg(id_aa64mmfr2_el1),
			read_sysreg(S3_0_C0_C6_2));	/* ID_AA64ISAR2_EL1 */
	GUEST_DONE();
}

TEST(hidden_features)
{
	struct hv_vcpu *vcpu;
	struct ucall uc;
	struct hv_vm *vm;
	u64 pfr0, pfr1, isar1, dfr0, mmfr0;

	HV_REQUIRE_GUEST(return);
	vm = hv_vm_create();
	vcpu = hv_vcpu_add(vm, 0, guest_code);

	vcpu_expect_ucall(vcpu, UCALL_SYNC, &uc);
	/* ONE_REG gives what the guest reads; only that can be set. */
	EXPECT_EQ(uc.args[0], vcpu_get_reg(vcpu, ID_AA64PFR0));
	EXPECT_EQ(0, __vcpu_set_reg(vcpu, ID_AA64PFR0, uc.args[0]));
	EXPECT_EQ(-EINVAL, __vcpu_set_reg(vcpu, ID_AA64PFR0,
					  uc.args[0] ^ (1ULL << 32)));
	pfr0 = uc.args[0];
	pfr1 = uc.args[1];
	isar1 = uc.args[2];
	TH_LOG("ID_AA64PFR0 %#llx PFR1 %#llx ISAR1 %#llx", pfr0, pfr1, isar1);
	EXPECT_EQ(0, FIELD(pfr0, 32));		/* SVE */
	EXPECT_EQ(0, FIELD(pfr0, 44));		/* AMU */
	EXPECT_NE(0xf, FIELD(pfr0, 16));	/* FP present */
	EXPECT_NE(0xf, FIELD(pfr0, 20));	/* AdvSIMD present */
	EXPECT_EQ(0, FIELD(pfr1, 24));		/* SME */
	EXPECT_EQ(0, FIELD(pfr1, 8));		/* MTE */
	EXPECT_EQ(0, isar1 & 0xff000ff0ULL);	/* GPI, GPA, API, APA */
	EXPECT_EQ(0, uc.args[3]);		/* ID_AA64ZFR0 */

	vcpu_expect_ucall(vcpu, UCALL_SYNC, &uc);
	dfr0 = uc.args[0];
	mmfr0 = uc.args[1];
	TH_LOG("ID_AA64DFR0 %#llx MMFR0 %#llx MMFR2 %#llx ISAR2 %#llx",
	       dfr0, mmfr0, uc.args[2], uc.args[3]);
	EXPECT_EQ(0, FIELD(dfr0, 8));		/* PMUVer */
	EXPECT_LE(6, FIELD(dfr0, 0));		/* DebugVer: v8 debug */
	EXPECT_NE(0xf, FIELD(mmfr0, 28));	/* TGran4 supported */
	EXPECT_EQ(0, FIELD(uc.args[2], 24));	/* NV */
	EXPECT_EQ(0, uc.args[3] & 0xff00);	/* APA3, GPA3 */
	vcpu_expect_ucall(vcpu, UCALL_DONE, NULL);
	hv_vm_free(vm);
}

int main(int argc, char **argv)
{
	hv_require_dev();
	return test_harness_run(argc, argv);
}

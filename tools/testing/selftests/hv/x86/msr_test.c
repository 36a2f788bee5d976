// SPDX-License-Identifier: GPL-2.0-only
/*
 * MSRs: HV_GET_MSR_INDEX_LIST (E2BIG with the size written back, the
 * MSRs a VMM saves), HV_GET_MSRS/HV_SET_MSRS (every listed MSR readable
 * and writable by the host, processing that stops at an unknown MSR,
 * E2BIG), and the guest's RDMSR/WRMSR: #GP for an MSR no CPU has, values
 * shared with the host both ways, the TSC the host wrote; SYSCFG reads 0.
 * EFER.LMA is not written through the MSR, by the host either.
 */
#include <linux/stringify.h>

#include "kselftest_harness.h"
#include "ucall.h"
#include "x86/state.h"

#define UNKNOWN_MSR		0x2fff0000	/* in no CPU's MSR space */
#define MSR_KVM_WALL_CLOCK	0x11
#define MSR_KVM_SYSTEM_TIME	0x12
#define MSR_KVM_WALL_CLOCK_NEW	0x4b564d00
#define MSR_KVM_SYSTEM_TIME_NEW	0x4b564d01
#define MSR_IA32_CR_PAT		0x277
#define MSR_AMD64_SYSCFG	0xc0010010

/* A guest VM whose vCPU has the supported CPUID, as VMMs set it up. */
static struct hv_vcpu *new_vcpu(struct hv_vm **vm, void *guest_code)
{
	struct hv_vcpu *vcpu;

	*vm = hv_vm_create();
	vcpu = hv_vcpu_create(*vm, 0);
	vcpu_set_cpuid_supported(vcpu);
	vcpu_setup_lmode(vcpu, guest_code);
	return vcpu;
}

/*
 * Every listed MSR but those KVM cannot write without an in-kernel local
 * APIC (hv_msr_needs_lapic()): KVM's own state_test restores them only
 * because KVM's selftests always create an in-kernel irqchip.
 */
static struct hv_msrs *all_msrs(void)
{
	struct hv_msr_list *list = hv_get_msr_index_list();
	struct hv_msrs *msrs = hv_msrs_alloc(list->nmsrs);
	unsigned int i;

	msrs->nmsrs = 0;
	for (i = 0; i < list->nmsrs; i++)
		if (!hv_msr_needs_lapic(list->indices[i]))
			msrs->entries[msrs->nmsrs++].index = list->indices[i];
	free(list);
	return msrs;
}

/* The entry where GET/SET_MSRS returning @r stopped. */
static const struct hv_msr_entry *stopped_at(const struct hv_msrs *msrs,
					     long r)
{
	return &msrs->entries[r >= 0 && r < msrs->nmsrs ? r : 0];
}

static void guest_done(void)
{
	GUEST_DONE();
}

TEST(msr_index_list_e2big)
{
	struct hv_msr_list *list;
	unsigned int n;

	list = calloc(1, sizeof(*list) + 1024 * sizeof(u32));
	ASSERT_NE(NULL, list);
	EXPECT_EQ(-E2BIG, hv_sys_ioctl(HV_GET_MSR_INDEX_LIST, (unsigned long)list));
	n = list->nmsrs;	/* written back with the error */
	ASSERT_LT(0, n);
	ASSERT_GE(1024, n);
	list->nmsrs = n - 1;
	EXPECT_EQ(-E2BIG, hv_sys_ioctl(HV_GET_MSR_INDEX_LIST, (unsigned long)list));
	EXPECT_EQ(n, list->nmsrs);
	list->nmsrs = 1024;
	EXPECT_EQ(0, hv_sys_ioctl(HV_GET_MSR_INDEX_LIST, (unsigned long)list));
	EXPECT_EQ(n, list->nmsrs);
	free(list);
}

TEST(msr_index_list_contents)
{
	static const u32 saved[] = { MSR_IA32_SYSENTER_CS,
		MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP, MSR_STAR,
		MSR_LSTAR, MSR_CSTAR, MSR_SYSCALL_MASK, MSR_KERNEL_GS_BASE,
		MSR_IA32_TSC, MSR_IA32_CR_PAT, MSR_KVM_WALL_CLOCK,
		MSR_KVM_SYSTEM_TIME, MSR_KVM_WALL_CLOCK_NEW,
		MSR_KVM_SYSTEM_TIME_NEW };
	struct hv_msr_list *list = hv_get_msr_index_list();
	unsigned int i, j, found;

	for (i = 0; i < HV_ARRAY_SIZE(saved); i++) {
		for (found = 0, j = 0; j < list->nmsrs; j++)
			found += list->indices[j] == saved[i];
		EXPECT_EQ(1, found) {
			TH_LOG("MSR 0x%x listed %u times", saved[i], found);
		}
	}
	free(list);
}

TEST(get_and_set_every_listed_msr)
{
	struct hv_msrs *msrs, *again;
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;
	unsigned int i;
	long r;

	HV_REQUIRE_GUEST(return, HV_CAP_EXT_CPUID);
	vcpu = new_vcpu(&vm, guest_done);
	msrs = all_msrs();
	ASSERT_GT(HV_MAX_IO_MSRS, msrs->nmsrs);
	r = __vcpu_ioctl(vcpu, HV_GET_MSRS, msrs);
	EXPECT_EQ(msrs->nmsrs, r) {
		TH_LOG("GET_MSRS stopped at MSR 0x%x",
		       stopped_at(msrs, r)->index);
	}
	/* The host may write back everything it read (a VMM restoring). */
	r = __vcpu_ioctl(vcpu, HV_SET_MSRS, msrs);
	EXPECT_EQ(msrs->nmsrs, r) {
		TH_LOG("SET_MSRS stopped at MSR 0x%x = 0x%llx",
		       stopped_at(msrs, r)->index, stopped_at(msrs, r)->data);
	}
	again = all_msrs();
	ASSERT_EQ(msrs->nmsrs, __vcpu_ioctl(vcpu, HV_GET_MSRS, again));
	for (i = 0; i < msrs->nmsrs; i++) {
		if (hv_msr_ticks(msrs->entries[i].index))
			continue;
		EXPECT_EQ(msrs->entries[i].data, again->entries[i].data) {
			TH_LOG("MSR 0x%x", msrs->entries[i].index);
		}
	}
	free(again);
	free(msrs);
	hv_vm_free(vm);
}

/* VMMs write the paravirtual clock MSRs at every reset, with 0. */
TEST(set_pv_clock_msrs_zero)
{
	static const u32 pv[] = { MSR_KVM_WALL_CLOCK, MSR_KVM_SYSTEM_TIME,
				  MSR_KVM_WALL_CLOCK_NEW,
				  MSR_KVM_SYSTEM_TIME_NEW };
	struct hv_msrs *msrs = hv_msrs_alloc(HV_ARRAY_SIZE(pv));
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;
	unsigned int i;

	HV_REQUIRE_GUEST(return, HV_CAP_EXT_CPUID);
	vcpu = new_vcpu(&vm, guest_done);
	for (i = 0; i < msrs->nmsrs; i++)
		msrs->entries[i].index = pv[i];
	EXPECT_EQ(msrs->nmsrs, __vcpu_ioctl(vcpu, HV_SET_MSRS, msrs));
	free(msrs);
	hv_vm_free(vm);
}

/* GET/SET_MSRS return how many they did, stopping at an unknown MSR. */
TEST(unknown_msr_stops_processing)
{
	struct hv_msrs *msrs = hv_msrs_alloc(3);
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;

	HV_REQUIRE_GUEST(return, HV_CAP_EXT_CPUID);
	vcpu = new_vcpu(&vm, guest_done);
	vcpu_set_msr(vcpu, MSR_LSTAR, 0x1000);
	msrs->entries[0].index = MSR_STAR;
	msrs->entries[0].data = 0x0023001000000000ULL;
	msrs->entries[1].index = UNKNOWN_MSR;
	msrs->entries[2].index = MSR_LSTAR;
	msrs->entries[2].data = 0x2000;
	EXPECT_EQ(1, __vcpu_ioctl(vcpu, HV_SET_MSRS, msrs));
	EXPECT_EQ(0x0023001000000000ULL, vcpu_get_msr(vcpu, MSR_STAR));
	EXPECT_EQ(0x1000, vcpu_get_msr(vcpu, MSR_LSTAR));
	EXPECT_EQ(1, __vcpu_ioctl(vcpu, HV_GET_MSRS, msrs));
	EXPECT_EQ(0x0023001000000000ULL, msrs->entries[0].data);
	msrs->entries[0].index = UNKNOWN_MSR;
	EXPECT_EQ(0, __vcpu_ioctl(vcpu, HV_GET_MSRS, msrs));
	free(msrs);
	hv_vm_free(vm);
}

/*
 * EFER.LMA is not written through HV_SET_MSRS, even by the host: it
 * follows CR0.PG and comes with HV_SET_SREGS, which checks it (KVM's
 * set_efer() keeps it the same way).  LMA without paging is a state no
 * CPU can be in (and one QEMU's emulated SVM hangs in).
 */
TEST(efer_lma_not_set_through_msrs)
{
	struct hv_vcpu *vcpu;
	struct hv_sregs sregs;
	struct hv_vm *vm;

	HV_REQUIRE_GUEST(return, HV_CAP_EXT_CPUID);
	vm = hv_vm_create();
	vcpu = hv_vcpu_create(vm, 0);
	vcpu_set_cpuid_supported(vcpu);
	vcpu_sregs_get(vcpu, &sregs);
	ASSERT_EQ(0, sregs.cr0 & X86_CR0_PG);
	vcpu_set_msr(vcpu, MSR_EFER, EFER_LME | EFER_LMA);
	vcpu_sregs_get(vcpu, &sregs);
	EXPECT_EQ(EFER_LME, sregs.efer & (EFER_LME | EFER_LMA));
	EXPECT_EQ(EFER_LME, vcpu_get_msr(vcpu, MSR_EFER) &
			    (EFER_LME | EFER_LMA));

	/* In long mode, clearing LMA through the MSR does not stick either. */
	vcpu_setup_lmode(vcpu, guest_done);
	vcpu_set_msr(vcpu, MSR_EFER, EFER_LME);
	vcpu_sregs_get(vcpu, &sregs);
	EXPECT_EQ(EFER_LME | EFER_LMA, sregs.efer & (EFER_LME | EFER_LMA));
	hv_vm_free(vm);
}

TEST(msrs_e2big)
{
	struct hv_msrs *msrs = hv_msrs_alloc(HV_MAX_IO_MSRS);
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;
	unsigned int i;

	HV_REQUIRE_GUEST(return, HV_CAP_EXT_CPUID);
	vcpu = new_vcpu(&vm, guest_done);
	for (i = 0; i < msrs->nmsrs; i++)
		msrs->entries[i].index = MSR_STAR;
	EXPECT_EQ(-E2BIG, __vcpu_ioctl(vcpu, HV_GET_MSRS, msrs));
	EXPECT_EQ(-E2BIG, __vcpu_ioctl(vcpu, HV_SET_MSRS, msrs));
	msrs->nmsrs = HV_MAX_IO_MSRS - 1;
	EXPECT_EQ(HV_MAX_IO_MSRS - 1, __vcpu_ioctl(vcpu, HV_GET_MSRS, msrs));
	EXPECT_EQ(HV_MAX_IO_MSRS - 1, __vcpu_ioctl(vcpu, HV_SET_MSRS, msrs));
	free(msrs);
	hv_vm_free(vm);
}

/* RDMSR (@write 0) or WRMSR of UNKNOWN_MSR: must raise #GP, else #UD. */
asm(".text\n"
	"guest_unknown_msr:\n"
	"	mov $" __stringify(UNKNOWN_MSR) ", %ecx\n"
	"	xor %eax, %eax\n"
	"	xor %edx, %edx\n"
	"	test %rdi, %rdi\n"
	"	jnz 1f\n"
	"guest_rdmsr_insn:\n"
	"	rdmsr\n"
	"	ud2\n"
	"1:\n"
	"guest_wrmsr_insn:\n"
	"	wrmsr\n"
	"	ud2\n");

/* The library's report of an unhandled exception: vector, RIP, error. */
static void expect_gp_at(struct __test_metadata *_metadata, bool write,
			 u64 rip)
{
	struct hv_vcpu *vcpu;
	struct ucall uc;
	struct hv_vm *vm;

	vcpu = new_vcpu(&vm, (void *)ASM_ADDR(guest_unknown_msr));
	vcpu_args_set(vcpu, 1, (u64)write);
	vcpu_run(vcpu);
	ASSERT_EQ(UCALL_UNHANDLED, get_ucall(vcpu, &uc));
	EXPECT_EQ(GP_VECTOR, uc.args[0]);
	EXPECT_EQ(rip, uc.args[1]);
	EXPECT_EQ(0, uc.args[2]);
	hv_vm_free(vm);
}

TEST(guest_rdmsr_unknown_gp)
{
	HV_REQUIRE_GUEST(return, HV_CAP_EXT_CPUID);
	expect_gp_at(_metadata, false, ASM_ADDR(guest_rdmsr_insn));
}

TEST(guest_wrmsr_unknown_gp)
{
	HV_REQUIRE_GUEST(return, HV_CAP_EXT_CPUID);
	expect_gp_at(_metadata, true, ASM_ADDR(guest_wrmsr_insn));
}

/*
 * SYSCFG reads as 0: Linux reads it without a fixup on AMD once CPUID
 * has MTRR, which QEMU always sets (KVM reads it as 0 too).
 */
static void guest_read_syscfg(void)
{
	GUEST_ASSERT_EQ(rdmsr(MSR_AMD64_SYSCFG), 0);
	GUEST_DONE();
}

TEST(guest_reads_syscfg_zero)
{
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;

	HV_REQUIRE_GUEST(return, HV_CAP_EXT_CPUID);
	vcpu = new_vcpu(&vm, guest_read_syscfg);
	vcpu_expect_ucall(vcpu, UCALL_DONE, NULL);
	hv_vm_free(vm);
}

#define STAR_VALUE(i)	(0x0023001000000000ULL + (i))
#define LSTAR_VALUE(i)	(0xffffffff81000000ULL + 0x1000 * (i))

/* Check the host's values (round 1), then write our own (round 2). */
static void guest_syscall_msrs(void)
{
	GUEST_ASSERT_EQ(rdmsr(MSR_STAR), STAR_VALUE(1));
	GUEST_ASSERT_EQ(rdmsr(MSR_LSTAR), LSTAR_VALUE(1));
	wrmsr(MSR_STAR, STAR_VALUE(2));
	wrmsr(MSR_LSTAR, LSTAR_VALUE(2));
	GUEST_DONE();
}

TEST(msrs_shared_with_guest)
{
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;

	HV_REQUIRE_GUEST(return, HV_CAP_EXT_CPUID);
	vcpu = new_vcpu(&vm, guest_syscall_msrs);
	vcpu_set_msr(vcpu, MSR_STAR, STAR_VALUE(1));
	vcpu_set_msr(vcpu, MSR_LSTAR, LSTAR_VALUE(1));
	vcpu_expect_ucall(vcpu, UCALL_DONE, NULL);
	EXPECT_EQ(STAR_VALUE(2), vcpu_get_msr(vcpu, MSR_STAR));
	EXPECT_EQ(LSTAR_VALUE(2), vcpu_get_msr(vcpu, MSR_LSTAR));
	hv_vm_free(vm);
}

/*
 * Far from the vCPU's own TSC: KVM treats a host write within a second
 * of it as an attempt to synchronize vCPUs and keeps the old offset.
 */
#define TSC_WRITTEN	(1ULL << 50)
#define TSC_SLACK	(1ULL << 42)	/* over an hour at 1 GHz */

static void guest_read_tsc(void)
{
	u64 tsc = rdtsc(), msr = rdmsr(MSR_IA32_TSC);

	GUEST_SYNC_ARGS(tsc, msr, 0, 0);
	GUEST_DONE();
}

TEST(host_tsc_write_seen_by_guest)
{
	struct hv_vcpu *vcpu;
	struct ucall uc;
	struct hv_vm *vm;

	HV_REQUIRE_GUEST(return, HV_CAP_EXT_CPUID);
	vcpu = new_vcpu(&vm, guest_read_tsc);
	vcpu_set_msr(vcpu, MSR_IA32_TSC, TSC_WRITTEN);
	vcpu_expect_ucall(vcpu, UCALL_SYNC, &uc);
	TH_LOG("guest TSC 0x%llx, MSR 0x%llx after 0x%llx", uc.args[0],
	       uc.args[1], TSC_WRITTEN);
	EXPECT_LE(TSC_WRITTEN, uc.args[0]);
	EXPECT_LE(uc.args[0], uc.args[1]);
	EXPECT_GT(TSC_WRITTEN + TSC_SLACK, uc.args[1]);
	EXPECT_LE(uc.args[1], vcpu_get_msr(vcpu, MSR_IA32_TSC));
	hv_vm_free(vm);
}

int main(int argc, char **argv)
{
	hv_require_dev();
	return test_harness_run(argc, argv);
}

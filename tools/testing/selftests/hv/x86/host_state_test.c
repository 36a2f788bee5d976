// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host state survives a guest that scribbles on state it may change.
 * The guest writes the syscall MSRs (STAR, LSTAR, CSTAR, SYSCALL_MASK),
 * the SYSENTER MSRs, FS/GS/KERNEL_GS base, the debug registers DR0-DR3
 * and DR7, and, when its CPUID has them (HV_CAP_EXT_CPUID), TSC_AUX and
 * XCR0; after every exit the host checks on its own thread: FS and GS
 * bases (and TLS through FS), XCR0, that a syscall works, RDTSCP's
 * TSC_AUX (the kernel's CPU number), and that a hardware watchpoint of
 * its own (perf, i.e. DR7) still fires.
 */
#include <sched.h>
#include <asm/prctl.h>
#include <linux/hw_breakpoint.h>
#include <linux/perf_event.h>
#include <sys/syscall.h>

#include "kselftest_harness.h"
#include "ucall.h"
#include "x86/processor.h"

#define JUNK	0x0000123456789000ULL	/* canonical, page aligned */

static bool has_rdtscp(void)
{
	u32 a, b, c, d;

	hv_cpuid(0x80000001, 0, &a, &b, &c, &d);
	return d & (1u << 27);
}

/* @xcr0: 0 leaves XCR0 alone (no XSAVE for the guest) */
static void guest_scribble(u64 xcr0)
{
	bool tsc_aux = has_rdtscp();
	int i;

	for (i = 0; i < 20; i++) {
		wrmsr(MSR_STAR, 0x0023001000000000ULL + i);
		wrmsr(MSR_LSTAR, JUNK + i);
		wrmsr(MSR_CSTAR, JUNK + 2 * i);
		wrmsr(MSR_SYSCALL_MASK, 0x47700 + i);
		wrmsr(MSR_IA32_SYSENTER_CS, 0x10 + i);
		wrmsr(MSR_IA32_SYSENTER_ESP, JUNK + 3 * i);
		wrmsr(MSR_IA32_SYSENTER_EIP, JUNK + 4 * i);
		wrmsr(MSR_FS_BASE, JUNK + 5 * i);
		wrmsr(MSR_GS_BASE, JUNK + 6 * i);
		wrmsr(MSR_KERNEL_GS_BASE, JUNK + 7 * i);
		if (tsc_aux)
			wrmsr(MSR_TSC_AUX, 0xabc + i);
		asm volatile("mov %0, %%dr0\n\t"
			     "mov %0, %%dr1\n\t"
			     "mov %0, %%dr2\n\t"
			     "mov %0, %%dr3\n\t"
			     "mov %1, %%dr7"
			     : : "r"(JUNK + i), "r"(0x400ULL | 0xff));
		if (xcr0) {
			xsetbv(0, xcr0);
			GUEST_ASSERT_EQ(xgetbv(0), xcr0);
		}
		GUEST_ASSERT_EQ(rdmsr(MSR_LSTAR), JUNK + i);
		if (tsc_aux)
			GUEST_ASSERT_EQ(rdmsr(MSR_TSC_AUX), 0xabc + i);
		GUEST_SYNC(i);
	}
	GUEST_DONE();
}

static __thread u64 tls_canary = 0x7e57;
static u64 watched;

static u64 arch_prctl_get(int code)
{
	unsigned long v = 0;

	syscall(SYS_arch_prctl, code, &v);
	return v;
}

static bool host_has_osxsave(void)
{
	u32 a, b, c, d;

	hv_cpuid(1, 0, &a, &b, &c, &d);
	return c & (1u << 27);
}

static u32 host_rdtscp_aux(void)
{
	u32 lo, hi, aux;

	asm volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(aux));
	return aux;
}

/* A perf hardware watchpoint on @watched (it programs DR0-3/DR7). */
static int watchpoint(void)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_BREAKPOINT,
		.size = sizeof(attr),
		.bp_type = HW_BREAKPOINT_W,
		.bp_addr = (u64)&watched,
		.bp_len = HW_BREAKPOINT_LEN_8,
		.sample_period = 1,
		.exclude_kernel = 1,
		.exclude_hv = 1,
	};

	return syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
}

static u64 hits(int fd)
{
	u64 n = 0;

	if (read(fd, &n, sizeof(n)) != sizeof(n))
		return ~0ULL;
	return n;
}

TEST(guest_cannot_change_host_state)
{
	u64 fs, gs, xcr0, guest_xcr0, n;
	struct hv_vcpu *vcpu;
	struct hv_sregs sregs;
	struct ucall uc;
	struct hv_vm *vm;
	cpu_set_t cpus;
	int wp, cpu;
	bool dr_ok;

	HV_REQUIRE_GUEST(return);

	/* Stay on one CPU so that TSC_AUX is that CPU's. */
	cpu = sched_getcpu();
	CPU_ZERO(&cpus);
	CPU_SET(cpu, &cpus);
	ASSERT_EQ(0, sched_setaffinity(0, sizeof(cpus), &cpus));

	fs = arch_prctl_get(ARCH_GET_FS);
	gs = arch_prctl_get(ARCH_GET_GS);
	xcr0 = host_has_osxsave() ? xgetbv(0) : 0;

	wp = watchpoint();
	WRITE_ONCE(watched, 1);
	dr_ok = wp >= 0 && hits(wp) == 1;
	if (!dr_ok)
		TH_LOG("host watchpoints do not fire here (perf fd %d): DR7 not checked",
		       wp);

	vm = hv_vm_create();
	vcpu = hv_vcpu_create(vm, 0);
	/* x87 only for the guest: Linux enables at least x87 and SSE. */
	guest_xcr0 = 0;
	if (xcr0 && hv_check_cap(HV_CAP_EXT_CPUID) > 0) {
		vcpu_set_cpuid_supported(vcpu);
		guest_xcr0 = 1;
	}
	vcpu_setup_lmode(vcpu, guest_scribble);
	if (guest_xcr0) {
		vcpu_sregs_get(vcpu, &sregs);
		sregs.cr4 |= X86_CR4_OSXSAVE;
		if (__vcpu_ioctl(vcpu, HV_SET_SREGS, &sregs))
			guest_xcr0 = 0;
	}
	vcpu_args_set(vcpu, 1, guest_xcr0);

	while (vcpu_run_ucall(vcpu, &uc) == UCALL_SYNC) {
		ASSERT_EQ(fs, arch_prctl_get(ARCH_GET_FS));
		ASSERT_EQ(gs, arch_prctl_get(ARCH_GET_GS));
		ASSERT_EQ(0x7e57, READ_ONCE(tls_canary));
		if (xcr0)
			ASSERT_EQ(xcr0, xgetbv(0));
		ASSERT_EQ(getpid(), syscall(SYS_getpid));
		if (has_rdtscp())
			ASSERT_EQ(cpu, host_rdtscp_aux() & 0xfff);
		if (dr_ok) {
			n = hits(wp);
			WRITE_ONCE(watched, uc.args[0]);
			ASSERT_EQ(n + 1, hits(wp));
		}
	}
	ASSERT_EQ(UCALL_DONE, uc.cmd);
	TH_LOG("checked: FS/GS/TLS, syscall, host TSC_AUX %s, DR7 %s",
	       has_rdtscp() ? "yes" : "no (no RDTSCP)", dr_ok ? "yes" : "no");
	TH_LOG("XCR0 0x%llx, the guest's 0x%llx (0: not changed)", xcr0,
	       guest_xcr0);
	if (wp >= 0)
		close(wp);
	hv_vm_free(vm);
}

int main(int argc, char **argv)
{
	hv_require_dev();
	return test_harness_run(argc, argv);
}

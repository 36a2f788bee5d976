// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest's FPU state while RUN is preempted.  RUN loads the guest's
 * FPU/SSE state into the CPU; when the vCPU thread is scheduled out and
 * back in meanwhile, the kernel restores the thread's registers lazily
 * (TIF_NEED_FPU_LOAD), so the hypervisor must load them again before it
 * enters the guest (KVM: switch_fpu_return() in vcpu_enter_guest()).
 * Otherwise the guest runs with whatever the CPU last held: another
 * task's registers, and its own are lost.
 *
 * A host thread on the same CPU keeps its own pattern in XMM7 while the
 * guest checks, for a few million rounds, that XMM7 keeps the guest's.
 */
#include <pthread.h>
#include <sched.h>

#include "kselftest_harness.h"
#include "ucall.h"
#include "x86/processor.h"

#define CHECKS		5000000ULL

static const u64 guest_xmm7[2] = { 0x1122334455667788ULL,
				   0x99aabbccddeeff00ULL };
static const u64 host_xmm7[2] = { 0xdeaddeaddeaddeadULL,
				  0xbeefbeefbeefbeefULL };

/* Count the checks that find another XMM7; report the last seen. */
static void guest_check_xmm7(void)
{
	u64 i, lo = 0, hi = 0, wrong = 0;

	asm volatile("movdqu %0, %%xmm7" : : "m"(guest_xmm7) : "xmm7");
	for (i = 0; i < CHECKS; i++) {
		asm volatile("movq %%xmm7, %0\n\t"
			     "pextrq $1, %%xmm7, %1" : "=r"(lo), "=r"(hi));
		if (lo != guest_xmm7[0] || hi != guest_xmm7[1])
			wrong++;
	}
	GUEST_SYNC_ARGS(wrong, lo, hi, 0);
}

static volatile bool stop;
static volatile u64 host_rounds;

/* Runs on the vCPU thread's CPU, with its own XMM7. */
static void *host_spin(void *arg)
{
	while (!stop) {
		asm volatile("movdqu %0, %%xmm7" : : "m"(host_xmm7) : "xmm7");
		host_rounds++;
	}
	return NULL;
}

TEST(guest_fpu_survives_preemption)
{
	struct hv_vcpu *vcpu;
	struct ucall uc;
	struct hv_vm *vm;
	cpu_set_t cpus;
	pthread_t thread;
	u64 before;

	HV_REQUIRE_GUEST(return);
	/* One CPU for both threads: the spinner preempts RUN. */
	CPU_ZERO(&cpus);
	CPU_SET(sched_getcpu(), &cpus);
	ASSERT_EQ(0, sched_setaffinity(0, sizeof(cpus), &cpus));
	vm = hv_vm_create();
	vcpu = hv_vcpu_add(vm, 0, guest_check_xmm7);
	ASSERT_EQ(0, pthread_create(&thread, NULL, host_spin, NULL));

	before = host_rounds;
	vcpu_expect_ucall(vcpu, UCALL_SYNC, &uc);
	stop = true;
	pthread_join(thread, NULL);
	TH_LOG("%llu of %llu checks saw another XMM7, last 0x%llx 0x%llx",
	       uc.args[0], CHECKS, uc.args[1], uc.args[2]);
	TH_LOG("the host thread ran %llu rounds meanwhile",
	       host_rounds - before);
	EXPECT_EQ(0, uc.args[0]);
	/* Else RUN was not preempted and nothing was tested. */
	EXPECT_LT(before, host_rounds);
	hv_vm_free(vm);
}

int main(int argc, char **argv)
{
	hv_require_dev();
	return test_harness_run(argc, argv);
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * vCPUs running at the same time, each in a thread of its own:
 *   - two VMs with three vCPUs each map different memory at the same
 *     guest physical addresses; every vCPU writes tagged values into its
 *     cell and checks that its VM's cells only ever hold its VM's tags;
 *   - two vCPUs of one VM play ping-pong through shared guest memory,
 *     which needs the other vCPU's stores to become visible.
 */
#include <pthread.h>

#include "kselftest_harness.h"
#include "ucall.h"
#include "x86/processor.h"

#define NR_VMS		2
#define NR_VCPUS	3
#define ITERS		1500
#define CELLS		((u64 *)HV_TEST_GPA)
#define CELL(i)		CELLS[(i) * 8]	/* a cache line each */

static void guest_worker(u64 tag, u64 id)
{
	u64 i, j, c;

	for (i = 1; i <= ITERS; i++) {
		WRITE_ONCE(CELL(id), tag << 48 | id << 32 | i);
		for (j = 0; j < NR_VCPUS; j++) {
			c = READ_ONCE(CELL(j));
			if (c)
				GUEST_ASSERT_EQ(c >> 48, tag);
		}
		GUEST_ASSERT_EQ(READ_ONCE(CELL(id)), tag << 48 | id << 32 | i);
		if (i % 100 == 0)
			GUEST_SYNC(i);
	}
	GUEST_DONE();
}

static void *run_vcpu(void *arg)
{
	struct hv_vcpu *vcpu = arg;
	struct ucall uc;

	while (vcpu_run_ucall(vcpu, &uc) == UCALL_SYNC)
		;
	TEST_ASSERT(uc.cmd == UCALL_DONE, "vCPU %u: ucall %llu", vcpu->id,
		    uc.cmd);
	return NULL;
}

FIXTURE(threads) {
	int unused;
};

FIXTURE_SETUP(threads)
{
}

FIXTURE_TEARDOWN(threads)
{
}

TEST_F_TIMEOUT(threads, two_vms_isolated, 180)
{
	struct hv_vcpu *vcpus[NR_VMS][NR_VCPUS];
	pthread_t threads[NR_VMS][NR_VCPUS];
	struct hv_vm *vms[NR_VMS];
	u64 *mem[NR_VMS];
	int v, c;

	HV_REQUIRE_GUEST(return);
	for (v = 0; v < NR_VMS; v++) {
		vms[v] = hv_vm_create();
		mem[v] = hv_vm_add_region(vms[v], HV_SLOT_TEST, HV_TEST_GPA,
					  HV_PAGE_SIZE, 0, HV_BACKING_ANON);
		for (c = 0; c < NR_VCPUS; c++) {
			vcpus[v][c] = hv_vcpu_add(vms[v], c, guest_worker);
			vcpu_args_set(vcpus[v][c], 2, 0xa0ULL + v, (u64)c);
		}
	}
	for (v = 0; v < NR_VMS; v++)
		for (c = 0; c < NR_VCPUS; c++)
			ASSERT_EQ(0, pthread_create(&threads[v][c], NULL,
						    run_vcpu, vcpus[v][c]));
	for (v = 0; v < NR_VMS; v++)
		for (c = 0; c < NR_VCPUS; c++)
			ASSERT_EQ(0, pthread_join(threads[v][c], NULL));

	for (v = 0; v < NR_VMS; v++) {
		for (c = 0; c < NR_VCPUS; c++)
			EXPECT_EQ((0xa0ULL + v) << 48 | (u64)c << 32 | ITERS,
				  mem[v][c * 8]);
		hv_vm_free(vms[v]);
	}
}

#define ROUNDS		300
#define BALL		(*(u64 *)(HV_TEST_GPA + 0x800))

/* vCPU @me hits when the ball's count has its parity. */
static void guest_ping_pong(u64 me)
{
	u64 n;

	for (n = me; n < 2 * ROUNDS; n += 2) {
		while (READ_ONCE(BALL) != n)
			asm volatile("pause");
		WRITE_ONCE(BALL, n + 1);
	}
	GUEST_DONE();
}

TEST_F_TIMEOUT(threads, ping_pong, 180)
{
	struct hv_vcpu *vcpu[2];
	pthread_t thread[2];
	struct hv_vm *vm;
	u64 *mem;
	int i;

	HV_REQUIRE_GUEST(return);
	vm = hv_vm_create();
	mem = hv_vm_add_region(vm, HV_SLOT_TEST, HV_TEST_GPA, HV_PAGE_SIZE,
			       0, HV_BACKING_ANON);
	for (i = 0; i < 2; i++) {
		vcpu[i] = hv_vcpu_add(vm, i, guest_ping_pong);
		vcpu_args_set(vcpu[i], 1, (u64)i);
	}
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, pthread_create(&thread[i], NULL, run_vcpu,
					    vcpu[i]));
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, pthread_join(thread[i], NULL));
	EXPECT_EQ(2 * ROUNDS, mem[0x800 / 8]);
	hv_vm_free(vm);
}

int main(int argc, char **argv)
{
	hv_require_dev();
	return test_harness_run(argc, argv);
}

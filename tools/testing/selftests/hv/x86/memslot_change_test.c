// SPDX-License-Identifier: GPL-2.0-only
/*
 * Memory slots changed while a vCPU reads them.  A guest reads a 2 MiB
 * slot page after page in a loop while the main thread deletes and
 * re-adds the slot, and moves it away and back.  Once a delete or move
 * has returned, the host overwrites the old backing with POISON: the
 * guest must only ever see the slot's data or an MMIO exit (to which the
 * host answers MMIO_VAL), never memory of a slot that is gone.
 */
#include <pthread.h>

#include "kselftest_harness.h"
#include "ucall.h"
#include "x86/processor.h"

#define SLOT_GPA	HV_TEST_GPA
#define AWAY_GPA	(HV_TEST_GPA + 0x10000000)
#define SLOT_SIZE	HV_2M
#define MAGIC		0x5afe5afe5afe5afeULL
#define POISON		0xdeaddeaddeaddeadULL
#define MMIO_VAL	0x0123012301230123ULL
#define CYCLES		100

static u64 guest_data_reads;

static void guest_reader(void)
{
	u64 n, v;

	for (n = 0;; n++) {
		v = READ_ONCE(*(u64 *)(SLOT_GPA + (n * 4104) % SLOT_SIZE));
		if (v != MMIO_VAL) {
			GUEST_ASSERT_EQ(v, MAGIC);
			guest_data_reads++;
		}
		if (n % 32 == 31)
			GUEST_SYNC(n);
	}
}

/* Shared with the main thread: READ_ONCE/WRITE_ONCE. */
struct reader {
	struct hv_vcpu *vcpu;
	bool stop;
	u64 mmio_exits;
	u64 syncs;
};

static void *reader_thread(void *arg)
{
	struct reader *r = arg;
	struct hv_run *run = r->vcpu->run;
	struct ucall uc;
	u64 v = MMIO_VAL;

	while (!READ_ONCE(r->stop)) {
		vcpu_run(r->vcpu);
		if (get_ucall_ok(r->vcpu, &uc) == UCALL_SYNC) {
			WRITE_ONCE(r->syncs, r->syncs + 1);
			continue;
		}
		vcpu_assert_exit(r->vcpu, HV_EXIT_MMIO);
		TEST_ASSERT(!run->mmio.is_write && run->mmio.len == 8 &&
			    run->mmio.phys_addr - SLOT_GPA < SLOT_SIZE,
			    "unexpected MMIO %s of %u at 0x%llx",
			    run->mmio.is_write ? "write" : "read",
			    run->mmio.len, run->mmio.phys_addr);
		memcpy(run->mmio.data, &v, sizeof(v));
		WRITE_ONCE(r->mmio_exits, r->mmio_exits + 1);
	}
	return NULL;
}

static void fill(u64 *p, u64 v)
{
	unsigned long i;

	for (i = 0; i < SLOT_SIZE / sizeof(*p); i++)
		p[i] = v;
}

/* Let the guest run a little in each state. */
static void let_guest_run(struct reader *r)
{
	u64 start = READ_ONCE(r->syncs);

	while (READ_ONCE(r->syncs) - start < 2)
		usleep(200);
}

FIXTURE(memslot) {
	int unused;
};

FIXTURE_SETUP(memslot)
{
}

FIXTURE_TEARDOWN(memslot)
{
}

TEST_F_TIMEOUT(memslot, delete_move_while_reading, 240)
{
	struct reader r = { 0 };
	struct hv_region *reg;
	pthread_t thread;
	struct hv_vm *vm;
	u64 *mem;
	int i;

	HV_REQUIRE_GUEST(return);
	vm = hv_vm_create();
	mem = hv_vm_add_region(vm, HV_SLOT_TEST, SLOT_GPA, SLOT_SIZE, 0,
			       HV_BACKING_ANON);
	fill(mem, MAGIC);
	reg = hv_vm_region(vm, HV_SLOT_TEST);
	r.vcpu = hv_vcpu_add(vm, 0, guest_reader);
	ASSERT_EQ(0, pthread_create(&thread, NULL, reader_thread, &r));

	for (i = 0; i < CYCLES; i++) {
		let_guest_run(&r);
		ASSERT_EQ(0, __hv_vm_set_region(vm, HV_SLOT_TEST, 0, 0, 0,
						NULL));
		fill(mem, POISON);
		let_guest_run(&r);
		fill(mem, MAGIC);
		ASSERT_EQ(0, __hv_vm_set_region(vm, HV_SLOT_TEST, 0, SLOT_GPA,
						SLOT_SIZE, mem));
		let_guest_run(&r);
		hv_vm_move_region(vm, HV_SLOT_TEST, AWAY_GPA);
		fill(mem, POISON);
		let_guest_run(&r);
		fill(mem, MAGIC);
		hv_vm_move_region(vm, HV_SLOT_TEST, SLOT_GPA);
	}
	let_guest_run(&r);
	WRITE_ONCE(r.stop, true);
	ASSERT_EQ(0, pthread_join(thread, NULL));

	sync_global_from_guest(vm, guest_data_reads);
	TH_LOG("%d cycles: %llu MMIO exits, %llu data reads, %llu syncs",
	       CYCLES, r.mmio_exits, guest_data_reads, r.syncs);
	EXPECT_LT(0, r.mmio_exits);
	EXPECT_LT(0, guest_data_reads);
	EXPECT_EQ(SLOT_GPA, reg->mr.guest_phys_addr);
	hv_vm_free(vm);
}

int main(int argc, char **argv)
{
	hv_require_dev();
	return test_harness_run(argc, argv);
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * HV_EXIT_MMIO: guest reads and writes of 1, 2, 4 and 8 bytes to a guest
 * physical address no memory slot covers.  A write exits with its data;
 * a read exits, the host writes the value into run->mmio.data and the
 * next RUN completes the instruction with it, including the zero and
 * sign extension of MOVZX and MOVSX(D).
 */
#include "kselftest_harness.h"
#include "ucall.h"
#include "x86/processor.h"

#define MMIO	(HV_MMIO_GPA + 0x100)

struct mmio_op {
	u8 write;
	u8 len;
	u64 val;	/* written by the guest, or returned by the host */
};

static const struct mmio_op ops[] = {
	{ 1, 1, 0x5a },
	{ 1, 2, 0xbeef },
	{ 1, 4, 0xdeadbeef },
	{ 1, 8, 0x0123456789abcdefULL },
	{ 0, 1, 0xa5 },
	{ 0, 2, 0xcafe },
	{ 0, 4, 0x8badf00d },
	{ 0, 8, 0xfedcba9876543210ULL },
	{ 0, 1, 0x85 },		/* movzbl */
	{ 0, 2, 0x8001 },	/* movzwq */
	{ 0, 1, 0x85 },		/* movsbq */
	{ 0, 2, 0x8001 },	/* movswq */
	{ 0, 4, 0x80000001 },	/* movslq */
};

static void guest_mmio(void)
{
	u8 *b = (u8 *)MMIO;
	u16 *w = (u16 *)MMIO;
	u32 *l = (u32 *)MMIO;
	u64 *q = (u64 *)MMIO;
	u64 v;

	WRITE_ONCE(*b, 0x5a);
	WRITE_ONCE(*w, 0xbeef);
	WRITE_ONCE(*l, 0xdeadbeef);
	WRITE_ONCE(*q, 0x0123456789abcdefULL);
	GUEST_ASSERT_EQ(READ_ONCE(*b), 0xa5);
	GUEST_ASSERT_EQ(READ_ONCE(*w), 0xcafe);
	GUEST_ASSERT_EQ(READ_ONCE(*l), 0x8badf00d);
	GUEST_ASSERT_EQ(READ_ONCE(*q), 0xfedcba9876543210ULL);

	v = ~0ULL;
	asm volatile("movzbl (%1), %k0" : "+r"(v) : "r"(MMIO) : "memory");
	GUEST_ASSERT_EQ(v, 0x85);
	asm volatile("movzwq (%1), %0" : "=r"(v) : "r"(MMIO) : "memory");
	GUEST_ASSERT_EQ(v, 0x8001);
	asm volatile("movsbq (%1), %0" : "=r"(v) : "r"(MMIO) : "memory");
	GUEST_ASSERT_EQ(v, 0xffffffffffffff85ULL);
	asm volatile("movswq (%1), %0" : "=r"(v) : "r"(MMIO) : "memory");
	GUEST_ASSERT_EQ(v, 0xffffffffffff8001ULL);
	asm volatile("movslq (%1), %0" : "=r"(v) : "r"(MMIO) : "memory");
	GUEST_ASSERT_EQ(v, 0xffffffff80000001ULL);
	GUEST_DONE();
}

TEST(mmio_reads_and_writes)
{
	struct hv_vcpu *vcpu;
	struct hv_run *run;
	struct hv_vm *vm;
	unsigned int i;
	u64 data;

	HV_REQUIRE_GUEST(return);
	vm = hv_vm_create();
	vcpu = hv_vcpu_add(vm, 0, guest_mmio);
	run = vcpu->run;
	for (i = 0; i < HV_ARRAY_SIZE(ops); i++) {
		vcpu_run(vcpu);
		ASSERT_EQ(UCALL_NONE, get_ucall_ok(vcpu, &(struct ucall){}));
		vcpu_assert_exit(vcpu, HV_EXIT_MMIO);
		EXPECT_EQ(MMIO, run->mmio.phys_addr);
		EXPECT_EQ(ops[i].len, run->mmio.len);
		EXPECT_EQ(ops[i].write, run->mmio.is_write);
		if (ops[i].write) {
			data = 0;
			memcpy(&data, run->mmio.data, ops[i].len);
			EXPECT_EQ(ops[i].val, data);
		} else {
			memcpy(run->mmio.data, &ops[i].val, ops[i].len);
		}
	}
	vcpu_expect_ucall(vcpu, UCALL_DONE, NULL);
	hv_vm_free(vm);
}

/* The MMIO region is anywhere no slot is: next to a slot, too. */
static void guest_edge(void)
{
	u32 *last = (u32 *)(HV_TEST_GPA + HV_PAGE_SIZE - 4);
	u32 *next = (u32 *)(HV_TEST_GPA + HV_PAGE_SIZE);

	WRITE_ONCE(*last, 0x11111111);
	WRITE_ONCE(*next, 0x22222222);
	GUEST_ASSERT_EQ(READ_ONCE(*last), 0x11111111);
	GUEST_DONE();
}

TEST(mmio_next_to_slot)
{
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;
	u32 *page;

	HV_REQUIRE_GUEST(return);
	vm = hv_vm_create();
	page = hv_vm_add_region(vm, HV_SLOT_TEST, HV_TEST_GPA, HV_PAGE_SIZE,
				0, HV_BACKING_ANON);
	vcpu = hv_vcpu_add(vm, 0, guest_edge);
	vcpu_run(vcpu);
	vcpu_assert_exit(vcpu, HV_EXIT_MMIO);
	EXPECT_EQ(HV_TEST_GPA + HV_PAGE_SIZE, vcpu->run->mmio.phys_addr);
	EXPECT_EQ(1, vcpu->run->mmio.is_write);
	EXPECT_EQ(0x11111111, page[1023]);
	vcpu_expect_ucall(vcpu, UCALL_DONE, NULL);
	hv_vm_free(vm);
}

int main(int argc, char **argv)
{
	hv_require_dev();
	return test_harness_run(argc, argv);
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * HV_MEM_READONLY slots (HV_CAP_READONLY_MEM): the guest reads them and
 * executes code in them like any memory (a ROM), and sees the host's
 * later writes to the backing; every guest write exits as an MMIO write
 * with the written data, to the slot's address, and leaves memory as it
 * was.
 */
#include "kselftest_harness.h"
#include "ucall.h"
#include "x86/processor.h"

#define ROM_GPA		HV_TEST_GPA
#define ROM_SIZE	(16 * HV_PAGE_SIZE)
#define CODE_OFF	0x8000

/* Copied into the ROM: returns 0x5151 in EAX. */
asm(".pushsection .rodata\n"
	"rom_code: mov $0x5151, %eax\n"
	"	ret\n"
	"rom_code_end:\n"
	".popsection\n");

typedef u32 (*rom_fn_t)(void);

static void guest_rom(void)
{
	u8 *b = (u8 *)ROM_GPA;
	u16 *w = (u16 *)(ROM_GPA + 0x10);
	u32 *l = (u32 *)(ROM_GPA + 0x20);
	u64 *q = (u64 *)(ROM_GPA + HV_PAGE_SIZE);
	rom_fn_t fn = (rom_fn_t)(ROM_GPA + CODE_OFF);

	GUEST_ASSERT_EQ(READ_ONCE(*q), 0x1122334455667788ULL);
	GUEST_ASSERT_EQ(fn(), 0x5151);
	WRITE_ONCE(*b, 0xab);
	WRITE_ONCE(*w, 0xabcd);
	WRITE_ONCE(*l, 0xabcdef01);
	WRITE_ONCE(*q, 0x0f0e0d0c0b0a0908ULL);
	GUEST_ASSERT_EQ(READ_ONCE(*b), 0);
	GUEST_ASSERT_EQ(READ_ONCE(*q), 0x1122334455667788ULL);
	GUEST_SYNC(0);
	GUEST_ASSERT_EQ(READ_ONCE(*q), 0x99);
	GUEST_DONE();
}

TEST(readonly_slot)
{
	static const struct { u64 off; u32 len; u64 val; } writes[] = {
		{ 0, 1, 0xab },
		{ 0x10, 2, 0xabcd },
		{ 0x20, 4, 0xabcdef01 },
		{ HV_PAGE_SIZE, 8, 0x0f0e0d0c0b0a0908ULL },
	};
	struct hv_vcpu *vcpu;
	struct hv_run *run;
	struct hv_vm *vm;
	unsigned int i;
	char *rom;
	u64 data;

	HV_REQUIRE_GUEST(return, HV_CAP_READONLY_MEM);
	vm = hv_vm_create();
	rom = hv_vm_add_region(vm, HV_SLOT_TEST, ROM_GPA, ROM_SIZE,
			       HV_MEM_READONLY, HV_BACKING_ANON);
	*(u64 *)(rom + HV_PAGE_SIZE) = 0x1122334455667788ULL;
	memcpy(rom + CODE_OFF, (void *)ASM_ADDR(rom_code),
	       ASM_ADDR(rom_code_end) - ASM_ADDR(rom_code));
	vcpu = hv_vcpu_add(vm, 0, guest_rom);
	run = vcpu->run;

	for (i = 0; i < HV_ARRAY_SIZE(writes); i++) {
		vcpu_run(vcpu);
		ASSERT_EQ(UCALL_NONE, get_ucall_ok(vcpu, &(struct ucall){}));
		vcpu_assert_exit(vcpu, HV_EXIT_MMIO);
		EXPECT_EQ(1, run->mmio.is_write);
		EXPECT_EQ(ROM_GPA + writes[i].off, run->mmio.phys_addr);
		EXPECT_EQ(writes[i].len, run->mmio.len);
		data = 0;
		memcpy(&data, run->mmio.data, run->mmio.len);
		EXPECT_EQ(writes[i].val, data);
	}
	vcpu_expect_ucall(vcpu, UCALL_SYNC, NULL);
	EXPECT_EQ(0, rom[0]);
	EXPECT_EQ(0x1122334455667788ULL, *(u64 *)(rom + HV_PAGE_SIZE));

	/* The host writes through its mapping; the guest sees it. */
	*(u64 *)(rom + HV_PAGE_SIZE) = 0x99;
	vcpu_expect_ucall(vcpu, UCALL_DONE, NULL);
	hv_vm_free(vm);
}

int main(int argc, char **argv)
{
	hv_require_dev();
	return test_harness_run(argc, argv);
}

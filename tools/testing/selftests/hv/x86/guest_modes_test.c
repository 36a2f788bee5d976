// SPDX-License-Identifier: GPL-2.0-only
/*
 * Entering a guest in each x86 mode: the architectural reset state (real
 * mode at CS.base 0xffff0000, IP 0xfff0), real mode and 32-bit protected
 * mode set up through SET_SREGS with hand-placed code, and 64-bit mode
 * with the library's page tables running C code of this binary.  Also
 * proves the library's guest side: exceptions reach the host with their
 * vector, RIP and error code, handlers can resume the guest, assertions
 * carry file, line and values.
 */
#include "kselftest_harness.h"
#include "ucall.h"
#include "x86/processor.h"

#define TEST_PORT	0x80

/*
 * Hand-placed code, assembled here and copied into guest memory.  Each
 * blob is position independent and ends in hlt.
 */
asm(".pushsection .rodata\n"
	/* reset vector: out 0x5a, then hlt */
	"reset_code: .code16\n"
	"	mov $0x5a, %al\n"
	"	out %al, $0x80\n"
	"	hlt\n"
	"reset_code_end:\n"
	/* real mode: segmented store through ES, 16-bit out, hlt */
	"rmode_code: .code16\n"
	"	mov $0x2000, %ax\n"
	"	mov %ax, %es\n"
	"	movw $0xbeef, %es:0x10\n"
	"	mov %cs, %ax\n"
	"	out %ax, $0x80\n"
	"	hlt\n"
	"rmode_code_end:\n"
	/* protected mode: reload DS from the GDT, flat store above 1 MiB */
	"pmode_code: .code32\n"
	"	mov $0x10, %eax\n"
	"	mov %eax, %ds\n"
	"	movl $0xc0ffee11, 0x200000\n"
	"	mov %cr0, %eax\n"
	"	out %eax, $0x80\n"
	"	hlt\n"
	"pmode_code_end:\n"
	".code64\n"
	".popsection\n");

/* Copy the code between two labels of the asm above to @dst. */
static void place(void *dst, u64 start, u64 end)
{
	memcpy(dst, (void *)start, end - start);
}

#define PLACE(dst, label) place(dst, ASM_ADDR(label), ASM_ADDR(label##_end))

static void expect_out(struct __test_metadata *_metadata,
		       struct hv_vcpu *vcpu, u8 size, u32 value)
{
	u32 data = 0;

	vcpu_run(vcpu);
	vcpu_assert_exit(vcpu, HV_EXIT_IO);
	EXPECT_EQ(HV_EXIT_IO_OUT, vcpu->run->io.direction);
	EXPECT_EQ(TEST_PORT, vcpu->run->io.port);
	EXPECT_EQ(size, vcpu->run->io.size);
	EXPECT_EQ(1, vcpu->run->io.count);
	memcpy(&data, vcpu_io_data(vcpu), size);
	EXPECT_EQ(value, data);
}

TEST(reset_vector)
{
	struct hv_vcpu *vcpu;
	struct hv_sregs sregs;
	struct hv_regs regs;
	struct hv_vm *vm;
	char *top;

	HV_REQUIRE_GUEST(return);
	vm = hv_vm_create_bare();
	top = hv_vm_add_region(vm, HV_SLOT_TEST, 0xffff0000, 0x10000, 0,
			       HV_BACKING_ANON);
	PLACE(top + 0xfff0, reset_code);
	vcpu = hv_vcpu_create(vm, 0);

	vcpu_sregs_get(vcpu, &sregs);
	vcpu_regs_get(vcpu, &regs);
	EXPECT_EQ(0xf000, sregs.cs.selector);
	EXPECT_EQ(0xffff0000, sregs.cs.base);
	EXPECT_EQ(0xfff0, regs.rip);
	EXPECT_EQ(0, sregs.cr0 & X86_CR0_PE);
	EXPECT_EQ(X86_EFLAGS_FIXED, regs.rflags);

	expect_out(_metadata, vcpu, 1, 0x5a);
	vcpu_run(vcpu);
	vcpu_assert_exit(vcpu, HV_EXIT_HLT);
	vcpu_regs_get(vcpu, &regs);
	EXPECT_EQ(0xfff0 + ASM_ADDR(reset_code_end) - ASM_ADDR(reset_code),
		  regs.rip);
	hv_vm_free(vm);
}

TEST(real_mode)
{
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;
	char *low;

	HV_REQUIRE_GUEST(return);
	vm = hv_vm_create_bare();
	low = hv_vm_add_region(vm, HV_SLOT_TEST, 0, 0x100000, 0,
			       HV_BACKING_ANON);
	PLACE(low + 0x10000, rmode_code);
	vcpu = hv_vcpu_create(vm, 0);
	vcpu_setup_rmode(vcpu, 0x1000, 0, 0xfffe);

	expect_out(_metadata, vcpu, 2, 0x1000);
	vcpu_run(vcpu);
	vcpu_assert_exit(vcpu, HV_EXIT_HLT);
	EXPECT_EQ(0xbeef, *(u16 *)(low + 0x20010));
	hv_vm_free(vm);
}

TEST(protected_mode)
{
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;
	char *mem;

	HV_REQUIRE_GUEST(return);
	vm = hv_vm_create_bare();
	mem = hv_vm_add_region(vm, HV_SLOT_TEST, 0, 0x400000, 0,
			       HV_BACKING_ANON);
	PLACE(mem + 0x1000, pmode_code);
	vcpu = hv_vcpu_create(vm, 0);
	vcpu_setup_pmode(vcpu, 0x800, 0x1000, 0x8000);

	expect_out(_metadata, vcpu, 4, X86_CR0_PE | X86_CR0_ET | X86_CR0_NE);
	vcpu_run(vcpu);
	vcpu_assert_exit(vcpu, HV_EXIT_HLT);
	EXPECT_EQ(0xc0ffee11, *(u32 *)(mem + 0x200000));
	hv_vm_free(vm);
}

/* Long mode: C code, a global of the test, a page mapped above 4 GiB. */
#define HIGH_GVA	0x8000000000ULL
static u64 lm_global = 0x1234;

static void guest_long_mode(u64 arg)
{
	u64 *high = (u64 *)HIGH_GVA;
	u64 efer = rdmsr(MSR_EFER);

	GUEST_ASSERT(efer & EFER_LMA);
	GUEST_ASSERT_EQ(lm_global, 0x1234);
	GUEST_SYNC(arg);
	GUEST_ASSERT_EQ(READ_ONCE(*high), 0x5555aaaa);
	WRITE_ONCE(*high, arg * 2);
	lm_global = 0x4321;
	GUEST_DONE();
}

TEST(long_mode)
{
	struct hv_vcpu *vcpu;
	struct ucall uc;
	struct hv_vm *vm;
	u64 *page;

	HV_REQUIRE_GUEST(return);
	vm = hv_vm_create();
	page = hv_vm_add_region(vm, HV_SLOT_TEST, HV_TEST_GPA, HV_PAGE_SIZE,
				0, HV_BACKING_ANON);
	hv_virt_map(vm, HIGH_GVA, HV_TEST_GPA, HV_PAGE_SIZE);
	vcpu = hv_vcpu_add(vm, 0, guest_long_mode);
	vcpu_args_set(vcpu, 1, 0x77ULL);

	vcpu_expect_ucall(vcpu, UCALL_SYNC, &uc);
	EXPECT_EQ(0x77, uc.args[0]);
	*page = 0x5555aaaa;
	vcpu_expect_ucall(vcpu, UCALL_DONE, &uc);
	EXPECT_EQ(0xee, *page);
	sync_global_from_guest(vm, lm_global);
	EXPECT_EQ(0x4321, lm_global);
	hv_vm_free(vm);
}

static void guest_returns(void)
{
}

TEST(guest_return_is_done)
{
	struct hv_vm *vm;

	HV_REQUIRE_GUEST(return);
	vm = hv_vm_create();
	vcpu_expect_ucall(hv_vcpu_add(vm, 0, guest_returns), UCALL_DONE, NULL);
	hv_vm_free(vm);
}

static void guest_ud2(void)
{
	asm volatile("guest_ud2_insn: ud2");
}

static void guest_gp(void)
{
	asm volatile("mov %0, %%ds" : : "r"(0x1230));
}

static void guest_pf(void)
{
	READ_ONCE(*(u64 *)0x7000000000ULL);
}

static struct ucall run_unhandled(void (*code)(void))
{
	struct hv_vm *vm = hv_vm_create();
	struct hv_vcpu *vcpu = hv_vcpu_add(vm, 0, code);
	struct ucall uc;

	vcpu_run(vcpu);
	TEST_ASSERT(get_ucall(vcpu, &uc) == UCALL_UNHANDLED,
		    "expected an exception report, got ucall %llu", uc.cmd);
	hv_vm_free(vm);
	return uc;
}

TEST(exception_reported)
{
	struct ucall uc;

	HV_REQUIRE_GUEST(return);
	uc = run_unhandled(guest_ud2);
	EXPECT_EQ(UD_VECTOR, uc.args[0]);
	EXPECT_EQ(ASM_ADDR(guest_ud2_insn), uc.args[1]);

	uc = run_unhandled(guest_gp);
	EXPECT_EQ(GP_VECTOR, uc.args[0]);
	EXPECT_EQ(0x1230, uc.args[2]);

	uc = run_unhandled(guest_pf);
	EXPECT_EQ(PF_VECTOR, uc.args[0]);
	EXPECT_EQ(0, uc.args[2]);	/* not present, read, supervisor */
	EXPECT_EQ(0x7000000000ULL, uc.args[3]);
}

static void skip_ud2(struct hv_ex_regs *regs)
{
	regs->rip += 2;
	regs->rax = 0x600d;
}

static void guest_handled(void)
{
	u64 rax = 0;

	asm volatile("ud2" : "+a"(rax));
	GUEST_ASSERT_EQ(rax, 0x600d);
	GUEST_DONE();
}

TEST(exception_handler_resumes)
{
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;

	HV_REQUIRE_GUEST(return);
	vm = hv_vm_create();
	vm_install_exception_handler(vm, UD_VECTOR, skip_ud2);
	vcpu = hv_vcpu_add(vm, 0, guest_handled);
	vcpu_expect_ucall(vcpu, UCALL_DONE, NULL);
	hv_vm_free(vm);
}

static void guest_assert_fails(void)
{
	GUEST_ASSERT_EQ(3, 4);
}

TEST(guest_assert_reported)
{
	struct hv_vcpu *vcpu;
	struct ucall uc;
	struct hv_vm *vm;
	char msg[640];

	HV_REQUIRE_GUEST(return);
	vm = hv_vm_create();
	vcpu = hv_vcpu_add(vm, 0, guest_assert_fails);
	vcpu_run(vcpu);
	ASSERT_EQ(UCALL_ABORT, get_ucall(vcpu, &uc));
	EXPECT_STREQ(__FILE__, uc.file);
	EXPECT_EQ(3, uc.args[0]);
	EXPECT_EQ(4, uc.args[1]);
	ucall_describe(&uc, msg, sizeof(msg));
	TH_LOG("reported as: %s", msg);
	EXPECT_NE(NULL, strstr(msg, "(0x3 != 0x4)"));
	hv_vm_free(vm);
}

int main(int argc, char **argv)
{
	hv_require_dev();
	return test_harness_run(argc, argv);
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * vCPU FPU state through GET/SET_FPU: the guest's x87 and SSE state comes
 * back through GET_FPU, every field SET_FPU takes round-trips, and what
 * SET_FPU wrote reaches the guest.
 *
 * KVM's HV_GET/SET_FPU do not transfer MXCSR (GET reports 0, SET ignores
 * it), and SET_FPU changes only the legacy FXSAVE image of the guest's
 * XSAVE state: it reaches the guest only for components the XSAVE header
 * marks in use, i.e. that the guest has used.  The test stays within
 * that; hv may do better.
 */
#include "kselftest_harness.h"
#include "ucall.h"
#include "x86/processor.h"

/*
 * Use x87 and SSE (XMM7 all ones, FCW 0x27f), exit; then store what
 * SET_FPU gave the guest into fpu_seen, exit and halt.
 */
static u8 fpu_seen[16 * 16 + 8] __aligned(16);
const u16 guest_fcw = 0x27f;	/* read by the asm below */

asm(".text\n"
	"guest_fpu_code:\n"
	"	pcmpeqd %xmm7, %xmm7\n"
	"	fldcw guest_fcw(%rip)\n"
	"	outb %al, $0xe8\n"
	"	lea fpu_seen(%rip), %rax\n"
	"	movdqu %xmm0, 0x00(%rax); movdqu %xmm1, 0x10(%rax)\n"
	"	movdqu %xmm2, 0x20(%rax); movdqu %xmm3, 0x30(%rax)\n"
	"	movdqu %xmm4, 0x40(%rax); movdqu %xmm5, 0x50(%rax)\n"
	"	movdqu %xmm6, 0x60(%rax); movdqu %xmm7, 0x70(%rax)\n"
	"	movdqu %xmm8, 0x80(%rax); movdqu %xmm9, 0x90(%rax)\n"
	"	movdqu %xmm10, 0xa0(%rax); movdqu %xmm11, 0xb0(%rax)\n"
	"	movdqu %xmm12, 0xc0(%rax); movdqu %xmm13, 0xd0(%rax)\n"
	"	movdqu %xmm14, 0xe0(%rax); movdqu %xmm15, 0xf0(%rax)\n"
	"	fnstcw 0x100(%rax)\n"
	"	outb %al, $0xe8\n"
	"	hlt\n");

static void expect_fpu(struct __test_metadata *_metadata,
		       const struct hv_fpu *a, const struct hv_fpu *b)
{
	int i;

	for (i = 0; i < 8; i++)
		EXPECT_EQ(0, memcmp(a->fpr[i], b->fpr[i], 10));
	EXPECT_EQ(a->fcw, b->fcw);
	EXPECT_EQ(a->fsw, b->fsw);
	EXPECT_EQ(a->ftwx, b->ftwx);
	EXPECT_EQ(a->last_opcode, b->last_opcode);
	EXPECT_EQ(a->last_ip, b->last_ip);
	EXPECT_EQ(a->last_dp, b->last_dp);
	EXPECT_EQ(0, memcmp(a->xmm, b->xmm, sizeof(a->xmm)));
}

TEST(fpu_round_trip_and_guest)
{
	struct hv_fpu set, got;
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;
	int i, j;

	HV_REQUIRE_GUEST(return);
	vm = hv_vm_create();
	vcpu = hv_vcpu_add(vm, 0, (void *)ASM_ADDR(guest_fpu_code));

	/* The guest's own FPU state comes back through GET_FPU. */
	vcpu_run(vcpu);
	vcpu_assert_exit(vcpu, HV_EXIT_IO);
	vcpu_fpu_get(vcpu, &got);
	EXPECT_EQ(0x27f, got.fcw);
	for (j = 0; j < 16; j++)
		EXPECT_EQ(0xff, got.xmm[7][j]);
	TH_LOG("GET_FPU mxcsr 0x%x (the guest's is 0x1f80)", got.mxcsr);

	set = got;
	for (i = 0; i < 16; i++)
		for (j = 0; j < 16; j++)
			set.xmm[i][j] = i * 16 + j + 1;
	for (i = 0; i < 8; i++)
		for (j = 0; j < 10; j++)
			set.fpr[i][j] = 0x80 + i * 10 + j;
	set.fcw = 0xf7f;
	set.fsw = 0x3800;
	set.ftwx = 0x81;
	set.last_opcode = 0x1d9;
	set.last_ip = 0x12345678;
	set.last_dp = 0x9abcdef0;
	set.mxcsr = 0x7f80;
	vcpu_fpu_set(vcpu, &set);
	vcpu_fpu_get(vcpu, &got);
	expect_fpu(_metadata, &set, &got);
	EXPECT_TRUE(got.mxcsr == set.mxcsr || got.mxcsr == 0) {
		TH_LOG("GET_FPU mxcsr 0x%x after SET_FPU 0x%x", got.mxcsr,
		       set.mxcsr);
	}

	/* ... and what SET_FPU wrote reaches the guest. */
	vcpu_run(vcpu);
	vcpu_assert_exit(vcpu, HV_EXIT_IO);
	sync_global_from_guest(vm, fpu_seen);
	EXPECT_EQ(0, memcmp(set.xmm, fpu_seen, sizeof(set.xmm)));
	EXPECT_EQ(0xf7f, *(u16 *)&fpu_seen[0x100]);
	hv_vm_free(vm);
}

int main(int argc, char **argv)
{
	hv_require_dev();
	return test_harness_run(argc, argv);
}

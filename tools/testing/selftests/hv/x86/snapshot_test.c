// SPDX-License-Identifier: GPL-2.0-only
/*
 * Save a running guest and restore it into a new VM, as a VMM does to
 * snapshot or migrate it.  The guest loads distinctive values into its
 * general registers, x87 and SSE registers (and the YMM registers when
 * its CPUID and the host have AVX), writes memory, sets MSRs and stops in
 * a GUEST_SYNC with all of that live.  The host saves everything (REGS,
 * SREGS and SREGS2, FPU, XSAVE(2), XCRS, DEBUGREGS, VCPU_EVENTS, MP_STATE,
 * CPUID2, every MSR of the index list, guest memory), restores into a
 * new VM in the order of KVM's state_test, frees the old VM, checks that
 * every GET gives back what was saved, and the guest goes on to check
 * its registers, memory and MSRs itself.  Two rounds, with a save and
 * restore at each of the four syncs: a restored guest is saved again,
 * once restored with SET_SREGS2 and once with SET_SREGS.
 */
#include <stddef.h>

#include "kselftest_harness.h"
#include "ucall.h"
#include "x86/state.h"

#define XCR0_AVX	(XFEATURE_MASK_FP | XFEATURE_MASK_SSE | XFEATURE_MASK_YMM)
#define MEM_GPA		HV_TEST_GPA
#define MEM_PAGES	64		/* pages of it the guest writes */
#define ROUNDS		2

/* What guest_regs_sync() loads and stores; offsets are used in its asm. */
struct guest_regs {
	u64 gpr[15];		/* RAX RBX RCX RDX RSI RDI RBP R8-R15: 0 */
	u8 st[8][10];		/* x87 ST0-ST7: 120 */
	u16 fcw;		/* 200 */
	u16 pad;
	u32 mxcsr;		/* 204 */
	u8 ymm[16][32];		/* 208; XMM is the low half */
};

static_assert(offsetof(struct guest_regs, st) == 120, "st");
static_assert(offsetof(struct guest_regs, fcw) == 200, "fcw");
static_assert(offsetof(struct guest_regs, mxcsr) == 204, "mxcsr");
static_assert(offsetof(struct guest_regs, ymm) == 208, "ymm");

static struct guest_regs regs_in, regs_out;
static struct ucall sync_uc;	/* the GUEST_SYNC guest_regs_sync() makes */
static u64 guest_data[512];

/* The assembler repeats @insn for each register number \r of @regs. */
#define FOR_REGS(regs, insn)	".irp r," regs "\n" insn "\n.endr\n"
#define REGS_0_15		"0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15"

/*
 * guest_regs_sync(in, out, avx): load every register from @in (YMM with
 * @avx, else XMM), make the ucall in->gpr[0] (EAX) points at through
 * port in->gpr[3] (DX), then store every register into @out.
 */
asm(".text\n"
	"guest_regs_sync:\n"
	"push %rbx\n push %rbp\n push %r12\n push %r13\n push %r14\n"
	"push %r15\n push %rsi\n push %rdx\n"
	"fninit\n fldcw 200(%rdi)\n"
	FOR_REGS("7,6,5,4,3,2,1,0", "fldt \\r*10+120(%rdi)")
	"ldmxcsr 204(%rdi)\n"
	"test %rdx, %rdx\n jz 1f\n"
	FOR_REGS(REGS_0_15, "vmovdqu \\r*32+208(%rdi), %ymm\\r")
	"jmp 2f\n"
	"1:\n"
	FOR_REGS(REGS_0_15, "movdqu \\r*32+208(%rdi), %xmm\\r")
	"2:\n"
	"mov 0(%rdi), %rax\n mov 8(%rdi), %rbx\n mov 16(%rdi), %rcx\n"
	"mov 24(%rdi), %rdx\n mov 32(%rdi), %rsi\n mov 48(%rdi), %rbp\n"
	"mov 56(%rdi), %r8\n mov 64(%rdi), %r9\n mov 72(%rdi), %r10\n"
	"mov 80(%rdi), %r11\n mov 88(%rdi), %r12\n mov 96(%rdi), %r13\n"
	"mov 104(%rdi), %r14\n mov 112(%rdi), %r15\n mov 40(%rdi), %rdi\n"
	"outl %eax, %dx\n"
	/* Stack: the guest's RDI, @avx, @out. */
	"push %rdi\n mov 16(%rsp), %rdi\n"
	"mov %rax, 0(%rdi)\n mov %rbx, 8(%rdi)\n mov %rcx, 16(%rdi)\n"
	"mov %rdx, 24(%rdi)\n mov %rsi, 32(%rdi)\n mov %rbp, 48(%rdi)\n"
	"mov %r8, 56(%rdi)\n mov %r9, 64(%rdi)\n mov %r10, 72(%rdi)\n"
	"mov %r11, 80(%rdi)\n mov %r12, 88(%rdi)\n mov %r13, 96(%rdi)\n"
	"mov %r14, 104(%rdi)\n mov %r15, 112(%rdi)\n"
	"pop %rax\n mov %rax, 40(%rdi)\n"
	FOR_REGS("0,1,2,3,4,5,6,7", "fstpt \\r*10+120(%rdi)")
	"fnstcw 200(%rdi)\n stmxcsr 204(%rdi)\n"
	"pop %rdx\n test %rdx, %rdx\n jz 3f\n"
	FOR_REGS(REGS_0_15, "vmovdqu %ymm\\r, \\r*32+208(%rdi)")
	"vzeroupper\n jmp 4f\n"
	"3:\n"
	FOR_REGS(REGS_0_15, "movdqu %xmm\\r, \\r*32+208(%rdi)")
	"4:\n"
	"pop %rsi\n pop %r15\n pop %r14\n pop %r13\n pop %r12\n pop %rbp\n"
	"pop %rbx\n ret\n");

void guest_regs_sync(struct guest_regs *in, struct guest_regs *out, u64 avx);

/* Round @r's register values, also computed by the host. */
static void make_regs(struct guest_regs *g, u64 r)
{
	int i, j;

	for (i = 0; i < 15; i++)
		g->gpr[i] = 0x0123456789abcdefULL * (i + 1) + (r << 56);
	/* EAX: the ucall's address; DX: the ucall port. */
	g->gpr[0] = (g->gpr[0] & ~0xffffffffULL) | (u32)(u64)&sync_uc;
	g->gpr[3] = (g->gpr[3] & ~0xffffULL) | HV_UCALL_PORT;
	for (i = 0; i < 8; i++) {
		u64 mant = 0x8000000000000000ULL |
			   (0x0f1e2d3c4b5a6978ULL * (i + r));
		u16 exp = 0x3ffc + i + (r << 15);	/* sign: the round */

		memcpy(g->st[i], &mant, 8);
		memcpy(&g->st[i][8], &exp, 2);
	}
	g->fcw = r == 1 ? 0x0f7f : 0x0b7f;	/* rounding, precision */
	g->mxcsr = r == 1 ? 0x7f80 : 0xbf80;	/* rounding, FTZ */
	for (i = 0; i < 16; i++)
		for (j = 0; j < 32; j++)
			g->ymm[i][j] = (i * 32 + j) ^ (r * 0x5a);
}

static u64 mem_value(u64 page, u64 r)
{
	return 0x5eed000000000000ULL | r << 40 | page;
}

static const u32 guest_msrs[] = { MSR_STAR, MSR_LSTAR, MSR_CSTAR,
	MSR_SYSCALL_MASK, MSR_KERNEL_GS_BASE, MSR_IA32_SYSENTER_CS,
	MSR_IA32_SYSENTER_ESP, MSR_IA32_SYSENTER_EIP };

static u64 msr_value(unsigned int i, u64 r)
{
	switch (guest_msrs[i]) {
	case MSR_STAR:
		return 0x0023001000000000ULL + r;
	case MSR_SYSCALL_MASK:
	case MSR_IA32_SYSENTER_CS:
		return 0x4700 + 0x10 * r;
	case MSR_IA32_SYSENTER_ESP:
	case MSR_IA32_SYSENTER_EIP:
		/*
		 * 32 bits: AMD CPUs keep no more, nor does KVM for a guest
		 * with AMD's vendor string (svm_set_msr()).
		 */
		return 0x81000000 + 0x100000 * i + 0x1000 * r;
	default:
		return 0xffffffff81000000ULL + 0x100000 * i + 0x1000 * r;
	}
}

static void guest_code(u64 avx)
{
	volatile u64 *mem = (volatile u64 *)MEM_GPA;
	unsigned int i;
	u64 r;

	for (r = 1; r <= ROUNDS; r++) {
		for (i = 0; i < MEM_PAGES; i++)
			mem[i * 512 + i] = mem_value(i, r);
		for (i = 0; i < HV_ARRAY_SIZE(guest_data); i++)
			guest_data[i] = mem_value(i, r) ^ ~0ULL;
		for (i = 0; i < HV_ARRAY_SIZE(guest_msrs); i++)
			wrmsr(guest_msrs[i], msr_value(i, r));
		make_regs(&regs_in, r);
		sync_uc = (struct ucall){ .cmd = UCALL_SYNC,
					  .args = { 2 * r - 1 } };

		guest_regs_sync(&regs_in, &regs_out, avx);

		for (i = 0; i < 15; i++)
			GUEST_ASSERT_EQ(regs_out.gpr[i], regs_in.gpr[i]);
		for (i = 0; i < 8; i++) {
			GUEST_ASSERT_EQ(*(u64 *)regs_out.st[i],
					*(u64 *)regs_in.st[i]);
			GUEST_ASSERT_EQ(*(u16 *)&regs_out.st[i][8],
					*(u16 *)&regs_in.st[i][8]);
		}
		GUEST_ASSERT_EQ(regs_out.fcw, regs_in.fcw);
		GUEST_ASSERT_EQ(regs_out.mxcsr, regs_in.mxcsr);
		for (i = 0; i < 16 * 4; i++)
			if (avx || i % 4 < 2)	/* XMM: the low half */
				GUEST_ASSERT_EQ(((u64 *)regs_out.ymm)[i],
						((u64 *)regs_in.ymm)[i]);
		for (i = 0; i < MEM_PAGES; i++)
			GUEST_ASSERT_EQ(mem[i * 512 + i], mem_value(i, r));
		for (i = 0; i < HV_ARRAY_SIZE(guest_data); i++)
			GUEST_ASSERT_EQ(guest_data[i], mem_value(i, r) ^ ~0ULL);
		for (i = 0; i < HV_ARRAY_SIZE(guest_msrs); i++)
			GUEST_ASSERT_EQ(rdmsr(guest_msrs[i]), msr_value(i, r));
		if (avx)
			GUEST_ASSERT_EQ(xgetbv(0), XCR0_AVX);
		GUEST_SYNC(2 * r);
	}
	GUEST_DONE();
}

/*
 * Save @vcpu and its VM, restore them into a new VM and vCPU, free the
 * old ones.  The old VM goes only after the restore, so that the number
 * of VMs does not drop to 0 in between: KVM (and hv) then toggle the
 * preempt-notifier static key, whose int3 text patching has soft-locked
 * the x86-svm test host (QEMU TCG).  Nothing of the old VM is used.
 */
static void save_restore(struct __test_metadata *_metadata,
			 struct hv_vm **vm, struct hv_vcpu **vcpu,
			 bool use_sregs2)
{
	struct hv_x86_state *saved, *now;
	struct hv_vm_memory *mem;
	struct hv_vm *old = *vm;

	saved = vcpu_save_state(*vcpu);
	saved->use_sregs2 = use_sregs2;
	mem = hv_vm_save_memory(old);

	*vm = hv_vm_create_from_memory(mem);
	hv_vm_memory_free(mem);
	*vcpu = hv_vcpu_create(*vm, 0);
	vcpu_load_state(*vcpu, saved);
	hv_vm_free(old);
	/* What a VMM reads back after a restore is what it saved. */
	now = vcpu_read_state(*vcpu);
	EXPECT_EQ(0, hv_x86_state_diff(saved, now));
	hv_x86_state_free(now);
	hv_x86_state_free(saved);
}

/*
 * Give the guest AVX if its CPUID and the host have it: CR4.OSXSAVE and
 * XCR0 from the host.  (Not XSETBV in the guest: QEMU's TCG does not
 * implement the SVM XSETBV intercept, so in the x86-svm test host neither
 * KVM nor hv would know the guest's XCR0, and would load their own at
 * the next entry.)
 */
static bool setup_avx(struct hv_vcpu *vcpu)
{
	struct hv_cpuid2 *c = vcpu_get_cpuid(vcpu);
	struct hv_cpuid_entry2 *e1 = hv_cpuid_find(c, 1, 0);
	struct hv_cpuid_entry2 *ed = hv_cpuid_find(c, 0xd, 0);
	struct hv_xcrs xcrs = { .nr_xcrs = 1 };
	struct hv_sregs sregs;
	u32 a, b, ecx, d;
	bool avx;

	avx = e1 && ed && (e1->ecx & CPUID_1_ECX_XSAVE) &&
	      (e1->ecx & CPUID_1_ECX_AVX) && (ed->eax & XCR0_AVX) == XCR0_AVX;
	free(c);
	hv_cpuid(1, 0, &a, &b, &ecx, &d);
	if (!avx || !(ecx & CPUID_1_ECX_OSXSAVE) ||
	    (xgetbv(0) & XCR0_AVX) != XCR0_AVX)
		return false;
	vcpu_sregs_get(vcpu, &sregs);
	sregs.cr4 |= X86_CR4_OSXSAVE;
	vcpu_sregs_set(vcpu, &sregs);
	xcrs.xcrs[0].value = XCR0_AVX;
	vcpu_ioctl(vcpu, HV_SET_XCRS, &xcrs);
	return true;
}

TEST(save_restore_in_new_vm)
{
	const struct hv_debugregs dbg = {
		.db = { 0x1000, 0x7fff0008, 0xffffffff81000000ULL, 0x4000 },
		.dr6 = 0xffff0ff0,
		.dr7 = 0x400,		/* no breakpoint enabled */
	};
	struct guest_regs want;
	struct hv_vcpu *vcpu;
	struct hv_regs regs;
	struct ucall uc;
	struct hv_vm *vm;
	u64 stage;
	bool avx;

	HV_REQUIRE_GUEST(return, HV_CAP_EXT_CPUID, HV_CAP_IMMEDIATE_EXIT,
			 HV_CAP_XSAVE, HV_CAP_XCRS, HV_CAP_DEBUGREGS,
			 HV_CAP_VCPU_EVENTS, HV_CAP_MP_STATE, HV_CAP_SREGS2);
	vm = hv_vm_create();
	hv_vm_add_region(vm, HV_SLOT_TEST, MEM_GPA, HV_2M, 0, HV_BACKING_ANON);
	vcpu = hv_vcpu_create(vm, 0);
	vcpu_set_cpuid_supported(vcpu);
	vcpu_setup_lmode(vcpu, guest_code);
	avx = setup_avx(vcpu);
	TH_LOG("guest registers: GPRs, x87 and %s", avx ? "YMM" : "XMM");
	vcpu_args_set(vcpu, 1, (u64)avx);
	vcpu_ioctl(vcpu, HV_SET_DEBUGREGS, &dbg);

	for (stage = 1; stage <= 2 * ROUNDS; stage++) {
		vcpu_expect_ucall(vcpu, UCALL_SYNC, &uc);
		ASSERT_EQ(stage, uc.args[0]);
		if (stage % 2) {
			/* The guest's own register values are live here. */
			make_regs(&want, (stage + 1) / 2);
			vcpu_regs_get(vcpu, &regs);
			EXPECT_EQ(want.gpr[1], regs.rbx);
			EXPECT_EQ(want.gpr[14], regs.r15);
		}
		/* Restore with SET_SREGS2 at odd stages, SET_SREGS else. */
		save_restore(_metadata, &vm, &vcpu, stage % 2);
	}
	vcpu_expect_ucall(vcpu, UCALL_DONE, NULL);
	hv_vm_free(vm);
}

int main(int argc, char **argv)
{
	hv_require_dev();
	return test_harness_run(argc, argv);
}

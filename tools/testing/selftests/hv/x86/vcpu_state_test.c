// SPDX-License-Identifier: GPL-2.0-only
/*
 * vCPU register state through GET/SET_REGS and GET/SET_SREGS: values
 * round-trip unchanged, reach the guest, and the guest's changes come
 * back.  SET_SREGS refuses, with EINVAL and without
 * changing anything, what KVM's kvm_is_valid_sregs() refuses: long mode
 * without PAE or LMA, LMA or CS.L outside long mode, CR0.PG without PE,
 * CR0.NW without CD, CR0 bits 63:32, reserved CR4 bits and a long-mode CR3
 * beyond MAXPHYADDR; once HV_SET_CPUID2 has run, also CR4 bits for
 * features that CPUID does not have (CR4.OSXSAVE without XSAVE).
 */
#include "kselftest_harness.h"
#include "ucall.h"
#include "x86/processor.h"

#define PORT	0xe8

/* Report every GPR unchanged, then complemented; then hlt. */
asm(".text\n"
	"guest_regs_code:\n"
	"	outb %al, $0xe8\n"
	"	not %rax; not %rbx; not %rcx; not %rdx\n"
	"	not %rsi; not %rdi; not %rbp\n"
	"	not %r8; not %r9; not %r10; not %r11\n"
	"	not %r12; not %r13; not %r14; not %r15\n"
	"	outb %al, $0xe8\n"
	"	hlt\n");

#define NR_GPRS 15
static __u64 *gprs(struct hv_regs *r, int i)
{
	__u64 *p[NR_GPRS] = {
		&r->rax, &r->rbx, &r->rcx, &r->rdx, &r->rsi, &r->rdi, &r->rbp,
		&r->r8, &r->r9, &r->r10, &r->r11, &r->r12, &r->r13, &r->r14,
		&r->r15,
	};

	return p[i];
}

TEST(regs_round_trip_and_guest)
{
	struct hv_regs set, got;
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;
	int i;

	HV_REQUIRE_GUEST(return);
	vm = hv_vm_create();
	vcpu = hv_vcpu_add(vm, 0, (void *)ASM_ADDR(guest_regs_code));
	vcpu_regs_get(vcpu, &set);
	for (i = 0; i < NR_GPRS; i++)
		*gprs(&set, i) = 0x0101010101010101ULL * (i + 1) + 0xf0;
	set.rflags = X86_EFLAGS_FIXED | X86_EFLAGS_CF | X86_EFLAGS_ZF |
		     X86_EFLAGS_SF;
	vcpu_regs_set(vcpu, &set);
	vcpu_regs_get(vcpu, &got);
	EXPECT_EQ(0, memcmp(&set, &got, sizeof(set)));

	vcpu_run(vcpu);
	vcpu_assert_exit(vcpu, HV_EXIT_IO);
	vcpu_regs_get(vcpu, &got);
	EXPECT_EQ(0, memcmp(&set, &got, sizeof(set)));
	vcpu_run(vcpu);
	vcpu_assert_exit(vcpu, HV_EXIT_IO);
	vcpu_regs_get(vcpu, &got);
	for (i = 0; i < NR_GPRS; i++)
		EXPECT_EQ(~*gprs(&set, i), *gprs(&got, i));
	EXPECT_EQ(set.rsp, got.rsp);
	hv_vm_free(vm);
}

static void expect_seg(struct __test_metadata *_metadata,
		       const struct hv_segment *a, const struct hv_segment *b)
{
	EXPECT_EQ(a->base, b->base);
	EXPECT_EQ(a->limit, b->limit);
	EXPECT_EQ(a->selector, b->selector);
	EXPECT_EQ(a->type, b->type);
	EXPECT_EQ(a->present, b->present);
	EXPECT_EQ(a->dpl, b->dpl);
	EXPECT_EQ(a->db, b->db);
	EXPECT_EQ(a->s, b->s);
	EXPECT_EQ(a->l, b->l);
	EXPECT_EQ(a->g, b->g);
}

static void expect_sregs(struct __test_metadata *_metadata,
			 const struct hv_sregs *a, const struct hv_sregs *b)
{
	expect_seg(_metadata, &a->cs, &b->cs);
	expect_seg(_metadata, &a->ds, &b->ds);
	expect_seg(_metadata, &a->es, &b->es);
	expect_seg(_metadata, &a->fs, &b->fs);
	expect_seg(_metadata, &a->gs, &b->gs);
	expect_seg(_metadata, &a->ss, &b->ss);
	expect_seg(_metadata, &a->tr, &b->tr);
	EXPECT_EQ(a->ldt.present, b->ldt.present);
	EXPECT_EQ(a->gdt.base, b->gdt.base);
	EXPECT_EQ(a->gdt.limit, b->gdt.limit);
	EXPECT_EQ(a->idt.base, b->idt.base);
	EXPECT_EQ(a->idt.limit, b->idt.limit);
	EXPECT_EQ(a->cr0, b->cr0);
	EXPECT_EQ(a->cr2, b->cr2);
	EXPECT_EQ(a->cr3, b->cr3);
	EXPECT_EQ(a->cr4, b->cr4);
	EXPECT_EQ(a->cr8, b->cr8);
	EXPECT_EQ(a->efer, b->efer);
	EXPECT_EQ(a->apic_base, b->apic_base);
}

static void guest_sregs(void)
{
	u64 cr2, cr8;

	asm volatile("mov %%cr2, %0" : "=r"(cr2));
	asm volatile("mov %%cr8, %0" : "=r"(cr8));
	GUEST_ASSERT_EQ(cr2, 0x1234000);
	GUEST_ASSERT_EQ(cr8, 5);
	GUEST_ASSERT_EQ(rdmsr(MSR_EFER), EFER_LME | EFER_LMA | EFER_SCE);
	GUEST_ASSERT_EQ(rdmsr(MSR_FS_BASE), 0xfeed000);
	asm volatile("mov %0, %%cr2" : : "r"(0x5678000ULL));
	GUEST_DONE();
}

TEST(sregs_round_trip_and_guest)
{
	struct hv_sregs set, got;
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;

	HV_REQUIRE_GUEST(return);
	vm = hv_vm_create();
	vcpu = hv_vcpu_add(vm, 0, guest_sregs);
	vcpu_sregs_get(vcpu, &set);
	set.cr2 = 0x1234000;
	set.cr8 = 5;
	set.efer |= EFER_SCE;
	set.fs.base = 0xfeed000;
	set.gs.base = 0xbeef000;
	set.fs.selector = 0;
	set.idt.limit = 32 * 16 - 1;
	vcpu_sregs_set(vcpu, &set);
	vcpu_sregs_get(vcpu, &got);
	expect_sregs(_metadata, &set, &got);

	/*
	 * Without an in-kernel local APIC, run->cr8 is the TPR: RUN loads
	 * it into CR8 and every exit reports CR8 there (QEMU's userspace
	 * APIC relies on it).
	 */
	vcpu->run->cr8 = 5;
	vcpu_expect_ucall(vcpu, UCALL_DONE, NULL);
	EXPECT_EQ(5, vcpu->run->cr8);
	vcpu_sregs_get(vcpu, &got);
	EXPECT_EQ(0x5678000, got.cr2);
	set.cr2 = got.cr2;
	expect_sregs(_metadata, &set, &got);
	hv_vm_free(vm);
}

struct bad_sregs {
	const char *what;
	u64 cr0_set, cr0_clear, cr4_set, cr4_clear, efer_set, efer_clear;
	u64 cr3;
	int cs_l;	/* 1: set CS.L */
	bool lmode;	/* start from long mode, else 32-bit protected */
};

static const struct bad_sregs bad[] = {
	{ "LME+PG without PAE", .cr4_clear = X86_CR4_PAE, .lmode = true },
	{ "LME+PG without LMA", .efer_clear = EFER_LMA, .lmode = true },
	{ "LMA without PG", .cr0_clear = X86_CR0_PG, .cs_l = -1,
	  .lmode = true },
	{ "LMA without LME", .efer_set = EFER_LMA },
	{ "CS.L outside long mode", .cs_l = 1 },
	{ "CR0.PG without PE", .cr0_set = X86_CR0_PG,
	  .cr0_clear = X86_CR0_PE },
	{ "CR0.NW without CD", .cr0_set = X86_CR0_NW,
	  .cr0_clear = X86_CR0_CD },
	{ "CR0 bit 32", .cr0_set = 1ULL << 32 },
	{ "CR4 bit 32", .cr4_set = 1ULL << 32, .lmode = true },
	{ "CR3 beyond MAXPHYADDR", .cr3 = 1ULL << 62, .lmode = true },
};

TEST(set_sregs_rejects_illegal)
{
	struct hv_sregs base, s, after;
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;
	unsigned int i;

	HV_REQUIRE_GUEST(return);
	vm = hv_vm_create();
	vcpu = hv_vcpu_add(vm, 0, guest_sregs);
	for (i = 0; i < HV_ARRAY_SIZE(bad); i++) {
		const struct bad_sregs *b = &bad[i];

		if (b->lmode)
			vcpu_setup_lmode(vcpu, guest_sregs);
		else
			vcpu_setup_pmode(vcpu, HV_SYS_GPA + HV_SYS_SIZE - 64,
					 0x1000, 0x2000);
		vcpu_sregs_get(vcpu, &base);
		s = base;
		s.cr0 = (s.cr0 | b->cr0_set) & ~b->cr0_clear;
		s.cr4 = (s.cr4 | b->cr4_set) & ~b->cr4_clear;
		s.efer = (s.efer | b->efer_set) & ~b->efer_clear;
		if (b->cr3)
			s.cr3 = b->cr3;
		if (b->cs_l)
			s.cs.l = b->cs_l > 0;
		EXPECT_EQ(-EINVAL, __vcpu_ioctl(vcpu, HV_SET_SREGS, &s)) {
			TH_LOG("SET_SREGS accepted %s", b->what);
		}
		vcpu_sregs_get(vcpu, &after);
		expect_sregs(_metadata, &base, &after);
	}
	hv_vm_free(vm);
}

/* CR4 bits follow the guest's CPUID once it is set. */
TEST(cr4_follows_cpuid)
{
	struct hv_cpuid2 *cpuid;
	struct hv_vcpu *vcpu;
	struct hv_sregs sregs;
	struct hv_vm *vm;
	unsigned int i;

	HV_REQUIRE_GUEST(return, HV_CAP_EXT_CPUID);
	cpuid = calloc(1, sizeof(*cpuid) + 256 * sizeof(cpuid->entries[0]));
	ASSERT_NE(NULL, cpuid);
	cpuid->nent = 256;
	ASSERT_EQ(0, hv_sys_ioctl(HV_GET_SUPPORTED_CPUID, (unsigned long)cpuid));
	for (i = 0; i < cpuid->nent; i++)
		if (cpuid->entries[i].function == 1)
			break;
	ASSERT_GT(cpuid->nent, i);
	if (!(cpuid->entries[i].ecx & (1u << 26)))
		SKIP(return, "no XSAVE in the supported CPUID");

	vm = hv_vm_create();
	vcpu = hv_vcpu_add(vm, 0, guest_sregs);
	cpuid->entries[i].ecx &= ~(1u << 26 | 1u << 27);	/* XSAVE, OSXSAVE */
	vcpu_ioctl(vcpu, HV_SET_CPUID2, cpuid);
	vcpu_sregs_get(vcpu, &sregs);
	sregs.cr4 |= X86_CR4_OSXSAVE;
	EXPECT_EQ(-EINVAL, __vcpu_ioctl(vcpu, HV_SET_SREGS, &sregs));

	cpuid->entries[i].ecx |= 1u << 26;
	vcpu_ioctl(vcpu, HV_SET_CPUID2, cpuid);
	EXPECT_EQ(0, __vcpu_ioctl(vcpu, HV_SET_SREGS, &sregs));
	free(cpuid);
	hv_vm_free(vm);
}

int main(int argc, char **argv)
{
	hv_require_dev();
	return test_harness_run(argc, argv);
}

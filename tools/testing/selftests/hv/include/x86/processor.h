/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * x86 part of the hv selftest library: CPU definitions, guest-side
 * instruction helpers, exception handling and vCPU mode setup.
 */
#ifndef _HV_X86_PROCESSOR_H
#define _HV_X86_PROCESSOR_H

#include <asm/processor-flags.h>

#include "hv_util.h"

#define EFER_SCE		BIT_ULL(0)
#define EFER_LME		BIT_ULL(8)
#define EFER_LMA		BIT_ULL(10)
#define EFER_NX			BIT_ULL(11)

#define MSR_IA32_TSC		0x00000010
#define MSR_IA32_APICBASE	0x0000001b
#define MSR_IA32_SYSENTER_CS	0x00000174
#define MSR_IA32_SYSENTER_ESP	0x00000175
#define MSR_IA32_SYSENTER_EIP	0x00000176
#define MSR_EFER		0xc0000080
#define MSR_STAR		0xc0000081
#define MSR_LSTAR		0xc0000082
#define MSR_CSTAR		0xc0000083
#define MSR_SYSCALL_MASK	0xc0000084
#define MSR_FS_BASE		0xc0000100
#define MSR_GS_BASE		0xc0000101
#define MSR_KERNEL_GS_BASE	0xc0000102
#define MSR_TSC_AUX		0xc0000103

/* CPUID feature bits */
#define CPUID_1_ECX_XSAVE	BIT(26)
#define CPUID_1_ECX_OSXSAVE	BIT(27)
#define CPUID_1_ECX_AVX		BIT(28)
#define CPUID_1_EDX_APIC	BIT(9)
#define CPUID_7_ECX_OSPKE	BIT(4)
#define CPUID_D1_EAX_XSAVEC	BIT(1)
#define CPUID_D1_EAX_XSAVES	BIT(3)

/* XCR0 bits (XSAVE state components) */
#define XFEATURE_MASK_FP	BIT_ULL(0)
#define XFEATURE_MASK_SSE	BIT_ULL(1)
#define XFEATURE_MASK_YMM	BIT_ULL(2)

/* Exception vectors */
#define DE_VECTOR		0
#define DB_VECTOR		1
#define BP_VECTOR		3
#define UD_VECTOR		6
#define DF_VECTOR		8
#define GP_VECTOR		13
#define PF_VECTOR		14
#define HV_NR_VECTORS		256

/* Selectors of the GDT of a guest VM */
#define HV_SEL_CODE64		0x08
#define HV_SEL_DATA		0x10
#define HV_SEL_CODE32		0x18
#define HV_SEL_TSS(i)		(0x20 + 16 * (i))

/* Selectors of the flat GDT vcpu_setup_pmode() writes */
#define HV_PM_SEL_CODE		0x08
#define HV_PM_SEL_DATA		0x10

/* lib/x86/handlers.S: the IDT's entry points, 16 bytes per vector */
extern const char hv_ex_stubs[];
#define HV_EX_STUB_SIZE		16

/*
 * The address of @label, defined in top-level asm of the same file (hand
 * placed guest code, or a label inside a guest function's inline asm).
 */
#define ASM_ADDR(label)							\
	({								\
		u64 __addr;						\
		asm("lea " #label "(%%rip), %0" : "=r"(__addr));	\
		__addr;							\
	})

/* The frame an exception handler receives (lib/x86/handlers.S). */
struct hv_ex_regs {
	u64 rax, rbx, rcx, rdx, rsi, rdi, rbp;
	u64 r8, r9, r10, r11, r12, r13, r14, r15;
	u64 vector;
	u64 error_code;
	u64 rip, cs, rflags, rsp, ss;	/* pushed by the CPU */
};

typedef void (*hv_ex_handler_t)(struct hv_ex_regs *regs);

/*
 * Route guest exception @vector to @handler (NULL: report it to the host
 * as UCALL_UNHANDLED with vector, RIP, error code and CR2).  A handler
 * may change regs->rip to resume elsewhere.  Any vector works, NMI and
 * external interrupts too, except that the stubs of vectors 8, 10-14,
 * 17, 21, 29 and 30 expect the error code the CPU pushes for those
 * exceptions: inject interrupts at other vectors.
 */
void vm_install_exception_handler(struct hv_vm *vm, unsigned int vector,
				  hv_ex_handler_t handler);

/* Map 4 KiB pages GVA -> GPA (outside the 4 GiB identity map). */
void hv_virt_map(struct hv_vm *vm, u64 gva, u64 gpa, u64 size);

/* The long-mode state hv_vcpu_add() gives a vCPU, reusable by tests. */
void vcpu_setup_lmode(struct hv_vcpu *vcpu, void *guest_code);
void hv_sregs_lmode(struct hv_vm *vm, struct hv_vcpu *vcpu,
		    struct hv_sregs *sregs);

/*
 * Hand-placed code: start @vcpu in real mode at @cs:@ip (all data
 * segments = @cs, SP = @sp), or in 32-bit protected mode (no paging) at
 * @eip with ESP = @esp and a flat GDT written at @gdt_gpa (which must be
 * backed): code HV_PM_SEL_CODE, data HV_PM_SEL_DATA, base 0, limit 4 GiB.
 */
void vcpu_setup_rmode(struct hv_vcpu *vcpu, u16 cs, u16 ip, u16 sp);
void vcpu_setup_pmode(struct hv_vcpu *vcpu, u64 gdt_gpa, u32 eip, u32 esp);

/* Guest-side instruction helpers */
static inline void outb(u16 port, u8 v)
{
	asm volatile("out %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outw(u16 port, u16 v)
{
	asm volatile("out %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(u16 port, u32 v)
{
	asm volatile("out %0, %1" : : "a"(v), "Nd"(port));
}

static inline u8 inb(u16 port)
{
	u8 v;

	asm volatile("in %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline u16 inw(u16 port)
{
	u16 v;

	asm volatile("in %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline u32 inl(u16 port)
{
	u32 v;

	asm volatile("in %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline u64 rdmsr(u32 msr)
{
	u32 lo, hi;

	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return lo | ((u64)hi << 32);
}

static inline void wrmsr(u32 msr, u64 v)
{
	asm volatile("wrmsr" : : "c"(msr), "a"((u32)v), "d"((u32)(v >> 32))
		     : "memory");
}

static inline u64 xgetbv(u32 index)
{
	u32 lo, hi;

	asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(index));
	return lo | ((u64)hi << 32);
}

static inline void xsetbv(u32 index, u64 v)
{
	asm volatile("xsetbv" : : "c"(index), "a"((u32)v),
		     "d"((u32)(v >> 32)) : "memory");
}

static inline u64 rdtsc(void)
{
	u32 lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return lo | ((u64)hi << 32);
}

static inline u64 read_cr2(void)
{
	u64 v;

	asm volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}

static inline u64 read_cr4(void)
{
	u64 v;

	asm volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static inline void write_cr4(u64 v)
{
	asm volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}

static inline void hv_cpuid(u32 leaf, u32 sub, u32 *a, u32 *b, u32 *c,
			    u32 *d)
{
	asm volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d)
		     : "a"(leaf), "c"(sub));
}

static inline void hlt(void)
{
	asm volatile("hlt" : : : "memory");
}

static inline void cli(void)
{
	asm volatile("cli" : : : "memory");
}

/* Interrupts are taken only after the next instruction (STI shadow). */
static inline void sti(void)
{
	asm volatile("sti" : : : "memory");
}

static inline u64 read_rflags(void)
{
	u64 v;

	asm volatile("pushfq; popq %0" : "=r"(v));
	return v;
}

static inline u64 read_cr8(void)
{
	u64 v;

	asm volatile("mov %%cr8, %0" : "=r"(v));
	return v;
}

static inline void write_cr8(u64 v)
{
	asm volatile("mov %0, %%cr8" : : "r"(v) : "memory");
}

#endif /* _HV_X86_PROCESSOR_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The world switch: VMLAUNCH/VMRESUME with the guest's general-purpose
 * registers.
 *
 * VM entry loads and VM exit saves RSP, RIP and RFLAGS through the VMCS
 * (SDM 26.3.2.3, 27.3.3); every other GPR is live across the switch, so it
 * is loaded from and stored to the vCPU's register array here.  A VM exit
 * continues at vmx_vmexit (the VMCS's host RIP) with the stack pointer
 * written to the host RSP field just before the entry, where the register
 * array's address waits.  The rest of the host state is the caller's
 * business (vmx_vcpu.c).
 *
 * Called with interrupts disabled.
 *
 * After the exit, before any RET, the return stack buffer is refilled as
 * the kernel chose for VM exits (the guest may have trained it).  Before
 * the entry, CPU buffers are cleared where the kernel asks for it (MDS and
 * relatives, X86_FEATURE_CLEAR_CPU_BUF_VM).  SPEC_CTRL needs no switch:
 * the guest cannot write it (its MSR exits), so the host's value stays.
 *
 * Returns 0 after a VM exit, 1 if the instruction failed (VMfail: the
 * VM-instruction error field says why), 2 if it faulted because VMX was
 * turned off under us (emergency disable on reboot or crash).
 */
#include <linux/linkage.h>
#include <asm/asm.h>
#include <asm/ibt.h>
#include <asm/nospec-branch.h>
#include <asm/unwind_hints.h>

/* Offsets in the register array, by architectural register number. */
#define REG_RAX		(0 * 8)
#define REG_RCX		(1 * 8)
#define REG_RDX		(2 * 8)
#define REG_RBX		(3 * 8)
#define REG_RBP		(5 * 8)
#define REG_RSI		(6 * 8)
#define REG_RDI		(7 * 8)
#define REG_R8		(8 * 8)
#define REG_R9		(9 * 8)
#define REG_R10		(10 * 8)
#define REG_R11		(11 * 8)
#define REG_R12		(12 * 8)
#define REG_R13		(13 * 8)
#define REG_R14		(14 * 8)
#define REG_R15		(15 * 8)

/* SDM B.4.4: the host RSP field. */
#define VMCS_HOST_RSP	0x6c14

	.text
/*
 * int __vmx_vcpu_run(unsigned long *regs, bool launched)
 */
SYM_FUNC_START(__vmx_vcpu_run)
	push	%rbp
	mov	%rsp, %rbp
	push	%r15
	push	%r14
	push	%r13
	push	%r12
	push	%rbx
	/* The register array, found here again after the exit. */
	push	%rdi

	/* The exit comes back with this stack pointer. */
	mov	$VMCS_HOST_RSP, %eax
1:	vmwrite	%rsp, %rax

	/* CF = launched: VMRESUME, else VMLAUNCH.  MOV keeps the flags. */
	bt	$0, %esi

	mov	REG_RAX(%rdi), %rax
	mov	REG_RCX(%rdi), %rcx
	mov	REG_RDX(%rdi), %rdx
	mov	REG_RBX(%rdi), %rbx
	mov	REG_RBP(%rdi), %rbp
	mov	REG_RSI(%rdi), %rsi
	mov	REG_R8(%rdi), %r8
	mov	REG_R9(%rdi), %r9
	mov	REG_R10(%rdi), %r10
	mov	REG_R11(%rdi), %r11
	mov	REG_R12(%rdi), %r12
	mov	REG_R13(%rdi), %r13
	mov	REG_R14(%rdi), %r14
	mov	REG_R15(%rdi), %r15
	mov	REG_RDI(%rdi), %rdi

	/* VERW changes only ZF. */
	VM_CLEAR_CPU_BUFFERS

	jnc	.Lvmlaunch
	UNWIND_HINT_SAVE
2:	vmresume
	jmp	.Lvmfail
.Lvmlaunch:
3:	vmlaunch
	jmp	.Lvmfail

SYM_INNER_LABEL(vmx_vmexit, SYM_L_GLOBAL)
	UNWIND_HINT_RESTORE
	ENDBR
	/* Stack: the register array. */
	push	%rdi
	mov	8(%rsp), %rdi
	mov	%rax, REG_RAX(%rdi)
	mov	%rcx, REG_RCX(%rdi)
	mov	%rdx, REG_RDX(%rdi)
	mov	%rbx, REG_RBX(%rdi)
	mov	%rbp, REG_RBP(%rdi)
	mov	%rsi, REG_RSI(%rdi)
	mov	%r8, REG_R8(%rdi)
	mov	%r9, REG_R9(%rdi)
	mov	%r10, REG_R10(%rdi)
	mov	%r11, REG_R11(%rdi)
	mov	%r12, REG_R12(%rdi)
	mov	%r13, REG_R13(%rdi)
	mov	%r14, REG_R14(%rdi)
	mov	%r15, REG_R15(%rdi)
	pop	REG_RDI(%rdi)
	xor	%ebx, %ebx

.Lout:
	/* No RET or CALL before the RSB holds only host entries. */
	FILL_RETURN_BUFFER %rax, RSB_CLEAR_LOOPS, X86_FEATURE_RSB_VMEXIT, \
			   X86_FEATURE_RSB_VMEXIT_LITE
	mov	%ebx, %eax
	/* Leave no guest value in a register the host does not restore. */
	xor	%ecx, %ecx
	xor	%edx, %edx
	xor	%esi, %esi
	xor	%edi, %edi
	xor	%r8d, %r8d
	xor	%r9d, %r9d
	xor	%r10d, %r10d
	xor	%r11d, %r11d

	add	$8, %rsp
	pop	%rbx
	pop	%r12
	pop	%r13
	pop	%r14
	pop	%r15
	pop	%rbp
	RET

.Lvmfail:
	/* VMfailValid or VMfailInvalid: the guest never ran. */
	mov	$1, %ebx
	jmp	.Lout

.Lfault:
	/* VMX instructions #UD outside VMX operation. */
	mov	$2, %ebx
	jmp	.Lout

	_ASM_EXTABLE(1b, .Lfault)
	_ASM_EXTABLE(2b, .Lfault)
	_ASM_EXTABLE(3b, .Lfault)
SYM_FUNC_END(__vmx_vcpu_run)

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The world switch: VMRUN with the guest's general-purpose registers.
 *
 * VMRUN loads and #VMEXIT saves only RAX, RSP, RIP and RFLAGS of the guest
 * (APM 15.5); every other GPR is live across the switch, so it is loaded
 * from and stored to the vCPU's register array here.  VMLOAD/VMSAVE swap
 * the state VMRUN leaves alone (FS, GS, TR, LDTR with their hidden parts,
 * KernelGsBase, STAR/LSTAR/CSTAR/SFMASK, SYSENTER_*; APM 15.5.2): the
 * host's goes to and comes back from a per-CPU save area.
 *
 * Called with GIF=0 and interrupts disabled.
 *
 * After the exit, before any RET, the host's speculation defences are
 * restored the way the kernel chose them: the return stack buffer is
 * refilled (the guest may have poisoned it), return predictions are
 * untrained against RETBleed, and an IBPB is issued where the kernel
 * asked for one on VM exit (SRSO).  SPEC_CTRL needs no switch: the guest
 * cannot write it (its MSR exits), so the host's value stays in force.
 */
#include <linux/linkage.h>
#include <asm/asm.h>
#include <asm/nospec-branch.h>

/* Offsets in the register array, by architectural register number. */
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

	.text
/*
 * void __svm_vmrun(unsigned long *regs, u64 vmcb_pa, u64 host_save_pa)
 */
SYM_FUNC_START(__svm_vmrun)
	push	%rbp
	mov	%rsp, %rbp
	push	%r15
	push	%r14
	push	%r13
	push	%r12
	push	%rbx
	/* Kept on the stack across the switch: regs, vmcb_pa, host_save_pa. */
	push	%rdi
	push	%rsi
	push	%rdx

	/* Host FS/GS/TR/LDTR and syscall MSRs to the host save area. */
	mov	%rdx, %rax
1:	vmsave	%rax
	/* The guest's counterparts from its VMCB. */
	mov	%rsi, %rax
2:	vmload	%rax

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

	/* RAX = VMCB physical address, restored to it by #VMEXIT. */
3:	vmrun	%rax
4:
	/* Stack: host_save_pa, vmcb_pa, regs. */
	push	%rdi
	mov	3 * 8(%rsp), %rdi
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

	/* Guest FS/GS/... back to its VMCB, the host's back in place. */
	mov	1 * 8(%rsp), %rax
5:	vmsave	%rax
	mov	(%rsp), %rax
6:	vmload	%rax
7:
#ifdef CONFIG_RETPOLINE
	FILL_RETURN_BUFFER %rax, RSB_CLEAR_LOOPS, X86_FEATURE_RETPOLINE
#endif
	UNTRAIN_RET
	ALTERNATIVE "", "call entry_ibpb", X86_FEATURE_IBPB_ON_VMEXIT
	/* Leave no guest value in a register the host does not restore. */
	xor	%ecx, %ecx
	xor	%edx, %edx
	xor	%esi, %esi
	xor	%edi, %edi
	xor	%r8d, %r8d
	xor	%r9d, %r9d
	xor	%r10d, %r10d
	xor	%r11d, %r11d

	add	$3 * 8, %rsp
	pop	%rbx
	pop	%r12
	pop	%r13
	pop	%r14
	pop	%r15
	pop	%rbp
	RET

	/*
	 * SVM instructions #GP only when SVM is off, i.e. after an emergency
	 * disable on reboot or crash: carry on, the caller sees the exit
	 * code it preset and stops the VM.
	 */
	_ASM_EXTABLE(1b, 2b)
	_ASM_EXTABLE(2b, 3b)
	_ASM_EXTABLE(3b, 4b)
	_ASM_EXTABLE(5b, 6b)
	_ASM_EXTABLE(6b, 7b)
SYM_FUNC_END(__svm_vmrun)

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest exception entry of the hv selftests.  Every IDT vector has a
 * 16-byte stub at hv_ex_stubs + 16 * vector that pushes a zero error code
 * (when the CPU pushes none) and the vector, then saves the general
 * registers into a struct hv_ex_regs (include/x86/processor.h) and calls
 * hv_guest_exception().  All gates use IST1, a stack of their own.
 */

	.text
	.balign 16
	.globl hv_ex_stubs
hv_ex_stubs:
	vec = 0
	.rept 256
	/* "moving .org backwards" if a stub outgrew 16 bytes */
	.org hv_ex_stubs + vec * 16, 0xcc
	/* Vectors for which the CPU pushes an error code. */
	.if !(vec == 8 || (vec >= 10 && vec <= 14) || vec == 17 || \
	      vec == 21 || vec == 29 || vec == 30)
	pushq $0
	.endif
	pushq $vec
	jmp hv_ex_common
	vec = vec + 1
	.endr

/*
 * Stack on entry: vector, error code, RIP, CS, RFLAGS, RSP, SS.  The CPU
 * aligned RSP to 16 bytes before its pushes, so 15 saved registers keep
 * the call below ABI-aligned.
 */
hv_ex_common:
	subq $(15 * 8), %rsp
	movq %rax, 0x00(%rsp)
	movq %rbx, 0x08(%rsp)
	movq %rcx, 0x10(%rsp)
	movq %rdx, 0x18(%rsp)
	movq %rsi, 0x20(%rsp)
	movq %rdi, 0x28(%rsp)
	movq %rbp, 0x30(%rsp)
	movq %r8, 0x38(%rsp)
	movq %r9, 0x40(%rsp)
	movq %r10, 0x48(%rsp)
	movq %r11, 0x50(%rsp)
	movq %r12, 0x58(%rsp)
	movq %r13, 0x60(%rsp)
	movq %r14, 0x68(%rsp)
	movq %r15, 0x70(%rsp)
	cld
	movq %rsp, %rdi
	call hv_guest_exception
	movq 0x00(%rsp), %rax
	movq 0x08(%rsp), %rbx
	movq 0x10(%rsp), %rcx
	movq 0x18(%rsp), %rdx
	movq 0x20(%rsp), %rsi
	movq 0x28(%rsp), %rdi
	movq 0x30(%rsp), %rbp
	movq 0x38(%rsp), %r8
	movq 0x40(%rsp), %r9
	movq 0x48(%rsp), %r10
	movq 0x50(%rsp), %r11
	movq 0x58(%rsp), %r12
	movq 0x60(%rsp), %r13
	movq 0x68(%rsp), %r14
	movq 0x70(%rsp), %r15
	/* Drop the saved registers, the vector and the error code. */
	addq $(17 * 8), %rsp
	iretq

	.section .note.GNU-stack, "", @progbits

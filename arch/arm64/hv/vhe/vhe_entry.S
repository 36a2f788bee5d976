/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hv-arm64: entering a guest at EL1 and coming back (Arm ARM D1.10,
 * "Exception entry"; D1.11, "Exception return").
 *
 * Called with interrupts masked, HCR_EL2, VTTBR_EL2 and the guest's EL1
 * system registers already loaded.  Saves the host's callee-saved
 * registers, SP_EL0 (the kernel's "current") and VBAR_EL2 on the stack,
 * installs __vhe_vectors, loads the guest's FP/SIMD and general-purpose
 * registers and ERETs.  Any exception from the guest lands in
 * __vhe_vectors with SP_EL2 still pointing at that frame; the exit path
 * saves the guest's registers and returns the VHE_EXIT_* code.
 */
#include <linux/linkage.h>
#include <asm/assembler.h>

#include "vhe.h"

#define FRAME_SIZE	128
#define FRAME_SP_EL0	96
#define FRAME_VBAR	104
#define FRAME_CORE	112
#define FRAME_X18	120	/* the shadow call stack, where there is one */

	.text

/* int __vhe_guest_run(struct hv_regs *core) */
SYM_FUNC_START(__vhe_guest_run)
	sub	sp, sp, #FRAME_SIZE
	stp	x19, x20, [sp, #0]
	stp	x21, x22, [sp, #16]
	stp	x23, x24, [sp, #32]
	stp	x25, x26, [sp, #48]
	stp	x27, x28, [sp, #64]
	stp	x29, x30, [sp, #80]
	mrs	x2, sp_el0
	mrs	x3, vbar_el2
	stp	x2, x3, [sp, #FRAME_SP_EL0]
	str	x0, [sp, #FRAME_CORE]
	str	x18, [sp, #FRAME_X18]

	adr_l	x2, __vhe_vectors
	msr	vbar_el2, x2

	/* FP/SIMD: the caller did kernel_neon_begin(), the registers are ours. */
	add	x2, x0, #VHE_CORE_FP
	ldp	q0, q1, [x2, #0]
	ldp	q2, q3, [x2, #32]
	ldp	q4, q5, [x2, #64]
	ldp	q6, q7, [x2, #96]
	ldp	q8, q9, [x2, #128]
	ldp	q10, q11, [x2, #160]
	ldp	q12, q13, [x2, #192]
	ldp	q14, q15, [x2, #224]
	ldp	q16, q17, [x2, #256]
	ldp	q18, q19, [x2, #288]
	ldp	q20, q21, [x2, #320]
	ldp	q22, q23, [x2, #352]
	ldp	q24, q25, [x2, #384]
	ldp	q26, q27, [x2, #416]
	ldp	q28, q29, [x2, #448]
	ldp	q30, q31, [x2, #480]
	ldr	w3, [x2, #VHE_FP_FPSR]
	ldr	w4, [x2, #VHE_FP_FPSR + 4]
	msr	fpsr, x3
	msr	fpcr, x4

	ldr	x2, [x0, #VHE_CORE_SP]
	msr	sp_el0, x2
	ldr	x2, [x0, #VHE_CORE_SP_EL1]
	msr	sp_el1, x2
	ldp	x2, x3, [x0, #VHE_CORE_PC]
	msr	elr_el2, x2
	msr	spsr_el2, x3
	isb

	ldp	x2, x3, [x0, #16]
	ldp	x4, x5, [x0, #32]
	ldp	x6, x7, [x0, #48]
	ldp	x8, x9, [x0, #64]
	ldp	x10, x11, [x0, #80]
	ldp	x12, x13, [x0, #96]
	ldp	x14, x15, [x0, #112]
	ldp	x16, x17, [x0, #128]
	ldp	x18, x19, [x0, #144]
	ldp	x20, x21, [x0, #160]
	ldp	x22, x23, [x0, #176]
	ldp	x24, x25, [x0, #192]
	ldp	x26, x27, [x0, #208]
	ldp	x28, x29, [x0, #224]
	ldr	x30, [x0, #240]
	ldp	x0, x1, [x0, #0]
	eret
	/* Never reached: no speculation past the ERET. */
	dsb	nsh
	isb
SYM_FUNC_END(__vhe_guest_run)

/*
 * x0: VHE_EXIT_*, the guest's x0 and x1 pushed on the stack, below the
 * frame of __vhe_guest_run.
 */
SYM_CODE_START_LOCAL(__vhe_guest_exit)
	ldr	x1, [sp, #16 + FRAME_CORE]
	stp	x2, x3, [x1, #16]
	stp	x4, x5, [x1, #32]
	stp	x6, x7, [x1, #48]
	stp	x8, x9, [x1, #64]
	stp	x10, x11, [x1, #80]
	stp	x12, x13, [x1, #96]
	stp	x14, x15, [x1, #112]
	stp	x16, x17, [x1, #128]
	stp	x18, x19, [x1, #144]
	stp	x20, x21, [x1, #160]
	stp	x22, x23, [x1, #176]
	stp	x24, x25, [x1, #192]
	stp	x26, x27, [x1, #208]
	stp	x28, x29, [x1, #224]
	str	x30, [x1, #240]
	ldp	x2, x3, [sp], #16
	stp	x2, x3, [x1, #0]

	mrs	x2, elr_el2
	mrs	x3, spsr_el2
	stp	x2, x3, [x1, #VHE_CORE_PC]
	mrs	x2, sp_el0
	str	x2, [x1, #VHE_CORE_SP]
	mrs	x2, sp_el1
	str	x2, [x1, #VHE_CORE_SP_EL1]

	add	x2, x1, #VHE_CORE_FP
	stp	q0, q1, [x2, #0]
	stp	q2, q3, [x2, #32]
	stp	q4, q5, [x2, #64]
	stp	q6, q7, [x2, #96]
	stp	q8, q9, [x2, #128]
	stp	q10, q11, [x2, #160]
	stp	q12, q13, [x2, #192]
	stp	q14, q15, [x2, #224]
	stp	q16, q17, [x2, #256]
	stp	q18, q19, [x2, #288]
	stp	q20, q21, [x2, #320]
	stp	q22, q23, [x2, #352]
	stp	q24, q25, [x2, #384]
	stp	q26, q27, [x2, #416]
	stp	q28, q29, [x2, #448]
	stp	q30, q31, [x2, #480]
	mrs	x3, fpsr
	mrs	x4, fpcr
	str	w3, [x2, #VHE_FP_FPSR]
	str	w4, [x2, #VHE_FP_FPSR + 4]

	/* Back to the host: its "current", its vectors, its registers. */
	ldp	x2, x3, [sp, #FRAME_SP_EL0]
	msr	sp_el0, x2
	msr	vbar_el2, x3
	isb
	ldp	x19, x20, [sp, #0]
	ldp	x21, x22, [sp, #16]
	ldp	x23, x24, [sp, #32]
	ldp	x25, x26, [sp, #48]
	ldp	x27, x28, [sp, #64]
	ldp	x29, x30, [sp, #80]
	ldr	x18, [sp, #FRAME_X18]
	add	sp, sp, #FRAME_SIZE
	ret
SYM_CODE_END(__vhe_guest_exit)

	.macro	vhe_exit_vector code
	.align	7
	stp	x0, x1, [sp, #-16]!
	mov	x0, #\code
	b	__vhe_guest_exit
	.endm

	/*
	 * An exception taken from EL2 itself while these vectors are in
	 * place is a bug in the few instructions around the ERET, with
	 * interrupts masked: stop this CPU where a debugger can see it.
	 */
	.macro	vhe_invalid_vector
	.align	7
1:	wfe
	b	1b
	.endm

	.align	11
SYM_CODE_START(__vhe_vectors)
	vhe_invalid_vector		/* current EL, SP_EL0: sync */
	vhe_invalid_vector		/* IRQ */
	vhe_invalid_vector		/* FIQ */
	vhe_invalid_vector		/* SError */
	vhe_invalid_vector		/* current EL, SP_ELx: sync */
	vhe_invalid_vector		/* IRQ */
	vhe_invalid_vector		/* FIQ */
	vhe_invalid_vector		/* SError */
	vhe_exit_vector VHE_EXIT_SYNC	/* lower EL, AArch64 */
	vhe_exit_vector VHE_EXIT_IRQ
	vhe_exit_vector VHE_EXIT_FIQ
	vhe_exit_vector VHE_EXIT_SERROR
	vhe_exit_vector VHE_EXIT_AARCH32	/* lower EL, AArch32 */
	vhe_exit_vector VHE_EXIT_AARCH32
	vhe_exit_vector VHE_EXIT_AARCH32
	vhe_exit_vector VHE_EXIT_AARCH32
SYM_CODE_END(__vhe_vectors)

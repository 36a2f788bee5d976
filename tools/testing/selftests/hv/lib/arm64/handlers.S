/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest exception entry of the hv selftests on arm64: VBAR_EL1 points at
 * hv_vectors, 16 entries of 128 bytes (Arm ARM D1.10.2).  Each saves x0
 * and x1, puts its index in x0 and branches to hv_ex_common, which saves
 * the rest into a struct hv_ex_regs (include/arm64/processor.h) on the
 * current stack, calls hv_guest_exception() and returns with ERET.
 */

#define FRAME		288	/* 36 * 8: x0-x30, sp, elr, spsr, vector */
#define OFF_SP		248
#define OFF_ELR		256
#define OFF_VECTOR	272

	.text
	.balign 2048
	.globl hv_vectors
hv_vectors:
	vec = 0
	.rept 16
	.balign 128
	sub	sp, sp, #FRAME
	stp	x0, x1, [sp, #0]
	mov	x0, #vec
	b	hv_ex_common
	vec = vec + 1
	.endr

hv_ex_common:
	str	x0, [sp, #OFF_VECTOR]
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x19, [sp, #144]
	stp	x20, x21, [sp, #160]
	stp	x22, x23, [sp, #176]
	stp	x24, x25, [sp, #192]
	stp	x26, x27, [sp, #208]
	stp	x28, x29, [sp, #224]
	add	x1, sp, #FRAME
	stp	x30, x1, [sp, #240]
	mrs	x1, elr_el1
	mrs	x2, spsr_el1
	stp	x1, x2, [sp, #OFF_ELR]
	mov	x0, sp
	bl	hv_guest_exception
	ldp	x1, x2, [sp, #OFF_ELR]
	msr	elr_el1, x1
	msr	spsr_el1, x2
	ldp	x0, x1, [sp, #0]
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x19, [sp, #144]
	ldp	x20, x21, [sp, #160]
	ldp	x22, x23, [sp, #176]
	ldp	x24, x25, [sp, #192]
	ldp	x26, x27, [sp, #208]
	ldp	x28, x29, [sp, #224]
	ldr	x30, [sp, #240]
	add	sp, sp, #FRAME
	eret

	.section .note.GNU-stack, "", @progbits

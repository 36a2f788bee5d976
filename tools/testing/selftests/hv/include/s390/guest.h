/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * s390 guest library of the hv selftests: guest code is plain C in the
 * test binary, run by SIE with DAT off at the addresses it was linked at.
 *
 * A VM gets two memory slots, both made of 1 MiB segments as s390 wants:
 *   S390_SLOT_LOWCORE  guest 0 .. 1 MiB, anonymous memory: the guest's
 *                      lowcore (prefix 0) with its new PSWs;
 *   S390_SLOT_IMAGE    the test binary's own image (text, data, bss:
 *                      static non-PIE, linked at 16 MiB), mapped at guest
 *                      address == host address.  Guest and host share its
 *                      data: a global the guest writes is the host's.
 * The guest runs in 64-bit addressing mode, supervisor state, interrupts
 * off, on a stack in the image (s390_vcpu_call()).  A guest function's
 * return, and ucalls, are DIAGNOSE 0x501 with the ucall's address in a
 * register: the host sees HV_EXIT_S390_SIEIC, interception code 4, IPA
 * 0x83xx and IPB 0x05010000, as KVM's own s390 selftests use.
 *
 * The device is $HV_DEV (default /dev/hv); the same tests drive Linux's
 * kvm.ko with HV_DEV=/dev/kvm.  The process needs page tables with
 * PGSTEs: run it with /proc/sys/vm/allocate_pgste set to 1.
 */
#ifndef _HV_S390_GUEST_H
#define _HV_S390_GUEST_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/hv.h>

#include "hv_test_util.h"

#define S390_SEG		(1UL << 20)
#define S390_SLOT_LOWCORE	0
#define S390_SLOT_IMAGE		1
#define S390_SLOT_TEST		2

/* PSW bits (POP 4-4): 64-bit addressing, problem state, wait */
#define S390_PSW_MASK_EA	0x0000000100000000ULL
#define S390_PSW_MASK_BA	0x0000000080000000ULL
#define S390_PSW_MASK_64	(S390_PSW_MASK_EA | S390_PSW_MASK_BA)
#define S390_PSW_MASK_WAIT	0x0002000000000000ULL
#define S390_PSW_MASK_PSTATE	0x0001000000000000ULL
/* CR0 bit 45: AFP-register control, lets the guest use all 16 FPRs */
#define S390_CR0_AFP		(1ULL << (63 - 45))

/* Lowcore offsets (POP 3-49): program new PSW, interruption code. */
#define S390_LC_PGM_OLD_PSW	0x150
#define S390_LC_PGM_NEW_PSW	0x1d0
#define S390_LC_PGM_CODE	0x8e
#define S390_LC_DXC		0x90

/* SIE interception codes, as in hv_run.s390_sieic.icptcode */
#define S390_ICPT_INST		0x04
#define S390_ICPT_WAIT		0x1c

enum {
	S390_UCALL_NONE,
	S390_UCALL_SYNC,	/* args[0] */
	S390_UCALL_DONE,	/* the guest function returned args[0] */
	S390_UCALL_ABORT,	/* guest assertion: text, line, args */
	S390_UCALL_PGM,		/* program interruption: code, old PSW, DXC */
};

struct s390_ucall {
	uint64_t cmd;
	uint64_t args[4];
	const char *text;
	uint64_t line;
};

struct s390_vm {
	int dev;
	int fd;
	void *lowcore;		/* host address of guest 0 */
	uint64_t image_start;	/* guest == host address */
	uint64_t image_size;
};

struct s390_vcpu {
	struct s390_vm *vm;
	int fd;
	struct hv_run *run;
	size_t run_size;
};

/* Guest side: call from guest code only. */
void s390_guest_ucall(uint64_t cmd, uint64_t a0, uint64_t a1, uint64_t a2,
		      uint64_t a3);
#define S390_GUEST_SYNC(x)	s390_guest_ucall(S390_UCALL_SYNC, (uint64_t)(x), 0, 0, 0)
#define S390_GUEST_ASSERT_EQ(a, b)					\
	do {								\
		uint64_t __a = (uint64_t)(a), __b = (uint64_t)(b);	\
		if (__a != __b)						\
			s390_guest_abort(#a " == " #b, __LINE__, __a, __b); \
	} while (0)
void s390_guest_abort(const char *text, uint64_t line, uint64_t a,
		      uint64_t b);

/* Host side.  Every function fails the test (exit KSFT_FAIL) on errors. */
int s390_open_dev(void);		/* -1 with errno if absent */
struct s390_vm *s390_vm_create(void);
void s390_vm_free(struct s390_vm *vm);
/* CREATE_VCPU, mmap the run structure, then an initial CPU reset. */
struct s390_vcpu *s390_vcpu_create(struct s390_vm *vm, uint32_t id);
void s390_vcpu_free(struct s390_vcpu *vcpu);
/* Point the vCPU at fn(arg) on the guest stack; its return ends the call. */
void s390_vcpu_call(struct s390_vcpu *vcpu, void *fn, uint64_t arg);
/* HV_RUN; -errno on failure. */
int s390_vcpu_run(struct s390_vcpu *vcpu);
/* The ucall behind the last exit, or S390_UCALL_NONE. */
uint64_t s390_get_ucall(struct s390_vcpu *vcpu, struct s390_ucall *uc);
/*
 * Run until a ucall; a guest assertion, a program interruption or an
 * exit that is no ucall fails the test with the details.
 */
uint64_t s390_run_ucall(struct s390_vcpu *vcpu, struct s390_ucall *uc);
void s390_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 3, 4)));
#define S390_ASSERT(cond, fmt, ...)					\
	do {								\
		if (!(cond))						\
			s390_fail(__FILE__, __LINE__, "%s: " fmt, #cond, \
				  ##__VA_ARGS__);			\
	} while (0)

/* Whether the device is Linux's KVM rather than hv (HV_DEV). */
static inline bool s390_dev_is_kvm(void)
{
	return !hv_dev_is_hv();
}

#endif /* _HV_S390_GUEST_H */

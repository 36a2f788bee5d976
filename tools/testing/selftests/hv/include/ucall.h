/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ucall: guest-to-host calls of the hv selftests.
 *
 * The guest fills a struct ucall on its stack and writes its guest
 * physical address (below 4 GiB) with a 32-bit OUT to HV_UCALL_PORT (x86)
 * or a 64-bit store to HV_UCALL_MMIO (arm64).  The host sees an HV_EXIT_IO
 * (HV_EXIT_MMIO) exit there, reads the address from the PIO data page
 * (the MMIO data) and copies the structure out of guest memory.  Strings
 * (file names, assertion text, formats) are pointers into the guest's
 * copy of the test binary, which the host reads in its own image.
 */
#ifndef _HV_UCALL_H
#define _HV_UCALL_H

#include "hv_util.h"

#define HV_UCALL_PORT		0x2000
/* arm64: the guest stores the address here (Device memory, no slot). */
#define HV_UCALL_MMIO		(HV_MMIO_GPA + 0x1000)
#define UCALL_MAX_ARGS		4

enum {
	UCALL_NONE,		/* the exit was not a ucall */
	UCALL_SYNC,		/* GUEST_SYNC(arg): args[0] = arg */
	UCALL_DONE,		/* GUEST_DONE(), or guest code returned */
	UCALL_ABORT,		/* GUEST_ASSERT*() or GUEST_FAIL() */
	UCALL_PRINTF,		/* GUEST_PRINTF() */
	UCALL_UNHANDLED,	/* exception without a handler */
};

struct ucall {
	u64 cmd;
	u64 args[UCALL_MAX_ARGS];
	const char *file;
	const char *text;	/* assertion, format or NULL */
	u64 line;
};

/* Guest side */
void ucall(u64 cmd, u64 arg0, u64 arg1, u64 arg2, u64 arg3);
void __ucall_text(u64 cmd, const char *file, u64 line, const char *text,
		  const u64 *args);
void __noreturn
__guest_abort(const char *file, u64 line, const char *text, const u64 *args);

#define GUEST_SYNC(arg)		ucall(UCALL_SYNC, (u64)(arg), 0, 0, 0)
#define GUEST_SYNC_ARGS(a0, a1, a2, a3) \
	ucall(UCALL_SYNC, (u64)(a0), (u64)(a1), (u64)(a2), (u64)(a3))
#define GUEST_DONE()		ucall(UCALL_DONE, 0, 0, 0, 0)

/* Up to UCALL_MAX_ARGS integer arguments; the host formats them. */
#define GUEST_PRINTF(fmt, args...)					\
	do {								\
		const u64 __args[UCALL_MAX_ARGS] = { args };		\
		__ucall_text(UCALL_PRINTF, __FILE__, __LINE__, fmt,	\
			     __args);					\
	} while (0)

#define GUEST_FAIL(fmt, args...)					\
	do {								\
		const u64 __args[UCALL_MAX_ARGS] = { args };		\
		__guest_abort(__FILE__, __LINE__, fmt, __args);		\
	} while (0)

#define GUEST_ASSERT(cond)						\
	do {								\
		const u64 __args[UCALL_MAX_ARGS] = { 0 };		\
		if (!(cond))						\
			__guest_abort(__FILE__, __LINE__,		\
				      "assertion failed: " #cond, __args); \
	} while (0)

#define GUEST_ASSERT_EQ(a, b)						\
	do {								\
		const u64 __args[UCALL_MAX_ARGS] = { (u64)(a), (u64)(b) }; \
		if (__args[0] != __args[1])				\
			__guest_abort(__FILE__, __LINE__,		\
				      "assertion failed: " #a " == " #b	\
				      " (0x%llx != 0x%llx)", __args);	\
	} while (0)

/* Host side */

/* The ucall behind the vCPU's last exit, or UCALL_NONE. */
u64 get_ucall(struct hv_vcpu *vcpu, struct ucall *uc);

/*
 * get_ucall() for loops that handle other exits themselves: a guest
 * assertion or unhandled exception fails the test, GUEST_PRINTF is
 * printed (and returned as UCALL_PRINTF).
 */
u64 get_ucall_ok(struct hv_vcpu *vcpu, struct ucall *uc);

/*
 * Run until the guest makes a ucall other than GUEST_PRINTF (which is
 * printed) and return it.  An exit that is no ucall, a guest assertion
 * or an unhandled guest exception fails the test with the details.
 */
u64 vcpu_run_ucall(struct hv_vcpu *vcpu, struct ucall *uc);

/* vcpu_run_ucall() that must return @cmd. */
void __vcpu_expect_ucall(struct hv_vcpu *vcpu, u64 cmd, struct ucall *uc,
			 const char *file, int line);
#define vcpu_expect_ucall(vcpu, cmd, uc) \
	__vcpu_expect_ucall(vcpu, cmd, uc, __FILE__, __LINE__)

/* Describe a ucall (assertion, exception, message) into @buf. */
void ucall_describe(const struct ucall *uc, char *buf, size_t len);

#endif /* _HV_UCALL_H */

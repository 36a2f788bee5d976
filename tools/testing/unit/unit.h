/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A minimal harness for hv's userspace unit tests: a test case collects
 * its mismatches and, if any, prints one line when it ends; unit_summary()
 * prints "N passed, N failed".
 */
#ifndef _HV_UNIT_H
#define _HV_UNIT_H

#include <linux/kernel.h>
#include <linux/types.h>

struct unit_case {
	char name[160];
	char msg[480];
	unsigned int errors;
};

extern bool unit_verbose;

__printf(2, 3) void unit_begin(struct unit_case *c, const char *fmt, ...);
__printf(2, 3) void unit_fail(struct unit_case *c, const char *fmt, ...);
bool unit_end(struct unit_case *c);
int unit_summary(void);

/* Compare as u64 and record a mismatch naming @what. */
#define UNIT_EQ(c, what, got, want)					\
	do {								\
		unsigned long long __got = (u64)(got);			\
		unsigned long long __want = (u64)(want);		\
									\
		if (__got != __want)					\
			unit_fail(c, "%s %#llx, want %#llx", what,	\
				  __got, __want);			\
	} while (0)

#endif

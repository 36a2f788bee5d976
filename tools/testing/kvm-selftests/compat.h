/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Force-included (gcc -include) into every KVM selftest that run.sh builds
 * from Debian's linux-source-6.1, which stays unmodified.  It makes up for
 * two mismatches in that 6.1.y tree:
 *
 * - <asm/kvm.h> of 6.1.y uses __DECLARE_FLEX_ARRAY() without including
 *   <linux/stddef.h>, which defines it.  Tests that include <asm/kvm.h>
 *   before <linux/kvm.h> (steal_time.c) do not compile.
 * - dirty_log_test.c got TEST_ASSERT_EQ() from a stable backport, but
 *   test_util.h of 6.1.y does not have it.  run.sh defines
 *   KST_COMPAT_TEST_ASSERT_EQ only when that is so; this is the same
 *   check as the TEST_ASSERT_EQ() that later kernels' test_util.h has.
 */
#include <linux/stddef.h>

#ifdef KST_COMPAT_TEST_ASSERT_EQ
#define TEST_ASSERT_EQ(a, b)						\
do {									\
	typeof(a) __a = (a);						\
	typeof(b) __b = (b);						\
	TEST_ASSERT(__a == __b,						\
		    "%#lx != %#lx (%s != %s)",				\
		    (unsigned long)(__a), (unsigned long)(__b), #a, #b);	\
} while (0)
#endif

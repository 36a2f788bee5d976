// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvhost_oops: oopses on purpose when loaded.
 *
 * Used only by "hvhost selftest" to prove that the test-host runner fails
 * a run whose kernel oopsed, even when the payload itself exits 0.
 */
#include <linux/compiler.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/printk.h>

static int __init hvhost_oops_init(void)
{
	int *p = NULL;

	/* Keep the compiler from proving the load faults and dropping it. */
	OPTIMIZER_HIDE_VAR(p);
	pr_info("hvhost_oops: dereferencing NULL on purpose\n");
	return READ_ONCE(*p);
}
module_init(hvhost_oops_init);

MODULE_DESCRIPTION("hvhost self-test: NULL pointer dereference at load");
MODULE_LICENSE("GPL");
MODULE_INFO(test, "Y");

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Small helpers shared by the hv selftests.
 */
#ifndef _HV_TEST_UTIL_H
#define _HV_TEST_UTIL_H

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/hv.h>

#define HV_DEV_PATH	"/dev/hv"

/*
 * The device the tests drive: /dev/hv, or $HV_DEV (HV_DEV=/dev/kvm runs
 * the same tests against Linux's KVM, which is how they are validated).
 */
static inline const char *hv_dev_path(void)
{
	const char *path = getenv("HV_DEV");

	return path && *path ? path : HV_DEV_PATH;
}

/*
 * Whether the tests drive hv itself: for behaviour hv documents as
 * different from KVM's (Documentation/virt/hv/api.rst), asserted only
 * there; any other device is held to KVM's behaviour.
 */
static inline bool hv_dev_is_hv(void)
{
	return !strcmp(hv_dev_path(), HV_DEV_PATH);
}

/*
 * Open the device.  Returns the fd, or -1 with errno set; callers skip on
 * ENOENT (module not loaded) and EACCES (not in the kvm group), as KVM's
 * selftests skip without /dev/kvm.
 */
static inline int hv_open_dev(void)
{
	return open(hv_dev_path(), O_RDWR | O_CLOEXEC);
}

/* ioctl() returning -errno instead of -1, for compact assertions. */
static inline long hv_ioctl(int fd, unsigned long cmd, unsigned long arg)
{
	long r = ioctl(fd, cmd, arg);

	return r < 0 ? -errno : r;
}

#endif /* _HV_TEST_UTIL_H */

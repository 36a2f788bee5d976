// SPDX-License-Identifier: GPL-2.0-only
/*
 * System ioctls on /dev/hv: the answers a VMM reads before anything else,
 * and the errno KVM gives for each bad input (x86 KVM: unknown system
 * ioctls in the KVMIO space are -EINVAL).
 */
#include <termios.h>

#include "kselftest_harness.h"
#include "hv_test_util.h"

FIXTURE(hv_dev) {
	int fd;
};

FIXTURE_SETUP(hv_dev)
{
	self->fd = hv_open_dev();
	if (self->fd < 0 && (errno == ENOENT || errno == EACCES))
		SKIP(return, "cannot open %s: %s", hv_dev_path(),
		     strerror(errno));
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(hv_dev)
{
	if (self->fd >= 0)
		close(self->fd);
}

TEST_F(hv_dev, api_version_is_12)
{
	EXPECT_EQ(12, hv_ioctl(self->fd, HV_GET_API_VERSION, 0));
	EXPECT_EQ(HV_API_VERSION, 12);
}

TEST_F(hv_dev, api_version_rejects_argument)
{
	EXPECT_EQ(-EINVAL, hv_ioctl(self->fd, HV_GET_API_VERSION, 1));
}

TEST_F(hv_dev, vcpu_mmap_size_is_three_pages)
{
	long page = sysconf(_SC_PAGESIZE);

	EXPECT_EQ(3 * page, hv_ioctl(self->fd, HV_GET_VCPU_MMAP_SIZE, 0));
	EXPECT_EQ(-EINVAL, hv_ioctl(self->fd, HV_GET_VCPU_MMAP_SIZE, 1));
}

TEST_F(hv_dev, unknown_capabilities_are_zero)
{
	/* 0 is HV_CAP_IRQCHIP: unknown numbers start past the last one. */
	static const unsigned long caps[] = { 9999, 100000, 0x7fffffff, -1UL };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(caps); i++)
		EXPECT_EQ(0, hv_ioctl(self->fd, HV_CHECK_EXTENSION, caps[i]));
}

TEST_F(hv_dev, check_extension_vm_advertised)
{
	EXPECT_EQ(1, hv_ioctl(self->fd, HV_CHECK_EXTENSION,
			      HV_CAP_CHECK_EXTENSION_VM));
}

TEST_F(hv_dev, unknown_hvio_ioctl_is_einval)
{
	EXPECT_EQ(-EINVAL, hv_ioctl(self->fd, _IO(HVIO, 0xff), 0));
	EXPECT_EQ(-EINVAL, hv_ioctl(self->fd, _IOW(HVIO, 0x02, int), 0));
}

TEST_F(hv_dev, foreign_ioctl_is_enotty)
{
	struct termios t;

	EXPECT_EQ(-ENOTTY, hv_ioctl(self->fd, TCGETS, (unsigned long)&t));
	EXPECT_EQ(0, isatty(self->fd));
}

TEST_F(hv_dev, create_vm_rejects_unknown_type)
{
	EXPECT_EQ(-EINVAL, hv_ioctl(self->fd, HV_CREATE_VM, 1));
	EXPECT_EQ(-EINVAL, hv_ioctl(self->fd, HV_CREATE_VM, -1UL));
}

TEST_HARNESS_MAIN

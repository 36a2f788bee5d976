// SPDX-License-Identifier: GPL-2.0-only
/*
 * VM file descriptors: creation, close-on-exec, CHECK_EXTENSION on the VM
 * fd, the errno of unknown VM ioctls, and the rule that only the creating
 * address space may use a VM (-EIO elsewhere, as on KVM).
 */
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "hv_test_util.h"

FIXTURE(hv_vm) {
	int dev;
	int vm;
};

FIXTURE_SETUP(hv_vm)
{
	self->vm = -1;
	self->dev = hv_open_dev();
	if (self->dev < 0 && (errno == ENOENT || errno == EACCES))
		SKIP(return, "cannot open %s: %s", hv_dev_path(),
		     strerror(errno));
	ASSERT_LE(0, self->dev);

	self->vm = hv_ioctl(self->dev, HV_CREATE_VM, 0);
	if (self->vm == -ENODEV)
		SKIP(return, "no hv backend module (hv-amd, hv-intel) is loaded");
	ASSERT_LE(0, self->vm);
}

FIXTURE_TEARDOWN(hv_vm)
{
	if (self->vm >= 0)
		close(self->vm);
	if (self->dev >= 0)
		close(self->dev);
}

TEST_F(hv_vm, vm_fd_is_cloexec)
{
	int flags = fcntl(self->vm, F_GETFD);

	ASSERT_LE(0, flags);
	EXPECT_TRUE(flags & FD_CLOEXEC);
}

TEST_F(hv_vm, check_extension_on_vm_fd)
{
	EXPECT_EQ(1, hv_ioctl(self->vm, HV_CHECK_EXTENSION,
			      HV_CAP_CHECK_EXTENSION_VM));
	EXPECT_EQ(0, hv_ioctl(self->vm, HV_CHECK_EXTENSION, 100000));
}

/* KVM's kvm_arch_vm_ioctl(): x86 answers -ENOTTY, arm64 -EINVAL. */
TEST_F(hv_vm, unknown_vm_ioctl_is_enotty)
{
#ifdef __aarch64__
	EXPECT_EQ(-EINVAL, hv_ioctl(self->vm, _IO(HVIO, 0xff), 0));
#else
	EXPECT_EQ(-ENOTTY, hv_ioctl(self->vm, _IO(HVIO, 0xff), 0));
#endif
}

TEST_F(hv_vm, many_vms)
{
	int fds[16], i;

	for (i = 0; i < 16; i++) {
		fds[i] = hv_ioctl(self->dev, HV_CREATE_VM, 0);
		ASSERT_LE(0, fds[i]);
	}
	for (i = 0; i < 16; i++)
		EXPECT_EQ(0, close(fds[i]));
}

TEST_F(hv_vm, vm_outlives_dev_fd)
{
	close(self->dev);
	self->dev = -1;
	EXPECT_EQ(1, hv_ioctl(self->vm, HV_CHECK_EXTENSION,
			      HV_CAP_CHECK_EXTENSION_VM));
}

TEST_F(hv_vm, forked_child_gets_eio)
{
	int status;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		long r = hv_ioctl(self->vm, HV_CHECK_EXTENSION,
				  HV_CAP_CHECK_EXTENSION_VM);

		_exit(r == -EIO ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	/* The parent's VM is unaffected. */
	EXPECT_EQ(1, hv_ioctl(self->vm, HV_CHECK_EXTENSION,
			      HV_CAP_CHECK_EXTENSION_VM));
}

TEST_HARNESS_MAIN

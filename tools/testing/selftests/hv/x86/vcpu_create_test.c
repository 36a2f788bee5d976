// SPDX-License-Identifier: GPL-2.0-only
/*
 * HV_CREATE_VCPU and the vCPU fd:
 *   - ids: HV_CAP_MAX_VCPU_ID - 1 is the largest valid id (EINVAL from
 *     there on), a duplicate id is EEXIST;
 *   - count: HV_CAP_MAX_VCPUS vCPUs can be created, one more is EINVAL;
 *   - the fd is close-on-exec;
 *   - mmap of the fd: page 0 is struct hv_run, page 1 the PIO data page
 *     run->io.data_offset points to, page 2 the coalesced MMIO ring; a
 *     page beyond HV_GET_VCPU_MMAP_SIZE maps but touching it is SIGBUS.
 */
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "ucall.h"
#include "x86/processor.h"

static long max_vcpu_id(void)
{
	long id = hv_check_cap(HV_CAP_MAX_VCPU_ID);

	/* api.rst: 0 means the same as HV_CAP_MAX_VCPUS */
	return id > 0 ? id : hv_check_cap(HV_CAP_MAX_VCPUS);
}

TEST(vcpu_id_bounds)
{
	long max_id, fd;
	struct hv_vm *vm;

	HV_REQUIRE(return, HV_CAP_MAX_VCPUS);
	max_id = max_vcpu_id();
	TH_LOG("HV_CAP_MAX_VCPU_ID %ld, HV_CAP_MAX_VCPUS %ld, HV_CAP_NR_VCPUS %ld",
	       hv_check_cap(HV_CAP_MAX_VCPU_ID), hv_check_cap(HV_CAP_MAX_VCPUS),
	       hv_check_cap(HV_CAP_NR_VCPUS));
	vm = hv_vm_create_bare();
	EXPECT_EQ(-EINVAL, __vm_ioctl(vm, HV_CREATE_VCPU, max_id));
	EXPECT_EQ(-EINVAL, __vm_ioctl(vm, HV_CREATE_VCPU, max_id + 1));
	EXPECT_EQ(-EINVAL, __vm_ioctl(vm, HV_CREATE_VCPU, 0xffffffffUL));
	fd = __vm_ioctl(vm, HV_CREATE_VCPU, max_id - 1);
	EXPECT_LE(0, fd);
	EXPECT_EQ(-EEXIST, __vm_ioctl(vm, HV_CREATE_VCPU, max_id - 1));
	fd = __vm_ioctl(vm, HV_CREATE_VCPU, 0);
	EXPECT_LE(0, fd);
	EXPECT_EQ(-EEXIST, __vm_ioctl(vm, HV_CREATE_VCPU, 0));
	EXPECT_TRUE(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	hv_vm_free(vm);
}

FIXTURE(limits) {
	int unused;
};

FIXTURE_SETUP(limits)
{
}

FIXTURE_TEARDOWN(limits)
{
}

TEST_F_TIMEOUT(limits, max_vcpus, 240)
{
	long max = hv_check_cap(HV_CAP_MAX_VCPUS), max_id, i, fd;
	struct rlimit rl;
	struct hv_vm *vm;

	HV_REQUIRE(return, HV_CAP_MAX_VCPUS);
	max_id = max_vcpu_id();
	ASSERT_EQ(0, getrlimit(RLIMIT_NOFILE, &rl));
	if (rl.rlim_cur < (rlim_t)max + 64) {
		rl.rlim_cur = max + 64;
		if (rl.rlim_max < rl.rlim_cur)
			rl.rlim_max = rl.rlim_cur;
		if (setrlimit(RLIMIT_NOFILE, &rl))
			SKIP(return, "RLIMIT_NOFILE below %ld vCPUs", max);
	}
	vm = hv_vm_create_bare();
	/* Spread the ids over the whole range, the last one at max_id - 1. */
	for (i = 0; i < max; i++) {
		fd = __vm_ioctl(vm, HV_CREATE_VCPU,
				max_id - 1 - i * (max_id / max));
		ASSERT_LE(0, fd) {
			TH_LOG("vCPU %ld of %ld: %s", i, max, strerror(-fd));
		}
	}
	EXPECT_EQ(-EINVAL, __vm_ioctl(vm, HV_CREATE_VCPU, 1));
	hv_vm_free(vm);
}

static void guest_out(void)
{
	outl(0xec, 0xfeedf00d);
	GUEST_DONE();
}

TEST(vcpu_mmap_layout)
{
	long size = hv_sys_ioctl(HV_GET_VCPU_MMAP_SIZE, 0);
	long page = sysconf(_SC_PAGESIZE);
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;
	u32 *pio, data;
	int status;
	void *p;
	pid_t pid;

	HV_REQUIRE_GUEST(return);
	vm = hv_vm_create();
	vcpu = hv_vcpu_add(vm, 0, guest_out);
	ASSERT_LE(3 * page, size);
	pio = mmap(NULL, page, PROT_READ, MAP_SHARED, vcpu->fd,
		   HV_PIO_PAGE_OFFSET * page);
	ASSERT_NE(MAP_FAILED, pio);
	p = mmap(NULL, page, PROT_READ, MAP_SHARED, vcpu->fd,
		 HV_COALESCED_MMIO_PAGE_OFFSET * page);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(0, READ_ONCE(*(u32 *)p));

	vcpu_run(vcpu);
	vcpu_assert_exit(vcpu, HV_EXIT_IO);
	EXPECT_EQ(HV_PIO_PAGE_OFFSET * page, vcpu->run->io.data_offset);
	memcpy(&data, vcpu_io_data(vcpu), 4);
	EXPECT_EQ(0xfeedf00d, data);
	EXPECT_EQ(0xfeedf00d, pio[0]);
	vcpu_expect_ucall(vcpu, UCALL_DONE, NULL);

	/* A page past the size maps, and faults when touched. */
	p = mmap(NULL, page, PROT_READ, MAP_SHARED, vcpu->fd, size);
	ASSERT_NE(MAP_FAILED, p);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		READ_ONCE(*(u32 *)p);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGBUS) {
		TH_LOG("reading past the vCPU mapping: status 0x%x", status);
	}
	hv_vm_free(vm);
}

int main(int argc, char **argv)
{
	hv_require_dev();
	return test_harness_run(argc, argv);
}

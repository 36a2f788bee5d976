// SPDX-License-Identifier: GPL-2.0-only
/*
 * Lifetime of VM and vCPU file descriptors:
 *   - a forked child using the parent's VM and vCPU fds gets EIO on
 *     every ioctl (only the creating address space may use a VM), and
 *     the parent's VM is unaffected;
 *   - closing the VM fd (and the device fd) while a vCPU thread runs:
 *     the vCPU fd keeps the VM alive, RUN and its memory keep working;
 *   - closing a vCPU fd from another thread while it is in RUN: the
 *     running ioctl finishes normally, later ones get EBADF;
 *   - VM and vCPU fds passed to another process over a unix socket
 *     (SCM_RIGHTS) give EIO there, both ways: to a child while the
 *     creator goes on using them, and from a child that then exits, its
 *     VM living on in the receiver until the last close.
 */
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "ucall.h"
#include "x86/processor.h"

static void guest_counter(void)
{
	u64 i;

	for (i = 0;; i++) {
		GUEST_ASSERT_EQ(READ_ONCE(*(u64 *)HV_TEST_GPA), 0x77);
		GUEST_SYNC(i);
	}
}

static struct hv_vm *counter_vm(struct hv_vcpu **vcpu)
{
	struct hv_vm *vm = hv_vm_create();
	u64 *mem = hv_vm_add_region(vm, HV_SLOT_TEST, HV_TEST_GPA,
				    HV_PAGE_SIZE, 0, HV_BACKING_ANON);

	*mem = 0x77;
	*vcpu = hv_vcpu_add(vm, 0, guest_counter);
	return vm;
}

TEST(forked_child_gets_eio)
{
	struct hv_userspace_memory_region mr = { 0 };
	struct hv_vcpu *vcpu;
	struct hv_regs regs;
	struct hv_vm *vm;
	int status, fails;
	pid_t pid;

	HV_REQUIRE_GUEST(return);
	vm = counter_vm(&vcpu);
	vcpu_expect_ucall(vcpu, UCALL_SYNC, NULL);

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		fails = 0;
		fails += __vcpu_ioctl(vcpu, HV_RUN, 0) != -EIO;
		fails += __vcpu_ioctl(vcpu, HV_GET_REGS, &regs) != -EIO;
		fails += __vcpu_ioctl(vcpu, HV_SET_REGS, &regs) != -EIO;
		fails += __vm_ioctl(vm, HV_CREATE_VCPU, 1) != -EIO;
		fails += __vm_ioctl(vm, HV_SET_USER_MEMORY_REGION, &mr) != -EIO;
		_exit(fails);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	vcpu_expect_ucall(vcpu, UCALL_SYNC, NULL);
	hv_vm_free(vm);
}

/* Shared with the main thread: READ_ONCE/WRITE_ONCE. */
struct runner {
	struct hv_vcpu *vcpu;
	u64 syncs;
	bool stop;
};

static void *run_until_stopped(void *arg)
{
	struct runner *r = arg;
	struct ucall uc;

	while (!READ_ONCE(r->stop)) {
		TEST_ASSERT(vcpu_run_ucall(r->vcpu, &uc) == UCALL_SYNC,
			    "ucall %llu", uc.cmd);
		WRITE_ONCE(r->syncs, r->syncs + 1);
	}
	return NULL;
}

static void wait_syncs(struct runner *r, u64 n)
{
	u64 start = READ_ONCE(r->syncs);

	while (READ_ONCE(r->syncs) - start < n)
		usleep(1000);
}

TEST(close_vm_fd_while_running)
{
	struct runner r = { 0 };
	struct hv_regs regs;
	pthread_t thread;
	struct hv_vm *vm;

	HV_REQUIRE_GUEST(return);
	vm = counter_vm(&r.vcpu);
	ASSERT_EQ(0, pthread_create(&thread, NULL, run_until_stopped, &r));
	wait_syncs(&r, 20);
	ASSERT_EQ(0, close(vm->fd));
	vm->fd = -1;
	/* The guest keeps running and reading its slot. */
	wait_syncs(&r, 200);
	WRITE_ONCE(r.stop, true);
	ASSERT_EQ(0, pthread_join(thread, NULL));
	vcpu_regs_get(r.vcpu, &regs);
	vcpu_expect_ucall(r.vcpu, UCALL_SYNC, NULL);
	TH_LOG("%llu ucalls, %llu after closing the VM fd", r.syncs + 1,
	       r.syncs - 20);
	hv_vm_free(vm);
}

static void on_usr1(int sig)
{
}

static void guest_spin(void)
{
	for (;;)
		asm volatile("pause");
}

static void *run_once(void *arg)
{
	struct hv_vcpu *vcpu = arg;

	return (void *)(long)__vcpu_run(vcpu);
}

TEST(close_vcpu_fd_during_run)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	struct hv_vcpu *vcpu;
	pthread_t thread;
	struct hv_vm *vm;
	void *ret;
	int fd;

	HV_REQUIRE_GUEST(return);
	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	vm = hv_vm_create();
	vcpu = hv_vcpu_add(vm, 0, guest_spin);
	fd = vcpu->fd;
	ASSERT_EQ(0, pthread_create(&thread, NULL, run_once, vcpu));
	usleep(200000);
	ASSERT_EQ(0, close(fd));
	vcpu->fd = -1;
	usleep(100000);
	/* RUN is still going: stop it with a signal. */
	ASSERT_EQ(0, pthread_kill(thread, SIGUSR1));
	ASSERT_EQ(0, pthread_join(thread, &ret));
	EXPECT_EQ(-EINTR, (long)ret);
	EXPECT_EQ(HV_EXIT_INTR, vcpu->run->exit_reason);
	EXPECT_EQ(-EBADF, hv_ioctl(fd, HV_RUN, 0));
	hv_vm_free(vm);
}

/* Every VM and vCPU ioctl from a process that is not the VM's: EIO. */
static int foreign_ioctls(int vm_fd, int vcpu_fd)
{
	struct hv_userspace_memory_region mr = { 0 };
	struct hv_regs regs;
	struct hv_sregs sregs;
	int fails = 0;

	fails += hv_ioctl(vcpu_fd, HV_RUN, 0) != -EIO;
	fails += hv_ioctl(vcpu_fd, HV_GET_REGS, (unsigned long)&regs) != -EIO;
	fails += hv_ioctl(vcpu_fd, HV_GET_SREGS, (unsigned long)&sregs) != -EIO;
	fails += hv_ioctl(vm_fd, HV_CREATE_VCPU, 5) != -EIO;
	fails += hv_ioctl(vm_fd, HV_SET_USER_MEMORY_REGION,
			  (unsigned long)&mr) != -EIO;
	return fails;
}

TEST(fds_passed_to_child_get_eio)
{
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;
	int sv[2], fds[2], status;
	pid_t pid;

	HV_REQUIRE_GUEST(return);
	vm = counter_vm(&vcpu);
	vcpu_expect_ucall(vcpu, UCALL_SYNC, NULL);
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		/* Not inherited: received, in a process with its own mm. */
		close(vm->fd);
		close(vcpu->fd);
		close(sv[0]);
		hv_recv_fds(sv[1], fds, 2);
		_exit(foreign_ioctls(fds[0], fds[1]));
	}
	close(sv[1]);
	fds[0] = vm->fd;
	fds[1] = vcpu->fd;
	hv_send_fds(sv[0], fds, 2);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	close(sv[0]);
	/* The creator's VM is unaffected. */
	vcpu_expect_ucall(vcpu, UCALL_SYNC, NULL);
	hv_vm_free(vm);
}

TEST(fds_from_exited_creator_get_eio)
{
	int sv[2], fds[2], status;
	pid_t pid;
	void *run;

	HV_REQUIRE_GUEST(return);
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct hv_vcpu *vcpu;
		struct hv_vm *vm;

		close(sv[0]);
		vm = counter_vm(&vcpu);
		vcpu_expect_ucall(vcpu, UCALL_SYNC, NULL);
		fds[0] = vm->fd;
		fds[1] = vcpu->fd;
		hv_send_fds(sv[1], fds, 2);
		/* Exits with the VM's memory: only the fds live on. */
		_exit(0);
	}
	close(sv[1]);
	hv_recv_fds(sv[0], fds, 2);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	EXPECT_EQ(0, foreign_ioctls(fds[0], fds[1]));
	/* Mapping the run page does not give the VM back either. */
	run = mmap(NULL, HV_PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		   fds[1], 0);
	if (run != MAP_FAILED)
		munmap(run, HV_PAGE_SIZE);
	EXPECT_EQ(0, foreign_ioctls(fds[0], fds[1]));
	/* The VM goes with these closes: the kernel log is the oracle. */
	EXPECT_EQ(0, close(fds[0]));
	EXPECT_EQ(0, close(fds[1]));
	close(sv[0]);
}

int main(int argc, char **argv)
{
	hv_require_dev();
	return test_harness_run(argc, argv);
}

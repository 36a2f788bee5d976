// SPDX-License-Identifier: GPL-2.0-only
/*
 * A hostile or careless VMM must not be able to hurt the host
 * (robustness.md, classes 3, 8 and 17):
 *   - a thread scribbles random bytes over the run page, the PIO page and
 *     the coalesced-MMIO page while the vCPU exits in a loop: hv reads
 *     what it needs from those pages once and bounds it;
 *   - SIGUSR1 at a high rate at a running vCPU: every RUN returns 0 or
 *     -EINTR, and the guest's computation comes out right;
 *   - processes with running vCPUs are SIGKILLed at random points;
 *   - vCPUs are created while another thread closes the fd numbers they
 *     are about to get.
 * The test host's kernel log is the main oracle: any splat fails the run.
 */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>

#include "kselftest_harness.h"
#include "ucall.h"
#include "x86/processor.h"

#define IO_PORT		0xe0

/* Exits of every kind hv completes on the next RUN. */
static void guest_exits(void)
{
	volatile u8 *mmio = (volatile u8 *)HV_MMIO_GPA;
	u64 i;

	for (i = 0;; i++) {
		outb(IO_PORT, i);
		(void)inw(IO_PORT);
		mmio[i & 7] = i;
		(void)mmio[8];
		asm volatile("rep outsb" : : "S"(&i), "c"(3UL), "d"(IO_PORT)
			     : "memory");
	}
}

struct scribbler {
	u8 *pages[3];
	bool stop;
};

static void *scribble(void *arg)
{
	struct scribbler *s = arg;
	unsigned int seed = 1;

	while (!READ_ONCE(s->stop)) {
		u8 *p = s->pages[rand_r(&seed) % 3];
		unsigned int i, n = rand_r(&seed) % 64;

		for (i = 0; i < n; i++)
			p[rand_r(&seed) % HV_PAGE_SIZE] = rand_r(&seed);
	}
	return NULL;
}

TEST(scribbled_run_page)
{
	struct scribbler s = { 0 };
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;
	pthread_t thread;
	int i, ok = 0, err = 0;
	u8 *map;

	HV_REQUIRE_GUEST(return);
	vm = hv_vm_create();
	vcpu = hv_vcpu_add(vm, 0, guest_exits);
	map = mmap(NULL, 3 * HV_PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		   vcpu->fd, 0);
	ASSERT_NE(MAP_FAILED, map);
	for (i = 0; i < 3; i++)
		s.pages[i] = map + i * HV_PAGE_SIZE;
	ASSERT_EQ(0, pthread_create(&thread, NULL, scribble, &s));
	for (i = 0; i < 5000; i++) {
		int r = __vcpu_run(vcpu);

		/* Whatever the page said, RUN answers sanely. */
		ASSERT_TRUE(r == 0 || r == -EINTR || r == -EINVAL ||
			    r == -EFAULT || r == -EIO) {
			TH_LOG("RUN returned %d", r);
		}
		if (r)
			err++;
		else
			ok++;
		/* Keep some runs going: undo what makes RUN refuse. */
		vcpu->run->immediate_exit = 0;
		vcpu->run->cr8 = 0;
	}
	WRITE_ONCE(s.stop, true);
	ASSERT_EQ(0, pthread_join(thread, NULL));
	TH_LOG("%d runs returned 0, %d an error", ok, err);
	EXPECT_LT(0, ok);
	munmap(map, 3 * HV_PAGE_SIZE);
	hv_vm_free(vm);
}

/* Sum 1..n, reporting progress; the host checks the result. */
static void guest_sum(u64 n)
{
	u64 i, sum = 0;

	for (i = 1; i <= n; i++) {
		sum += i;
		if (!(i & 0xfff))
			GUEST_SYNC(i);
	}
	GUEST_ASSERT_EQ(sum, n * (n + 1) / 2);
	GUEST_DONE();
}

static void on_usr1(int sig)
{
}

struct storm {
	pthread_t target;
	bool stop;
	u64 sent;
};

static void *signal_storm(void *arg)
{
	struct storm *st = arg;

	while (!READ_ONCE(st->stop)) {
		pthread_kill(st->target, SIGUSR1);
		st->sent++;
	}
	return NULL;
}

TEST(signal_storm_during_run)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	struct storm st = { .target = pthread_self() };
	const u64 n = 1 << 20;
	u64 eintr = 0, syncs = 0;
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;
	pthread_t thread;
	struct ucall uc;

	HV_REQUIRE_GUEST(return);
	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	vm = hv_vm_create();
	vcpu = hv_vcpu_add(vm, 0, guest_sum);
	vcpu_args_set(vcpu, 1, n);
	ASSERT_EQ(0, pthread_create(&thread, NULL, signal_storm, &st));
	for (;;) {
		int r = __vcpu_run(vcpu);

		if (r == -EINTR) {
			EXPECT_EQ(HV_EXIT_INTR, vcpu->run->exit_reason);
			eintr++;
			continue;
		}
		ASSERT_EQ(0, r);
		r = get_ucall_ok(vcpu, &uc);
		if (r == UCALL_SYNC) {
			syncs++;
			continue;
		}
		ASSERT_EQ(UCALL_DONE, r) {
			TH_LOG("ucall %d: %s", r, uc.text ?: "");
		}
		break;
	}
	WRITE_ONCE(st.stop, true);
	ASSERT_EQ(0, pthread_join(thread, NULL));
	TH_LOG("%llu signals sent, %llu RUNs interrupted, %llu syncs",
	       (unsigned long long)st.sent, (unsigned long long)eintr,
	       (unsigned long long)syncs);
	EXPECT_EQ(n >> 12, syncs);
	signal(SIGUSR1, SIG_DFL);
	hv_vm_free(vm);
}

static void guest_spin(void)
{
	for (;;)
		asm volatile("pause");
}

static void *spin_vcpu(void *arg)
{
	struct hv_vcpu *vcpu = arg;

	for (;;)
		__vcpu_run(vcpu);
	return NULL;
}

/* A child with two spinning vCPUs and a slot being moved. */
static void doomed_child(void)
{
	struct hv_vcpu *vcpu[2];
	struct hv_vm *vm;
	pthread_t t;
	int i;

	vm = hv_vm_create();
	hv_vm_add_region(vm, HV_SLOT_TEST, HV_TEST_GPA, 16 * HV_PAGE_SIZE, 0,
			 HV_BACKING_ANON);
	for (i = 0; i < 2; i++) {
		vcpu[i] = hv_vcpu_add(vm, i, guest_spin);
		pthread_create(&t, NULL, spin_vcpu, vcpu[i]);
	}
	for (i = 0;; i++)
		hv_vm_move_region(vm, HV_SLOT_TEST,
				  HV_TEST_GPA + (i & 1) * 0x100000);
}

TEST(sigkill_at_random_points)
{
	struct timespec ts;
	int i, status;
	pid_t pid;

	HV_REQUIRE_GUEST(return);
	srand(42);
	for (i = 0; i < 100; i++) {
		pid = fork();
		ASSERT_LE(0, pid);
		if (pid == 0)
			doomed_child();
		ts.tv_sec = 0;
		ts.tv_nsec = (1 + rand() % 20000) * 1000L;
		nanosleep(&ts, NULL);
		kill(pid, SIGKILL);
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		EXPECT_TRUE(WIFSIGNALED(status) ||
			    (WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
			TH_LOG("iteration %d: child status %#x", i, status);
		}
	}
}

struct closer {
	int base;
	bool stop;
};

static void *close_next_fds(void *arg)
{
	struct closer *c = arg;
	int fd;

	while (!READ_ONCE(c->stop))
		for (fd = c->base; fd < c->base + 8; fd++)
			close(fd);
	return NULL;
}

TEST(create_vcpu_racing_close)
{
	struct closer c = { 0 };
	struct hv_regs regs;
	pthread_t thread;
	int vm, fd, id, ok = 0;

	HV_REQUIRE_GUEST(return);
	vm = hv_sys_ioctl(HV_CREATE_VM, 0);
	ASSERT_LE(0, vm);
	/* The fds the vCPUs will get. */
	fd = dup(0);
	ASSERT_LE(0, fd);
	close(fd);
	c.base = fd;
	ASSERT_EQ(0, pthread_create(&thread, NULL, close_next_fds, &c));
	for (id = 0; id < 200; id++) {
		fd = ioctl(vm, HV_CREATE_VCPU, id);
		if (fd < 0)
			continue;
		/* Closed under us or not: the fd is ours or gone, never bad. */
		if (!ioctl(fd, HV_GET_REGS, &regs))
			ok++;
		else
			ASSERT_EQ(EBADF, errno);
	}
	WRITE_ONCE(c.stop, true);
	ASSERT_EQ(0, pthread_join(thread, NULL));
	TH_LOG("%d of 200 vCPU fds were still open for GET_REGS", ok);
	close(vm);
}

TEST_HARNESS_MAIN

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Module unload racing the last close of a VM (robustness.md, class 14).
 *
 * Each iteration loads the core and backend modules (hv and hv_amd or
 * hv_intel; with HV_DEV=/dev/kvm: kvm and kvm_amd or kvm_intel), and a
 * child process builds a VM that has as much as possible that could
 * outlive its file descriptors: the in-kernel irqchip with a periodic
 * LAPIC timer, the PIT ticking, an irqfd signalled by a thread, an
 * ioeventfd that the guest hits in a loop (so RUN never returns to
 * userspace) and a memory slot.  With the vCPU in RUN:
 *   - both modules refuse to unload (EWOULDBLOCK);
 *   - then the child lets go of the VM in one of four ways while this
 *     process calls delete_module() for the backend in a tight loop:
 *       close:  the VM fd and the vCPU fd are closed and the run page
 *               unmapped while RUN goes on; a signal then ends RUN, and
 *               the vCPU thread drops the last reference;
 *       exit:   the child exits with the vCPU thread in RUN;
 *       kill:   SIGKILL;
 *       pass:   the child passes the fds to this process over a unix
 *               socket (SCM_RIGHTS) and exits; here they give EIO, and a
 *               thread closes them while the main thread unloads;
 *   - the backend unloads within seconds of the last close, then the
 *     core; both load again for the next iteration.
 * dev_fd_outlives_backend (hv only): an open /dev/hv fd does not pin the
 * backend; without one, system ioctls answer and CREATE_VM is ENODEV;
 * then a thread creates VMs on that fd while the backend is unloaded and
 * loaded again and again.
 * The kernel log (no oops, no WARN, no leak reports) is the main oracle.
 * Needs root and the modules: $HV_MODULES_DIR (default /hv/modules) for
 * hv, modprobe for KVM.  HV_STRESS scales the iterations.
 */
#include <pthread.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "kselftest_harness.h"
#include "ucall.h"
#include "x86/processor.h"
#include "x86/state.h"

#define APIC_GPA	0xfee00000UL
#define DOORBELL_PORT	0xe4
#define TIMER_VECTOR	0x40
#define UNLOAD_SECONDS	20

enum ending { END_CLOSE, END_EXIT, END_KILL, END_PASS, NR_ENDINGS };

static const char * const ending_name[] = {
	"close", "exit", "kill", "pass",
};

struct modules {
	char core[16];
	char backend[16];
	bool kvm;
};

static bool loaded(const char *name)
{
	char line[256];
	size_t n = strlen(name);
	bool found = false;
	FILE *f = fopen("/proc/modules", "r");

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = !strncmp(line, name, n) && line[n] == ' ';
	fclose(f);
	return found;
}

static int load_one(const char *name, const char *file)
{
	const char *dir = getenv("HV_MODULES_DIR");
	char cmd[512];

	if (loaded(name))
		return 0;
	snprintf(cmd, sizeof(cmd), "insmod %s/%s", dir ?: "/hv/modules", file);
	return system(cmd);
}

static int load(const struct modules *m)
{
	char cmd[64];

	if (m->kvm) {
		snprintf(cmd, sizeof(cmd), "modprobe %s", m->backend);
		return system(cmd);
	}
	return load_one("hv", "hv.ko") ?:
	       load_one(m->backend, strcmp(m->backend, "hv_amd") ?
					  "hv-intel.ko" : "hv-amd.ko");
}

static long delete_module(const char *name)
{
	long r = syscall(SYS_delete_module, name, O_NONBLOCK);

	return r < 0 ? -errno : 0;
}

/* delete_module() until it succeeds; -errno of the last try on timeout. */
static long unload_spin(const char *name, u64 *tries)
{
	struct timespec start, now;
	long r;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		r = delete_module(name);
		(*tries)++;
		if (!r || (r != -EWOULDBLOCK && r != -EBUSY))
			return r;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec > UNLOAD_SECONDS)
			return r;
		sched_yield();
	}
}

/*
 * The guest: software-enable its LAPIC and start a fast periodic timer,
 * start PIT channel 0 as a rate generator, then ring the ioeventfd's
 * doorbell forever with IF=0.  Interrupts stay pending.
 */
static void guest_busy(u64 irqchip, u64 pit)
{
	volatile u32 *apic = (volatile u32 *)APIC_GPA;
	u64 i;

	if (irqchip) {
		apic[0xf0 / 4] = 0x1ff;			/* SVR: enabled */
		apic[0x3e0 / 4] = 0xb;			/* divide by 1 */
		apic[0x320 / 4] = BIT(17) | TIMER_VECTOR;	/* periodic */
		apic[0x380 / 4] = 100000;		/* TMICT */
	}
	if (pit) {
		outb(0x43, 0x34);			/* ch 0, lo/hi, mode 2 */
		outb(0x40, 0x00);
		outb(0x40, 0x10);			/* 4096: ~290 Hz */
	}
	GUEST_SYNC(0);
	for (i = 0;; i++) {
		outb(DOORBELL_PORT, i);
		WRITE_ONCE(*(u64 *)HV_TEST_GPA, i);
	}
}

struct child {
	struct hv_vm *vm;
	struct hv_vcpu *vcpu;
	int irqfd, ioeventfd;
	bool stop;
};

static void on_usr1(int sig)
{
}

/* RUN until a signal comes with stop set, or RUN fails otherwise. */
static void *vcpu_thread(void *arg)
{
	struct child *c = arg;
	int fd = c->vcpu->fd;

	while (ioctl(fd, HV_RUN, 0) < 0 && errno == EINTR &&
	       !READ_ONCE(c->stop))
		;
	return NULL;
}

static void *irqfd_thread(void *arg)
{
	struct child *c = arg;
	u64 one = 1;

	while (!READ_ONCE(c->stop)) {
		if (write(c->irqfd, &one, sizeof(one)) < 0)
			break;
		usleep(50);
	}
	return NULL;
}

/*
 * The child: build the VM, report "r" (or "s" and why: what is missing)
 * on @sock, wait for the go byte, then let go of the VM as @end says.
 */
static void __noreturn child(int sock, enum ending end)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	struct hv_ioeventfd io = {
		.addr = DOORBELL_PORT, .len = 1, .flags = HV_IOEVENTFD_FLAG_PIO,
	};
	struct hv_pit_config pit = { 0 };
	pthread_t vt, it;
	struct child c = { 0 };
	struct hv_irqfd irq = { .gsi = 4 };
	struct ucall uc;
	bool irqchip, has_pit = false;
	int fds[4];
	char go;

	sigaction(SIGUSR1, &sa, NULL);
	c.vm = hv_vm_create();
	hv_vm_add_region(c.vm, HV_SLOT_TEST, HV_TEST_GPA, HV_2M, 0,
			 HV_BACKING_ANON);
	irqchip = !__vm_ioctl(c.vm, HV_CREATE_IRQCHIP, 0);
	if (irqchip)
		has_pit = !__vm_ioctl(c.vm, HV_CREATE_PIT2, &pit);
	c.ioeventfd = eventfd(0, EFD_NONBLOCK);
	io.fd = c.ioeventfd;
	if (__vm_ioctl(c.vm, HV_IOEVENTFD, &io)) {
		TEST_ASSERT(write(sock, "s", 1) == 1, "write");
		_exit(0);
	}
	c.irqfd = eventfd(0, EFD_NONBLOCK);
	irq.fd = c.irqfd;
	if (!irqchip || __vm_ioctl(c.vm, HV_IRQFD, &irq)) {
		close(c.irqfd);
		c.irqfd = -1;
	}
	c.vcpu = hv_vcpu_add(c.vm, 0, guest_busy);
	vcpu_args_set(c.vcpu, 2, (u64)irqchip, (u64)has_pit);
	vcpu_run(c.vcpu);
	TEST_ASSERT(get_ucall(c.vcpu, &uc) == UCALL_SYNC, "ucall %llu: %s",
		    uc.cmd, uc.text ?: "");

	pthread_create(&vt, NULL, vcpu_thread, &c);
	if (c.irqfd >= 0)
		pthread_create(&it, NULL, irqfd_thread, &c);
	usleep(2000);
	TEST_ASSERT(write(sock, "r", 1) == 1, "write");
	TEST_ASSERT(read(sock, &go, 1) == 1, "read");

	switch (end) {
	case END_CLOSE:
		/* RUN holds the vCPU file; the signal lets it go last. */
		munmap(c.vcpu->run, c.vcpu->run_size);
		close(c.vm->fd);
		if (c.irqfd >= 0)
			close(c.irqfd);
		close(c.ioeventfd);
		close(c.vcpu->fd);
		WRITE_ONCE(c.stop, true);
		/* Again and again: a signal can land just before RUN. */
		do
			pthread_kill(vt, SIGUSR1);
		while (pthread_tryjoin_np(vt, NULL) && !usleep(1000));
		_exit(0);
	case END_EXIT:
		_exit(0);
	case END_KILL:
		for (;;)
			pause();
	case END_PASS:
		fds[0] = c.vm->fd;
		fds[1] = c.vcpu->fd;
		fds[2] = c.ioeventfd;
		fds[3] = c.irqfd >= 0 ? c.irqfd : c.ioeventfd;
		hv_send_fds(sock, fds, 4);
		_exit(0);
	default:
		_exit(1);
	}
}

struct closer {
	int fds[4];
	unsigned int delay_us;
};

static void *close_fds(void *arg)
{
	struct closer *cl = arg;
	int i;

	usleep(cl->delay_us);
	for (i = 0; i < 4; i++)
		close(cl->fds[i]);
	return NULL;
}

static void find_modules(struct modules *m)
{
	bool amd = !system("grep -qw svm /proc/cpuinfo");

	m->kvm = !hv_dev_is_hv();
	strcpy(m->core, m->kvm ? "kvm" : "hv");
	strcpy(m->backend, m->kvm ? "kvm_" : "hv_");
	strcat(m->backend, amd ? "amd" : "intel");
}

FIXTURE(rmmod) {
	int unused;
};

FIXTURE_SETUP(rmmod)
{
}

FIXTURE_TEARDOWN(rmmod)
{
}

TEST_F_TIMEOUT(rmmod, unload_races_last_close, 110)
{
	unsigned long iters = hv_test_iters(40), i;
	u64 tries[NR_ENDINGS] = { 0 }, n[NR_ENDINGS] = { 0 };
	struct modules m;
	struct hv_regs regs;
	struct closer cl;
	pthread_t ct;
	int sv[2], status;
	char msg;
	pid_t pid;
	long r;

	if (geteuid())
		SKIP(return, "needs root to unload modules");
	find_modules(&m);
	if (!loaded(m.backend) || !loaded(m.core))
		SKIP(return, "%s or %s is not a loaded module (built in?)",
		     m.core, m.backend);
	HV_REQUIRE_GUEST(return);
	srand(9);
	/* Each way of letting go at least once, also on slow hosts. */
	if (iters < NR_ENDINGS)
		iters = NR_ENDINGS;

	for (i = 0; i < iters; i++) {
		enum ending end = i % NR_ENDINGS;

		ASSERT_EQ(0, load(&m)) {
			TH_LOG("iteration %lu: loading %s failed", i,
			       m.backend);
		}
		ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
		pid = fork();
		ASSERT_LE(0, pid);
		if (pid == 0) {
			close(sv[0]);
			child(sv[1], end);
		}
		close(sv[1]);
		ASSERT_EQ(1, read(sv[0], &msg, 1)) {
			TH_LOG("iteration %lu: the child died building its VM",
			       i);
		}
		if (msg == 's') {
			waitpid(pid, &status, 0);
			SKIP(return, "%s: no HV_IOEVENTFD", hv_dev_path());
		}

		/* Pinned while the VM exists. */
		EXPECT_EQ(-EWOULDBLOCK, delete_module(m.backend));
		EXPECT_EQ(-EWOULDBLOCK, delete_module(m.core));
		ASSERT_TRUE(loaded(m.backend));

		ASSERT_EQ(1, write(sv[0], "g", 1));
		if (end == END_KILL)
			kill(pid, SIGKILL);
		if (end == END_PASS) {
			ASSERT_EQ(0, __hv_recv_fds(sv[0], cl.fds, 4));
			ASSERT_EQ(pid, waitpid(pid, &status, 0));
			/* Not this process's VM: EIO, and still pinned. */
			EXPECT_EQ(-EIO, hv_ioctl(cl.fds[1], HV_GET_REGS,
						 (unsigned long)&regs));
			EXPECT_EQ(-EIO, hv_ioctl(cl.fds[0], HV_CREATE_VCPU, 1));
			EXPECT_EQ(-EWOULDBLOCK, delete_module(m.backend));
			cl.delay_us = rand() % 2000;
			ASSERT_EQ(0, pthread_create(&ct, NULL, close_fds, &cl));
		}
		r = unload_spin(m.backend, &tries[end]);
		ASSERT_EQ(0, r) {
			TH_LOG("iteration %lu (%s): %s did not unload: %s", i,
			       ending_name[end], m.backend, strerror(-r));
		}
		r = unload_spin(m.core, &tries[end]);
		ASSERT_EQ(0, r) {
			TH_LOG("iteration %lu (%s): %s did not unload: %s", i,
			       ending_name[end], m.core, strerror(-r));
		}
		if (end == END_PASS) {
			ASSERT_EQ(0, pthread_join(ct, NULL));
		} else {
			ASSERT_EQ(pid, waitpid(pid, &status, 0));
			EXPECT_TRUE(end == END_KILL ? WIFSIGNALED(status) :
				    WIFEXITED(status) && !WEXITSTATUS(status)) {
				TH_LOG("iteration %lu (%s): child status %#x",
				       i, ending_name[end], status);
			}
		}
		close(sv[0]);
		n[end]++;
	}
	ASSERT_EQ(0, load(&m));
	for (i = 0; i < NR_ENDINGS; i++)
		TH_LOG("%s: %llu iterations, %llu delete_module calls", ending_name[i],
		       (unsigned long long)n[i], (unsigned long long)tries[i]);
}

struct creator {
	int dev;
	bool stop;
	u64 vms, enodev, eintr;
	long bad;
};

/* VMs with a vCPU, made and closed on one device fd, as fast as it goes. */
static void *create_vms(void *arg)
{
	struct creator *c = arg;
	int vm, vcpu;

	while (!READ_ONCE(c->stop)) {
		vm = hv_ioctl(c->dev, HV_CREATE_VM, 0);
		if (vm == -ENODEV) {
			c->enodev++;
			sched_yield();
			continue;
		}
		/*
		 * As on KVM (and QEMU retries): registering the MMU notifier
		 * takes all of the mm's locks and gives up when a signal is
		 * pending, here the SIGCHLD of the main thread's insmod.
		 */
		if (vm == -EINTR) {
			c->eintr++;
			continue;
		}
		if (vm < 0) {
			c->bad = vm;
			break;
		}
		vcpu = hv_ioctl(vm, HV_CREATE_VCPU, 0);
		if (vcpu >= 0)
			close(vcpu);
		close(vm);
		c->vms++;
	}
	return NULL;
}

/*
 * hv only: /dev/hv exists without a backend (KVM's /dev/kvm is the
 * vendor module's).  An open device fd does not pin the backend; without
 * one, system ioctls answer and CREATE_VM fails with ENODEV; the fd works
 * again once a backend is back, also while a thread creates VMs on it
 * as the backend comes and goes.
 */
TEST_F_TIMEOUT(rmmod, dev_fd_outlives_backend, 110)
{
	unsigned long cycles = hv_test_iters(20), i;
	struct hv_msr_list list = { .nmsrs = 0 };
	struct creator c = { 0 };
	struct hv_cpuid2 *cpuid;
	struct modules m;
	pthread_t thread;
	u64 tries = 0;
	long r;

	if (geteuid())
		SKIP(return, "needs root to unload modules");
	find_modules(&m);
	if (m.kvm)
		SKIP(return, "%s goes with its vendor module", hv_dev_path());
	if (!loaded(m.backend))
		SKIP(return, "%s is not a loaded module", m.backend);
	c.dev = hv_open_dev();
	ASSERT_LE(0, c.dev);

	ASSERT_EQ(0, delete_module(m.backend));
	EXPECT_EQ(-ENODEV, hv_ioctl(c.dev, HV_CREATE_VM, 0));
	EXPECT_EQ(0, hv_ioctl(c.dev, HV_CHECK_EXTENSION, HV_CAP_USER_MEMORY));
	EXPECT_EQ(HV_API_VERSION, hv_ioctl(c.dev, HV_GET_API_VERSION, 0));
	EXPECT_LT(0, hv_ioctl(c.dev, HV_GET_VCPU_MMAP_SIZE, 0));
	cpuid = calloc(1, sizeof(*cpuid) + 100 * sizeof(cpuid->entries[0]));
	ASSERT_NE(NULL, cpuid);
	cpuid->nent = 100;
	r = hv_ioctl(c.dev, HV_GET_SUPPORTED_CPUID, (unsigned long)cpuid);
	TH_LOG("without a backend: GET_SUPPORTED_CPUID %ld (%u entries)", r,
	       cpuid->nent);
	r = hv_ioctl(c.dev, HV_GET_MSR_INDEX_LIST, (unsigned long)&list);
	TH_LOG("without a backend: GET_MSR_INDEX_LIST %ld (%u MSRs)", r,
	       list.nmsrs);
	list.nmsrs = 0;
	r = hv_ioctl(c.dev, HV_GET_MSR_FEATURE_INDEX_LIST,
		     (unsigned long)&list);
	TH_LOG("without a backend: GET_MSR_FEATURE_INDEX_LIST %ld (%u MSRs)",
	       r, list.nmsrs);
	free(cpuid);
	ASSERT_EQ(0, load(&m));
	r = hv_ioctl(c.dev, HV_CREATE_VM, 0);
	ASSERT_LE(0, r);
	close(r);

	ASSERT_EQ(0, pthread_create(&thread, NULL, create_vms, &c));
	for (i = 0; i < cycles; i++) {
		usleep(20000);
		r = unload_spin(m.backend, &tries);
		ASSERT_EQ(0, r) {
			TH_LOG("cycle %lu: %s did not unload: %s", i, m.backend,
			       strerror(-r));
		}
		usleep(20000);
		ASSERT_EQ(0, load(&m));
	}
	WRITE_ONCE(c.stop, true);
	ASSERT_EQ(0, pthread_join(thread, NULL));
	EXPECT_EQ(0, c.bad) {
		TH_LOG("CREATE_VM: %s", strerror(-c.bad));
	}
	TH_LOG("%lu unload/load cycles, %llu delete_module calls", cycles,
	       tries);
	TH_LOG("%llu VMs made, %llu ENODEV, %llu EINTR", c.vms, c.enodev,
	       c.eintr);
	close(c.dev);
}

int main(int argc, char **argv)
{
	struct modules m;
	int r;

	hv_require_dev();
	r = test_harness_run(argc, argv);
	/* Whatever happened, leave the modules loaded for the next test. */
	find_modules(&m);
	if (!geteuid())
		load(&m);
	return r;
}

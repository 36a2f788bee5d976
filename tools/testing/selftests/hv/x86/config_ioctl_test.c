// SPDX-License-Identifier: GPL-2.0-only
/*
 * The ioctls a VMM configures a VM and its vCPUs with: SET_TSS_ADDR,
 * SET_IDENTITY_MAP_ADDR, SET/GET_NR_MMU_PAGES, ENABLE_CAP(MAX_VCPU_ID)
 * on the VM; GET/SET_TSC_KHZ and SET_SIGNAL_MASK on a vCPU.  Each
 * accepts what KVM (Linux 6.1, x86.c and kvm_main.c) accepts and refuses
 * the rest with KVM's errno; the signal mask really is the one in force
 * while RUN is in the guest, and a faster TSC rate is kept by catching
 * the guest's TSC up.
 */
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "ucall.h"
#include "x86/processor.h"

TEST(set_tss_addr)
{
	struct hv_vm *vm;

	HV_REQUIRE(return, HV_CAP_SET_TSS_ADDR);
	vm = hv_vm_create_bare();
	EXPECT_EQ(0, __vm_ioctl(vm, HV_SET_TSS_ADDR, 0xfffbd000));
	/* The TSS takes three pages below 4 GiB. */
	EXPECT_EQ(0, __vm_ioctl(vm, HV_SET_TSS_ADDR, 0xffffd000));
	EXPECT_EQ(-EINVAL, __vm_ioctl(vm, HV_SET_TSS_ADDR, 0xffffd001));
	EXPECT_EQ(-EINVAL, __vm_ioctl(vm, HV_SET_TSS_ADDR, 0xffffe000));
	EXPECT_EQ(-EINVAL, __vm_ioctl(vm, HV_SET_TSS_ADDR, 1ULL << 32));
	hv_vm_free(vm);
}

TEST(set_identity_map_addr)
{
	u64 addr = 0xfffbc000;
	struct hv_vm *vm;

	HV_REQUIRE_GUEST(return, HV_CAP_SET_IDENTITY_MAP_ADDR);
	vm = hv_vm_create_bare();
	EXPECT_EQ(0, __vm_ioctl(vm, HV_SET_IDENTITY_MAP_ADDR, &addr));
	hv_vcpu_create(vm, 0);
	/* Only before the first vCPU. */
	EXPECT_EQ(-EINVAL, __vm_ioctl(vm, HV_SET_IDENTITY_MAP_ADDR, &addr));
	hv_vm_free(vm);
}

TEST(nr_mmu_pages)
{
	struct hv_vm *vm;

	vm = hv_vm_create_bare();
	EXPECT_EQ(-EINVAL, __vm_ioctl(vm, HV_SET_NR_MMU_PAGES, 63));
	EXPECT_EQ(0, __vm_ioctl(vm, HV_SET_NR_MMU_PAGES, 64));
	EXPECT_EQ(64, __vm_ioctl(vm, HV_GET_NR_MMU_PAGES, 0));
	EXPECT_EQ(0, __vm_ioctl(vm, HV_SET_NR_MMU_PAGES, 1000));
	EXPECT_EQ(1000, __vm_ioctl(vm, HV_GET_NR_MMU_PAGES, 0));
	EXPECT_EQ(-EINVAL, __vm_ioctl(vm, HV_SET_NR_MMU_PAGES, 0));
	EXPECT_EQ(1000, __vm_ioctl(vm, HV_GET_NR_MMU_PAGES, 0));
	hv_vm_free(vm);
}

static int enable_max_vcpu_id(struct hv_vm *vm, u64 max, u32 flags)
{
	struct hv_enable_cap cap = {
		.cap = HV_CAP_MAX_VCPU_ID,
		.flags = flags,
		.args = { max },
	};

	return __vm_ioctl(vm, HV_ENABLE_CAP, &cap);
}

TEST(max_vcpu_id_bounds_ids)
{
	struct hv_vm *vm;

	HV_REQUIRE_GUEST(return, HV_CAP_MAX_VCPU_ID);
	vm = hv_vm_create_bare();
	EXPECT_EQ(0, enable_max_vcpu_id(vm, 4, 0));
	EXPECT_EQ(-EINVAL, __vm_ioctl(vm, HV_CREATE_VCPU, 4));
	EXPECT_EQ(-EINVAL, __vm_ioctl(vm, HV_CREATE_VCPU, 100));
	hv_vcpu_create(vm, 3);
	hv_vm_free(vm);
}

TEST(max_vcpu_id_set_once)
{
	long limit = hv_check_cap(HV_CAP_MAX_VCPU_ID);
	struct hv_vm *vm;

	HV_REQUIRE_GUEST(return, HV_CAP_MAX_VCPU_ID);
	vm = hv_vm_create_bare();
	EXPECT_EQ(-EINVAL, enable_max_vcpu_id(vm, limit + 1, 0));
	EXPECT_EQ(-EINVAL, enable_max_vcpu_id(vm, 4, 1));	/* flags */
	EXPECT_EQ(0, enable_max_vcpu_id(vm, 4, 0));
	EXPECT_EQ(0, enable_max_vcpu_id(vm, 4, 0));	/* the same again */
	EXPECT_EQ(-EINVAL, enable_max_vcpu_id(vm, 8, 0));
	EXPECT_EQ(-EINVAL, enable_max_vcpu_id(vm, limit, 0));
	hv_vm_free(vm);
}

/*
 * KVM fixes the bound at the first vCPU (kvm_arch_vcpu_precreate() sets
 * it to KVM_MAX_VCPU_IDS when unset): afterwards only that value is
 * accepted.
 */
TEST(max_vcpu_id_fixed_by_first_vcpu)
{
	long limit = hv_check_cap(HV_CAP_MAX_VCPU_ID);
	struct hv_vm *vm;

	HV_REQUIRE_GUEST(return, HV_CAP_MAX_VCPU_ID);
	vm = hv_vm_create_bare();
	hv_vcpu_create(vm, 0);
	EXPECT_EQ(-EINVAL, enable_max_vcpu_id(vm, 4, 0));
	EXPECT_EQ(0, enable_max_vcpu_id(vm, limit, 0));
	hv_vcpu_create(vm, 5);
	hv_vm_free(vm);
}

TEST(tsc_khz)
{
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;
	long khz;

	HV_REQUIRE_GUEST(return, HV_CAP_GET_TSC_KHZ);
	vm = hv_vm_create_bare();
	vcpu = hv_vcpu_create(vm, 0);
	khz = __vcpu_ioctl(vcpu, HV_GET_TSC_KHZ, 0);
	TH_LOG("TSC %ld kHz", khz);
	ASSERT_LT(0, khz);
	EXPECT_EQ(0, __vcpu_ioctl(vcpu, HV_SET_TSC_KHZ, khz));
	EXPECT_EQ(khz, __vcpu_ioctl(vcpu, HV_GET_TSC_KHZ, 0));
	/*
	 * Without TSC scaling a slower TSC cannot be had.  (KVM records the
	 * refused rate all the same: GET_TSC_KHZ returns it afterwards.)
	 */
	if (!hv_check_cap(HV_CAP_TSC_CONTROL))
		EXPECT_EQ(-EINVAL, __vcpu_ioctl(vcpu, HV_SET_TSC_KHZ, khz / 2));
	hv_vm_free(vm);
}

/*
 * Without TSC scaling KVM still takes a faster rate than the host's
 * (set_tsc_khz(): the guest TSC is caught up at every entry) and
 * reports it back.
 */
TEST(set_tsc_khz_faster)
{
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;
	long khz;

	HV_REQUIRE_GUEST(return, HV_CAP_GET_TSC_KHZ);
	vm = hv_vm_create_bare();
	vcpu = hv_vcpu_create(vm, 0);
	khz = __vcpu_ioctl(vcpu, HV_GET_TSC_KHZ, 0);
	ASSERT_LT(0, khz);
	EXPECT_EQ(0, __vcpu_ioctl(vcpu, HV_SET_TSC_KHZ, khz * 2));
	EXPECT_EQ(khz * 2, __vcpu_ioctl(vcpu, HV_GET_TSC_KHZ, 0));
	hv_vm_free(vm);
}

/*
 * KVM's other SET_TSC_KHZ rules (kvm_set_tsc_khz(), Linux 6.1): the
 * argument is a u32 (upper bits dropped), 0 is the host's rate, and
 * within 250 ppm below the host's rate is taken as it is.
 */
TEST(set_tsc_khz_rules)
{
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;
	long khz;

	HV_REQUIRE_GUEST(return, HV_CAP_GET_TSC_KHZ);
	vm = hv_vm_create_bare();
	vcpu = hv_vcpu_create(vm, 0);
	khz = __vcpu_ioctl(vcpu, HV_GET_TSC_KHZ, 0);
	ASSERT_LT(0, khz);
	EXPECT_EQ(0, __vcpu_ioctl(vcpu, HV_SET_TSC_KHZ, khz * 3));
	EXPECT_EQ(0, __vcpu_ioctl(vcpu, HV_SET_TSC_KHZ, 0));
	EXPECT_EQ(khz, __vcpu_ioctl(vcpu, HV_GET_TSC_KHZ, 0));
	EXPECT_EQ(0, __vcpu_ioctl(vcpu, HV_SET_TSC_KHZ, (1UL << 32) | (khz * 2)));
	EXPECT_EQ(khz * 2, __vcpu_ioctl(vcpu, HV_GET_TSC_KHZ, 0));
	EXPECT_EQ(0, __vcpu_ioctl(vcpu, HV_SET_TSC_KHZ, 1UL << 32));
	EXPECT_EQ(khz, __vcpu_ioctl(vcpu, HV_GET_TSC_KHZ, 0));
	if (!hv_check_cap(HV_CAP_TSC_CONTROL) && khz >= 100000) {
		/* 200 ppm slower: taken; 300 ppm slower: refused. */
		EXPECT_EQ(0, __vcpu_ioctl(vcpu, HV_SET_TSC_KHZ,
					  khz - khz / 5000));
		EXPECT_EQ(khz - khz / 5000,
			  __vcpu_ioctl(vcpu, HV_GET_TSC_KHZ, 0));
		khz -= 3 * khz / 10000;
		EXPECT_EQ(-EINVAL, __vcpu_ioctl(vcpu, HV_SET_TSC_KHZ, khz));
		EXPECT_EQ(-EINVAL, __vcpu_ioctl(vcpu, HV_SET_TSC_KHZ, 1));
	}
	hv_vm_free(vm);
}

static void guest_tsc_twice(void)
{
	GUEST_SYNC(rdtsc());
	GUEST_SYNC(rdtsc());
	GUEST_DONE();
}

static u64 host_rdtsc(void)
{
	u32 lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return lo | ((u64)hi << 32);
}

/*
 * A faster rate without TSC scaling: the guest's TSC is caught up at
 * entries, so across a pause in userspace it advances at twice the
 * host's rate (within 10 %), never more.
 */
TEST(set_tsc_khz_faster_catches_up)
{
	struct hv_vcpu *vcpu;
	struct ucall uc;
	struct hv_vm *vm;
	u64 g0, g1, h_start, h0, h1, h_end;
	long khz;

	HV_REQUIRE_GUEST(return, HV_CAP_GET_TSC_KHZ);
	if (hv_check_cap(HV_CAP_TSC_CONTROL))
		SKIP(return, "TSC scaling: no catch-up");
	vm = hv_vm_create();
	vcpu = hv_vcpu_add(vm, 0, guest_tsc_twice);
	khz = __vcpu_ioctl(vcpu, HV_GET_TSC_KHZ, 0);
	ASSERT_LT(0, khz);
	ASSERT_EQ(0, __vcpu_ioctl(vcpu, HV_SET_TSC_KHZ, khz * 2));
	h_start = host_rdtsc();
	vcpu_expect_ucall(vcpu, UCALL_SYNC, &uc);
	g0 = uc.args[0];
	h0 = host_rdtsc();
	usleep(200 * 1000);
	h1 = host_rdtsc();
	vcpu_expect_ucall(vcpu, UCALL_SYNC, &uc);
	g1 = uc.args[0];
	h_end = host_rdtsc();
	TH_LOG("guest %llu cycles, host %llu (paused) .. %llu", g1 - g0,
	       h1 - h0, h_end - h_start);
	EXPECT_LE((h1 - h0) * 2 / 10 * 9, g1 - g0);
	EXPECT_GE((h_end - h_start) * 2 / 10 * 11, g1 - g0);
	hv_vm_free(vm);
}

/* SET_SIGNAL_MASK's argument: a length (the kernel's sigset_t) and set. */
union sigmask_arg {
	struct hv_signal_mask mask;
	u8 bytes[sizeof(struct hv_signal_mask) + 16];
};

static int set_sigmask(struct hv_vcpu *vcpu, u32 len, int blocked)
{
	union sigmask_arg arg = { .mask.len = len };
	u64 set = blocked ? 1ULL << (blocked - 1) : 0;

	memcpy(arg.mask.sigset, &set, sizeof(set));
	return __vcpu_ioctl(vcpu, HV_SET_SIGNAL_MASK, &arg);
}

TEST(signal_mask_len)
{
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;

	HV_REQUIRE_GUEST(return);
	vm = hv_vm_create_bare();
	vcpu = hv_vcpu_create(vm, 0);
	EXPECT_EQ(0, set_sigmask(vcpu, 8, SIGUSR1));
	EXPECT_EQ(-EINVAL, set_sigmask(vcpu, 4, SIGUSR1));
	EXPECT_EQ(-EINVAL, set_sigmask(vcpu, 16, SIGUSR1));
	EXPECT_EQ(-EINVAL, set_sigmask(vcpu, 0, 0));
	EXPECT_EQ(0, __vcpu_ioctl(vcpu, HV_SET_SIGNAL_MASK, NULL));
	hv_vm_free(vm);
}

/* Guest: say it spins, spin until the host releases it, then sync. */
static volatile u64 spinning, released;

static void guest_spin(void)
{
	spinning = 1;
	while (!released)
		;
	GUEST_DONE();
}

static volatile sig_atomic_t signals;

static void on_signal(int sig)
{
	signals++;
}

struct kick {
	struct hv_vm *vm;
	pthread_t target;
	int sig;
	bool release;		/* then release the guest */
	int signals_seen;	/* handler runs before the release */
};

/* Once the guest spins, signal the vCPU thread; maybe release it. */
static void *kicker(void *arg)
{
	struct kick *k = arg;
	volatile u64 *spin = hv_gpa2hva(k->vm, (u64)&spinning);
	int i;

	for (i = 0; i < 10000 && !*spin; i++)
		usleep(1000);
	pthread_kill(k->target, k->sig);
	if (k->release) {
		usleep(200 * 1000);
		k->signals_seen = signals;
		*(volatile u64 *)hv_gpa2hva(k->vm, (u64)&released) = 1;
	}
	return NULL;
}

/* RUN with SIGUSR1 blocked in the guest while @sig arrives: RUN's result. */
static int run_signalled(struct hv_vcpu *vcpu, int sig, bool release,
			 struct kick *k, bool mask)
{
	struct sigaction sa = { .sa_handler = on_signal };
	pthread_t thread;
	int r;

	TEST_ASSERT(!sigaction(SIGUSR1, &sa, NULL) &&
		    !sigaction(SIGUSR2, &sa, NULL), "sigaction");
	TEST_ASSERT(!set_sigmask(vcpu, 8, SIGUSR1), "SET_SIGNAL_MASK");
	if (!mask)
		TEST_ASSERT(!__vcpu_ioctl(vcpu, HV_SET_SIGNAL_MASK, NULL),
			    "SET_SIGNAL_MASK(NULL)");
	*k = (struct kick){ vcpu->vm, pthread_self(), sig, release, -1 };
	signals = 0;
	TEST_ASSERT(!pthread_create(&thread, NULL, kicker, k), "thread");
	r = __vcpu_run(vcpu);
	pthread_join(thread, NULL);
	return r;
}

TEST(blocked_signal_does_not_interrupt_run)
{
	struct hv_vcpu *vcpu;
	struct ucall uc;
	struct kick k;
	struct hv_vm *vm;

	HV_REQUIRE_GUEST(return);
	vm = hv_vm_create();
	vcpu = hv_vcpu_add(vm, 0, guest_spin);
	ASSERT_EQ(0, run_signalled(vcpu, SIGUSR1, true, &k, true));
	EXPECT_EQ(UCALL_DONE, get_ucall(vcpu, &uc));
	EXPECT_EQ(0, k.signals_seen);	/* held while in the guest */
	EXPECT_EQ(1, signals);		/* delivered once RUN returned */
	hv_vm_free(vm);
}

TEST(unblocked_signal_interrupts_run)
{
	struct hv_vcpu *vcpu;
	struct kick k;
	struct hv_vm *vm;

	HV_REQUIRE_GUEST(return);
	vm = hv_vm_create();
	vcpu = hv_vcpu_add(vm, 0, guest_spin);
	EXPECT_EQ(-EINTR, run_signalled(vcpu, SIGUSR2, false, &k, true));
	EXPECT_EQ(HV_EXIT_INTR, vcpu->run->exit_reason);
	EXPECT_EQ(1, signals);
	hv_vm_free(vm);
}

/* SET_SIGNAL_MASK(NULL): RUN keeps the thread's own mask again. */
TEST(null_signal_mask_unblocks)
{
	struct hv_vcpu *vcpu;
	struct kick k;
	struct hv_vm *vm;

	HV_REQUIRE_GUEST(return);
	vm = hv_vm_create();
	vcpu = hv_vcpu_add(vm, 0, guest_spin);
	EXPECT_EQ(-EINTR, run_signalled(vcpu, SIGUSR1, false, &k, false));
	EXPECT_EQ(HV_EXIT_INTR, vcpu->run->exit_reason);
	EXPECT_EQ(1, signals);
	hv_vm_free(vm);
}

int main(int argc, char **argv)
{
	hv_require_dev();
	return test_harness_run(argc, argv);
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host memory management working on guest memory while the guest uses it
 * (robustness.md, classes 16 and section 5.5).  The guest writes a
 * pattern that changes with every pass to every page of its slot and
 * checks it, and checks the previous pass's data before overwriting it;
 * after each pass the host checks the same data through its own mapping
 * (a stale host page behind a nested page table entry is seen there even
 * when the guest reads back its own writes).  Even pages hold the same
 * contents, so that KSM can merge them.
 *   - memcg_smaller_than_guest: the test runs in a cgroup v2 memory
 *     cgroup whose memory.max is a third of guest memory, with swap
 *     (zram) on: every pass swaps the guest out and in;
 *   - mm_churn: while the guest runs, a host thread keeps doing
 *     MADV_PAGEOUT and MADV_COLD of random 2 MiB chunks, splits huge
 *     pages by mprotect()ing a 4 KiB page read-only and back (RUN may
 *     fail with EFAULT while a guest write hits it: it is run again),
 *     toggles MADV_HUGEPAGE/MADV_NOHUGEPAGE with khugepaged scanning
 *     fast (collapse), toggles MADV_MERGEABLE/MADV_UNMERGEABLE with ksmd
 *     scanning fast, and forks (every anonymous page becomes
 *     copy-on-write).
 * Needs root for the cgroup, swap, KSM and khugepaged settings (each is
 * skipped, or its part left out, without).  The /proc/vmstat and KSM
 * counters that show the pressure really happened are logged.
 */
#include <pthread.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "kselftest_harness.h"
#include "ucall.h"
#include "x86/processor.h"

#define GPA		HV_TEST_GPA
#define WORDS		(HV_PAGE_SIZE / 8)

static inline u64 pattern(u64 pass, u64 page, u64 word)
{
	u64 x = pass * 0x9e3779b97f4a7c15ULL ^ word * 0xff51afd7ed558ccdULL;

	/* Even pages are all alike (KSM merges them), odd ones unique. */
	return page & 1 ? x ^ (page << 32) ^ page : x;
}

/* Returns the first bad page + 1, or 0. */
static inline u64 check_pages(const u64 *mem, u64 pages, u64 pass)
{
	u64 p, w;

	for (p = 0; p < pages; p++)
		for (w = 0; w < WORDS; w++)
			if (READ_ONCE(mem[p * WORDS + w]) != pattern(pass, p, w))
				return p + 1;
	return 0;
}

static void guest_writer(u64 pages)
{
	u64 *mem = (u64 *)GPA;
	u64 pass, p, w;

	for (pass = 1;; pass++) {
		if (pass > 1)
			GUEST_ASSERT_EQ(check_pages(mem, pages, pass - 1), 0);
		for (p = 0; p < pages; p++)
			for (w = 0; w < WORDS; w++)
				WRITE_ONCE(mem[p * WORDS + w],
					   pattern(pass, p, w));
		GUEST_ASSERT_EQ(check_pages(mem, pages, pass), 0);
		GUEST_SYNC(pass);
	}
}

static long read_long(const char *path)
{
	char buf[64] = "";
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 ? strtol(buf, NULL, 0) : -1;
}

/* A /proc/vmstat counter, -1 if absent. */
static long vm_counter(const char *name)
{
	char line[128];
	size_t n = strlen(name);
	long v = -1;
	FILE *f = fopen("/proc/vmstat", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, name, n) && line[n] == ' ') {
			v = strtol(line + n + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

/* Swap on zram if there is none (the selftests payload sets it up). */
static bool ensure_swap(void)
{
	if (hv_have_swap())
		return true;
	if (geteuid())
		return false;
	if (access("/sys/block/zram0", F_OK))
		system("modprobe zram num_devices=1 2>/dev/null");
	if (hv_write_file("/sys/block/zram0/disksize", "256M") ||
	    system("mkswap /dev/zram0 >/dev/null") ||
	    system("swapon /dev/zram0"))
		return false;
	return hv_have_swap();
}

struct vmstats {
	long pswpout, pswpin, split, collapse, cow;
};

static void vmstats_read(struct vmstats *s)
{
	s->pswpout = vm_counter("pswpout");
	s->pswpin = vm_counter("pswpin");
	s->split = vm_counter("thp_split_pmd");
	s->collapse = vm_counter("thp_collapse_alloc");
	s->cow = vm_counter("cow_ksm");
}

/* Shared between the vCPU loop and the churn thread. */
struct churn {
	u8 *mem;
	u64 size;
	bool stop;
	bool ro_active;		/* a page is read-only right now */
	u64 ro_seq;		/* read-only windows closed so far */
	u64 ops[7];
	long ksm_sharing_max;
	bool ksm;
};

/* Run the guest for one pass; EFAULT only while a page is read-only. */
static void run_pass(struct __test_metadata *_metadata, struct hv_vcpu *vcpu,
		     struct churn *c, u64 *efaults)
{
	struct ucall uc;
	u64 seq;
	int r;

	for (;;) {
		seq = c ? READ_ONCE(c->ro_seq) : 0;
		r = __vcpu_run(vcpu);
		if (r == -EFAULT && c &&
		    (READ_ONCE(c->ro_active) || READ_ONCE(c->ro_seq) != seq)) {
			(*efaults)++;
			usleep(100);
			continue;
		}
		ASSERT_EQ(0, r) {
			TH_LOG("RUN: %s", strerror(-r));
		}
		break;
	}
	r = get_ucall(vcpu, &uc);
	ASSERT_EQ(UCALL_SYNC, r) {
		TH_LOG("ucall %d: %s", r, uc.text ?: "");
	}
}

static void host_check(struct __test_metadata *_metadata, const u64 *mem,
		       u64 pages, u64 pass)
{
	u64 bad = check_pages(mem, pages, pass);

	ASSERT_EQ(0, bad) {
		TH_LOG("pass %llu: host sees page %llu (of %llu) wrong", pass,
		       bad - 1, pages);
	}
}

#define CGROOT		"/sys/fs/cgroup"
#define CG		CGROOT "/hv-mem-pressure"

FIXTURE(mem) {
	int unused;
};

FIXTURE_SETUP(mem)
{
}

FIXTURE_TEARDOWN(mem)
{
}

TEST_F_TIMEOUT(mem, memcg_smaller_than_guest, 100)
{
	u64 pages = hv_test_iters(12 << 20) / HV_PAGE_SIZE, pass, passes;
	struct vmstats a, b;
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;
	char max[32];
	u64 *mem;
	int r;

	HV_REQUIRE_GUEST(return);
	if (geteuid())
		SKIP(return, "needs root for a memory cgroup");
	if (!ensure_swap())
		SKIP(return, "no swap and none could be set up on zram");
	if (access(CGROOT "/cgroup.controllers", F_OK))
		mount("cgroup2", CGROOT, "cgroup2", 0, NULL);
	if (access(CGROOT "/cgroup.controllers", F_OK))
		SKIP(return, "no cgroup v2 at " CGROOT);
	r = hv_write_file(CGROOT "/cgroup.subtree_control", "+memory");
	if (r)
		SKIP(return, "cannot enable the memory controller: %s",
		     strerror(-r));
	/* Thrashing a memcg is all page faults: too slow there. */
	if (pages < 1024)
		SKIP(return, "%llu pages: this host is too slow (HV_STRESS, Bochs)",
		     pages);
	rmdir(CG);
	ASSERT_EQ(0, mkdir(CG, 0755));
	/* A third of the guest's memory. */
	snprintf(max, sizeof(max), "%llu", pages * HV_PAGE_SIZE / 3);
	ASSERT_EQ(0, hv_write_file(CG "/memory.max", max));
	ASSERT_EQ(0, hv_write_file(CG "/cgroup.procs", "0"));

	vmstats_read(&a);
	vm = hv_vm_create();
	mem = hv_vm_add_region(vm, HV_SLOT_TEST, GPA, pages * HV_PAGE_SIZE, 0,
			       HV_BACKING_ANON);
	vcpu = hv_vcpu_add(vm, 0, guest_writer);
	vcpu_args_set(vcpu, 1, pages);
	passes = 2;
	for (pass = 1; pass <= passes; pass++) {
		run_pass(_metadata, vcpu, NULL, NULL);
		host_check(_metadata, mem, pages, pass);
	}
	vmstats_read(&b);
	TH_LOG("%llu passes over %llu MiB in a %s-byte memcg", passes,
	       pages * HV_PAGE_SIZE >> 20, max);
	TH_LOG("pswpout +%ld, pswpin +%ld, memory.swap.current %ld",
	       b.pswpout - a.pswpout, b.pswpin - a.pswpin,
	       read_long(CG "/memory.swap.current"));
	fflush(stdout);
	system("sed 's/^/# memory.events: /' " CG "/memory.events");
	/* Far more than memory.max went through: it was swapped. */
	EXPECT_LT(0, b.pswpout - a.pswpout);
	hv_vm_free(vm);
	hv_write_file(CGROOT "/cgroup.procs", "0");
	rmdir(CG);
}

static void *churn_thread(void *arg)
{
	struct churn *c = arg;
	unsigned int seed = 99;
	u64 chunks = c->size / HV_2M;
	pid_t pid;
	long v;

	while (!READ_ONCE(c->stop)) {
		unsigned int op = rand_r(&seed) % 7;
		u8 *chunk = c->mem + (rand_r(&seed) % chunks) * HV_2M;
		u8 *page = chunk + (rand_r(&seed) % 512) * HV_PAGE_SIZE;

		switch (op) {
		case 0:
			madvise(chunk, HV_2M, MADV_PAGEOUT);
			break;
		case 1:
			madvise(chunk, HV_2M, MADV_COLD);
			break;
		case 2:
			/* Splits a huge page mapping it. */
			WRITE_ONCE(c->ro_active, true);
			mprotect(page, HV_PAGE_SIZE, PROT_READ);
			usleep(200);
			mprotect(page, HV_PAGE_SIZE, PROT_READ | PROT_WRITE);
			WRITE_ONCE(c->ro_active, false);
			WRITE_ONCE(c->ro_seq, c->ro_seq + 1);
			break;
		case 3:
			madvise(chunk, HV_2M, MADV_NOHUGEPAGE);
			usleep(200);
			madvise(chunk, HV_2M, MADV_HUGEPAGE);
			break;
		case 4:
			if (c->ksm && !(rand_r(&seed) % 8))
				madvise(c->mem, c->size, MADV_UNMERGEABLE);
			if (c->ksm)
				madvise(c->mem, c->size, MADV_MERGEABLE);
			break;
		case 5:
			pid = fork();
			if (pid == 0)
				_exit(0);
			if (pid > 0)
				waitpid(pid, NULL, 0);
			break;
		case 6:
			v = read_long("/sys/kernel/mm/ksm/pages_sharing");
			if (v > c->ksm_sharing_max)
				c->ksm_sharing_max = v;
			usleep(1000);
			break;
		}
		c->ops[op]++;
	}
	return NULL;
}

struct knob {
	const char *path;
	const char *value;
	char saved[64];
	bool set;
};

#define KHUGEPAGED	"/sys/kernel/mm/transparent_hugepage/khugepaged/"

static struct knob knobs[] = {
	{ .path = "/sys/kernel/mm/ksm/run", .value = "1" },
	{ .path = "/sys/kernel/mm/ksm/pages_to_scan", .value = "5000" },
	{ .path = "/sys/kernel/mm/ksm/sleep_millisecs", .value = "0" },
	{ .path = KHUGEPAGED "scan_sleep_millisecs", .value = "0" },
	{ .path = KHUGEPAGED "alloc_sleep_millisecs", .value = "0" },
	{ .path = KHUGEPAGED "pages_to_scan", .value = "8192" },
};

static void knobs_set(void)
{
	unsigned int i;
	ssize_t n;
	int fd;

	for (i = 0; i < HV_ARRAY_SIZE(knobs); i++) {
		fd = open(knobs[i].path, O_RDONLY);
		if (fd < 0)
			continue;
		n = read(fd, knobs[i].saved, sizeof(knobs[i].saved) - 1);
		close(fd);
		if (n <= 0)
			continue;
		knobs[i].saved[n] = 0;
		knobs[i].set = !hv_write_file(knobs[i].path, knobs[i].value);
	}
}

static void knobs_restore(void)
{
	unsigned int i;

	for (i = 0; i < HV_ARRAY_SIZE(knobs); i++)
		if (knobs[i].set)
			hv_write_file(knobs[i].path, knobs[i].saved);
}

#define CHURN_SECONDS	10

TEST_F_TIMEOUT(mem, mm_churn, 100)
{
	u64 size = hv_align_up(hv_test_iters(16 << 20), HV_2M), pages;
	struct churn c = { 0 };
	struct timespec start, now;
	u64 pass, efaults = 0;
	struct vmstats a, b;
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;
	pthread_t thread;
	u64 *mem;

	HV_REQUIRE_GUEST(return);
	if (size < HV_2M)
		size = HV_2M;
	pages = size / HV_PAGE_SIZE;
	if (!ensure_swap())
		TH_LOG("no swap: MADV_PAGEOUT does nothing");
	if (!geteuid())
		knobs_set();
	c.ksm = knobs[0].set;

	vmstats_read(&a);
	vm = hv_vm_create();
	mem = hv_vm_add_region(vm, HV_SLOT_TEST, GPA, size, 0, HV_BACKING_THP);
	c.mem = (u8 *)mem;
	c.size = size;
	if (c.ksm)
		madvise(mem, size, MADV_MERGEABLE);
	vcpu = hv_vcpu_add(vm, 0, guest_writer);
	vcpu_args_set(vcpu, 1, pages);
	ASSERT_EQ(0, pthread_create(&thread, NULL, churn_thread, &c));

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (pass = 1;; pass++) {
		run_pass(_metadata, vcpu, &c, &efaults);
		host_check(_metadata, mem, pages, pass);
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (pass >= 2 && now.tv_sec - start.tv_sec >= CHURN_SECONDS)
			break;
	}
	WRITE_ONCE(c.stop, true);
	ASSERT_EQ(0, pthread_join(thread, NULL));
	vmstats_read(&b);
	TH_LOG("%llu passes over %llu MiB; %llu RUNs hit a read-only page",
	       pass, size >> 20, efaults);
	TH_LOG("ops: %llu pageout, %llu cold, %llu mprotect, %llu THP toggles",
	       c.ops[0], c.ops[1], c.ops[2], c.ops[3]);
	TH_LOG("ops: %llu KSM (un)merge, %llu forks", c.ops[4], c.ops[5]);
	TH_LOG("pswpout +%ld, pswpin +%ld, thp_split_pmd +%ld, thp_collapse_alloc +%ld",
	       b.pswpout - a.pswpout, b.pswpin - a.pswpin, b.split - a.split,
	       b.collapse - a.collapse);
	TH_LOG("cow_ksm +%ld, KSM pages_sharing up to %ld%s", b.cow - a.cow,
	       c.ksm_sharing_max, c.ksm ? "" : " (no KSM)");
	if (c.ksm)
		madvise(mem, size, MADV_UNMERGEABLE);
	hv_vm_free(vm);
	knobs_restore();
}

int main(int argc, char **argv)
{
	hv_require_dev();
	return test_harness_run(argc, argv);
}

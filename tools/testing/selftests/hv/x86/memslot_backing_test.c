// SPDX-License-Identifier: GPL-2.0-only
/*
 * What happens to guest memory through its host mapping:
 *   - munmap() of a slot's backing: the next guest access makes RUN fail
 *     with EFAULT (the slot stays); mapping memory there again recovers;
 *   - a slot backed by transparent huge pages (2 MiB aligned,
 *     MADV_HUGEPAGE) is read and written by the guest;
 *   - MADV_PAGEOUT of guest memory the guest has touched: the pages go
 *     to swap (the hypervisor holds no pin) and come back intact when the
 *     guest reads them again.  Needs swap: without any, the test sets up
 *     a zram swap device (root, zram module) or skips.
 */
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/swap.h>

#include "kselftest_harness.h"
#include "ucall.h"
#include "x86/processor.h"

#define GPA		HV_TEST_GPA

/* Write @val to each page of [GPA, GPA + size), or check each holds it. */
static void guest_pages(u64 size, u64 seed)
{
	u64 off;

	for (off = 0; off < size; off += HV_PAGE_SIZE)
		WRITE_ONCE(*(u64 *)(GPA + off), seed ^ off);
	GUEST_SYNC(0);
	for (;;) {
		for (off = 0; off < size; off += HV_PAGE_SIZE)
			GUEST_ASSERT_EQ(READ_ONCE(*(u64 *)(GPA + off)),
					seed ^ off);
		GUEST_SYNC(1);
	}
}

static void host_check(struct __test_metadata *_metadata, char *mem,
		       u64 size, u64 seed)
{
	u64 off;

	for (off = 0; off < size; off += HV_PAGE_SIZE)
		ASSERT_EQ(seed ^ off, *(u64 *)(mem + off));
}

TEST(munmap_backing_faults)
{
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;
	char *mem, *again;

	HV_REQUIRE_GUEST(return);
	vm = hv_vm_create();
	mem = hv_vm_add_region(vm, HV_SLOT_TEST, GPA, HV_2M, 0,
			       HV_BACKING_ANON);
	vcpu = hv_vcpu_add(vm, 0, guest_pages);
	vcpu_args_set(vcpu, 2, HV_2M, 0x1111ULL);
	vcpu_expect_ucall(vcpu, UCALL_SYNC, NULL);
	vcpu_expect_ucall(vcpu, UCALL_SYNC, NULL);

	ASSERT_EQ(0, munmap(mem, HV_2M));
	EXPECT_EQ(-EFAULT, __vcpu_run(vcpu));
	EXPECT_EQ(-EFAULT, __vcpu_run(vcpu));

	/* New (zeroed) memory at the same address: the guest sees it. */
	again = mmap(mem, HV_2M, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	ASSERT_EQ(mem, again);
	vcpu_run(vcpu);
	ASSERT_EQ(UCALL_ABORT, get_ucall(vcpu, &(struct ucall){}));
	hv_vm_free(vm);
}

static long anon_huge_kb(void *addr)
{
	char line[256];
	unsigned long start, end;
	bool in = false;
	long kb = -1;
	FILE *f = fopen("/proc/self/smaps", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &start, &end) == 2 &&
		    strchr(line, '-') == line + strspn(line, "0123456789abcdef"))
			in = (unsigned long)addr >= start &&
			     (unsigned long)addr < end;
		else if (in && sscanf(line, "AnonHugePages: %ld kB", &kb) == 1)
			break;
	}
	fclose(f);
	return kb;
}

TEST(thp_backed_slot)
{
	const u64 size = 4 * HV_2M;
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;
	char mode[128] = "";
	FILE *f;
	char *mem;
	long kb;

	HV_REQUIRE_GUEST(return);
	f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
	if (!f || !fgets(mode, sizeof(mode), f) || strstr(mode, "[never]"))
		SKIP(return, "transparent huge pages are off: %s", mode);
	fclose(f);

	vm = hv_vm_create();
	mem = hv_vm_add_region(vm, HV_SLOT_TEST, GPA, size, 0,
			       HV_BACKING_THP);
	memset(mem, 0, size);
	kb = anon_huge_kb(mem);
	TH_LOG("THP mode %.*s, AnonHugePages %ld kB", (int)strcspn(mode, "\n"),
	       mode, kb);
	if (kb <= 0)
		SKIP(return, "no transparent huge page could be allocated");

	vcpu = hv_vcpu_add(vm, 0, guest_pages);
	vcpu_args_set(vcpu, 2, size, 0x2222ULL);
	vcpu_expect_ucall(vcpu, UCALL_SYNC, NULL);
	host_check(_metadata, mem, size, 0x2222);
	vcpu_expect_ucall(vcpu, UCALL_SYNC, NULL);
	TH_LOG("after the guest: AnonHugePages %ld kB", anon_huge_kb(mem));
	hv_vm_free(vm);
}

/* Pages of [p, p + size) that are swapped out, from /proc/self/pagemap. */
static long swapped_pages(void *p, u64 size)
{
	int fd = open("/proc/self/pagemap", O_RDONLY);
	u64 e, off;
	long n = 0;

	if (fd < 0)
		return -1;
	for (off = 0; off < size; off += HV_PAGE_SIZE) {
		if (pread(fd, &e, 8, ((u64)p + off) / HV_PAGE_SIZE * 8) != 8)
			break;
		n += (e >> 62) & 1;
	}
	close(fd);
	return n;
}

/* A 64 MiB zram swap device; NULL with *why set if there can't be one. */
static const char *zram_swap_on(const char **why)
{
	static const char dev[] = "/dev/zram0";
	u32 header[1024] = { 0 };
	int fd;

	if (geteuid()) {
		*why = "not root";
		return NULL;
	}
	if (access("/sys/block/zram0", F_OK) &&
	    system("modprobe zram num_devices=1 2>/dev/null")) {
		*why = "no zram module";
		return NULL;
	}
	if (hv_write_file("/sys/block/zram0/disksize", "64M")) {
		*why = "no zram device (CONFIG_ZRAM, module zram)";
		return NULL;
	}
	/* swap header v1: version, last page, no bad pages; signature */
	header[256] = 1;
	header[257] = (64 << 20) / HV_PAGE_SIZE - 1;
	memcpy((char *)header + HV_PAGE_SIZE - 10, "SWAPSPACE2", 10);
	fd = open(dev, O_WRONLY);
	if (fd < 0 || pwrite(fd, header, sizeof(header), 0) != sizeof(header) ||
	    close(fd) || swapon(dev, 0)) {
		*why = "swapon of /dev/zram0 failed";
		return NULL;
	}
	return dev;
}

TEST(pageout_preserves_contents)
{
	const u64 size = HV_2M;
	const char *zram = NULL, *why = "";
	long before, out, control_out;
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;
	char *mem, *control;
	size_t map_size;
	void *map;
	int i;

	HV_REQUIRE_GUEST(return);
	if (!hv_have_swap()) {
		zram = zram_swap_on(&why);
		if (!zram)
			SKIP(return, "no swap for MADV_PAGEOUT: %s", why);
	}

	vm = hv_vm_create();
	mem = hv_vm_add_region(vm, HV_SLOT_TEST, GPA, size, 0,
			       HV_BACKING_ANON);
	ASSERT_EQ(0, madvise(mem, size, MADV_NOHUGEPAGE));
	vcpu = hv_vcpu_add(vm, 0, guest_pages);
	vcpu_args_set(vcpu, 2, size, 0x3333ULL);
	vcpu_expect_ucall(vcpu, UCALL_SYNC, NULL);
	vcpu_expect_ucall(vcpu, UCALL_SYNC, NULL);

	/* The same amount of memory no VM uses, as a control. */
	control = hv_mmap_backing(size, HV_BACKING_ANON, &map, &map_size);
	ASSERT_EQ(0, madvise(control, size, MADV_NOHUGEPAGE));
	memset(control, 0x5a, size);

	/*
	 * Pages the guest used are on the active list: the first
	 * MADV_PAGEOUT only deactivates them, a second one swaps them.
	 */
	before = swapped_pages(mem, size);
	for (i = 0, out = 0; i < 4 && out < (long)(size / HV_PAGE_SIZE); i++) {
		ASSERT_EQ(0, madvise(mem, size, MADV_PAGEOUT));
		ASSERT_EQ(0, madvise(control, size, MADV_PAGEOUT));
		out = swapped_pages(mem, size);
	}
	control_out = swapped_pages(control, size);
	TH_LOG("after %d MADV_PAGEOUT: %ld of %llu guest pages swapped (%ld before)",
	       i, out, size / HV_PAGE_SIZE, before);
	TH_LOG("control: %ld pages swapped", control_out);
	if (control_out <= 0)
		SKIP(goto out, "MADV_PAGEOUT swapped out nothing here");
	EXPECT_LT(0, out);

	/* The guest reads every page back from swap. */
	vcpu_expect_ucall(vcpu, UCALL_SYNC, NULL);
	host_check(_metadata, mem, size, 0x3333);
out:
	hv_vm_free(vm);
	if (zram) {
		swapoff(zram);
		hv_write_file("/sys/block/zram0/reset", "1");
	}
}

int main(int argc, char **argv)
{
	hv_require_dev();
	return test_harness_run(argc, argv);
}

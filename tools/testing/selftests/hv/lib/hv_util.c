// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv selftest library, architecture-independent part: the device, VMs,
 * memory slots, ioctl wrappers and failure reporting.
 */
#include <link.h>
#include <stdarg.h>
#include <sys/mman.h>
#include <time.h>

#include "kselftest.h"
#include "hv_util.h"

void hv_test_fail(const char *file, int line, const char *cond,
		  const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "# %s:%d: ", file, line);
	if (cond)
		fprintf(stderr, "`%s' failed: ", cond);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (saved)
		fprintf(stderr, " (errno %d: %s)", saved, strerror(saved));
	fputc('\n', stderr);
	fflush(stderr);
	exit(KSFT_FAIL);
}

long __hv_ioctl_ok(int fd, unsigned long cmd, unsigned long arg,
		   const char *name, const char *file, int line)
{
	long r = hv_ioctl(fd, cmd, arg);

	if (r < 0) {
		errno = -r;
		hv_test_fail(file, line, NULL, "ioctl %s on fd %d: %ld",
			     name, fd, r);
	}
	return r;
}

long hv_sys_ioctl(unsigned long cmd, unsigned long arg)
{
	int fd = hv_open_dev();
	long r;

	if (fd < 0)
		return -errno;
	r = hv_ioctl(fd, cmd, arg);
	close(fd);
	return r;
}

long hv_check_cap(long cap)
{
	int fd = hv_open_dev();
	long r;

	if (fd < 0)
		return -errno;
	r = hv_ioctl(fd, HV_CHECK_EXTENSION, cap);
	close(fd);
	/* An error from a device that opened means "not there". */
	return r < 0 ? 0 : r;
}

const char *hv_missing_cap(const char *names, const long *caps)
{
	static char why[256];
	const char *name = names;
	int len;
	long v;

	for (; *caps != -1; caps++) {
		len = strcspn(name, ", ");
		v = hv_check_cap(*caps);
		if (v < 0) {
			snprintf(why, sizeof(why), "cannot open %s: %s",
				 hv_dev_path(), strerror(-v));
			return why;
		}
		if (!v) {
			snprintf(why, sizeof(why), "%s: %.*s is 0",
				 hv_dev_path(), len, name);
			return why;
		}
		name += len;
		name += strspn(name, ", ");
	}
	return NULL;
}

void hv_require_dev(void)
{
	int fd = hv_open_dev();

	if (fd < 0) {
		ksft_print_header();
		ksft_exit_skip("cannot open %s: %s\n", hv_dev_path(),
			       strerror(errno));
	}
	close(fd);
}

struct hv_vm *hv_vm_create_bare(void)
{
	struct hv_vm *vm = calloc(1, sizeof(*vm));
	int dev = hv_open_dev();

	TEST_ASSERT(vm, "out of memory");
	TEST_ASSERT(dev >= 0, "cannot open %s", hv_dev_path());
	vm->fd = hv_ioctl_ok(dev, HV_CREATE_VM, 0);
	close(dev);
	return vm;
}

void hv_vm_free(struct hv_vm *vm)
{
	unsigned int i;

	for (i = 0; i < HV_MAX_VCPUS; i++)
		if (vm->vcpus[i])
			hv_vcpu_free(vm->vcpus[i]);
	if (vm->fd >= 0)
		close(vm->fd);
	for (i = 0; i < HV_MAX_REGIONS; i++)
		if (vm->regions[i].used && vm->regions[i].map)
			munmap(vm->regions[i].map, vm->regions[i].map_size);
	free(vm);
}

int __hv_vm_set_region(struct hv_vm *vm, u32 slot, u32 flags, u64 gpa,
		       u64 size, void *hva)
{
	struct hv_userspace_memory_region mr = {
		.slot = slot,
		.flags = flags,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (u64)hva,
	};

	return hv_ioctl(vm->fd, HV_SET_USER_MEMORY_REGION, (unsigned long)&mr);
}

void *hv_mmap_backing(size_t size, enum hv_backing backing, void **map,
		      size_t *map_size)
{
	size_t extra = backing == HV_BACKING_THP ? HV_2M : 0;
	char *p;

	p = mmap(NULL, size + extra, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	TEST_ASSERT(p != MAP_FAILED, "mmap of %zu bytes", size + extra);
	*map = p;
	*map_size = size + extra;
	if (backing == HV_BACKING_THP) {
		p = (char *)hv_align_up((u64)p, HV_2M);
		TEST_ASSERT(!madvise(p, size, MADV_HUGEPAGE),
			    "madvise(MADV_HUGEPAGE)");
	}
	return p;
}

struct hv_region *hv_vm_region(struct hv_vm *vm, u32 slot)
{
	unsigned int i;

	for (i = 0; i < HV_MAX_REGIONS; i++)
		if (vm->regions[i].used && vm->regions[i].mr.slot == slot)
			return &vm->regions[i];
	return NULL;
}

void *hv_vm_add_region(struct hv_vm *vm, u32 slot, u64 gpa, u64 size,
		       u32 flags, enum hv_backing backing)
{
	struct hv_region *r = NULL;
	unsigned int i;
	void *hva;
	int ret;

	TEST_ASSERT(!hv_vm_region(vm, slot), "slot %u is in use", slot);
	for (i = 0; i < HV_MAX_REGIONS && !r; i++)
		if (!vm->regions[i].used)
			r = &vm->regions[i];
	TEST_ASSERT(r, "more than %d regions", HV_MAX_REGIONS);

	hva = hv_mmap_backing(size, backing, &r->map, &r->map_size);
	ret = __hv_vm_set_region(vm, slot, flags, gpa, size, hva);
	errno = -ret;
	TEST_ASSERT(!ret, "HV_SET_USER_MEMORY_REGION slot %u gpa 0x%llx size 0x%llx: %d",
		    slot, gpa, size, ret);
	r->used = true;
	r->mr = (struct hv_userspace_memory_region){
		.slot = slot,
		.flags = flags,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (u64)hva,
	};
	return hva;
}

void hv_vm_move_region(struct hv_vm *vm, u32 slot, u64 gpa)
{
	struct hv_region *r = hv_vm_region(vm, slot);
	int ret;

	TEST_ASSERT(r, "no slot %u", slot);
	ret = __hv_vm_set_region(vm, slot, r->mr.flags, gpa,
				 r->mr.memory_size,
				 (void *)r->mr.userspace_addr);
	errno = -ret;
	TEST_ASSERT(!ret, "HV_SET_USER_MEMORY_REGION moving slot %u to 0x%llx",
		    slot, gpa);
	r->mr.guest_phys_addr = gpa;
}

void hv_vm_delete_region(struct hv_vm *vm, u32 slot)
{
	struct hv_region *r = hv_vm_region(vm, slot);
	int ret;

	TEST_ASSERT(r, "no slot %u", slot);
	ret = __hv_vm_set_region(vm, slot, 0, 0, 0, NULL);
	errno = -ret;
	TEST_ASSERT(!ret, "HV_SET_USER_MEMORY_REGION deleting slot %u", slot);
	munmap(r->map, r->map_size);
	memset(r, 0, sizeof(*r));
}

void *hv_gpa2hva(struct hv_vm *vm, u64 gpa)
{
	unsigned int i;

	for (i = 0; i < HV_MAX_REGIONS; i++) {
		struct hv_userspace_memory_region *mr = &vm->regions[i].mr;

		if (vm->regions[i].used && gpa >= mr->guest_phys_addr &&
		    gpa - mr->guest_phys_addr < mr->memory_size)
			return (char *)mr->userspace_addr +
			       (gpa - mr->guest_phys_addr);
	}
	TEST_FAIL("no memory slot holds GPA 0x%llx", gpa);
}

void hv_sync_to_guest(struct hv_vm *vm, const void *g, size_t size)
{
	memcpy(hv_gpa2hva(vm, (u64)g), g, size);
}

void hv_sync_from_guest(struct hv_vm *vm, void *g, size_t size)
{
	memcpy(g, hv_gpa2hva(vm, (u64)g), size);
}

struct image {
	u64 lo, hi;
	char *hva;
};

/* dl_iterate_phdr() callback: the main program comes first. */
static int image_walk(struct dl_phdr_info *info, size_t size, void *data)
{
	struct image *im = data;
	unsigned int i;
	u64 va, end;

	for (i = 0; i < info->dlpi_phnum; i++) {
		if (info->dlpi_phdr[i].p_type != PT_LOAD)
			continue;
		va = info->dlpi_addr + info->dlpi_phdr[i].p_vaddr;
		end = va + info->dlpi_phdr[i].p_memsz;
		if (im->hva)
			memcpy(im->hva + (va - im->lo), (const void *)va,
			       end - va);
		if (va < im->lo)
			im->lo = va;
		if (end > im->hi)
			im->hi = end;
	}
	return 1;
}

bool hv_image_contains(const void *p, size_t len)
{
	static struct image im = { .lo = ~0ULL };

	if (!im.hi)
		dl_iterate_phdr(image_walk, &im);
	return (u64)p >= im.lo && (u64)p <= im.hi && len <= im.hi - (u64)p;
}

/*
 * Copy the test binary's loadable segments into the code slot at their
 * link addresses: the guest then runs the test's own functions and sees
 * its globals as they were at this point (see sync_global_to_guest()).
 */
void hv_vm_load_image(struct hv_vm *vm)
{
	struct image im = { .lo = ~0ULL };

	dl_iterate_phdr(image_walk, &im);
	im.lo = hv_align_down(im.lo, HV_2M);
	im.hi = hv_align_up(im.hi, HV_2M);
	TEST_ASSERT(im.lo >= HV_SYS_GPA + HV_SYS_SIZE && im.hi <= HV_TEST_GPA,
		    "test image at 0x%llx-0x%llx: link it static, non-PIE",
		    im.lo, im.hi);
	im.hva = hv_vm_add_region(vm, HV_SLOT_CODE, im.lo, im.hi - im.lo, 0,
				  HV_BACKING_ANON);
	dl_iterate_phdr(image_walk, &im);
}

/* Nanoseconds a fixed loop takes, the best of three. */
static u64 calibration_ns(void)
{
	struct timespec a, b;
	u64 best = ~0ULL, ns;
	volatile u64 sink = 0;
	int i, j;

	for (i = 0; i < 3; i++) {
		clock_gettime(CLOCK_MONOTONIC, &a);
		for (j = 0; j < (1 << 20); j++)
			sink += j;
		clock_gettime(CLOCK_MONOTONIC, &b);
		ns = (b.tv_sec - a.tv_sec) * 1000000000ULL + b.tv_nsec -
		     a.tv_nsec;
		if (ns < best)
			best = ns;
	}
	return best;
}

/*
 * The loop takes 4-6 ms on the x86-svm host (QEMU TCG on the 2-core
 * build machine); up to HV_CALIBRATION_NS counts as that fast, slower
 * machines divide by their ratio to it.
 */
#define HV_CALIBRATION_NS	8000000ULL

/*
 * Bochs's guest clock follows the instructions executed, so the
 * calibration loop cannot see how slow it is: its nested guests run some
 * hundred times slower than x86-svm's in wall time.  Its BIOS names it.
 */
#define HV_BOCHS_DIVISOR	20

static bool on_bochs(void)
{
	char buf[64] = "";
	FILE *f = fopen("/sys/class/dmi/id/bios_version", "r");

	if (!f)
		return false;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = 0;
	fclose(f);
	return strstr(buf, "Bochs");
}

unsigned long hv_test_iters(unsigned long n)
{
	static u64 slowdown;
	const char *env = getenv("HV_STRESS");
	unsigned long pct = env && *env ? strtoul(env, NULL, 0) : 100;
	u64 r;

	if (!slowdown) {
		u64 ns = calibration_ns();

		slowdown = ns / HV_CALIBRATION_NS ?: 1;
		if (on_bochs())
			slowdown *= HV_BOCHS_DIVISOR;
		printf("# calibration loop %llu us: iterations divided by %llu, HV_STRESS=%lu%%\n",
		       (unsigned long long)ns / 1000,
		       (unsigned long long)slowdown, pct);
		fflush(stdout);
	}
	r = (u64)n * pct / 100 / slowdown;
	return r ? r : 1;
}

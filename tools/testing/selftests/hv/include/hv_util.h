/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hv selftest library: VMs, vCPUs and memory slots on /dev/hv (or $HV_DEV),
 * running guest code that is plain C in the test binary.
 *
 * A "guest VM" (hv_vm_create()) holds two memory slots the library owns:
 * the system slot (page tables, GDT, IDT, TSSs and stacks) and the code
 * slot, a copy of the test binary's PT_LOAD segments placed at their link
 * addresses.  The guest runs in 64-bit mode with the first 4 GiB identity
 * mapped, so a guest virtual address, its guest physical address and the
 * host address of the same function or variable in the test binary are
 * one number.  A "bare VM" (hv_vm_create_bare()) has no memory at all:
 * tests place code by hand and start vCPUs in real or protected mode.
 *
 * Guest physical layout of a guest VM (GPA == GVA below 4 GiB):
 *   HV_SYS_GPA .. +HV_SYS_SIZE   system slot (HV_SLOT_SYS)
 *   0x400000 ..                  code slot (HV_SLOT_CODE), 2 MiB aligned
 *   HV_TEST_GPA ..               free for tests' slots (HV_SLOT_TEST + n)
 *   HV_MMIO_GPA                  never backed: accesses are MMIO exits
 *
 * Functions without a leading "__" fail the test (exit status KSFT_FAIL,
 * with the file, line and the name of the failing ioctl) on any error;
 * "__" variants return -errno for tests that expect errors.
 */
#ifndef _HV_UTIL_H
#define _HV_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <linux/bits.h>
#include <linux/compiler.h>
#include <linux/types.h>

#include "hv_test_util.h"

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
typedef __s64 s64;

#define HV_PAGE_SIZE	4096UL
#define HV_2M		(2UL << 20)
#define HV_4G		(4UL << 30)
#define HV_ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* @a: a power of two */
static inline u64 hv_align_down(u64 x, u64 a)
{
	return x & ~(a - 1);
}

static inline u64 hv_align_up(u64 x, u64 a)
{
	return hv_align_down(x + a - 1, a);
}

#define HV_SYS_GPA	0x100000UL
#define HV_SYS_SIZE	0x300000UL
#define HV_TEST_GPA	0x40000000UL
#define HV_MMIO_GPA	0xc0000000UL

#define HV_SLOT_SYS	0
#define HV_SLOT_CODE	1
#define HV_SLOT_TEST	2

#define HV_MAX_REGIONS	16
#define HV_MAX_VCPUS	64	/* vCPUs the library tracks per VM */

/* Backing of a slot made by hv_vm_add_region(). */
enum hv_backing {
	HV_BACKING_ANON,	/* private anonymous memory */
	HV_BACKING_THP,		/* the same, 2 MiB aligned, MADV_HUGEPAGE */
};

struct hv_region {
	struct hv_userspace_memory_region mr;
	void *map;		/* the mmap()ed area holding the backing */
	size_t map_size;
	bool used;
};

struct hv_vcpu;

struct hv_vm {
	int fd;
	struct hv_region regions[HV_MAX_REGIONS];
	struct hv_vcpu *vcpus[HV_MAX_VCPUS];
	/* guest environment; sys_hva is NULL for a bare VM */
	void *sys_hva;
	u64 sys_next;		/* next free page of the system slot */
	u64 pml4;
	u64 gdt;
	u64 idt;
};

struct hv_vcpu {
	struct hv_vm *vm;
	u32 id;
	int fd;
	struct hv_run *run;
	size_t run_size;
	u64 stack_top;		/* guest VMs only */
	u64 tss;
};

/* Failure reporting: print where and why, then exit(KSFT_FAIL). */
void __noreturn __printf(4, 5)
hv_test_fail(const char *file, int line, const char *cond,
	     const char *fmt, ...);

#define TEST_ASSERT(cond, fmt, ...)					\
	do {								\
		if (!(cond))						\
			hv_test_fail(__FILE__, __LINE__, #cond,		\
				     fmt, ##__VA_ARGS__);		\
	} while (0)

#define TEST_FAIL(fmt, ...) \
	hv_test_fail(__FILE__, __LINE__, NULL, fmt, ##__VA_ARGS__)

/* An ioctl that must succeed: returns its non-negative result. */
long __hv_ioctl_ok(int fd, unsigned long cmd, unsigned long arg,
		   const char *name, const char *file, int line);

#define hv_ioctl_ok(fd, cmd, arg) \
	__hv_ioctl_ok(fd, cmd, (unsigned long)(arg), #cmd, __FILE__, __LINE__)
#define vm_ioctl(vm, cmd, arg)		hv_ioctl_ok((vm)->fd, cmd, arg)
#define vcpu_ioctl(vcpu, cmd, arg)	hv_ioctl_ok((vcpu)->fd, cmd, arg)
#define __vm_ioctl(vm, cmd, arg) \
	hv_ioctl((vm)->fd, cmd, (unsigned long)(arg))
#define __vcpu_ioctl(vcpu, cmd, arg) \
	hv_ioctl((vcpu)->fd, cmd, (unsigned long)(arg))

/* System ioctls on a fresh device fd; -errno if it cannot be opened. */
long hv_check_cap(long cap);
long hv_sys_ioctl(unsigned long cmd, unsigned long arg);

/*
 * NULL if every capability of the list (ended by -1) is non-zero, else
 * why not; @names is the list as text.
 */
const char *hv_missing_cap(const char *names, const long *caps);

/*
 * In a TEST() body: SKIP(@statement) unless every capability listed is
 * non-zero.  hv answers 0 for what it does not implement (yet), so its
 * tests skip rather than fail.  HV_REQUIRE_GUEST() adds what running a
 * guest needs: memory slots and vCPUs.
 */
#define HV_REQUIRE(statement, caps...)					\
	do {								\
		const long __caps[] = { caps, -1 };			\
		const char *__why = hv_missing_cap(#caps, __caps);	\
		if (__why)						\
			SKIP(statement, "%s", __why);			\
	} while (0)

#define HV_REQUIRE_GUEST(statement, caps...)				\
	HV_REQUIRE(statement, HV_CAP_USER_MEMORY, HV_CAP_MAX_VCPUS, ##caps)

/*
 * Call first in main(), before test_harness_run(): exit 4 ("1..0 # SKIP")
 * when the device cannot be opened.
 */
void hv_require_dev(void);

/* VMs */
struct hv_vm *hv_vm_create_bare(void);
struct hv_vm *hv_vm_create(void);
void hv_vm_free(struct hv_vm *vm);

/* Memory slots */
int __hv_vm_set_region(struct hv_vm *vm, u32 slot, u32 flags, u64 gpa,
		       u64 size, void *hva);
void *hv_vm_add_region(struct hv_vm *vm, u32 slot, u64 gpa, u64 size,
		       u32 flags, enum hv_backing backing);
struct hv_region *hv_vm_region(struct hv_vm *vm, u32 slot);
void hv_vm_move_region(struct hv_vm *vm, u32 slot, u64 gpa);
void hv_vm_delete_region(struct hv_vm *vm, u32 slot);
void *hv_mmap_backing(size_t size, enum hv_backing backing, void **map,
		      size_t *map_size);
void *hv_gpa2hva(struct hv_vm *vm, u64 gpa);

/*
 * A copy of every memory slot of a VM and of its guest environment, for
 * tests that save a guest and restore it into a new VM.
 */
struct hv_vm_memory {
	unsigned int nr;
	struct hv_userspace_memory_region mr[HV_MAX_REGIONS];
	void *data[HV_MAX_REGIONS];
	bool guest_vm;
	u64 sys_next, pml4, gdt, idt;
};

struct hv_vm_memory *hv_vm_save_memory(struct hv_vm *vm);
struct hv_vm *hv_vm_create_from_memory(const struct hv_vm_memory *mem);
void hv_vm_memory_free(struct hv_vm_memory *mem);

/* Copy a test-binary global between the host and the guest's copy. */
void hv_sync_to_guest(struct hv_vm *vm, const void *g, size_t size);
void hv_sync_from_guest(struct hv_vm *vm, void *g, size_t size);
#define sync_global_to_guest(vm, g) hv_sync_to_guest(vm, &(g), sizeof(g))
#define sync_global_from_guest(vm, g) hv_sync_from_guest(vm, &(g), sizeof(g))

/* vCPUs */
struct hv_vcpu *hv_vcpu_create(struct hv_vm *vm, u32 id);
struct hv_vcpu *hv_vcpu_add(struct hv_vm *vm, u32 id, void *guest_code);
void hv_vcpu_free(struct hv_vcpu *vcpu);
void vcpu_args_set(struct hv_vcpu *vcpu, unsigned int n, ...);
int __vcpu_run(struct hv_vcpu *vcpu);
void vcpu_run(struct hv_vcpu *vcpu);
const char *hv_exit_reason_str(u32 reason);
void hv_describe_exit(struct hv_vcpu *vcpu, char *buf, size_t len);
void __vcpu_assert_exit(struct hv_vcpu *vcpu, u32 reason,
			const char *file, int line);
void hv_arch_dump_vcpu(struct hv_vcpu *vcpu);
#define vcpu_assert_exit(vcpu, reason) \
	__vcpu_assert_exit(vcpu, reason, __FILE__, __LINE__)

static inline void vcpu_regs_get(struct hv_vcpu *vcpu, struct hv_regs *regs)
{
	vcpu_ioctl(vcpu, HV_GET_REGS, regs);
}

static inline void vcpu_regs_set(struct hv_vcpu *vcpu, struct hv_regs *regs)
{
	vcpu_ioctl(vcpu, HV_SET_REGS, regs);
}

static inline void vcpu_sregs_get(struct hv_vcpu *vcpu,
				  struct hv_sregs *sregs)
{
	vcpu_ioctl(vcpu, HV_GET_SREGS, sregs);
}

static inline void vcpu_sregs_set(struct hv_vcpu *vcpu,
				  struct hv_sregs *sregs)
{
	vcpu_ioctl(vcpu, HV_SET_SREGS, sregs);
}

static inline void vcpu_fpu_get(struct hv_vcpu *vcpu, struct hv_fpu *fpu)
{
	vcpu_ioctl(vcpu, HV_GET_FPU, fpu);
}

static inline void vcpu_fpu_set(struct hv_vcpu *vcpu, struct hv_fpu *fpu)
{
	vcpu_ioctl(vcpu, HV_SET_FPU, fpu);
}

/* Data of the current IO exit, in the vCPU's mapping. */
static inline void *vcpu_io_data(struct hv_vcpu *vcpu)
{
	return (char *)vcpu->run + vcpu->run->io.data_offset;
}

/* Give the guest the CPUID the device supports (needs HV_CAP_EXT_CPUID). */
void vcpu_set_cpuid_supported(struct hv_vcpu *vcpu);

/*
 * Iterations for a stress loop whose default is @n: scaled by $HV_STRESS
 * (a percentage, default 100) and divided by how much slower than the
 * x86-svm QEMU host this machine runs a calibration loop, and by 20 more
 * on Bochs (its clock follows its instructions: the loop cannot tell), so
 * that a test keeps a similar run time everywhere.  At least 1.
 */
unsigned long hv_test_iters(unsigned long n);

/*
 * Host-side helpers (lib/host_util.c).  hv_send_fds() passes @n (1 to 8)
 * descriptors over the unix socket @sock with SCM_RIGHTS, one byte of
 * data; hv_recv_fds() receives exactly @n of them into @fds, and
 * __hv_recv_fds() returns -1 instead of failing the test.
 */
void hv_send_fds(int sock, const int *fds, int n);
void hv_recv_fds(int sock, int *fds, int n);
int __hv_recv_fds(int sock, int *fds, int n);

/* Whether /proc/swaps lists a swap device. */
bool hv_have_swap(void);

/* Write the string @s to @path (sysfs, procfs, cgroupfs): 0 or -errno. */
int hv_write_file(const char *path, const char *s);

/* Library internals */
void hv_vm_load_image(struct hv_vm *vm);

/* Bounds of the test binary's image (the guest's code and data). */
bool hv_image_contains(const void *p, size_t len);

#endif /* _HV_UTIL_H */

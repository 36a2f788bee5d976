// SPDX-License-Identifier: GPL-2.0-only
/*
 * hvfuzz: a randomized ioctl and guest-code fuzzer for /dev/hv (and, as a
 * reference, Linux's /dev/kvm: the ABI is the same).
 *
 * The run is a sequence of "programs".  Each program is a child process
 * that opens the device, starts a few threads and lets each execute a
 * random sequence of operations on a shared table of file descriptors:
 * every system, VM and vCPU ioctl of the ABI with boundary and random
 * arguments and buffers (also NULL, unmapped, kernel and truncated ones),
 * memory slots over varied backings, guests in real, protected (with and
 * without paging) and long mode running random bytes and random but
 * plausible instruction sequences, random closes and dups, mmaps of the
 * vCPU pages, scribbling on the run page, changes to the memory behind
 * the slots while vCPUs run, and forks whose children use or close the
 * inherited fds and then exit or are killed.  Everything derives from the
 * seed: program i runs with a seed computed from the run's seed and i,
 * and thread t of a program from that.  With --threads 1 a program is
 * one deterministic sequence of operations (the guest's exits still
 * depend on when the interrupting signal lands); with more threads only
 * the interleaving varies.
 *
 * It never hangs: every thread of a program is sent SIGUSR1 every few
 * milliseconds, which makes HV_RUN return -EINTR, a program that is not
 * done after its time is killed with SIGKILL, and one that does not go
 * away after SIGKILL is reported (a task stuck in the kernel).  Any errno
 * is fine.  The oracle is the host kernel log (the test host fails the
 * run on any WARN, BUG, SLUB, refcount, list-corruption, lockdep or
 * hung-task report) plus these invariants, checked here:
 *   - every program process exits, also after SIGKILL;
 *   - a program leaves no device fds it was not told about;
 *   - after HV_RUN returns 0 (and no thread scribbled on the run page) the
 *     exit is consistent: a known exit reason, an I/O exit's data inside
 *     the vCPU mapping, an MMIO exit's length at most 8;
 *   - after every program the reference counts of the device's modules
 *     are back to their value before it (every VM was destroyed);
 *   - at the end, with every VM gone, MemFree and Slab are back near the
 *     values measured after a first warm-up program.
 *
 *   hvfuzz [--dev /dev/hv] [--seed N] [--iterations N] [--seconds S]
 *          [--threads N] [--program-seed X] [--modules "hv hv_amd"]
 *          [--no-mem-check] [--hold-vm] [--verbose]
 *
 * --program-seed replays one program by the seed a report printed.
 * Exit status: 0 clean, 1 an invariant failed, 2 usage or setup error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <inttypes.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/hv.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef unsigned long long u64;

#define PAGE		4096UL
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* ---------------------------------------------------------------------- */
/* Options and the counters shared by every process of the run */

static const char *dev_path = "/dev/hv";
static u64 opt_seed;
static bool opt_seed_set;
static u64 opt_iterations;
static double opt_seconds;
static unsigned int opt_threads = 3;
static u64 opt_program_seed;
static bool opt_program_seed_set;
static const char *opt_modules;
static bool opt_mem_check = true;
static bool opt_verbose;
static bool opt_hold_vm;
static bool tcg_safe;		/* the host is QEMU: see tcg_safe_tr() */

#define NR_EXIT_COUNTERS 64

struct shared {
	atomic_ullong ioctls;	/* every ioctl on a device fd: executions */
	atomic_ullong runs;	/* HV_RUN among them */
	atomic_ullong run_ok;	/* HV_RUN that returned 0 (an exit) */
	atomic_ullong exits[NR_EXIT_COUNTERS];
	atomic_ullong mmaps;
	atomic_ullong closes;
	atomic_ullong forks;
	atomic_ullong kills;
	atomic_ullong vms;
	atomic_ullong vcpus;
	atomic_ullong guests;	/* guests set up with memory, mode, code */
	atomic_uint failed;	/* an invariant failed in a program */
	/* The last operations of the running program, shown if it hangs. */
	atomic_uint trace_next;
	char trace[256][200];
};

static struct shared *sh;

static void trace(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void trace(const char *fmt, ...)
{
	unsigned int i = atomic_fetch_add(&sh->trace_next, 1) % 256;
	va_list ap;
	int n;

	n = snprintf(sh->trace[i], sizeof(sh->trace[i]), "[%ld] ",
		     (long)syscall(SYS_gettid));
	va_start(ap, fmt);
	vsnprintf(sh->trace[i] + n, sizeof(sh->trace[i]) - n, fmt, ap);
	va_end(ap);
}

static void trace_dump(void)
{
	unsigned int end = atomic_load(&sh->trace_next), i;

	fprintf(stderr, "hvfuzz: its last operations:\n");
	for (i = end > 256 ? end - 256 : 0; i < end; i++)
		fprintf(stderr, "hvfuzz:   %s\n", sh->trace[i % 256]);
}

/* ---------------------------------------------------------------------- */
/* Random numbers: xoshiro-like generator seeded by splitmix64 */

struct rng {
	u64 s[2];
};

static u64 splitmix64(u64 *x)
{
	u64 z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void rng_seed(struct rng *r, u64 seed)
{
	r->s[0] = splitmix64(&seed);
	r->s[1] = splitmix64(&seed) | 1;
}

static __thread struct rng rng;

static u64 rnd64(void)
{
	u64 s1 = rng.s[0];
	const u64 s0 = rng.s[1];
	u64 result = s0 + s1;

	rng.s[0] = s0;
	s1 ^= s1 << 23;
	rng.s[1] = s1 ^ s0 ^ (s1 >> 17) ^ (s0 >> 26);
	return result;
}

/* Uniform in [0, n); n > 0. */
static u64 rnd(u64 n)
{
	return rnd64() % n;
}

/* True with probability pct/100. */
static bool chance(unsigned int pct)
{
	return rnd(100) < pct;
}

static void rnd_bytes(void *buf, size_t len)
{
	u8 *p = buf;

	while (len >= 8) {
		u64 v = rnd64();

		memcpy(p, &v, 8);
		p += 8;
		len -= 8;
	}
	while (len--)
		*p++ = rnd64();
}

/* A random element of an array, or of a list of constants. */
#define PICK(arr)	({ typeof(arr) *__a = &(arr); (*__a)[rnd(ARRAY_SIZE(*__a))]; })
#define PICK_OF(t, ...)	PICK(((const t[]) { __VA_ARGS__ }))

static const u64 boundary64[] = {
	0, 1, 2, 3, 4, 7, 8, 15, 16, 63, 64, 127, 128, 255, 256, 257, 511, 512,
	1023, 1024, 4095, 4096, 4097, 0x7fff, 0x8000, 0xffff, 0x10000,
	0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff, 0x100000000ULL,
	0x7fffffffffffffffULL, 0x8000000000000000ULL, 0xfffffffffffff000ULL,
	0xfffffffffffffffeULL, 0xffffffffffffffffULL, 0xfee00000, 0xfec00000,
	0x000fffffffffffffULL, 0xffff800000000000ULL, 0x0000800000000000ULL,
};

/* A "interesting" number: small, boundary, power of two or random. */
static u64 rnd_value(void)
{
	switch (rnd(6)) {
	case 0:
		return rnd(16);
	case 1:
	case 2:
		return PICK(boundary64);
	case 3:
		return 1ULL << rnd(64);
	case 4:
		return (1ULL << rnd(64)) - 1 + rnd(3);
	default:
		return rnd64();
	}
}

/* Flip bits, overwrite words with boundary values, or randomize. */
static void mutate(void *buf, size_t len)
{
	u8 *p = buf;
	unsigned int n = 1 + rnd(4), i;

	if (!len)
		return;
	for (i = 0; i < n; i++) {
		size_t off = rnd(len);

		switch (rnd(5)) {
		case 0:
			p[off] ^= 1 << rnd(8);
			break;
		case 1:
			p[off] = rnd64();
			break;
		case 2:
			if (len >= 8) {
				u64 v = rnd_value();

				off = rnd(len / 8) * 8;
				memcpy(p + off, &v, 8);
			}
			break;
		case 3:
			if (len >= 4) {
				u32 v = rnd_value();

				off = rnd(len / 4) * 4;
				memcpy(p + off, &v, 4);
			}
			break;
		default:
			rnd_bytes(p + off, rnd(len - off) + 1 > 16 ? 16 :
				  rnd(len - off) + 1);
			break;
		}
	}
}

/* ---------------------------------------------------------------------- */
/* Failures, probes of memory that may fault */

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static __thread u64 cur_program_seed;

static void fail(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = snprintf(buf, sizeof(buf), "hvfuzz: FAIL (program seed 0x%016llx): ",
		     cur_program_seed);
	vsnprintf(buf + n, sizeof(buf) - n, fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s\n", buf);
	fflush(stderr);
	if (sh)
		atomic_fetch_add(&sh->failed, 1);
}

static __thread sigjmp_buf probe_jmp;
static __thread volatile int in_probe;

static void fault_handler(int sig, siginfo_t *si, void *uc)
{
	struct sigaction sa = { .sa_handler = SIG_DFL };

	if (in_probe) {
		in_probe = 0;
		siglongjmp(probe_jmp, 1);
	}
	/* A fault outside a probe: the fuzzer's bug or corrupted memory. */
	{
		char msg[160];
		int n = snprintf(msg, sizeof(msg),
				 "hvfuzz: signal %d at %p, ip %#llx\n", sig,
				 si->si_addr, (unsigned long long)
				 ((ucontext_t *)uc)->uc_mcontext.gregs[REG_RIP]);

		n = write(2, msg, n);
		(void)n;
	}
	sigaction(sig, &sa, NULL);
	raise(sig);
}

/* memcpy that survives SIGSEGV/SIGBUS: 0, or -1 if it faulted. */
static int safe_copy(void *dst, const void *src, size_t len)
{
	void *volatile d = dst;
	const void *volatile s = src;
	volatile size_t l = len;

	if (sigsetjmp(probe_jmp, 1))
		return -1;
	in_probe = 1;
	memcpy(d, s, l);
	in_probe = 0;
	return 0;
}

static int safe_fill_random(void *dst, size_t len)
{
	void *volatile d = dst;
	volatile size_t l = len;

	if (sigsetjmp(probe_jmp, 1))
		return -1;
	in_probe = 1;
	rnd_bytes(d, l);
	in_probe = 0;
	return 0;
}

/* ---------------------------------------------------------------------- */
/* The program's fd table */

enum kind { K_FREE, K_DEV, K_VM, K_VCPU, K_STATS, K_EVENTFD, K_NR };

#define MAX_OBJS	64
#define MAX_VMS		6
#define MAX_SLOTS	8
#define MAX_MAPS	16

struct slot {
	bool used;
	u32 id;
	u64 gpa, size;
	void *hva;
};

/* What a program knows of one VM; kept after its fd is closed. */
struct vm {
	bool used;
	int fd;
	void *mem;		/* the main backing: slot 0, the guest's low RAM */
	size_t mem_size;
	void *extra;		/* further backings for other slots */
	size_t extra_size;
	struct slot slots[MAX_SLOTS];
	int nr_vcpus;
	bool irqchip;
};

struct obj {
	enum kind kind;
	int fd;
	int vm;			/* index in vms[] for K_VM, K_VCPU */
	struct hv_run *run;	/* K_VCPU: the mapping of the run page */
	size_t run_size;
};

struct map {
	void *addr;
	size_t len;
};

struct program {
	pthread_mutex_t lock;
	struct obj objs[MAX_OBJS];
	struct vm vms[MAX_VMS];
	struct map maps[MAX_MAPS];
	int mmap_size;		/* HV_GET_VCPU_MMAP_SIZE */
	bool scribble;		/* threads may scribble on run pages */
	bool mm_chaos;		/* threads may change memory behind slots */
	bool fork_ok;
	struct hv_cpuid2 *cpuid;	/* GET_SUPPORTED_CPUID */
	u32 msr_list[512];
	u32 nr_msrs;
	pthread_t threads[16];
	pid_t tids[16];
	unsigned int nr_threads;
	atomic_int done;
	struct timespec deadline;
	u64 seed;
	void *reserve;		/* RESERVE_SIZE of PROT_NONE for wild slots */
};

#define RESERVE_SIZE	(1UL << 30)

static struct program *P;

static void lock(void)
{
	pthread_mutex_lock(&P->lock);
}

static void unlock(void)
{
	pthread_mutex_unlock(&P->lock);
}

static int obj_add(enum kind kind, int fd, int vm)
{
	int i;

	if (fd < 0)
		return -1;
	lock();
	for (i = 0; i < MAX_OBJS; i++) {
		if (P->objs[i].kind == K_FREE) {
			P->objs[i] = (struct obj){ .kind = kind, .fd = fd,
						   .vm = vm };
			unlock();
			return i;
		}
	}
	unlock();
	/* Table full: nobody will use it; closing it is another test. */
	close(fd);
	atomic_fetch_add(&sh->closes, 1);
	return -1;
}

/* A random fd of @kind (sometimes of any kind, or a made-up one). */
static int pick_fd(enum kind kind, int *vm, struct obj *copy)
{
	int idx[MAX_OBJS], n = 0, i, fd;

	if (copy)
		*copy = (struct obj){ .kind = K_FREE, .vm = -1 };
	if (vm)
		*vm = -1;
	if (chance(2))
		return chance(50) ? -1 : (int)rnd(80);
	lock();
	for (i = 0; i < MAX_OBJS; i++)
		if (P->objs[i].kind == kind ||
		    (P->objs[i].kind != K_FREE && chance(3)))
			idx[n++] = i;
	if (!n) {
		unlock();
		return -1;
	}
	i = idx[rnd(n)];
	fd = P->objs[i].fd;
	if (vm)
		*vm = P->objs[i].vm;
	if (copy)
		*copy = P->objs[i];
	unlock();
	return fd;
}

static int vm_of_fd(int fd)
{
	int i, vm = -1;

	lock();
	for (i = 0; i < MAX_OBJS; i++)
		if (P->objs[i].kind == K_VM && P->objs[i].fd == fd)
			vm = P->objs[i].vm;
	unlock();
	return vm;
}

/* ---------------------------------------------------------------------- */
/* Argument buffers: a per-thread arena ending at a PROT_NONE page */

#define ARENA_SIZE	(64 * 1024)

struct arena {
	u8 *base;		/* ARENA_SIZE bytes, then a guard page */
	u8 *ro;			/* a read-only page of random bytes */
};

static __thread struct arena arena;

static void arena_init(void)
{
	u8 *p = mmap(NULL, ARENA_SIZE + 2 * PAGE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap arena");
		exit(2);
	}
	mprotect(p + ARENA_SIZE, PAGE, PROT_NONE);
	arena.base = p;
	arena.ro = p + ARENA_SIZE + PAGE;
	rnd_bytes(arena.ro, PAGE);
	mprotect(arena.ro, PAGE, PROT_READ);
}

/*
 * Where an ioctl's argument goes: mostly @buf itself (in the arena), at
 * times NULL, an unmapped, kernel or non-canonical address, a read-only
 * page, or a copy of the first bytes of @buf placed so that the guard
 * page cuts it off.
 */
static unsigned long place_arg(void *buf, size_t len)
{
	size_t cut;

	switch (rnd(40)) {
	case 0:
		return 0;
	case 1:
		return 1 + rnd(PAGE);
	case 2:
		return PICK_OF(u64, 0xffff888000000000ULL,
			       0xffffffff81000000ULL, 0x8000000000000000ULL,
			       0x0000800000000000ULL, 0xfffffffffffffff0ULL);
	case 3:
		return (unsigned long)arena.ro + rnd(PAGE);
	case 4:
	case 5:
		if (!len)
			return (unsigned long)buf;
		cut = rnd(len);
		memmove(arena.base + ARENA_SIZE - cut, buf, cut);
		return (unsigned long)(arena.base + ARENA_SIZE - cut);
	default:
		return (unsigned long)buf;
	}
}

/* ---------------------------------------------------------------------- */
/* Calls into the device, counted */

static long do_ioctl(int fd, unsigned long cmd, unsigned long arg)
{
	long r;

	atomic_fetch_add_explicit(&sh->ioctls, 1, memory_order_relaxed);
	trace("ioctl(%d, %#lx, %#lx)", fd, cmd, arg);
	if (opt_verbose)
		fprintf(stderr, "  [%ld] ioctl(%d, %#lx, %#lx)...\n",
			(long)syscall(SYS_gettid), fd, cmd, arg);
	r = ioctl(fd, cmd, arg);
	if (opt_verbose)
		fprintf(stderr, "  [%ld] ioctl(%d, %#lx, %#lx) = %ld %s\n",
			(long)syscall(SYS_gettid), fd, cmd, arg, r,
			r < 0 ? strerror(errno) : "");
	return r;
}

/* Boundary values for an integer ioctl argument. */
static unsigned long rnd_int_arg(void)
{
	return chance(50) ? rnd(8) : rnd_value();
}

/* ---------------------------------------------------------------------- */
/* The ioctl table: everything in <linux/hv.h> and <asm/hv.h> */

enum { F_SYS, F_VM, F_VCPU };
enum { A_INT, A_PTR };

struct ioc {
	const char *name;
	unsigned long cmd;
	u8 fd;
	u8 arg;
	u16 cnt_off;		/* offset of a u32 element count, or NOCNT */
	u32 size;		/* fixed part */
	u32 elem;		/* size of one element of the variable part */
	int pair;		/* the GET whose output seeds this SET, or -1 */
};

#define NOCNT	0xffff
#define I(c, f, a)		{ #c, c, f, a, NOCNT, 0, 0, -1 }
#define S(c, f, t)		{ #c, c, f, A_PTR, NOCNT, sizeof(t), 0, -1 }
#define V(c, f, t, e, off)	{ #c, c, f, A_PTR, off, sizeof(t), e, -1 }

static struct ioc iocs[] = {
	/* system */
	I(HV_GET_API_VERSION, F_SYS, A_INT),
	I(HV_CREATE_VM, F_SYS, A_INT),
	V(HV_GET_MSR_INDEX_LIST, F_SYS, struct hv_msr_list, 4, 0),
	I(HV_CHECK_EXTENSION, F_SYS, A_INT),
	I(HV_GET_VCPU_MMAP_SIZE, F_SYS, A_INT),
	V(HV_GET_SUPPORTED_CPUID, F_SYS, struct hv_cpuid2,
	  sizeof(struct hv_cpuid_entry2), 0),
	V(HV_GET_EMULATED_CPUID, F_SYS, struct hv_cpuid2,
	  sizeof(struct hv_cpuid_entry2), 0),
	V(HV_GET_MSR_FEATURE_INDEX_LIST, F_SYS, struct hv_msr_list, 4, 0),
	V(HV_GET_SUPPORTED_HV_CPUID, F_SYS, struct hv_cpuid2,
	  sizeof(struct hv_cpuid_entry2), 0),
	S(HV_X86_GET_MCE_CAP_SUPPORTED, F_SYS, __u64),
	V(HV_GET_MSRS, F_SYS, struct hv_msrs, sizeof(struct hv_msr_entry), 0),
	/* VM */
	I(HV_CHECK_EXTENSION, F_VM, A_INT),
	I(HV_CREATE_VCPU, F_VM, A_INT),
	S(HV_GET_DIRTY_LOG, F_VM, struct hv_dirty_log),
	S(HV_CLEAR_DIRTY_LOG, F_VM, struct hv_clear_dirty_log),
	I(HV_SET_NR_MMU_PAGES, F_VM, A_INT),
	I(HV_GET_NR_MMU_PAGES, F_VM, A_INT),
	S(HV_SET_USER_MEMORY_REGION, F_VM, struct hv_userspace_memory_region),
	I(HV_SET_TSS_ADDR, F_VM, A_INT),
	S(HV_SET_IDENTITY_MAP_ADDR, F_VM, __u64),
	I(HV_CREATE_IRQCHIP, F_VM, A_INT),
	S(HV_IRQ_LINE, F_VM, struct hv_irq_level),
	S(HV_GET_IRQCHIP, F_VM, struct hv_irqchip),
	S(HV_SET_IRQCHIP, F_VM, struct hv_irqchip),
	I(HV_CREATE_PIT, F_VM, A_INT),
	S(HV_GET_PIT, F_VM, struct hv_pit_state),
	S(HV_SET_PIT, F_VM, struct hv_pit_state),
	S(HV_IRQ_LINE_STATUS, F_VM, struct hv_irq_level),
	S(HV_REGISTER_COALESCED_MMIO, F_VM, struct hv_coalesced_mmio_zone),
	S(HV_UNREGISTER_COALESCED_MMIO, F_VM, struct hv_coalesced_mmio_zone),
	V(HV_SET_GSI_ROUTING, F_VM, struct hv_irq_routing,
	  sizeof(struct hv_irq_routing_entry), 0),
	I(HV_REINJECT_CONTROL, F_VM, A_PTR),
	S(HV_IRQFD, F_VM, struct hv_irqfd),
	S(HV_CREATE_PIT2, F_VM, struct hv_pit_config),
	I(HV_SET_BOOT_CPU_ID, F_VM, A_INT),
	S(HV_IOEVENTFD, F_VM, struct hv_ioeventfd),
	S(HV_XEN_HVM_CONFIG, F_VM, struct hv_xen_hvm_config),
	S(HV_SET_CLOCK, F_VM, struct hv_clock_data),
	S(HV_GET_CLOCK, F_VM, struct hv_clock_data),
	S(HV_GET_PIT2, F_VM, struct hv_pit_state2),
	S(HV_SET_PIT2, F_VM, struct hv_pit_state2),
	I(HV_SET_TSC_KHZ, F_VM, A_INT),
	I(HV_GET_TSC_KHZ, F_VM, A_INT),
	S(HV_SIGNAL_MSI, F_VM, struct hv_msi),
	V(HV_SET_PMU_EVENT_FILTER, F_VM, struct hv_pmu_event_filter, 8, 4),
	S(HV_MEMORY_ENCRYPT_OP, F_VM, struct hv_sev_cmd),
	S(HV_MEMORY_ENCRYPT_REG_REGION, F_VM, struct hv_enc_region),
	S(HV_MEMORY_ENCRYPT_UNREG_REGION, F_VM, struct hv_enc_region),
	S(HV_HYPERV_EVENTFD, F_VM, struct hv_hyperv_eventfd),
	S(HV_X86_SET_MSR_FILTER, F_VM, struct hv_msr_filter),
	I(HV_RESET_DIRTY_RINGS, F_VM, A_INT),
	S(HV_XEN_HVM_GET_ATTR, F_VM, struct hv_xen_hvm_attr),
	S(HV_XEN_HVM_SET_ATTR, F_VM, struct hv_xen_hvm_attr),
	S(HV_CREATE_DEVICE, F_VM, struct hv_create_device),
	S(HV_ENABLE_CAP, F_VM, struct hv_enable_cap),
	I(HV_GET_STATS_FD, F_VM, A_INT),
	S(HV_SET_DEVICE_ATTR, F_VM, struct hv_device_attr),
	S(HV_GET_DEVICE_ATTR, F_VM, struct hv_device_attr),
	S(HV_HAS_DEVICE_ATTR, F_VM, struct hv_device_attr),
	/* vCPU */
	I(HV_RUN, F_VCPU, A_INT),
	S(HV_GET_REGS, F_VCPU, struct hv_regs),
	S(HV_SET_REGS, F_VCPU, struct hv_regs),
	S(HV_GET_SREGS, F_VCPU, struct hv_sregs),
	S(HV_SET_SREGS, F_VCPU, struct hv_sregs),
	S(HV_TRANSLATE, F_VCPU, struct hv_translation),
	S(HV_INTERRUPT, F_VCPU, struct hv_interrupt),
	V(HV_GET_MSRS, F_VCPU, struct hv_msrs, sizeof(struct hv_msr_entry), 0),
	V(HV_SET_MSRS, F_VCPU, struct hv_msrs, sizeof(struct hv_msr_entry), 0),
	V(HV_SET_CPUID, F_VCPU, struct hv_cpuid,
	  sizeof(struct hv_cpuid_entry), 0),
	V(HV_SET_SIGNAL_MASK, F_VCPU, struct hv_signal_mask, 1, 0),
	S(HV_GET_FPU, F_VCPU, struct hv_fpu),
	S(HV_SET_FPU, F_VCPU, struct hv_fpu),
	S(HV_GET_LAPIC, F_VCPU, struct hv_lapic_state),
	S(HV_SET_LAPIC, F_VCPU, struct hv_lapic_state),
	V(HV_SET_CPUID2, F_VCPU, struct hv_cpuid2,
	  sizeof(struct hv_cpuid_entry2), 0),
	V(HV_GET_CPUID2, F_VCPU, struct hv_cpuid2,
	  sizeof(struct hv_cpuid_entry2), 0),
	S(HV_TPR_ACCESS_REPORTING, F_VCPU, struct hv_tpr_access_ctl),
	S(HV_SET_VAPIC_ADDR, F_VCPU, struct hv_vapic_addr),
	S(HV_GET_MP_STATE, F_VCPU, struct hv_mp_state),
	S(HV_SET_MP_STATE, F_VCPU, struct hv_mp_state),
	I(HV_NMI, F_VCPU, A_INT),
	S(HV_SET_GUEST_DEBUG, F_VCPU, struct hv_guest_debug),
	S(HV_X86_SETUP_MCE, F_VCPU, __u64),
	S(HV_X86_SET_MCE, F_VCPU, struct hv_x86_mce),
	S(HV_GET_VCPU_EVENTS, F_VCPU, struct hv_vcpu_events),
	S(HV_SET_VCPU_EVENTS, F_VCPU, struct hv_vcpu_events),
	S(HV_GET_DEBUGREGS, F_VCPU, struct hv_debugregs),
	S(HV_SET_DEBUGREGS, F_VCPU, struct hv_debugregs),
	S(HV_ENABLE_CAP, F_VCPU, struct hv_enable_cap),
	S(HV_GET_XSAVE, F_VCPU, struct hv_xsave),
	S(HV_SET_XSAVE, F_VCPU, struct hv_xsave),
	S(HV_GET_XCRS, F_VCPU, struct hv_xcrs),
	S(HV_SET_XCRS, F_VCPU, struct hv_xcrs),
	S(HV_GET_ONE_REG, F_VCPU, struct hv_one_reg),
	S(HV_SET_ONE_REG, F_VCPU, struct hv_one_reg),
	I(HV_KVMCLOCK_CTRL, F_VCPU, A_INT),
	V(HV_GET_REG_LIST, F_VCPU, struct hv_reg_list, 8, 0),
	I(HV_SMI, F_VCPU, A_INT),
	S(HV_GET_NESTED_STATE, F_VCPU, struct hv_nested_state),
	S(HV_SET_NESTED_STATE, F_VCPU, struct hv_nested_state),
	V(HV_GET_SUPPORTED_HV_CPUID, F_VCPU, struct hv_cpuid2,
	  sizeof(struct hv_cpuid_entry2), 0),
	S(HV_XEN_VCPU_GET_ATTR, F_VCPU, struct hv_xen_vcpu_attr),
	S(HV_XEN_VCPU_SET_ATTR, F_VCPU, struct hv_xen_vcpu_attr),
	S(HV_GET_SREGS2, F_VCPU, struct hv_sregs2),
	S(HV_SET_SREGS2, F_VCPU, struct hv_sregs2),
	I(HV_GET_STATS_FD, F_VCPU, A_INT),
	S(HV_GET_XSAVE2, F_VCPU, struct hv_xsave),
	I(HV_SET_TSC_KHZ, F_VCPU, A_INT),
	I(HV_GET_TSC_KHZ, F_VCPU, A_INT),
	S(HV_SET_DEVICE_ATTR, F_VCPU, struct hv_device_attr),
	S(HV_GET_DEVICE_ATTR, F_VCPU, struct hv_device_attr),
	S(HV_HAS_DEVICE_ATTR, F_VCPU, struct hv_device_attr),
};

/*
 * Each thread keeps the last output of every GET to seed the matching
 * SET: valid state, then mutated.
 */
#define CACHE_SIZE	(16 * 1024)
static __thread u8 *cache[ARRAY_SIZE(iocs)];
static __thread u32 cache_len[ARRAY_SIZE(iocs)];

static void iocs_pair(void)
{
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(iocs); i++) {
		const char *n = iocs[i].name;

		if (strncmp(n, "HV_SET_", 7))
			continue;
		for (j = 0; j < ARRAY_SIZE(iocs); j++)
			if (!strncmp(iocs[j].name, "HV_GET_", 7) &&
			    !strcmp(iocs[j].name + 7, n + 7) &&
			    iocs[j].fd == iocs[i].fd)
				iocs[i].pair = j;
	}
}

/* ---------------------------------------------------------------------- */
/* x86 guests: memory layout, modes, code */

/* Guest physical layout inside slot 0 (GPA 0, GUEST_MEM bytes). */
#define GUEST_MEM	(2UL << 20)
#define G_GDT		0x1000
#define G_IDT		0x2000
#define G_HANDLER	0x3000
#define G_TSS		0x4000
#define G_PML4		0x8000
#define G_PDPT		0x9000
#define G_PD		0xa000	/* 4 pages: 4 GiB in 2 MiB pages */
#define G_PAE_PDPT	0xe000
#define G_PD32		0xf000	/* 32-bit paging, 4 MiB pages */
#define G_CODE		0x10000
#define G_CODE_SIZE	0x2000
#define G_DATA		0x20000
#define G_STACK		0x70000

enum mode { M_REAL, M_PROT16, M_PROT32, M_PSE, M_PAE, M_LONG, M_COMPAT,
	    M_VM86, M_NR };

/* Selectors of the guest GDT */
#define SEL_CODE64	0x08
#define SEL_DATA	0x10
#define SEL_CODE32	0x18
#define SEL_CODE16	0x20
#define SEL_TSS		0x28

static u64 gdt_desc(u32 base, u32 limit, u8 type, u8 s, u8 l, u8 db, u8 g)
{
	return (limit & 0xffff) | ((u64)(base & 0xffffff) << 16) |
	       ((u64)type << 40) | ((u64)s << 44) | (1ULL << 47) |
	       ((u64)((limit >> 16) & 0xf) << 48) | ((u64)l << 53) |
	       ((u64)db << 54) | ((u64)g << 55) |
	       ((u64)(base >> 24) << 56);
}

/* Page tables, GDT, IDT, TSS and a handler stub in guest memory. */
static void guest_tables(u8 *m)
{
	u64 *pml4 = (u64 *)(m + G_PML4), *pdpt = (u64 *)(m + G_PDPT);
	u64 *pd = (u64 *)(m + G_PD), *pae = (u64 *)(m + G_PAE_PDPT);
	u32 *pd32 = (u32 *)(m + G_PD32);
	u64 *gdt = (u64 *)(m + G_GDT);
	u8 *idt = m + G_IDT;
	u64 i, user = chance(20) ? 4 : 0;
	static const u8 stubs[][4] = {
		{ 0x48, 0xcf },		/* iretq */
		{ 0xcf },		/* iret */
		{ 0xf4, 0xeb, 0xfd },	/* hlt; jmp hlt */
		{ 0xe6, 0x80, 0xcf },	/* out 0x80, al; iret */
		{ 0x0f, 0x0b },		/* ud2: a double fault */
	};

	pml4[0] = G_PDPT | 3 | user;
	for (i = 0; i < 4; i++) {
		pdpt[i] = (G_PD + i * PAGE) | 3 | user;
		pae[i] = (G_PD + i * PAGE) | 1;
	}
	for (i = 0; i < 4 * 512; i++)
		pd[i] = (i << 21) | 0x83 | user;
	for (i = 0; i < 1024; i++)
		pd32[i] = (i << 22) | 0x83 | user;
	if (chance(10))
		mutate(m + G_PML4, 7 * PAGE);

	gdt[0] = 0;
	gdt[1] = gdt_desc(0, 0xfffff, 0xb, 1, 1, 0, 1);
	gdt[2] = gdt_desc(0, 0xfffff, 0x3, 1, 0, 1, 1);
	gdt[3] = gdt_desc(0, 0xfffff, 0xb, 1, 0, 1, 1);
	gdt[4] = gdt_desc(0, 0xffff, 0xb, 1, 0, 0, 0);
	gdt[5] = gdt_desc(G_TSS, 0x67, 0x9, 0, 0, 0, 0);
	gdt[6] = 0;
	if (chance(10))
		mutate(gdt, 64);

	memcpy(m + G_HANDLER, PICK(stubs), 4);
	for (i = 0; i < 256; i++) {
		u8 *g = idt + i * 16;

		/* 64-bit gate; in 32-bit mode the first 8 bytes of 2 gates. */
		memset(g, 0, 16);
		g[0] = G_HANDLER & 0xff;
		g[1] = G_HANDLER >> 8;
		g[2] = SEL_CODE64;
		g[5] = 0x8e;
	}
	/* Real mode IVT at 0: every vector to the stub. */
	for (i = 0; i < 256; i++) {
		u16 ivt[2] = { G_HANDLER & 0xffff, 0 };

		if (i * 4 + 4 <= G_GDT)
			memcpy(m + i * 4, ivt, 4);
	}
	if (chance(10))
		mutate(idt, 4096);
	memset(m + G_TSS, 0, 0x68);
	if (chance(10))
		mutate(m + G_TSS, 0x68);
}

static void seg(struct hv_segment *s, u16 sel, u64 base, u32 limit, u8 type,
		u8 db, u8 l, u8 g)
{
	*s = (struct hv_segment){ .base = base, .limit = limit,
				  .selector = sel, .type = type, .present = 1,
				  .s = 1, .db = db, .l = l, .g = g };
}

static void mode_sregs(struct hv_sregs *sr, enum mode mode)
{
	bool pm = mode != M_REAL;
	u32 lim = pm && mode != M_PROT16 ? 0xffffffff : 0xffff;
	u8 g = lim == 0xffffffff, db = mode != M_PROT16 && pm;
	u16 cs_sel = SEL_CODE32, ds_sel = SEL_DATA;
	u64 cs_base = 0;

	if (mode == M_REAL || mode == M_VM86) {
		cs_sel = G_CODE >> 4;
		cs_base = G_CODE;
		ds_sel = 0;
		db = 0;
		g = 0;
		lim = 0xffff;
	} else if (mode == M_PROT16) {
		cs_sel = SEL_CODE16;
	} else if (mode == M_LONG) {
		cs_sel = SEL_CODE64;
	}
	seg(&sr->cs, cs_sel, cs_base, lim, 0xb, db, mode == M_LONG, g);
	if (mode == M_LONG)
		sr->cs.db = 0;
	seg(&sr->ds, ds_sel, 0, lim, 0x3, db, 0, g);
	if (mode == M_VM86) {
		sr->cs.dpl = 3;
		sr->ds.dpl = 3;
	}
	sr->es = sr->ds;
	sr->fs = sr->ds;
	sr->gs = sr->ds;
	sr->ss = sr->ds;
	sr->tr = (struct hv_segment){ .base = G_TSS, .limit = 0x67,
				      .selector = SEL_TSS,
				      .type = chance(50) ? 0xb : 0x9,
				      .present = 1 };
	sr->ldt = (struct hv_segment){ .type = 2, .unusable = 1 };
	sr->gdt.base = G_GDT;
	sr->gdt.limit = 7 * 8 - 1;
	sr->idt.base = mode == M_REAL ? 0 : G_IDT;
	sr->idt.limit = mode == M_REAL ? 0x3ff :
			(mode == M_LONG || mode == M_COMPAT ? 4095 : 2047);
	sr->cr0 = 0x10 | (pm ? 1 : 0);
	sr->cr4 = 0;
	sr->efer = 0;
	sr->cr3 = 0;
	switch (mode) {
	case M_PSE:
		sr->cr0 |= 0x80000000;
		sr->cr4 |= 0x10;
		sr->cr3 = G_PD32;
		break;
	case M_PAE:
		sr->cr0 |= 0x80000000;
		sr->cr4 |= 0x20;
		sr->cr3 = G_PAE_PDPT;
		break;
	case M_LONG:
	case M_COMPAT:
		sr->cr0 |= 0x80000000;
		sr->cr4 |= 0x20;
		sr->cr3 = G_PML4;
		sr->efer = 0x500;	/* LME | LMA */
		break;
	case M_VM86:
		sr->cr0 |= 1;
		break;
	default:
		break;
	}
	if (chance(30))
		sr->cr4 |= 0x40600;	/* OSFXSR, OSXMMEXCPT, OSXSAVE */
	if (chance(20))
		sr->efer |= 0x801;	/* NX, SCE */
	if (chance(10))
		sr->efer |= 0x1000;	/* SVME: the guest may try VMRUN */
	if (chance(15))
		mutate(sr, sizeof(*sr));
}

/*
 * QEMU (7.2) TCG, the CPU of the x86-svm test host, aborts the whole
 * emulator ("invalid tss type", "invalid tss") when a guest takes an
 * interrupt that switches stacks while TR's cached type is not 1 or 9
 * (an available TSS; QEMU keeps TR "available" internally) or TR is not
 * present.  A nested guest gets TR from the state userspace sets, so on
 * QEMU the fuzzer keeps TR present with type 1 or 9: an emulator
 * limitation, not a restriction of the ABI.  Also applied to the layout
 * of hv_sregs2, which starts with the same segments.
 */
static void tcg_safe_tr(void *sregs, size_t len)
{
	struct hv_sregs *sr = sregs;

	if (!tcg_safe || len < sizeof(sr->cs) * 8)
		return;
	sr->tr.present = 1;
	sr->tr.unusable = 0;
	sr->tr.type = (sr->tr.type & 8) | 1;
}

/*
 * QEMU 7.2 TCG also locks up the CPU that runs a nested guest whose EFER
 * has bits beyond SCE, LME, LMA, NXE and SVME (e.g. 0xeb00 in 32-bit
 * protected mode): the guest never leaves, not even for NMIs, and the
 * host reports an RCU stall.  Linux's kvm_amd, which like hv takes any
 * EFER in SET_SREGS and hands it to VMRUN, hangs the same way
 * (Documentation/virt/hv/testing.rst).  On QEMU the
 * fuzzer sets only those EFER bits.  @efer_off: offset of efer in the
 * structure (hv_sregs and hv_sregs2 differ).
 */
static void tcg_safe_efer(void *sregs, size_t len, size_t efer_off)
{
	u64 efer;

	if (!tcg_safe || len < efer_off + 8)
		return;
	memcpy(&efer, (u8 *)sregs + efer_off, 8);
	efer &= 0x1d01;
	memcpy((u8 *)sregs + efer_off, &efer, 8);
}

/*
 * QEMU 7.2 TCG also crashes (a NULL gdbstub in gdb_set_stop_cpu()) when a
 * guest's DR7 execute breakpoint is hit with a non-zero CS base: its
 * breakpoint handler compares the breakpoint's linear address with EIP,
 * finds no match and treats the stop as one for an attached debugger.
 * On QEMU the fuzzer never enables a breakpoint in DR7 (only random
 * guest bytes still can).
 */
static u64 tcg_safe_dr7(u64 dr7)
{
	return tcg_safe ? dr7 & ~0xffULL : dr7;
}

/*
 * On QEMU, bytes a guest may execute never hold 0f 23 (MOV to a debug
 * register, under any decoding): the second byte becomes 0x21 (MOV from).
 */
static void tcg_safe_code(u8 *p, size_t len)
{
	size_t i;

	if (!tcg_safe)
		return;
	for (i = 0; i + 1 < len; i++)
		if (p[i] == 0x0f && p[i + 1] == 0x23)
			p[i + 1] = 0x21;
}

/* Guest code generation */

struct code {
	u8 *p;
	size_t len, max;
	enum mode mode;
};

static void emit(struct code *c, const void *b, size_t n)
{
	if (c->len + n > c->max)
		return;
	memcpy(c->p + c->len, b, n);
	c->len += n;
}

static void emit1(struct code *c, u8 b)
{
	emit(c, &b, 1);
}

static bool code16(const struct code *c)
{
	return c->mode == M_REAL || c->mode == M_PROT16 || c->mode == M_VM86;
}

/* mov r32, imm32 (r: 0 eax .. 7 edi) */
static void emit_mov(struct code *c, int r, u32 imm)
{
	if (code16(c))
		emit1(c, 0x66);
	emit1(c, 0xb8 + r);
	emit(c, &imm, 4);
}

/* Prefix for a [ebx] operand: 32-bit addressing in 16-bit code. */
static void emit_addr32(struct code *c)
{
	if (code16(c))
		emit1(c, 0x67);
}

static const u16 ports[] = {
	0x20, 0x21, 0xa0, 0xa1, 0x40, 0x41, 0x42, 0x43, 0x61, 0x70, 0x71,
	0x80, 0x92, 0xe9, 0x3f8, 0x3fd, 0xcf8, 0xcfc, 0x4d0, 0x4d1, 0x510,
	0x7e, 0xffff, 0x0, 0x64, 0x60, 0x402,
};

static const u32 msrs[] = {
	0x10, 0x1b, 0x3a, 0x48, 0x49, 0x8b, 0xe7, 0xe8, 0xfe, 0x174, 0x175,
	0x176, 0x179, 0x17a, 0x1a0, 0x1d9, 0x1db, 0x1dc, 0x200, 0x201, 0x20e,
	0x20f, 0x250, 0x258, 0x268, 0x277, 0x2ff, 0x400, 0x401, 0x402, 0x403,
	0x6e0, 0x800, 0x802, 0x803, 0x808, 0x80b, 0x80f, 0x830, 0x832, 0x838,
	0x83f, 0x8ff, 0xda0, 0xc0000080, 0xc0000081, 0xc0000082, 0xc0000083,
	0xc0000084, 0xc0000100, 0xc0000101, 0xc0000102, 0xc0000103,
	0xc0010010, 0xc0010015, 0xc0010114, 0xc0010117, 0xc0010140,
	0xc0010141, 0xc001011f, 0x4b564d00, 0x4b564d01, 0x4b564d02,
	0x40000000, 0xffffffff, 0x3b, 0x6a0, 0x6a2, 0x1fc, 0x345,
};

static const u32 mmio_addrs[] = {
	0xfee00000, 0xfee00020, 0xfee00030, 0xfee00080, 0xfee000b0,
	0xfee000d0, 0xfee000e0, 0xfee000f0, 0xfee00280, 0xfee00300,
	0xfee00310, 0xfee00320, 0xfee00350, 0xfee00360, 0xfee00370,
	0xfee00380, 0xfee00390, 0xfee003e0, 0xfee00ffc, 0xfee00fff,
	0xfec00000, 0xfec00010, 0xfec00040, 0xfed00000, 0xc0000000,
	0x200000 - 4, 0x200000, 0xfffffffc, 0x100000, G_DATA, G_CODE,
	G_PML4, G_GDT, 0xa0000, 0xfeb00000, 0x40000000,
};

/* An instruction with a [ebx] memory operand; ebx set just before. */
static void emit_mem_insn(struct code *c)
{
	static const u8 ops[][3] = {
		{ 1, 0x89 }, { 1, 0x8b }, { 1, 0x88 }, { 1, 0x8a },
		{ 1, 0x01 }, { 1, 0x03 }, { 1, 0x31 }, { 1, 0x21 },
		{ 1, 0x39 }, { 1, 0x85 }, { 1, 0x86 }, { 1, 0x87 },
		{ 2, 0x0f, 0xb6 }, { 2, 0x0f, 0xb7 }, { 2, 0x0f, 0xbe },
		{ 2, 0x0f, 0xbf }, { 2, 0x0f, 0xb1 }, { 2, 0x0f, 0xc1 },
		{ 2, 0x0f, 0xa3 }, { 2, 0x0f, 0xab }, { 2, 0x0f, 0x10 },
		{ 2, 0x0f, 0x11 }, { 2, 0x0f, 0x6f }, { 2, 0x0f, 0x7f },
		{ 2, 0x0f, 0x28 }, { 2, 0x0f, 0x29 }, { 2, 0x0f, 0xc7 },
		{ 1, 0xff }, { 1, 0x8f }, { 1, 0xf7 }, { 1, 0xf6 },
		{ 1, 0xd1 }, { 1, 0xc7 }, { 1, 0xc6 }, { 1, 0x81 },
		{ 1, 0x83 }, { 2, 0x0f, 0xae }, { 2, 0x0f, 0x01 },
		{ 2, 0x0f, 0x00 }, { 1, 0x8e }, { 1, 0x8c }, { 1, 0xd9 },
		{ 1, 0xdd }, { 2, 0x0f, 0x18 }, { 2, 0x0f, 0xba },
	};
	static const u8 prefixes[] = { 0x66, 0x67, 0xf3, 0xf2, 0xf0, 0x2e,
				       0x26, 0x64, 0x65, 0x36, 0x3e };
	const u8 *op = PICK(ops);
	u8 modrm;

	emit_mov(c, 3, PICK(mmio_addrs) + (chance(10) ? rnd(8) : 0));
	emit_mov(c, 0, rnd_value());
	emit_addr32(c);
	while (chance(20))
		emit1(c, PICK(prefixes));
	if (c->mode == M_LONG && chance(40))
		emit1(c, 0x40 | rnd(16));
	emit(c, op + 1, op[0]);
	/* mod 00, reg random (or the /digit), rm = [ebx] */
	modrm = (rnd(8) << 3) | 3;
	if (chance(5))
		modrm = rnd64();
	emit1(c, modrm);
	if (op[op[0]] == 0xc7 || op[op[0]] == 0x81 || op[op[0]] == 0xf7)
		emit(c, (u32[]){ rnd64() }, 4);
	else if (op[op[0]] == 0xc6 || op[op[0]] == 0x83 || op[op[0]] == 0xba ||
		 op[op[0]] == 0xf6)
		emit1(c, rnd64());
}

/* One random but plausible instruction (sometimes a few). */
static void emit_insn(struct code *c)
{
	static const u8 fixed[][5] = {
		{ 1, 0xf4 },			/* hlt */
		{ 1, 0xfb },			/* sti */
		{ 1, 0xfa },			/* cli */
		{ 2, 0xfb, 0xf4 },		/* sti; hlt */
		{ 2, 0xf3, 0x90 },		/* pause */
		{ 1, 0xcc },			/* int3 */
		{ 1, 0xf1 },			/* int1 */
		{ 1, 0xce },			/* into */
		{ 2, 0x0f, 0x0b },		/* ud2 */
		{ 2, 0x0f, 0xa2 },		/* cpuid */
		{ 2, 0x0f, 0x31 },		/* rdtsc */
		{ 3, 0x0f, 0x01, 0xf9 },	/* rdtscp */
		{ 2, 0x0f, 0x33 },		/* rdpmc */
		{ 2, 0x0f, 0x09 },		/* wbinvd */
		{ 2, 0x0f, 0x08 },		/* invd */
		{ 2, 0x0f, 0x05 },		/* syscall */
		{ 2, 0x0f, 0x07 },		/* sysret */
		{ 2, 0x0f, 0x34 },		/* sysenter */
		{ 2, 0x0f, 0x35 },		/* sysexit */
		{ 1, 0xcf },			/* iret */
		{ 2, 0x48, 0xcf },		/* iretq */
		{ 1, 0xcb },			/* retf */
		{ 3, 0x0f, 0x01, 0xd8 },	/* vmrun */
		{ 3, 0x0f, 0x01, 0xd9 },	/* vmmcall */
		{ 3, 0x0f, 0x01, 0xda },	/* vmload */
		{ 3, 0x0f, 0x01, 0xdb },	/* vmsave */
		{ 3, 0x0f, 0x01, 0xdc },	/* stgi */
		{ 3, 0x0f, 0x01, 0xdd },	/* clgi */
		{ 3, 0x0f, 0x01, 0xde },	/* skinit */
		{ 3, 0x0f, 0x01, 0xdf },	/* invlpga */
		{ 3, 0x0f, 0x01, 0xc1 },	/* vmcall */
		{ 3, 0x0f, 0x01, 0xc2 },	/* vmlaunch */
		{ 3, 0x0f, 0x01, 0xc3 },	/* vmresume */
		{ 3, 0x0f, 0x01, 0xc4 },	/* vmxoff */
		{ 3, 0x0f, 0x01, 0xc8 },	/* monitor */
		{ 3, 0x0f, 0x01, 0xc9 },	/* mwait */
		{ 3, 0x0f, 0x01, 0xd0 },	/* xgetbv */
		{ 3, 0x0f, 0x01, 0xd1 },	/* xsetbv */
		{ 3, 0x0f, 0x01, 0xee },	/* rdpkru */
		{ 3, 0x0f, 0x01, 0xef },	/* wrpkru */
		{ 3, 0x0f, 0x01, 0xf8 },	/* swapgs */
		{ 3, 0x0f, 0x01, 0xfa },	/* monitorx */
		{ 3, 0x0f, 0x01, 0xfb },	/* mwaitx */
		{ 3, 0x0f, 0x01, 0xca },	/* clac */
		{ 3, 0x0f, 0x01, 0xcb },	/* stac */
		{ 1, 0x9c },			/* pushf */
		{ 1, 0x9d },			/* popf */
		{ 2, 0xf7, 0xf1 },		/* div ecx */
		{ 2, 0xeb, 0xfe },		/* jmp $ */
		{ 1, 0xf4 },			/* hlt */
		{ 1, 0x6c }, { 1, 0x6d }, { 1, 0x6e }, { 1, 0x6f },
		{ 2, 0xf3, 0x6c }, { 2, 0xf3, 0x6d },	/* rep ins */
		{ 2, 0xf3, 0x6e }, { 2, 0xf3, 0x6f },	/* rep outs */
		{ 2, 0xf3, 0xa5 }, { 2, 0xf3, 0xab },	/* rep movs/stos */
		{ 1, 0xa5 }, { 1, 0xa4 }, { 1, 0xab }, { 1, 0xad },
		{ 2, 0x0f, 0xa1 }, { 2, 0x0f, 0xa9 },	/* pop fs/gs */
		{ 2, 0x8e, 0xd8 }, { 2, 0x8e, 0xd0 },	/* mov ds/ss, ax */
		{ 2, 0x8e, 0xe0 }, { 2, 0x8e, 0xe8 },	/* mov fs/gs, ax */
		{ 3, 0x0f, 0x00, 0xd8 },	/* ltr ax */
		{ 3, 0x0f, 0x00, 0xd0 },	/* lldt ax */
		{ 3, 0x0f, 0x01, 0xf0 },	/* lmsw ax */
		{ 2, 0x0f, 0x06 },		/* clts */
		{ 2, 0xdb, 0xe3 },		/* fninit */
		{ 2, 0xd9, 0xe8 },		/* fld1 */
		{ 2, 0xde, 0xf9 },		/* fdivp */
		{ 3, 0x0f, 0x57, 0xc0 },	/* xorps */
		{ 4, 0xc5, 0xfc, 0x57, 0xc0 },	/* vxorps ymm0 */
		{ 3, 0x0f, 0xc7, 0xf0 },	/* rdrand eax */
		{ 3, 0x0f, 0xae, 0xf8 },	/* sfence */
		{ 1, 0x90 },
	};
	static const u8 crs[] = { 0, 2, 3, 4, 8 };
	const u8 *f;
	u32 v;

	switch (rnd(20)) {
	case 0:
	case 1:		/* port I/O, also string I/O */
		emit_mov(c, 2, PICK(ports) + (chance(10) ? rnd(0x10000) : 0));
		emit_mov(c, 0, rnd_value());
		if (chance(30))
			emit_mov(c, 1, chance(50) ? rnd(5) : rnd_value());
		if (chance(30))
			emit_mov(c, chance(50) ? 6 : 7, PICK(mmio_addrs));
		if (chance(20))
			emit1(c, 0xf3);
		if (chance(20))
			emit1(c, 0x66);
		emit1(c, PICK_OF(u8, 0xee, 0xef, 0xec, 0xed, 0x6c, 0x6d, 0x6e,
				 0x6f));
		break;
	case 2:
		emit1(c, PICK_OF(u8, 0xe6, 0xe7, 0xe4, 0xe5));
		emit1(c, PICK(ports));
		break;
	case 3:
	case 4:
	case 5:		/* MMIO and memory */
		emit_mem_insn(c);
		break;
	case 6:		/* rdmsr/wrmsr */
		emit_mov(c, 1, chance(80) ? PICK(msrs) + (chance(10) ?
							 rnd(16) : 0) :
			 (u32)rnd_value());
		emit_mov(c, 0, rnd_value());
		emit_mov(c, 2, chance(50) ? 0 : rnd_value());
		emit(c, chance(50) ? "\x0f\x30" : "\x0f\x32", 2);
		break;
	case 7:		/* mov to/from CRn */
		v = rnd_value();
		if (chance(50))
			v = PICK_OF(u32, 0x80000011, 0x11, 0x10, 0x1,
				    0x60000011, 0x80000001, 0x20, 0xa0, 0x6f0,
				    0x40620, 0x1000, 0x200000);
		emit_mov(c, 0, v);
		emit(c, "\x0f", 1);
		emit1(c, chance(70) ? 0x22 : 0x20);
		emit1(c, 0xc0 | (PICK(crs) << 3));
		break;
	case 8:		/* mov to/from DRn */
		v = rnd(8);
		/*
		 * DR7 only when not on QEMU: even a sanitized value is
		 * unsafe there, as random bytes before this may eat the MOV
		 * that loads EAX.
		 */
		if (tcg_safe && (v == 7 || v == 5))
			v = 6;
		emit_mov(c, 0, v == 7 ? tcg_safe_dr7(rnd_value()) :
			 rnd_value());
		emit1(c, 0x0f);
		emit1(c, chance(60) ? 0x23 : 0x21);
		emit1(c, 0xc0 | (v << 3));
		break;
	case 9:		/* xsetbv */
		emit_mov(c, 1, chance(80) ? 0 : rnd(3));
		emit_mov(c, 0, PICK_OF(u32, 1, 3, 7, 0x207, 0xe7, 0x2ff, 0));
		emit_mov(c, 2, 0);
		emit(c, "\x0f\x01\xd1", 3);
		break;
	case 10:	/* cpuid leaf */
		emit_mov(c, 0, PICK_OF(u32, 0, 1, 7, 0xb, 0xd, 0x80000001,
				       0x8000000a, 0x40000000, 0x80000008, 0x1f,
				       0x14));
		emit_mov(c, 1, rnd(3));
		emit(c, "\x0f\xa2", 2);
		break;
	case 11:	/* int n */
		emit1(c, 0xcd);
		emit1(c, rnd64());
		break;
	case 12:	/* lgdt/lidt/sgdt/invlpg/xsave... on a pointer */
		emit_mov(c, 3, chance(70) ? G_DATA : PICK(mmio_addrs));
		emit_addr32(c);
		emit1(c, 0x0f);
		if (chance(60)) {
			emit1(c, 0x01);
			emit1(c, rnd(8) << 3 | 3);
		} else {
			emit1(c, 0xae);
			emit1(c, rnd(8) << 3 | 3);
		}
		break;
	case 13:	/* popf with random flags */
		emit_mov(c, 0, rnd_value() | (chance(30) ? 0x100 : 0));
		emit1(c, 0x50);
		emit1(c, 0x9d);
		break;
	case 14:	/* far jump/call to a random selector */
		emit1(c, chance(50) ? 0xea : 0x9a);
		if (code16(c)) {
			emit(c, (u16[]){ rnd64() }, 2);
		} else {
			if (c->mode == M_LONG) {	/* invalid in 64-bit */
				emit1(c, 0x90);
				break;
			}
			emit(c, (u32[]){ G_CODE + rnd(64) }, 4);
		}
		emit(c, (u16[]){ PICK_OF(u16, SEL_CODE64, SEL_CODE32,
					 SEL_CODE16, SEL_DATA, SEL_TSS, 0,
					 0x1000) },
		     2);
		break;
	case 15:	/* short jump around */
		emit1(c, 0xeb);
		emit1(c, rnd(16));
		break;
	case 16:	/* random bytes */
		v = 1 + rnd(8);
		while (v--)
			emit1(c, rnd64());
		break;
	default:
		f = PICK(fixed);
		if (f[1] == 0x8e || f[2] == 0x00)
			emit_mov(c, 0, PICK_OF(u32, SEL_DATA, SEL_TSS,
					       SEL_CODE32, 0, 0x3, 0xffff));
		if (f[1] == 0x6c || f[1] == 0x6e || f[2] == 0x6c ||
		    f[2] == 0x6e || f[2] == 0x6d || f[2] == 0x6f) {
			emit_mov(c, 2, PICK(ports));
			emit_mov(c, 1, rnd(6));
		}
		emit(c, f + 1, f[0]);
		break;
	}
}

/* The guest code: plausible instructions, random bytes, or both. */
static void gen_code(u8 *buf, size_t max, enum mode mode)
{
	struct code c = { .p = buf, .max = max, .mode = mode };
	unsigned int n, i;

	switch (rnd(8)) {
	case 0:		/* random bytes only */
		rnd_bytes(buf, max);
		return;
	case 1:		/* a few instructions then garbage */
		n = 1 + rnd(4);
		for (i = 0; i < n; i++)
			emit_insn(&c);
		rnd_bytes(buf + c.len, max - c.len);
		return;
	default:
		n = 1 + rnd(60);
		for (i = 0; i < n && c.len + 32 < max; i++)
			emit_insn(&c);
		/* End: loop back, halt, or fall into random bytes. */
		switch (rnd(4)) {
		case 0:
			emit(&c, "\xeb\xfe", 2);
			break;
		case 1:
			emit(&c, "\xf4\xeb\xfd", 3);
			break;
		case 2:
			emit1(&c, 0xe9);	/* jmp back to the start */
			emit(&c, (u32[]){ (u32)(-(int)(c.len + 4)) }, 4);
			break;
		default:
			break;
		}
		if (chance(50))
			rnd_bytes(buf + c.len, max - c.len);
		else
			memset(buf + c.len, 0xf4, max - c.len);
	}
}

/* ---------------------------------------------------------------------- */
/* VMs, memory, vCPUs */

/* Backing memory of various kinds for memory slots. */
static void *alloc_backing(size_t size)
{
	int prot = PROT_READ | PROT_WRITE, flags = MAP_ANONYMOUS;
	void *p;

	switch (rnd(10)) {
	case 0:
		flags |= MAP_SHARED;	/* shmem */
		break;
	case 1:
		prot = PROT_READ;
		flags |= MAP_PRIVATE;
		break;
	case 2:
		flags |= MAP_PRIVATE | MAP_POPULATE;
		break;
	default:
		flags |= MAP_PRIVATE;
	}
	p = mmap(NULL, size, prot, flags, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	if (chance(20))
		madvise(p, size, MADV_HUGEPAGE);
	if (chance(5))
		madvise(p, size, MADV_MERGEABLE);
	return p;
}

static int set_region(int vmfd, u32 slot, u32 flags, u64 gpa, u64 size,
		      void *hva)
{
	struct hv_userspace_memory_region mr = {
		.slot = slot, .flags = flags, .guest_phys_addr = gpa,
		.memory_size = size, .userspace_addr = (u64)(unsigned long)hva,
	};

	return do_ioctl(vmfd, HV_SET_USER_MEMORY_REGION, (unsigned long)&mr);
}

static int vm_alloc(int fd)
{
	int i;

	lock();
	for (i = 0; i < MAX_VMS; i++) {
		if (!P->vms[i].used) {
			P->vms[i] = (struct vm){ .used = true, .fd = fd };
			unlock();
			return i;
		}
	}
	unlock();
	return -1;
}

static void op_create_vm(void)
{
	int dev = pick_fd(K_DEV, NULL, NULL), fd, v;
	struct vm *vm;

	if (dev < 0)
		return;
	fd = do_ioctl(dev, HV_CREATE_VM, chance(90) ? 0 : rnd_int_arg());
	if (fd < 0)
		return;
	atomic_fetch_add(&sh->vms, 1);
	v = vm_alloc(fd);
	if (v < 0 || obj_add(K_VM, fd, v) < 0) {
		if (v >= 0)
			P->vms[v].used = false;
		if (v < 0) {
			close(fd);
			atomic_fetch_add(&sh->closes, 1);
		}
		return;
	}
	vm = &P->vms[v];
	vm->mem_size = GUEST_MEM;
	vm->mem = mmap(NULL, GUEST_MEM, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (vm->mem == MAP_FAILED)
		vm->mem = NULL;
	vm->extra_size = 4 * GUEST_MEM;
	vm->extra = alloc_backing(vm->extra_size);
	/* The irqchip must come before vCPUs. */
	if (chance(40) && do_ioctl(fd, HV_CREATE_IRQCHIP, 0) == 0)
		vm->irqchip = true;
	if (chance(20)) {
		struct hv_pit_config pit = { .flags = chance(50) ?
					     HV_PIT_SPEAKER_DUMMY : 0 };

		do_ioctl(fd, HV_CREATE_PIT2, (unsigned long)&pit);
	}
	if (vm->mem && chance(85)) {
		if (set_region(fd, 0, chance(5) ? HV_MEM_READONLY : 0, 0,
			       GUEST_MEM, vm->mem) == 0) {
			lock();
			vm->slots[0] = (struct slot){ .used = true, .id = 0,
						      .gpa = 0,
						      .size = GUEST_MEM,
						      .hva = vm->mem };
			unlock();
		}
	}
}

/* HV_SET_USER_MEMORY_REGION: plausible (add, move, delete) or wild. */
static void op_memslot(void)
{
	static const u32 ids[] = { 0, 1, 2, 3, 4, 5, 7, 100, 508, 509, 510,
				   511, 512, 0x7fff, 0xffff, 0x10000,
				   0x10001, 0x101ff, 0x20000, 0xffffffff };
	static const u64 gpas[] = { 0, 0x200000, 0x400000, 0x1000000,
				    0xa0000, 0xc0000000, 0xfec00000,
				    0xfee00000, 0xff000000, 0x100000000ULL,
				    0xfffff000ULL, 0x7ffffff000ULL,
				    0xffffffffff000ULL, 0xfffffffffffff000ULL,
				    0x40000000 };
	struct hv_userspace_memory_region mr = { 0 };
	int vmfd = pick_fd(K_VM, NULL, NULL), v;
	struct vm *vm;
	struct obj o;
	u8 *hva;

	if (vmfd < 0)
		return;
	v = vm_of_fd(vmfd);
	vm = v >= 0 ? &P->vms[v] : NULL;
	if (!vm || !vm->extra || chance(10)) {
		rnd_bytes(&mr, sizeof(mr));
		/*
		 * A wild slot that hv may accept stays in a PROT_NONE
		 * reserve: never over the fuzzer's own memory.
		 */
		if (chance(50) && P->reserve) {
			mr.userspace_addr = (u64)(unsigned long)P->reserve +
					    (mr.userspace_addr % RESERVE_SIZE);
			if (chance(80))
				mr.userspace_addr &= ~(PAGE - 1);
			if (mr.memory_size < (1ULL << 47))
				mr.memory_size %= RESERVE_SIZE / 2;
		} else if (mr.userspace_addr < (1ULL << 47) &&
			   mr.memory_size < (1ULL << 47)) {
			mr.userspace_addr |= 1ULL << 47;
		}
		do_ioctl(vmfd, HV_SET_USER_MEMORY_REGION,
			 place_arg(&mr, sizeof(mr)));
		return;
	}
	hva = vm->extra;
	mr.slot = chance(70) ? 1 + rnd(6) : PICK(ids);
	mr.guest_phys_addr = chance(80) ? PICK(gpas) + rnd(8) * PAGE :
			     rnd_value();
	mr.memory_size = PICK_OF(u64, 0, PAGE, 2 * PAGE, 16 * PAGE, GUEST_MEM,
				 2 * GUEST_MEM);
	if (chance(5)) {		/* sizes beyond the address space */
		mr.memory_size = rnd_value();
		if (mr.memory_size > 2 * GUEST_MEM)
			mr.memory_size |= 1ULL << 47;
	}
	mr.userspace_addr = (u64)(unsigned long)(hva + rnd(2) * GUEST_MEM +
						 rnd(16) * PAGE);
	switch (rnd(12)) {
	case 0:
		mr.userspace_addr += rnd(PAGE);
		break;
	/*
	 * Slots stay inside the memory they alias: a guest writes what it
	 * likes into its memory, and beyond these would be the fuzzer's
	 * own (thread stacks...).
	 */
	case 1:		/* the main backing: aliases slot 0 */
		mr.userspace_addr = (u64)(unsigned long)vm->mem;
		if (mr.memory_size > vm->mem_size)
			mr.memory_size = vm->mem_size;
		break;
	case 2:		/* the run page of a vCPU */
		if (pick_fd(K_VCPU, NULL, &o) >= 0 && o.run) {
			mr.userspace_addr = (u64)(unsigned long)o.run;
			mr.memory_size = PAGE;
		}
		break;
	case 3:		/* a read-only page, or the guard page */
		mr.userspace_addr = (u64)(unsigned long)(chance(50) ? arena.ro :
			arena.base + ARENA_SIZE);
		mr.memory_size = PAGE;
		break;
	case 4:		/* nothing mapped */
		mr.userspace_addr = 0x10000000000ULL + rnd(1000) * PAGE;
		break;
	default:
		break;
	}
	mr.flags = chance(80) ? 0 : chance(50) ? rnd(4) : rnd_value();
	if (do_ioctl(vmfd, HV_SET_USER_MEMORY_REGION,
		     place_arg(&mr, sizeof(mr))) == 0 && mr.slot < MAX_SLOTS) {
		lock();
		vm->slots[mr.slot] = (struct slot){
			.used = mr.memory_size != 0, .id = mr.slot,
			.gpa = mr.guest_phys_addr, .size = mr.memory_size,
			.hva = (void *)(unsigned long)mr.userspace_addr };
		unlock();
	}
}

/* Change the memory behind a slot while vCPUs may run on it. */
static void op_mm_chaos(void)
{
	int v = rnd(MAX_VMS);
	struct vm *vm = &P->vms[v];
	u8 *base;
	size_t size, off, len;

	if (!P->mm_chaos || !vm->used)
		return;
	if (chance(50) && vm->extra) {
		base = vm->extra;
		size = vm->extra_size;
	} else if (vm->mem) {
		base = vm->mem;
		size = vm->mem_size;
	} else {
		return;
	}
	off = rnd(size / PAGE) * PAGE;
	len = (1 + rnd(64)) * PAGE;
	if (off + len > size)
		len = size - off;
	switch (rnd(8)) {
	case 0:
		madvise(base + off, len, MADV_DONTNEED);
		break;
	case 1:
		madvise(base + off, len, 21 /* MADV_PAGEOUT */);
		break;
	case 2:		/* read-only for a moment */
		mprotect(base + off, len, PROT_READ);
		usleep(rnd(200));
		mprotect(base + off, len, PROT_READ | PROT_WRITE);
		break;
	case 3:		/* replaced by fresh memory at the same address */
		mmap(base + off, len, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		break;
	case 4:
		madvise(base + off, len, chance(50) ? MADV_HUGEPAGE :
			MADV_NOHUGEPAGE);
		break;
	case 5:
		madvise(base + off, len, 20 /* MADV_COLD */);
		break;
	case 6:		/* the guest's memory changes under it */
		len = len > 4 * PAGE ? 4 * PAGE : len;
		rnd_bytes(arena.base, len);
		tcg_safe_code(arena.base, len);
		safe_copy(base + off, arena.base, len);
		break;
	default:
		madvise(base + off, len, MADV_REMOVE);
		break;
	}
}

static void op_create_vcpu(void)
{
	static const u64 ids[] = { 0, 1, 2, 3, 4, 7, 254, 255, 256, 511,
				   1023, 1024, 4095, 4096, 0xffffffff,
				   0x100000000ULL, ~0ULL };
	int vm, vmfd = pick_fd(K_VM, &vm, NULL), fd, i;
	unsigned long id = chance(80) ? rnd(4) : PICK(ids);
	struct hv_run *run = NULL;

	if (vmfd < 0)
		return;
	fd = do_ioctl(vmfd, HV_CREATE_VCPU, id);
	if (fd < 0)
		return;
	atomic_fetch_add(&sh->vcpus, 1);
	if (P->mmap_size > 0) {
		run = mmap(NULL, P->mmap_size, PROT_READ | PROT_WRITE,
			   MAP_SHARED, fd, 0);
		atomic_fetch_add(&sh->mmaps, 1);
		if (run == MAP_FAILED)
			run = NULL;
	}
	i = obj_add(K_VCPU, fd, vm);
	if (i < 0) {
		if (run)
			munmap(run, P->mmap_size);
		return;
	}
	lock();
	P->objs[i].run = run;
	P->objs[i].run_size = P->mmap_size;
	unlock();
}

/* The supported CPUID, as the guest's (needed for XSAVE, etc). */
static void set_cpuid(int fd)
{
	size_t len;
	struct hv_cpuid2 *c;

	if (!P->cpuid)
		return;
	len = sizeof(*c) + P->cpuid->nent * sizeof(c->entries[0]);
	c = (struct hv_cpuid2 *)arena.base;
	memcpy(c, P->cpuid, len);
	if (chance(10))
		mutate(c->entries, len - sizeof(*c));
	do_ioctl(fd, HV_SET_CPUID2, (unsigned long)c);
}

/*
 * Set up a vCPU to run a guest: tables and code in slot 0's memory, a
 * mode through SET_SREGS, random registers.
 */
static void setup_guest(int fd, int v)
{
	struct vm *vm = v >= 0 && v < MAX_VMS ? &P->vms[v] : NULL;
	enum mode mode = rnd(M_NR);
	struct hv_sregs sr;
	struct hv_regs regs;
	u8 *code = arena.base + 32768;
	size_t code_len = chance(20) ? 64 : G_CODE_SIZE;

	if (!vm || !vm->mem)
		return;
	atomic_fetch_add(&sh->guests, 1);
	if (chance(60))
		set_cpuid(fd);
	/* Tables: built in the arena, copied (the memory may be gone). */
	memset(arena.base, 0, G_CODE);
	guest_tables(arena.base);
	gen_code(code, code_len, mode);
	tcg_safe_code(arena.base, G_CODE);
	tcg_safe_code(code, code_len);
	if (chance(70))
		safe_copy(vm->mem, arena.base, G_CODE);
	safe_copy((u8 *)vm->mem + G_CODE, code, code_len);

	memset(&sr, 0, sizeof(sr));
	if (do_ioctl(fd, HV_GET_SREGS, (unsigned long)&sr) < 0)
		return;
	mode_sregs(&sr, mode);
	tcg_safe_tr(&sr, sizeof(sr));
	tcg_safe_efer(&sr, sizeof(sr), offsetof(struct hv_sregs, efer));
	{
		char hex[3 * 48 + 1];
		size_t i;

		for (i = 0; i < 48 && i < code_len; i++)
			snprintf(hex + 3 * i, 4, " %02x", code[i]);
		trace("guest fd %d: mode %d cr0 %#llx cr4 %#llx efer %#llx cs %#x/%d/%d tr %d/%d",
		      fd, mode, sr.cr0, sr.cr4, sr.efer, sr.cs.selector,
		      sr.cs.l, sr.cs.db, sr.tr.type, sr.tr.present);
		trace("code%s", hex);
	}
	do_ioctl(fd, HV_SET_SREGS, (unsigned long)&sr);

	rnd_bytes(&regs, sizeof(regs));
	if (chance(70)) {
		regs.rflags = 2 | (chance(30) ? 0x200 : 0) |
			      (chance(5) ? 0x100 : 0);
		if (mode == M_VM86)
			regs.rflags |= 0x20000;
	}
	regs.rip = mode == M_REAL || mode == M_VM86 ? 0 : G_CODE;
	regs.rsp = mode == M_REAL || mode == M_VM86 ? 0xfff0 : G_STACK;
	if (chance(10))
		mutate(&regs, sizeof(regs));
	do_ioctl(fd, HV_SET_REGS, (unsigned long)&regs);
	if (chance(20)) {
		struct hv_mp_state mp = { .mp_state = chance(80) ?
					  HV_MP_STATE_RUNNABLE : rnd(12) };

		do_ioctl(fd, HV_SET_MP_STATE, (unsigned long)&mp);
	}
}

/* Exits consistent with the ABI, unless someone scribbled on the page. */
static void check_exit(const struct obj *o, int r)
{
	const struct hv_run *run = o->run;
	u32 reason;

	if (r != 0 || !run || P->scribble)
		return;
	reason = run->exit_reason;
	atomic_fetch_add_explicit(&sh->exits[reason < NR_EXIT_COUNTERS ?
				  reason : NR_EXIT_COUNTERS - 1], 1,
				  memory_order_relaxed);
	if (reason >= NR_EXIT_COUNTERS)
		fail("HV_RUN returned 0 with exit reason %u", reason);
	if (reason == HV_EXIT_IO) {
		u64 end = run->io.data_offset +
			  (u64)run->io.size * run->io.count;

		if (run->io.direction > 1 ||
		    (run->io.size != 1 && run->io.size != 2 &&
		     run->io.size != 4) || !run->io.count ||
		    run->io.data_offset < sizeof(*run) ||
		    end > o->run_size)
			fail("I/O exit out of bounds: dir %u size %u count %u at %llu, map %zu",
			     run->io.direction, run->io.size, run->io.count,
			     (unsigned long long)run->io.data_offset,
			     o->run_size);
	} else if (reason == HV_EXIT_MMIO) {
		if (!run->mmio.len || run->mmio.len > 8)
			fail("MMIO exit with length %u", run->mmio.len);
	}
}

/* Answer the exit, as a VMM would: data for IN and MMIO reads. */
static void complete_exit(const struct obj *o)
{
	struct hv_run *run = o->run;
	u64 off;
	u32 len;

	if (!run)
		return;
	switch (run->exit_reason) {
	case HV_EXIT_IO:
		off = run->io.data_offset;
		len = run->io.size * run->io.count;
		if (run->io.direction == HV_EXIT_IO_IN && off < o->run_size &&
		    len <= o->run_size - off)
			safe_fill_random((u8 *)run + off, len);
		break;
	case HV_EXIT_MMIO:
		if (!run->mmio.is_write)
			safe_fill_random(run->mmio.data, 8);
		break;
	default:
		break;
	}
	if (chance(5))
		run->request_interrupt_window = 1;
	if (chance(3))
		run->immediate_exit = 1;
}

static __thread struct hv_run *volatile cur_run;

static void op_run(void)
{
	struct obj o;
	int fd = pick_fd(K_VCPU, NULL, &o), n, r;

	if (fd < 0)
		return;
	if (o.kind == K_VCPU && chance(40))
		setup_guest(fd, o.vm);
	n = 1 + rnd(chance(80) ? 4 : 40);
	while (n--) {
		if (o.run && chance(90))
			o.run->immediate_exit = 0;
		cur_run = o.run;
		atomic_fetch_add_explicit(&sh->runs, 1, memory_order_relaxed);
		r = do_ioctl(fd, HV_RUN, chance(98) ? 0 : rnd_int_arg());
		cur_run = NULL;
		trace("RUN fd %d = %d, exit %u", fd, r,
		      o.run ? o.run->exit_reason : 0);
		if (r == 0)
			atomic_fetch_add_explicit(&sh->run_ok, 1,
						  memory_order_relaxed);
		if (o.kind != K_VCPU)
			break;
		check_exit(&o, r);
		if (r < 0 && errno != EINTR && errno != EAGAIN)
			break;
		if (r == 0) {
			u32 reason = o.run ? o.run->exit_reason : 0;

			if (reason == HV_EXIT_SHUTDOWN ||
			    reason == HV_EXIT_FAIL_ENTRY ||
			    reason == HV_EXIT_INTERNAL_ERROR) {
				if (chance(70))
					break;
			}
			complete_exit(&o);
		}
		if (chance(10))
			setup_guest(fd, o.vm);
		if (P->done)
			break;
	}
}

/* ---------------------------------------------------------------------- */
/* Generic ioctls from the table */

static unsigned long int_arg_for(const struct ioc *io)
{
	switch (io->cmd) {
	case HV_CHECK_EXTENSION:
		return chance(80) ? rnd(250) : rnd_int_arg();
	case HV_CREATE_VCPU:
		return chance(80) ? rnd(8) : rnd_int_arg();
	case HV_SET_TSC_KHZ:
		return chance(50) ? 1000000 + rnd(3000000) : rnd_int_arg();
	case HV_SET_TSS_ADDR:
		return chance(50) ? 0xfffbd000 : rnd_int_arg();
	case HV_RUN:
	case HV_NMI:
	case HV_SMI:
	case HV_GET_API_VERSION:
	case HV_GET_VCPU_MMAP_SIZE:
	case HV_GET_STATS_FD:
	case HV_CREATE_IRQCHIP:
		return chance(90) ? 0 : rnd_int_arg();
	default:
		return rnd_int_arg();
	}
}

/* A plausible count of elements for a variable-size structure. */
static u32 rnd_count(u32 max_fit)
{
	switch (rnd(6)) {
	case 0:
		return 0;
	case 1:
		return 1;
	case 2:
		return rnd(max_fit + 1);
	case 3:
		return max_fit;
	case 4:
		return PICK_OF(u32, 255, 256, 257, 512, 1023, 1024, 4095, 4096,
			       4097, 0x7fffffff, 0x80000000, 0xffffffff);
	default:
		return rnd(64);
	}
}

/* Special content for a few structures (beyond random and mutated). */
static void fill_special(const struct ioc *io, u8 *buf, size_t len)
{
	switch (io->cmd) {
	case HV_GET_MSRS:
	case HV_SET_MSRS: {
		struct hv_msrs *m = (void *)buf;
		u32 i, n = m->nmsrs;

		for (i = 0; i < n && sizeof(*m) + (i + 1) *
		     sizeof(m->entries[0]) <= len; i++) {
			if (chance(60) && P->nr_msrs)
				m->entries[i].index =
					P->msr_list[rnd(P->nr_msrs)];
			else if (chance(70))
				m->entries[i].index = PICK(msrs);
			else
				m->entries[i].index = rnd_value();
			m->entries[i].data = chance(30) ? 0 : rnd_value();
			/* See tcg_safe_efer(). */
			if (tcg_safe && m->entries[i].index == 0xc0000080)
				m->entries[i].data &= 0x1d01;
		}
		break;
	}
	case HV_SET_CPUID2:
		if (P->cpuid && chance(50)) {
			size_t l = sizeof(struct hv_cpuid2) + P->cpuid->nent *
				   sizeof(struct hv_cpuid_entry2);

			if (l <= len) {
				memcpy(buf, P->cpuid, l);
				mutate(buf + 8, l - 8);
			}
		}
		break;
	case HV_SET_SIGNAL_MASK: {
		struct hv_signal_mask *s = (void *)buf;

		if (chance(70))
			s->len = 8;
		/* Rarely block SIGUSR1: then only SIGKILL ends a RUN. */
		if (len >= 12 && chance(97))
			s->sigset[(SIGUSR1 - 1) / 8] &=
				~(1 << ((SIGUSR1 - 1) % 8));
		break;
	}
	case HV_GET_ONE_REG:
	case HV_SET_ONE_REG: {
		struct hv_one_reg *r = (void *)buf;

		if (chance(70))
			r->addr = (u64)(unsigned long)(arena.base + 60000);
		break;
	}
	case HV_IRQ_LINE:
	case HV_IRQ_LINE_STATUS: {
		struct hv_irq_level *l = (void *)buf;

		if (chance(70)) {
			l->irq = chance(80) ? rnd(24) : rnd(1024);
			l->level = rnd(2);
		}
		break;
	}
	case HV_INTERRUPT:
		if (chance(70))
			*(u32 *)buf = rnd(256);
		break;
	case HV_SIGNAL_MSI: {
		struct hv_msi *m = (void *)buf;

		if (chance(70)) {
			m->address_lo = 0xfee00000 | (rnd(4) << 12) |
					(rnd(16) << 2);
			m->address_hi = 0;
			m->data = rnd(0x10000);
			m->flags = chance(90) ? 0 : rnd_value();
		}
		break;
	}
	case HV_SET_GSI_ROUTING: {
		struct hv_irq_routing *rt = (void *)buf;
		u32 i;

		for (i = 0; i < rt->nr && sizeof(*rt) + (i + 1) *
		     sizeof(rt->entries[0]) <= len; i++) {
			struct hv_irq_routing_entry *e = &rt->entries[i];

			if (chance(30))
				continue;
			memset(e, 0, sizeof(*e));
			e->gsi = chance(80) ? rnd(24) : rnd_value();
			e->type = chance(90) ? 1 + rnd(2) : rnd(8);
			if (e->type == HV_IRQ_ROUTING_IRQCHIP) {
				e->u.irqchip.irqchip = rnd(4);
				e->u.irqchip.pin = rnd(30);
			} else {
				e->u.msi.address_lo = 0xfee00000 |
						      (rnd(4) << 12);
				e->u.msi.data = rnd(0x10000);
			}
		}
		if (chance(80))
			rt->flags = 0;
		break;
	}
	case HV_REGISTER_COALESCED_MMIO:
	case HV_UNREGISTER_COALESCED_MMIO: {
		struct hv_coalesced_mmio_zone *z = (void *)buf;

		if (chance(70)) {
			z->addr = chance(50) ? PICK(mmio_addrs) :
				  PICK(ports);
			z->size = PICK_OF(u32, 1, 2, 4, 8, 0, PAGE, 0x10000);
			z->pio = rnd(2);
		}
		break;
	}
	case HV_ENABLE_CAP: {
		struct hv_enable_cap *c = (void *)buf;

		if (chance(70)) {
			c->cap = chance(50) ? HV_CAP_MAX_VCPU_ID : rnd(250);
			c->flags = chance(80) ? 0 : rnd_value();
			c->args[0] = chance(50) ? rnd(1100) : rnd_value();
		}
		break;
	}
	case HV_GET_DIRTY_LOG:
	case HV_CLEAR_DIRTY_LOG: {
		struct hv_dirty_log *d = (void *)buf;

		if (chance(70)) {
			d->slot = rnd(8);
			d->dirty_bitmap = arena.base + 50000;
		}
		break;
	}
	case HV_CREATE_DEVICE: {
		struct hv_create_device *d = (void *)buf;

		if (chance(70)) {
			d->type = rnd(12);
			d->flags = chance(50) ? HV_CREATE_DEVICE_TEST : 0;
		}
		break;
	}
	case HV_SET_NESTED_STATE: {
		struct hv_nested_state *n = (void *)buf;

		if (chance(50)) {
			n->format = rnd(3);
			n->size = chance(50) ? rnd(len) : rnd_value();
		}
		break;
	}
	default:
		break;
	}
}

static void register_new_fd(const struct ioc *io, long r, const u8 *buf)
{
	int vm = -1;

	if (r < 0)
		return;
	switch (io->cmd) {
	case HV_CREATE_VM:
		vm = vm_alloc(r);
		obj_add(K_VM, r, vm);
		atomic_fetch_add(&sh->vms, 1);
		break;
	case HV_GET_STATS_FD:
		obj_add(K_STATS, r, -1);
		break;
	case HV_CREATE_DEVICE:
		if (!(((const struct hv_create_device *)buf)->flags &
		      HV_CREATE_DEVICE_TEST))
			obj_add(K_STATS, ((const struct hv_create_device *)
					  buf)->fd, -1);
		break;
	default:
		break;
	}
}

static void op_ioctl(void)
{
	unsigned int i = rnd(ARRAY_SIZE(iocs));
	const struct ioc *io = &iocs[i];
	enum kind kind = io->fd == F_SYS ? K_DEV :
			 io->fd == F_VM ? K_VM : K_VCPU;
	int fd = pick_fd(kind, NULL, NULL);
	u8 *buf = arena.base;
	size_t len = io->size;
	unsigned long arg;
	long r;

	if (fd < 0)
		return;
	if (io->cmd == HV_RUN && io->fd == F_VCPU)
		return op_run();
	if (io->cmd == HV_CREATE_VCPU)
		return op_create_vcpu();
	if (io->cmd == HV_SET_USER_MEMORY_REGION)
		return op_memslot();
	if (io->arg == A_INT) {
		r = do_ioctl(fd, io->cmd, int_arg_for(io));
		register_new_fd(io, r, NULL);
		return;
	}
	/* Room for a variable part when the structure has one. */
	if (io->elem)
		len += io->elem * (chance(50) ? rnd(64) : rnd(1024));
	if (io->cmd == HV_GET_XSAVE2 || io->cmd == HV_SET_XSAVE)
		len += rnd(4) * PAGE;
	if (io->cmd == HV_SET_NESTED_STATE || io->cmd == HV_GET_NESTED_STATE)
		len += rnd(3) * 8192;
	if (len > ARENA_SIZE / 2)
		len = ARENA_SIZE / 2;

	/* Content: from the last GET (mutated), random, zero or pattern. */
	if (io->pair >= 0 && cache[io->pair] && chance(70)) {
		size_t l = cache_len[io->pair] < len ? cache_len[io->pair] :
			   len;

		memset(buf, 0, len);
		memcpy(buf, cache[io->pair], l);
		if (chance(60))
			mutate(buf, len);
	} else {
		switch (rnd(4)) {
		case 0:
			memset(buf, 0, len);
			break;
		case 1:
			memset(buf, 0xa5, len);
			break;
		default:
			rnd_bytes(buf, len);
		}
	}
	if (io->cnt_off != NOCNT && len >= io->cnt_off + 4u) {
		u32 fit = io->elem ? (len - io->size) / io->elem : 0;

		*(u32 *)(buf + io->cnt_off) = rnd_count(fit);
		if (io->elem == 8 && io->cnt_off == 0 && len >= 8)
			*(u64 *)buf = rnd_count(fit);	/* hv_reg_list.n */
	}
	fill_special(io, buf, len);
	if (io->cmd == HV_SET_SREGS || io->cmd == HV_SET_SREGS2)
		tcg_safe_tr(buf, len);
	if (io->cmd == HV_SET_SREGS)
		tcg_safe_efer(buf, len, offsetof(struct hv_sregs, efer));
	if (io->cmd == HV_SET_SREGS2)
		tcg_safe_efer(buf, len, offsetof(struct hv_sregs2, efer));
	/* What a hang report needs to tell the suspects apart. */
	if (io->cmd == HV_SET_MSRS && len >= sizeof(struct hv_msrs)) {
		struct hv_msrs *m = (void *)buf;
		u32 i;

		for (i = 0; i < m->nmsrs && i < 8 &&
		     sizeof(*m) + (i + 1) * sizeof(m->entries[0]) <= len; i++)
			trace("  SET_MSRS %#x = %#llx", m->entries[i].index,
			      (u64)m->entries[i].data);
	}
	if (io->cmd == HV_SET_DEBUGREGS) {
		struct hv_debugregs *d = (void *)buf;

		d->dr7 = tcg_safe_dr7(d->dr7);
	}
	if (io->cmd == HV_SET_GUEST_DEBUG) {
		struct hv_guest_debug *d = (void *)buf;

		d->arch.debugreg[7] = tcg_safe_dr7(d->arch.debugreg[7]);
		if (tcg_safe)
			d->control &= ~HV_GUESTDBG_USE_HW_BP;
	}
	arg = place_arg(buf, len);
	r = do_ioctl(fd, io->cmd, arg);
	register_new_fd(io, r, buf);
	if (r >= 0 && arg == (unsigned long)buf &&
	    !strncmp(io->name, "HV_GET_", 7)) {
		if (!cache[i])
			cache[i] = malloc(CACHE_SIZE);
		if (cache[i]) {
			cache_len[i] = len < CACHE_SIZE ? len : CACHE_SIZE;
			memcpy(cache[i], buf, cache_len[i]);
		}
	}
}

/* A random ioctl number: of our type, or anything. */
static void op_random_ioctl(void)
{
	int fd = pick_fd(rnd(K_NR - 1) + 1, NULL, NULL);
	unsigned long cmd;

	if (fd < 0)
		return;
	switch (rnd(4)) {
	case 0:
		cmd = _IOC(rnd(4), HVIO, rnd(256), rnd(1 << 14));
		break;
	case 1:
		cmd = _IOC(rnd(4), rnd(256), rnd(256), rnd(1 << 14));
		break;
	case 2:		/* a known one with the wrong size or direction */
		cmd = iocs[rnd(ARRAY_SIZE(iocs))].cmd ^
		      ((u64)(1 + rnd(15)) << (16 + rnd(14)));
		break;
	default:
		cmd = rnd64();
	}
	/* Never one that creates an fd (it would not be tracked). */
	if (_IOC_TYPE(cmd) == HVIO && (_IOC_NR(cmd) == 0x01 ||
				       _IOC_NR(cmd) == 0x41 ||
				       _IOC_NR(cmd) == 0xce ||
				       _IOC_NR(cmd) == 0xe0))
		return;
	rnd_bytes(arena.base, 4096);
	do_ioctl(fd, cmd, chance(70) ? place_arg(arena.base, 4096) :
		 rnd_int_arg());
}

/* ---------------------------------------------------------------------- */
/* fds: open, close, dup, mmap, stats reads */

static void op_open(void)
{
	int fd = open(dev_path, O_RDWR | (chance(50) ? O_CLOEXEC : 0));

	if (fd >= 0)
		obj_add(K_DEV, fd, -1);
}

static void op_close(void)
{
	int i, n = 0, idx[MAX_OBJS];
	struct obj o;

	lock();
	for (i = 0; i < MAX_OBJS; i++)
		if (P->objs[i].kind != K_FREE)
			idx[n++] = i;
	if (!n) {
		unlock();
		return;
	}
	i = idx[rnd(n)];
	o = P->objs[i];
	P->objs[i].kind = K_FREE;
	unlock();
	/*
	 * The run page mapping outlives the fd, as it may (other threads
	 * may hold a copy of the entry and use it).
	 */
	close(o.fd);
	atomic_fetch_add(&sh->closes, 1);
}

static void op_dup(void)
{
	struct obj o;
	int fd = pick_fd(rnd(K_NR - 1) + 1, NULL, &o), nfd;

	if (fd < 0)
		return;
	nfd = dup(fd);
	if (nfd >= 0)
		obj_add(o.kind == K_FREE ? K_DEV : o.kind, nfd, o.vm);
}

static void op_eventfd(void)
{
	int vm = pick_fd(K_VM, NULL, NULL), efd, rfd = -1;
	struct hv_irqfd irqfd = { 0 };
	struct hv_ioeventfd io = { 0 };

	if (vm < 0)
		return;
	efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (efd < 0)
		return;
	if (chance(50)) {
		irqfd.fd = efd;
		irqfd.gsi = chance(80) ? rnd(24) : rnd_value();
		irqfd.flags = chance(70) ? 0 : rnd(4);
		if (irqfd.flags & HV_IRQFD_FLAG_RESAMPLE) {
			rfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
			irqfd.resamplefd = rfd;
		}
		do_ioctl(vm, HV_IRQFD, place_arg(&irqfd, sizeof(irqfd)));
	} else {
		io.fd = efd;
		io.addr = chance(50) ? PICK(ports) : PICK(mmio_addrs);
		io.len = PICK_OF(u32, 0, 1, 2, 4, 8, 3, 16);
		io.flags = chance(70) ? rnd(8) : rnd_value();
		io.datamatch = rnd_value();
		do_ioctl(vm, HV_IOEVENTFD, place_arg(&io, sizeof(io)));
	}
	if (chance(50))
		eventfd_write(efd, 1);
	obj_add(K_EVENTFD, efd, -1);
	if (rfd >= 0)
		obj_add(K_EVENTFD, rfd, -1);
}

/* Poke an eventfd: an irqfd injects, a resample fd is read. */
static void op_eventfd_poke(void)
{
	int fd = pick_fd(K_EVENTFD, NULL, NULL);
	eventfd_t v;

	if (fd < 0)
		return;
	if (chance(50))
		eventfd_write(fd, 1 + rnd(3));
	else
		eventfd_read(fd, &v);
}

static void op_mmap(void)
{
	static const int prots[] = { PROT_READ | PROT_WRITE, PROT_READ,
				     PROT_READ | PROT_WRITE | PROT_EXEC,
				     PROT_NONE, PROT_WRITE };
	struct obj o;
	int fd = pick_fd(K_VCPU, NULL, &o), i;
	size_t len;
	off_t off;
	u8 *p;

	if (fd < 0)
		return;
	len = PICK_OF(size_t, PAGE, 2 * PAGE, 3 * PAGE, 4 * PAGE, 16 * PAGE);
	off = chance(70) ? rnd(4) * PAGE :
	      (off_t)PICK_OF(u64, 3, 4, 64, 0x7fff, 0xfffff) * PAGE;
	atomic_fetch_add(&sh->mmaps, 1);
	p = mmap(NULL, len, PICK(prots), chance(85) ? MAP_SHARED : MAP_PRIVATE,
		 fd, off);
	if (p == MAP_FAILED)
		return;
	/* Touch every page: beyond the vCPU's pages that is SIGBUS. */
	for (i = 0; i < (int)(len / PAGE); i++) {
		u8 tmp[64];

		if (safe_copy(tmp, p + i * PAGE + rnd(PAGE - 64), 64))
			continue;
		if (P->scribble && chance(30))
			safe_fill_random(p + i * PAGE + rnd(PAGE - 64), 64);
	}
	lock();
	i = rnd(MAX_MAPS);
	if (P->maps[i].addr)
		munmap(P->maps[i].addr, P->maps[i].len);
	P->maps[i] = (struct map){ .addr = p, .len = len };
	unlock();
}

/* Random bytes over a run page while its vCPU may be running. */
static void op_scribble(void)
{
	struct obj o;
	size_t off;

	if (!P->scribble || pick_fd(K_VCPU, NULL, &o) < 0 || !o.run)
		return;
	off = rnd(o.run_size);
	safe_fill_random((u8 *)o.run + off, 1 + rnd(o.run_size - off > 256 ?
						     256 : o.run_size - off));
}

static void op_stats_read(void)
{
	int fd = pick_fd(K_STATS, NULL, NULL);
	struct hv_stats_header h;
	u8 *buf = arena.base;
	off_t off;
	size_t len;

	if (fd < 0)
		return;
	if (chance(50)) {
		if (pread(fd, &h, sizeof(h), 0) == sizeof(h) && chance(50)) {
			pread(fd, buf, 4096, h.desc_offset);
			pread(fd, buf, 512, h.data_offset);
		}
		return;
	}
	off = chance(50) ? rnd(8192) : (off_t)rnd_value();
	len = chance(80) ? rnd(4096) : rnd(ARENA_SIZE);
	pread(fd, buf, len, off);
	if (chance(10))
		lseek(fd, rnd_value(), SEEK_SET);
}

/*
 * fork: the child (another mm) uses or closes the inherited fds, maps a
 * vCPU's pages, then exits, or is killed at a random point.
 */
static void op_fork(void)
{
	pid_t pid;
	int status, i, n;
	bool orphan;

	if (!P->fork_ok)
		return;
	orphan = chance(10);
	atomic_fetch_add(&sh->forks, 1);
	pid = fork();
	if (pid < 0)
		return;
	if (pid == 0) {
		sigset_t all;

		sigfillset(&all);
		sigprocmask(SIG_BLOCK, &all, NULL);
		n = rnd(12);
		for (i = 0; i < n; i++) {
			/* The table is read without the lock: it may be held. */
			struct obj o = P->objs[rnd(MAX_OBJS)];

			if (o.kind == K_FREE)
				continue;
			switch (rnd(5)) {
			case 0:
				close(o.fd);
				break;
			case 1:
				if (o.run)
					safe_fill_random(o.run, 64);
				break;
			case 2:
				mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
				     MAP_SHARED, o.fd, rnd(3) * PAGE);
				break;
			default:
				atomic_fetch_add(&sh->ioctls, 1);
				ioctl(o.fd, iocs[rnd(ARRAY_SIZE(iocs))].cmd,
				      arena.base);
			}
		}
		if (orphan)
			usleep(rnd(200000));
		_exit(0);
	}
	if (orphan)
		return;	/* it outlives this program, with the fds */
	if (chance(50)) {
		usleep(rnd(2000));
		kill(pid, SIGKILL);
		atomic_fetch_add(&sh->kills, 1);
	}
	while (waitpid(pid, &status, __WALL) < 0 && errno == EINTR)
		;
}

/* ---------------------------------------------------------------------- */
/* Program threads */

struct op {
	void (*fn)(void);
	unsigned int weight;
};

static const struct op ops[] = {
	{ op_open, 2 },
	{ op_create_vm, 6 },
	{ op_create_vcpu, 8 },
	{ op_memslot, 8 },
	{ op_run, 25 },
	{ op_ioctl, 60 },
	{ op_random_ioctl, 4 },
	{ op_close, 4 },
	{ op_dup, 1 },
	{ op_eventfd, 4 },
	{ op_eventfd_poke, 3 },
	{ op_mmap, 4 },
	{ op_scribble, 4 },
	{ op_stats_read, 3 },
	{ op_mm_chaos, 4 },
	{ op_fork, 1 },
};

static void run_op(void)
{
	unsigned int total = 0, i, x;

	for (i = 0; i < ARRAY_SIZE(ops); i++)
		total += ops[i].weight;
	x = rnd(total);
	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		if (x < ops[i].weight) {
			ops[i].fn();
			return;
		}
		x -= ops[i].weight;
	}
}

static bool past(const struct timespec *t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > t->tv_sec ||
	       (now.tv_sec == t->tv_sec && now.tv_nsec >= t->tv_nsec);
}

static void sigusr1(int sig)
{
	/* As a VMM does; the pending signal alone also ends HV_RUN. */
	if (cur_run && (rnd64() & 3) == 0)
		cur_run->immediate_exit = 1;
}

struct thread_arg {
	unsigned int idx;
	u64 seed;
	unsigned int nr_ops;
};

static void *program_thread(void *a)
{
	struct thread_arg *ta = a;
	unsigned int i;

	rng_seed(&rng, ta->seed);
	cur_program_seed = P->seed;
	P->tids[ta->idx] = syscall(SYS_gettid);
	arena_init();
	for (i = 0; i < ta->nr_ops && !past(&P->deadline); i++)
		run_op();
	return NULL;
}

/* Every few ms, SIGUSR1 to every program thread: no RUN lasts. */
static void *kicker(void *a)
{
	unsigned int i;

	while (!P->done) {
		usleep(1000 + rnd64() % 8000);
		for (i = 0; i < P->nr_threads; i++)
			if (P->tids[i])
				syscall(SYS_tgkill, getpid(), P->tids[i],
					SIGUSR1);
	}
	return NULL;
}

/* --hold-vm's fds, which every program inherits. */
static int held_fds[8] = { -1, -1, -1, -1, -1, -1, -1, -1 };
static int nr_held;

/* fds the kernel gave this process that the table does not know. */
static void check_fd_leaks(void)
{
	int i;

	char path[64], link[256];
	struct dirent *d;
	DIR *dir;
	ssize_t n;

	dir = opendir("/proc/self/fd");
	if (!dir)
		return;
	while ((d = readdir(dir))) {
		int fd = atoi(d->d_name);

		if (d->d_name[0] == '.' || fd == dirfd(dir))
			continue;
		for (i = 0; i < nr_held; i++)
			if (fd == held_fds[i])
				break;
		if (i < nr_held)
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		n = readlink(path, link, sizeof(link) - 1);
		if (n < 0)
			continue;
		link[n] = 0;
		if (strstr(link, "anon_inode:hv-") ||
		    strstr(link, "anon_inode:kvm-"))
			fail("fd %d (%s) left open after every known fd was closed",
			     fd, link);
	}
	closedir(dir);
}

static int program_main(u64 seed, unsigned int max_threads)
{
	static struct thread_arg args[16];
	struct sigaction sa = { 0 };
	pthread_t kick;
	sigset_t set;
	unsigned int i;
	int fd;

	rng_seed(&rng, seed);
	cur_program_seed = seed;
	P = mmap(NULL, sizeof(*P), PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (P == MAP_FAILED)
		return 2;
	pthread_mutex_init(&P->lock, NULL);
	P->seed = seed;
	P->scribble = chance(15);
	P->mm_chaos = chance(30);
	P->fork_ok = chance(40);
	P->nr_threads = 1 + rnd(max_threads);
	P->reserve = mmap(NULL, RESERVE_SIZE, PROT_NONE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (P->reserve == MAP_FAILED)
		P->reserve = NULL;
	clock_gettime(CLOCK_MONOTONIC, &P->deadline);
	P->deadline.tv_sec += 2;
	arena_init();

	sa.sa_sigaction = fault_handler;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	sa = (struct sigaction){ .sa_handler = sigusr1 };
	sigaction(SIGUSR1, &sa, NULL);

	fd = open(dev_path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return 2;
	P->mmap_size = ioctl(fd, HV_GET_VCPU_MMAP_SIZE, 0);
	P->cpuid = calloc(1, sizeof(*P->cpuid) +
			  256 * sizeof(struct hv_cpuid_entry2));
	P->cpuid->nent = 256;
	if (ioctl(fd, HV_GET_SUPPORTED_CPUID, P->cpuid) < 0) {
		free(P->cpuid);
		P->cpuid = NULL;
	}
	{
		struct hv_msr_list *l = (void *)arena.base;

		l->nmsrs = 500;
		if (ioctl(fd, HV_GET_MSR_INDEX_LIST, l) == 0) {
			P->nr_msrs = l->nmsrs < 512 ? l->nmsrs : 512;
			memcpy(P->msr_list, l->indices, P->nr_msrs * 4);
		}
	}
	obj_add(K_DEV, fd, -1);
	/* Most programs start with a guest ready to run. */
	if (chance(80)) {
		op_create_vm();
		for (i = rnd(3); i-- > 0; )
			op_create_vcpu();
	}

	for (i = 0; i < P->nr_threads; i++) {
		args[i] = (struct thread_arg){ .idx = i,
					       .seed = seed + 1 + i,
					       .nr_ops = 20 + rnd(300) };
		if (pthread_create(&P->threads[i], NULL, program_thread,
				   &args[i])) {
			P->nr_threads = i;
			break;
		}
	}
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	pthread_create(&kick, NULL, kicker, NULL);
	for (i = 0; i < P->nr_threads; i++)
		pthread_join(P->threads[i], NULL);
	P->done = 1;
	pthread_join(kick, NULL);

	/* Close everything in a random order, then look for leaks. */
	for (i = 0; i < MAX_OBJS; i++) {
		if (P->objs[i].kind == K_FREE)
			continue;
		if (P->objs[i].run && chance(50))
			munmap(P->objs[i].run, P->objs[i].run_size);
		P->objs[i].run = NULL;
		close(P->objs[i].fd);
		P->objs[i].kind = K_FREE;
	}
	check_fd_leaks();
	/* Exit with mappings (and memory behind slots) still in place. */
	return atomic_load(&sh->failed) ? 1 : 0;
}

/* ---------------------------------------------------------------------- */
/* The supervisor: programs, module references, memory */

static int read_module_refcnt(const char *mod)
{
	char path[128];
	FILE *f;
	int v = -1;

	snprintf(path, sizeof(path), "/sys/module/%s/refcnt", mod);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%d", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

static char mod_names[4][64];
static int nr_mods;
static int mod_base[4];

static void modules_init(void)
{
	char buf[256], *tok, *save;

	if (!opt_modules)
		opt_modules = strstr(dev_path, "kvm") ? "kvm kvm_amd kvm_intel" :
			      "hv hv_amd hv_intel hv_arm64";
	snprintf(buf, sizeof(buf), "%s", opt_modules);
	for (tok = strtok_r(buf, " ,", &save); tok && nr_mods < 4;
	     tok = strtok_r(NULL, " ,", &save)) {
		int v = read_module_refcnt(tok);

		if (v < 0)
			continue;
		snprintf(mod_names[nr_mods], sizeof(mod_names[0]), "%s", tok);
		mod_base[nr_mods++] = v;
		printf("hvfuzz: module %s refcnt %d\n", tok, v);
	}
}

/* Module references back at their baseline (VMs destroyed), in 10 s. */
static bool modules_settled(u64 seed)
{
	int i, tries;

	for (tries = 0; tries < 1000; tries++) {
		bool ok = true;

		for (i = 0; i < nr_mods; i++)
			if (read_module_refcnt(mod_names[i]) != mod_base[i])
				ok = false;
		if (ok)
			return true;
		/* Orphaned grandchildren may still hold fds: reap them. */
		while (waitpid(-1, NULL, WNOHANG | __WALL) > 0)
			;
		usleep(10000);
	}
	for (i = 0; i < nr_mods; i++)
		fprintf(stderr,
			"hvfuzz: FAIL (program seed 0x%016llx): module %s refcnt %d, was %d: a VM or vCPU was not freed\n",
			seed, mod_names[i], read_module_refcnt(mod_names[i]),
			mod_base[i]);
	return false;
}

static long read_meminfo(const char *key)
{
	char line[256];
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");
	size_t kl = strlen(key);

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, kl) && line[kl] == ':')
			v = strtol(line + kl + 1, NULL, 10);
	fclose(f);
	return v;
}

static void flush_caches(void)
{
	int fd = open("/proc/sys/vm/drop_caches", O_WRONLY);

	sync();
	if (fd >= 0) {
		ssize_t n = write(fd, "3", 1);

		(void)n;
		close(fd);
	}
}

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/* Prints every thread's state, stack and syscall; returns how many run. */
static int dump_stacks(pid_t pid)
{
	int running = 0;
	char path[320], buf[4096];
	struct dirent *d;
	DIR *dir;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	dir = opendir(path);
	if (!dir)
		return 0;
	while ((d = readdir(dir))) {
		char *st;

		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%s/stat", pid,
			 d->d_name);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		buf[n > 0 ? n : 0] = 0;
		st = strrchr(buf, ')');
		if (st && st[1] && st[2] == 'R') {
			running++;
			fprintf(stderr, "hvfuzz: task %s is running\n",
				d->d_name);
		}
		snprintf(path, sizeof(path), "/proc/%d/task/%s/stack", pid,
			 d->d_name);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n >= 0) {
			char wchan[64] = "";
			int wfd;

			buf[n] = 0;
			snprintf(path, sizeof(path), "/proc/%d/task/%s/wchan",
				 pid, d->d_name);
			wfd = open(path, O_RDONLY);
			if (wfd >= 0) {
				n = read(wfd, wchan, sizeof(wchan) - 1);
				wchan[n > 0 ? n : 0] = 0;
				close(wfd);
			}
			fprintf(stderr, "hvfuzz: task %s (wchan %s):\n%s",
				d->d_name, wchan, buf);
			/* The syscall and its arguments, user SP and PC. */
			snprintf(path, sizeof(path), "/proc/%d/task/%s/syscall",
				 pid, d->d_name);
			wfd = open(path, O_RDONLY);
			if (wfd >= 0) {
				n = read(wfd, buf, sizeof(buf) - 1);
				buf[n > 0 ? n : 0] = 0;
				close(wfd);
				fprintf(stderr, "hvfuzz:   syscall %s", buf);
			}
		}
	}
	closedir(dir);
	return running;
}

/*
 * Each program runs in a memory cgroup of its own (cgroup v2, mounted
 * here if it is not).  hv charges what a VM allocates to it
 * (GFP_KERNEL_ACCOUNT), so once the program's processes are gone and its
 * VMs destroyed, the cgroup's memory.current must fall back to (nearly)
 * nothing: what stays charged was not freed.
 */
#define CG_ROOT		"/sys/fs/cgroup"
#define CG_LEAK_KB	128	/* RCU-deferred frees and the like: less */

static bool cg_on;
static long cg_max_kb;		/* the most a program left, for the report */
static int cg_shown;		/* memory.stat of the first program shown */

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY), r;

	if (fd < 0)
		return -1;
	r = write(fd, s, strlen(s)) == (ssize_t)strlen(s) ? 0 : -1;
	close(fd);
	return r;
}

static void cg_init(void)
{
	if (access(CG_ROOT "/cgroup.controllers", F_OK)) {
		mkdir(CG_ROOT, 0755);
		if (mount("none", CG_ROOT, "cgroup2", 0, NULL))
			return;
	}
	if (write_file(CG_ROOT "/cgroup.subtree_control", "+memory"))
		return;
	cg_on = true;
	printf("hvfuzz: a memory cgroup per program: at most %d kB may stay charged\n",
	       CG_LEAK_KB);
}

static void cg_path(char *buf, size_t len, u64 seed, const char *file)
{
	snprintf(buf, len, CG_ROOT "/hvfuzz-%016llx%s%s", seed,
		 file ? "/" : "", file ? file : "");
}

/* In the program's process, first thing. */
static void cg_enter(u64 seed)
{
	char path[128];

	if (!cg_on)
		return;
	cg_path(path, sizeof(path), seed, "cgroup.procs");
	write_file(path, "0");
}

/*
 * What a cgroup's memory.stat says is in use: anonymous, file and kernel
 * memory (slab, stacks, page tables, per-CPU, vmalloc), socket buffers.
 * Not memory.current: that also counts charges each CPU keeps in stock
 * (up to 64 pages per CPU) without anything in them.
 */
static long cg_charged(const char *stat)
{
	char key[64];
	long total = -1;
	unsigned long long v;
	FILE *f = fopen(stat, "r");

	if (!f)
		return -1;
	while (fscanf(f, "%63s %llu", key, &v) == 2) {
		if (!strcmp(key, "anon") || !strcmp(key, "file") ||
		    !strcmp(key, "kernel") || !strcmp(key, "sock"))
			total = (total < 0 ? 0 : total) + v;
	}
	fclose(f);
	return total;
}

/* After the program: what it left charged; false if too much. */
static bool cg_check(u64 seed)
{
	char path[128], line[128];
	long cur = -1;
	FILE *f;
	int i;

	if (!cg_on)
		return true;
	cg_path(path, sizeof(path), seed, "memory.stat");
	for (i = 0; i < 300; i++) {
		cur = cg_charged(path);
		if (cur >= 0 && cur / 1024 < CG_LEAK_KB)
			break;
		while (waitpid(-1, NULL, WNOHANG | __WALL) > 0)
			;
		usleep(10000);
	}
	if (cur / 1024 > cg_max_kb)
		cg_max_kb = cur / 1024;
	if (cur >= 0 && (cur / 1024 >= CG_LEAK_KB || !cg_shown)) {
		if (cur / 1024 >= CG_LEAK_KB)
			fprintf(stderr,
				"hvfuzz: FAIL (program seed 0x%016llx): %ld kB still charged to its memory cgroup after it exited and its VMs were destroyed:\n",
				seed, cur / 1024);
		else
			fprintf(stderr, "hvfuzz: what the first program left charged (%ld kB):\n",
				cur / 1024);
		cg_path(path, sizeof(path), seed, "memory.stat");
		f = fopen(path, "r");
		while (f && fgets(line, sizeof(line), f))
			if (strtoul(strchr(line, ' ') ? strchr(line, ' ') + 1 :
				    "0", NULL, 10) && !strstr(line, "pg") &&
			    !strstr(line, "workingset") && !strstr(line, "thp_"))
				fprintf(stderr, "hvfuzz:   %s", line);
		if (f)
			fclose(f);
		cg_shown = 1;
		if (cur / 1024 >= CG_LEAK_KB)
			return false;
	}
	cg_path(path, sizeof(path), seed, NULL);
	rmdir(path);
	return true;
}

/*
 * hv's debugfs statistics of the VMs of @pid ("entries" tells whether a
 * stuck vCPU still enters and leaves the guest).
 */
static u64 dump_hv_stats(pid_t pid)
{
	char prefix[32], path[600], line[128];
	u64 entries = 0;
	struct dirent *d, *e;
	DIR *dir, *vmdir;
	FILE *f;

	snprintf(prefix, sizeof(prefix), "%d-", pid);
	dir = opendir("/sys/kernel/debug/hv");
	while (dir && (d = readdir(dir))) {
		if (strncmp(d->d_name, prefix, strlen(prefix)))
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/debug/hv/%s",
			 d->d_name);
		vmdir = opendir(path);
		while (vmdir && (e = readdir(vmdir))) {
			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path),
				 "/sys/kernel/debug/hv/%s/%s", d->d_name,
				 e->d_name);
			f = fopen(path, "r");
			while (f && fgets(line, sizeof(line), f)) {
				fprintf(stderr, "hvfuzz:   %s/%s: %s",
					d->d_name, e->d_name, line);
				if (!strncmp(line, "entries ", 8))
					entries += strtoull(line + 8, NULL, 10);
			}
			if (f)
				fclose(f);
		}
		if (vmdir)
			closedir(vmdir);
	}
	if (dir)
		closedir(dir);
	return entries;
}

/*
 * One program in a child process: 0 clean, 1 an invariant failed, 2 it
 * did not exit (or could not run).
 */
static int run_program(u64 seed)
{
	double start = now_s(), limit = 10.0;
	bool killed = false, stuck = false;
	int status;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	if (cg_on) {
		char path[128];

		cg_path(path, sizeof(path), seed, NULL);
		mkdir(path, 0755);
	}
	pid = fork();
	if (pid < 0)
		return 2;
	if (pid == 0) {
		cg_enter(seed);
		setpgid(0, 0);
		_exit(program_main(seed, opt_threads));
	}
	setpgid(pid, pid);
	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG | __WALL);

		if (r == pid)
			break;
		if (!killed && now_s() - start > limit) {
			/* Programs end by themselves in ~2 s; force it. */
			fprintf(stderr,
				"hvfuzz: program seed 0x%016llx still runs after %.0f s; its threads:\n",
				seed, limit);
			int run1 = dump_stacks(pid), run2;
			u64 e1 = dump_hv_stats(pid), e2;

			sleep(1);
			fprintf(stderr, "hvfuzz: one second later:\n");
			run2 = dump_stacks(pid);
			trace_dump();
			e2 = dump_hv_stats(pid);
			/*
			 * A thread that ran all along while no vCPU entered
			 * the guest is stuck in the kernel or in one guest
			 * run that host interrupts do not end: a bug.  Ask
			 * the kernel for the CPUs' backtraces (which fails
			 * the test host's run).  hv only: the statistics
			 * are hv's debugfs files.
			 */
			if (run1 && run2 && e1 == e2 &&
			    !strstr(dev_path, "kvm")) {
				fprintf(stderr,
					"hvfuzz: FAIL (program seed 0x%016llx): a thread runs in the kernel and no vCPU enters the guest\n",
					seed);
				write_file("/proc/sysrq-trigger", "l");
				sleep(1);
				stuck = true;
			}
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			atomic_fetch_add(&sh->kills, 1);
			killed = true;
			start = now_s();
			limit = 30.0;
		} else if (killed && now_s() - start > limit) {
			fprintf(stderr,
				"hvfuzz: FAIL (program seed 0x%016llx): the program did not exit %.0f s after SIGKILL\n",
				seed, limit);
			dump_stacks(pid);
			return 2;
		}
		usleep(2000);
	}
	/* Random kills of its children leave zombies to reap. */
	while (waitpid(-1, NULL, WNOHANG | __WALL) > 0)
		;
	if (stuck)
		return 1;
	if (killed)
		fprintf(stderr,
			"hvfuzz: program seed 0x%016llx killed after its time (exit is fine)\n",
			seed);
	if (WIFSIGNALED(status) && WTERMSIG(status) != SIGKILL) {
		fprintf(stderr,
			"hvfuzz: FAIL (program seed 0x%016llx): program died of signal %d\n",
			seed, WTERMSIG(status));
		return 1;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 2) {
		fprintf(stderr, "hvfuzz: program seed 0x%016llx could not start\n",
			seed);
		return 2;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
		return 1;
	if (!modules_settled(seed))
		return 1;
	return cg_check(seed) ? 0 : 1;
}

static void print_stats(const char *what, u64 programs, double secs)
{
	static const char * const names[] = {
		[HV_EXIT_UNKNOWN] = "unknown", [HV_EXIT_EXCEPTION] = "exception",
		[HV_EXIT_IO] = "io", [HV_EXIT_HYPERCALL] = "hypercall",
		[HV_EXIT_DEBUG] = "debug", [HV_EXIT_HLT] = "hlt",
		[HV_EXIT_MMIO] = "mmio", [HV_EXIT_IRQ_WINDOW_OPEN] = "irq_window",
		[HV_EXIT_SHUTDOWN] = "shutdown", [HV_EXIT_FAIL_ENTRY] = "fail_entry",
		[HV_EXIT_INTR] = "intr", [HV_EXIT_INTERNAL_ERROR] = "internal_error",
		[HV_EXIT_SYSTEM_EVENT] = "system_event",
	};
	unsigned int i;

	printf("hvfuzz: %s: %llu programs, %llu executions (ioctls) in %.0f s\n",
	       what, programs, (u64)sh->ioctls, secs);
	printf("hvfuzz: %llu HV_RUN (%llu exits), %llu guests, %llu VMs, %llu vCPUs,",
	       (u64)sh->runs, (u64)sh->run_ok, (u64)sh->guests, (u64)sh->vms,
	       (u64)sh->vcpus);
	printf(" %llu mmaps, %llu closes, %llu forks, %llu kills\n",
	       (u64)sh->mmaps, (u64)sh->closes, (u64)sh->forks,
	       (u64)sh->kills);
	if (cg_on)
		printf("hvfuzz: at most %ld kB stayed charged to a program's memory cgroup\n",
		       cg_max_kb);
	printf("hvfuzz: exits:");
	for (i = 0; i < NR_EXIT_COUNTERS; i++) {
		if (!sh->exits[i])
			continue;
		if (i < ARRAY_SIZE(names) && names[i])
			printf(" %s %llu", names[i],
			       (unsigned long long)sh->exits[i]);
		else
			printf(" #%u %llu", i, (unsigned long long)sh->exits[i]);
	}
	printf("\n");
	fflush(stdout);
}

/*
 * --hold-vm: two VMs with a vCPU each (one with the in-kernel irqchip)
 * stay open for the whole run.  Linux's KVM flips static keys (the
 * preempt notifiers, "vCPU without a local APIC") as the first VM or
 * vCPU comes and the last goes; each flip patches kernel text, which
 * under QEMU TCG has been seen to hang the host's CPUs (soft lockups in
 * the int3 handler of text_poke_bp()).  Held VMs keep the keys on.  hv
 * turns its key on once and never back, it does not need this.
 */
static void hold_vms(void)
{
	int dev = open(dev_path, O_RDWR), vm, i;

	held_fds[nr_held++] = dev;
	for (i = 0; i < 2 && dev >= 0; i++) {
		vm = ioctl(dev, HV_CREATE_VM, 0);
		if (vm < 0)
			break;
		held_fds[nr_held++] = vm;
		if (i == 1)
			ioctl(vm, HV_CREATE_IRQCHIP, 0);
		held_fds[nr_held++] = ioctl(vm, HV_CREATE_VCPU, 0);
	}
	printf("hvfuzz: holding 2 VMs for the whole run (--hold-vm)\n");
}

static void print_usage(void)
{
	fprintf(stderr,
		"usage: hvfuzz [--dev PATH] [--seed N] [--iterations N] [--seconds S] [--threads N] [--program-seed X] [--modules \"m ...\"] [--no-mem-check] [--hold-vm] [--verbose]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	long free0 = 0, slab0 = 0, free1, slab1;
	double start, last_report;
	u64 programs = 0, seed;
	int i, r, bad = 0;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--verbose")) {
			opt_verbose = true;
			continue;
		}
		if (!strcmp(a, "--no-mem-check")) {
			opt_mem_check = false;
			continue;
		}
		if (!strcmp(a, "--hold-vm")) {
			opt_hold_vm = true;
			continue;
		}
		if (!v)
			print_usage();
		i++;
		if (!strcmp(a, "--dev")) {
			dev_path = v;
		} else if (!strcmp(a, "--seed")) {
			opt_seed = strtoull(v, NULL, 0);
			opt_seed_set = true;
		} else if (!strcmp(a, "--iterations")) {
			opt_iterations = strtoull(v, NULL, 0);
		} else if (!strcmp(a, "--seconds")) {
			opt_seconds = strtod(v, NULL);
		} else if (!strcmp(a, "--threads")) {
			opt_threads = strtoul(v, NULL, 0);
			if (!opt_threads || opt_threads > 16)
				print_usage();
		} else if (!strcmp(a, "--program-seed")) {
			opt_program_seed = strtoull(v, NULL, 0);
			opt_program_seed_set = true;
		} else if (!strcmp(a, "--modules")) {
			opt_modules = v;
		} else {
			print_usage();
		}
	}
	if (!opt_seed_set) {
		struct timespec t;

		clock_gettime(CLOCK_REALTIME, &t);
		opt_seed = t.tv_sec ^ ((u64)t.tv_nsec << 20) ^ getpid();
	}
	if (!opt_iterations && !opt_seconds && !opt_program_seed_set)
		opt_iterations = 100;
	setvbuf(stdout, NULL, _IOLBF, 0);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return 2;
	iocs_pair();
	r = open(dev_path, O_RDWR);
	if (r < 0) {
		fprintf(stderr, "hvfuzz: %s: %s\n", dev_path, strerror(errno));
		return 2;
	}
	close(r);
	signal(SIGPIPE, SIG_IGN);
	if (opt_hold_vm)
		hold_vms();
	modules_init();
	cg_init();
	{
		char vendor[64] = "";
		FILE *f = fopen("/sys/class/dmi/id/sys_vendor", "r");

		if (f) {
			if (!fgets(vendor, sizeof(vendor), f))
				vendor[0] = 0;
			fclose(f);
		}
		tcg_safe = !strncmp(vendor, "QEMU", 4);
		if (tcg_safe)
			printf("hvfuzz: QEMU host: TR kept available, no DR7 breakpoints\n");
	}

	if (opt_program_seed_set) {
		if (!opt_iterations)
			opt_iterations = 1;
		printf("hvfuzz: %s: program seed 0x%016llx, %llu times\n",
		       dev_path, opt_program_seed, opt_iterations);
		for (programs = 0; programs < opt_iterations && !bad;
		     programs++) {
			atomic_store(&sh->trace_next, 0);
			bad = run_program(opt_program_seed);
		}
		print_stats("done", programs, 0);
		return bad ? 1 : 0;
	}

	printf("hvfuzz: %s: seed %llu (replay: --seed %llu), %u threads, %s %g\n",
	       dev_path, opt_seed, opt_seed, opt_threads,
	       opt_seconds ? "seconds" : "iterations",
	       opt_seconds ? opt_seconds : (double)opt_iterations);
	start = now_s();
	last_report = start;
	for (;;) {
		u64 x = opt_seed ^ (programs * 0x9e3779b97f4a7c15ULL);

		if (opt_iterations && programs >= opt_iterations)
			break;
		if (opt_seconds && now_s() - start >= opt_seconds)
			break;
		seed = splitmix64(&x);
		printf("hvfuzz: program %llu seed 0x%016llx\n",
		       programs, seed);
		atomic_store(&sh->trace_next, 0);
		r = run_program(seed);
		programs++;
		if (r) {
			fprintf(stderr,
				"hvfuzz: program %llu failed; replay with --program-seed 0x%016llx\n",
				programs - 1, seed);
			bad++;
			if (r == 2 || bad >= 5)
				break;
		}
		/* The baseline: after a first program, caches are warm. */
		if (programs == 1 && opt_mem_check) {
			flush_caches();
			usleep(200000);
			free0 = read_meminfo("MemFree");
			slab0 = read_meminfo("Slab");
		}
		if (now_s() - last_report >= 10) {
			last_report = now_s();
			print_stats("progress", programs, last_report - start);
		}
	}
	print_stats("done", programs, now_s() - start);

	if (opt_mem_check && programs > 1 && !bad) {
		int tries;

		/* RCU and deferred frees settle in a few seconds. */
		for (tries = 0; tries < 10; tries++) {
			flush_caches();
			sleep(1);
			free1 = read_meminfo("MemFree");
			slab1 = read_meminfo("Slab");
			if (slab1 - slab0 < 8192 && free0 - free1 < 32768)
				break;
		}
		printf("hvfuzz: memory: MemFree %ld -> %ld kB, Slab %ld -> %ld kB\n",
		       free0, free1, slab0, slab1);
		if (slab1 - slab0 >= 8192 || free0 - free1 >= 32768) {
			fprintf(stderr,
				"hvfuzz: FAIL: memory not back near its baseline after every VM was closed (Slab +%ld kB, MemFree -%ld kB)\n",
				slab1 - slab0, free0 - free1);
			bad++;
		}
	}
	printf("hvfuzz: %s: %s\n", dev_path, bad ? "FAILED" : "clean");
	return bad ? 1 : 0;
}

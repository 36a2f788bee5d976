// SPDX-License-Identifier: GPL-2.0-only
/*
 * A guest that scribbles on every piece of CPU state it can reach, and a
 * host that checks its own state meanwhile (robustness.md, class 17;
 * host_state_test.c covers the syscall MSRs one by one).
 *
 * The guest, with a #GP/#UD handler that skips the faulting instruction
 * and a #DB handler that resumes:
 *   - writes 0, all ones, random values and the value with a random bit
 *     flipped to every MSR index of 0-0x1fff, 0x40000000-0x400001ff,
 *     0x4b564d00-0x4b564dff, 0xc0000000-0xc0001fff and
 *     0xc0010000-0xc0011fff, putting the old value back after each write
 *     that took (#GP is fine: hv must neither crash nor pass the write to
 *     the host's MSR);
 *   - writes DR0-DR3, DR6 and DR7 with random values (DR7 with GD and
 *     enabled breakpoints included), XCR0 with random valid and invalid
 *     values (XSETBV, also with ECX != 0), PKRU with WRPKRU when its CPUID
 *     has OSPKE, MXCSR and the x87 control word;
 *   - before each exit to the host leaves random values in the syscall
 *     MSRs, TSC_AUX, PAT, DEBUGCTL, SPEC_CTRL, DR0-DR3/DR7 (breakpoints
 *     enabled), XCR0, PKRU, MXCSR and the x87 control word.
 * The vCPU thread moves to another host CPU at every exit.  On every host
 * CPU a checker thread meanwhile keeps its own XMM (and YMM) registers,
 * MXCSR, x87 control word, PKRU, XCR0, FS/GS bases and TLS, checks
 * RDTSCP's TSC_AUX against its CPU and that its own hardware watchpoint
 * (perf, DR0-3/DR7) fires exactly once per write.  The vCPU thread checks
 * the same at every exit.  At the end, when the msr driver is there
 * (/dev/cpu/N/msr, modprobe msr), every host CPU's EFER, PAT, syscall and
 * SYSENTER MSRs, TSC_AUX, DEBUGCTL, SPEC_CTRL, MTRRdefType, XSS, HWCR,
 * VM_CR and VM_HSAVE_PA are compared with their values before the VM
 * existed.
 *
 * HV_SCRIBBLE_SYNC=N makes the guest exit every N MSRs and the host print
 * where it is (to find what broke a guest or an emulator);
 * HV_SCRIBBLE_DATA_BP=1 lets the guest's random DR7 values enable data
 * and I/O breakpoints, which crash QEMU 7.2 TCG (see dr7_rwlen()).
 */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <asm/prctl.h>
#include <linux/hw_breakpoint.h>
#include <linux/perf_event.h>
#include <sys/syscall.h>

#include "kselftest_harness.h"
#include "ucall.h"
#include "x86/processor.h"

#define NM_VECTOR	7

/* Guest state; the host reads the counters at the end. */
static u64 skip_len;		/* length of the instruction that may fault */
static u64 nr_faults;
static u64 nr_db;
static u64 nr_msr_writes;	/* writes that took */
static u64 nr_msr_gp;
static u64 rng_state;

static u64 rng(void)
{
	u64 x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	rng_state = x;
	return x;
}

static void guest_skip(struct hv_ex_regs *regs)
{
	WRITE_ONCE(nr_faults, nr_faults + 1);
	regs->rip += READ_ONCE(skip_len);
}

/*
 * A data breakpoint (trap) or general detect (fault, DR7.GD cleared by
 * the CPU): resume with RF set so that an instruction breakpoint on the
 * resumed instruction does not fire again, and with no breakpoint left.
 */
static void guest_db(struct hv_ex_regs *regs)
{
	WRITE_ONCE(nr_db, nr_db + 1);
	asm volatile("mov %0, %%dr7" : : "r"(0x400ULL));
	regs->rflags |= X86_EFLAGS_RF;
}

/* Each returns whether the instruction completed (no #GP/#UD). */
static bool wrmsr_safe(u32 msr, u64 v)
{
	u64 n = READ_ONCE(nr_faults);

	WRITE_ONCE(skip_len, 2);	/* 0f 30 */
	asm volatile("wrmsr" : : "c"(msr), "a"((u32)v), "d"((u32)(v >> 32))
		     : "memory");
	return READ_ONCE(nr_faults) == n;
}

static bool rdmsr_safe(u32 msr, u64 *v)
{
	u64 n = READ_ONCE(nr_faults);
	u32 lo = 0, hi = 0;

	WRITE_ONCE(skip_len, 2);	/* 0f 32 */
	asm volatile("rdmsr" : "+a"(lo), "+d"(hi) : "c"(msr) : "memory");
	*v = lo | (u64)hi << 32;
	return READ_ONCE(nr_faults) == n;
}

static bool xsetbv_safe(u32 index, u64 v)
{
	u64 n = READ_ONCE(nr_faults);

	WRITE_ONCE(skip_len, 3);	/* 0f 01 d1 */
	asm volatile("xsetbv" : : "c"(index), "a"((u32)v),
		     "d"((u32)(v >> 32)) : "memory");
	return READ_ONCE(nr_faults) == n;
}

static bool wrpkru_safe(u32 v, u32 ecx)
{
	u64 n = READ_ONCE(nr_faults);

	WRITE_ONCE(skip_len, 3);	/* 0f 01 ef */
	asm volatile(".byte 0x0f, 0x01, 0xef" : : "a"(v), "c"(ecx), "d"(0)
		     : "memory");
	return READ_ONCE(nr_faults) == n;
}

static u32 rdpkru(void)
{
	u32 v;

	asm volatile(".byte 0x0f, 0x01, 0xee" : "=a"(v) : "c"(0) : "rdx");
	return v;
}

/* MOV to DRn with RAX: 0f 23 /r, three bytes. */
#define DEFINE_WRDR(n)							\
static bool wrdr##n##_safe(u64 v)					\
{									\
	u64 f = READ_ONCE(nr_faults);					\
									\
	WRITE_ONCE(skip_len, 3);					\
	asm volatile("mov %%rax, %%dr" #n : : "a"(v) : "memory");	\
	return READ_ONCE(nr_faults) == f;				\
}

DEFINE_WRDR(0)
DEFINE_WRDR(1)
DEFINE_WRDR(2)
DEFINE_WRDR(3)
DEFINE_WRDR(6)
DEFINE_WRDR(7)

static bool ldmxcsr_safe(u32 v)
{
	u64 n = READ_ONCE(nr_faults);

	WRITE_ONCE(skip_len, 3);	/* 0f ae 10: ldmxcsr (%rax) */
	asm volatile("ldmxcsr (%%rax)" : : "a"(&v) : "memory");
	return READ_ONCE(nr_faults) == n;
}

static u64 canonical(u64 v)
{
	return (u64)((s64)(v << 16) >> 16);
}

struct msr_range {
	u32 first, count;
};

static const struct msr_range msr_ranges[] = {
	{ 0x00000000, 0x2000 },
	{ 0x40000000, 0x200 },		/* Hyper-V */
	{ 0x4b564d00, 0x100 },		/* KVM paravirtual */
	{ 0xc0000000, 0x2000 },
	{ 0xc0010000, 0x2000 },
};

static void scribble_msr(u32 msr)
{
	u64 orig, v[5];
	bool readable = rdmsr_safe(msr, &orig);
	int i;

	v[0] = 0;
	v[1] = ~0ULL;
	v[2] = rng();
	v[3] = canonical(rng()) & ~0xfffULL;
	v[4] = readable ? orig ^ BIT_ULL(rng() % 64) : rng() & 0xffff;
	for (i = 0; i < 5; i++) {
		if (!wrmsr_safe(msr, v[i])) {
			nr_msr_gp++;
			continue;
		}
		nr_msr_writes++;
		if (readable)
			wrmsr_safe(msr, orig);
	}
}

/*
 * DR7 bits 31:16 are R/W and LEN of the four breakpoints.  QEMU 7.2's TCG
 * crashes (SIGSEGV) when a nested guest's data or I/O breakpoints are
 * enabled across exits, with kvm_amd as with hv, so unless the host asks
 * for them (data_bps) every breakpoint stays an instruction breakpoint
 * (R/W 00b).
 */
static bool data_bps;

static u64 dr7_rwlen(u64 dr7)
{
	return data_bps ? dr7 : dr7 & ~0x33330000ULL;
}

/* PAT: eight random valid memory types (0, 1, 4, 5, 6, 7). */
static u64 random_pat(void)
{
	static const u8 types[] = { 0, 1, 4, 5, 6, 7 };
	u64 pat = 0;
	int i;

	for (i = 0; i < 8; i++)
		pat |= (u64)types[rng() % 6] << (8 * i);
	return pat;
}

struct guest_features {
	bool xsave, pku;
	u64 xcr0_supported;
};

static struct guest_features guest_features(void)
{
	struct guest_features f = { 0 };
	u32 a, b, c, d;

	hv_cpuid(1, 0, &a, &b, &c, &d);
	f.xsave = c & CPUID_1_ECX_OSXSAVE;
	hv_cpuid(7, 0, &a, &b, &c, &d);
	f.pku = c & CPUID_7_ECX_OSPKE;
	if (f.xsave) {
		hv_cpuid(0xd, 0, &a, &b, &c, &d);
		f.xcr0_supported = a | (u64)d << 32;
	}
	return f;
}

/* Leave random values in state the host must not see. */
static void guest_leave_junk(const struct guest_features *f)
{
	u16 cw;
	u64 x;

	wrmsr_safe(MSR_STAR, rng() & 0xffffffff00000000ULL);
	wrmsr_safe(MSR_LSTAR, canonical(rng()));
	wrmsr_safe(MSR_CSTAR, canonical(rng()));
	wrmsr_safe(MSR_SYSCALL_MASK, rng() & 0xffffffff);
	wrmsr_safe(MSR_KERNEL_GS_BASE, canonical(rng()));
	wrmsr_safe(MSR_IA32_SYSENTER_CS, rng() & 0xffff);
	wrmsr_safe(MSR_IA32_SYSENTER_ESP, canonical(rng()));
	wrmsr_safe(MSR_IA32_SYSENTER_EIP, canonical(rng()));
	wrmsr_safe(MSR_TSC_AUX, rng() & 0xffffffff);
	wrmsr_safe(0x277, random_pat());		/* PAT */
	wrmsr_safe(0x1d9, rng() & 0x3);			/* DEBUGCTL LBR, BTF */
	wrmsr_safe(0x48, rng() & 0x7);			/* SPEC_CTRL */
	/* Breakpoints at addresses the guest never touches. */
	wrdr0_safe(canonical(rng()) | BIT_ULL(47));
	wrdr1_safe(canonical(rng()) | BIT_ULL(47));
	wrdr2_safe(canonical(rng()) | BIT_ULL(47));
	wrdr3_safe(canonical(rng()) | BIT_ULL(47));
	wrdr7_safe(0x4ff | (dr7_rwlen(rng()) & 0xffff0000));
	if (f->xsave) {
		x = (rng() & f->xcr0_supported) | XFEATURE_MASK_FP;
		if (!xsetbv_safe(0, x))
			xsetbv_safe(0, XFEATURE_MASK_FP | XFEATURE_MASK_SSE);
	}
	if (f->pku)
		wrpkru_safe(rng() & 0xfffffffc, 0);
	ldmxcsr_safe(0x1f80 ^ (rng() & 0x7f00));	/* rounding, masks */
	/* Exceptions stay masked: the guest does no x87 arithmetic anyway. */
	cw = 0x37f ^ (rng() & 0xf00);			/* precision, rounding */
	asm volatile("fldcw %0" : : "m"(cw));
}

static void guest_scribbler(u64 seed, u64 stride, u64 sync_every,
			    u64 data_breakpoints)
{
	struct guest_features f = guest_features();
	u64 orig_xcr0 = 0, v, dr;
	unsigned int r, i;
	u32 msr;

	rng_state = seed | 1;
	data_bps = data_breakpoints;
	if (f.xsave)
		orig_xcr0 = xgetbv(0);

	for (r = 0; r < HV_ARRAY_SIZE(msr_ranges); r++) {
		for (i = 0; i < msr_ranges[r].count; i += stride) {
			msr = msr_ranges[r].first + i;
			scribble_msr(msr);
			if (!(i % sync_every)) {
				guest_leave_junk(&f);
				GUEST_SYNC(msr);
			}
		}
	}

	for (i = 0; i < 64; i++) {
		wrdr0_safe(rng());
		wrdr1_safe(canonical(rng()));
		wrdr2_safe(0);
		wrdr3_safe(~0ULL);
		wrdr6_safe(rng());
		wrdr6_safe(rng() & 0xffffffff);
		/* GD now and then: the next MOV DR is a #DB. */
		wrdr7_safe(dr7_rwlen(i & 1 ? rng() : rng() & 0xffffffff));
		asm volatile("mov %%dr7, %0" : "=r"(dr));
		wrdr7_safe(0x400);
		if (f.xsave) {
			xsetbv_safe(0, rng());
			xsetbv_safe(0, rng() & f.xcr0_supported);
			xsetbv_safe(0, (rng() & f.xcr0_supported) | 1);
			xsetbv_safe(1, 1);
			xsetbv_safe(rng(), 3);
			xsetbv_safe(0, orig_xcr0);
		}
		if (f.pku) {
			wrpkru_safe(rng(), 0);
			wrpkru_safe(0, 1);	/* ECX != 0: #GP */
			GUEST_ASSERT_EQ(rdpkru(), rdpkru());
		}
		v = rng();
		ldmxcsr_safe(v);		/* reserved bits: #GP */
		ldmxcsr_safe(v & 0xffff);
		ldmxcsr_safe(0x1f80);
		if (!(i & 7)) {
			guest_leave_junk(&f);
			GUEST_SYNC(i);
		}
	}
	GUEST_DONE();
}

/* ------------------------------------------------------------------ */
/* Host side                                                           */

static bool host_osxsave(void)
{
	u32 a, b, c, d;

	hv_cpuid(1, 0, &a, &b, &c, &d);
	return c & CPUID_1_ECX_OSXSAVE;
}

static bool host_ospke(void)
{
	u32 a, b, c, d;

	hv_cpuid(7, 0, &a, &b, &c, &d);
	return c & CPUID_7_ECX_OSPKE;
}

static bool host_avx(void)
{
	u32 a, b, c, d;

	if (!host_osxsave())
		return false;
	hv_cpuid(1, 0, &a, &b, &c, &d);
	return (c & CPUID_1_ECX_AVX) &&
	       (xgetbv(0) & (XFEATURE_MASK_SSE | XFEATURE_MASK_YMM)) ==
		       (XFEATURE_MASK_SSE | XFEATURE_MASK_YMM);
}

static bool host_rdtscp(void)
{
	u32 a, b, c, d;

	hv_cpuid(0x80000001, 0, &a, &b, &c, &d);
	return d & BIT(27);
}

static u64 arch_prctl_get(int code)
{
	unsigned long v = 0;

	syscall(SYS_arch_prctl, code, &v);
	return v;
}

static __thread u64 tls_canary = 0x7e57c0de;

/* What a host thread expects of its own state. */
struct host_view {
	u64 fs, gs, xcr0;
	u32 pkru, mxcsr;
	u16 fcw;
	bool xsave, pku, avx, rdtscp;
};

static const u32 host_mxcsr = 0x7f80;	/* round toward zero, all masked */
static const u16 host_fcw = 0x27f;	/* 53-bit precision */

static void host_view_init(struct host_view *h)
{
	asm volatile("ldmxcsr %0" : : "m"(host_mxcsr));
	asm volatile("fldcw %0" : : "m"(host_fcw));
	h->xsave = host_osxsave();
	h->pku = host_ospke();
	h->avx = host_avx();
	h->rdtscp = host_rdtscp();
	h->fs = arch_prctl_get(ARCH_GET_FS);
	h->gs = arch_prctl_get(ARCH_GET_GS);
	h->xcr0 = h->xsave ? xgetbv(0) : 0;
	h->pkru = h->pku ? rdpkru() : 0;
	asm volatile("stmxcsr %0" : "=m"(h->mxcsr));
	asm volatile("fnstcw %0" : "=m"(h->fcw));
}

/* NULL if this thread's state is as @h says, else what differs. */
static const char *host_view_check(const struct host_view *h, char *buf,
				   size_t len)
{
	char *out = buf;
	u32 mxcsr, lo, hi, aux;
	unsigned int c1, c2;
	u16 fcw;

	asm volatile("stmxcsr %0" : "=m"(mxcsr));
	asm volatile("fnstcw %0" : "=m"(fcw));
	if (mxcsr != h->mxcsr)
		snprintf(buf, len, "MXCSR %#x, not %#x", mxcsr, h->mxcsr);
	else if (fcw != h->fcw)
		snprintf(buf, len, "x87 FCW %#x, not %#x", fcw, h->fcw);
	else if (h->xsave && xgetbv(0) != h->xcr0)
		snprintf(buf, len, "XCR0 %#llx, not %#llx", xgetbv(0), h->xcr0);
	else if (h->pku && rdpkru() != h->pkru)
		snprintf(buf, len, "PKRU %#x, not %#x", rdpkru(), h->pkru);
	else if (arch_prctl_get(ARCH_GET_FS) != h->fs)
		snprintf(buf, len, "FS base %#llx, not %#llx",
			 arch_prctl_get(ARCH_GET_FS), h->fs);
	else if (arch_prctl_get(ARCH_GET_GS) != h->gs)
		snprintf(buf, len, "GS base %#llx, not %#llx",
			 arch_prctl_get(ARCH_GET_GS), h->gs);
	else if (READ_ONCE(tls_canary) != 0x7e57c0de)
		snprintf(buf, len, "TLS through FS reads %#llx", tls_canary);
	else
		out = NULL;
	if (out || !h->rdtscp)
		return out;
	/* TSC_AUX is the CPU number (and node): check when not migrating. */
	syscall(SYS_getcpu, &c1, NULL, NULL);
	asm volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(aux));
	syscall(SYS_getcpu, &c2, NULL, NULL);
	if (c1 == c2 && (aux & 0xfff) != c1) {
		snprintf(buf, len, "RDTSCP's TSC_AUX %#x on CPU %u", aux, c1);
		return buf;
	}
	return NULL;
}

/*
 * Load a pattern into XMM8-15 (and the upper halves of YMM8-15), yield
 * the CPU through a syscall, and check them: 0 if intact.
 */
static int vector_regs_survive(u64 pattern, bool avx)
{
	u64 in[4] __aligned(32) = { pattern, ~pattern, pattern * 3,
				    pattern ^ 0x5a5a5a5a5a5a5a5aULL };
	u64 out[8][4] __aligned(32);
	int i, bad = 0;

	if (avx)
		asm volatile("vmovdqa (%[in]), %%ymm8\n\t"
			     "vmovdqa %%ymm8, %%ymm9\n\t"
			     "vmovdqa %%ymm8, %%ymm10\n\t"
			     "vmovdqa %%ymm8, %%ymm11\n\t"
			     "vmovdqa %%ymm8, %%ymm12\n\t"
			     "vmovdqa %%ymm8, %%ymm13\n\t"
			     "vmovdqa %%ymm8, %%ymm14\n\t"
			     "vmovdqa %%ymm8, %%ymm15\n\t"
			     "mov %[nr], %%eax\n\t"
			     "syscall\n\t"
			     "vmovdqa %%ymm8, 0(%[out])\n\t"
			     "vmovdqa %%ymm9, 32(%[out])\n\t"
			     "vmovdqa %%ymm10, 64(%[out])\n\t"
			     "vmovdqa %%ymm11, 96(%[out])\n\t"
			     "vmovdqa %%ymm12, 128(%[out])\n\t"
			     "vmovdqa %%ymm13, 160(%[out])\n\t"
			     "vmovdqa %%ymm14, 192(%[out])\n\t"
			     "vmovdqa %%ymm15, 224(%[out])\n\t"
			     "vzeroupper"
			     : : [in] "r"(in), [out] "r"(out),
			       [nr] "i"(SYS_sched_yield)
			     : "rax", "rcx", "r11", "memory", "xmm8", "xmm9",
			       "xmm10", "xmm11", "xmm12", "xmm13", "xmm14",
			       "xmm15");
	else
		asm volatile("movdqa (%[in]), %%xmm8\n\t"
			     "movdqa %%xmm8, %%xmm9\n\t"
			     "movdqa %%xmm8, %%xmm10\n\t"
			     "movdqa %%xmm8, %%xmm11\n\t"
			     "movdqa %%xmm8, %%xmm12\n\t"
			     "movdqa %%xmm8, %%xmm13\n\t"
			     "movdqa %%xmm8, %%xmm14\n\t"
			     "movdqa %%xmm8, %%xmm15\n\t"
			     "mov %[nr], %%eax\n\t"
			     "syscall\n\t"
			     "movdqa %%xmm8, 0(%[out])\n\t"
			     "movdqa %%xmm9, 32(%[out])\n\t"
			     "movdqa %%xmm10, 64(%[out])\n\t"
			     "movdqa %%xmm11, 96(%[out])\n\t"
			     "movdqa %%xmm12, 128(%[out])\n\t"
			     "movdqa %%xmm13, 160(%[out])\n\t"
			     "movdqa %%xmm14, 192(%[out])\n\t"
			     "movdqa %%xmm15, 224(%[out])"
			     : : [in] "r"(in), [out] "r"(out),
			       [nr] "i"(SYS_sched_yield)
			     : "rax", "rcx", "r11", "memory", "xmm8", "xmm9",
			       "xmm10", "xmm11", "xmm12", "xmm13", "xmm14",
			       "xmm15");
	for (i = 0; i < 8; i++)
		bad |= memcmp(out[i], in, avx ? 32 : 16);
	return bad;
}

static int watchpoint(u64 *addr)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_BREAKPOINT,
		.size = sizeof(attr),
		.bp_type = HW_BREAKPOINT_W,
		.bp_addr = (u64)addr,
		.bp_len = HW_BREAKPOINT_LEN_8,
		.sample_period = 1,
		.exclude_kernel = 1,
		.exclude_hv = 1,
	};

	return syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
}

static u64 hits(int fd)
{
	u64 n = 0;

	if (read(fd, &n, sizeof(n)) != sizeof(n))
		return ~0ULL;
	return n;
}

struct checker {
	pthread_t thread;
	int cpu;
	bool stop;
	u64 loops;
	u64 watched;
	bool watch_ok;
	bool failed;
	char err[160];
};

static void *checker_thread(void *arg)
{
	struct checker *c = arg;
	struct host_view h;
	cpu_set_t cpus;
	u64 n = 0, base;
	int wp;

	CPU_ZERO(&cpus);
	CPU_SET(c->cpu, &cpus);
	sched_setaffinity(0, sizeof(cpus), &cpus);
	host_view_init(&h);
	wp = watchpoint(&c->watched);
	WRITE_ONCE(c->watched, 1);
	c->watch_ok = wp >= 0 && hits(wp) == 1;
	base = c->watch_ok ? 1 : 0;

	while (!READ_ONCE(c->stop)) {
		u64 got;

		if (host_view_check(&h, c->err, sizeof(c->err)))
			break;
		if (vector_regs_survive(0x0123456789abcdefULL + n, h.avx)) {
			snprintf(c->err, sizeof(c->err),
				 "XMM/YMM8-15 changed across a yield");
			break;
		}
		if (c->watch_ok && !(n & 31)) {
			WRITE_ONCE(c->watched, n);
			base++;
			got = hits(wp);
			if (got != base) {
				snprintf(c->err, sizeof(c->err),
					 "watchpoint: %llu hits, not %llu",
					 got, base);
				break;
			}
		}
		n++;
		WRITE_ONCE(c->loops, n);
	}
	WRITE_ONCE(c->failed, !READ_ONCE(c->stop));
	if (wp >= 0)
		close(wp);
	return NULL;
}

/* ---- the host's own MSRs through the msr driver ---- */

static const u32 host_msrs[] = {
	0xc0000080, 0xc0000081, 0xc0000082, 0xc0000083, 0xc0000084,
	0x174, 0x175, 0x176, 0x277, 0xc0000103, 0x1d9, 0x48, 0x2ff,
	0xda0, 0xc0010015, 0xc0010114, 0xc0010117,
};

#define MAX_CPUS	8

struct msr_snapshot {
	int cpus;
	bool valid[MAX_CPUS][HV_ARRAY_SIZE(host_msrs)];
	u64 val[MAX_CPUS][HV_ARRAY_SIZE(host_msrs)];
};

/* false if there is no msr driver */
static bool msr_snapshot(struct msr_snapshot *s)
{
	char path[64];
	unsigned int i;
	int cpu, fd;

	if (access("/dev/cpu/0/msr", R_OK))
		system("modprobe msr 2>/dev/null");
	memset(s, 0, sizeof(*s));
	for (cpu = 0; cpu < MAX_CPUS; cpu++) {
		snprintf(path, sizeof(path), "/dev/cpu/%d/msr", cpu);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			break;
		for (i = 0; i < HV_ARRAY_SIZE(host_msrs); i++)
			s->valid[cpu][i] = pread(fd, &s->val[cpu][i], 8,
						 host_msrs[i]) == 8;
		close(fd);
	}
	s->cpus = cpu;
	return cpu > 0;
}

FIXTURE(scribble) {
	int unused;
};

FIXTURE_SETUP(scribble)
{
}

FIXTURE_TEARDOWN(scribble)
{
}

TEST_F_TIMEOUT(scribble, guest_scribbles_host_survives, 110)
{
	struct checker chk[MAX_CPUS] = { 0 };
	struct msr_snapshot before, after;
	u64 stride, syncs = 0, msrs_compared = 0, sync_every;
	int ncpus, cpu;
	struct hv_sregs sregs;
	struct hv_vcpu *vcpu;
	struct host_view h;
	struct hv_vm *vm;
	struct ucall uc;
	cpu_set_t cpus;
	bool have_msr;
	char buf[160];
	unsigned int m;

	HV_REQUIRE_GUEST(return);
	ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	if (ncpus > MAX_CPUS)
		ncpus = MAX_CPUS;
	have_msr = msr_snapshot(&before);
	if (!have_msr)
		TH_LOG("no /dev/cpu/N/msr (msr driver): host MSRs not compared");

	/* Every index on x86-svm; fewer on slower hosts. */
	stride = 0x2000 / hv_test_iters(0x2000);

	for (cpu = 0; cpu < ncpus; cpu++) {
		chk[cpu].cpu = cpu;
		ASSERT_EQ(0, pthread_create(&chk[cpu].thread, NULL,
					    checker_thread, &chk[cpu]));
	}

	vm = hv_vm_create();
	vcpu = hv_vcpu_create(vm, 0);
	if (hv_check_cap(HV_CAP_EXT_CPUID) > 0)
		vcpu_set_cpuid_supported(vcpu);
	vcpu_setup_lmode(vcpu, guest_scribbler);
	vm_install_exception_handler(vm, GP_VECTOR, guest_skip);
	vm_install_exception_handler(vm, UD_VECTOR, guest_skip);
	vm_install_exception_handler(vm, DB_VECTOR, guest_db);
	/* XSAVE and protection keys for the guest where its CPUID has them. */
	vcpu_sregs_get(vcpu, &sregs);
	sregs.cr4 |= X86_CR4_OSXSAVE;
	if (__vcpu_ioctl(vcpu, HV_SET_SREGS, &sregs))
		sregs.cr4 &= ~X86_CR4_OSXSAVE;
	sregs.cr4 |= X86_CR4_PKE;
	if (__vcpu_ioctl(vcpu, HV_SET_SREGS, &sregs))
		sregs.cr4 &= ~X86_CR4_PKE;
	vcpu_sregs_set(vcpu, &sregs);
	/* HV_SCRIBBLE_SYNC: a smaller period shows where a guest crashed. */
	sync_every = getenv("HV_SCRIBBLE_SYNC") ?
		     strtoul(getenv("HV_SCRIBBLE_SYNC"), NULL, 0) : 0x400;
	data_bps = getenv("HV_SCRIBBLE_DATA_BP") &&
		   atoi(getenv("HV_SCRIBBLE_DATA_BP"));
	vcpu_args_set(vcpu, 4, 0x5eed5eedULL, stride, sync_every ?: 1,
		      (u64)data_bps);
	host_view_init(&h);

	for (;;) {
		/* Run on each host CPU in turn. */
		CPU_ZERO(&cpus);
		CPU_SET(syncs % ncpus, &cpus);
		ASSERT_EQ(0, sched_setaffinity(0, sizeof(cpus), &cpus));
		if (vcpu_run_ucall(vcpu, &uc) != UCALL_SYNC)
			break;
		syncs++;
		if (getenv("HV_SCRIBBLE_SYNC"))
			fprintf(stderr, "sync %#llx\n", uc.args[0]);
		ASSERT_EQ(NULL, host_view_check(&h, buf, sizeof(buf))) {
			TH_LOG("vCPU thread after sync %llu: %s", syncs, buf);
		}
		ASSERT_EQ(0, vector_regs_survive(syncs, h.avx));
		for (cpu = 0; cpu < ncpus; cpu++)
			ASSERT_FALSE(READ_ONCE(chk[cpu].failed)) {
				TH_LOG("checker on CPU %d, sync %llu: %s",
				       cpu, syncs, chk[cpu].err);
			}
	}
	ASSERT_EQ(UCALL_DONE, uc.cmd) {
		TH_LOG("ucall %llu: %s", uc.cmd, uc.text ?: "");
	}
	sync_global_from_guest(vm, nr_msr_writes);
	sync_global_from_guest(vm, nr_msr_gp);
	sync_global_from_guest(vm, nr_faults);
	sync_global_from_guest(vm, nr_db);
	hv_vm_free(vm);

	/* Let the checkers run on every CPU after the VM is gone. */
	usleep(200000);
	for (cpu = 0; cpu < ncpus; cpu++) {
		WRITE_ONCE(chk[cpu].stop, true);
		ASSERT_EQ(0, pthread_join(chk[cpu].thread, NULL));
		EXPECT_FALSE(chk[cpu].failed) {
			TH_LOG("checker on CPU %d: %s", cpu, chk[cpu].err);
		}
		TH_LOG("checker on CPU %d: %llu rounds, watchpoint %s", cpu,
		       chk[cpu].loops, chk[cpu].watch_ok ? "checked" : "n/a");
	}
	TH_LOG("MSR stride %llu: %llu writes took, %llu #GP", stride,
	       nr_msr_writes, nr_msr_gp);
	TH_LOG("%llu faults skipped, %llu #DB; %llu exits checked", nr_faults,
	       nr_db, syncs);
	TH_LOG("guest CR4 OSXSAVE %s, PKE %s; host XSAVE %s, PKU %s, AVX %s",
	       sregs.cr4 & X86_CR4_OSXSAVE ? "on" : "off",
	       sregs.cr4 & X86_CR4_PKE ? "on" : "off",
	       h.xsave ? "yes" : "no", h.pku ? "yes" : "no",
	       h.avx ? "yes" : "no");

	if (have_msr) {
		ASSERT_TRUE(msr_snapshot(&after));
		for (cpu = 0; cpu < before.cpus; cpu++)
			for (m = 0; m < HV_ARRAY_SIZE(host_msrs); m++) {
				if (!before.valid[cpu][m])
					continue;
				msrs_compared++;
				EXPECT_EQ(before.val[cpu][m], after.val[cpu][m]) {
					TH_LOG("CPU %d MSR %#x: %#llx before, %#llx after",
					       cpu, host_msrs[m],
					       before.val[cpu][m],
					       after.val[cpu][m]);
				}
			}
		TH_LOG("%llu host MSRs of %d CPUs unchanged", msrs_compared,
		       before.cpus);
	}
}

int main(int argc, char **argv)
{
	hv_require_dev();
	return test_harness_run(argc, argv);
}

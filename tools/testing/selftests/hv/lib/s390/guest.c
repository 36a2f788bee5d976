// SPDX-License-Identifier: GPL-2.0-only
/*
 * s390 guest library of the hv selftests (include/s390/guest.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <sys/mman.h>

#include "kselftest.h"
#include "s390/guest.h"

/* The linker's bounds of the test binary's image. */
extern char __executable_start[], _end[];

/* The guest's stack, in the image: guest and host share it. */
static uint8_t s390_guest_stack[64 * 1024] __attribute__((aligned(4096)));

void s390_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "# %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(KSFT_FAIL);
}

/* ---------------------------------------------------------- guest ---- */

/*
 * DIAGNOSE 0x501 with the ucall's address in R3 (KVM's s390 selftests'
 * convention): an instruction interception that neither hv nor KVM
 * handles, so it reaches userspace.
 */
void s390_guest_ucall(uint64_t cmd, uint64_t a0, uint64_t a1, uint64_t a2,
		      uint64_t a3)
{
	struct s390_ucall uc = {
		.cmd = cmd,
		.args = { a0, a1, a2, a3 },
	};

	asm volatile("diag 0,%0,0x501" : : "a"(&uc) : "memory");
}

void s390_guest_abort(const char *text, uint64_t line, uint64_t a,
		      uint64_t b)
{
	struct s390_ucall uc = {
		.cmd = S390_UCALL_ABORT,
		.args = { a, b },
		.text = text,
		.line = line,
	};

	for (;;)
		asm volatile("diag 0,%0,0x501" : : "a"(&uc) : "memory");
}

/* Where s390_vcpu_call() starts the guest: fn(arg), then DONE. */
static void s390_guest_entry(uint64_t (*fn)(uint64_t), uint64_t arg)
{
	uint64_t r = fn(arg);

	for (;;)
		s390_guest_ucall(S390_UCALL_DONE, r, 0, 0, 0);
}

/* The program new PSW's target: report the interruption, never return. */
static void s390_guest_pgm(void)
{
	/* The lowcore is at guest address 0 (prefix 0): hide it from gcc. */
	uintptr_t lc = 0;
	uint64_t mask, addr;
	uint32_t dxc;
	uint16_t code;

	asm("" : "+d"(lc));
	dxc = *(volatile uint32_t *)(lc + S390_LC_DXC);
	code = *(volatile uint16_t *)(lc + S390_LC_PGM_CODE);
	mask = *(volatile uint64_t *)(lc + S390_LC_PGM_OLD_PSW);
	addr = *(volatile uint64_t *)(lc + S390_LC_PGM_OLD_PSW + 8);

	for (;;)
		s390_guest_ucall(S390_UCALL_PGM, code, mask, addr, dxc);
}

/* ----------------------------------------------------------- host ---- */

int s390_open_dev(void)
{
	return hv_open_dev();
}

static void s390_set_region(struct s390_vm *vm, uint32_t slot, uint64_t gpa,
			    uint64_t size, uint64_t hva)
{
	struct hv_userspace_memory_region mr = {
		.slot = slot,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = hva,
	};
	long r = hv_ioctl(vm->fd, HV_SET_USER_MEMORY_REGION,
			  (unsigned long)&mr);

	S390_ASSERT(!r, "HV_SET_USER_MEMORY_REGION slot %u: %s", slot,
		    strerror(-r));
}

/*
 * Make every page of [start, end) present in the host, and those mapped
 * writable private.  In the Hercules host a guest store to a bss page the
 * host had never written (mapped to the shared zero page) came back as a
 * protection exception in the guest on kvm.ko; with the pages written
 * first the guest runs the same on kvm.ko and hv.
 */
static void s390_prefault(uint64_t start, uint64_t end)
{
	FILE *maps = fopen("/proc/self/maps", "r");
	unsigned long lo, hi;
	char perms[8];
	char line[512];

	S390_ASSERT(maps, "/proc/self/maps: %s", strerror(errno));
	while (fgets(line, sizeof(line), maps)) {
		if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) != 3 ||
		    perms[0] != 'r')
			continue;
		if (lo < start)
			lo = start;
		if (hi > end)
			hi = end;
		for (; lo < hi; lo += 4096) {
			volatile uint8_t *p = (volatile uint8_t *)lo;
			uint8_t v = *p;

			if (perms[1] == 'w')
				*p = v;
		}
	}
	fclose(maps);
}

struct s390_vm *s390_vm_create(void)
{
	struct s390_vm *vm = calloc(1, sizeof(*vm));
	uint64_t end, *pgm_new;
	uint8_t *map;
	long r;

	S390_ASSERT(vm, "out of memory");
	vm->dev = s390_open_dev();
	S390_ASSERT(vm->dev >= 0, "open %s: %s", hv_dev_path(),
		    strerror(errno));
	r = hv_ioctl(vm->dev, HV_CREATE_VM, 0);
	S390_ASSERT(r >= 0, "HV_CREATE_VM: %s (is vm.allocate_pgste 1?)",
		    strerror(-r));
	vm->fd = r;

	/* Guest 0 .. 1 MiB: a 1 MiB-aligned piece of a 2 MiB mapping. */
	map = mmap(NULL, 2 * S390_SEG, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	S390_ASSERT(map != MAP_FAILED, "mmap: %s", strerror(errno));
	vm->lowcore = (void *)(((uintptr_t)map + S390_SEG - 1) & ~(S390_SEG - 1));
	s390_set_region(vm, S390_SLOT_LOWCORE, 0, S390_SEG,
			(uintptr_t)vm->lowcore);

	vm->image_start = (uintptr_t)__executable_start & ~(S390_SEG - 1);
	end = ((uintptr_t)_end + S390_SEG - 1) & ~(S390_SEG - 1);
	vm->image_size = end - vm->image_start;
	s390_set_region(vm, S390_SLOT_IMAGE, vm->image_start, vm->image_size,
			vm->image_start);

	s390_prefault((uintptr_t)vm->lowcore, (uintptr_t)vm->lowcore + S390_SEG);
	s390_prefault(vm->image_start, end);

	/* Program interruptions go to s390_guest_pgm(), 64-bit mode. */
	pgm_new = (uint64_t *)((uint8_t *)vm->lowcore + S390_LC_PGM_NEW_PSW);
	pgm_new[0] = S390_PSW_MASK_64;
	pgm_new[1] = (uintptr_t)s390_guest_pgm;
	return vm;
}

void s390_vm_free(struct s390_vm *vm)
{
	close(vm->fd);
	close(vm->dev);
	free(vm);
}

struct s390_vcpu *s390_vcpu_create(struct s390_vm *vm, uint32_t id)
{
	struct s390_vcpu *vcpu = calloc(1, sizeof(*vcpu));
	long r;

	S390_ASSERT(vcpu, "out of memory");
	vcpu->vm = vm;
	r = hv_ioctl(vm->fd, HV_CREATE_VCPU, id);
	S390_ASSERT(r >= 0, "HV_CREATE_VCPU: %s", strerror(-r));
	vcpu->fd = r;
	r = hv_ioctl(vm->dev, HV_GET_VCPU_MMAP_SIZE, 0);
	S390_ASSERT(r > 0, "HV_GET_VCPU_MMAP_SIZE: %s", strerror(-r));
	vcpu->run_size = r;
	vcpu->run = mmap(NULL, r, PROT_READ | PROT_WRITE, MAP_SHARED,
			 vcpu->fd, 0);
	S390_ASSERT(vcpu->run != MAP_FAILED, "mmap vCPU: %s", strerror(errno));
	/* A new vCPU's registers are all zero: reset it, as QEMU does. */
	r = hv_ioctl(vcpu->fd, HV_S390_INITIAL_RESET, 0);
	S390_ASSERT(!r, "HV_S390_INITIAL_RESET: %s", strerror(-r));
	return vcpu;
}

void s390_vcpu_free(struct s390_vcpu *vcpu)
{
	munmap(vcpu->run, vcpu->run_size);
	close(vcpu->fd);
	free(vcpu);
}

void s390_vcpu_call(struct s390_vcpu *vcpu, void *fn, uint64_t arg)
{
	struct hv_sregs sregs;
	struct hv_regs regs;
	long r;

	r = hv_ioctl(vcpu->fd, HV_GET_REGS, (unsigned long)&regs);
	S390_ASSERT(!r, "HV_GET_REGS: %s", strerror(-r));
	regs.gprs[2] = (uintptr_t)fn;
	regs.gprs[3] = arg;
	/* The ABI's 160-byte register save area below the stack top. */
	regs.gprs[15] = (uintptr_t)s390_guest_stack +
			sizeof(s390_guest_stack) - 160;
	r = hv_ioctl(vcpu->fd, HV_SET_REGS, (unsigned long)&regs);
	S390_ASSERT(!r, "HV_SET_REGS: %s", strerror(-r));

	r = hv_ioctl(vcpu->fd, HV_GET_SREGS, (unsigned long)&sregs);
	S390_ASSERT(!r, "HV_GET_SREGS: %s", strerror(-r));
	/* The compiler uses all 16 FPRs (spills): enable them. */
	sregs.crs[0] |= S390_CR0_AFP;
	r = hv_ioctl(vcpu->fd, HV_SET_SREGS, (unsigned long)&sregs);
	S390_ASSERT(!r, "HV_SET_SREGS: %s", strerror(-r));

	vcpu->run->psw_mask = S390_PSW_MASK_64;
	vcpu->run->psw_addr = (uintptr_t)s390_guest_entry;
}

int s390_vcpu_run(struct s390_vcpu *vcpu)
{
	long r = hv_ioctl(vcpu->fd, HV_RUN, 0);

	return r < 0 ? r : 0;
}

uint64_t s390_get_ucall(struct s390_vcpu *vcpu, struct s390_ucall *uc)
{
	struct hv_run *run = vcpu->run;
	struct hv_regs regs;
	long r;

	memset(uc, 0, sizeof(*uc));
	if (run->exit_reason != HV_EXIT_S390_SIEIC ||
	    run->s390_sieic.icptcode != S390_ICPT_INST ||
	    (run->s390_sieic.ipa >> 8) != 0x83 ||
	    (run->s390_sieic.ipb >> 16) != 0x501)
		return S390_UCALL_NONE;
	r = hv_ioctl(vcpu->fd, HV_GET_REGS, (unsigned long)&regs);
	S390_ASSERT(!r, "HV_GET_REGS: %s", strerror(-r));
	/* The guest's ucall is at the same address here (shared image). */
	memcpy(uc, (void *)(uintptr_t)regs.gprs[run->s390_sieic.ipa & 0xf],
	       sizeof(*uc));
	return uc->cmd;
}

uint64_t s390_run_ucall(struct s390_vcpu *vcpu, struct s390_ucall *uc)
{
	struct hv_run *run = vcpu->run;
	int r = s390_vcpu_run(vcpu);

	S390_ASSERT(!r, "HV_RUN: %s", strerror(-r));
	switch (s390_get_ucall(vcpu, uc)) {
	case S390_UCALL_NONE:
		s390_fail(__FILE__, __LINE__,
			  "exit %u is no ucall (icptcode 0x%x ipa 0x%04x ipb 0x%08x, PSW %016llx %016llx)",
			  run->exit_reason, run->s390_sieic.icptcode,
			  run->s390_sieic.ipa, run->s390_sieic.ipb,
			  (unsigned long long)run->psw_mask,
			  (unsigned long long)run->psw_addr);
	case S390_UCALL_ABORT:
		s390_fail(__FILE__, __LINE__,
			  "guest assertion at line %llu: %s (0x%llx, 0x%llx)",
			  (unsigned long long)uc->line, uc->text,
			  (unsigned long long)uc->args[0],
			  (unsigned long long)uc->args[1]);
	case S390_UCALL_PGM:
		s390_fail(__FILE__, __LINE__,
			  "guest program interruption 0x%llx at %016llx %016llx (DXC 0x%llx)",
			  (unsigned long long)uc->args[0],
			  (unsigned long long)uc->args[1],
			  (unsigned long long)uc->args[2],
			  (unsigned long long)uc->args[3]);
	default:
		return uc->cmd;
	}
}

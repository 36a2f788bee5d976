// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv selftest library: vCPUs, their mapping, RUN and exit descriptions.
 */
#include <stdarg.h>
#include <sys/mman.h>

#include "hv_util.h"

static long vcpu_mmap_size(void)
{
	static long size;

	if (!size) {
		size = hv_sys_ioctl(HV_GET_VCPU_MMAP_SIZE, 0);
		TEST_ASSERT(size >= (long)sizeof(struct hv_run),
			    "HV_GET_VCPU_MMAP_SIZE returned %ld", size);
	}
	return size;
}

struct hv_vcpu *hv_vcpu_create(struct hv_vm *vm, u32 id)
{
	struct hv_vcpu *vcpu = calloc(1, sizeof(*vcpu));

	TEST_ASSERT(vcpu, "out of memory");
	vcpu->vm = vm;
	vcpu->id = id;
	vcpu->fd = vm_ioctl(vm, HV_CREATE_VCPU, id);
	vcpu->run_size = vcpu_mmap_size();
	vcpu->run = mmap(NULL, vcpu->run_size, PROT_READ | PROT_WRITE,
			 MAP_SHARED, vcpu->fd, 0);
	TEST_ASSERT(vcpu->run != MAP_FAILED, "mmap of vCPU %u's fd", id);
	if (id < HV_MAX_VCPUS)
		vm->vcpus[id] = vcpu;
	return vcpu;
}

void hv_vcpu_free(struct hv_vcpu *vcpu)
{
	if (vcpu->id < HV_MAX_VCPUS && vcpu->vm->vcpus[vcpu->id] == vcpu)
		vcpu->vm->vcpus[vcpu->id] = NULL;
	munmap(vcpu->run, vcpu->run_size);
	if (vcpu->fd >= 0)
		close(vcpu->fd);
	free(vcpu);
}

#ifdef __x86_64__
void vcpu_args_set(struct hv_vcpu *vcpu, unsigned int n, ...)
{
	struct hv_regs regs;
	va_list ap;
	__u64 *arg[] = { &regs.rdi, &regs.rsi, &regs.rdx, &regs.rcx,
			 &regs.r8, &regs.r9 };
	unsigned int i;

	TEST_ASSERT(n <= HV_ARRAY_SIZE(arg), "%u arguments", n);
	vcpu_regs_get(vcpu, &regs);
	va_start(ap, n);
	for (i = 0; i < n; i++)
		*arg[i] = va_arg(ap, u64);
	va_end(ap);
	vcpu_regs_set(vcpu, &regs);
}
#endif /* arm64: lib/arm64/processor.c */

int __vcpu_run(struct hv_vcpu *vcpu)
{
	return hv_ioctl(vcpu->fd, HV_RUN, 0);
}

void vcpu_run(struct hv_vcpu *vcpu)
{
	int r = __vcpu_run(vcpu);

	errno = -r;
	TEST_ASSERT(!r, "ioctl HV_RUN on vCPU %u: %d", vcpu->id, r);
}

static const char * const exit_names[] = {
	[HV_EXIT_UNKNOWN] = "UNKNOWN",
	[HV_EXIT_EXCEPTION] = "EXCEPTION",
	[HV_EXIT_IO] = "IO",
	[HV_EXIT_HYPERCALL] = "HYPERCALL",
	[HV_EXIT_DEBUG] = "DEBUG",
	[HV_EXIT_HLT] = "HLT",
	[HV_EXIT_MMIO] = "MMIO",
	[HV_EXIT_IRQ_WINDOW_OPEN] = "IRQ_WINDOW_OPEN",
	[HV_EXIT_SHUTDOWN] = "SHUTDOWN",
	[HV_EXIT_FAIL_ENTRY] = "FAIL_ENTRY",
	[HV_EXIT_INTR] = "INTR",
	[HV_EXIT_SET_TPR] = "SET_TPR",
	[HV_EXIT_TPR_ACCESS] = "TPR_ACCESS",
	[HV_EXIT_NMI] = "NMI",
	[HV_EXIT_INTERNAL_ERROR] = "INTERNAL_ERROR",
	[HV_EXIT_SYSTEM_EVENT] = "SYSTEM_EVENT",
	[HV_EXIT_IOAPIC_EOI] = "IOAPIC_EOI",
	[HV_EXIT_X86_RDMSR] = "X86_RDMSR",
	[HV_EXIT_X86_WRMSR] = "X86_WRMSR",
	[HV_EXIT_X86_BUS_LOCK] = "X86_BUS_LOCK",
	[HV_EXIT_NOTIFY] = "NOTIFY",
};

const char *hv_exit_reason_str(u32 reason)
{
	if (reason < HV_ARRAY_SIZE(exit_names) && exit_names[reason])
		return exit_names[reason];
	return "(unnamed)";
}

void hv_describe_exit(struct hv_vcpu *vcpu, char *buf, size_t len)
{
	struct hv_run *run = vcpu->run;
	int n;

	n = snprintf(buf, len, "exit %u (%s)", run->exit_reason,
		     hv_exit_reason_str(run->exit_reason));
	if (n < 0 || (size_t)n >= len)
		return;
	buf += n;
	len -= n;
	switch (run->exit_reason) {
	case HV_EXIT_IO:
		snprintf(buf, len, ": %s port 0x%x size %u count %u",
			 run->io.direction == HV_EXIT_IO_OUT ? "out" : "in",
			 run->io.port, run->io.size, run->io.count);
		break;
	case HV_EXIT_MMIO:
		snprintf(buf, len, ": %s gpa 0x%llx len %u",
			 run->mmio.is_write ? "write" : "read",
			 run->mmio.phys_addr, run->mmio.len);
		break;
	case HV_EXIT_FAIL_ENTRY:
		snprintf(buf, len, ": reason 0x%llx cpu %u",
			 run->fail_entry.hardware_entry_failure_reason,
			 run->fail_entry.cpu);
		break;
	case HV_EXIT_INTERNAL_ERROR:
		snprintf(buf, len, ": suberror %u ndata %u data 0x%llx 0x%llx",
			 run->internal.suberror, run->internal.ndata,
			 run->internal.data[0], run->internal.data[1]);
		break;
	case HV_EXIT_UNKNOWN:
		snprintf(buf, len, ": hardware reason 0x%llx",
			 run->hw.hardware_exit_reason);
		break;
	default:
		break;
	}
}

/*
 * The registers that say where a guest went wrong, printed before a test
 * fails on an unexpected exit; an architecture's lib overrides this.
 */
void __attribute__((weak)) hv_arch_dump_vcpu(struct hv_vcpu *vcpu)
{
}

void __vcpu_assert_exit(struct hv_vcpu *vcpu, u32 reason,
			const char *file, int line)
{
	char buf[256];

	if (vcpu->run->exit_reason == reason)
		return;
	hv_describe_exit(vcpu, buf, sizeof(buf));
	hv_arch_dump_vcpu(vcpu);
	errno = 0;
	hv_test_fail(file, line, NULL, "expected exit %s, got %s",
		     hv_exit_reason_str(reason), buf);
}

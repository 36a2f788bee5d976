// SPDX-License-Identifier: GPL-2.0-only
/*
 * Statistics in debugfs (Documentation/virt/hv/api.rst, "Statistics"):
 *
 *   /sys/kernel/debug/hv/<pid>-<vm fd>/vm        per-VM counters
 *   /sys/kernel/debug/hv/<pid>-<vm fd>/vcpu<id>  per-vCPU counters
 *
 * One "name value" pair per line.  Counters are read without locks: a
 * value may be a moment old, never torn (64-bit loads).  debugfs removal
 * waits for running readers, so a file never outlives its VM.
 */
#define pr_fmt(fmt) "hv: " fmt

#include <linux/debugfs.h>
#include <linux/sched.h>
#include <linux/seq_file.h>

#include "hv_internal.h"

static struct dentry *hv_debugfs_root;

/* Names of the exit reasons, for "exit_<name>" lines. */
static const char *const hv_exit_names[] = {
	[HV_EXIT_UNKNOWN] = "unknown",
	[HV_EXIT_EXCEPTION] = "exception",
	[HV_EXIT_IO] = "io",
	[HV_EXIT_HYPERCALL] = "hypercall",
	[HV_EXIT_DEBUG] = "debug",
	[HV_EXIT_HLT] = "hlt",
	[HV_EXIT_MMIO] = "mmio",
	[HV_EXIT_IRQ_WINDOW_OPEN] = "irq_window_open",
	[HV_EXIT_SHUTDOWN] = "shutdown",
	[HV_EXIT_FAIL_ENTRY] = "fail_entry",
	[HV_EXIT_INTR] = "intr",
	[HV_EXIT_SET_TPR] = "set_tpr",
	[HV_EXIT_TPR_ACCESS] = "tpr_access",
	[HV_EXIT_NMI] = "nmi",
	[HV_EXIT_INTERNAL_ERROR] = "internal_error",
	[HV_EXIT_SYSTEM_EVENT] = "system_event",
	[HV_EXIT_IOAPIC_EOI] = "ioapic_eoi",
	[HV_EXIT_X86_RDMSR] = "x86_rdmsr",
	[HV_EXIT_X86_WRMSR] = "x86_wrmsr",
	[HV_EXIT_DIRTY_RING_FULL] = "dirty_ring_full",
	[HV_EXIT_X86_BUS_LOCK] = "x86_bus_lock",
	[HV_EXIT_NOTIFY] = "notify",
};

static int hv_vm_stats_show(struct seq_file *m, void *unused)
{
	const struct hv_vm_stats *s = &((struct hv_vm *)m->private)->stats;

	seq_printf(m, "nested_faults %llu\n", READ_ONCE(s->nested_faults));
	seq_printf(m, "nested_mapped_4k %llu\n", READ_ONCE(s->nested_mapped_4k));
	seq_printf(m, "nested_mapped_2m %llu\n", READ_ONCE(s->nested_mapped_2m));
	seq_printf(m, "invalidations %llu\n", READ_ONCE(s->invalidations));
	seq_printf(m, "tlb_flushes %llu\n", READ_ONCE(s->tlb_flushes));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(hv_vm_stats);

static int hv_vcpu_stats_show(struct seq_file *m, void *unused)
{
	const struct hv_vcpu_stats *s = &((struct hv_vcpu *)m->private)->stats;
	unsigned int i;

	seq_printf(m, "entries %llu\n", READ_ONCE(s->entries));
	seq_printf(m, "io_exits %llu\n", READ_ONCE(s->io_exits));
	seq_printf(m, "mmio_exits %llu\n", READ_ONCE(s->mmio_exits));
	seq_printf(m, "halt_exits %llu\n", READ_ONCE(s->halt_exits));
	seq_printf(m, "halt_sleeps %llu\n", READ_ONCE(s->halt_sleeps));
	seq_printf(m, "halt_polls %llu\n", READ_ONCE(s->halt_polls));
	seq_printf(m, "signal_exits %llu\n", READ_ONCE(s->signal_exits));
	seq_printf(m, "cpuid_exits %llu\n", READ_ONCE(s->cpuid_exits));
	seq_printf(m, "msr_exits %llu\n", READ_ONCE(s->msr_exits));
	seq_printf(m, "nested_fault_exits %llu\n",
		   READ_ONCE(s->nested_fault_exits));
	seq_printf(m, "intr_exits %llu\n", READ_ONCE(s->intr_exits));
	/* Returns to userspace by exit reason, the ones that happened. */
	for (i = 0; i < ARRAY_SIZE(s->exit_reason); i++) {
		u64 n = READ_ONCE(s->exit_reason[i]);

		if (!n)
			continue;
		if (i < ARRAY_SIZE(hv_exit_names) && hv_exit_names[i])
			seq_printf(m, "exit_%s %llu\n", hv_exit_names[i], n);
		else
			seq_printf(m, "exit_%u %llu\n", i, n);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(hv_vcpu_stats);

void hv_stats_vm_init(struct hv_vm *vm, int fd)
{
	char name[32];

	if (IS_ERR_OR_NULL(hv_debugfs_root))
		return;
	snprintf(name, sizeof(name), "%d-%d", task_pid_nr(current), fd);
	vm->debugfs = debugfs_create_dir(name, hv_debugfs_root);
	debugfs_create_file("vm", 0444, vm->debugfs, vm, &hv_vm_stats_fops);
}

void hv_stats_vm_destroy(struct hv_vm *vm)
{
	debugfs_remove_recursive(vm->debugfs);
}

void hv_stats_vcpu_init(struct hv_vcpu *vcpu)
{
	char name[24];

	if (IS_ERR_OR_NULL(vcpu->vm->debugfs))
		return;
	snprintf(name, sizeof(name), "vcpu%u", vcpu->vcpu_id);
	debugfs_create_file(name, 0444, vcpu->vm->debugfs, vcpu,
			    &hv_vcpu_stats_fops);
}

void hv_stats_init(void)
{
	hv_debugfs_root = debugfs_create_dir("hv", NULL);
}

void hv_stats_exit(void)
{
	debugfs_remove_recursive(hv_debugfs_root);
}

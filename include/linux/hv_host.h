/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hv core <-> hardware backend contract.
 *
 * A backend (hv-amd.ko, hv-intel.ko, ...) is one const struct hv_backend_ops.
 * It registers with hv_core_register_backend() from its module init after it
 * has probed the hardware, and unregisters from its module exit.  At most one
 * backend is registered at a time.
 *
 * The core owns everything that is the same for every backend: the
 * conflict check against other hypervisors, turning the virtualization
 * extension on and off on every CPU (load, unload, CPU hotplug, reboot,
 * suspend/resume), the file descriptors and the ioctl ABI.
 *
 * Exported symbols use the prefix hv_core_: 6.1 already exports 45 symbols
 * named hv_* (Hyper-V guest support), and modpost refuses duplicates.
 */
#ifndef _LINUX_HV_HOST_H
#define _LINUX_HV_HOST_H

#include <linux/types.h>

struct module;

/**
 * struct hv_backend_ops - what a hardware backend provides to the core
 * @name:	short name used in log lines ("svm", "vmx").
 * @owner:	the backend module; every VM holds a reference on it.
 * @conflicts:	NULL-terminated names of modules that drive the same
 *		hardware ("kvm_amd").  The core refuses to register while one
 *		is loaded and refuses to let one load while registered.
 * @hardware_setup:	called once, before any CPU is enabled; may sleep.
 *		Allocates per-CPU resources and hooks emergency paths.
 * @hardware_unsetup:	undoes @hardware_setup after every CPU is disabled;
 *		may sleep.  Optional.
 * @cpu_enable:	turn the extension on for the calling CPU.  Called with
 *		preemption disabled (CPU hotplug thread or syscore resume,
 *		where interrupts are off too); must not sleep.  Returns 0 or
 *		a negative errno (-EBUSY if another hypervisor owns the CPU).
 * @cpu_disable: turn the extension off on the calling CPU if @cpu_enable
 *		turned it on; same context rules.  Must be idempotent.
 * @check_extension: value of a backend-specific capability for
 *		CHECK_EXTENSION, 0 if unknown.  Optional; may sleep.
 */
struct hv_backend_ops {
	const char *name;
	struct module *owner;
	const char *const *conflicts;

	int (*hardware_setup)(void);
	void (*hardware_unsetup)(void);
	int (*cpu_enable)(void);
	void (*cpu_disable)(void);

	long (*check_extension)(long cap);
};

int hv_core_register_backend(const struct hv_backend_ops *ops);
void hv_core_unregister_backend(const struct hv_backend_ops *ops);

#endif /* _LINUX_HV_HOST_H */

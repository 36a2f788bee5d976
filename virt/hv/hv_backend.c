// SPDX-License-Identifier: GPL-2.0-only
/*
 * Backend registration and the per-CPU state of the virtualization
 * extension.
 *
 * The extension (EFER.SVME, VMXON, ...) is enabled on every online CPU
 * when a backend registers and stays on until it unregisters, as bhyve and
 * NVMM do: the cost is nil while no guest runs, and owning the hardware from
 * load time makes the conflict with another hypervisor visible at once
 * instead of at the first VM.  The core follows the CPU through hotplug,
 * reboot and suspend/resume; the backend only knows how to flip one CPU.
 *
 * Another in-kernel hypervisor (Linux's kvm_amd / kvm_intel) drives the same
 * hardware and keeps per-CPU state we cannot see, so the two are mutually
 * exclusive: registration fails while one is loaded, and while a backend is
 * registered the module notifier below refuses to let one load.
 */
#define pr_fmt(fmt) "hv: " fmt

#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/kobject.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/percpu.h>
#include <linux/reboot.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/syscore_ops.h>

#include "hv_internal.h"

/*
 * hv_backend_lock protects hv_hw_ops, hv_backend and hv_cpuhp_state.
 *
 * hv_hw_ops is the backend that owns the hardware: set before the conflict
 * check (so the module notifier vetoes from then on) and cleared after every
 * CPU is disabled.  hv_backend is the same pointer, published only once
 * every CPU is enabled; VMs are created only from it.
 */
static DEFINE_MUTEX(hv_backend_lock);
static const struct hv_backend_ops *hv_hw_ops;
static const struct hv_backend_ops *hv_backend;
static enum cpuhp_state hv_cpuhp_state;

/* Whether this CPU's extension was turned on by us. */
static DEFINE_PER_CPU(bool, hv_cpu_enabled);
/* Set once the machine goes down: never turn a CPU on again. */
static bool hv_rebooting;

static int hv_cpu_enable_this(const struct hv_backend_ops *ops)
{
	int r;

	if (__this_cpu_read(hv_cpu_enabled) || READ_ONCE(hv_rebooting))
		return 0;

	r = ops->cpu_enable();
	if (r) {
		pr_err("%s: cannot enable virtualization on CPU %d: %d\n",
		       ops->name, smp_processor_id(), r);
		return r;
	}
	__this_cpu_write(hv_cpu_enabled, true);
	return 0;
}

static void hv_cpu_disable_this(const struct hv_backend_ops *ops)
{
	if (!__this_cpu_read(hv_cpu_enabled))
		return;

	ops->cpu_disable();
	__this_cpu_write(hv_cpu_enabled, false);
}

/*
 * CPU hotplug callbacks run on the CPU concerned, in its hotplug thread.
 * hv_hw_ops cannot change under them: cpuhp_remove_state() waits for them.
 */
static int hv_cpu_online(unsigned int cpu)
{
	int r;

	preempt_disable();
	r = hv_cpu_enable_this(hv_hw_ops);
	preempt_enable();
	return r;
}

static int hv_cpu_offline(unsigned int cpu)
{
	preempt_disable();
	hv_cpu_disable_this(hv_hw_ops);
	preempt_enable();
	return 0;
}

static void hv_cpu_disable_ipi(void *unused)
{
	hv_cpu_disable_this(hv_hw_ops);
}

/*
 * A CPU left in VMX root operation blocks INIT, so the next kernel or the
 * firmware could not bring it up: leave on every CPU before reboot.  Crashes
 * and emergency restarts bypass this; backends cover them in hardware_setup.
 */
static int hv_reboot(struct notifier_block *nb, unsigned long code, void *unused)
{
	mutex_lock(&hv_backend_lock);
	WRITE_ONCE(hv_rebooting, true);
	if (hv_hw_ops)
		on_each_cpu(hv_cpu_disable_ipi, NULL, 1);
	mutex_unlock(&hv_backend_lock);
	return NOTIFY_OK;
}

static struct notifier_block hv_reboot_nb = {
	.notifier_call = hv_reboot,
};

/*
 * Suspend and resume run on the last online CPU with interrupts off and all
 * tasks frozen, so nothing can (un)register concurrently; the other CPUs go
 * through the hotplug callbacks.
 */
static int hv_suspend(void)
{
	if (hv_hw_ops)
		hv_cpu_disable_this(hv_hw_ops);
	return 0;
}

static void hv_resume(void)
{
	if (hv_hw_ops)
		hv_cpu_enable_this(hv_hw_ops);
}

static struct syscore_ops hv_syscore_ops = {
	.suspend = hv_suspend,
	.resume = hv_resume,
};

static bool hv_conflicts_with(const struct hv_backend_ops *ops,
			      const char *modname)
{
	const char *const *name;

	for (name = ops->conflicts; name && *name; name++)
		if (!strcmp(*name, modname))
			return true;
	return false;
}

/* Refuse to let a conflicting hypervisor load while we own the hardware. */
static int hv_module_notify(struct notifier_block *nb, unsigned long state,
			    void *data)
{
	struct module *mod = data;
	int r = 0;

	if (state != MODULE_STATE_COMING)
		return NOTIFY_DONE;

	mutex_lock(&hv_backend_lock);
	if (hv_hw_ops && hv_conflicts_with(hv_hw_ops, mod->name)) {
		pr_err("%s: refusing to load %s: the hardware is in use by hv; unload hv's backend first\n",
		       hv_hw_ops->name, mod->name);
		r = -EBUSY;
	}
	mutex_unlock(&hv_backend_lock);
	return notifier_from_errno(r);
}

static struct notifier_block hv_module_nb = {
	.notifier_call = hv_module_notify,
};

/*
 * Whether a conflicting module is loaded: every loaded module (and every
 * built-in one with parameters) has a kobject in the kset our own module
 * kobject belongs to, /sys/module.
 */
static struct kset *hv_module_kset(void)
{
#ifdef MODULE
	return THIS_MODULE->mkobj.kobj.kset;
#else
	/* Built in: nothing loaded before us; the notifier covers later. */
	return NULL;
#endif
}

static int hv_check_conflicts(const struct hv_backend_ops *ops)
{
	struct kset *modules = hv_module_kset();
	const char *const *name;
	struct kobject *kobj;

	if (!modules)
		return 0;

	for (name = ops->conflicts; name && *name; name++) {
		kobj = kset_find_obj(modules, *name);
		if (kobj) {
			kobject_put(kobj);
			pr_err("%s: %s is loaded and owns the hardware; unload it first\n",
			       ops->name, *name);
			return -EBUSY;
		}
	}
	return 0;
}

/**
 * hv_core_register_backend - make a backend the one that runs VMs
 * @ops: the backend; must stay valid until hv_core_unregister_backend().
 *
 * Checks for conflicting hypervisors, runs @ops->hardware_setup and turns
 * the extension on for every online CPU.  Called from the backend's module
 * init; may sleep.
 *
 * Return: 0, -EBUSY if a backend is registered, a conflicting module is
 * loaded or a CPU is already in use by another hypervisor, or the error of
 * the backend's own callbacks.
 */
int hv_core_register_backend(const struct hv_backend_ops *ops)
{
	int r;

	if (!ops->name || !ops->owner || !ops->hardware_setup ||
	    !ops->cpu_enable || !ops->cpu_disable ||
	    ops->vm_size < sizeof(struct hv_vm) || !ops->vm_init ||
	    !ops->vm_destroy)
		return -EINVAL;
	/* vCPU support comes whole or not at all. */
	if (hv_backend_runs_vcpus(ops) &&
	    (ops->vcpu_size < sizeof(struct hv_vcpu) || !ops->vcpu_create ||
	     !ops->vcpu_free || !ops->vcpu_load || !ops->vcpu_put ||
	     !ops->zap_gfn_range || !hv_arch_backend_ops_valid(&ops->arch)))
		return -EINVAL;

	mutex_lock(&hv_backend_lock);
	if (hv_hw_ops) {
		pr_err("%s: backend %s is already registered\n", ops->name,
		       hv_hw_ops->name);
		r = -EBUSY;
		goto out_unlock;
	}
	if (hv_rebooting) {
		r = -EBUSY;
		goto out_unlock;
	}

	/* From here on the module notifier vetoes conflicting modules. */
	hv_hw_ops = ops;
	r = hv_check_conflicts(ops);
	if (r)
		goto err_clear_ops;

	r = ops->hardware_setup();
	if (r)
		goto err_clear_ops;

	/* Calls hv_cpu_online() on every online CPU, undoing all on failure. */
	r = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "hv:online", hv_cpu_online,
			      hv_cpu_offline);
	if (r < 0)
		goto err_unsetup;
	hv_cpuhp_state = r;

	hv_backend = ops;
	pr_info("%s: backend registered\n", ops->name);
	mutex_unlock(&hv_backend_lock);
	return 0;

err_unsetup:
	if (ops->hardware_unsetup)
		ops->hardware_unsetup();
err_clear_ops:
	hv_hw_ops = NULL;
out_unlock:
	mutex_unlock(&hv_backend_lock);
	return r;
}
EXPORT_SYMBOL_GPL(hv_core_register_backend);

/**
 * hv_core_unregister_backend - undo hv_core_register_backend()
 * @ops: the registered backend.
 *
 * Called from the backend's module exit, so no VM exists: every VM holds a
 * reference on the backend module.  Turns the extension off everywhere.
 */
void hv_core_unregister_backend(const struct hv_backend_ops *ops)
{
	mutex_lock(&hv_backend_lock);
	if (WARN_ON_ONCE(hv_hw_ops != ops)) {
		mutex_unlock(&hv_backend_lock);
		return;
	}
	hv_backend = NULL;
	cpuhp_remove_state(hv_cpuhp_state);
	if (ops->hardware_unsetup)
		ops->hardware_unsetup();
	hv_hw_ops = NULL;
	pr_info("%s: backend unregistered\n", ops->name);
	mutex_unlock(&hv_backend_lock);
}
EXPORT_SYMBOL_GPL(hv_core_unregister_backend);

/**
 * hv_backend_get - the registered backend, pinned
 *
 * Return: the backend with a reference on its module, or NULL when none is
 * registered or its module is going away.  Release with hv_backend_put().
 */
const struct hv_backend_ops *hv_backend_get(void)
{
	const struct hv_backend_ops *ops;

	mutex_lock(&hv_backend_lock);
	ops = hv_backend;
	if (ops && !try_module_get(ops->owner))
		ops = NULL;
	mutex_unlock(&hv_backend_lock);
	return ops;
}

void hv_backend_put(const struct hv_backend_ops *ops)
{
	if (ops)
		module_put(ops->owner);
}

int hv_backend_init(void)
{
	int r;

	r = register_module_notifier(&hv_module_nb);
	if (r)
		return r;
	r = register_reboot_notifier(&hv_reboot_nb);
	if (r) {
		unregister_module_notifier(&hv_module_nb);
		return r;
	}
	register_syscore_ops(&hv_syscore_ops);
	return 0;
}

void hv_backend_exit(void)
{
	unregister_syscore_ops(&hv_syscore_ops);
	unregister_reboot_notifier(&hv_reboot_nb);
	unregister_module_notifier(&hv_module_nb);
}

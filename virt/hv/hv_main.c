// SPDX-License-Identifier: GPL-2.0-only
/*
 * hv core module: /dev/hv and the system ioctls.
 *
 * The ABI is KVM's (include/uapi/linux/hv.h): same ioctl numbers, same
 * structures, same errno for the same bad input, so that a VMM written for
 * /dev/kvm works unchanged on /dev/hv for every capability we advertise.
 */
#define pr_fmt(fmt) "hv: " fmt

#include <linux/cpumask.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/preempt.h>
#include <linux/hv.h>

#include "hv_internal.h"

/*
 * The vCPU mmap area, as on x86 KVM: the run structure, the PIO data page
 * and the coalesced-MMIO ring page.
 */
#define HV_VCPU_MMAP_PAGES	3

/**
 * hv_check_extension - value of a capability for CHECK_EXTENSION
 * @ops: the backend of the VM asked, or the registered one; may be NULL.
 * @cap: HV_CAP_*.
 *
 * Return: 0 for anything not implemented, as KVM does for unknown caps.
 */
long hv_check_extension(const struct hv_backend_ops *ops, long cap)
{
	if (cap == HV_CAP_CHECK_EXTENSION_VM)
		return 1;
	if (!ops || !hv_backend_runs_vcpus(ops))
		return 0;

	switch (cap) {
	case HV_CAP_USER_MEMORY:
	case HV_CAP_DESTROY_MEMORY_REGION_WORKS:
	case HV_CAP_JOIN_MEMORY_REGIONS_WORKS:
	case HV_CAP_READONLY_MEM:
	case HV_CAP_SYNC_MMU:
	case HV_CAP_IMMEDIATE_EXIT:
	case HV_CAP_INTERNAL_ERROR_DATA:
		return 1;
	case HV_CAP_NR_MEMSLOTS:
		return HV_USER_MEM_SLOTS;
	case HV_CAP_NR_VCPUS:
		/* The recommended count, as KVM: one vCPU per host CPU. */
		return min_t(long, num_online_cpus(), HV_MAX_VCPUS);
	case HV_CAP_MAX_VCPUS:
		return HV_MAX_VCPUS;
	case HV_CAP_MAX_VCPU_ID:
		return HV_MAX_VCPU_IDS;
	case HV_CAP_IOEVENTFD:
	case HV_CAP_IOEVENTFD_NO_LENGTH:
	case HV_CAP_IOEVENTFD_ANY_LENGTH:
	case HV_CAP_COALESCED_PIO:
		return 1;
	case HV_CAP_COALESCED_MMIO:
		return HV_COALESCED_MMIO_PAGE_OFFSET;
	case HV_CAP_IRQFD:
	case HV_CAP_IRQFD_RESAMPLE:
	case HV_CAP_SIGNAL_MSI:
	case HV_CAP_IRQ_INJECT_STATUS:
	case HV_CAP_IRQ_ROUTING:
		/*
		 * Routing, irqfds and MSIs need an in-kernel irqchip: only
		 * where the architecture offers one (HV_CREATE_IRQCHIP).
		 */
		if (!hv_check_extension(ops, HV_CAP_IRQCHIP))
			return 0;
		return cap == HV_CAP_IRQ_ROUTING ? HV_MAX_IRQ_ROUTES : 1;
	default:
		break;
	}
	if (ops->check_extension)
		return ops->check_extension(cap);
	return hv_arch_check_extension(cap);
}

static long hv_dev_check_extension(long cap)
{
	const struct hv_backend_ops *ops = hv_backend_get();
	long r;

	r = hv_check_extension(ops, cap);
	hv_backend_put(ops);
	return r;
}

static long hv_dev_ioctl(struct file *filp, unsigned int cmd, unsigned long arg)
{
	/*
	 * Unknown requests, including another driver's (TCGETS from
	 * isatty()), get -EINVAL from the default case, as x86 KVM's
	 * kvm_arch_dev_ioctl() gives: the errno tools see on /dev/kvm.
	 */
	switch (cmd) {
	case HV_GET_API_VERSION:
		if (arg)
			return -EINVAL;
		return HV_API_VERSION;
	case HV_CREATE_VM:
		return hv_vm_create(arg);
	case HV_CHECK_EXTENSION:
		return hv_dev_check_extension(arg);
	case HV_GET_VCPU_MMAP_SIZE:
		if (arg)
			return -EINVAL;
		return HV_VCPU_MMAP_PAGES * PAGE_SIZE;
	default:
		return hv_arch_dev_ioctl(cmd, arg);
	}
}

static const struct file_operations hv_chardev_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= hv_dev_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

/* Group "kvm" and mode 0660 come from the udev rule shipped in udev/. */
static struct miscdevice hv_dev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "hv",
	.fops	= &hv_chardev_fops,
	.mode	= 0660,
};

static int __init hv_init(void)
{
	int r;

	r = hv_eventfd_init();
	if (r)
		return r;
	r = hv_backend_init();
	if (r)
		goto err_eventfd;
	hv_stats_init();

	/* Userspace can reach us from here on: register the device last. */
	r = misc_register(&hv_dev);
	if (r)
		goto err_stats;
	return 0;

err_stats:
	hv_stats_exit();
	hv_backend_exit();
err_eventfd:
	hv_eventfd_exit();
	return r;
}

static void __exit hv_exit(void)
{
	misc_deregister(&hv_dev);
	hv_vcpu_exit();
	hv_stats_exit();
	hv_backend_exit();
	hv_eventfd_exit();
}

module_init(hv_init);
module_exit(hv_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("The hv developers");
MODULE_DESCRIPTION("hv: KVM-compatible hypervisor core (/dev/hv)");

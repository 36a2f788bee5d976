// SPDX-License-Identifier: GPL-2.0-only
/*
 * VM file descriptors.
 *
 * A VM is an anonymous-inode file.  The file and every vCPU hold a
 * reference on the VM, which is destroyed with the last one; the file also
 * holds a reference on hv.ko (its fops owner) and the VM one on the backend
 * module, so neither can be unloaded while a VM exists.  The VM belongs to
 * the mm that created it; ioctls from any other mm (a forked child, a
 * process the fd was passed to) get -EIO, as on KVM, because the guest's
 * memory is that mm's.
 */
#define pr_fmt(fmt) "hv: " fmt

#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/hv.h>

#include "hv_internal.h"

void hv_vm_get(struct hv_vm *vm)
{
	refcount_inc(&vm->refs);
}

static void hv_vm_destroy(struct hv_vm *vm)
{
	const struct hv_backend_ops *ops = vm->ops;
	struct mm_struct *mm = vm->mm;

	hv_stats_vm_destroy(vm);
	hv_vcpus_free(vm);
	hv_mmu_notifier_unregister(vm);
	/*
	 * Irqfds went with the VM file (hv_vm_release()).  No vCPU reads
	 * the buses any more; the VM's own devices leave them before they
	 * are freed, then the arch's controllers (which may still raise
	 * GSIs, so the routing table goes after them).
	 */
	hv_ioeventfds_free(vm);
	hv_coalesced_mmio_free(vm);
	hv_arch_vm_destroy(vm);
	ops->vm_destroy(vm);
	hv_irq_routing_free(vm);
	hv_io_buses_free(vm);
	hv_memslots_free(vm);
	cleanup_srcu_struct(&vm->irq_srcu);
	cleanup_srcu_struct(&vm->srcu);
	xa_destroy(&vm->vcpus);
	kvfree(vm);
	hv_backend_put(ops);
	mmdrop(mm);
}

void hv_vm_put(struct hv_vm *vm)
{
	if (refcount_dec_and_test(&vm->refs))
		hv_vm_destroy(vm);
}

/**
 * hv_vm_mark_dead - stop a VM hv found inconsistent
 * @vm: the VM.
 *
 * Every later ioctl on the VM or its vCPUs returns -EIO; the host goes on.
 */
void hv_vm_mark_dead(struct hv_vm *vm)
{
	WRITE_ONCE(vm->dead, true);
	hv_vm_request_all(vm, HV_REQ_TLB_FLUSH);
}
EXPORT_SYMBOL_GPL(hv_vm_mark_dead);

static int hv_vm_release(struct inode *inode, struct file *filp)
{
	struct hv_vm *vm = filp->private_data;

	/*
	 * As KVM: irqfds end with the VM file, although vCPUs may keep the
	 * VM alive; no ioctl can add one any more.
	 */
	hv_irqfd_release(vm);
	hv_vm_put(vm);
	return 0;
}

/*
 * HV_ENABLE_CAP on a VM.  HV_CAP_MAX_VCPU_ID sets the vCPU id bound once
 * (setting the same value again succeeds), as KVM 6.1 does; anything
 * else is -EINVAL.
 */
static int hv_vm_enable_cap(struct hv_vm *vm, const struct hv_enable_cap *cap)
{
	int r = -EINVAL;

	if (cap->flags || cap->cap != HV_CAP_MAX_VCPU_ID ||
	    cap->args[0] > HV_MAX_VCPU_IDS)
		return -EINVAL;
	mutex_lock(&vm->lock);
	if (!vm->max_vcpu_ids || vm->max_vcpu_ids == cap->args[0]) {
		WRITE_ONCE(vm->max_vcpu_ids, cap->args[0]);
		r = 0;
	}
	mutex_unlock(&vm->lock);
	return r;
}

static long hv_vm_ioctl(struct file *filp, unsigned int cmd, unsigned long arg)
{
	struct hv_vm *vm = filp->private_data;
	void __user *argp = (void __user *)arg;

	if (vm->mm != current->mm || READ_ONCE(vm->dead))
		return -EIO;

	switch (cmd) {
	case HV_CHECK_EXTENSION:
		return hv_check_extension(vm->ops, arg);
	case HV_CREATE_VCPU:
		return hv_vcpu_create(vm, arg);
	case HV_SET_USER_MEMORY_REGION: {
		struct hv_userspace_memory_region mem;

		if (copy_from_user(&mem, argp, sizeof(mem)))
			return -EFAULT;
		return hv_vm_set_memory_region(vm, &mem);
	}
	case HV_CREATE_DEVICE: {
		struct hv_create_device cd;

		if (copy_from_user(&cd, argp, sizeof(cd)))
			return -EFAULT;
#ifdef HV_ARCH_HAS_CREATE_DEVICE
		{
			int r = hv_arch_create_device(vm, &cd);

			if (r)
				return r;
			/* KVM: the fd stays installed if the copy fails. */
			return copy_to_user(argp, &cd, sizeof(cd)) ? -EFAULT : 0;
		}
#else
		/* No device types are registered: KVM's answer for those. */
		return -ENODEV;
#endif
	}
	case HV_ENABLE_CAP: {
		struct hv_enable_cap cap;

		if (copy_from_user(&cap, argp, sizeof(cap)))
			return -EFAULT;
		return hv_vm_enable_cap(vm, &cap);
	}
	case HV_REGISTER_COALESCED_MMIO:
	case HV_UNREGISTER_COALESCED_MMIO: {
		struct hv_coalesced_mmio_zone zone;

		if (!hv_backend_runs_vcpus(vm->ops))
			break;
		if (copy_from_user(&zone, argp, sizeof(zone)))
			return -EFAULT;
		if (cmd == HV_REGISTER_COALESCED_MMIO)
			return hv_vm_ioctl_register_coalesced_mmio(vm, &zone);
		return hv_vm_ioctl_unregister_coalesced_mmio(vm, &zone);
	}
	case HV_IRQFD: {
		struct hv_irqfd data;

		if (!hv_backend_runs_vcpus(vm->ops))
			break;
		if (copy_from_user(&data, argp, sizeof(data)))
			return -EFAULT;
		return hv_vm_ioctl_irqfd(vm, &data);
	}
	case HV_IOEVENTFD: {
		struct hv_ioeventfd data;

		if (!hv_backend_runs_vcpus(vm->ops))
			break;
		if (copy_from_user(&data, argp, sizeof(data)))
			return -EFAULT;
		return hv_vm_ioctl_ioeventfd(vm, &data);
	}
	case HV_SIGNAL_MSI:
		if (!hv_backend_runs_vcpus(vm->ops))
			break;
		return hv_vm_ioctl_signal_msi(vm, argp);
#ifdef __HV_HAVE_IRQ_LINE
	case HV_IRQ_LINE:
	case HV_IRQ_LINE_STATUS:
		if (!hv_backend_runs_vcpus(vm->ops))
			break;
		return hv_vm_ioctl_irq_line(vm, argp,
					    cmd == HV_IRQ_LINE_STATUS);
#endif
	case HV_SET_GSI_ROUTING:
		if (!hv_backend_runs_vcpus(vm->ops))
			break;
		return hv_vm_ioctl_set_gsi_routing(vm, argp);
	default:
		break;
	}
	/*
	 * Unknown ones, and the device ioctls of a backend that cannot run
	 * vCPUs: -ENOTTY, as x86 KVM's kvm_arch_vm_ioctl().
	 */
	return hv_arch_vm_ioctl(vm, cmd, arg);
}

static const struct file_operations hv_vm_fops = {
	.owner		= THIS_MODULE,
	.release	= hv_vm_release,
	.unlocked_ioctl	= hv_vm_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

static struct hv_vm *hv_vm_alloc(const struct hv_backend_ops *ops,
				 unsigned long type)
{
	struct hv_vm *vm;
	int r;

	vm = kvzalloc(ops->vm_size, GFP_KERNEL_ACCOUNT);
	if (!vm)
		return ERR_PTR(-ENOMEM);

	vm->ops = ops;
	refcount_set(&vm->refs, 1);
	mutex_init(&vm->lock);
	mutex_init(&vm->slots_lock);
	spin_lock_init(&vm->mmu_lock);
	mutex_init(&vm->irq_lock);
	INIT_HLIST_HEAD(&vm->irq_ack_notifier_list);
	spin_lock_init(&vm->irqfds.lock);
	INIT_LIST_HEAD(&vm->irqfds.items);
	INIT_LIST_HEAD(&vm->irqfds.resampler_list);
	mutex_init(&vm->irqfds.resampler_lock);
	INIT_LIST_HEAD(&vm->ioeventfds);
	spin_lock_init(&vm->coalesced_mmio_lock);
	INIT_LIST_HEAD(&vm->coalesced_zones);
	xa_init_flags(&vm->vcpus, XA_FLAGS_ALLOC);
	mmgrab(current->mm);
	vm->mm = current->mm;

	/* The machine type is the architecture's (arm64: the IPA size). */
	r = hv_arch_vm_init(vm, type);
	if (r)
		goto err_free_vm;
	r = init_srcu_struct(&vm->srcu);
	if (r)
		goto err_free_vm;
	r = init_srcu_struct(&vm->irq_srcu);
	if (r)
		goto err_cleanup_srcu;
	r = hv_memslots_init(vm);
	if (r)
		goto err_cleanup_irq_srcu;
	r = hv_coalesced_mmio_init(vm);
	if (r)
		goto err_free_slots;
	r = ops->vm_init(vm);
	if (r)
		goto err_free_slots;
	r = hv_mmu_notifier_register(vm);
	if (r)
		goto err_destroy_backend;
	return vm;

err_destroy_backend:
	ops->vm_destroy(vm);
err_free_slots:
	hv_coalesced_mmio_free(vm);
	hv_memslots_free(vm);
err_cleanup_irq_srcu:
	cleanup_srcu_struct(&vm->irq_srcu);
err_cleanup_srcu:
	cleanup_srcu_struct(&vm->srcu);
err_free_vm:
	mmdrop(vm->mm);
	kvfree(vm);
	return ERR_PTR(r);
}

/**
 * hv_vm_create - HV_CREATE_VM
 * @type: machine type, checked by hv_arch_vm_init(): x86 has only type
 *	0, arm64 encodes the IPA size.
 *
 * Return: the new VM's file descriptor (O_CLOEXEC), -EINVAL for an unknown
 * type, -ENODEV when no backend is registered, or -ENOMEM/-EMFILE.
 */
int hv_vm_create(unsigned long type)
{
	const struct hv_backend_ops *ops;
	struct hv_vm *vm;
	struct file *file;
	int fd, r;

	ops = hv_backend_get();
	if (!ops)
		return -ENODEV;
	vm = hv_vm_alloc(ops, type);
	if (IS_ERR(vm)) {
		hv_backend_put(ops);
		return PTR_ERR(vm);
	}
	/* From here hv_vm_put() releases the backend reference too. */

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		r = fd;
		goto err_put_vm;
	}
	file = anon_inode_getfile("hv-vm", &hv_vm_fops, vm, O_RDWR);
	if (IS_ERR(file)) {
		r = PTR_ERR(file);
		goto err_put_fd;
	}
	hv_stats_vm_init(vm, fd);
	/* The VM is complete: publish the fd last, it cannot be taken back. */
	fd_install(fd, file);
	return fd;

err_put_fd:
	put_unused_fd(fd);
err_put_vm:
	hv_vm_put(vm);
	return r;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * VM file descriptors.
 *
 * A VM is an anonymous-inode file.  It lives as long as that file: the file
 * holds a reference on hv.ko (through its fops owner) and the VM one on the
 * backend module, so neither can be unloaded while a VM exists.  The VM
 * belongs to the mm that created it; ioctls from any other mm (a forked
 * child, a process the fd was passed to) get -EIO, as on KVM, because the
 * guest's memory is that mm's.
 */
#define pr_fmt(fmt) "hv: " fmt

#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/hv.h>

#include "hv_internal.h"

/**
 * struct hv_vm - one virtual machine
 * @mm:		the creator's address space (mmgrab'ed); ioctls from
 *		another mm are refused.
 * @ops:	the backend, pinned for the VM's lifetime.
 */
struct hv_vm {
	struct mm_struct *mm;
	const struct hv_backend_ops *ops;
};

static int hv_vm_release(struct inode *inode, struct file *filp)
{
	struct hv_vm *vm = filp->private_data;

	hv_backend_put(vm->ops);
	mmdrop(vm->mm);
	kfree(vm);
	return 0;
}

static long hv_vm_ioctl(struct file *filp, unsigned int cmd, unsigned long arg)
{
	struct hv_vm *vm = filp->private_data;

	if (vm->mm != current->mm)
		return -EIO;

	switch (cmd) {
	case HV_CHECK_EXTENSION:
		return hv_check_extension(vm->ops, arg);
	default:
		/* What x86 KVM's kvm_arch_vm_ioctl() returns. */
		return -ENOTTY;
	}
}

static const struct file_operations hv_vm_fops = {
	.owner		= THIS_MODULE,
	.release	= hv_vm_release,
	.unlocked_ioctl	= hv_vm_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

/**
 * hv_vm_create - HV_CREATE_VM
 * @type: machine type; x86 has only type 0.
 *
 * Return: the new VM's file descriptor (O_CLOEXEC), -EINVAL for an unknown
 * type, -ENODEV when no backend is registered, or -ENOMEM/-EMFILE.
 */
int hv_vm_create(unsigned long type)
{
	struct hv_vm *vm;
	struct file *file;
	int fd, r;

	if (type)
		return -EINVAL;

	vm = kzalloc(sizeof(*vm), GFP_KERNEL_ACCOUNT);
	if (!vm)
		return -ENOMEM;

	vm->ops = hv_backend_get();
	if (!vm->ops) {
		r = -ENODEV;
		goto err_free_vm;
	}
	mmgrab(current->mm);
	vm->mm = current->mm;

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		r = fd;
		goto err_put_refs;
	}
	file = anon_inode_getfile("hv-vm", &hv_vm_fops, vm, O_RDWR);
	if (IS_ERR(file)) {
		r = PTR_ERR(file);
		goto err_put_fd;
	}
	/* The VM is complete: publish the fd last, it cannot be taken back. */
	fd_install(fd, file);
	return fd;

err_put_fd:
	put_unused_fd(fd);
err_put_refs:
	mmdrop(vm->mm);
	hv_backend_put(vm->ops);
err_free_vm:
	kfree(vm);
	return r;
}

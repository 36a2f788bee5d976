// SPDX-License-Identifier: GPL-2.0-only
/*
 * vCPU file descriptors, the shared run page and the run loop.
 *
 * A vCPU is an ordinary host thread while it runs the guest: it is loaded
 * on its CPU for the duration of an ioctl, follows context switches through
 * a preempt notifier (the backend saves and restores per-CPU state there),
 * leaves the guest for every host interrupt, and returns to userspace with
 * -EINTR (exit reason HV_EXIT_INTR) when a signal is pending.
 */
#define pr_fmt(fmt) "hv: " fmt

#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/preempt.h>
#include <linux/sched/signal.h>
#include <linux/sched/stat.h>
#include <linux/slab.h>
#include <linux/hv.h>

#include "hv_internal.h"

/* Pages of the vCPU mapping (HV_GET_VCPU_MMAP_SIZE). */
enum {
	HV_VCPU_PAGE_RUN,
	HV_VCPU_PAGE_PIO,
	HV_VCPU_PAGE_COALESCED_MMIO,	/* the VM's coalesced MMIO ring */
	HV_VCPU_NR_PAGES,
};

static inline struct hv_vcpu *pn_to_vcpu(struct preempt_notifier *pn)
{
	return container_of(pn, struct hv_vcpu, preempt_notifier);
}

static void hv_sched_in(struct preempt_notifier *pn, int cpu)
{
	struct hv_vcpu *vcpu = pn_to_vcpu(pn);

	WRITE_ONCE(vcpu->cpu, cpu);
	vcpu->vm->ops->vcpu_load(vcpu, cpu);
}

static void hv_sched_out(struct preempt_notifier *pn, struct task_struct *next)
{
	pn_to_vcpu(pn)->vm->ops->vcpu_put(pn_to_vcpu(pn));
}

static struct preempt_ops hv_preempt_ops = {
	.sched_in = hv_sched_in,
	.sched_out = hv_sched_out,
};

/*
 * The scheduler calls preempt notifiers behind a static key.  It is
 * enabled at the first vCPU and stays enabled until hv.ko unloads: code
 * patching of such a hot branch is not free, and under emulation (QEMU
 * TCG) it has been seen to hang a CPU, so hv does it at most twice.
 */
static DEFINE_MUTEX(hv_preempt_key_lock);
static bool hv_preempt_key_on;

static void hv_preempt_key_enable(void)
{
	mutex_lock(&hv_preempt_key_lock);
	if (!hv_preempt_key_on) {
		preempt_notifier_inc();
		hv_preempt_key_on = true;
	}
	mutex_unlock(&hv_preempt_key_lock);
}

/* At module exit: no vCPU exists any more. */
void hv_vcpu_exit(void)
{
	if (hv_preempt_key_on)
		preempt_notifier_dec();
}

static void hv_vcpu_load(struct hv_vcpu *vcpu)
{
	int cpu = get_cpu();

	preempt_notifier_register(&vcpu->preempt_notifier);
	WRITE_ONCE(vcpu->cpu, cpu);
	vcpu->vm->ops->vcpu_load(vcpu, cpu);
	put_cpu();
}

/* The kick's IPI: taking the interrupt made the guest exit; done. */
static void hv_vcpu_kick_ipi(void *info)
{
}

/**
 * hv_vcpu_kick - make a vCPU notice new work
 * @vcpu: the vCPU.
 *
 * Wakes its thread if it sleeps in hv_vcpu_block(); if it runs the guest
 * on another CPU, an IPI makes it exit (the IPI's handler does nothing;
 * the exit is the point).  The vCPU checks its requests after
 * publishing HV_IN_GUEST_MODE, so a request set before the kick is seen.
 * Any context, including hard interrupts (timers).
 */
void hv_vcpu_kick(struct hv_vcpu *vcpu)
{
	int me, cpu;

	rcuwait_wake_up(&vcpu->wait);
	/* Order the caller's request or state before reading the mode. */
	smp_mb();
	me = get_cpu();
	cpu = READ_ONCE(vcpu->cpu);
	/*
	 * The async form may be called from any context; -EBUSY means a
	 * kick of this vCPU is still in flight, which does the job.
	 * (smp_send_reschedule() is not exported on every architecture.)
	 */
	if (cpu != me && cpu >= 0 && cpu < nr_cpu_ids && cpu_online(cpu) &&
	    READ_ONCE(vcpu->mode) == HV_IN_GUEST_MODE)
		smp_call_function_single_async(cpu, &vcpu->kick_csd);
	put_cpu();
}
EXPORT_SYMBOL_GPL(hv_vcpu_kick);

void hv_vcpu_make_request(struct hv_vcpu *vcpu, int req)
{
	set_bit(req, &vcpu->requests);
	hv_vcpu_kick(vcpu);
}
EXPORT_SYMBOL_GPL(hv_vcpu_make_request);

/*
 * Halt polling: a vCPU that halts is often woken again within
 * microseconds (an IPI answered, a short timer).  Sleeping costs a
 * context switch each way; spinning a little first catches those
 * wake-ups without one.  The window is per vCPU and adapts: it opens
 * (HV_HALT_POLL_START_NS, then doubling, up to halt_poll_ns) after a
 * block that ended within halt_poll_ns, and closes after a longer one, so
 * an idle guest does not burn a host CPU.  Like KVM's halt_poll_ns, it
 * spins only while the vCPU thread is alone on its CPU.
 */
static unsigned int halt_poll_ns = 200000;
module_param(halt_poll_ns, uint, 0644);
MODULE_PARM_DESC(halt_poll_ns,
		 "longest a halted vCPU spins for a wake-up before sleeping, in ns (0: never)");

#define HV_HALT_POLL_START_NS	10000

static bool hv_vcpu_should_wake(struct hv_vcpu *vcpu)
{
	return hv_arch_vcpu_runnable(vcpu) || signal_pending(current) ||
	       READ_ONCE(vcpu->vm->dead);
}

/* Spin for up to the vCPU's window; true if it became runnable. */
static bool hv_vcpu_halt_poll(struct hv_vcpu *vcpu, u64 start, u64 max)
{
	u64 stop = start + min_t(u64, vcpu->halt_poll_ns, max);

	do {
		if (hv_vcpu_should_wake(vcpu))
			return true;
		cpu_relax();
	} while (single_task_running() && !need_resched() &&
		 ktime_get_ns() < stop);
	return false;
}

/*
 * Sleep, not spin (beyond the halt-polling window above), until the vCPU
 * can run (an interrupt arrived for a halted vCPU, SIPI for one waiting),
 * a signal, or the VM dies.  Whoever makes it runnable calls
 * hv_vcpu_kick().  The thread is an ordinary sleeping task: its CPU time
 * does not grow meanwhile.
 */
void hv_vcpu_block(struct hv_vcpu *vcpu)
{
	u64 max = READ_ONCE(halt_poll_ns), start = ktime_get_ns(), waited;

	if (vcpu->halt_poll_ns && hv_vcpu_halt_poll(vcpu, start, max)) {
		vcpu->stats.halt_polls++;
		return;
	}
	prepare_to_rcuwait(&vcpu->wait);
	for (;;) {
		/* Orders the state change before the checks (a full barrier). */
		set_current_state(TASK_INTERRUPTIBLE);
		if (hv_vcpu_should_wake(vcpu))
			break;
		vcpu->stats.halt_sleeps++;
		schedule();
	}
	finish_rcuwait(&vcpu->wait);

	waited = ktime_get_ns() - start;
	if (waited > max)
		vcpu->halt_poll_ns = 0;
	else if (!vcpu->halt_poll_ns)
		vcpu->halt_poll_ns = HV_HALT_POLL_START_NS;
	else
		vcpu->halt_poll_ns = min_t(u64, (u64)vcpu->halt_poll_ns * 2, max);
}
EXPORT_SYMBOL_GPL(hv_vcpu_block);

static void hv_vcpu_put(struct hv_vcpu *vcpu)
{
	preempt_disable();
	vcpu->vm->ops->vcpu_put(vcpu);
	preempt_notifier_unregister(&vcpu->preempt_notifier);
	preempt_enable();
}

/*
 * HV_SET_SIGNAL_MASK: the signals blocked while RUN is in the guest (the
 * rest of the time the thread's own mask applies), as KVM's
 * kvm_vcpu_ioctl_set_sigmask().  NULL clears it; the length must be the
 * kernel's sigset_t.
 */
static int hv_vcpu_set_signal_mask(struct hv_vcpu *vcpu,
				   struct hv_signal_mask __user *argp)
{
	struct hv_signal_mask hdr;
	sigset_t set;

	if (!argp) {
		vcpu->sigset_active = false;
		return 0;
	}
	if (copy_from_user(&hdr, argp, sizeof(hdr)))
		return -EFAULT;
	if (hdr.len != sizeof(set))
		return -EINVAL;
	if (copy_from_user(&set, argp->sigset, sizeof(set)))
		return -EFAULT;
	sigdelsetmask(&set, sigmask(SIGKILL) | sigmask(SIGSTOP));
	vcpu->sigset = set;
	vcpu->sigset_active = true;
	return 0;
}

static void hv_vcpu_sigset_activate(struct hv_vcpu *vcpu)
{
	if (vcpu->sigset_active)
		sigprocmask(SIG_SETMASK, &vcpu->sigset, &current->real_blocked);
}

static void hv_vcpu_sigset_deactivate(struct hv_vcpu *vcpu)
{
	if (!vcpu->sigset_active)
		return;
	sigprocmask(SIG_SETMASK, &current->real_blocked, NULL);
	sigemptyset(&current->real_blocked);
}

/*
 * HV_RUN.  Finish the access userspace just completed, then enter the
 * guest until an exit needs userspace, a signal arrives, or an error.
 */
static int hv_vcpu_run(struct hv_vcpu *vcpu)
{
	struct hv_run *run = vcpu->run;
	int r;

	run->flags = 0;
	hv_vcpu_sigset_activate(vcpu);
	hv_vcpu_load(vcpu);
	hv_arch_load_guest_fpu(vcpu);
	hv_vcpu_srcu_read_lock(vcpu);

	r = hv_arch_vcpu_pre_run(vcpu);
	if (r)
		goto out;
	/* KVM order: complete the pending I/O, then honour immediate_exit. */
	r = hv_arch_vcpu_complete_pending(vcpu);
	if (r <= 0)
		goto out;
	if (READ_ONCE(run->immediate_exit)) {
		r = -EINTR;
		goto out;
	}

	for (;;) {
		if (signal_pending(current)) {
			run->exit_reason = HV_EXIT_INTR;
			vcpu->stats.signal_exits++;
			r = -EINTR;
			break;
		}
		if (need_resched()) {
			/* Drop SRCU: a slot change may be waiting for us. */
			hv_vcpu_srcu_read_unlock(vcpu);
			cond_resched();
			hv_vcpu_srcu_read_lock(vcpu);
		}
		if (READ_ONCE(vcpu->vm->dead)) {
			r = -EIO;
			break;
		}
		if (!hv_arch_vcpu_runnable(vcpu)) {
			/* Halted, or waiting for SIPI: sleep without SRCU. */
			hv_vcpu_srcu_read_unlock(vcpu);
			hv_vcpu_block(vcpu);
			hv_vcpu_srcu_read_lock(vcpu);
			continue;
		}
		vcpu->stats.entries++;
		r = vcpu->vm->ops->vcpu_run(vcpu);
		if (r <= 0)
			break;
	}
	if (!r && run->exit_reason < HV_STATS_EXIT_REASONS)
		vcpu->stats.exit_reason[run->exit_reason]++;
out:
	hv_arch_vcpu_post_run(vcpu);
	hv_vcpu_srcu_read_unlock(vcpu);
	hv_arch_put_guest_fpu(vcpu);
	hv_vcpu_put(vcpu);
	hv_vcpu_sigset_deactivate(vcpu);
	return r;
}

static long hv_vcpu_ioctl(struct file *filp, unsigned int cmd,
			  unsigned long arg)
{
	struct hv_vcpu *vcpu = filp->private_data;
	long r;

	if (vcpu->vm->mm != current->mm || READ_ONCE(vcpu->vm->dead))
		return -EIO;
	/* What KVM's kvm_vcpu_ioctl() returns for another driver's ioctl. */
	if (unlikely(_IOC_TYPE(cmd) != HVIO))
		return -EINVAL;

	if (mutex_lock_killable(&vcpu->mutex))
		return -EINTR;
	switch (cmd) {
	case HV_RUN:
		r = -EINVAL;
		if (arg)
			break;
		r = hv_vcpu_run(vcpu);
		break;
	case HV_SET_SIGNAL_MASK:
		r = hv_vcpu_set_signal_mask(vcpu, (void __user *)arg);
		break;
	default:
		r = hv_arch_vcpu_ioctl(vcpu, cmd, arg);
		break;
	}
	mutex_unlock(&vcpu->mutex);
	return r;
}

static vm_fault_t hv_vcpu_fault(struct vm_fault *vmf)
{
	struct hv_vcpu *vcpu = vmf->vma->vm_file->private_data;
	struct page *page;

	switch (vmf->pgoff) {
	case HV_VCPU_PAGE_RUN:
		page = virt_to_page(vcpu->run);
		break;
	case HV_VCPU_PAGE_PIO:
		page = virt_to_page(vcpu->pio_data);
		break;
	case HV_VCPU_PAGE_COALESCED_MMIO:
		page = virt_to_page(vcpu->vm->coalesced_mmio_ring);
		break;
	default:
		return VM_FAULT_SIGBUS;
	}
	get_page(page);
	vmf->page = page;
	return 0;
}

static const struct vm_operations_struct hv_vcpu_vm_ops = {
	.fault = hv_vcpu_fault,
};

static int hv_vcpu_mmap(struct file *filp, struct vm_area_struct *vma)
{
	vma->vm_ops = &hv_vcpu_vm_ops;
	return 0;
}

static int hv_vcpu_release(struct inode *inode, struct file *filp)
{
	struct hv_vcpu *vcpu = filp->private_data;

	hv_vm_put(vcpu->vm);
	return 0;
}

static const struct file_operations hv_vcpu_fops = {
	.owner		= THIS_MODULE,
	.release	= hv_vcpu_release,
	.unlocked_ioctl	= hv_vcpu_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.mmap		= hv_vcpu_mmap,
	.llseek		= noop_llseek,
};

/*
 * The pages userspace maps are separate order-0 allocations: the mmap
 * fault handler takes a reference on each, and a tail page of a
 * higher-order allocation has no reference count of its own.
 */
static int hv_vcpu_alloc_pages(struct hv_vcpu *vcpu)
{
	vcpu->run = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	vcpu->pio_data = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (vcpu->run && vcpu->pio_data)
		return 0;
	return -ENOMEM;
}

static void hv_vcpu_free_pages(struct hv_vcpu *vcpu)
{
	free_page((unsigned long)vcpu->pio_data);
	free_page((unsigned long)vcpu->run);
}

static void hv_vcpu_free(struct hv_vcpu *vcpu)
{
	vcpu->vm->ops->vcpu_free(vcpu);
	hv_arch_vcpu_destroy(vcpu);
	hv_vcpu_free_pages(vcpu);
	kvfree(vcpu);
}

/* At VM destruction: every vCPU file is closed. */
void hv_vcpus_free(struct hv_vm *vm)
{
	struct hv_vcpu *vcpu;
	unsigned long i;

	xa_for_each(&vm->vcpus, i, vcpu) {
		xa_erase(&vm->vcpus, i);
		hv_vcpu_free(vcpu);
	}
}

static bool hv_vcpu_id_taken(struct hv_vm *vm, u32 id)
{
	struct hv_vcpu *vcpu;
	unsigned long i;

	xa_for_each(&vm->vcpus, i, vcpu)
		if (vcpu->vcpu_id == id)
			return true;
	return false;
}

/**
 * hv_vcpu_create - HV_CREATE_VCPU
 * @vm: the VM.
 * @id: the vCPU id (the initial APIC id on x86).
 *
 * Return: the vCPU file descriptor (O_CLOEXEC), -EINVAL for an id out of
 * range or too many vCPUs, -EEXIST for an id in use, as on KVM.
 */
int hv_vcpu_create(struct hv_vm *vm, unsigned long id)
{
	struct hv_vcpu *vcpu;
	char name[24];
	u32 index;
	int r;

	if (!hv_backend_runs_vcpus(vm->ops))
		return -EOPNOTSUPP;
	/*
	 * The first vCPU fixes the bound, as KVM's kvm_arch_vcpu_precreate().
	 * The vCPU counts as created from here, before its arch state is
	 * built, so that a VM-wide setting that must precede every vCPU
	 * (HV_CREATE_IRQCHIP gives vCPUs a local APIC) sees it under
	 * vm->lock and refuses, as KVM's created_vcpus.
	 */
	mutex_lock(&vm->lock);
	if (!vm->max_vcpu_ids)
		WRITE_ONCE(vm->max_vcpu_ids, HV_MAX_VCPU_IDS);
	if (id >= vm->max_vcpu_ids || vm->created_vcpus >= HV_MAX_VCPUS) {
		mutex_unlock(&vm->lock);
		return -EINVAL;
	}
	vm->created_vcpus++;
	mutex_unlock(&vm->lock);
	hv_preempt_key_enable();

	r = -ENOMEM;
	vcpu = kvzalloc(vm->ops->vcpu_size, GFP_KERNEL_ACCOUNT);
	if (!vcpu)
		goto err_uncount;
	r = hv_vcpu_alloc_pages(vcpu);
	if (r)
		goto err_free_pages;
	vcpu->vm = vm;
	vcpu->vcpu_id = id;
	vcpu->cpu = -1;
	mutex_init(&vcpu->mutex);
	rcuwait_init(&vcpu->wait);
	INIT_CSD(&vcpu->kick_csd, hv_vcpu_kick_ipi, vcpu);
	preempt_notifier_init(&vcpu->preempt_notifier, &hv_preempt_ops);

	r = hv_arch_vcpu_init(vcpu);
	if (r)
		goto err_free_pages;
	r = vm->ops->vcpu_create(vcpu);
	if (r)
		goto err_arch_destroy;

	mutex_lock(&vm->lock);
	if (atomic_read(&vm->nr_vcpus) >= HV_MAX_VCPUS) {
		r = -EINVAL;
		goto err_unlock;
	}
	if (hv_vcpu_id_taken(vm, id)) {
		r = -EEXIST;
		goto err_unlock;
	}
	r = xa_alloc(&vm->vcpus, &index, vcpu, xa_limit_32b, GFP_KERNEL_ACCOUNT);
	if (r)
		goto err_unlock;

	/* The file's reference on the VM; taken before the fd is visible. */
	hv_vm_get(vm);
	snprintf(name, sizeof(name), "hv-vcpu:%lu", id);
	r = anon_inode_getfd(name, &hv_vcpu_fops, vcpu, O_RDWR | O_CLOEXEC);
	if (r < 0) {
		refcount_dec(&vm->refs);	/* the VM file still holds one */
		xa_erase(&vm->vcpus, index);
		goto err_unlock;
	}
	atomic_inc(&vm->nr_vcpus);
	hv_stats_vcpu_init(vcpu);
	mutex_unlock(&vm->lock);
	return r;

err_unlock:
	mutex_unlock(&vm->lock);
	vm->ops->vcpu_free(vcpu);
err_arch_destroy:
	hv_arch_vcpu_destroy(vcpu);
err_free_pages:
	hv_vcpu_free_pages(vcpu);
	kvfree(vcpu);
err_uncount:
	mutex_lock(&vm->lock);
	vm->created_vcpus--;
	mutex_unlock(&vm->lock);
	return r;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * irqfd and ioeventfd: interrupts and doorbells without a trip through
 * the VMM.
 *
 * HV_IRQFD ties an eventfd to a GSI: a signal on the eventfd raises the
 * GSI (an edge: raised and lowered).  With HV_IRQFD_FLAG_RESAMPLE the GSI
 * is level-triggered instead: it stays raised (source
 * HV_IRQFD_RESAMPLE_IRQ_SOURCE_ID) until the guest EOIs it, then it is
 * lowered and the resamplefd is signalled so the VMM can check whether
 * its device still asserts the line and signal again.  All irqfds of
 * one GSI share one ack notifier (a "resampler").
 *
 * HV_IOEVENTFD ties an eventfd to a guest write of a port or a guest
 * physical address (optionally of one value): the write is completed in
 * the kernel and signals the eventfd, the vCPU does not exit.
 *
 * The irqfd protocol is KVM's: an irqfd is a custom wait queue entry on
 * the eventfd; the wakeup (with the eventfd's wait queue lock held,
 * interrupts off) consumes the count and queues the injection work.  An
 * irqfd is deactivated (removed from hv_vm.irqfds.items) by DEASSIGN, by
 * the eventfd's close (EPOLLHUP) or by the VM's release, and freed by its
 * shutdown work on hv_irqfd_cleanup_wq, which unhooks it from the wait
 * queue and waits for its injection first.  Irqfds hold no reference on
 * the VM: the VM's release deactivates them all and flushes that queue.
 */
#define pr_fmt(fmt) "hv: " fmt

#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/poll.h>
#include <linux/seqlock.h>
#include <linux/slab.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <asm/unaligned.h>
#include <linux/hv_host.h>

#include "hv_internal.h"

static struct workqueue_struct *hv_irqfd_cleanup_wq;

/* The irqfds of one GSI with HV_IRQFD_FLAG_RESAMPLE. */
struct hv_irqfd_resampler {
	struct hv_vm *vm;
	struct list_head irqfds;	/* RCU (irq_srcu), resampler_lock */
	struct hv_irq_ack_notifier notifier;
	struct list_head link;		/* in hv_vm.irqfds.resampler_list */
};

struct hv_kernel_irqfd {
	struct hv_vm *vm;
	u32 gsi;
	struct eventfd_ctx *eventfd;
	/* in hv_vm.irqfds.items while active; empty once deactivated */
	struct list_head list;
	wait_queue_entry_t wait;
	poll_table pt;
	struct work_struct inject;
	struct work_struct shutdown;
	/* The GSI's route if it has exactly one, else type 0. */
	struct hv_kernel_irq_routing_entry route;
	seqcount_spinlock_t route_sc;
	/* HV_IRQFD_FLAG_RESAMPLE */
	struct hv_irqfd_resampler *resampler;
	struct eventfd_ctx *resamplefd;
	struct list_head resampler_link;
};

/*
 * Raise the GSI.  A single MSI route is used directly (an MSI has no
 * level to lower); otherwise the GSI is pulsed through every route, or,
 * for a resampling irqfd, held up until the guest's EOI.  This runs in
 * process context: the routes' .set may take the controllers' locks,
 * which are not safe in the eventfd wakeup (interrupts off, possibly
 * from a hard interrupt that signals the eventfd).
 */
static void hv_irqfd_inject(struct work_struct *work)
{
	struct hv_kernel_irqfd *irqfd =
		container_of(work, struct hv_kernel_irqfd, inject);
	struct hv_kernel_irq_routing_entry route;
	struct hv_vm *vm = irqfd->vm;
	unsigned int seq;

	if (irqfd->resampler) {
		hv_set_irq(vm, HV_IRQFD_RESAMPLE_IRQ_SOURCE_ID, irqfd->gsi, 1,
			   false);
		return;
	}
	do {
		seq = read_seqcount_begin(&irqfd->route_sc);
		route = irqfd->route;
	} while (read_seqcount_retry(&irqfd->route_sc, seq));
	if (route.type == HV_IRQ_ROUTING_MSI) {
		route.set(&route, vm, HV_USERSPACE_IRQ_SOURCE_ID, 1, false);
		return;
	}
	hv_set_irq(vm, HV_USERSPACE_IRQ_SOURCE_ID, irqfd->gsi, 1, false);
	hv_set_irq(vm, HV_USERSPACE_IRQ_SOURCE_ID, irqfd->gsi, 0, false);
}

/*
 * The guest EOI'd the GSI: lower it once for all its resampling irqfds
 * (they share the source id, so lowering per irqfd could undo a new
 * assertion), then tell each VMM.  irq_srcu held by the caller.
 */
static void hv_irqfd_resampler_ack(struct hv_irq_ack_notifier *kian)
{
	struct hv_irqfd_resampler *resampler =
		container_of(kian, struct hv_irqfd_resampler, notifier);
	struct hv_vm *vm = resampler->vm;
	struct hv_kernel_irqfd *irqfd;
	int idx;

	hv_set_irq(vm, HV_IRQFD_RESAMPLE_IRQ_SOURCE_ID, kian->gsi, 0, false);
	idx = srcu_read_lock(&vm->irq_srcu);
	list_for_each_entry_srcu(irqfd, &resampler->irqfds, resampler_link,
				 srcu_read_lock_held(&vm->irq_srcu))
		eventfd_signal(irqfd->resamplefd, 1);
	srcu_read_unlock(&vm->irq_srcu, idx);
}

/* Take @irqfd off its resampler; the last one frees the resampler. */
static void hv_irqfd_resampler_detach(struct hv_kernel_irqfd *irqfd)
{
	struct hv_irqfd_resampler *resampler = irqfd->resampler;
	struct hv_vm *vm = resampler->vm;

	mutex_lock(&vm->irqfds.resampler_lock);
	list_del_rcu(&irqfd->resampler_link);
	synchronize_srcu(&vm->irq_srcu);
	if (list_empty(&resampler->irqfds)) {
		list_del(&resampler->link);
		hv_unregister_irq_ack_notifier(vm, &resampler->notifier);
		/* Nobody asserts the line any more. */
		hv_set_irq(vm, HV_IRQFD_RESAMPLE_IRQ_SOURCE_ID,
			   resampler->notifier.gsi, 0, false);
		kfree(resampler);
	}
	mutex_unlock(&vm->irqfds.resampler_lock);
}

/* Join the resampler of the irqfd's GSI, creating it if needed. */
static int hv_irqfd_resampler_attach(struct hv_kernel_irqfd *irqfd)
{
	struct hv_vm *vm = irqfd->vm;
	struct hv_irqfd_resampler *resampler;
	int r = 0;

	mutex_lock(&vm->irqfds.resampler_lock);
	list_for_each_entry(resampler, &vm->irqfds.resampler_list, link) {
		if (resampler->notifier.gsi == irqfd->gsi) {
			irqfd->resampler = resampler;
			break;
		}
	}
	if (!irqfd->resampler) {
		resampler = kzalloc(sizeof(*resampler), GFP_KERNEL_ACCOUNT);
		if (!resampler) {
			r = -ENOMEM;
			goto out;
		}
		resampler->vm = vm;
		INIT_LIST_HEAD(&resampler->irqfds);
		resampler->notifier.gsi = irqfd->gsi;
		resampler->notifier.irq_acked = hv_irqfd_resampler_ack;
		list_add(&resampler->link, &vm->irqfds.resampler_list);
		hv_register_irq_ack_notifier(vm, &resampler->notifier);
		irqfd->resampler = resampler;
	}
	list_add_rcu(&irqfd->resampler_link, &irqfd->resampler->irqfds);
	synchronize_srcu(&vm->irq_srcu);
out:
	mutex_unlock(&vm->irqfds.resampler_lock);
	return r;
}

/*
 * Free a deactivated irqfd.  The order matters: unhook from the eventfd
 * so no new injection is queued, wait for a queued one, then detach the
 * resampler (which lowers the line) and free.
 */
static void hv_irqfd_shutdown(struct work_struct *work)
{
	struct hv_kernel_irqfd *irqfd =
		container_of(work, struct hv_kernel_irqfd, shutdown);
	struct hv_vm *vm = irqfd->vm;
	u64 cnt;

	/* The assign path may still be in its irq_srcu section. */
	synchronize_srcu(&vm->irq_srcu);
	eventfd_ctx_remove_wait_queue(irqfd->eventfd, &irqfd->wait, &cnt);
	flush_work(&irqfd->inject);
	if (irqfd->resampler) {
		hv_irqfd_resampler_detach(irqfd);
		eventfd_ctx_put(irqfd->resamplefd);
	}
	eventfd_ctx_put(irqfd->eventfd);
	kfree(irqfd);
}

static bool hv_irqfd_is_active(struct hv_kernel_irqfd *irqfd)
{
	return !list_empty(&irqfd->list);
}

/* Off the VM's list; the shutdown work frees it.  irqfds.lock held. */
static void hv_irqfd_deactivate(struct hv_kernel_irqfd *irqfd)
{
	lockdep_assert_held(&irqfd->vm->irqfds.lock);
	list_del_init(&irqfd->list);
	queue_work(hv_irqfd_cleanup_wq, &irqfd->shutdown);
}

/* The eventfd's wait queue lock is held, interrupts are off. */
static int hv_irqfd_wakeup(wait_queue_entry_t *wait, unsigned int mode,
			   int sync, void *key)
{
	struct hv_kernel_irqfd *irqfd =
		container_of(wait, struct hv_kernel_irqfd, wait);
	__poll_t flags = key_to_poll(key);
	struct hv_vm *vm = irqfd->vm;
	int ret = 0;

	if (flags & EPOLLIN) {
		u64 cnt;

		/* Consume the count: each signal is one edge. */
		eventfd_ctx_do_read(irqfd->eventfd, &cnt);
		schedule_work(&irqfd->inject);
		ret = 1;
	}
	if (flags & EPOLLHUP) {
		unsigned long iflags;

		/*
		 * The eventfd is being closed.  If DEASSIGN or the VM's
		 * release deactivated the irqfd first, its shutdown work
		 * owns it (and waits for this wait queue lock to unhook).
		 */
		spin_lock_irqsave(&vm->irqfds.lock, iflags);
		if (hv_irqfd_is_active(irqfd))
			hv_irqfd_deactivate(irqfd);
		spin_unlock_irqrestore(&vm->irqfds.lock, iflags);
	}
	return ret;
}

static void hv_irqfd_ptable_queue_proc(struct file *file,
				       wait_queue_head_t *wqh, poll_table *pt)
{
	struct hv_kernel_irqfd *irqfd =
		container_of(pt, struct hv_kernel_irqfd, pt);

	add_wait_queue_priority(wqh, &irqfd->wait);
}

/* Cache the GSI's route.  irqfds.lock and irq_srcu or irq_lock held. */
static void hv_irqfd_update(struct hv_vm *vm, struct hv_kernel_irqfd *irqfd)
{
	struct hv_kernel_irq_routing_entry routes[HV_NR_IRQCHIPS];
	int n = hv_irq_map_gsi(vm, routes, irqfd->gsi);

	write_seqcount_begin(&irqfd->route_sc);
	if (n == 1)
		irqfd->route = routes[0];
	else
		irqfd->route.type = 0;
	write_seqcount_end(&irqfd->route_sc);
}

/* The routing table changed; irq_lock held. */
void hv_irqfd_routing_update(struct hv_vm *vm)
{
	struct hv_kernel_irqfd *irqfd;

	lockdep_assert_held(&vm->irq_lock);
	spin_lock_irq(&vm->irqfds.lock);
	list_for_each_entry(irqfd, &vm->irqfds.items, list)
		hv_irqfd_update(vm, irqfd);
	spin_unlock_irq(&vm->irqfds.lock);
}

static int hv_irqfd_assign(struct hv_vm *vm, const struct hv_irqfd *args)
{
	struct hv_kernel_irqfd *irqfd, *tmp;
	struct eventfd_ctx *eventfd;
	__poll_t events;
	struct fd f;
	int r, idx;

	/* x86 KVM: irqfds need the in-kernel irqchip. */
	if (!hv_arch_irqchip_in_kernel(vm))
		return -EINVAL;

	irqfd = kzalloc(sizeof(*irqfd), GFP_KERNEL_ACCOUNT);
	if (!irqfd)
		return -ENOMEM;
	irqfd->vm = vm;
	irqfd->gsi = args->gsi;
	INIT_LIST_HEAD(&irqfd->list);
	INIT_LIST_HEAD(&irqfd->resampler_link);
	INIT_WORK(&irqfd->inject, hv_irqfd_inject);
	INIT_WORK(&irqfd->shutdown, hv_irqfd_shutdown);
	seqcount_spinlock_init(&irqfd->route_sc, &vm->irqfds.lock);

	f = fdget(args->fd);
	if (!f.file) {
		r = -EBADF;
		goto err_free;
	}
	eventfd = eventfd_ctx_fileget(f.file);
	if (IS_ERR(eventfd)) {
		r = PTR_ERR(eventfd);
		goto err_fdput;
	}
	irqfd->eventfd = eventfd;

	if (args->flags & HV_IRQFD_FLAG_RESAMPLE) {
		struct eventfd_ctx *resamplefd;

		resamplefd = eventfd_ctx_fdget(args->resamplefd);
		if (IS_ERR(resamplefd)) {
			r = PTR_ERR(resamplefd);
			goto err_put_eventfd;
		}
		irqfd->resamplefd = resamplefd;
		r = hv_irqfd_resampler_attach(irqfd);
		if (r)
			goto err_put_resamplefd;
	}

	init_waitqueue_func_entry(&irqfd->wait, hv_irqfd_wakeup);
	init_poll_funcptr(&irqfd->pt, hv_irqfd_ptable_queue_proc);

	spin_lock_irq(&vm->irqfds.lock);
	list_for_each_entry(tmp, &vm->irqfds.items, list) {
		if (tmp->eventfd == eventfd) {
			/* One eventfd raises one GSI of a VM (KVM: -EBUSY). */
			spin_unlock_irq(&vm->irqfds.lock);
			r = -EBUSY;
			goto err_detach;
		}
	}
	idx = srcu_read_lock(&vm->irq_srcu);
	hv_irqfd_update(vm, irqfd);
	list_add_tail(&irqfd->list, &vm->irqfds.items);
	spin_unlock_irq(&vm->irqfds.lock);

	/* A signal that came before we were on the wait queue counts too. */
	events = vfs_poll(f.file, &irqfd->pt);
	if (events & EPOLLIN)
		schedule_work(&irqfd->inject);
	srcu_read_unlock(&vm->irq_srcu, idx);

	/* Only now: a close (EPOLLHUP) would find it half set up. */
	fdput(f);
	return 0;

err_detach:
	if (irqfd->resampler)
		hv_irqfd_resampler_detach(irqfd);
err_put_resamplefd:
	if (irqfd->resamplefd)
		eventfd_ctx_put(irqfd->resamplefd);
err_put_eventfd:
	eventfd_ctx_put(eventfd);
err_fdput:
	fdput(f);
err_free:
	kfree(irqfd);
	return r;
}

/*
 * Deassign every irqfd of (fd, gsi); finding none is not an error
 * (KVM).  On return no injection from them is pending.
 */
static int hv_irqfd_deassign(struct hv_vm *vm, const struct hv_irqfd *args)
{
	struct hv_kernel_irqfd *irqfd, *tmp;
	struct eventfd_ctx *eventfd;

	eventfd = eventfd_ctx_fdget(args->fd);
	if (IS_ERR(eventfd))
		return PTR_ERR(eventfd);
	spin_lock_irq(&vm->irqfds.lock);
	list_for_each_entry_safe(irqfd, tmp, &vm->irqfds.items, list)
		if (irqfd->eventfd == eventfd && irqfd->gsi == args->gsi)
			hv_irqfd_deactivate(irqfd);
	spin_unlock_irq(&vm->irqfds.lock);
	eventfd_ctx_put(eventfd);
	flush_workqueue(hv_irqfd_cleanup_wq);
	return 0;
}

/* HV_IRQFD */
int hv_vm_ioctl_irqfd(struct hv_vm *vm, const struct hv_irqfd *args)
{
	if (args->flags & ~(HV_IRQFD_FLAG_DEASSIGN | HV_IRQFD_FLAG_RESAMPLE))
		return -EINVAL;
	if (args->flags & HV_IRQFD_FLAG_DEASSIGN)
		return hv_irqfd_deassign(vm, args);
	return hv_irqfd_assign(vm, args);
}

/*
 * The VM file is being released: no ioctl can add irqfds any more.
 * Deactivate them all and wait until they are freed, since they hold no
 * reference on the VM.
 */
void hv_irqfd_release(struct hv_vm *vm)
{
	struct hv_kernel_irqfd *irqfd, *tmp;

	spin_lock_irq(&vm->irqfds.lock);
	list_for_each_entry_safe(irqfd, tmp, &vm->irqfds.items, list)
		hv_irqfd_deactivate(irqfd);
	spin_unlock_irq(&vm->irqfds.lock);
	flush_workqueue(hv_irqfd_cleanup_wq);
}

/* ------------------------------------------------------------------ */
/* ioeventfd                                                           */

/*
 * Where an ioeventfd lives.  HV_IOEVENTFD_FLAG_VIRTIO_CCW_NOTIFY names
 * s390's hypercall "bus": x86 KVM 6.1 accepts such ioeventfds (its bus
 * exists on every architecture) but nothing ever writes to them, so hv
 * keeps them on the list only, for duplicate checks and DEASSIGN.
 */
enum hv_ioeventfd_bus {
	HV_IOEVENTFD_MMIO = HV_MMIO_BUS,
	HV_IOEVENTFD_PIO = HV_PIO_BUS,
	HV_IOEVENTFD_CCW,
};

struct hv_kernel_ioeventfd {
	struct list_head list;		/* in hv_vm.ioeventfds */
	u64 addr;
	int len;			/* 0: any access starting at addr */
	int bus;			/* enum hv_ioeventfd_bus */
	bool wildcard;			/* no DATAMATCH */
	bool on_bus;
	u64 datamatch;
	struct eventfd_ctx *eventfd;
	struct hv_io_device dev;
};

static bool hv_ioeventfd_matches(const struct hv_kernel_ioeventfd *p,
				 u64 addr, int len, const void *val)
{
	u64 v;

	if (addr != p->addr)
		return false;
	if (!p->len)
		return true;
	if (len != p->len)
		return false;
	if (p->wildcard)
		return true;
	switch (len) {
	case 1:
		v = *(const u8 *)val;
		break;
	case 2:
		v = get_unaligned((const u16 *)val);
		break;
	case 4:
		v = get_unaligned((const u32 *)val);
		break;
	case 8:
		v = get_unaligned((const u64 *)val);
		break;
	default:
		return false;
	}
	return v == p->datamatch;
}

/* The vCPU thread, hv_vm.srcu held: the write is done, no exit. */
static int hv_ioeventfd_write(struct hv_vcpu *vcpu, struct hv_io_device *dev,
			      u64 addr, int len, const void *val)
{
	struct hv_kernel_ioeventfd *p =
		container_of(dev, struct hv_kernel_ioeventfd, dev);

	if (!hv_ioeventfd_matches(p, addr, len, val))
		return -EOPNOTSUPP;
	eventfd_signal(p->eventfd, 1);
	return 0;
}

static const struct hv_io_device_ops hv_ioeventfd_ops = {
	.write = hv_ioeventfd_write,
};

static int hv_ioeventfd_bus(u32 flags)
{
	if (flags & HV_IOEVENTFD_FLAG_PIO)
		return HV_IOEVENTFD_PIO;
	if (flags & HV_IOEVENTFD_FLAG_VIRTIO_CCW_NOTIFY)
		return HV_IOEVENTFD_CCW;
	return HV_IOEVENTFD_MMIO;
}

/* KVM's collision rule: same bus and address, lengths/data overlap. */
static bool hv_ioeventfd_collides(struct hv_vm *vm,
				  const struct hv_kernel_ioeventfd *p)
{
	struct hv_kernel_ioeventfd *q;

	lockdep_assert_held(&vm->slots_lock);
	list_for_each_entry(q, &vm->ioeventfds, list)
		if (q->bus == p->bus && q->addr == p->addr &&
		    (!q->len || !p->len ||
		     (q->len == p->len &&
		      (q->wildcard || p->wildcard ||
		       q->datamatch == p->datamatch))))
			return true;
	return false;
}

static int hv_ioeventfd_assign(struct hv_vm *vm,
			       const struct hv_ioeventfd *args)
{
	struct hv_kernel_ioeventfd *p;
	struct eventfd_ctx *eventfd;
	u64 bus_len;
	int r;

	switch (args->len) {
	case 0:
	case 1:
	case 2:
	case 4:
	case 8:
		break;
	default:
		return -EINVAL;
	}
	if (args->addr + args->len < args->addr)
		return -EINVAL;
	if (args->flags & ~HV_IOEVENTFD_VALID_FLAG_MASK)
		return -EINVAL;
	/* Without a length there is no value to match. */
	if (!args->len && (args->flags & HV_IOEVENTFD_FLAG_DATAMATCH))
		return -EINVAL;

	eventfd = eventfd_ctx_fdget(args->fd);
	if (IS_ERR(eventfd))
		return PTR_ERR(eventfd);
	p = kzalloc(sizeof(*p), GFP_KERNEL_ACCOUNT);
	if (!p) {
		r = -ENOMEM;
		goto err_put;
	}
	p->addr = args->addr;
	p->len = args->len;
	p->bus = hv_ioeventfd_bus(args->flags);
	p->eventfd = eventfd;
	p->dev.ops = &hv_ioeventfd_ops;
	if (args->flags & HV_IOEVENTFD_FLAG_DATAMATCH)
		p->datamatch = args->datamatch;
	else
		p->wildcard = true;

	/*
	 * The bus offers a device the accesses wholly inside its range.
	 * "Any length" claims the widest access (8 bytes) and checks the
	 * start address itself, short of the end of the address space.
	 */
	bus_len = p->len ? p->len : min_t(u64, 8, U64_MAX - p->addr);

	mutex_lock(&vm->slots_lock);
	if (hv_ioeventfd_collides(vm, p)) {
		r = -EEXIST;
		goto err_unlock;
	}
	if (p->bus != HV_IOEVENTFD_CCW && bus_len) {
		r = hv_io_bus_register(vm, p->bus, p->addr, bus_len, &p->dev);
		if (r)
			goto err_unlock;
		p->on_bus = true;
	}
	list_add_tail(&p->list, &vm->ioeventfds);
	mutex_unlock(&vm->slots_lock);
	return 0;

err_unlock:
	mutex_unlock(&vm->slots_lock);
	kfree(p);
err_put:
	eventfd_ctx_put(eventfd);
	return r;
}

/* slots_lock held. */
static void hv_ioeventfd_free(struct hv_vm *vm, struct hv_kernel_ioeventfd *p)
{
	lockdep_assert_held(&vm->slots_lock);
	if (p->on_bus)
		hv_io_bus_unregister(vm, p->bus, &p->dev);
	list_del(&p->list);
	eventfd_ctx_put(p->eventfd);
	kfree(p);
}

/* The ioeventfd exactly as assigned (same fd, bus, length, data). */
static int hv_ioeventfd_deassign(struct hv_vm *vm,
				 const struct hv_ioeventfd *args)
{
	bool wildcard = !(args->flags & HV_IOEVENTFD_FLAG_DATAMATCH);
	int bus = hv_ioeventfd_bus(args->flags);
	struct hv_kernel_ioeventfd *p;
	struct eventfd_ctx *eventfd;
	int r = -ENOENT;

	eventfd = eventfd_ctx_fdget(args->fd);
	if (IS_ERR(eventfd))
		return PTR_ERR(eventfd);
	mutex_lock(&vm->slots_lock);
	list_for_each_entry(p, &vm->ioeventfds, list) {
		if (p->bus != bus || p->eventfd != eventfd ||
		    p->addr != args->addr || p->len != args->len ||
		    p->wildcard != wildcard ||
		    (!wildcard && p->datamatch != args->datamatch))
			continue;
		hv_ioeventfd_free(vm, p);
		r = 0;
		break;
	}
	mutex_unlock(&vm->slots_lock);
	eventfd_ctx_put(eventfd);
	return r;
}

/* HV_IOEVENTFD */
int hv_vm_ioctl_ioeventfd(struct hv_vm *vm, const struct hv_ioeventfd *args)
{
	if (args->flags & HV_IOEVENTFD_FLAG_DEASSIGN)
		return hv_ioeventfd_deassign(vm, args);
	return hv_ioeventfd_assign(vm, args);
}

/* At VM destruction, after the vCPUs: off the buses, then freed. */
void hv_ioeventfds_free(struct hv_vm *vm)
{
	struct hv_kernel_ioeventfd *p, *tmp;

	mutex_lock(&vm->slots_lock);
	list_for_each_entry_safe(p, tmp, &vm->ioeventfds, list)
		hv_ioeventfd_free(vm, p);
	mutex_unlock(&vm->slots_lock);
}

int hv_eventfd_init(void)
{
	hv_irqfd_cleanup_wq = alloc_workqueue("hv-irqfd-cleanup", 0, 0);
	return hv_irqfd_cleanup_wq ? 0 : -ENOMEM;
}

void hv_eventfd_exit(void)
{
	destroy_workqueue(hv_irqfd_cleanup_wq);
}

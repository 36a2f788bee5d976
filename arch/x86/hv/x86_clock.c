// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VM's kvmclock base, HV_GET_CLOCK / HV_SET_CLOCK: the guest clock
 * is the host's CLOCK_MONOTONIC_RAW plus hv_vm_arch.kvmclock_offset, in
 * ns.  A VMM reads it on the source and writes it on the destination of
 * a migration so the guest's clock does not jump.
 *
 * KVM 6.1's flags, and what hv does with them:
 *  - HV_CLOCK_REALTIME: GET also returns CLOCK_REALTIME, taken in the
 *    same timekeeping snapshot as the clock; SET with it advances the
 *    clock by the realtime elapsed since @realtime (the time the data
 *    spent in transit).  Supported.
 *  - HV_CLOCK_HOST_TSC: GET returns the host TSC of that instant only
 *    when KVM's master clock runs on the TSC; hv cannot tie the TSC to
 *    the snapshot exactly, so it never reports it.  SET ignores it (as
 *    KVM does).
 *  - HV_CLOCK_TSC_STABLE: the guest's pvclock pages come from a master
 *    clock; hv publishes no pvclock pages, so it is never reported and
 *    SET ignores it (as KVM does).
 * Other flags: -EINVAL (KVM_CLOCK_VALID_FLAGS).
 */
#define pr_fmt(fmt) "hv: " fmt

#include <linux/ktime.h>
#include <linux/uaccess.h>
#include <linux/hv_host.h>

#include "irqchip.h"

#define HV_CLOCK_VALID_FLAGS	(HV_CLOCK_TSC_STABLE | HV_CLOCK_REALTIME | \
				 HV_CLOCK_HOST_TSC)

static int hv_x86_get_clock(struct hv_vm *vm, struct hv_clock_data __user *argp)
{
	struct system_time_snapshot snap;
	struct hv_clock_data data;

	memset(&data, 0, sizeof(data));
	ktime_get_snapshot(&snap);
	data.clock = ktime_to_ns(snap.raw) + READ_ONCE(vm->arch.kvmclock_offset);
	data.flags = HV_CLOCK_REALTIME;
	data.realtime = ktime_to_ns(snap.real);
	if (copy_to_user(argp, &data, sizeof(data)))
		return -EFAULT;
	return 0;
}

static int hv_x86_set_clock(struct hv_vm *vm, struct hv_clock_data __user *argp)
{
	struct system_time_snapshot snap;
	struct hv_clock_data data;
	u64 now_real;

	if (copy_from_user(&data, argp, sizeof(data)))
		return -EFAULT;
	if (data.flags & ~HV_CLOCK_VALID_FLAGS)
		return -EINVAL;
	ktime_get_snapshot(&snap);
	now_real = ktime_to_ns(snap.real);
	/* Time in transit counts; a realtime in the future does not. */
	if ((data.flags & HV_CLOCK_REALTIME) && now_real > data.realtime)
		data.clock += now_real - data.realtime;
	/* vm->lock orders concurrent SET_CLOCKs; readers need one load. */
	mutex_lock(&vm->lock);
	WRITE_ONCE(vm->arch.kvmclock_offset, data.clock - ktime_to_ns(snap.raw));
	mutex_unlock(&vm->lock);
	return 0;
}

long hv_x86_clock_vm_ioctl(struct hv_vm *vm, unsigned int cmd,
			   unsigned long arg)
{
	switch (cmd) {
	case HV_GET_CLOCK:
		return hv_x86_get_clock(vm, (void __user *)arg);
	case HV_SET_CLOCK:
		return hv_x86_set_clock(vm, (void __user *)arg);
	default:
		return -ENOTTY;
	}
}

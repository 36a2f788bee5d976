// SPDX-License-Identifier: GPL-2.0-only
/*
 * The PC's 8254 programmable interval timer (Intel 8254 datasheet, order
 * 231164), HV_CREATE_PIT2: three 16-bit counters clocked at 1.193182 MHz
 * at ports 0x40-0x42 with the control word register at 0x43.  Counter 0's
 * OUT drives IRQ0 (GSI 0); counter 2's gate and OUT are reached through
 * port 0x61 (ICH "NMI Status and Control", with HV_PIT_SPEAKER_DUMMY);
 * counter 1 (DRAM refresh) only counts.
 *
 * A counter is not simulated tick by tick: it holds its initial count
 * and the host time it was loaded, and reads compute the current value
 * and OUT from the time elapsed.  Counter 0 also runs a host hrtimer for
 * its interrupts: periodic in modes 2 and 3, one-shot in modes 0, 1 and
 * 4 (mode 5 needs a gate trigger, which counter 0's tied-high gate never
 * gives).  The hrtimer callback runs in hard interrupt context and only
 * queues a kthread work item; that work raises GSI 0 through the routing
 * (hv_set_irq(), HV_PIT_IRQ_SOURCE_ID), an edge: high then low.
 *
 * Lost ticks (HV_REINJECT_CONTROL, KVM's policy and default): with
 * reinjection on, every expiry is counted and a tick is injected only
 * after the guest acknowledged the previous one (ack notifier on GSI 0),
 * so a guest that fell behind gets every tick, late; ticks counted while
 * IRQ0 is masked are dropped when it is unmasked.  With it off, an
 * expiry injects at once and ticks the guest had no time to take
 * coalesce in the interrupt controller's IRR.
 *
 * Periodic timers faster than 200 us (KVM's min_timer_period_us) are
 * slowed to it: host hrtimers are not throttled by the scheduler.
 *
 * Locking: struct hv_pit.lock (a mutex) serializes the ports and the
 * ioctls, and the programming of the hrtimer; the hrtimer callback and
 * the work item only touch the atomics and the fixed period.
 */
#define pr_fmt(fmt) "hv: " fmt

#include <linux/hrtimer.h>
#include <linux/kthread.h>
#include <linux/math64.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/hv_host.h>

#include "irqchip.h"

#define HV_PIT_FREQ		1193182	/* Hz: 14.31818 MHz / 12 */
#define HV_PIT_PORT		0x40
#define HV_PIT_SPEAKER_PORT	0x61
#define HV_PIT_MIN_PERIOD_NS	(200 * NSEC_PER_USEC)
#define HV_PIT_IRQ		0	/* GSI of counter 0's OUT */

/* Control word (datasheet "Control Word Format"). */
#define CW_SC_SHIFT		6	/* select counter; 3 = read-back */
#define CW_RW_SHIFT		4	/* 0 = counter latch command */
#define CW_MODE_SHIFT		1
#define CW_BCD			0x01
/* Read-back command: bit 5 /COUNT, bit 4 /STATUS, bits 3:1 counters. */
#define RB_NO_COUNT		0x20
#define RB_NO_STATUS		0x10

/* Which byte comes next (hv_pit_channel_state.read/write_state). */
enum { RW_LSB = 1, RW_MSB, RW_WORD0, RW_WORD1 };

/* Port 0x61 (ICH "NMI_SC"). */
#define SPK_TIM2_GATE		0x01
#define SPK_DATA		0x02
#define SPK_REFRESH		0x10
#define SPK_TIM2_OUT		0x20

/**
 * struct hv_pit - a VM's 8254
 * @lock:	serializes the counters' state and the timer's programming.
 * @vm:		the VM.
 * @ch:		the counters, in the HV_GET/SET_PIT layout; count_load_time
 *		is host CLOCK_MONOTONIC ns.
 * @flags:	HV_PIT_FLAGS_* (HV_SET_PIT2).
 * @speaker_data_on: port 0x61 bit 1.
 * @timer:	counter 0's interrupts.
 * @period:	[lock, stable while @timer runs] its period, ns.
 * @periodic:	[lock, stable while @timer runs] modes 2 and 3.
 * @worker:	runs @expired.
 * @expired:	injects a tick.
 * @reinject:	[a] catch up on lost ticks (HV_REINJECT_CONTROL).
 * @pending:	[a] ticks expired and not yet acknowledged (reinject).
 * @irq_ack:	[a] the last tick injected has been acknowledged.
 * @ack_notifier: on GSI 0, while @reinject.
 * @dev:	ports 0x40-0x43.
 * @speaker_dev: port 0x61 (HV_PIT_SPEAKER_DUMMY).
 * @speaker:	@speaker_dev is registered.
 */
struct hv_pit {
	struct mutex lock;	/* the counters and the timer */
	struct hv_vm *vm;
	struct hv_pit_channel_state ch[3];
	u32 flags;
	bool speaker_data_on;
	struct hrtimer timer;
	s64 period;
	bool periodic;
	struct kthread_worker *worker;
	struct kthread_work expired;
	atomic_t reinject;
	atomic_t pending;
	atomic_t irq_ack;
	struct hv_irq_ack_notifier ack_notifier;
	struct hv_io_device dev;
	struct hv_io_device speaker_dev;
	bool speaker;
};

/* @d modulo @count (1 to 65536). */
static u32 hv_pit_mod(u64 d, u32 count)
{
	u32 rem;

	div_u64_rem(d, count, &rem);
	return rem;
}

/* Input clocks since @c was loaded (or its gate rose). */
static u64 hv_pit_elapsed_clocks(const struct hv_pit_channel_state *c)
{
	s64 ns = ktime_get_ns() - c->count_load_time;

	/* A restored load time from another host may lie in the future. */
	if (ns < 0)
		return 0;
	return mul_u64_u32_div(ns, HV_PIT_FREQ, NSEC_PER_SEC);
}

/* The counting element now (datasheet "Operation", modes 0-5). */
static u16 hv_pit_get_count(const struct hv_pit_channel_state *c)
{
	u64 d = hv_pit_elapsed_clocks(c);

	switch (c->mode) {
	case 0:
	case 1:
	case 4:
	case 5:
		/* Counts down through 0 and wraps to 0xffff. */
		return (c->count - d) & 0xffff;
	case 3:
		/* Square wave: the counter steps by two. */
		return c->count - hv_pit_mod(2 * d, c->count);
	default:
		return c->count - hv_pit_mod(d, c->count);
	}
}

/* OUT now (datasheet, the waveforms of modes 0-5). */
static int hv_pit_get_out(const struct hv_pit_channel_state *c)
{
	u64 d = hv_pit_elapsed_clocks(c);

	switch (c->mode) {
	case 0:	/* low until terminal count, then high */
	case 1:	/* after the trigger: low until terminal count */
		return d >= c->count;
	case 2:	/* low for one clock as the count reaches 1 */
		return d == 0 || hv_pit_mod(d, c->count) != 0;
	case 3:	/* high for the first half of the count */
		return hv_pit_mod(d, c->count) < (c->count + 1) / 2;
	default: /* 4, 5: a one-clock low strobe at terminal count */
		return d != c->count;
	}
}

static void hv_pit_stop_timer(struct hv_pit *pit)
{
	lockdep_assert_held(&pit->lock);
	hrtimer_cancel(&pit->timer);
	kthread_flush_work(&pit->expired);
}

/* Forget ticks owed: a new count, or IRQ0 unmasked. */
static void hv_pit_reset_reinject(struct hv_pit *pit)
{
	atomic_set(&pit->pending, 0);
	atomic_set(&pit->irq_ack, 1);
}

/* Counter 0 got a new count: (re)start its interrupts. */
static void hv_pit_start_timer(struct hv_pit *pit, u32 count, bool periodic)
{
	s64 interval = mul_u64_u32_div(count, NSEC_PER_SEC, HV_PIT_FREQ);

	hv_pit_stop_timer(pit);
	/* The HPET's legacy replacement route owns IRQ0 (HV_SET_PIT2). */
	if (pit->flags & HV_PIT_FLAGS_HPET_LEGACY)
		return;
	pit->period = interval;
	pit->periodic = periodic;
	hv_pit_reset_reinject(pit);
	if (periodic && pit->period < HV_PIT_MIN_PERIOD_NS) {
		pr_info_ratelimited("PIT period %lld ns raised to %ld ns\n",
				    pit->period, HV_PIT_MIN_PERIOD_NS);
		pit->period = HV_PIT_MIN_PERIOD_NS;
	}
	hrtimer_start(&pit->timer, ktime_add_ns(ktime_get(), interval),
		      HRTIMER_MODE_ABS);
}

/* A new initial count for counter @n (0 means 65536). */
static void hv_pit_load_count(struct hv_pit *pit, int n, u32 val)
{
	struct hv_pit_channel_state *c = &pit->ch[n];

	lockdep_assert_held(&pit->lock);
	if (!val)
		val = 0x10000;
	c->count = val;
	c->count_load_time = ktime_get_ns();
	if (n != 0)
		return;
	switch (c->mode) {
	case 0:
	case 1:
	case 4:
		hv_pit_start_timer(pit, val, false);
		break;
	case 2:
	case 3:
		hv_pit_start_timer(pit, val, true);
		break;
	default:
		hv_pit_stop_timer(pit);
		break;
	}
}

/* Counter 2's gate (port 0x61 bit 0). */
static void hv_pit_set_gate(struct hv_pit *pit, int n, u8 gate)
{
	struct hv_pit_channel_state *c = &pit->ch[n];

	/*
	 * A rising gate triggers modes 1 and 5 and restarts modes 2 and 3
	 * from the initial count.  Modes 0 and 4 only pause while the gate
	 * is low; that pause is not modelled (as KVM).
	 */
	if (c->mode != 0 && c->mode != 4 && !c->gate && gate)
		c->count_load_time = ktime_get_ns();
	c->gate = gate;
}

static void hv_pit_latch_count(struct hv_pit_channel_state *c)
{
	if (c->count_latched)
		return;
	c->latched_count = hv_pit_get_count(c);
	c->count_latched = c->rw_mode;
}

/* Status byte (datasheet "Read-Back Command"): OUT, RW, mode, BCD. */
static void hv_pit_latch_status(struct hv_pit_channel_state *c)
{
	if (c->status_latched)
		return;
	/* NULL COUNT (bit 6) stays 0: a written count loads at once here. */
	c->status = hv_pit_get_out(c) << 7 | (c->rw_mode & 3) << 4 |
		    (c->mode & 7) << 1 | (c->bcd & 1);
	c->status_latched = 1;
}

static void hv_pit_write_control(struct hv_pit *pit, u8 val)
{
	int n = val >> CW_SC_SHIFT, access = (val >> CW_RW_SHIFT) & 3;
	struct hv_pit_channel_state *c;

	if (n == 3) {
		for (n = 0; n < 3; n++) {
			if (!(val & (2 << n)))
				continue;
			if (!(val & RB_NO_COUNT))
				hv_pit_latch_count(&pit->ch[n]);
			if (!(val & RB_NO_STATUS))
				hv_pit_latch_status(&pit->ch[n]);
		}
		return;
	}
	c = &pit->ch[n];
	if (!access) {
		hv_pit_latch_count(c);
		return;
	}
	c->rw_mode = access;
	c->read_state = access;
	c->write_state = access;
	c->mode = (val >> CW_MODE_SHIFT) & 7;
	if (c->mode > 5)
		c->mode -= 4;	/* modes 6 and 7 are 2 and 3 (X10, X11) */
	c->bcd = val & CW_BCD;	/* BCD counting itself is not modelled */
	/*
	 * "When a Control Word is written to a Counter, all Control Logic
	 * is immediately reset": counter 0 stops interrupting until its
	 * new count arrives.
	 */
	if (n == 0)
		hv_pit_stop_timer(pit);
}

static void hv_pit_write_count(struct hv_pit *pit, int n, u8 val)
{
	struct hv_pit_channel_state *c = &pit->ch[n];

	switch (c->write_state) {
	case RW_MSB:
		hv_pit_load_count(pit, n, val << 8);
		break;
	case RW_WORD0:
		c->write_latch = val;
		c->write_state = RW_WORD1;
		break;
	case RW_WORD1:
		hv_pit_load_count(pit, n, c->write_latch | (val << 8));
		c->write_state = RW_WORD0;
		break;
	default:	/* RW_LSB */
		hv_pit_load_count(pit, n, val);
		break;
	}
}

static u8 hv_pit_read_count(struct hv_pit_channel_state *c)
{
	u8 ret;

	if (c->status_latched) {
		c->status_latched = 0;
		return c->status;
	}
	if (c->count_latched) {
		/* The latch holds until read in the programmed format. */
		switch (c->count_latched) {
		case RW_MSB:
			c->count_latched = 0;
			return c->latched_count >> 8;
		case RW_WORD0:
			c->count_latched = RW_MSB;
			return c->latched_count & 0xff;
		default:
			c->count_latched = 0;
			return c->latched_count & 0xff;
		}
	}
	switch (c->read_state) {
	case RW_MSB:
		return hv_pit_get_count(c) >> 8;
	case RW_WORD0:
		c->read_state = RW_WORD1;
		return hv_pit_get_count(c) & 0xff;
	case RW_WORD1:
		ret = hv_pit_get_count(c) >> 8;
		c->read_state = RW_WORD0;
		return ret;
	default:
		return hv_pit_get_count(c) & 0xff;
	}
}

/* Ports 0x40-0x43: byte-wide registers; wider accesses use the low byte. */
static int hv_pit_pio_write(struct hv_vcpu *vcpu, struct hv_io_device *dev,
			    u64 addr, int len, const void *val)
{
	struct hv_pit *pit = container_of(dev, struct hv_pit, dev);
	int port = addr - HV_PIT_PORT;
	u8 data = *(const u8 *)val;

	mutex_lock(&pit->lock);
	if (port == 3)
		hv_pit_write_control(pit, data);
	else
		hv_pit_write_count(pit, port, data);
	mutex_unlock(&pit->lock);
	return 0;
}

static int hv_pit_pio_read(struct hv_vcpu *vcpu, struct hv_io_device *dev,
			   u64 addr, int len, void *val)
{
	struct hv_pit *pit = container_of(dev, struct hv_pit, dev);
	int port = addr - HV_PIT_PORT;
	u32 ret = 0;

	/* The control word register cannot be read (datasheet Table 1). */
	if (port != 3) {
		mutex_lock(&pit->lock);
		ret = hv_pit_read_count(&pit->ch[port]);
		mutex_unlock(&pit->lock);
	}
	memcpy(val, &ret, min_t(int, len, sizeof(ret)));
	return 0;
}

static const struct hv_io_device_ops hv_pit_ops = {
	.read = hv_pit_pio_read,
	.write = hv_pit_pio_write,
};

static int hv_pit_speaker_write(struct hv_vcpu *vcpu, struct hv_io_device *dev,
				u64 addr, int len, const void *val)
{
	struct hv_pit *pit = container_of(dev, struct hv_pit, speaker_dev);
	u8 data = *(const u8 *)val;

	mutex_lock(&pit->lock);
	pit->speaker_data_on = !!(data & SPK_DATA);
	hv_pit_set_gate(pit, 2, data & SPK_TIM2_GATE);
	mutex_unlock(&pit->lock);
	return 0;
}

static int hv_pit_speaker_read(struct hv_vcpu *vcpu, struct hv_io_device *dev,
			       u64 addr, int len, void *val)
{
	struct hv_pit *pit = container_of(dev, struct hv_pit, speaker_dev);
	u32 ret;

	mutex_lock(&pit->lock);
	/* The refresh toggle flips every ~15 us; 2^14 ns is close. */
	ret = (pit->speaker_data_on ? SPK_DATA : 0) |
	      (pit->ch[2].gate ? SPK_TIM2_GATE : 0) |
	      (hv_pit_get_out(&pit->ch[2]) ? SPK_TIM2_OUT : 0) |
	      ((ktime_get_ns() >> 14) & 1 ? SPK_REFRESH : 0);
	mutex_unlock(&pit->lock);
	memcpy(val, &ret, min_t(int, len, sizeof(ret)));
	return 0;
}

static const struct hv_io_device_ops hv_pit_speaker_ops = {
	.read = hv_pit_speaker_read,
	.write = hv_pit_speaker_write,
};

/* Counter 0 expired: count it and let the worker inject. */
static enum hrtimer_restart hv_pit_timer_fn(struct hrtimer *timer)
{
	struct hv_pit *pit = container_of(timer, struct hv_pit, timer);

	if (atomic_read(&pit->reinject))
		atomic_add_unless(&pit->pending, 1, INT_MAX);
	kthread_queue_work(pit->worker, &pit->expired);
	if (!pit->periodic)
		return HRTIMER_NORESTART;
	hrtimer_add_expires_ns(timer, pit->period);
	return HRTIMER_RESTART;
}

/* Process context: an edge on GSI 0. */
static void hv_pit_inject(struct kthread_work *work)
{
	struct hv_pit *pit = container_of(work, struct hv_pit, expired);

	/* Reinjecting: wait until the guest took the previous tick. */
	if (atomic_read(&pit->reinject) && !atomic_xchg(&pit->irq_ack, 0))
		return;
	hv_set_irq(pit->vm, HV_PIT_IRQ_SOURCE_ID, HV_PIT_IRQ, 1, false);
	hv_set_irq(pit->vm, HV_PIT_IRQ_SOURCE_ID, HV_PIT_IRQ, 0, false);
}

/* The guest EOI'd IRQ0: the next owed tick may go. */
static void hv_pit_ack_irq(struct hv_irq_ack_notifier *kian)
{
	struct hv_pit *pit = container_of(kian, struct hv_pit, ack_notifier);

	atomic_set(&pit->irq_ack, 1);
	/* irq_ack before pending: pairs with the timer and the worker. */
	smp_mb__after_atomic();
	if (atomic_dec_if_positive(&pit->pending) > 0)
		kthread_queue_work(pit->worker, &pit->expired);
}

void hv_pit_pin_unmasked(struct hv_vm *vm, unsigned int irqchip,
			 unsigned int pin)
{
	/* Pairs with smp_store_release() at creation. */
	struct hv_pit *pit = smp_load_acquire(&vm->arch.pit);

	if (!pit || !atomic_read(&pit->reinject))
		return;
	if (hv_irq_map_chip_pin(vm, irqchip, pin) == HV_PIT_IRQ)
		hv_pit_reset_reinject(pit);
}

static void hv_pit_set_reinject(struct hv_pit *pit, bool reinject)
{
	lockdep_assert_held(&pit->lock);
	if (atomic_read(&pit->reinject) == reinject)
		return;
	if (reinject) {
		hv_pit_reset_reinject(pit);
		hv_register_irq_ack_notifier(pit->vm, &pit->ack_notifier);
	} else {
		hv_unregister_irq_ack_notifier(pit->vm, &pit->ack_notifier);
	}
	atomic_set(&pit->reinject, reinject);
}

/* Power-on state: counters idle until programmed, gates of 0 and 1 high. */
static void hv_pit_reset(struct hv_pit *pit)
{
	int n;

	pit->flags = 0;
	for (n = 0; n < 3; n++) {
		memset(&pit->ch[n], 0, sizeof(pit->ch[n]));
		pit->ch[n].mode = 0xff;	/* no mode: no timer */
		pit->ch[n].gate = n != 2;
		hv_pit_load_count(pit, n, 0);
	}
	hv_pit_reset_reinject(pit);
}

static int hv_pit_create(struct hv_vm *vm, u32 flags)
{
	struct hv_pit *pit;
	int r;

	pit = kzalloc(sizeof(*pit), GFP_KERNEL_ACCOUNT);
	if (!pit)
		return -ENOMEM;
	mutex_init(&pit->lock);
	pit->vm = vm;
	pit->worker = kthread_create_worker(0, "hv-pit/%d",
					    task_pid_nr(current));
	if (IS_ERR(pit->worker)) {
		r = PTR_ERR(pit->worker);
		goto err_free;
	}
	kthread_init_work(&pit->expired, hv_pit_inject);
	hrtimer_init(&pit->timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS);
	pit->timer.function = hv_pit_timer_fn;
	pit->ack_notifier.gsi = HV_PIT_IRQ;
	pit->ack_notifier.irq_acked = hv_pit_ack_irq;
	pit->dev.ops = &hv_pit_ops;
	pit->speaker_dev.ops = &hv_pit_speaker_ops;

	mutex_lock(&pit->lock);
	hv_pit_reset(pit);
	hv_pit_set_reinject(pit, true);
	mutex_unlock(&pit->lock);

	mutex_lock(&vm->slots_lock);
	r = hv_io_bus_register(vm, HV_PIO_BUS, HV_PIT_PORT, 4, &pit->dev);
	if (!r && (flags & HV_PIT_SPEAKER_DUMMY)) {
		r = hv_io_bus_register(vm, HV_PIO_BUS, HV_PIT_SPEAKER_PORT, 1,
				       &pit->speaker_dev);
		if (r)
			hv_io_bus_unregister(vm, HV_PIO_BUS, &pit->dev);
		pit->speaker = !r;
	}
	mutex_unlock(&vm->slots_lock);
	if (r)
		goto err_reinject;
	/* Pairs with smp_load_acquire() in hv_pit_pin_unmasked(). */
	smp_store_release(&vm->arch.pit, pit);
	return 0;

err_reinject:
	mutex_lock(&pit->lock);
	hv_pit_set_reinject(pit, false);
	mutex_unlock(&pit->lock);
	kthread_destroy_worker(pit->worker);
err_free:
	kfree(pit);
	return r;
}

void hv_pit_destroy(struct hv_vm *vm)
{
	struct hv_pit *pit = vm->arch.pit;

	if (!pit)
		return;
	mutex_lock(&vm->slots_lock);
	hv_io_bus_unregister(vm, HV_PIO_BUS, &pit->dev);
	if (pit->speaker)
		hv_io_bus_unregister(vm, HV_PIO_BUS, &pit->speaker_dev);
	mutex_unlock(&vm->slots_lock);
	mutex_lock(&pit->lock);
	hv_pit_set_reinject(pit, false);
	hv_pit_stop_timer(pit);
	mutex_unlock(&pit->lock);
	kthread_destroy_worker(pit->worker);
	vm->arch.pit = NULL;
	kfree(pit);
}

/*
 * HV_SET_PIT(2): the counters as given, then each count reloaded as if
 * the guest had written it (the load time becomes now, counter 0's
 * timer restarts in its mode).  Fields are bytes the code interprets
 * modulo their width; a zero count means 65536.
 */
static void hv_pit_set_channels(struct hv_pit *pit,
				const struct hv_pit_channel_state *ch)
{
	int n;

	lockdep_assert_held(&pit->lock);
	memcpy(pit->ch, ch, sizeof(pit->ch));
	for (n = 0; n < 3; n++) {
		/* A counter holds 16 bits; 0 stands for 65536. */
		if (pit->ch[n].count > 0x10000)
			pit->ch[n].count &= 0xffff;
		hv_pit_load_count(pit, n, pit->ch[n].count);
	}
}

static long hv_pit_create_ioctl(struct hv_vm *vm, u32 flags)
{
	int r;

	/*
	 * KVM 6.1 ignores unknown flags; hv refuses them so that a flag
	 * defined later cannot be silently dropped.
	 */
	if (flags & ~HV_PIT_SPEAKER_DUMMY)
		return -EINVAL;
	mutex_lock(&vm->lock);
	r = vm->arch.pit ? -EEXIST : hv_pit_create(vm, flags);
	mutex_unlock(&vm->lock);
	return r;
}

long hv_pit_vm_ioctl(struct hv_vm *vm, unsigned int cmd, unsigned long arg)
{
	void __user *argp = (void __user *)arg;
	struct hv_reinject_control ctl;
	struct hv_pit_config config;
	struct hv_pit_state2 st;
	struct hv_pit *pit;

	switch (cmd) {
	case HV_CREATE_PIT:
		/* The original ioctl always had the speaker port. */
		return hv_pit_create_ioctl(vm, HV_PIT_SPEAKER_DUMMY);
	case HV_CREATE_PIT2:
		if (copy_from_user(&config, argp, sizeof(config)))
			return -EFAULT;
		return hv_pit_create_ioctl(vm, config.flags);
	}

	/* The PIT is freed only with the VM; creation published it. */
	pit = smp_load_acquire(&vm->arch.pit);
	switch (cmd) {
	case HV_GET_PIT:
	case HV_GET_PIT2:
		if (!pit)
			return -ENXIO;
		memset(&st, 0, sizeof(st));
		mutex_lock(&pit->lock);
		memcpy(st.channels, pit->ch, sizeof(st.channels));
		st.flags = pit->flags;
		mutex_unlock(&pit->lock);
		if (copy_to_user(argp, &st, cmd == HV_GET_PIT ?
				 sizeof(struct hv_pit_state) : sizeof(st)))
			return -EFAULT;
		return 0;
	case HV_SET_PIT:
	case HV_SET_PIT2:
		if (copy_from_user(&st, argp, cmd == HV_SET_PIT ?
				   sizeof(struct hv_pit_state) : sizeof(st)))
			return -EFAULT;
		if (!pit)
			return -ENXIO;
		mutex_lock(&pit->lock);
		if (cmd == HV_SET_PIT2)
			pit->flags = st.flags;
		hv_pit_set_channels(pit, st.channels);
		mutex_unlock(&pit->lock);
		return 0;
	case HV_REINJECT_CONTROL:
		if (copy_from_user(&ctl, argp, sizeof(ctl)))
			return -EFAULT;
		if (!pit)
			return -ENXIO;
		mutex_lock(&pit->lock);
		hv_pit_set_reinject(pit, ctl.pit_reinject);
		mutex_unlock(&pit->lock);
		return 0;
	default:
		return -ENOTTY;
	}
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * The local APIC timer (SDM Vol. 3A 10.5.4): one-shot and periodic modes
 * counting TMICT down at the bus clock divided by TDCR, and TSC-deadline
 * mode armed through IA32_TSC_DEADLINE (10.5.4.1), on a host hrtimer.
 *
 * The APIC bus runs at 1 GHz as KVM's (APIC_BUS_CYCLE_NS = 1): one count
 * is one nanosecond times the divisor.  The expiry runs in hard interrupt
 * context: it posts the LVTT vector into IRR and kicks the vCPU, which
 * takes it at its next entry or wakes from HLT.  Periodic timers shorter
 * than KVM's min_timer_period_us (200 us) are lengthened to it, so that a
 * guest cannot flood the host with timer interrupts.
 */
#define pr_fmt(fmt) "hv: " fmt

#include <linux/math64.h>
#include <linux/hv_host.h>
#include <asm/tsc.h>

#include "lapic.h"
#include "x86.h"

#define HV_APIC_BUS_CYCLE_NS		1
#define HV_MIN_TIMER_PERIOD_NS		(200 * NSEC_PER_USEC)

#define HV_LVTT_MODE(lvtt)	((lvtt) & (3 << 17))

static u32 hv_lapic_timer_mode(struct hv_lapic *apic)
{
	return HV_LVTT_MODE(hv_lapic_get_reg(apic, APIC_LVTT));
}

static enum hrtimer_restart hv_lapic_timer_fn(struct hrtimer *timer)
{
	struct hv_lapic *apic = container_of(timer, struct hv_lapic, timer);
	u32 lvtt = hv_lapic_get_reg(apic, APIC_LVTT);

	/* A masked timer still counts, without an interrupt (10.5.1). */
	if (!(lvtt & APIC_LVT_MASKED))
		hv_lapic_post_irq(apic, lvtt & APIC_VECTOR_MASK, false);

	switch (HV_LVTT_MODE(lvtt)) {
	case APIC_LVT_TIMER_PERIODIC:
		/* Missed periods coalesce, as in IRR. */
		apic->target = ktime_add_ns(apic->target, apic->period_ns);
		if (ktime_before(apic->target, ktime_get()))
			apic->target = ktime_add_ns(ktime_get(),
						    apic->period_ns);
		hrtimer_set_expires(timer, apic->target);
		return HRTIMER_RESTART;
	case APIC_LVT_TIMER_TSCDEADLINE:
		/* IA32_TSC_DEADLINE reads 0 once the timer fired (10.5.4.1). */
		WRITE_ONCE(apic->tsc_deadline, 0);
		return HRTIMER_NORESTART;
	default:
		return HRTIMER_NORESTART;
	}
}

void hv_lapic_timer_init(struct hv_lapic *apic)
{
	hrtimer_init(&apic->timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS_HARD);
	apic->timer.function = hv_lapic_timer_fn;
}

void hv_lapic_timer_cancel(struct hv_lapic *apic)
{
	hrtimer_cancel(&apic->timer);
	apic->period_ns = 0;
}

/* TDCR bits 3, 1:0 -> divisor 2, 4, ... 128, and 111b -> 1 (Fig. 10-10). */
void hv_lapic_timer_update_divide(struct hv_lapic *apic)
{
	u32 tdcr = hv_lapic_get_reg(apic, APIC_TDCR);
	u32 v = (tdcr & 3) | ((tdcr & 8) >> 1);
	u32 old = apic->divide;
	u32 count;

	apic->divide = 1U << ((v + 1) & 7);
	if (!old || old == apic->divide || !hrtimer_active(&apic->timer) ||
	    hv_lapic_timer_mode(apic) == APIC_LVT_TIMER_TSCDEADLINE)
		return;
	/* A running count keeps its value at the new rate. */
	apic->divide = old;
	count = hv_lapic_timer_tmcct(apic);
	apic->divide = 1U << ((v + 1) & 7);
	hv_lapic_timer_start(apic, count);
}

/**
 * hv_lapic_timer_start - (re)start a one-shot or periodic count
 * @apic: the APIC.
 * @count: counts to the first expiry: TMICT when written, the saved
 *	   TMCCT for HV_SET_LAPIC.  Later periods count TMICT.
 *
 * TMICT 0 stops the timer (10.5.4); so does a one-shot @count of 0.
 */
void hv_lapic_timer_start(struct hv_lapic *apic, u32 count)
{
	u32 tmict = hv_lapic_get_reg(apic, APIC_TMICT);
	u64 first;

	hv_lapic_timer_cancel(apic);
	if (!tmict || hv_lapic_timer_mode(apic) == APIC_LVT_TIMER_TSCDEADLINE)
		return;
	apic->period_ns = (u64)tmict * apic->divide * HV_APIC_BUS_CYCLE_NS;
	first = (u64)count * apic->divide * HV_APIC_BUS_CYCLE_NS;
	if (hv_lapic_timer_mode(apic) == APIC_LVT_TIMER_PERIODIC) {
		apic->period_ns = max_t(s64, apic->period_ns,
					HV_MIN_TIMER_PERIOD_NS);
		if (!first || first > apic->period_ns)
			first = apic->period_ns;
	} else if (!first) {
		apic->period_ns = 0;
		return;
	}
	apic->target = ktime_add_ns(ktime_get(), first);
	hrtimer_start(&apic->timer, apic->target, HRTIMER_MODE_ABS_HARD);
}

/*
 * LVTT written.  Switching between one-shot and periodic keeps the count
 * going; entering or leaving TSC-deadline mode stops the timer and
 * clears both TMICT and the deadline (10.5.4.1).
 */
void hv_lapic_timer_lvtt_changed(struct hv_lapic *apic, u32 old, u32 val)
{
	bool was_dl = HV_LVTT_MODE(old) == APIC_LVT_TIMER_TSCDEADLINE;
	bool is_dl = HV_LVTT_MODE(val) == APIC_LVT_TIMER_TSCDEADLINE;
	u32 count;

	if (was_dl != is_dl) {
		hv_lapic_timer_cancel(apic);
		hv_lapic_set_reg(apic, APIC_TMICT, 0);
		apic->tsc_deadline = 0;
		return;
	}
	if (HV_LVTT_MODE(old) != HV_LVTT_MODE(val) && apic->period_ns &&
	    hrtimer_active(&apic->timer)) {
		count = hv_lapic_timer_tmcct(apic);
		hv_lapic_timer_start(apic, count);
	}
}

/* The current count: what is left of the period in progress (10.5.4). */
u32 hv_lapic_timer_tmcct(struct hv_lapic *apic)
{
	s64 left;

	if (!hv_lapic_get_reg(apic, APIC_TMICT) || !apic->period_ns ||
	    hv_lapic_timer_mode(apic) == APIC_LVT_TIMER_TSCDEADLINE)
		return 0;
	if (!hrtimer_active(&apic->timer))
		return 0;
	left = ktime_to_ns(ktime_sub(hrtimer_get_expires(&apic->timer),
				     ktime_get()));
	if (left < 0)
		left = 0;
	if (left > apic->period_ns)
		left = apic->period_ns;
	return div_u64(left, (u32)apic->divide * HV_APIC_BUS_CYCLE_NS);
}

/* IA32_TSC_DEADLINE reads 0 outside TSC-deadline mode (10.5.4.1). */
u64 hv_lapic_get_tsc_deadline(struct hv_vcpu *vcpu)
{
	struct hv_lapic *apic = vcpu->arch.apic;

	if (!apic || !hv_lapic_hw_enabled(apic) ||
	    hv_lapic_timer_mode(apic) != APIC_LVT_TIMER_TSCDEADLINE)
		return 0;
	return READ_ONCE(apic->tsc_deadline);
}

/**
 * hv_lapic_set_tsc_deadline - write IA32_TSC_DEADLINE
 * @vcpu: the vCPU.
 * @deadline: a guest TSC value; 0 disarms (10.5.4.1).
 *
 * Ignored outside TSC-deadline mode, as KVM.  The guest TSC runs at the
 * host's rate plus an offset; a deadline in the past fires at once.
 */
void hv_lapic_set_tsc_deadline(struct hv_vcpu *vcpu, u64 deadline)
{
	struct hv_lapic *apic = vcpu->arch.apic;
	u64 now, ns = 0;

	if (!apic || !hv_lapic_hw_enabled(apic) ||
	    hv_lapic_timer_mode(apic) != APIC_LVT_TIMER_TSCDEADLINE)
		return;
	hv_lapic_timer_cancel(apic);
	apic->tsc_deadline = deadline;
	if (!deadline)
		return;
	if (hv_x86_ops(vcpu)->get_msr(vcpu, MSR_IA32_TSC, &now))
		now = rdtsc();
	if (deadline > now && tsc_khz)
		ns = mul_u64_u32_div(deadline - now, NSEC_PER_MSEC, tsc_khz);
	/* Far deadlines: an hrtimer cannot go past KTIME_MAX. */
	ns = min_t(u64, ns, KTIME_MAX / 2);
	apic->target = ktime_add_ns(ktime_get(), ns);
	hrtimer_start(&apic->timer, apic->target, HRTIMER_MODE_ABS_HARD);
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The in-kernel local APIC (lapic.c, lapic_timer.c): what the rest of the
 * x86 code needs beyond the irqchip contract in irqchip.h.
 *
 * Locking (Documentation/virt/hv/locking.rst, "Local APIC"):
 *  - IRR and TMR bits are set and cleared with atomic bit operations:
 *    any context (another vCPU's IPI, the IOAPIC, an MSI, the timer's
 *    hard interrupt) may post an interrupt, then kicks the vCPU;
 *  - @pending_events (INIT, SIPI) and @nmi_queued are atomic likewise and
 *    consumed by the vCPU thread;
 *  - every other register, and the timer's programming, is written only
 *    by the vCPU thread with the vCPU mutex held (guest MMIO/MSR accesses,
 *    HV_SET_LAPIC, SET_SREGS); other contexts only read single registers
 *    (ID, LDR, DFR, SVR, LVT0, LVTT) with READ_ONCE;
 *  - the timer's hrtimer callback reads LVTT and the armed period, which
 *    the vCPU thread changes only after hrtimer_cancel().
 */
#ifndef _HV_X86_LAPIC_H
#define _HV_X86_LAPIC_H

#include <linux/hrtimer.h>
#include <linux/hv_host.h>

#include <asm/apicdef.h>
#include <asm/msr-index.h>

#include "irqchip.h"

/* IA32_APIC_BASE.EXTD: x2APIC mode (SDM 10.12.1). */
#define HV_APICBASE_EXTD	BIT_ULL(10)

/* hv_lapic.pending_events bits. */
#define HV_LAPIC_INIT	0
#define HV_LAPIC_SIPI	1

/**
 * struct hv_lapic - one vCPU's local APIC
 * @vcpu:	(c) its vCPU.
 * @regs:	(c) the register page in the xAPIC layout (SDM Table 10-1),
 *		which HV_GET/SET_LAPIC copy; see the locking rules above.
 * @base_address: [v] the MMIO window, IA32_APIC_BASE[51:12].
 * @pending_events: [a] HV_LAPIC_INIT/SIPI received, not yet processed.
 * @sipi_vector: the vector of the last SIPI (written before the bit).
 * @nmi_queued:	[a] NMIs delivered to this APIC, not yet taken by
 *		hv_x86_inject_pending().
 * @timer:	the APIC timer (lapic_timer.c).
 * @divide:	[v] the divide configuration as a divisor, 1 to 128.
 * @period_ns:	[v] one-shot/periodic: the length of a TMICT count.
 * @target:	[v] when the current count reaches 0.
 * @tsc_deadline: [v][a] TSC-deadline mode: the armed deadline, 0 once
 *		it fired (the callback clears it).
 */
struct hv_lapic {
	struct hv_vcpu *vcpu;
	void *regs;
	u64 base_address;
	unsigned long pending_events;
	u32 sipi_vector;
	atomic_t nmi_queued;
	struct hrtimer timer;
	u32 divide;
	s64 period_ns;
	ktime_t target;
	u64 tsc_deadline;
};

static inline u32 hv_lapic_get_reg(struct hv_lapic *apic, u32 reg)
{
	return READ_ONCE(*(u32 *)(apic->regs + reg));
}

static inline void hv_lapic_set_reg(struct hv_lapic *apic, u32 reg, u32 val)
{
	WRITE_ONCE(*(u32 *)(apic->regs + reg), val);
}

static inline bool hv_lapic_hw_enabled(struct hv_lapic *apic)
{
	return READ_ONCE(apic->vcpu->arch.apic_base) & MSR_IA32_APICBASE_ENABLE;
}

static inline bool hv_lapic_x2apic_mode(struct hv_lapic *apic)
{
	return READ_ONCE(apic->vcpu->arch.apic_base) & HV_APICBASE_EXTD;
}

/* Hardware-enabled (IA32_APIC_BASE) and software-enabled (SVR, 10.4.7.2). */
static inline bool hv_lapic_enabled(struct hv_lapic *apic)
{
	return hv_lapic_hw_enabled(apic) &&
	       (hv_lapic_get_reg(apic, APIC_SPIV) & APIC_SPIV_APIC_ENABLED);
}

/* lapic.c */
/* Post @vector (atomically) and kick the vCPU.  Any context. */
void hv_lapic_post_irq(struct hv_lapic *apic, u32 vector, bool level);
int hv_lapic_mmio_read(struct hv_vcpu *vcpu, u64 gpa, int len, void *data);
int hv_lapic_mmio_write(struct hv_vcpu *vcpu, u64 gpa, int len,
			const void *data);
int hv_lapic_x2apic_read(struct hv_vcpu *vcpu, u32 msr, u64 *data);
int hv_lapic_x2apic_write(struct hv_vcpu *vcpu, u32 msr, u64 data);
int hv_x86_set_apic_base(struct hv_vcpu *vcpu, u64 value, bool host);
u8 hv_lapic_get_cr8(struct hv_vcpu *vcpu);
void hv_lapic_set_cr8(struct hv_vcpu *vcpu, u8 cr8);
bool hv_lapic_accept_events(struct hv_vcpu *vcpu);
bool hv_x86_has_events(struct hv_vcpu *vcpu);
bool hv_x86_extint_pending(struct hv_vcpu *vcpu);
long hv_lapic_ioctl(struct hv_vcpu *vcpu, unsigned int cmd,
		    void __user *argp);

/* lapic_timer.c */
void hv_lapic_timer_init(struct hv_lapic *apic);
void hv_lapic_timer_cancel(struct hv_lapic *apic);
void hv_lapic_timer_update_divide(struct hv_lapic *apic);
void hv_lapic_timer_start(struct hv_lapic *apic, u32 count);
void hv_lapic_timer_lvtt_changed(struct hv_lapic *apic, u32 old, u32 val);
u32 hv_lapic_timer_tmcct(struct hv_lapic *apic);
u64 hv_lapic_get_tsc_deadline(struct hv_vcpu *vcpu);
void hv_lapic_set_tsc_deadline(struct hv_vcpu *vcpu, u64 deadline);

#endif /* _HV_X86_LAPIC_H */

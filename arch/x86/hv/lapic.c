// SPDX-License-Identifier: GPL-2.0-only
/*
 * The in-kernel local APIC (SDM Vol. 3A chapter 10; APM Vol. 2 chapter
 * 16), one per vCPU once HV_CREATE_IRQCHIP made the irqchip in-kernel:
 *  - the register page in the xAPIC layout (Table 10-1), reached through
 *    MMIO at IA32_APIC_BASE (xAPIC mode) or MSRs 0x800-0x8ff (x2APIC
 *    mode, 10.12.1.2); HV_GET/SET_LAPIC copy it;
 *  - IRR/ISR/TMR, TPR/PPR (10.8.3.1) with CR8 as the TPR's upper nibble
 *    (10.8.6.1), EOI (10.8.5) with level-triggered EOIs to the IOAPIC;
 *  - interprocessor interrupts through ICR (10.6): fixed, lowest
 *    priority, NMI, INIT, SIPI, shorthands, physical and logical (flat,
 *    cluster, x2APIC cluster) destinations (10.6.2);
 *  - INIT/SIPI processing and the multiprocessor states, the in-kernel
 *    HLT; the timer lives in lapic_timer.c.
 * The locking rules are at the top of lapic.h.
 */
#define pr_fmt(fmt) "hv: " fmt

#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/hv_host.h>

#include "lapic.h"
#include "x86.h"

/* Version register: integrated APIC 0x14, six LVT entries (10.4.8). */
#define HV_APIC_VERSION		(0x14 | (5 << 16))

/* A vector's word and bit in IRR, ISR or TMR (eight 32-bit registers). */
#define HV_VEC_OFF(v)		(((v) >> 5) << 4)
#define HV_VEC_BIT(v)		((v) & 31)

/* Writable bits of the LVT entries (Figure 10-8); mask set separately. */
#define HV_LVT_BASE		(APIC_VECTOR_MASK | APIC_LVT_MASKED)
#define HV_LVT_DM		(HV_LVT_BASE | APIC_MODE_MASK)
#define HV_LVT_LINT		(HV_LVT_DM | APIC_INPUT_POLARITY | \
				 APIC_LVT_LEVEL_TRIGGER)

/* Register offset -> bit, for the readable-register masks. */
#define HV_REG_BIT(r)		BIT_ULL((r) >> 4)
#define HV_REGS_BITS(r)		(0xffULL << ((r) >> 4))

static const u64 hv_lapic_readable =
	HV_REG_BIT(APIC_ID) | HV_REG_BIT(APIC_LVR) | HV_REG_BIT(APIC_TASKPRI) |
	HV_REG_BIT(APIC_PROCPRI) | HV_REG_BIT(APIC_LDR) |
	HV_REG_BIT(APIC_SPIV) | HV_REGS_BITS(APIC_ISR) |
	HV_REGS_BITS(APIC_TMR) | HV_REGS_BITS(APIC_IRR) |
	HV_REG_BIT(APIC_ESR) | HV_REG_BIT(APIC_ICR) | HV_REG_BIT(APIC_LVTT) |
	HV_REG_BIT(APIC_LVTTHMR) | HV_REG_BIT(APIC_LVTPC) |
	HV_REG_BIT(APIC_LVT0) | HV_REG_BIT(APIC_LVT1) |
	HV_REG_BIT(APIC_LVTERR) | HV_REG_BIT(APIC_TMICT) |
	HV_REG_BIT(APIC_TMCCT) | HV_REG_BIT(APIC_TDCR);
/* Only in xAPIC mode: x2APIC has no DFR, ARBPRI or ICR2 (10.12.1.2). */
static const u64 hv_lapic_readable_xapic =
	HV_REG_BIT(APIC_DFR) | HV_REG_BIT(APIC_ARBPRI) | HV_REG_BIT(APIC_ICR2);

static bool hv_lapic_readable_reg(struct hv_lapic *apic, u32 reg)
{
	u64 mask = hv_lapic_readable;

	if (reg >= 0x400)
		return false;
	if (!hv_lapic_x2apic_mode(apic))
		mask |= hv_lapic_readable_xapic;
	return mask & HV_REG_BIT(reg);
}

static unsigned long *hv_vec_word(struct hv_lapic *apic, u32 reg, u32 vec)
{
	return apic->regs + reg + HV_VEC_OFF(vec);
}

static bool hv_lapic_test_vec(struct hv_lapic *apic, u32 reg, u32 vec)
{
	return test_bit(HV_VEC_BIT(vec), hv_vec_word(apic, reg, vec));
}

/* The highest vector set in IRR, ISR or TMR, or -1. */
static int hv_lapic_highest(struct hv_lapic *apic, u32 reg)
{
	int i;

	for (i = 7; i >= 0; i--) {
		u32 w = hv_lapic_get_reg(apic, reg + i * 0x10);

		if (w)
			return i * 32 + __fls(w);
	}
	return -1;
}

/* PPR from TPR and the highest in-service vector (SDM 10.8.3.1). */
static u32 hv_lapic_update_ppr(struct hv_lapic *apic)
{
	u32 tpr = hv_lapic_get_reg(apic, APIC_TASKPRI) & 0xff;
	int isr = hv_lapic_highest(apic, APIC_ISR);
	u32 isrv = isr < 0 ? 0 : isr;
	u32 ppr = (tpr & 0xf0) >= (isrv & 0xf0) ? tpr : (isrv & 0xf0);

	hv_lapic_set_reg(apic, APIC_PROCPRI, ppr);
	return ppr;
}

/**
 * hv_lapic_post_irq - make @vector pending in IRR and kick the vCPU
 * @apic: the destination.
 * @vector: the vector.
 * @level: level-triggered: TMR records it so the EOI reaches the IOAPIC.
 *
 * Any context; the bits are set atomically (lapic.h).
 */
void hv_lapic_post_irq(struct hv_lapic *apic, u32 vector, bool level)
{
	vector &= 0xff;
	if (level)
		set_bit(HV_VEC_BIT(vector), hv_vec_word(apic, APIC_TMR, vector));
	else
		clear_bit(HV_VEC_BIT(vector), hv_vec_word(apic, APIC_TMR, vector));
	set_bit(HV_VEC_BIT(vector), hv_vec_word(apic, APIC_IRR, vector));
	hv_vcpu_make_request(apic->vcpu, HV_REQ_EVENT);
}

/* One APIC accepts a message (SDM 10.6.1, delivery modes). */
static int hv_lapic_accept(struct hv_lapic *apic, const struct hv_lapic_irq *irq)
{
	switch (irq->delivery_mode) {
	case HV_APIC_DM_FIXED:
	case HV_APIC_DM_LOWEST:
		/* A software-disabled APIC takes no interrupts (10.4.7.2). */
		if (!hv_lapic_enabled(apic))
			return 0;
		hv_lapic_post_irq(apic, irq->vector, irq->trig_mode_level);
		return 1;
	case HV_APIC_DM_NMI:
		atomic_inc(&apic->nmi_queued);
		hv_vcpu_make_request(apic->vcpu, HV_REQ_EVENT);
		return 1;
	case HV_APIC_DM_INIT:
		/* INIT level de-assert does nothing on P6 and later (10.6.1). */
		if (irq->trig_mode_level && !irq->level)
			return 0;
		set_bit(HV_LAPIC_INIT, &apic->pending_events);
		hv_vcpu_make_request(apic->vcpu, HV_REQ_EVENT);
		return 1;
	case HV_APIC_DM_STARTUP:
		WRITE_ONCE(apic->sipi_vector, irq->vector & 0xff);
		/* The vector before the bit; pairs with hv_lapic_accept_events(). */
		smp_mb__before_atomic();
		set_bit(HV_LAPIC_SIPI, &apic->pending_events);
		hv_vcpu_make_request(apic->vcpu, HV_REQ_EVENT);
		return 1;
	default:
		/* No SMM; ExtINT comes only through LVT0 (the PIC's INTR). */
		return 0;
	}
}

static u32 hv_lapic_x2apic_ldr(u32 id)
{
	/* Cluster in 31:16, one bit of 16 in 15:0 (SDM 10.12.10.2). */
	return ((id >> 4) << 16) | (1U << (id & 0xf));
}

static bool hv_lapic_match_physical(struct hv_lapic *apic, u32 dest, u32 bcast)
{
	if (dest == bcast)
		return true;
	if (hv_lapic_x2apic_mode(apic))
		return dest == hv_lapic_get_reg(apic, APIC_ID);
	return dest == hv_lapic_get_reg(apic, APIC_ID) >> 24;
}

static bool hv_lapic_match_logical(struct hv_lapic *apic, u32 dest, u32 bcast)
{
	u32 ldr = hv_lapic_get_reg(apic, APIC_LDR);
	u32 id;

	if (dest == bcast)
		return true;
	if (hv_lapic_x2apic_mode(apic))
		return (dest >> 16) == (ldr >> 16) && (dest & ldr & 0xffff);
	dest &= 0xff;
	id = ldr >> 24;
	/* DFR model 1111b flat, 0000b cluster (SDM 10.6.2.2). */
	if ((hv_lapic_get_reg(apic, APIC_DFR) >> 28) == 0xf)
		return id & dest;
	return (id >> 4) == (dest >> 4) && (id & dest & 0xf);
}

static bool hv_lapic_match_dest(struct hv_lapic *target, struct hv_lapic *src,
				const struct hv_lapic_irq *irq)
{
	/* An x2APIC sender uses 32-bit destinations, the others 8 bits. */
	u32 bcast = src && hv_lapic_x2apic_mode(src) ? 0xffffffff : 0xff;

	switch (irq->shorthand) {
	case 1:		/* self */
		return target == src;
	case 2:		/* all including self */
		return true;
	case 3:		/* all excluding self */
		return target != src;
	}
	if (irq->dest_mode_logical)
		return hv_lapic_match_logical(target, irq->dest_id, bcast);
	return hv_lapic_match_physical(target, irq->dest_id, bcast);
}

/**
 * hv_irq_delivery_to_apic - deliver a message to the APICs it names
 * @vm: the VM.
 * @src: the sending APIC (ICR), or NULL (IOAPIC, MSI).
 * @irq: the message.
 *
 * Lowest priority goes to the matching enabled APIC with the lowest
 * task priority (SDM 10.6.2.4 leaves the choice to the platform).
 * Any context: the vCPUs are reached through the xarray under RCU and
 * exist until the VM is destroyed.
 *
 * Return: -1 if no APIC matched, else how many accepted it.
 */
int hv_irq_delivery_to_apic(struct hv_vm *vm, struct hv_lapic *src,
			    const struct hv_lapic_irq *irq)
{
	struct hv_lapic *apic, *lowest = NULL;
	struct hv_vcpu *vcpu;
	unsigned long i;
	int r = -1;

	xa_for_each(&vm->vcpus, i, vcpu) {
		apic = READ_ONCE(vcpu->arch.apic);
		if (!apic || !hv_lapic_hw_enabled(apic) ||
		    !hv_lapic_match_dest(apic, src, irq))
			continue;
		if (irq->delivery_mode == HV_APIC_DM_LOWEST) {
			if (!hv_lapic_enabled(apic))
				continue;
			if (!lowest ||
			    (hv_lapic_get_reg(apic, APIC_TASKPRI) & 0xff) <
			    (hv_lapic_get_reg(lowest, APIC_TASKPRI) & 0xff))
				lowest = apic;
			continue;
		}
		r = max(r, 0) + hv_lapic_accept(apic, irq);
	}
	if (lowest)
		r = hv_lapic_accept(lowest, irq);
	return r;
}

/* MSI address and data (SDM 10.11.1, 10.11.2). */
void hv_msi_to_lapic_irq(u32 address_lo, u32 address_hi, u32 data,
			 struct hv_lapic_irq *irq)
{
	irq->dest_id = (address_lo >> 12) & 0xff;
	irq->dest_mode_logical = address_lo & BIT(2);
	irq->vector = data & 0xff;
	irq->delivery_mode = data & 0x700;
	irq->level = true;	/* an MSI is an edge: always asserted */
	irq->trig_mode_level = data & BIT(15);
	irq->shorthand = 0;
}

int hv_x86_set_msi(struct hv_kernel_irq_routing_entry *e, struct hv_vm *vm,
		   int irq_source_id, int level, bool line_status)
{
	struct hv_lapic_irq irq;

	/* An MSI has no line to lower (KVM's kvm_set_msi()). */
	if (!level)
		return -1;
	hv_msi_to_lapic_irq(e->msi.address_lo, e->msi.address_hi, e->msi.data,
			    &irq);
	return hv_irq_delivery_to_apic(vm, NULL, &irq);
}

/* ICR written: send the IPI (SDM 10.6.1). */
static void hv_lapic_send_ipi(struct hv_lapic *apic, u32 icr, u32 dest)
{
	struct hv_lapic_irq irq = {
		.vector = icr & APIC_VECTOR_MASK,
		.delivery_mode = icr & APIC_MODE_MASK,
		.dest_mode_logical = icr & APIC_DEST_LOGICAL,
		.level = icr & APIC_INT_ASSERT,
		.trig_mode_level = icr & APIC_INT_LEVELTRIG,
		.shorthand = (icr >> 18) & 3,
		.dest_id = dest,
	};

	hv_irq_delivery_to_apic(apic->vcpu->vm, apic, &irq);
}

int hv_lapic_has_interrupt(struct hv_vcpu *vcpu)
{
	struct hv_lapic *apic = vcpu->arch.apic;
	int irr;

	if (!apic || !hv_lapic_hw_enabled(apic))
		return -1;
	irr = hv_lapic_highest(apic, APIC_IRR);
	/* Only a priority class above PPR is delivered (10.8.3.1). */
	if (irr < 0 || (irr & 0xf0) <= hv_lapic_update_ppr(apic))
		return -1;
	return irr;
}

int hv_lapic_ack_interrupt(struct hv_vcpu *vcpu)
{
	struct hv_lapic *apic = vcpu->arch.apic;
	int vec = hv_lapic_has_interrupt(vcpu);

	if (vec < 0)
		return -1;
	/* The INTA: IRR -> ISR (10.8.4). */
	clear_bit(HV_VEC_BIT(vec), hv_vec_word(apic, APIC_IRR, vec));
	set_bit(HV_VEC_BIT(vec), hv_vec_word(apic, APIC_ISR, vec));
	hv_lapic_update_ppr(apic);
	return vec;
}

/* SDM 10.5.1 and Figure 10-8: ExtINT through LINT0, or no APIC at all. */
bool hv_lapic_accepts_pic_intr(struct hv_vcpu *vcpu)
{
	struct hv_lapic *apic = READ_ONCE(vcpu->arch.apic);
	u32 lvt0;

	if (!apic)
		return false;
	if (!hv_lapic_hw_enabled(apic))
		return true;
	lvt0 = hv_lapic_get_reg(apic, APIC_LVT0);
	return !(lvt0 & APIC_LVT_MASKED) &&
	       (lvt0 & APIC_MODE_MASK) == (APIC_MODE_EXTINT << 8);
}

/* EOI: retire the highest in-service vector (SDM 10.8.5). */
static void hv_lapic_eoi(struct hv_lapic *apic)
{
	struct hv_vcpu *vcpu = apic->vcpu;
	int vec = hv_lapic_highest(apic, APIC_ISR);

	if (vec < 0)
		return;
	clear_bit(HV_VEC_BIT(vec), hv_vec_word(apic, APIC_ISR, vec));
	hv_lapic_update_ppr(apic);
	if (vcpu->vm->arch.ioapic)
		hv_ioapic_handle_eoi(vcpu, vec,
				     hv_lapic_test_vec(apic, APIC_TMR, vec));
	set_bit(HV_REQ_EVENT, &vcpu->requests);
}

static void hv_lapic_set_tpr(struct hv_lapic *apic, u32 tpr)
{
	hv_lapic_set_reg(apic, APIC_TASKPRI, tpr & 0xff);
	hv_lapic_update_ppr(apic);
	set_bit(HV_REQ_EVENT, &apic->vcpu->requests);
}

/* CR8 is TPR[7:4] (SDM 10.8.6.1). */
u8 hv_lapic_get_cr8(struct hv_vcpu *vcpu)
{
	return (hv_lapic_get_reg(vcpu->arch.apic, APIC_TASKPRI) >> 4) & 0xf;
}

void hv_lapic_set_cr8(struct hv_vcpu *vcpu, u8 cr8)
{
	hv_lapic_set_tpr(vcpu->arch.apic, (cr8 & 0xf) << 4);
}
EXPORT_SYMBOL_GPL(hv_lapic_set_cr8);

static void hv_lapic_set_svr(struct hv_lapic *apic, u32 val)
{
	static const u32 lvts[] = { APIC_LVTT, APIC_LVTTHMR, APIC_LVTPC,
				    APIC_LVT0, APIC_LVT1, APIC_LVTERR };
	int i;

	/* Vector, APIC enable, focus checking; no directed EOI offered. */
	hv_lapic_set_reg(apic, APIC_SPIV, val & 0x3ff);
	/* Software disable masks every LVT entry (10.4.7.2). */
	if (!(val & APIC_SPIV_APIC_ENABLED))
		for (i = 0; i < ARRAY_SIZE(lvts); i++)
			hv_lapic_set_reg(apic, lvts[i],
					 hv_lapic_get_reg(apic, lvts[i]) |
					 APIC_LVT_MASKED);
	set_bit(HV_REQ_EVENT, &apic->vcpu->requests);
}

static void hv_lapic_set_lvt(struct hv_lapic *apic, u32 reg, u32 val,
			     u32 writable)
{
	u32 old = hv_lapic_get_reg(apic, reg);

	val &= writable;
	if (!(hv_lapic_get_reg(apic, APIC_SPIV) & APIC_SPIV_APIC_ENABLED))
		val |= APIC_LVT_MASKED;
	hv_lapic_set_reg(apic, reg, val);
	if (reg == APIC_LVTT)
		hv_lapic_timer_lvtt_changed(apic, old, val);
}

/* TSC-deadline mode is writable when the guest's CPUID offers it. */
static u32 hv_lapic_lvtt_writable(struct hv_lapic *apic)
{
	u32 w = HV_LVT_BASE | APIC_LVT_TIMER_PERIODIC;

	if (hv_x86_guest_has(apic->vcpu, 1, 0, HV_CPUID_ECX, BIT(24)))
		w |= APIC_LVT_TIMER_TSCDEADLINE;
	return w;
}

/*
 * A 32-bit register write, xAPIC or x2APIC.  Returns nonzero for a write
 * x2APIC refuses with #GP (read-only, reserved, or reserved bits); xAPIC
 * ignores those.
 */
static int hv_lapic_write_reg(struct hv_lapic *apic, u32 reg, u32 val)
{
	bool x2apic = hv_lapic_x2apic_mode(apic);

	switch (reg) {
	case APIC_ID:
		if (x2apic)
			return 1;
		hv_lapic_set_reg(apic, APIC_ID, val & 0xff000000);
		break;
	case APIC_TASKPRI:
		hv_lapic_set_tpr(apic, val);
		break;
	case APIC_EOI:
		hv_lapic_eoi(apic);
		break;
	case APIC_LDR:
		if (x2apic)
			return 1;
		hv_lapic_set_reg(apic, APIC_LDR, val & APIC_LDR_MASK);
		break;
	case APIC_DFR:
		if (x2apic)
			return 1;
		hv_lapic_set_reg(apic, APIC_DFR, val | 0x0fffffff);
		break;
	case APIC_SPIV:
		hv_lapic_set_svr(apic, val);
		break;
	case APIC_ESR:
		/* Nothing is ever logged; x2APIC wants 0 written (10.12.1.2). */
		if (x2apic && val)
			return 1;
		hv_lapic_set_reg(apic, APIC_ESR, 0);
		break;
	case APIC_ICR:
		/* xAPIC only; x2APIC writes ICR as one 64-bit MSR. */
		hv_lapic_set_reg(apic, APIC_ICR, val & ~APIC_ICR_BUSY);
		hv_lapic_send_ipi(apic, val,
				  hv_lapic_get_reg(apic, APIC_ICR2) >> 24);
		break;
	case APIC_ICR2:
		if (x2apic)
			return 1;
		hv_lapic_set_reg(apic, APIC_ICR2, val & 0xff000000);
		break;
	case APIC_LVTT:
		hv_lapic_set_lvt(apic, reg, val, hv_lapic_lvtt_writable(apic));
		break;
	case APIC_LVTTHMR:
	case APIC_LVTPC:
		hv_lapic_set_lvt(apic, reg, val, HV_LVT_DM);
		break;
	case APIC_LVT0:
	case APIC_LVT1:
		hv_lapic_set_lvt(apic, reg, val, HV_LVT_LINT);
		break;
	case APIC_LVTERR:
		hv_lapic_set_lvt(apic, reg, val, HV_LVT_BASE);
		break;
	case APIC_TMICT:
		/* Ignored in TSC-deadline mode (10.5.4.1). */
		if ((hv_lapic_get_reg(apic, APIC_LVTT) & (3 << 17)) ==
		    APIC_LVT_TIMER_TSCDEADLINE)
			break;
		hv_lapic_set_reg(apic, APIC_TMICT, val);
		hv_lapic_timer_start(apic, val);
		break;
	case APIC_TDCR:
		hv_lapic_set_reg(apic, APIC_TDCR, val & 0xb);
		hv_lapic_timer_update_divide(apic);
		break;
	case APIC_SELF_IPI:
		/* x2APIC only; bits 31:8 reserved (10.12.11). */
		if (!x2apic || (val & ~APIC_VECTOR_MASK))
			return 1;
		hv_lapic_send_ipi(apic, APIC_DEST_SELF | val, 0);
		break;
	default:
		return 1;
	}
	return 0;
}

static u32 hv_lapic_read_reg(struct hv_lapic *apic, u32 reg)
{
	switch (reg) {
	case APIC_TMCCT:
		return hv_lapic_timer_tmcct(apic);
	case APIC_PROCPRI:
		return hv_lapic_update_ppr(apic);
	case APIC_ARBPRI:
		return 0;
	default:
		return hv_lapic_get_reg(apic, reg);
	}
}

/* Whether @gpa is in @vcpu's APIC page. */
static struct hv_lapic *hv_lapic_mmio_apic(struct hv_vcpu *vcpu, u64 gpa)
{
	struct hv_lapic *apic = vcpu->arch.apic;

	if (!apic || gpa < apic->base_address ||
	    gpa >= apic->base_address + PAGE_SIZE)
		return NULL;
	return apic;
}

/**
 * hv_lapic_mmio_read - a guest read in the xAPIC page
 * @vcpu: the vCPU (its own APIC: the page is per-CPU, 10.4.1).
 * @gpa: the address.
 * @len: 1 to 8 bytes.
 * @data: the value read.
 *
 * With the APIC disabled or in x2APIC mode the page reads as all ones, as
 * KVM's default LAPIC_MMIO_HOLE quirk.  Reads that cross a register or
 * hit a reserved one read 0.
 *
 * Return: 0, or -EOPNOTSUPP if @gpa is not the APIC's.
 */
int hv_lapic_mmio_read(struct hv_vcpu *vcpu, u64 gpa, int len, void *data)
{
	struct hv_lapic *apic = hv_lapic_mmio_apic(vcpu, gpa);
	u32 off, sub, val = 0;

	if (!apic)
		return -EOPNOTSUPP;
	lockdep_assert_held(&vcpu->mutex);
	if (!hv_lapic_hw_enabled(apic) || hv_lapic_x2apic_mode(apic)) {
		memset(data, 0xff, len);
		return 0;
	}
	off = gpa - apic->base_address;
	sub = off & 0xf;
	memset(data, 0, len);
	if (sub + len > 4 || !hv_lapic_readable_reg(apic, off & ~0xf))
		return 0;
	val = hv_lapic_read_reg(apic, off & ~0xf);
	memcpy(data, (u8 *)&val + sub, len);
	return 0;
}

/* Only aligned 32-bit writes reach a register (SDM 10.4.1); else ignored. */
int hv_lapic_mmio_write(struct hv_vcpu *vcpu, u64 gpa, int len,
			const void *data)
{
	struct hv_lapic *apic = hv_lapic_mmio_apic(vcpu, gpa);
	u32 off, val;

	if (!apic)
		return -EOPNOTSUPP;
	lockdep_assert_held(&vcpu->mutex);
	off = gpa - apic->base_address;
	if (!hv_lapic_hw_enabled(apic) || hv_lapic_x2apic_mode(apic) ||
	    len != 4 || (off & 0xf) || off >= 0x400)
		return 0;
	memcpy(&val, data, 4);
	hv_lapic_write_reg(apic, off, val);
	return 0;
}

/**
 * hv_lapic_x2apic_read - RDMSR of 0x800-0x8ff (SDM 10.12.1.2)
 * @vcpu: the vCPU.
 * @msr: the MSR.
 * @data: the value.
 *
 * Return: 0, or -EINVAL (#GP) without an x2APIC-mode in-kernel APIC, for
 * reserved and write-only registers.
 */
int hv_lapic_x2apic_read(struct hv_vcpu *vcpu, u32 msr, u64 *data)
{
	struct hv_lapic *apic = vcpu->arch.apic;
	u32 reg = (msr - APIC_BASE_MSR) << 4;

	if (!apic || !hv_lapic_x2apic_mode(apic) ||
	    !hv_lapic_readable_reg(apic, reg))
		return -EINVAL;
	if (reg == APIC_ICR)
		*data = hv_lapic_get_reg(apic, APIC_ICR) |
			(u64)hv_lapic_get_reg(apic, APIC_ICR2) << 32;
	else
		*data = hv_lapic_read_reg(apic, reg);
	return 0;
}

int hv_lapic_x2apic_write(struct hv_vcpu *vcpu, u32 msr, u64 data)
{
	struct hv_lapic *apic = vcpu->arch.apic;
	u32 reg = (msr - APIC_BASE_MSR) << 4;

	if (!apic || !hv_lapic_x2apic_mode(apic))
		return -EINVAL;
	if (reg == APIC_ICR) {
		/* One 64-bit write: destination in 63:32 (10.12.9). */
		hv_lapic_set_reg(apic, APIC_ICR2, data >> 32);
		hv_lapic_set_reg(apic, APIC_ICR, (u32)data & ~APIC_ICR_BUSY);
		hv_lapic_send_ipi(apic, data, data >> 32);
		return 0;
	}
	/* Bits 63:32 of the other registers are reserved. */
	if (data >> 32)
		return -EINVAL;
	return hv_lapic_write_reg(apic, reg, data) ? -EINVAL : 0;
}

static void hv_lapic_set_xapic_id(struct hv_lapic *apic, u32 id)
{
	hv_lapic_set_reg(apic, APIC_ID, (id & 0xff) << 24);
}

/*
 * IA32_APIC_BASE changed: the MMIO window, and the IDs that follow the
 * mode (KVM's kvm_lapic_set_base()): hardware enable restores the xAPIC
 * ID, x2APIC mode makes ID the vCPU id and LDR its cluster form.
 */
static void hv_lapic_set_base(struct hv_vcpu *vcpu, u64 old, u64 value)
{
	struct hv_lapic *apic = vcpu->arch.apic;

	WRITE_ONCE(vcpu->arch.apic_base, value);
	if (!apic)
		return;
	apic->base_address = value & MSR_IA32_APICBASE_BASE;
	if ((old ^ value) & value & MSR_IA32_APICBASE_ENABLE)
		hv_lapic_set_xapic_id(apic, vcpu->vcpu_id);
	if ((old ^ value) & value & HV_APICBASE_EXTD) {
		hv_lapic_set_reg(apic, APIC_ID, vcpu->vcpu_id);
		hv_lapic_set_reg(apic, APIC_LDR,
				 hv_lapic_x2apic_ldr(vcpu->vcpu_id));
	}
	set_bit(HV_REQ_EVENT, &vcpu->requests);
}

/**
 * hv_x86_set_apic_base - write IA32_APIC_BASE (SDM 10.4.4, 10.12.5)
 * @vcpu: the vCPU.
 * @value: the new value.
 * @host: userspace writes it (HV_SET_MSRS, SET_SREGS).
 *
 * KVM's checks, with or without an in-kernel APIC: reserved bits (7:0,
 * 9, above MAXPHYADDR; EXTD without x2APIC in the guest's CPUID) and the
 * invalid mode EXTD without EN.  The guest may not go from x2APIC
 * straight to xAPIC nor from disabled to x2APIC (Figure 10-27).
 *
 * Return: 0 or -EINVAL.
 */
int hv_x86_set_apic_base(struct hv_vcpu *vcpu, u64 value, bool host)
{
	u64 old = vcpu->arch.apic_base;
	u64 reserved = GENMASK_ULL(63, boot_cpu_data.x86_phys_bits) | 0x2ff;
	u64 mode = value & (MSR_IA32_APICBASE_ENABLE | HV_APICBASE_EXTD);
	u64 old_mode = old & (MSR_IA32_APICBASE_ENABLE | HV_APICBASE_EXTD);

	if (!hv_x86_guest_has(vcpu, 1, 0, HV_CPUID_ECX, BIT(21)))
		reserved |= HV_APICBASE_EXTD;
	if ((value & reserved) || mode == HV_APICBASE_EXTD)
		return -EINVAL;
	if (!host &&
	    ((old_mode == (MSR_IA32_APICBASE_ENABLE | HV_APICBASE_EXTD) &&
	      mode == MSR_IA32_APICBASE_ENABLE) ||
	     (!old_mode && mode == (MSR_IA32_APICBASE_ENABLE | HV_APICBASE_EXTD))))
		return -EINVAL;
	hv_lapic_set_base(vcpu, old, value);
	return 0;
}

/**
 * hv_lapic_reset - the APIC's power-up or INIT state (SDM 10.4.7.1)
 * @vcpu: the vCPU.
 * @init: INIT keeps IA32_APIC_BASE and the APIC id.
 *
 * LVT0 of the bootstrap processor starts in ExtINT mode unmasked at
 * power-up, as KVM's default LINT0_REENABLED quirk does, so the PIC
 * reaches it before the guest programs its APIC.
 */
void hv_lapic_reset(struct hv_vcpu *vcpu, bool init)
{
	struct hv_lapic *apic = vcpu->arch.apic;
	bool bsp = vcpu->vcpu_id == vcpu->vm->arch.bsp_vcpu_id;
	u32 reg;
	int i;

	if (!apic)
		return;
	hv_lapic_timer_cancel(apic);
	if (!init) {
		u64 base = HV_APIC_DEFAULT_BASE | MSR_IA32_APICBASE_ENABLE |
			   (bsp ? MSR_IA32_APICBASE_BSP : 0);

		hv_lapic_set_base(vcpu, 0, base);
		hv_lapic_set_xapic_id(apic, vcpu->vcpu_id);
	}
	hv_lapic_set_reg(apic, APIC_LVR, HV_APIC_VERSION);
	for (reg = APIC_LVTT; reg <= APIC_LVTERR; reg += 0x10)
		hv_lapic_set_reg(apic, reg, APIC_LVT_MASKED);
	if (!init && bsp)
		hv_lapic_set_reg(apic, APIC_LVT0, APIC_MODE_EXTINT << 8);
	hv_lapic_set_reg(apic, APIC_DFR, 0xffffffff);
	hv_lapic_set_reg(apic, APIC_SPIV, 0xff);
	hv_lapic_set_reg(apic, APIC_TASKPRI, 0);
	hv_lapic_set_reg(apic, APIC_ARBPRI, 0);
	if (!hv_lapic_x2apic_mode(apic))
		hv_lapic_set_reg(apic, APIC_LDR, 0);
	hv_lapic_set_reg(apic, APIC_ESR, 0);
	hv_lapic_set_reg(apic, APIC_ICR, 0);
	hv_lapic_set_reg(apic, APIC_ICR2, 0);
	hv_lapic_set_reg(apic, APIC_TDCR, 0);
	hv_lapic_set_reg(apic, APIC_TMICT, 0);
	hv_lapic_set_reg(apic, APIC_TMCCT, 0);
	for (i = 0; i < 8; i++) {
		hv_lapic_set_reg(apic, APIC_IRR + i * 0x10, 0);
		hv_lapic_set_reg(apic, APIC_ISR + i * 0x10, 0);
		hv_lapic_set_reg(apic, APIC_TMR + i * 0x10, 0);
	}
	hv_lapic_update_ppr(apic);
	hv_lapic_timer_update_divide(apic);
	atomic_set(&apic->nmi_queued, 0);
	apic->tsc_deadline = 0;
	set_bit(HV_REQ_EVENT, &vcpu->requests);
}

int hv_lapic_create(struct hv_vcpu *vcpu)
{
	struct hv_lapic *apic;

	apic = kzalloc(sizeof(*apic), GFP_KERNEL_ACCOUNT);
	if (!apic)
		return -ENOMEM;
	apic->regs = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!apic->regs) {
		kfree(apic);
		return -ENOMEM;
	}
	apic->vcpu = vcpu;
	hv_lapic_timer_init(apic);
	vcpu->arch.apic = apic;
	hv_lapic_reset(vcpu, false);
	return 0;
}

void hv_lapic_free(struct hv_vcpu *vcpu)
{
	struct hv_lapic *apic = vcpu->arch.apic;

	if (!apic)
		return;
	/* No callback may run or be queued once the page is gone. */
	hrtimer_cancel(&apic->timer);
	vcpu->arch.apic = NULL;
	free_page((unsigned long)apic->regs);
	kfree(apic);
}

/*
 * INIT (KVM's kvm_vcpu_reset(init_event=true)): the processor state of
 * SDM Table 9-1 except what INIT keeps (MSRs, x87/SSE state, APIC base);
 * the backend resets what it holds.
 */
static void hv_x86_init_vcpu(struct hv_vcpu *vcpu)
{
	struct hv_vcpu_arch *a = &vcpu->arch;

	hv_x86_ops(vcpu)->vcpu_reset(vcpu, true);
	memset(a->regs, 0, sizeof(a->regs));
	a->regs[HV_REG_RDX] = 0x600;
	a->rip = 0xfff0;
	a->rflags = X86_EFLAGS_FIXED;
	a->xcr0 = XFEATURE_MASK_FP;
	a->pending = HV_PENDING_NONE;
	a->queued_irq = -1;
	a->nmi_pending = 0;
	hv_lapic_reset(vcpu, true);
}

/* A SIPI's start: CS = vector << 8, base vector << 12, IP 0 (SDM 8.4.4.1). */
static void hv_x86_sipi_vcpu(struct hv_vcpu *vcpu, u32 vector)
{
	struct hv_sregs s;

	hv_x86_ops(vcpu)->get_sregs(vcpu, &s);
	s.cs.selector = vector << 8;
	s.cs.base = (u64)vector << 12;
	hv_x86_ops(vcpu)->set_sregs(vcpu, &s);
	vcpu->arch.rip = 0;
}

/**
 * hv_lapic_accept_events - act on received INIT and SIPI
 * @vcpu: the vCPU, in its thread with the mutex held.
 *
 * INIT resets the vCPU into INIT_RECEIVED (wait-for-SIPI; the BSP, as
 * IA32_APIC_BASE.BSP says, restarts RUNNABLE at the reset vector as on
 * KVM); a SIPI then starts it, and is ignored in any other state (SDM
 * 8.4.2).  Both may be pending at once: INIT is taken first.  Does not
 * sleep: hv_vcpu_block() calls it through hv_arch_vcpu_runnable() after
 * it set the task state.
 *
 * Return: whether something happened.
 */
bool hv_lapic_accept_events(struct hv_vcpu *vcpu)
{
	struct hv_lapic *apic = vcpu->arch.apic;
	u32 vector;

	if (!apic || !READ_ONCE(apic->pending_events))
		return false;
	lockdep_assert_held(&vcpu->mutex);
	if (test_and_clear_bit(HV_LAPIC_INIT, &apic->pending_events)) {
		hv_x86_init_vcpu(vcpu);
		/* The BSP restarts at the reset vector; APs wait for SIPI. */
		WRITE_ONCE(vcpu->arch.mp_state,
			   vcpu->arch.apic_base & MSR_IA32_APICBASE_BSP ?
			   HV_MP_STATE_RUNNABLE : HV_MP_STATE_INIT_RECEIVED);
	}
	if (test_and_clear_bit(HV_LAPIC_SIPI, &apic->pending_events)) {
		/* Pairs with the barrier before the bit in hv_lapic_accept(). */
		smp_mb__after_atomic();
		vector = READ_ONCE(apic->sipi_vector);
		if (vcpu->arch.mp_state == HV_MP_STATE_INIT_RECEIVED) {
			hv_x86_sipi_vcpu(vcpu, vector);
			WRITE_ONCE(vcpu->arch.mp_state, HV_MP_STATE_RUNNABLE);
		}
	}
	return true;
}

/* The PIC has a vector for this vCPU (its LAPIC takes ExtINT). */
bool hv_x86_extint_pending(struct hv_vcpu *vcpu)
{
	return vcpu->vm->arch.pic && hv_lapic_accepts_pic_intr(vcpu) &&
	       hv_pic_has_interrupt(vcpu->vm);
}

/*
 * Whether a halted vCPU wakes up: an NMI, or an interrupt it can take
 * now (HLT with IF=0 sleeps through interrupts, SDM HLT).
 */
bool hv_x86_has_events(struct hv_vcpu *vcpu)
{
	struct hv_lapic *apic = vcpu->arch.apic;

	if (vcpu->arch.nmi_pending || atomic_read(&apic->nmi_queued))
		return true;
	if (!hv_x86_ops(vcpu)->interrupt_allowed(vcpu))
		return false;
	return vcpu->arch.queued_irq >= 0 || hv_x86_extint_pending(vcpu) ||
	       hv_lapic_has_interrupt(vcpu) >= 0;
}

/**
 * hv_x86_halt - HLT with an in-kernel APIC
 * @vcpu: the vCPU, RIP already past the HLT.
 *
 * The vCPU sleeps in the run loop until hv_arch_vcpu_runnable() finds an
 * event that ends the halt; userspace sees nothing.
 *
 * Return: 1 (stay in the kernel).
 */
int hv_x86_halt(struct hv_vcpu *vcpu)
{
	vcpu->stats.halt_exits++;
	WRITE_ONCE(vcpu->arch.mp_state, HV_MP_STATE_HALTED);
	return 1;
}
EXPORT_SYMBOL_GPL(hv_x86_halt);

/*
 * HV_GET_LAPIC/HV_SET_LAPIC: the register page.  In x2APIC mode the ID
 * travels in xAPIC position (31:24), as KVM does without
 * HV_CAP_X2APIC_API, and LDR is recomputed from it on SET.  GET reports
 * the current count in TMCCT; SET restarts the timer from it.
 */
static int hv_lapic_get_state(struct hv_vcpu *vcpu, struct hv_lapic_state *s)
{
	struct hv_lapic *apic = vcpu->arch.apic;
	u32 *id = (u32 *)(s->regs + APIC_ID);

	hv_lapic_update_ppr(apic);
	memcpy(s->regs, apic->regs, sizeof(s->regs));
	*(u32 *)(s->regs + APIC_TMCCT) = hv_lapic_timer_tmcct(apic);
	if (hv_lapic_x2apic_mode(apic))
		*id <<= 24;
	return 0;
}

static int hv_lapic_set_state(struct hv_vcpu *vcpu, struct hv_lapic_state *s)
{
	struct hv_lapic *apic = vcpu->arch.apic;
	u32 tmcct;

	hv_lapic_timer_cancel(apic);
	hv_lapic_set_base(vcpu, vcpu->arch.apic_base, vcpu->arch.apic_base);
	memcpy(apic->regs, s->regs, sizeof(s->regs));
	if (hv_lapic_x2apic_mode(apic)) {
		u32 id = hv_lapic_get_reg(apic, APIC_ID) >> 24;

		hv_lapic_set_reg(apic, APIC_ID, id);
		hv_lapic_set_reg(apic, APIC_LDR, hv_lapic_x2apic_ldr(id));
	}
	hv_lapic_set_reg(apic, APIC_LVR, HV_APIC_VERSION);
	tmcct = hv_lapic_get_reg(apic, APIC_TMCCT);
	hv_lapic_set_reg(apic, APIC_TMCCT, 0);
	hv_lapic_update_ppr(apic);
	hv_lapic_timer_update_divide(apic);
	apic->tsc_deadline = 0;
	if ((hv_lapic_get_reg(apic, APIC_LVTT) & (3 << 17)) !=
	    APIC_LVT_TIMER_TSCDEADLINE)
		hv_lapic_timer_start(apic, tmcct);
	set_bit(HV_REQ_EVENT, &vcpu->requests);
	return 0;
}

/* HV_GET_LAPIC / HV_SET_LAPIC: -EINVAL without an in-kernel APIC (KVM). */
long hv_lapic_ioctl(struct hv_vcpu *vcpu, unsigned int cmd, void __user *argp)
{
	struct hv_lapic_state *s;
	long r;

	if (!vcpu->arch.apic)
		return -EINVAL;
	s = kmalloc(sizeof(*s), GFP_KERNEL_ACCOUNT);
	if (!s)
		return -ENOMEM;
	if (cmd == HV_GET_LAPIC) {
		r = hv_lapic_get_state(vcpu, s);
		if (!r && copy_to_user(argp, s, sizeof(*s)))
			r = -EFAULT;
	} else {
		r = -EFAULT;
		if (!copy_from_user(s, argp, sizeof(*s)))
			r = hv_lapic_set_state(vcpu, s);
	}
	kfree(s);
	return r;
}

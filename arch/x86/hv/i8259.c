// SPDX-License-Identifier: GPL-2.0-only
/*
 * The PC's two cascaded 8259A programmable interrupt controllers, as the
 * Intel 8259A datasheet (order 231468) and the ICH/PIIX ELCR registers
 * describe them: the master at ports 0x20-0x21 with the slave's INT on
 * its IR2, the slave at 0xa0-0xa1, and the edge/level control registers
 * at 0x4d0-0x4d1 (ICH9 datasheet 13.4.2, "ELCR1/ELCR2").
 *
 * The master's INT output goes to the local APICs' LINT0; a vCPU whose
 * APIC takes it as ExtINT (hv_lapic_accepts_pic_intr()) performs the
 * INTA cycle (hv_pic_read_irq()) at its next interrupt window.
 *
 * Locking: one spinlock per VM's pair of PICs (struct hv_pic.lock), taken
 * by the PIO handlers, hv_pic_set_irq() (routing, any process context),
 * hv_pic_read_irq() (vCPU entry) and HV_GET/SET_IRQCHIP.  Ack notifiers
 * and vCPU kicks run after it is dropped: notifiers call back into
 * hv_set_irq() (irqfd resampling) and so into this lock.
 */
#define pr_fmt(fmt) "hv: " fmt

#include <linux/slab.h>
#include <linux/hv_host.h>

#include "irqchip.h"

#define HV_PIC_MASTER_PORT	0x20
#define HV_PIC_SLAVE_PORT	0xa0
#define HV_PIC_ELCR_PORT	0x4d0

/* The slave's INT drives the master's IR2 (the PC/AT cascade). */
#define HV_PIC_CASCADE_IRQ	2

/* ICW1 (datasheet "Initialization Command Words"): D4 = 1. */
#define ICW1_SELECT		0x10
#define ICW1_IC4		0x01	/* ICW4 follows */
/* OCW3: D4 = 0, D3 = 1; OCW2 otherwise. */
#define OCW3_SELECT		0x08
#define OCW3_POLL		0x04
#define OCW3_RR			0x02	/* RIS is valid */
#define OCW3_RIS		0x01	/* read ISR instead of IRR */
#define OCW3_ESMM		0x40	/* SMM is valid */
#define OCW3_SMM		0x20	/* special mask mode */
/* ICW4 */
#define ICW4_AEOI		0x02
#define ICW4_SFNM		0x10

/* The ICW expected next (hv_pic_state.init_state). */
enum { HV_PIC_READY, HV_PIC_ICW2, HV_PIC_ICW3, HV_PIC_ICW4 };

struct hv_pic;

struct hv_pic_chip {
	struct hv_pic_state s;		/* HV_GET/SET_IRQCHIP layout */
	struct hv_pic *pic;
	struct hv_io_device dev;	/* its two ports */
};

/**
 * struct hv_pic - the master and slave 8259A of a VM
 * @lock:	protects everything below.
 * @vm:		the VM.
 * @chip:	master (0) and slave (1).
 * @output:	the master's INT line.
 * @wakeup:	@output rose: kick the vCPUs taking ExtINT on unlock.
 * @acked:	IRQs (0-15) whose ISR bit was cleared: ack notifiers run on
 *		unlock.
 * @unmasked:	IRQs (0-15) unmasked in IMR: the PIT hears of it on unlock.
 * @irq_states:	per IRQ, the sources (HV_*_IRQ_SOURCE_ID) asserting it.
 * @dev_elcr:	the ELCR ports' PIO bus device.
 */
struct hv_pic {
	spinlock_t lock;	/* the chips' state */
	struct hv_vm *vm;
	struct hv_pic_chip chip[2];
	bool output;
	bool wakeup;
	u16 acked;
	u16 unmasked;
	unsigned long irq_states[16];
	struct hv_io_device dev_elcr;
};

static bool hv_pic_is_master(const struct hv_pic_chip *c)
{
	return c == &c->pic->chip[0];
}

static void hv_pic_lock(struct hv_pic *pic)
	__acquires(&pic->lock)
{
	spin_lock(&pic->lock);
}

/*
 * Drop the lock, then do what may not run under it: the ack notifiers
 * (they may raise or lower lines again) and the kick of the vCPUs that
 * take the PIC's output.
 */
static void hv_pic_unlock(struct hv_pic *pic)
	__releases(&pic->lock)
{
	struct hv_vm *vm = pic->vm;
	struct hv_vcpu *vcpu;
	unsigned long acked, unmasked, i;
	bool wakeup;

	acked = pic->acked;
	pic->acked = 0;
	unmasked = pic->unmasked;
	pic->unmasked = 0;
	wakeup = pic->wakeup;
	pic->wakeup = false;
	spin_unlock(&pic->lock);

	for_each_set_bit(i, &acked, 16)
		hv_notify_acked_irq(vm, i < 8 ? HV_IRQCHIP_PIC_MASTER :
				    HV_IRQCHIP_PIC_SLAVE, i);
	for_each_set_bit(i, &unmasked, 16)
		hv_pit_pin_unmasked(vm, i < 8 ? HV_IRQCHIP_PIC_MASTER :
				    HV_IRQCHIP_PIC_SLAVE, i);
	if (!wakeup)
		return;
	xa_for_each(&vm->vcpus, i, vcpu) {
		if (hv_lapic_accepts_pic_intr(vcpu))
			hv_vcpu_make_request(vcpu, HV_REQ_EVENT);
	}
}

/*
 * Priority of the highest-priority bit of @mask, 0 (highest) to 7, or 8
 * if @mask is empty.  Priorities rotate: IR(priority_add) is the highest
 * (datasheet "Rotation").
 */
static int hv_pic_priority(const struct hv_pic_state *s, u8 mask)
{
	int prio;

	if (!mask)
		return 8;
	for (prio = 0; !(mask & BIT((prio + s->priority_add) & 7)); prio++)
		;
	return prio;
}

/* The IRQ (0-7) this chip would signal now, or -1. */
static int hv_pic_get_irq(const struct hv_pic_chip *c)
{
	const struct hv_pic_state *s = &c->s;
	int prio, cur;
	u8 in_service;

	prio = hv_pic_priority(s, s->irr & ~s->imr);
	if (prio == 8)
		return -1;
	in_service = s->isr;
	/*
	 * Special mask mode: a masked level in service does not inhibit
	 * lower priorities (datasheet "Special Mask Mode").  Special fully
	 * nested mode on the master: the slave's level in service does not
	 * block higher-priority requests from the slave ("Special Fully
	 * Nest Mode").
	 */
	if (s->special_mask)
		in_service &= ~s->imr;
	if (s->special_fully_nested_mode && hv_pic_is_master(c))
		in_service &= ~BIT(HV_PIC_CASCADE_IRQ);
	cur = hv_pic_priority(s, in_service);
	if (prio >= cur)
		return -1;
	return (prio + s->priority_add) & 7;
}

/*
 * An IR input changes to @level.  Edge mode latches a request on the
 * rising edge; level mode (ELCR) follows the line.  Returns the
 * HV_IRQ_LINE_STATUS convention: -1 masked, 0 coalesced with a request
 * already in IRR, 1 newly requested.
 */
static int hv_pic_set_irq1(struct hv_pic_chip *c, int irq, int level)
{
	struct hv_pic_state *s = &c->s;
	u8 mask = BIT(irq);
	int ret = 1;

	lockdep_assert_held(&c->pic->lock);
	if (s->elcr & mask) {
		if (level) {
			ret = !(s->irr & mask);
			s->irr |= mask;
			s->last_irr |= mask;
		} else {
			s->irr &= ~mask;
			s->last_irr &= ~mask;
		}
	} else {
		if (level) {
			if (!(s->last_irr & mask)) {
				ret = !(s->irr & mask);
				s->irr |= mask;
			}
			s->last_irr |= mask;
		} else {
			s->last_irr &= ~mask;
		}
	}
	return (s->imr & mask) ? -1 : ret;
}

/* Recompute the cascade and the master's INT output. */
static void hv_pic_update_irq(struct hv_pic *pic)
{
	bool out;

	lockdep_assert_held(&pic->lock);
	/* The slave's INT is a level on IR2, sampled as an edge request. */
	hv_pic_set_irq1(&pic->chip[0], HV_PIC_CASCADE_IRQ,
			hv_pic_get_irq(&pic->chip[1]) >= 0);
	out = hv_pic_get_irq(&pic->chip[0]) >= 0;
	if (out && !pic->output)
		pic->wakeup = true;
	pic->output = out;
}

/* End of interrupt for @irq: ISR cleared, ack notifiers on unlock. */
static void hv_pic_clear_isr(struct hv_pic_chip *c, int irq)
{
	lockdep_assert_held(&c->pic->lock);
	c->s.isr &= ~BIT(irq);
	/* The cascade input is not a device's IRQ; the slave's own EOI is. */
	if (hv_pic_is_master(c) && irq == HV_PIC_CASCADE_IRQ)
		return;
	c->pic->acked |= BIT(hv_pic_is_master(c) ? irq : irq + 8);
}

/*
 * The INTA cycle on one chip: IRQ to ISR; an edge request is consumed,
 * a level request stays while the line is high.  Auto-EOI ends the
 * service at once (datasheet "Automatic End of Interrupt (AEOI) Mode").
 */
static void hv_pic_intack(struct hv_pic_chip *c, int irq)
{
	struct hv_pic_state *s = &c->s;

	s->isr |= BIT(irq);
	if (!(s->elcr & BIT(irq)))
		s->irr &= ~BIT(irq);
	if (s->auto_eoi) {
		if (s->rotate_on_auto_eoi)
			s->priority_add = (irq + 1) & 7;
		hv_pic_clear_isr(c, irq);
	}
}

int hv_pic_set_irq(struct hv_vm *vm, int irq, int irq_source_id, int level)
{
	struct hv_pic *pic = vm->arch.pic;
	int ret;

	if (!pic || irq < 0 || irq >= 16)
		return -1;
	hv_pic_lock(pic);
	level = hv_irq_line_state(&pic->irq_states[irq], irq_source_id, level);
	ret = hv_pic_set_irq1(&pic->chip[irq >> 3], irq & 7, level);
	hv_pic_update_irq(pic);
	hv_pic_unlock(pic);
	return ret;
}

bool hv_pic_has_interrupt(struct hv_vm *vm)
{
	struct hv_pic *pic = vm->arch.pic;

	/* A snapshot: the INTA that follows recomputes under the lock. */
	return pic && READ_ONCE(pic->output);
}

int hv_pic_read_irq(struct hv_vm *vm)
{
	struct hv_pic *pic = vm->arch.pic;
	int irq, irq2, vector;

	hv_pic_lock(pic);
	irq = hv_pic_get_irq(&pic->chip[0]);
	if (irq < 0) {
		/* The request went away before INTA: spurious IR7. */
		vector = pic->chip[0].s.irq_base + 7;
	} else {
		hv_pic_intack(&pic->chip[0], irq);
		if (irq == HV_PIC_CASCADE_IRQ) {
			/* The slave supplies the vector (cascade mode). */
			irq2 = hv_pic_get_irq(&pic->chip[1]);
			if (irq2 >= 0)
				hv_pic_intack(&pic->chip[1], irq2);
			else
				irq2 = 7;	/* spurious on the slave */
			vector = pic->chip[1].s.irq_base + irq2;
		} else {
			vector = pic->chip[0].s.irq_base + irq;
		}
	}
	hv_pic_update_irq(pic);
	hv_pic_unlock(pic);
	return vector;
}

/*
 * ICW1 starts the initialization sequence (datasheet "Initialization
 * Command Words"): the edge sense latch is reset, IMR cleared, IR7 gets
 * the lowest priority, special mask mode and the status read select are
 * cleared, and without IC4 the ICW4 functions are zeroed.  The service
 * in progress is abandoned; its ack notifiers run.
 */
static void hv_pic_icw1(struct hv_pic_chip *c, u8 val)
{
	struct hv_pic_state *s = &c->s;
	unsigned long isr = s->isr;
	int irq;

	s->init4 = val & ICW1_IC4;
	/*
	 * Single mode (SNGL) and the 8085 call address interval are not
	 * modelled: the PC wires the chips in cascade, and the ELCR, not
	 * LTIM, selects level triggering on ICH/PIIX chipsets.
	 */
	s->last_irr = 0;
	s->irr &= s->elcr;
	s->imr = 0;
	s->priority_add = 0;
	s->special_mask = 0;
	s->read_reg_select = 0;
	s->poll = 0;
	if (!s->init4) {
		s->special_fully_nested_mode = 0;
		s->auto_eoi = 0;
	}
	s->init_state = HV_PIC_ICW2;
	for_each_set_bit(irq, &isr, 8)
		hv_pic_clear_isr(c, irq);
}

/* OCW2: end of interrupt and rotation (datasheet "OCW2"). */
static void hv_pic_ocw2(struct hv_pic_chip *c, u8 val)
{
	struct hv_pic_state *s = &c->s;
	int cmd = val >> 5, prio, irq;

	switch (cmd) {
	case 0:	/* rotate in automatic EOI mode: clear */
	case 4:	/* set */
		s->rotate_on_auto_eoi = cmd >> 2;
		return;
	case 1:	/* non-specific EOI */
	case 5:	/* rotate on non-specific EOI */
		prio = hv_pic_priority(s, s->isr);
		if (prio == 8)
			return;
		irq = (prio + s->priority_add) & 7;
		if (cmd == 5)
			s->priority_add = (irq + 1) & 7;
		hv_pic_clear_isr(c, irq);
		break;
	case 3:	/* specific EOI */
		hv_pic_clear_isr(c, val & 7);
		break;
	case 6:	/* set priority: IR(val & 7) becomes the lowest */
		s->priority_add = (val + 1) & 7;
		break;
	case 7:	/* rotate on specific EOI */
		irq = val & 7;
		s->priority_add = (irq + 1) & 7;
		hv_pic_clear_isr(c, irq);
		break;
	default: /* 2: no operation */
		return;
	}
	hv_pic_update_irq(c->pic);
}

static void hv_pic_write(struct hv_pic_chip *c, bool a0, u8 val)
{
	struct hv_pic_state *s = &c->s;

	if (!a0) {
		if (val & ICW1_SELECT) {
			hv_pic_icw1(c, val);
			hv_pic_update_irq(c->pic);
		} else if (val & OCW3_SELECT) {
			if (val & OCW3_POLL)
				s->poll = 1;
			if (val & OCW3_RR)
				s->read_reg_select = val & OCW3_RIS;
			if (val & OCW3_ESMM)
				s->special_mask = !!(val & OCW3_SMM);
			hv_pic_update_irq(c->pic);
		} else {
			hv_pic_ocw2(c, val);
		}
		return;
	}
	switch (s->init_state) {
	case HV_PIC_READY:	/* OCW1: the IMR */
		c->pic->unmasked |= (s->imr & ~val) <<
				    (hv_pic_is_master(c) ? 0 : 8);
		s->imr = val;
		hv_pic_update_irq(c->pic);
		break;
	case HV_PIC_ICW2:	/* T7-T3 of the vectors (8086 mode) */
		s->irq_base = val & 0xf8;
		s->init_state = HV_PIC_ICW3;
		break;
	case HV_PIC_ICW3:	/* cascade wiring: fixed on the PC */
		s->init_state = s->init4 ? HV_PIC_ICW4 : HV_PIC_READY;
		break;
	default:		/* ICW4 */
		s->special_fully_nested_mode = !!(val & ICW4_SFNM);
		s->auto_eoi = !!(val & ICW4_AEOI);
		s->init_state = HV_PIC_READY;
		break;
	}
}

/*
 * Poll command (datasheet "The Poll Command"): the read is the INTA; it
 * returns I (bit 7) and the highest-priority level requesting (W2-W0).
 */
static u8 hv_pic_poll_read(struct hv_pic_chip *c)
{
	struct hv_pic *pic = c->pic;
	int irq = hv_pic_get_irq(c);

	if (irq < 0) {
		hv_pic_update_irq(pic);
		return 0;
	}
	hv_pic_intack(c, irq);
	/*
	 * Polling the slave consumes its request before the master's INTA
	 * could: drop the cascade request it latched on IR2 so the master
	 * does not deliver a spurious IRQ15 for it.
	 */
	if (!hv_pic_is_master(c))
		pic->chip[0].s.irr &= ~BIT(HV_PIC_CASCADE_IRQ);
	hv_pic_update_irq(pic);
	return 0x80 | irq;
}

static u8 hv_pic_read(struct hv_pic_chip *c, bool a0)
{
	struct hv_pic_state *s = &c->s;

	if (s->poll) {
		s->poll = 0;
		return hv_pic_poll_read(c);
	}
	if (a0)
		return s->imr;
	return s->read_reg_select ? s->isr : s->irr;
}

static struct hv_pic_chip *hv_pic_chip_of(struct hv_io_device *dev)
{
	return container_of(dev, struct hv_pic_chip, dev);
}

/*
 * The chips decode one byte at a time; wider accesses are not something
 * a PC chipset forwards as one cycle: reads see zeros, writes are
 * dropped (as KVM).
 */
static int hv_pic_pio_write(struct hv_vcpu *vcpu, struct hv_io_device *dev,
			    u64 addr, int len, const void *val)
{
	struct hv_pic_chip *c = hv_pic_chip_of(dev);

	if (len != 1)
		return 0;
	hv_pic_lock(c->pic);
	hv_pic_write(c, addr & 1, *(const u8 *)val);
	hv_pic_unlock(c->pic);
	return 0;
}

static int hv_pic_pio_read(struct hv_vcpu *vcpu, struct hv_io_device *dev,
			   u64 addr, int len, void *val)
{
	struct hv_pic_chip *c = hv_pic_chip_of(dev);

	if (len != 1) {
		memset(val, 0, len);
		return 0;
	}
	hv_pic_lock(c->pic);
	*(u8 *)val = hv_pic_read(c, addr & 1);
	hv_pic_unlock(c->pic);
	return 0;
}

static const struct hv_io_device_ops hv_pic_ops = {
	.read = hv_pic_pio_read,
	.write = hv_pic_pio_write,
};

/* ELCR1 (0x4d0) and ELCR2 (0x4d1): 1 = level for that IRQ. */
static int hv_pic_elcr_write(struct hv_vcpu *vcpu, struct hv_io_device *dev,
			     u64 addr, int len, const void *val)
{
	struct hv_pic *pic = container_of(dev, struct hv_pic, dev_elcr);
	struct hv_pic_state *s;

	if (len != 1)
		return 0;
	hv_pic_lock(pic);
	s = &pic->chip[addr & 1].s;
	s->elcr = *(const u8 *)val & s->elcr_mask;
	hv_pic_unlock(pic);
	return 0;
}

static int hv_pic_elcr_read(struct hv_vcpu *vcpu, struct hv_io_device *dev,
			    u64 addr, int len, void *val)
{
	struct hv_pic *pic = container_of(dev, struct hv_pic, dev_elcr);

	if (len != 1) {
		memset(val, 0, len);
		return 0;
	}
	hv_pic_lock(pic);
	*(u8 *)val = pic->chip[addr & 1].s.elcr;
	hv_pic_unlock(pic);
	return 0;
}

static const struct hv_io_device_ops hv_pic_elcr_ops = {
	.read = hv_pic_elcr_read,
	.write = hv_pic_elcr_write,
};

int hv_pic_create(struct hv_vm *vm)
{
	struct hv_pic *pic;
	int r;

	pic = kzalloc(sizeof(*pic), GFP_KERNEL_ACCOUNT);
	if (!pic)
		return -ENOMEM;
	spin_lock_init(&pic->lock);
	pic->vm = vm;
	pic->chip[0].pic = pic;
	pic->chip[1].pic = pic;
	/*
	 * IRQ 0, 1, 2, 8 and 13 are edge-only on ICH chipsets (ELCR1 bits
	 * 0-2 and ELCR2 bits 0 and 5 are reserved, read as 0).
	 */
	pic->chip[0].s.elcr_mask = 0xf8;
	pic->chip[1].s.elcr_mask = 0xde;
	pic->chip[0].dev.ops = &hv_pic_ops;
	pic->chip[1].dev.ops = &hv_pic_ops;
	pic->dev_elcr.ops = &hv_pic_elcr_ops;

	mutex_lock(&vm->slots_lock);
	r = hv_io_bus_register(vm, HV_PIO_BUS, HV_PIC_MASTER_PORT, 2,
			       &pic->chip[0].dev);
	if (!r)
		r = hv_io_bus_register(vm, HV_PIO_BUS, HV_PIC_SLAVE_PORT, 2,
				       &pic->chip[1].dev);
	if (!r)
		r = hv_io_bus_register(vm, HV_PIO_BUS, HV_PIC_ELCR_PORT, 2,
				       &pic->dev_elcr);
	if (r) {
		hv_io_bus_unregister(vm, HV_PIO_BUS, &pic->chip[0].dev);
		hv_io_bus_unregister(vm, HV_PIO_BUS, &pic->chip[1].dev);
		hv_io_bus_unregister(vm, HV_PIO_BUS, &pic->dev_elcr);
		mutex_unlock(&vm->slots_lock);
		kfree(pic);
		return r;
	}
	mutex_unlock(&vm->slots_lock);
	vm->arch.pic = pic;
	return 0;
}

void hv_pic_destroy(struct hv_vm *vm)
{
	struct hv_pic *pic = vm->arch.pic;

	if (!pic)
		return;
	mutex_lock(&vm->slots_lock);
	hv_io_bus_unregister(vm, HV_PIO_BUS, &pic->chip[0].dev);
	hv_io_bus_unregister(vm, HV_PIO_BUS, &pic->chip[1].dev);
	hv_io_bus_unregister(vm, HV_PIO_BUS, &pic->dev_elcr);
	mutex_unlock(&vm->slots_lock);
	vm->arch.pic = NULL;
	kfree(pic);
}

/* HV_GET_IRQCHIP of HV_IRQCHIP_PIC_MASTER (@slave false) or _SLAVE. */
void hv_pic_get_state(struct hv_vm *vm, bool slave, struct hv_pic_state *st)
{
	struct hv_pic *pic = vm->arch.pic;

	hv_pic_lock(pic);
	*st = pic->chip[slave].s;
	hv_pic_unlock(pic);
}

/*
 * HV_SET_IRQCHIP: the state is taken as given (as KVM); every field is
 * a byte the chip interprets modulo its width, so no value can make it
 * misbehave beyond what a guest could program.
 */
void hv_pic_set_state(struct hv_vm *vm, bool slave,
		      const struct hv_pic_state *st)
{
	struct hv_pic *pic = vm->arch.pic;

	hv_pic_lock(pic);
	pic->chip[slave].s = *st;
	hv_pic_update_irq(pic);
	hv_pic_unlock(pic);
}

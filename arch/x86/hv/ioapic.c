// SPDX-License-Identifier: GPL-2.0-only
/*
 * The I/O APIC: an Intel 82093AA (datasheet order 290566) with 24 input
 * pins at the ICH's default window 0xfec00000.  Software reaches its
 * registers indirectly: IOREGSEL (offset 0x00) selects, IOWIN (0x10)
 * reads or writes the selected 32 bits (datasheet 3.0, "Register
 * Description").
 *
 * A pin's redirection entry turns its level into an interrupt message to
 * local APICs (hv_irq_delivery_to_apic()).  Level-triggered entries set
 * Remote IRR when a local APIC accepts the message and wait for its EOI
 * (hv_ioapic_handle_eoi()) before delivering again.
 *
 * Locking: struct hv_ioapic.lock (a spinlock) protects the registers; it
 * is held across the delivery to the local APICs (so it nests outside
 * their locks) but not across ack notifiers, which may come back here.
 */
#define pr_fmt(fmt) "hv: " fmt

#include <linux/slab.h>
#include <linux/hv_host.h>

#include "irqchip.h"

#define HV_IOAPIC_PINS		24
#define HV_IOAPIC_VERSION	0x11	/* the 82093AA's VER */

/* Register indices behind IOREGSEL (datasheet Table 2). */
#define IOAPICID		0x00
#define IOAPICVER		0x01
#define IOAPICARB		0x02
#define IOREDTBL		0x10

/* MMIO offsets. */
#define IOREGSEL		0x00
#define IOWIN			0x10

/* Redirection table entry bits (datasheet 3.2.4). */
#define RTE_VECTOR		GENMASK_ULL(7, 0)
#define RTE_DELIVERY_MODE	GENMASK_ULL(10, 8)
#define RTE_DEST_LOGICAL	BIT_ULL(11)
#define RTE_DELIVERY_STATUS	BIT_ULL(12)
#define RTE_REMOTE_IRR		BIT_ULL(14)
#define RTE_TRIG_LEVEL		BIT_ULL(15)
#define RTE_MASK		BIT_ULL(16)
#define RTE_DEST_SHIFT		56
/* Read-only bits a guest write leaves alone. */
#define RTE_RO			(RTE_DELIVERY_STATUS | RTE_REMOTE_IRR)

/**
 * struct hv_ioapic - a VM's I/O APIC
 * @lock:	protects every field below but @vm and @dev.
 * @vm:		the VM.
 * @base_address: where the guest sees it (only the default is decoded).
 * @ioregsel:	IOREGSEL.
 * @id:		the 4-bit IOAPIC ID (IOAPICID bits 27:24).
 * @irr:	pins whose line is asserted and waiting to be (or being)
 *		serviced: the line level as the IOAPIC saw it.
 * @irr_delivered: edge pins whose edge has been delivered (hidden from
 *		HV_GET_IRQCHIP so a restore does not repeat it).
 * @redirtbl:	the redirection table.
 * @irq_states:	per pin, the sources (HV_*_IRQ_SOURCE_ID) asserting it.
 * @dev:	the MMIO bus device.
 */
struct hv_ioapic {
	spinlock_t lock;	/* the registers */
	struct hv_vm *vm;
	u64 base_address;
	u32 ioregsel;
	u32 id;
	u32 irr;
	u32 irr_delivered;
	u64 redirtbl[HV_IOAPIC_PINS];
	unsigned long irq_states[HV_IOAPIC_PINS];
	struct hv_io_device dev;
};

/*
 * Send pin @pin's message if its entry allows it now.  Returns <0 if
 * masked, waiting for an EOI, or no APIC took it; else the number of
 * APICs that did.
 */
static int hv_ioapic_service(struct hv_ioapic *ioapic, int pin)
{
	u64 *e = &ioapic->redirtbl[pin];
	struct hv_lapic_irq irq = {};
	int ret;

	lockdep_assert_held(&ioapic->lock);
	if ((*e & RTE_MASK) || ((*e & RTE_TRIG_LEVEL) && (*e & RTE_REMOTE_IRR)))
		return -1;
	irq.vector = *e & RTE_VECTOR;
	irq.delivery_mode = *e & RTE_DELIVERY_MODE;
	irq.dest_mode_logical = *e & RTE_DEST_LOGICAL;
	irq.trig_mode_level = *e & RTE_TRIG_LEVEL;
	irq.level = true;
	irq.dest_id = *e >> RTE_DEST_SHIFT;
	if (!irq.trig_mode_level)
		ioapic->irr_delivered |= BIT(pin);
	ret = hv_irq_delivery_to_apic(ioapic->vm, NULL, &irq);
	/*
	 * Remote IRR: a local APIC accepted the level interrupt and owes
	 * an EOI (datasheet 3.2.4, bit 14).  A message no APIC accepted
	 * will never be EOI'd, so it does not block the pin (KVM sets it
	 * anyway and the pin stays dead until reprogrammed).
	 */
	if (ret > 0 && irq.trig_mode_level)
		*e |= RTE_REMOTE_IRR;
	return ret;
}

/* The pin's line is @level (already OR-ed over the sources). */
static int hv_ioapic_set_line(struct hv_ioapic *ioapic, int pin, int level)
{
	u32 mask = BIT(pin), old = ioapic->irr;

	lockdep_assert_held(&ioapic->lock);
	if (!level) {
		ioapic->irr &= ~mask;
		return 1;
	}
	ioapic->irr |= mask;
	if (!(ioapic->redirtbl[pin] & RTE_TRIG_LEVEL)) {
		/* Edge: only a rising edge makes an interrupt. */
		ioapic->irr_delivered &= ~mask;
		if (old & mask)
			return 0;
	}
	return hv_ioapic_service(ioapic, pin);
}

int hv_ioapic_set_irq(struct hv_vm *vm, int pin, int irq_source_id,
		      int level, bool line_status)
{
	struct hv_ioapic *ioapic = vm->arch.ioapic;
	int ret;

	if (!ioapic || pin < 0 || pin >= HV_IOAPIC_PINS)
		return -1;
	spin_lock(&ioapic->lock);
	level = hv_irq_line_state(&ioapic->irq_states[pin], irq_source_id,
				  level);
	ret = hv_ioapic_set_line(ioapic, pin, level);
	spin_unlock(&ioapic->lock);
	return ret;
}

/*
 * The EOI broadcast of a local APIC (SDM 10.8.5): every pin using
 * @vector is acknowledged.  A level-triggered one clears Remote IRR and,
 * if its line is still asserted, interrupts again.
 */
void hv_ioapic_handle_eoi(struct hv_vcpu *vcpu, int vector,
			  bool trig_mode_level)
{
	struct hv_vm *vm = vcpu->vm;
	struct hv_ioapic *ioapic = vm->arch.ioapic;
	int pin = 0;

	if (!ioapic)
		return;
	spin_lock(&ioapic->lock);
	for (pin = 0; pin < HV_IOAPIC_PINS; pin++) {
		u64 *e = &ioapic->redirtbl[pin];

		if ((*e & RTE_VECTOR) != vector)
			continue;
		/*
		 * The notifiers first, without the lock: an irqfd resampler
		 * lowers the line, and then nothing is re-delivered.
		 */
		spin_unlock(&ioapic->lock);
		hv_notify_acked_irq(vm, HV_IRQCHIP_IOAPIC, pin);
		spin_lock(&ioapic->lock);
		if (!trig_mode_level || !(*e & RTE_TRIG_LEVEL))
			continue;
		*e &= ~RTE_REMOTE_IRR;
		if (ioapic->irr & BIT(pin))
			hv_ioapic_service(ioapic, pin);
	}
	spin_unlock(&ioapic->lock);
}

static u32 hv_ioapic_read_indirect(struct hv_ioapic *ioapic)
{
	u32 index;
	u64 rte;

	switch (ioapic->ioregsel) {
	case IOAPICVER:
		/* Maximum redirection entry (bits 23:16) and version. */
		return ((HV_IOAPIC_PINS - 1) << 16) | HV_IOAPIC_VERSION;
	case IOAPICID:
	case IOAPICARB:
		/* The arbitration ID is loaded from the ID (3.2.3). */
		return (ioapic->id & 0xf) << 24;
	default:
		index = (ioapic->ioregsel - IOREDTBL) >> 1;
		rte = index < HV_IOAPIC_PINS ? ioapic->redirtbl[index] : ~0ULL;
		return (ioapic->ioregsel & 1) ? rte >> 32 : (u32)rte;
	}
}

/* Returns true if the pin was unmasked by this write. */
static bool hv_ioapic_write_indirect(struct hv_ioapic *ioapic, u32 val,
				     int *pin)
{
	u32 index;
	u64 *e, old;

	switch (ioapic->ioregsel) {
	case IOAPICID:
		ioapic->id = (val >> 24) & 0xf;
		return false;
	case IOAPICVER:
	case IOAPICARB:
		return false;	/* read-only */
	}
	index = (ioapic->ioregsel - IOREDTBL) >> 1;
	if (index >= HV_IOAPIC_PINS)
		return false;
	e = &ioapic->redirtbl[index];
	old = *e;
	if (ioapic->ioregsel & 1)
		*e = (*e & 0xffffffffULL) | ((u64)val << 32);
	else
		*e = (*e & ~0xffffffffULL) | val;
	*e = (*e & ~RTE_RO) | (old & RTE_RO);
	/*
	 * Remote IRR has no meaning for an edge pin; guests (Linux's
	 * io_apic.c clear_IO_APIC_pin(), Xen) switch a pin to edge to clear
	 * a stuck one, which works on real IOAPICs.
	 */
	if (!(*e & RTE_TRIG_LEVEL))
		*e &= ~RTE_REMOTE_IRR;
	/* A level pin still asserted interrupts as soon as it may. */
	if ((*e & RTE_TRIG_LEVEL) && (ioapic->irr & BIT(index)))
		hv_ioapic_service(ioapic, index);
	*pin = index;
	return (old & RTE_MASK) && !(*e & RTE_MASK);
}

static bool hv_ioapic_in_range(struct hv_ioapic *ioapic, u64 addr, int len)
{
	return addr >= ioapic->base_address &&
	       addr + len <= ioapic->base_address + HV_IOAPIC_MMIO_LEN;
}

static int hv_ioapic_mmio_read(struct hv_vcpu *vcpu, struct hv_io_device *dev,
			       u64 addr, int len, void *val)
{
	struct hv_ioapic *ioapic = container_of(dev, struct hv_ioapic, dev);
	u64 result = 0;

	spin_lock(&ioapic->lock);
	if (!hv_ioapic_in_range(ioapic, addr, len)) {
		spin_unlock(&ioapic->lock);
		return -EOPNOTSUPP;
	}
	switch (addr - ioapic->base_address) {
	case IOREGSEL:
		result = ioapic->ioregsel;
		break;
	case IOWIN:
		result = hv_ioapic_read_indirect(ioapic);
		break;
	}
	spin_unlock(&ioapic->lock);
	/* Only 32-bit accesses are defined (3.0); narrower see the low bytes. */
	memcpy(val, &result, min_t(int, len, sizeof(result)));
	return 0;
}

static int hv_ioapic_mmio_write(struct hv_vcpu *vcpu, struct hv_io_device *dev,
				u64 addr, int len, const void *val)
{
	struct hv_ioapic *ioapic = container_of(dev, struct hv_ioapic, dev);
	bool unmasked = false;
	u32 data;
	int pin = 0;

	switch (len) {
	case 8:
	case 4:
		data = *(const u32 *)val;
		break;
	case 2:
		data = *(const u16 *)val;
		break;
	case 1:
		data = *(const u8 *)val;
		break;
	default:
		return 0;
	}
	spin_lock(&ioapic->lock);
	if (!hv_ioapic_in_range(ioapic, addr, len)) {
		spin_unlock(&ioapic->lock);
		return -EOPNOTSUPP;
	}
	switch (addr - ioapic->base_address) {
	case IOREGSEL:
		ioapic->ioregsel = data & 0xff;	/* an 8-bit register */
		break;
	case IOWIN:
		unmasked = hv_ioapic_write_indirect(ioapic, data, &pin);
		break;
	}
	spin_unlock(&ioapic->lock);
	if (unmasked)
		hv_pit_pin_unmasked(vcpu->vm, HV_IRQCHIP_IOAPIC, pin);
	return 0;
}

static const struct hv_io_device_ops hv_ioapic_ops = {
	.read = hv_ioapic_mmio_read,
	.write = hv_ioapic_mmio_write,
};

int hv_ioapic_create(struct hv_vm *vm)
{
	struct hv_ioapic *ioapic;
	int i, r;

	ioapic = kzalloc(sizeof(*ioapic), GFP_KERNEL_ACCOUNT);
	if (!ioapic)
		return -ENOMEM;
	spin_lock_init(&ioapic->lock);
	ioapic->vm = vm;
	ioapic->base_address = HV_IOAPIC_BASE;
	/* Every pin is masked at reset (datasheet 3.2.4, bit 16). */
	for (i = 0; i < HV_IOAPIC_PINS; i++)
		ioapic->redirtbl[i] = RTE_MASK;
	ioapic->dev.ops = &hv_ioapic_ops;
	mutex_lock(&vm->slots_lock);
	r = hv_io_bus_register(vm, HV_MMIO_BUS, HV_IOAPIC_BASE,
			       HV_IOAPIC_MMIO_LEN, &ioapic->dev);
	mutex_unlock(&vm->slots_lock);
	if (r) {
		kfree(ioapic);
		return r;
	}
	vm->arch.ioapic = ioapic;
	return 0;
}

void hv_ioapic_destroy(struct hv_vm *vm)
{
	struct hv_ioapic *ioapic = vm->arch.ioapic;

	if (!ioapic)
		return;
	mutex_lock(&vm->slots_lock);
	hv_io_bus_unregister(vm, HV_MMIO_BUS, &ioapic->dev);
	mutex_unlock(&vm->slots_lock);
	vm->arch.ioapic = NULL;
	kfree(ioapic);
}

/* HV_GET_IRQCHIP of HV_IRQCHIP_IOAPIC. */
void hv_ioapic_get_state(struct hv_vm *vm, struct hv_ioapic_state *st)
{
	struct hv_ioapic *ioapic = vm->arch.ioapic;
	int i;

	memset(st, 0, sizeof(*st));
	spin_lock(&ioapic->lock);
	st->base_address = ioapic->base_address;
	st->ioregsel = ioapic->ioregsel;
	st->id = ioapic->id;
	st->irr = ioapic->irr & ~ioapic->irr_delivered;
	for (i = 0; i < HV_IOAPIC_PINS; i++)
		st->redirtbl[i].bits = ioapic->redirtbl[i];
	spin_unlock(&ioapic->lock);
}

/*
 * HV_SET_IRQCHIP of HV_IRQCHIP_IOAPIC: registers as given (as KVM), then
 * the pending lines of @st->irr are asserted again, which delivers what
 * the entries allow.
 */
void hv_ioapic_set_state(struct hv_vm *vm, const struct hv_ioapic_state *st)
{
	struct hv_ioapic *ioapic = vm->arch.ioapic;
	unsigned long irr = st->irr & GENMASK(HV_IOAPIC_PINS - 1, 0);
	int i;

	spin_lock(&ioapic->lock);
	ioapic->base_address = st->base_address;
	ioapic->ioregsel = st->ioregsel;
	ioapic->id = st->id;
	for (i = 0; i < HV_IOAPIC_PINS; i++)
		ioapic->redirtbl[i] = st->redirtbl[i].bits;
	ioapic->irr = 0;
	ioapic->irr_delivered = 0;
	for_each_set_bit(i, &irr, HV_IOAPIC_PINS)
		hv_ioapic_set_line(ioapic, i, 1);
	spin_unlock(&ioapic->lock);
}

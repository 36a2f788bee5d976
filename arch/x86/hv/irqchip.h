/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The x86 in-kernel interrupt controllers and timers (HV_CREATE_IRQCHIP,
 * HV_CREATE_PIT2): how they reach each other.
 *
 *   IRQ_LINE / irqfd / PIT -> hv_set_irq() (core routing, <linux/hv_irq.h>)
 *     -> irqchip route: hv_pic_set_irq() and/or hv_ioapic_set_irq()
 *     -> MSI route:     hv_x86_set_msi()
 *   IOAPIC redirection entry / MSI -> struct hv_lapic_irq
 *     -> hv_irq_delivery_to_apic() -> the destination local APICs' IRR
 *   PIC output (INTR) -> the vCPUs whose LAPIC accepts ExtINT
 *     (hv_lapic_accepts_pic_intr()) are kicked with HV_REQ_EVENT
 *   vCPU entry: hv_x86_inject_pending() (x86_irq.c) takes NMI, then the
 *     PIC's vector (hv_pic_read_irq(), the INTA cycle), then the APIC's
 *     highest deliverable vector (hv_lapic_ack_interrupt())
 *   guest EOI of a level-triggered vector -> hv_ioapic_handle_eoi()
 *     -> hv_notify_acked_irq() (irqfd resample, PIT reinjection)
 *
 * Files: lapic.c (local APIC and its timer), i8259.c (PIC), ioapic.c,
 * i8254.c (PIT), x86_irqchip.c (the VM ioctls and routing entries).
 */
#ifndef _HV_X86_IRQCHIP_H
#define _HV_X86_IRQCHIP_H

#include <linux/hv_host.h>

/* IOAPIC MMIO window (ICH spec; KVM's IOAPIC_DEFAULT_BASE_ADDRESS). */
#define HV_IOAPIC_BASE		0xfec00000ULL
#define HV_IOAPIC_MMIO_LEN	0x100
#define HV_APIC_DEFAULT_BASE	0xfee00000ULL

/* APIC delivery modes (SDM 10.6.1, ICR bits 10:8). */
#define HV_APIC_DM_FIXED	0x000
#define HV_APIC_DM_LOWEST	0x100
#define HV_APIC_DM_SMI		0x200
#define HV_APIC_DM_NMI		0x400
#define HV_APIC_DM_INIT		0x500
#define HV_APIC_DM_STARTUP	0x600
#define HV_APIC_DM_EXTINT	0x700

/**
 * struct hv_lapic_irq - an interrupt message to local APICs
 * @vector:	the vector.
 * @delivery_mode: HV_APIC_DM_*.
 * @dest_mode_logical: logical (true) or physical destination.
 * @level:	assert (INIT level de-assert is level 0).
 * @trig_mode_level: level-triggered (the EOI then goes to the IOAPIC).
 * @shorthand:	ICR destination shorthand (0 none, 1 self, 2 all, 3
 *		all but self), in ICR bit positions >> 18.
 * @dest_id:	destination APIC id or logical mask (x2APIC: 32 bits).
 */
struct hv_lapic_irq {
	u32 vector;
	u32 delivery_mode;
	bool dest_mode_logical;
	bool level;
	bool trig_mode_level;
	u32 shorthand;
	u32 dest_id;
};

static inline bool hv_irqchip_in_kernel(struct hv_vm *vm)
{
	/* Pairs with smp_store_release() at HV_CREATE_IRQCHIP. */
	return smp_load_acquire(&vm->arch.irqchip_in_kernel);
}

static inline bool hv_lapic_in_kernel(struct hv_vcpu *vcpu)
{
	return vcpu->arch.apic;
}

/*
 * The level of a line several sources drive (HV_*_IRQ_SOURCE_ID): the
 * OR of them, as a wired-OR interrupt line.  @states holds one bit per
 * source; the caller holds the controller's lock.
 */
static inline int hv_irq_line_state(unsigned long *states, int irq_source_id,
				    int level)
{
	if (level)
		__set_bit(irq_source_id, states);
	else
		__clear_bit(irq_source_id, states);
	return !!*states;
}

/* lapic.c ------------------------------------------------------------ */
/* At vCPU creation when the irqchip is in the kernel; -ENOMEM. */
int hv_lapic_create(struct hv_vcpu *vcpu);
void hv_lapic_free(struct hv_vcpu *vcpu);
/* INIT/RESET state of the APIC (SDM 10.4.7.1). */
void hv_lapic_reset(struct hv_vcpu *vcpu, bool init);
/*
 * Deliver @irq from @src (NULL: not from an APIC) to every matching
 * APIC.  Returns <0 if no APIC took it, else the count (KVM's
 * kvm_irq_delivery_to_apic() convention).  Any context.
 */
int hv_irq_delivery_to_apic(struct hv_vm *vm, struct hv_lapic *src,
			    const struct hv_lapic_irq *irq);
/* MSI address/data (SDM 10.11) to an interrupt message. */
void hv_msi_to_lapic_irq(u32 address_lo, u32 address_hi, u32 data,
			 struct hv_lapic_irq *irq);
/* The .set of an MSI routing entry (and HV_SIGNAL_MSI). */
int hv_x86_set_msi(struct hv_kernel_irq_routing_entry *e, struct hv_vm *vm,
		   int irq_source_id, int level, bool line_status);
/* The highest vector the APIC would deliver now, or -1. */
int hv_lapic_has_interrupt(struct hv_vcpu *vcpu);
/* Deliver it: move it from IRR to ISR (the INTA); returns the vector. */
int hv_lapic_ack_interrupt(struct hv_vcpu *vcpu);
/* LVT0 takes the PIC's output (ExtINT unmasked, or APIC disabled). */
bool hv_lapic_accepts_pic_intr(struct hv_vcpu *vcpu);
/* Guest HLT with an in-kernel APIC: the vCPU sleeps until an interrupt. */
int hv_x86_halt(struct hv_vcpu *vcpu);

/* i8259.c ------------------------------------------------------------ */
int hv_pic_create(struct hv_vm *vm);
void hv_pic_destroy(struct hv_vm *vm);
/* .set of a routing entry to HV_IRQCHIP_PIC_MASTER/SLAVE. */
int hv_pic_set_irq(struct hv_vm *vm, int irq, int irq_source_id, int level);
/* INTR is asserted: some vector is waiting for an INTA. */
bool hv_pic_has_interrupt(struct hv_vm *vm);
/* The INTA cycle: the vector to deliver (spurious 7/15 if none). */
int hv_pic_read_irq(struct hv_vm *vm);
/* HV_GET/SET_IRQCHIP of the master (@slave false) or the slave. */
void hv_pic_get_state(struct hv_vm *vm, bool slave, struct hv_pic_state *st);
void hv_pic_set_state(struct hv_vm *vm, bool slave,
		      const struct hv_pic_state *st);

/* ioapic.c ----------------------------------------------------------- */
int hv_ioapic_create(struct hv_vm *vm);
void hv_ioapic_destroy(struct hv_vm *vm);
/* .set of a routing entry to HV_IRQCHIP_IOAPIC. */
int hv_ioapic_set_irq(struct hv_vm *vm, int pin, int irq_source_id,
		      int level, bool line_status);
/* A local APIC EOI'd @vector, level-triggered or not (SDM 10.8.5). */
void hv_ioapic_handle_eoi(struct hv_vcpu *vcpu, int vector,
			  bool trig_mode_level);
/* HV_GET/SET_IRQCHIP of HV_IRQCHIP_IOAPIC. */
void hv_ioapic_get_state(struct hv_vm *vm, struct hv_ioapic_state *st);
void hv_ioapic_set_state(struct hv_vm *vm, const struct hv_ioapic_state *st);

/* i8254.c ------------------------------------------------------------ */
void hv_pit_destroy(struct hv_vm *vm);
/*
 * The guest unmasked (@irqchip, @pin) (PIC IMR, IOAPIC entry): if it is
 * the PIT's IRQ0, ticks counted while masked are dropped instead of
 * being reinjected in a burst (KVM's mask notifier).  No lock held.
 */
void hv_pit_pin_unmasked(struct hv_vm *vm, unsigned int irqchip,
			 unsigned int pin);
/* HV_CREATE_PIT(2), HV_GET/SET_PIT(2), HV_REINJECT_CONTROL; else -ENOTTY. */
long hv_pit_vm_ioctl(struct hv_vm *vm, unsigned int cmd, unsigned long arg);

/* x86_clock.c -------------------------------------------------------- */
/* HV_GET_CLOCK, HV_SET_CLOCK; else -ENOTTY. */
long hv_x86_clock_vm_ioctl(struct hv_vm *vm, unsigned int cmd,
			   unsigned long arg);
/* The flags HV_CAP_ADJUST_CLOCK reports. */
#define HV_X86_CLOCK_CAPS	HV_CLOCK_REALTIME

/* x86_irqchip.c ------------------------------------------------------ */
/* The VM ioctls above and HV_CREATE/GET/SET_IRQCHIP; else -ENOTTY. */
long hv_x86_irqchip_vm_ioctl(struct hv_vm *vm, unsigned int cmd,
			     unsigned long arg);

#endif /* _HV_X86_IRQCHIP_H */

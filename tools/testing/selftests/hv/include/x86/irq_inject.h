/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers of the userspace irqchip tests (x86/irq_inject_test.c,
 * x86/nmi_inject_test.c, x86/irq_window_test.c): a guest handler that logs
 * every interrupt or NMI it takes, guest loops that wait for them, and the
 * host's HV_INTERRUPT and HV_NMI with the check that the device has them.
 */
#ifndef _HV_X86_IRQ_INJECT_H
#define _HV_X86_IRQ_INJECT_H

#include "kselftest_harness.h"
#include "ucall.h"
#include "x86/processor.h"

#define IRQ_VECTOR	0x30
#define NMI_VECTOR	2
#define UCALL_OUT_LEN	1	/* "out %eax, %dx" of a ucall */

/* Iterations a guest waits for an event before it gives up. */
#define IRQ_WAIT_SPINS	(1ULL << 24)
/* Iterations a guest keeps running to show that no other event follows. */
#define IRQ_LINGER_SPINS	(1ULL << 16)

#define IRQ_LOG_SIZE	8

/* One event as the guest's handler saw it. */
struct irq_event {
	u64 vector;
	u64 rip;		/* where it interrupted the guest */
	u64 rflags;		/* the interrupted RFLAGS */
	u64 handler_rflags;	/* RFLAGS in the handler */
};

/* Guest data; the host reads it with sync_global_from_guest(). */
static struct irq_event irq_log[IRQ_LOG_SIZE];
static u64 irq_nr;		/* events taken, also past IRQ_LOG_SIZE */

/* Guest handler for every vector a test injects. */
static inline void irq_record(struct hv_ex_regs *regs)
{
	u64 n = READ_ONCE(irq_nr);

	if (n < IRQ_LOG_SIZE)
		irq_log[n] = (struct irq_event){
			.vector = regs->vector,
			.rip = regs->rip,
			.rflags = regs->rflags,
			.handler_rflags = read_rflags(),
		};
	WRITE_ONCE(irq_nr, n + 1);
}

/* Guest: spin until @n events were taken; returns the spins left. */
static inline u64 irq_wait(u64 n)
{
	u64 spins = IRQ_WAIT_SPINS;

	while (READ_ONCE(irq_nr) < n && --spins)
		asm volatile("pause" : : : "memory");
	return spins;
}

/* Guest: run a while, then check that exactly @n events were taken. */
static inline void irq_linger_expect(u64 n)
{
	u64 i;

	for (i = 0; i < IRQ_LINGER_SPINS; i++)
		asm volatile("pause" : : : "memory");
	GUEST_ASSERT_EQ(READ_ONCE(irq_nr), n);
}

static inline int __vcpu_interrupt(struct hv_vcpu *vcpu, u32 vector)
{
	struct hv_interrupt irq = { .irq = vector };

	return __vcpu_ioctl(vcpu, HV_INTERRUPT, &irq);
}

static inline void vcpu_interrupt(struct hv_vcpu *vcpu, u32 vector)
{
	struct hv_interrupt irq = { .irq = vector };

	vcpu_ioctl(vcpu, HV_INTERRUPT, &irq);
}

static inline void vcpu_nmi(struct hv_vcpu *vcpu)
{
	vcpu_ioctl(vcpu, HV_NMI, 0);
}

/*
 * NULL if the device takes HV_INTERRUPT (@nmi: HV_NMI), else why not: a
 * device without the userspace irqchip ABI answers a valid request on a
 * new vCPU with ENOTTY or EINVAL.
 */
static inline const char *hv_irq_ioctl_missing(bool nmi)
{
	const char *name = nmi ? "HV_NMI" : "HV_INTERRUPT";
	static char why[64];
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;
	long r;

	vm = hv_vm_create_bare();
	vcpu = hv_vcpu_create(vm, 0);
	if (nmi)
		r = __vcpu_ioctl(vcpu, HV_NMI, 0);
	else
		r = __vcpu_interrupt(vcpu, IRQ_VECTOR);
	hv_vm_free(vm);
	if (r != -ENOTTY && r != -EINVAL)
		return NULL;
	snprintf(why, sizeof(why), "%s: %s", name, strerror(-r));
	return why;
}

/* In a TEST() body: SKIP(@statement) without HV_INTERRUPT (or HV_NMI). */
#define HV_REQUIRE_IRQ_IOCTL(statement, nmi)				\
	do {								\
		const char *__why = hv_irq_ioctl_missing(nmi);		\
		if (__why)						\
			SKIP(statement, "%s", __why);			\
	} while (0)

/* Host: RIP of the vCPU, e.g. at the OUT of a ucall exit. */
static inline u64 vcpu_rip(struct hv_vcpu *vcpu)
{
	struct hv_regs regs;

	vcpu_regs_get(vcpu, &regs);
	return regs.rip;
}

#endif /* _HV_X86_IRQ_INJECT_H */

// SPDX-License-Identifier: GPL-2.0-only
/*
 * The in-kernel PIC, IOAPIC and PIT as a guest sees them:
 *  - guest_programs_devices: the guest initializes both 8259As (ICW1-4,
 *    OCW1, OCW3), the ELCR (reserved bits stay 0), the IOAPIC (ID, VER,
 *    a redirection entry whose read-only bits it cannot set) and PIT
 *    counter 2 (mode 0 through port 0x61's gate: latch, read-back status,
 *    OUT rising at terminal count); the host's GET_IRQCHIP and GET_PIT2
 *    then show what the guest programmed;
 *  - pic_irq_line: HV_IRQ_LINE on an ISA IRQ the guest unmasked in the
 *    PIC arrives as ExtINT at vector base + IRQ, once per edge; a second
 *    edge before the INTA coalesces (IRQ_LINE_STATUS 0); a masked one is
 *    reported (IRQ_LINE_STATUS < 0) and never delivered;
 *  - ioapic_irq_line_edge / ioapic_irq_line_level: HV_IRQ_LINE through a
 *    redirection entry to the local APIC; a level-triggered line is
 *    delivered again after every EOI while it stays asserted, Remote IRR
 *    reads as 0 after the EOI, and nothing follows once it is lowered;
 *  - pic_poll_and_priority: poll mode, IRR/ISR reads, specific and
 *    non-specific EOI and "set priority" with interrupts off;
 *  - pit_periodic_irq0: counter 0 in mode 2 at 1 kHz interrupts through
 *    the PIC; the guest counts 50 ticks against its TSC, which must show
 *    at least 50 ms (and not absurdly more);
 *  - pit_irq0_via_ioapic_pin2: QEMU's routing of GSI 0 to IOAPIC pin 2;
 *    20 ticks arrive through the IOAPIC while reinjection waits for each
 *    EOI;
 *  - devices_survive_garbage: random guest accesses to every port and
 *    the IOAPIC window, garbage SET_IRQCHIP/SET_PIT2 and lines toggled.
 * The delivery tests need an in-kernel local APIC and HV_IRQ_LINE; they
 * skip naming what is missing.
 */
#include <time.h>

#include "kselftest_harness.h"
#include "ucall.h"
#include "x86/irq_inject.h"
#include "x86/processor.h"

#define PIC_BASE	0x20	/* master's vector of IRQ 0 */
#define PIC2_BASE	0x28
#define IOAPIC_GPA	0xfec00000UL
#define APIC_GPA	0xfee00000UL
#define APIC_EOI	0xb0
#define APIC_SVR	0xf0
#define IOAPIC_VEC	0x40

/* Guest ------------------------------------------------------------- */

static u64 guest_tsc_khz;

static void pic_init(u8 master_imr, u8 slave_imr)
{
	outb(0x20, 0x11);		/* ICW1: edge, cascade, ICW4 */
	outb(0x21, PIC_BASE);		/* ICW2 */
	outb(0x21, 0x04);		/* ICW3: slave on IR2 */
	outb(0x21, 0x01);		/* ICW4: 8086 mode */
	outb(0xa0, 0x11);
	outb(0xa1, PIC2_BASE);
	outb(0xa1, 0x02);		/* ICW3: slave id 2 */
	outb(0xa1, 0x01);
	outb(0x21, master_imr);		/* OCW1 */
	outb(0xa1, slave_imr);
}

static u32 ioapic_read(u32 reg)
{
	volatile u32 *io = (volatile u32 *)IOAPIC_GPA;

	io[0] = reg;
	return io[4];
}

static void ioapic_write(u32 reg, u32 val)
{
	volatile u32 *io = (volatile u32 *)IOAPIC_GPA;

	io[0] = reg;
	io[4] = val;
}

static void apic_write(u32 reg, u32 val)
{
	*(volatile u32 *)(APIC_GPA + reg) = val;
}

/* Spin until @n interrupts were taken or about 5 s of TSC went by. */
static bool guest_wait_irqs(u64 n)
{
	u64 start = rdtsc(), limit = guest_tsc_khz * 5000;

	while (READ_ONCE(irq_nr) < n) {
		if (rdtsc() - start > limit)
			return false;
		asm volatile("pause" : : : "memory");
	}
	return true;
}

static void pic_handler(struct hv_ex_regs *regs)
{
	irq_record(regs);
	if (regs->vector >= PIC2_BASE)
		outb(0xa0, 0x20);	/* non-specific EOI to the slave */
	outb(0x20, 0x20);		/* and the master */
}

static void apic_handler(struct hv_ex_regs *regs)
{
	irq_record(regs);
	apic_write(APIC_EOI, 0);
}

/*
 * A level interrupt whose line stays high comes back after every EOI,
 * before the interrupted code runs again: after the third, mask the pin
 * (as an OS's handler for a storming line would) so the guest goes on.
 */
static void level_handler(struct hv_ex_regs *regs)
{
	irq_record(regs);
	if (READ_ONCE(irq_nr) >= 3)
		ioapic_write(0x10 + 2 * 5, IOAPIC_VEC | 0x18000);
	apic_write(APIC_EOI, 0);
}

static void guest_devices(void)
{
	u8 lsb, msb;
	u16 c1, c2;
	u64 spins;

	pic_init(0xfb, 0xff);
	GUEST_ASSERT_EQ(inb(0x21), 0xfb);
	GUEST_ASSERT_EQ(inb(0xa1), 0xff);
	outb(0x20, 0x0b);		/* OCW3: read ISR */
	GUEST_ASSERT_EQ(inb(0x20), 0);
	outb(0x20, 0x0a);		/* OCW3: read IRR */
	GUEST_ASSERT_EQ(inb(0x20), 0);
	/* ELCR: IRQ 0-2, 8 and 13 cannot be level-triggered. */
	outb(0x4d0, 0xff);
	outb(0x4d1, 0xff);
	GUEST_ASSERT_EQ(inb(0x4d0), 0xf8);
	GUEST_ASSERT_EQ(inb(0x4d1), 0xde);
	outb(0x4d0, 0x20);
	outb(0x4d1, 0x00);

	/* IOAPIC: VER = 24 entries, version 0x11; ID is bits 27:24. */
	GUEST_ASSERT_EQ(ioapic_read(1), 0x00170011);
	ioapic_write(0, 0x0a000000);
	GUEST_ASSERT_EQ(ioapic_read(0), 0x0a000000);
	GUEST_ASSERT_EQ(ioapic_read(2), 0x0a000000);	/* ARB */
	/* Entry 3: vector 0x33, level, masked; Remote IRR is read-only. */
	ioapic_write(0x10 + 2 * 3, 0x0001c033);
	ioapic_write(0x11 + 2 * 3, 0x03000000);
	GUEST_ASSERT_EQ(ioapic_read(0x10 + 2 * 3), 0x00018033);
	GUEST_ASSERT_EQ(ioapic_read(0x11 + 2 * 3), 0x03000000);

	/* PIT counter 2, mode 0, LSB/MSB, gate on, speaker off. */
	outb(0x61, (inb(0x61) & ~0x02) | 0x01);
	outb(0x43, 0xb0);
	outb(0x42, 0xff);
	outb(0x42, 0xff);
	outb(0x43, 0x80);		/* latch counter 2 */
	lsb = inb(0x42);
	msb = inb(0x42);
	c1 = lsb | msb << 8;
	for (spins = 0; spins < 100000; spins++)
		asm volatile("pause");
	outb(0x43, 0x80);
	lsb = inb(0x42);
	msb = inb(0x42);
	c2 = lsb | msb << 8;
	GUEST_ASSERT(c2 < c1);
	/*
	 * Read-back of counter 2's status: RW 3, mode 0 (OUT may be high
	 * already: 55 ms pass quickly in an emulated host).
	 */
	outb(0x43, 0xe8);
	GUEST_ASSERT_EQ(inb(0x42) & 0x7f, 0x30);
	/* 100 clocks = 84 us: OUT rises at terminal count. */
	outb(0x42, 100);
	outb(0x42, 0);
	for (spins = 0; !(inb(0x61) & 0x20); spins++)
		GUEST_ASSERT(spins < 10000000);
	outb(0x43, 0xe8);
	GUEST_ASSERT_EQ(inb(0x42), 0xb0);
	GUEST_DONE();
}

static void guest_pic_irq_line(void)
{
	pic_init(0xf7 & 0xfb, 0xff);	/* IRQ 3 and the cascade */
	sti();
	GUEST_SYNC(1);			/* host: IRQ 3 edge */
	GUEST_ASSERT(guest_wait_irqs(1));
	GUEST_SYNC(2);			/* host: IRQ 4 (masked) */
	irq_linger_expect(1);
	GUEST_SYNC(3);			/* host: IRQ 3 twice before INTA */
	GUEST_ASSERT(guest_wait_irqs(2));
	irq_linger_expect(2);		/* IRR holds one request */
	GUEST_SYNC(4);			/* host: IRQ 3 again */
	GUEST_ASSERT(guest_wait_irqs(3));
	irq_linger_expect(3);
	GUEST_DONE();
}

static void guest_ioapic_irq_line(u64 level)
{
	u32 lo = IOAPIC_VEC | (level ? 0x8000 : 0);	/* fixed, physical */
	u64 n;

	/*
	 * GSI 5 also reaches the PIC's IRQ 5 (KVM's default routing): mask
	 * it there, as an OS using the IOAPIC does.
	 */
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
	apic_write(APIC_SVR, 0x1ff);	/* software-enable the local APIC */
	ioapic_write(0x11 + 2 * 5, 0);	/* destination APIC ID 0 */
	ioapic_write(0x10 + 2 * 5, lo);
	sti();
	GUEST_SYNC(1);			/* host: raise GSI 5 (edge: pulse) */
	if (!level) {
		GUEST_ASSERT(guest_wait_irqs(1));
		irq_linger_expect(1);
		GUEST_DONE();
	}
	/* Each EOI finds the line still high: delivered again. */
	GUEST_ASSERT(guest_wait_irqs(3));
	n = READ_ONCE(irq_nr);
	GUEST_ASSERT_EQ(n, 3);		/* masked by the third */
	GUEST_SYNC(2);			/* host: lower GSI 5 */
	/* Unmasked with the line low: Remote IRR is clear, nothing comes. */
	ioapic_write(0x10 + 2 * 5, lo);
	GUEST_ASSERT_EQ(ioapic_read(0x10 + 2 * 5), lo);
	irq_linger_expect(3);
	GUEST_DONE();
}

static void guest_pit_periodic(u64 ticks)
{
	u64 start, end;

	pic_init(0xfe, 0xff);		/* IRQ 0 only */
	sti();
	start = rdtsc();
	outb(0x43, 0x34);		/* counter 0, LSB/MSB, mode 2 */
	outb(0x40, 1193 & 0xff);	/* 1193 clocks: 1 kHz */
	outb(0x40, 1193 >> 8);
	GUEST_ASSERT(guest_wait_irqs(ticks));
	end = rdtsc();
	cli();
	outb(0x43, 0x30);		/* counter 0 back to mode 0 */
	GUEST_SYNC_ARGS(end - start, 0, 0, 0);
	GUEST_DONE();
}

static u8 pic_poll(u16 cmd_port)
{
	outb(cmd_port, 0x0c);		/* OCW3: poll */
	return inb(cmd_port);
}

static u8 pic_isr(u16 cmd_port)
{
	outb(cmd_port, 0x0b);		/* OCW3: read ISR */
	return inb(cmd_port);
}

static u8 pic_irr(u16 cmd_port)
{
	outb(cmd_port, 0x0a);		/* OCW3: read IRR */
	return inb(cmd_port);
}

/*
 * Poll mode, priorities and EOIs with interrupts off: the host raises
 * IRQ 3, 5 and 10; polls return them by priority (the cascade, IR2,
 * before IR3), each poll is the INTA (the level goes to ISR, 8259A
 * datasheet "The Poll Command"; KVM clears it: @is_hv) and an EOI ends
 * it; after OCW2 "set priority" with IR4 lowest, IR5 comes first.
 */
static void guest_pic_poll(u64 is_hv)
{
/*
 * The poll word: I (bit 7) and W2-W0.  KVM 6.1 answers without I (seen
 * with kvm_amd), so only the level is checked there.
 */
#define POLL_EXPECT(port, irq)						\
	do {								\
		u8 __v = pic_poll(port), __irq = (irq);			\
		if (is_hv)						\
			GUEST_ASSERT_EQ(__v, 0x80 | __irq);		\
		else							\
			GUEST_ASSERT_EQ(__v & 7, __irq);		\
	} while (0)

	cli();
	pic_init(0x00, 0x00);
	GUEST_SYNC(1);			/* host: edges on IRQ 3, 5 and 10 */
	GUEST_ASSERT_EQ(pic_irr(0x20), 0x2c);
	GUEST_ASSERT_EQ(pic_irr(0xa0), 0x04);
	POLL_EXPECT(0x20, 2);		/* the slave's request */
	POLL_EXPECT(0xa0, 2);		/* IRQ 10 */
	if (is_hv)
		GUEST_ASSERT_EQ(pic_isr(0xa0), 0x04);
	outb(0xa0, 0x20);		/* non-specific EOI */
	outb(0x20, 0x20);
	GUEST_ASSERT_EQ(pic_isr(0xa0), 0);
	POLL_EXPECT(0x20, 3);
	if (is_hv) {
		GUEST_ASSERT_EQ(pic_isr(0x20), 0x08);
		/* IR5 waits: IR3 in service has the higher priority. */
		GUEST_ASSERT_EQ(pic_poll(0x20), 0);
		outb(0x20, 0x63);	/* specific EOI of IR3 */
	}
	POLL_EXPECT(0x20, 5);
	outb(0x20, 0x20);
	GUEST_ASSERT_EQ(pic_isr(0x20), 0);
	if (is_hv)
		GUEST_ASSERT_EQ(pic_poll(0x20), 0);
	outb(0x20, 0xc4);		/* OCW2: set priority, IR4 lowest */
	GUEST_SYNC(2);			/* host: edges on IRQ 3 and 5 */
	POLL_EXPECT(0x20, 5);
	outb(0x20, 0x20);
	POLL_EXPECT(0x20, 3);
	outb(0x20, 0x20);
	GUEST_DONE();
#undef POLL_EXPECT
}

/* IRQ0 through IOAPIC pin 2 (the MADT override), edge, to APIC 0. */
static void guest_pit_ioapic(u64 ticks)
{
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
	apic_write(APIC_SVR, 0x1ff);
	ioapic_write(0x11 + 2 * 2, 0);
	ioapic_write(0x10 + 2 * 2, IOAPIC_VEC + 0x10);
	sti();
	outb(0x43, 0x34);
	outb(0x40, 1193 & 0xff);
	outb(0x40, 1193 >> 8);
	GUEST_ASSERT(guest_wait_irqs(ticks));
	cli();
	outb(0x43, 0x30);
	GUEST_DONE();
}

/*
 * Random bytes to every register of the PICs, the ELCR, the PIT and the
 * speaker port, and random accesses of every size to the IOAPIC window,
 * with interrupts off (a random vector base could point at exceptions).
 */
static void guest_fuzz(u64 rounds)
{
	static const u16 ports[] = { 0x20, 0x21, 0xa0, 0xa1, 0x4d0, 0x4d1,
				     0x40, 0x41, 0x42, 0x43, 0x61 };
	u64 x = 0x9e3779b97f4a7c15ULL, i;
	u8 *io = (u8 *)IOAPIC_GPA;
	u16 port;
	u32 off;

	cli();
	for (i = 0; i < rounds; i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		port = ports[(x >> 33) % HV_ARRAY_SIZE(ports)];
		if ((x >> 20) & 1)
			outb(port, x >> 40);
		else
			(void)inb(port);
		off = (x >> 48) & 0x1f;
		switch ((x >> 56) & 7) {
		case 0:
			*(volatile u8 *)(io + off) = x;
			break;
		case 1:
			*(volatile u16 *)(io + (off & ~1)) = x;
			break;
		case 2:
			*(volatile u32 *)(io + (off & ~3)) = x >> 8;
			break;
		case 3:
			*(volatile u64 *)(io + (off & ~7)) = x;
			break;
		case 4:
			(void)*(volatile u32 *)(io + (off & ~3));
			break;
		case 5:
			(void)*(volatile u64 *)(io + (off & ~7));
			break;
		default:
			(void)*(volatile u8 *)(io + off);
			break;
		}
	}
	GUEST_DONE();
}

/* Host --------------------------------------------------------------- */

static int irq_line(struct hv_vm *vm, u32 gsi, u32 level)
{
	struct hv_irq_level l = { .irq = gsi, .level = level };

	return __vm_ioctl(vm, HV_IRQ_LINE, &l);
}

static int irq_line_status(struct hv_vm *vm, u32 gsi, u32 level, int32_t *status)
{
	struct hv_irq_level l = { .irq = gsi, .level = level };
	int r = __vm_ioctl(vm, HV_IRQ_LINE_STATUS, &l);

	*status = l.status;
	return r;
}

/*
 * A VM with the in-kernel irqchip and vCPU 0 at @guest_code logging
 * vectors 0x20-0xff with @handler, or NULL with *why set when the device
 * cannot deliver interrupts from it yet.
 */
static struct hv_vcpu *irqchip_guest(struct hv_vm **vmp, void *guest_code,
				     hv_ex_handler_t handler, bool pit,
				     const char **why)
{
	static char reason[96];
	struct hv_lapic_state lapic;
	struct hv_pit_config config = { .flags = HV_PIT_SPEAKER_DUMMY };
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;
	unsigned int v;
	long r;

	vm = hv_vm_create();
	*vmp = vm;
	r = __vm_ioctl(vm, HV_CREATE_IRQCHIP, 0);
	TEST_ASSERT(!r, "HV_CREATE_IRQCHIP: %s", strerror(-r));
	if (pit) {
		r = __vm_ioctl(vm, HV_CREATE_PIT2, &config);
		TEST_ASSERT(!r, "HV_CREATE_PIT2: %s", strerror(-r));
	}
	for (v = 0x20; v < HV_NR_VECTORS; v++)
		vm_install_exception_handler(vm, v, handler);
	vcpu = hv_vcpu_add(vm, 0, guest_code);
	guest_tsc_khz = __vcpu_ioctl(vcpu, HV_GET_TSC_KHZ, 0);
	TEST_ASSERT((long)guest_tsc_khz > 0, "HV_GET_TSC_KHZ");
	sync_global_to_guest(vm, guest_tsc_khz);
	*why = NULL;
	r = __vcpu_ioctl(vcpu, HV_GET_LAPIC, &lapic);
	if (r) {
		snprintf(reason, sizeof(reason),
			 "no in-kernel local APIC (HV_GET_LAPIC: %s)",
			 strerror(-r));
		*why = reason;
		return NULL;
	}
	r = irq_line(vm, 15, 0);
	if (r) {
		snprintf(reason, sizeof(reason), "HV_IRQ_LINE: %s",
			 strerror(-r));
		*why = reason;
		return NULL;
	}
	return vcpu;
}

TEST(guest_programs_devices)
{
	struct hv_pit_config config = { .flags = HV_PIT_SPEAKER_DUMMY };
	struct hv_irqchip chip = {};
	struct hv_pit_state2 pit;
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;

	HV_REQUIRE_GUEST(return, HV_CAP_IRQCHIP, HV_CAP_PIT2,
			 HV_CAP_PIT_STATE2);
	vm = hv_vm_create();
	ASSERT_EQ(0, __vm_ioctl(vm, HV_CREATE_IRQCHIP, 0));
	ASSERT_EQ(0, __vm_ioctl(vm, HV_CREATE_PIT2, &config));
	vcpu = hv_vcpu_add(vm, 0, guest_devices);
	vcpu_expect_ucall(vcpu, UCALL_DONE, NULL);

	chip.chip_id = HV_IRQCHIP_PIC_MASTER;
	ASSERT_EQ(0, __vm_ioctl(vm, HV_GET_IRQCHIP, &chip));
	EXPECT_EQ(PIC_BASE, chip.chip.pic.irq_base);
	EXPECT_EQ(0xfb, chip.chip.pic.imr);
	EXPECT_EQ(0, chip.chip.pic.init_state);
	EXPECT_EQ(0x20, chip.chip.pic.elcr);
	EXPECT_EQ(0, chip.chip.pic.read_reg_select);	/* OCW3 RR, RIS=0 */
	chip.chip_id = HV_IRQCHIP_PIC_SLAVE;
	ASSERT_EQ(0, __vm_ioctl(vm, HV_GET_IRQCHIP, &chip));
	EXPECT_EQ(PIC2_BASE, chip.chip.pic.irq_base);
	EXPECT_EQ(0xff, chip.chip.pic.imr);
	chip.chip_id = HV_IRQCHIP_IOAPIC;
	ASSERT_EQ(0, __vm_ioctl(vm, HV_GET_IRQCHIP, &chip));
	EXPECT_EQ(0xa, chip.chip.ioapic.id);
	EXPECT_EQ(0x0300000000018033ULL, chip.chip.ioapic.redirtbl[3].bits);

	ASSERT_EQ(0, __vm_ioctl(vm, HV_GET_PIT2, &pit));
	EXPECT_EQ(0, pit.channels[2].mode);
	EXPECT_EQ(100, pit.channels[2].count);
	EXPECT_EQ(3, pit.channels[2].rw_mode);
	EXPECT_EQ(1, pit.channels[2].gate);
	hv_vm_free(vm);
}

TEST(pic_irq_line)
{
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;
	const char *why;
	int32_t status;

	HV_REQUIRE_GUEST(return, HV_CAP_IRQCHIP);
	vcpu = irqchip_guest(&vm, guest_pic_irq_line, pic_handler, false,
			     &why);
	if (!vcpu) {
		hv_vm_free(vm);
		SKIP(return, "%s", why);
	}
	vcpu_expect_ucall(vcpu, UCALL_SYNC, NULL);
	ASSERT_EQ(0, irq_line_status(vm, 3, 1, &status));
	EXPECT_LT(0, status);
	ASSERT_EQ(0, irq_line(vm, 3, 0));
	vcpu_expect_ucall(vcpu, UCALL_SYNC, NULL);
	/* IRQ 4: masked in the PIC and in the IOAPIC. */
	ASSERT_EQ(0, irq_line_status(vm, 4, 1, &status));
	EXPECT_GT(0, status);
	ASSERT_EQ(0, irq_line(vm, 4, 0));
	vcpu_expect_ucall(vcpu, UCALL_SYNC, NULL);
	ASSERT_EQ(0, irq_line_status(vm, 3, 1, &status));
	EXPECT_LT(0, status);
	ASSERT_EQ(0, irq_line(vm, 3, 0));
	/* The first edge waits in IRR: the second coalesces with it. */
	ASSERT_EQ(0, irq_line_status(vm, 3, 1, &status));
	EXPECT_EQ(0, status);
	ASSERT_EQ(0, irq_line(vm, 3, 0));
	vcpu_expect_ucall(vcpu, UCALL_SYNC, NULL);
	ASSERT_EQ(0, irq_line(vm, 3, 1));
	ASSERT_EQ(0, irq_line(vm, 3, 0));
	vcpu_expect_ucall(vcpu, UCALL_DONE, NULL);
	sync_global_from_guest(vm, irq_nr);
	sync_global_from_guest(vm, irq_log);
	ASSERT_EQ(3, irq_nr);
	EXPECT_EQ(PIC_BASE + 3, irq_log[0].vector);
	EXPECT_EQ(PIC_BASE + 3, irq_log[1].vector);
	EXPECT_EQ(PIC_BASE + 3, irq_log[2].vector);
	hv_vm_free(vm);
}

static void ioapic_irq_line(struct __test_metadata *_metadata, bool level)
{
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;
	const char *why;

	vcpu = irqchip_guest(&vm, guest_ioapic_irq_line,
			     level ? level_handler : apic_handler, false, &why);
	if (!vcpu) {
		hv_vm_free(vm);
		SKIP(return, "%s", why);
	}
	vcpu_args_set(vcpu, 1, (u64)level);
	vcpu_expect_ucall(vcpu, UCALL_SYNC, NULL);
	ASSERT_EQ(0, irq_line(vm, 5, 1));
	if (level) {
		vcpu_expect_ucall(vcpu, UCALL_SYNC, NULL);
		ASSERT_EQ(0, irq_line(vm, 5, 0));
	} else {
		ASSERT_EQ(0, irq_line(vm, 5, 0));
	}
	vcpu_expect_ucall(vcpu, UCALL_DONE, NULL);
	sync_global_from_guest(vm, irq_nr);
	sync_global_from_guest(vm, irq_log);
	EXPECT_EQ(level ? 3 : 1, irq_nr);
	EXPECT_EQ(IOAPIC_VEC, irq_log[0].vector);
	hv_vm_free(vm);
}

TEST(ioapic_irq_line_edge)
{
	HV_REQUIRE_GUEST(return, HV_CAP_IRQCHIP);
	ioapic_irq_line(_metadata, false);
}

TEST(ioapic_irq_line_level)
{
	HV_REQUIRE_GUEST(return, HV_CAP_IRQCHIP);
	ioapic_irq_line(_metadata, true);
}

static u64 mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

TEST(pit_periodic_irq0)
{
	const u64 ticks = 50;
	struct hv_vcpu *vcpu;
	u64 wall, guest_ns;
	struct ucall uc;
	struct hv_vm *vm;
	const char *why;

	HV_REQUIRE_GUEST(return, HV_CAP_IRQCHIP, HV_CAP_PIT2);
	vcpu = irqchip_guest(&vm, guest_pit_periodic, pic_handler, true,
			     &why);
	if (!vcpu) {
		hv_vm_free(vm);
		SKIP(return, "%s", why);
	}
	vcpu_args_set(vcpu, 1, ticks);
	wall = mono_ns();
	vcpu_expect_ucall(vcpu, UCALL_SYNC, &uc);
	wall = mono_ns() - wall;
	guest_ns = uc.args[0] * 1000000ULL / guest_tsc_khz;
	TH_LOG("%llu ticks: %llu us of guest TSC, %llu us wall",
	       (unsigned long long)ticks, (unsigned long long)guest_ns / 1000,
	       (unsigned long long)wall / 1000);
	/* Each tick is an expiry of the 838 ns * 1193 period. */
	EXPECT_LE(ticks * 1000000ULL * 95 / 100, guest_ns);
	EXPECT_GE(wall + 10000000ULL, guest_ns * 9 / 10);
	vcpu_expect_ucall(vcpu, UCALL_DONE, NULL);
	sync_global_from_guest(vm, irq_log);
	EXPECT_EQ(PIC_BASE, irq_log[0].vector);
	hv_vm_free(vm);
}

TEST(pic_poll_and_priority)
{
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;
	const char *why;

	HV_REQUIRE_GUEST(return, HV_CAP_IRQCHIP);
	vcpu = irqchip_guest(&vm, guest_pic_poll, pic_handler, false, &why);
	if (!vcpu) {
		hv_vm_free(vm);
		SKIP(return, "%s", why);
	}
	vcpu_args_set(vcpu, 1, (u64)hv_dev_is_hv());
	vcpu_expect_ucall(vcpu, UCALL_SYNC, NULL);
	ASSERT_EQ(0, irq_line(vm, 3, 1));
	ASSERT_EQ(0, irq_line(vm, 3, 0));
	ASSERT_EQ(0, irq_line(vm, 5, 1));
	ASSERT_EQ(0, irq_line(vm, 5, 0));
	ASSERT_EQ(0, irq_line(vm, 10, 1));
	ASSERT_EQ(0, irq_line(vm, 10, 0));
	vcpu_expect_ucall(vcpu, UCALL_SYNC, NULL);
	ASSERT_EQ(0, irq_line(vm, 3, 1));
	ASSERT_EQ(0, irq_line(vm, 3, 0));
	ASSERT_EQ(0, irq_line(vm, 5, 1));
	ASSERT_EQ(0, irq_line(vm, 5, 0));
	vcpu_expect_ucall(vcpu, UCALL_DONE, NULL);
	sync_global_from_guest(vm, irq_nr);
	EXPECT_EQ(0, irq_nr);
	hv_vm_free(vm);
}

/*
 * QEMU's table: GSI 0 to the PIC's IRQ 0 and the IOAPIC's pin 2.  The
 * PIT's ticks must keep coming through the IOAPIC: with reinjection
 * each waits for the EOI of the previous one (an edge interrupt's EOI
 * reaches the IOAPIC's ack notifiers too).
 */
TEST(pit_irq0_via_ioapic_pin2)
{
	struct {
		struct hv_irq_routing r;
		struct hv_irq_routing_entry e[2];
	} table = { .r.nr = 2 };
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;
	const char *why;
	unsigned int i;

	HV_REQUIRE_GUEST(return, HV_CAP_IRQCHIP, HV_CAP_PIT2,
			 HV_CAP_IRQ_ROUTING);
	vcpu = irqchip_guest(&vm, guest_pit_ioapic, apic_handler, true, &why);
	if (!vcpu) {
		hv_vm_free(vm);
		SKIP(return, "%s", why);
	}
	for (i = 0; i < 2; i++) {
		table.e[i].gsi = 0;
		table.e[i].type = HV_IRQ_ROUTING_IRQCHIP;
	}
	table.e[0].u.irqchip.irqchip = HV_IRQCHIP_PIC_MASTER;
	table.e[0].u.irqchip.pin = 0;
	table.e[1].u.irqchip.irqchip = HV_IRQCHIP_IOAPIC;
	table.e[1].u.irqchip.pin = 2;
	ASSERT_EQ(0, __vm_ioctl(vm, HV_SET_GSI_ROUTING, &table));
	vcpu_args_set(vcpu, 1, 20ULL);
	vcpu_expect_ucall(vcpu, UCALL_DONE, NULL);
	sync_global_from_guest(vm, irq_log);
	EXPECT_EQ(IOAPIC_VEC + 0x10, irq_log[0].vector);
	EXPECT_EQ(IOAPIC_VEC + 0x10, irq_log[7].vector);
	hv_vm_free(vm);
}

/*
 * Nothing a guest writes to the devices, nor any state userspace sets,
 * may upset the host (the host run checks the kernel log).
 */
TEST(devices_survive_garbage)
{
	struct hv_pit_config config = { .flags = HV_PIT_SPEAKER_DUMMY };
	struct hv_pit_state2 pit;
	struct hv_irqchip chip;
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;
	unsigned int i, j;

	HV_REQUIRE_GUEST(return, HV_CAP_IRQCHIP, HV_CAP_PIT2,
			 HV_CAP_PIT_STATE2);
	vm = hv_vm_create();
	ASSERT_EQ(0, __vm_ioctl(vm, HV_CREATE_IRQCHIP, 0));
	ASSERT_EQ(0, __vm_ioctl(vm, HV_CREATE_PIT2, &config));
	vcpu = hv_vcpu_add(vm, 0, guest_fuzz);
	vcpu_args_set(vcpu, 1, 20000ULL);
	vcpu_expect_ucall(vcpu, UCALL_DONE, NULL);
	for (i = 0; i < 8; i++) {
		for (j = 0; j < HV_NR_IRQCHIPS; j++) {
			memset(&chip, 0x11 * (i + 1) + j, sizeof(chip));
			chip.chip_id = j;
			EXPECT_EQ(0, __vm_ioctl(vm, HV_SET_IRQCHIP, &chip));
			EXPECT_EQ(0, __vm_ioctl(vm, HV_GET_IRQCHIP, &chip));
		}
		memset(&pit, 0x5a + i, sizeof(pit));
		EXPECT_EQ(0, __vm_ioctl(vm, HV_SET_PIT2, &pit));
		for (j = 0; j < 24; j++) {
			EXPECT_EQ(0, irq_line(vm, j, 1));
			EXPECT_EQ(0, irq_line(vm, j, 0));
		}
	}
	usleep(10000);
	hv_vm_free(vm);
}

int main(int argc, char **argv)
{
	hv_require_dev();
	return test_harness_run(argc, argv);
}

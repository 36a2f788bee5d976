// SPDX-License-Identifier: GPL-2.0-only
/*
 * GSI routing, HV_IRQ_LINE(_STATUS), HV_SIGNAL_MSI and HV_IRQFD.
 *   - without an in-kernel irqchip, KVM's errno: SET_GSI_ROUTING and
 *     SIGNAL_MSI EINVAL, IRQ_LINE(_STATUS) ENXIO, IRQFD assign EINVAL;
 *     IRQFD flags are checked first, DEASSIGN of nothing succeeds;
 *   - with one (HV_CREATE_IRQCHIP; the tests skip, saying so, where it
 *     fails with ENOTTY or EINVAL): routing tables are checked entry by
 *     entry (flags, GSI bound, irqchip and pin, one route per irqchip,
 *     nothing beside an MSI route); IRQFD errno (EBADF, EINVAL for a
 *     non-eventfd, EBUSY for an eventfd already used); IRQ_LINE_STATUS
 *     writes the status back (-1 for a GSI without routes);
 *   - an MSI through an irqfd, and through SIGNAL_MSI, reaches the
 *     guest's handler at the MSI's vector (in-kernel local APIC);
 *   - a resampling irqfd holds a level-triggered IOAPIC line until the
 *     guest's EOI, which signals the resamplefd once;
 *   - irqfds assigned, signalled, rerouted, deassigned and closed with
 *     the VM from concurrent threads: no crash or use after free.
 */
#include <pthread.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "ucall.h"
#include "x86/irq_inject.h"
#include "x86/processor.h"

#define APIC_BASE	0xfee00000UL
#define APIC_EOI	0xb0
#define APIC_SVR	0xf0
#define APIC_SVR_ENABLE	BIT(8)
#define MSI_VECTOR	0x40
#define MSI2_VECTOR	0x41
#define MSI_GSI		30

static int new_eventfd(void)
{
	int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

	TEST_ASSERT(fd >= 0, "eventfd");
	return fd;
}

static int __irqfd(struct hv_vm *vm, int fd, u32 gsi, u32 flags,
		   int resamplefd)
{
	struct hv_irqfd args = {
		.fd = fd, .gsi = gsi, .flags = flags, .resamplefd = resamplefd,
	};

	return __vm_ioctl(vm, HV_IRQFD, &args);
}

static int __irq_line(struct hv_vm *vm, unsigned long cmd, u32 irq,
		      u32 level, __s32 *status)
{
	struct hv_irq_level l = { .irq = irq, .level = level };
	int r = __vm_ioctl(vm, cmd, &l);

	if (status)
		*status = l.status;
	return r;
}

static int __signal_msi(struct hv_vm *vm, u32 addr, u32 data, u32 flags)
{
	struct hv_msi msi = {
		.address_lo = addr, .data = data, .flags = flags,
	};

	return __vm_ioctl(vm, HV_SIGNAL_MSI, &msi);
}

/* HV_SET_GSI_ROUTING with @nr entries (and @flags in the header). */
static int __set_routing(struct hv_vm *vm, const struct hv_irq_routing_entry *e,
			 u32 nr, u32 flags)
{
	struct hv_irq_routing *r;
	int ret;

	r = calloc(1, sizeof(*r) + (nr ? nr : 1) * sizeof(*e));
	TEST_ASSERT(r, "calloc");
	r->nr = nr;
	r->flags = flags;
	if (e)
		memcpy(r->entries, e, nr * sizeof(*e));
	ret = __vm_ioctl(vm, HV_SET_GSI_ROUTING, r);
	free(r);
	return ret;
}

static struct hv_irq_routing_entry chip_route(u32 gsi, u32 chip, u32 pin)
{
	return (struct hv_irq_routing_entry){
		.gsi = gsi, .type = HV_IRQ_ROUTING_IRQCHIP,
		.u.irqchip = { .irqchip = chip, .pin = pin },
	};
}

static struct hv_irq_routing_entry msi_route(u32 gsi, u32 vector)
{
	return (struct hv_irq_routing_entry){
		.gsi = gsi, .type = HV_IRQ_ROUTING_MSI,
		.u.msi = { .address_lo = APIC_BASE, .data = vector },
	};
}

/*
 * HV_CREATE_IRQCHIP on a VM without vCPUs: NULL, or why it is not
 * there (a device without it answers ENOTTY or EINVAL).
 */
static const char *create_irqchip(struct hv_vm *vm)
{
	static char why[64];
	int r = __vm_ioctl(vm, HV_CREATE_IRQCHIP, 0);

	if (!r)
		return NULL;
	TEST_ASSERT(r == -ENOTTY || r == -EINVAL, "HV_CREATE_IRQCHIP: %s",
		    strerror(-r));
	snprintf(why, sizeof(why), "HV_CREATE_IRQCHIP: %s", strerror(-r));
	return why;
}

#define REQUIRE_IRQCHIP(vm)						\
	do {								\
		struct hv_vm *__vm = (vm);				\
		const char *__why = create_irqchip(__vm);		\
		if (__why) {						\
			hv_vm_free(__vm);				\
			SKIP(return, "%s", __why);			\
		}							\
	} while (0)

TEST(no_irqchip_errnos)
{
	struct hv_irq_routing_entry e = msi_route(1, MSI_VECTOR);
	struct hv_vm *vm;
	int efd;

	vm = hv_vm_create_bare();
	efd = new_eventfd();
	EXPECT_EQ(-EINVAL, __set_routing(vm, NULL, 0, 0));
	EXPECT_EQ(-EINVAL, __set_routing(vm, &e, 1, 0));
	EXPECT_EQ(-ENXIO, __irq_line(vm, HV_IRQ_LINE, 4, 1, NULL));
	EXPECT_EQ(-ENXIO, __irq_line(vm, HV_IRQ_LINE_STATUS, 4, 1, NULL));
	EXPECT_EQ(-EINVAL, __signal_msi(vm, APIC_BASE, MSI_VECTOR, 0));
	EXPECT_EQ(-EINVAL, __irqfd(vm, efd, 1, 0, 0));
	EXPECT_EQ(-EINVAL, __irqfd(vm, -1, 1, 0, 0));
	EXPECT_EQ(-EINVAL, __irqfd(vm, efd, 1, HV_IRQFD_FLAG_RESAMPLE, efd));
	/* Flags first, DEASSIGN needs no irqchip and finds nothing. */
	EXPECT_EQ(-EINVAL, __irqfd(vm, efd, 1, 1 << 2, 0));
	EXPECT_EQ(-EINVAL, __irqfd(vm, efd, 1,
				   HV_IRQFD_FLAG_DEASSIGN | 1 << 2, 0));
	EXPECT_EQ(0, __irqfd(vm, efd, 1, HV_IRQFD_FLAG_DEASSIGN, 0));
	EXPECT_EQ(-EBADF, __irqfd(vm, -1, 1, HV_IRQFD_FLAG_DEASSIGN, 0));
	close(efd);
	hv_vm_free(vm);
}

TEST(routing_errnos)
{
	struct hv_irq_routing_entry e[3];
	struct hv_vm *vm;

	vm = hv_vm_create_bare();
	REQUIRE_IRQCHIP(vm);

	EXPECT_EQ(0, __set_routing(vm, NULL, 0, 0));
	EXPECT_EQ(-EINVAL, __set_routing(vm, NULL, 0, 1));
	/* More entries than HV_CAP_IRQ_ROUTING allows, before any copy. */
	EXPECT_EQ(-EINVAL, __set_routing(vm, NULL, 4097, 0));

	e[0] = chip_route(4095, HV_IRQCHIP_IOAPIC, 1);
	EXPECT_EQ(0, __set_routing(vm, e, 1, 0));
	e[0].gsi = 4096;
	EXPECT_EQ(-EINVAL, __set_routing(vm, e, 1, 0));

	e[0] = chip_route(1, HV_IRQCHIP_IOAPIC, 1);
	e[0].flags = 1;
	EXPECT_EQ(-EINVAL, __set_routing(vm, e, 1, 0));
	e[0] = msi_route(1, MSI_VECTOR);
	e[0].flags = HV_MSI_VALID_DEVID << 1;
	EXPECT_EQ(-EINVAL, __set_routing(vm, e, 1, 0));
	e[0] = chip_route(1, 3, 1);
	EXPECT_EQ(-EINVAL, __set_routing(vm, e, 1, 0));
	e[0] = chip_route(1, HV_IRQCHIP_IOAPIC, 24);
	EXPECT_EQ(-EINVAL, __set_routing(vm, e, 1, 0));
	e[0] = chip_route(1, HV_IRQCHIP_PIC_SLAVE, 8);
	EXPECT_EQ(-EINVAL, __set_routing(vm, e, 1, 0));
	e[0].type = 42;
	EXPECT_EQ(-EINVAL, __set_routing(vm, e, 1, 0));

	/* One route per irqchip; an MSI route stands alone. */
	e[0] = chip_route(2, HV_IRQCHIP_PIC_MASTER, 2);
	e[1] = chip_route(2, HV_IRQCHIP_IOAPIC, 2);
	e[2] = chip_route(2, HV_IRQCHIP_IOAPIC, 3);
	EXPECT_EQ(0, __set_routing(vm, e, 2, 0));
	EXPECT_EQ(-EINVAL, __set_routing(vm, e, 3, 0));
	e[2] = msi_route(2, MSI_VECTOR);
	EXPECT_EQ(-EINVAL, __set_routing(vm, e, 3, 0));
	e[0] = msi_route(2, MSI_VECTOR);
	e[1] = chip_route(2, HV_IRQCHIP_IOAPIC, 2);
	EXPECT_EQ(-EINVAL, __set_routing(vm, e, 2, 0));
	e[1] = msi_route(2, MSI2_VECTOR);
	EXPECT_EQ(-EINVAL, __set_routing(vm, e, 2, 0));
	e[1] = msi_route(3, MSI2_VECTOR);
	EXPECT_EQ(0, __set_routing(vm, e, 2, 0));
	hv_vm_free(vm);
}

TEST(irq_line_status)
{
	struct hv_vm *vm;
	__s32 status = 0;

	vm = hv_vm_create_bare();
	REQUIRE_IRQCHIP(vm);
	EXPECT_EQ(0, __irq_line(vm, HV_IRQ_LINE, 1000, 1, NULL));
	/* No route: nothing delivered, and the status says so. */
	EXPECT_EQ(0, __irq_line(vm, HV_IRQ_LINE_STATUS, 1000, 1, &status));
	EXPECT_EQ(-1, status);
	EXPECT_EQ(0, __irq_line(vm, HV_IRQ_LINE_STATUS, 1000, 0, &status));
	EXPECT_EQ(-1, status);
	EXPECT_EQ(-EINVAL, __signal_msi(vm, APIC_BASE, MSI_VECTOR, 2));
	hv_vm_free(vm);
}

TEST(irqfd_errnos)
{
	int efd, efd2, efd3, pipefd[2];
	struct hv_vm *vm;

	vm = hv_vm_create_bare();
	REQUIRE_IRQCHIP(vm);
	efd = new_eventfd();
	efd2 = new_eventfd();
	efd3 = new_eventfd();
	ASSERT_EQ(0, pipe(pipefd));

	EXPECT_EQ(-EBADF, __irqfd(vm, -1, 1, 0, 0));
	EXPECT_EQ(-EINVAL, __irqfd(vm, pipefd[0], 1, 0, 0));
	EXPECT_EQ(-EBADF, __irqfd(vm, efd, 1, HV_IRQFD_FLAG_RESAMPLE, -1));
	EXPECT_EQ(-EINVAL, __irqfd(vm, efd, 1, HV_IRQFD_FLAG_RESAMPLE,
				   pipefd[0]));

	EXPECT_EQ(0, __irqfd(vm, efd, 1, 0, 0));
	/* One eventfd drives one GSI, whatever the GSI. */
	EXPECT_EQ(-EBUSY, __irqfd(vm, efd, 1, 0, 0));
	EXPECT_EQ(-EBUSY, __irqfd(vm, efd, 2, 0, 0));
	EXPECT_EQ(0, __irqfd(vm, efd2, 1, HV_IRQFD_FLAG_RESAMPLE, efd2));
	/* DEASSIGN needs the GSI too. */
	EXPECT_EQ(0, __irqfd(vm, efd, 2, HV_IRQFD_FLAG_DEASSIGN, 0));
	EXPECT_EQ(-EBUSY, __irqfd(vm, efd, 1, 0, 0));
	EXPECT_EQ(0, __irqfd(vm, efd, 1, HV_IRQFD_FLAG_DEASSIGN, 0));
	EXPECT_EQ(0, __irqfd(vm, efd, 2, 0, 0));
	/* A GSI beyond the table is accepted: it routes nowhere. */
	EXPECT_EQ(0, __irqfd(vm, efd3, 5000, 0, 0));
	ASSERT_EQ(8, write(efd3, &(u64){ 1 }, 8));

	/* Signalled, then closed with the VM: no leak, no crash. */
	ASSERT_EQ(8, write(efd, &(u64){ 1 }, 8));
	close(pipefd[0]);
	close(pipefd[1]);
	hv_vm_free(vm);
	/* The VM is gone, its irqfds with it: nothing to wake. */
	ASSERT_EQ(8, write(efd, &(u64){ 1 }, 8));
	ASSERT_EQ(8, write(efd3, &(u64){ 1 }, 8));
	close(efd);
	close(efd2);
	close(efd3);
}

/* Closing the eventfd deassigns its irqfd (EPOLLHUP): it can be reused. */
TEST(irqfd_close_deassigns)
{
	struct hv_vm *vm;
	int efd, i;

	vm = hv_vm_create_bare();
	REQUIRE_IRQCHIP(vm);
	for (i = 0; i < 16; i++) {
		efd = new_eventfd();
		EXPECT_EQ(0, __irqfd(vm, efd, i, i & 1 ?
				     HV_IRQFD_FLAG_RESAMPLE : 0, efd));
		ASSERT_EQ(8, write(efd, &(u64){ 1 }, 8));
		close(efd);
	}
	hv_vm_free(vm);
}

struct signaller {
	int fd;
	volatile bool stop;
};

static void *signal_loop(void *arg)
{
	struct signaller *s = arg;

	while (!s->stop)
		if (write(s->fd, &(u64){ 1 }, 8) != 8)
			break;
	return NULL;
}

/*
 * irqfds come and go (DEASSIGN, the eventfd's close, the VM's close)
 * while another thread keeps signalling them, with routes changing
 * under them; the eventfds outlive the VM and are signalled after it
 * is gone.  Nothing may crash, leak or use freed memory (the test hosts
 * run with slub_debug).
 *
 * Each round waits for about four SRCU grace periods (resampler attach
 * and detach, the irqfd shutdowns DEASSIGN flushes), some 45 ms of
 * guest time on one CPU that the two signalling threads keep busy.  The
 * single-CPU Bochs host needs minutes of real time for a second of that,
 * so the churn stops after CHURN_ROUNDS rounds or, once CHURN_MIN_ROUNDS
 * rounds (two VM closes) are done, after CHURN_SECS seconds.
 */
#define CHURN_ROUNDS		200
#define CHURN_MIN_ROUNDS	20
#define CHURN_SECS		1
#define CHURN_CLOSE_EVERY	10

static double now_secs(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

TEST(irqfd_churn)
{
	struct hv_irq_routing_entry e[2] = {
		msi_route(MSI_GSI, MSI_VECTOR),
		chip_route(4, HV_IRQCHIP_IOAPIC, 4),
	};
	struct signaller sig[2];
	pthread_t thread[2];
	struct hv_vm *vm;
	double start;
	int i, j;

	vm = hv_vm_create_bare();
	REQUIRE_IRQCHIP(vm);
	for (j = 0; j < 2; j++) {
		sig[j] = (struct signaller){ .fd = new_eventfd() };
		ASSERT_EQ(0, pthread_create(&thread[j], NULL, signal_loop,
					    &sig[j]));
	}
	start = now_secs();
	for (i = 0; i < CHURN_ROUNDS; i++) {
		u32 gsi = i & 1 ? MSI_GSI : 4;

		if (i >= CHURN_MIN_ROUNDS && now_secs() - start > CHURN_SECS)
			break;

		ASSERT_EQ(0, __irqfd(vm, sig[0].fd, gsi, 0, 0));
		ASSERT_EQ(0, __irqfd(vm, sig[1].fd, 4, HV_IRQFD_FLAG_RESAMPLE,
				     sig[0].fd));
		ASSERT_EQ(0, __set_routing(vm, e, i % 3, 0));
		ASSERT_EQ(0, __irqfd(vm, sig[0].fd, gsi,
				     HV_IRQFD_FLAG_DEASSIGN, 0));
		if (i % CHURN_CLOSE_EVERY != CHURN_CLOSE_EVERY - 1) {
			ASSERT_EQ(0, __irqfd(vm, sig[1].fd, 4,
					     HV_IRQFD_FLAG_DEASSIGN, 0));
			continue;
		}
		/* Leave one assigned, and close the VM under it. */
		hv_vm_free(vm);
		vm = hv_vm_create_bare();
		ASSERT_EQ(NULL, create_irqchip(vm));
	}
	TH_LOG("%d rounds in %.2f s", i, now_secs() - start);
	ASSERT_EQ(0, __irqfd(vm, sig[0].fd, 4, 0, 0));
	hv_vm_free(vm);
	usleep(10000);
	for (j = 0; j < 2; j++) {
		sig[j].stop = true;
		pthread_join(thread[j], NULL);
		close(sig[j].fd);
	}
}

static void apic_write(u32 reg, u32 v)
{
	WRITE_ONCE(*(volatile u32 *)(APIC_BASE + reg), v);
}

static void msi_handler(struct hv_ex_regs *regs)
{
	irq_record(regs);
	apic_write(APIC_EOI, 0);
}

/* Enable the APIC, then take one interrupt per round the host starts. */
static void guest_msi(void)
{
	apic_write(APIC_SVR, APIC_SVR_ENABLE | 0xff);
	sti();
	GUEST_SYNC(0);
	GUEST_ASSERT(irq_wait(1));
	GUEST_SYNC(1);
	GUEST_ASSERT(irq_wait(2));
	irq_linger_expect(2);
	GUEST_DONE();
}

TEST(irqfd_msi_delivery)
{
	struct hv_irq_routing_entry e = msi_route(MSI_GSI, MSI_VECTOR);
	struct hv_vcpu *vcpu;
	struct ucall uc;
	struct hv_vm *vm;
	int efd;

	HV_REQUIRE_GUEST(return, HV_CAP_IRQFD, HV_CAP_SIGNAL_MSI);
	vm = hv_vm_create();
	REQUIRE_IRQCHIP(vm);
	vm_install_exception_handler(vm, MSI_VECTOR, msi_handler);
	vm_install_exception_handler(vm, MSI2_VECTOR, msi_handler);
	vcpu = hv_vcpu_add(vm, 0, guest_msi);
	efd = new_eventfd();
	ASSERT_EQ(0, __set_routing(vm, &e, 1, 0));
	ASSERT_EQ(0, __irqfd(vm, efd, MSI_GSI, 0, 0));

	vcpu_expect_ucall(vcpu, UCALL_SYNC, &uc);
	ASSERT_EQ(0, uc.args[0]);
	ASSERT_EQ(8, write(efd, &(u64){ 1 }, 8));
	vcpu_expect_ucall(vcpu, UCALL_SYNC, &uc);
	ASSERT_EQ(1, uc.args[0]);
	/* Delivered to one vCPU. */
	EXPECT_EQ(1, __signal_msi(vm, APIC_BASE, MSI2_VECTOR, 0));
	vcpu_expect_ucall(vcpu, UCALL_DONE, NULL);
	sync_global_from_guest(vm, irq_log);
	sync_global_from_guest(vm, irq_nr);
	EXPECT_EQ(2, irq_nr);
	EXPECT_EQ(MSI_VECTOR, irq_log[0].vector);
	EXPECT_EQ(MSI2_VECTOR, irq_log[1].vector);

	EXPECT_EQ(0, __irqfd(vm, efd, MSI_GSI, HV_IRQFD_FLAG_DEASSIGN, 0));
	close(efd);
	hv_vm_free(vm);
}

#define IOAPIC_BASE	0xfec00000UL
#define IOAPIC_REGSEL	0x00
#define IOAPIC_WIN	0x10
#define IOAPIC_REDTBL(pin)	(0x10 + 2 * (pin))
#define RTE_LEVEL	BIT(15)
#define LEVEL_GSI	5
#define LEVEL_VECTOR	0x42

static void ioapic_write(u32 reg, u32 v)
{
	WRITE_ONCE(*(volatile u32 *)(IOAPIC_BASE + IOAPIC_REGSEL), reg);
	WRITE_ONCE(*(volatile u32 *)(IOAPIC_BASE + IOAPIC_WIN), v);
}

/*
 * IOAPIC pin LEVEL_GSI: fixed, physical destination APIC 0, active high,
 * level-triggered, unmasked.  Two rounds, each one interrupt; the EOI of
 * each (with the line lowered by the resampler) must not bring another.
 */
static void guest_level(void)
{
	/*
	 * The GSI also reaches the PIC, whose output the BSP's LINT0 takes
	 * (virtual wire after reset): mask every PIC pin (OCW1).
	 */
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
	apic_write(APIC_SVR, APIC_SVR_ENABLE | 0xff);
	ioapic_write(IOAPIC_REDTBL(LEVEL_GSI) + 1, 0);
	ioapic_write(IOAPIC_REDTBL(LEVEL_GSI), LEVEL_VECTOR | RTE_LEVEL);
	sti();
	GUEST_SYNC(0);
	GUEST_ASSERT(irq_wait(1));
	irq_linger_expect(1);
	GUEST_SYNC(1);
	GUEST_ASSERT(irq_wait(2));
	irq_linger_expect(2);
	GUEST_DONE();
}

/*
 * HV_IRQFD_FLAG_RESAMPLE: the signal holds the IOAPIC line up until the
 * guest's EOI, which lowers it and signals the resamplefd once.
 */
TEST(irqfd_resample_level)
{
	struct hv_vcpu *vcpu;
	struct ucall uc;
	struct hv_vm *vm;
	u64 cnt = 0;
	int efd, rfd;

	HV_REQUIRE_GUEST(return, HV_CAP_IRQFD, HV_CAP_IRQFD_RESAMPLE);
	vm = hv_vm_create();
	REQUIRE_IRQCHIP(vm);
	vm_install_exception_handler(vm, LEVEL_VECTOR, msi_handler);
	vcpu = hv_vcpu_add(vm, 0, guest_level);
	efd = new_eventfd();
	rfd = new_eventfd();
	ASSERT_EQ(0, __irqfd(vm, efd, LEVEL_GSI, HV_IRQFD_FLAG_RESAMPLE, rfd));

	vcpu_expect_ucall(vcpu, UCALL_SYNC, &uc);
	ASSERT_EQ(0, uc.args[0]);
	ASSERT_EQ(-1, read(rfd, &cnt, 8));
	ASSERT_EQ(8, write(efd, &(u64){ 1 }, 8));
	vcpu_expect_ucall(vcpu, UCALL_SYNC, &uc);
	ASSERT_EQ(1, uc.args[0]);
	ASSERT_EQ(8, read(rfd, &cnt, 8));
	EXPECT_EQ(1, cnt);
	ASSERT_EQ(8, write(efd, &(u64){ 1 }, 8));
	vcpu_expect_ucall(vcpu, UCALL_DONE, NULL);
	ASSERT_EQ(8, read(rfd, &cnt, 8));
	EXPECT_EQ(1, cnt);
	sync_global_from_guest(vm, irq_log);
	EXPECT_EQ(LEVEL_VECTOR, irq_log[0].vector);
	EXPECT_EQ(LEVEL_VECTOR, irq_log[1].vector);

	EXPECT_EQ(0, __irqfd(vm, efd, LEVEL_GSI, HV_IRQFD_FLAG_DEASSIGN, 0));
	close(efd);
	close(rfd);
	hv_vm_free(vm);
}

int main(int argc, char **argv)
{
	hv_require_dev();
	return test_harness_run(argc, argv);
}

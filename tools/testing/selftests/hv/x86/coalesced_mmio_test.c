// SPDX-License-Identifier: GPL-2.0-only
/*
 * Coalesced MMIO and PIO: guest writes to a registered zone are queued in
 * the VM's ring (vCPU mmap page HV_COALESCED_MMIO_PAGE_OFFSET) without an
 * exit; the VMM finds them, in order, at its next exit.
 *   - HV_CAP_COALESCED_MMIO is the ring's page offset;
 *   - MMIO zone: several writes of each size, then a write elsewhere
 *     makes the only exit and the ring holds every zone write in order;
 *     reads of a zone exit; a write straddling the zone's end exits;
 *   - PIO zone (HV_CAP_COALESCED_PIO): OUTs are queued with pio = 1;
 *   - a full ring (one slot always empty) makes the next write exit;
 *   - every vCPU maps the same ring;
 *   - pio other than 0/1 is EINVAL; UNREGISTER removes the zones that
 *     contain the range, succeeds when none does, and writes exit again.
 */
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "ucall.h"
#include "x86/processor.h"

#define ZONE		(HV_MMIO_GPA + 0x10000)
#define ZONE_SIZE	0x100
#define OTHER		(HV_MMIO_GPA + 0x20000)
#define PIO_ZONE	0x3f8
#define PIO_ZONE_SIZE	8

static long ring_max;	/* entries of the ring page */

static struct hv_coalesced_mmio_ring *vcpu_ring(struct hv_vcpu *vcpu)
{
	return (void *)((char *)vcpu->run +
			HV_COALESCED_MMIO_PAGE_OFFSET * HV_PAGE_SIZE);
}

static int __zone(struct hv_vm *vm, unsigned long cmd, u64 addr, u32 size,
		  u32 pio)
{
	struct hv_coalesced_mmio_zone z = {
		.addr = addr, .size = size, .pio = pio,
	};

	return __vm_ioctl(vm, cmd, &z);
}

static int ring_used(struct hv_coalesced_mmio_ring *ring)
{
	return ((long)ring->last - (long)ring->first + ring_max) % ring_max;
}

/* Check entry @i of the ring (from first) and nothing else. */
static void expect_entry(struct __test_metadata *_metadata,
			 struct hv_coalesced_mmio_ring *ring, int i,
			 u64 addr, u32 len, u64 val, u32 pio)
{
	struct hv_coalesced_mmio *e =
		&ring->coalesced_mmio[(ring->first + i) % ring_max];
	u64 data = 0;

	EXPECT_EQ(addr, e->phys_addr);
	EXPECT_EQ(len, e->len);
	EXPECT_EQ(pio, e->pio);
	memcpy(&data, e->data, len);
	EXPECT_EQ(val, data);
}

static void guest_writes(void)
{
	WRITE_ONCE(*(u8 *)(ZONE + 1), 0x11);
	WRITE_ONCE(*(u16 *)(ZONE + 2), 0x2222);
	WRITE_ONCE(*(u32 *)(ZONE + 4), 0x33333333);
	WRITE_ONCE(*(u64 *)(ZONE + 8), 0x4444444444444444ULL);
	WRITE_ONCE(*(u32 *)(ZONE + 4), 0x55555555);
	WRITE_ONCE(*(u32 *)OTHER, 0x66);			/* exits */
	GUEST_ASSERT_EQ(READ_ONCE(*(u32 *)(ZONE + 4)), 0x77);	/* exits */
	WRITE_ONCE(*(u32 *)(ZONE + ZONE_SIZE - 2), 0x88);	/* straddles */
	GUEST_DONE();
}

TEST(mmio_zone)
{
	struct hv_coalesced_mmio_ring *ring;
	struct hv_vcpu *vcpu;
	struct hv_run *run;
	struct hv_vm *vm;
	u32 val = 0x77;

	HV_REQUIRE_GUEST(return, HV_CAP_COALESCED_MMIO);
	ASSERT_EQ(HV_COALESCED_MMIO_PAGE_OFFSET,
		  hv_check_cap(HV_CAP_COALESCED_MMIO));
	vm = hv_vm_create();
	vcpu = hv_vcpu_add(vm, 0, guest_writes);
	run = vcpu->run;
	ring = vcpu_ring(vcpu);
	ASSERT_EQ(0, __zone(vm, HV_REGISTER_COALESCED_MMIO, ZONE, ZONE_SIZE,
			    0));
	EXPECT_EQ(0, ring_used(ring));

	vcpu_run(vcpu);
	vcpu_assert_exit(vcpu, HV_EXIT_MMIO);
	EXPECT_EQ(OTHER, run->mmio.phys_addr);
	ASSERT_EQ(5, ring_used(ring));
	expect_entry(_metadata, ring, 0, ZONE + 1, 1, 0x11, 0);
	expect_entry(_metadata, ring, 1, ZONE + 2, 2, 0x2222, 0);
	expect_entry(_metadata, ring, 2, ZONE + 4, 4, 0x33333333, 0);
	expect_entry(_metadata, ring, 3, ZONE + 8, 8, 0x4444444444444444ULL,
		     0);
	expect_entry(_metadata, ring, 4, ZONE + 4, 4, 0x55555555, 0);
	ring->first = ring->last;		/* consumed */

	/* A read is never coalesced. */
	vcpu_run(vcpu);
	vcpu_assert_exit(vcpu, HV_EXIT_MMIO);
	EXPECT_EQ(ZONE + 4, run->mmio.phys_addr);
	EXPECT_EQ(0, run->mmio.is_write);
	memcpy(run->mmio.data, &val, 4);

	/* Neither is a write that is not wholly inside the zone. */
	vcpu_run(vcpu);
	vcpu_assert_exit(vcpu, HV_EXIT_MMIO);
	EXPECT_EQ(ZONE + ZONE_SIZE - 2, run->mmio.phys_addr);
	EXPECT_EQ(1, run->mmio.is_write);
	EXPECT_EQ(0, ring_used(ring));
	vcpu_expect_ucall(vcpu, UCALL_DONE, NULL);
	hv_vm_free(vm);
}

static void guest_pio(void)
{
	outb(PIO_ZONE, 'h');
	outb(PIO_ZONE + 1, 'v');
	outw(PIO_ZONE + 2, 0x1234);
	outb(PIO_ZONE + 8, 1);		/* outside: exits */
	GUEST_DONE();
}

TEST(pio_zone)
{
	struct hv_coalesced_mmio_ring *ring;
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;

	HV_REQUIRE_GUEST(return, HV_CAP_COALESCED_MMIO, HV_CAP_COALESCED_PIO);
	vm = hv_vm_create();
	vcpu = hv_vcpu_add(vm, 0, guest_pio);
	ring = vcpu_ring(vcpu);
	ASSERT_EQ(0, __zone(vm, HV_REGISTER_COALESCED_MMIO, PIO_ZONE,
			    PIO_ZONE_SIZE, 1));
	vcpu_run(vcpu);
	vcpu_assert_exit(vcpu, HV_EXIT_IO);
	EXPECT_EQ(PIO_ZONE + 8, vcpu->run->io.port);
	ASSERT_EQ(3, ring_used(ring));
	expect_entry(_metadata, ring, 0, PIO_ZONE, 1, 'h', 1);
	expect_entry(_metadata, ring, 1, PIO_ZONE + 1, 1, 'v', 1);
	expect_entry(_metadata, ring, 2, PIO_ZONE + 2, 2, 0x1234, 1);
	vcpu_expect_ucall(vcpu, UCALL_DONE, NULL);
	hv_vm_free(vm);
}

static void guest_fill(u64 n)
{
	u64 i;

	for (i = 0; i < n; i++)
		WRITE_ONCE(*(u64 *)(ZONE + 8 * (i % 16)), i);
	GUEST_DONE();
}

/* Take the ring's entries, which must continue the sequence at *next. */
static void drain(struct __test_metadata *_metadata,
		  struct hv_coalesced_mmio_ring *ring, u64 *next)
{
	int i, used = ring_used(ring);

	for (i = 0; i < used; i++, (*next)++)
		expect_entry(_metadata, ring, i, ZONE + 8 * (*next % 16), 8,
			     *next, 0);
	ring->first = ring->last;
}

/*
 * A full ring declines the write, which exits as usual; after the VMM
 * drains it, writes coalesce again, and none is lost or reordered.  hv
 * fills the ring (one slot stays free: ring_max - 1 entries); KVM 6.1's
 * free-slot arithmetic wraps and may exit earlier (api.rst).
 */
TEST(ring_full)
{
	struct hv_coalesced_mmio_ring *ring;
	u64 n = 3 * ring_max, next = 0;
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;
	int exits = 0;
	u64 data;

	HV_REQUIRE_GUEST(return, HV_CAP_COALESCED_MMIO);
	vm = hv_vm_create();
	vcpu = hv_vcpu_add(vm, 0, guest_fill);
	vcpu_args_set(vcpu, 1, n);
	ring = vcpu_ring(vcpu);
	ASSERT_EQ(0, __zone(vm, HV_REGISTER_COALESCED_MMIO, ZONE, ZONE_SIZE,
			    0));
	for (;;) {
		vcpu_run(vcpu);
		if (get_ucall_ok(vcpu, &(struct ucall){}) == UCALL_DONE)
			break;
		vcpu_assert_exit(vcpu, HV_EXIT_MMIO);
		if (!exits++ && hv_dev_is_hv())
			EXPECT_EQ(ring_max - 1, ring_used(ring));
		ASSERT_LT(0, ring_used(ring));
		drain(_metadata, ring, &next);
		data = 0;
		memcpy(&data, vcpu->run->mmio.data, 8);
		ASSERT_EQ(next, data);
		ASSERT_EQ(ZONE + 8 * (next % 16), vcpu->run->mmio.phys_addr);
		next++;
	}
	drain(_metadata, ring, &next);
	EXPECT_EQ(n, next);
	if (hv_dev_is_hv())
		EXPECT_EQ(3, exits);
	TH_LOG("%d exits for %llu writes, ring of %ld", exits, n, ring_max);
	hv_vm_free(vm);
}

static void guest_one_write(void)
{
	WRITE_ONCE(*(u32 *)ZONE, 0xabcd);
	GUEST_DONE();
}

/* The ring is the VM's: a write by one vCPU shows in every mapping. */
TEST(ring_shared_by_vcpus)
{
	struct hv_vcpu *vcpu0, *vcpu1;
	struct hv_vm *vm;

	HV_REQUIRE_GUEST(return, HV_CAP_COALESCED_MMIO);
	vm = hv_vm_create();
	vcpu0 = hv_vcpu_add(vm, 0, guest_one_write);
	vcpu1 = hv_vcpu_add(vm, 1, guest_one_write);
	ASSERT_EQ(0, __zone(vm, HV_REGISTER_COALESCED_MMIO, ZONE, ZONE_SIZE,
			    0));
	vcpu_expect_ucall(vcpu1, UCALL_DONE, NULL);
	EXPECT_EQ(1, ring_used(vcpu_ring(vcpu0)));
	EXPECT_EQ(1, ring_used(vcpu_ring(vcpu1)));
	expect_entry(_metadata, vcpu_ring(vcpu0), 0, ZONE, 4, 0xabcd, 0);
	hv_vm_free(vm);
}

static void guest_unregistered(void)
{
	WRITE_ONCE(*(u32 *)(ZONE + 0x10), 1);
	GUEST_DONE();
}

TEST(register_unregister)
{
	u32 reg = HV_REGISTER_COALESCED_MMIO;
	u32 unreg = HV_UNREGISTER_COALESCED_MMIO;
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;

	HV_REQUIRE_GUEST(return, HV_CAP_COALESCED_MMIO);
	vm = hv_vm_create();
	vcpu = hv_vcpu_add(vm, 0, guest_unregistered);
	EXPECT_EQ(-EINVAL, __zone(vm, reg, ZONE, ZONE_SIZE, 2));
	EXPECT_EQ(-EINVAL, __zone(vm, unreg, ZONE, ZONE_SIZE, 2));
	EXPECT_EQ(0, __zone(vm, unreg, ZONE, ZONE_SIZE, 0));
	/* Overlapping zones and empty ones are accepted. */
	EXPECT_EQ(0, __zone(vm, reg, ZONE, ZONE_SIZE, 0));
	EXPECT_EQ(0, __zone(vm, reg, ZONE + 0x80, ZONE_SIZE, 0));
	EXPECT_EQ(0, __zone(vm, reg, ZONE, 0, 0));
	/* A sub-range removes the zones containing it; PIO is separate. */
	EXPECT_EQ(0, __zone(vm, unreg, ZONE + 0x10, 4, 1));
	EXPECT_EQ(0, __zone(vm, unreg, ZONE + 0x10, 4, 0));

	vcpu_run(vcpu);
	vcpu_assert_exit(vcpu, HV_EXIT_MMIO);
	EXPECT_EQ(ZONE + 0x10, vcpu->run->mmio.phys_addr);
	EXPECT_EQ(0, ring_used(vcpu_ring(vcpu)));
	vcpu_expect_ucall(vcpu, UCALL_DONE, NULL);
	hv_vm_free(vm);
}

int main(int argc, char **argv)
{
	hv_require_dev();
	ring_max = (HV_PAGE_SIZE - sizeof(struct hv_coalesced_mmio_ring)) /
		   sizeof(struct hv_coalesced_mmio);
	return test_harness_run(argc, argv);
}

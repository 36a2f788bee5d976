// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VM ioctls of the in-kernel irqchip, the PIT and the clock, with
 * KVM's errnos (Linux 6.1 arch/x86/kvm/x86.c): CREATE_IRQCHIP (once,
 * before any vCPU), GET/SET_IRQCHIP (ENXIO without irqchip, EINVAL for a
 * chip id, the reset state, round trips), CREATE_PIT(2) (once), the PIT
 * state ioctls (ENXIO without PIT, round trip), REINJECT_CONTROL and
 * GET/SET_CLOCK (flags, round trip, monotonic, REALTIME adjustment).
 */
#include <time.h>

#include "kselftest_harness.h"
#include "hv_test_util.h"
#include "x86/processor.h"

static struct hv_irqchip chip_get(struct __test_metadata *_metadata,
				  struct hv_vm *vm, u32 id)
{
	struct hv_irqchip chip = { .chip_id = id };

	EXPECT_EQ(0, __vm_ioctl(vm, HV_GET_IRQCHIP, &chip));
	return chip;
}

TEST(create_irqchip_once)
{
	struct hv_vm *vm;

	HV_REQUIRE(return, HV_CAP_IRQCHIP);
	vm = hv_vm_create_bare();
	EXPECT_EQ(0, __vm_ioctl(vm, HV_CREATE_IRQCHIP, 0));
	EXPECT_EQ(-EEXIST, __vm_ioctl(vm, HV_CREATE_IRQCHIP, 0));
	hv_vm_free(vm);
}

TEST(create_irqchip_after_vcpu)
{
	struct hv_irqchip chip = { .chip_id = HV_IRQCHIP_IOAPIC };
	struct hv_vm *vm;

	HV_REQUIRE_GUEST(return, HV_CAP_IRQCHIP);
	vm = hv_vm_create_bare();
	hv_vcpu_create(vm, 0);
	EXPECT_EQ(-EINVAL, __vm_ioctl(vm, HV_CREATE_IRQCHIP, 0));
	/* Nothing was created: the state ioctls still see no irqchip. */
	EXPECT_EQ(-ENXIO, __vm_ioctl(vm, HV_GET_IRQCHIP, &chip));
	hv_vm_free(vm);
}

TEST(irqchip_state_errnos)
{
	static const u32 bad[] = { 3, 4, 0x100, 0xffffffff };
	struct hv_irqchip chip = { .chip_id = HV_IRQCHIP_PIC_MASTER };
	struct hv_vm *vm;
	unsigned int i;

	HV_REQUIRE(return, HV_CAP_IRQCHIP);
	vm = hv_vm_create_bare();
	EXPECT_EQ(-ENXIO, __vm_ioctl(vm, HV_GET_IRQCHIP, &chip));
	EXPECT_EQ(-ENXIO, __vm_ioctl(vm, HV_SET_IRQCHIP, &chip));
	ASSERT_EQ(0, __vm_ioctl(vm, HV_CREATE_IRQCHIP, 0));
	for (i = 0; i < HV_ARRAY_SIZE(bad); i++) {
		chip.chip_id = bad[i];
		EXPECT_EQ(-EINVAL, __vm_ioctl(vm, HV_GET_IRQCHIP, &chip));
		EXPECT_EQ(-EINVAL, __vm_ioctl(vm, HV_SET_IRQCHIP, &chip));
	}
	EXPECT_EQ(-EFAULT, __vm_ioctl(vm, HV_GET_IRQCHIP, NULL));
	EXPECT_EQ(-EFAULT, __vm_ioctl(vm, HV_SET_IRQCHIP, NULL));
	hv_vm_free(vm);
}

/* What a new irqchip holds: ICH ELCR masks, IOAPIC at 0xfec00000, masked. */
TEST(irqchip_reset_state)
{
	struct hv_irqchip chip;
	struct hv_vm *vm;
	unsigned int i;

	HV_REQUIRE(return, HV_CAP_IRQCHIP);
	vm = hv_vm_create_bare();
	ASSERT_EQ(0, __vm_ioctl(vm, HV_CREATE_IRQCHIP, 0));
	chip = chip_get(_metadata, vm, HV_IRQCHIP_PIC_MASTER);
	EXPECT_EQ(0xf8, chip.chip.pic.elcr_mask);
	EXPECT_EQ(0, chip.chip.pic.imr);
	EXPECT_EQ(0, chip.chip.pic.isr);
	chip = chip_get(_metadata, vm, HV_IRQCHIP_PIC_SLAVE);
	EXPECT_EQ(0xde, chip.chip.pic.elcr_mask);
	chip = chip_get(_metadata, vm, HV_IRQCHIP_IOAPIC);
	EXPECT_EQ(0xfec00000, chip.chip.ioapic.base_address);
	EXPECT_EQ(0, chip.chip.ioapic.irr);
	for (i = 0; i < HV_IOAPIC_NUM_PINS; i++)
		EXPECT_EQ(1, (int)chip.chip.ioapic.redirtbl[i].fields.mask);
	hv_vm_free(vm);
}

TEST(irqchip_round_trip)
{
	struct hv_irqchip chip, out;
	struct hv_pic_state *pic;
	struct hv_vm *vm;
	unsigned int i;

	HV_REQUIRE(return, HV_CAP_IRQCHIP);
	vm = hv_vm_create_bare();
	ASSERT_EQ(0, __vm_ioctl(vm, HV_CREATE_IRQCHIP, 0));

	memset(&chip, 0, sizeof(chip));
	chip.chip_id = HV_IRQCHIP_PIC_SLAVE;
	pic = &chip.chip.pic;
	pic->imr = 0x5a;
	pic->isr = 0x10;
	pic->priority_add = 3;
	pic->irq_base = 0x70;
	pic->read_reg_select = 1;
	pic->special_fully_nested_mode = 1;
	pic->init4 = 1;
	pic->elcr = 0x0c;
	pic->elcr_mask = 0xde;
	pic->auto_eoi = 0;
	ASSERT_EQ(0, __vm_ioctl(vm, HV_SET_IRQCHIP, &chip));
	out = chip_get(_metadata, vm, HV_IRQCHIP_PIC_SLAVE);
	EXPECT_EQ(0, memcmp(&chip.chip.pic, &out.chip.pic,
			    sizeof(chip.chip.pic)));
	/* The master is untouched. */
	out = chip_get(_metadata, vm, HV_IRQCHIP_PIC_MASTER);
	EXPECT_EQ(0, out.chip.pic.irq_base);

	memset(&chip, 0, sizeof(chip));
	chip.chip_id = HV_IRQCHIP_IOAPIC;
	chip.chip.ioapic.base_address = 0xfec00000;
	chip.chip.ioapic.id = 5;
	chip.chip.ioapic.ioregsel = 0x12;
	for (i = 0; i < HV_IOAPIC_NUM_PINS; i++) {
		chip.chip.ioapic.redirtbl[i].fields.vector = 0x40 + i;
		chip.chip.ioapic.redirtbl[i].fields.mask = i & 1;
		chip.chip.ioapic.redirtbl[i].fields.trig_mode = !!(i & 2);
		chip.chip.ioapic.redirtbl[i].fields.dest_id = i;
	}
	ASSERT_EQ(0, __vm_ioctl(vm, HV_SET_IRQCHIP, &chip));
	out = chip_get(_metadata, vm, HV_IRQCHIP_IOAPIC);
	EXPECT_EQ(0, memcmp(&chip.chip.ioapic, &out.chip.ioapic,
			    sizeof(chip.chip.ioapic)));
	hv_vm_free(vm);
}

/* KVM_CREATE_PIT2 neither needs an irqchip nor may run twice. */
TEST(create_pit2_once)
{
	struct hv_pit_config config = { .flags = HV_PIT_SPEAKER_DUMMY };
	struct hv_vm *vm;

	HV_REQUIRE(return, HV_CAP_PIT2);
	vm = hv_vm_create_bare();
	EXPECT_EQ(0, __vm_ioctl(vm, HV_CREATE_PIT2, &config));
	EXPECT_EQ(-EEXIST, __vm_ioctl(vm, HV_CREATE_PIT2, &config));
	EXPECT_EQ(-EEXIST, __vm_ioctl(vm, HV_CREATE_PIT, 0));
	hv_vm_free(vm);

	vm = hv_vm_create_bare();
	EXPECT_EQ(-EFAULT, __vm_ioctl(vm, HV_CREATE_PIT2, NULL));
	config.flags = 0;
	EXPECT_EQ(0, __vm_ioctl(vm, HV_CREATE_PIT2, &config));
	hv_vm_free(vm);
}

/*
 * KVM 6.1 ignores flags it does not know; hv refuses them (api.rst) so
 * that a later flag cannot be dropped silently.
 */
TEST(create_pit2_unknown_flags)
{
	struct hv_pit_config config = { .flags = 2 };
	struct hv_vm *vm;

	HV_REQUIRE(return, HV_CAP_PIT2);
	vm = hv_vm_create_bare();
	if (hv_dev_is_hv()) {
		EXPECT_EQ(-EINVAL, __vm_ioctl(vm, HV_CREATE_PIT2, &config));
		config.flags = 0x80000000 | HV_PIT_SPEAKER_DUMMY;
		EXPECT_EQ(-EINVAL, __vm_ioctl(vm, HV_CREATE_PIT2, &config));
	} else {
		EXPECT_EQ(0, __vm_ioctl(vm, HV_CREATE_PIT2, &config));
	}
	hv_vm_free(vm);
}

TEST(pit_state_errnos)
{
	struct hv_reinject_control ctl = { .pit_reinject = 0 };
	struct hv_pit_state2 st2 = {};
	struct hv_pit_state st = {};
	struct hv_pit_config config = {};
	struct hv_vm *vm;

	HV_REQUIRE(return, HV_CAP_PIT2, HV_CAP_PIT_STATE2);
	vm = hv_vm_create_bare();
	EXPECT_EQ(-ENXIO, __vm_ioctl(vm, HV_GET_PIT, &st));
	EXPECT_EQ(-ENXIO, __vm_ioctl(vm, HV_SET_PIT, &st));
	EXPECT_EQ(-ENXIO, __vm_ioctl(vm, HV_GET_PIT2, &st2));
	EXPECT_EQ(-ENXIO, __vm_ioctl(vm, HV_SET_PIT2, &st2));
	EXPECT_EQ(-ENXIO, __vm_ioctl(vm, HV_REINJECT_CONTROL, &ctl));
	ASSERT_EQ(0, __vm_ioctl(vm, HV_CREATE_PIT2, &config));
	EXPECT_EQ(-EFAULT, __vm_ioctl(vm, HV_GET_PIT2, NULL));
	EXPECT_EQ(-EFAULT, __vm_ioctl(vm, HV_SET_PIT2, NULL));
	EXPECT_EQ(0, __vm_ioctl(vm, HV_REINJECT_CONTROL, &ctl));
	ctl.pit_reinject = 1;
	EXPECT_EQ(0, __vm_ioctl(vm, HV_REINJECT_CONTROL, &ctl));
	hv_vm_free(vm);
}

TEST(pit_reset_state)
{
	struct hv_pit_config config = {};
	struct hv_pit_state2 st;
	struct hv_vm *vm;

	HV_REQUIRE(return, HV_CAP_PIT2, HV_CAP_PIT_STATE2);
	vm = hv_vm_create_bare();
	ASSERT_EQ(0, __vm_ioctl(vm, HV_CREATE_PIT2, &config));
	memset(&st, 0xa5, sizeof(st));
	ASSERT_EQ(0, __vm_ioctl(vm, HV_GET_PIT2, &st));
	EXPECT_EQ(0, st.flags);
	/* Idle counters: count 65536, gates of counters 0 and 1 high. */
	EXPECT_EQ(0x10000, st.channels[0].count);
	EXPECT_EQ(1, st.channels[0].gate);
	EXPECT_EQ(1, st.channels[1].gate);
	EXPECT_EQ(0, st.channels[2].gate);
	hv_vm_free(vm);
}

static void set_channel(struct hv_pit_channel_state *c, u32 count, u8 mode)
{
	memset(c, 0, sizeof(*c));
	c->count = count;
	c->mode = mode;
	c->rw_mode = 3;		/* LSB then MSB */
	c->read_state = 3;
	c->write_state = 3;
	c->gate = 1;
}

TEST(pit2_round_trip)
{
	struct hv_pit_config config = { .flags = HV_PIT_SPEAKER_DUMMY };
	struct hv_pit_state2 in, out;
	struct hv_pit_state st;
	struct hv_vm *vm;
	int i;

	HV_REQUIRE(return, HV_CAP_PIT2, HV_CAP_PIT_STATE2);
	vm = hv_vm_create_bare();
	ASSERT_EQ(0, __vm_ioctl(vm, HV_CREATE_PIT2, &config));
	memset(&in, 0, sizeof(in));
	/* Counter 0 periodic at 1 kHz, as Linux programs it. */
	set_channel(&in.channels[0], 1193, 2);
	set_channel(&in.channels[1], 18, 2);
	set_channel(&in.channels[2], 0x1234, 0);
	in.channels[2].gate = 0;
	in.flags = HV_PIT_FLAGS_SPEAKER_DATA_ON;
	ASSERT_EQ(0, __vm_ioctl(vm, HV_SET_PIT2, &in));
	memset(&out, 0xa5, sizeof(out));
	ASSERT_EQ(0, __vm_ioctl(vm, HV_GET_PIT2, &out));
	EXPECT_EQ(in.flags, out.flags);
	for (i = 0; i < 9; i++)
		EXPECT_EQ(0, out.reserved[i]);
	for (i = 0; i < 3; i++) {
		struct hv_pit_channel_state *a = &in.channels[i];
		struct hv_pit_channel_state *b = &out.channels[i];

		EXPECT_EQ(a->count, b->count);
		EXPECT_EQ(a->mode, b->mode);
		EXPECT_EQ(a->rw_mode, b->rw_mode);
		EXPECT_EQ(a->read_state, b->read_state);
		EXPECT_EQ(a->write_state, b->write_state);
		EXPECT_EQ(a->gate, b->gate);
		EXPECT_EQ(a->bcd, b->bcd);
	}
	/* HV_GET_PIT: the same counters. */
	ASSERT_EQ(0, __vm_ioctl(vm, HV_GET_PIT, &st));
	EXPECT_EQ(1193, st.channels[0].count);
	EXPECT_EQ(0x1234, st.channels[2].count);
	/* A zero count is the 8254's 65536. */
	in.channels[1].count = 0;
	ASSERT_EQ(0, __vm_ioctl(vm, HV_SET_PIT2, &in));
	ASSERT_EQ(0, __vm_ioctl(vm, HV_GET_PIT2, &out));
	EXPECT_EQ(0x10000, out.channels[1].count);
	hv_vm_free(vm);
}

/* Garbage PIT state is taken without harm (fast timers are throttled). */
TEST(pit_state_garbage)
{
	struct hv_pit_config config = {};
	struct hv_pit_state2 in;
	struct hv_vm *vm;
	int i;

	HV_REQUIRE(return, HV_CAP_PIT2, HV_CAP_PIT_STATE2);
	vm = hv_vm_create_bare();
	ASSERT_EQ(0, __vm_ioctl(vm, HV_CREATE_PIT2, &config));
	for (i = 0; i < 4; i++) {
		memset(&in, i ? 0x11 * i : 0xff, sizeof(in));
		in.channels[0].mode = 2;
		in.channels[0].count = 1;	/* 0.8 us periodic */
		EXPECT_EQ(0, __vm_ioctl(vm, HV_SET_PIT2, &in));
		EXPECT_EQ(0, __vm_ioctl(vm, HV_GET_PIT2, &in));
	}
	usleep(20000);
	hv_vm_free(vm);
}

static u64 clock_get(struct __test_metadata *_metadata, struct hv_vm *vm,
		     struct hv_clock_data *data)
{
	memset(data, 0xa5, sizeof(*data));
	EXPECT_EQ(0, __vm_ioctl(vm, HV_GET_CLOCK, data));
	return data->clock;
}

static u64 realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

TEST(clock_flags)
{
	struct hv_clock_data data = {};
	struct hv_vm *vm;
	long cap;

	HV_REQUIRE(return, HV_CAP_ADJUST_CLOCK);
	cap = hv_check_cap(HV_CAP_ADJUST_CLOCK);
	/* Bit 0 is never a flag (the capability answered 1 before flags). */
	EXPECT_EQ(0, cap & 1);
	vm = hv_vm_create_bare();
	data.flags = 1;
	EXPECT_EQ(-EINVAL, __vm_ioctl(vm, HV_SET_CLOCK, &data));
	data.flags = 0x10;
	EXPECT_EQ(-EINVAL, __vm_ioctl(vm, HV_SET_CLOCK, &data));
	/* TSC_STABLE and HOST_TSC are accepted and ignored by SET. */
	data.flags = HV_CLOCK_TSC_STABLE | HV_CLOCK_HOST_TSC;
	EXPECT_EQ(0, __vm_ioctl(vm, HV_SET_CLOCK, &data));
	EXPECT_EQ(-EFAULT, __vm_ioctl(vm, HV_SET_CLOCK, NULL));
	EXPECT_EQ(-EFAULT, __vm_ioctl(vm, HV_GET_CLOCK, NULL));
	clock_get(_metadata, vm, &data);
	EXPECT_EQ(0, data.pad0);
	EXPECT_EQ(0, data.flags & ~(HV_CLOCK_TSC_STABLE | HV_CLOCK_REALTIME |
				    HV_CLOCK_HOST_TSC));
	if (hv_dev_is_hv())
		EXPECT_EQ(HV_CLOCK_REALTIME, cap);
	hv_vm_free(vm);
}

TEST(clock_round_trip_monotonic)
{
	const u64 base = 1000ULL * 1000000000ULL;	/* 1000 s */
	struct hv_clock_data data = {}, d;
	struct hv_vm *vm, *vm2;
	u64 prev, now;
	int i;

	HV_REQUIRE(return, HV_CAP_ADJUST_CLOCK);
	vm = hv_vm_create_bare();
	data.clock = base;
	ASSERT_EQ(0, __vm_ioctl(vm, HV_SET_CLOCK, &data));
	prev = clock_get(_metadata, vm, &d);
	EXPECT_LE(base, prev);
	EXPECT_GT(base + 1000000000ULL, prev);
	for (i = 0; i < 1000; i++) {
		now = clock_get(_metadata, vm, &d);
		if (now < prev)
			break;
		prev = now;
	}
	EXPECT_EQ(1000, i);
	/* The clock runs: 20 ms later it advanced by about 20 ms. */
	usleep(20000);
	now = clock_get(_metadata, vm, &d);
	EXPECT_LE(prev + 20000000ULL, now);
	EXPECT_GT(prev + 2000000000ULL, now);
	/* A second VM has its own clock. */
	vm2 = hv_vm_create_bare();
	data.clock = 5 * base;
	ASSERT_EQ(0, __vm_ioctl(vm2, HV_SET_CLOCK, &data));
	EXPECT_GT(5 * base, clock_get(_metadata, vm, &d));
	EXPECT_LE(5 * base, clock_get(_metadata, vm2, &d));
	hv_vm_free(vm2);
	hv_vm_free(vm);
}

/* SET with REALTIME adds the time since @realtime (the migration gap). */
TEST(clock_realtime)
{
	const u64 base = 1000ULL * 1000000000ULL, gap = 3000000000ULL;
	struct hv_clock_data data = {}, d;
	struct hv_vm *vm;
	u64 now;

	HV_REQUIRE(return, HV_CAP_ADJUST_CLOCK);
	if (!(hv_check_cap(HV_CAP_ADJUST_CLOCK) & HV_CLOCK_REALTIME))
		SKIP(return, "HV_CAP_ADJUST_CLOCK without HV_CLOCK_REALTIME");
	vm = hv_vm_create_bare();
	data.clock = base;
	data.flags = HV_CLOCK_REALTIME;
	data.realtime = realtime_ns() - gap;
	ASSERT_EQ(0, __vm_ioctl(vm, HV_SET_CLOCK, &data));
	now = clock_get(_metadata, vm, &d);
	EXPECT_LE(base + gap, now);
	EXPECT_GT(base + gap + 1000000000ULL, now);
	if (d.flags & HV_CLOCK_REALTIME) {
		u64 real = realtime_ns();

		EXPECT_GE(real, d.realtime);
		EXPECT_GT(d.realtime + 1000000000ULL, real);
	}
	/* A realtime in the future does not move the clock back. */
	data.realtime = realtime_ns() + gap;
	ASSERT_EQ(0, __vm_ioctl(vm, HV_SET_CLOCK, &data));
	now = clock_get(_metadata, vm, &d);
	EXPECT_LE(base, now);
	EXPECT_GT(base + 1000000000ULL, now);
	hv_vm_free(vm);
}

int main(int argc, char **argv)
{
	hv_require_dev();
	return test_harness_run(argc, argv);
}

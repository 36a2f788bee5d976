// SPDX-License-Identifier: GPL-2.0-only
/*
 * HV_GET/SET_VCPU_EVENTS and HV_GET/SET_MP_STATE.  What KVM refuses is
 * refused with EINVAL; the interrupt shadow round-trips; an exception set
 * as injected reaches the guest.  hv documents (api.rst 4.15) that it
 * keeps no event pending across exits, so its GET_VCPU_EVENTS reports
 * none queued where KVM reports the injected exception: asserted on
 * /dev/hv only.  Without an in-kernel local APIC a vCPU is RUNNABLE and
 * only RUNNABLE can be set, on KVM as on hv.
 */
#include "kselftest_harness.h"
#include "ucall.h"
#include "x86/processor.h"

static u64 ud_count;

static void guest_ud_handler(struct hv_ex_regs *regs)
{
	ud_count++;
}

static void guest_after_event(void)
{
	GUEST_ASSERT_EQ(ud_count, 1);
	GUEST_DONE();
}

/*
 * The shadow GET reports after SET of @set: SVM keeps a single shadow
 * bit, which KVM (svm_get_interrupt_shadow()) reports as MOV SS and STI
 * together; VMX tells the two apart.
 */
static u32 shadow_reported(u32 set)
{
	u32 a, b, c, d;

	hv_cpuid(0x80000001, 0, &a, &b, &c, &d);
	if (set && (c & BIT(2)))	/* the host has SVM */
		return HV_X86_SHADOW_INT_MOV_SS | HV_X86_SHADOW_INT_STI;
	return set;
}

static struct hv_vcpu *new_vcpu(struct hv_vm **vm)
{
	*vm = hv_vm_create();
	return hv_vcpu_add(*vm, 0, guest_after_event);
}

TEST(events_reject_unknown_flags)
{
	static const u32 flags[] = {
		0x40, 0x80000000,	/* no such flag */
		HV_VCPUEVENT_VALID_PAYLOAD,	/* needs EXCEPTION_PAYLOAD */
		HV_VCPUEVENT_VALID_TRIPLE_FAULT, /* needs its capability */
	};
	struct hv_vcpu_events ev;
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;
	unsigned int i;

	HV_REQUIRE_GUEST(return, HV_CAP_VCPU_EVENTS);
	vcpu = new_vcpu(&vm);
	for (i = 0; i < HV_ARRAY_SIZE(flags); i++) {
		vcpu_ioctl(vcpu, HV_GET_VCPU_EVENTS, &ev);
		ev.flags |= flags[i];
		EXPECT_EQ(-EINVAL, __vcpu_ioctl(vcpu, HV_SET_VCPU_EVENTS, &ev)) {
			TH_LOG("flags 0x%x accepted", ev.flags);
		}
	}
	hv_vm_free(vm);
}

TEST(events_reject_bad_exception)
{
	struct hv_vcpu_events ev = { 0 };
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;

	HV_REQUIRE_GUEST(return, HV_CAP_VCPU_EVENTS);
	vcpu = new_vcpu(&vm);
	ev.exception.injected = 1;
	ev.exception.nr = 32;		/* not an exception vector */
	EXPECT_EQ(-EINVAL, __vcpu_ioctl(vcpu, HV_SET_VCPU_EVENTS, &ev));
	ev.exception.nr = 2;		/* NMI has fields of its own */
	EXPECT_EQ(-EINVAL, __vcpu_ioctl(vcpu, HV_SET_VCPU_EVENTS, &ev));
	hv_vm_free(vm);
}

TEST(events_shadow_round_trip)
{
	struct hv_vcpu_events ev, got;
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;

	HV_REQUIRE_GUEST(return, HV_CAP_VCPU_EVENTS);
	vcpu = new_vcpu(&vm);
	vcpu_ioctl(vcpu, HV_GET_VCPU_EVENTS, &ev);
	EXPECT_EQ(HV_VCPUEVENT_VALID_NMI_PENDING | HV_VCPUEVENT_VALID_SHADOW,
		  ev.flags & (HV_VCPUEVENT_VALID_NMI_PENDING |
			      HV_VCPUEVENT_VALID_SHADOW));
	EXPECT_EQ(0, ev.interrupt.shadow);
	/* GET's result is valid SET input: what a VMM restores. */
	EXPECT_EQ(0, __vcpu_ioctl(vcpu, HV_SET_VCPU_EVENTS, &ev));

	ev.flags = HV_VCPUEVENT_VALID_SHADOW;
	ev.interrupt.shadow = HV_X86_SHADOW_INT_MOV_SS;
	vcpu_ioctl(vcpu, HV_SET_VCPU_EVENTS, &ev);
	vcpu_ioctl(vcpu, HV_GET_VCPU_EVENTS, &got);
	EXPECT_EQ(shadow_reported(HV_X86_SHADOW_INT_MOV_SS),
		  got.interrupt.shadow);
	ev.interrupt.shadow = 0;
	vcpu_ioctl(vcpu, HV_SET_VCPU_EVENTS, &ev);
	vcpu_ioctl(vcpu, HV_GET_VCPU_EVENTS, &got);
	EXPECT_EQ(0, got.interrupt.shadow);
	hv_vm_free(vm);
}

TEST(events_injected_exception)
{
	struct hv_vcpu_events ev = { 0 }, got;
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;

	HV_REQUIRE_GUEST(return, HV_CAP_VCPU_EVENTS);
	vcpu = new_vcpu(&vm);
	vm_install_exception_handler(vm, UD_VECTOR, guest_ud_handler);
	ev.exception.injected = 1;
	ev.exception.nr = UD_VECTOR;
	vcpu_ioctl(vcpu, HV_SET_VCPU_EVENTS, &ev);
	vcpu_ioctl(vcpu, HV_GET_VCPU_EVENTS, &got);
	if (hv_dev_is_hv()) {
		EXPECT_EQ(0, got.exception.injected);	/* none queued */
	} else {
		EXPECT_EQ(1, got.exception.injected);
		EXPECT_EQ(UD_VECTOR, got.exception.nr);
	}
	EXPECT_EQ(0, got.exception.pending);
	/*
	 * Delivered at the next entry: the guest's #UD handler runs once.
	 * This is the vCPU's first entry, as for a VM restored with a
	 * queued exception: the delivery itself exits to map the IDT, the
	 * stack and the handler, and the event must survive that (SVM's
	 * EXITINTINFO, which KVM injects again).
	 */
	vcpu_expect_ucall(vcpu, UCALL_DONE, NULL);
	hv_vm_free(vm);
}

TEST(mp_state_runnable)
{
	struct hv_mp_state mp = { .mp_state = ~0u };
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;

	HV_REQUIRE_GUEST(return, HV_CAP_MP_STATE);
	vcpu = new_vcpu(&vm);
	vcpu_ioctl(vcpu, HV_GET_MP_STATE, &mp);
	EXPECT_EQ(HV_MP_STATE_RUNNABLE, mp.mp_state);
	EXPECT_EQ(0, __vcpu_ioctl(vcpu, HV_SET_MP_STATE, &mp));
	hv_vm_free(vm);
}

TEST(mp_state_rejects_others)
{
	static const u32 states[] = {
		/* need an in-kernel local APIC */
		HV_MP_STATE_UNINITIALIZED, HV_MP_STATE_INIT_RECEIVED,
		HV_MP_STATE_HALTED, HV_MP_STATE_SIPI_RECEIVED,
		HV_MP_STATE_AP_RESET_HOLD,
		/* not x86 states */
		HV_MP_STATE_STOPPED, HV_MP_STATE_CHECK_STOP,
		HV_MP_STATE_OPERATING, HV_MP_STATE_LOAD,
		HV_MP_STATE_SUSPENDED, 11, ~0u,
	};
	struct hv_mp_state mp;
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;
	unsigned int i;

	HV_REQUIRE_GUEST(return, HV_CAP_MP_STATE);
	vcpu = new_vcpu(&vm);
	for (i = 0; i < HV_ARRAY_SIZE(states); i++) {
		mp.mp_state = states[i];
		EXPECT_EQ(-EINVAL, __vcpu_ioctl(vcpu, HV_SET_MP_STATE, &mp)) {
			TH_LOG("MP state %u accepted", states[i]);
		}
	}
	vcpu_ioctl(vcpu, HV_GET_MP_STATE, &mp);
	EXPECT_EQ(HV_MP_STATE_RUNNABLE, mp.mp_state);
	hv_vm_free(vm);
}

int main(int argc, char **argv)
{
	hv_require_dev();
	return test_harness_run(argc, argv);
}

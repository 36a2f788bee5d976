// SPDX-License-Identifier: GPL-2.0-only
/*
 * HV_GET/SET_VCPU_EVENTS and HV_GET/SET_MP_STATE.  What KVM refuses is
 * refused with EINVAL; the interrupt shadow and NMI masking round-trip;
 * an exception set as injected is reported by GET (with its error code)
 * and reaches the guest, also after an exit that interrupted its
 * delivery; "pending" means nothing without HV_CAP_EXCEPTION_PAYLOAD;
 * #BP/#OF are not reported.  hv has no SMM: VALID_SMM is taken with the
 * SMM fields 0 and refused otherwise (KVM 6.1, which has SMM, takes
 * them: asserted on /dev/hv only).  Without an in-kernel local APIC a
 * vCPU is RUNNABLE and only RUNNABLE can be set, on KVM as on hv.
 */
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "ucall.h"
#include "x86/processor.h"

static u64 ud_count, gp_count, gp_error;

static void guest_ud_handler(struct hv_ex_regs *regs)
{
	ud_count++;
}

static void guest_gp_handler(struct hv_ex_regs *regs)
{
	gp_count++;
	gp_error = regs->error_code;
}

static void guest_after_gp(void)
{
	GUEST_ASSERT_EQ(gp_count, 1);
	GUEST_ASSERT_EQ(gp_error, 0x1238);
	GUEST_DONE();
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
	EXPECT_EQ(1, got.exception.injected);
	EXPECT_EQ(UD_VECTOR, got.exception.nr);
	EXPECT_EQ(0, got.exception.has_error_code);
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

/* An error code is reported and pushed (GP's stub takes it). */
TEST(events_exception_error_code)
{
	struct hv_vcpu_events ev = { 0 }, got;
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;

	HV_REQUIRE_GUEST(return, HV_CAP_VCPU_EVENTS);
	vm = hv_vm_create();
	vcpu = hv_vcpu_add(vm, 0, guest_after_gp);
	vm_install_exception_handler(vm, GP_VECTOR, guest_gp_handler);
	ev.exception.injected = 1;
	ev.exception.nr = GP_VECTOR;
	ev.exception.has_error_code = 1;
	ev.exception.error_code = 0x1238;
	vcpu_ioctl(vcpu, HV_SET_VCPU_EVENTS, &ev);
	vcpu_ioctl(vcpu, HV_GET_VCPU_EVENTS, &got);
	EXPECT_EQ(1, got.exception.injected);
	EXPECT_EQ(0, got.exception.pending);
	EXPECT_EQ(GP_VECTOR, got.exception.nr);
	EXPECT_EQ(1, got.exception.has_error_code);
	EXPECT_EQ(0x1238, got.exception.error_code);
	vcpu_expect_ucall(vcpu, UCALL_DONE, NULL);
	/* Delivered: nothing left to report. */
	vcpu_ioctl(vcpu, HV_GET_VCPU_EVENTS, &got);
	EXPECT_EQ(0, got.exception.injected);
	hv_vm_free(vm);
}

/* A SET replaces the event to deliver: one without cancels the last. */
TEST(events_set_replaces_exception)
{
	struct hv_vcpu_events ev = { 0 }, got;
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;

	HV_REQUIRE_GUEST(return, HV_CAP_VCPU_EVENTS);
	vcpu = new_vcpu(&vm);
	vm_install_exception_handler(vm, UD_VECTOR, guest_ud_handler);
	ev.exception.injected = 1;
	ev.exception.nr = GP_VECTOR;
	ev.exception.has_error_code = 1;
	vcpu_ioctl(vcpu, HV_SET_VCPU_EVENTS, &ev);
	ev.exception.injected = 0;
	vcpu_ioctl(vcpu, HV_SET_VCPU_EVENTS, &ev);
	vcpu_ioctl(vcpu, HV_GET_VCPU_EVENTS, &got);
	EXPECT_EQ(0, got.exception.injected);
	ev.exception.injected = 1;
	ev.exception.nr = UD_VECTOR;
	ev.exception.has_error_code = 0;
	vcpu_ioctl(vcpu, HV_SET_VCPU_EVENTS, &ev);
	vcpu_expect_ucall(vcpu, UCALL_DONE, NULL);	/* one #UD, no #GP */
	hv_vm_free(vm);
}

/*
 * Without VALID_PAYLOAD (HV_CAP_EXCEPTION_PAYLOAD) "pending" is ignored,
 * even with a vector that would be refused if injected.
 */
TEST(events_pending_ignored)
{
	struct hv_vcpu_events ev = { 0 }, got;
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;

	HV_REQUIRE_GUEST(return, HV_CAP_VCPU_EVENTS);
	vcpu = new_vcpu(&vm);
	ev.exception.pending = 1;
	ev.exception.nr = 40;
	EXPECT_EQ(0, __vcpu_ioctl(vcpu, HV_SET_VCPU_EVENTS, &ev));
	ev.exception.nr = UD_VECTOR;
	EXPECT_EQ(0, __vcpu_ioctl(vcpu, HV_SET_VCPU_EVENTS, &ev));
	vcpu_ioctl(vcpu, HV_GET_VCPU_EVENTS, &got);
	EXPECT_EQ(0, got.exception.injected);
	EXPECT_EQ(0, got.exception.pending);
	hv_vm_free(vm);
}

/* #BP and #OF (INT3, INTO) are never reported: no instruction length. */
TEST(events_soft_exception_not_reported)
{
	static const u8 soft[] = { BP_VECTOR, 4 /* #OF */ };
	struct hv_vcpu_events ev = { 0 }, got;
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;
	unsigned int i;

	HV_REQUIRE_GUEST(return, HV_CAP_VCPU_EVENTS);
	vcpu = new_vcpu(&vm);
	for (i = 0; i < HV_ARRAY_SIZE(soft); i++) {
		ev.exception.injected = 1;
		ev.exception.nr = soft[i];
		vcpu_ioctl(vcpu, HV_SET_VCPU_EVENTS, &ev);
		vcpu_ioctl(vcpu, HV_GET_VCPU_EVENTS, &got);
		EXPECT_EQ(0, got.exception.injected);
		EXPECT_EQ(0, got.exception.pending);
		EXPECT_EQ(soft[i], got.exception.nr);
	}
	hv_vm_free(vm);
}

/* GET reports VALID_SMM; SMM fields must be 0 on hv, which has no SMM. */
TEST(events_smm)
{
	struct hv_vcpu_events ev;
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;

	HV_REQUIRE_GUEST(return, HV_CAP_VCPU_EVENTS);
	vcpu = new_vcpu(&vm);
	vcpu_ioctl(vcpu, HV_GET_VCPU_EVENTS, &ev);
	EXPECT_TRUE(ev.flags & HV_VCPUEVENT_VALID_SMM);
	EXPECT_EQ(0, ev.smi.smm);
	EXPECT_EQ(0, ev.smi.pending);
	ev.flags = HV_VCPUEVENT_VALID_SMM;
	EXPECT_EQ(0, __vcpu_ioctl(vcpu, HV_SET_VCPU_EVENTS, &ev));
	if (hv_dev_is_hv()) {
		ev.smi.pending = 1;
		EXPECT_EQ(-EINVAL, __vcpu_ioctl(vcpu, HV_SET_VCPU_EVENTS, &ev));
		ev.smi.pending = 0;
		ev.smi.smm = 1;
		EXPECT_EQ(-EINVAL, __vcpu_ioctl(vcpu, HV_SET_VCPU_EVENTS, &ev));
		ev.smi.smm = 0;
		ev.smi.smm_inside_nmi = 1;
		EXPECT_EQ(-EINVAL, __vcpu_ioctl(vcpu, HV_SET_VCPU_EVENTS, &ev));
		/* Without VALID_SMM the fields are not looked at. */
		ev.flags = 0;
		EXPECT_EQ(0, __vcpu_ioctl(vcpu, HV_SET_VCPU_EVENTS, &ev));
	}
	hv_vm_free(vm);
}

/* NMI masking and an NMI being delivered round-trip. */
TEST(events_nmi_round_trip)
{
	struct hv_vcpu_events ev = { 0 }, got;
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;

	HV_REQUIRE_GUEST(return, HV_CAP_VCPU_EVENTS);
	vcpu = new_vcpu(&vm);
	vcpu_ioctl(vcpu, HV_GET_VCPU_EVENTS, &got);
	EXPECT_EQ(0, got.nmi.masked);
	EXPECT_EQ(0, got.nmi.injected);
	ev.nmi.masked = 1;
	vcpu_ioctl(vcpu, HV_SET_VCPU_EVENTS, &ev);
	vcpu_ioctl(vcpu, HV_GET_VCPU_EVENTS, &got);
	EXPECT_EQ(1, got.nmi.masked);
	ev.nmi.masked = 0;
	vcpu_ioctl(vcpu, HV_SET_VCPU_EVENTS, &ev);
	vcpu_ioctl(vcpu, HV_GET_VCPU_EVENTS, &got);
	EXPECT_EQ(0, got.nmi.masked);
	ev.nmi.injected = 1;
	ev.nmi.masked = 1;
	vcpu_ioctl(vcpu, HV_SET_VCPU_EVENTS, &ev);
	vcpu_ioctl(vcpu, HV_GET_VCPU_EVENTS, &got);
	EXPECT_EQ(1, got.nmi.injected);
	EXPECT_EQ(1, got.nmi.masked);
	EXPECT_EQ(0, got.exception.injected);
	hv_vm_free(vm);
}

#define TSS_IST1	0x24	/* the library's exception stack */

/*
 * An exit that interrupts the delivery of an exception leaves it to be
 * delivered again (SVM's EXITINTINFO), and GET reports it meanwhile: the
 * exception stack's page is made inaccessible to the host, so pushing
 * the frame faults and RUN fails with EFAULT, as on KVM.  Once the page
 * is back the exception reaches the guest, once.
 */
TEST(events_reinjected_exception_reported)
{
	struct hv_vcpu_events ev = { 0 }, got;
	struct hv_vcpu *vcpu;
	struct hv_vm *vm;
	void *page;
	u64 ist;

	HV_REQUIRE_GUEST(return, HV_CAP_VCPU_EVENTS);
	vcpu = new_vcpu(&vm);
	vm_install_exception_handler(vm, UD_VECTOR, guest_ud_handler);
	memcpy(&ist, (char *)hv_gpa2hva(vm, vcpu->tss) + TSS_IST1, 8);
	page = (void *)hv_align_down((u64)hv_gpa2hva(vm, ist - 8),
				     HV_PAGE_SIZE);
	ASSERT_EQ(0, mprotect(page, HV_PAGE_SIZE, PROT_NONE));

	ev.exception.injected = 1;
	ev.exception.nr = UD_VECTOR;
	vcpu_ioctl(vcpu, HV_SET_VCPU_EVENTS, &ev);
	EXPECT_EQ(-EFAULT, __vcpu_ioctl(vcpu, HV_RUN, NULL));
	vcpu_ioctl(vcpu, HV_GET_VCPU_EVENTS, &got);
	EXPECT_EQ(1, got.exception.injected);
	EXPECT_EQ(UD_VECTOR, got.exception.nr);
	EXPECT_EQ(0, got.exception.has_error_code);

	ASSERT_EQ(0, mprotect(page, HV_PAGE_SIZE, PROT_READ | PROT_WRITE));
	vcpu_expect_ucall(vcpu, UCALL_DONE, NULL);	/* ud_count == 1 */
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

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Host side of the x86 state a VMM saves and restores: CPUID tables
 * (lib/x86/cpuid.c), MSRs and a whole vCPU (lib/x86/state.c:
 * vcpu_save_state(), vcpu_load_state()), with KVM's ioctls and in the
 * order KVM's own state_test uses.
 */
#ifndef _HV_X86_STATE_H
#define _HV_X86_STATE_H

#include "x86/processor.h"

/* Room for any CPUID table: KVM_MAX_CPUID_ENTRIES, SET_CPUID2's limit. */
#define HV_CPUID_MAX_ENTRIES	256
/* GET/SET_MSRS take fewer entries than this (KVM's MAX_IO_MSRS). */
#define HV_MAX_IO_MSRS		256

/* A zeroed table with room for @nent entries, nent set to @nent. */
struct hv_cpuid2 *hv_cpuid2_alloc(unsigned int nent);
/* HV_GET_SUPPORTED_CPUID, with room to spare. */
struct hv_cpuid2 *hv_get_supported_cpuid(void);
struct hv_cpuid2 *hv_cpuid2_dup(const struct hv_cpuid2 *cpuid);
/* The entry for @function (and @index if it is significant), or NULL. */
struct hv_cpuid_entry2 *hv_cpuid_find(struct hv_cpuid2 *cpuid, u32 function,
				      u32 index);
/* Delete the entries of @function / @index (index ~0: all of them). */
void hv_cpuid_remove(struct hv_cpuid2 *cpuid, u32 function, u32 index);

/* XSAVE area size for @xcr0 (CPUID 0xd.0 EBX) from @cpuid's 0xd leaves. */
u32 hv_cpuid_xsave_size(struct hv_cpuid2 *cpuid, u64 xcr0);
#define HV_XSAVE_LEGACY_SIZE	576	/* legacy area and header: x87, SSE */

/*
 * Set the bits of @cpuid that follow vCPU state to what they are for a
 * vCPU after reset, as KVM computes them: at SET_CPUID2 KVM rewrites
 * them (kvm_update_cpuid_runtime()) and GET_CPUID2 and the guest see
 * that.  OSXSAVE and OSPKE as CR4 (clear), the APIC bit as APIC_BASE's
 * enable bit (set), 0xd.0 EBX (and 0xd.1 EBX with XSAVEC or XSAVES) the
 * XSAVE size for XCR0 = x87.  Such a table means the same on hv and KVM.
 */
void hv_cpuid_reset_view(struct hv_cpuid2 *cpuid);

struct hv_cpuid2 *vcpu_get_cpuid(struct hv_vcpu *vcpu);
static inline void vcpu_set_cpuid(struct hv_vcpu *vcpu,
				  const struct hv_cpuid2 *cpuid)
{
	vcpu_ioctl(vcpu, HV_SET_CPUID2, cpuid);
}

/*
 * MSRs of KVM's index list that KVM refuses to write, even with the
 * value it reads, without an in-kernel local APIC (which hv has not and
 * these tests do not create): MSR_KVM_ASYNC_PF_INT.
 */
#define MSR_KVM_ASYNC_PF_INT	0x4b564d06

static inline bool hv_msr_needs_lapic(u32 index)
{
	return index == MSR_KVM_ASYNC_PF_INT;
}

/* MSRs that count time: a read right after a write differs. */
#define MSR_HV_VP_RUNTIME	0x40000010	/* Hyper-V's, in KVM's list */
#define MSR_HV_TIME_REF_COUNT	0x40000020

static inline bool hv_msr_ticks(u32 index)
{
	return index == MSR_IA32_TSC || index == MSR_HV_VP_RUNTIME ||
	       index == MSR_HV_TIME_REF_COUNT;
}

/* HV_GET_MSR_INDEX_LIST, the whole list. */
struct hv_msr_list *hv_get_msr_index_list(void);
/* An hv_msrs of @n entries; nmsrs is set to @n. */
struct hv_msrs *hv_msrs_alloc(unsigned int n);
u64 vcpu_get_msr(struct hv_vcpu *vcpu, u32 index);
void vcpu_set_msr(struct hv_vcpu *vcpu, u32 index, u64 value);

/* Size of the XSAVE image: HV_CAP_XSAVE2 on the VM, at least 4 KiB. */
size_t vcpu_xsave_size(struct hv_vcpu *vcpu);

/*
 * Finish what the last exit left pending (an I/O or MMIO read): RUN with
 * immediate_exit.  KVM guarantees consistent state only after that.
 */
void vcpu_complete_io(struct hv_vcpu *vcpu);

/* Everything a VMM saves of an x86 vCPU. */
struct hv_x86_state {
	struct hv_vcpu_events events;
	struct hv_mp_state mp_state;
	struct hv_regs regs;
	struct hv_xcrs xcrs;
	struct hv_sregs sregs;
	struct hv_sregs2 sregs2;
	struct hv_fpu fpu;
	struct hv_debugregs debugregs;
	struct hv_xsave *xsave;		/* xsave_size bytes */
	size_t xsave_size;
	struct hv_cpuid2 *cpuid;
	/* The index list's MSRs but hv_msr_needs_lapic() ones. */
	struct hv_msrs *msrs;
	bool use_sregs2;		/* vcpu_load_state(): SREGS2 or SREGS */
	/* The in-kernel local APIC's registers, if the VM has one. */
	struct hv_lapic_state lapic;
	bool has_lapic;
};

/*
 * Read all of @vcpu's state, in the order of KVM's vcpu_save_state().
 * Needs the capabilities XSAVE, XCRS, DEBUGREGS, VCPU_EVENTS, MP_STATE,
 * SREGS2 and EXT_CPUID.
 */
struct hv_x86_state *vcpu_read_state(struct hv_vcpu *vcpu);
/* vcpu_complete_io() (IMMEDIATE_EXIT), then vcpu_read_state(). */
struct hv_x86_state *vcpu_save_state(struct hv_vcpu *vcpu);

/*
 * Load @state into a new vCPU: CPUID first, as KVM's selftests do when
 * they recreate a vCPU, then SREGS(2), MSRs, XCRS, XSAVE, VCPU_EVENTS,
 * MP_STATE, DEBUGREGS and REGS (KVM's vcpu_load_state() order).  FPU is
 * not loaded: XSAVE holds it.
 */
void vcpu_load_state(struct hv_vcpu *vcpu, const struct hv_x86_state *state);
/*
 * Compare two states, field by field and MSR by MSR (but those that
 * tick): print each difference, return how many there are.
 */
unsigned int hv_x86_state_diff(const struct hv_x86_state *a,
			       const struct hv_x86_state *b);
void hv_x86_state_free(struct hv_x86_state *state);

#endif /* _HV_X86_STATE_H */

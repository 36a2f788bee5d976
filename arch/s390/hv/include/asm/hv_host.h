/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * s390 part of the hv core <-> backend contract: the vCPU state the core
 * keeps, the guest address space (a gmap of the VM's memory slots) and
 * the SIE state description the backend runs a vCPU with.
 *
 * The general, access and floating-point registers live in the run page
 * (hv_run.s.regs), as on KVM: userspace sees them without an ioctl and
 * the world switch loads and saves them there.
 */
#ifndef _ASM_S390_HV_HOST_H
#define _ASM_S390_HV_HOST_H

#include <linux/signal_types.h>
#include <linux/sizes.h>
#include <linux/types.h>
#include <asm/hv.h>

struct gmap;
struct hv_memslot;
struct hv_vcpu;
struct hv_vm;

/* GSI routing's irqchip table (<linux/hv_irq.h>): none on s390 yet. */
#define HV_NR_IRQCHIPS		1
#define HV_IRQCHIP_NUM_PINS	1

/*
 * KVM has no coalesced MMIO on s390 (no MMIO at all): CHECK_EXTENSION
 * answers 0, as KVM's does.  The core still maps the ring page.
 */
#define HV_COALESCED_MMIO_PAGE_OFFSET	0

/* Guest storage is mapped in 1 MiB segments (gmap_map_segment()). */
#define HV_S390_SEGMENT_SIZE	SZ_1M

/* Control registers 0 and 14 after an initial CPU reset (POP, 4-50). */
#define HV_S390_CR0_INITIAL	0xe0UL
#define HV_S390_CR14_INITIAL	0xc2000000UL

/**
 * struct hv_vcpu_arch - s390 vCPU state kept by the core
 * @psw_mask:	the guest PSW (KVM keeps it in the state description and
 *		copies it to hv_run.psw_mask/psw_addr at every exit).
 * @psw_addr:	see @psw_mask.
 * @prefix:	the prefix register (a multiple of 8 KiB).
 * @crs:	control registers.
 * @cputm:	CPU timer.
 * @ckc:	clock comparator.
 * @todpr:	TOD programmable register (16 bits).
 * @pp:		program parameter.
 * @gbea:	breaking-event address.
 * @epoch:	difference added to the host TOD clock for the guest.
 * @pft:	pfault token, select and compare (HV_SYNC_PFAULT); hv has no
 * @pfs:	pfault, they are only kept for userspace.
 * @pfc:	see @pft.
 * @stopped:	the vCPU is in the stopped state (created or reset, not
 *		yet run): HV_S390_SET_INITIAL_PSW is allowed.
 * @synced:	RUN loaded the run structure's registers (pre-run passed):
 *		the post-run stores them back.
 * @host_fpc:	the thread's FP control while RUN lends the thread's FP
 *		state to the guest (see hv_arch_load_guest_fpu()).
 * @host_fpregs: the thread's FP register save area, likewise.
 * @host_acrs:	the thread's access registers while the guest's are loaded.
 * @pgm_pending: a program interruption (HV_S390_INTERRUPT) waits to be
 *		delivered at the next entry, with code @pgm_code.
 * @pgm_code:	see @pgm_pending.
 * @pgm_ilc:	the ILC (in bytes) stored with it.
 * @last_ilen:	length of the instruction the last interception reported
 *		(0 if it reported none): the ILC of an injected program
 *		interruption, as KVM's kvm_s390_get_ilen().  Set by the
 *		backend at every exit.
 */
struct hv_vcpu_arch {
	u64 psw_mask;
	u64 psw_addr;
	u64 prefix;
	u64 crs[16];
	u64 cputm;
	u64 ckc;
	u64 todpr;
	u64 pp;
	u64 gbea;
	u64 epoch;
	u64 pft;
	u64 pfs;
	u64 pfc;
	bool stopped;
	bool synced;
	u32 host_fpc;
	void *host_fpregs;
	u32 host_acrs[16];
	bool pgm_pending;
	u16 pgm_code;
	u16 pgm_ilc;
	u8 last_ilen;
};

/**
 * struct hv_vm_arch - s390 state of a VM kept by the core
 * @gmap:	(c) the guest address space: guest absolute addresses
 *		translated to the VMM's addresses through the VMM's own page
 *		tables (with PGSTEs), so host invalidations reach the guest
 *		without hv's help (arch/s390/mm/gmap.c).  Created by the
 *		backend's vm_init, removed by its vm_destroy.
 * @mem_limit:	(c) guest storage ends below this address.
 */
struct hv_vm_arch {
	struct gmap *gmap;
	u64 mem_limit;
};

/* Nothing of the vCPU state lives only in the backend yet. */
struct hv_arch_backend_ops {
	int unused;
};

static inline bool
hv_arch_backend_ops_valid(const struct hv_arch_backend_ops *ops)
{
	return true;
}

/* s390 code of hv.ko used by the core. */
int hv_arch_vcpu_init(struct hv_vcpu *vcpu);
void hv_arch_vcpu_destroy(struct hv_vcpu *vcpu);
long hv_arch_vcpu_ioctl(struct hv_vcpu *vcpu, unsigned int cmd,
			unsigned long arg);
int hv_arch_vcpu_complete_pending(struct hv_vcpu *vcpu);
int hv_arch_vcpu_pre_run(struct hv_vcpu *vcpu);
void hv_arch_vcpu_post_run(struct hv_vcpu *vcpu);
long hv_arch_check_extension(long cap);
long hv_arch_dev_ioctl(unsigned int cmd, unsigned long arg);
long hv_arch_vm_ioctl(struct hv_vm *vm, unsigned int cmd, unsigned long arg);
int hv_arch_vm_init(struct hv_vm *vm, unsigned long type);
int hv_arch_check_memslot(struct hv_vm *vm,
			  const struct hv_userspace_memory_region *mem);
void hv_arch_commit_memslot(struct hv_vm *vm, const struct hv_memslot *old,
			    const struct hv_memslot *new);
void hv_arch_vm_destroy(struct hv_vm *vm);
void hv_arch_load_guest_fpu(struct hv_vcpu *vcpu);
void hv_arch_put_guest_fpu(struct hv_vcpu *vcpu);

/* s390 code of hv.ko used by backends. */
void hv_s390_initial_reset(struct hv_vcpu *vcpu);
int hv_s390_deliver_pending(struct hv_vcpu *vcpu);

#endif /* _ASM_S390_HV_HOST_H */

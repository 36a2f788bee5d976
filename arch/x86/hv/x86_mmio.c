// SPDX-License-Identifier: GPL-2.0-only
/*
 * MMIO exits: a guest access to a guest-physical address with no memory
 * slot (or a write to a read-only slot) becomes HV_EXIT_MMIO.
 */
#define pr_fmt(fmt) "hv: " fmt

#include <linux/hv_host.h>

#include "x86.h"

/**
 * hv_x86_handle_mmio - turn a nested page fault on MMIO into an exit
 * @vcpu: the vCPU; RIP at the faulting instruction.
 * @gpa: the guest-physical address accessed.
 * @write: the access was a write.
 * @insn: instruction bytes from the hardware (decode assists), or NULL.
 * @insn_len: bytes in @insn.
 *
 * Return: 0 to exit to userspace.
 */
int hv_x86_handle_mmio(struct hv_vcpu *vcpu, u64 gpa, bool write,
		       const u8 *insn, unsigned int insn_len)
{
	u64 data[2] = { gpa, vcpu->arch.rip };

	/* The instruction decoder is not wired in yet. */
	return hv_x86_internal_error(vcpu, HV_INTERNAL_ERROR_EMULATION, 2, data);
}
EXPORT_SYMBOL_GPL(hv_x86_handle_mmio);

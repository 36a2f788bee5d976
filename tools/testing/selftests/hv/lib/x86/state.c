// SPDX-License-Identifier: GPL-2.0-only
/*
 * x86 state a VMM saves and restores: MSRs and whole-vCPU snapshots
 * (see include/x86/state.h).
 */
#include "x86/state.h"

struct hv_msr_list *hv_get_msr_index_list(void)
{
	struct hv_msr_list probe = { .nmsrs = 0 }, *list;
	long r;

	/* E2BIG, with the list's size in nmsrs. */
	r = hv_sys_ioctl(HV_GET_MSR_INDEX_LIST, (unsigned long)&probe);
	TEST_ASSERT(r == -E2BIG || r == 0,
		    "ioctl HV_GET_MSR_INDEX_LIST (size): %ld", r);
	list = calloc(1, sizeof(*list) + probe.nmsrs * sizeof(u32));
	TEST_ASSERT(list, "out of memory");
	list->nmsrs = probe.nmsrs;
	r = hv_sys_ioctl(HV_GET_MSR_INDEX_LIST, (unsigned long)list);
	errno = -r;
	TEST_ASSERT(!r, "ioctl HV_GET_MSR_INDEX_LIST: %ld", r);
	return list;
}

struct hv_msrs *hv_msrs_alloc(unsigned int n)
{
	struct hv_msrs *msrs;

	msrs = calloc(1, sizeof(*msrs) + n * sizeof(msrs->entries[0]));
	TEST_ASSERT(msrs, "out of memory");
	msrs->nmsrs = n;
	return msrs;
}

u64 vcpu_get_msr(struct hv_vcpu *vcpu, u32 index)
{
	struct hv_msrs *msrs = hv_msrs_alloc(1);
	long r;
	u64 v;

	msrs->entries[0].index = index;
	r = __vcpu_ioctl(vcpu, HV_GET_MSRS, msrs);
	TEST_ASSERT(r == 1, "HV_GET_MSRS of MSR 0x%x: %ld", index, r);
	v = msrs->entries[0].data;
	free(msrs);
	return v;
}

void vcpu_set_msr(struct hv_vcpu *vcpu, u32 index, u64 value)
{
	struct hv_msrs *msrs = hv_msrs_alloc(1);
	long r;

	msrs->entries[0].index = index;
	msrs->entries[0].data = value;
	r = __vcpu_ioctl(vcpu, HV_SET_MSRS, msrs);
	TEST_ASSERT(r == 1, "HV_SET_MSRS of MSR 0x%x = 0x%llx: %ld", index,
		    value, r);
	free(msrs);
}

size_t vcpu_xsave_size(struct hv_vcpu *vcpu)
{
	long size = __vm_ioctl(vcpu->vm, HV_CHECK_EXTENSION, HV_CAP_XSAVE2);

	return size > (long)sizeof(struct hv_xsave) ? size :
						      sizeof(struct hv_xsave);
}

void vcpu_complete_io(struct hv_vcpu *vcpu)
{
	int r;

	vcpu->run->immediate_exit = 1;
	r = __vcpu_run(vcpu);
	vcpu->run->immediate_exit = 0;
	errno = -r;
	TEST_ASSERT(r == -EINTR, "HV_RUN with immediate_exit: %d", r);
}

struct hv_x86_state *vcpu_read_state(struct hv_vcpu *vcpu)
{
	struct hv_msr_list *list = hv_get_msr_index_list();
	struct hv_x86_state *s = calloc(1, sizeof(*s));
	unsigned int i;
	long r;

	TEST_ASSERT(s, "out of memory");
	TEST_ASSERT(list->nmsrs < HV_MAX_IO_MSRS, "%u MSRs in the list",
		    list->nmsrs);
	vcpu_ioctl(vcpu, HV_GET_VCPU_EVENTS, &s->events);
	vcpu_ioctl(vcpu, HV_GET_MP_STATE, &s->mp_state);
	/* EINVAL without an in-kernel irqchip. */
	s->has_lapic = !__vcpu_ioctl(vcpu, HV_GET_LAPIC, &s->lapic);
	vcpu_regs_get(vcpu, &s->regs);
	s->xsave_size = vcpu_xsave_size(vcpu);
	s->xsave = calloc(1, s->xsave_size);
	TEST_ASSERT(s->xsave, "out of memory");
	if (__vm_ioctl(vcpu->vm, HV_CHECK_EXTENSION, HV_CAP_XSAVE2) > 0)
		vcpu_ioctl(vcpu, HV_GET_XSAVE2, s->xsave);
	else
		vcpu_ioctl(vcpu, HV_GET_XSAVE, s->xsave);
	vcpu_ioctl(vcpu, HV_GET_XCRS, &s->xcrs);
	vcpu_sregs_get(vcpu, &s->sregs);
	vcpu_ioctl(vcpu, HV_GET_SREGS2, &s->sregs2);
	vcpu_fpu_get(vcpu, &s->fpu);
	s->cpuid = vcpu_get_cpuid(vcpu);

	s->msrs = hv_msrs_alloc(list->nmsrs);
	s->msrs->nmsrs = 0;
	for (i = 0; i < list->nmsrs; i++)
		if (!hv_msr_needs_lapic(list->indices[i]))
			s->msrs->entries[s->msrs->nmsrs++].index =
				list->indices[i];
	r = vcpu_ioctl(vcpu, HV_GET_MSRS, s->msrs);
	TEST_ASSERT(r == s->msrs->nmsrs,
		    "HV_GET_MSRS: %ld of %u, stopped at 0x%x", r,
		    s->msrs->nmsrs,
		    s->msrs->entries[r < s->msrs->nmsrs ? r : 0].index);

	vcpu_ioctl(vcpu, HV_GET_DEBUGREGS, &s->debugregs);
	s->use_sregs2 = true;
	free(list);
	return s;
}

struct hv_x86_state *vcpu_save_state(struct hv_vcpu *vcpu)
{
	vcpu_complete_io(vcpu);
	return vcpu_read_state(vcpu);
}

void vcpu_load_state(struct hv_vcpu *vcpu, const struct hv_x86_state *s)
{
	long r;

	vcpu_set_cpuid(vcpu, s->cpuid);
	if (s->use_sregs2)
		vcpu_ioctl(vcpu, HV_SET_SREGS2, &s->sregs2);
	else
		vcpu_ioctl(vcpu, HV_SET_SREGS, &s->sregs);
	/* After the APIC base (SREGS), before IA32_TSC_DEADLINE (MSRS). */
	if (s->has_lapic)
		vcpu_ioctl(vcpu, HV_SET_LAPIC, &s->lapic);
	r = vcpu_ioctl(vcpu, HV_SET_MSRS, s->msrs);
	TEST_ASSERT(r == s->msrs->nmsrs,
		    "HV_SET_MSRS: %ld of %u, stopped at 0x%x", r,
		    s->msrs->nmsrs,
		    s->msrs->entries[r < s->msrs->nmsrs ? r : 0].index);
	vcpu_ioctl(vcpu, HV_SET_XCRS, &s->xcrs);
	vcpu_ioctl(vcpu, HV_SET_XSAVE, s->xsave);
	vcpu_ioctl(vcpu, HV_SET_VCPU_EVENTS, &s->events);
	vcpu_ioctl(vcpu, HV_SET_MP_STATE, &s->mp_state);
	vcpu_ioctl(vcpu, HV_SET_DEBUGREGS, &s->debugregs);
	vcpu_ioctl(vcpu, HV_SET_REGS, &s->regs);
}

/* Print where @size bytes at @a and @b first differ; 1 if they do. */
static unsigned int diff_bytes(const char *what, const void *a, const void *b,
			       size_t size)
{
	const u8 *x = a, *y = b;
	size_t i;

	for (i = 0; i < size && x[i] == y[i]; i++)
		;
	if (i == size)
		return 0;
	printf("# %s differs at byte %zu: 0x%02x, then 0x%02x\n", what, i,
	       x[i], y[i]);
	return 1;
}

unsigned int hv_x86_state_diff(const struct hv_x86_state *a,
			       const struct hv_x86_state *b)
{
	const struct hv_msr_entry *m, *n;
	unsigned int i, d = 0;

	d += diff_bytes("REGS", &a->regs, &b->regs, sizeof(a->regs));
	d += diff_bytes("SREGS", &a->sregs, &b->sregs, sizeof(a->sregs));
	d += diff_bytes("SREGS2", &a->sregs2, &b->sregs2, sizeof(a->sregs2));
	d += diff_bytes("FPU", &a->fpu, &b->fpu, sizeof(a->fpu));
	d += diff_bytes("XCRS", &a->xcrs, &b->xcrs, sizeof(a->xcrs));
	d += diff_bytes("DEBUGREGS", &a->debugregs, &b->debugregs,
			sizeof(a->debugregs));
	d += diff_bytes("VCPU_EVENTS", &a->events, &b->events,
			sizeof(a->events));
	d += diff_bytes("MP_STATE", &a->mp_state, &b->mp_state,
			sizeof(a->mp_state));
	/*
	 * All but what moves while the vCPU is stopped: IRR (0x200-0x27f),
	 * where a running timer posts its vector, and the timer's current
	 * count (0x390).
	 */
	d += diff_bytes("LAPIC presence", &a->has_lapic, &b->has_lapic,
			sizeof(a->has_lapic));
	if (a->has_lapic && b->has_lapic) {
		d += diff_bytes("LAPIC", a->lapic.regs, b->lapic.regs, 0x200);
		d += diff_bytes("LAPIC", a->lapic.regs + 0x280,
				b->lapic.regs + 0x280, 0x390 - 0x280);
		d += diff_bytes("LAPIC", a->lapic.regs + 0x3a0,
				b->lapic.regs + 0x3a0, HV_APIC_REG_SIZE - 0x3a0);
	}
	if (a->xsave_size == b->xsave_size)
		d += diff_bytes("XSAVE", a->xsave, b->xsave, a->xsave_size);
	else
		d += diff_bytes("XSAVE size", &a->xsave_size, &b->xsave_size,
				sizeof(a->xsave_size));
	if (a->cpuid->nent == b->cpuid->nent)
		d += diff_bytes("CPUID2", a->cpuid->entries, b->cpuid->entries,
				a->cpuid->nent * sizeof(a->cpuid->entries[0]));
	else
		d += diff_bytes("CPUID2 nent", &a->cpuid->nent,
				&b->cpuid->nent, sizeof(a->cpuid->nent));
	if (a->msrs->nmsrs != b->msrs->nmsrs)
		return d + diff_bytes("MSR count", &a->msrs->nmsrs,
				      &b->msrs->nmsrs, sizeof(a->msrs->nmsrs));
	for (i = 0; i < a->msrs->nmsrs; i++) {
		m = &a->msrs->entries[i];
		n = &b->msrs->entries[i];
		if (m->index == n->index && (m->data == n->data ||
					     hv_msr_ticks(m->index)))
			continue;
		printf("# MSR 0x%x = 0x%llx, then MSR 0x%x = 0x%llx\n",
		       m->index, m->data, n->index, n->data);
		d++;
	}
	return d;
}

void hv_x86_state_free(struct hv_x86_state *s)
{
	free(s->xsave);
	free(s->cpuid);
	free(s->msrs);
	free(s);
}

/* Where the guest was: printed when a test meets an unexpected exit. */
void hv_arch_dump_vcpu(struct hv_vcpu *vcpu)
{
	struct hv_vcpu_events ev;
	struct hv_sregs sregs;
	struct hv_regs regs;
	u32 id = vcpu->id;

	if (__vcpu_ioctl(vcpu, HV_GET_REGS, &regs) ||
	    __vcpu_ioctl(vcpu, HV_GET_SREGS, &sregs))
		return;
	fprintf(stderr, "# vCPU %u: rip 0x%llx rsp 0x%llx rflags 0x%llx\n",
		id, regs.rip, regs.rsp, regs.rflags);
	fprintf(stderr, "# vCPU %u: rax 0x%llx rdx 0x%llx cr2 0x%llx\n",
		id, regs.rax, regs.rdx, sregs.cr2);
	fprintf(stderr, "# vCPU %u: cr0 0x%llx cr3 0x%llx cr4 0x%llx efer 0x%llx\n",
		id, sregs.cr0, sregs.cr3, sregs.cr4, sregs.efer);
	fprintf(stderr, "# vCPU %u: cs 0x%x ss 0x%x tr 0x%x gdt 0x%llx idt 0x%llx\n",
		id, sregs.cs.selector, sregs.ss.selector, sregs.tr.selector,
		sregs.gdt.base, sregs.idt.base);
	if (__vcpu_ioctl(vcpu, HV_GET_VCPU_EVENTS, &ev))
		return;
	fprintf(stderr, "# vCPU %u: exception injected %u pending %u nr %u\n",
		id, ev.exception.injected, ev.exception.pending,
		ev.exception.nr);
	fprintf(stderr, "# vCPU %u: interrupt injected %u nr %u, nmi injected %u\n",
		id, ev.interrupt.injected, ev.interrupt.nr, ev.nmi.injected);
}

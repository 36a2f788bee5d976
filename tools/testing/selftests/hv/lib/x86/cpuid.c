// SPDX-License-Identifier: GPL-2.0-only
/*
 * CPUID tables on the host side: the supported table, the vCPU's, and
 * what KVM makes of them (see include/x86/state.h).
 */
#include "x86/state.h"

struct hv_cpuid2 *hv_cpuid2_alloc(unsigned int nent)
{
	struct hv_cpuid2 *cpuid;

	cpuid = calloc(1, sizeof(*cpuid) + nent * sizeof(cpuid->entries[0]));
	TEST_ASSERT(cpuid, "out of memory");
	cpuid->nent = nent;
	return cpuid;
}

struct hv_cpuid2 *hv_cpuid2_dup(const struct hv_cpuid2 *cpuid)
{
	struct hv_cpuid2 *dup = hv_cpuid2_alloc(cpuid->nent);

	memcpy(dup->entries, cpuid->entries,
	       cpuid->nent * sizeof(cpuid->entries[0]));
	return dup;
}

struct hv_cpuid2 *hv_get_supported_cpuid(void)
{
	struct hv_cpuid2 *cpuid = hv_cpuid2_alloc(HV_CPUID_MAX_ENTRIES);
	long r;

	r = hv_sys_ioctl(HV_GET_SUPPORTED_CPUID, (unsigned long)cpuid);
	errno = -r;
	TEST_ASSERT(!r, "ioctl HV_GET_SUPPORTED_CPUID: %ld", r);
	return cpuid;
}

struct hv_cpuid_entry2 *hv_cpuid_find(struct hv_cpuid2 *cpuid, u32 function,
				      u32 index)
{
	struct hv_cpuid_entry2 *e;
	unsigned int i;

	for (i = 0; i < cpuid->nent; i++) {
		e = &cpuid->entries[i];
		if (e->function == function &&
		    (!(e->flags & HV_CPUID_FLAG_SIGNIFCANT_INDEX) ||
		     e->index == index))
			return e;
	}
	return NULL;
}

void hv_cpuid_remove(struct hv_cpuid2 *cpuid, u32 function, u32 index)
{
	unsigned int i, n = 0;

	for (i = 0; i < cpuid->nent; i++) {
		const struct hv_cpuid_entry2 *e = &cpuid->entries[i];

		if (e->function == function &&
		    (index == ~0u || e->index == index))
			continue;
		cpuid->entries[n++] = *e;
	}
	cpuid->nent = n;
}

u32 hv_cpuid_xsave_size(struct hv_cpuid2 *cpuid, u64 xcr0)
{
	u32 size = HV_XSAVE_LEGACY_SIZE;
	struct hv_cpuid_entry2 *e;
	int i;

	for (i = 2; i < 64; i++) {
		e = xcr0 & BIT_ULL(i) ? hv_cpuid_find(cpuid, 0xd, i) : NULL;
		if (e && e->eax + e->ebx > size)
			size = e->eax + e->ebx;
	}
	return size;
}

void hv_cpuid_reset_view(struct hv_cpuid2 *cpuid)
{
	struct hv_cpuid_entry2 *e;

	e = hv_cpuid_find(cpuid, 1, 0);
	if (e) {
		e->ecx &= ~CPUID_1_ECX_OSXSAVE;
		e->edx |= CPUID_1_EDX_APIC;
	}
	e = hv_cpuid_find(cpuid, 7, 0);
	if (e)
		e->ecx &= ~CPUID_7_ECX_OSPKE;
	e = hv_cpuid_find(cpuid, 0xd, 0);
	if (e)
		e->ebx = HV_XSAVE_LEGACY_SIZE;
	e = hv_cpuid_find(cpuid, 0xd, 1);
	if (e && (e->eax & (CPUID_D1_EAX_XSAVEC | CPUID_D1_EAX_XSAVES)))
		e->ebx = HV_XSAVE_LEGACY_SIZE;
}

/*
 * KVM 6.1 writes nent back neither on success nor on E2BIG (only its own
 * copy of the header), so the table's size is the smallest nent that
 * does not fail with E2BIG.
 */
struct hv_cpuid2 *vcpu_get_cpuid(struct hv_vcpu *vcpu)
{
	struct hv_cpuid2 *cpuid = hv_cpuid2_alloc(HV_CPUID_MAX_ENTRIES);
	unsigned int lo = 0, hi = HV_CPUID_MAX_ENTRIES;
	long r;

	while (lo < hi) {
		cpuid->nent = (lo + hi) / 2;
		r = __vcpu_ioctl(vcpu, HV_GET_CPUID2, cpuid);
		errno = -r;
		TEST_ASSERT(!r || r == -E2BIG, "ioctl HV_GET_CPUID2: %ld", r);
		if (r)
			lo = cpuid->nent + 1;
		else
			hi = cpuid->nent;
	}
	cpuid->nent = lo;
	vcpu_ioctl(vcpu, HV_GET_CPUID2, cpuid);
	cpuid->nent = lo;
	return cpuid;
}

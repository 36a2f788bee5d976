// SPDX-License-Identifier: GPL-2.0-only
/*
 * arm64 part of hv.ko: an in-kernel GICv3 (HV_DEV_TYPE_ARM_VGIC_V3) with
 * KVM's device ABI (Documentation/virt/kvm/devices/arm-vgic-v3.rst).
 *
 * The distributor and one redistributor per vCPU are emulated on the
 * core's MMIO bus (Arm IHI 0069H, "GIC architecture specification",
 * chapter 12: GICD_* and GICR_* registers); the guest's CPU interface is
 * the hardware's virtual one (ICV_* registers, chapter 6 "Virtual
 * interrupt handling"): before each entry hv_arm64_vgic_flush() puts the
 * vCPU's most urgent pending or active interrupts into list registers
 * (ICH_LR<n>_EL2), and after the exit hv_arm64_vgic_sync() takes their
 * state back.  The timers' PPIs carry the HW bit (IHI 0069 6.3.2, pINTID)
 * so the guest's deactivation also deactivates the physical interrupt
 * the backend holds active while the line is high.
 *
 * What is not emulated: LPIs and the ITS, GICv2 compatibility, group 0
 * distinction beyond the enable bits (one security state, GICD_CTLR.DS
 * is 1), the maintenance interrupt (an interrupt that does not fit in the
 * list registers waits for the next exit), save/restore of the
 * distributor through GRP_DIST_REGS/REDIST_REGS/CPU_SYSREGS.
 *
 * Locking: hv_vgic.config_lock (a mutex) orders the device attributes,
 * the initialization and the mapping on the bus; hv_vgic.lock (a
 * spinlock, taken with interrupts off on the entry path) protects every
 * struct hv_vgic_irq and hv_vgic.ctlr.  Both are documented in
 * Documentation/virt/hv/locking.rst.
 */
#define pr_fmt(fmt) "hv: " fmt

#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/hv_host.h>
#include <linux/hv_irq.h>
#include <asm/cpufeature.h>
#include <asm/cputype.h>

#include "../../../virt/hv/hv_internal.h"

#define HV_VGIC_ADDR_UNDEF	(~0ULL)
#define HV_VGIC_FRAME		0x10000ULL
/* KVM's default without GRP_NR_IRQS: 256 interrupts. */
#define HV_VGIC_NR_IRQS_DEFAULT	256
#define HV_VGIC_MAX_IRQS	1020

/* Distributor registers (IHI 0069H 12.9). */
#define GICD_CTLR		0x0000
#define GICD_TYPER		0x0004
#define GICD_IIDR		0x0008
#define GICD_IROUTER		0x6000
#define GICD_IROUTER_END	0x7fe0
#define GIC_PIDR2_OFF		0xffe8
#define GICD_CTLR_EN_GRP0	BIT(0)
#define GICD_CTLR_EN_GRP1	BIT(1)
#define GICD_CTLR_ARE		BIT(4)
#define GICD_CTLR_DS		BIT(6)
/* IDbits: 10 bits of INTID (no LPIs). */
#define GICD_TYPER_IDBITS	(9U << 19)
/* ArchRev 3: GICv3 (IHI 0069H 12.1.8, identification registers). */
#define GIC_PIDR2_V3		0x3b
/* Implementer Arm (0x43b) as KVM reports, product 'H' for hv. */
#define HV_VGIC_IIDR		((0x48U << 24) | 0x43b)
#define GICD_IROUTER_MASK	(GENMASK_ULL(39, 32) | BIT_ULL(31) | \
				 GENMASK_ULL(23, 0))
#define GICD_IROUTER_IRM	BIT_ULL(31)

/* Redistributor registers (IHI 0069H 12.10, 12.11). */
#define GICR_TYPER		0x0008
#define GICR_TYPER_LAST		BIT(4)
#define GICR_ICFGR0		0x0c00

/* ICH_LR<n>_EL2 fields (IHI 0069H 12.4.6) are <asm/sysreg.h>'s. */
#define ICH_LR_PENDING		ICH_LR_PENDING_BIT
#define ICH_LR_ACTIVE		ICH_LR_ACTIVE_BIT

/* The timers' source of their PPIs' lines, apart from the core's. */
#define HV_VGIC_TIMER_SOURCE	7

/**
 * struct hv_vgic - the emulated GICv3 of a VM
 * @vm:		(c) the VM.
 * @config_lock: device attributes, initialization, mapping.
 * @lock:	every hv_vgic_irq, @ctlr.
 * @dist_base:	[config_lock] GICD frame, or HV_VGIC_ADDR_UNDEF.
 * @redist_base: [config_lock] first GICR frame pair, or undefined.
 * @redist_count: [config_lock] redistributors of a REDIST_REGION, 0 for
 *		the legacy REDIST base (one per vCPU).
 * @nr_spis:	[config_lock] SPIs (GRP_NR_IRQS - 32); fixed by init.
 * @ready:	[a] GRP_CTRL INIT (or the first RUN) allocated @spis.
 * @mapped:	[a] the first RUN put the frames on the MMIO bus.
 * @nr_redists:	[config_lock] redistributors on the bus (vCPUs then).
 * @ctlr:	[lock] GICD_CTLR's group enables.
 * @dist_dev:	the distributor on the MMIO bus.
 * @redist_dev:	the redistributors on the MMIO bus.
 * @spis:	[lock] SPIs, INTID 32 first; allocated by init.
 */
struct hv_vgic {
	struct hv_vm *vm;
	struct mutex config_lock;	/* attributes, init, mapping */
	spinlock_t lock;		/* interrupt state */
	u64 dist_base;
	u64 redist_base;
	u32 redist_count;
	u32 nr_spis;
	bool ready;
	bool mapped;
	u32 nr_redists;
	u32 ctlr;
	struct hv_io_device dist_dev;
	struct hv_io_device redist_dev;
	struct hv_vgic_irq *spis;
};

/* ------------------------------------------------------------ state ---- */

static void hv_vgic_irq_reset(struct hv_vgic_irq *irq, u32 intid)
{
	memset(irq, 0, sizeof(*irq));
	/*
	 * KVM's GICv3 model: everything group 1; SGIs edge and enabled,
	 * PPIs level, SPIs edge (GICD_ICFGR's reset is IMPLEMENTATION
	 * DEFINED, IHI 0069H 12.9.9).
	 */
	irq->group = 1;
	if (intid < 16)
		irq->enabled = 1;
	irq->edge = intid < 16 || intid >= HV_VGIC_NR_PRIVATE;
}

/* The interrupt @intid as seen from @vcpu (NULL: SPIs only), or NULL. */
static struct hv_vgic_irq *hv_vgic_irq(struct hv_vgic *g, struct hv_vcpu *vcpu,
				       u32 intid)
{
	if (intid < HV_VGIC_NR_PRIVATE)
		return vcpu ? &vcpu->arch.vgic.irqs[intid] : NULL;
	if (!g->spis || intid - HV_VGIC_NR_PRIVATE >= g->nr_spis)
		return NULL;
	return &g->spis[intid - HV_VGIC_NR_PRIVATE];
}

static bool hv_vgic_pending(const struct hv_vgic_irq *irq)
{
	return irq->latch || (!irq->edge && irq->line);
}

static bool hv_vgic_group_on(const struct hv_vgic *g,
			     const struct hv_vgic_irq *irq)
{
	return g->ctlr & (irq->group ? GICD_CTLR_EN_GRP1 : GICD_CTLR_EN_GRP0);
}

/* MPIDR affinity packed as GICD_IROUTER/ICC_SGI1R want it compared. */
static u64 hv_vcpu_aff(const struct hv_vcpu *vcpu)
{
	u64 mpidr = READ_ONCE(vcpu->arch.sys[HV_MPIDR_EL1]);

	return mpidr & (GENMASK_ULL(39, 32) | GENMASK_ULL(23, 0));
}

static bool hv_vgic_targets(const struct hv_vgic_irq *irq, u32 intid,
			    struct hv_vcpu *vcpu, u32 vcpu_idx)
{
	if (intid < HV_VGIC_NR_PRIVATE)
		return true;
	/* IRM: "any participating PE"; KVM picks the first vCPU. */
	if (irq->route & GICD_IROUTER_IRM)
		return vcpu_idx == 0;
	return (irq->route & ~GICD_IROUTER_IRM) == hv_vcpu_aff(vcpu);
}

/* Something changed that a vCPU may need to see: kick them all. */
static void hv_vgic_kick_all(struct hv_vm *vm)
{
	struct hv_vcpu *v;
	unsigned long i;

	xa_for_each(&vm->vcpus, i, v)
		hv_vcpu_kick(v);
}

/* ------------------------------------------------------------- MMIO ---- */

enum hv_vgic_reg {
	HV_VGIC_GROUP,
	HV_VGIC_SENABLE,
	HV_VGIC_CENABLE,
	HV_VGIC_SPEND,
	HV_VGIC_CPEND,
	HV_VGIC_SACTIVE,
	HV_VGIC_CACTIVE,
	HV_VGIC_PRIO,
	HV_VGIC_CFG,
};

/* The per-interrupt register blocks, same offsets in GICD and GICR_SGI. */
static const struct {
	u32 start, end;
	u8 bits;
	u8 kind;
} hv_vgic_regs[] = {
	{ 0x0080, 0x0100, 1, HV_VGIC_GROUP },
	{ 0x0100, 0x0180, 1, HV_VGIC_SENABLE },
	{ 0x0180, 0x0200, 1, HV_VGIC_CENABLE },
	{ 0x0200, 0x0280, 1, HV_VGIC_SPEND },
	{ 0x0280, 0x0300, 1, HV_VGIC_CPEND },
	{ 0x0300, 0x0380, 1, HV_VGIC_SACTIVE },
	{ 0x0380, 0x0400, 1, HV_VGIC_CACTIVE },
	{ 0x0400, 0x0800, 8, HV_VGIC_PRIO },
	{ 0x0c00, 0x0d00, 2, HV_VGIC_CFG },
};

static u64 hv_vgic_irq_field(const struct hv_vgic_irq *irq, u32 intid,
			     unsigned int kind)
{
	switch (kind) {
	case HV_VGIC_GROUP:
		return irq->group;
	case HV_VGIC_SENABLE:
	case HV_VGIC_CENABLE:
		return irq->enabled;
	case HV_VGIC_SPEND:
	case HV_VGIC_CPEND:
		return hv_vgic_pending(irq);
	case HV_VGIC_SACTIVE:
	case HV_VGIC_CACTIVE:
		return irq->active;
	case HV_VGIC_PRIO:
		return irq->priority;
	default:
		return irq->edge ? 2 : 0;
	}
}

static void hv_vgic_irq_write(struct hv_vgic_irq *irq, u32 intid,
			      unsigned int kind, u64 field)
{
	switch (kind) {
	case HV_VGIC_GROUP:
		irq->group = field;
		break;
	case HV_VGIC_SENABLE:
		if (field)
			irq->enabled = 1;
		break;
	case HV_VGIC_CENABLE:
		if (field)
			irq->enabled = 0;
		break;
	case HV_VGIC_SPEND:
		if (field)
			irq->latch = 1;
		break;
	case HV_VGIC_CPEND:
		if (field)
			irq->latch = 0;
		break;
	case HV_VGIC_SACTIVE:
		if (field)
			irq->active = 1;
		break;
	case HV_VGIC_CACTIVE:
		if (field)
			irq->active = 0;
		break;
	case HV_VGIC_PRIO:
		irq->priority = field;
		break;
	default:
		/* SGIs are always edge-triggered (GICR_ICFGR0 is RO). */
		if (intid >= 16)
			irq->edge = !!(field & 2);
		break;
	}
}

/*
 * An access to a per-interrupt register at @off: @vcpu is the
 * redistributor's vCPU (private interrupts only) or NULL for the
 * distributor (SPIs only; the private ones are RAZ/WI there with
 * GICD_CTLR.ARE set, IHI 0069H 12.9).  Returns false when @off is not
 * one of those registers.
 */
static bool hv_vgic_irq_regs(struct hv_vgic *g, struct hv_vcpu *vcpu,
			     u32 off, int len, u64 *val, bool write)
{
	unsigned int i, j, n, bits, kind;
	u64 mask, out = 0;
	u32 first;

	for (i = 0; i < ARRAY_SIZE(hv_vgic_regs); i++)
		if (off >= hv_vgic_regs[i].start && off < hv_vgic_regs[i].end)
			break;
	if (i == ARRAY_SIZE(hv_vgic_regs))
		return false;
	bits = hv_vgic_regs[i].bits;
	kind = hv_vgic_regs[i].kind;
	mask = GENMASK_ULL(bits - 1, 0);
	first = (off - hv_vgic_regs[i].start) * 8 / bits;
	n = len * 8 / bits;

	spin_lock(&g->lock);
	for (j = 0; j < n; j++) {
		u32 intid = first + j;
		struct hv_vgic_irq *irq;

		if (vcpu && intid >= HV_VGIC_NR_PRIVATE)
			break;
		irq = vcpu ? hv_vgic_irq(g, vcpu, intid) :
		      (intid < HV_VGIC_NR_PRIVATE ? NULL :
		       hv_vgic_irq(g, NULL, intid));
		if (!irq)
			continue;
		if (write)
			hv_vgic_irq_write(irq, intid, kind,
					  (*val >> (j * bits)) & mask);
		else
			out |= hv_vgic_irq_field(irq, intid, kind) << (j * bits);
	}
	spin_unlock(&g->lock);
	if (!write)
		*val = out;
	else
		hv_vgic_kick_all(g->vm);
	return true;
}

/* A 64-bit register accessed whole or by 32-bit halves. */
static u64 hv_vgic_half(u64 reg, u32 off, int len)
{
	if (len == 8)
		return reg;
	return (off & 4) ? reg >> 32 : lower_32_bits(reg);
}

static void hv_vgic_dist_access(struct hv_vgic *g, u32 off, int len, u64 *val,
				bool write)
{
	if (hv_vgic_irq_regs(g, NULL, off, len, val, write))
		return;

	if (off >= GICD_IROUTER + 8 * HV_VGIC_NR_PRIVATE &&
	    off < GICD_IROUTER_END + 8) {
		u32 intid = (off - GICD_IROUTER) / 8;
		struct hv_vgic_irq *irq;

		spin_lock(&g->lock);
		irq = hv_vgic_irq(g, NULL, intid);
		if (irq && write) {
			u64 r = irq->route;

			if (len == 8)
				r = *val;
			else if (off & 4)
				r = (r & GENMASK_ULL(31, 0)) | (*val << 32);
			else
				r = (r & GENMASK_ULL(63, 32)) | lower_32_bits(*val);
			irq->route = r & GICD_IROUTER_MASK;
		} else if (!write) {
			*val = irq ? hv_vgic_half(irq->route, off, len) : 0;
		}
		spin_unlock(&g->lock);
		if (write)
			hv_vgic_kick_all(g->vm);
		return;
	}

	if (write) {
		if (off == GICD_CTLR) {
			spin_lock(&g->lock);
			g->ctlr = *val & (GICD_CTLR_EN_GRP0 | GICD_CTLR_EN_GRP1);
			spin_unlock(&g->lock);
			hv_vgic_kick_all(g->vm);
		}
		/* Everything else is RAZ/WI or read-only. */
		return;
	}
	switch (off) {
	case GICD_CTLR:
		*val = READ_ONCE(g->ctlr) | GICD_CTLR_ARE | GICD_CTLR_DS;
		break;
	case GICD_TYPER:
		*val = GICD_TYPER_IDBITS |
		       ((g->nr_spis + HV_VGIC_NR_PRIVATE) / 32 - 1);
		break;
	case GICD_IIDR:
		*val = HV_VGIC_IIDR;
		break;
	case GIC_PIDR2_OFF:
		*val = GIC_PIDR2_V3;
		break;
	default:
		*val = 0;
		break;
	}
}

static void hv_vgic_redist_access(struct hv_vgic *g, struct hv_vcpu *vcpu,
				  u32 idx, u32 off, int len, u64 *val,
				  bool write)
{
	if (off >= HV_VGIC_FRAME) {
		/* SGI_base frame: the private interrupts' registers. */
		off -= HV_VGIC_FRAME;
		if (off >= GICR_ICFGR0 && off < GICR_ICFGR0 + 4) {
			/* SGIs are edge-triggered, read-only. */
			if (!write)
				*val = 0xaaaaaaaa;
			return;
		}
		if (!hv_vgic_irq_regs(g, vcpu, off, len, val, write) && !write)
			*val = 0;
		return;
	}
	if (write)
		return;		/* GICR_CTLR, WAKER, PROPBASER...: RAZ/WI */
	switch (off & ~4U) {
	case GICR_TYPER: {
		u64 mpidr = READ_ONCE(vcpu->arch.sys[HV_MPIDR_EL1]);
		u64 aff = (MPIDR_AFFINITY_LEVEL(mpidr, 3) << 24) |
			  (MPIDR_AFFINITY_LEVEL(mpidr, 2) << 16) |
			  (MPIDR_AFFINITY_LEVEL(mpidr, 1) << 8) |
			  MPIDR_AFFINITY_LEVEL(mpidr, 0);
		u64 typer = (aff << 32) | ((u64)idx << 8);

		/* No vCPU comes after the init: the last one is last. */
		if (idx == atomic_read(&vcpu->vm->nr_vcpus) - 1)
			typer |= GICR_TYPER_LAST;
		*val = hv_vgic_half(typer, off, len);
		return;
	}
	default:
		break;
	}
	switch (off) {
	case GICD_IIDR:	/* GICR_IIDR has the same offset */
		*val = HV_VGIC_IIDR;
		break;
	case GIC_PIDR2_OFF:
		*val = GIC_PIDR2_V3;
		break;
	default:
		*val = 0;
		break;
	}
}

static int hv_vgic_mmio(struct hv_vcpu *vcpu, struct hv_io_device *dev,
			u64 addr, int len, void *data, bool write, bool dist)
{
	struct hv_vgic *g = vcpu->vm->arch.vgic;
	u64 val = 0;

	/* Naturally aligned 1, 2, 4 or 8 bytes (IHI 0069H 12.1.3). */
	if (addr & (len - 1))
		return 0;	/* ignored, RAZ */
	if (write)
		memcpy(&val, data, len);
	if (dist) {
		hv_vgic_dist_access(g, addr - g->dist_base, len, &val, write);
	} else {
		u64 off = addr - g->redist_base;
		u32 idx = off / (2 * HV_VGIC_FRAME);
		struct hv_vcpu *t = xa_load(&vcpu->vm->vcpus, idx);

		if (t)
			hv_vgic_redist_access(g, t, idx,
					      off % (2 * HV_VGIC_FRAME), len,
					      &val, write);
	}
	if (!write)
		memcpy(data, &val, len);
	return 0;
}

static int hv_vgic_dist_read(struct hv_vcpu *vcpu, struct hv_io_device *dev,
			     u64 addr, int len, void *val)
{
	return hv_vgic_mmio(vcpu, dev, addr, len, val, false, true);
}

static int hv_vgic_dist_write(struct hv_vcpu *vcpu, struct hv_io_device *dev,
			      u64 addr, int len, const void *val)
{
	return hv_vgic_mmio(vcpu, dev, addr, len, (void *)val, true, true);
}

static int hv_vgic_redist_read(struct hv_vcpu *vcpu, struct hv_io_device *dev,
			       u64 addr, int len, void *val)
{
	return hv_vgic_mmio(vcpu, dev, addr, len, val, false, false);
}

static int hv_vgic_redist_write(struct hv_vcpu *vcpu,
				struct hv_io_device *dev, u64 addr, int len,
				const void *val)
{
	return hv_vgic_mmio(vcpu, dev, addr, len, (void *)val, true, false);
}

static const struct hv_io_device_ops hv_vgic_dist_ops = {
	.read	= hv_vgic_dist_read,
	.write	= hv_vgic_dist_write,
};

static const struct hv_io_device_ops hv_vgic_redist_ops = {
	.read	= hv_vgic_redist_read,
	.write	= hv_vgic_redist_write,
};

/* ------------------------------------------------------- injection ---- */

/*
 * Drive @intid's line from @source (levels of sources are OR-ed).  An
 * edge-triggered interrupt latches on the rising edge.  hv_vgic.lock
 * not held.  Return: 0, or -EINVAL for an INTID the vGIC does not have.
 */
static int hv_vgic_set_line(struct hv_vgic *g, struct hv_vcpu *vcpu,
			    u32 intid, unsigned int source, bool level)
{
	struct hv_vgic_irq *irq;
	unsigned long flags;
	bool kick;

	spin_lock_irqsave(&g->lock, flags);
	irq = hv_vgic_irq(g, vcpu, intid);
	if (!irq) {
		spin_unlock_irqrestore(&g->lock, flags);
		return -EINVAL;
	}
	if (level)
		irq->sources |= BIT(source);
	else
		irq->sources &= ~BIT(source);
	/* An edge-triggered interrupt latches on the line's rising edge. */
	if (irq->sources && !irq->line && irq->edge)
		irq->latch = 1;
	irq->line = !!irq->sources;
	kick = irq->line && irq->enabled;
	spin_unlock_irqrestore(&g->lock, flags);
	if (kick) {
		if (vcpu)
			hv_vcpu_kick(vcpu);
		else
			hv_vgic_kick_all(g->vm);
	}
	return 0;
}

/* ------------------------------------------------- init and mapping ---- */

/* GRP_CTRL INIT, or the first RUN: allocate the SPIs and the routes. */
static int hv_vgic_init_locked(struct hv_vgic *g)
{
	struct hv_irq_routing_entry *routes;
	struct hv_vgic_irq *spis;
	u32 i;
	int r;

	lockdep_assert_held(&g->config_lock);
	if (g->ready)
		return 0;
	if (!g->nr_spis)
		g->nr_spis = HV_VGIC_NR_IRQS_DEFAULT - HV_VGIC_NR_PRIVATE;
	spis = kvcalloc(g->nr_spis, sizeof(*spis), GFP_KERNEL_ACCOUNT);
	if (!spis)
		return -ENOMEM;
	for (i = 0; i < g->nr_spis; i++)
		hv_vgic_irq_reset(&spis[i], i + HV_VGIC_NR_PRIVATE);

	/* KVM's default routing: GSI n is SPI n (INTID n + 32). */
	routes = kvcalloc(g->nr_spis, sizeof(*routes), GFP_KERNEL_ACCOUNT);
	if (!routes) {
		kvfree(spis);
		return -ENOMEM;
	}
	for (i = 0; i < g->nr_spis; i++) {
		routes[i].gsi = i;
		routes[i].type = HV_IRQ_ROUTING_IRQCHIP;
		routes[i].u.irqchip.irqchip = 0;
		routes[i].u.irqchip.pin = i;
	}
	spin_lock_irq(&g->lock);
	g->spis = spis;
	spin_unlock_irq(&g->lock);
	/* vCPUs are refused from here (hv_arch_vcpu_init()), as on KVM. */
	mutex_lock(&g->vm->lock);
	WRITE_ONCE(g->ready, true);
	mutex_unlock(&g->vm->lock);
	r = hv_set_irq_routing(g->vm, routes, g->nr_spis, 0);
	kvfree(routes);
	return r;
}

/* The first RUN: both frames must be placed; put them on the bus. */
static int hv_vgic_map(struct hv_vgic *g)
{
	struct hv_vm *vm = g->vm;
	u64 size;
	int r;

	mutex_lock(&g->config_lock);
	if (g->mapped) {
		r = 0;
		goto out;
	}
	r = hv_vgic_init_locked(g);
	if (r)
		goto out;
	r = -ENXIO;
	if (g->dist_base == HV_VGIC_ADDR_UNDEF ||
	    g->redist_base == HV_VGIC_ADDR_UNDEF)
		goto out;
	g->nr_redists = atomic_read(&vm->nr_vcpus);
	/* Every vCPU needs its redistributor (KVM's map_resources). */
	if (g->redist_count && g->redist_count < g->nr_redists)
		goto out;
	size = (u64)(g->redist_count ?: g->nr_redists) * HV_VGIC_V3_REDIST_SIZE;
	r = -EINVAL;
	if (g->redist_base + size > BIT_ULL(vm->arch.ipa_bits) ||
	    (g->dist_base < g->redist_base + size &&
	     g->redist_base < g->dist_base + HV_VGIC_V3_DIST_SIZE))
		goto out;
	g->dist_dev.ops = &hv_vgic_dist_ops;
	g->redist_dev.ops = &hv_vgic_redist_ops;
	mutex_lock(&vm->slots_lock);
	r = hv_io_bus_register(vm, HV_MMIO_BUS, g->dist_base,
			       HV_VGIC_V3_DIST_SIZE, &g->dist_dev);
	if (!r) {
		r = hv_io_bus_register(vm, HV_MMIO_BUS, g->redist_base, size,
				       &g->redist_dev);
		if (r)
			hv_io_bus_unregister(vm, HV_MMIO_BUS, &g->dist_dev);
	}
	mutex_unlock(&vm->slots_lock);
	if (!r)
		WRITE_ONCE(g->mapped, true);
out:
	mutex_unlock(&g->config_lock);
	return r;
}

/*
 * Called by RUN before the first entry (KVM maps the vGIC there too),
 * with hv_vm.srcu held.
 */
int hv_arm64_vgic_pre_run(struct hv_vcpu *vcpu)
{
	struct hv_vgic *g = READ_ONCE(vcpu->vm->arch.vgic);
	int r;

	if (!g || READ_ONCE(g->mapped))
		return 0;
	/* Registering on the bus waits for SRCU readers: not as one. */
	hv_vcpu_srcu_read_unlock(vcpu);
	r = hv_vgic_map(g);
	hv_vcpu_srcu_read_lock(vcpu);
	return r;
}

void hv_arm64_vgic_vcpu_init(struct hv_vcpu *vcpu)
{
	u32 i;

	for (i = 0; i < HV_VGIC_NR_PRIVATE; i++)
		hv_vgic_irq_reset(&vcpu->arch.vgic.irqs[i], i);
}

/* KVM refuses new vCPUs once its vGIC is initialized. */
bool hv_arm64_vgic_ready(struct hv_vm *vm)
{
	struct hv_vgic *g = READ_ONCE(vm->arch.vgic);

	return g && READ_ONCE(g->ready);
}

/* -------------------------------------------------- device attributes ---- */

/* KVM's vgic_check_iorange(): 64 KiB aligned, inside the IPA space. */
static int hv_vgic_check_range(struct hv_vgic *g, u64 addr, u64 size)
{
	u64 limit = BIT_ULL(g->vm->arch.ipa_bits);

	if (addr & (HV_VGIC_FRAME - 1))
		return -EINVAL;
	if (addr + size < addr)
		return -EINVAL;
	if (addr >= limit || addr + size > limit)
		return -E2BIG;
	return 0;
}

/*
 * HV_VGIC_V3_ADDR_TYPE_REDIST_REGION (KVM's arm-vgic-v3.rst): index
 * 11:0, flags 15:12, base 51:16, count 63:52.  One region, index 0.
 */
#define HV_RDIST_INDEX		GENMASK_ULL(11, 0)
#define HV_RDIST_FLAGS		GENMASK_ULL(15, 12)
#define HV_RDIST_BASE		GENMASK_ULL(51, 16)
#define HV_RDIST_COUNT_SHIFT	52

static int hv_vgic_region_attr(struct hv_vgic *g, u64 __user *uaddr, bool set)
{
	u64 val, base;
	u32 count;
	int r;

	if (get_user(val, uaddr))
		return -EFAULT;
	if (!set) {
		if ((val & HV_RDIST_INDEX) || g->redist_base == HV_VGIC_ADDR_UNDEF)
			return -ENOENT;
		return put_user(g->redist_base |
				((u64)g->redist_count << HV_RDIST_COUNT_SHIFT),
				uaddr);
	}
	base = val & HV_RDIST_BASE;
	count = val >> HV_RDIST_COUNT_SHIFT;
	if (!count || (val & HV_RDIST_FLAGS))
		return -EINVAL;
	/* A second region (index 1 and up) is not offered. */
	if ((val & HV_RDIST_INDEX) || g->redist_base != HV_VGIC_ADDR_UNDEF)
		return -EINVAL;
	r = hv_vgic_check_range(g, base, (u64)count * HV_VGIC_V3_REDIST_SIZE);
	if (r)
		return r;
	g->redist_base = base;
	g->redist_count = count;
	return 0;
}

static int hv_vgic_addr_attr(struct hv_vgic *g, const struct hv_device_attr *a,
			     bool set)
{
	u64 __user *uaddr = u64_to_user_ptr(a->addr);
	u64 addr, size;
	int r;

	switch (a->attr) {
	case HV_VGIC_V3_ADDR_TYPE_DIST:
		if (!set)
			return put_user(g->dist_base, uaddr);
		if (get_user(addr, uaddr))
			return -EFAULT;
		if (g->dist_base != HV_VGIC_ADDR_UNDEF)
			return -EEXIST;
		r = hv_vgic_check_range(g, addr, HV_VGIC_V3_DIST_SIZE);
		if (!r)
			g->dist_base = addr;
		return r;
	case HV_VGIC_V3_ADDR_TYPE_REDIST:
		if (!set)
			return put_user(g->redist_base, uaddr);
		if (get_user(addr, uaddr))
			return -EFAULT;
		/* KVM: a region set already, legacy (EEXIST) or not. */
		if (g->redist_base != HV_VGIC_ADDR_UNDEF)
			return g->redist_count ? -EINVAL : -EEXIST;
		/* The vCPUs so far must fit (KVM's legacy region size). */
		size = (u64)atomic_read(&g->vm->nr_vcpus) *
		       HV_VGIC_V3_REDIST_SIZE;
		r = hv_vgic_check_range(g, addr, size);
		if (!r)
			g->redist_base = addr;
		return r;
	case HV_VGIC_V3_ADDR_TYPE_REDIST_REGION:
		return hv_vgic_region_attr(g, uaddr, set);
	default:
		/*
		 * GICv2 frames, the ITS: KVM's -ENODEV, which its device
		 * ioctl turns into -ENXIO.
		 */
		return -ENXIO;
	}
}

/* The vCPU whose MPIDR affinity is @mpidr (GRP_REDIST_REGS, LEVEL_INFO). */
static struct hv_vcpu *hv_vgic_vcpu_by_mpidr(struct hv_vm *vm, u32 mpidr,
					     u32 *idx)
{
	u64 aff = ((u64)(mpidr >> 24) << 32) | (mpidr & GENMASK(23, 0));
	struct hv_vcpu *v;
	unsigned long i;

	xa_for_each(&vm->vcpus, i, v) {
		if (hv_vcpu_aff(v) == aff) {
			*idx = i;
			return v;
		}
	}
	return NULL;
}

/*
 * GRP_DIST_REGS, GRP_REDIST_REGS: userspace's 32-bit accesses to the
 * frames, as the guest's (KVM initializes the vGIC first, as here).
 */
static int hv_vgic_regs_attr(struct hv_vgic *g, const struct hv_device_attr *a,
			     bool set)
{
	u32 __user *uaddr = u64_to_user_ptr(a->addr);
	u32 off = a->attr & HV_DEV_ARM_VGIC_OFFSET_MASK;
	u32 mpidr = (a->attr & HV_DEV_ARM_VGIC_V3_MPIDR_MASK) >>
		    HV_DEV_ARM_VGIC_V3_MPIDR_SHIFT;
	struct hv_vcpu *vcpu = NULL;
	u32 val32, idx = 0;
	u64 val = 0;
	int r;

	r = hv_vgic_init_locked(g);
	if (r)
		return r;
	if (off & 3)
		return -EINVAL;
	if (a->group == HV_DEV_ARM_VGIC_GRP_REDIST_REGS) {
		vcpu = hv_vgic_vcpu_by_mpidr(g->vm, mpidr, &idx);
		if (!vcpu)
			return -EINVAL;
		if (off >= HV_VGIC_V3_REDIST_SIZE)
			return -ENXIO;
	} else if (off >= HV_VGIC_V3_DIST_SIZE) {
		return -ENXIO;
	}
	if (set) {
		if (get_user(val32, uaddr))
			return -EFAULT;
		val = val32;
	}
	if (vcpu)
		hv_vgic_redist_access(g, vcpu, idx, off, 4, &val, set);
	else
		hv_vgic_dist_access(g, off, 4, &val, set);
	return set ? 0 : put_user((u32)val, uaddr);
}

/*
 * GRP_LEVEL_INFO, VGIC_LEVEL_INFO_LINE_LEVEL: the input levels of the 32
 * level-triggered interrupts from the INTID in bits 9:0, as userspace
 * drives them (edge-triggered ones read 0 and ignore writes).
 */
static int hv_vgic_level_attr(struct hv_vgic *g, const struct hv_device_attr *a,
			      bool set)
{
	u32 __user *uaddr = u64_to_user_ptr(a->addr);
	u32 mpidr = (a->attr & HV_DEV_ARM_VGIC_V3_MPIDR_MASK) >>
		    HV_DEV_ARM_VGIC_V3_MPIDR_SHIFT;
	u32 info = (a->attr & HV_DEV_ARM_VGIC_LINE_LEVEL_INFO_MASK) >>
		   HV_DEV_ARM_VGIC_LINE_LEVEL_INFO_SHIFT;
	u32 intid = a->attr & HV_DEV_ARM_VGIC_LINE_LEVEL_INTID_MASK;
	struct hv_vcpu *vcpu;
	u32 val = 0, i, idx;
	int r;

	if (info != HV_VGIC_LEVEL_INFO_LINE_LEVEL || (intid & 31))
		return -EINVAL;
	r = hv_vgic_init_locked(g);
	if (r)
		return r;
	vcpu = hv_vgic_vcpu_by_mpidr(g->vm, mpidr, &idx);
	if (!vcpu)
		return -EINVAL;
	if (set && get_user(val, uaddr))
		return -EFAULT;
	for (i = 0; i < 32; i++) {
		struct hv_vgic_irq *irq;
		bool level;

		spin_lock_irq(&g->lock);
		irq = hv_vgic_irq(g, vcpu, intid + i);
		if (!irq || irq->edge) {
			spin_unlock_irq(&g->lock);
			continue;
		}
		level = irq->line;
		spin_unlock_irq(&g->lock);
		if (!set) {
			val |= (u32)level << i;
			continue;
		}
		hv_vgic_set_line(g, intid + i < HV_VGIC_NR_PRIVATE ? vcpu : NULL,
				 intid + i, HV_USERSPACE_IRQ_SOURCE_ID,
				 val & BIT(i));
	}
	return set ? 0 : put_user(val, uaddr);
}

static int hv_vgic_attr(struct hv_vgic *g, const struct hv_device_attr *a,
			bool set)
{
	u32 __user *uval = u64_to_user_ptr(a->addr);
	u32 val;
	int r;

	if (a->flags)
		return -EINVAL;
	mutex_lock(&g->config_lock);
	switch (a->group) {
	case HV_DEV_ARM_VGIC_GRP_ADDR:
		r = hv_vgic_addr_attr(g, a, set);
		break;
	case HV_DEV_ARM_VGIC_GRP_NR_IRQS:
		if (!set) {
			val = g->nr_spis + HV_VGIC_NR_PRIVATE;
			r = put_user(val, uval);
			break;
		}
		r = -EFAULT;
		if (get_user(val, uval))
			break;
		/* KVM: 64..1020 in steps of 32, once, before init. */
		r = -EINVAL;
		if (val < HV_VGIC_NR_PRIVATE + 32 || val > HV_VGIC_MAX_IRQS ||
		    (val & 31))
			break;
		r = -EBUSY;
		if (g->ready || g->nr_spis)
			break;
		g->nr_spis = val - HV_VGIC_NR_PRIVATE;
		r = 0;
		break;
	case HV_DEV_ARM_VGIC_GRP_CTRL:
		r = -ENXIO;
		if (!set || a->attr != HV_DEV_ARM_VGIC_CTRL_INIT)
			break;
		r = hv_vgic_init_locked(g);
		break;
	case HV_DEV_ARM_VGIC_GRP_DIST_REGS:
	case HV_DEV_ARM_VGIC_GRP_REDIST_REGS:
		r = hv_vgic_regs_attr(g, a, set);
		break;
	case HV_DEV_ARM_VGIC_GRP_LEVEL_INFO:
		r = hv_vgic_level_attr(g, a, set);
		break;
	default:
		/* Register save/restore groups are not offered. */
		r = -ENXIO;
		break;
	}
	mutex_unlock(&g->config_lock);
	return r;
}

static int hv_vgic_has_attr(const struct hv_device_attr *a)
{
	switch (a->group) {
	case HV_DEV_ARM_VGIC_GRP_ADDR:
		return a->attr == HV_VGIC_V3_ADDR_TYPE_DIST ||
		       a->attr == HV_VGIC_V3_ADDR_TYPE_REDIST ||
		       a->attr == HV_VGIC_V3_ADDR_TYPE_REDIST_REGION ? 0 : -ENXIO;
	case HV_DEV_ARM_VGIC_GRP_NR_IRQS:
	case HV_DEV_ARM_VGIC_GRP_DIST_REGS:
	case HV_DEV_ARM_VGIC_GRP_REDIST_REGS:
	case HV_DEV_ARM_VGIC_GRP_LEVEL_INFO:
		return 0;
	case HV_DEV_ARM_VGIC_GRP_CTRL:
		return a->attr == HV_DEV_ARM_VGIC_CTRL_INIT ? 0 : -ENXIO;
	default:
		return -ENXIO;
	}
}

static long hv_vgic_ioctl(struct file *filp, unsigned int cmd,
			  unsigned long arg)
{
	struct hv_vgic *g = filp->private_data;
	struct hv_device_attr a;

	if (g->vm->mm != current->mm || READ_ONCE(g->vm->dead))
		return -EIO;
	switch (cmd) {
	case HV_SET_DEVICE_ATTR:
	case HV_GET_DEVICE_ATTR:
	case HV_HAS_DEVICE_ATTR:
		break;
	default:
		return -ENOTTY;
	}
	if (copy_from_user(&a, (void __user *)arg, sizeof(a)))
		return -EFAULT;
	if (cmd == HV_HAS_DEVICE_ATTR)
		return hv_vgic_has_attr(&a);
	return hv_vgic_attr(g, &a, cmd == HV_SET_DEVICE_ATTR);
}

static int hv_vgic_release(struct inode *inode, struct file *filp)
{
	struct hv_vgic *g = filp->private_data;

	hv_vm_put(g->vm);
	return 0;
}

static const struct file_operations hv_vgic_fops = {
	.owner		= THIS_MODULE,
	.release	= hv_vgic_release,
	.unlocked_ioctl	= hv_vgic_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

/**
 * hv_arch_create_device - HV_CREATE_DEVICE on arm64
 * @vm: the VM.
 * @cd: type and flags in; the fd out.
 *
 * Only HV_DEV_TYPE_ARM_VGIC_V3, once per VM, before any vCPU ran (KVM's
 * kvm_vgic_create() refuses with -EEXIST and -EBUSY).  The fd holds a
 * reference on the VM; the vGIC itself lives as long as the VM.
 */
int hv_arch_create_device(struct hv_vm *vm, struct hv_create_device *cd)
{
	struct hv_vgic *g;
	int fd;

	/* The guest's CPU interface is the GICv3's virtual one. */
	if (cd->type != HV_DEV_TYPE_ARM_VGIC_V3 ||
	    !cpus_have_const_cap(ARM64_HAS_SYSREG_GIC_CPUIF))
		return -ENODEV;
	/* KVM ignores flags other than TEST. */
	/* KVM: the type is known; whether one exists is not asked. */
	if (cd->flags & HV_CREATE_DEVICE_TEST)
		return 0;

	g = kzalloc(sizeof(*g), GFP_KERNEL_ACCOUNT);
	if (!g)
		return -ENOMEM;
	g->vm = vm;
	mutex_init(&g->config_lock);
	spin_lock_init(&g->lock);
	g->dist_base = HV_VGIC_ADDR_UNDEF;
	g->redist_base = HV_VGIC_ADDR_UNDEF;

	mutex_lock(&vm->lock);
	if (vm->arch.vgic) {
		fd = -EEXIST;
		goto err;
	}
	if (vm->arch.ran) {
		fd = -EBUSY;
		goto err;
	}
	hv_vm_get(vm);
	fd = anon_inode_getfd("hv-vgic-v3", &hv_vgic_fops, g,
			      O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		refcount_dec(&vm->refs);	/* the VM file still holds one */
		goto err;
	}
	WRITE_ONCE(vm->arch.vgic, g);
	mutex_unlock(&vm->lock);
	cd->fd = fd;
	return 0;
err:
	mutex_unlock(&vm->lock);
	kfree(g);
	return fd;
}

void hv_arm64_vgic_destroy(struct hv_vm *vm)
{
	struct hv_vgic *g = vm->arch.vgic;

	if (!g)
		return;
	if (g->mapped) {
		mutex_lock(&vm->slots_lock);
		hv_io_bus_unregister(vm, HV_MMIO_BUS, &g->dist_dev);
		hv_io_bus_unregister(vm, HV_MMIO_BUS, &g->redist_dev);
		mutex_unlock(&vm->slots_lock);
	}
	kvfree(g->spis);
	kfree(g);
	vm->arch.vgic = NULL;
}

/* ----------------------------------------------------- IRQ_LINE, GSIs ---- */

/* HV_IRQ_LINE: KVM's kvm_vm_ioctl_irq_line() decoding and errors. */
int hv_arch_irq_line(struct hv_vm *vm, struct hv_irq_level *irq, bool status)
{
	struct hv_vgic *g = READ_ONCE(vm->arch.vgic);
	u32 type = (irq->irq >> HV_ARM_IRQ_TYPE_SHIFT) & HV_ARM_IRQ_TYPE_MASK;
	u32 num = (irq->irq >> HV_ARM_IRQ_NUM_SHIFT) & HV_ARM_IRQ_NUM_MASK;
	u32 idx = ((irq->irq >> HV_ARM_IRQ_VCPU_SHIFT) & HV_ARM_IRQ_VCPU_MASK) +
		  ((irq->irq >> HV_ARM_IRQ_VCPU2_SHIFT) & HV_ARM_IRQ_VCPU2_MASK) *
		  (HV_ARM_IRQ_VCPU_MASK + 1);
	struct hv_vcpu *vcpu = NULL;

	switch (type) {
	case HV_ARM_IRQ_TYPE_CPU:
		if (g)
			return -ENXIO;
		vcpu = xa_load(&vm->vcpus, idx);
		if (!vcpu || num > HV_ARM_IRQ_CPU_FIQ)
			return -EINVAL;
		if (num == HV_ARM_IRQ_CPU_IRQ)
			WRITE_ONCE(vcpu->arch.irq_line, !!irq->level);
		else
			WRITE_ONCE(vcpu->arch.fiq_line, !!irq->level);
		if (irq->level)
			hv_vcpu_kick(vcpu);
		return 0;
	case HV_ARM_IRQ_TYPE_PPI:
		if (!g)
			return -ENXIO;
		vcpu = xa_load(&vm->vcpus, idx);
		if (!vcpu || num < 16 || num >= HV_VGIC_NR_PRIVATE)
			return -EINVAL;
		break;
	case HV_ARM_IRQ_TYPE_SPI:
		if (!g)
			return -ENXIO;
		if (num < HV_VGIC_NR_PRIVATE)
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	/* KVM's vgic_lazy_init(): a GICv3 must have been initialized. */
	if (!READ_ONCE(g->ready))
		return -EBUSY;
	return hv_vgic_set_line(g, vcpu, num, HV_USERSPACE_IRQ_SOURCE_ID,
				irq->level);
}

bool hv_arch_irqchip_in_kernel(struct hv_vm *vm)
{
	return READ_ONCE(vm->arch.vgic);
}

/*
 * An irqchip route's .set: pin n is SPI n.  The core gives one call per
 * source; each source's level is kept apart so that an irqfd's pulse
 * does not lower a line userspace holds high.
 */
static int hv_vgic_route_set(struct hv_kernel_irq_routing_entry *e,
			     struct hv_vm *vm, int irq_source_id, int level,
			     bool line_status)
{
	struct hv_vgic *g = READ_ONCE(vm->arch.vgic);
	u32 intid = e->irqchip.pin + HV_VGIC_NR_PRIVATE;

	if (!g || !READ_ONCE(g->ready))
		return -1;
	if (hv_vgic_set_line(g, NULL, intid, irq_source_id, level))
		return -1;
	/*
	 * A plain irqfd raises and at once lowers its line.  On a level-
	 * triggered SPI that pulse would usually vanish before the vCPU
	 * looks; KVM's guests see it because KVM loads a list register in
	 * between, so latch it (the guest's acknowledge clears it).  The
	 * resampler's source keeps its level instead.
	 */
	if (level && irq_source_id == HV_USERSPACE_IRQ_SOURCE_ID) {
		struct hv_vgic_irq *irq;
		unsigned long flags;

		spin_lock_irqsave(&g->lock, flags);
		irq = hv_vgic_irq(g, NULL, intid);
		if (irq)
			irq->latch = 1;
		spin_unlock_irqrestore(&g->lock, flags);
	}
	return 1;
}

int hv_arch_set_routing_entry(struct hv_vm *vm,
			      struct hv_kernel_irq_routing_entry *e,
			      const struct hv_irq_routing_entry *ue)
{
	if (ue->type != HV_IRQ_ROUTING_IRQCHIP || ue->flags)
		return -EINVAL;
	/* One irqchip; KVM checks the pin against the SPIs at init. */
	if (ue->u.irqchip.irqchip != 0 ||
	    ue->u.irqchip.pin >= HV_IRQCHIP_NUM_PINS)
		return -EINVAL;
	e->type = HV_IRQ_ROUTING_IRQCHIP;
	e->irqchip.irqchip = 0;
	e->irqchip.pin = ue->u.irqchip.pin;
	e->set = hv_vgic_route_set;
	return 0;
}

/* ------------------------------------------------- list registers ---- */

static void hv_vgic_timer_line(struct hv_vgic_irq *irq, bool level)
{
	if (level)
		irq->sources |= BIT(HV_VGIC_TIMER_SOURCE);
	else
		irq->sources &= ~BIT(HV_VGIC_TIMER_SOURCE);
	irq->line = !!irq->sources;
}

/* The guest could take or must finish @irq: it belongs in a list register. */
static bool hv_vgic_wants_lr(const struct hv_vgic *g,
			     const struct hv_vgic_irq *irq)
{
	if (irq->active)
		return true;
	return hv_vgic_pending(irq) && irq->enabled && hv_vgic_group_on(g, irq);
}

/* Private interrupts first, then SPIs: INTID order, @i is the cursor. */
static struct hv_vgic_irq *hv_vgic_iter(struct hv_vgic *g,
					struct hv_vcpu *vcpu, u32 i)
{
	if (i < HV_VGIC_NR_PRIVATE)
		return &vcpu->arch.vgic.irqs[i];
	return &g->spis[i - HV_VGIC_NR_PRIVATE];
}

/**
 * hv_arm64_vgic_has_pending - an interrupt would wake the vCPU from WFI
 * @vcpu: the vCPU.
 *
 * WFI completes on any pending interrupt, masked by PSTATE or not (Arm
 * ARM D1.16.2); the CPU interface's priority mask is ignored here.
 */
bool hv_arm64_vgic_has_pending(struct hv_vcpu *vcpu)
{
	struct hv_vgic *g = READ_ONCE(vcpu->vm->arch.vgic);
	u32 i, n, idx = READ_ONCE(vcpu->arch.vgic_idx);
	unsigned long flags;
	bool found = false;

	if (!g || !READ_ONCE(g->mapped))
		return false;
	spin_lock_irqsave(&g->lock, flags);
	n = HV_VGIC_NR_PRIVATE + g->nr_spis;
	for (i = 0; i < n && !found; i++) {
		struct hv_vgic_irq *irq = hv_vgic_iter(g, vcpu, i);

		found = hv_vgic_pending(irq) && irq->enabled &&
			hv_vgic_group_on(g, irq) &&
			hv_vgic_targets(irq, i, vcpu, idx);
	}
	spin_unlock_irqrestore(&g->lock, flags);
	return found;
}

/* Another interrupt than @best (not yet in a list register) wants one. */
static bool hv_vgic_more(struct hv_vgic *g, struct hv_vcpu *vcpu, u32 idx,
			 struct hv_vgic_irq *best)
{
	u32 i, n = HV_VGIC_NR_PRIVATE + g->nr_spis;

	for (i = 0; i < n; i++) {
		struct hv_vgic_irq *irq = hv_vgic_iter(g, vcpu, i);

		if (irq != best && !irq->in_lr && hv_vgic_wants_lr(g, irq) &&
		    hv_vgic_targets(irq, i, vcpu, idx))
			return true;
	}
	return false;
}

/**
 * hv_arm64_vgic_flush - fill the list registers for the next entry
 * @vcpu: the vCPU, interrupts off, just before the entry.
 * @nr_lrs: list registers the CPU has.
 *
 * Active interrupts first (the guest must be able to deactivate them),
 * then pending ones by priority.  Pending state moves into the list
 * register; hv_arm64_vgic_sync() takes back what the guest left.
 *
 * Return: whether the vCPU has a vGIC (ICH_HCR_EL2.En is to be set).
 */
bool hv_arm64_vgic_flush(struct hv_vcpu *vcpu, unsigned int nr_lrs)
{
	struct hv_vgic *g = READ_ONCE(vcpu->vm->arch.vgic);
	struct hv_vgic_cpu *c = &vcpu->arch.vgic;
	u32 i, n, idx = vcpu->arch.vgic_idx;
	unsigned int used = 0;
	bool more = false;

	c->nr_lr = 0;
	c->lr_latched = 0;
	if (!g || !READ_ONCE(g->mapped))
		return false;
	nr_lrs = min_t(unsigned int, nr_lrs, HV_VGIC_MAX_LRS);

	spin_lock(&g->lock);
	/* The timers' lines, from the state saved at the last exit. */
	hv_vgic_timer_line(&c->irqs[HV_VTIMER_PPI],
			   hv_arm64_timer_line(vcpu, false));
	hv_vgic_timer_line(&c->irqs[HV_PTIMER_PPI],
			   hv_arm64_timer_line(vcpu, true));
	n = HV_VGIC_NR_PRIVATE + g->nr_spis;
	while (used < nr_lrs) {
		struct hv_vgic_irq *best = NULL, *irq;
		u32 best_id = 0;
		bool pending, hw;
		u64 lr;

		for (i = 0; i < n; i++) {
			irq = hv_vgic_iter(g, vcpu, i);
			if (irq->in_lr || !hv_vgic_wants_lr(g, irq) ||
			    !hv_vgic_targets(irq, i, vcpu, idx))
				continue;
			if (!best || (irq->active && !best->active) ||
			    (irq->active == best->active &&
			     irq->priority < best->priority)) {
				best = irq;
				best_id = i;
			}
		}
		if (!best)
			break;
		if (used == nr_lrs - 1)
			more = hv_vgic_more(g, vcpu, idx, best);
		pending = hv_vgic_pending(best) && best->enabled &&
			  hv_vgic_group_on(g, best);
		hw = best_id == HV_VTIMER_PPI || best_id == HV_PTIMER_PPI;
		lr = best_id | ((u64)best->priority << ICH_LR_PRIORITY_SHIFT);
		if (best->group)
			lr |= ICH_LR_GROUP;
		if (hw) {
			/*
			 * The physical PPI is held active while its line is
			 * high (the backend); the guest's deactivation
			 * releases it.  A HW entry is pending or active,
			 * not both.
			 */
			lr |= ICH_LR_HW | ((u64)best_id << ICH_LR_PHYS_ID_SHIFT);
			lr |= best->active ? ICH_LR_ACTIVE : ICH_LR_PENDING;
		} else if (!best->edge && best_id >= HV_VGIC_NR_PRIVATE) {
			/*
			 * A level-triggered SPI: its deactivation makes the
			 * guest exit (the EOI bit's maintenance interrupt),
			 * so the ack notifiers (irqfd resampling) run and the
			 * line is looked at again before it can be pending
			 * anew: active or pending here, not both.
			 */
			lr |= ICH_LR_EOI;
			lr |= best->active ? ICH_LR_ACTIVE : ICH_LR_PENDING;
		} else {
			if (pending)
				lr |= ICH_LR_PENDING;
			if (best->active)
				lr |= ICH_LR_ACTIVE;
		}
		if (best->latch && (lr & ICH_LR_PENDING))
			c->lr_latched |= BIT(used);
		if (lr & ICH_LR_PENDING)
			best->latch = 0;
		best->in_lr = 1;
		c->lr[used] = lr;
		c->lr_orig[used] = lr;
		c->lr_intid[used] = best_id;
		used++;
	}
	c->nr_lr = used;
	/*
	 * More than fits: exit when the list registers run empty (UIE), and
	 * when the guest deactivates an interrupt that has none (LRENPIE:
	 * EOIcount, taken back by the sync), IHI 0069H 6.4.2.
	 */
	c->hcr = HV_ICH_HCR_EN | (more ? HV_ICH_HCR_UIE : 0) |
		 HV_ICH_HCR_LRENPIE;
	spin_unlock(&g->lock);
	return true;
}
EXPORT_SYMBOL_GPL(hv_arm64_vgic_flush);

/*
 * The guest deactivated @count interrupts that had no list register
 * (ICH_HCR_EL2.EOIcount, IHI 0069H 12.4.4): which ones the hardware does
 * not say.  Deactivate as many of the vCPU's active interrupts outside
 * the list registers, highest priority first, the order in which a
 * guest completes nested interrupts.  hv_vgic.lock held.
 */
static void hv_vgic_eoicount(struct hv_vgic *g, struct hv_vcpu *vcpu,
			     unsigned int count)
{
	u32 i, n = HV_VGIC_NR_PRIVATE + g->nr_spis;
	u32 idx = vcpu->arch.vgic_idx;

	while (count--) {
		struct hv_vgic_irq *best = NULL;

		for (i = 0; i < n; i++) {
			struct hv_vgic_irq *irq = hv_vgic_iter(g, vcpu, i);

			if (irq->active && !irq->in_lr &&
			    hv_vgic_targets(irq, i, vcpu, idx) &&
			    (!best || irq->priority < best->priority))
				best = irq;
		}
		if (!best)
			return;
		best->active = 0;
	}
}

/**
 * hv_arm64_vgic_sync - take back the list registers after an exit
 * @vcpu: the vCPU; vcpu->arch.vgic.lr[] read back by the backend.
 *
 * A pending state the guest did not acknowledge goes back to the latch
 * (edge, or level made pending by ISPENDR) or stays with the line
 * (level).  A level-triggered SPI the
 * guest acknowledged and deactivated calls the ack notifiers (irqfd
 * resampling), outside hv_vgic.lock.
 */
void hv_arm64_vgic_sync(struct hv_vcpu *vcpu)
{
	struct hv_vgic *g = READ_ONCE(vcpu->vm->arch.vgic);
	struct hv_vgic_cpu *c = &vcpu->arch.vgic;
	u32 acked[HV_VGIC_MAX_LRS];
	unsigned int i, nr_acked = 0;

	if (!g || (!c->nr_lr && !HV_ICH_HCR_EOICOUNT(c->hcr)))
		return;
	spin_lock_irq(&g->lock);
	/* Before the list registers' interrupts leave them (in_lr). */
	hv_vgic_eoicount(g, vcpu, HV_ICH_HCR_EOICOUNT(c->hcr));
	for (i = 0; i < c->nr_lr; i++) {
		u32 intid = c->lr_intid[i];
		struct hv_vgic_irq *irq = hv_vgic_irq(g, vcpu, intid);
		u64 lr = c->lr[i], orig = c->lr_orig[i];

		if (!irq)
			continue;
		irq->in_lr = 0;
		irq->active = !!(lr & ICH_LR_ACTIVE);
		/* Pending still: back to the latch if it came from there. */
		if ((lr & ICH_LR_PENDING) &&
		    (irq->edge || (c->lr_latched & BIT(i))))
			irq->latch = 1;
		/* Deactivated: it was active, or pending and now gone. */
		if (!irq->edge && !(lr & ICH_LR_ACTIVE) &&
		    ((orig & ICH_LR_ACTIVE) ||
		     ((orig & ICH_LR_PENDING) && !(lr & ICH_LR_PENDING))) &&
		    intid >= HV_VGIC_NR_PRIVATE)
			acked[nr_acked++] = intid - HV_VGIC_NR_PRIVATE;
	}
	c->nr_lr = 0;
	c->hcr = 0;
	spin_unlock_irq(&g->lock);
	for (i = 0; i < nr_acked; i++)
		hv_notify_acked_irq(vcpu->vm, 0, acked[i]);
}
EXPORT_SYMBOL_GPL(hv_arm64_vgic_sync);

/**
 * hv_arm64_vgic_sgi - a guest write to ICC_SGI1R_EL1 (trapped by IMO)
 * @vcpu: the writer.
 * @val: the value (IHI 0069H 12.2.23: INTID 27:24, Aff3 55:48, Aff2
 *	39:32, Aff1 23:16, RS 47:44, TargetList 15:0, IRM 40).
 */
void hv_arm64_vgic_sgi(struct hv_vcpu *vcpu, u64 val)
{
	struct hv_vgic *g = READ_ONCE(vcpu->vm->arch.vgic);
	u32 intid = (val >> 24) & 0xf, rs = (val >> 44) & 0xf;
	u64 aff = (((val >> 48) & 0xff) << 32) | (((val >> 32) & 0xff) << 16) |
		  (((val >> 16) & 0xff) << 8);
	bool all = val & BIT_ULL(40);
	struct hv_vcpu *v;
	unsigned long i;

	if (!g || !READ_ONCE(g->mapped))
		return;
	xa_for_each(&vcpu->vm->vcpus, i, v) {
		u64 a = hv_vcpu_aff(v);
		u32 aff0 = a & 0xff;

		if (all) {
			if (v == vcpu)
				continue;
		} else if ((a & ~0xffULL) != aff || aff0 / 16 != rs ||
			   !(val & BIT(aff0 % 16))) {
			continue;
		}
		spin_lock_irq(&g->lock);
		v->arch.vgic.irqs[intid].latch = 1;
		spin_unlock_irq(&g->lock);
		hv_vcpu_kick(v);
	}
}

/* The redistributor index of each vCPU: its creation order, as KVM. */
void hv_arm64_vgic_set_idx(struct hv_vcpu *vcpu)
{
	struct hv_vcpu *v;
	unsigned long i;

	xa_for_each(&vcpu->vm->vcpus, i, v)
		if (v == vcpu)
			WRITE_ONCE(vcpu->arch.vgic_idx, i);
}

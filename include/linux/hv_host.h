/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hv core <-> hardware backend contract.
 *
 * A backend (hv-amd.ko, hv-intel.ko, ...) is one const struct hv_backend_ops.
 * It registers with hv_core_register_backend() from its module init after it
 * has probed the hardware, and unregisters from its module exit.  At most one
 * backend is registered at a time.
 *
 * The core owns everything that is the same for every backend: the
 * conflict check against other hypervisors, turning the virtualization
 * extension on and off on every CPU (load, unload, CPU hotplug, reboot,
 * suspend/resume), the file descriptors and the ioctl ABI.
 *
 * Exported symbols must not collide with the 45 hv_* symbols that 6.1
 * already exports for Hyper-V guest support (modpost refuses duplicates,
 * so a collision fails the build rather than a load): registration uses
 * hv_core_*, the rest names that Hyper-V's code has no reason to use.
 */
#ifndef _LINUX_HV_HOST_H
#define _LINUX_HV_HOST_H

#include <linux/context_tracking.h>
#include <linux/interval_tree.h>
#include <linux/mmu_notifier.h>
#include <linux/mutex.h>
#include <linux/preempt.h>
#include <linux/refcount.h>
#include <linux/spinlock.h>
#include <linux/rbtree.h>
#include <linux/rcupdate.h>
#include <linux/rcuwait.h>
#include <linux/smp.h>
#include <linux/srcu.h>
#include <linux/types.h>
#include <linux/vtime.h>
#include <linux/wait.h>
#include <linux/xarray.h>
#include <linux/hv.h>
#include <asm/hv_host.h>
#include <linux/hv_irq.h>

struct module;
struct hv_io_bus;
struct hv_vm;
struct hv_vcpu;

/* User memory slots per VM (HV_CAP_NR_MEMSLOTS), as KVM had for years. */
#define HV_USER_MEM_SLOTS	509
/* Pages in one slot: bounded so that gfn arithmetic never overflows. */
#define HV_MEM_MAX_NR_PAGES	((1ULL << 31) - 1)

/**
 * struct hv_memslot - one guest-physical range backed by user memory
 * @gfn_node:	its place in each of the two sets' gfn trees.
 * @hva_node:	its place in each of the two sets' hva interval trees.
 *
 * The range fields are immutable once published: a change makes a new
 * slot.  A slot is in both sets of struct hv_memslot_set, except while
 * slots_lock is held.
 */
struct hv_memslot {
	u64 base_gfn;
	u64 npages;
	unsigned long userspace_addr;
	u32 flags;
	u16 id;
	struct rb_node gfn_node[2];
	struct interval_tree_node hva_node[2];
};

/**
 * struct hv_memslots - one of a VM's two sets of slots
 * @gfn_tree:	the slots by base_gfn (they never overlap).
 * @hva_tree:	the slots by user address range, for the MMU notifier.
 * @node_idx:	which of a slot's gfn_node/hva_node this set uses.
 * @nr:		slots in the set.
 *
 * Readers hold hv_vm.srcu and use the set hv_vm.memslots points to.  A
 * writer (hv_vm.slots_lock) edits the other set, publishes it, waits for
 * the readers of the first one and applies the same edit to it: each
 * change is O(log n) in the number of slots, with no copy
 * (Documentation/virt/hv/locking.rst).
 */
struct hv_memslots {
	struct rb_root gfn_tree;
	struct rb_root_cached hva_tree;
	int node_idx;
	int nr;
};

struct hv_memslot *hv_gfn_to_memslot(struct hv_vm *vm, u64 gfn);
unsigned long hv_memslot_gfn_to_hva(const struct hv_memslot *slot, u64 gfn);

/* Counters exposed through debugfs (Documentation/virt/hv/api.rst). */
struct hv_vm_stats {
	u64 nested_faults;
	u64 nested_mapped_4k;
	u64 nested_mapped_2m;
	u64 invalidations;
	u64 tlb_flushes;
};

#define HV_STATS_EXIT_REASONS	64

/*
 * The same names on every architecture so that hv_stats.c stays common;
 * a counter an architecture has no such exit for stays 0.  halt_exits:
 * HLT, WFI/WFE on arm64, wait-state intercepts on s390.  msr_exits:
 * RDMSR/WRMSR, trapped system register accesses on arm64.
 * nested_fault_exits: NPT/EPT faults, stage-2 aborts on arm64, SIE
 * returning -EFAULT on s390.
 * intr_exits: host interrupts (intercept code 0 on s390).
 */
struct hv_vcpu_stats {
	u64 entries;
	u64 exit_reason[HV_STATS_EXIT_REASONS];	/* returns to userspace */
	u64 io_exits;
	u64 mmio_exits;
	u64 halt_exits;
	u64 halt_sleeps;
	u64 halt_polls;
	u64 signal_exits;
	u64 cpuid_exits;
	u64 msr_exits;
	u64 nested_fault_exits;
	u64 intr_exits;
};

/*
 * Legend for the fields below: (c) set at creation, then constant;
 * [s] slots_lock; [m] mmu_lock; [l] hv_vm.lock; [v] vCPU mutex;
 * [r] SRCU readers, [s] writers; [a] atomic or READ_ONCE/WRITE_ONCE.
 */

/**
 * struct hv_vm - one virtual machine (core part; a backend embeds it)
 * @mm:		(c) the creator's address space, mmgrab'ed.
 * @ops:	(c) the backend, its module pinned.
 * @refs:	[a] the VM file and each vCPU hold one.
 * @lock:	protects vCPU creation.
 * @slots_lock: serializes memory slot changes.
 * @srcu:	protects @memslots for readers.
 * @memslots:	[r][s] the current set of slots: one of @memslot_sets.
 * @memslot_sets: [s] the two sets (struct hv_memslots).
 * @memslot_ids: [s] the slots by id.
 * @mmu_lock:	protects the nested page tables and the invalidate state.
 * @mmu_invalidate_seq: [m] bumped at the end of every invalidation.
 * @mmu_invalidate_in_progress: [m] invalidations started, not ended.
 * @mmu_invalidate_start: [m] union of the ranges (hva) being invalidated.
 * @mmu_invalidate_end: [m] see @mmu_invalidate_start.
 * @dying_slot:	[m] a slot being deleted or moved: no longer in @memslots
 *		but possibly still mapped, so MMU notifiers zap it too.
 * @mmu_notifier: (c) zaps nested mappings before host pages go away.
 * @vcpus:	[l] vCPUs by index.
 * @nr_vcpus:	[a] vCPUs created.
 * @created_vcpus: [l] vCPUs created or being created; set before a
 *		vCPU's arch state is built.
 * @max_vcpu_ids: [l] vCPU ids are below this (HV_ENABLE_CAP); 0 until set
 *		or fixed to HV_CAP_MAX_VCPU_ID by the first CREATE_VCPU.
 * @dead:	[a] set when hv found the VM inconsistent: ioctls get -EIO.
 * @stats:	[a] counters, read without locks through debugfs.
 * @debugfs:	(c) the VM's debugfs directory, or an error pointer.
 * @buses:	[r][s] in-kernel devices by bus (<linux/hv_irq.h>).
 * @irq_lock:	serializes routing table and ack notifier changes.
 * @irq_srcu:	protects @irq_routing and @irq_ack_notifier_list.
 * @irq_routing: [irq_srcu readers, irq_lock writers] GSI routes.
 * @irq_ack_notifier_list: [irq_srcu readers, irq_lock writers].
 * @irqfds:	irqfd state (hv_eventfd.c): list, its lock, the
 *		resampler list and its mutex.
 * @ioeventfds: [s] ioeventfds, for duplicate checks.
 * @coalesced_mmio_ring: (c) the VM's coalesced MMIO ring page, mapped by
 *		every vCPU at page HV_COALESCED_MMIO_PAGE_OFFSET.
 * @coalesced_mmio_lock: serializes ring producers.
 * @coalesced_zones: [s] registered zones.
 * @arch:	[l] architecture state.
 */
struct hv_vm {
	struct mm_struct *mm;
	const struct hv_backend_ops *ops;
	refcount_t refs;
	struct mutex lock;		/* vCPU creation */
	struct mutex slots_lock;	/* memory slot changes */
	struct srcu_struct srcu;
	struct hv_memslots __rcu *memslots;
	struct hv_memslots memslot_sets[2];
	struct xarray memslot_ids;
	spinlock_t mmu_lock;		/* nested page tables */
	unsigned long mmu_invalidate_seq;
	long mmu_invalidate_in_progress;
	unsigned long mmu_invalidate_start;
	unsigned long mmu_invalidate_end;
	const struct hv_memslot *dying_slot;
	struct mmu_notifier mmu_notifier;
	struct xarray vcpus;
	atomic_t nr_vcpus;
	u32 created_vcpus;
	u32 max_vcpu_ids;
	bool dead;
	struct hv_vm_stats stats;
	struct dentry *debugfs;
	struct hv_io_bus __rcu *buses[HV_NR_BUSES];
	struct mutex irq_lock;		/* routing changes */
	struct srcu_struct irq_srcu;
	struct hv_irq_routing_table __rcu *irq_routing;
	struct hlist_head irq_ack_notifier_list;
	struct {
		spinlock_t lock;	/* items */
		struct list_head items;
		struct list_head resampler_list;
		struct mutex resampler_lock;	/* resampler_list */
	} irqfds;
	struct list_head ioeventfds;
	void *coalesced_mmio_ring;
	spinlock_t coalesced_mmio_lock;	/* ring producers */
	struct list_head coalesced_zones;
	struct hv_vm_arch arch;
};

/* Where a vCPU thread is, for the request/kick protocol. */
enum hv_vcpu_mode {
	HV_OUTSIDE_GUEST_MODE,
	HV_IN_GUEST_MODE,
};

/* Work a vCPU must do before its next guest entry (hv_vcpu.requests). */
#define HV_REQ_TLB_FLUSH	0
/* Re-evaluate pending interrupts (an interrupt controller changed). */
#define HV_REQ_EVENT		1

/**
 * struct hv_vcpu - one virtual CPU (core part; a backend embeds it)
 * @vm:		(c) its VM, on which it holds a reference.
 * @vcpu_id:	(c) the id userspace chose (CREATE_VCPU argument).
 * @mutex:	serializes the vCPU's ioctls.
 * @run:	(c) the page shared with userspace (mmap offset 0).
 * @pio_data:	(c) the PIO data page (mmap offset 1).
 * @preempt_notifier: [v] registered while an ioctl runs on the vCPU.
 * @cpu:	[v] the physical CPU the vCPU was last loaded on, or -1.
 * @srcu_idx:	[v] the VM's SRCU read-side index while RUN holds it.
 * @mode:	[a] HV_IN_GUEST_MODE between the last request check and
 *		the guest exit; read by hv_vm_request_all().
 * @requests:	[a] HV_REQ_* bits.
 * @wait:	the vCPU thread sleeps here while its vCPU is halted
 *		(hv_vcpu_block()); hv_vcpu_kick() wakes it.  An rcuwait,
 *		not a wait queue: there is only ever one waiter, the thread
 *		in RUN, and waking it takes no lock.
 * @halt_poll_ns: [v] how long hv_vcpu_block() spins before it sleeps.
 * @kick_csd:	(c) the IPI hv_vcpu_kick() sends to take it out of the
 *		guest.
 * @sigset:	[v] signals blocked while RUN is in the guest
 *		(HV_SET_SIGNAL_MASK).
 * @sigset_active: [v] @sigset applies.
 * @stats:	[v] counters, read without locks.
 * @arch:	[v] architecture state.
 */
struct hv_vcpu {
	struct hv_vm *vm;
	u32 vcpu_id;
	struct mutex mutex;		/* the vCPU's ioctls */
	struct hv_run *run;
	void *pio_data;
	struct preempt_notifier preempt_notifier;
	int cpu;
	int srcu_idx;
	int mode;
	unsigned long requests;
	struct rcuwait wait;
	u32 halt_poll_ns;
	call_single_data_t kick_csd;
	sigset_t sigset;
	bool sigset_active;
	struct hv_vcpu_stats stats;
	struct hv_vcpu_arch arch;
};

static inline bool hv_test_and_clear_request(struct hv_vcpu *vcpu, int req)
{
	return test_and_clear_bit(req, &vcpu->requests);
}

void hv_vm_request_all(struct hv_vm *vm, int req);

/*
 * Make @vcpu notice new work: wake it if it sleeps in hv_vcpu_block(),
 * interrupt it (IPI) if it is in guest mode on another CPU.  Any context.
 */
void hv_vcpu_kick(struct hv_vcpu *vcpu);
/* Set request @req on @vcpu, then kick it.  Any context. */
void hv_vcpu_make_request(struct hv_vcpu *vcpu, int req);
/*
 * In the run loop: sleep until hv_arch_vcpu_runnable(), a signal, or
 * the VM dies.  The vCPU thread, vCPU mutex held, SRCU not held, preemption
 * enabled.
 */
void hv_vcpu_block(struct hv_vcpu *vcpu);
/* The arch's answer: the vCPU may enter the guest (not halted, INIT...). */
bool hv_arch_vcpu_runnable(struct hv_vcpu *vcpu);

/*
 * RUN holds the VM's SRCU read lock (the memory slots) around the guest
 * entries; code that blocks for long inside RUN (a powered-off arm64 vCPU
 * waiting for PSCI CPU_ON) drops it, or a slot change would wait for it.
 */
static inline void hv_vcpu_srcu_read_lock(struct hv_vcpu *vcpu)
	__acquires(&vcpu->vm->srcu)
{
	vcpu->srcu_idx = srcu_read_lock(&vcpu->vm->srcu);
}

static inline void hv_vcpu_srcu_read_unlock(struct hv_vcpu *vcpu)
	__releases(&vcpu->vm->srcu)
{
	srcu_read_unlock(&vcpu->vm->srcu, vcpu->srcu_idx);
}

void hv_vm_mark_dead(struct hv_vm *vm);

/**
 * struct hv_backend_ops - what a hardware backend provides to the core
 * @name:	short name used in log lines ("svm", "vmx").
 * @owner:	the backend module; every VM holds a reference on it.
 * @conflicts:	NULL-terminated names of modules that drive the same
 *		hardware ("kvm_amd").  The core refuses to register while one
 *		is loaded and refuses to let one load while registered.
 * @vm_size:	bytes of the backend's VM, which embeds struct hv_vm first.
 * @vcpu_size:	bytes of the backend's vCPU, which embeds struct hv_vcpu.
 * @hardware_setup:	called once, before any CPU is enabled; may sleep.
 *		Allocates per-CPU resources and hooks emergency paths.
 * @hardware_unsetup:	undoes @hardware_setup after every CPU is disabled;
 *		may sleep.  Optional.
 * @cpu_enable:	turn the extension on for the calling CPU.  Runs on that
 *		CPU with preemption disabled (hotplug thread, or syscore
 *		resume with interrupts off too); must not sleep.  Returns 0
 *		or a negative errno (-EBUSY if another hypervisor owns it).
 * @cpu_disable: turn the extension off on the calling CPU if @cpu_enable
 *		turned it on; same context rules.  Must be idempotent.
 * @check_extension: value of a backend-specific capability for
 *		CHECK_EXTENSION, 0 if unknown.  Optional; may sleep.
 * @vm_init:	set up the backend part of a new VM (zeroed); may sleep.
 * @vm_destroy:	free it; no vCPU remains.  May sleep.
 * @vcpu_create: set up the backend part of a vCPU after the core and
 *		arch parts; may sleep.
 * @vcpu_free:	free it; may sleep.
 * @vcpu_load:	the vCPU thread now runs on @cpu; preemption disabled.
 * @vcpu_put:	the vCPU thread leaves its CPU; preemption disabled.
 * @vcpu_run:	enter the guest once and handle the exit.  vCPU mutex held,
 *		vCPU loaded, SRCU read lock held, preemption enabled.  The
 *		backend drops SRCU (hv_vcpu_srcu_read_unlock()) while in
 *		guest mode and takes it again before handling the exit: a
 *		guest that runs without exits must not hold up a slot
 *		change, which zaps and flushes the mappings it removes.
 *		Returns 1 to re-enter, 0 to return to userspace with
 *		hv_run.exit_reason set, or a negative errno.
 * @zap_gfn_range: remove nested mappings of [@start, @end) gfns; mmu_lock
 *		held, must not sleep.  Returns whether anything was removed
 *		(then the core flushes every vCPU's TLB).
 * @arch:	architecture-specific operations (<asm/hv_host.h>).
 */
struct hv_backend_ops {
	const char *name;
	struct module *owner;
	const char *const *conflicts;
	size_t vm_size;
	size_t vcpu_size;

	int (*hardware_setup)(void);
	void (*hardware_unsetup)(void);
	int (*cpu_enable)(void);
	void (*cpu_disable)(void);

	long (*check_extension)(long cap);

	int (*vm_init)(struct hv_vm *vm);
	void (*vm_destroy)(struct hv_vm *vm);
	int (*vcpu_create)(struct hv_vcpu *vcpu);
	void (*vcpu_free)(struct hv_vcpu *vcpu);
	void (*vcpu_load)(struct hv_vcpu *vcpu, int cpu);
	void (*vcpu_put)(struct hv_vcpu *vcpu);
	int (*vcpu_run)(struct hv_vcpu *vcpu);
	bool (*zap_gfn_range)(struct hv_vm *vm, u64 start, u64 end);

	struct hv_arch_backend_ops arch;
};

/*
 * A backend without vcpu_run can create VMs but not vCPUs (a backend under
 * construction): CREATE_VCPU gets -EOPNOTSUPP and no vCPU or memory
 * capability is advertised.
 */
static inline bool hv_backend_runs_vcpus(const struct hv_backend_ops *ops)
{
	return ops->vcpu_run;
}

/*
 * Around the world switch, with interrupts off: account the time to the
 * guest (PF_VCPU, or vtime), and tell RCU the CPU is in a quiescent state
 * (context tracking's guest state where it is enabled).  Nothing between
 * hv_guest_enter_irqoff() and hv_guest_exit_irqoff() may use RCU or
 * tracing.  hv_guest_timing_exit_irqoff() ends the guest time after the
 * host took the interrupts pending at the exit, so that the tick which
 * interrupted the guest is counted as guest time.
 */
static __always_inline void hv_guest_enter_irqoff(void)
{
	vtime_account_guest_enter();
	if (!context_tracking_guest_enter())
		rcu_virt_note_context_switch(smp_processor_id());
}

static __always_inline void hv_guest_exit_irqoff(void)
{
	context_tracking_guest_exit();
}

static __always_inline void hv_guest_timing_exit_irqoff(void)
{
	vtime_account_guest_exit();
}

int hv_core_register_backend(const struct hv_backend_ops *ops);
void hv_core_unregister_backend(const struct hv_backend_ops *ops);

/*
 * Page-table pages a nested fault may need, allocated before mmu_lock is
 * taken (the fault path must not allocate under a spinlock), as KVM's
 * kvm_mmu_memory_cache.  One per vCPU, used under its mutex.
 */
#define HV_MMU_CACHE_PAGES	4	/* levels below a 5-level root */

struct hv_mmu_page_cache {
	int nr;
	void *pages[HV_MMU_CACHE_PAGES];
};

/* Fill @cache to @min zeroed pages (GFP_KERNEL_ACCOUNT); -ENOMEM. */
int hv_mmu_cache_topup(struct hv_mmu_page_cache *cache, int min);
void hv_mmu_cache_free(struct hv_mmu_page_cache *cache);

/* A page from a cache topped up for this fault; mmu_lock may be held. */
static inline void *hv_mmu_cache_alloc(struct hv_mmu_page_cache *cache)
{
	return cache->pages[--cache->nr];
}

/*
 * Guest memory access for the fault path.  hv_mmu_fault_begin() returns
 * the invalidate sequence to pass to hv_mmu_fault_retry(), which, under
 * mmu_lock, says whether an invalidation raced with the fault so the pfn
 * must not be installed.
 */
unsigned long hv_mmu_fault_begin(struct hv_vm *vm);
bool hv_mmu_fault_retry(struct hv_vm *vm, unsigned long seq,
			unsigned long hva);

int hv_read_guest(struct hv_vm *vm, u64 gpa, void *data, unsigned long len);
int hv_write_guest(struct hv_vm *vm, u64 gpa, const void *data,
		   unsigned long len);

#endif /* _LINUX_HV_HOST_H */

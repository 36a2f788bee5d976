/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Declarations shared by the files of the hv core module (hv.ko).
 * Backends see <linux/hv_host.h> only.
 */
#ifndef _HV_INTERNAL_H
#define _HV_INTERNAL_H

#include <linux/fs.h>
#include <linux/hv_host.h>

/* Bounds of CREATE_VCPU (HV_CAP_MAX_VCPUS, HV_CAP_MAX_VCPU_ID). */
#define HV_MAX_VCPUS		256
#define HV_MAX_VCPU_IDS		1024

/* hv_backend.c: the registered backend and per-CPU hardware state. */
int hv_backend_init(void);
void hv_backend_exit(void);
const struct hv_backend_ops *hv_backend_get(void);
void hv_backend_put(const struct hv_backend_ops *ops);

/* hv_vm.c: VM file descriptors and lifetime. */
int hv_vm_create(unsigned long type);
void hv_vm_get(struct hv_vm *vm);
void hv_vm_put(struct hv_vm *vm);

/* hv_vcpu.c: vCPU file descriptors and the run loop. */
int hv_vcpu_create(struct hv_vm *vm, unsigned long id);
void hv_vcpu_exit(void);
void hv_vcpus_free(struct hv_vm *vm);

/* hv_memslot.c: memory slots. */
int hv_memslots_init(struct hv_vm *vm);
void hv_memslots_free(struct hv_vm *vm);
struct hv_memslot *hv_hva_node_slot(struct interval_tree_node *node, int idx);
int hv_vm_set_memory_region(struct hv_vm *vm,
			    const struct hv_userspace_memory_region *mem);

/* hv_mmu.c: the MMU notifier. */
int hv_mmu_notifier_register(struct hv_vm *vm);
void hv_mmu_notifier_unregister(struct hv_vm *vm);

/* hv_iobus.c: in-kernel device buses. */
void hv_io_buses_free(struct hv_vm *vm);

/* hv_irqchip.c: GSI routing and its VM ioctls. */
int hv_irq_map_gsi(struct hv_vm *vm,
		   struct hv_kernel_irq_routing_entry *entries, u32 gsi);
void hv_irq_routing_free(struct hv_vm *vm);
int hv_vm_ioctl_set_gsi_routing(struct hv_vm *vm,
				struct hv_irq_routing __user *argp);
int hv_vm_ioctl_irq_line(struct hv_vm *vm, struct hv_irq_level __user *argp,
			 bool status);
int hv_vm_ioctl_signal_msi(struct hv_vm *vm, struct hv_msi __user *argp);

/* hv_eventfd.c: irqfd and ioeventfd. */
int hv_eventfd_init(void);
void hv_eventfd_exit(void);
int hv_vm_ioctl_irqfd(struct hv_vm *vm, const struct hv_irqfd *args);
void hv_irqfd_routing_update(struct hv_vm *vm);
void hv_irqfd_release(struct hv_vm *vm);
int hv_vm_ioctl_ioeventfd(struct hv_vm *vm, const struct hv_ioeventfd *args);
void hv_ioeventfds_free(struct hv_vm *vm);

/* hv_coalesced_mmio.c: the coalesced MMIO/PIO ring and zones. */
int hv_coalesced_mmio_init(struct hv_vm *vm);
void hv_coalesced_mmio_free(struct hv_vm *vm);
int hv_vm_ioctl_register_coalesced_mmio(struct hv_vm *vm,
					const struct hv_coalesced_mmio_zone *zone);
int hv_vm_ioctl_unregister_coalesced_mmio(struct hv_vm *vm,
					  const struct hv_coalesced_mmio_zone *zone);

/* hv_stats.c: counters in debugfs. */
void hv_stats_init(void);
void hv_stats_exit(void);
void hv_stats_vm_init(struct hv_vm *vm, int fd);
void hv_stats_vm_destroy(struct hv_vm *vm);
void hv_stats_vcpu_init(struct hv_vcpu *vcpu);

/* hv_main.c: capabilities common to the system and VM fds. */
long hv_check_extension(const struct hv_backend_ops *ops, long cap);

#endif /* _HV_INTERNAL_H */

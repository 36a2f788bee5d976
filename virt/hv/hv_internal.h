/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Declarations shared by the files of the hv core module (hv.ko).
 * Nothing here is visible to backends: their contract is <linux/hv_host.h>.
 */
#ifndef _HV_INTERNAL_H
#define _HV_INTERNAL_H

#include <linux/fs.h>
#include <linux/hv_host.h>

/* hv_backend.c: the registered backend and per-CPU hardware state. */
int hv_backend_init(void);
void hv_backend_exit(void);
const struct hv_backend_ops *hv_backend_get(void);
void hv_backend_put(const struct hv_backend_ops *ops);

/* hv_vm.c: VM file descriptors. */
int hv_vm_create(unsigned long type);

/* hv_main.c: capabilities common to the system and VM fds. */
long hv_check_extension(const struct hv_backend_ops *ops, long cap);

#endif /* _HV_INTERNAL_H */
